/*
 * rk/process.h — processes as the Core knows them so far: an identity, a
 * file descriptor table, a cwd and root, a umask and an address space for
 * user memory. Threads point at their process. (fork, exec, signals and the
 * rest come with the processes issue.)
 */
#ifndef RK_PROCESS_H
#define RK_PROCESS_H

#include <stdbool.h>
#include <stdint.h>
#include <rk/file.h>
#include <rk/list.h>
#include <rk/platform.h>
#include <rk/system.h>

#define PROCESS_FD_LIMIT 1024   /* RLIMIT_NOFILE's usual soft limit */

struct path_entry;
struct thread;

struct fd_table {
    struct file *files[PROCESS_FD_LIMIT];
    uint64_t close_on_exec[PROCESS_FD_LIMIT / 64];
};

struct process {
    int pid;
    int parent_pid;
    int process_group;
    int session;
    char name[PROCESS_NAME_LENGTH];
    unsigned long references;
    struct list_node link;                  /* in the process list, by pid */
    struct fd_table *fds;
    struct path_entry *cwd;                 /* referenced */
    struct path_entry *root;                /* referenced */
    uint32_t umask;
    struct platform_address_space address_space;
    bool has_address_space;
    char *command_line;                     /* NUL-separated, kmalloc'ed */
    size_t command_line_length;
    uint64_t start_time_ns;
    unsigned thread_count;
    unsigned long broken_pipe_count;        /* SIGPIPEs that will be sent once signals exist */
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
