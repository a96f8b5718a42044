/*
 * signal.c — sending signals and the pending sets: the ignore check at
 * send time, SIGKILL/SIGCONT/stop side effects, choosing and waking the
 * thread that takes a process-directed signal, dequeueing in Linux's
 * order.
 *
 * Pending signals coalesce: a signal already pending is not queued again
 * (its first siginfo is kept). Linux queues real-time signals (32..64)
 * once per send; here they coalesce like standard signals for now.
 *
 * Locking: every change of a pending set or mask happens with interrupts
 * disabled (the ITIMER_REAL callback sends SIGALRM in interrupt context).
 */
#include <rk/errno.h>
#include <rk/klog.h>
#include <rk/sched.h>
#include <rk/string.h>

#include "signal_internal.h"

struct wait_queue *signal_stopped_queue(struct process *process)
{
    struct wait_queue *queue = &process->signals.stopped_threads;
    if (!queue->waiters.next)
        wait_queue_init(queue);
    return queue;
}

void signal_wake_thread(struct thread *thread)
{
    if (thread)
        wait_queue_interrupt(thread);
}

/* Wake every thread of process from interruptible waits. */
static void wake_all_threads(struct process *process)
{
    if (!signal_process_has_thread_list(process))
        return;
    list_for_each(node, &process->threads)
        wait_queue_interrupt(list_entry(node, struct thread, process_link));
}

/* The pending signals thread may take (its own and its process's). */
static uint64_t pending_of(const struct thread *thread)
{
    uint64_t pending = thread->signals.pending;
    if (thread->process)
        pending |= thread->process->signals.pending;
    return pending;
}

bool signal_pending(struct thread *thread)
{
    if (!thread)
        return false;
    uint64_t pending = pending_of(thread);
    if (pending & SIGNAL_BIT(SIGKILL))
        return true;
    if (thread->process && thread->process->group_exiting)
        return true;
    return (pending & ~thread->signals.blocked) != 0;
}

bool signal_pending_current(void) { return signal_pending(thread_current()); }

bool signal_fatal_pending(struct thread *thread)
{
    if (!thread)
        return false;
    if (pending_of(thread) & SIGNAL_BIT(SIGKILL))
        return true;
    return thread->exiting || (thread->process && thread->process->group_exiting);
}

void signal_set_blocked(struct thread *thread, uint64_t blocked)
{
    irq_flags_t flags = platform_irq_save();
    thread->signals.blocked = blocked & ~SIGNAL_UNBLOCKABLE;
    platform_irq_restore(flags);
}

void signal_flush_pending(struct process *process, uint64_t set)
{
    process->signals.pending &= ~set;
    if (!signal_process_has_thread_list(process))
        return;
    list_for_each(node, &process->threads)
        list_entry(node, struct thread, process_link)->signals.pending &= ~set;
}

/* Lowest signal in set, 0 for an empty set. */
static int lowest_signal(uint64_t set) { return set ? __builtin_ctzll(set) + 1 : 0; }

/* The next signal of set in delivery order: SIGKILL, the synchronous ones, the lowest. */
static int next_in_order(uint64_t set)
{
    if (set & SIGNAL_BIT(SIGKILL))
        return SIGKILL;
    if (set & SIGNAL_SYNCHRONOUS_SET)
        return lowest_signal(set & SIGNAL_SYNCHRONOUS_SET);
    return lowest_signal(set);
}

int signal_dequeue(struct thread *thread, uint64_t blocked, struct signal_info *info)
{
    blocked &= ~SIGNAL_BIT(SIGKILL);
    /* The common case, nothing deliverable, without touching the interrupt flag
       (a signal posted right after either check waits for the next boundary alike). */
    uint64_t thread_pending = *(volatile uint64_t *)&thread->signals.pending;
    uint64_t shared_pending =
        thread->process ? *(volatile uint64_t *)&thread->process->signals.pending : 0;
    if (((thread_pending | shared_pending) & ~blocked) == 0)
        return 0;
    irq_flags_t flags = platform_irq_save();
    int signal = next_in_order(thread->signals.pending & ~blocked);
    if (signal) {
        thread->signals.pending &= ~SIGNAL_BIT(signal);
        *info = thread->signals.info[signal - 1];
    } else if (thread->process) {
        struct process_signals *shared = &thread->process->signals;
        signal = next_in_order(shared->pending & ~blocked);
        if (signal) {
            shared->pending &= ~SIGNAL_BIT(signal);
            *info = shared->info[signal - 1];
        }
    }
    platform_irq_restore(flags);
    if (signal && info->signal != signal) { /* queued without facts: the kernel sent it */
        *info = (struct signal_info){ .signal = signal, .code = SI_KERNEL };
    }
    return signal;
}

/*
 * True when init drops signal (process->unkillable, Linux's
 * SIGNAL_UNKILLABLE): it has no handler for it, SIGKILL and SIGSTOP
 * included, whoever sent it (kill, the tty's job control...), so no user
 * program can end or stop init. Faults (signal_force) still reach it.
 * Blocked ones are queued and dropped at delivery (signal_deliver).
 */
static bool init_ignores(struct process *process, int signal, uint64_t blocked)
{
    return process->unkillable && !(blocked & SIGNAL_BIT(signal)) &&
           signal_action_of(process, signal)->handler == SIG_DFL;
}

/* Linux's sig_ignored: SIG_IGN, or SIG_DFL whose default is to ignore; never when blocked. */
static bool ignored_by(struct process *process, int signal, uint64_t blocked)
{
    if (signal == SIGKILL || signal == SIGSTOP)
        return false;
    if (blocked & SIGNAL_BIT(signal))
        return false; /* the handler may change before it is unblocked */
    const struct signal_action *action = signal_action_of(process, signal);
    if (action->handler == SIG_IGN)
        return true;
    return action->handler == SIG_DFL &&
           (signal_default_action(signal) == SIGNAL_DEFAULT_IGNORE || signal == SIGCONT);
}

/*
 * The signals thread counts as blocked when deciding "ignored": its mask
 * plus real_blocked, the mask a sigtimedwait replaced (Linux's
 * sig_ignored), so a waited-for SIGCHLD is queued rather than dropped.
 */
static uint64_t signal_blocked_for_ignore(const struct thread *thread)
{
    return thread->signals.blocked | thread->signals.real_blocked;
}

/* The mask that decides "ignored" for a process-directed signal: blocked by every thread. */
static uint64_t blocked_by_all(struct process *process)
{
    if (!signal_process_has_thread_list(process) || list_is_empty(&process->threads))
        return 0;
    uint64_t blocked = ~0ull;
    list_for_each(node, &process->threads)
        blocked &= signal_blocked_for_ignore(list_entry(node, struct thread, process_link));
    return blocked;
}

/*
 * The side effects of sending signal before it is queued (Linux's
 * prepare_signal): stop signals drop a pending SIGCONT, SIGCONT drops
 * pending stops and resumes a stopped process, SIGKILL resumes it too so
 * it can die. Interrupts disabled.
 */
static void prepare_signal(struct process *process, int signal)
{
    if (SIGNAL_BIT(signal) & SIGNAL_STOP_SET) {
        signal_flush_pending(process, SIGNAL_BIT(SIGCONT));
    } else if (signal == SIGCONT || signal == SIGKILL) {
        if (signal == SIGCONT)
            signal_flush_pending(process, SIGNAL_STOP_SET);
        if (process->state == PROCESS_STOPPED) {
            process->state = PROCESS_RUNNING;
            if (signal == SIGCONT) {
                process->wait_status = WAIT_STATUS_CONTINUED;
                process_notify_parent(process, CLD_CONTINUED, SIGCONT);
            }
            wait_queue_wake_all(signal_stopped_queue(process));
        }
    }
}

/* Record signal with info in a pending set (coalescing). Interrupts disabled. */
static void queue_signal(uint64_t *pending, struct signal_info *infos, int signal,
                         const struct signal_info *info)
{
    if (*pending & SIGNAL_BIT(signal))
        return; /* coalesces: the first one's facts stay */
    *pending |= SIGNAL_BIT(signal);
    struct signal_info *slot = &infos[signal - 1];
    if (info) {
        *slot = *info;
        slot->signal = signal;
    } else {
        *slot = (struct signal_info){ .signal = signal, .code = SI_KERNEL };
    }
}

/* True when thread may take signal now (not blocked, not on its way out). */
static bool wants(const struct thread *thread, int signal)
{
    return !(thread->signals.blocked & SIGNAL_BIT(signal)) && !thread->exiting;
}

/*
 * Wake a thread that can take the process-directed signal: the running
 * thread when it belongs to the process and does not block it (it will see
 * it on its way out), else the first such thread. SIGKILL wakes them all.
 */
static void complete_signal(struct process *process, int signal)
{
    if (signal == SIGKILL) {
        wake_all_threads(process);
        return;
    }
    struct thread *current = thread_current();
    if (current && current->process == process && wants(current, signal))
        return;
    if (!signal_process_has_thread_list(process))
        return;
    list_for_each(node, &process->threads) {
        struct thread *thread = list_entry(node, struct thread, process_link);
        if (wants(thread, signal)) {
            wait_queue_interrupt(thread);
            return;
        }
    }
}

/* A process that can no longer take signals. */
static bool process_is_gone(const struct process *process)
{
    return process->state == PROCESS_ZOMBIE || process->reaped;
}

int signal_send_process(struct process *process, int signal, const struct signal_info *info)
{
    if (signal < 0 || signal > SIGNAL_COUNT)
        return -EINVAL;
    if (!process)
        return -ESRCH;
    if (signal == 0 || process_is_gone(process))
        return 0;
    irq_flags_t flags = platform_irq_save();
    if (process->group_exiting) {
        platform_irq_restore(flags);
        return 0; /* it is dying anyway */
    }
    if (init_ignores(process, signal, blocked_by_all(process))) {
        platform_irq_restore(flags);
        return 0;
    }
    prepare_signal(process, signal);
    if (!ignored_by(process, signal, blocked_by_all(process))) {
        queue_signal(&process->signals.pending, process->signals.info, signal, info);
        complete_signal(process, signal);
    }
    platform_irq_restore(flags);
    return 0;
}

int signal_send_thread(struct thread *thread, int signal, const struct signal_info *info)
{
    if (signal < 0 || signal > SIGNAL_COUNT)
        return -EINVAL;
    if (!thread)
        return -ESRCH;
    if (signal == 0)
        return 0;
    struct process *process = thread->process;
    irq_flags_t flags = platform_irq_save();
    if (process) {
        if (process_is_gone(process) || process->group_exiting) {
            platform_irq_restore(flags);
            return 0;
        }
        if (init_ignores(process, signal, thread->signals.blocked)) {
            platform_irq_restore(flags);
            return 0;
        }
        prepare_signal(process, signal);
        if (ignored_by(process, signal, signal_blocked_for_ignore(thread))) {
            platform_irq_restore(flags);
            return 0;
        }
    }
    queue_signal(&thread->signals.pending, thread->signals.info, signal, info);
    if (signal == SIGKILL && process)
        wake_all_threads(process);
    else if (wants(thread, signal))
        wait_queue_interrupt(thread);
    platform_irq_restore(flags);
    return 0;
}

struct group_send {
    int signal;
    const struct signal_info *info;
    int sent;
    int error;
};

/* process_for_each_in_group visitor: send to one member. */
static int send_to_member(struct process *process, void *argument)
{
    struct group_send *send = argument;
    int error = signal_send_process(process, send->signal, send->info);
    if (error < 0)
        send->error = error;
    else
        send->sent++;
    return 0;
}

int signal_send_process_group(int process_group, int signal, const struct signal_info *info)
{
    if (signal < 0 || signal > SIGNAL_COUNT)
        return -EINVAL;
    if (process_group <= 0)
        return -ESRCH;
    struct group_send send = { .signal = signal, .info = info };
    process_for_each_in_group(process_group, send_to_member, &send);
    if (send.sent > 0)
        return 0;
    return send.error < 0 ? send.error : -ESRCH;
}

void signal_force(struct thread *thread, int signal, const struct signal_info *info)
{
    irq_flags_t flags = platform_irq_save();
    struct signal_action *action = signal_action_slot(thread->process, signal);
    bool blocked = thread->signals.blocked & SIGNAL_BIT(signal);
    if (action && (blocked || action->handler == SIG_IGN))
        action->handler = SIG_DFL;
    if (blocked)
        thread->signals.blocked &= ~SIGNAL_BIT(signal);
    if (thread->process && thread->process->state == PROCESS_STOPPED && signal == SIGKILL)
        prepare_signal(thread->process, signal);
    queue_signal(&thread->signals.pending, thread->signals.info, signal, info);
    platform_irq_restore(flags);
}

struct thread *signal_find_thread(int tid)
{
    if (tid <= 0)
        return NULL;
    return process_find_thread(tid);
}
