/*
 * test_vectors.c — readv/writev with bad segments, per kind of file, as
 * Linux answers: every length is checked first (-EINVAL), then every
 * range against the end of user space (-EFAULT before anything moves);
 * an unmapped user address then cuts a regular file's transfer short,
 * while a pipe drops the whole page its fault cut (-EFAULT when that is
 * the first). Every expected value was checked on the host's Linux with
 * run-on-linux.sh.
 */
#include <string.h>

#include "harness.h"

static void make_pipe(int fds[2])
{
    uintptr_t buffer = user_alloc(8);
    CHECK(sys(SYS_pipe, buffer), 0);
    user_read(fds, buffer, 2 * sizeof(int));
    CHECK(sys(SYS_fcntl, fds[0], F_SETFL, O_NONBLOCK), 0);
}

/* A two-entry iovec array in user memory. */
static uintptr_t two_segments(uintptr_t base0, uint64_t length0, uintptr_t base1, uint64_t length1)
{
    struct test_iovec vector[2] = { { base0, length0 }, { base1, length1 } };
    uintptr_t address = user_alloc(sizeof vector);
    user_write(address, vector, sizeof vector);
    return address;
}

static void lengths_are_checked_before_addresses(void **state)
{
    long fd = OK(open_path("/file", O_RDWR | O_CREAT, 0644));
    CHECK(sys(SYS_writev, fd, two_segments(HARNESS_KERNEL_ADDRESS, 4, U("a"), (uint64_t)-1), 2),
          -EINVAL);
    CHECK(sys(SYS_readv, fd, two_segments(HARNESS_KERNEL_ADDRESS, 4, U("a"), (uint64_t)-1), 2),
          -EINVAL);
    /* The access mode comes first of all. */
    long reader = OK(open_path("/file", O_RDONLY, 0));
    CHECK(sys(SYS_writev, reader, HARNESS_UNMAPPED, 1), -EBADF);
    CHECK(sys(SYS_writev, reader, two_segments(U("a"), 1, U("b"), 1), 2000), -EBADF);
    CHECK(sys(SYS_writev, reader, 0, 0), -EBADF);
}

static void a_kernel_address_fails_the_whole_call(void **state)
{
    long fd = OK(open_path("/file", O_RDWR | O_CREAT, 0644));
    uintptr_t vector = two_segments(U("ok\n"), 3, HARNESS_KERNEL_ADDRESS, 4);
    CHECK(sys(SYS_writev, fd, vector, 2), -EFAULT);
    struct test_stat st;
    CHECK(fstat_fd((int)fd, &st), 0);
    CHECK(st.st_size, 0);
    int fds[2];
    make_pipe(fds);
    CHECK(sys(SYS_writev, fds[1], vector, 2), -EFAULT);
    char data[8];
    CHECK(read_fd(fds[0], data, sizeof data), -EAGAIN);
}

static void an_unmapped_address_cuts_a_file_transfer_short(void **state)
{
    long fd = OK(open_path("/file", O_RDWR | O_CREAT, 0644));
    CHECK(sys(SYS_writev, fd, two_segments(U("ok\n"), 3, HARNESS_UNMAPPED, 4), 2), 3);
    struct test_stat st;
    CHECK(fstat_fd((int)fd, &st), 0);
    CHECK(st.st_size, 3);
    CHECK(sys(SYS_lseek, fd, 0, SEEK_SET), 0);
    uintptr_t buffer = user_alloc(8);
    CHECK(sys(SYS_readv, fd, two_segments(buffer, 2, HARNESS_UNMAPPED, 4), 2), 2);
    long zero = OK(open_path("/dev/zero", O_RDONLY, 0));
    CHECK(sys(SYS_readv, zero, two_segments(buffer, 3, HARNESS_UNMAPPED, 4), 2), 3);
    /* /dev/null never looks at the data. */
    long null = OK(open_path("/dev/null", O_WRONLY, 0));
    CHECK(sys(SYS_writev, null, two_segments(U("ok\n"), 3, HARNESS_UNMAPPED, 4), 2), 7);
}

static void an_unmapped_address_in_the_first_page_fails_a_pipe(void **state)
{
    int fds[2];
    make_pipe(fds);
    CHECK(sys(SYS_writev, fds[1], two_segments(U("ok\n"), 3, HARNESS_UNMAPPED, 4), 2), -EFAULT);
    char data[16] = { 0 };
    CHECK(read_fd(fds[0], data, sizeof data), -EAGAIN);
    CHECK(write_text(fds[1], "abcdefgh"), 8);
    uintptr_t buffer = user_alloc(8);
    CHECK(sys(SYS_readv, fds[0], two_segments(buffer, 3, HARNESS_UNMAPPED, 4), 2), -EFAULT);
    /* Nothing was consumed. */
    CHECK(read_fd(fds[0], data, sizeof data), 8);
    assert_string_equal(data, "abcdefgh");
}

static void a_pipe_keeps_the_whole_pages_before_a_fault(void **state)
{
    int fds[2];
    make_pipe(fds);
    uintptr_t page = user_alloc(4096);
    CHECK(sys(SYS_writev, fds[1], two_segments(page, 4096, HARNESS_UNMAPPED, 4), 2), 4096);
    static char data[8192];
    CHECK(read_fd(fds[0], data, sizeof data), 4096);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYSCALL_TEST(lengths_are_checked_before_addresses),
        SYSCALL_TEST(a_kernel_address_fails_the_whole_call),
        SYSCALL_TEST(an_unmapped_address_cuts_a_file_transfer_short),
        SYSCALL_TEST(an_unmapped_address_in_the_first_page_fails_a_pipe),
        SYSCALL_TEST(a_pipe_keeps_the_whole_pages_before_a_fault),
    };
    return RUN_SYSCALL_TESTS("syscall-vectors", tests);
}
