/*
 * test_readwrite.c — read, write, pread64, pwrite64, readv, writev, lseek:
 * offsets, end of file, sparse files and holes, access modes, ESPIPE,
 * EFAULT and short transfers at the edge of user memory.
 */
#include <string.h>

#include "harness.h"

static long open_file_with(const char *path, const char *contents, unsigned flags)
{
    create_file(path, contents);
    return OK(open_path(path, flags, 0));
}

static void write_then_read_back_through_the_offset(void **state)
{
    long fd = OK(open_path("/file", O_RDWR | O_CREAT, 0644));
    CHECK(write_text((int)fd, "hello, "), 7);
    CHECK(write_text((int)fd, "world"), 5);
    CHECK(sys(SYS_lseek, fd, 0, SEEK_CUR), 12);
    CHECK(sys(SYS_lseek, fd, 0, SEEK_SET), 0);
    char text[32] = { 0 };
    CHECK(read_fd((int)fd, text, 5), 5);
    CHECK(read_fd((int)fd, text + 5, sizeof text - 6), 7);
    assert_string_equal(text, "hello, world");
    CHECK(read_fd((int)fd, text, sizeof text), 0); /* end of file */
    CHECK(read_fd((int)fd, text, sizeof text), 0);
}

static void read_and_write_need_the_right_access_mode(void **state)
{
    long reader = open_file_with("/file", "abc", O_RDONLY);
    long writer = OK(open_path("/file", O_WRONLY, 0));
    char byte;
    CHECK(write_text((int)reader, "x"), -EBADF);
    CHECK(read_fd((int)writer, &byte, 1), -EBADF);
    CHECK(pread_fd((int)writer, &byte, 1, 0), -EBADF);
    CHECK(pwrite_fd((int)reader, "x", 1, 0), -EBADF);
    CHECK(read_fd(-1, &byte, 1), -EBADF);
    CHECK(write_text(99, "x"), -EBADF);
}

static void reading_a_directory_is_eisdir(void **state)
{
    create_directory("/dir");
    long fd = OK(open_path("/dir", O_RDONLY, 0));
    char byte;
    CHECK(read_fd((int)fd, &byte, 1), -EISDIR);
    CHECK(pread_fd((int)fd, &byte, 1, 0), -EISDIR);
    CHECK(write_text((int)fd, "x"), -EBADF);
}

static void zero_length_transfers_return_zero(void **state)
{
    long fd = open_file_with("/file", "abc", O_RDWR);
    CHECK(sys(SYS_read, fd, 0, 0), 0);
    CHECK(sys(SYS_write, fd, 0, 0), 0);
    CHECK(sys(SYS_read, fd, HARNESS_UNMAPPED, 0), 0);
    CHECK(sys(SYS_lseek, fd, 0, SEEK_CUR), 0);
    struct test_stat st;
    CHECK(fstat_fd((int)fd, &st), 0);
    CHECK(st.st_size, 3);
}

static void bad_buffers_are_efault(void **state)
{
    long fd = open_file_with("/file", "some data", O_RDWR);
    CHECK(sys(SYS_read, fd, HARNESS_UNMAPPED, 4), -EFAULT);
    CHECK(sys(SYS_read, fd, HARNESS_KERNEL_ADDRESS, 4), -EFAULT);
    CHECK(sys(SYS_read, fd, HARNESS_READONLY, 4), -EFAULT);
    CHECK(sys(SYS_lseek, fd, 0, SEEK_CUR), 0); /* nothing was consumed */
    CHECK(sys(SYS_write, fd, HARNESS_UNMAPPED, 4), -EFAULT);
    CHECK(sys(SYS_write, fd, 0, 4), -EFAULT);
    CHECK(sys(SYS_pread64, fd, HARNESS_UNMAPPED, 4, 0), -EFAULT);
    CHECK(sys(SYS_pwrite64, fd, HARNESS_KERNEL_ADDRESS, 4, 0), -EFAULT);
    /* Writing from read-only memory is fine. */
    user_readonly_fill("RO", 2);
    CHECK(sys(SYS_write, fd, HARNESS_READONLY, 2), 2);
    char text[16];
    CHECK(read_file("/file", text, sizeof text), 9);
    assert_string_equal(text, "ROme data");
}

static void a_read_running_into_unmapped_memory_is_short(void **state)
{
    char data[200];
    for (int i = 0; i < 200; i++)
        data[i] = (char)('a' + i % 26);
    long fd = OK(open_path("/file", O_RDWR | O_CREAT, 0644));
    CHECK(write_fd((int)fd, data, 200), 200);
    CHECK(sys(SYS_lseek, fd, 0, SEEK_SET), 0);
    uintptr_t tail = user_tail(100);
    CHECK(sys(SYS_read, fd, tail, 200), 100);
    char got[100];
    user_read(got, tail, 100);
    assert_memory_equal(got, data, 100);
    CHECK(sys(SYS_lseek, fd, 0, SEEK_CUR), 100);
}

static void a_write_running_into_unmapped_memory_is_short(void **state)
{
    long fd = OK(open_path("/file", O_RDWR | O_CREAT, 0644));
    uintptr_t tail = user_tail(100);
    char data[100];
    memset(data, 'w', sizeof data);
    user_write(tail, data, 100);
    CHECK(sys(SYS_write, fd, tail, 300), 100);
    struct test_stat st;
    CHECK(fstat_fd((int)fd, &st), 0);
    CHECK(st.st_size, 100);
    CHECK(sys(SYS_lseek, fd, 0, SEEK_CUR), 100);
}

static void pread_and_pwrite_leave_the_offset_alone(void **state)
{
    long fd = open_file_with("/file", "0123456789", O_RDWR);
    CHECK(sys(SYS_lseek, fd, 2, SEEK_SET), 2);
    char text[8] = { 0 };
    CHECK(pread_fd((int)fd, text, 3, 5), 3);
    assert_string_equal(text, "567");
    CHECK(pwrite_fd((int)fd, "AB", 2, 8), 2);
    CHECK(sys(SYS_lseek, fd, 0, SEEK_CUR), 2);
    CHECK(pread_fd((int)fd, text, 8, 20), 0); /* beyond the end */
    char all[16];
    CHECK(read_file("/file", all, sizeof all), 10);
    assert_string_equal(all, "01234567AB");
}

static void pread_and_pwrite_refuse_negative_offsets(void **state)
{
    long fd = open_file_with("/file", "abc", O_RDWR);
    char byte;
    CHECK(pread_fd((int)fd, &byte, 1, -1), -EINVAL);
    CHECK(pwrite_fd((int)fd, "x", 1, -4096), -EINVAL);
}

static void pwrite_beyond_the_end_leaves_a_hole_of_zeroes(void **state)
{
    long fd = open_file_with("/file", "head", O_RDWR);
    CHECK(pwrite_fd((int)fd, "tail", 4, 10000), 4);
    struct test_stat st;
    CHECK(fstat_fd((int)fd, &st), 0);
    CHECK(st.st_size, 10004);
    char buffer[10004];
    CHECK(pread_fd((int)fd, buffer, sizeof buffer, 0), 10004);
    assert_memory_equal(buffer, "head", 4);
    for (int i = 4; i < 10000; i++)
        if (buffer[i] != 0)
            fail_msg("byte %d of the hole is %d", i, buffer[i]);
    assert_memory_equal(buffer + 10000, "tail", 4);
}

static void sparse_files_allocate_only_what_was_written(void **state)
{
    long fd = OK(open_path("/sparse", O_RDWR | O_CREAT, 0644));
    CHECK(sys(SYS_lseek, fd, 1 << 20, SEEK_SET), 1 << 20);
    CHECK(write_text((int)fd, "x"), 1);
    struct test_stat st;
    CHECK(fstat_fd((int)fd, &st), 0);
    CHECK(st.st_size, (1 << 20) + 1);
    CHECK(st.st_blocks, 8); /* one 4 KiB page */
    char buffer[4096];
    memset(buffer, 0x55, sizeof buffer);
    CHECK(pread_fd((int)fd, buffer, sizeof buffer, 512 * 1024), 4096);
    for (size_t i = 0; i < sizeof buffer; i++)
        if (buffer[i] != 0)
            fail_msg("hole byte %zu is %d", i, buffer[i]);
    CHECK(pread_fd((int)fd, buffer, 10, 1 << 20), 1);
    CHECK(buffer[0], 'x');
}

static void lseek_whence_values(void **state)
{
    long fd = open_file_with("/file", "0123456789", O_RDONLY);
    CHECK(sys(SYS_lseek, fd, 4, SEEK_SET), 4);
    CHECK(sys(SYS_lseek, fd, 3, SEEK_CUR), 7);
    CHECK(sys(SYS_lseek, fd, -2, SEEK_CUR), 5);
    CHECK(sys(SYS_lseek, fd, -3, SEEK_END), 7);
    CHECK(sys(SYS_lseek, fd, 100, SEEK_END), 110);
    char byte;
    CHECK(read_fd((int)fd, &byte, 1), 0);
    CHECK(sys(SYS_lseek, fd, 0, SEEK_END), 10);
}

static void lseek_errors(void **state)
{
    long fd = open_file_with("/file", "0123456789", O_RDONLY);
    CHECK(sys(SYS_lseek, fd, 3, SEEK_SET), 3);
    CHECK(sys(SYS_lseek, fd, -1, SEEK_SET), -EINVAL);
    CHECK(sys(SYS_lseek, fd, -4, SEEK_CUR), -EINVAL);
    CHECK(sys(SYS_lseek, fd, -11, SEEK_END), -EINVAL);
    CHECK(sys(SYS_lseek, fd, 0, 7), -EINVAL);
    CHECK(sys(SYS_lseek, fd, 0, SEEK_CUR), 3); /* unchanged by the failures */
    CHECK(sys(SYS_lseek, 99, 0, SEEK_SET), -EBADF);
}

static void lseek_on_a_pipe_is_espipe(void **state)
{
    uintptr_t fds = user_alloc(8);
    CHECK(sys(SYS_pipe, fds), 0);
    int pair[2];
    user_read(pair, fds, sizeof pair);
    CHECK(sys(SYS_lseek, pair[0], 0, SEEK_SET), -ESPIPE);
    CHECK(sys(SYS_lseek, pair[1], 0, SEEK_CUR), -ESPIPE);
    char byte;
    CHECK(pread_fd(pair[0], &byte, 1, 0), -ESPIPE);
    CHECK(pwrite_fd(pair[1], "x", 1, 0), -ESPIPE);
}

static void readv_scatters_in_order(void **state)
{
    long fd = open_file_with("/file", "abcdefghij", O_RDONLY);
    uintptr_t first = user_alloc(3), second = user_alloc(4), third = user_alloc(8);
    struct test_iovec vector[4] = {
        { first, 3 }, { second, 0 }, { second, 4 }, { third, 8 },
    };
    uintptr_t iov = user_alloc(sizeof vector);
    user_write(iov, vector, sizeof vector);
    CHECK(sys(SYS_readv, fd, iov, 4), 10);
    char text[9] = { 0 };
    user_read(text, first, 3);
    assert_memory_equal(text, "abc", 3);
    user_read(text, second, 4);
    assert_memory_equal(text, "defg", 4);
    user_read(text, third, 3);
    assert_memory_equal(text, "hij", 3);
    CHECK(sys(SYS_readv, fd, iov, 4), 0);
}

static void writev_gathers_in_order(void **state)
{
    long fd = OK(open_path("/file", O_RDWR | O_CREAT, 0644));
    struct test_iovec vector[3] = {
        { U("one "), 4 }, { U("two "), 4 }, { U("three"), 5 },
    };
    uintptr_t iov = user_alloc(sizeof vector);
    user_write(iov, vector, sizeof vector);
    CHECK(sys(SYS_writev, fd, iov, 3), 13);
    char text[32];
    CHECK(read_file("/file", text, sizeof text), 13);
    assert_string_equal(text, "one two three");
}

static void readv_and_writev_validate_the_vector(void **state)
{
    long fd = open_file_with("/file", "abc", O_RDWR);
    uintptr_t buffer = user_alloc(8);
    struct test_iovec vector[2] = { { buffer, 4 }, { buffer, (uint64_t)-1 } };
    uintptr_t iov = user_alloc(sizeof vector);
    user_write(iov, vector, sizeof vector);
    CHECK(sys(SYS_readv, fd, iov, 2), -EINVAL);          /* length beyond SSIZE_MAX */
    CHECK(sys(SYS_readv, fd, iov, 1025), -EINVAL);       /* more than IOV_MAX */
    CHECK(sys(SYS_writev, fd, iov, -1), -EINVAL);
    CHECK(sys(SYS_readv, fd, HARNESS_UNMAPPED, 1), -EFAULT);
    CHECK(sys(SYS_writev, fd, HARNESS_KERNEL_ADDRESS, 2), -EFAULT);
    CHECK(sys(SYS_readv, fd, iov, 0), 0);
    CHECK(sys(SYS_readv, 99, iov, 1), -EBADF);
    CHECK(sys(SYS_lseek, fd, 0, SEEK_CUR), 0);
}

static void writev_stops_at_a_bad_segment(void **state)
{
    long fd = OK(open_path("/file", O_RDWR | O_CREAT, 0644));
    struct test_iovec vector[3] = {
        { U("good"), 4 }, { HARNESS_UNMAPPED, 4 }, { U("more"), 4 },
    };
    uintptr_t iov = user_alloc(sizeof vector);
    user_write(iov, vector, sizeof vector);
    CHECK(sys(SYS_writev, fd, iov, 3), 4);
    char text[16];
    CHECK(read_file("/file", text, sizeof text), 4);
    assert_string_equal(text, "good");
}

static void readv_stops_at_a_bad_segment(void **state)
{
    long fd = open_file_with("/file", "abcdefgh", O_RDONLY);
    uintptr_t buffer = user_alloc(8);
    struct test_iovec vector[3] = {
        { buffer, 3 }, { HARNESS_UNMAPPED, 3 }, { buffer + 3, 2 },
    };
    uintptr_t iov = user_alloc(sizeof vector);
    user_write(iov, vector, sizeof vector);
    CHECK(sys(SYS_readv, fd, iov, 3), 3);
    CHECK(sys(SYS_lseek, fd, 0, SEEK_CUR), 3);
}

static void two_opens_have_independent_offsets(void **state)
{
    long first = open_file_with("/file", "abcdef", O_RDONLY);
    long second = OK(open_path("/file", O_RDONLY, 0));
    char text[4] = { 0 };
    CHECK(read_fd((int)first, text, 3), 3);
    assert_string_equal(text, "abc");
    CHECK(read_fd((int)second, text, 3), 3);
    assert_string_equal(text, "abc");
    CHECK(sys(SYS_lseek, first, 0, SEEK_CUR), 3);
}

static void writes_through_one_description_are_seen_by_another(void **state)
{
    long writer = OK(open_path("/file", O_WRONLY | O_CREAT, 0644));
    long reader = OK(open_path("/file", O_RDONLY, 0));
    CHECK(write_text((int)writer, "first"), 5);
    char text[16] = { 0 };
    CHECK(read_fd((int)reader, text, sizeof text), 5);
    assert_string_equal(text, "first");
    CHECK(write_text((int)writer, "+second"), 7);
    memset(text, 0, sizeof text);
    CHECK(read_fd((int)reader, text, sizeof text), 7);
    assert_string_equal(text, "+second");
}

static void overwriting_in_the_middle_keeps_the_size(void **state)
{
    long fd = open_file_with("/file", "0123456789", O_RDWR);
    CHECK(sys(SYS_lseek, fd, 4, SEEK_SET), 4);
    CHECK(write_text((int)fd, "xy"), 2);
    char text[16];
    CHECK(read_file("/file", text, sizeof text), 10);
    assert_string_equal(text, "0123xy6789");
}

static void large_writes_span_many_pages(void **state)
{
    enum { SIZE = 40000 };
    static char data[SIZE], back[SIZE];
    for (int i = 0; i < SIZE; i++)
        data[i] = (char)(i * 7 + i / 4096);
    long fd = OK(open_path("/big", O_RDWR | O_CREAT, 0644));
    CHECK(pwrite_fd((int)fd, data, SIZE, 100), SIZE);
    CHECK(pread_fd((int)fd, back, SIZE, 100), SIZE);
    assert_memory_equal(back, data, SIZE);
    struct test_stat st;
    CHECK(fstat_fd((int)fd, &st), 0);
    CHECK(st.st_size, SIZE + 100);
    CHECK(st.st_blocks, 10 * 8); /* bytes 0..40099: ten pages */
}

static void huge_offsets_in_a_sparse_file(void **state)
{
    long fd = OK(open_path("/file", O_RDWR | O_CREAT, 0644));
    const int64_t far = (int64_t)1 << 40;
    CHECK(pwrite_fd((int)fd, "far", 3, far), 3);
    struct test_stat st;
    CHECK(fstat_fd((int)fd, &st), 0);
    CHECK(st.st_size, far + 3);
    CHECK(st.st_blocks, 8);
    char text[4] = { 0 };
    CHECK(pread_fd((int)fd, text, 3, far), 3);
    assert_string_equal(text, "far");
    CHECK(sys(SYS_ftruncate, fd, (int64_t)1 << 62), 0);
    CHECK(fstat_fd((int)fd, &st), 0);
    CHECK(st.st_size, (int64_t)1 << 62);
    CHECK(pread_fd((int)fd, text, 3, ((int64_t)1 << 62) - 1), 1);
    CHECK(sys(SYS_lseek, fd, ((int64_t)1 << 62) + 10, SEEK_SET), ((int64_t)1 << 62) + 10);
    CHECK(read_fd((int)fd, text, 1), 0);
}

static void transfers_whose_end_overflows_the_offset_are_einval(void **state)
{
    long fd = OK(open_path("/file", O_RDWR | O_CREAT, 0644));
    char byte;
    CHECK(pwrite_fd((int)fd, "x", 1, INT64_MAX), -EINVAL);
    CHECK(pread_fd((int)fd, &byte, 1, INT64_MAX), -EINVAL);
    CHECK(pwrite_fd((int)fd, "xy", 2, INT64_MAX - 1), -EINVAL);
    CHECK(sys(SYS_lseek, fd, INT64_MAX, SEEK_SET), INT64_MAX);
    CHECK(write_text((int)fd, "x"), -EINVAL);
    CHECK(read_fd((int)fd, &byte, 1), -EINVAL);
    CHECK(sys(SYS_lseek, fd, 1, SEEK_CUR), -EINVAL); /* would overflow */
    struct test_stat st;
    CHECK(fstat_fd((int)fd, &st), 0);
    CHECK(st.st_size, 0);
}

static void appends_through_two_descriptions_interleave(void **state)
{
    create_file("/log", "");
    long first = OK(open_path("/log", O_WRONLY | O_APPEND, 0));
    long second = OK(open_path("/log", O_WRONLY | O_APPEND, 0));
    CHECK(write_text((int)first, "1"), 1);
    CHECK(write_text((int)second, "22"), 2);
    CHECK(write_text((int)first, "333"), 3);
    CHECK(sys(SYS_lseek, first, 0, SEEK_CUR), 6);
    CHECK(sys(SYS_lseek, second, 0, SEEK_CUR), 3);
    char text[16];
    CHECK(read_file("/log", text, sizeof text), 6);
    assert_string_equal(text, "122333");
}

static void a_count_that_wraps_the_address_space_is_efault(void **state)
{
    long fd = open_file_with("/file", "0123456789", O_RDWR);
    uintptr_t buffer = user_alloc(16);
    CHECK(sys(SYS_read, fd, buffer, (uint64_t)-1), -EFAULT);
    CHECK(sys(SYS_write, fd, buffer, (uint64_t)-1), -EFAULT);
    CHECK(sys(SYS_lseek, fd, 0, SEEK_CUR), 0);
    /* A huge count that stays inside the user half is clamped, not refused. */
    CHECK(sys(SYS_read, fd, buffer, (uint64_t)1 << 31), 10);
}

static void seek_data_and_seek_hole_find_the_written_pages(void **state)
{
    long fd = OK(open_path("/sparse", O_RDWR | O_CREAT, 0644));
    CHECK(pwrite_fd((int)fd, "data", 4, 1 << 20), 4);
    CHECK(sys(SYS_lseek, fd, 0, 3 /* SEEK_DATA */), 1 << 20);
    CHECK(sys(SYS_lseek, fd, 0, 4 /* SEEK_HOLE */), 0);
    CHECK(sys(SYS_lseek, fd, 1 << 20, 4 /* SEEK_HOLE */), (1 << 20) + 4);
    CHECK(sys(SYS_lseek, fd, (1 << 20) + 4, 3 /* SEEK_DATA */), -ENXIO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYSCALL_TEST(write_then_read_back_through_the_offset),
        SYSCALL_TEST(read_and_write_need_the_right_access_mode),
        SYSCALL_TEST(reading_a_directory_is_eisdir),
        SYSCALL_TEST(zero_length_transfers_return_zero),
        SYSCALL_TEST(bad_buffers_are_efault),
        SYSCALL_TEST(a_read_running_into_unmapped_memory_is_short),
        SYSCALL_TEST(a_write_running_into_unmapped_memory_is_short),
        SYSCALL_TEST(pread_and_pwrite_leave_the_offset_alone),
        SYSCALL_TEST(pread_and_pwrite_refuse_negative_offsets),
        SYSCALL_TEST(pwrite_beyond_the_end_leaves_a_hole_of_zeroes),
        SYSCALL_TEST(sparse_files_allocate_only_what_was_written),
        SYSCALL_TEST(lseek_whence_values),
        SYSCALL_TEST(lseek_errors),
        SYSCALL_TEST(lseek_on_a_pipe_is_espipe),
        SYSCALL_TEST(readv_scatters_in_order),
        SYSCALL_TEST(writev_gathers_in_order),
        SYSCALL_TEST(readv_and_writev_validate_the_vector),
        SYSCALL_TEST(writev_stops_at_a_bad_segment),
        SYSCALL_TEST(readv_stops_at_a_bad_segment),
        SYSCALL_TEST(two_opens_have_independent_offsets),
        SYSCALL_TEST(writes_through_one_description_are_seen_by_another),
        SYSCALL_TEST(overwriting_in_the_middle_keeps_the_size),
        SYSCALL_TEST(large_writes_span_many_pages),
        SYSCALL_TEST(huge_offsets_in_a_sparse_file),
        SYSCALL_TEST(transfers_whose_end_overflows_the_offset_are_einval),
        SYSCALL_TEST(appends_through_two_descriptions_interleave),
        SYSCALL_TEST(a_count_that_wraps_the_address_space_is_efault),
        SYSCALL_TEST(seek_data_and_seek_hole_find_the_written_pages),
    };
    return RUN_SYSCALL_TESTS("syscall-readwrite", tests);
}
