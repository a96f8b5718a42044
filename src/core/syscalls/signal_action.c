/*
 * signal_action.c — rt_sigaction, rt_sigprocmask, rt_sigpending,
 * sigaltstack and rt_sigreturn: the running thread's dispositions, mask,
 * alternate stack and the way back from a handler.
 */
#include <rk/string.h>
#include <rk/thread.h>

#include "../signal/signal_internal.h"
#include "signal_syscalls.h"

/* rt_sigaction(signal, act, oldact, sigsetsize) */
long sys_rt_sigaction(const uint64_t arguments[6])
{
    int signal = ARGUMENT_INT(0);
    uintptr_t new_address = ARGUMENT_ADDRESS(1), old_address = ARGUMENT_ADDRESS(2);
    if (arguments[3] != SIGNAL_SET_SIZE)
        return -EINVAL;
    if (!signal_number_valid(signal) || (new_address && (SIGNAL_BIT(signal) & SIGNAL_UNBLOCKABLE)))
        return -EINVAL;
    struct process *process = process_current();
    struct signal_action *slot = signal_action_slot(process, signal);
    if (!slot)
        return -EINVAL; /* a kernel thread without dispositions */
    struct signal_action new_action;
    if (new_address && copy_from_user(&new_action, new_address, sizeof new_action) < 0)
        return -EFAULT;
    struct signal_action old_action = *slot;
    if (new_address) {
        new_action.mask &= ~SIGNAL_UNBLOCKABLE;
        irq_flags_t flags = platform_irq_save();
        *slot = new_action;
        /* POSIX: setting a pending signal to be ignored discards it, in every thread. */
        bool ignored = new_action.handler == SIG_IGN ||
                       (new_action.handler == SIG_DFL &&
                        signal_default_action(signal) == SIGNAL_DEFAULT_IGNORE);
        if (ignored)
            signal_flush_pending(process, SIGNAL_BIT(signal));
        platform_irq_restore(flags);
    }
    if (old_address && copy_to_user(old_address, &old_action, sizeof old_action) < 0)
        return -EFAULT;
    return 0;
}

/* rt_sigprocmask(how, set, oldset, sigsetsize) */
long sys_rt_sigprocmask(const uint64_t arguments[6])
{
    int how = ARGUMENT_INT(0);
    uintptr_t new_address = ARGUMENT_ADDRESS(1), old_address = ARGUMENT_ADDRESS(2);
    if (arguments[3] != SIGNAL_SET_SIZE)
        return -EINVAL;
    struct thread *thread = thread_current();
    uint64_t old_blocked = thread->signals.blocked;
    if (new_address) {
        uint64_t set;
        if (copy_from_user(&set, new_address, sizeof set) < 0)
            return -EFAULT;
        uint64_t blocked;
        switch (how) {
        case SIG_BLOCK:
            blocked = old_blocked | set;
            break;
        case SIG_UNBLOCK:
            blocked = old_blocked & ~set;
            break;
        case SIG_SETMASK:
            blocked = set;
            break;
        default:
            return -EINVAL;
        }
        signal_set_blocked(thread, blocked); /* SIGKILL and SIGSTOP silently stay unblocked */
    }
    if (old_address && copy_to_user(old_address, &old_blocked, sizeof old_blocked) < 0)
        return -EFAULT;
    return 0;
}

/* rt_sigpending(set, sigsetsize): pending signals that are blocked. */
long sys_rt_sigpending(const uint64_t arguments[6])
{
    uintptr_t address = ARGUMENT_ADDRESS(0);
    size_t size = (size_t)arguments[1];
    if (size > SIGNAL_SET_SIZE)
        return -EINVAL;
    struct thread *thread = thread_current();
    uint64_t pending = thread->signals.pending;
    if (thread->process)
        pending |= thread->process->signals.pending;
    pending &= thread->signals.blocked;
    if (copy_to_user(address, &pending, size) < 0)
        return -EFAULT;
    return 0;
}

/* stack_t */
struct user_stack {
    uint64_t sp;
    int32_t flags;
    int32_t padding;
    uint64_t size;
};

/* sigaltstack(ss, old_ss) */
long sys_sigaltstack(const uint64_t arguments[6])
{
    uintptr_t new_address = ARGUMENT_ADDRESS(0), old_address = ARGUMENT_ADDRESS(1);
    struct thread *thread = thread_current();
    uintptr_t sp = signal_user_stack_pointer(thread);
    struct user_stack old = {
        .sp = thread->signals.alternate_stack,
        .size = thread->signals.alternate_stack_size,
        .flags = signal_alternate_stack_flags(thread, sp) |
                 (thread->signals.alternate_stack_flags & (int)SS_AUTODISARM),
    };
    if (new_address) {
        struct user_stack stack;
        if (copy_from_user(&stack, new_address, sizeof stack) < 0)
            return -EFAULT;
        int error = signal_alternate_stack_set(thread, sp, stack.sp, stack.flags, stack.size);
        if (error < 0)
            return error;
    }
    if (old_address && copy_to_user(old_address, &old, sizeof old) < 0)
        return -EFAULT;
    return 0;
}

/*
 * rt_sigreturn(): back from a handler. Restores what the frame saved and
 * returns the restored rax (core_syscall stores it back unchanged). A bad
 * frame kills the process with SIGSEGV.
 */
long sys_rt_sigreturn(const uint64_t arguments[6])
{
    (void)arguments;
    struct thread *thread = thread_current();
    struct user_registers *registers = thread->user_registers;
    if (!registers || !thread->process)
        return -ENOSYS;
    thread->signals.restart.resume = NULL; /* a later restart_syscall is -EINTR (Linux) */
    if (signal_frame_restore(registers) < 0) {
        const struct signal_info info = { .signal = SIGSEGV, .code = SI_KERNEL };
        signal_force(thread, SIGSEGV, &info);
        registers->orig_rax = (uint64_t)-1;
        return 0; /* as Linux's badframe path */
    }
    return (long)registers->rax;
}
