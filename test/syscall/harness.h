/*
 * harness.h — the syscall suite's test harness.
 *
 * Every case gets a freshly booted kernel (syscall_test_setup), a test
 * process with a user arena, and issues syscalls by Linux number through
 * sys(), which is syscall_dispatch() on ringkernel: the entry user mode
 * uses. Paths and buffers live in user memory (user_string, user_alloc);
 * results are what Linux returns: a value or a negative errno.
 *
 * The same test files also build against the host's Linux (harness_linux.c,
 * run-on-linux.sh): Linux is the reference, and every expected value in
 * this suite has been checked there.
 */
#ifndef SYSCALL_HARNESS_H
#define SYSCALL_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <rk/errno.h>
#include <rk/file.h>
#include <rk/path.h>
#include <rk/syscall.h>
#include <rk/vfs.h>

#include "harness_backend.h"

/* ------------------------------------------------------ constants */

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC 1
#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4
#define MNT_FORCE 1
#define MNT_DETACH 2
#define UMOUNT_NOFOLLOW 8
#define STATX_BASIC_STATS 0x7ffu
#define STATX_TYPE 0x1u
#define STATX_MODE 0x2u
#define STATX__RESERVED 0x80000000u
#define FD_LIMIT 1024       /* RLIMIT_NOFILE of the test process on both systems */

/* ------------------------------------------------------ fixtures */

/* CMocka setup: boot, make the test process, map its user arena. */
int syscall_test_setup(void **state);
/* CMocka teardown: drop the process and give the arena's frames back. */
int syscall_test_teardown(void **state);

#define SYSCALL_TEST(function) \
    cmocka_unit_test_setup_teardown(function, syscall_test_setup, syscall_test_teardown)

/* Run a group of SYSCALL_TEST cases (main() of every test file). */
#define RUN_SYSCALL_TESTS(name, tests) cmocka_run_group_tests_name(name, tests, NULL, NULL)

/* ---------------------------------------------------- user memory */

/* length zeroed bytes of user memory, 16-byte aligned (fails the test when the arena is full). */
uintptr_t user_alloc(size_t length);
/* A NUL-terminated copy of text in user memory. */
uintptr_t user_string(const char *text);
/* The last length bytes of the arena: the byte after them is not mapped. */
uintptr_t user_tail(size_t length);
void user_read(void *destination, uintptr_t source, size_t length);
void user_write(uintptr_t destination, const void *source, size_t length);
/* Fill the read-only page (the kernel can read it, user writes to it fault). */
void user_readonly_fill(const void *data, size_t length);

#define U(text) user_string(text)

/* --------------------------------------------------------- syscalls */

long sys_call(unsigned long number, const uint64_t arguments[6]);
/* sys(SYS_xxx, a0, ...): up to six integer arguments (addresses as uintptr_t). */
#define sys(number, ...) sys_call((number), (const uint64_t[7]){ 0, ##__VA_ARGS__ } + 1)

/* Name of a result for messages: "-ENOENT", "0", "42". Static buffer. */
const char *result_name(long value);

void check_result(long got, long expected, const char *expression, const char *file, int line);
/* Assert a syscall result exactly: CHECK(sys(SYS_close, 99), -EBADF). */
#define CHECK(call, expected) check_result((long)(call), (long)(expected), #call, __FILE__, __LINE__)
/* Assert a syscall succeeded (>= 0) and return its value. */
long check_success(long got, const char *expression, const char *file, int line);
#define OK(call) check_success((long)(call), #call, __FILE__, __LINE__)

/* ---------------------------------------------------- layouts */

/* struct stat as x86_64 Linux writes it (144 bytes). */
struct test_stat {
    uint64_t st_dev;
    uint64_t st_ino;
    uint64_t st_nlink;
    uint32_t st_mode;
    uint32_t st_uid;
    uint32_t st_gid;
    uint32_t padding;
    uint64_t st_rdev;
    int64_t st_size;
    int64_t st_blksize;
    int64_t st_blocks;
    int64_t st_atime_sec;
    uint64_t st_atime_nsec;
    int64_t st_mtime_sec;
    uint64_t st_mtime_nsec;
    int64_t st_ctime_sec;
    uint64_t st_ctime_nsec;
    int64_t unused[3];
};

struct test_statx_timestamp {
    int64_t tv_sec;
    uint32_t tv_nsec;
    int32_t reserved;
};

/* struct statx (256 bytes). */
struct test_statx {
    uint32_t stx_mask;
    uint32_t stx_blksize;
    uint64_t stx_attributes;
    uint32_t stx_nlink;
    uint32_t stx_uid;
    uint32_t stx_gid;
    uint16_t stx_mode;
    uint16_t spare0;
    uint64_t stx_ino;
    uint64_t stx_size;
    uint64_t stx_blocks;
    uint64_t stx_attributes_mask;
    struct test_statx_timestamp stx_atime;
    struct test_statx_timestamp stx_btime;
    struct test_statx_timestamp stx_ctime;
    struct test_statx_timestamp stx_mtime;
    uint32_t stx_rdev_major;
    uint32_t stx_rdev_minor;
    uint32_t stx_dev_major;
    uint32_t stx_dev_minor;
    uint64_t spare[14];
};

/* One linux_dirent64 record, decoded. */
struct test_dirent {
    uint64_t ino;
    int64_t off;
    uint16_t reclen;
    uint8_t type;
    char name[256];
};

/* The iovec layout. */
struct test_iovec {
    uint64_t base;
    uint64_t length;
};

/* ------------------------------------------------------ helpers */

/* openat(AT_FDCWD, path, flags, mode): the result. */
long open_path(const char *path, unsigned flags, unsigned mode);
/* Create (or truncate) path with contents; asserts success. */
void create_file(const char *path, const char *contents);
/* mkdir path 0755; asserts success. */
void create_directory(const char *path);
/* symlink target at path; asserts success. */
void create_symlink(const char *target, const char *path);

/* newfstatat(AT_FDCWD, path, out, flags): the result; *out filled on success. */
long stat_at(int dirfd, const char *path, struct test_stat *out, unsigned flags);
long stat_path(const char *path, struct test_stat *out);   /* follows links */
long lstat_path(const char *path, struct test_stat *out);
long fstat_fd(int fd, struct test_stat *out);
/* statx(dirfd, path, flags, mask, out). */
long statx_at(int dirfd, const char *path, unsigned flags, unsigned mask, struct test_statx *out);
/* True when path exists (lstat). */
bool path_exists(const char *path);
/* The inode number of path (lstat), failing the test when it is missing. */
uint64_t inode_of(const char *path);

/* write(fd) of length bytes copied from data: the result. */
long write_fd(int fd, const void *data, size_t length);
long write_text(int fd, const char *text);
/* read(fd) of up to length bytes into out: the result. */
long read_fd(int fd, void *out, size_t length);
/* pread/pwrite at offset. */
long pread_fd(int fd, void *out, size_t length, int64_t offset);
long pwrite_fd(int fd, const void *data, size_t length, int64_t offset);
/*
 * The whole contents of path (up to size - 1 bytes, NUL-terminated) in
 * out; returns the byte count or a negative errno.
 */
long read_file(const char *path, char *out, size_t size);
/* readlink(path) into out (NUL-terminated): the result. */
long readlink_path(const char *path, char *out, size_t size);
/* getcwd into out: the result. */
long getcwd_text(char *out, size_t size);

/*
 * getdents64(fd) with a buffer of buffer_size bytes, decoded into records
 * (at most max). Returns the syscall result (bytes), *count the records.
 */
long getdents_fd(int fd, size_t buffer_size, struct test_dirent *records, size_t max,
                 size_t *count);
/*
 * The entries of directory path as a sorted, space-separated list of
 * "name:type" with type one of d f l c b p s ?, e.g. ". :d .. :d a:f".
 * Asserts that listing succeeds. Static buffer.
 */
const char *directory_listing(const char *path);

/* A path of length characters: "a/" components padded, for ENAMETOOLONG cases. */
char *long_path(size_t length);

/* Threads in the test process (see harness_backend.h). */
void *thread_start(const char *name, void (*function)(void *argument), void *argument);
void thread_join_checked(void *handle);

void clock_advance_ms(unsigned milliseconds);

/* True on the reference system (for the few cases whose setup differs). */
bool running_on_linux(void);

#endif
