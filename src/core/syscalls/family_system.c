/*
 * family_system.c — the table of the system family: clocks and sleeping
 * (time.c), poll and select (poll.c), names, randomness and memory figures
 * (system_info.c), CPU usage (usage.c), reboot (reboot.c) and the sched_*
 * calls (scheduling.c).
 */
#include "syscall_support.h"
#include "system_support.h"

SYSCALL_FAMILY_DEFINE(system,
    SYSCALL_ENTRY(poll), SYSCALL_ENTRY(ppoll), SYSCALL_ENTRY(select), SYSCALL_ENTRY(pselect6),
    SYSCALL_ENTRY(clock_gettime), SYSCALL_ENTRY(clock_getres), SYSCALL_ENTRY(clock_settime),
    SYSCALL_ENTRY(gettimeofday), SYSCALL_ENTRY(settimeofday), SYSCALL_ENTRY(time),
    SYSCALL_ENTRY(nanosleep), SYSCALL_ENTRY(clock_nanosleep),
    SYSCALL_ENTRY(uname), SYSCALL_ENTRY(sethostname), SYSCALL_ENTRY(setdomainname),
    SYSCALL_ENTRY(getrandom), SYSCALL_ENTRY(sysinfo),
    SYSCALL_ENTRY(times), SYSCALL_ENTRY(getrusage),
    SYSCALL_ENTRY(reboot),
    SYSCALL_ENTRY(sched_yield), SYSCALL_ENTRY(sched_getaffinity), SYSCALL_ENTRY(sched_setaffinity),
    SYSCALL_ENTRY(sched_getscheduler), SYSCALL_ENTRY(sched_getparam),
    SYSCALL_ENTRY(sched_get_priority_max), SYSCALL_ENTRY(sched_get_priority_min),
    SYSCALL_ENTRY(getcpu));
