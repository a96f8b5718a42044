/*
 * process_internal.h — what process.c, process_fork.c, process_exit.c,
 * process_wait.c, futex.c, user_entry.c and the process syscalls share.
 */
#ifndef RK_CORE_PROCESS_INTERNAL_H
#define RK_CORE_PROCESS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <rk/process.h>
#include <rk/thread.h>

/* A fresh pid/tid not used as a pid, tid, process group or session. */
int process_allocate_pid(void);
/*
 * A zeroed process with one reference, its lists and queues set up,
 * default limits, no pid, fds, handlers, cwd or mm yet. NULL on ENOMEM.
 */
struct process *process_allocate(const char *name);
/* Give process a pid (unless it has one), list it, and link it under parent (may be NULL). */
void process_publish(struct process *process, struct process *parent);
/* True when thread is in its process's thread list (a live thread of it). */
bool process_thread_is_listed(const struct thread *thread);
/* Take a zombie (or an orphan nobody can wait for) out of the table; drops the table's reference. */
void process_reap(struct process *process);
/* Hand process's children to init (pid 1; nobody when process is init). Interrupts disabled. */
void process_reparent_children(struct process *process);

/* A copy of source with a reference on each file. NULL on ENOMEM. */
struct fd_table *fd_table_copy(const struct fd_table *source);
/* Drop process's use of table; the last user closes every descriptor (through process) and frees it. */
void fd_table_put(struct fd_table *table, struct process *process);

/* clone(2) flags (Linux values). */
#define CSIGNAL 0x000000ff
#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_PIDFD 0x00001000
#define CLONE_PTRACE 0x00002000
#define CLONE_VFORK 0x00004000
#define CLONE_PARENT 0x00008000
#define CLONE_THREAD 0x00010000
#define CLONE_NEWNS 0x00020000
#define CLONE_SYSVSEM 0x00040000
#define CLONE_SETTLS 0x00080000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_DETACHED 0x00400000
#define CLONE_UNTRACED 0x00800000
#define CLONE_CHILD_SETTID 0x01000000
#define CLONE_NEWCGROUP 0x02000000
#define CLONE_NEWUTS 0x04000000
#define CLONE_NEWIPC 0x08000000
#define CLONE_NEWUSER 0x10000000
#define CLONE_NEWPID 0x20000000
#define CLONE_NEWNET 0x40000000
#define CLONE_IO 0x80000000ull
#define CLONE_NAMESPACES (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | \
                          CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)

/* True when address is canonical user space for fs_base/gs_base (Linux's TASK_SIZE_MAX check). */
static inline bool process_user_base_valid(uint64_t address)
{
    return address < 0x00007ffffffff000ull;
}

/* clone(2)'s arguments, decoded. */
struct clone_request {
    uint64_t flags;          /* CLONE_* without the exit signal */
    int exit_signal;         /* the low byte of clone's flags */
    uintptr_t stack;         /* new user stack pointer, 0 = the parent's */
    uintptr_t parent_tid;    /* CLONE_PARENT_SETTID */
    uintptr_t child_tid;     /* CLONE_CHILD_SETTID / CLONE_CHILD_CLEARTID */
    uintptr_t tls;           /* CLONE_SETTLS: the new fs_base */
};

/*
 * fork/vfork/clone for the running thread (which came from user mode:
 * thread->user_registers is set). Returns the child's tid, or -EINVAL,
 * -ENOMEM, -EPERM, -EFAULT... as clone(2). With CLONE_VFORK, returns once
 * the child has exec'd or exited.
 */
long process_clone(const struct clone_request *request);

/* The wait4/waitid machinery (process_wait.c). */
struct wait_request {
    int id_type;         /* P_ALL, P_PID, P_PGID */
    int id;
    int options;         /* WNOHANG, WEXITED, WSTOPPED, WCONTINUED, WNOWAIT, __WALL, __WCLONE */
};
struct wait_result {
    int pid;             /* 0: WNOHANG and nothing to report */
    int status;          /* wait(2) encoding */
    int code;            /* CLD_EXITED, CLD_KILLED, CLD_DUMPED, CLD_STOPPED, CLD_CONTINUED */
    int signal_or_code;  /* waitid si_status */
    uint32_t uid;
    uint64_t user_time_ns, system_time_ns;  /* of the child (rusage) */
};
#define P_ALL 0
#define P_PID 1
#define P_PGID 2
#define P_PIDFD 3
#define WNOHANG 0x00000001
#define WUNTRACED 0x00000002
#define WSTOPPED WUNTRACED
#define WEXITED 0x00000004
#define WCONTINUED 0x00000008
#define WNOWAIT 0x01000000
#define __WNOTHREAD 0x20000000
#define __WALL 0x40000000
#define __WCLONE 0x80000000
/* Wait as requested. Returns 0 (result filled; pid 0 = nothing with WNOHANG), -ECHILD, -ERESTARTSYS. */
int process_wait(const struct wait_request *request, struct wait_result *result);

/* Charge the running thread's time since its mark (user or system time). */
void process_account_time(struct thread *thread, uint64_t now);
/* The scheduler switches from previous to next: account time, activate next's address space. */
void process_switch_hook(struct thread *previous, struct thread *next);

#endif
