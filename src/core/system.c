/*
 * system.c — the Core's answers to rk/system.h: console, random bytes,
 * memory figures, version strings and process introspection for services
 * (devfs, procfs).
 */
#include <rk/errno.h>
#include <rk/format.h>
#include <rk/heap.h>
#include <rk/kernel.h>
#include <rk/mm.h>
#include <rk/page_alloc.h>
#include <rk/path.h>
#include <rk/process.h>
#include <rk/string.h>
#include <rk/system.h>
#include <rk/thread.h>
#include <rk/timer.h>

#include "vfs/vfs_internal.h"

static const char *platform_name = "unknown";
static const char *boot_command_line = "";
#define RANDOM_SEED_FIRST 0x853c49e6748fea9bull
#define RANDOM_SEED_SECOND 0xda3e39cb94b95bdbull
static uint64_t random_state[2];

/* Every boot starts the generator afresh from the clock (a boot on the virtual clock is repeatable). */
void system_info_set(const struct boot_info *info)
{
    platform_name = info->platform_name;
    boot_command_line = info->command_line;
    random_state[0] = RANDOM_SEED_FIRST ^ (platform_clock_ns() * 0x9e3779b97f4a7c15ull);
    random_state[1] = RANDOM_SEED_SECOND;
}

void system_console_write(const char *buffer, size_t length) { platform_console_write(buffer, length); }

size_t system_console_read(char *buffer, size_t length, bool block)
{
    return console_input_read(buffer, length, block);
}

/* xorshift128+: the next pseudo-random word. */
static uint64_t random_next(void)
{
    uint64_t s1 = random_state[0];
    const uint64_t s0 = random_state[1];
    random_state[0] = s0;
    s1 ^= s1 << 23;
    random_state[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
    return random_state[1] + s0;
}

void system_random_bytes(void *buffer, size_t length)
{
    unsigned char *out = buffer;
    while (length > 0) {
        uint64_t word = random_next() ^ platform_clock_ns();
        size_t chunk = length < sizeof word ? length : sizeof word;
        memcpy(out, &word, chunk);
        out += chunk;
        length -= chunk;
    }
}

void system_memory_info(struct system_memory_info *info)
{
    struct page_allocator_statistics pages;
    struct heap_statistics heap;
    page_allocator_get_statistics(&pages);
    heap_get_statistics(&heap);
    info->total_bytes = pages.total_pages * PAGE_SIZE;
    info->free_bytes = pages.free_pages * PAGE_SIZE;
    info->heap_bytes = heap.bytes_in_use;
    info->page_size = PAGE_SIZE;
}

const char *system_version(void) { return "ringkernel " RINGKERNEL_VERSION; }
const char *system_release(void) { return RINGKERNEL_VERSION; }
const char *system_platform_name(void) { return platform_name; }
const char *system_command_line(void) { return boot_command_line; }
uint64_t system_uptime_ns(void) { return clock_now_ns(); }

int system_current_pid(void)
{
    struct process *process = process_current();
    return process ? process->pid : 0;
}

size_t system_process_list(int *pids, size_t max) { return process_list_pids(pids, max); }

/* Linux's state letter: Z zombie, T stopped, R running or runnable, S sleeping. */
static char process_state_letter(struct process *process)
{
    if (process->state == PROCESS_ZOMBIE)
        return 'Z';
    if (process->state == PROCESS_STOPPED)
        return 'T';
    if (process_current() == process)
        return 'R';
    list_for_each(node, &process->threads) {
        struct thread *thread = list_entry(node, struct thread, process_link);
        if (thread->state == THREAD_RUNNING || thread->state == THREAD_RUNNABLE)
            return 'R';
    }
    return 'S';
}

int system_process_info(int pid, struct process_info *info)
{
    struct process *process = process_find(pid);
    if (!process)
        return -ESRCH;
    memset(info, 0, sizeof *info);
    info->pid = process->pid;
    info->parent_pid = process->parent ? process->parent->pid : 0;
    info->process_group = process->process_group;
    info->session = process->session;
    rk_strlcpy(info->name, process->name, sizeof info->name);
    info->state = process_state_letter(process);
    info->thread_count = process->state == PROCESS_ZOMBIE ? 1 : process->thread_count;
    info->uid = process->uid;
    info->gid = process->gid;
    info->euid = process->euid;
    info->egid = process->egid;
    info->umask = process->umask;
    info->start_time_ns = process->start_time_ns;
    info->user_time_ns = process->user_time_ns;
    info->system_time_ns = process->system_time_ns;
    info->children_user_time_ns = process->children_user_time_ns;
    info->children_system_time_ns = process->children_system_time_ns;
    info->exit_signal = process->exit_signal;
    if (process->mm) {
        list_for_each(node, &process->mm->areas) {
            const struct vm_area *area = list_entry(node, struct vm_area, link);
            info->virtual_memory_bytes += area->end - area->start;
        }
        info->resident_bytes = process->mm->resident_pages * PAGE_SIZE;
    }
    return 0;
}

/* Copy length bytes of text into buffer (size bytes); returns length. */
static long copy_text(char *buffer, size_t size, const char *text, size_t length)
{
    if (size > 0)
        memcpy(buffer, text, length < size ? length : size);
    return (long)length;
}

long system_process_cmdline(int pid, char *buffer, size_t size)
{
    struct process *process = process_find(pid);
    if (!process)
        return -ESRCH;
    if (!process->command_line)
        return 0;
    return copy_text(buffer, size, process->command_line, process->command_line_length);
}

long system_process_environment(int pid, char *buffer, size_t size)
{
    return process_find(pid) ? 0 : -ESRCH;
}

long system_process_cwd(int pid, char *buffer, size_t size)
{
    struct process *process = process_find(pid);
    if (!process)
        return -ESRCH;
    if (process->state == PROCESS_ZOMBIE)
        return -ENOENT;
    struct path_entry *cwd = process->cwd ? process->cwd : vfs_root_entry();
    if (!cwd)
        return -ENOENT;
    return path_format(cwd, buffer, size);
}

/*
 * /proc/PID/exe: the absolute path exec recorded for the running image
 * (process->executable_path, inherited over fork). -ENOENT for a zombie or
 * a process that never exec'ed (a kernel thread's test process), as Linux
 * answers for kernel threads.
 */
long system_process_executable(int pid, char *buffer, size_t size)
{
    struct process *process = process_find(pid);
    if (!process)
        return -ESRCH;
    if (process->state == PROCESS_ZOMBIE || !process->executable_path)
        return -ENOENT;
    return copy_text(buffer, size, process->executable_path, strlen(process->executable_path));
}

long system_process_fds(int pid, int *fds, size_t max)
{
    struct process *process = process_find(pid);
    if (!process)
        return -ESRCH;
    if (!process->fds)
        return 0;  /* a zombie */
    size_t count = 0;
    for (int fd = 0; fd < PROCESS_FD_LIMIT; fd++) {
        if (!process->fds->files[fd])
            continue;
        if (count < max)
            fds[count] = fd;
        count++;
    }
    return (long)count;
}

int system_process_fd_file(int pid, int fd, struct file **file)
{
    struct process *process = process_find(pid);
    if (!process)
        return -ESRCH;
    *file = fd_get(process, fd);
    return *file ? 0 : -EBADF;
}

long system_process_fd_path(int pid, int fd, char *buffer, size_t size)
{
    struct process *process = process_find(pid);
    if (!process)
        return -ESRCH;
    if (!process->fds || fd < 0 || fd >= PROCESS_FD_LIMIT || !process->fds->files[fd])
        return -EBADF;
    struct file *file = process->fds->files[fd];
    struct vnode_attributes attributes;
    memset(&attributes, 0, sizeof attributes);
    if (file->path) {
        long length = path_format(file->path, buffer, size);
        static const char deleted[] = " (deleted)";
        if (length >= 0 && file->vnode && vfs_getattr(file->vnode, &attributes, NULL) == 0 &&
            attributes.link_count == 0 && !S_ISDIR(attributes.mode)) {
            if ((size_t)length + sizeof deleted > size)
                return -ERANGE;
            memcpy(buffer + length, deleted, sizeof deleted);
            length += (long)sizeof deleted - 1;
        }
        return length;
    }
    file_call_stat(file, &attributes);
    int length = rk_snprintf(buffer, size, "pipe:[%llu]", (unsigned long long)attributes.inode_number);
    return length < (int)size ? length : -ERANGE;
}

long system_process_maps(int pid, char *buffer, size_t size)
{
    struct process *process = process_find(pid);
    if (!process)
        return -ESRCH;
    return process->mm ? (long)mm_render_maps(process->mm, buffer, size) : 0;
}
