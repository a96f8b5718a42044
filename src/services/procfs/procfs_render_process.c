/*
 * procfs_render_process.c — the contents of the files in /proc/PID, in
 * Linux 6.1's layouts (stat's 52 fields, status's lines in order); what
 * the Core does not report is 0. Each renderer returns 0, -ESRCH when the
 * process is gone, or another negative errno.
 */
#include <rk/errno.h>
#include <rk/heap.h>
#include <rk/string.h>
#include <rk/system.h>

#include "procfs_internal.h"

/* The process's information, or -ESRCH. */
static int procfs_process_info(int pid, struct process_info *info)
{
    return system_process_info(pid, info) < 0 ? -ESRCH : 0;
}

/* The state letter the Core reports ('R' when it reports none). */
static char procfs_state_letter(const struct process_info *info)
{
    return info->state ? info->state : 'R';
}

/* The page size, for the counts Linux gives in pages. */
static uint64_t procfs_page_size(void)
{
    struct system_memory_info memory;
    system_memory_info(&memory);
    return memory.page_size ? memory.page_size : 4096;
}

/*
 * "PID (COMM) STATE PPID PGRP SESSION ..." — the 52 fields of Linux's
 * /proc/PID/stat. Times are in USER_HZ ticks (start time known, CPU times
 * from the Core), vsize in bytes, rss in pages.
 */
int procfs_render_process_stat(struct procfs_text *text, int pid)
{
    struct process_info info;
    int error = procfs_process_info(pid, &info);
    if (error < 0)
        return error;
    uint64_t page_size = procfs_page_size();
    unsigned long long start_ticks =
        (unsigned long long)(info.start_time_ns / (1000000000u / PROCFS_USER_HZ));
    /* Fields 1-25: identity, tty, flags, faults, times, priority, threads, start, memory. */
    procfs_text_printf(text,
                       "%d (%.*s) %c %d %d %d 0 -1 0 0 0 0 0 %llu %llu %llu %llu 20 0 %u 0 %llu %llu %llu "
                       "18446744073709551615",
                       info.pid, (int)strnlen(info.name, sizeof info.name), info.name,
                       procfs_state_letter(&info), info.parent_pid, info.process_group,
                       info.session,
                       (unsigned long long)(info.user_time_ns / (1000000000u / PROCFS_USER_HZ)),
                       (unsigned long long)(info.system_time_ns / (1000000000u / PROCFS_USER_HZ)),
                       (unsigned long long)(info.children_user_time_ns / (1000000000u / PROCFS_USER_HZ)),
                       (unsigned long long)(info.children_system_time_ns / (1000000000u / PROCFS_USER_HZ)),
                       info.thread_count ? info.thread_count : 1, start_ticks,
                       (unsigned long long)info.virtual_memory_bytes,
                       (unsigned long long)(info.resident_bytes / page_size));
    /* Fields 26-37: code/stack addresses, signals, wchan, swap counts. */
    procfs_text_printf(text, " 0 0 0 0 0 0 0 0 0 0 0 0");
    /* Fields 38-52: exit signal (SIGCHLD), processor, scheduling, bounds, exit code. */
    procfs_text_printf(text, " 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
    return 0;
}

/* "SIZE RESIDENT SHARED TEXT LIB DATA DIRTY\n" in pages (Linux's statm). */
int procfs_render_process_statm(struct procfs_text *text, int pid)
{
    struct process_info info;
    int error = procfs_process_info(pid, &info);
    if (error < 0)
        return error;
    uint64_t page_size = procfs_page_size();
    procfs_text_printf(text, "%llu %llu 0 0 0 0 0\n",
                       (unsigned long long)(info.virtual_memory_bytes / page_size),
                       (unsigned long long)(info.resident_bytes / page_size));
    return 0;
}

/* Linux's word for a state letter in status ("R (running)"). */
static const char *procfs_state_name(char state)
{
    switch (state) {
    case 'R': return "running";
    case 'S': return "sleeping";
    case 'D': return "disk sleep";
    case 'T': return "stopped";
    case 't': return "tracing stop";
    case 'X': return "dead";
    case 'Z': return "zombie";
    case 'P': return "parked";
    case 'I': return "idle";
    default: return "unknown";
    }
}

/* Append a process name as status's Name: line escapes it ('\n' and '\' as "\n" and "\\"). */
static void procfs_append_name(struct procfs_text *text, const char *name, size_t size)
{
    for (size_t i = 0; i < size && name[i]; i++) {
        if (name[i] == '\n')
            procfs_text_append(text, "\\n", 2);
        else if (name[i] == '\\')
            procfs_text_append(text, "\\\\", 2);
        else
            procfs_text_append(text, &name[i], 1);
    }
}

/* FDSize: the descriptor table's size as Linux grows it (64 slots, doubled as needed). */
static unsigned procfs_fd_table_size(int pid)
{
    int *fds;
    size_t count;
    unsigned size = 64;
    if (procfs_process_fd_list(pid, &fds, &count) < 0)
        return size;
    if (count > 0) {
        while ((unsigned)fds[count - 1] >= size)
            size *= 2;
    }
    kfree(fds);
    return size;
}

/* One "Vm...:\t%8llu kB" line of status. */
static void procfs_status_kilobytes(struct procfs_text *text, const char *label, uint64_t bytes)
{
    procfs_text_printf(text, "%s:\t%8llu kB\n", label, (unsigned long long)(bytes / 1024));
}

/* Linux 6.1's /proc/PID/status: identity, ids, memory, signals, capabilities, CPUs. */
int procfs_render_process_status(struct procfs_text *text, int pid)
{
    struct process_info info;
    int error = procfs_process_info(pid, &info);
    if (error < 0)
        return error;
    char state = procfs_state_letter(&info);
    procfs_text_printf(text, "Name:\t");
    procfs_append_name(text, info.name, sizeof info.name);
    procfs_text_printf(text,
                       "\nUmask:\t%04o\nState:\t%c (%s)\nTgid:\t%d\nNgid:\t0\nPid:\t%d\n"
                       "PPid:\t%d\nTracerPid:\t0\n",
                       info.umask & 0777, state, procfs_state_name(state), info.pid, info.pid,
                       info.parent_pid);
    procfs_text_printf(text, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n", info.uid, info.uid,
                       info.uid, info.uid, info.gid, info.gid, info.gid, info.gid);
    procfs_text_printf(text, "FDSize:\t%u\nGroups:\t \n", procfs_fd_table_size(pid));
    procfs_text_printf(text, "NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n", info.pid,
                       info.pid, info.process_group, info.session);
    procfs_status_kilobytes(text, "VmPeak", info.virtual_memory_bytes);
    procfs_status_kilobytes(text, "VmSize", info.virtual_memory_bytes);
    procfs_status_kilobytes(text, "VmLck", 0);
    procfs_status_kilobytes(text, "VmPin", 0);
    procfs_status_kilobytes(text, "VmHWM", info.resident_bytes);
    procfs_status_kilobytes(text, "VmRSS", info.resident_bytes);
    procfs_status_kilobytes(text, "RssAnon", info.resident_bytes);
    static const char *const zero_sizes[] = {
        "RssFile", "RssShmem", "VmData", "VmStk", "VmExe", "VmLib", "VmPTE", "VmSwap",
        "HugetlbPages",
    };
    for (size_t i = 0; i < RK_ARRAY_SIZE(zero_sizes); i++)
        procfs_status_kilobytes(text, zero_sizes[i], 0);
    procfs_text_printf(text, "CoreDumping:\t0\nTHP_enabled:\t1\nThreads:\t%u\nSigQ:\t0/0\n",
                       info.thread_count ? info.thread_count : 1);
    static const char *const signal_masks[] = { "SigPnd", "ShdPnd", "SigBlk", "SigIgn", "SigCgt" };
    for (size_t i = 0; i < RK_ARRAY_SIZE(signal_masks); i++)
        procfs_text_printf(text, "%s:\t0000000000000000\n", signal_masks[i]);
    const char *capabilities = info.uid == 0 ? "000001ffffffffff" : "0000000000000000";
    procfs_text_printf(text,
                       "CapInh:\t0000000000000000\nCapPrm:\t%s\nCapEff:\t%s\nCapBnd:\t"
                       "000001ffffffffff\nCapAmb:\t0000000000000000\n",
                       capabilities, capabilities);
    procfs_text_printf(text,
                       "NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n"
                       "Speculation_Store_Bypass:\tnot vulnerable\n"
                       "SpeculationIndirectBranch:\tunknown\n"
                       "Cpus_allowed:\t1\nCpus_allowed_list:\t0\n"
                       "Mems_allowed:\t1\nMems_allowed_list:\t0\n"
                       "voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n");
    return 0;
}

/* The arguments, each NUL-terminated, as the process was started. */
int procfs_render_process_cmdline(struct procfs_text *text, int pid)
{
    int error = procfs_text_append_query(text, system_process_cmdline, pid);
    return error;
}

/* The environment, each "NAME=value" NUL-terminated. */
int procfs_render_process_environ(struct procfs_text *text, int pid)
{
    int error = procfs_text_append_query(text, system_process_environment, pid);
    return error;
}

/* The memory map as the Core writes it (Linux's maps lines). */
int procfs_render_process_maps(struct procfs_text *text, int pid)
{
    int error = procfs_text_append_query(text, system_process_maps, pid);
    return error;
}

/* The process name and a newline. */
int procfs_render_process_comm(struct procfs_text *text, int pid)
{
    struct process_info info;
    int error = procfs_process_info(pid, &info);
    if (error < 0)
        return error;
    procfs_text_printf(text, "%.*s\n", (int)strnlen(info.name, sizeof info.name), info.name);
    return 0;
}
