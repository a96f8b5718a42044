/*
 * test_mount.c — mount and umount2 of tmpfs, proc and devtmpfs: what a
 * mount covers and uncovers, crossing mount points both ways, EBUSY,
 * EXDEV, and the errors of both calls.
 */
#include <string.h>

#include "harness.h"

static long mount_tmpfs(const char *target)
{
    return sys(SYS_mount, U("none"), U(target), U("tmpfs"), 0, 0);
}

static void a_tmpfs_mount_covers_the_directory_until_unmounted(void **state)
{
    create_directory("/mnt");
    create_file("/mnt/under", "hidden");
    CHECK(mount_tmpfs("/mnt"), 0);
    assert_string_equal(directory_listing("/mnt"), "..:d .:d");
    CHECK(path_exists("/mnt/under"), false);
    create_file("/mnt/inside", "temporary");
    struct test_stat root, mounted, file;
    CHECK(stat_path("/", &root), 0);
    CHECK(stat_path("/mnt", &mounted), 0);
    CHECK(stat_path("/mnt/inside", &file), 0);
    assert_true(mounted.st_dev != root.st_dev);
    CHECK(file.st_dev, mounted.st_dev);
    CHECK(mounted.st_mode & S_IFMT, S_IFDIR);
    CHECK(sys(SYS_umount2, U("/mnt"), 0), 0);
    CHECK(path_exists("/mnt/inside"), false);
    CHECK(path_exists("/mnt/under"), true);
    CHECK(stat_path("/mnt", &mounted), 0);
    CHECK(mounted.st_dev, root.st_dev);
}

static void mount_mode_option_sets_the_root_mode(void **state)
{
    create_directory("/mnt");
    CHECK(sys(SYS_mount, U("none"), U("/mnt"), U("tmpfs"), 0, U("mode=0700")), 0);
    struct test_stat st;
    CHECK(stat_path("/mnt", &st), 0);
    CHECK(st.st_mode, S_IFDIR | 0700);
}

static void a_fresh_tmpfs_root_is_sticky_and_world_writable(void **state)
{
    create_directory("/mnt");
    CHECK(mount_tmpfs("/mnt"), 0);
    struct test_stat st;
    CHECK(stat_path("/mnt", &st), 0);
    CHECK(st.st_mode, S_IFDIR | 01777);
    CHECK(st.st_nlink, 2);
}

static void dot_dot_climbs_out_of_a_mount(void **state)
{
    create_directory("/outer");
    create_directory("/outer/mnt");
    create_file("/outer/beside", "beside");
    CHECK(mount_tmpfs("/outer/mnt"), 0);
    create_directory("/outer/mnt/deep");
    CHECK(inode_of("/outer/mnt/.."), inode_of("/outer"));
    CHECK(inode_of("/outer/mnt/deep/../.."), inode_of("/outer"));
    char text[16];
    CHECK(read_file("/outer/mnt/../beside", text, sizeof text), 6);
    CHECK(sys(SYS_chdir, U("/outer/mnt/deep")), 0);
    CHECK(getcwd_text(text, sizeof text), 16);
    assert_string_equal(text, "/outer/mnt/deep");
    CHECK(read_file("../../beside", text, sizeof text), 6);
    assert_string_equal(text, "beside");
}

static void getdents_at_a_mount_root_reports_the_mount_root(void **state)
{
    create_directory("/mnt");
    CHECK(mount_tmpfs("/mnt"), 0);
    long fd = OK(open_path("/mnt", O_RDONLY | O_DIRECTORY, 0));
    struct test_dirent records[4];
    size_t count;
    OK(getdents_fd((int)fd, 4096, records, 4, &count));
    CHECK(count, 2);
    /* The filesystem's own view: "." and ".." are both its root. */
    for (size_t i = 0; i < count; i++)
        CHECK(records[i].ino, inode_of("/mnt"));
}

static void a_symlink_to_a_mount_point_crosses_into_it(void **state)
{
    create_directory("/mnt");
    CHECK(mount_tmpfs("/mnt"), 0);
    create_file("/mnt/file", "in mount");
    create_symlink("/mnt", "/shortcut");
    char text[16];
    CHECK(read_file("/shortcut/file", text, sizeof text), 8);
    CHECK(sys(SYS_umount2, U("/shortcut"), 0), 0); /* followed to the mount */
    CHECK(path_exists("/mnt/file"), false);
}

static void mounted_filesystems_are_independent(void **state)
{
    create_directory("/a");
    create_directory("/b");
    CHECK(mount_tmpfs("/a"), 0);
    CHECK(mount_tmpfs("/b"), 0);
    create_file("/a/file", "a");
    CHECK(path_exists("/b/file"), false);
    CHECK(sys(SYS_rename, U("/a/file"), U("/b/file")), -EXDEV);
    CHECK(sys(SYS_link, U("/a/file"), U("/b/file")), -EXDEV);
    struct test_stat a, b;
    CHECK(stat_path("/a", &a), 0);
    CHECK(stat_path("/b", &b), 0);
    assert_true(a.st_dev != b.st_dev);
}

static void mount_errors(void **state)
{
    create_directory("/mnt");
    create_file("/file", "");
    CHECK(sys(SYS_mount, U("none"), U("/mnt"), U("nosuchfs"), 0, 0), -ENODEV);
    CHECK(mount_tmpfs("/missing"), -ENOENT);
    CHECK(mount_tmpfs("/file/x"), -ENOTDIR);
    CHECK(sys(SYS_mount, U("none"), HARNESS_UNMAPPED, U("tmpfs"), 0, 0), -EFAULT);
    CHECK(sys(SYS_mount, U("none"), U("/mnt"), HARNESS_UNMAPPED, 0, 0), -EFAULT);
    CHECK(sys(SYS_mount, HARNESS_UNMAPPED, U("/mnt"), U("tmpfs"), 0, 0), -EFAULT);
    CHECK(mount_tmpfs(""), -ENOENT);
    assert_string_equal(directory_listing("/mnt"), "..:d .:d");
    struct test_stat root, mnt;
    CHECK(stat_path("/", &root), 0);
    CHECK(stat_path("/mnt", &mnt), 0);
    CHECK(mnt.st_dev, root.st_dev); /* nothing got mounted */
}

static void mount_on_a_regular_file_is_enotdir(void **state)
{
    create_file("/file", "");
    CHECK(mount_tmpfs("/file"), -ENOTDIR);
}

static void mount_without_a_source_or_data(void **state)
{
    create_directory("/mnt");
    CHECK(sys(SYS_mount, 0, U("/mnt"), U("tmpfs"), 0, 0), 0);
    create_file("/mnt/file", "");
    CHECK(sys(SYS_umount2, U("/mnt"), 0), 0);
}

static void mounting_twice_on_a_directory_stacks(void **state)
{
    create_directory("/mnt");
    CHECK(mount_tmpfs("/mnt"), 0);
    create_file("/mnt/first", "");
    CHECK(mount_tmpfs("/mnt"), 0);
    CHECK(path_exists("/mnt/first"), false);
    CHECK(sys(SYS_umount2, U("/mnt"), 0), 0);
    CHECK(path_exists("/mnt/first"), true);
    CHECK(sys(SYS_umount2, U("/mnt"), 0), 0);
    CHECK(path_exists("/mnt/first"), false);
}

static void umount2_errors(void **state)
{
    create_directory("/dir");
    CHECK(sys(SYS_umount2, U("/dir"), 0), -EINVAL);      /* not a mount point */
    CHECK(sys(SYS_umount2, U("/missing"), 0), -ENOENT);
    CHECK(sys(SYS_umount2, U("/dev"), 0x100), -EINVAL);  /* unknown flag */
    CHECK(sys(SYS_umount2, HARNESS_UNMAPPED, 0), -EFAULT);
    CHECK(sys(SYS_umount2, U(""), 0), -ENOENT);
}

static void umount2_expire_cannot_be_combined_with_force_or_detach(void **state)
{
    CHECK(sys(SYS_umount2, U("/dev"), 4 /* MNT_EXPIRE */ | MNT_FORCE), -EINVAL);
    CHECK(sys(SYS_umount2, U("/dev"), 4 /* MNT_EXPIRE */ | MNT_DETACH), -EINVAL);
    struct test_stat st;
    CHECK(stat_path("/dev/null", &st), 0); /* still mounted */
}

static void umount2_of_the_root_remounts_it_read_only(void **state)
{
    /* Linux's special case (what shutdown scripts rely on): not EBUSY. */
    create_file("/file", "x");
    CHECK(sys(SYS_umount2, U("/"), 0), 0);
    CHECK(open_path("/new", O_WRONLY | O_CREAT, 0644), -EROFS);
    CHECK(sys(SYS_mkdir, U("/dir"), 0755), -EROFS);
    CHECK(open_path("/file", O_WRONLY, 0), -EROFS);
    CHECK(sys(SYS_access, U("/file"), W_OK), -EROFS);   /* even for root */
    CHECK(sys(SYS_access, U("/file"), R_OK), 0);
    CHECK(sys(SYS_access, U("/dev/null"), W_OK), 0);     /* devices stay writable */
    char text[4];
    CHECK(read_file("/file", text, sizeof text), 1);
}

static void mounting_inside_a_lazily_unmounted_tree_is_enoent(void **state)
{
    create_directory("/a");
    CHECK(mount_tmpfs("/a"), 0);
    create_directory("/a/b");
    CHECK(mount_tmpfs("/a/b"), 0);
    CHECK(sys(SYS_chdir, U("/a/b")), 0);
    CHECK(sys(SYS_umount2, U("/a"), MNT_DETACH), 0);
    CHECK(sys(SYS_mount, U("none"), U("."), U("tmpfs"), 0, 0), -ENOENT);
    CHECK(sys(SYS_chdir, U("/")), 0);
}

static void umount2_of_a_busy_filesystem_is_ebusy(void **state)
{
    create_directory("/mnt");
    CHECK(mount_tmpfs("/mnt"), 0);
    create_file("/mnt/file", "");
    long fd = OK(open_path("/mnt/file", O_RDONLY, 0));
    CHECK(sys(SYS_umount2, U("/mnt"), 0), -EBUSY);
    CHECK(sys(SYS_close, fd), 0);
    CHECK(sys(SYS_chdir, U("/mnt")), 0);
    CHECK(sys(SYS_umount2, U("/mnt"), 0), -EBUSY);
    CHECK(sys(SYS_chdir, U("/")), 0);
    CHECK(sys(SYS_umount2, U("/mnt"), 0), 0);
}

static void umount2_of_a_filesystem_with_a_mount_inside_is_ebusy(void **state)
{
    create_directory("/mnt");
    CHECK(mount_tmpfs("/mnt"), 0);
    create_directory("/mnt/inner");
    CHECK(mount_tmpfs("/mnt/inner"), 0);
    CHECK(sys(SYS_umount2, U("/mnt"), 0), -EBUSY);
    CHECK(sys(SYS_umount2, U("/mnt/inner"), 0), 0);
    CHECK(sys(SYS_umount2, U("/mnt"), 0), 0);
}

static void rmdir_and_rename_of_a_mount_point_are_ebusy(void **state)
{
    create_directory("/mnt");
    CHECK(mount_tmpfs("/mnt"), 0);
    CHECK(sys(SYS_rmdir, U("/mnt")), -EBUSY);
    CHECK(sys(SYS_rename, U("/mnt"), U("/moved")), -EBUSY);
    CHECK(sys(SYS_umount2, U("/mnt"), 0), 0);
    CHECK(sys(SYS_rmdir, U("/mnt")), 0);
}

static void renaming_over_a_mount_point_is_ebusy(void **state)
{
    create_directory("/mnt");
    CHECK(mount_tmpfs("/mnt"), 0);
    create_file("/mnt/inside", "");
    create_directory("/target");
    create_file("/file", "");
    CHECK(sys(SYS_rename, U("/file"), U("/mnt")), -EISDIR); /* the type check comes first */
    CHECK(sys(SYS_unlink, U("/mnt")), -EISDIR);
    CHECK(sys(SYS_renameat2, AT_FDCWD, U("/target"), AT_FDCWD, U("/mnt"), RENAME_EXCHANGE), -EBUSY);
    CHECK(sys(SYS_rename, U("/target"), U("/mnt")), -EBUSY);
    CHECK(path_exists("/mnt/inside"), true);
    CHECK(path_exists("/target"), true);
}

static void umount2_detach_unmounts_a_busy_filesystem(void **state)
{
    create_directory("/mnt");
    CHECK(mount_tmpfs("/mnt"), 0);
    create_file("/mnt/file", "still readable");
    long fd = OK(open_path("/mnt/file", O_RDONLY, 0));
    CHECK(sys(SYS_umount2, U("/mnt"), MNT_DETACH), 0);
    CHECK(path_exists("/mnt/file"), false);
    char text[16] = { 0 };
    CHECK(read_fd((int)fd, text, sizeof text), 14);
    assert_string_equal(text, "still readable");
}

static void proc_and_devtmpfs_can_be_mounted_again(void **state)
{
    create_directory("/p");
    create_directory("/d");
    CHECK(sys(SYS_mount, U("proc"), U("/p"), U("proc"), 0, 0), 0);
    CHECK(sys(SYS_mount, U("devtmpfs"), U("/d"), U("devtmpfs"), 0, 0), 0);
    struct test_stat st;
    CHECK(lstat_path("/p/self", &st), 0);
    CHECK(st.st_mode & S_IFMT, S_IFLNK);
    CHECK(stat_path("/d/null", &st), 0);
    CHECK(st.st_mode & S_IFMT, S_IFCHR);
    CHECK(sys(SYS_umount2, U("/p"), 0), 0);
    CHECK(sys(SYS_umount2, U("/d"), 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYSCALL_TEST(a_tmpfs_mount_covers_the_directory_until_unmounted),
        SYSCALL_TEST(mount_mode_option_sets_the_root_mode),
        SYSCALL_TEST(a_fresh_tmpfs_root_is_sticky_and_world_writable),
        SYSCALL_TEST(dot_dot_climbs_out_of_a_mount),
        SYSCALL_TEST(getdents_at_a_mount_root_reports_the_mount_root),
        SYSCALL_TEST(a_symlink_to_a_mount_point_crosses_into_it),
        SYSCALL_TEST(mounted_filesystems_are_independent),
        SYSCALL_TEST(mount_errors),
        SYSCALL_TEST(mount_on_a_regular_file_is_enotdir),
        SYSCALL_TEST(mount_without_a_source_or_data),
        SYSCALL_TEST(mounting_twice_on_a_directory_stacks),
        SYSCALL_TEST(umount2_errors),
        SYSCALL_TEST(umount2_expire_cannot_be_combined_with_force_or_detach),
        SYSCALL_TEST(umount2_of_the_root_remounts_it_read_only),
        SYSCALL_TEST(mounting_inside_a_lazily_unmounted_tree_is_enoent),
        SYSCALL_TEST(umount2_of_a_busy_filesystem_is_ebusy),
        SYSCALL_TEST(umount2_of_a_filesystem_with_a_mount_inside_is_ebusy),
        SYSCALL_TEST(rmdir_and_rename_of_a_mount_point_are_ebusy),
        SYSCALL_TEST(renaming_over_a_mount_point_is_ebusy),
        SYSCALL_TEST(umount2_detach_unmounts_a_busy_filesystem),
        SYSCALL_TEST(proc_and_devtmpfs_can_be_mounted_again),
    };
    return RUN_SYSCALL_TESTS("syscall-mount", tests);
}
