/*
 * test_procfs.c — the proc service on its own: a hosted kernel is booted,
 * processes are made with the Core's process_create(), a proc instance is
 * mounted directly and its vnode operations are called without the VFS in
 * between. File contents are parsed back the way BusyBox and procps
 * parse Linux's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include <string.h>

#include <rk/errno.h>
#include <rk/file.h>
#include <rk/heap.h>
#include <rk/path.h>
#include <rk/pipe.h>
#include <rk/process.h>
#include <rk/services.h>
#include <rk/system.h>
#include <rk/thread.h>
#include <rk/vfs.h>
#include "hosted.h"
#include "procfs/procfs.h"

static struct service *procfs;
static struct superblock *superblock;
static struct vnode *root;
static struct process *init_process;    /* pid 1 */
static struct process *worker_process;  /* pid 2, child of 1 */

/* Boot, register proc (unless the boot did), mount one instance, make two processes. */
static int mount_procfs(void **state)
{
    assert_int_equal(hosted_test_boot("loglevel=3"), 0);
    if (!services_lookup(SERVICE_FILESYSTEM, "proc"))
        assert_int_equal(procfs_service_register(), 0);
    procfs = services_lookup(SERVICE_FILESYSTEM, "proc");
    assert_non_null(procfs);
    superblock = calloc(1, sizeof *superblock);
    superblock->service = procfs;
    superblock->device = device_number(0, 23);
    superblock->source = "proc";
    const struct filesystem_ops *ops = procfs->ops;
    assert_int_equal(ops->mount(superblock, ""), 0);
    root = superblock->root;
    assert_non_null(root);
    init_process = process_create("init", 0, false);
    worker_process = process_create("worker", 1, false);
    assert_non_null(init_process);
    assert_non_null(worker_process);
    assert_int_equal(init_process->pid, 1);
    assert_int_equal(worker_process->pid, 2);
    return 0;
}

/* Drop the processes still alive, the root, the instance. */
static int unmount_procfs(void **state)
{
    if (thread_current()->process)
        process_attach_thread(NULL, thread_current());
    process_put(worker_process);
    process_put(init_process);
    vnode_put(root);
    const struct filesystem_ops *ops = procfs->ops;
    ops->unmount(superblock);
    free(superblock);
    return 0;
}

/* Look path ("2/fd/0") up from the root one component at a time; the operation's result. */
static int lookup_path(const char *path, struct vnode **result)
{
    struct vnode *node = root;
    vnode_get(node);
    while (*path) {
        const char *end = strchr(path, '/');
        size_t length = end ? (size_t)(end - path) : strlen(path);
        struct vnode *next = NULL;
        int error = node->ops->lookup(node, path, length, &next);
        vnode_put(node);
        if (error < 0)
            return error;
        node = next;
        path += length + (end ? 1 : 0);
    }
    *result = node;
    return 0;
}

/* The node at path (asserts it exists). */
static struct vnode *lookup(const char *path)
{
    struct vnode *node = NULL;
    assert_int_equal(lookup_path(path, &node), 0);
    assert_non_null(node);
    return node;
}

/* Read length bytes of node at offset into buffer; the operation's result. */
static long read_at(struct vnode *node, void *buffer, size_t length, uint64_t offset)
{
    struct io_segment segment;
    struct io_cursor cursor;
    io_cursor_kernel(&cursor, &segment, buffer, length);
    return node->ops->read(node, &cursor, offset);
}

/*
 * The whole file at path, read in pieces of chunk bytes at advancing
 * offsets as read(2) would, NUL-terminated (malloc'ed); *length gets its size.
 */
static char *read_file_in_chunks(const char *path, size_t chunk, size_t *length)
{
    struct vnode *node = lookup(path);
    size_t capacity = 262144, total = 0;
    char *data = malloc(capacity + 1);
    for (;;) {
        assert_true(total + chunk <= capacity);
        long result = read_at(node, data + total, chunk, total);
        assert_true(result >= 0);
        if (result == 0)
            break;
        total += (size_t)result;
    }
    data[total] = '\0';
    vnode_put(node);
    if (length)
        *length = total;
    return data;
}

static char *read_file(const char *path) { return read_file_in_chunks(path, 4096, NULL); }

/* ------------------------------------------------------------- readdir */

struct listing {
    char names[64][32];
    unsigned types[64];
    uint64_t inodes[64];
    unsigned count;
    unsigned limit;
    unsigned accepted;
};

static int collect(struct directory_sink *sink, const char *name, size_t length,
                   uint64_t inode_number, unsigned type, uint64_t next_cookie)
{
    struct listing *listing = sink->context;
    if (listing->limit && listing->accepted == listing->limit)
        return 1;
    assert_true(listing->count < 64 && length < 32);
    memcpy(listing->names[listing->count], name, length);
    listing->names[listing->count][length] = '\0';
    listing->types[listing->count] = type;
    listing->inodes[listing->count] = inode_number;
    listing->count++;
    listing->accepted++;
    return 0;
}

/* List directory completely, limit entries per call (0: unlimited); the last call's result. */
static int list_directory(struct vnode *directory, struct listing *listing, unsigned limit)
{
    memset(listing, 0, sizeof *listing);
    listing->limit = limit;
    struct directory_sink sink = { .emit = collect, .context = listing };
    uint64_t cookie = 0;
    for (int call = 0; call < 100; call++) {
        listing->accepted = 0;
        int error = directory->ops->readdir(directory, &cookie, &sink);
        if (error < 0 || listing->accepted == 0)
            return error;
    }
    fail_msg("readdir never finished");
    return -1;
}

static int find_name(const struct listing *listing, const char *name)
{
    for (unsigned i = 0; i < listing->count; i++)
        if (strcmp(listing->names[i], name) == 0)
            return (int)i;
    return -1;
}

static void root_lists_system_files_self_and_pids(void **state)
{
    struct listing listing;
    assert_int_equal(list_directory(root, &listing, 0), 0);
    assert_string_equal(listing.names[0], ".");
    assert_string_equal(listing.names[1], "..");
    static const char *const files[] = { "meminfo", "uptime", "loadavg", "mounts", "filesystems",
                                         "cpuinfo", "version", "stat", "cmdline" };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        int index = find_name(&listing, files[i]);
        assert_true(index >= 2);
        assert_int_equal(listing.types[index], DT_REG);
    }
    assert_int_equal(listing.types[find_name(&listing, "self")], DT_LNK);
    int first = find_name(&listing, "1"), second = find_name(&listing, "2");
    assert_true(first > find_name(&listing, "version"));
    assert_int_equal(second, first + 1);
    assert_int_equal(listing.types[first], DT_DIR);
    assert_int_equal((unsigned)second + 1, listing.count);
    /* The listed inode is the one the pid's directory reports. */
    struct vnode *directory = lookup("2");
    assert_int_equal(listing.inodes[second], directory->inode_number);
    vnode_put(directory);

    /* One entry per call gives the same listing. */
    struct listing slow;
    assert_int_equal(list_directory(root, &slow, 1), 0);
    assert_int_equal(slow.count, listing.count);
    for (unsigned i = 0; i < slow.count; i++)
        assert_string_equal(slow.names[i], listing.names[i]);
}

static void a_process_that_goes_away_leaves_the_listing(void **state)
{
    struct process *third = process_create("short", 1, false);
    assert_int_equal(third->pid, 3);
    struct listing listing;
    assert_int_equal(list_directory(root, &listing, 0), 0);
    assert_true(find_name(&listing, "3") >= 0);
    process_put(third);
    assert_int_equal(list_directory(root, &listing, 0), 0);
    assert_int_equal(find_name(&listing, "3"), -1);
    assert_true(find_name(&listing, "2") >= 0);
}

static void process_directory_lists_its_entries(void **state)
{
    struct vnode *directory = lookup("1");
    struct listing listing;
    assert_int_equal(list_directory(directory, &listing, 2), 0);
    static const struct {
        const char *name;
        unsigned type;
    } expected[] = {
        { "stat", DT_REG },    { "status", DT_REG }, { "cmdline", DT_REG }, { "environ", DT_REG },
        { "maps", DT_REG },    { "fd", DT_DIR },     { "cwd", DT_LNK },     { "exe", DT_LNK },
        { "comm", DT_REG },    { "statm", DT_REG },  { "mounts", DT_REG },
    };
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        int index = find_name(&listing, expected[i].name);
        assert_true(index >= 2);
        assert_int_equal(listing.types[index], expected[i].type);
        /* Every listed name can be looked up, with the listed inode number. */
        struct vnode *node = NULL;
        assert_int_equal(directory->ops->lookup(directory, expected[i].name,
                                                strlen(expected[i].name), &node), 0);
        assert_int_equal(node->inode_number, listing.inodes[index]);
        vnode_put(node);
    }
    assert_int_equal(listing.count, 2 + sizeof expected / sizeof expected[0]);
    vnode_put(directory);
}

/* ------------------------------------------------------------ attributes */

static void modes_and_inodes_follow_linux(void **state)
{
    static const struct {
        const char *path;
        uint32_t mode;
    } expected[] = {
        { "", S_IFDIR | 0555 },          { "meminfo", S_IFREG | 0444 },
        { "self", S_IFLNK | 0777 },      { "2", S_IFDIR | 0555 },
        { "2/stat", S_IFREG | 0444 },    { "2/environ", S_IFREG | 0400 },
        { "2/fd", S_IFDIR | 0500 },      { "2/cwd", S_IFLNK | 0777 },
        { "2/exe", S_IFLNK | 0777 },
    };
    uint64_t inodes[sizeof expected / sizeof expected[0]];
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        struct vnode *node = lookup(expected[i].path);
        struct vnode_attributes attributes;
        assert_int_equal(node->ops->getattr(node, &attributes), 0);
        assert_int_equal(attributes.mode, expected[i].mode);
        assert_int_equal(node->type, expected[i].mode & S_IFMT);
        assert_int_equal(attributes.size, 0);
        assert_int_equal(attributes.inode_number, node->inode_number);
        inodes[i] = node->inode_number;
        for (size_t j = 0; j < i; j++)
            assert_true(inodes[j] != inodes[i]);
        vnode_put(node);
        /* A second lookup gives the same inode number. */
        node = lookup(expected[i].path);
        assert_int_equal(node->inode_number, inodes[i]);
        vnode_put(node);
    }
}

static void procfs_refuses_writes_and_changes(void **state)
{
    static const struct {
        const char *path;
        long error;
    } expected[] = {
        { "meminfo", -EIO }, { "uptime", -EIO },    { "version", -EIO },
        { "mounts", -EINVAL }, { "1/stat", -EINVAL }, { "1/status", -EINVAL },
        { "1/cmdline", -EINVAL },
    };
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        struct vnode *node = lookup(expected[i].path);
        struct io_segment segment;
        struct io_cursor cursor;
        io_cursor_kernel(&cursor, &segment, "1", 1);
        assert_int_equal(node->ops->write(node, &cursor, 0), expected[i].error);
        vnode_put(node);
    }
    struct vnode *node = NULL;
    /* New names fail as Linux's proc does: -ENOENT, or -EEXIST for a name that exists. */
    assert_int_equal(root->ops->create(root, "x", 1, S_IFREG | 0644, 0, &node), -ENOENT);
    assert_int_equal(root->ops->mkdir(root, "x", 1, 0755, &node), -ENOENT);
    assert_int_equal(root->ops->mkdir(root, "meminfo", 7, 0755, &node), -EEXIST);
    assert_int_equal(root->ops->unlink(root, "meminfo", 7), -EPERM);
    char buffer[8];
    assert_int_equal(read_at(root, buffer, sizeof buffer, 0), -EISDIR);
}

/* ----------------------------------------------------------- system files */

static void meminfo_parses_back(void **state)
{
    char *text = read_file("meminfo");
    struct system_memory_info memory;
    system_memory_info(&memory);
    static const char *const order[] = { "MemTotal", "MemFree", "MemAvailable", "Buffers",
                                         "Cached", "SwapCached" };
    unsigned lines = 0;
    unsigned long long total = 0, free_kilobytes = 0;
    bool swap_total = false, shmem = false, reclaimable = false;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"), lines++) {
        char label[32];
        unsigned long long value;
        int consumed = 0;
        assert_int_equal(sscanf(line, "%31[^:]: %llu%n", label, &value, &consumed), 2);
        /* Linux's columns: label padded to 16, value right-aligned in 8. */
        if (strlen(line) < 24) fail_msg("short line \"%s\"", line);
        assert_int_equal(line[strlen(label)], ':');
        if (strncmp(label, "HugePages_", 10) == 0) {
            assert_int_equal(strlen(line), 24);
        } else {
            assert_string_equal(line + consumed, " kB");
            if (value < 10000000)
                assert_int_equal(consumed, 24);
        }
        if (lines < sizeof order / sizeof order[0])
            assert_string_equal(label, order[lines]);
        if (strcmp(label, "MemTotal") == 0)
            total = value;
        if (strcmp(label, "MemFree") == 0)
            free_kilobytes = value;
        swap_total |= strcmp(label, "SwapTotal") == 0;
        shmem |= strcmp(label, "Shmem") == 0;
        reclaimable |= strcmp(label, "SReclaimable") == 0;
    }
    assert_true(lines >= 40);
    assert_int_equal(total, memory.total_bytes / 1024);
    assert_true(free_kilobytes > 0 && free_kilobytes <= total);
    assert_true(swap_total && shmem && reclaimable);
    free(text);
}

static void uptime_follows_the_clock(void **state)
{
    assert_int_equal(hosted_clock_advance(12345678901ull), 0);
    char *text = read_file("uptime");
    unsigned long long seconds, hundredths, idle_seconds, idle_hundredths;
    char end;
    assert_int_equal(sscanf(text, "%llu.%2llu %llu.%2llu%c", &seconds, &hundredths,
                            &idle_seconds, &idle_hundredths, &end), 5);
    assert_int_equal(end, '\n');
    uint64_t expected = system_uptime_ns() / 10000000u;
    assert_int_equal(seconds * 100 + hundredths, expected);
    assert_true(seconds >= 12);
    assert_int_equal(strlen(text), strlen("12.34 0.00\n"));
    free(text);
}

static void loadavg_counts_processes(void **state)
{
    char *text = read_file("loadavg");
    double one, five, fifteen;
    unsigned running, total;
    int last_pid;
    char end;
    assert_int_equal(sscanf(text, "%lf %lf %lf %u/%u %d%c", &one, &five, &fifteen, &running,
                            &total, &last_pid, &end), 7);
    assert_int_equal(end, '\n');
    assert_int_equal(total, 2);
    assert_int_equal(last_pid, 2);
    assert_true(running <= total);
    assert_int_equal(strncmp(text, "0.00 0.00 0.00 ", 15), 0);
    free(text);
}

static void version_names_linux_and_ringkernel(void **state)
{
    char *text = read_file("version");
    assert_int_equal(strncmp(text, "Linux version 6.1.0-ringkernel (", 32), 0);
    assert_non_null(strstr(text, system_version()));
    assert_non_null(strstr(text, system_platform_name()));
    assert_ptr_equal(strchr(text, '\n'), text + strlen(text) - 1);
    free(text);
}

/* /proc/net/tcp6 and udp6 (no IPv6): Linux's header line alone, as netstat expects. */
static void net_tcp6_and_udp6_hold_the_header_only(void **state)
{
    char *text = read_file("net/tcp6");
    assert_string_equal(text, "  sl  local_address                         remote_address"
                              "                        st tx_queue rx_queue tr tm->when retrnsmt"
                              "   uid  timeout inode\n");
    free(text);
    text = read_file("net/udp6");
    assert_string_equal(text, "  sl  local_address                         remote_address"
                              "                        st tx_queue rx_queue tr tm->when retrnsmt"
                              "   uid  timeout inode ref pointer drops\n");
    free(text);
}

static void filesystems_lists_registered_filesystems(void **state)
{
    char *text = read_file("filesystems");
    struct service *services[16];
    size_t count = services_list(SERVICE_FILESYSTEM, services, 16);
    assert_true(count >= 3);
    unsigned lines = 0;
    for (const char *c = text; *c; c++)
        lines += *c == '\n';
    assert_int_equal(lines, count);
    assert_non_null(strstr(text, "nodev\tproc\n"));
    assert_non_null(strstr(text, "nodev\ttmpfs\n"));
    assert_non_null(strstr(text, "nodev\tdevtmpfs\n"));
    free(text);
}

static void mounts_lists_the_boot_mounts(void **state)
{
    char *text = read_file("mounts");
    struct mount_info mounts[8];
    size_t count = system_mount_list(mounts, 8);
    assert_true(count >= 1);
    unsigned lines = 0;
    bool proc_seen = false;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"), lines++) {
        char source[64], mountpoint[256], type[32], options[64];
        int frequency, pass;
        assert_int_equal(sscanf(line, "%63s %255s %31s %63s %d %d", source, mountpoint, type,
                                options, &frequency, &pass), 6);
        assert_int_equal(frequency, 0);
        assert_int_equal(pass, 0);
        assert_true(strncmp(options, "rw", 2) == 0 || strncmp(options, "ro", 2) == 0);
        assert_string_equal(mountpoint, mounts[lines].mountpoint);
        assert_string_equal(type, mounts[lines].type);
        if (strcmp(type, "proc") == 0 && strcmp(mountpoint, "/proc") == 0)
            proc_seen = true;
    }
    assert_int_equal(lines, count);
    assert_true(proc_seen);   /* the boot mounts proc on /proc */
    free(text);
}

static void cmdline_cpuinfo_and_stat(void **state)
{
    char *text = read_file("cmdline");
    assert_string_equal(text, "loglevel=3\n");
    free(text);

    text = read_file("cpuinfo");
    assert_int_equal(strncmp(text, "processor\t: 0\n", 14), 0);
    assert_non_null(strstr(text, "\nflags\t\t: "));
    assert_int_equal(text[strlen(text) - 2], '\n');   /* ends with a blank line */
    free(text);

    assert_int_equal(hosted_clock_advance(3000000000ull), 0);
    text = read_file("stat");
    unsigned long long values[10];
    assert_int_equal(sscanf(text, "cpu  %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu\n",
                            &values[0], &values[1], &values[2], &values[3], &values[4],
                            &values[5], &values[6], &values[7], &values[8], &values[9]), 10);
    unsigned long long ticks = 0;
    for (int i = 0; i < 10; i++)
        ticks += values[i];
    assert_true(ticks >= 300);   /* 3 s at USER_HZ 100 */
    assert_non_null(strstr(text, "\ncpu0 "));
    assert_non_null(strstr(text, "\nbtime "));
    assert_non_null(strstr(text, "\nprocesses 2\n"));
    assert_non_null(strstr(text, "\nprocs_running "));
    free(text);
}

/* --------------------------------------------------------- process files */

/* Split a /proc/PID/stat line into fields (comm kept whole); returns the count. */
static int split_stat(char *line, char *fields[64])
{
    char *open = strchr(line, '(');
    char *close = strrchr(line, ')');
    assert_non_null(open);
    assert_non_null(close);
    int count = 0;
    open[-1] = '\0';
    fields[count++] = line;
    *close = '\0';
    fields[count++] = open + 1;
    assert_int_equal(close[1], ' ');
    for (char *field = strtok(close + 2, " \n"); field; field = strtok(NULL, " \n"))
        fields[count++] = field;
    return count;
}

static void process_stat_has_52_fields(void **state)
{
    assert_int_equal(hosted_clock_advance(2500000000ull), 0);
    struct process *late = process_create("late (x) y", 2, false);
    size_t length;
    char *text = read_file_in_chunks("3/stat", 4096, &length);
    assert_int_equal(text[length - 1], '\n');
    char *fields[64];
    assert_int_equal(split_stat(text, fields), 52);
    assert_string_equal(fields[0], "3");
    assert_string_equal(fields[1], "late (x) y");
    assert_true(strlen(fields[2]) == 1 && strchr("RSDZTtXI", fields[2][0]));
    assert_string_equal(fields[3], "2");                   /* ppid */
    assert_string_equal(fields[4], "3");                   /* process group */
    assert_string_equal(fields[5], "3");                   /* session */
    assert_string_equal(fields[7], "-1");                  /* tpgid: no terminal */
    assert_string_equal(fields[17], "20");                 /* priority */
    assert_string_equal(fields[19], "1");                  /* threads (at least one) */
    assert_int_equal(strtoull(fields[21], NULL, 10),       /* start time in ticks */
                     late->start_time_ns / 10000000u);
    assert_true(strtoull(fields[21], NULL, 10) >= 250);
    assert_string_equal(fields[24], "18446744073709551615");
    assert_string_equal(fields[37], "17");                 /* exit signal SIGCHLD */
    for (int i = 2; i < 52; i++)
        for (const char *c = fields[i]; *c; c++)
            assert_true((*c >= '0' && *c <= '9') || *c == '-' || (i == 2 && c == fields[2]));
    free(text);
    process_put(late);
}

static void process_status_lines_in_linux_order(void **state)
{
    worker_process->umask = 027;
    char *text = read_file("2/status");
    static const char *const order[] = {
        "Name:\tworker\n", "Umask:\t0027\n", "State:\t", "Tgid:\t2\n", "Ngid:\t0\n",
        "Pid:\t2\n", "PPid:\t1\n", "TracerPid:\t0\n", "Uid:\t0\t0\t0\t0\n", "Gid:\t0\t0\t0\t0\n",
        "FDSize:\t64\n", "Groups:\t \n", "NStgid:\t2\n", "NSpid:\t2\n", "NSpgid:\t2\n",
        "NSsid:\t2\n", "VmPeak:\t", "VmSize:\t", "VmLck:\t", "VmPin:\t", "VmHWM:\t", "VmRSS:\t",
        "RssAnon:\t", "RssFile:\t", "RssShmem:\t", "VmData:\t", "VmStk:\t", "VmExe:\t",
        "VmLib:\t", "VmPTE:\t", "VmSwap:\t", "HugetlbPages:\t", "CoreDumping:\t0\n",
        "THP_enabled:\t", "Threads:\t1\n", "SigQ:\t", "SigPnd:\t", "ShdPnd:\t", "SigBlk:\t",
        "SigIgn:\t", "SigCgt:\t", "CapInh:\t", "CapPrm:\t", "CapEff:\t", "CapBnd:\t",
        "CapAmb:\t", "NoNewPrivs:\t", "Seccomp:\t", "Seccomp_filters:\t",
        "Speculation_Store_Bypass:\t", "SpeculationIndirectBranch:\t", "Cpus_allowed:\t",
        "Cpus_allowed_list:\t", "Mems_allowed:\t", "Mems_allowed_list:\t",
        "voluntary_ctxt_switches:\t", "nonvoluntary_ctxt_switches:\t",
    };
    const char *line = text;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        if (strncmp(line, order[i], strlen(order[i])) != 0)
            fail_msg("line %zu is \"%.40s\", expected \"%s\"", i, line, order[i]);
        line = strchr(line, '\n');
        assert_non_null(line);
        line++;
    }
    assert_string_equal(line, "");
    /* State is "X (word)" and the memory lines end in " kB". */
    const char *state_line = strstr(text, "State:\t");
    assert_true(strncmp(state_line + 8, " (", 2) == 0);
    unsigned long long kilobytes;
    assert_int_equal(sscanf(strstr(text, "VmRSS:\t"), "VmRSS:\t%llu kB\n", &kilobytes), 1);
    free(text);
}

static void process_cmdline_keeps_nul_separators(void **state)
{
    static const char arguments[] = "worker\0--flag\0two words\0";
    worker_process->command_line = kmalloc(sizeof arguments - 1);
    memcpy(worker_process->command_line, arguments, sizeof arguments - 1);
    worker_process->command_line_length = sizeof arguments - 1;
    size_t length;
    char *text = read_file_in_chunks("2/cmdline", 5, &length);
    assert_int_equal(length, sizeof arguments - 1);
    assert_memory_equal(text, arguments, length);
    free(text);
    /* A process without arguments (a kernel thread) has an empty cmdline. */
    text = read_file_in_chunks("1/cmdline", 64, &length);
    assert_int_equal(length, 0);
    free(text);
    text = read_file("2/comm");
    assert_string_equal(text, "worker\n");
    free(text);
    text = read_file("2/environ");
    assert_string_equal(text, "");
    free(text);
}

static long test_file_read(struct file *file, struct io_cursor *cursor, uint64_t *offset)
{
    return 0;
}
static int test_file_stat(struct file *file, struct vnode_attributes *attributes) { return 0; }
static const struct file_ops test_file_ops = {
    .read = test_file_read,
    .write = file_stub_write,
    .stat = test_file_stat,
    .ioctl = file_stub_ioctl,
    .release = file_stub_release,
    .poll = file_stub_poll,
};

static void fd_directory_lists_descriptors(void **state)
{
    struct file *read_end, *write_end;
    assert_int_equal(pipe_create(0, &read_end, &write_end), 0);
    assert_int_equal(fd_install(worker_process, read_end, 0, false), 0);
    assert_int_equal(fd_install(worker_process, write_end, 0, false), 1);
    struct file *named = file_alloc(&test_file_ops, NULL, O_RDONLY);
    struct path_entry *entry;
    assert_int_equal(path_resolve(NULL, AT_FDCWD, "/proc", RESOLVE_FOLLOW, &entry), 0);
    named->path = entry;
    assert_int_equal(fd_install_at(worker_process, named, 70, false), 70);

    struct vnode *directory = lookup("2/fd");
    struct listing listing;
    assert_int_equal(list_directory(directory, &listing, 2), 0);
    assert_int_equal(listing.count, 5);
    static const char *const names[] = { ".", "..", "0", "1", "70" };
    for (int i = 0; i < 5; i++)
        assert_string_equal(listing.names[i], names[i]);
    assert_int_equal(listing.types[2], DT_LNK);

    char target[PATH_MAX];
    struct vnode *link = lookup("2/fd/70");
    long length = link->ops->readlink(link, target, sizeof target);
    assert_int_equal(length, 5);
    assert_memory_equal(target, "/proc", 5);
    struct vnode_attributes attributes;
    assert_int_equal(link->ops->getattr(link, &attributes), 0);
    assert_int_equal(attributes.mode, S_IFLNK | 0700);
    vnode_put(link);

    link = lookup("2/fd/0");
    length = link->ops->readlink(link, target, sizeof target);
    assert_true(length > 7);
    assert_memory_equal(target, "pipe:[", 6);
    assert_int_equal(target[length - 1], ']');
    /* Closed under the node: the link is gone. */
    assert_int_equal(fd_close(worker_process, 0), 0);
    assert_int_equal(link->ops->readlink(link, target, sizeof target), -ENOENT);
    assert_int_equal(link->ops->getattr(link, &attributes), -ENOENT);
    vnode_put(link);

    struct vnode *missing = NULL;
    assert_int_equal(directory->ops->lookup(directory, "0", 1, &missing), -ENOENT);
    assert_int_equal(directory->ops->lookup(directory, "01", 2, &missing), -ENOENT);
    assert_int_equal(directory->ops->lookup(directory, "x", 1, &missing), -ENOENT);
    assert_int_equal(directory->ops->lookup(directory, "99999999999", 11, &missing), -ENOENT);
    vnode_put(directory);

    /* FDSize grows past the highest descriptor, as Linux's table does. */
    char *text = read_file("2/status");
    assert_non_null(strstr(text, "\nFDSize:\t128\n"));
    free(text);
}

static void cwd_and_exe_links(void **state)
{
    char target[PATH_MAX];
    struct vnode *cwd = lookup("1/cwd");
    long length = cwd->ops->readlink(cwd, target, sizeof target);
    assert_int_equal(length, 1);
    assert_int_equal(target[0], '/');
    vnode_put(cwd);
    struct vnode *exe = lookup("1/exe");
    assert_int_equal(exe->ops->readlink(exe, target, sizeof target), -ENOENT);   /* no exec yet */
    vnode_put(exe);
}

static void self_points_at_the_running_process(void **state)
{
    struct vnode *self = lookup("self");
    char target[16];
    /* The boot thread runs without a process: Linux says ENOENT. */
    assert_int_equal(self->ops->readlink(self, target, sizeof target), -ENOENT);
    process_attach_thread(worker_process, thread_current());
    memset(target, 'x', sizeof target);
    assert_int_equal(self->ops->readlink(self, target, sizeof target), 1);
    assert_int_equal(target[0], '2');
    assert_int_equal(target[1], 'x');
    /* The running process is in state R. */
    char *text = read_file("2/stat");
    assert_non_null(strstr(text, ") R 1 "));
    free(text);
    text = read_file("loadavg");
    assert_non_null(strstr(text, " 1/2 2\n"));
    free(text);
    process_attach_thread(init_process, thread_current());
    assert_int_equal(self->ops->readlink(self, target, sizeof target), 1);
    assert_int_equal(target[0], '1');
    process_attach_thread(NULL, thread_current());
    vnode_put(self);
}

static void reads_honour_offset_windows(void **state)
{
    static const char *const paths[] = { "cpuinfo", "version", "2/status", "2/stat", "cmdline" };
    for (size_t p = 0; p < sizeof paths / sizeof paths[0]; p++) {
        size_t whole_length, pieces_length;
        char *whole = read_file_in_chunks(paths[p], 16384, &whole_length);
        char *pieces = read_file_in_chunks(paths[p], 7, &pieces_length);
        assert_true(whole_length > 0);
        assert_int_equal(pieces_length, whole_length);
        assert_memory_equal(pieces, whole, whole_length);
        /* The tail at an arbitrary offset, and nothing past the end. */
        struct vnode *node = lookup(paths[p]);
        char buffer[64];
        assert_int_equal(read_at(node, buffer, sizeof buffer, whole_length - 3), 3);
        assert_memory_equal(buffer, whole + whole_length - 3, 3);
        assert_int_equal(read_at(node, buffer, sizeof buffer, whole_length), 0);
        assert_int_equal(read_at(node, buffer, sizeof buffer, whole_length + 1000), 0);
        assert_int_equal(read_at(node, buffer, 0, 0), 0);
        vnode_put(node);
        free(whole);
        free(pieces);
    }
}

static void missing_and_vanished_pids_fail_cleanly(void **state)
{
    struct vnode *node = NULL;
    assert_int_equal(lookup_path("99", &node), -ENOENT);
    assert_int_equal(lookup_path("0", &node), -ENOENT);
    assert_int_equal(lookup_path("02", &node), -ENOENT);
    assert_int_equal(lookup_path("2x", &node), -ENOENT);
    assert_int_equal(lookup_path("-2", &node), -ENOENT);
    assert_int_equal(lookup_path("4294967298", &node), -ENOENT);
    assert_int_equal(lookup_path("2/nonexistent", &node), -ENOENT);
    assert_int_equal(lookup_path("meminfo2", &node), -ENOENT);

    struct vnode *directory = lookup("2");
    struct vnode *stat = lookup("2/stat");
    struct vnode *cwd = lookup("2/cwd");
    struct vnode *fd = lookup("2/fd");
    process_put(worker_process);
    worker_process = process_create("placeholder", 1, false);   /* pid 3: teardown puts it */
    char buffer[256];
    assert_int_equal(read_at(stat, buffer, sizeof buffer, 0), -ESRCH);
    struct vnode_attributes attributes;
    assert_int_equal(stat->ops->getattr(stat, &attributes), -ENOENT);
    assert_int_equal(directory->ops->getattr(directory, &attributes), -ENOENT);
    assert_int_equal(directory->ops->lookup(directory, "stat", 4, &node), -ENOENT);
    uint64_t cookie = 0;
    struct listing listing = { .count = 0 };
    struct directory_sink sink = { .emit = collect, .context = &listing };
    assert_int_equal(directory->ops->readdir(directory, &cookie, &sink), -ENOENT);
    assert_int_equal(fd->ops->readdir(fd, &cookie, &sink), -ENOENT);
    assert_int_equal(fd->ops->lookup(fd, "0", 1, &node), -ENOENT);
    assert_true(cwd->ops->readlink(cwd, buffer, sizeof buffer) < 0);
    vnode_put(fd);
    vnode_put(cwd);
    vnode_put(stat);
    vnode_put(directory);
}

static void nodes_are_freed_on_release(void **state)
{
    char *warm = read_file("2/status");   /* let the heap make its slabs first */
    free(warm);
    struct heap_statistics before, after;
    heap_get_statistics(&before);
    static const char *const paths[] = { "2/status", "2/fd", "meminfo", "self", "2/cwd", "mounts" };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        struct vnode *node = lookup(paths[i]);
        struct vnode_attributes attributes;
        assert_int_equal(node->ops->getattr(node, &attributes), 0);
        if (S_ISREG(node->type)) {
            char buffer[64];
            assert_true(read_at(node, buffer, sizeof buffer, 0) > 0);
        }
        vnode_put(node);
    }
    struct listing listing;
    assert_int_equal(list_directory(root, &listing, 3), 0);
    heap_get_statistics(&after);
    assert_int_equal(after.bytes_in_use, before.bytes_in_use);
    assert_int_equal(after.allocations - before.allocations, after.frees - before.frees);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define PROCFS_TEST(name) cmocka_unit_test_setup_teardown(name, mount_procfs, unmount_procfs)
        PROCFS_TEST(root_lists_system_files_self_and_pids),
        PROCFS_TEST(a_process_that_goes_away_leaves_the_listing),
        PROCFS_TEST(process_directory_lists_its_entries),
        PROCFS_TEST(modes_and_inodes_follow_linux),
        PROCFS_TEST(procfs_refuses_writes_and_changes),
        PROCFS_TEST(meminfo_parses_back),
        PROCFS_TEST(uptime_follows_the_clock),
        PROCFS_TEST(loadavg_counts_processes),
        PROCFS_TEST(version_names_linux_and_ringkernel),
        PROCFS_TEST(net_tcp6_and_udp6_hold_the_header_only),
        PROCFS_TEST(filesystems_lists_registered_filesystems),
        PROCFS_TEST(mounts_lists_the_boot_mounts),
        PROCFS_TEST(cmdline_cpuinfo_and_stat),
        PROCFS_TEST(process_stat_has_52_fields),
        PROCFS_TEST(process_status_lines_in_linux_order),
        PROCFS_TEST(process_cmdline_keeps_nul_separators),
        PROCFS_TEST(fd_directory_lists_descriptors),
        PROCFS_TEST(cwd_and_exe_links),
        PROCFS_TEST(self_points_at_the_running_process),
        PROCFS_TEST(reads_honour_offset_windows),
        PROCFS_TEST(missing_and_vanished_pids_fail_cleanly),
        PROCFS_TEST(nodes_are_freed_on_release),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
