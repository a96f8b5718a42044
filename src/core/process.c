/*
 * process.c — the process table and per-process state known so far
 * (identity, descriptors, cwd/root, umask, address space).
 * Locking: the process list and pid counter are touched with interrupts
 * disabled; a process's own fields by its threads (cooperative kernel).
 */
#include <rk/errno.h>
#include <rk/heap.h>
#include <rk/kernel.h>
#include <rk/klog.h>
#include <rk/mm.h>
#include <rk/path.h>
#include <rk/process.h>
#include <rk/string.h>
#include <rk/thread.h>
#include <rk/timer.h>

static struct list_node process_list = LIST_HEAD_INIT(process_list);
static int next_pid = 1;

void processes_reset(void)
{
    list_init(&process_list);
    next_pid = 1;
}

struct process *process_create(const char *name, int parent_pid, bool with_address_space)
{
    struct process *process = kzalloc(sizeof *process);
    if (!process)
        return NULL;
    process->fds = kzalloc(sizeof *process->fds);
    if (!process->fds) {
        kfree(process);
        return NULL;
    }
    if (with_address_space) {
        process->mm = mm_create();
        if (!process->mm) {
            kfree(process->fds);
            kfree(process);
            return NULL;
        }
    }
    rk_strlcpy(process->name, name, sizeof process->name);
    process->references = 1;
    process->parent_pid = parent_pid;
    process->umask = 022;
    process->start_time_ns = clock_now_ns();
    process->cwd = path_root();
    process->root = path_root();

    irq_flags_t flags = platform_irq_save();
    process->pid = next_pid++;
    process->process_group = process->pid;
    process->session = process->pid;
    list_push_back(&process_list, &process->link);
    platform_irq_restore(flags);
    return process;
}

void process_put(struct process *process)
{
    if (!process)
        return;
    irq_flags_t flags = platform_irq_save();
    bool last = --process->references == 0;
    if (last)
        list_remove(&process->link);
    platform_irq_restore(flags);
    if (!last)
        return;
    for (int fd = 0; fd < PROCESS_FD_LIMIT; fd++)
        if (process->fds->files[fd])
            fd_close(process, fd);
    if (process->cwd)
        path_put(process->cwd);
    if (process->root)
        path_put(process->root);
    if (process->mm)
        mm_put(process->mm);
    kfree(process->command_line);
    kfree(process->fds);
    kfree(process);
}

struct process *process_current(void)
{
    struct thread *thread = thread_current();
    return thread ? thread->process : NULL;
}

void process_attach_thread(struct process *process, struct thread *thread)
{
    struct process *previous = thread->process;
    if (process) {
        process->references++;
        process->thread_count++;
    }
    thread->process = process;
    if (previous) {
        previous->thread_count--;
        process_put(previous);
    }
}

struct process *process_find(int pid)
{
    list_for_each(node, &process_list) {
        struct process *process = list_entry(node, struct process, link);
        if (process->pid == pid)
            return process;
    }
    return NULL;
}

size_t process_list_pids(int *pids, size_t max)
{
    size_t count = 0;
    list_for_each(node, &process_list) {
        if (count < max)
            pids[count] = list_entry(node, struct process, link)->pid;
        count++;
    }
    return count;
}

void process_note_broken_pipe(struct process *process)
{
    if (!process)
        return;
    process->broken_pipe_count++;
    klog(KLOG_DEBUG, "pid %d: write to a pipe without readers (SIGPIPE pending signals support)",
         process->pid);
}

/* ------------------------------------------------------- descriptors */

int fd_install(struct process *process, struct file *file, int minimum, bool close_on_exec)
{
    if (minimum < 0 || minimum >= PROCESS_FD_LIMIT)
        return -EINVAL;
    for (int fd = minimum; fd < PROCESS_FD_LIMIT; fd++) {
        if (!process->fds->files[fd]) {
            process->fds->files[fd] = file;
            fd_set_close_on_exec(process, fd, close_on_exec);
            return fd;
        }
    }
    return -EMFILE;
}

int fd_install_at(struct process *process, struct file *file, int fd, bool close_on_exec)
{
    if (fd < 0 || fd >= PROCESS_FD_LIMIT)
        return -EBADF;
    struct file *previous = process->fds->files[fd];
    process->fds->files[fd] = file;
    fd_set_close_on_exec(process, fd, close_on_exec);
    if (previous)
        file_put(previous);
    return fd;
}

struct file *fd_get(struct process *process, int fd)
{
    if (!process || fd < 0 || fd >= PROCESS_FD_LIMIT || !process->fds->files[fd])
        return NULL;
    struct file *file = process->fds->files[fd];
    file_get(file);
    return file;
}

int fd_close(struct process *process, int fd)
{
    if (fd < 0 || fd >= PROCESS_FD_LIMIT || !process->fds->files[fd])
        return -EBADF;
    struct file *file = process->fds->files[fd];
    process->fds->files[fd] = NULL;
    fd_set_close_on_exec(process, fd, false);
    file_put(file);
    return 0;
}

bool fd_close_on_exec(struct process *process, int fd)
{
    return (process->fds->close_on_exec[fd / 64] >> (fd % 64)) & 1;
}

void fd_set_close_on_exec(struct process *process, int fd, bool value)
{
    uint64_t bit = 1ull << (fd % 64);
    if (value)
        process->fds->close_on_exec[fd / 64] |= bit;
    else
        process->fds->close_on_exec[fd / 64] &= ~bit;
}
