/*
 * procfs_write.c — fuzz target for writes into (and reads after) every
 * procfs file: on a fresh kernel with three processes (pid 1 running the
 * target, pid 2 asleep, pid 3 a zombie child of pid 1) the files of /proc
 * are found with getdents64 (/proc, /proc/self and each /proc/PID, one
 * level of subdirectories; walked on the first input, the same on every
 * boot), then fuzzed operations open one with fuzzed flags, write fuzzed
 * bytes (write or pwrite at a fuzzed offset), seek, and read back.
 *
 * Invariants:
 *  - open gives a descriptor or EACCES/EPERM/ENOENT/ESRCH/EISDIR/ENOTDIR/EINVAL/ENXIO
 *    (ENOENT and ESRCH only for a process's files);
 *  - write and pwrite give at most the bytes asked, or EIO, EINVAL (what
 *    Linux gives for its generated files), EBADF (not open for writing),
 *    ESPIPE (pwrite on a stream), EACCES, EPERM, ESRCH;
 *  - read and pread give at most the bytes asked, or EBADF (not open for
 *    reading), EINVAL, ESPIPE, ESRCH, EISDIR; lseek gives the new offset or
 *    EINVAL / ESPIPE;
 *  - a file read in fuzzed pieces from offset 0 gives the same bytes as
 *    one read of the whole, and a read at an offset is that part of it,
 *    when two whole reads in a row agree (the virtual clock stands still
 *    while an input runs, and pid 1's memory is all resident from the
 *    start; /proc/meminfo changes as the reads themselves allocate);
 *  - afterwards /proc, /proc/self and /proc/1 still resolve, /proc still
 *    lists pid 1, and every file found still opens for reading.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rk/errno.h>
#include <rk/file.h>
#include <rk/path.h>
#include <rk/process.h>
#include <rk/sched.h>
#include <rk/thread.h>
#include <rk/waitqueue.h>

#include "fuzz_kernel.h"
#include "input.h"
#include "target_user.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FILES 128
#define MAX_OPERATIONS 12
#define WHOLE_MAX 16384
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

/* The regular files of /proc (paths), found once. */
static char files[MAX_FILES][64];
static size_t file_count;

/* ------------------------------------------------------------ processes */

static struct wait_queue never;

/* pid 2's thread: sleeps for good. */
static void sleeper(void *argument)
{
    for (;;)
        wait_queue_wait(&never, NULL, WAIT_FOREVER);
}

/* pid 3's thread: exits at once (status 7), leaving a zombie for pid 1 to reap. */
static void short_lived(void *argument)
{
    long result = fuzz_syscall(SYS_exit_group, 7, 0, 0, 0, 0, 0);
    fuzz_finding("exit_group returned %ld", result);
}

/* A process named name, child of pid 1, running function on a kernel thread. */
static void start_process(const char *name, thread_function function)
{
    struct process *process = process_create(name, 1, true);
    struct thread *thread = thread_create(name, function, NULL);
    if (!process || !thread)
        fuzz_finding("cannot start %s", name);
    process_attach_thread(process, thread);
    /* The reference is kept: a zombie lives until it is reaped, and nothing reaps here. */
    thread_detach(thread);
}

/* ---------------------------------------------------------------- walk */

/* Add the regular files of directory path (and, when depth > 0, of its subdirectories). */
static void walk(const char *path, int depth)
{
    long fd = fuzz_syscall(SYS_openat, AT_FDCWD, (long)user_string(path), O_RDONLY | O_DIRECTORY, 0, 0, 0);
    if (fd < 0)
        fuzz_finding("cannot open %s: %ld", path, fd);
    static uint8_t records[8192];
    uintptr_t buffer = user_alloc(sizeof records);
    long length;
    while ((length = fuzz_syscall(SYS_getdents64, fd, (long)buffer, sizeof records, 0, 0, 0)) > 0) {
        user_read(records, buffer, (size_t)length);
        for (long at = 0; at < length;) {
            struct user_dirent64 header;
            memcpy(&header, records + at, sizeof header);
            const char *name = (const char *)records + at + sizeof header;
            if (header.record_length < sizeof header + 2 || at + header.record_length > length ||
                strnlen(name, header.record_length - sizeof header) == header.record_length - sizeof header)
                fuzz_finding("getdents64 of %s: a malformed record at %ld", path, at);
            at += header.record_length;
            /* /proc/sys/kernel/fault_inject injects service faults on request: not a target. */
            if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strcmp(name, "sys") == 0)
                continue;
            char child[64];
            if ((size_t)snprintf(child, sizeof child, "%s/%s", path, name) >= sizeof child)
                continue;
            struct user_stat stat;
            long result = user_stat_at(AT_FDCWD, child, AT_SYMLINK_NOFOLLOW, &stat);
            if (result != 0)
                fuzz_finding("getdents64 of %s lists %s, which lstat does not find (%ld)", path, name, result);
            if (((stat.mode & S_IFMT) >> 12) != header.type)
                fuzz_finding("%s: d_type %u, mode 0%o", child, header.type, stat.mode);
            if (S_ISREG(stat.mode) && file_count < MAX_FILES)
                memcpy(files[file_count++], child, sizeof child);
            else if (S_ISDIR(stat.mode) && depth > 0)
                walk(child, depth - 1);
        }
    }
    if (length < 0)
        fuzz_finding("getdents64 of %s gave %ld", path, length);
    fuzz_syscall(SYS_close, fd, 0, 0, 0, 0, 0);
}

/* ------------------------------------------------------------ operations */

/* True when path's contents change as the target's own reads allocate memory (not compared). */
static bool volatile_file(const char *path)
{
    return strcmp(path, "/proc/meminfo") == 0;
}

/* True when path is a file of one process (it may be gone: ENOENT/ESRCH are fine). */
static bool process_file(const char *path)
{
    return strncmp(path, "/proc/self/", 11) == 0 || (path[6] >= '0' && path[6] <= '9');
}

/* An open's result must be a descriptor or an error open may give for path. */
static void check_open(const char *path, long result)
{
    if (result >= 0 || result == -EACCES || result == -EPERM || result == -EISDIR ||
        result == -ENOTDIR || result == -EINVAL || result == -ENXIO)
        return;
    if ((result == -ENOENT || result == -ESRCH) && process_file(path))
        return;
    fuzz_finding("open(%s) gave %ld", path, result);
}

/* A write's result: at most asked bytes, or an error a procfs write may give. */
static void check_write(const char *path, long result, size_t asked)
{
    if (result > (long)asked)
        fuzz_finding("write of %zu bytes into %s gave %ld", asked, path, result);
    if (result >= 0 || result == -EIO || result == -EINVAL || result == -EBADF || result == -ESPIPE ||
        result == -EACCES || result == -EPERM || result == -ESRCH)
        return;
    fuzz_finding("write into %s gave %ld", path, result);
}

/* A read's result: at most asked bytes, or an error a procfs read may give. */
static void check_read(const char *path, long result, size_t asked)
{
    if (result > (long)asked)
        fuzz_finding("read of %zu bytes from %s gave %ld", asked, path, result);
    if (result >= 0 || result == -EBADF || result == -EINVAL || result == -ESPIPE ||
        result == -ESRCH || result == -EISDIR)
        return;
    fuzz_finding("read from %s gave %ld", path, result);
}

/* The whole of path read in one pread from 0 into whole; returns its length or -errno. */
static long read_whole(const char *path, uint8_t *whole)
{
    uintptr_t mark = user_next;
    long fd = fuzz_syscall(SYS_openat, AT_FDCWD, (long)user_string(path), O_RDONLY, 0, 0, 0);
    check_open(path, fd);
    long length = fd;
    if (fd >= 0) {
        uintptr_t buffer = user_alloc(WHOLE_MAX);
        length = fuzz_syscall(SYS_pread64, fd, (long)buffer, WHOLE_MAX, 0, 0, 0);
        check_read(path, length, WHOLE_MAX);
        if (length > 0)
            user_read(whole, buffer, (size_t)length);
        fuzz_syscall(SYS_close, fd, 0, 0, 0, 0, 0);
    }
    user_next = mark;
    return length;
}

/* Read path from 0 in pieces of the fuzzed sizes: the same bytes as the whole. */
static void check_pieces(const char *path, struct fuzz_input *input)
{
    static uint8_t whole[WHOLE_MAX], pieces[WHOLE_MAX];
    long whole_length = read_whole(path, whole);
    if (whole_length < 0 || volatile_file(path))
        return;
    long fd = fuzz_syscall(SYS_openat, AT_FDCWD, (long)user_string(path), O_RDONLY, 0, 0, 0);
    if (fd < 0)
        fuzz_finding("%s opened once but not twice (%ld)", path, fd);
    uintptr_t buffer = user_alloc(512);
    size_t total = 0;
    for (int round = 0; round < 4096; round++) {
        size_t asked = fuzz_input_u8(input) % 64 + 1;
        if (fuzz_input_remaining(input) == 0)
            asked = 512;
        long got = fuzz_syscall(SYS_read, fd, (long)buffer, (long)asked, 0, 0, 0);
        check_read(path, got, asked);
        if (got <= 0)
            break;
        if (total + (size_t)got > WHOLE_MAX)
            fuzz_finding("%s reads on past %d bytes", path, WHOLE_MAX);
        user_read(pieces + total, buffer, (size_t)got);
        total += (size_t)got;
    }
    fuzz_syscall(SYS_close, fd, 0, 0, 0, 0, 0);
    if (total != (size_t)whole_length || memcmp(pieces, whole, total) != 0) {
        /* Only a file that reads the same twice in a row must read the same in pieces (meminfo
         * changes as the reads themselves allocate). */
        static uint8_t again[WHOLE_MAX];
        if (read_whole(path, again) == whole_length && memcmp(again, whole, (size_t)whole_length) == 0)
            fuzz_finding("%s read in pieces (%zu bytes) differs from one read (%ld bytes)", path,
                         total, whole_length);
    }
}

/* Open, write (or pwrite), seek and read back, with everything fuzzed. */
static void write_then_read(const char *path, struct fuzz_input *input)
{
    static const unsigned flag_choices[] = {
        O_RDONLY, O_WRONLY, O_RDWR, O_WRONLY | O_APPEND, O_RDWR | O_TRUNC, O_WRONLY | O_CREAT,
        O_RDWR | O_NONBLOCK, O_RDONLY | O_DIRECTORY,
    };
    uint8_t choices = fuzz_input_u8(input);
    unsigned flags = flag_choices[choices % 8];
    uint64_t offset = fuzz_input_u8(input) & 0x80 ? fuzz_input_u64(input) : fuzz_input_u16(input);
    size_t length = fuzz_input_u16(input) % 2048;
    size_t taken;
    const uint8_t *bytes = fuzz_input_bytes(input, length < 64 ? length : 64, &taken);
    long fd = fuzz_syscall(SYS_openat, AT_FDCWD, (long)user_string(path), (long)flags, 0644, 0, 0);
    check_open(path, fd);
    if (fd < 0)
        return;
    /* The bytes: the input's, repeated up to the fuzzed length. */
    uintptr_t buffer = user_alloc(length + 1);
    static uint8_t staged[2048];
    for (size_t i = 0; i < length; i++)
        staged[i] = taken ? bytes[i % taken] : (uint8_t)i;
    if (length && !fuzz_user_write(buffer, staged, length))
        fuzz_finding("cannot stage the bytes");
    long written = (choices & 0x10)
                       ? fuzz_syscall(SYS_pwrite64, fd, (long)buffer, (long)length, (long)offset, 0, 0)
                       : fuzz_syscall(SYS_write, fd, (long)buffer, (long)length, 0, 0, 0);
    check_write(path, written, length);
    if ((flags & O_ACCMODE) == O_RDONLY && written >= 0 && length > 0)
        fuzz_finding("a write into %s opened read-only gave %ld", path, written);
    long position = fuzz_syscall(SYS_lseek, fd, (long)offset, (choices >> 5) % 3, 0, 0, 0);
    if (position < 0 && position != -EINVAL && position != -ESPIPE)
        fuzz_finding("lseek on %s gave %ld", path, position);
    size_t asked = fuzz_input_u16(input) % 4096;
    uintptr_t read_buffer = user_alloc(asked + 1);
    long got = (choices & 0x80)
                   ? fuzz_syscall(SYS_pread64, fd, (long)read_buffer, (long)asked, (long)offset, 0, 0)
                   : fuzz_syscall(SYS_read, fd, (long)read_buffer, (long)asked, 0, 0, 0);
    check_read(path, got, asked);
    if ((flags & O_ACCMODE) == O_WRONLY && got >= 0 && asked > 0)
        fuzz_finding("a read from %s opened write-only gave %ld", path, got);
    /* A read at a known offset is that part of the whole. */
    uint64_t at = (choices & 0x80) ? offset : (position >= 0 ? (uint64_t)position : UINT64_MAX);
    if (got > 0 && at != UINT64_MAX && !volatile_file(path)) {
        static uint8_t whole[WHOLE_MAX], again[WHOLE_MAX], part[4096];
        long whole_length = read_whole(path, whole);
        long again_length = read_whole(path, again);
        user_read(part, read_buffer, (size_t)got);
        bool stable = again_length == whole_length && whole_length >= 0 &&
                      memcmp(again, whole, (size_t)whole_length) == 0;
        if (stable && (at > (uint64_t)whole_length || (uint64_t)got > (uint64_t)whole_length - at ||
                       memcmp(part, whole + at, (size_t)got) != 0))
            fuzz_finding("%s: %ld bytes read at %llu are not that part of the file (%ld bytes)", path,
                         got, (unsigned long long)at, whole_length);
    }
    fuzz_syscall(SYS_close, fd, 0, 0, 0, 0, 0);
}

/* /proc is still whole: its root, self, pid 1, and every file found opens for reading. */
static void check_consistent(void)
{
    struct user_stat stat;
    if (user_stat_at(AT_FDCWD, "/proc", 0, &stat) != 0 || user_stat_at(AT_FDCWD, "/proc/self", 0, &stat) != 0 ||
        user_stat_at(AT_FDCWD, "/proc/1", 0, &stat) != 0 || !S_ISDIR(stat.mode))
        fuzz_finding("/proc, /proc/self or /proc/1 no longer resolves");
    for (size_t i = 0; i < file_count; i++) {
        if (strncmp(files[i], "/proc/3/", 8) == 0)
            continue;   /* the zombie may have been reaped */
        long fd = fuzz_syscall(SYS_openat, AT_FDCWD, (long)user_string(files[i]), O_RDONLY, 0, 0, 0);
        if (fd < 0)
            fuzz_finding("%s no longer opens (%ld)", files[i], fd);
        fuzz_syscall(SYS_close, fd, 0, 0, 0, 0, 0);
        user_reset();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_input input = fuzz_input_make(data, size);
    fuzz_kernel_boot(NULL, 1);
    fuzz_init_create();
    /* Touch all of pid 1's user memory now: its resident size then stays put while files are read. */
    static uint8_t zeroes[FUZZ_USER_SIZE];
    if (!fuzz_user_write(FUZZ_USER_BASE, zeroes, sizeof zeroes))
        fuzz_finding("cannot touch the user memory");
    wait_queue_init(&never);
    start_process("sleeper", sleeper);
    start_process("short-lived", short_lived);
    sched_run_until_idle();
    user_reset();
    if (file_count == 0) {
        walk("/proc", 1);
        walk("/proc/self", 1);
        if (file_count < 20)
            fuzz_finding("only %zu files found in /proc", file_count);
        if (fuzz_verbose()) {
            struct user_stat zombie;
            fprintf(stderr, "procfs_write: stat /proc/3: %ld\n", user_stat_at(AT_FDCWD, "/proc/3", 0, &zombie));
        }
        if (fuzz_verbose())
            for (size_t i = 0; i < file_count; i++)
                fprintf(stderr, "procfs_write: %s\n", files[i]);
        user_reset();
    }
    for (unsigned i = 0; i < MAX_OPERATIONS && fuzz_input_remaining(&input) > 0; i++) {
        user_reset();
        const char *path = files[fuzz_input_u8(&input) % file_count];
        if (fuzz_input_u8(&input) & 1)
            check_pieces(path, &input);
        else
            write_then_read(path, &input);
    }
    user_reset();
    check_consistent();
    return 0;
}
