/*
 * syscalls/epoll.c — epoll_create, epoll_create1, epoll_ctl, epoll_wait,
 * epoll_pwait and epoll_pwait2 over the instances of src/core/epoll.c,
 * with Linux 6.1's checks in its order (fs/eventpoll.c):
 *
 *  epoll_ctl: the event is copied first (-EFAULT, except for DEL), then
 *  both descriptors (-EBADF; O_PATH ones too), a target without a poll
 *  method (regular files, directories: file_stub_poll; devices whose
 *  driver has chardev_stub_poll, like /dev/null) is -EPERM, then
 *  epfd == fd or a non-epoll epfd -EINVAL, EPOLLEXCLUSIVE with MOD, on an
 *  epoll target or with bits outside IN|OUT|ERR|HUP|WAKEUP|ET|EXCLUSIVE
 *  -EINVAL, then ELOOP / EEXIST / ENOENT.
 *
 *  epoll_wait: maxevents <= 0 or above INT_MAX / 12 -EINVAL, an events
 *  array outside user space -EFAULT, then -EBADF, a non-epoll fd -EINVAL.
 *  The wait sleeps on the global poll queue until the timeout (the
 *  virtual clock on the hosted backend); a signal ends it with -EINTR.
 */
#include <rk/epoll.h>
#include <rk/heap.h>
#include <rk/platform.h>
#include <rk/poll.h>
#include <rk/signal.h>
#include <rk/thread.h>
#include <rk/timer.h>

#include "socket_support.h"
#include "system_support.h"

/* struct epoll_event: packed on x86_64 (12 bytes). */
struct user_epoll_event {
    uint32_t events;
    uint64_t data;
} __attribute__((packed));

#define EPOLL_MAX_EVENTS (INT32_MAX / (int)sizeof(struct user_epoll_event))
#define EPOLL_EXCLUSIVE_OK_BITS (EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET | \
                                 EPOLLEXCLUSIVE)

/* Make an instance and install it. */
static long epoll_create_common(bool cloexec)
{
    struct process *process = process_current();
    if (!process)
        return -ESRCH;
    struct file *file;
    int error = epoll_create_file(&file);
    if (error < 0)
        return error;
    int fd = fd_install(process, file, 0, cloexec);
    if (fd < 0)
        file_put(file);
    return fd;
}

/* epoll_create(size): size must be positive, and is otherwise ignored. */
long sys_epoll_create(const uint64_t arguments[6])
{
    if (ARGUMENT_INT(0) <= 0)
        return -EINVAL;
    return epoll_create_common(false);
}

/* epoll_create1(flags): EPOLL_CLOEXEC (O_CLOEXEC) only. */
long sys_epoll_create1(const uint64_t arguments[6])
{
    int flags = ARGUMENT_INT(0);
    if (flags & ~O_CLOEXEC)
        return -EINVAL;
    return epoll_create_common(flags != 0);
}

/* fdget: an open description that is not O_PATH, with a reference, or NULL. */
static struct file *descriptor_file(int fd)
{
    struct file *file = syscall_file(fd);
    if (file && (file->flags & O_PATH)) {
        file_put(file);
        return NULL;
    }
    return file;
}

/* epoll_ctl(epfd, op, fd, event). */
long sys_epoll_ctl(const uint64_t arguments[6])
{
    int operation = ARGUMENT_INT(1);
    struct user_epoll_event event = { 0 };
    if (operation != EPOLL_CTL_DEL &&
        copy_from_user(&event, ARGUMENT_ADDRESS(3), sizeof event) < 0)
        return -EFAULT;
    struct file *epoll = descriptor_file(ARGUMENT_INT(0));
    if (!epoll)
        return -EBADF;
    struct file *target = descriptor_file(ARGUMENT_INT(2));
    long result = 0;
    if (!target)
        result = -EBADF;
    else if (target->ops->poll == file_stub_poll || !chardev_file_pollable(target))
        result = -EPERM;
    else if (epoll == target || !file_is_epoll(epoll))
        result = -EINVAL;
    else if (operation != EPOLL_CTL_DEL && (event.events & EPOLLEXCLUSIVE) &&
             (operation == EPOLL_CTL_MOD ||
              (operation == EPOLL_CTL_ADD &&
               (file_is_epoll(target) || (event.events & ~EPOLL_EXCLUSIVE_OK_BITS)))))
        result = -EINVAL;
    if (result == 0) {
        uint32_t events = event.events;
        if (operation == EPOLL_CTL_ADD || operation == EPOLL_CTL_MOD)
            events |= EPOLLERR | EPOLLHUP;
        result = epoll_control(epoll, operation, target, ARGUMENT_INT(2), events, event.data);
    }
    if (target)
        file_put(target);
    file_put(epoll);
    return result;
}

/* Linux's access_ok(). */
static bool user_range_ok(uintptr_t base, size_t length)
{
    uintptr_t end;
    return !__builtin_add_overflow(base, length, &end) && end <= platform_user_address_end();
}

/*
 * Sleep until the poll generation moves past seen or deadline passes.
 * Returns 0 (scan again), 1 (timed out), -EINTR (a signal).
 */
static int epoll_sleep(uint64_t seen, uint64_t deadline)
{
    uint64_t timeout = WAIT_FOREVER;
    if (deadline != WAIT_FOREVER) {
        uint64_t now = clock_now_ns();
        if (now >= deadline)
            return 1;
        timeout = deadline - now;
    }
    int error = poll_wait_change(seen, timeout);
    if (error == -ETIMEDOUT)
        return 1;
    if (error == -ERESTARTSYS)
        return -EINTR;
    return error;
}

/*
 * do_epoll_wait: checks, then scan / sleep until something is ready or the
 * deadline (WAIT_FOREVER: none; 0 with poll_only: do not sleep) passes.
 * Returns the count of events written or -errno.
 */
static long epoll_wait_common(int epfd, uintptr_t events_address, int maxevents, uint64_t deadline)
{
    if (maxevents <= 0 || maxevents > EPOLL_MAX_EVENTS)
        return -EINVAL;
    if (!user_range_ok(events_address, (size_t)maxevents * sizeof(struct user_epoll_event)))
        return -EFAULT;
    struct file *epoll = descriptor_file(epfd);
    if (!epoll)
        return -EBADF;
    if (!file_is_epoll(epoll)) {
        file_put(epoll);
        return -EINVAL;
    }
    long result;
    struct epoll_report *reports = NULL;
    for (;;) {
        unsigned watches = epoll_watch_count(epoll);
        int capacity = watches < (unsigned)maxevents ? (int)watches : maxevents;
        kfree(reports);
        reports = capacity > 0 ? kmalloc((size_t)capacity * sizeof *reports) : NULL;
        if (capacity > 0 && !reports) {
            result = -ENOMEM;
            break;
        }
        uint64_t seen = poll_generation();
        result = capacity > 0 ? epoll_collect(epoll, reports, capacity, seen) : 0;
        if (result > 0)
            break;
        int outcome = epoll_sleep(seen, deadline);
        if (outcome == 1) {
            result = 0;
            break;
        }
        if (outcome < 0) {
            result = outcome;
            break;
        }
    }
    for (long i = 0; i < result; i++) {
        struct user_epoll_event event = { reports[i].events, reports[i].data };
        if (copy_to_user(events_address + (uintptr_t)i * sizeof event, &event, sizeof event) < 0) {
            result = i > 0 ? i : -EFAULT;
            break;
        }
    }
    kfree(reports);
    file_put(epoll);
    return result;
}

/* A deadline timeout_ns from now, saturating below WAIT_FOREVER. */
static uint64_t deadline_after(uint64_t timeout_ns)
{
    uint64_t now = clock_now_ns();
    return timeout_ns >= WAIT_FOREVER - 1 - now ? WAIT_FOREVER - 1 : now + timeout_ns;
}

/* A millisecond timeout: negative waits for ever, 0 only scans. */
static uint64_t deadline_from_ms(int timeout_ms)
{
    return timeout_ms < 0 ? WAIT_FOREVER : deadline_after((uint64_t)timeout_ms * 1000000u);
}

/* epoll_wait(epfd, events, maxevents, timeout_ms). */
long sys_epoll_wait(const uint64_t arguments[6])
{
    return epoll_wait_common(ARGUMENT_INT(0), ARGUMENT_ADDRESS(1), ARGUMENT_INT(2),
                             deadline_from_ms(ARGUMENT_INT(3)));
}

/* epoll_pwait(epfd, events, maxevents, timeout_ms, sigmask, sigsetsize): the mask first. */
long sys_epoll_pwait(const uint64_t arguments[6])
{
    int error = syscall_signal_mask_install(ARGUMENT_ADDRESS(4), arguments[5]);
    if (error < 0)
        return error;
    long result = epoll_wait_common(ARGUMENT_INT(0), ARGUMENT_ADDRESS(1), ARGUMENT_INT(2),
                                    deadline_from_ms(ARGUMENT_INT(3)));
    syscall_signal_mask_finish(result);
    return result;
}

/* epoll_pwait2(epfd, events, maxevents, timespec or NULL, sigmask, sigsetsize). */
long sys_epoll_pwait2(const uint64_t arguments[6])
{
    uint64_t deadline;
    int error = syscall_deadline_from_timespec(ARGUMENT_ADDRESS(3), &deadline);
    if (error < 0)
        return error;
    error = syscall_signal_mask_install(ARGUMENT_ADDRESS(4), arguments[5]);
    if (error < 0)
        return error;
    long result = epoll_wait_common(ARGUMENT_INT(0), ARGUMENT_ADDRESS(1), ARGUMENT_INT(2), deadline);
    syscall_signal_mask_finish(result);
    return result;
}
