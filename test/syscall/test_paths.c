/*
 * test_paths.c — path resolution as every path syscall sees it: absolute
 * and relative (cwd, dirfd), "." and "..", repeated and trailing slashes,
 * symlinks (relative and absolute targets, ELOOP after 40), NAME_MAX and
 * PATH_MAX.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"

static void dot_and_dot_dot_components(void **state)
{
    create_directory("/a");
    create_directory("/a/b");
    create_file("/a/b/file", "found");
    char text[8];
    CHECK(read_file("/a/./b/../b/./file", text, sizeof text), 5);
    CHECK(read_file("/a/b/../../a/b/file", text, sizeof text), 5);
    CHECK(read_file("//a///b//file", text, sizeof text), 5);
    CHECK(inode_of("/a/b/.."), inode_of("/a"));
    CHECK(inode_of("/a/."), inode_of("/a"));
    CHECK(inode_of("/a/b/../.."), inode_of("/"));
}

static void relative_paths_start_at_the_cwd(void **state)
{
    create_directory("/a");
    create_directory("/a/b");
    create_file("/a/file", "a-file");
    CHECK(sys(SYS_chdir, U("/a/b")), 0);
    char text[8];
    CHECK(read_file("../file", text, sizeof text), 6);
    CHECK(read_file("./../file", text, sizeof text), 6);
    CHECK(inode_of("."), inode_of("/a/b"));
    CHECK(inode_of(".."), inode_of("/a"));
    CHECK(inode_of("../../../.."), inode_of("/"));
}

static void relative_paths_start_at_the_dirfd(void **state)
{
    create_directory("/a");
    create_directory("/a/b");
    create_file("/a/file", "a-file");
    long dirfd = OK(open_path("/a/b", O_RDONLY | O_DIRECTORY, 0));
    CHECK(sys(SYS_chdir, U("/")), 0);
    long fd = OK(sys(SYS_openat, dirfd, U("../file"), O_RDONLY, 0));
    CHECK(sys(SYS_close, fd), 0);
    struct test_stat st;
    CHECK(stat_at((int)dirfd, ".", &st, 0), 0);
    CHECK(st.st_ino, inode_of("/a/b"));
    /* The dirfd keeps naming its directory after a rename. */
    CHECK(sys(SYS_rename, U("/a"), U("/renamed")), 0);
    fd = OK(sys(SYS_openat, dirfd, U("../file"), O_RDONLY, 0));
    CHECK(sys(SYS_close, fd), 0);
}

static void a_removed_directory_can_be_stood_in_but_not_created_in(void **state)
{
    create_directory("/gone");
    long dirfd = OK(open_path("/gone", O_RDONLY | O_DIRECTORY, 0));
    CHECK(sys(SYS_rmdir, U("/gone")), 0);
    struct test_stat st;
    CHECK(stat_at((int)dirfd, ".", &st, 0), 0);
    CHECK(st.st_nlink, 0);
    CHECK(sys(SYS_openat, dirfd, U("new"), O_WRONLY | O_CREAT, 0644), -ENOENT);
    CHECK(sys(SYS_mkdirat, dirfd, U("new"), 0755), -ENOENT);
    CHECK(sys(SYS_symlinkat, U("x"), dirfd, U("new")), -ENOENT);
    size_t count;
    struct test_dirent records[4];
    CHECK(getdents_fd((int)dirfd, 1024, records, 4, &count), -ENOENT); /* a dead directory */
}

static void trailing_slashes_demand_directories(void **state)
{
    create_file("/file", "");
    create_directory("/dir");
    create_symlink("/dir", "/dirlink");
    create_symlink("/file", "/filelink");
    struct test_stat st;
    CHECK(stat_path("/dir/", &st), 0);
    CHECK(stat_path("/dir//", &st), 0);
    CHECK(stat_path("/file/", &st), -ENOTDIR);
    CHECK(stat_path("/file/.", &st), -ENOTDIR);
    CHECK(stat_path("/filelink/", &st), -ENOTDIR);
    CHECK(stat_path("/missing/", &st), -ENOENT);
    /* A trailing slash follows a final symlink, even for lstat. */
    CHECK(lstat_path("/dirlink/", &st), 0);
    CHECK(st.st_mode & S_IFMT, S_IFDIR);
    CHECK(lstat_path("/dirlink", &st), 0);
    CHECK(st.st_mode & S_IFMT, S_IFLNK);
    CHECK(sys(SYS_rmdir, U("/dirlink/")), -ENOTDIR);
    CHECK(sys(SYS_mkdir, U("/newdir///"), 0755), 0);
}

static void intermediate_components_must_be_searchable_directories(void **state)
{
    create_file("/file", "");
    struct test_stat st;
    CHECK(stat_path("/file/x", &st), -ENOTDIR);
    CHECK(stat_path("/file/x/y", &st), -ENOTDIR);
    CHECK(stat_path("/missing/x", &st), -ENOENT);
    CHECK(stat_path("/file/..", &st), -ENOTDIR);
    CHECK(open_path("/missing/x", O_WRONLY | O_CREAT, 0644), -ENOENT);
    CHECK(open_path("/file/x", O_WRONLY | O_CREAT, 0644), -ENOTDIR);
}

static void symlink_targets_resolve_from_the_link_directory(void **state)
{
    create_directory("/a");
    create_directory("/a/b");
    create_file("/a/target", "relative");
    create_file("/target", "absolute");
    create_symlink("../target", "/a/b/relative");
    create_symlink("/target", "/a/b/absolute");
    char text[16];
    CHECK(read_file("/a/b/relative", text, sizeof text), 8);
    assert_string_equal(text, "relative");
    CHECK(read_file("/a/b/absolute", text, sizeof text), 8);
    assert_string_equal(text, "absolute");
    CHECK(sys(SYS_chdir, U("/a/b")), 0);
    CHECK(read_file("relative", text, sizeof text), 8);
    assert_string_equal(text, "relative");
}

static void dot_dot_after_a_symlink_is_physical(void **state)
{
    create_directory("/a");
    create_directory("/a/b");
    create_directory("/other");
    create_symlink("/a/b", "/other/link");
    CHECK(inode_of("/other/link/.."), inode_of("/a"));
    create_file("/a/marker", "");
    CHECK(path_exists("/other/link/../marker"), true);
}

static void symlinks_in_the_middle_of_a_path_are_followed(void **state)
{
    create_directory("/real");
    create_file("/real/file", "x");
    create_symlink("real", "/l1");
    create_symlink("/l1", "/l2");
    char text[4];
    CHECK(read_file("/l2/file", text, sizeof text), 1);
    struct test_stat st;
    CHECK(lstat_path("/l2/file", &st), 0);
    CHECK(st.st_mode & S_IFMT, S_IFREG);
}

static void a_symlink_loop_is_eloop(void **state)
{
    create_symlink("/b", "/a");
    create_symlink("/a", "/b");
    create_symlink("self", "/self");
    struct test_stat st;
    CHECK(stat_path("/a", &st), -ELOOP);
    CHECK(stat_path("/self", &st), -ELOOP);
    CHECK(stat_path("/a/x", &st), -ELOOP);
    CHECK(lstat_path("/a", &st), 0);
    CHECK(open_path("/a", O_RDONLY, 0), -ELOOP);
    CHECK(open_path("/self", O_WRONLY | O_CREAT, 0644), -ELOOP);
    CHECK(sys(SYS_chdir, U("/a")), -ELOOP);
    CHECK(sys(SYS_mkdir, U("/self/x"), 0755), -ELOOP);
}

/* /link-0 -> /file, /link-N -> /link-(N-1). */
static void make_chain(int links)
{
    create_file("/file", "end of chain");
    char path[32], target[32];
    for (int i = 0; i < links; i++) {
        snprintf(path, sizeof path, "/link-%d", i);
        if (i == 0)
            snprintf(target, sizeof target, "/file");
        else
            snprintf(target, sizeof target, "link-%d", i - 1);
        create_symlink(target, path);
    }
}

static void forty_chained_symlinks_resolve(void **state)
{
    make_chain(40);
    char text[16];
    CHECK(read_file("/link-39", text, sizeof text), 12); /* 40 links followed */
    struct test_stat st;
    CHECK(stat_path("/link-39", &st), 0);
    CHECK(st.st_mode & S_IFMT, S_IFREG);
}

/*
 * open with O_CREAT counts the links of the directory part and of the final
 * chain in one budget, as Linux's path walk does (found by the path fuzz
 * target: each final link used to get a new budget of 40).
 */
static void open_creat_counts_every_link_of_the_open(void **state)
{
    create_file("/file", "");
    create_directory("/dir");
    create_symlink("/dir", "/d");
    char path[32], target[32];
    for (int i = 0; i < 40; i++) {
        snprintf(path, sizeof path, "/dir/c%d", i);
        snprintf(target, sizeof target, i == 0 ? "/missing" : "c%d", i - 1);
        create_symlink(target, path);
    }
    /* /d (1) + c38..c0 (39): 40 links, the target is created. */
    long fd = OK(open_path("/d/c38", O_WRONLY | O_CREAT, 0644));
    CHECK(sys(SYS_close, fd), 0);
    CHECK(sys(SYS_unlink, U("/missing")), 0);
    /* /d (1) + c39..c0 (40): 41 links. */
    CHECK(open_path("/d/c39", O_WRONLY | O_CREAT, 0644), -ELOOP);
    CHECK(path_exists("/missing"), false);
}

static void forty_one_chained_symlinks_are_eloop(void **state)
{
    make_chain(41);
    struct test_stat st;
    CHECK(stat_path("/link-40", &st), -ELOOP);
    CHECK(open_path("/link-40", O_RDONLY, 0), -ELOOP);
    CHECK(lstat_path("/link-40", &st), 0);
    CHECK(open_path("/link-40", O_RDONLY | O_NOFOLLOW, 0), -ELOOP);
    CHECK(stat_path("/link-39", &st), 0);
}

static void links_counted_across_the_whole_resolution(void **state)
{
    /* 20 links to a directory then 21 more inside it: 41 in one walk. */
    create_directory("/dir");
    create_file("/dir/file", "x");
    char path[32], target[32];
    for (int i = 0; i < 21; i++) {
        snprintf(path, sizeof path, "/dir/f-%d", i);
        if (i == 0)
            snprintf(target, sizeof target, "file");
        else
            snprintf(target, sizeof target, "f-%d", i - 1);
        create_symlink(target, path);
    }
    for (int i = 0; i < 20; i++) {
        snprintf(path, sizeof path, "/d-%d", i);
        if (i == 0)
            snprintf(target, sizeof target, "/dir");
        else
            snprintf(target, sizeof target, "/d-%d", i - 1);
        create_symlink(target, path);
    }
    struct test_stat st;
    CHECK(stat_path("/d-19/f-19", &st), 0);  /* 20 + 20 = 40 */
    CHECK(stat_path("/d-19/f-20", &st), -ELOOP);
}

static void name_max_and_path_max(void **state)
{
    char name[300] = "/";
    memset(name + 1, 'n', 255);
    struct test_stat st;
    CHECK(stat_path(name, &st), -ENOENT);      /* 255: a valid name */
    create_file(name, "");
    CHECK(stat_path(name, &st), 0);
    name[256] = 'n';
    name[257] = '\0';
    CHECK(stat_path(name, &st), -ENAMETOOLONG); /* 256 */
    char middle[320];
    snprintf(middle, sizeof middle, "%s/x", name);
    CHECK(stat_path(middle, &st), -ENAMETOOLONG);
    CHECK(stat_path(long_path(4095), &st), -ENOENT);
    CHECK(stat_path(long_path(4096), &st), -ENAMETOOLONG);
    CHECK(sys(SYS_mkdir, U(long_path(4096)), 0755), -ENAMETOOLONG);
    CHECK(sys(SYS_unlink, U(long_path(4096))), -ENAMETOOLONG);
}

static void a_symlink_target_may_be_as_long_as_path_max_minus_one(void **state)
{
    char *target = long_path(4095);
    CHECK(sys(SYS_symlink, U(target), U("/long")), 0);
    struct test_stat st;
    CHECK(lstat_path("/long", &st), 0);
    CHECK(st.st_size, 4095);
    CHECK(sys(SYS_symlink, U(long_path(4096)), U("/longer")), -ENAMETOOLONG);
}

static void a_file_descriptor_is_not_a_directory_for_openat(void **state)
{
    create_file("/file", "");
    long fd = OK(open_path("/file", O_RDONLY, 0));
    struct test_stat st;
    CHECK(stat_at((int)fd, "x", &st, 0), -ENOTDIR);
    CHECK(stat_at((int)fd, ".", &st, 0), -ENOTDIR);
    CHECK(sys(SYS_mkdirat, fd, U("x"), 0755), -ENOTDIR);
    CHECK(sys(SYS_unlinkat, fd, U("x"), 0), -ENOTDIR);
    CHECK(stat_at((int)fd, "/file", &st, 0), 0); /* absolute: dirfd unused */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYSCALL_TEST(dot_and_dot_dot_components),
        SYSCALL_TEST(relative_paths_start_at_the_cwd),
        SYSCALL_TEST(relative_paths_start_at_the_dirfd),
        SYSCALL_TEST(a_removed_directory_can_be_stood_in_but_not_created_in),
        SYSCALL_TEST(trailing_slashes_demand_directories),
        SYSCALL_TEST(intermediate_components_must_be_searchable_directories),
        SYSCALL_TEST(symlink_targets_resolve_from_the_link_directory),
        SYSCALL_TEST(dot_dot_after_a_symlink_is_physical),
        SYSCALL_TEST(symlinks_in_the_middle_of_a_path_are_followed),
        SYSCALL_TEST(a_symlink_loop_is_eloop),
        SYSCALL_TEST(forty_chained_symlinks_resolve),
        SYSCALL_TEST(forty_one_chained_symlinks_are_eloop),
        SYSCALL_TEST(open_creat_counts_every_link_of_the_open),
        SYSCALL_TEST(links_counted_across_the_whole_resolution),
        SYSCALL_TEST(name_max_and_path_max),
        SYSCALL_TEST(a_symlink_target_may_be_as_long_as_path_max_minus_one),
        SYSCALL_TEST(a_file_descriptor_is_not_a_directory_for_openat),
    };
    return RUN_SYSCALL_TESTS("syscall-paths", tests);
}
