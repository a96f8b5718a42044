/*
 * test_pipe_syscalls.c — pipe(2) and pipe2(2) through syscall_dispatch():
 * descriptors, flags, EFAULT, EMFILE and the file syscalls on pipe ends.
 */
#include "pipe_fixture.h"

/* ------------------------------------------------------------ syscalls */

/* pipe2 through the syscall dispatch entry, with raw register values. */
static long call_pipe2(uintptr_t fds, uint64_t flags)
{
    return syscall6(SYS_pipe2, fds, flags, 0, 0, 0, 0);
}

static int user_fd(int index)
{
    int fd;
    memcpy(&fd, user_page_kernel + index * sizeof(int), sizeof fd);
    return fd;
}

static void pipe_returns_two_connected_descriptors(void **state)
{
    memset(user_page_kernel, 0xff, 8);
    assert_int_equal(syscall6(SYS_pipe, user_page, 0, 0, 0, 0, 0), 0);
    int read_fd = user_fd(0), write_fd = user_fd(1);
    assert_int_equal(read_fd, 0); /* the lowest free descriptors */
    assert_int_equal(write_fd, 1);
    struct file *read_end = fd_get(test_process, read_fd);
    struct file *write_end = fd_get(test_process, write_fd);
    assert_true(file_is_pipe(read_end) && file_is_pipe(write_end));
    assert_int_equal(read_end->flags, O_RDONLY);
    assert_int_equal(write_end->flags, O_WRONLY);
    assert_false(fd_close_on_exec(test_process, read_fd));
    assert_int_equal(write_bytes(write_end, "through fds", 11), 11);
    char text[16] = { 0 };
    assert_int_equal(read_bytes(read_end, text, sizeof text), 11);
    assert_string_equal(text, "through fds");
    file_put(read_end);
    file_put(write_end);
    /* Closing the write descriptor gives the reader end of file. */
    unsigned long pipes = pipe_count();
    assert_int_equal(fd_close(test_process, write_fd), 0);
    read_end = fd_get(test_process, read_fd);
    assert_int_equal(read_bytes(read_end, text, sizeof text), 0);
    file_put(read_end);
    assert_int_equal(fd_close(test_process, read_fd), 0);
    assert_int_equal(pipe_count(), pipes - 1);
}

static void pipe2_applies_cloexec_and_nonblock(void **state)
{
    assert_int_equal(call_pipe2(user_page, O_CLOEXEC), 0);
    assert_true(fd_close_on_exec(test_process, user_fd(0)));
    assert_true(fd_close_on_exec(test_process, user_fd(1)));
    struct file *read_end = fd_get(test_process, user_fd(0));
    assert_false(read_end->flags & O_NONBLOCK);
    file_put(read_end);

    assert_int_equal(call_pipe2(user_page + 8, O_NONBLOCK), 0);
    int read_fd = user_fd(2), write_fd = user_fd(3);
    assert_int_equal(read_fd, 2);
    assert_int_equal(write_fd, 3);
    assert_false(fd_close_on_exec(test_process, read_fd));
    read_end = fd_get(test_process, read_fd);
    struct file *write_end = fd_get(test_process, write_fd);
    assert_int_equal(read_end->flags, O_RDONLY | O_NONBLOCK);
    assert_int_equal(write_end->flags, O_WRONLY | O_NONBLOCK);
    char byte;
    assert_int_equal(read_bytes(read_end, &byte, 1), -EAGAIN);
    file_put(read_end);
    file_put(write_end);

    assert_int_equal(call_pipe2(user_page + 16, O_CLOEXEC | O_NONBLOCK), 0);
    assert_true(fd_close_on_exec(test_process, user_fd(4)));
    read_end = fd_get(test_process, user_fd(4));
    assert_true(read_end->flags & O_NONBLOCK);
    file_put(read_end);
    /* flags is an int: the upper half of the register is ignored. */
    assert_int_equal(call_pipe2(user_page + 24, 0xffffffff00000000ull), 0);
    assert_int_equal(user_fd(6), 6);
}

static void pipe2_refuses_other_flags(void **state)
{
    unsigned long pipes = pipe_count();
    struct heap_statistics before, after;
    heap_get_statistics(&before);
    static const uint64_t refused[] = { O_DIRECT, O_APPEND, O_RDWR, O_CREAT, 1u << 30,
                                        O_CLOEXEC | O_DIRECT, O_NONBLOCK | O_TRUNC };
    for (size_t i = 0; i < RK_ARRAY_SIZE(refused); i++)
        assert_int_equal(call_pipe2(user_page, refused[i]), -EINVAL);
    /* The flags are checked before the pointer. */
    assert_int_equal(call_pipe2(unmapped_user_address(), O_DIRECT), -EINVAL);
    assert_int_equal(pipe_count(), pipes);
    assert_null(fd_get(test_process, 0));
    heap_get_statistics(&after);
    assert_int_equal(after.bytes_in_use, before.bytes_in_use);
}

static void pipe_with_a_bad_pointer_is_efault_and_leaves_nothing_open(void **state)
{
    unsigned long pipes = pipe_count();
    struct heap_statistics before, after;
    heap_get_statistics(&before);
    assert_int_equal(call_pipe2(unmapped_user_address(), 0), -EFAULT);
    assert_int_equal(call_pipe2(0, O_CLOEXEC), -EFAULT);
    /* Straddling the end of the mapped page: the first int fits, the second does not. */
    assert_int_equal(call_pipe2(user_page + PAGE_SIZE - 4, 0), -EFAULT);
    assert_int_equal(syscall6(SYS_pipe, unmapped_user_address(), 0, 0, 0, 0, 0), -EFAULT);
    /* Read-only user memory is not writable either. */
    assert_int_equal(platform_protect(&test_process->mm->space, user_page,
                                      PLATFORM_PROT_READ | PLATFORM_PROT_USER), 0);
    assert_int_equal(call_pipe2(user_page, 0), -EFAULT);
    for (int fd = 0; fd < 4; fd++)
        assert_null(fd_get(test_process, fd));
    assert_int_equal(pipe_count(), pipes);
    heap_get_statistics(&after);
    assert_int_equal(after.bytes_in_use, before.bytes_in_use);
}

static void pipe_with_a_full_table_is_emfile_and_leaks_nothing(void **state)
{
    struct file *read_end, *write_end;
    make_pipe(0, &read_end, &write_end);
    /* Fill every descriptor but one with references to read_end. */
    for (int fd = 0; fd < PROCESS_FD_LIMIT - 1; fd++) {
        file_get(read_end);
        assert_int_equal(fd_install(test_process, read_end, 0, false), fd);
    }
    unsigned long pipes = pipe_count();
    struct heap_statistics before, after;
    heap_get_statistics(&before);
    assert_int_equal(call_pipe2(user_page, 0), -EMFILE); /* one free: the read end would fit */
    assert_null(fd_get(test_process, PROCESS_FD_LIMIT - 1));
    file_get(read_end);
    assert_int_equal(fd_install(test_process, read_end, 0, false), PROCESS_FD_LIMIT - 1);
    assert_int_equal(call_pipe2(user_page, O_NONBLOCK), -EMFILE); /* none free */
    assert_int_equal(pipe_count(), pipes);
    heap_get_statistics(&after);
    assert_int_equal(after.bytes_in_use, before.bytes_in_use);
    assert_int_equal(read_end->references, PROCESS_FD_LIMIT + 1);
    for (int fd = 0; fd < PROCESS_FD_LIMIT; fd++)
        assert_int_equal(fd_close(test_process, fd), 0);
    assert_int_equal(read_end->references, 1);
    file_put(read_end);
    file_put(write_end);
}

/* Linux x86_64 struct stat offsets used below. */
#define STAT_INODE_OFFSET 8
#define STAT_MODE_OFFSET 24
#define STAT_SIZE_OFFSET 48
#define F_GETFL 3
#define F_SETFL 4

static void pipe_descriptors_work_through_the_file_syscalls(void **state)
{
    assert_int_equal(call_pipe2(user_page, 0), 0);
    int read_fd = user_fd(0), write_fd = user_fd(1);
    uintptr_t data = user_page + 256, stat_buffer = user_page + 1024, into = user_page + 2048;
    memcpy(user_page_kernel + 256, "syscall path", 12);
    assert_int_equal(syscall3(SYS_write, write_fd, data, 12), 12);
    assert_int_equal(syscall3(SYS_read, write_fd, into, 12), -EBADF);
    assert_int_equal(syscall3(SYS_write, read_fd, data, 12), -EBADF);
    assert_int_equal(syscall3(SYS_fstat, read_fd, stat_buffer, 0), 0);
    uint32_t mode;
    uint64_t size, inode, write_inode;
    memcpy(&mode, user_page_kernel + 1024 + STAT_MODE_OFFSET, sizeof mode);
    memcpy(&size, user_page_kernel + 1024 + STAT_SIZE_OFFSET, sizeof size);
    memcpy(&inode, user_page_kernel + 1024 + STAT_INODE_OFFSET, sizeof inode);
    assert_int_equal(mode, S_IFIFO | 0600);
    assert_int_equal(size, 12);
    assert_int_equal(syscall3(SYS_fstat, write_fd, stat_buffer, 0), 0);
    memcpy(&write_inode, user_page_kernel + 1024 + STAT_INODE_OFFSET, sizeof write_inode);
    assert_int_equal(inode, write_inode);
    assert_int_equal(syscall3(SYS_lseek, read_fd, 0, 0), -ESPIPE);
    assert_int_equal(syscall3(SYS_ioctl, read_fd, FIONREAD, stat_buffer), 0);
    int ready;
    memcpy(&ready, user_page_kernel + 1024, sizeof ready);
    assert_int_equal(ready, 12);
    assert_int_equal(syscall3(SYS_read, read_fd, into, 5), 5);
    assert_int_equal(syscall3(SYS_read, read_fd, into + 5, 100), 7);
    assert_memory_equal(user_page_kernel + 2048, "syscall path", 12);
    /* fcntl(F_SETFL, O_NONBLOCK) takes effect on the next read. */
    assert_int_equal(syscall3(SYS_fcntl, read_fd, F_SETFL, O_NONBLOCK), 0);
    assert_int_equal(syscall3(SYS_fcntl, read_fd, F_GETFL, 0), O_RDONLY | O_NONBLOCK);
    assert_int_equal(syscall3(SYS_read, read_fd, into, 1), -EAGAIN);
    /* A dup keeps the write end open; closing both gives end of file. */
    long duplicate = syscall3(SYS_dup, write_fd, 0, 0);
    assert_true(duplicate > write_fd);
    assert_int_equal(syscall3(SYS_close, write_fd, 0, 0), 0);
    assert_int_equal(syscall3(SYS_read, read_fd, into, 1), -EAGAIN);
    assert_int_equal(syscall3(SYS_close, duplicate, 0, 0), 0);
    assert_int_equal(syscall3(SYS_read, read_fd, into, 1), 0);
    /* And the other way round: no reader left, EPIPE and a broken-pipe note. */
    assert_int_equal(call_pipe2(user_page, 0), 0);
    assert_int_equal(syscall3(SYS_close, user_fd(0), 0, 0), 0);
    assert_int_equal(syscall3(SYS_write, user_fd(1), data, 1), -EPIPE);
    assert_int_equal(test_process->broken_pipe_count, 1);
    unsigned long pipes = pipe_count();
    assert_int_equal(syscall3(SYS_close, user_fd(1), 0, 0), 0);
    assert_int_equal(syscall3(SYS_close, read_fd, 0, 0), 0);
    assert_int_equal(pipe_count(), pipes - 2);
}

static void pipe_without_a_process_is_esrch(void **state)
{
    assert_null(process_current());
    assert_int_equal(call_pipe2(0x1000, 0), -ESRCH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(pipe_returns_two_connected_descriptors,
                                        boot_with_process, drop_process),
        cmocka_unit_test_setup_teardown(pipe2_applies_cloexec_and_nonblock, boot_with_process,
                                        drop_process),
        cmocka_unit_test_setup_teardown(pipe2_refuses_other_flags, boot_with_process,
                                        drop_process),
        cmocka_unit_test_setup_teardown(pipe_with_a_bad_pointer_is_efault_and_leaves_nothing_open,
                                        boot_with_process, drop_process),
        cmocka_unit_test_setup_teardown(pipe_with_a_full_table_is_emfile_and_leaks_nothing,
                                        boot_with_process, drop_process),
        cmocka_unit_test_setup_teardown(pipe_descriptors_work_through_the_file_syscalls,
                                        boot_with_process, drop_process),
        cmocka_unit_test_setup(pipe_without_a_process_is_esrch, boot),
    };
    return cmocka_run_group_tests_name("pipe-syscalls", tests, NULL, NULL);
}
