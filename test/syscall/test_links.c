/*
 * test_links.c — link(at), unlink(at), symlink(at), readlink(at),
 * rename(at, at2): link counts, readlink truncation, and every rename case
 * rename(2) documents (over a file, a directory over an empty one,
 * ENOTEMPTY, EISDIR, ENOTDIR, into its own subtree, RENAME_NOREPLACE,
 * RENAME_EXCHANGE).
 */
#include <string.h>

#include "harness.h"

/* --------------------------------------------------------------- link */

static void link_makes_a_second_name_for_the_same_inode(void **state)
{
    create_file("/a", "shared");
    CHECK(sys(SYS_link, U("/a"), U("/b")), 0);
    struct test_stat a, b;
    CHECK(stat_path("/a", &a), 0);
    CHECK(stat_path("/b", &b), 0);
    CHECK(a.st_ino, b.st_ino);
    CHECK(a.st_nlink, 2);
    long fd = OK(open_path("/b", O_WRONLY | O_APPEND, 0));
    CHECK(write_text((int)fd, "!"), 1);
    char text[16];
    CHECK(read_file("/a", text, sizeof text), 7);
    assert_string_equal(text, "shared!");
    CHECK(sys(SYS_unlink, U("/a")), 0);
    CHECK(stat_path("/b", &b), 0);
    CHECK(b.st_nlink, 1);
    CHECK(read_file("/b", text, sizeof text), 7);
}

static void link_errors(void **state)
{
    create_file("/file", "");
    create_file("/other", "");
    create_directory("/dir");
    CHECK(sys(SYS_link, U("/dir"), U("/dir2")), -EPERM);
    CHECK(sys(SYS_link, U("/file"), U("/other")), -EEXIST);
    CHECK(sys(SYS_link, U("/file"), U("/dir")), -EEXIST);
    CHECK(sys(SYS_link, U("/missing"), U("/new")), -ENOENT);
    CHECK(sys(SYS_link, U("/file"), U("/missing/new")), -ENOENT);
    CHECK(sys(SYS_link, U("/file"), U("/other/new")), -ENOTDIR);
    CHECK(sys(SYS_link, U("/file"), U("/new/")), -ENOENT);
    CHECK(sys(SYS_link, U("/file/"), U("/new")), -ENOTDIR);
    CHECK(sys(SYS_link, HARNESS_UNMAPPED, U("/new")), -EFAULT);
    CHECK(sys(SYS_link, U("/file"), HARNESS_UNMAPPED), -EFAULT);
    CHECK(path_exists("/new"), false);
}

static void link_across_mounts_is_exdev(void **state)
{
    create_file("/file", "");
    create_directory("/mnt");
    CHECK(sys(SYS_mount, U("none"), U("/mnt"), U("tmpfs"), 0, 0), 0);
    CHECK(sys(SYS_link, U("/file"), U("/mnt/file")), -EXDEV);
}

static void linkat_follows_a_symlink_only_when_asked(void **state)
{
    create_file("/file", "");
    create_symlink("/file", "/link");
    CHECK(sys(SYS_linkat, AT_FDCWD, U("/link"), AT_FDCWD, U("/hard-to-link"), 0), 0);
    CHECK(sys(SYS_linkat, AT_FDCWD, U("/link"), AT_FDCWD, U("/hard-to-file"), AT_SYMLINK_FOLLOW), 0);
    struct test_stat st;
    CHECK(lstat_path("/hard-to-link", &st), 0);
    CHECK(st.st_mode, S_IFLNK | 0777);
    CHECK(st.st_ino, inode_of("/link"));
    CHECK(st.st_nlink, 2);
    CHECK(lstat_path("/hard-to-file", &st), 0);
    CHECK(st.st_mode, S_IFREG | 0644);
    CHECK(st.st_ino, inode_of("/file"));
    CHECK(sys(SYS_linkat, AT_FDCWD, U("/file"), AT_FDCWD, U("/x"), 0x1), -EINVAL);
}

static void linkat_with_directory_descriptors_and_empty_path(void **state)
{
    create_directory("/from");
    create_directory("/to");
    create_file("/from/file", "data");
    long from = OK(open_path("/from", O_RDONLY | O_DIRECTORY, 0));
    long to = OK(open_path("/to", O_PATH | O_DIRECTORY, 0));
    CHECK(sys(SYS_linkat, from, U("file"), to, U("copy"), 0), 0);
    CHECK(inode_of("/to/copy"), inode_of("/from/file"));
    long fd = OK(open_path("/from/file", O_RDONLY, 0));
    CHECK(sys(SYS_linkat, fd, U(""), AT_FDCWD, U("/by-fd"), AT_EMPTY_PATH), 0);
    CHECK(inode_of("/by-fd"), inode_of("/from/file"));
    CHECK(sys(SYS_linkat, fd, U(""), AT_FDCWD, U("/no-flag"), 0), -ENOENT);
    CHECK(sys(SYS_linkat, 99, U("file"), to, U("x"), 0), -EBADF);
    CHECK(sys(SYS_linkat, from, U("/abs-missing"), to, U("x"), 0), -ENOENT);
}

/* ------------------------------------------------------------- unlink */

static void unlink_removes_names(void **state)
{
    create_file("/file", "");
    create_file("/target", "kept");
    create_symlink("/target", "/link");
    CHECK(sys(SYS_unlink, U("/file")), 0);
    CHECK(path_exists("/file"), false);
    CHECK(sys(SYS_unlink, U("/link")), 0); /* the link, not its target */
    CHECK(path_exists("/link"), false);
    CHECK(path_exists("/target"), true);
}

static void an_unlinked_open_file_stays_usable(void **state)
{
    create_file("/file", "still here");
    long fd = OK(open_path("/file", O_RDWR, 0));
    CHECK(sys(SYS_unlink, U("/file")), 0);
    CHECK(path_exists("/file"), false);
    char text[16] = { 0 };
    CHECK(read_fd((int)fd, text, sizeof text), 10);
    assert_string_equal(text, "still here");
    CHECK(write_text((int)fd, "+"), 1);
    CHECK(sys(SYS_close, fd), 0);
}

static void unlink_errors(void **state)
{
    create_directory("/dir");
    create_file("/file", "");
    create_symlink("/dir", "/dirlink");
    CHECK(sys(SYS_unlink, U("/dir")), -EISDIR);
    CHECK(sys(SYS_unlink, U("/missing")), -ENOENT);
    CHECK(sys(SYS_unlink, U("/file/x")), -ENOTDIR);
    CHECK(sys(SYS_unlink, U("/file/")), -ENOTDIR);
    CHECK(sys(SYS_unlink, U("/dir/")), -EISDIR);
    CHECK(sys(SYS_unlink, U("/dirlink/")), -ENOTDIR); /* the link itself is not a directory */
    CHECK(sys(SYS_unlink, U("/")), -EISDIR);
    CHECK(sys(SYS_unlink, U("")), -ENOENT);
    CHECK(sys(SYS_unlink, HARNESS_UNMAPPED), -EFAULT);
    CHECK(path_exists("/dirlink"), true);
    CHECK(path_exists("/file"), true);
}

static void unlinkat_resolves_relative_to_dirfd(void **state)
{
    create_directory("/dir");
    create_file("/dir/file", "");
    long dirfd = OK(open_path("/dir", O_RDONLY | O_DIRECTORY, 0));
    CHECK(sys(SYS_unlinkat, dirfd, U("file"), 0), 0);
    CHECK(path_exists("/dir/file"), false);
    CHECK(sys(SYS_unlinkat, dirfd, U("file"), 0), -ENOENT);
    CHECK(sys(SYS_unlinkat, 99, U("file"), 0), -EBADF);
}

/* ------------------------------------------------------------ symlink */

static void symlink_stores_the_target_verbatim(void **state)
{
    CHECK(sys(SYS_symlink, U("../not/normalised//path"), U("/link")), 0);
    char text[64];
    CHECK(readlink_path("/link", text, sizeof text), 23);
    assert_string_equal(text, "../not/normalised//path");
    struct test_stat st;
    CHECK(lstat_path("/link", &st), 0);
    CHECK(st.st_size, 23);
    CHECK(stat_path("/link", &st), -ENOENT); /* dangling */
}

static void symlink_errors(void **state)
{
    create_file("/file", "");
    create_directory("/dir");
    CHECK(sys(SYS_symlink, U("/x"), U("/file")), -EEXIST);
    CHECK(sys(SYS_symlink, U("/x"), U("/dir")), -EEXIST);
    CHECK(sys(SYS_symlink, U("/x"), U("/dir/")), -EEXIST);
    CHECK(sys(SYS_symlink, U(""), U("/empty")), -ENOENT);
    CHECK(sys(SYS_symlink, U("/x"), U("/missing/link")), -ENOENT);
    CHECK(sys(SYS_symlink, U("/x"), U("/file/link")), -ENOTDIR);
    CHECK(sys(SYS_symlink, HARNESS_UNMAPPED, U("/link")), -EFAULT);
    CHECK(sys(SYS_symlink, U("/x"), HARNESS_UNMAPPED), -EFAULT);
    CHECK(sys(SYS_symlink, U("/x"), U("/new/")), -ENOENT);
    CHECK(path_exists("/empty"), false);
    CHECK(path_exists("/link"), false);
}

static void symlinkat_resolves_relative_to_dirfd(void **state)
{
    create_directory("/dir");
    long dirfd = OK(open_path("/dir", O_RDONLY | O_DIRECTORY, 0));
    CHECK(sys(SYS_symlinkat, U("target"), dirfd, U("link")), 0);
    char text[16];
    CHECK(readlink_path("/dir/link", text, sizeof text), 6);
    assert_string_equal(text, "target");
    CHECK(sys(SYS_symlinkat, U("target"), 99, U("link")), -EBADF);
}

/* ----------------------------------------------------------- readlink */

static void readlink_truncates_without_a_nul(void **state)
{
    create_symlink("/some/target", "/link");
    uintptr_t buffer = user_alloc(16);
    user_write(buffer, "################", 16);
    CHECK(sys(SYS_readlink, U("/link"), buffer, 5), 5);
    char text[16];
    user_read(text, buffer, 16);
    assert_memory_equal(text, "/some###########", 16);
    CHECK(sys(SYS_readlink, U("/link"), buffer, 12), 12);
    user_read(text, buffer, 16);
    assert_memory_equal(text, "/some/target####", 16);
    CHECK(sys(SYS_readlink, U("/link"), buffer, 16), 12);
}

static void readlink_errors(void **state)
{
    create_file("/file", "");
    create_symlink("/file", "/link");
    uintptr_t buffer = user_alloc(64);
    CHECK(sys(SYS_readlink, U("/file"), buffer, 64), -EINVAL);
    CHECK(sys(SYS_readlink, U("/"), buffer, 64), -EINVAL);
    CHECK(sys(SYS_readlink, U("/missing"), buffer, 64), -ENOENT);
    CHECK(sys(SYS_readlink, U("/link"), buffer, 0), -EINVAL);
    CHECK(sys(SYS_readlink, U("/link"), buffer, -1), -EINVAL);
    CHECK(sys(SYS_readlink, U("/link"), HARNESS_UNMAPPED, 64), -EFAULT);
    CHECK(sys(SYS_readlink, U("/link"), HARNESS_READONLY, 64), -EFAULT);
    CHECK(sys(SYS_readlink, HARNESS_UNMAPPED, buffer, 64), -EFAULT);
    CHECK(sys(SYS_readlink, U("/link/"), buffer, 64), -ENOTDIR); /* follows, then not a dir */
    CHECK(sys(SYS_readlink, U(""), buffer, 64), -ENOENT);
}

static void readlinkat_resolves_relative_to_dirfd(void **state)
{
    create_directory("/dir");
    create_symlink("here", "/dir/link");
    long dirfd = OK(open_path("/dir", O_RDONLY | O_DIRECTORY, 0));
    uintptr_t buffer = user_alloc(16);
    CHECK(sys(SYS_readlinkat, dirfd, U("link"), buffer, 16), 4);
    char text[5] = { 0 };
    user_read(text, buffer, 4);
    assert_string_equal(text, "here");
    CHECK(sys(SYS_readlinkat, 99, U("link"), buffer, 16), -EBADF);
    /* An empty path names dirfd itself: a directory is not a link. */
    CHECK(sys(SYS_readlinkat, dirfd, U(""), buffer, 16), -ENOENT);
}

/* ------------------------------------------------------------- rename */

static void rename_moves_a_file(void **state)
{
    create_file("/old", "content");
    uint64_t inode = inode_of("/old");
    CHECK(sys(SYS_rename, U("/old"), U("/new")), 0);
    CHECK(path_exists("/old"), false);
    CHECK(inode_of("/new"), inode);
    create_directory("/dir");
    CHECK(sys(SYS_rename, U("/new"), U("/dir/moved")), 0);
    char text[16];
    CHECK(read_file("/dir/moved", text, sizeof text), 7);
}

static void rename_over_an_existing_file_replaces_it(void **state)
{
    create_file("/source", "source");
    create_file("/target", "target");
    uint64_t inode = inode_of("/source");
    long fd = OK(open_path("/target", O_RDONLY, 0));
    CHECK(sys(SYS_rename, U("/source"), U("/target")), 0);
    CHECK(inode_of("/target"), inode);
    CHECK(path_exists("/source"), false);
    char text[16] = { 0 };
    CHECK(read_fd((int)fd, text, sizeof text), 6); /* the replaced file lives on while open */
    assert_string_equal(text, "target");
    struct test_stat st;
    CHECK(fstat_fd((int)fd, &st), 0);
    CHECK(st.st_nlink, 0);
}

static void rename_a_directory_over_an_empty_directory(void **state)
{
    create_directory("/source");
    create_file("/source/file", "");
    create_directory("/target");
    CHECK(sys(SYS_rename, U("/source"), U("/target")), 0);
    CHECK(path_exists("/source"), false);
    CHECK(path_exists("/target/file"), true);
    struct test_stat root;
    CHECK(stat_path("/", &root), 0);
    CHECK(root.st_nlink, 5); /* ".", "..", proc, dev, target */
}

static void rename_type_mismatches(void **state)
{
    create_directory("/dir");
    create_directory("/full");
    create_file("/full/file", "");
    create_file("/file", "");
    CHECK(sys(SYS_rename, U("/dir"), U("/full")), -ENOTEMPTY);
    CHECK(sys(SYS_rename, U("/file"), U("/dir")), -EISDIR);
    CHECK(sys(SYS_rename, U("/dir"), U("/file")), -ENOTDIR);
    CHECK(sys(SYS_rename, U("/file"), U("/new/")), -ENOTDIR);
    CHECK(sys(SYS_rename, U("/file/"), U("/new")), -ENOTDIR);
    CHECK(sys(SYS_rename, U("/dir/"), U("/dir2/")), 0);
    CHECK(path_exists("/dir2"), true);
    CHECK(path_exists("/file"), true);
}

static void rename_into_its_own_subtree_is_einval(void **state)
{
    create_directory("/a");
    create_directory("/a/b");
    CHECK(sys(SYS_rename, U("/a"), U("/a/b/c")), -EINVAL);
    CHECK(sys(SYS_rename, U("/a"), U("/a/c")), -EINVAL);
    CHECK(sys(SYS_rename, U("/a/b"), U("/a/b/c")), -EINVAL);
    CHECK(path_exists("/a/b"), true);
}

static void rename_of_missing_entries_and_special_names(void **state)
{
    create_directory("/dir");
    create_file("/file", "");
    CHECK(sys(SYS_rename, U("/missing"), U("/new")), -ENOENT);
    CHECK(sys(SYS_rename, U("/file"), U("/missing/new")), -ENOENT);
    CHECK(sys(SYS_rename, U("/file"), U("/file/new")), -ENOTDIR);
    CHECK(sys(SYS_rename, U("/"), U("/new")), -EBUSY);
    CHECK(sys(SYS_rename, U("/dir/."), U("/new")), -EBUSY);
    CHECK(sys(SYS_rename, U("/dir/.."), U("/new")), -EBUSY);
    CHECK(sys(SYS_rename, U("/file"), U("/dir/.")), -EBUSY);
    CHECK(sys(SYS_rename, U("/dev"), U("/dev2")), -EBUSY); /* a mount point */
    CHECK(sys(SYS_rename, HARNESS_UNMAPPED, U("/new")), -EFAULT);
    CHECK(sys(SYS_rename, U("/file"), HARNESS_UNMAPPED), -EFAULT);
}

static void rename_onto_itself_or_another_link_does_nothing(void **state)
{
    create_file("/file", "x");
    CHECK(sys(SYS_rename, U("/file"), U("/file")), 0);
    CHECK(sys(SYS_link, U("/file"), U("/other")), 0);
    CHECK(sys(SYS_rename, U("/file"), U("/other")), 0);
    CHECK(path_exists("/file"), true); /* both names stay */
    CHECK(path_exists("/other"), true);
    create_directory("/dir");
    CHECK(sys(SYS_rename, U("/dir"), U("/dir")), 0);
}

static void rename_across_mounts_is_exdev(void **state)
{
    create_file("/file", "");
    create_directory("/mnt");
    CHECK(sys(SYS_mount, U("none"), U("/mnt"), U("tmpfs"), 0, 0), 0);
    CHECK(sys(SYS_rename, U("/file"), U("/mnt/file")), -EXDEV);
    create_file("/mnt/inside", "");
    CHECK(sys(SYS_rename, U("/mnt/inside"), U("/outside")), -EXDEV);
}

static void rename_noreplace(void **state)
{
    create_file("/a", "a");
    create_file("/b", "b");
    CHECK(sys(SYS_renameat2, AT_FDCWD, U("/a"), AT_FDCWD, U("/b"), RENAME_NOREPLACE), -EEXIST);
    CHECK(sys(SYS_renameat2, AT_FDCWD, U("/a"), AT_FDCWD, U("/c"), RENAME_NOREPLACE), 0);
    CHECK(path_exists("/a"), false);
    char text[4];
    CHECK(read_file("/b", text, sizeof text), 1);
    assert_string_equal(text, "b");
}

/*
 * An exchanged non-directory takes no trailing slash (found by the path
 * fuzz target; Linux: ENOTDIR), whether it is a file or a symlink.
 */
static void rename_exchange_with_a_slash_after_a_non_directory_is_enotdir(void **state)
{
    create_file("/file", "a");
    create_file("/other", "b");
    create_symlink("/file", "/link");
    CHECK(sys(SYS_renameat2, AT_FDCWD, U("/other"), AT_FDCWD, U("/link/"), RENAME_EXCHANGE), -ENOTDIR);
    CHECK(sys(SYS_renameat2, AT_FDCWD, U("/other"), AT_FDCWD, U("/file/"), RENAME_EXCHANGE), -ENOTDIR);
    CHECK(sys(SYS_renameat2, AT_FDCWD, U("/other"), AT_FDCWD, U("/link"), RENAME_EXCHANGE), 0);
}

static void rename_exchange_swaps_two_entries(void **state)
{
    create_file("/file", "data");
    create_directory("/dir");
    create_file("/dir/inside", "");
    uint64_t file = inode_of("/file"), dir = inode_of("/dir");
    CHECK(sys(SYS_renameat2, AT_FDCWD, U("/file"), AT_FDCWD, U("/dir"), RENAME_EXCHANGE), 0);
    CHECK(inode_of("/file"), dir);
    CHECK(inode_of("/dir"), file);
    CHECK(path_exists("/file/inside"), true);
    CHECK(sys(SYS_renameat2, AT_FDCWD, U("/file"), AT_FDCWD, U("/missing"), RENAME_EXCHANGE), -ENOENT);
}

static void renameat2_flag_errors(void **state)
{
    create_file("/a", "");
    create_file("/b", "");
    CHECK(sys(SYS_renameat2, AT_FDCWD, U("/a"), AT_FDCWD, U("/b"), RENAME_NOREPLACE | RENAME_EXCHANGE),
          -EINVAL);
    CHECK(sys(SYS_renameat2, AT_FDCWD, U("/a"), AT_FDCWD, U("/b"), 1u << 7), -EINVAL);
    CHECK(path_exists("/a"), true);
}

static void renameat_resolves_relative_to_dirfds(void **state)
{
    create_directory("/from");
    create_directory("/to");
    create_file("/from/file", "");
    long from = OK(open_path("/from", O_RDONLY | O_DIRECTORY, 0));
    long to = OK(open_path("/to", O_RDONLY | O_DIRECTORY, 0));
    CHECK(sys(SYS_renameat, from, U("file"), to, U("moved")), 0);
    CHECK(path_exists("/to/moved"), true);
    CHECK(sys(SYS_renameat, 99, U("file"), to, U("x")), -EBADF);
}

static void renaming_a_directory_updates_its_dot_dot(void **state)
{
    create_directory("/a");
    create_directory("/b");
    create_directory("/a/child");
    CHECK(sys(SYS_rename, U("/a/child"), U("/b/child")), 0);
    CHECK(inode_of("/b/child/.."), inode_of("/b"));
    struct test_stat st;
    CHECK(stat_path("/a", &st), 0);
    CHECK(st.st_nlink, 2);
    CHECK(stat_path("/b", &st), 0);
    CHECK(st.st_nlink, 3);
}

static uint64_t link_count(const char *path)
{
    struct test_stat st;
    CHECK(lstat_path(path, &st), 0);
    return st.st_nlink;
}

static void rename_of_directories_keeps_parent_link_counts(void **state)
{
    create_directory("/p");
    create_directory("/p/a");
    create_directory("/p/b");
    create_directory("/q");
    CHECK(link_count("/p"), 4);
    CHECK(sys(SYS_rename, U("/p/a"), U("/p/b")), 0); /* over an empty directory */
    CHECK(link_count("/p"), 3);
    CHECK(sys(SYS_rename, U("/p/b"), U("/q/b")), 0);
    CHECK(link_count("/p"), 2);
    CHECK(link_count("/q"), 3);
    CHECK(link_count("/q/b"), 2);
}

static void rename_exchange_of_a_file_and_a_directory_fixes_link_counts(void **state)
{
    create_directory("/d1");
    create_directory("/d1/sub");
    create_directory("/d2");
    create_file("/d2/file", "");
    CHECK(sys(SYS_renameat2, AT_FDCWD, U("/d1/sub"), AT_FDCWD, U("/d2/file"), RENAME_EXCHANGE), 0);
    CHECK(link_count("/d1"), 2);
    CHECK(link_count("/d2"), 3);
    CHECK(inode_of("/d2/file/.."), inode_of("/d2"));
    struct test_stat st;
    CHECK(lstat_path("/d1/sub", &st), 0);
    CHECK(st.st_mode & S_IFMT, S_IFREG);
}

static void replacing_a_hard_link_decrements_its_inode(void **state)
{
    create_file("/c", "c");
    CHECK(sys(SYS_link, U("/c"), U("/b")), 0);
    CHECK(link_count("/c"), 2);
    create_file("/a", "a");
    CHECK(sys(SYS_rename, U("/a"), U("/b")), 0);
    CHECK(link_count("/c"), 1);
    CHECK(sys(SYS_unlink, U("/b")), 0);
    CHECK(link_count("/c"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYSCALL_TEST(link_makes_a_second_name_for_the_same_inode),
        SYSCALL_TEST(link_errors),
        SYSCALL_TEST(link_across_mounts_is_exdev),
        SYSCALL_TEST(linkat_follows_a_symlink_only_when_asked),
        SYSCALL_TEST(linkat_with_directory_descriptors_and_empty_path),
        SYSCALL_TEST(unlink_removes_names),
        SYSCALL_TEST(an_unlinked_open_file_stays_usable),
        SYSCALL_TEST(unlink_errors),
        SYSCALL_TEST(unlinkat_resolves_relative_to_dirfd),
        SYSCALL_TEST(symlink_stores_the_target_verbatim),
        SYSCALL_TEST(symlink_errors),
        SYSCALL_TEST(symlinkat_resolves_relative_to_dirfd),
        SYSCALL_TEST(readlink_truncates_without_a_nul),
        SYSCALL_TEST(readlink_errors),
        SYSCALL_TEST(readlinkat_resolves_relative_to_dirfd),
        SYSCALL_TEST(rename_moves_a_file),
        SYSCALL_TEST(rename_over_an_existing_file_replaces_it),
        SYSCALL_TEST(rename_a_directory_over_an_empty_directory),
        SYSCALL_TEST(rename_type_mismatches),
        SYSCALL_TEST(rename_into_its_own_subtree_is_einval),
        SYSCALL_TEST(rename_of_missing_entries_and_special_names),
        SYSCALL_TEST(rename_onto_itself_or_another_link_does_nothing),
        SYSCALL_TEST(rename_across_mounts_is_exdev),
        SYSCALL_TEST(rename_noreplace),
        SYSCALL_TEST(rename_exchange_swaps_two_entries),
        SYSCALL_TEST(rename_exchange_with_a_slash_after_a_non_directory_is_enotdir),
        SYSCALL_TEST(renameat2_flag_errors),
        SYSCALL_TEST(renameat_resolves_relative_to_dirfds),
        SYSCALL_TEST(renaming_a_directory_updates_its_dot_dot),
        SYSCALL_TEST(rename_of_directories_keeps_parent_link_counts),
        SYSCALL_TEST(rename_exchange_of_a_file_and_a_directory_fixes_link_counts),
        SYSCALL_TEST(replacing_a_hard_link_decrements_its_inode),
    };
    return RUN_SYSCALL_TESTS("syscall-links", tests);
}
