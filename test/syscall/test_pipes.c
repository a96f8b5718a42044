/*
 * test_pipes.c — pipes end to end through the syscall layer (the pipe
 * implementation has its own unit tests): descriptors, data, blocking with
 * a second thread, end of file, EPIPE, O_NONBLOCK, flags, and what the
 * file-system syscalls say about a pipe; named pipes (FIFOs) from mknod.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"

static void make_pipe(int pair[2], unsigned flags)
{
    uintptr_t fds = user_alloc(8);
    CHECK(sys(SYS_pipe2, fds, flags), 0);
    user_read(pair, fds, 8);
}

static void pipe_gives_the_two_lowest_descriptors(void **state)
{
    uintptr_t fds = user_alloc(8);
    CHECK(sys(SYS_pipe, fds), 0);
    int pair[2];
    user_read(pair, fds, sizeof pair);
    CHECK(pair[0], 3);
    CHECK(pair[1], 4);
    CHECK(write_text(pair[1], "through the pipe"), 16);
    char text[32] = { 0 };
    CHECK(read_fd(pair[0], text, sizeof text), 16);
    assert_string_equal(text, "through the pipe");
}

static void pipe_ends_have_their_access_modes(void **state)
{
    int pair[2];
    make_pipe(pair, 0);
    CHECK(sys(SYS_fcntl, pair[0], F_GETFL), O_RDONLY);
    CHECK(sys(SYS_fcntl, pair[1], F_GETFL), O_WRONLY);
    char byte;
    CHECK(read_fd(pair[1], &byte, 1), -EBADF);
    CHECK(write_text(pair[0], "x"), -EBADF);
    struct test_stat st;
    CHECK(fstat_fd(pair[0], &st), 0);
    CHECK(st.st_mode, S_IFIFO | 0600);
    struct test_stat other;
    CHECK(fstat_fd(pair[1], &other), 0);
    CHECK(other.st_ino, st.st_ino);
}

static void pipe2_flags(void **state)
{
    int pair[2];
    make_pipe(pair, O_CLOEXEC | O_NONBLOCK);
    CHECK(sys(SYS_fcntl, pair[0], F_GETFD), FD_CLOEXEC);
    CHECK(sys(SYS_fcntl, pair[1], F_GETFD), FD_CLOEXEC);
    CHECK(sys(SYS_fcntl, pair[0], F_GETFL), O_RDONLY | O_NONBLOCK);
    char byte;
    CHECK(read_fd(pair[0], &byte, 1), -EAGAIN);
    uintptr_t fds = user_alloc(8);
    CHECK(sys(SYS_pipe2, fds, O_APPEND), -EINVAL);
    CHECK(sys(SYS_pipe2, fds, O_CREAT), -EINVAL);
}

static void f_setfl_o_nonblock_makes_an_empty_read_eagain(void **state)
{
    int pair[2];
    make_pipe(pair, 0);
    CHECK(sys(SYS_fcntl, pair[0], F_SETFL, O_NONBLOCK), 0);
    char byte;
    CHECK(read_fd(pair[0], &byte, 1), -EAGAIN);
    CHECK(write_text(pair[1], "y"), 1);
    CHECK(read_fd(pair[0], &byte, 1), 1);
    CHECK(byte, 'y');
}

struct writer {
    int fd;
    const char *text;
    long result;
    bool close_after;
};

static void writer_thread(void *argument)
{
    struct writer *writer = argument;
    writer->result = write_text(writer->fd, writer->text);
    if (writer->close_after)
        sys(SYS_close, writer->fd);
}

static void a_blocking_read_waits_for_a_writer(void **state)
{
    int pair[2];
    make_pipe(pair, 0);
    struct writer writer = { .fd = pair[1], .text = "late data" };
    void *thread = thread_start("writer", writer_thread, &writer);
    char text[16] = { 0 };
    CHECK(read_fd(pair[0], text, sizeof text), 9);
    assert_string_equal(text, "late data");
    thread_join_checked(thread);
    CHECK(writer.result, 9);
}

static void end_of_file_once_every_writer_is_closed(void **state)
{
    int pair[2];
    make_pipe(pair, 0);
    long copy = OK(sys(SYS_dup, pair[1]));
    CHECK(write_text(pair[1], "abc"), 3);
    CHECK(sys(SYS_close, pair[1]), 0);
    char text[8];
    CHECK(read_fd(pair[0], text, sizeof text), 3);
    struct writer writer = { .fd = (int)copy, .text = "", .close_after = true };
    void *thread = thread_start("closer", writer_thread, &writer);
    CHECK(read_fd(pair[0], text, sizeof text), 0); /* woken by the last close */
    thread_join_checked(thread);
    CHECK(read_fd(pair[0], text, sizeof text), 0);
}

static void writing_without_readers_is_epipe(void **state)
{
    int pair[2];
    make_pipe(pair, 0);
    CHECK(sys(SYS_close, pair[0]), 0);
    CHECK(write_text(pair[1], "nobody"), -EPIPE);
}

static void file_system_calls_on_a_pipe(void **state)
{
    int pair[2];
    make_pipe(pair, 0);
    size_t count;
    struct test_dirent records[2];
    CHECK(getdents_fd(pair[0], 1024, records, 2, &count), -ENOTDIR);
    CHECK(sys(SYS_fchdir, pair[0]), -ENOTDIR);
    CHECK(sys(SYS_openat, pair[0], U("x"), O_RDONLY, 0), -ENOTDIR);
    CHECK(sys(SYS_ftruncate, pair[1], 0), -EINVAL);
    CHECK(sys(SYS_fsync, pair[1]), -EINVAL);
    CHECK(sys(SYS_lseek, pair[0], 0, SEEK_CUR), -ESPIPE);
    struct test_stat st;
    CHECK(stat_at(pair[0], "", &st, AT_EMPTY_PATH), 0);
    CHECK(st.st_mode, S_IFIFO | 0600);
}

static void pipe_with_one_free_descriptor_is_emfile(void **state)
{
    create_file("/file", "");
    uintptr_t path = U("/file");
    for (int fd = 3; fd < FD_LIMIT - 1; fd++) {
        long got = sys(SYS_openat, AT_FDCWD, path, O_RDONLY, 0);
        CHECK(got, fd);
    }
    uintptr_t fds = user_alloc(8);
    CHECK(sys(SYS_pipe, fds), -EMFILE);
    CHECK(sys(SYS_openat, AT_FDCWD, path, O_RDONLY, 0), FD_LIMIT - 1); /* nothing leaked */
}

static void a_fifo_opened_for_reading_and_writing_carries_data(void **state)
{
    CHECK(sys(SYS_mknod, U("/fifo"), S_IFIFO | 0600, 0), 0);
    long fd = OK(open_path("/fifo", O_RDWR, 0));
    CHECK(write_text((int)fd, "named"), 5);
    char text[8] = { 0 };
    CHECK(read_fd((int)fd, text, sizeof text), 5);
    assert_string_equal(text, "named");
    struct test_stat st;
    CHECK(fstat_fd((int)fd, &st), 0);
    CHECK(st.st_mode, S_IFIFO | 0600);
    CHECK(st.st_ino, inode_of("/fifo"));
}

static void nonblocking_fifo_opens(void **state)
{
    CHECK(sys(SYS_mknod, U("/fifo"), S_IFIFO | 0600, 0), 0);
    CHECK(open_path("/fifo", O_WRONLY | O_NONBLOCK, 0), -ENXIO); /* no reader */
    long reader = OK(open_path("/fifo", O_RDONLY | O_NONBLOCK, 0));
    long writer = OK(open_path("/fifo", O_WRONLY | O_NONBLOCK, 0));
    CHECK(write_text((int)writer, "fifo"), 4);
    char text[8] = { 0 };
    CHECK(read_fd((int)reader, text, sizeof text), 4);
    assert_string_equal(text, "fifo");
    CHECK(read_fd((int)reader, text, sizeof text), -EAGAIN);
    CHECK(sys(SYS_close, writer), 0);
    CHECK(read_fd((int)reader, text, sizeof text), 0);
}

static void each_pipe_has_its_own_inode(void **state)
{
    int first[2], second[2];
    make_pipe(first, 0);
    make_pipe(second, 0);
    struct test_stat a, b;
    CHECK(fstat_fd(first[0], &a), 0);
    CHECK(fstat_fd(second[0], &b), 0);
    assert_true(a.st_ino != b.st_ino);
    CHECK(a.st_dev, b.st_dev); /* both on the pipe filesystem */
    CHECK(a.st_nlink, 1);
}

static void a_pipe_reopened_through_proc_self_fd_shares_the_pipe(void **state)
{
    int pair[2];
    make_pipe(pair, 0);
    char path[32];
    snprintf(path, sizeof path, "/proc/self/fd/%d", pair[1]);
    struct test_stat through_link, end;
    CHECK(stat_path(path, &through_link), 0);
    CHECK(fstat_fd(pair[1], &end), 0);
    CHECK(through_link.st_mode & S_IFMT, S_IFIFO);
    CHECK(through_link.st_ino, end.st_ino);
    long writer = open_path(path, O_WRONLY, 0);
    OK(writer);
    CHECK(write_text((int)writer, "via proc"), 8);
    char text[16] = { 0 };
    CHECK(read_fd(pair[0], text, sizeof text), 8);
    assert_string_equal(text, "via proc");
}

static void other_path_calls_on_a_pipe_magic_link(void **state)
{
    /* "test -r /dev/stdin" in a pipeline, and the link used as a directory. */
    int pair[2];
    make_pipe(pair, 0);
    char path[40];
    snprintf(path, sizeof path, "/proc/self/fd/%d", pair[0]);
    CHECK(sys(SYS_access, U(path), R_OK), 0);
    snprintf(path, sizeof path, "/proc/self/fd/%d/", pair[0]);
    struct test_stat st;
    CHECK(stat_path(path, &st), -ENOTDIR);
    snprintf(path, sizeof path, "/proc/self/fd/%d/x", pair[0]);
    CHECK(open_path(path, O_RDONLY, 0), -ENOTDIR);
}

static void echo_to_dev_stderr_reaches_a_pipe(void **state)
{
    /* The shell's "echo msg >/dev/stderr" when stderr is a pipe. */
    int pair[2];
    make_pipe(pair, 0);
    CHECK(sys(SYS_dup2, pair[1], 2), 2);
    long fd = open_path("/dev/stderr", O_WRONLY | O_CREAT | O_TRUNC, 0666);
    OK(fd);
    CHECK(write_text((int)fd, "to stderr"), 9);
    char text[16] = { 0 };
    CHECK(read_fd(pair[0], text, sizeof text), 9);
    assert_string_equal(text, "to stderr");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYSCALL_TEST(pipe_gives_the_two_lowest_descriptors),
        SYSCALL_TEST(pipe_ends_have_their_access_modes),
        SYSCALL_TEST(pipe2_flags),
        SYSCALL_TEST(each_pipe_has_its_own_inode),
        SYSCALL_TEST(f_setfl_o_nonblock_makes_an_empty_read_eagain),
        SYSCALL_TEST(a_blocking_read_waits_for_a_writer),
        SYSCALL_TEST(end_of_file_once_every_writer_is_closed),
        SYSCALL_TEST(writing_without_readers_is_epipe),
        SYSCALL_TEST(file_system_calls_on_a_pipe),
        SYSCALL_TEST(pipe_with_one_free_descriptor_is_emfile),
        SYSCALL_TEST(a_fifo_opened_for_reading_and_writing_carries_data),
        SYSCALL_TEST(nonblocking_fifo_opens),
        SYSCALL_TEST(a_pipe_reopened_through_proc_self_fd_shares_the_pipe),
        SYSCALL_TEST(echo_to_dev_stderr_reaches_a_pipe),
        SYSCALL_TEST(other_path_calls_on_a_pipe_magic_link),
    };
    return RUN_SYSCALL_TESTS("syscall-pipes", tests);
}
