/*
 * signal_timer.c — alarm, setitimer and getitimer. ITIMER_REAL is
 * implemented (SIGALRM from a Core timer, ../signal/interval_timer.c);
 * ITIMER_VIRTUAL and ITIMER_PROF (CPU-time timers) are not: -EINVAL.
 */
#include "../signal/interval_timer.h"
#include "../signal/signal_internal.h"
#include "signal_syscalls.h"

#define ITIMER_REAL 0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF 2
#define NANOSECONDS_PER_MICROSECOND 1000ull
#define NANOSECONDS_PER_SECOND 1000000000ull

/* struct itimerval: interval then value, each a struct timeval. */
struct user_timeval {
    int64_t seconds;
    int64_t microseconds;
};
struct user_itimerval {
    struct user_timeval interval;
    struct user_timeval value;
};

/* A timeval in nanoseconds; false when it is invalid (Linux's timeval_valid). */
static bool timeval_to_ns(const struct user_timeval *time, uint64_t *nanoseconds)
{
    if (time->seconds < 0 || time->microseconds < 0 || time->microseconds >= 1000000)
        return false;
    uint64_t limit = (UINT64_MAX / 2) / NANOSECONDS_PER_SECOND;
    uint64_t seconds = (uint64_t)time->seconds > limit ? limit : (uint64_t)time->seconds;
    *nanoseconds = seconds * NANOSECONDS_PER_SECOND +
                   (uint64_t)time->microseconds * NANOSECONDS_PER_MICROSECOND;
    return true;
}

/* Nanoseconds as a timeval (microseconds rounded up, as Linux's ns_to_timeval of a remainder). */
static struct user_timeval ns_to_timeval(uint64_t nanoseconds)
{
    uint64_t microseconds = (nanoseconds + NANOSECONDS_PER_MICROSECOND - 1) / NANOSECONDS_PER_MICROSECOND;
    return (struct user_timeval){ .seconds = (int64_t)(microseconds / 1000000),
                                  .microseconds = (int64_t)(microseconds % 1000000) };
}

/* The running process, or NULL for a kernel thread. */
static struct process *timer_process(void)
{
    struct process *process = process_current();
    return process && process->mm ? process : NULL;
}

/* getitimer(which, value) */
long sys_getitimer(const uint64_t arguments[6])
{
    int which = ARGUMENT_INT(0);
    if (which != ITIMER_REAL)
        return -EINVAL; /* ITIMER_VIRTUAL / ITIMER_PROF are not implemented */
    struct process *process = timer_process();
    if (!process)
        return -EINVAL;
    uint64_t value, interval;
    interval_timer_get(process, &value, &interval);
    struct user_itimerval current = { .interval = ns_to_timeval(interval), .value = ns_to_timeval(value) };
    if (copy_to_user(ARGUMENT_ADDRESS(1), &current, sizeof current) < 0)
        return -EFAULT;
    return 0;
}

/* setitimer(which, new_value, old_value); a NULL new_value disarms, as Linux does. */
long sys_setitimer(const uint64_t arguments[6])
{
    int which = ARGUMENT_INT(0);
    uintptr_t new_address = ARGUMENT_ADDRESS(1), old_address = ARGUMENT_ADDRESS(2);
    struct user_itimerval wanted = { 0 };
    if (new_address && copy_from_user(&wanted, new_address, sizeof wanted) < 0)
        return -EFAULT;
    if (which != ITIMER_REAL)
        return -EINVAL; /* ITIMER_VIRTUAL / ITIMER_PROF are not implemented */
    uint64_t value, interval;
    if (!timeval_to_ns(&wanted.value, &value) || !timeval_to_ns(&wanted.interval, &interval))
        return -EINVAL;
    struct process *process = timer_process();
    if (!process)
        return -EINVAL;
    uint64_t old_value, old_interval;
    int error = interval_timer_set(process, value, interval, &old_value, &old_interval);
    if (error < 0)
        return error;
    if (old_address) {
        struct user_itimerval old = { .interval = ns_to_timeval(old_interval),
                                      .value = ns_to_timeval(old_value) };
        if (copy_to_user(old_address, &old, sizeof old) < 0)
            return -EFAULT;
    }
    return 0;
}

/* alarm(seconds): returns the seconds left of the previous alarm (rounded to nearest, at least 1). */
long sys_alarm(const uint64_t arguments[6])
{
    unsigned seconds = ARGUMENT_UNSIGNED(0);
    struct process *process = timer_process();
    if (!process)
        return 0;
    uint64_t old_value;
    if (interval_timer_set(process, (uint64_t)seconds * NANOSECONDS_PER_SECOND, 0, &old_value, NULL) < 0)
        return 0;
    if (old_value == 0)
        return 0;
    struct user_timeval left = ns_to_timeval(old_value);
    long result = (long)left.seconds;
    if ((left.seconds == 0 && left.microseconds) || left.microseconds >= 500000)
        result++;
    return result;
}
