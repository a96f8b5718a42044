/*
 * scheduling.c — the sched_* syscalls and getcpu for a uniprocessor
 * kernel with one policy: every thread is SCHED_OTHER at priority 0 on
 * CPU 0.
 */
#include <rk/process.h>
#include <rk/string.h>
#include <rk/thread.h>

#include "syscall_support.h"
#include "system_support.h"

#define SCHED_OTHER 0
#define SCHED_FIFO 1
#define SCHED_RR 2
#define SCHED_BATCH 3
#define SCHED_IDLE 5
#define SCHED_DEADLINE 6
#define CPU_MASK_BYTES 8   /* Linux's cpumask_size() for up to 64 CPUs */

/* sched_yield(): let other runnable threads run. Always 0. */
long sys_sched_yield(const uint64_t arguments[6])
{
    thread_yield();
    return 0;
}

/* The thread pid names for the sched_* calls (0: the caller). Returns 0, -EINVAL or -ESRCH. */
static int target_check(int pid)
{
    if (pid < 0)
        return -EINVAL;
    if (pid == 0)
        return 0;
    return process_find_thread(pid) || process_find(pid) ? 0 : -ESRCH;
}

/*
 * sched_getaffinity(pid, length, mask): length must hold the mask (8
 * bytes) and be a multiple of 8, else -EINVAL; writes CPU 0 only and
 * returns the bytes written (8), as Linux does.
 */
long sys_sched_getaffinity(const uint64_t arguments[6])
{
    uint64_t length = arguments[1];
    if (length * 8 < 1 || (length & (sizeof(uint64_t) - 1)))
        return -EINVAL;
    int error = target_check(ARGUMENT_INT(0));
    if (error < 0)
        return error;
    const uint64_t mask = 1;
    if (copy_to_user(ARGUMENT_ADDRESS(2), &mask, sizeof mask) < 0)
        return -EFAULT;
    return CPU_MASK_BYTES;
}

/*
 * sched_setaffinity(pid, length, mask): reads up to 8 bytes of the mask
 * (a shorter one is zero-extended); a mask without CPU 0 is -EINVAL.
 */
long sys_sched_setaffinity(const uint64_t arguments[6])
{
    uint64_t mask = 0;
    size_t length = arguments[1] < CPU_MASK_BYTES ? (size_t)arguments[1] : CPU_MASK_BYTES;
    if (copy_from_user(&mask, ARGUMENT_ADDRESS(2), length) < 0)
        return -EFAULT;
    int error = target_check(ARGUMENT_INT(0));
    if (error < 0)
        return error;
    return (mask & 1) ? 0 : -EINVAL;
}

/* sched_getscheduler(pid): SCHED_OTHER. */
long sys_sched_getscheduler(const uint64_t arguments[6])
{
    int error = target_check(ARGUMENT_INT(0));
    return error < 0 ? error : SCHED_OTHER;
}

/* sched_getparam(pid, param): sched_priority 0; a NULL param is -EINVAL. */
long sys_sched_getparam(const uint64_t arguments[6])
{
    if (!ARGUMENT_ADDRESS(1) || ARGUMENT_INT(0) < 0)
        return -EINVAL;
    int error = target_check(ARGUMENT_INT(0));
    if (error < 0)
        return error;
    const int32_t priority = 0;
    return copy_to_user(ARGUMENT_ADDRESS(1), &priority, sizeof priority) < 0 ? -EFAULT : 0;
}

/* The priority range of policy: FIFO and RR 1..99, the others 0..0; -EINVAL for unknown ones. */
static long priority_bound(int policy, bool maximum)
{
    switch (policy) {
    case SCHED_FIFO:
    case SCHED_RR:
        return maximum ? 99 : 1;
    case SCHED_OTHER:
    case SCHED_BATCH:
    case SCHED_IDLE:
    case SCHED_DEADLINE:
        return 0;
    default:
        return -EINVAL;
    }
}

long sys_sched_get_priority_max(const uint64_t arguments[6]) { return priority_bound(ARGUMENT_INT(0), true); }

long sys_sched_get_priority_min(const uint64_t arguments[6]) { return priority_bound(ARGUMENT_INT(0), false); }

/* getcpu(cpu * or NULL, node * or NULL, cache): CPU 0, node 0. */
long sys_getcpu(const uint64_t arguments[6])
{
    const uint32_t zero = 0;
    if (ARGUMENT_ADDRESS(0) && copy_to_user(ARGUMENT_ADDRESS(0), &zero, sizeof zero) < 0)
        return -EFAULT;
    if (ARGUMENT_ADDRESS(1) && copy_to_user(ARGUMENT_ADDRESS(1), &zero, sizeof zero) < 0)
        return -EFAULT;
    return 0;
}
