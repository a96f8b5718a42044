/*
 * deliver.c — delivery on the way back to user mode: default actions
 * (terminate, stop, continue, ignore), handler frames, and the fate of a
 * syscall that a signal interrupted (restart or -EINTR).
 */
#include <rk/errno.h>
#include <rk/klog.h>
#include <rk/sched.h>
#include <rk/syscall.h>

#include "signal_internal.h"

/* Make the interrupted syscall run again when user mode resumes. */
static void restart_syscall(struct user_registers *registers)
{
    registers->rax = registers->orig_rax;
    registers->rip -= 2; /* SYSCALL is two bytes */
}

/*
 * Resolve a -ERESTART* result of the syscall registers came from (Linux's
 * handle_signal / the no-handler case of arch_do_signal_or_restart).
 * action is the handler about to run, NULL when none runs.
 */
static void resolve_interrupted_syscall(struct user_registers *registers,
                                        const struct signal_action *action)
{
    if ((int64_t)registers->orig_rax < 0)
        return; /* not in a syscall (interrupt, fault, rt_sigreturn) */
    switch ((int64_t)registers->rax) {
    case -ERESTARTNOHAND:
        if (action)
            registers->rax = (uint64_t)(int64_t)-EINTR;
        else
            restart_syscall(registers);
        break;
    case -ERESTARTSYS:
        if (action && !(action->flags & SA_RESTART))
            registers->rax = (uint64_t)(int64_t)-EINTR;
        else
            restart_syscall(registers);
        break;
    case -ERESTARTNOINTR:
        restart_syscall(registers);
        break;
    case -ERESTART_RESTARTBLOCK:
        if (action) {
            registers->rax = (uint64_t)(int64_t)-EINTR;
        } else {
            registers->rax = SYS_restart_syscall; /* resumes from the thread's signal_restart */
            registers->rip -= 2;
        }
        break;
    default:
        break;
    }
}

/*
 * Park the running thread while its process is stopped, until SIGCONT or
 * SIGKILL. Returns false when it cannot sleep (the boot thread with
 * nothing left to wake it).
 */
static bool park_while_stopped(struct thread *thread, struct process *process)
{
    irq_flags_t flags = platform_irq_save();
    bool ok = true;
    while (process->state == PROCESS_STOPPED &&
           !((thread->signals.pending | process->signals.pending) & SIGNAL_BIT(SIGKILL))) {
        if (wait_queue_wait_uninterruptible(signal_stopped_queue(process), NULL, WAIT_FOREVER) < 0) {
            ok = false;
            break;
        }
    }
    platform_irq_restore(flags);
    return ok;
}

/* The default stop action: stop the whole process and tell the parent. */
static void stop_process(struct process *process, int signal)
{
    irq_flags_t flags = platform_irq_save();
    if (process->group_exiting || process->state != PROCESS_RUNNING) {
        platform_irq_restore(flags);
        return;
    }
    process->state = PROCESS_STOPPED;
    process->stop_signal = signal;
    process->wait_status = WAIT_STATUS_STOPPED(signal);
    /* The other threads leave their interruptible waits and park at the user boundary. */
    if (signal_process_has_thread_list(process))
        list_for_each(node, &process->threads)
            signal_wake_thread(list_entry(node, struct thread, process_link));
    platform_irq_restore(flags);
    process_notify_parent(process, CLD_STOPPED, signal);
}

/* Linux's force_sigsegv: a handler frame could not be built. */
static void force_segmentation_fault(struct thread *thread, int signal)
{
    if (signal == SIGSEGV) {
        struct signal_action *slot = signal_action_slot(thread->process, SIGSEGV);
        if (slot)
            slot->handler = SIG_DFL;
    }
    const struct signal_info info = { .signal = SIGSEGV, .code = SI_KERNEL };
    signal_force(thread, SIGSEGV, &info);
}

/* The default action of a fatal signal: the whole process ends with it. */
static RK_NORETURN void terminate(struct process *process, int signal, const struct user_registers *registers)
{
    if (signal_default_action(signal) == SIGNAL_DEFAULT_CORE)
        klog(KLOG_INFO, "pid %d (%s): killed by signal %d at rip %#llx", process->pid, process->name,
             signal, (unsigned long long)registers->rip);
    process_exit_group(WAIT_STATUS_SIGNALED(signal, false)); /* RLIMIT_CORE is 0: no core */
}

/*
 * Run one handler: resolve the syscall, build its frame, then block
 * sa_mask and the signal. Returns false when the frame could not be built
 * (SIGSEGV is forced instead).
 */
static bool run_handler(struct thread *thread, struct user_registers *registers, int signal,
                        const struct signal_action *action, const struct signal_info *info)
{
    resolve_interrupted_syscall(registers, action);
    uint64_t old_blocked = thread->signals.restore_saved_blocked ? thread->signals.saved_blocked
                                                                 : thread->signals.blocked;
    if (signal_frame_setup(registers, signal, action, info, old_blocked) < 0) {
        klog(KLOG_INFO, "pid %d (%s): cannot build the frame of signal %d: SIGSEGV",
             thread->process->pid, thread->process->name, signal);
        force_segmentation_fault(thread, signal);
        return false;
    }
    thread->signals.restore_saved_blocked = false;
    uint64_t blocked = thread->signals.blocked | action->mask;
    if (!(action->flags & SA_NODEFER))
        blocked |= SIGNAL_BIT(signal);
    signal_set_blocked(thread, blocked);
    return true;
}

void signal_deliver(struct user_registers *registers)
{
    struct thread *thread = thread_current();
    struct process *process = thread ? thread->process : NULL;
    if (!process || !registers)
        return;
    bool handled = false;
    for (;;) {
        if (process->group_exiting)
            return; /* the process family ends this thread at the boundary */
        if (process->state == PROCESS_STOPPED) {
            if (!park_while_stopped(thread, process))
                break;
            continue;
        }
        struct signal_info info;
        int signal = signal_dequeue(thread, thread->signals.blocked, &info);
        if (!signal)
            break;
        struct signal_action *slot = signal_action_slot(process, signal);
        struct signal_action action = slot ? *slot : (struct signal_action){ .handler = SIG_DFL };
        if (signal == SIGKILL || signal == SIGSTOP)
            action.handler = SIG_DFL;
        if (action.handler == SIG_IGN)
            continue;
        if (action.handler != SIG_DFL) {
            if ((action.flags & SA_RESETHAND) && slot)
                slot->handler = SIG_DFL;
            if (run_handler(thread, registers, signal, &action, &info))
                handled = true;
            continue; /* more unblocked signals stack their frames on top */
        }
        if (process->unkillable && info.code <= 0)
            continue; /* init: sent by a process while blocked, no handler now (init_ignores) */
        switch (signal_default_action(signal)) {
        case SIGNAL_DEFAULT_IGNORE:
        case SIGNAL_DEFAULT_CONTINUE:
            break;
        case SIGNAL_DEFAULT_STOP:
            stop_process(process, signal);
            break;
        case SIGNAL_DEFAULT_TERMINATE:
        case SIGNAL_DEFAULT_CORE:
            terminate(process, signal, registers);
        }
    }
    if (!handled) {
        resolve_interrupted_syscall(registers, NULL);
        if (thread->signals.restore_saved_blocked) {
            thread->signals.restore_saved_blocked = false;
            signal_set_blocked(thread, thread->signals.saved_blocked);
        }
    }
}
