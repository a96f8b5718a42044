/*
 * test_times.c — utimensat (paths, the futimens form, AT_SYMLINK_NOFOLLOW,
 * AT_EMPTY_PATH, UTIME_NOW / UTIME_OMIT, NULL times), utimes, futimesat
 * and utime, with Linux's errors. Every expected value was checked on the
 * host's Linux with run-on-linux.sh.
 */
#include <string.h>

#include "harness.h"

#define UTIME_NOW ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)

/* Two struct timespec in user memory. */
static uintptr_t timespecs(int64_t access_seconds, int64_t access_nanoseconds,
                           int64_t modify_seconds, int64_t modify_nanoseconds)
{
    int64_t values[4] = { access_seconds, access_nanoseconds, modify_seconds, modify_nanoseconds };
    uintptr_t address = user_alloc(sizeof values);
    user_write(address, values, sizeof values);
    return address;
}

/* Two struct timeval in user memory. */
static uintptr_t timevals(int64_t access_seconds, int64_t access_microseconds,
                          int64_t modify_seconds, int64_t modify_microseconds)
{
    return timespecs(access_seconds, access_microseconds, modify_seconds, modify_microseconds);
}

static struct test_stat stat_of(const char *path)
{
    struct test_stat st;
    CHECK(lstat_path(path, &st), 0);
    return st;
}

/* The file's times as (seconds, nanoseconds) pairs. */
#define CHECK_ACCESS_TIME(st, seconds, nanoseconds)                                               \
    do {                                                                                           \
        CHECK((st).st_atime_sec, seconds);                                                         \
        CHECK((st).st_atime_nsec, nanoseconds);                                                    \
    } while (0)
#define CHECK_MODIFY_TIME(st, seconds, nanoseconds)                                               \
    do {                                                                                           \
        CHECK((st).st_mtime_sec, seconds);                                                         \
        CHECK((st).st_mtime_nsec, nanoseconds);                                                    \
    } while (0)

/* True when time a (seconds, nanoseconds) equals time b. */
static bool same_time(int64_t a_seconds, uint64_t a_nanoseconds, int64_t b_seconds,
                      uint64_t b_nanoseconds)
{
    return a_seconds == b_seconds && a_nanoseconds == b_nanoseconds;
}

static void utimensat_sets_explicit_times(void **state)
{
    create_file("/file", "x");
    struct test_stat before = stat_of("/file");
    clock_advance_ms(20);
    CHECK(sys(SYS_utimensat, AT_FDCWD, U("/file"), timespecs(100, 5, 200, 999999999), 0), 0);
    struct test_stat after = stat_of("/file");
    CHECK_ACCESS_TIME(after, 100, 5);
    CHECK_MODIFY_TIME(after, 200, 999999999);
    /* The change time moves to now. */
    assert_false(same_time(after.st_ctime_sec, after.st_ctime_nsec, before.st_ctime_sec,
                           before.st_ctime_nsec));
    /* Times before 1970 are allowed. */
    CHECK(sys(SYS_utimensat, AT_FDCWD, U("/file"), timespecs(-5, 0, -1, 7), 0), 0);
    after = stat_of("/file");
    CHECK_ACCESS_TIME(after, -5, 0);
    CHECK_MODIFY_TIME(after, -1, 7);
}

static void utimensat_null_times_means_now(void **state)
{
    create_file("/file", "x");
    CHECK(sys(SYS_utimensat, AT_FDCWD, U("/file"), timespecs(100, 0, 200, 0), 0), 0);
    clock_advance_ms(20);
    CHECK(sys(SYS_utimensat, AT_FDCWD, U("/file"), 0, 0), 0);
    struct test_stat st = stat_of("/file");
    assert_true(st.st_atime_sec > 200);
    assert_true(same_time(st.st_atime_sec, st.st_atime_nsec, st.st_mtime_sec, st.st_mtime_nsec));
    assert_true(same_time(st.st_mtime_sec, st.st_mtime_nsec, st.st_ctime_sec, st.st_ctime_nsec));
    /* Both UTIME_NOW is the same as NULL. */
    CHECK(sys(SYS_utimensat, AT_FDCWD, U("/file"), timespecs(100, 0, 200, 0), 0), 0);
    CHECK(sys(SYS_utimensat, AT_FDCWD, U("/file"), timespecs(0, UTIME_NOW, 0, UTIME_NOW), 0), 0);
    st = stat_of("/file");
    assert_true(st.st_mtime_sec > 200);
    assert_true(same_time(st.st_atime_sec, st.st_atime_nsec, st.st_mtime_sec, st.st_mtime_nsec));
}

static void utime_now_and_utime_omit_pick_fields(void **state)
{
    create_file("/file", "x");
    CHECK(sys(SYS_utimensat, AT_FDCWD, U("/file"), timespecs(100, 1, 200, 2), 0), 0);
    clock_advance_ms(20);
    /* The seconds of UTIME_NOW and UTIME_OMIT entries are ignored. */
    CHECK(sys(SYS_utimensat, AT_FDCWD, U("/file"), timespecs(-77, UTIME_NOW, 12345, UTIME_OMIT), 0),
          0);
    struct test_stat st = stat_of("/file");
    assert_true(st.st_atime_sec > 200);
    assert_true(same_time(st.st_atime_sec, st.st_atime_nsec, st.st_ctime_sec, st.st_ctime_nsec));
    CHECK_MODIFY_TIME(st, 200, 2);
    CHECK(sys(SYS_utimensat, AT_FDCWD, U("/file"), timespecs(0, UTIME_OMIT, 300, 3), 0), 0);
    struct test_stat again = stat_of("/file");
    CHECK_ACCESS_TIME(again, st.st_atime_sec, st.st_atime_nsec);
    CHECK_MODIFY_TIME(again, 300, 3);
    /* Both omitted: nothing to do, the path is not even looked at. */
    CHECK(sys(SYS_utimensat, AT_FDCWD, U("/missing"), timespecs(0, UTIME_OMIT, 0, UTIME_OMIT), 0),
          0);
    CHECK(sys(SYS_utimensat, 99, HARNESS_UNMAPPED, timespecs(0, UTIME_OMIT, 0, UTIME_OMIT), 0x4000),
          0);
}

static void utimensat_symlink_nofollow_changes_the_link(void **state)
{
    create_file("/file", "x");
    create_symlink("/file", "/link");
    CHECK(sys(SYS_utimensat, AT_FDCWD, U("/file"), timespecs(1, 0, 2, 0), 0), 0);
    CHECK(sys(SYS_utimensat, AT_FDCWD, U("/link"), timespecs(10, 0, 20, 0), AT_SYMLINK_NOFOLLOW), 0);
    CHECK_MODIFY_TIME(stat_of("/link"), 20, 0);
    CHECK_MODIFY_TIME(stat_of("/file"), 2, 0);
    CHECK(sys(SYS_utimensat, AT_FDCWD, U("/link"), timespecs(30, 0, 40, 0), 0), 0);
    CHECK_MODIFY_TIME(stat_of("/file"), 40, 0);
    CHECK_MODIFY_TIME(stat_of("/link"), 20, 0);
    /* A dangling link: following fails, the link itself can be stamped. */
    create_symlink("/nowhere", "/dangling");
    CHECK(sys(SYS_utimensat, AT_FDCWD, U("/dangling"), timespecs(5, 0, 6, 0), 0), -ENOENT);
    CHECK(sys(SYS_utimensat, AT_FDCWD, U("/dangling"), timespecs(5, 0, 6, 0), AT_SYMLINK_NOFOLLOW),
          0);
    CHECK_MODIFY_TIME(stat_of("/dangling"), 6, 0);
}

static void utimensat_relative_to_a_directory(void **state)
{
    create_directory("/dir");
    create_file("/dir/file", "x");
    long dirfd = OK(open_path("/dir", O_RDONLY | O_DIRECTORY, 0));
    CHECK(sys(SYS_utimensat, dirfd, U("file"), timespecs(7, 0, 8, 0), 0), 0);
    CHECK_MODIFY_TIME(stat_of("/dir/file"), 8, 0);
    long filefd = OK(open_path("/dir/file", O_RDONLY, 0));
    CHECK(sys(SYS_utimensat, filefd, U("file"), timespecs(7, 0, 8, 0), 0), -ENOTDIR);
    CHECK(sys(SYS_utimensat, 99, U("file"), timespecs(7, 0, 8, 0), 0), -EBADF);
    /* An absolute path ignores dirfd. */
    CHECK(sys(SYS_utimensat, 99, U("/dir/file"), timespecs(7, 0, 9, 0), 0), 0);
    CHECK_MODIFY_TIME(stat_of("/dir/file"), 9, 0);
}

static void utimensat_with_a_null_path_is_futimens(void **state)
{
    create_file("/file", "x");
    create_directory("/dir");
    long fd = OK(open_path("/file", O_RDONLY, 0));
    CHECK(sys(SYS_utimensat, fd, 0, timespecs(11, 0, 12, 0), 0), 0);
    CHECK_MODIFY_TIME(stat_of("/file"), 12, 0);
    long dirfd = OK(open_path("/dir", O_RDONLY | O_DIRECTORY, 0));
    CHECK(sys(SYS_utimensat, dirfd, 0, timespecs(13, 0, 14, 0), 0), 0);
    CHECK_MODIFY_TIME(stat_of("/dir"), 14, 0);
    /* Any flag makes the descriptor form invalid. */
    CHECK(sys(SYS_utimensat, fd, 0, timespecs(11, 0, 12, 0), AT_SYMLINK_NOFOLLOW), -EINVAL);
    CHECK(sys(SYS_utimensat, fd, 0, timespecs(11, 0, 12, 0), AT_EMPTY_PATH), -EINVAL);
    CHECK(sys(SYS_utimensat, 99, 0, timespecs(11, 0, 12, 0), 0), -EBADF);
    /* An O_PATH descriptor is not enough for the descriptor form... */
    long pathfd = OK(open_path("/file", O_PATH, 0));
    CHECK(sys(SYS_utimensat, pathfd, 0, timespecs(15, 0, 16, 0), 0), -EBADF);
    /* ...but it is with an empty path and AT_EMPTY_PATH. */
    CHECK(sys(SYS_utimensat, pathfd, U(""), timespecs(15, 0, 16, 0), AT_EMPTY_PATH), 0);
    CHECK_MODIFY_TIME(stat_of("/file"), 16, 0);
    CHECK(sys(SYS_utimensat, fd, U(""), timespecs(15, 0, 17, 0), 0), -ENOENT);
    /* With AT_FDCWD the NULL path is read from user memory. */
    CHECK(sys(SYS_utimensat, AT_FDCWD, 0, timespecs(11, 0, 12, 0), 0), -EFAULT);
    /* A write-only descriptor works as well (root). */
    long writer = OK(open_path("/file", O_WRONLY, 0));
    CHECK(sys(SYS_utimensat, writer, 0, 0, 0), 0);
}

static void utimensat_on_a_pipe_descriptor(void **state)
{
    uintptr_t fds = user_alloc(8);
    CHECK(sys(SYS_pipe, fds), 0);
    int pipe_fds[2];
    user_read(pipe_fds, fds, sizeof pipe_fds);
    CHECK(sys(SYS_utimensat, pipe_fds[0], 0, 0, 0), 0);
}

static void utimensat_errors(void **state)
{
    create_file("/file", "x");
    CHECK(sys(SYS_utimensat, AT_FDCWD, U("/file"), timespecs(1, 1000000000, 2, 0), 0), -EINVAL);
    CHECK(sys(SYS_utimensat, AT_FDCWD, U("/file"), timespecs(1, 0, 2, -1), 0), -EINVAL);
    CHECK(sys(SYS_utimensat, AT_FDCWD, U("/file"), timespecs(1, UTIME_NOW + 1, 2, 0), 0), -EINVAL);
    /* The path is looked up before the times are checked. */
    CHECK(sys(SYS_utimensat, AT_FDCWD, U("/missing"), timespecs(1, -1, 2, 0), 0), -ENOENT);
    CHECK(sys(SYS_utimensat, AT_FDCWD, U("/file"), timespecs(1, 0, 2, 0), 0x1), -EINVAL);
    CHECK(sys(SYS_utimensat, AT_FDCWD, U("/file"), timespecs(1, 0, 2, 0), AT_SYMLINK_FOLLOW),
          -EINVAL);
    CHECK(sys(SYS_utimensat, AT_FDCWD, U("/file"), HARNESS_UNMAPPED, 0), -EFAULT);
    CHECK(sys(SYS_utimensat, AT_FDCWD, U("/file"), HARNESS_KERNEL_ADDRESS, 0), -EFAULT);
    /* A bad times pointer is noticed before the path. */
    CHECK(sys(SYS_utimensat, AT_FDCWD, U("/missing"), HARNESS_UNMAPPED, 0), -EFAULT);
    CHECK(sys(SYS_utimensat, AT_FDCWD, HARNESS_UNMAPPED, 0, 0), -EFAULT);
    CHECK(sys(SYS_utimensat, AT_FDCWD, U("/missing"), 0, 0), -ENOENT);
    CHECK(sys(SYS_utimensat, AT_FDCWD, U("/file/"), 0, 0), -ENOTDIR);
    CHECK(sys(SYS_utimensat, AT_FDCWD, U("/file/x"), 0, 0), -ENOTDIR);
    CHECK(sys(SYS_utimensat, AT_FDCWD, U(""), 0, 0), -ENOENT);
    /* The empty path with AT_EMPTY_PATH and AT_FDCWD is the working directory. */
    create_directory("/dir");
    CHECK(sys(SYS_chdir, U("/dir")), 0);
    CHECK(sys(SYS_utimensat, AT_FDCWD, U(""), timespecs(3, 0, 4, 0), AT_EMPTY_PATH), 0);
    CHECK_MODIFY_TIME(stat_of("/dir"), 4, 0);
}

static void utimes_takes_microseconds(void **state)
{
    create_file("/file", "x");
    CHECK(sys(SYS_utimes, U("/file"), timevals(100, 500000, 200, 999999)), 0);
    struct test_stat st = stat_of("/file");
    CHECK_ACCESS_TIME(st, 100, 500000000);
    CHECK_MODIFY_TIME(st, 200, 999999000);
    CHECK(sys(SYS_utimes, U("/file"), timevals(100, 1000000, 200, 0)), -EINVAL);
    CHECK(sys(SYS_utimes, U("/file"), timevals(100, 0, 200, -1)), -EINVAL);
    /* The microseconds are checked before the path. */
    CHECK(sys(SYS_utimes, U("/missing"), timevals(100, -1, 200, 0)), -EINVAL);
    CHECK(sys(SYS_utimes, U("/missing"), timevals(100, 0, 200, 0)), -ENOENT);
    CHECK(sys(SYS_utimes, U("/file"), HARNESS_UNMAPPED), -EFAULT);
    CHECK(sys(SYS_utimes, HARNESS_UNMAPPED, 0), -EFAULT);
    clock_advance_ms(20);
    CHECK(sys(SYS_utimes, U("/file"), 0), 0);
    st = stat_of("/file");
    assert_true(st.st_mtime_sec > 200);
    assert_true(same_time(st.st_atime_sec, st.st_atime_nsec, st.st_ctime_sec, st.st_ctime_nsec));
    /* utimes follows symlinks. */
    create_symlink("/file", "/link");
    CHECK(sys(SYS_utimes, U("/link"), timevals(1, 0, 2, 0)), 0);
    CHECK_MODIFY_TIME(stat_of("/file"), 2, 0);
}

static void futimesat_is_utimes_relative_to_a_directory(void **state)
{
    create_directory("/dir");
    create_file("/dir/file", "x");
    long dirfd = OK(open_path("/dir", O_RDONLY | O_DIRECTORY, 0));
    CHECK(sys(SYS_futimesat, dirfd, U("file"), timevals(5, 1, 6, 2)), 0);
    struct test_stat st = stat_of("/dir/file");
    CHECK_ACCESS_TIME(st, 5, 1000);
    CHECK_MODIFY_TIME(st, 6, 2000);
    /* A NULL path stamps the descriptor's own file (futimes). */
    long fd = OK(open_path("/dir/file", O_RDONLY, 0));
    CHECK(sys(SYS_futimesat, fd, 0, timevals(7, 0, 8, 0)), 0);
    CHECK_MODIFY_TIME(stat_of("/dir/file"), 8, 0);
    CHECK(sys(SYS_futimesat, AT_FDCWD, 0, timevals(7, 0, 8, 0)), -EFAULT);
    CHECK(sys(SYS_futimesat, 99, U("file"), timevals(7, 0, 8, 0)), -EBADF);
    CHECK(sys(SYS_futimesat, dirfd, U("missing"), timevals(7, 0, 8, 0)), -ENOENT);
    CHECK(sys(SYS_futimesat, dirfd, U("file"), timevals(7, 0, 8, 1000000)), -EINVAL);
}

static void utime_takes_whole_seconds(void **state)
{
    create_file("/file", "x");
    int64_t times[2] = { 300, 400 };
    uintptr_t buffer = user_alloc(sizeof times);
    user_write(buffer, times, sizeof times);
    CHECK(sys(SYS_utime, U("/file"), buffer), 0);
    struct test_stat st = stat_of("/file");
    CHECK_ACCESS_TIME(st, 300, 0);
    CHECK_MODIFY_TIME(st, 400, 0);
    clock_advance_ms(20);
    CHECK(sys(SYS_utime, U("/file"), 0), 0);
    st = stat_of("/file");
    assert_true(st.st_mtime_sec > 400);
    CHECK(sys(SYS_utime, U("/missing"), buffer), -ENOENT);
    CHECK(sys(SYS_utime, U("/file"), HARNESS_UNMAPPED), -EFAULT);
    CHECK(sys(SYS_utime, HARNESS_UNMAPPED, buffer), -EFAULT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYSCALL_TEST(utimensat_sets_explicit_times),
        SYSCALL_TEST(utimensat_null_times_means_now),
        SYSCALL_TEST(utime_now_and_utime_omit_pick_fields),
        SYSCALL_TEST(utimensat_symlink_nofollow_changes_the_link),
        SYSCALL_TEST(utimensat_relative_to_a_directory),
        SYSCALL_TEST(utimensat_with_a_null_path_is_futimens),
        SYSCALL_TEST(utimensat_on_a_pipe_descriptor),
        SYSCALL_TEST(utimensat_errors),
        SYSCALL_TEST(utimes_takes_microseconds),
        SYSCALL_TEST(futimesat_is_utimes_relative_to_a_directory),
        SYSCALL_TEST(utime_takes_whole_seconds),
    };
    return RUN_SYSCALL_TESTS("syscall-times", tests);
}
