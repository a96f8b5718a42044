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
#include <rk/waitqueue.h>

#define PROCESS_FD_LIMIT 1024   /* RLIMIT_NOFILE's usual soft limit */

struct mm;
struct path_entry;
struct thread;

struct fd_table {
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
};

/*
 * A new process named name with an empty fd table, cwd and root at the
 * root of the namespace, umask 022 and (when with_address_space) an empty
 * user address space. Returns it with one reference, or NULL on ENOMEM.
 */
struct process *process_create(const char *name, int parent_pid, bool with_address_space);
/* Drop a reference; the last closes every fd and frees everything. */
void process_put(struct process *process);
/* The process of the running thread, NULL for pure kernel threads. */
struct process *process_current(void);
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
