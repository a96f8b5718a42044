/*
 * poll.c — poll, ppoll, select and pselect6 over the files' poll slots
 * (rk/poll.h). One scan asks every file for its readiness; when nothing is
 * ready the thread sleeps on the global poll queue until a poll_notify(),
 * the timeout or a signal, then scans again. Linux's rules: POLLNVAL for a
 * bad descriptor in poll (EBADF in select), POLLERR and POLLHUP always
 * reported, nfds above RLIMIT_NOFILE is EINVAL, an interrupted wait does
 * not restart after a handler ran (-ERESTARTNOHAND), and select writes the
 * time left back into its timeval.
 */
#include <rk/containment.h>
#include <rk/epoll.h>
#include <rk/heap.h>
#include <rk/poll.h>
#include <rk/signal.h>
#include <rk/string.h>
#include <rk/thread.h>
#include <rk/timer.h>

#include "syscall_support.h"
#include "system_support.h"

/* struct pollfd. */
struct user_pollfd {
    int32_t fd;
    int16_t events;
    int16_t revents;
};

/* The readiness mask of file (through its owner's gate), or POLLNVAL for an O_PATH description. */
unsigned file_poll_mask(struct file *file)
{
    if (file->flags & O_PATH)
        return POLLNVAL;
    return file->service ? FILE_CALL(file, "poll", POLLIN | POLLOUT | POLLERR | POLLHUP, file->ops->poll(file)) : file->ops->poll(file);
}

/* The running process's RLIMIT_NOFILE soft limit (the fd table's size for kernel threads). */
static uint64_t descriptor_limit(void)
{
    struct process *process = process_current();
    uint64_t limit = process ? process->limits[RLIMIT_NOFILE].current : PROCESS_FD_LIMIT;
    return limit == 0 ? PROCESS_FD_LIMIT : limit;
}

/*
 * Sleep until the poll generation moves past seen or the deadline
 * (WAIT_FOREVER: none) passes. Returns 0 (look again), 1 (timed out) or a
 * negative wait error (-ERESTARTSYS for a signal, -EDEADLK for the boot
 * thread with nothing left to wake it).
 */
static int poll_sleep(uint64_t seen, uint64_t deadline)
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
    return error;
}

/* An interrupted wait as poll and select report it. */
static long interrupted(int error)
{
    return error == -ERESTARTSYS ? -ERESTARTNOHAND : error;
}

/*
 * The poll loop over entries (kernel copies): fills revents and returns
 * how many are non-zero, 0 when the deadline passed first, or the wait's
 * error.
 */
static long poll_entries(struct user_pollfd *entries, size_t count, uint64_t deadline)
{
    struct process *process = process_current();
    for (;;) {
        uint64_t seen = poll_generation();
        long ready = 0;
        for (size_t i = 0; i < count; i++) {
            struct user_pollfd *entry = &entries[i];
            entry->revents = 0;
            if (entry->fd < 0)
                continue;
            struct file *file = fd_get(process, entry->fd);
            unsigned mask;
            if (!file) {
                mask = POLLNVAL;
            } else {
                mask = file_poll_mask(file);
                if (mask != POLLNVAL)
                    mask &= (unsigned)(uint16_t)entry->events | POLLERR | POLLHUP;
                file_put(file);
            }
            entry->revents = (int16_t)mask;
            if (mask)
                ready++;
        }
        if (ready > 0)
            return ready;
        int outcome = poll_sleep(seen, deadline);
        if (outcome == 1)
            return 0;
        if (outcome < 0)
            return interrupted(outcome);
    }
}

/*
 * poll/ppoll's common part: nfds entries at address, an absolute deadline
 * on the monotonic clock. Copies the array in, polls and writes each
 * revents back. Returns the ready count or -errno.
 */
static long poll_common(uintptr_t address, uint64_t nfds, uint64_t deadline)
{
    if (nfds > descriptor_limit())
        return -EINVAL;
    size_t bytes = (size_t)nfds * sizeof(struct user_pollfd);
    struct user_pollfd *entries = NULL;
    if (nfds > 0) {
        entries = kmalloc(bytes);
        if (!entries)
            return -ENOMEM;
        if (copy_from_user(entries, address, bytes) < 0) {
            kfree(entries);
            return -EFAULT;
        }
    }
    long result = poll_entries(entries, (size_t)nfds, deadline);
    if (result >= 0 || result == -ERESTARTNOHAND) {
        for (size_t i = 0; i < nfds; i++) {
            uintptr_t revents = address + i * sizeof(struct user_pollfd) +
                                offsetof(struct user_pollfd, revents);
            if (copy_to_user(revents, &entries[i].revents, sizeof entries[i].revents) < 0) {
                result = -EFAULT;
                break;
            }
        }
    }
    kfree(entries);
    return result;
}

/* A deadline timeout_ns from now, saturating at WAIT_FOREVER - 1. */
static uint64_t deadline_after(uint64_t timeout_ns)
{
    uint64_t now = clock_now_ns();
    return timeout_ns >= WAIT_FOREVER - 1 - now ? WAIT_FOREVER - 1 : now + timeout_ns;
}

/* poll(fds, nfds, timeout_ms): a negative timeout waits for ever. */
long sys_poll(const uint64_t arguments[6])
{
    int timeout_ms = ARGUMENT_INT(2);
    uint64_t deadline = timeout_ms < 0 ? WAIT_FOREVER : deadline_after((uint64_t)timeout_ms * 1000000u);
    return poll_common(ARGUMENT_ADDRESS(0), arguments[1], deadline);
}

/* See syscall_support.h. */
int syscall_deadline_from_timespec(uintptr_t address, uint64_t *deadline)
{
    *deadline = WAIT_FOREVER;
    if (!address)
        return 0;
    struct user_timespec timeout;
    if (copy_from_user(&timeout, address, sizeof timeout) < 0)
        return -EFAULT;
    if (!timespec_valid(&timeout))
        return -EINVAL;
    *deadline = deadline_after(timespec_to_ns(&timeout));
    return 0;
}

/*
 * See syscall_support.h. The temporary signal mask (sigset at address,
 * size bytes, 0 = none). Returns 0 or -EINVAL (size is not 8) / -EFAULT.
 * The old mask is kept in saved_blocked with restore_saved_blocked set:
 * signal delivery (or syscall_restore_signal_mask) puts it back.
 */
int syscall_signal_mask_install(uintptr_t address, uint64_t size)
{
    if (address == 0)
        return 0;
    if (size != sizeof(uint64_t))
        return -EINVAL;
    uint64_t mask;
    if (copy_from_user(&mask, address, sizeof mask) < 0)
        return -EFAULT;
    struct thread *thread = thread_current();
    thread->signals.saved_blocked = thread->signals.blocked;
    thread->signals.restore_saved_blocked = true;
    thread->signals.blocked = mask & ~SIGNAL_UNBLOCKABLE;
    return 0;
}

/*
 * After ppoll/pselect6: unless a signal is about to be delivered (the
 * interrupted case, where delivery restores the mask after running the
 * handler), put the caller's mask back now.
 */
void syscall_signal_mask_finish(long result)
{
    struct thread *thread = thread_current();
    if (!thread->signals.restore_saved_blocked)
        return;
    if (result == -ERESTARTNOHAND || result == -EINTR)
        return;
    thread->signals.blocked = thread->signals.saved_blocked;
    thread->signals.restore_saved_blocked = false;
}

/*
 * ppoll(fds, nfds, timeout timespec or NULL, sigmask, sigsetsize). Linux
 * checks the timespec, then the mask, then nfds; the timeout is not
 * written back (glibc ignores it).
 */
long sys_ppoll(const uint64_t arguments[6])
{
    uint64_t deadline;
    int error = syscall_deadline_from_timespec(ARGUMENT_ADDRESS(2), &deadline);
    if (error < 0)
        return error;
    error = syscall_signal_mask_install(ARGUMENT_ADDRESS(3), arguments[4]);
    if (error < 0)
        return error;
    long result = poll_common(ARGUMENT_ADDRESS(0), arguments[1], deadline);
    syscall_signal_mask_finish(result);
    return result;
}

/* ------------------------------------------------------------- select */

#define SELECT_READ (POLLIN | POLLRDNORM | POLLRDBAND | POLLHUP | POLLERR)
#define SELECT_WRITE (POLLOUT | POLLWRNORM | POLLWRBAND | POLLERR)
#define SELECT_EXCEPT (POLLPRI)

/* The three fd_set bitmaps of a select, in kernel memory. */
struct select_sets {
    size_t words;             /* 64-bit words per set */
    uint64_t *in[3];          /* read, write, except as given (NULL when not asked) */
    uint64_t *out[3];         /* results */
};

/*
 * One scan: for every descriptor set in any input set, ask its file and
 * set the result bits. Returns how many bits are set, or -EBADF (a
 * descriptor in a set is not open, or is O_PATH).
 */
static long select_scan(struct select_sets *sets, int nfds)
{
    struct process *process = process_current();
    long ready = 0;
    for (size_t i = 0; i < 3; i++)
        if (sets->out[i])
            memset(sets->out[i], 0, sets->words * sizeof(uint64_t));
    for (int fd = 0; fd < nfds; fd++) {
        size_t word = (size_t)fd / 64;
        uint64_t bit = 1ull << (fd % 64);
        bool wanted[3];
        bool any = false;
        for (size_t i = 0; i < 3; i++) {
            wanted[i] = sets->in[i] && (sets->in[i][word] & bit);
            any |= wanted[i];
        }
        if (!any)
            continue;
        struct file *file = fd_get(process, fd);
        if (!file)
            return -EBADF;
        unsigned mask = file_poll_mask(file);
        file_put(file);
        if (mask == POLLNVAL)
            return -EBADF;
        static const unsigned classes[3] = { SELECT_READ, SELECT_WRITE, SELECT_EXCEPT };
        for (size_t i = 0; i < 3; i++) {
            if (wanted[i] && (mask & classes[i])) {
                sets->out[i][word] |= bit;
                ready++;
            }
        }
    }
    return ready;
}

/*
 * select's loop and copies: sets at the three user addresses (0 = none),
 * nfds bits each, until the deadline. Writes the result sets back on
 * success. Returns the ready count or -errno.
 */
static long select_common(int nfds, const uintptr_t addresses[3], uint64_t deadline)
{
    if (nfds < 0)
        return -EINVAL;
    if (nfds > PROCESS_FD_LIMIT)
        nfds = PROCESS_FD_LIMIT;   /* Linux clamps to the descriptor table's size */
    struct select_sets sets = { .words = ((size_t)nfds + 63) / 64 };
    size_t long_bytes = sets.words * sizeof(uint64_t);   /* Linux copies whole longs */
    long result = 0;
    for (size_t i = 0; i < 3; i++) {
        if (!addresses[i] || nfds == 0)
            continue;
        sets.in[i] = kzalloc(long_bytes);
        sets.out[i] = kzalloc(long_bytes);
        if (!sets.in[i] || !sets.out[i]) {
            result = -ENOMEM;
            goto done;
        }
        if (copy_from_user(sets.in[i], addresses[i], long_bytes) < 0) {
            result = -EFAULT;
            goto done;
        }
        if (nfds % 64)
            sets.in[i][sets.words - 1] &= (1ull << (nfds % 64)) - 1;
    }
    for (;;) {
        uint64_t seen = poll_generation();
        result = select_scan(&sets, nfds);
        if (result != 0)
            break;
        int outcome = poll_sleep(seen, deadline);
        if (outcome == 1)
            break;
        if (outcome < 0) {
            result = interrupted(outcome);
            break;
        }
    }
    if (result >= 0) {
        for (size_t i = 0; i < 3; i++) {
            if (sets.out[i] && copy_to_user(addresses[i], sets.out[i], long_bytes) < 0) {
                result = -EFAULT;
                break;
            }
        }
    }
done:
    for (size_t i = 0; i < 3; i++) {
        kfree(sets.in[i]);
        kfree(sets.out[i]);
    }
    return result;
}

/*
 * Write the time left until deadline back into the user timeval or
 * timespec at address (Linux's poll_select_finish); a failed write is
 * ignored as Linux does (the result stands).
 */
static void write_time_left(uintptr_t address, uint64_t deadline, bool timeval)
{
    uint64_t now = clock_now_ns();
    uint64_t left = deadline > now ? deadline - now : 0;
    struct user_timespec value = { (int64_t)(left / 1000000000u), (int64_t)(left % 1000000000u) };
    if (timeval)
        value.nanoseconds /= 1000;
    (void)copy_to_user(address, &value, sizeof value);
}

/* select(nfds, readfds, writefds, exceptfds, timeval or NULL). */
long sys_select(const uint64_t arguments[6])
{
    uint64_t deadline = WAIT_FOREVER;
    uintptr_t timeout_address = ARGUMENT_ADDRESS(4);
    if (timeout_address) {
        struct user_timespec timeout;   /* a timeval: seconds, microseconds */
        if (copy_from_user(&timeout, timeout_address, sizeof timeout) < 0)
            return -EFAULT;
        if (timeout.seconds < 0 || timeout.nanoseconds < 0)
            return -EINVAL;
        /* Linux normalises microseconds above a second rather than refusing them. */
        uint64_t ns = timeout.seconds > (int64_t)(UINT64_MAX / 2000000000u)
                          ? UINT64_MAX / 2
                          : (uint64_t)timeout.seconds * 1000000000u + (uint64_t)timeout.nanoseconds * 1000u;
        deadline = deadline_after(ns);
    }
    const uintptr_t sets[3] = { ARGUMENT_ADDRESS(1), ARGUMENT_ADDRESS(2), ARGUMENT_ADDRESS(3) };
    long result = select_common(ARGUMENT_INT(0), sets, deadline);
    if (timeout_address)
        write_time_left(timeout_address, deadline, true);
    return result;
}

/* pselect6(nfds, readfds, writefds, exceptfds, timespec or NULL, {sigset *, size} *). */
long sys_pselect6(const uint64_t arguments[6])
{
    uintptr_t timeout_address = ARGUMENT_ADDRESS(4);
    uint64_t deadline;
    int deadline_error = syscall_deadline_from_timespec(timeout_address, &deadline);
    if (deadline_error < 0)
        return deadline_error;
    if (ARGUMENT_ADDRESS(5)) {
        struct {
            uint64_t address;
            uint64_t size;
        } mask_argument;
        if (copy_from_user(&mask_argument, ARGUMENT_ADDRESS(5), sizeof mask_argument) < 0)
            return -EFAULT;
        int error = syscall_signal_mask_install((uintptr_t)mask_argument.address, mask_argument.size);
        if (error < 0)
            return error;
    }
    const uintptr_t sets[3] = { ARGUMENT_ADDRESS(1), ARGUMENT_ADDRESS(2), ARGUMENT_ADDRESS(3) };
    long result = select_common(ARGUMENT_INT(0), sets, deadline);
    syscall_signal_mask_finish(result);
    if (timeout_address)
        write_time_left(timeout_address, deadline, false);
    return result;
}
