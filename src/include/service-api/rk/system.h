/*
 * rk/system.h — what Services may ask of the Core about the machine and
 * its processes (devfs and procfs are the main users). Each call is Core
 * code; none may be called from interrupt context unless it says so.
 */
#ifndef RK_SYSTEM_H
#define RK_SYSTEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct file;

/* ------------------------------------------------------------- console */

/* Write to the system console (polled). Any context. */
void system_console_write(const char *buffer, size_t length);
/*
 * Read console input (the raw bytes; the TTY line discipline comes later).
 * block: sleep until at least one byte is there. Returns the byte count.
 */
size_t system_console_read(char *buffer, size_t length, bool block);

/* -------------------------------------------------------------- random */

/* Fill buffer with pseudo-random bytes (not yet cryptographic: seeded from the clock). */
void system_random_bytes(void *buffer, size_t length);

/* ---------------------------------------------------------- the system */

struct system_memory_info {
    uint64_t total_bytes;      /* RAM the page allocator manages */
    uint64_t free_bytes;
    uint64_t heap_bytes;       /* kmalloc'ed */
    uint64_t page_size;
};
void system_memory_info(struct system_memory_info *info);

const char *system_version(void);        /* "ringkernel 0.1.0" */
const char *system_release(void);        /* "0.1.0" */
const char *system_platform_name(void);  /* "x86_64" or "hosted" */
const char *system_command_line(void);   /* the kernel command line as given */
uint64_t system_uptime_ns(void);

/* ----------------------------------------------------------- processes */

#define PROCESS_NAME_LENGTH 16

struct process_info {
    int pid;
    int parent_pid;
    int process_group;
    int session;
    char name[PROCESS_NAME_LENGTH];  /* comm */
    char state;                      /* 'R', 'S', 'Z' ... as in /proc/PID/stat */
    unsigned thread_count;
    uint32_t uid;
    uint32_t gid;
    uint32_t umask;
    uint64_t start_time_ns;          /* since boot */
    uint64_t virtual_memory_bytes;
    uint64_t resident_bytes;
    uint64_t user_time_ns;           /* CPU time of its threads in user mode */
    uint64_t system_time_ns;         /* ... and in the kernel */
    uint64_t children_user_time_ns;  /* of its waited-for children */
    uint64_t children_system_time_ns;
    uint32_t euid, egid;
    int exit_signal;                 /* sent to the parent at exit (SIGCHLD) */
};

/* The running process's pid, 0 when a kernel thread without a process runs. */
int system_current_pid(void);
/* Store up to max pids in ascending order; returns how many processes exist. */
size_t system_process_list(int *pids, size_t max);
/* Fill info for pid. Returns 0 or -ESRCH. */
int system_process_info(int pid, struct process_info *info);
/*
 * Copy the process's command line (NUL-separated arguments, as
 * /proc/PID/cmdline) or environment into buffer. Returns the full length,
 * or -ESRCH.
 */
long system_process_cmdline(int pid, char *buffer, size_t size);
long system_process_environment(int pid, char *buffer, size_t size);
/* Path of the process's cwd / executable into buffer (NUL-terminated). Returns length or -ESRCH/-ENOENT. */
long system_process_cwd(int pid, char *buffer, size_t size);
long system_process_executable(int pid, char *buffer, size_t size);
/* Open file descriptors of pid in ascending order; returns how many are open, or -ESRCH. */
long system_process_fds(int pid, int *fds, size_t max);
/*
 * The open description behind descriptor fd of pid, with a new reference
 * (magic links). Returns 0, -ESRCH or -EBADF.
 */
int system_process_fd_file(int pid, int fd, struct file **file);

/* Path (or "pipe:[N]"-style name) of descriptor fd of pid. Returns length, -ESRCH or -EBADF. */
long system_process_fd_path(int pid, int fd, char *buffer, size_t size);
/*
 * The process's memory map in /proc/PID/maps format into buffer. Returns
 * the full length, or -ESRCH.
 */
long system_process_maps(int pid, char *buffer, size_t size);

/* --------------------------------------------------------------- mounts */

struct mount_info {
    char source[64];
    char mountpoint[256];
    char type[32];
    char options[64];    /* "rw,relatime" style */
};
/* Store up to max mounts in mount order; returns how many exist. */
size_t system_mount_list(struct mount_info *mounts, size_t max);

#endif
