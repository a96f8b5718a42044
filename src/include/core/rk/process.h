/*
 * rk/process.h — processes (thread groups): identity, family, file
 * descriptors, cwd and root, memory, signals, exit and wait state.
 */
#ifndef RK_PROCESS_H
#define RK_PROCESS_H

#include <stdbool.h>
#include <stdint.h>
#include <rk/file.h>
#include <rk/list.h>
#include <rk/platform.h>
#include <rk/signal.h>
#include <rk/system.h>
#include <rk/thread.h>
#include <rk/waitqueue.h>

#define PROCESS_FD_LIMIT 1024   /* RLIMIT_NOFILE's usual soft limit */

struct mm;
struct path_entry;
struct thread;

struct fd_table {
    unsigned long users;                    /* processes sharing it (CLONE_FILES without CLONE_THREAD) */
    struct file *files[PROCESS_FD_LIMIT];
    uint64_t close_on_exec[PROCESS_FD_LIMIT / 64];
};

enum process_state {
    PROCESS_RUNNING,   /* has live threads */
    PROCESS_STOPPED,   /* stopped by SIGSTOP/SIGTSTP/SIGTTIN/SIGTTOU until SIGCONT */
    PROCESS_ZOMBIE,    /* every thread exited; waits for its parent's wait */
};

struct resource_limit {
    uint64_t current, maximum;   /* RLIM_INFINITY = ~0 */
};
#define RESOURCE_LIMIT_COUNT 16
#define RLIM_INFINITY (~0ull)
/* getrlimit(2) resources, Linux x86_64 numbers. */
#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_RSS 5
#define RLIMIT_NPROC 6
#define RLIMIT_NOFILE 7
#define RLIMIT_MEMLOCK 8
#define RLIMIT_AS 9
#define RLIMIT_LOCKS 10
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE 12
#define RLIMIT_NICE 13
#define RLIMIT_RTPRIO 14
#define RLIMIT_RTTIME 15

/* wait(2) status encoding. */
#define WAIT_STATUS_EXITED(code) (((code) & 0xff) << 8)
#define WAIT_STATUS_SIGNALED(signal, core_dumped) (((signal) & 0x7f) | ((core_dumped) ? 0x80 : 0))
#define WAIT_STATUS_STOPPED(signal) ((((signal) & 0xff) << 8) | 0x7f)
#define WAIT_STATUS_CONTINUED 0xffff

/*
 * A process in Linux's sense: a thread group (pid = the group leader's
 * tid = tgid). Its threads point at it (thread->process, referenced).
 */
struct process {
    int pid;
    int parent_pid;                         /* == parent->pid; 0 for pid 1 and kernel processes */
    struct process *parent;                 /* not referenced: children are re-parented to init before a parent goes */
    struct list_node children;              /* struct process sibling_link */
    struct list_node sibling_link;
    int process_group;
    int session;
    char name[PROCESS_NAME_LENGTH];         /* comm: the executable's base name, 15 chars */
    unsigned long references;
    struct list_node link;                  /* in the process list, by pid */
    struct fd_table *fds;
    struct path_entry *cwd;                 /* referenced */
    struct path_entry *root;                /* referenced */
    uint32_t umask;
    struct mm *mm;                          /* referenced (mm_get); NULL for kernel processes */
    char *command_line;                     /* NUL-separated, kmalloc'ed */
    size_t command_line_length;
    char *environment;                      /* NUL-separated, kmalloc'ed (from execve) */
    size_t environment_length;
    char *executable_path;                  /* absolute path of the running image, kmalloc'ed */
    uint64_t start_time_ns;
    unsigned thread_count;                  /* live threads */
    struct list_node threads;               /* struct thread process_link */
    unsigned long broken_pipe_count;        /* writes that raised SIGPIPE */

    enum process_state state;
    int exit_signal;                        /* sent to the parent at exit (SIGCHLD, or clone's) */
    int wait_status;                        /* wait(2) status once a zombie (or of the last stop/continue) */
    bool group_exiting;                     /* exit_group or a fatal signal is taking the threads down */
    bool stop_report_pending;               /* a stop not yet reported to waitpid(WUNTRACED) */
    bool continue_report_pending;           /* a continue not yet reported (WCONTINUED) */
    struct wait_queue child_events;         /* this process's waiters for its children's changes */
    struct wait_queue vfork_done;           /* the vfork parent sleeps here until exec or exit */
    bool vfork_pending;                     /* this process is a vfork child that has not yet exec'd or exited */

    struct process_signals signals;
    uint32_t uid, euid, suid, gid, egid, sgid;
    struct resource_limit limits[RESOURCE_LIMIT_COUNT];
    uint64_t user_time_ns, system_time_ns;              /* of its threads */
    uint64_t children_user_time_ns, children_system_time_ns; /* of reaped children */
    bool has_controlling_terminal;          /* its session's tty is the console tty */

    /* Added with processes (issue 4). */
    bool has_execed;                        /* ran execve since fork (setpgid's EACCES); set by process_vfork_release */
    bool reaped;                            /* waited for (or auto-reaped): out of the table, no longer findable */
    bool table_reference;                   /* the table owns a reference (fork): dropped when reaped */
    int exit_code_or_signal;                /* waitid si_status of the zombie */
    int exit_code_kind;                     /* CLD_EXITED / CLD_KILLED / CLD_DUMPED of the zombie */
    int stop_signal;                        /* the signal of the last stop (WSTOPPED reports) */
    int parent_death_signal;                /* prctl(PR_SET_PDEATHSIG), 0 = none */
    bool unkillable;                        /* init: sent signals without a handler are dropped (Linux's SIGNAL_UNKILLABLE) */
    int dumpable;                           /* prctl(PR_SET_DUMPABLE), 1 by default */
    uint32_t fsuid, fsgid;
    uint32_t *groups;                       /* supplementary groups (kmalloc'ed), group_count of them */
    unsigned group_count;
};

/*
 * Where the Core goes when init (pid 1) ends: handler(wait_status). The
 * default logs and powers the machine off with the exit code (128 +
 * signal for a kill), which is what tools/rk exec reports. Tests may set
 * their own; NULL restores the default.
 */
void process_set_init_exit_handler(void (*handler)(int wait_status));

/*
 * A new process named name with an empty fd table, cwd and root at the
 * root of the namespace, umask 022 and (when with_address_space) an empty
 * user address space. Returns it with one reference, or NULL on ENOMEM.
 */
struct process *process_create(const char *name, int parent_pid, bool with_address_space);
/* Drop a reference; the last closes every fd and frees everything. */
void process_put(struct process *process);
/* The process of the running thread, NULL for pure kernel threads (inline: every syscall asks). */
static inline struct process *process_current(void)
{
    struct thread *thread = thread_current();
    return thread ? thread->process : NULL;
}
/* Make thread run on behalf of process (takes a reference); NULL detaches. */
void process_attach_thread(struct process *process, struct thread *thread);
/* The process with pid (not referenced), NULL when none. */
struct process *process_find(int pid);
/* Store up to max pids in ascending order; returns how many processes exist. */
size_t process_list_pids(int *pids, size_t max);
/*
 * A write hit a pipe with no reader: Linux sends SIGPIPE. Signals arrive
 * with the processes issue; until then this counts the event (tests read
 * broken_pipe_count) and logs at debug level.
 */
void process_note_broken_pipe(struct process *process);

/* Forget every process (core_init). */
void processes_reset(void);

/* Another reference to process (drop it with process_put). */
void process_get(struct process *process);

/* -------------------------------------------- process family (issue 4) */

/*
 * The thread with tid (any process's, the leader's tid is the pid), not
 * referenced, or NULL. Exited threads are not found.
 */
struct thread *process_find_thread(int tid);

/*
 * Visit processes: visit(process, argument) returns 0 to go on or
 * anything else to stop; the walk returns that value (0 when it visited
 * everything). Zombies and kernel processes are visited too (check
 * process->state / process->mm). visit must not free processes or sleep
 * (sending a signal is fine).
 */
typedef int (*process_visit_fn)(struct process *process, void *argument);
int process_for_each(process_visit_fn visit, void *argument);
/* The same over the processes whose process group is process_group. */
int process_for_each_in_group(int process_group, process_visit_fn visit, void *argument);
/* The same over the processes of session. */
int process_for_each_in_session(int session, process_visit_fn visit, void *argument);

/*
 * End the whole thread group of the running thread with wait_status (the
 * wait(2) encoding: WAIT_STATUS_EXITED(code) or WAIT_STATUS_SIGNALED(sig,
 * core)). The other threads are woken from interruptible waits and leave
 * at their next core_return_to_user; the last thread out closes the fds,
 * drops the mm, turns the process into a zombie, hands its children to
 * init and notifies the parent (exit_signal, child_events). exit_group(2),
 * fatal signals. Never returns. Not from interrupt context.
 */
RK_NORETURN void process_exit_group(int wait_status);
/*
 * End only the running thread (exit(2)): clear_child_tid is zeroed and
 * futex-woken; the last thread of the group ends the process with
 * WAIT_STATUS_EXITED(exit_code). Never returns.
 */
RK_NORETURN void process_exit_thread(int exit_code);
/*
 * A stop or continue of child for its parent (the signal engineer calls
 * it): code CLD_STOPPED (status = the stop signal) or CLD_CONTINUED
 * (status = SIGCONT). Sets stop_report_pending / continue_report_pending,
 * sends SIGCHLD to the parent unless its SIGCHLD has SA_NOCLDSTOP (or is
 * ignored) and wakes the parent's child_events.
 */
void process_notify_parent(struct process *child, int code, int status);
/*
 * execve's de_thread: make every other thread of the running process exit
 * and wait until they have (killable). Afterwards the caller is the only
 * thread and its tid equals the pid (a non-leader caller takes the
 * leader's tid, as Linux's de_thread does).
 * Returns 0, or -ERESTARTSYS/-EINTR when a fatal signal came meanwhile
 * (the caller returns and dies).
 */
int process_kill_other_threads(void);
/*
 * A vfork child execs or exits: wake its parent (no-op unless
 * vfork_pending). The exec engineer calls it on EVERY successful execve
 * (it also records has_execed for setpgid's EACCES).
 */
void process_vfork_release(struct process *process);
/*
 * True when the running thread must leave because its thread group is
 * exiting (then core_return_to_user ends it). For long kernel loops.
 */
bool process_exiting_current(void);

/* ------------------------------------------------------- descriptors */

/*
 * Install file at the lowest free descriptor >= minimum (takes over the
 * caller's reference). Returns the descriptor, or -EMFILE (reference kept
 * by the caller then), -EINVAL when minimum is out of range.
 */
int fd_install(struct process *process, struct file *file, int minimum, bool close_on_exec);
/* Put file at exactly fd, closing what was there (dup2). Returns fd or -EBADF. */
int fd_install_at(struct process *process, struct file *file, int fd, bool close_on_exec);
/* The file at fd with a new reference, or NULL (-EBADF). */
struct file *fd_get(struct process *process, int fd);
/* Close fd. Returns 0 or -EBADF. */
int fd_close(struct process *process, int fd);
bool fd_close_on_exec(struct process *process, int fd);
void fd_set_close_on_exec(struct process *process, int fd, bool value);

#endif
