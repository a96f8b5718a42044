/*
 * rk/signal.h — POSIX signals as Linux delivers them: per-process
 * (thread group) dispositions, per-thread masks and pending sets, delivery
 * on the way back to user mode through an rt_sigframe identical to Linux's
 * (so glibc's and musl's restorers work), default actions, stop/continue,
 * and interruption of blocking syscalls.
 *
 * Signals are numbered 1..SIGNAL_COUNT; a set has bit (signal - 1).
 *
 * Interrupted syscalls: a blocking wait in a thread that has a deliverable
 * signal pending returns -ERESTARTSYS (wait_queue_wait does this for
 * threads of user processes). On the way out, core_return_to_user turns it
 * into a restart (the syscall runs again) when the signal's handler has
 * SA_RESTART or the signal needs no handler, and into -EINTR otherwise.
 * Syscalls that must never restart after a handler (poll, select,
 * sigsuspend...) return -ERESTARTNOHAND; relative sleeps (nanosleep, timed
 * FUTEX_WAIT) return -ERESTART_RESTARTBLOCK with the thread's
 * signal_restart filled in, so that a stop and continue resumes them for
 * the time left through restart_syscall. None of these reaches user mode.
 */
#ifndef RK_SIGNAL_H
#define RK_SIGNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rk/platform.h>
#include <rk/waitqueue.h>

#define ERESTARTSYS 512  /* Core-internal: "interrupted, restart when allowed" */
#define ERESTARTNOINTR 513 /* Core-internal: always restart (never EINTR) */
#define ERESTARTNOHAND 514 /* Core-internal: restart only when no handler runs (pause, sigsuspend, poll) */
/*
 * Core-internal: when no handler runs, resume through restart_syscall and
 * the thread's signal_restart block (relative sleeps: the time left, not
 * the whole request, as Linux); -EINTR when a handler runs.
 */
#define ERESTART_RESTARTBLOCK 516

#define SIGNAL_COUNT 64
#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGIO 29
#define SIGPWR 30
#define SIGSYS 31
#define SIGRTMIN 32

#define SIGNAL_BIT(signal) (1ull << ((signal) - 1))

/* sigaction flags */
#define SA_NOCLDSTOP 0x00000001
#define SA_NOCLDWAIT 0x00000002
#define SA_SIGINFO 0x00000004
#define SA_RESTORER 0x04000000
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000
#define SIG_DFL 0
#define SIG_IGN 1

/* rt_sigprocmask how */
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

/* sigaltstack */
#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SS_AUTODISARM (1u << 31)
#define MINSIGSTKSZ 2048

/* The signals no mask, handler or ignore can touch. */
#define SIGNAL_UNBLOCKABLE (SIGNAL_BIT(SIGKILL) | SIGNAL_BIT(SIGSTOP))

/* si_code values */
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_QUEUE (-1)
#define SI_TIMER (-2)
#define SI_TKILL (-6)
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRERR 2
#define BUS_ADRALN 1
#define ILL_ILLOPN 2
#define FPE_INTDIV 1
#define TRAP_BRKPT 1
#define TRAP_TRACE 2
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define CLD_TRAPPED 4
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

/*
 * The facts a siginfo_t carries (Linux's 128-byte layout is produced from
 * this when a handler with SA_SIGINFO or waitid/rt_sigtimedwait needs it).
 */
struct signal_info {
    int signal;
    int code;          /* SI_USER, SEGV_MAPERR, CLD_EXITED... */
    int error;         /* si_errno */
    int pid;           /* sender, or the child for SIGCHLD */
    uint32_t uid;
    int status;        /* SIGCHLD: exit code or signal */
    uintptr_t address; /* SIGSEGV/SIGBUS/SIGILL/SIGFPE: the faulting address */
    uint64_t value;    /* si_value of rt_sigqueueinfo (SI_QUEUE and negative codes) */
    int trap_number;   /* faults: the CPU vector (sigcontext trapno) */
    uint64_t error_code; /* faults: the CPU error code (sigcontext err) */
};

/* The kernel's struct sigaction for rt_sigaction on x86_64. */
struct signal_action {
    uintptr_t handler;   /* SIG_DFL, SIG_IGN or a user address */
    uint64_t flags;
    uintptr_t restorer;
    uint64_t mask;
};

/* Dispositions, shared by the threads of a process (CLONE_SIGHAND). */
struct signal_handlers {
    unsigned long users;
    struct signal_action actions[SIGNAL_COUNT];
};

struct thread;

/*
 * Linux's restart_block: what restart_syscall (219) does after a sleep
 * returned -ERESTART_RESTARTBLOCK. Set by the sleeping syscall; cleared by
 * restart_syscall and rt_sigreturn.
 */
struct signal_restart {
    long (*resume)(struct thread *thread); /* NULL: restart_syscall returns -EINTR */
    uint64_t deadline_ns;                  /* clock_now_ns() time the sleep ends */
    uintptr_t address;                     /* nanosleep: the remain timespec (0: none); futex: the word */
    uint64_t values[3];                    /* the resumer's own (futex: value, bitset, private) */
};

/* Per-thread signal state, embedded in struct thread. */
struct thread_signals {
    uint64_t blocked;                          /* the mask */
    uint64_t pending;                          /* sent to this thread */
    struct signal_info info[SIGNAL_COUNT];     /* of each pending signal (standard: one each) */
    uint64_t saved_blocked;                    /* sigsuspend/pselect: mask to restore after delivery */
    bool restore_saved_blocked;
    uintptr_t alternate_stack;                 /* sigaltstack ss_sp */
    size_t alternate_stack_size;
    int alternate_stack_flags;                 /* SS_DISABLE or 0 */
    uint64_t real_blocked;                     /* rt_sigtimedwait: the mask it replaced while waiting */
    struct signal_restart restart;             /* restart_syscall's resume of an interrupted sleep */
};

/* Per-process signal state, embedded in struct process. */
struct process_signals {
    struct signal_handlers *handlers;          /* referenced */
    uint64_t pending;                          /* sent to the process (any thread may take it) */
    struct signal_info info[SIGNAL_COUNT];
    struct wait_queue stopped_threads;         /* threads parked while stopped (zeroed = empty: set up on first use) */
    struct signal_real_timer *real_timer;      /* ITIMER_REAL / alarm, kmalloc'ed on first use, or NULL */
};

struct process;
struct signal_real_timer;
struct thread;

/* Handlers for a new process: all SIG_DFL. NULL on ENOMEM. */
struct signal_handlers *signal_handlers_create(void);
/* A private copy (fork without CLONE_SIGHAND). NULL on ENOMEM. */
struct signal_handlers *signal_handlers_copy(const struct signal_handlers *handlers);
void signal_handlers_get(struct signal_handlers *handlers);
void signal_handlers_put(struct signal_handlers *handlers);

/*
 * Send signal to a process (any thread not blocking it takes it) or to one
 * thread. info may be NULL (then SI_KERNEL from the kernel). Ignored
 * signals are dropped at once; SIGKILL and SIGCONT act at once (SIGCONT
 * resumes a stopped process, a stop signal drops a pending SIGCONT and the
 * reverse). Wakes a thread that can take it from an interruptible wait.
 * Returns 0 or -EINVAL (bad number). Signal 0 only checks. Any context
 * except interrupt (tty ^C comes through a deferred call).
 */
int signal_send_process(struct process *process, int signal, const struct signal_info *info);
int signal_send_thread(struct thread *thread, int signal, const struct signal_info *info);
/* Send to every process of process group pgid. Returns 0, or -ESRCH when none is in it. */
int signal_send_process_group(int process_group, int signal, const struct signal_info *info);

/*
 * Take thread out of an interruptible wait (its wait_queue_wait returns
 * -ERESTARTSYS when a signal is pending or its process is exiting). No-op
 * when it is running or in an uninterruptible wait. Any context.
 */
void signal_wake_thread(struct thread *thread);

/* True when the running thread has a pending signal it does not block. */
bool signal_pending_current(void);
/* True when thread has a pending unblocked signal (or SIGKILL, or its process is exiting). */
bool signal_pending(struct thread *thread);

/*
 * Deliver what is pending for the running thread: take default actions
 * (terminate the process, stop it, ignore) or build a signal frame on the
 * user stack and point registers at the handler. Resolves a pending
 * -ERESTARTSYS in registers->rax (restart or -EINTR). Called by
 * core_return_to_user. May not return (the process exits).
 */
void signal_deliver(struct user_registers *registers);

/*
 * A fault in user mode that the memory manager could not resolve (or a
 * #GP, #UD, #DE): force signal with code and address on the running
 * thread (unblocked and not ignorable: a blocked or ignored fault signal
 * kills the process, as on Linux).
 */
void signal_force_fault(int signal, int code, uintptr_t address);

/*
 * core_fault's user-mode branch: resolve a page fault through
 * mm_handle_fault or turn the fault into a forced signal (SIGSEGV
 * SEGV_MAPERR/SEGV_ACCERR, SIGBUS BUS_ADRERR, SIGKILL on ENOMEM, #GP
 * SIGSEGV SI_KERNEL, #UD SIGILL, #DE SIGFPE, #BP SIGTRAP). Returns RESUME
 * (the backend then calls core_return_to_user, which delivers), FATAL
 * only when the thread has no user process.
 */
enum platform_fault_action signal_user_fault(const struct platform_fault *fault);

/* execve: handlers reset to SIG_DFL (SIG_IGN stays), alternate stack cleared; mask kept. */
void signal_exec_reset(struct process *process);

/*
 * The process is gone (its last reference, or the whole group exited):
 * cancel and free its ITIMER_REAL timer. Idempotent. Proc calls it.
 */
void signal_process_release(struct process *process);

/* The disposition of signal in process (for SIGCHLD's SA_NOCLDWAIT / SIG_IGN checks). */
const struct signal_action *signal_action_of(struct process *process, int signal);

#endif
