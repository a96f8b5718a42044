/*
 * system_support.h — what the files of the system family share: the
 * timespec/timeval layouts and checks, and the family's handlers.
 */
#ifndef RK_CORE_SYSTEM_SUPPORT_H
#define RK_CORE_SYSTEM_SUPPORT_H

#include <stdbool.h>
#include <stdint.h>

#define NANOSECONDS_PER_SECOND 1000000000ll

/* struct timespec (and, with microseconds in the second word, struct timeval). */
struct user_timespec {
    int64_t seconds;
    int64_t nanoseconds;
};

/* True for a timespec Linux accepts as a duration or time: seconds >= 0, 0 <= ns < 1e9. */
static inline bool timespec_valid(const struct user_timespec *value)
{
    return value->seconds >= 0 && value->nanoseconds >= 0 &&
           value->nanoseconds < NANOSECONDS_PER_SECOND;
}

/*
 * The latest CLOCK_REALTIME that settimeofday/clock_settime accept: Linux
 * refuses (EINVAL) times within 30 years of the 64-bit nanosecond limit
 * (KTIME_SEC_MAX - TIME_UPTIME_SEC_MAX), so the clock cannot overflow.
 */
#define REALTIME_SETTABLE_SECONDS_LIMIT (INT64_MAX / NANOSECONDS_PER_SECOND - 30ll * 365 * 86400)

/* True when a valid timespec may become CLOCK_REALTIME. */
static inline bool realtime_settable(const struct user_timespec *value)
{
    return value->seconds < REALTIME_SETTABLE_SECONDS_LIMIT;
}

/* A valid timespec in nanoseconds, saturating at INT64_MAX. */
static inline uint64_t timespec_to_ns(const struct user_timespec *value)
{
    if (value->seconds >= INT64_MAX / NANOSECONDS_PER_SECOND)
        return INT64_MAX;
    return (uint64_t)value->seconds * NANOSECONDS_PER_SECOND + (uint64_t)value->nanoseconds;
}

/* Nanoseconds as a timespec. */
static inline struct user_timespec timespec_from_ns(int64_t nanoseconds)
{
    struct user_timespec value = { nanoseconds / NANOSECONDS_PER_SECOND,
                                   nanoseconds % NANOSECONDS_PER_SECOND };
    if (value.nanoseconds < 0) {
        value.seconds--;
        value.nanoseconds += NANOSECONDS_PER_SECOND;
    }
    return value;
}

struct process;
struct thread;
/*
 * CPU time of process (its threads, as struct process accounts it) and of
 * thread, user and system parts in nanoseconds (usage.c). NULL process:
 * zeros.
 */
void process_cpu_times(const struct process *process, uint64_t *user_ns, uint64_t *system_ns);
void thread_cpu_times(const struct thread *thread, uint64_t *user_ns, uint64_t *system_ns);

/* poll.c */
long sys_poll(const uint64_t arguments[6]);
long sys_ppoll(const uint64_t arguments[6]);
long sys_select(const uint64_t arguments[6]);
long sys_pselect6(const uint64_t arguments[6]);
/* time.c */
long sys_clock_gettime(const uint64_t arguments[6]);
long sys_clock_getres(const uint64_t arguments[6]);
long sys_clock_settime(const uint64_t arguments[6]);
long sys_gettimeofday(const uint64_t arguments[6]);
long sys_settimeofday(const uint64_t arguments[6]);
long sys_time(const uint64_t arguments[6]);
long sys_nanosleep(const uint64_t arguments[6]);
long sys_clock_nanosleep(const uint64_t arguments[6]);
/* system_info.c */
long sys_uname(const uint64_t arguments[6]);
long sys_sethostname(const uint64_t arguments[6]);
long sys_setdomainname(const uint64_t arguments[6]);
long sys_getrandom(const uint64_t arguments[6]);
long sys_sysinfo(const uint64_t arguments[6]);
/* usage.c */
long sys_times(const uint64_t arguments[6]);
long sys_getrusage(const uint64_t arguments[6]);
/* reboot.c */
long sys_reboot(const uint64_t arguments[6]);
/* scheduling.c */
long sys_sched_yield(const uint64_t arguments[6]);
long sys_sched_getaffinity(const uint64_t arguments[6]);
long sys_sched_setaffinity(const uint64_t arguments[6]);
long sys_sched_getscheduler(const uint64_t arguments[6]);
long sys_sched_getparam(const uint64_t arguments[6]);
long sys_sched_get_priority_max(const uint64_t arguments[6]);
long sys_sched_get_priority_min(const uint64_t arguments[6]);
long sys_getcpu(const uint64_t arguments[6]);

#endif
