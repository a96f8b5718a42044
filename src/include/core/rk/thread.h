/*
 * rk/thread.h — kernel threads.
 *
 * Uniprocessor, cooperative inside the kernel: a thread runs until it
 * blocks, yields or exits (the timer interrupt only wakes threads; they run
 * when the running thread next blocks or yields).
 */
#ifndef RK_THREAD_H
#define RK_THREAD_H

#include <stdbool.h>
#include <stdint.h>
#include <rk/list.h>
#include <rk/platform.h>
#include <rk/signal.h>
#include <rk/timer.h>
#include <rk/waitqueue.h>

struct gate_frame;
struct process;

enum thread_state {
    THREAD_RUNNABLE,  /* in the policy's run queue */
    THREAD_RUNNING,   /* the current thread */
    THREAD_BLOCKED,   /* on a wait queue or sleeping */
    THREAD_DEAD,      /* exited, waiting to be joined or reaped */
};

typedef void (*thread_function)(void *argument);

#define THREAD_STACK_ORDER 2  /* 16 KiB kernel stacks */
#define THREAD_NAME_LENGTH 32

struct thread {
    struct platform_context context;
    uint64_t id;
    char name[THREAD_NAME_LENGTH];
    enum thread_state state;

    struct list_node run_link;      /* owned by the scheduler policy while RUNNABLE */
    struct list_node all_link;      /* every live thread */
    uint64_t policy_data;           /* free for the scheduler policy */

    void *stack;                    /* platform_kernel_stack_alloc(), 2^THREAD_STACK_ORDER pages with a guard page below; NULL for the boot thread */
    thread_function function;
    void *argument;

    struct gate_frame *gate_frames; /* innermost service crossing (rk/gate.h) */
    unsigned spinlocks_held;        /* spinlocks it holds (a fault inside a crossing is the
                                       service's only while none taken there is held) */
    struct process *process;        /* referenced; NULL for pure kernel threads */

    struct list_node wait_link;     /* in the wait queue it sleeps on */
    struct timer wait_timer;        /* wait timeouts and sleeps */
    bool wait_timed_out;

    /* User threads (thread->process with an mm): the Linux view. */
    int tid;                        /* from the pid space; the leader's tid is the process's pid */
    struct list_node process_link;  /* in process->threads */
    struct user_registers *user_registers; /* saved user state while in the kernel from user mode */
    uintptr_t clear_child_tid;      /* set_tid_address / CLONE_CHILD_CLEARTID: zeroed and futex-woken at exit */
    struct thread_signals signals;
    bool interruptible;             /* sleeping in a wait a signal may interrupt */
    bool wait_interrupted;          /* its wait was ended by a signal (waitqueue.c) */
    uint64_t time_slice_start_ns;   /* when it last started running user code (preemption) */
    uint64_t user_time_ns, system_time_ns;
    uint64_t accounting_mark_ns;    /* user/system time is charged up to here */
    bool in_user_mode;              /* between core_return_to_user and the next entry */
    uintptr_t robust_list;          /* set_robust_list head */
    size_t robust_list_length;
    bool exiting;                   /* process_exit_*: on its way out (must not be woken into user mode) */
    bool service_daemon;            /* a Core service thread (network): its blocking waits are not counted
                                       as "blocked for ever" by sched_run_until_idle or the idle loop */

    int exit_code;
    bool detached;                  /* freed by the reaper instead of thread_join() */
    struct wait_queue exit_waiters;
    uint64_t switches_in;           /* times it was switched to */
};

/*
 * Create a runnable thread running function(argument). The caller owns the
 * returned reference and must thread_join() or thread_detach() it.
 * Returns NULL when memory is exhausted. Not in interrupt context.
 */
struct thread *thread_create(const char *name, thread_function function, void *argument);

/*
 * Wait for thread to exit, store its exit code in *exit_code (when not
 * NULL) and free it. Returns 0, -EINVAL for the current thread or a
 * detached one, or -EDEADLK when called from the boot thread and nothing
 * can ever make the thread exit (it is then not freed).
 */
int thread_join(struct thread *thread, int *exit_code);
/* Give up the reference: the thread is freed after it exits. */
void thread_detach(struct thread *thread);
/* End the running thread. */
RK_NORETURN void thread_exit(int exit_code);
/* The running thread (sched.c keeps it; read it through thread_current()). */
extern struct thread *sched_running_thread;
/* The running thread. Inline: it sits on every syscall's path. */
static inline struct thread *thread_current(void) { return sched_running_thread; }
/* Let other runnable threads run; returns when rescheduled. */
void thread_yield(void);
/* Number of live (not yet freed) threads, the boot thread included. */
unsigned thread_count(void);

#endif
