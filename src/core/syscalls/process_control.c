/*
 * process_control.c — resource limits (getrlimit, setrlimit, prlimit64),
 * arch_prctl (fs/gs bases), prctl (name, parent-death signal, dumpable),
 * robust futex lists and futex(2) itself.
 */
#include <rk/futex.h>
#include <rk/signal.h>
#include <rk/string.h>
#include <rk/thread.h>

#include "../process_internal.h"
#include "process_syscalls.h"

/* ------------------------------------------------------------ limits */

/* The limit that RLIMIT_NOFILE's hard value may not exceed (Linux's fs.nr_open): the table size. */
#define NOFILE_CEILING PROCESS_FD_LIMIT

/*
 * Read old limits of resource in process into *old (may be NULL) and, when
 * new_limit is not NULL, set them with Linux's rules: EINVAL for cur > max,
 * EPERM for raising max without privilege or NOFILE above the ceiling.
 */
static long limit_exchange(struct process *process, int resource,
                           const struct resource_limit *new_limit, struct resource_limit *old)
{
    if (resource < 0 || resource >= RESOURCE_LIMIT_COUNT)
        return -EINVAL;
    struct resource_limit *limit = &process->limits[resource];
    if (new_limit) {
        if (new_limit->current > new_limit->maximum)
            return -EINVAL;
        if (resource == RLIMIT_NOFILE && new_limit->maximum > NOFILE_CEILING)
            return -EPERM;
        struct process *caller = process_current();
        if (new_limit->maximum > limit->maximum && caller && caller->euid != 0)
            return -EPERM;
    }
    if (old)
        *old = *limit;
    if (new_limit)
        *limit = *new_limit;
    return 0;
}

/* getrlimit(2). */
long sys_getrlimit(const uint64_t arguments[6])
{
    struct process *process = process_current();
    if (!process)
        return -EINVAL;
    struct resource_limit old;
    long error = limit_exchange(process, ARGUMENT_INT(0), NULL, &old);
    if (error < 0)
        return error;
    return copy_to_user(ARGUMENT_ADDRESS(1), &old, sizeof old) < 0 ? -EFAULT : 0;
}

/* setrlimit(2). */
long sys_setrlimit(const uint64_t arguments[6])
{
    struct process *process = process_current();
    if (!process)
        return -EINVAL;
    struct resource_limit limit;
    if (copy_from_user(&limit, ARGUMENT_ADDRESS(1), sizeof limit) < 0)
        return -EFAULT;
    return limit_exchange(process, ARGUMENT_INT(0), &limit, NULL);
}

/* prlimit64(2): pid 0 = the caller. */
long sys_prlimit64(const uint64_t arguments[6])
{
    int pid = ARGUMENT_INT(0);
    uintptr_t new_address = ARGUMENT_ADDRESS(2), old_address = ARGUMENT_ADDRESS(3);
    struct resource_limit new_limit, old;
    if (new_address && copy_from_user(&new_limit, new_address, sizeof new_limit) < 0)
        return -EFAULT;
    if (ARGUMENT_INT(1) < 0 || ARGUMENT_INT(1) >= RESOURCE_LIMIT_COUNT)
        return -EINVAL;
    struct process *process = pid == 0 ? process_current() : process_find(pid);
    if (!process || pid < 0)
        return -ESRCH;
    long error = limit_exchange(process, ARGUMENT_INT(1), new_address ? &new_limit : NULL, &old);
    if (error < 0)
        return error;
    if (old_address && copy_to_user(old_address, &old, sizeof old) < 0)
        return -EFAULT;
    return 0;
}

/* -------------------------------------------------------- arch_prctl */

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

/* arch_prctl(2): the fs and gs bases of the calling thread's user state. */
long sys_arch_prctl(const uint64_t arguments[6])
{
    struct user_registers *registers = thread_current()->user_registers;
    int code = ARGUMENT_INT(0);
    uint64_t value = arguments[1];
    if (!registers)
        return -EINVAL;
    switch (code) {
    case ARCH_SET_FS:
    case ARCH_SET_GS:
        if (!process_user_base_valid(value))
            return -EPERM;
        if (code == ARCH_SET_FS)
            registers->fs_base = value;
        else
            registers->gs_base = value;
        return 0;
    case ARCH_GET_FS:
    case ARCH_GET_GS: {
        uint64_t base = code == ARCH_GET_FS ? registers->fs_base : registers->gs_base;
        return copy_to_user(ARGUMENT_ADDRESS(1), &base, sizeof base) < 0 ? -EFAULT : 0;
    }
    default:
        return -EINVAL;
    }
}

/* ------------------------------------------------------------- prctl */

#define PR_SET_PDEATHSIG 1
#define PR_GET_PDEATHSIG 2
#define PR_GET_DUMPABLE 3
#define PR_SET_DUMPABLE 4
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define TASK_NAME_LENGTH 16

/* prctl(2): names, the parent-death signal, dumpable; other options EINVAL. */
long sys_prctl(const uint64_t arguments[6])
{
    struct thread *thread = thread_current();
    struct process *process = thread->process;
    if (!process)
        return -EINVAL;
    uint64_t value = arguments[1];
    switch (ARGUMENT_INT(0)) {
    case PR_SET_PDEATHSIG:
        if (value > SIGNAL_COUNT)
            return -EINVAL;
        process->parent_death_signal = (int)value;
        return 0;
    case PR_GET_PDEATHSIG: {
        int signal = process->parent_death_signal;
        return copy_to_user(ARGUMENT_ADDRESS(1), &signal, sizeof signal) < 0 ? -EFAULT : 0;
    }
    case PR_GET_DUMPABLE:
        return process->dumpable;
    case PR_SET_DUMPABLE:
        if (value > 1)
            return -EINVAL;
        process->dumpable = (int)value;
        return 0;
    case PR_SET_NAME: {
        char name[TASK_NAME_LENGTH];
        long length = copy_string_from_user(name, ARGUMENT_ADDRESS(1), sizeof name);
        if (length == -EFAULT)
            return -EFAULT;
        if (length < 0) {  /* longer than 15: Linux keeps the first 15 characters */
            if (copy_from_user(name, ARGUMENT_ADDRESS(1), sizeof name - 1) < 0)
                return -EFAULT;
            name[sizeof name - 1] = '\0';
        }
        rk_strlcpy(thread->name, name, sizeof thread->name);
        if (thread->tid == process->pid)
            rk_strlcpy(process->name, name, sizeof process->name);
        return 0;
    }
    case PR_GET_NAME: {
        char name[TASK_NAME_LENGTH] = { 0 };
        rk_strlcpy(name, thread->tid == process->pid ? process->name : thread->name, sizeof name);
        return copy_to_user(ARGUMENT_ADDRESS(1), name, sizeof name) < 0 ? -EFAULT : 0;
    }
    default:
        return -EINVAL;
    }
}

/* ---------------------------------------------------- robust lists, futex */

#define ROBUST_LIST_HEAD_SIZE 24

/* set_robust_list(2): remember the head (used at exit). */
long sys_set_robust_list(const uint64_t arguments[6])
{
    if (arguments[1] != ROBUST_LIST_HEAD_SIZE)
        return -EINVAL;
    struct thread *thread = thread_current();
    thread->robust_list = ARGUMENT_ADDRESS(0);
    thread->robust_list_length = ROBUST_LIST_HEAD_SIZE;
    return 0;
}

/* get_robust_list(2): pid 0 = the calling thread. */
long sys_get_robust_list(const uint64_t arguments[6])
{
    int tid = ARGUMENT_INT(0);
    struct thread *thread = tid == 0 ? thread_current() : process_find_thread(tid);
    if (!thread || tid < 0)
        return -ESRCH;
    uint64_t head = thread->robust_list;
    uint64_t length = thread->robust_list_length;
    if (copy_to_user(ARGUMENT_ADDRESS(1), &head, sizeof head) < 0 ||
        copy_to_user(ARGUMENT_ADDRESS(2), &length, sizeof length) < 0)
        return -EFAULT;
    return 0;
}

/* futex(2): uaddr, op, val, timeout (or val2), uaddr2, val3. */
long sys_futex(const uint64_t arguments[6])
{
    return futex_operation(ARGUMENT_ADDRESS(0), ARGUMENT_INT(1), (uint32_t)arguments[2],
                           ARGUMENT_ADDRESS(3), ARGUMENT_ADDRESS(4), (uint32_t)arguments[5]);
}
