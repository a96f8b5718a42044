/*
 * system_terminal.c — the Core's answers to rk/terminal.h: process
 * identity, groups, sessions, signals to groups and the controlling-
 * terminal flag for the tty service, and kernel threads that run inside
 * a service's gate.
 */
#include <rk/errno.h>
#include <rk/gate.h>
#include <rk/heap.h>
#include <rk/process.h>
#include <rk/signal.h>
#include <rk/terminal.h>
#include <rk/thread.h>

/* See rk/terminal.h. */
int terminal_caller(struct terminal_caller *caller)
{
    struct process *process = process_current();
    if (!process)
        return -ESRCH;
    caller->pid = process->pid;
    caller->process_group = process->process_group;
    caller->session = process->session;
    caller->session_leader = process->pid == process->session;
    caller->has_controlling_terminal = process->has_controlling_terminal;
    return 0;
}

/* Visitor: stop (1) at a live process of the session in *argument. */
static int member_of_session(struct process *process, void *argument)
{
    return process->state != PROCESS_ZOMBIE && process->session == *(int *)argument;
}

/* See rk/terminal.h. */
bool terminal_process_group_in_session(int process_group, int session)
{
    if (process_group <= 0)
        return false;
    return process_for_each_in_group(process_group, member_of_session, &session) != 0;
}

/* Visitor: stop (1) at a live process. */
static int live_member(struct process *process, void *argument)
{
    return process->state != PROCESS_ZOMBIE;
}

/* See rk/terminal.h. */
bool terminal_process_group_exists(int process_group)
{
    if (process_group <= 0)
        return false;
    return process_for_each_in_group(process_group, live_member, NULL) != 0;
}

/* Visitor: stop (1) at a live member whose parent is in another group of the same session. */
static int member_with_outside_parent(struct process *process, void *argument)
{
    if (process->state == PROCESS_ZOMBIE || !process->parent)
        return 0;
    const struct process *parent = process->parent;
    return parent->process_group != process->process_group && parent->session == process->session;
}

/* See rk/terminal.h. */
bool terminal_process_group_orphaned(int process_group)
{
    return process_for_each_in_group(process_group, member_with_outside_parent, NULL) == 0;
}

/* See rk/terminal.h. */
int terminal_signal_process_group(int process_group, int signal)
{
    if (process_group <= 0)
        return -ESRCH;
    struct signal_info info = { .signal = signal, .code = SI_KERNEL };
    return signal_send_process_group(process_group, signal, &info);
}

/* See rk/terminal.h. */
bool terminal_caller_ignores_signal(int signal)
{
    struct thread *thread = thread_current();
    struct process *process = process_current();
    if (!process)
        return true;
    if (thread->signals.blocked & SIGNAL_BIT(signal))
        return true;
    const struct signal_action *action = signal_action_of(process, signal);
    return action && action->handler == SIG_IGN;
}

struct controlling_change {
    bool value;
    int changed;
};

/* Visitor: set has_controlling_terminal of every process of the session. */
static int set_controlling(struct process *process, void *argument)
{
    struct controlling_change *change = argument;
    if (process->has_controlling_terminal != change->value) {
        process->has_controlling_terminal = change->value;
        change->changed++;
    }
    return 0;
}

/* See rk/terminal.h. */
int terminal_session_set_controlling(int session, bool value)
{
    struct controlling_change change = { .value = value };
    process_for_each_in_session(session, set_controlling, &change);
    return change.changed;
}

/* See rk/terminal.h. */
void terminal_caller_drop_controlling(void)
{
    struct process *process = process_current();
    if (process)
        process->has_controlling_terminal = false;
}

/* What a service thread runs: its function, inside its service's gate. */
struct service_thread {
    struct service *service;
    void (*function)(void *argument);
    void *argument;
};

/* Thread body: enter the service, run, leave; frees the description. */
static void service_thread_main(void *argument)
{
    struct service_thread start = *(struct service_thread *)argument;
    kfree(argument);
    if (start.service)
        GATE_CALL_VOID(start.service, "terminal_start", start.function(start.argument));
    else
        start.function(start.argument);
}

/* See rk/terminal.h. */
int terminal_thread_start(const char *name, void (*function)(void *argument), void *argument)
{
    struct service_thread *start = kmalloc(sizeof *start);
    if (!start)
        return -ENOMEM;
    *start = (struct service_thread){ gate_current_service(), function, argument };
    struct thread *thread = thread_create(name, service_thread_main, start);
    if (!thread) {
        kfree(start);
        return -ENOMEM;
    }
    thread_detach(thread);
    return 0;
}
