/*
 * test_sendfile.c — sendfile (to files, pipes and devices; with an offset
 * pointer or the input's own position; Linux's EBADF / ESPIPE / EINVAL /
 * EFAULT rules) and copy_file_range. Every expected value was checked on
 * the host's Linux with run-on-linux.sh.
 */
#include <string.h>

#include "harness.h"

#define SIGPIPE 13
#define SIG_IGN 1

/* A pipe: fds[0] reads, fds[1] writes. */
static void make_pipe(int fds[2])
{
    uintptr_t buffer = user_alloc(8);
    CHECK(sys(SYS_pipe, buffer), 0);
    user_read(fds, buffer, 2 * sizeof(int));
}

/* An int64 in user memory. */
static uintptr_t user_offset(int64_t value)
{
    uintptr_t address = user_alloc(sizeof value);
    user_write(address, &value, sizeof value);
    return address;
}

static int64_t offset_value(uintptr_t address)
{
    int64_t value;
    user_read(&value, address, sizeof value);
    return value;
}

static void sendfile_with_an_offset_leaves_the_position(void **state)
{
    create_file("/in", "0123456789");
    long in = OK(open_path("/in", O_RDONLY, 0));
    int fds[2];
    make_pipe(fds);
    CHECK(sys(SYS_lseek, in, 1, SEEK_SET), 1);
    uintptr_t offset = user_offset(2);
    CHECK(sys(SYS_sendfile, fds[1], in, offset, 4), 4);
    CHECK(offset_value(offset), 6);
    CHECK(sys(SYS_lseek, in, 0, SEEK_CUR), 1);
    char data[16] = { 0 };
    CHECK(read_fd(fds[0], data, sizeof data), 4);
    assert_string_equal(data, "2345");
}

static void sendfile_without_an_offset_moves_both_positions(void **state)
{
    create_file("/in", "0123456789");
    long in = OK(open_path("/in", O_RDONLY, 0));
    long out = OK(open_path("/out", O_WRONLY | O_CREAT, 0644));
    CHECK(sys(SYS_lseek, in, 3, SEEK_SET), 3);
    CHECK(sys(SYS_sendfile, out, in, 0, 100), 7);
    CHECK(sys(SYS_lseek, in, 0, SEEK_CUR), 10);
    CHECK(sys(SYS_lseek, out, 0, SEEK_CUR), 7);
    char data[16];
    CHECK(read_file("/out", data, sizeof data), 7);
    assert_string_equal(data, "3456789");
    /* At the end of the input: 0. A count of 0: 0. */
    CHECK(sys(SYS_sendfile, out, in, 0, 100), 0);
    CHECK(sys(SYS_sendfile, out, in, 0, 0), 0);
    CHECK(sys(SYS_sendfile, out, in, user_offset(100), 2), 0);
    /* Into the same file, at the output's position. */
    long both = OK(open_path("/in", O_RDWR, 0));
    CHECK(sys(SYS_lseek, both, 10, SEEK_SET), 10);
    CHECK(sys(SYS_sendfile, both, both, user_offset(0), 4), 4);
    CHECK(read_file("/in", data, sizeof data), 14);
    assert_string_equal(data, "01234567890123");
}

static void sendfile_copies_more_than_one_round(void **state)
{
    static char contents[50001];
    for (size_t i = 0; i < sizeof contents - 1; i++)
        contents[i] = (char)('a' + i % 26);
    create_file("/in", contents);
    long in = OK(open_path("/in", O_RDONLY, 0));
    long out = OK(open_path("/out", O_WRONLY | O_CREAT, 0644));
    CHECK(sys(SYS_sendfile, out, in, 0, 1000000), 50000);
    static char back[50001];
    CHECK(read_file("/out", back, sizeof back), 50000);
    assert_memory_equal(back, contents, 50000);
}

static void sendfile_from_dev_zero_to_dev_null(void **state)
{
    long zero = OK(open_path("/dev/zero", O_RDONLY, 0));
    long null = OK(open_path("/dev/null", O_WRONLY, 0));
    CHECK(sys(SYS_sendfile, null, zero, 0, 100000), 100000);
    CHECK(sys(SYS_sendfile, null, zero, user_offset(0), 10), 10);
    long out = OK(open_path("/out", O_WRONLY | O_CREAT, 0644));
    CHECK(sys(SYS_sendfile, out, zero, 0, 5), 5);
    struct test_stat st;
    CHECK(stat_path("/out", &st), 0);
    CHECK(st.st_size, 5);
}

static void sendfile_descriptor_errors(void **state)
{
    create_file("/in", "0123456789");
    create_directory("/dir");
    long in = OK(open_path("/in", O_RDONLY, 0));
    long out = OK(open_path("/out", O_WRONLY | O_CREAT, 0644));
    long writer = OK(open_path("/in", O_WRONLY, 0));
    long appender = OK(open_path("/out", O_WRONLY | O_APPEND, 0));
    long pathfd = OK(open_path("/in", O_PATH, 0));
    long dirfd = OK(open_path("/dir", O_RDONLY | O_DIRECTORY, 0));
    int fds[2];
    make_pipe(fds);
    CHECK(sys(SYS_sendfile, out, 99, 0, 2), -EBADF);
    CHECK(sys(SYS_sendfile, 99, in, 0, 2), -EBADF);
    CHECK(sys(SYS_sendfile, 98, 99, 0, 2), -EBADF);
    CHECK(sys(SYS_sendfile, out, writer, 0, 2), -EBADF);
    CHECK(sys(SYS_sendfile, in, in, 0, 2), -EBADF);          /* output not writable */
    CHECK(sys(SYS_sendfile, dirfd, in, 0, 2), -EBADF);
    CHECK(sys(SYS_sendfile, out, pathfd, 0, 2), -EBADF);
    CHECK(sys(SYS_sendfile, pathfd, in, 0, 2), -EBADF);
    CHECK(sys(SYS_sendfile, appender, in, user_offset(0), 2), -EINVAL);
    CHECK(sys(SYS_sendfile, out, dirfd, 0, 2), -EINVAL);
    CHECK(write_text(fds[1], "ab"), 2);
    CHECK(sys(SYS_sendfile, out, fds[0], 0, 2), -EINVAL);     /* a pipe cannot be read from */
    CHECK(sys(SYS_sendfile, out, fds[0], user_offset(0), 2), -ESPIPE);
    /* Nothing moved: the positions stayed. */
    CHECK(sys(SYS_lseek, in, 0, SEEK_CUR), 0);
    CHECK(sys(SYS_lseek, out, 0, SEEK_CUR), 0);
}

static void sendfile_range_errors(void **state)
{
    create_file("/in", "0123456789");
    long in = OK(open_path("/in", O_RDONLY, 0));
    long out = OK(open_path("/out", O_WRONLY | O_CREAT, 0644));
    CHECK(sys(SYS_sendfile, out, in, HARNESS_UNMAPPED, 2), -EFAULT);
    CHECK(sys(SYS_sendfile, out, 99, HARNESS_KERNEL_ADDRESS, 2), -EFAULT);
    CHECK(sys(SYS_sendfile, out, in, HARNESS_READONLY, 2), -EFAULT); /* written back */
    uintptr_t offset = user_offset(-1);
    CHECK(sys(SYS_sendfile, out, in, offset, 2), -EINVAL);
    CHECK(offset_value(offset), -1);
    CHECK(sys(SYS_sendfile, out, in, user_offset(INT64_MAX), 2), -EINVAL);
    CHECK(sys(SYS_sendfile, out, in, user_offset(0), (uint64_t)-1), -EINVAL);
}

static void sendfile_into_a_pipe_follows_the_pipe_rules(void **state)
{
    create_file("/in", "0123456789");
    long in = OK(open_path("/in", O_RDONLY, 0));
    int fds[2];
    make_pipe(fds);
    CHECK(sys(SYS_fcntl, fds[1], F_SETFL, O_NONBLOCK), 0);
    static char filler[4096];
    while (write_fd(fds[1], filler, sizeof filler) > 0)
        ;
    CHECK(sys(SYS_sendfile, fds[1], in, user_offset(0), 4), -EAGAIN);
    CHECK(sys(SYS_lseek, in, 0, SEEK_CUR), 0);
    int lonely[2];
    make_pipe(lonely);
    CHECK(sys(SYS_close, lonely[0]), 0);
    uintptr_t action = user_alloc(32);
    uint64_t handler = SIG_IGN;
    user_write(action, &handler, sizeof handler);
    CHECK(sys(SYS_rt_sigaction, SIGPIPE, action, 0, 8), 0);
    CHECK(sys(SYS_sendfile, lonely[1], in, 0, 4), -EPIPE);
    CHECK(sys(SYS_lseek, in, 0, SEEK_CUR), 0);
}

static void copy_file_range_copies_between_regular_files(void **state)
{
    create_file("/in", "0123456789");
    long in = OK(open_path("/in", O_RDONLY, 0));
    long out = OK(open_path("/out", O_RDWR | O_CREAT, 0644));
    uintptr_t in_offset = user_offset(2);
    CHECK(sys(SYS_copy_file_range, in, in_offset, out, 0, 5, 0), 5);
    CHECK(offset_value(in_offset), 7);
    CHECK(sys(SYS_lseek, in, 0, SEEK_CUR), 0);
    CHECK(sys(SYS_lseek, out, 0, SEEK_CUR), 5);
    /* Cut at the end of the input; 0 past it. */
    CHECK(sys(SYS_copy_file_range, in, 0, out, 0, 100, 0), 10);
    CHECK(sys(SYS_lseek, in, 0, SEEK_CUR), 10);
    CHECK(sys(SYS_copy_file_range, in, 0, out, 0, 100, 0), 0);
    CHECK(sys(SYS_copy_file_range, in, user_offset(1000), out, 0, 5, 0), 0);
    CHECK(sys(SYS_copy_file_range, in, user_offset(0), out, 0, 0, 0), 0);
    char data[32];
    CHECK(read_file("/out", data, sizeof data), 15);
    assert_string_equal(data, "234560123456789");
    /* Within one file, ranges must not overlap. */
    long both = OK(open_path("/in", O_RDWR, 0));
    CHECK(sys(SYS_copy_file_range, both, user_offset(0), both, user_offset(2), 5, 0), -EINVAL);
    CHECK(sys(SYS_copy_file_range, both, user_offset(0), both, user_offset(20), 5, 0), 5);
    struct test_stat st;
    CHECK(stat_path("/in", &st), 0);
    CHECK(st.st_size, 25);
}

static void copy_file_range_errors(void **state)
{
    create_file("/in", "0123456789");
    create_directory("/dir");
    long in = OK(open_path("/in", O_RDONLY, 0));
    long out = OK(open_path("/out", O_WRONLY | O_CREAT, 0644));
    long writer = OK(open_path("/in", O_WRONLY, 0));
    long appender = OK(open_path("/out", O_WRONLY | O_APPEND, 0));
    long dirfd = OK(open_path("/dir", O_RDONLY | O_DIRECTORY, 0));
    long null = OK(open_path("/dev/null", O_WRONLY, 0));
    int fds[2];
    make_pipe(fds);
    CHECK(sys(SYS_copy_file_range, in, 0, out, 0, 5, 1), -EINVAL);
    CHECK(sys(SYS_copy_file_range, 99, 0, out, 0, 5, 0), -EBADF);
    CHECK(sys(SYS_copy_file_range, in, 0, 99, 0, 5, 0), -EBADF);
    CHECK(sys(SYS_copy_file_range, in, HARNESS_UNMAPPED, out, 0, 5, 0), -EFAULT);
    CHECK(sys(SYS_copy_file_range, in, 0, out, HARNESS_UNMAPPED, 5, 0), -EFAULT);
    CHECK(sys(SYS_copy_file_range, in, user_offset(0), fds[1], 0, 5, 0), -EINVAL);
    CHECK(sys(SYS_copy_file_range, dirfd, user_offset(0), out, 0, 5, 0), -EISDIR);
    CHECK(sys(SYS_copy_file_range, in, user_offset(0), appender, 0, 5, 0), -EBADF);
    CHECK(sys(SYS_copy_file_range, in, user_offset(0), in, user_offset(20), 5, 0), -EBADF);
    CHECK(sys(SYS_copy_file_range, writer, user_offset(0), out, 0, 5, 0), -EBADF);
    CHECK(sys(SYS_copy_file_range, in, user_offset(0), null, 0, 5, 0), -EINVAL);
    CHECK(sys(SYS_copy_file_range, in, user_offset(-1), out, 0, 5, 0), -EOVERFLOW);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYSCALL_TEST(sendfile_with_an_offset_leaves_the_position),
        SYSCALL_TEST(sendfile_without_an_offset_moves_both_positions),
        SYSCALL_TEST(sendfile_copies_more_than_one_round),
        SYSCALL_TEST(sendfile_from_dev_zero_to_dev_null),
        SYSCALL_TEST(sendfile_descriptor_errors),
        SYSCALL_TEST(sendfile_range_errors),
        SYSCALL_TEST(sendfile_into_a_pipe_follows_the_pipe_rules),
        SYSCALL_TEST(copy_file_range_copies_between_regular_files),
        SYSCALL_TEST(copy_file_range_errors),
    };
    return RUN_SYSCALL_TESTS("syscall-sendfile", tests);
}
