/*
 * signal_internal.h — what the files of src/core/signal and the signal
 * syscalls share: default actions, the pending sets, the frame builder.
 *
 * Locking: uniprocessor, cooperative kernel threads; pending sets and masks
 * are changed with interrupts disabled because the ITIMER_REAL timer sends
 * SIGALRM from interrupt context.
 */
#ifndef RK_CORE_SIGNAL_INTERNAL_H
#define RK_CORE_SIGNAL_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <rk/platform.h>
#include <rk/process.h>
#include <rk/signal.h>
#include <rk/thread.h>

/* Linux's siginfo_t is 128 bytes. */
#define SIGNAL_INFO_SIZE 128

enum signal_default {
    SIGNAL_DEFAULT_TERMINATE,
    SIGNAL_DEFAULT_CORE,
    SIGNAL_DEFAULT_IGNORE,
    SIGNAL_DEFAULT_STOP,
    SIGNAL_DEFAULT_CONTINUE,
};

#define SIGNAL_STOP_SET                                                                   \
    (SIGNAL_BIT(SIGSTOP) | SIGNAL_BIT(SIGTSTP) | SIGNAL_BIT(SIGTTIN) | SIGNAL_BIT(SIGTTOU))
/* Signals the CPU raises: delivered before the others (Linux's SYNCHRONOUS_MASK). */
#define SIGNAL_SYNCHRONOUS_SET                                                            \
    (SIGNAL_BIT(SIGSEGV) | SIGNAL_BIT(SIGBUS) | SIGNAL_BIT(SIGILL) | SIGNAL_BIT(SIGTRAP) | \
     SIGNAL_BIT(SIGFPE) | SIGNAL_BIT(SIGSYS))

static inline bool signal_number_valid(int signal) { return signal >= 1 && signal <= SIGNAL_COUNT; }

/* What SIG_DFL does for signal (1..64). */
enum signal_default signal_default_action(int signal);

/* The action slot of signal in process (NULL when it has no handler table). */
struct signal_action *signal_action_slot(struct process *process, int signal);

/* True when a user process's thread (it has an mm): signals apply to it. */
static inline bool signal_thread_is_user(const struct thread *thread)
{
    return thread && thread->process && thread->process->mm;
}

/* The queue stopped threads park on (set up on first use). */
struct wait_queue *signal_stopped_queue(struct process *process);

/* True when the process's thread list was set up (proc initialises it). */
static inline bool signal_process_has_thread_list(const struct process *process)
{
    return process->threads.next != NULL;
}

/* Remove the signals in set from every pending set of process and its threads. Interrupts disabled. */
void signal_flush_pending(struct process *process, uint64_t set);

/*
 * Take the next pending signal of thread not in blocked (SIGKILL first,
 * then the synchronous ones, then the lowest number; the thread's own
 * before the process's) and copy its facts to *info. Returns the signal
 * or 0.
 */
int signal_dequeue(struct thread *thread, uint64_t blocked, struct signal_info *info);

/*
 * True when thread is being killed: SIGKILL is pending for it or its
 * process, or its group is exiting. Waits for chosen signals (sigtimedwait)
 * check this first: signal_dequeue() would hand them the SIGKILL.
 */
bool signal_fatal_pending(struct thread *thread);

/* Set thread's mask to blocked (SIGKILL and SIGSTOP removed). */
void signal_set_blocked(struct thread *thread, uint64_t blocked);

/*
 * Queue signal on thread bypassing ignore and mask (force_sig): a blocked
 * or ignored signal is unblocked and reset to SIG_DFL first.
 */
void signal_force(struct thread *thread, int signal, const struct signal_info *info);

/* Render info as Linux's 128-byte siginfo_t into out. */
void signal_info_to_linux(const struct signal_info *info, unsigned char out[SIGNAL_INFO_SIZE]);
/* The reverse, for rt_sigqueueinfo. */
void signal_info_from_linux(const unsigned char in[SIGNAL_INFO_SIZE], struct signal_info *info);

/*
 * Build the rt_sigframe of signal for action on the user stack of the
 * running thread and point registers at the handler. old_blocked is the
 * mask rt_sigreturn restores. Returns 0, or -EFAULT when the frame cannot
 * be written (or SA_RESTORER is missing).
 */
int signal_frame_setup(struct user_registers *registers, int signal,
                       const struct signal_action *action, const struct signal_info *info,
                       uint64_t old_blocked);
/*
 * rt_sigreturn: restore registers, mask, FPU state and alternate stack from
 * the frame below registers->rsp. Returns 0 or -EFAULT (bad frame).
 */
int signal_frame_restore(struct user_registers *registers);

/* sigaltstack's state as seen from the user stack pointer sp. */
bool signal_on_alternate_stack(const struct thread *thread, uintptr_t sp);
int signal_alternate_stack_flags(const struct thread *thread, uintptr_t sp);
/* Apply a new alternate stack (sigaltstack(2) rules). Returns 0, -EPERM, -EINVAL or -ENOMEM. */
int signal_alternate_stack_set(struct thread *thread, uintptr_t sp, uintptr_t stack_pointer,
                               int flags, size_t size);

/* The user stack pointer of the running thread (0 when not from user mode). */
static inline uintptr_t signal_user_stack_pointer(const struct thread *thread)
{
    return thread->user_registers ? thread->user_registers->rsp : 0;
}

/* waitqueue.c: take thread out of an interruptible wait. Interrupts disabled or not. */
bool wait_queue_interrupt(struct thread *thread);

/*
 * Sleep interruptibly until a signal comes (pause, sigsuspend). Returns
 * -ERESTARTSYS once one is pending, or another wait error (-EDEADLK on the
 * boot thread when nothing can ever come).
 */
int signal_wait_for_signal(uint64_t timeout_ns);

/* The thread with tid, or NULL. */
struct thread *signal_find_thread(int tid);

#endif
