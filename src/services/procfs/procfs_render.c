/*
 * procfs_render.c — the contents of the system files in /proc, in the
 * layout Linux 6.1 prints (same fields in the same order, so BusyBox
 * free/uptime/top/mount parse them); what the Core does not know is 0.
 * Each renderer appends to text and returns 0 or a negative errno (a
 * memory shortage is left in text->error).
 */
#include <rk/errno.h>
#include <rk/heap.h>
#include <rk/services.h>
#include <rk/string.h>
#include <rk/system.h>
#include <rk/vfs.h>

#include "procfs_internal.h"

/* Totals over every process, for meminfo, loadavg and stat. */
struct procfs_process_totals {
    unsigned processes;
    unsigned threads;
    unsigned running;
    int last_pid;
    uint64_t virtual_bytes;
    uint64_t resident_bytes;
};

/* Sum what the Core reports about each process into *totals. Returns 0 or -ENOMEM. */
static int procfs_sum_processes(struct procfs_process_totals *totals)
{
    *totals = (struct procfs_process_totals){ 0 };
    int *pids;
    size_t count;
    int error = procfs_process_pids(&pids, &count);
    if (error < 0)
        return error;
    for (size_t i = 0; i < count; i++) {
        struct process_info info;
        if (system_process_info(pids[i], &info) < 0)
            continue;
        totals->processes++;
        totals->threads += info.thread_count ? info.thread_count : 1;
        if (info.state == 'R')
            totals->running++;
        if (pids[i] > totals->last_pid)
            totals->last_pid = pids[i];
        totals->virtual_bytes += info.virtual_memory_bytes;
        totals->resident_bytes += info.resident_bytes;
    }
    kfree(pids);
    return 0;
}

/*
 * One meminfo line as Linux aligns it: the value right-aligned in 8
 * columns after a label padded to 16 (a longer label, a space and the
 * value still end at column 24), then " kB" when in kilobytes.
 */
static void procfs_meminfo_line(struct procfs_text *text, const char *label, uint64_t value,
                                bool kilobytes)
{
    size_t label_length = strlen(label);
    const char *unit = kilobytes ? " kB" : "";
    if (label_length <= 16) {
        procfs_text_printf(text, "%-16s%8llu%s\n", label, (unsigned long long)value, unit);
    } else {
        int width = label_length < 22 ? (int)(23 - label_length) : 1;
        procfs_text_printf(text, "%s %*llu%s\n", label, width, (unsigned long long)value, unit);
    }
}

/*
 * Linux 6.1's meminfo lines in order: totals from the page allocator,
 * the heap as unreclaimable slab, process memory as anonymous pages.
 */
int procfs_render_meminfo(struct procfs_text *text, int pid)
{
    struct system_memory_info memory;
    system_memory_info(&memory);
    struct procfs_process_totals totals;
    int error = procfs_sum_processes(&totals);
    if (error < 0)
        return error;
    uint64_t total = memory.total_bytes / 1024;
    uint64_t free_kilobytes = memory.free_bytes / 1024;
    uint64_t heap = memory.heap_bytes / 1024;
    uint64_t anonymous = totals.resident_bytes / 1024;
    static const char *const zero_lines[] = {
        "Buffers:", "Cached:", "SwapCached:",
    };
    procfs_meminfo_line(text, "MemTotal:", total, true);
    procfs_meminfo_line(text, "MemFree:", free_kilobytes, true);
    procfs_meminfo_line(text, "MemAvailable:", free_kilobytes, true);
    for (size_t i = 0; i < RK_ARRAY_SIZE(zero_lines); i++)
        procfs_meminfo_line(text, zero_lines[i], 0, true);
    procfs_meminfo_line(text, "Active:", anonymous, true);
    procfs_meminfo_line(text, "Inactive:", 0, true);
    procfs_meminfo_line(text, "Active(anon):", anonymous, true);
    static const char *const zero_lines_2[] = {
        "Inactive(anon):", "Active(file):", "Inactive(file):", "Unevictable:", "Mlocked:",
        "SwapTotal:", "SwapFree:", "Zswap:", "Zswapped:", "Dirty:", "Writeback:",
    };
    for (size_t i = 0; i < RK_ARRAY_SIZE(zero_lines_2); i++)
        procfs_meminfo_line(text, zero_lines_2[i], 0, true);
    procfs_meminfo_line(text, "AnonPages:", anonymous, true);
    procfs_meminfo_line(text, "Mapped:", 0, true);
    procfs_meminfo_line(text, "Shmem:", 0, true);
    procfs_meminfo_line(text, "KReclaimable:", 0, true);
    procfs_meminfo_line(text, "Slab:", heap, true);
    procfs_meminfo_line(text, "SReclaimable:", 0, true);
    procfs_meminfo_line(text, "SUnreclaim:", heap, true);
    static const char *const zero_lines_3[] = {
        "KernelStack:", "PageTables:", "SecPageTables:", "NFS_Unstable:", "Bounce:",
        "WritebackTmp:",
    };
    for (size_t i = 0; i < RK_ARRAY_SIZE(zero_lines_3); i++)
        procfs_meminfo_line(text, zero_lines_3[i], 0, true);
    procfs_meminfo_line(text, "CommitLimit:", total / 2, true);
    procfs_meminfo_line(text, "Committed_AS:", totals.virtual_bytes / 1024, true);
    procfs_meminfo_line(text, "VmallocTotal:", 34359738367ull, true);
    static const char *const zero_lines_4[] = {
        "VmallocUsed:", "VmallocChunk:", "Percpu:", "HardwareCorrupted:", "AnonHugePages:",
        "ShmemHugePages:", "ShmemPmdMapped:", "FileHugePages:", "FilePmdMapped:",
    };
    for (size_t i = 0; i < RK_ARRAY_SIZE(zero_lines_4); i++)
        procfs_meminfo_line(text, zero_lines_4[i], 0, true);
    static const char *const huge_page_counts[] = {
        "HugePages_Total:", "HugePages_Free:", "HugePages_Rsvd:", "HugePages_Surp:",
    };
    for (size_t i = 0; i < RK_ARRAY_SIZE(huge_page_counts); i++)
        procfs_meminfo_line(text, huge_page_counts[i], 0, false);
    procfs_meminfo_line(text, "Hugepagesize:", 2048, true);
    procfs_meminfo_line(text, "Hugetlb:", 0, true);
    procfs_meminfo_line(text, "DirectMap4k:", total, true);
    procfs_meminfo_line(text, "DirectMap2M:", 0, true);
    procfs_meminfo_line(text, "DirectMap1G:", 0, true);
    return 0;
}

/* Append nanoseconds as seconds with two decimals ("123.45"). */
static void procfs_append_centiseconds(struct procfs_text *text, uint64_t nanoseconds)
{
    uint64_t centiseconds = nanoseconds / 10000000u;
    procfs_text_printf(text, "%llu.%02llu", (unsigned long long)(centiseconds / 100),
                       (unsigned long long)(centiseconds % 100));
}

/* "UPTIME IDLE\n" in seconds; idle time is not measured yet and reads 0.00. */
int procfs_render_uptime(struct procfs_text *text, int pid)
{
    procfs_append_centiseconds(text, system_uptime_ns());
    procfs_text_printf(text, " ");
    procfs_append_centiseconds(text, 0);
    procfs_text_printf(text, "\n");
    return 0;
}

/*
 * "0.00 0.00 0.00 RUNNING/THREADS LAST_PID\n": load averages are not
 * measured yet; the counts are the Core's processes.
 */
int procfs_render_loadavg(struct procfs_text *text, int pid)
{
    struct procfs_process_totals totals;
    int error = procfs_sum_processes(&totals);
    if (error < 0)
        return error;
    procfs_text_printf(text, "0.00 0.00 0.00 %u/%u %d\n", totals.running, totals.threads,
                       totals.last_pid);
    return 0;
}

/* Append string with mount-table escapes: space, tab, newline and '\' as \ooo (Linux's mangle). */
static void procfs_append_escaped(struct procfs_text *text, const char *string)
{
    for (const char *c = string; *c; c++) {
        if (*c == ' ' || *c == '\t' || *c == '\n' || *c == '\\')
            procfs_text_printf(text, "\\%03o", (unsigned)(unsigned char)*c);
        else
            procfs_text_append(text, c, 1);
    }
}

/* "SOURCE MOUNTPOINT TYPE OPTIONS 0 0\n" per mount, in mount order. */
int procfs_render_mounts(struct procfs_text *text, int pid)
{
    size_t room = 16;
    struct mount_info *mounts;
    size_t count;
    for (;;) {
        mounts = kcalloc(room, sizeof *mounts);
        if (!mounts)
            return -ENOMEM;
        count = system_mount_list(mounts, room);
        if (count <= room)
            break;
        kfree(mounts);
        room = count + 4;
    }
    for (size_t i = 0; i < count; i++) {
        procfs_append_escaped(text, mounts[i].source);
        procfs_text_append(text, " ", 1);
        procfs_append_escaped(text, mounts[i].mountpoint);
        procfs_text_append(text, " ", 1);
        procfs_append_escaped(text, mounts[i].type);
        procfs_text_append(text, " ", 1);
        procfs_append_escaped(text, mounts[i].options[0] ? mounts[i].options : "rw");
        procfs_text_printf(text, " 0 0\n");
    }
    kfree(mounts);
    return 0;
}

/* "nodev\tNAME\n" per registered filesystem service (none needs a block device). */
int procfs_render_filesystems(struct procfs_text *text, int pid)
{
    size_t room = 16;
    struct service **services;
    size_t count;
    for (;;) {
        services = kcalloc(room, sizeof *services);
        if (!services)
            return -ENOMEM;
        count = services_list(SERVICE_FILESYSTEM, services, room);
        if (count <= room)
            break;
        kfree(services);
        room = count + 4;
    }
    for (size_t i = 0; i < count; i++)
        procfs_text_printf(text, "nodev\t%s\n", services[i]->name);
    kfree(services);
    return 0;
}

/*
 * One processor in Linux's x86 layout (programs count "processor" lines).
 * The Core does not report the CPU model yet: the model names the
 * platform, and the flags are the x86-64 baseline every such CPU has.
 */
int procfs_render_cpuinfo(struct procfs_text *text, int pid)
{
    procfs_text_printf(text,
                       "processor\t: 0\n"
                       "vendor_id\t: unknown\n"
                       "cpu family\t: 0\n"
                       "model\t\t: 0\n"
                       "model name\t: ringkernel virtual CPU (%s)\n"
                       "stepping\t: 0\n"
                       "cpu MHz\t\t: 0.000\n"
                       "cache size\t: 0 KB\n"
                       "physical id\t: 0\n"
                       "siblings\t: 1\n"
                       "core id\t\t: 0\n"
                       "cpu cores\t: 1\n"
                       "apicid\t\t: 0\n"
                       "initial apicid\t: 0\n"
                       "fpu\t\t: yes\n"
                       "fpu_exception\t: yes\n"
                       "cpuid level\t: 0\n"
                       "wp\t\t: yes\n"
                       "flags\t\t: fpu tsc cx8 cmov mmx fxsr sse sse2 syscall nx lm\n"
                       "bogomips\t: 0.00\n"
                       "clflush size\t: 64\n"
                       "cache_alignment\t: 64\n"
                       "address sizes\t: 48 bits physical, 48 bits virtual\n"
                       "power management:\n"
                       "\n",
                       system_platform_name());
    return 0;
}

/* "Linux version 6.1.0-ringkernel (root@ringkernel) (ringkernel 0.1.0, PLATFORM) #1\n". */
int procfs_render_version(struct procfs_text *text, int pid)
{
    procfs_text_printf(text, "Linux version %s (root@ringkernel) (%s, %s) #1\n",
                       PROCFS_LINUX_RELEASE, system_version(), system_platform_name());
    return 0;
}

/*
 * Linux's /proc/stat: CPU times in USER_HZ ticks (uniprocessor; the time
 * not yet split into user/system is reported as idle), no interrupt or
 * context-switch counts yet, the boot time, process counts.
 */
int procfs_render_stat(struct procfs_text *text, int pid)
{
    struct procfs_process_totals totals;
    int error = procfs_sum_processes(&totals);
    if (error < 0)
        return error;
    uint64_t uptime = system_uptime_ns();
    unsigned long long idle = (unsigned long long)(uptime / (1000000000u / PROCFS_USER_HZ));
    int64_t boot_time = time_now().seconds - (int64_t)(uptime / 1000000000u);
    procfs_text_printf(text, "cpu  0 0 0 %llu 0 0 0 0 0 0\n", idle);
    procfs_text_printf(text, "cpu0 0 0 0 %llu 0 0 0 0 0 0\n", idle);
    procfs_text_printf(text, "intr 0\nctxt 0\nbtime %lld\n",
                       (long long)(boot_time > 0 ? boot_time : 0));
    procfs_text_printf(text, "processes %d\nprocs_running %u\nprocs_blocked 0\n",
                       totals.last_pid, totals.running);
    procfs_text_printf(text, "softirq 0 0 0 0 0 0 0 0 0 0 0\n");
    return 0;
}

/* The kernel command line and a newline. */
int procfs_render_cmdline(struct procfs_text *text, int pid)
{
    procfs_text_printf(text, "%s\n", system_command_line());
    return 0;
}
