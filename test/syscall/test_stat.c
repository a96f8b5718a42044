/*
 * test_stat.c — stat, lstat, fstat, newfstatat, statx: the fields programs
 * check (st_mode, st_ino, st_nlink, st_size, st_blocks, st_blksize,
 * st_dev, st_rdev, times), the AT_* flags and the errors.
 */
#include <string.h>

#include "harness.h"

static void stat_of_a_regular_file(void **state)
{
    create_file("/file", "hello");
    struct test_stat st;
    CHECK(stat_path("/file", &st), 0);
    CHECK(st.st_mode, S_IFREG | 0644);
    CHECK(st.st_size, 5);
    CHECK(st.st_nlink, 1);
    CHECK(st.st_blksize, 4096);
    CHECK(st.st_blocks, 8);
    CHECK(st.st_uid, 0);
    CHECK(st.st_gid, 0);
    CHECK(st.st_rdev, 0);
    assert_true(st.st_ino != 0);
    struct test_stat root;
    CHECK(stat_path("/", &root), 0);
    CHECK(st.st_dev, root.st_dev);
    assert_true(st.st_ino != root.st_ino);
}

static void empty_files_have_no_blocks(void **state)
{
    create_file("/empty", "");
    struct test_stat st;
    CHECK(stat_path("/empty", &st), 0);
    CHECK(st.st_size, 0);
    CHECK(st.st_blocks, 0);
}

static void stat_of_directories_counts_links(void **state)
{
    create_directory("/dir");
    struct test_stat st;
    CHECK(stat_path("/dir", &st), 0);
    CHECK(st.st_mode, S_IFDIR | 0755);
    CHECK(st.st_nlink, 2);
    create_directory("/dir/a");
    create_directory("/dir/b");
    create_file("/dir/file", "");
    CHECK(stat_path("/dir", &st), 0);
    CHECK(st.st_nlink, 4); /* ".", its name, and ".." of each subdirectory */
    CHECK(sys(SYS_rmdir, U("/dir/a")), 0);
    CHECK(stat_path("/dir", &st), 0);
    CHECK(st.st_nlink, 3);
}

static void lstat_sees_the_link_and_stat_its_target(void **state)
{
    create_file("/file", "0123456789");
    create_symlink("/file", "/link");
    struct test_stat link, target, file;
    CHECK(lstat_path("/link", &link), 0);
    CHECK(stat_path("/link", &target), 0);
    CHECK(stat_path("/file", &file), 0);
    CHECK(link.st_mode, S_IFLNK | 0777);
    CHECK(link.st_size, 5); /* strlen("/file") */
    CHECK(link.st_nlink, 1);
    assert_true(link.st_ino != file.st_ino);
    CHECK(target.st_ino, file.st_ino);
    CHECK(target.st_mode, S_IFREG | 0644);
    CHECK(target.st_size, 10);
    uintptr_t buffer = user_alloc(sizeof(struct test_stat));
    CHECK(sys(SYS_lstat, U("/link"), buffer), 0);
    user_read(&link, buffer, sizeof link);
    CHECK(link.st_mode, S_IFLNK | 0777);
    CHECK(sys(SYS_stat, U("/link"), buffer), 0);
    user_read(&target, buffer, sizeof target);
    CHECK(target.st_ino, file.st_ino);
}

static void fstat_matches_stat(void **state)
{
    create_file("/file", "abc");
    long fd = OK(open_path("/file", O_RDONLY, 0));
    struct test_stat by_fd, by_path;
    CHECK(fstat_fd((int)fd, &by_fd), 0);
    CHECK(stat_path("/file", &by_path), 0);
    CHECK(by_fd.st_ino, by_path.st_ino);
    CHECK(by_fd.st_dev, by_path.st_dev);
    CHECK(by_fd.st_mode, by_path.st_mode);
    CHECK(by_fd.st_size, 3);
    /* Still valid after the name is gone. */
    CHECK(sys(SYS_unlink, U("/file")), 0);
    CHECK(fstat_fd((int)fd, &by_fd), 0);
    CHECK(by_fd.st_nlink, 0);
    CHECK(by_fd.st_size, 3);
}

static void stat_errors(void **state)
{
    create_file("/file", "x");
    struct test_stat st;
    CHECK(stat_path("/missing", &st), -ENOENT);
    CHECK(stat_path("/file/x", &st), -ENOTDIR);
    CHECK(stat_path("/file/", &st), -ENOTDIR);
    CHECK(stat_path("", &st), -ENOENT);
    CHECK(sys(SYS_stat, HARNESS_UNMAPPED, user_alloc(sizeof st)), -EFAULT);
    CHECK(sys(SYS_stat, U("/file"), HARNESS_UNMAPPED), -EFAULT);
    CHECK(sys(SYS_stat, U("/file"), HARNESS_READONLY), -EFAULT);
    CHECK(sys(SYS_lstat, U("/file"), HARNESS_KERNEL_ADDRESS), -EFAULT);
    CHECK(sys(SYS_stat, U("/file"), user_tail(100)), -EFAULT); /* straddles the end */
}

static void fstat_errors(void **state)
{
    create_file("/file", "x");
    long fd = OK(open_path("/file", O_RDONLY, 0));
    CHECK(sys(SYS_fstat, 99, user_alloc(sizeof(struct test_stat))), -EBADF);
    CHECK(sys(SYS_fstat, -1, user_alloc(sizeof(struct test_stat))), -EBADF);
    CHECK(sys(SYS_fstat, fd, HARNESS_UNMAPPED), -EFAULT);
    CHECK(sys(SYS_fstat, fd, HARNESS_READONLY), -EFAULT);
}

static void newfstatat_flags(void **state)
{
    create_directory("/dir");
    create_file("/dir/file", "12");
    create_symlink("file", "/dir/link");
    long dirfd = OK(open_path("/dir", O_RDONLY | O_DIRECTORY, 0));
    struct test_stat st;
    CHECK(stat_at((int)dirfd, "link", &st, 0), 0);
    CHECK(st.st_mode, S_IFREG | 0644);
    CHECK(stat_at((int)dirfd, "link", &st, AT_SYMLINK_NOFOLLOW), 0);
    CHECK(st.st_mode, S_IFLNK | 0777);
    CHECK(stat_at((int)dirfd, "", &st, AT_EMPTY_PATH), 0);
    CHECK(st.st_mode, S_IFDIR | 0755);
    CHECK(stat_at((int)dirfd, "", &st, 0), -ENOENT);
    CHECK(stat_at((int)dirfd, "link", &st, 0x8000), -EINVAL);
    CHECK(stat_at((int)dirfd, "link", &st, 0x1), -EINVAL);
    CHECK(stat_at(99, "link", &st, 0), -EBADF);
    long filefd = OK(open_path("/dir/file", O_RDONLY, 0));
    CHECK(stat_at((int)filefd, "", &st, AT_EMPTY_PATH), 0);
    CHECK(st.st_size, 2);
    CHECK(stat_at((int)filefd, "x", &st, 0), -ENOTDIR);
    CHECK(stat_at(99, "", &st, AT_EMPTY_PATH), -EBADF);
}

static void newfstatat_accepts_the_statx_sync_type_bits(void **state)
{
    create_file("/file", "x");
    struct test_stat st;
    CHECK(stat_at(AT_FDCWD, "/file", &st, 0x2000), 0); /* AT_STATX_FORCE_SYNC */
    CHECK(stat_at(AT_FDCWD, "/file", &st, 0x4000), 0); /* AT_STATX_DONT_SYNC */
    CHECK(stat_at(AT_FDCWD, "/file", &st, 0x6000), 0); /* both: only statx refuses that */
    CHECK(st.st_size, 1);
}

static void newfstatat_empty_path_with_at_fdcwd_is_the_cwd(void **state)
{
    create_directory("/dir");
    CHECK(sys(SYS_chdir, U("/dir")), 0);
    struct test_stat cwd, dir;
    CHECK(stat_at(AT_FDCWD, "", &cwd, AT_EMPTY_PATH), 0);
    CHECK(stat_path("/dir", &dir), 0);
    CHECK(cwd.st_ino, dir.st_ino);
}

static void statx_reports_the_same_fields_as_newfstatat(void **state)
{
    create_file("/file", "statx data");
    struct test_stat st;
    struct test_statx stx;
    CHECK(stat_path("/file", &st), 0);
    CHECK(statx_at(AT_FDCWD, "/file", 0, STATX_BASIC_STATS, &stx), 0);
    CHECK(stx.stx_mask & STATX_BASIC_STATS, STATX_BASIC_STATS);
    CHECK(stx.stx_mode, st.st_mode);
    CHECK(stx.stx_ino, st.st_ino);
    CHECK(stx.stx_nlink, st.st_nlink);
    CHECK(stx.stx_size, 10);
    CHECK(stx.stx_blocks, st.st_blocks);
    CHECK(stx.stx_blksize, st.st_blksize);
    CHECK(stx.stx_uid, 0);
    CHECK(stx.stx_gid, 0);
    CHECK(device_number(stx.stx_dev_major, stx.stx_dev_minor), st.st_dev);
    CHECK(stx.stx_mtime.tv_sec, st.st_mtime_sec);
    CHECK(stx.stx_mtime.tv_nsec, st.st_mtime_nsec);
    CHECK(stx.stx_ctime.tv_sec, st.st_ctime_sec);
    CHECK(stx.stx_atime.tv_sec, st.st_atime_sec);
}

static void statx_of_a_device_node_splits_rdev(void **state)
{
    CHECK(sys(SYS_mknod, U("/node"), S_IFCHR | 0600, device_number(4, 300)), 0);
    struct test_statx stx;
    CHECK(statx_at(AT_FDCWD, "/node", 0, STATX_BASIC_STATS, &stx), 0);
    CHECK(stx.stx_mode, S_IFCHR | 0600);
    CHECK(stx.stx_rdev_major, 4);
    CHECK(stx.stx_rdev_minor, 300);
}

static void statx_flags_and_errors(void **state)
{
    create_file("/file", "x");
    create_symlink("/file", "/link");
    struct test_statx stx;
    CHECK(statx_at(AT_FDCWD, "/link", AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &stx), 0);
    CHECK(stx.stx_mode, S_IFLNK | 0777);
    CHECK(statx_at(AT_FDCWD, "/link", 0, STATX_TYPE | STATX_MODE, &stx), 0);
    CHECK(stx.stx_mode, S_IFREG | 0644);
    long fd = OK(open_path("/file", O_RDONLY, 0));
    CHECK(statx_at((int)fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx), 0);
    CHECK(stx.stx_size, 1);
    CHECK(statx_at(AT_FDCWD, "/missing", 0, STATX_BASIC_STATS, &stx), -ENOENT);
    CHECK(statx_at(AT_FDCWD, "/file", 0x8000, STATX_BASIC_STATS, &stx), -EINVAL);
    CHECK(statx_at(AT_FDCWD, "/file", 0x6000, STATX_BASIC_STATS, &stx), -EINVAL);
    CHECK(statx_at(AT_FDCWD, "/file", 0, STATX__RESERVED, &stx), -EINVAL);
    CHECK(sys(SYS_statx, AT_FDCWD, U("/file"), 0, STATX_BASIC_STATS, HARNESS_UNMAPPED), -EFAULT);
    CHECK(sys(SYS_statx, AT_FDCWD, HARNESS_UNMAPPED, 0, STATX_BASIC_STATS, user_alloc(256)), -EFAULT);
    CHECK(statx_at(99, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx), -EBADF);
}

static void inode_numbers_are_unique_and_shared_by_hard_links(void **state)
{
    create_file("/a", "");
    create_file("/b", "");
    create_directory("/c");
    CHECK(sys(SYS_link, U("/a"), U("/a2")), 0);
    uint64_t a = inode_of("/a"), b = inode_of("/b"), c = inode_of("/c");
    assert_true(a != b && b != c && a != c);
    CHECK(inode_of("/a2"), a);
    struct test_stat st;
    CHECK(stat_path("/a", &st), 0);
    CHECK(st.st_nlink, 2);
}

static void timestamps_follow_writes_and_attribute_changes(void **state)
{
    long fd = OK(open_path("/file", O_RDWR | O_CREAT, 0644));
    struct test_stat created, written, changed;
    CHECK(fstat_fd((int)fd, &created), 0);
    CHECK(created.st_mtime_sec, created.st_ctime_sec);
    CHECK(created.st_mtime_nsec, created.st_ctime_nsec);
    clock_advance_ms(1500);
    CHECK(write_text((int)fd, "data"), 4);
    CHECK(fstat_fd((int)fd, &written), 0);
    assert_true(written.st_mtime_sec > created.st_mtime_sec ||
                (written.st_mtime_sec == created.st_mtime_sec &&
                 written.st_mtime_nsec > created.st_mtime_nsec));
    CHECK(written.st_ctime_sec, written.st_mtime_sec);
    CHECK(written.st_ctime_nsec, written.st_mtime_nsec);
    clock_advance_ms(1500);
    CHECK(sys(SYS_fchmod, fd, 0600), 0);
    CHECK(fstat_fd((int)fd, &changed), 0);
    CHECK(changed.st_mtime_sec, written.st_mtime_sec);   /* chmod leaves mtime */
    CHECK(changed.st_mtime_nsec, written.st_mtime_nsec);
    assert_true(changed.st_ctime_sec > written.st_ctime_sec ||
                (changed.st_ctime_sec == written.st_ctime_sec &&
                 changed.st_ctime_nsec > written.st_ctime_nsec));
}

static void creating_an_entry_updates_the_directory_times(void **state)
{
    create_directory("/dir");
    struct test_stat before, after;
    CHECK(stat_path("/dir", &before), 0);
    clock_advance_ms(1500);
    create_file("/dir/new", "");
    CHECK(stat_path("/dir", &after), 0);
    assert_true(after.st_mtime_sec > before.st_mtime_sec ||
                (after.st_mtime_sec == before.st_mtime_sec &&
                 after.st_mtime_nsec > before.st_mtime_nsec));
    assert_true(after.st_ctime_sec > before.st_ctime_sec ||
                (after.st_ctime_sec == before.st_ctime_sec &&
                 after.st_ctime_nsec > before.st_ctime_nsec));
}

static void truncate_updates_size_and_blocks(void **state)
{
    create_file("/file", "");
    CHECK(sys(SYS_truncate, U("/file"), 100000), 0);
    struct test_stat st;
    CHECK(stat_path("/file", &st), 0);
    CHECK(st.st_size, 100000);
    CHECK(st.st_blocks, 0); /* growing does not allocate */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYSCALL_TEST(stat_of_a_regular_file),
        SYSCALL_TEST(empty_files_have_no_blocks),
        SYSCALL_TEST(stat_of_directories_counts_links),
        SYSCALL_TEST(lstat_sees_the_link_and_stat_its_target),
        SYSCALL_TEST(fstat_matches_stat),
        SYSCALL_TEST(stat_errors),
        SYSCALL_TEST(fstat_errors),
        SYSCALL_TEST(newfstatat_flags),
        SYSCALL_TEST(newfstatat_accepts_the_statx_sync_type_bits),
        SYSCALL_TEST(newfstatat_empty_path_with_at_fdcwd_is_the_cwd),
        SYSCALL_TEST(statx_reports_the_same_fields_as_newfstatat),
        SYSCALL_TEST(statx_of_a_device_node_splits_rdev),
        SYSCALL_TEST(statx_flags_and_errors),
        SYSCALL_TEST(inode_numbers_are_unique_and_shared_by_hard_links),
        SYSCALL_TEST(timestamps_follow_writes_and_attribute_changes),
        SYSCALL_TEST(creating_an_entry_updates_the_directory_times),
        SYSCALL_TEST(truncate_updates_size_and_blocks),
    };
    return RUN_SYSCALL_TESTS("syscall-stat", tests);
}
