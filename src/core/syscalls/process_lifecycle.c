/*
 * process_lifecycle.c — fork, vfork, clone, exit, exit_group, wait4 and
 * waitid: argument decoding and user memory; the work is in
 * process_fork.c, process_exit.c and process_wait.c.
 */
#include <rk/signal.h>

#include "../process_internal.h"
#include "process_syscalls.h"

#define NANOSECONDS_PER_MICROSECOND 1000ull
#define MICROSECONDS_PER_SECOND 1000000ull

/* fork(2). */
long sys_fork(const uint64_t arguments[6])
{
    (void)arguments;
    const struct clone_request request = { .exit_signal = SIGCHLD };
    return process_clone(&request);
}

/* vfork(2): the child shares the memory; the parent sleeps until it execs or exits. */
long sys_vfork(const uint64_t arguments[6])
{
    (void)arguments;
    const struct clone_request request = { .flags = CLONE_VM | CLONE_VFORK, .exit_signal = SIGCHLD };
    return process_clone(&request);
}

/* clone(2), x86_64 order: flags, stack, parent_tid, child_tid, tls. */
long sys_clone(const uint64_t arguments[6])
{
    uint64_t flags = arguments[0] & 0xffffffffull;
    const struct clone_request request = {
        .flags = flags & ~(uint64_t)CSIGNAL,
        .exit_signal = (flags & CLONE_THREAD) ? 0 : (int)(flags & CSIGNAL),
        .stack = ARGUMENT_ADDRESS(1),
        .parent_tid = ARGUMENT_ADDRESS(2),
        .child_tid = ARGUMENT_ADDRESS(3),
        .tls = ARGUMENT_ADDRESS(4),
    };
    return process_clone(&request);
}

/* exit(2): only the calling thread. */
long sys_exit(const uint64_t arguments[6])
{
    process_exit_thread(ARGUMENT_INT(0) & 0xff);
}

/* exit_group(2): every thread of the process. */
long sys_exit_group(const uint64_t arguments[6])
{
    process_exit_group(WAIT_STATUS_EXITED(ARGUMENT_INT(0) & 0xff));
}

/* Write a struct rusage with the CPU times of result (the rest zero). */
static int rusage_write(uintptr_t address, const struct wait_result *result)
{
    int64_t usage[18] = { 0 };
    uint64_t user_us = result->user_time_ns / NANOSECONDS_PER_MICROSECOND;
    uint64_t system_us = result->system_time_ns / NANOSECONDS_PER_MICROSECOND;
    usage[0] = (int64_t)(user_us / MICROSECONDS_PER_SECOND);
    usage[1] = (int64_t)(user_us % MICROSECONDS_PER_SECOND);
    usage[2] = (int64_t)(system_us / MICROSECONDS_PER_SECOND);
    usage[3] = (int64_t)(system_us % MICROSECONDS_PER_SECOND);
    return copy_to_user(address, usage, sizeof usage);
}

/* wait4(2): pid > 0, -1 (any), 0 (my group), < -1 (group -pid). */
long sys_wait4(const uint64_t arguments[6])
{
    int pid = ARGUMENT_INT(0);
    uintptr_t status_address = ARGUMENT_ADDRESS(1);
    int options = ARGUMENT_INT(2);
    uintptr_t usage_address = ARGUMENT_ADDRESS(3);
    if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL))
        return -EINVAL;
    if (pid == INT32_MIN)
        return -ESRCH;
    struct wait_request request = { .id_type = P_ALL, .options = options | WEXITED };
    if (pid > 0) {
        request.id_type = P_PID;
        request.id = pid;
    } else if (pid == 0) {
        struct process *process = process_current();
        request.id_type = P_PGID;
        request.id = process ? process->process_group : 0;
    } else if (pid < -1) {
        request.id_type = P_PGID;
        request.id = -pid;
    }
    struct wait_result result;
    int error = process_wait(&request, &result);
    if (error < 0)
        return error;
    if (result.pid > 0) {
        if (status_address && copy_to_user(status_address, &result.status, sizeof result.status) < 0)
            return -EFAULT;
        if (usage_address && rusage_write(usage_address, &result) < 0)
            return -EFAULT;
    }
    return result.pid;
}

/* waitid(2) (with Linux's fifth argument, a struct rusage). */
long sys_waitid(const uint64_t arguments[6])
{
    int id_type = ARGUMENT_INT(0);
    int id = ARGUMENT_INT(1);
    uintptr_t info_address = ARGUMENT_ADDRESS(2);
    int options = ARGUMENT_INT(3);
    uintptr_t usage_address = ARGUMENT_ADDRESS(4);
    if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WNOTHREAD | __WCLONE |
                    __WALL))
        return -EINVAL;
    if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
        return -EINVAL;
    struct wait_request request = { .id_type = id_type, .id = id, .options = options };
    switch (id_type) {
    case P_ALL:
        break;
    case P_PID:
        if (id <= 0)
            return -EINVAL;
        break;
    case P_PGID:
        if (id < 0)
            return -EINVAL;
        if (id == 0) {
            struct process *process = process_current();
            request.id = process ? process->process_group : 0;
        }
        break;
    case P_PIDFD:
        return -EBADF; /* no pidfds exist */
    default:
        return -EINVAL;
    }
    struct wait_result result;
    int error = process_wait(&request, &result);
    if (error < 0)
        return error;
    if (result.pid > 0 && usage_address && rusage_write(usage_address, &result) < 0)
        return -EFAULT;
    if (!info_address)
        return 0;
    /* siginfo_t: signo, errno, code, then the SIGCHLD fields pid, uid, status. */
    int32_t head[3] = { result.pid > 0 ? SIGCHLD : 0, 0, result.pid > 0 ? result.code : 0 };
    int32_t child[3] = { result.pid, (int32_t)result.uid, result.signal_or_code };
    if (copy_to_user(info_address, head, sizeof head) < 0 ||
        copy_to_user(info_address + 16, child, sizeof child) < 0)
        return -EFAULT;
    return 0;
}
