/*
 * test_proc.c — procfs on /proc through the syscalls: /proc/self and the
 * per-process directory (stat, status, cwd, fd/), and the system files in
 * the formats BusyBox parses (meminfo, uptime, loadavg, mounts,
 * filesystems, stat, cpuinfo, version).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char file_text[16384];

/* The contents of a /proc file (asserting it can be read). */
static const char *proc_text(const char *path)
{
    long length = read_file(path, file_text, sizeof file_text);
    if (length < 0)
        fail_msg("reading %s: %s", path, result_name(length));
    return file_text;
}

/* The line of text that starts with prefix, or NULL. */
static const char *line_starting(const char *text, const char *prefix)
{
    size_t length = strlen(prefix);
    for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        if (strncmp(line, prefix, length) == 0)
            return line;
    return NULL;
}

/* Fail, showing the file, unless some line of text starts with prefix. */
#define assert_line(text, prefix)                                                             \
    do {                                                                                      \
        if (!line_starting((text), (prefix)))                                                 \
            fail_msg("no line starts with \"%s\" in:\n%s", (prefix), (text));              \
    } while (0)

static void proc_self_is_a_symlink_to_the_pid(void **state)
{
    long pid = OK(sys(SYS_getpid));
    char expected[32], text[32];
    snprintf(expected, sizeof expected, "%ld", pid);
    OK(readlink_path("/proc/self", text, sizeof text));
    assert_string_equal(text, expected);
    struct test_stat st;
    CHECK(lstat_path("/proc/self", &st), 0);
    CHECK(st.st_mode, S_IFLNK | 0777);
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld", pid);
    CHECK(stat_path(path, &st), 0);
    CHECK(st.st_mode, S_IFDIR | 0555);
    CHECK(stat_path("/proc/self", &st), 0);
    CHECK(st.st_ino, inode_of(path));
}

static void proc_self_stat_has_the_pid_and_fifty_two_fields(void **state)
{
    long pid = OK(sys(SYS_getpid));
    const char *text = proc_text("/proc/self/stat");
    char prefix[32];
    snprintf(prefix, sizeof prefix, "%ld (", pid);
    if (strncmp(text, prefix, strlen(prefix)) != 0)
        fail_msg("/proc/self/stat starts with \"%.40s\"", text);
    const char *after_name = strrchr(text, ')');
    assert_non_null(after_name);
    assert_true(strchr("RSDTtZXIP", after_name[2]) != NULL);
    int fields = 2;
    for (const char *cursor = after_name + 1; *cursor && *cursor != '\n'; cursor++)
        if (*cursor == ' ' && cursor[1] != ' ' && cursor[1] != '\n' && cursor[1] != '\0')
            fields++;
    CHECK(fields, 52);
    CHECK(text[strlen(text) - 1], '\n');
}

static void proc_self_status_names_the_process(void **state)
{
    long pid = OK(sys(SYS_getpid));
    const char *text = proc_text("/proc/self/status");
    if (strncmp(text, "Name:\t", 6) != 0)
        fail_msg("status starts with \"%.20s\"", text);
    char line[32];
    snprintf(line, sizeof line, "Pid:\t%ld\n", pid);
    const char *found = line_starting(text, "Pid:\t");
    assert_non_null(found);
    assert_memory_equal(found, line, strlen(line));
    assert_line(text, "State:\t");
    assert_line(text, "PPid:\t");
    assert_line(text, "Uid:\t");
    assert_line(text, "Threads:\t");
}

static void proc_self_cwd_follows_chdir(void **state)
{
    create_directory("/work");
    create_directory("/work/here");
    CHECK(sys(SYS_chdir, U("/work/here")), 0);
    char text[64];
    OK(readlink_path("/proc/self/cwd", text, sizeof text));
    assert_string_equal(text, "/work/here");
    CHECK(inode_of("/proc/self/cwd/."), inode_of("/work/here"));
}

static void proc_self_fd_lists_and_names_open_files(void **state)
{
    create_file("/file", "via proc");
    long fd = OK(open_path("/file", O_RDONLY, 0));
    CHECK(fd, 3);
    char text[64];
    OK(readlink_path("/proc/self/fd/3", text, sizeof text));
    assert_string_equal(text, "/file");
    struct test_stat st;
    CHECK(lstat_path("/proc/self/fd/3", &st), 0);
    CHECK(st.st_mode & S_IFMT, S_IFLNK);
    CHECK(stat_path("/proc/self/fd/3", &st), 0);
    CHECK(st.st_ino, inode_of("/file"));
    /* Opening the link reopens the file. */
    CHECK(read_file("/proc/self/fd/3", text, sizeof text), 8);
    assert_string_equal(text, "via proc");
    CHECK(sys(SYS_close, fd), 0);
    CHECK(lstat_path("/proc/self/fd/3", &st), -ENOENT);
}

static void proc_self_fd_directory_has_one_entry_per_descriptor(void **state)
{
    create_file("/file", "");
    CHECK(open_path("/file", O_RDONLY, 0), 3);
    CHECK(sys(SYS_dup2, 3, 9), 9);
    long fd = OK(open_path("/proc/self/fd", O_RDONLY | O_DIRECTORY, 0));
    bool seen3 = false, seen9 = false, seen_self = false;
    for (;;) {
        struct test_dirent records[48];
        size_t count;
        long bytes = OK(getdents_fd((int)fd, 1024, records, 48, &count));
        if (bytes == 0)
            break;
        for (size_t i = 0; i < count; i++) {
            if (strcmp(records[i].name, "3") == 0)
                seen3 = true;
            if (strcmp(records[i].name, "9") == 0)
                seen9 = true;
            char number[16];
            snprintf(number, sizeof number, "%ld", fd);
            if (strcmp(records[i].name, number) == 0)
                seen_self = true;
            if (strcmp(records[i].name, "5") == 0)
                fail_msg("descriptor 5 is not open but listed");
            if (records[i].name[0] != '.')
                CHECK(records[i].type, DT_LNK);
        }
    }
    assert_true(seen3 && seen9 && seen_self);
}

static void a_pipe_descriptor_reads_as_pipe_inode(void **state)
{
    uintptr_t fds = user_alloc(8);
    CHECK(sys(SYS_pipe, fds), 0);
    int pair[2];
    user_read(pair, fds, sizeof pair);
    struct test_stat st;
    CHECK(fstat_fd(pair[0], &st), 0);
    char expected[64], text[64], path[64];
    snprintf(expected, sizeof expected, "pipe:[%llu]", (unsigned long long)st.st_ino);
    snprintf(path, sizeof path, "/proc/self/fd/%d", pair[1]);
    OK(readlink_path(path, text, sizeof text));
    assert_string_equal(text, expected);
}

static void proc_meminfo_format(void **state)
{
    const char *text = proc_text("/proc/meminfo");
    unsigned long total = 0, available = 0;
    if (sscanf(text, "MemTotal: %lu kB\n", &total) != 1)
        fail_msg("meminfo starts with \"%.40s\"", text);
    assert_true(total > 0);
    const char *line = line_starting(text, "MemFree:");
    assert_non_null(line);
    line = line_starting(text, "MemAvailable:");
    assert_non_null(line);
    assert_int_equal(sscanf(line, "MemAvailable: %lu kB", &available), 1);
    assert_true(available <= total);
    assert_line(text, "Buffers:");
    assert_line(text, "Cached:");
    assert_line(text, "SwapTotal:");
    assert_line(text, "SwapFree:");
    struct test_stat st;
    CHECK(stat_path("/proc/meminfo", &st), 0);
    CHECK(st.st_mode, S_IFREG | 0444);
    CHECK(st.st_size, 0);
}

static void proc_uptime_and_loadavg_formats(void **state)
{
    const char *text = proc_text("/proc/uptime");
    double up = -1, idle = -1;
    char end;
    assert_int_equal(sscanf(text, "%lf %lf%c", &up, &idle, &end), 3);
    CHECK(end, '\n');
    assert_true(up >= 0 && idle >= 0);
    const char *dot = strchr(text, '.');
    assert_non_null(dot);
    assert_true(dot[1] >= '0' && dot[1] <= '9' && dot[2] >= '0' && dot[2] <= '9' && dot[3] == ' ');
    text = proc_text("/proc/loadavg");
    double one, five, fifteen;
    int running, total, last;
    assert_int_equal(sscanf(text, "%lf %lf %lf %d/%d %d%c", &one, &five, &fifteen, &running,
                            &total, &last, &end), 7);
    CHECK(end, '\n');
    assert_true(running >= 1 && total >= running);
}

static void proc_mounts_lists_the_namespace(void **state)
{
    const char *text = proc_text("/proc/mounts");
    assert_line(text, "rootfs / tmpfs rw");
    assert_line(text, "proc /proc proc rw");
    assert_line(text, "devtmpfs /dev devtmpfs rw");
    assert_null(line_starting(text, "scratch /mnt"));
    create_directory("/mnt");
    CHECK(sys(SYS_mount, U("scratch"), U("/mnt"), U("tmpfs"), 0, 0), 0);
    text = proc_text("/proc/mounts");
    assert_line(text, "scratch /mnt tmpfs rw");
    const char *line = line_starting(text, "scratch /mnt tmpfs rw");
    const char *end = strchr(line, '\n');
    assert_non_null(end);
    assert_memory_equal(end - 4, " 0 0", 4);
    CHECK(sys(SYS_umount2, U("/mnt"), 0), 0);
    assert_null(line_starting(proc_text("/proc/mounts"), "scratch /mnt"));
    assert_line(proc_text("/proc/self/mounts"), "proc /proc proc rw");
}

static void proc_filesystems_lists_the_types(void **state)
{
    const char *text = proc_text("/proc/filesystems");
    assert_non_null(strstr(text, "nodev\ttmpfs\n"));
    assert_non_null(strstr(text, "nodev\tproc\n"));
    assert_non_null(strstr(text, "nodev\tdevtmpfs\n"));
}

static void proc_stat_cpuinfo_and_version(void **state)
{
    const char *text = proc_text("/proc/stat");
    if (strncmp(text, "cpu  ", 5) != 0)
        fail_msg("/proc/stat starts with \"%.20s\"", text);
    assert_line(text, "cpu0 ");
    assert_line(text, "btime ");
    assert_line(text, "processes ");
    text = proc_text("/proc/cpuinfo");
    assert_line(text, "processor\t: 0\n");
    text = proc_text("/proc/version");
    if (strncmp(text, "Linux version ", 14) != 0)
        fail_msg("/proc/version is \"%.40s\"", text);
}

static void proc_root_lists_self_and_the_process(void **state)
{
    long pid = OK(sys(SYS_getpid));
    char number[16];
    snprintf(number, sizeof number, "%ld", pid);
    long fd = OK(open_path("/proc", O_RDONLY | O_DIRECTORY, 0));
    bool self = false, process = false, meminfo = false;
    for (;;) {
        struct test_dirent records[48];
        size_t count;
        long bytes = OK(getdents_fd((int)fd, 1024, records, 48, &count));
        if (bytes == 0)
            break;
        for (size_t i = 0; i < count; i++) {
            if (strcmp(records[i].name, "self") == 0) {
                self = true;
                CHECK(records[i].type, DT_LNK);
            } else if (strcmp(records[i].name, number) == 0) {
                process = true;
                CHECK(records[i].type, DT_DIR);
            } else if (strcmp(records[i].name, "meminfo") == 0) {
                meminfo = true;
                CHECK(records[i].type, DT_REG);
            }
        }
    }
    assert_true(self && process && meminfo);
}

static void proc_is_not_writable_by_creation(void **state)
{
    CHECK(open_path("/proc/nothing", O_RDONLY, 0), -ENOENT);
    CHECK(open_path("/proc/999999/stat", O_RDONLY, 0), -ENOENT);
    CHECK(sys(SYS_unlink, U("/proc/meminfo")), -EPERM);
    CHECK(sys(SYS_mkdir, U("/proc/new"), 0755), -ENOENT);
    CHECK(open_path("/proc/new", O_WRONLY | O_CREAT, 0644), -ENOENT);
}

static void proc_fd_links_follow_renames_and_unlinks(void **state)
{
    create_directory("/dir");
    create_file("/dir/old", "moving");
    CHECK(open_path("/dir/old", O_RDONLY, 0), 3);
    CHECK(sys(SYS_rename, U("/dir"), U("/moved")), 0);
    CHECK(sys(SYS_rename, U("/moved/old"), U("/moved/new")), 0);
    char text[64];
    OK(readlink_path("/proc/self/fd/3", text, sizeof text));
    assert_string_equal(text, "/moved/new");
    CHECK(sys(SYS_unlink, U("/moved/new")), 0);
    OK(readlink_path("/proc/self/fd/3", text, sizeof text));
    assert_string_equal(text, "/moved/new (deleted)");
}

static void proc_fd_reopens_an_unlinked_file(void **state)
{
    create_file("/file", "unlinked but open");
    CHECK(open_path("/file", O_RDONLY, 0), 3);
    CHECK(sys(SYS_unlink, U("/file")), 0);
    char text[32];
    CHECK(read_file("/proc/self/fd/3", text, sizeof text), 17);
    assert_string_equal(text, "unlinked but open");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYSCALL_TEST(proc_self_is_a_symlink_to_the_pid),
        SYSCALL_TEST(proc_self_stat_has_the_pid_and_fifty_two_fields),
        SYSCALL_TEST(proc_self_status_names_the_process),
        SYSCALL_TEST(proc_self_cwd_follows_chdir),
        SYSCALL_TEST(proc_self_fd_lists_and_names_open_files),
        SYSCALL_TEST(proc_self_fd_directory_has_one_entry_per_descriptor),
        SYSCALL_TEST(a_pipe_descriptor_reads_as_pipe_inode),
        SYSCALL_TEST(proc_fd_links_follow_renames_and_unlinks),
        SYSCALL_TEST(proc_fd_reopens_an_unlinked_file),
        SYSCALL_TEST(proc_meminfo_format),
        SYSCALL_TEST(proc_uptime_and_loadavg_formats),
        SYSCALL_TEST(proc_mounts_lists_the_namespace),
        SYSCALL_TEST(proc_filesystems_lists_the_types),
        SYSCALL_TEST(proc_stat_cpuinfo_and_version),
        SYSCALL_TEST(proc_root_lists_self_and_the_process),
        SYSCALL_TEST(proc_is_not_writable_by_creation),
    };
    return RUN_SYSCALL_TESTS("syscall-proc", tests);
}
