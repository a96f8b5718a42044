/*
 * signal_wait.c — pause, rt_sigsuspend and rt_sigtimedwait: sleeping
 * until a signal comes.
 */
#include <rk/timer.h>

#include "../signal/signal_internal.h"
#include "signal_syscalls.h"

/* pause(): sleep until a handler runs (-EINTR) or the process ends. */
long sys_pause(const uint64_t arguments[6])
{
    (void)arguments;
    int error = signal_wait_for_signal(WAIT_FOREVER);
    return error == -ERESTARTSYS ? -ERESTARTNOHAND : error;
}

/*
 * rt_sigsuspend(mask, sigsetsize): wait with mask in place; the old mask
 * comes back after the handler (signal_deliver, restore_saved_blocked).
 */
long sys_rt_sigsuspend(const uint64_t arguments[6])
{
    if (arguments[1] != SIGNAL_SET_SIZE)
        return -EINVAL;
    uint64_t mask;
    if (copy_from_user(&mask, ARGUMENT_ADDRESS(0), sizeof mask) < 0)
        return -EFAULT;
    struct thread *thread = thread_current();
    thread->signals.saved_blocked = thread->signals.blocked;
    thread->signals.restore_saved_blocked = true;
    signal_set_blocked(thread, mask);
    int error = signal_wait_for_signal(WAIT_FOREVER);
    return error == -ERESTARTSYS ? -ERESTARTNOHAND : error;
}

/*
 * restart_syscall(): resume the sleep that a signal without handler
 * interrupted with -ERESTART_RESTARTBLOCK (the signal code pointed the
 * thread here); -EINTR when there is none (Linux's do_no_restart_syscall).
 */
long sys_restart_syscall(const uint64_t arguments[6])
{
    (void)arguments;
    struct thread *thread = thread_current();
    long (*resume)(struct thread *thread) = thread->signals.restart.resume;
    thread->signals.restart.resume = NULL;
    return resume ? resume(thread) : -EINTR;
}

/* struct timespec */
struct user_timespec {
    int64_t seconds;
    int64_t nanoseconds;
};

/* rt_sigtimedwait(set, info, timeout, sigsetsize) */
long sys_rt_sigtimedwait(const uint64_t arguments[6])
{
    uintptr_t set_address = ARGUMENT_ADDRESS(0), info_address = ARGUMENT_ADDRESS(1);
    uintptr_t timeout_address = ARGUMENT_ADDRESS(2);
    if (arguments[3] != SIGNAL_SET_SIZE)
        return -EINVAL;
    uint64_t set;
    if (copy_from_user(&set, set_address, sizeof set) < 0)
        return -EFAULT;
    set &= ~SIGNAL_UNBLOCKABLE;
    uint64_t timeout_ns = WAIT_FOREVER;
    if (timeout_address) {
        struct user_timespec timeout;
        if (copy_from_user(&timeout, timeout_address, sizeof timeout) < 0)
            return -EFAULT;
        if (timeout.seconds < 0 || timeout.nanoseconds < 0 || timeout.nanoseconds >= 1000000000)
            return -EINVAL;
        if ((uint64_t)timeout.seconds >= (UINT64_MAX - 1000000000ull) / 1000000000ull)
            timeout_ns = WAIT_FOREVER;
        else
            timeout_ns = (uint64_t)timeout.seconds * 1000000000ull + (uint64_t)timeout.nanoseconds;
    }
    struct thread *thread = thread_current();
    struct signal_info info;
    /* Being killed: never hand SIGKILL to the caller, it ends the process on the way out. */
    if (signal_fatal_pending(thread))
        return -EINTR;
    int signal = signal_dequeue(thread, ~set, &info);
    long result = 0;
    if (!signal) {
        if (timeout_ns == 0)
            return -EAGAIN;
        /*
         * Unblock the awaited signals while sleeping so that they wake this
         * thread; real_blocked keeps them "blocked" for the ignore check at
         * send time, so one whose default is to ignore (SIGCHLD) is queued.
         */
        uint64_t blocked = thread->signals.blocked;
        thread->signals.real_blocked = blocked;
        signal_set_blocked(thread, blocked & ~set);
        int error = signal_wait_for_signal(timeout_ns);
        signal_set_blocked(thread, blocked);
        thread->signals.real_blocked = 0;
        if (signal_fatal_pending(thread))
            return -EINTR;
        signal = signal_dequeue(thread, ~set, &info);
        if (!signal)
            result = error == -ETIMEDOUT ? -EAGAIN : (error == -ERESTARTSYS ? -EINTR : error);
    }
    if (!signal)
        return result;
    if (info_address) {
        unsigned char linux_info[SIGNAL_INFO_SIZE];
        signal_info_to_linux(&info, linux_info);
        if (copy_to_user(info_address, linux_info, sizeof linux_info) < 0)
            return -EFAULT;
    }
    return signal;
}
