/*
 * signal_kill.c — kill, tkill, tgkill, rt_sigqueueinfo and
 * rt_tgsigqueueinfo: sending signals from user mode. Every process runs as
 * root for now, so there is no EPERM from credentials.
 */
#include "../signal/signal_internal.h"
#include "signal_syscalls.h"

/* The siginfo of a kill(2) from the running process. */
static struct signal_info sender_info(int signal, int code)
{
    struct process *process = process_current();
    return (struct signal_info){
        .signal = signal,
        .code = code,
        .pid = process ? process->pid : 0,
        .uid = process ? process->uid : 0,
    };
}

struct kill_everyone {
    struct process *caller;
    int signal;
    const struct signal_info *info;
    int count;
    int error;
};

/* process_for_each visitor for kill(-1): every user process but init and the caller. */
static int kill_one(struct process *process, void *argument)
{
    struct kill_everyone *kill = argument;
    if (process->pid <= 1 || process == kill->caller || !process->mm ||
        process->state == PROCESS_ZOMBIE)
        return 0;
    int error = signal_send_process(process, kill->signal, kill->info);
    kill->count++;
    if (error < 0)
        kill->error = error;
    return 0;
}

/*
 * True when process may be named by kill/rt_sigqueueinfo: a user process,
 * or an unreaped zombie (Linux answers 0 and the signal is dropped; its mm
 * is already gone). Kernel processes are ESRCH.
 */
static bool is_signal_target(const struct process *process)
{
    return process && (process->mm || process->state == PROCESS_ZOMBIE);
}

/* kill(pid, signal) */
long sys_kill(const uint64_t arguments[6])
{
    int pid = ARGUMENT_INT(0), signal = ARGUMENT_INT(1);
    if (signal < 0 || signal > SIGNAL_COUNT)
        return -EINVAL;
    const struct signal_info info = sender_info(signal, SI_USER);
    struct process *caller = process_current();
    if (pid > 0) {
        struct process *process = process_find(pid);
        if (!is_signal_target(process))
            return -ESRCH;
        return signal_send_process(process, signal, &info);
    }
    if (pid == -1) {
        struct kill_everyone kill = { .caller = caller, .signal = signal, .info = &info };
        process_for_each(kill_one, &kill);
        if (kill.count == 0)
            return -ESRCH;
        return kill.error;
    }
    if (pid == INT32_MIN)
        return -ESRCH; /* -INT_MIN overflows: Linux answers ESRCH */
    int group = pid == 0 ? (caller ? caller->process_group : 0) : -pid;
    return signal_send_process_group(group, signal, &info);
}

/* Send signal to thread tid, which must belong to process tgid when tgid > 0. */
static long send_to_thread(int tgid, int tid, int signal, const struct signal_info *info)
{
    if (signal < 0 || signal > SIGNAL_COUNT)
        return -EINVAL;
    struct thread *thread = signal_find_thread(tid);
    if (!thread || !thread->process || !thread->process->mm || thread->exiting)
        return -ESRCH;
    if (tgid > 0 && thread->process->pid != tgid)
        return -ESRCH;
    return signal_send_thread(thread, signal, info);
}

/* tkill(tid, signal) */
long sys_tkill(const uint64_t arguments[6])
{
    int tid = ARGUMENT_INT(0), signal = ARGUMENT_INT(1);
    if (tid <= 0)
        return -EINVAL;
    const struct signal_info info = sender_info(signal, SI_TKILL);
    return send_to_thread(0, tid, signal, &info);
}

/* tgkill(tgid, tid, signal) */
long sys_tgkill(const uint64_t arguments[6])
{
    int tgid = ARGUMENT_INT(0), tid = ARGUMENT_INT(1), signal = ARGUMENT_INT(2);
    if (tgid <= 0 || tid <= 0)
        return -EINVAL;
    const struct signal_info info = sender_info(signal, SI_TKILL);
    return send_to_thread(tgid, tid, signal, &info);
}

/*
 * The siginfo a process supplied (rt_sigqueueinfo). Only negative codes
 * other than SI_TKILL may be forged for another process (Linux's EPERM).
 */
static long user_queue_info(uintptr_t address, int signal, int target_pid, struct signal_info *info)
{
    unsigned char linux_info[SIGNAL_INFO_SIZE];
    if (copy_from_user(linux_info, address, sizeof linux_info) < 0)
        return -EFAULT;
    signal_info_from_linux(linux_info, info);
    struct process *caller = process_current();
    if ((info->code >= 0 || info->code == SI_TKILL) && (!caller || caller->pid != target_pid))
        return -EPERM;
    info->signal = signal;
    return 0;
}

/* rt_sigqueueinfo(tgid, signal, info) */
long sys_rt_sigqueueinfo(const uint64_t arguments[6])
{
    int pid = ARGUMENT_INT(0), signal = ARGUMENT_INT(1);
    struct signal_info info;
    long error = user_queue_info(ARGUMENT_ADDRESS(2), signal, pid, &info);
    if (error < 0)
        return error;
    if (signal < 0 || signal > SIGNAL_COUNT)
        return -EINVAL;
    struct process *process = pid > 0 ? process_find(pid) : NULL;
    if (!is_signal_target(process))
        return -ESRCH;
    return signal_send_process(process, signal, &info);
}

/* rt_tgsigqueueinfo(tgid, tid, signal, info) */
long sys_rt_tgsigqueueinfo(const uint64_t arguments[6])
{
    int tgid = ARGUMENT_INT(0), tid = ARGUMENT_INT(1), signal = ARGUMENT_INT(2);
    if (tgid <= 0 || tid <= 0)
        return -EINVAL;
    struct signal_info info;
    long error = user_queue_info(ARGUMENT_ADDRESS(3), signal, tgid, &info);
    if (error < 0)
        return error;
    return send_to_thread(tgid, tid, signal, &info);
}
