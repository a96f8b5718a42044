/*
 * process_exit.c — threads and processes ending: exit, exit_group, the
 * zombie state, re-parenting to init, telling the parent (exit signal and
 * child_events), vfork release, and execve's killing of the other threads.
 *
 * Locking: uniprocessor, cooperative kernel threads; list changes with
 * interrupts disabled. A process is torn down by the last of its threads
 * to leave, on that thread's kernel stack.
 */
#include <rk/containment.h>
#include <rk/errno.h>
#include <rk/futex.h>
#include <rk/klog.h>
#include <rk/mm.h>
#include <rk/path.h>
#include <rk/sched.h>
#include <rk/signal.h>
#include <rk/timer.h>
#include <rk/usercopy.h>

#include "process_internal.h"

/* Threads waiting for other threads to leave (process_kill_other_threads). */
static struct wait_queue thread_exit_events = { LIST_HEAD_INIT(thread_exit_events.waiters) };

static void (*init_exit_handler)(int wait_status);

/* Default end of init: power off with its exit code (128 + signal when killed). */
static void init_exit_default(int wait_status)
{
    int code = (wait_status & 0x7f) ? 128 + (wait_status & 0x7f) : (wait_status >> 8) & 0xff;
    klog(KLOG_NOTICE, "init (pid 1) exited with status %#x: powering off with %d", wait_status, code);
    containment_report();
    platform_power_off(code);
}

void process_set_init_exit_handler(void (*handler)(int wait_status))
{
    init_exit_handler = handler;
}

bool process_exiting_current(void)
{
    struct thread *thread = thread_current();
    return thread && thread->process && (thread->process->group_exiting || thread->exiting);
}

/* The siginfo code and si_status of a wait(2) status of a dead process. */
static void exit_cause(int wait_status, int *code, int *status)
{
    int signal = wait_status & 0x7f;
    if (signal == 0) {
        *code = CLD_EXITED;
        *status = (wait_status >> 8) & 0xff;
    } else {
        *code = (wait_status & 0x80) ? CLD_DUMPED : CLD_KILLED;
        *status = signal;
    }
}

/* Take a zombie (or a dying orphan) out of the table for good. */
void process_reap(struct process *process)
{
    irq_flags_t flags = platform_irq_save();
    bool was_listed = !process->reaped;
    process->reaped = true;
    list_remove(&process->link);
    list_remove(&process->sibling_link);
    process->parent = NULL;
    platform_irq_restore(flags);
    if (was_listed && process->table_reference) {
        process->table_reference = false;
        process_put(process);
    }
}

void process_reparent_children(struct process *process)
{
    struct process *init = process_find(1);
    if (init == process || (init && init->state == PROCESS_ZOMBIE))
        init = NULL;
    bool zombie_for_init = false;
    list_for_each_safe(node, &process->children) {
        struct process *child = list_entry(node, struct process, sibling_link);
        list_remove(&child->sibling_link);
        child->parent = init;
        child->parent_pid = init ? init->pid : 0;
        if (init) {
            list_push_back(&init->children, &child->sibling_link);
            zombie_for_init |= child->state == PROCESS_ZOMBIE;
        } else if (child->state == PROCESS_ZOMBIE) {
            process_reap(child);  /* nobody can wait for it any more */
        }
    }
    if (zombie_for_init)
        wait_queue_wake_all(&init->child_events);
}

/* Wake a vfork parent sleeping on process (exec or exit). */
static void vfork_release(struct process *process)
{
    if (!process->vfork_pending)
        return;
    process->vfork_pending = false;
    wait_queue_wake_all(&process->vfork_done);
}

void process_vfork_release(struct process *process)
{
    process->has_execed = true;
    bool parent_waits = process->vfork_pending;
    vfork_release(process);
    /* Like Linux's wakeup preemption: the woken parent runs before the
       new program (the child's slice ends at its return to user mode). */
    struct thread *thread = thread_current();
    if (parent_waits && thread && thread->process == process)
        thread->time_slice_start_ns = 0;
}

/*
 * Tell the parent that process died (Linux's do_notify_parent). Returns
 * true when the child is to be reaped at once (no parent, or the parent's
 * SIGCHLD is SIG_IGN or has SA_NOCLDWAIT).
 */
static bool notify_parent_of_exit(struct process *process)
{
    struct process *parent = process->parent;
    if (!parent)
        return true;
    int signal = process->exit_signal;
    bool reap_now = false;
    if (signal == SIGCHLD) {
        const struct signal_action *action = signal_action_of(parent, SIGCHLD);
        if (action && (action->handler == SIG_IGN || (action->flags & SA_NOCLDWAIT))) {
            reap_now = true;
            if (action->handler == SIG_IGN)
                signal = 0;
        }
    }
    if (signal > 0) {
        struct signal_info info = { .signal = signal, .pid = process->pid, .uid = process->uid };
        exit_cause(process->wait_status, &info.code, &info.status);
        signal_send_process(parent, signal, &info);
    }
    wait_queue_wake_all(&parent->child_events);
    return reap_now;
}

/* Send the parent-death signals of process's children (prctl PR_SET_PDEATHSIG). */
static void send_parent_death_signals(struct process *process)
{
    list_for_each_safe(node, &process->children) {
        struct process *child = list_entry(node, struct process, sibling_link);
        if (child->parent_death_signal > 0 && child->state != PROCESS_ZOMBIE) {
            struct signal_info info = { .signal = child->parent_death_signal, .code = SI_USER,
                                        .pid = process->pid, .uid = process->uid };
            signal_send_process(child, child->parent_death_signal, &info);
        }
    }
}

/*
 * Visitor: stop (1) at a member that keeps its process group attached to
 * its session after exiting is gone (Linux's will_become_orphaned_pgrp): a
 * live member other than exiting whose parent — not exiting itself, whose
 * children go to init, and not init — is in another group of the session.
 */
static int member_keeps_group_attached(struct process *member, void *argument)
{
    const struct process *exiting = argument;
    if (member == exiting || member->state == PROCESS_ZOMBIE || !member->parent)
        return 0;
    const struct process *parent = member->parent;
    if (parent == exiting || parent->pid == 1)
        return 0;
    return parent->process_group != member->process_group && parent->session == member->session;
}

/* Visitor: stop (1) at a stopped member. */
static int member_is_stopped(struct process *member, void *argument)
{
    (void)argument;
    return member->state == PROCESS_STOPPED;
}

/*
 * Linux's kill_orphaned_pgrp: when exiting was member's group's link to
 * the session (outside, member's parent side, is in another group of the
 * same session) and the group becomes orphaned with a stopped member, send
 * it SIGHUP then SIGCONT (POSIX: nobody is left to continue it).
 */
static void hang_up_if_orphaned(const struct process *exiting, const struct process *member,
                                const struct process *outside)
{
    int group = member->process_group;
    if (group <= 0 || outside->process_group == group || outside->session != member->session)
        return;
    if (process_for_each_in_group(group, member_keeps_group_attached, (void *)exiting) != 0)
        return;
    if (process_for_each_in_group(group, member_is_stopped, NULL) == 0)
        return;
    struct signal_info info = { .signal = SIGHUP, .code = SI_KERNEL };
    signal_send_process_group(group, SIGHUP, &info);
    info.signal = SIGCONT;
    signal_send_process_group(group, SIGCONT, &info);
}

/* Hang up the process groups that process's exit orphans: its own and its children's. */
static void hang_up_orphaned_groups(struct process *process)
{
    if (process->parent)
        hang_up_if_orphaned(process, process, process->parent);
    list_for_each_safe(node, &process->children) {
        struct process *child = list_entry(node, struct process, sibling_link);
        hang_up_if_orphaned(process, child, process);
    }
}

/*
 * The last thread of process is leaving: release what a zombie does not
 * need, become a zombie, hand the children over and tell the parent.
 * Runs on that thread; may not return when init ends.
 */
static void process_finish(struct process *process)
{
    vfork_release(process);
    if (process->mm) {
        struct mm *mm = process->mm;
        mm_activate(NULL);
        process->mm = NULL;
        mm_put(mm);
    }
    if (process->fds) {
        struct fd_table *table = process->fds;
        fd_table_put(table, process);
        process->fds = NULL;
    }
    if (process->cwd) {
        path_put(process->cwd);
        process->cwd = NULL;
    }
    if (process->root) {
        path_put(process->root);
        process->root = NULL;
    }
    signal_process_release(process);
    send_parent_death_signals(process);
    hang_up_orphaned_groups(process);

    irq_flags_t flags = platform_irq_save();
    process->state = PROCESS_ZOMBIE;
    process->stop_report_pending = false;
    process->continue_report_pending = false;
    exit_cause(process->wait_status, &process->exit_code_kind, &process->exit_code_or_signal);
    process_reparent_children(process);
    platform_irq_restore(flags);

    if (process->pid == 1) {
        if (init_exit_handler)
            init_exit_handler(process->wait_status);
        else
            init_exit_default(process->wait_status);
    }
    if (notify_parent_of_exit(process))
        process_reap(process);
}

/*
 * The running thread leaves its process: clear_child_tid, robust futexes,
 * off the thread list; the last one finishes the process. Never returns.
 */
static RK_NORETURN void thread_finish(struct thread *thread, struct process *process)
{
    thread->exiting = true;
    if (process->mm) {
        futex_exit_robust_list(thread);
        if (thread->clear_child_tid) {
            uint32_t zero = 0;
            if (copy_to_user(thread->clear_child_tid, &zero, sizeof zero) == 0)
                futex_wake_address(thread->clear_child_tid, 1);
        }
    }
    process_account_time(thread, clock_now_ns());
    irq_flags_t flags = platform_irq_save();
    bool last = false;
    if (process_thread_is_listed(thread)) {
        list_remove(&thread->process_link);
        last = --process->thread_count == 0;
    }
    platform_irq_restore(flags);
    if (last)
        process_finish(process);
    else
        wait_queue_wake_all(&thread_exit_events);
    thread_exit(0);
}

RK_NORETURN void process_exit_thread(int exit_code)
{
    struct thread *thread = thread_current();
    struct process *process = thread->process;
    if (!process)
        thread_exit(exit_code);
    if (!process->group_exiting && process->thread_count <= 1)
        process->wait_status = WAIT_STATUS_EXITED(exit_code);
    thread_finish(thread, process);
}

/* Make every thread of process but the caller leave (they exit at their next return to user). */
static void make_other_threads_exit(struct process *process, struct thread *caller)
{
    irq_flags_t flags = platform_irq_save();
    list_for_each(node, &process->threads) {
        struct thread *thread = list_entry(node, struct thread, process_link);
        if (thread == caller)
            continue;
        thread->exiting = true;
        thread->signals.pending |= SIGNAL_BIT(SIGKILL); /* its waits are interrupted from now on */
        signal_wake_thread(thread);
    }
    platform_irq_restore(flags);
}

RK_NORETURN void process_exit_group(int wait_status)
{
    struct thread *thread = thread_current();
    struct process *process = thread->process;
    if (!process)
        thread_exit(wait_status);
    if (!process->group_exiting) {
        process->group_exiting = true;
        process->wait_status = wait_status;
        make_other_threads_exit(process, thread);
    }
    thread_finish(thread, process);
}

int process_kill_other_threads(void)
{
    struct thread *thread = thread_current();
    struct process *process = thread->process;
    if (!process)
        return 0;
    if (process->group_exiting || thread->exiting)
        return -ERESTARTSYS;
    make_other_threads_exit(process, thread);
    while (process->thread_count > 1) {
        if (process->group_exiting || thread->exiting)
            return -ERESTARTSYS;
        /* Killable: poll for a fatal signal while the others leave. */
        wait_queue_wait_uninterruptible(&thread_exit_events, NULL, 10000000);
    }
    thread->tid = process->pid;
    return 0;
}

void process_notify_parent(struct process *child, int code, int status)
{
    struct process *parent = child->parent;
    if (code == CLD_STOPPED) {
        child->stop_report_pending = true;
        child->continue_report_pending = false;
        child->stop_signal = status;
    } else if (code == CLD_CONTINUED) {
        child->continue_report_pending = true;
        child->stop_report_pending = false;
    }
    if (!parent)
        return;
    const struct signal_action *action = signal_action_of(parent, SIGCHLD);
    if (!action || !(action->flags & SA_NOCLDSTOP)) {
        struct signal_info info = { .signal = SIGCHLD, .code = code, .pid = child->pid,
                                    .uid = child->uid, .status = status };
        signal_send_process(parent, SIGCHLD, &info);
    }
    wait_queue_wake_all(&parent->child_events);
}
