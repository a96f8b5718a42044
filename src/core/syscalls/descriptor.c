/*
 * descriptor.c — dup, dup2, dup3, fcntl, ioctl.
 */
#include <rk/containment.h>
#include "syscall_support.h"

#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC 1
#define SETFL_CHANGEABLE (O_APPEND | O_NONBLOCK | O_DIRECT | O_NOATIME | 020000 /* O_ASYNC */)

/* Duplicate oldfd at the lowest free descriptor >= minimum. */
static long duplicate(int oldfd, int minimum, bool close_on_exec)
{
    struct process *process = process_current();
    struct file *file = fd_get(process, oldfd);
    if (!file)
        return -EBADF;
    if (minimum < 0 || minimum >= PROCESS_FD_LIMIT) {
        file_put(file);
        return -EINVAL;
    }
    int fd = fd_install(process, file, minimum, close_on_exec);
    if (fd < 0)
        file_put(file);
    return fd;
}

long sys_dup(const uint64_t arguments[6]) { return duplicate(ARGUMENT_INT(0), 0, false); }

/* dup2/dup3: put oldfd's file at newfd. */
static long duplicate_to(int oldfd, int newfd, bool close_on_exec)
{
    struct process *process = process_current();
    struct file *file = fd_get(process, oldfd);
    if (!file)
        return -EBADF;
    if (newfd < 0 || newfd >= PROCESS_FD_LIMIT) {
        file_put(file);
        return -EBADF;
    }
    return fd_install_at(process, file, newfd, close_on_exec);
}

long sys_dup2(const uint64_t arguments[6])
{
    int oldfd = ARGUMENT_INT(0), newfd = ARGUMENT_INT(1);
    if (oldfd == newfd) {
        struct file *file = syscall_file(oldfd);
        if (!file)
            return -EBADF;
        file_put(file);
        return newfd;
    }
    return duplicate_to(oldfd, newfd, false);
}

long sys_dup3(const uint64_t arguments[6])
{
    int oldfd = ARGUMENT_INT(0), newfd = ARGUMENT_INT(1);
    unsigned flags = ARGUMENT_UNSIGNED(2);
    if (flags & ~(unsigned)O_CLOEXEC)
        return -EINVAL;
    if (oldfd == newfd)
        return -EINVAL;
    return duplicate_to(oldfd, newfd, (flags & O_CLOEXEC) != 0);
}

long sys_fcntl(const uint64_t arguments[6])
{
    int fd = ARGUMENT_INT(0);
    unsigned command = ARGUMENT_UNSIGNED(1);
    uint64_t argument = arguments[2];
    struct process *process = process_current();
    if (command == F_DUPFD || command == F_DUPFD_CLOEXEC) {
        if ((int64_t)(int)argument < 0 || (int)argument >= PROCESS_FD_LIMIT) {
            struct file *file = syscall_file(fd);
            if (!file)
                return -EBADF;
            file_put(file);
            return -EINVAL;
        }
        return duplicate(fd, (int)argument, command == F_DUPFD_CLOEXEC);
    }
    struct file *file = fd_get(process, fd);
    if (!file)
        return -EBADF;
    long result;
    switch (command) {
    case F_GETFD:
        result = fd_close_on_exec(process, fd) ? FD_CLOEXEC : 0;
        break;
    case F_SETFD:
        fd_set_close_on_exec(process, fd, (argument & FD_CLOEXEC) != 0);
        result = 0;
        break;
    case F_GETFL:
        result = file->flags & ~(unsigned)O_CLOEXEC;
        break;
    case F_SETFL:
        if (file->flags & O_PATH) {
            result = -EBADF;
            break;
        }
        file->flags = (file->flags & ~(unsigned)SETFL_CHANGEABLE) | ((unsigned)argument & SETFL_CHANGEABLE);
        result = 0;
        break;
    default:
        result = -EINVAL;
        break;
    }
    file_put(file);
    return result;
}

long sys_ioctl(const uint64_t arguments[6])
{
    struct file *file = syscall_file(ARGUMENT_INT(0));
    if (!file)
        return -EBADF;
    long result;
    if (file->flags & O_PATH)
        result = -EBADF;
    else if (file->service)
        result = FILE_CALL(file, "ioctl", -EIO, file->ops->ioctl(file, ARGUMENT_UNSIGNED(1), ARGUMENT_ADDRESS(2)));
    else
        result = file->ops->ioctl(file, ARGUMENT_UNSIGNED(1), ARGUMENT_ADDRESS(2));
    file_put(file);
    return result;
}
