/*
 * user_entry.c — where user mode enters the Core: syscalls and the last
 * step before every return to user mode (rk/platform.h upcalls), plus the
 * user/system time accounting and time-slice preemption that hang off them.
 *
 * Time-slice preemption: a thread that has run for PREEMPTION_SLICE_NS
 * since it last started running user code yields in core_return_to_user
 * when another thread is runnable. A Core timer is kept armed while user
 * code runs so a CPU-bound loop still takes an interrupt (the backend calls
 * core_return_to_user after every interrupt taken in user mode).
 *
 * Locking: runs on the user thread's kernel stack, interrupts enabled.
 */
#include <rk/mm.h>
#include <rk/platform.h>
#include <rk/process.h>
#include <rk/signal.h>
#include <rk/syscall.h>
#include <rk/thread.h>
#include <rk/timer.h>

#include "process_internal.h"

#define PREEMPTION_SLICE_NS 10000000ull  /* 10 ms, Linux-like */

static struct timer preemption_timer;
static bool preemption_timer_ready;

/* Timer callback: nothing to do; the interrupt itself brings the thread to core_return_to_user. */
static void preemption_tick(struct timer *timer, void *argument)
{
    (void)timer;
    (void)argument;
}

/* Keep a timer armed for the end of the running thread's slice. */
static void preemption_timer_arm(uint64_t deadline)
{
    if (!preemption_timer_ready) {
        timer_init(&preemption_timer, preemption_tick, NULL);
        preemption_timer_ready = true;
    }
    if (!preemption_timer.pending) /* timer_is_pending(), without the call on every return */
        timer_arm(&preemption_timer, deadline);
}

void process_account_time(struct thread *thread, uint64_t now)
{
    if (!thread || !thread->process)
        return;
    if (thread->accounting_mark_ns != 0 && now > thread->accounting_mark_ns) {
        uint64_t elapsed = now - thread->accounting_mark_ns;
        if (thread->in_user_mode) {
            thread->user_time_ns += elapsed;
            thread->process->user_time_ns += elapsed;
        } else {
            thread->system_time_ns += elapsed;
            thread->process->system_time_ns += elapsed;
        }
    }
    thread->accounting_mark_ns = now;
}

void process_switch_hook(struct thread *previous, struct thread *next)
{
    uint64_t now = clock_now_ns();
    if (previous && previous->process) {
        process_account_time(previous, now);
        previous->accounting_mark_ns = 0;  /* not running: nothing to charge */
    }
    if (next->process) {
        next->accounting_mark_ns = now;
        next->time_slice_start_ns = now;  /* a fresh slice each time it is switched in */
        if (next->process->mm)
            mm_activate(next->process->mm);
    }
}

/*
 * Charge the time since the thread's accounting mark to user (to_user) or
 * system time and move the mark to now: process_account_time for the
 * running thread of a process, without branches (the syscall path). A mark
 * of 0 (not started) or in the future charges nothing.
 */
static inline void account_boundary(struct thread *thread, struct process *process, uint64_t now,
                                    bool to_user)
{
    uint64_t mark = thread->accounting_mark_ns;
    uint64_t valid = -(uint64_t)((mark != 0) & (now > mark));
    uint64_t elapsed = (now - mark) & valid;
    uint64_t user_mask = -(uint64_t)to_user;
    thread->user_time_ns += elapsed & user_mask;
    process->user_time_ns += elapsed & user_mask;
    thread->system_time_ns += elapsed & ~user_mask;
    process->system_time_ns += elapsed & ~user_mask;
    thread->accounting_mark_ns = now;
}

/* Upcall: a SYSCALL from user mode (see rk/platform.h). */
void core_syscall(struct user_registers *registers)
{
    struct thread *thread = thread_current();
    struct process *process = thread->process;
    uint64_t now = platform_clock_ns();
    if (__builtin_expect(process != NULL, 1))
        account_boundary(thread, process, now, thread->in_user_mode);
    else
        process_account_time(thread, now);
    thread->in_user_mode = false;
    thread->user_registers = registers;
    const uint64_t arguments[SYSCALL_ARGUMENTS] = {
        registers->rdi, registers->rsi, registers->rdx,
        registers->r10, registers->r8, registers->r9,
    };
    registers->rax = (uint64_t)syscall_dispatch(registers->orig_rax, arguments);
}

/*
 * Nonzero when the way back to user mode has work beyond the accounting:
 * a pending signal (even a blocked one), a stop, an exit, a -ERESTART*
 * result to resolve, a mask to restore, an expired or unstarted slice, no
 * preemption timer armed. Bitwise on purpose: one branch for the caller.
 */
static inline uint64_t return_work(const struct thread *thread, const struct process *process,
                                   const struct user_registers *registers, uint64_t now)
{
    uint64_t restart_result = registers->rax + ERESTART_RESTARTBLOCK; /* -516..-512 -> 0..4 */
    return thread->signals.pending | process->signals.pending |
           (uint64_t)process->group_exiting | (uint64_t)thread->exiting |
           (uint64_t)(process->state == PROCESS_STOPPED) |
           (uint64_t)thread->signals.restore_saved_blocked |
           (uint64_t)(restart_result <= ERESTART_RESTARTBLOCK - ERESTARTSYS) |
           (uint64_t)(thread->time_slice_start_ns == 0) |
           (uint64_t)(now - thread->time_slice_start_ns >= PREEMPTION_SLICE_NS) |
           (uint64_t)!preemption_timer.pending;
}

/* Upcall: the last Core step before user mode resumes (see rk/platform.h). */
void core_return_to_user(struct user_registers *registers)
{
    struct thread *thread = thread_current();
    struct process *process = thread->process;
    thread->user_registers = registers;
    uint64_t now = platform_clock_ns();

    /* Nothing to do (the common case): charge system time and go. */
    if (__builtin_expect(process != NULL, 1) &&
        __builtin_expect(return_work(thread, process, registers, now) == 0, 1)) {
        account_boundary(thread, process, now, false);
        thread->in_user_mode = true;
        return;
    }

    process_account_time(thread, now);
    thread->in_user_mode = false;

    /* The clock is read again below only when time may have passed here: a
       yield, or signal work (a stop parks the thread). */
    bool time_may_pass = false;
    if (now - thread->time_slice_start_ns >= PREEMPTION_SLICE_NS) {
        thread_yield();
        thread->time_slice_start_ns = clock_now_ns();
        time_may_pass = true;
    }
    for (;;) {
        if (process && (process->group_exiting || thread->exiting))
            process_exit_thread(0);
        if (thread->signals.pending != 0 ||
            (process && (process->signals.pending != 0 || process->state == PROCESS_STOPPED)))
            time_may_pass = true;
        signal_deliver(registers);
        /* A stop or a handler may have let time pass; a group exit may have begun. */
        if (!process || !(process->group_exiting || thread->exiting))
            break;
    }
    if (time_may_pass)
        now = clock_now_ns();
    if (thread->time_slice_start_ns == 0 || now - thread->time_slice_start_ns >= PREEMPTION_SLICE_NS)
        thread->time_slice_start_ns = now;
    preemption_timer_arm(thread->time_slice_start_ns + PREEMPTION_SLICE_NS);
    thread->accounting_mark_ns = now;
    thread->in_user_mode = true;
}
