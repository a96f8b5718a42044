/*
 * process.c — the process table: pids and tids from one pid space,
 * creating and freeing processes, attaching threads, finding and visiting
 * processes, and the descriptor tables. Forking is process_fork.c, exiting
 * process_exit.c, waiting process_wait.c.
 *
 * Locking: uniprocessor, cooperative kernel threads. The process list and
 * the pid counter are changed with interrupts disabled; a process's own
 * fields by its threads or by the Core on its behalf, never from interrupt
 * context.
 */
#include <rk/errno.h>
#include <rk/futex.h>
#include <rk/heap.h>
#include <rk/kernel.h>
#include <rk/klog.h>
#include <rk/mm.h>
#include <rk/path.h>
#include <rk/process.h>
#include <rk/signal.h>
#include <rk/string.h>
#include <rk/thread.h>
#include <rk/timer.h>

#include "process_internal.h"

#define PID_MAX 32768        /* Linux's default /proc/sys/kernel/pid_max */
#define PID_WRAP_START 300   /* after a wrap, low pids stay for daemons (Linux's RESERVED_PIDS) */

static struct list_node process_list = LIST_HEAD_INIT(process_list);
static int next_pid = 1;

void processes_reset(void)
{
    list_init(&process_list);
    next_pid = 1;
    process_set_init_exit_handler(NULL);
    futex_reset();
}

/* True when thread is linked into its process's thread list. */
bool process_thread_is_listed(const struct thread *thread)
{
    return thread->process_link.next && !list_is_empty(&thread->process_link);
}

/* True when id is some process's pid, process group or session, or a live thread's tid. */
static bool pid_in_use(int id)
{
    list_for_each(node, &process_list) {
        struct process *process = list_entry(node, struct process, link);
        if (process->pid == id || process->process_group == id || process->session == id)
            return true;
    }
    return process_find_thread(id) != NULL;
}

int process_allocate_pid(void)
{
    irq_flags_t flags = platform_irq_save();
    int pid;
    for (;;) {
        if (next_pid >= PID_MAX)
            next_pid = PID_WRAP_START;
        pid = next_pid++;
        if (!pid_in_use(pid))
            break;
    }
    platform_irq_restore(flags);
    return pid;
}

/* Put process into the list, which stays sorted by pid. Interrupts disabled. */
static void process_list_insert(struct process *process)
{
    list_for_each(node, &process_list) {
        if (list_entry(node, struct process, link)->pid > process->pid) {
            list_insert_before(node, &process->link);
            return;
        }
    }
    list_push_back(&process_list, &process->link);
}

/* Linux's default limits for init (and so for everything it starts). */
static void limits_set_defaults(struct process *process)
{
    for (int i = 0; i < RESOURCE_LIMIT_COUNT; i++)
        process->limits[i] = (struct resource_limit){ RLIM_INFINITY, RLIM_INFINITY };
    process->limits[RLIMIT_STACK] = (struct resource_limit){ 8ull << 20, RLIM_INFINITY };
    process->limits[RLIMIT_CORE] = (struct resource_limit){ 0, RLIM_INFINITY };
    process->limits[RLIMIT_NOFILE] = (struct resource_limit){ PROCESS_FD_LIMIT, PROCESS_FD_LIMIT };
    process->limits[RLIMIT_MEMLOCK] = (struct resource_limit){ 8ull << 20, 8ull << 20 };
    process->limits[RLIMIT_NPROC] = (struct resource_limit){ 63568, 63568 };
    process->limits[RLIMIT_SIGPENDING] = (struct resource_limit){ 63568, 63568 };
    process->limits[RLIMIT_MSGQUEUE] = (struct resource_limit){ 819200, 819200 };
    process->limits[RLIMIT_NICE] = (struct resource_limit){ 0, 0 };
    process->limits[RLIMIT_RTPRIO] = (struct resource_limit){ 0, 0 };
}

struct process *process_allocate(const char *name)
{
    struct process *process = kzalloc(sizeof *process);
    if (!process)
        return NULL;
    rk_strlcpy(process->name, name, sizeof process->name);
    process->references = 1;
    process->umask = 022;
    process->start_time_ns = clock_now_ns();
    process->state = PROCESS_RUNNING;
    process->exit_signal = SIGCHLD;
    process->dumpable = 1;
    list_init(&process->link);
    list_init(&process->children);
    list_init(&process->sibling_link);
    list_init(&process->threads);
    wait_queue_init(&process->child_events);
    wait_queue_init(&process->vfork_done);
    limits_set_defaults(process);
    return process;
}

void process_publish(struct process *process, struct process *parent)
{
    irq_flags_t flags = platform_irq_save();
    if (process->pid == 0)
        process->pid = process_allocate_pid();
    process_list_insert(process);
    if (parent) {
        process->parent = parent;
        process->parent_pid = parent->pid;
        list_push_back(&parent->children, &process->sibling_link);
    }
    platform_irq_restore(flags);
}

struct process *process_create(const char *name, int parent_pid, bool with_address_space)
{
    struct process *process = process_allocate(name);
    if (!process)
        return NULL;
    process->fds = kzalloc(sizeof *process->fds);
    process->signals.handlers = signal_handlers_create();
    if (with_address_space)
        process->mm = mm_create();
    if (!process->fds || !process->signals.handlers || (with_address_space && !process->mm)) {
        process_put(process);
        return NULL;
    }
    process->fds->users = 1;
    process->cwd = path_root();
    process->root = path_root();
    process->pid = process_allocate_pid();
    process->process_group = process->pid;
    process->session = process->pid;
    struct process *parent = parent_pid > 0 ? process_find(parent_pid) : NULL;
    process_publish(process, parent);
    process->parent_pid = parent_pid;
    return process;
}

void process_get(struct process *process)
{
    irq_flags_t flags = platform_irq_save();
    process->references++;
    platform_irq_restore(flags);
}

void fd_table_put(struct fd_table *table, struct process *process)
{
    if (!table || --table->users > 0)
        return;
    struct fd_table *saved = process->fds;
    process->fds = table;
    for (int fd = 0; fd < PROCESS_FD_LIMIT; fd++)
        if (table->files[fd])
            fd_close(process, fd);
    process->fds = saved;
    kfree(table);
}

void process_put(struct process *process)
{
    if (!process)
        return;
    irq_flags_t flags = platform_irq_save();
    bool last = --process->references == 0;
    if (last) {
        list_remove(&process->link);
        list_remove(&process->sibling_link);
        process_reparent_children(process);
    }
    platform_irq_restore(flags);
    if (!last)
        return;
    if (process->fds) {
        struct fd_table *table = process->fds;
        fd_table_put(table, process);
        process->fds = NULL;
    }
    if (process->cwd)
        path_put(process->cwd);
    if (process->root)
        path_put(process->root);
    if (process->mm)
        mm_put(process->mm);
    signal_process_release(process);
    if (process->signals.handlers)
        signal_handlers_put(process->signals.handlers);
    kfree(process->command_line);
    kfree(process->environment);
    kfree(process->executable_path);
    kfree(process->groups);
    kfree(process);
}

void process_attach_thread(struct process *process, struct thread *thread)
{
    irq_flags_t flags = platform_irq_save();
    struct process *previous = thread->process;
    if (previous && process_thread_is_listed(thread)) {
        list_remove(&thread->process_link);
        previous->thread_count--;
    }
    if (process) {
        process->references++;
        bool leader_present = false;
        list_for_each(node, &process->threads)
            if (list_entry(node, struct thread, process_link)->tid == process->pid)
                leader_present = true;
        thread->tid = leader_present ? process_allocate_pid() : process->pid;
        list_push_back(&process->threads, &thread->process_link);
        process->thread_count++;
    }
    thread->process = process;
    platform_irq_restore(flags);
    if (previous)
        process_put(previous);
}

struct process *process_find(int pid)
{
    if (pid <= 0)
        return NULL;
    list_for_each(node, &process_list) {
        struct process *process = list_entry(node, struct process, link);
        if (process->pid == pid)
            return process->reaped ? NULL : process;
        if (process->pid > pid)
            break;
    }
    return NULL;
}

struct thread *process_find_thread(int tid)
{
    if (tid <= 0)
        return NULL;
    list_for_each(node, &process_list) {
        struct process *process = list_entry(node, struct process, link);
        list_for_each(thread_node, &process->threads) {
            struct thread *thread = list_entry(thread_node, struct thread, process_link);
            if (thread->tid == tid)
                return thread;
        }
    }
    return NULL;
}

/* The walk behind the process_for_each family: field < 0 visits all. */
static int visit_processes(int which, int value, process_visit_fn visit, void *argument)
{
    list_for_each_safe(node, &process_list) {
        struct process *process = list_entry(node, struct process, link);
        if (process->reaped)
            continue;
        if (which == 1 && process->process_group != value)
            continue;
        if (which == 2 && process->session != value)
            continue;
        int result = visit(process, argument);
        if (result != 0)
            return result;
    }
    return 0;
}

int process_for_each(process_visit_fn visit, void *argument)
{
    return visit_processes(0, 0, visit, argument);
}

int process_for_each_in_group(int process_group, process_visit_fn visit, void *argument)
{
    return visit_processes(1, process_group, visit, argument);
}

int process_for_each_in_session(int session, process_visit_fn visit, void *argument)
{
    return visit_processes(2, session, visit, argument);
}

size_t process_list_pids(int *pids, size_t max)
{
    size_t count = 0;
    list_for_each(node, &process_list) {
        struct process *process = list_entry(node, struct process, link);
        if (process->reaped)
            continue;
        if (count < max)
            pids[count] = process->pid;
        count++;
    }
    return count;
}

void process_note_broken_pipe(struct process *process)
{
    if (!process)
        return;
    process->broken_pipe_count++;
    struct thread *thread = thread_current();
    if (thread && thread->process == process && process->mm)
        signal_send_thread(thread, SIGPIPE, NULL);
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
    if (!process || !process->fds || fd < 0 || fd >= PROCESS_FD_LIMIT ||
        !process->fds->files[fd])
        return NULL;
    struct file *file = process->fds->files[fd];
    file_get(file);
    return file;
}

int fd_close(struct process *process, int fd)
{
    if (!process->fds || fd < 0 || fd >= PROCESS_FD_LIMIT || !process->fds->files[fd])
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

struct fd_table *fd_table_copy(const struct fd_table *source)
{
    struct fd_table *table = kzalloc(sizeof *table);
    if (!table)
        return NULL;
    table->users = 1;
    for (int fd = 0; fd < PROCESS_FD_LIMIT; fd++) {
        if (source->files[fd]) {
            table->files[fd] = source->files[fd];
            file_get(table->files[fd]);
        }
    }
    memcpy(table->close_on_exec, source->close_on_exec, sizeof table->close_on_exec);
    return table;
}
