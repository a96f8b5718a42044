/*
 * actions.c — signal dispositions: the shared handler tables
 * (CLONE_SIGHAND), the default action of each signal, exec's reset.
 */
#include <rk/heap.h>
#include <rk/string.h>

#include "signal_internal.h"

enum signal_default signal_default_action(int signal)
{
    switch (signal) {
    case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS: case SIGFPE:
    case SIGSEGV: case SIGXCPU: case SIGXFSZ: case SIGSYS:
        return SIGNAL_DEFAULT_CORE;
    case SIGCHLD: case SIGURG: case SIGWINCH:
        return SIGNAL_DEFAULT_IGNORE;
    case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
        return SIGNAL_DEFAULT_STOP;
    case SIGCONT:
        return SIGNAL_DEFAULT_CONTINUE;
    default:
        return SIGNAL_DEFAULT_TERMINATE; /* the others, real-time signals included */
    }
}

struct signal_handlers *signal_handlers_create(void)
{
    struct signal_handlers *handlers = kzalloc(sizeof *handlers);
    if (!handlers)
        return NULL;
    handlers->users = 1;
    return handlers;
}

struct signal_handlers *signal_handlers_copy(const struct signal_handlers *handlers)
{
    struct signal_handlers *copy = signal_handlers_create();
    if (!copy)
        return NULL;
    if (handlers)
        memcpy(copy->actions, handlers->actions, sizeof copy->actions);
    return copy;
}

void signal_handlers_get(struct signal_handlers *handlers)
{
    if (handlers)
        handlers->users++;
}

void signal_handlers_put(struct signal_handlers *handlers)
{
    if (handlers && --handlers->users == 0)
        kfree(handlers);
}

struct signal_action *signal_action_slot(struct process *process, int signal)
{
    if (!process || !process->signals.handlers || !signal_number_valid(signal))
        return NULL;
    return &process->signals.handlers->actions[signal - 1];
}

/* Returned for processes without a handler table: everything SIG_DFL. */
static const struct signal_action default_action = { .handler = SIG_DFL };

const struct signal_action *signal_action_of(struct process *process, int signal)
{
    const struct signal_action *action = signal_action_slot(process, signal);
    return action ? action : &default_action;
}

/*
 * execve: handled signals go back to SIG_DFL (SIG_IGN stays, with its
 * flags cleared as Linux's flush_signal_handlers does), the alternate
 * stack of every thread is cleared (only the caller is left by then).
 * The mask and the pending signals are kept. Handler tables shared with
 * another process (CLONE_SIGHAND without CLONE_THREAD) are unshared.
 */
void signal_exec_reset(struct process *process)
{
    if (!process)
        return;
    struct signal_handlers *handlers = process->signals.handlers;
    if (handlers && handlers->users > 1) {
        struct signal_handlers *copy = signal_handlers_copy(handlers);
        if (copy) {
            signal_handlers_put(handlers);
            process->signals.handlers = handlers = copy;
        }
    }
    if (handlers) {
        for (int index = 0; index < SIGNAL_COUNT; index++) {
            struct signal_action *action = &handlers->actions[index];
            uintptr_t kept = action->handler == SIG_IGN ? SIG_IGN : SIG_DFL;
            *action = (struct signal_action){ .handler = kept };
        }
    }
    if (signal_process_has_thread_list(process)) {
        list_for_each(node, &process->threads) {
            struct thread *thread = list_entry(node, struct thread, process_link);
            thread->signals.alternate_stack = 0;
            thread->signals.alternate_stack_size = 0;
            thread->signals.alternate_stack_flags = SS_DISABLE;
        }
    }
    struct thread *current = thread_current();
    if (current && current->process == process) {
        current->signals.alternate_stack = 0;
        current->signals.alternate_stack_size = 0;
        current->signals.alternate_stack_flags = SS_DISABLE;
    }
}
