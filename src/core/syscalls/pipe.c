/*
 * syscalls/pipe.c — pipe(2) and pipe2(2).
 */
#include <rk/pipe.h>

#include "syscall_support.h"

/* pipe2 flags we implement. O_DIRECT (packet mode) is refused with -EINVAL. */
#define PIPE2_FLAGS (O_CLOEXEC | O_NONBLOCK)

/*
 * Make a pipe for the running process and store its read and write
 * descriptors as two ints at user address user_fds. Validates flags first;
 * on any failure nothing stays open (the descriptions' references are
 * dropped, installed descriptors closed). Returns 0, -EINVAL (unknown
 * flag), -ENOMEM, -EMFILE (fewer than two free descriptors), -EFAULT
 * (user_fds not writable), or -ESRCH for a kernel thread without a process.
 */
static long pipe_for_process(uintptr_t user_fds, unsigned flags)
{
    if (flags & ~(unsigned)PIPE2_FLAGS)
        return -EINVAL;
    struct process *process = process_current();
    if (!process)
        return -ESRCH;
    struct file *read_end, *write_end;
    int error = pipe_create(flags & O_NONBLOCK, &read_end, &write_end);
    if (error < 0)
        return error;
    bool close_on_exec = (flags & O_CLOEXEC) != 0;
    int read_fd = fd_install(process, read_end, 0, close_on_exec);
    if (read_fd < 0) {
        file_put(read_end);
        file_put(write_end);
        return read_fd;
    }
    int write_fd = fd_install(process, write_end, 0, close_on_exec);
    if (write_fd < 0) {
        fd_close(process, read_fd);
        file_put(write_end);
        return write_fd;
    }
    int fds[2] = { read_fd, write_fd };
    if (copy_to_user(user_fds, fds, sizeof fds) < 0) {
        fd_close(process, read_fd);
        fd_close(process, write_fd);
        return -EFAULT;
    }
    return 0;
}

/* pipe(int fds[2]): pipe2 with no flags. */
long sys_pipe(const uint64_t arguments[6])
{
    return pipe_for_process(ARGUMENT_ADDRESS(0), 0);
}

/* pipe2(int fds[2], int flags): flags is an int in Linux, so the upper half is ignored. */
long sys_pipe2(const uint64_t arguments[6])
{
    return pipe_for_process(ARGUMENT_ADDRESS(0), ARGUMENT_UNSIGNED(1));
}
