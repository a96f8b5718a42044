/*
 * test_descriptors.c — dup, dup2, dup3, fcntl (F_DUPFD, F_DUPFD_CLOEXEC,
 * F_GETFD, F_SETFD, F_GETFL, F_SETFL), ioctl, getpid: shared open file
 * descriptions, close-on-exec, the descriptor limit.
 */
#include <string.h>

#include "harness.h"

static long open_file_with(const char *path, const char *contents, unsigned flags)
{
    create_file(path, contents);
    return OK(open_path(path, flags, 0));
}

static void dup_returns_the_lowest_free_descriptor(void **state)
{
    long fd = open_file_with("/file", "x", O_RDONLY);
    CHECK(fd, 3);
    CHECK(sys(SYS_dup, fd), 4);
    CHECK(sys(SYS_dup, fd), 5);
    CHECK(sys(SYS_close, 4), 0);
    CHECK(sys(SYS_dup, 5), 4);
    CHECK(sys(SYS_dup, 99), -EBADF);
    CHECK(sys(SYS_dup, -1), -EBADF);
}

static void duplicates_share_the_offset_and_status_flags(void **state)
{
    long fd = open_file_with("/file", "0123456789", O_RDWR);
    long copy = OK(sys(SYS_dup, fd));
    char text[4] = { 0 };
    CHECK(read_fd((int)fd, text, 3), 3);
    assert_string_equal(text, "012");
    CHECK(read_fd((int)copy, text, 3), 3);
    assert_string_equal(text, "345");
    CHECK(sys(SYS_lseek, copy, 1, SEEK_SET), 1);
    CHECK(sys(SYS_lseek, fd, 0, SEEK_CUR), 1);
    CHECK(sys(SYS_fcntl, fd, F_SETFL, O_APPEND), 0);
    CHECK(sys(SYS_fcntl, copy, F_GETFL), O_RDWR | O_APPEND | O_LARGEFILE);
    CHECK(sys(SYS_close, fd), 0);
    CHECK(read_fd((int)copy, text, 3), 3); /* the description outlives the first descriptor */
    assert_string_equal(text, "123");
}

static void dup_does_not_copy_close_on_exec(void **state)
{
    long fd = open_file_with("/file", "x", O_RDONLY | O_CLOEXEC);
    CHECK(sys(SYS_fcntl, fd, F_GETFD), FD_CLOEXEC);
    long copy = OK(sys(SYS_dup, fd));
    CHECK(sys(SYS_fcntl, copy, F_GETFD), 0);
}

static void dup2_replaces_the_target_descriptor(void **state)
{
    long first = open_file_with("/first", "first", O_RDONLY);
    long second = open_file_with("/second", "second", O_RDONLY);
    CHECK(sys(SYS_dup2, first, second), second);
    char text[8] = { 0 };
    CHECK(read_fd((int)second, text, sizeof text), 5);
    assert_string_equal(text, "first");
    CHECK(sys(SYS_dup2, first, 100), 100);
    CHECK(sys(SYS_lseek, 100, 0, SEEK_CUR), 5);
    CHECK(sys(SYS_dup2, first, FD_LIMIT - 1), FD_LIMIT - 1);
}

static void dup2_onto_itself(void **state)
{
    long fd = open_file_with("/file", "x", O_RDONLY | O_CLOEXEC);
    CHECK(sys(SYS_dup2, fd, fd), fd);
    CHECK(sys(SYS_fcntl, fd, F_GETFD), FD_CLOEXEC); /* untouched */
    CHECK(sys(SYS_dup2, 50, 50), -EBADF);
}

static void dup2_errors(void **state)
{
    long fd = open_file_with("/file", "x", O_RDONLY);
    CHECK(sys(SYS_dup2, 99, 5), -EBADF);
    CHECK(sys(SYS_dup2, fd, -1), -EBADF);
    CHECK(sys(SYS_dup2, fd, FD_LIMIT), -EBADF);
    CHECK(sys(SYS_dup2, fd, 1 << 20), -EBADF);
    CHECK(sys(SYS_fcntl, 5, F_GETFD), -EBADF); /* nothing was installed */
}

static void dup2_clears_close_on_exec_and_dup3_can_set_it(void **state)
{
    long fd = open_file_with("/file", "x", O_RDONLY);
    long target = OK(open_path("/file", O_RDONLY | O_CLOEXEC, 0));
    CHECK(sys(SYS_dup2, fd, target), target);
    CHECK(sys(SYS_fcntl, target, F_GETFD), 0);
    CHECK(sys(SYS_dup3, fd, 20, O_CLOEXEC), 20);
    CHECK(sys(SYS_fcntl, 20, F_GETFD), FD_CLOEXEC);
    CHECK(sys(SYS_dup3, fd, 20, 0), 20);
    CHECK(sys(SYS_fcntl, 20, F_GETFD), 0);
}

static void dup3_errors(void **state)
{
    long fd = open_file_with("/file", "x", O_RDONLY);
    CHECK(sys(SYS_dup3, fd, fd, 0), -EINVAL);
    CHECK(sys(SYS_dup3, fd, fd, O_CLOEXEC), -EINVAL);
    CHECK(sys(SYS_dup3, fd, 10, O_NONBLOCK), -EINVAL);
    CHECK(sys(SYS_dup3, 99, 10, 0), -EBADF);
    CHECK(sys(SYS_dup3, fd, FD_LIMIT, 0), -EBADF);
    CHECK(sys(SYS_dup3, fd, -1, 0), -EBADF);
}

static void f_dupfd_uses_the_lowest_descriptor_at_or_above_the_argument(void **state)
{
    long fd = open_file_with("/file", "x", O_RDONLY);
    CHECK(sys(SYS_fcntl, fd, F_DUPFD, 10), 10);
    CHECK(sys(SYS_fcntl, fd, F_DUPFD, 10), 11);
    CHECK(sys(SYS_fcntl, fd, F_DUPFD, 0), 4);
    CHECK(sys(SYS_fcntl, 10, F_GETFD), 0);
    CHECK(sys(SYS_fcntl, fd, F_DUPFD_CLOEXEC, 10), 12);
    CHECK(sys(SYS_fcntl, 12, F_GETFD), FD_CLOEXEC);
    CHECK(sys(SYS_fcntl, fd, F_DUPFD, FD_LIMIT - 1), FD_LIMIT - 1);
    CHECK(sys(SYS_fcntl, fd, F_DUPFD, FD_LIMIT - 1), -EMFILE);
}

static void f_dupfd_errors(void **state)
{
    long fd = open_file_with("/file", "x", O_RDONLY);
    CHECK(sys(SYS_fcntl, fd, F_DUPFD, FD_LIMIT), -EINVAL);
    CHECK(sys(SYS_fcntl, fd, F_DUPFD, -1), -EINVAL);
    CHECK(sys(SYS_fcntl, fd, F_DUPFD_CLOEXEC, FD_LIMIT), -EINVAL);
    CHECK(sys(SYS_fcntl, 99, F_DUPFD, 0), -EBADF);
}

static void f_getfd_and_f_setfd(void **state)
{
    long fd = open_file_with("/file", "x", O_RDONLY);
    CHECK(sys(SYS_fcntl, fd, F_GETFD), 0);
    CHECK(sys(SYS_fcntl, fd, F_SETFD, FD_CLOEXEC), 0);
    CHECK(sys(SYS_fcntl, fd, F_GETFD), FD_CLOEXEC);
    CHECK(sys(SYS_fcntl, fd, F_SETFD, 0xfe), 0); /* only FD_CLOEXEC counts */
    CHECK(sys(SYS_fcntl, fd, F_GETFD), 0);
    CHECK(sys(SYS_fcntl, 99, F_GETFD), -EBADF);
    CHECK(sys(SYS_fcntl, 99, F_SETFD, FD_CLOEXEC), -EBADF);
}

static void f_getfl_reports_access_mode_and_status_flags(void **state)
{
    create_file("/file", "x");
    CHECK(sys(SYS_fcntl, OK(open_path("/file", O_RDONLY, 0)), F_GETFL), O_RDONLY | O_LARGEFILE);
    CHECK(sys(SYS_fcntl, OK(open_path("/file", O_WRONLY, 0)), F_GETFL), O_WRONLY | O_LARGEFILE);
    CHECK(sys(SYS_fcntl, OK(open_path("/file", O_RDWR | O_APPEND | O_NONBLOCK, 0)), F_GETFL),
          O_RDWR | O_APPEND | O_NONBLOCK | O_LARGEFILE);
    /* Open-time-only flags are not kept. */
    CHECK(sys(SYS_fcntl, OK(open_path("/file", O_RDWR | O_CREAT | O_TRUNC, 0644)), F_GETFL),
          O_RDWR | O_LARGEFILE);
    create_directory("/dir");
    CHECK(sys(SYS_fcntl, OK(open_path("/dir", O_RDONLY | O_DIRECTORY, 0)), F_GETFL),
          O_RDONLY | O_DIRECTORY | O_LARGEFILE);
}

static void f_setfl_changes_only_the_changeable_flags(void **state)
{
    long fd = open_file_with("/file", "0123", O_RDONLY);
    CHECK(sys(SYS_fcntl, fd, F_SETFL, O_RDWR | O_APPEND | O_NONBLOCK | O_TRUNC | O_CREAT), 0);
    CHECK(sys(SYS_fcntl, fd, F_GETFL), O_RDONLY | O_APPEND | O_NONBLOCK | O_LARGEFILE);
    CHECK(write_text((int)fd, "x"), -EBADF);
    CHECK(sys(SYS_fcntl, fd, F_SETFL, 0), 0);
    CHECK(sys(SYS_fcntl, fd, F_GETFL), O_RDONLY | O_LARGEFILE);
    struct test_stat st;
    CHECK(fstat_fd((int)fd, &st), 0);
    CHECK(st.st_size, 4);
    CHECK(sys(SYS_fcntl, 99, F_SETFL, 0), -EBADF);
}

static void f_setfl_o_append_redirects_writes_to_the_end(void **state)
{
    long fd = open_file_with("/file", "0123", O_WRONLY);
    CHECK(sys(SYS_fcntl, fd, F_SETFL, O_APPEND), 0);
    CHECK(write_text((int)fd, "ab"), 2);
    CHECK(sys(SYS_fcntl, fd, F_SETFL, 0), 0);
    CHECK(sys(SYS_lseek, fd, 0, SEEK_SET), 0);
    CHECK(write_text((int)fd, "Z"), 1);
    char text[16];
    CHECK(read_file("/file", text, sizeof text), 6);
    assert_string_equal(text, "Z123ab");
}

static void fcntl_unknown_command_is_einval(void **state)
{
    long fd = open_file_with("/file", "x", O_RDONLY);
    CHECK(sys(SYS_fcntl, fd, 9999, 0), -EINVAL);
    CHECK(sys(SYS_fcntl, 99, 9999, 0), -EBADF);
}

static void o_path_descriptors_in_fcntl(void **state)
{
    create_file("/file", "x");
    long fd = OK(open_path("/file", O_PATH | O_CLOEXEC, 0));
    CHECK(sys(SYS_fcntl, fd, F_GETFD), FD_CLOEXEC);
    CHECK(sys(SYS_fcntl, fd, F_GETFL), O_PATH);
    CHECK(sys(SYS_fcntl, fd, F_SETFL, O_APPEND), -EBADF);
    long copy = OK(sys(SYS_fcntl, fd, F_DUPFD, 0));
    CHECK(sys(SYS_fcntl, copy, F_GETFL), O_PATH);
}

static void dup_at_the_descriptor_limit_is_emfile(void **state)
{
    long fd = open_file_with("/file", "x", O_RDONLY);
    for (int expected = 4; expected < FD_LIMIT; expected++) {
        long got = sys(SYS_dup, fd);
        CHECK(got, expected);
    }
    CHECK(sys(SYS_dup, fd), -EMFILE);
    CHECK(sys(SYS_fcntl, fd, F_DUPFD, 0), -EMFILE);
    CHECK(sys(SYS_dup2, fd, 700), 700); /* replacing needs no free slot */
    CHECK(sys(SYS_close, 700), 0);
    CHECK(sys(SYS_dup, fd), 700);
}

static void ioctl_on_a_regular_file_is_enotty(void **state)
{
    long fd = open_file_with("/file", "x", O_RDONLY);
    CHECK(sys(SYS_ioctl, fd, 0x5401 /* TCGETS */, user_alloc(64)), -ENOTTY);
    CHECK(sys(SYS_ioctl, 99, 0x5401, user_alloc(64)), -EBADF);
    long pathfd = OK(open_path("/file", O_PATH, 0));
    CHECK(sys(SYS_ioctl, pathfd, 0x5401, user_alloc(64)), -EBADF);
}

static void getpid_is_stable_and_positive(void **state)
{
    long pid = OK(sys(SYS_getpid));
    assert_true(pid > 0);
    CHECK(sys(SYS_getpid), pid);
}

static void descriptor_arguments_are_32_bit(void **state)
{
    long fd = open_file_with("/file", "abc", O_RDONLY);
    CHECK(fd, 3);
    /* The upper half of a descriptor argument is ignored, as by Linux's int/unsigned int. */
    CHECK(sys(SYS_fcntl, 0x100000003ull, F_GETFD), 0);
    char byte;
    uintptr_t buffer = user_alloc(1);
    CHECK(sys(SYS_read, 0xffffffff00000003ull, buffer, 1), 1);
    user_read(&byte, buffer, 1);
    CHECK(byte, 'a');
    CHECK(sys(SYS_close, 0x100000003ull), 0);
    CHECK(sys(SYS_fcntl, 3, F_GETFD), -EBADF);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYSCALL_TEST(dup_returns_the_lowest_free_descriptor),
        SYSCALL_TEST(duplicates_share_the_offset_and_status_flags),
        SYSCALL_TEST(dup_does_not_copy_close_on_exec),
        SYSCALL_TEST(dup2_replaces_the_target_descriptor),
        SYSCALL_TEST(dup2_onto_itself),
        SYSCALL_TEST(dup2_errors),
        SYSCALL_TEST(dup2_clears_close_on_exec_and_dup3_can_set_it),
        SYSCALL_TEST(dup3_errors),
        SYSCALL_TEST(f_dupfd_uses_the_lowest_descriptor_at_or_above_the_argument),
        SYSCALL_TEST(f_dupfd_errors),
        SYSCALL_TEST(f_getfd_and_f_setfd),
        SYSCALL_TEST(f_getfl_reports_access_mode_and_status_flags),
        SYSCALL_TEST(f_setfl_changes_only_the_changeable_flags),
        SYSCALL_TEST(f_setfl_o_append_redirects_writes_to_the_end),
        SYSCALL_TEST(fcntl_unknown_command_is_einval),
        SYSCALL_TEST(o_path_descriptors_in_fcntl),
        SYSCALL_TEST(dup_at_the_descriptor_limit_is_emfile),
        SYSCALL_TEST(ioctl_on_a_regular_file_is_enotty),
        SYSCALL_TEST(getpid_is_stable_and_positive),
        SYSCALL_TEST(descriptor_arguments_are_32_bit),
    };
    return RUN_SYSCALL_TESTS("syscall-descriptors", tests);
}
