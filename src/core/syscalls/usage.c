/*
 * usage.c — times and getrusage: the CPU time processes and threads have
 * used, as struct process and struct thread account it.
 */
#include <rk/process.h>
#include <rk/string.h>
#include <rk/thread.h>
#include <rk/timer.h>

#include "syscall_support.h"
#include "system_support.h"

#define USER_HZ 100
#define RUSAGE_SELF 0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD 1

/* See system_support.h. */
void process_cpu_times(const struct process *process, uint64_t *user_ns, uint64_t *system_ns)
{
    *user_ns = process ? process->user_time_ns : 0;
    *system_ns = process ? process->system_time_ns : 0;
}

/* See system_support.h. */
void thread_cpu_times(const struct thread *thread, uint64_t *user_ns, uint64_t *system_ns)
{
    *user_ns = thread ? thread->user_time_ns : 0;
    *system_ns = thread ? thread->system_time_ns : 0;
}

/* Nanoseconds in clock ticks (USER_HZ). */
static int64_t ticks_of(uint64_t nanoseconds) { return (int64_t)(nanoseconds / (1000000000u / USER_HZ)); }

/*
 * times(tms * or NULL): the process's and its reaped children's user and
 * system times in ticks; returns the ticks since boot (Linux's value is
 * arbitrary but increasing; this one starts at 0).
 */
long sys_times(const uint64_t arguments[6])
{
    if (ARGUMENT_ADDRESS(0)) {
        struct process *process = process_current();
        uint64_t user, system;
        process_cpu_times(process, &user, &system);
        int64_t values[4] = {
            ticks_of(user),
            ticks_of(system),
            process ? ticks_of(process->children_user_time_ns) : 0,
            process ? ticks_of(process->children_system_time_ns) : 0,
        };
        if (copy_to_user(ARGUMENT_ADDRESS(0), values, sizeof values) < 0)
            return -EFAULT;
    }
    return ticks_of(clock_now_ns());
}

/* struct rusage (144 bytes). */
struct user_rusage {
    int64_t user_seconds, user_microseconds;
    int64_t system_seconds, system_microseconds;
    int64_t counters[14];   /* maxrss, ixrss, idrss, isrss, minflt, majflt, nswap, ... nivcsw */
};
_Static_assert(sizeof(struct user_rusage) == 144, "struct rusage is 144 bytes");

/* getrusage(who, rusage *): RUSAGE_SELF, RUSAGE_CHILDREN, RUSAGE_THREAD; else -EINVAL. */
long sys_getrusage(const uint64_t arguments[6])
{
    int who = ARGUMENT_INT(0);
    struct process *process = process_current();
    uint64_t user = 0, system = 0;
    switch (who) {
    case RUSAGE_SELF:
        process_cpu_times(process, &user, &system);
        break;
    case RUSAGE_CHILDREN:
        user = process ? process->children_user_time_ns : 0;
        system = process ? process->children_system_time_ns : 0;
        break;
    case RUSAGE_THREAD:
        thread_cpu_times(thread_current(), &user, &system);
        break;
    default:
        return -EINVAL;
    }
    struct user_rusage usage;
    memset(&usage, 0, sizeof usage);
    usage.user_seconds = (int64_t)(user / 1000000000u);
    usage.user_microseconds = (int64_t)(user % 1000000000u / 1000u);
    usage.system_seconds = (int64_t)(system / 1000000000u);
    usage.system_microseconds = (int64_t)(system % 1000000000u / 1000u);
    return copy_to_user(ARGUMENT_ADDRESS(1), &usage, sizeof usage) < 0 ? -EFAULT : 0;
}
