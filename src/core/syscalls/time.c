/*
 * time.c — clocks and sleeping: clock_gettime, clock_getres,
 * clock_settime, gettimeofday, settimeofday, time, nanosleep and
 * clock_nanosleep. CLOCK_REALTIME is rk/clock.h's wall clock; the
 * monotonic clocks (and BOOTTIME: the kernel never suspends) are the
 * platform clock; the CPU clocks are the process's and thread's accounted
 * time. Sleeps are interruptible: a signal ends them with -EINTR and the
 * time left (relative sleeps), as Linux reports after a handler ran.
 */
#include <rk/clock.h>
#include <rk/process.h>
#include <rk/signal.h>
#include <rk/thread.h>
#include <rk/timer.h>
#include <rk/waitqueue.h>

#include "syscall_support.h"
#include "system_support.h"

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define CLOCK_TAI 11
#define TIMER_ABSTIME 1
#define COARSE_RESOLUTION_NS 4000000   /* one tick at Debian's HZ=250, what Linux reports */

/*
 * The time of clock_id now in nanoseconds. Returns 0, or -EINVAL for a
 * clock this kernel does not know (negative ids name other processes' CPU
 * clocks on Linux; they are not supported and also -EINVAL).
 */
static int clock_read(int clock_id, int64_t *now)
{
    uint64_t user, system;
    switch (clock_id) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_TAI:
        *now = clock_realtime_ns();
        return 0;
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
        *now = (int64_t)clock_now_ns();
        return 0;
    case CLOCK_PROCESS_CPUTIME_ID:
        process_cpu_times(process_current(), &user, &system);
        *now = (int64_t)(user + system);
        return 0;
    case CLOCK_THREAD_CPUTIME_ID:
        thread_cpu_times(thread_current(), &user, &system);
        *now = (int64_t)(user + system);
        return 0;
    default:
        return -EINVAL;
    }
}

/* Write nanoseconds as a timespec to address. Returns 0 or -EFAULT. */
static int timespec_write(uintptr_t address, int64_t nanoseconds)
{
    struct user_timespec value = timespec_from_ns(nanoseconds);
    return copy_to_user(address, &value, sizeof value) < 0 ? -EFAULT : 0;
}

/* clock_gettime(clock_id, timespec *). */
long sys_clock_gettime(const uint64_t arguments[6])
{
    int64_t now;
    int error = clock_read(ARGUMENT_INT(0), &now);
    if (error < 0)
        return error;
    return timespec_write(ARGUMENT_ADDRESS(1), now);
}

/* clock_getres(clock_id, timespec * or NULL). */
long sys_clock_getres(const uint64_t arguments[6])
{
    int64_t now;
    int clock_id = ARGUMENT_INT(0);
    int error = clock_read(clock_id, &now);
    if (error < 0)
        return error;
    if (!ARGUMENT_ADDRESS(1))
        return 0;
    bool coarse = clock_id == CLOCK_REALTIME_COARSE || clock_id == CLOCK_MONOTONIC_COARSE;
    return timespec_write(ARGUMENT_ADDRESS(1), coarse ? COARSE_RESOLUTION_NS : 1);
}

/*
 * clock_settime(clock_id, timespec *): only CLOCK_REALTIME can be set (the
 * others are -EINVAL, as Linux). Everyone is root, so no EPERM.
 */
long sys_clock_settime(const uint64_t arguments[6])
{
    int clock_id = ARGUMENT_INT(0);
    int64_t now;
    int error = clock_read(clock_id, &now);
    if (error < 0)
        return error;
    struct user_timespec value;
    if (copy_from_user(&value, ARGUMENT_ADDRESS(1), sizeof value) < 0)
        return -EFAULT;
    if (clock_id != CLOCK_REALTIME)
        return -EINVAL;
    if (!timespec_valid(&value) || !realtime_settable(&value))
        return -EINVAL;
    clock_realtime_set_ns((int64_t)timespec_to_ns(&value));
    return 0;
}

/* gettimeofday(timeval * or NULL, timezone * or NULL): the zone is always UTC (0, 0). */
long sys_gettimeofday(const uint64_t arguments[6])
{
    if (ARGUMENT_ADDRESS(0)) {
        struct user_timespec value = timespec_from_ns(clock_realtime_ns());
        value.nanoseconds /= 1000;
        if (copy_to_user(ARGUMENT_ADDRESS(0), &value, sizeof value) < 0)
            return -EFAULT;
    }
    if (ARGUMENT_ADDRESS(1)) {
        const int32_t zone[2] = { 0, 0 };
        if (copy_to_user(ARGUMENT_ADDRESS(1), zone, sizeof zone) < 0)
            return -EFAULT;
    }
    return 0;
}

/*
 * settimeofday(timeval * or NULL, timezone * or NULL): microseconds out of
 * 0..999999, negative seconds or a time too close to the clock's limit are
 * -EINVAL; a timezone is read (EFAULT) and otherwise ignored.
 */
long sys_settimeofday(const uint64_t arguments[6])
{
    struct user_timespec value;
    if (ARGUMENT_ADDRESS(0)) {
        if (copy_from_user(&value, ARGUMENT_ADDRESS(0), sizeof value) < 0)
            return -EFAULT;
        if (value.nanoseconds < 0 || value.nanoseconds >= 1000000 || value.seconds < 0 ||
            !realtime_settable(&value))
            return -EINVAL;
    }
    if (ARGUMENT_ADDRESS(1)) {
        int32_t zone[2];
        if (copy_from_user(zone, ARGUMENT_ADDRESS(1), sizeof zone) < 0)
            return -EFAULT;
    }
    if (ARGUMENT_ADDRESS(0))
        clock_realtime_set_ns(value.seconds * NANOSECONDS_PER_SECOND + value.nanoseconds * 1000);
    return 0;
}

/* time(time_t * or NULL): the seconds, also stored when a pointer is given. */
long sys_time(const uint64_t arguments[6])
{
    int64_t seconds = timespec_from_ns(clock_realtime_ns()).seconds;
    if (ARGUMENT_ADDRESS(0) && copy_to_user(ARGUMENT_ADDRESS(0), &seconds, sizeof seconds) < 0)
        return -EFAULT;
    return seconds;
}

/*
 * Sleep until the monotonic clock reaches deadline, interruptibly.
 * Returns 0 when the time came, or the wait's error (-ERESTARTSYS: a
 * signal; -EDEADLK: the boot thread with nothing to run, never woken).
 */
static int sleep_until(uint64_t deadline)
{
    struct wait_queue nobody;
    wait_queue_init(&nobody);
    for (;;) {
        uint64_t now = clock_now_ns();
        if (now >= deadline)
            return 0;
        int error = wait_queue_wait(&nobody, NULL, deadline - now);
        if (error < 0 && error != -ETIMEDOUT)
            return error;
    }
}

/*
 * A relative sleep a signal interrupted: write the time left to
 * remain_address (when not 0) and leave the rest to restart_syscall (the
 * thread's signal_restart). Returns -ERESTART_RESTARTBLOCK (user mode sees
 * -EINTR when a handler runs) or -EFAULT.
 */
static long interrupted_relative_sleep(uint64_t deadline, uintptr_t remain_address);

/* restart_syscall's resume of a relative sleep: sleep on to the saved deadline. */
static long resume_relative_sleep(struct thread *thread)
{
    uint64_t deadline = thread->signals.restart.deadline_ns;
    uintptr_t remain_address = thread->signals.restart.address;
    int error = sleep_until(deadline);
    if (error != -ERESTARTSYS)
        return error;
    return interrupted_relative_sleep(deadline, remain_address);
}

static long interrupted_relative_sleep(uint64_t deadline, uintptr_t remain_address)
{
    if (remain_address) {
        uint64_t after = clock_now_ns();
        uint64_t left = deadline > after ? deadline - after : 0;
        if (timespec_write(remain_address, (int64_t)left) < 0)
            return -EFAULT;
    }
    struct signal_restart *restart = &thread_current()->signals.restart;
    restart->resume = resume_relative_sleep;
    restart->deadline_ns = deadline;
    restart->address = remain_address;
    return -ERESTART_RESTARTBLOCK;
}

/*
 * The common part of nanosleep and clock_nanosleep: sleep for the
 * request at request_address (relative, or absolute on clock_id when
 * absolute). A signal ends it with -EINTR when a handler runs, the time
 * left written to remain_address (when not 0 and relative); otherwise the
 * sleep goes on (stop and continue, ignored signals) as on Linux: absolute
 * sleeps restart, relative ones resume through restart_syscall. Returns 0,
 * -ERESTARTNOHAND, -ERESTART_RESTARTBLOCK, -EFAULT or -EINVAL.
 */
static long sleep_request(int clock_id, bool absolute, uintptr_t request_address,
                          uintptr_t remain_address)
{
    struct user_timespec request;
    if (copy_from_user(&request, request_address, sizeof request) < 0)
        return -EFAULT;
    if (!timespec_valid(&request))
        return -EINVAL;
    uint64_t now = clock_now_ns();
    uint64_t duration = timespec_to_ns(&request);
    if (absolute) {
        int64_t clock_now;
        (void)clock_read(clock_id, &clock_now);
        duration = (int64_t)duration > clock_now ? duration - (uint64_t)clock_now : 0;
    }
    uint64_t deadline = duration > UINT64_MAX - 1 - now ? UINT64_MAX - 1 : now + duration;
    int error = sleep_until(deadline);
    if (error == 0)
        return 0;
    if (error != -ERESTARTSYS)
        return error;
    if (absolute)
        return -ERESTARTNOHAND;
    return interrupted_relative_sleep(deadline, remain_address);
}

/* nanosleep(request, remain or NULL). */
long sys_nanosleep(const uint64_t arguments[6])
{
    return sleep_request(CLOCK_MONOTONIC, false, ARGUMENT_ADDRESS(0), ARGUMENT_ADDRESS(1));
}

/*
 * clock_nanosleep(clock_id, flags, request, remain): REALTIME, MONOTONIC,
 * BOOTTIME and TAI sleep; the clocks without a sleep (RAW, COARSE, the
 * thread's CPU clock as on Linux, and the process CPU clock here) are
 * -EOPNOTSUPP, unknown ones -EINVAL; flags other than TIMER_ABSTIME are
 * ignored, as Linux does.
 */
long sys_clock_nanosleep(const uint64_t arguments[6])
{
    int clock_id = ARGUMENT_INT(0);
    switch (clock_id) {
    case CLOCK_REALTIME:
    case CLOCK_MONOTONIC:
    case CLOCK_BOOTTIME:
    case CLOCK_TAI:
        break;
    case CLOCK_THREAD_CPUTIME_ID:
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_MONOTONIC_COARSE:
        return -EOPNOTSUPP;
    default:
        return -EINVAL;
    }
    bool absolute = (arguments[1] & TIMER_ABSTIME) != 0;
    return sleep_request(clock_id, absolute, ARGUMENT_ADDRESS(2), ARGUMENT_ADDRESS(3));
}
