/*
 * test_ownership.c — chown, fchown, lchown, fchownat: owner and group
 * through the filesystem, -1 keeping a field, AT_SYMLINK_NOFOLLOW and
 * AT_EMPTY_PATH, the set-user-ID / set-group-ID bits a chown clears, and
 * Linux's errors. The test process is root. Every expected value was
 * checked on the host's Linux with run-on-linux.sh.
 */
#include <string.h>

#include "harness.h"

#define KEEP ((uint64_t)0xffffffffu)   /* (uid_t)-1 */

static struct test_stat stat_of(const char *path)
{
    struct test_stat st;
    CHECK(lstat_path(path, &st), 0);
    return st;
}

#define CHECK_OWNER(path, uid, gid)                                                                \
    do {                                                                                           \
        struct test_stat owner_stat = stat_of(path);                                               \
        CHECK(owner_stat.st_uid, uid);                                                             \
        CHECK(owner_stat.st_gid, gid);                                                             \
    } while (0)

static void new_files_belong_to_root(void **state)
{
    create_file("/file", "");
    create_directory("/dir");
    CHECK_OWNER("/file", 0, 0);
    CHECK_OWNER("/dir", 0, 0);
}

static void chown_sets_owner_and_group(void **state)
{
    create_file("/file", "");
    struct test_stat before = stat_of("/file");
    clock_advance_ms(20);
    CHECK(sys(SYS_chown, U("/file"), 1000, 2000), 0);
    CHECK_OWNER("/file", 1000, 2000);
    struct test_stat after = stat_of("/file");
    assert_false(after.st_ctime_sec == before.st_ctime_sec &&
                 after.st_ctime_nsec == before.st_ctime_nsec);
    CHECK(after.st_mtime_sec, before.st_mtime_sec);
    CHECK(after.st_mtime_nsec, before.st_mtime_nsec);
    /* -1 leaves a field as it is. */
    CHECK(sys(SYS_chown, U("/file"), KEEP, 3000), 0);
    CHECK_OWNER("/file", 1000, 3000);
    CHECK(sys(SYS_chown, U("/file"), 5, KEEP), 0);
    CHECK_OWNER("/file", 5, 3000);
    CHECK(sys(SYS_chown, U("/file"), KEEP, KEEP), 0);
    CHECK_OWNER("/file", 5, 3000);
    /* Only the low 32 bits of the arguments count. */
    CHECK(sys(SYS_chown, U("/file"), 0x100000007ull, 0xffffffffffffffffull), 0);
    CHECK_OWNER("/file", 7, 3000);
    /* Ids up to 2^32 - 2 are fine. */
    CHECK(sys(SYS_chown, U("/file"), 0xfffffffeu, 65534), 0);
    CHECK_OWNER("/file", 0xfffffffeu, 65534);
}

static void chown_follows_symlinks_and_lchown_does_not(void **state)
{
    create_file("/file", "");
    create_symlink("/file", "/link");
    CHECK(sys(SYS_chown, U("/link"), 10, 20), 0);
    CHECK_OWNER("/file", 10, 20);
    CHECK_OWNER("/link", 0, 0);
    CHECK(sys(SYS_lchown, U("/link"), 30, 40), 0);
    CHECK_OWNER("/link", 30, 40);
    CHECK_OWNER("/file", 10, 20);
    create_symlink("/nowhere", "/dangling");
    CHECK(sys(SYS_chown, U("/dangling"), 1, 1), -ENOENT);
    CHECK(sys(SYS_lchown, U("/dangling"), 1, 1), 0);
    CHECK_OWNER("/dangling", 1, 1);
}

static void chown_of_a_directory_and_a_hard_link(void **state)
{
    create_directory("/dir");
    create_file("/dir/file", "");
    CHECK(sys(SYS_chown, U("/dir"), 100, 200), 0);
    CHECK_OWNER("/dir", 100, 200);
    CHECK(sys(SYS_link, U("/dir/file"), U("/other")), 0);
    CHECK(sys(SYS_chown, U("/other"), 300, 400), 0);
    CHECK_OWNER("/dir/file", 300, 400);
}

static void chown_clears_set_id_bits_of_non_directories(void **state)
{
    create_file("/file", "");
    CHECK(sys(SYS_chmod, U("/file"), 06755), 0);
    CHECK(sys(SYS_chown, U("/file"), 1, 1), 0);
    CHECK(stat_of("/file").st_mode, S_IFREG | 0755);
    /* Even a chown that changes nothing. */
    CHECK(sys(SYS_chmod, U("/file"), 04755), 0);
    CHECK(sys(SYS_chown, U("/file"), KEEP, KEEP), 0);
    CHECK(stat_of("/file").st_mode, S_IFREG | 0755);
    /* Set-group-ID without group execute is mandatory locking: kept. */
    CHECK(sys(SYS_chmod, U("/file"), 06745), 0);
    CHECK(sys(SYS_chown, U("/file"), 2, 2), 0);
    CHECK(stat_of("/file").st_mode, S_IFREG | 02745);
    /* The sticky bit stays. */
    CHECK(sys(SYS_chmod, U("/file"), 01755), 0);
    CHECK(sys(SYS_chown, U("/file"), 3, 3), 0);
    CHECK(stat_of("/file").st_mode, S_IFREG | 01755);
    /* Directories keep theirs. */
    create_directory("/dir");
    CHECK(sys(SYS_chmod, U("/dir"), 07755), 0);
    CHECK(sys(SYS_chown, U("/dir"), 1, 1), 0);
    CHECK(stat_of("/dir").st_mode, S_IFDIR | 07755);
}

static void fchown_works_on_descriptors(void **state)
{
    create_file("/file", "");
    long reader = OK(open_path("/file", O_RDONLY, 0));
    CHECK(sys(SYS_fchown, reader, 11, 22), 0);
    CHECK_OWNER("/file", 11, 22);
    CHECK(sys(SYS_fchown, reader, KEEP, 33), 0);
    CHECK_OWNER("/file", 11, 33);
    CHECK(sys(SYS_fchown, 99, 1, 1), -EBADF);
    CHECK(sys(SYS_fchown, -1, 1, 1), -EBADF);
    long pathfd = OK(open_path("/file", O_PATH, 0));
    CHECK(sys(SYS_fchown, pathfd, 1, 1), -EBADF);
    CHECK_OWNER("/file", 11, 33);
    create_directory("/dir");
    long dirfd = OK(open_path("/dir", O_RDONLY | O_DIRECTORY, 0));
    CHECK(sys(SYS_fchown, dirfd, 44, 55), 0);
    CHECK_OWNER("/dir", 44, 55);
    /* A pipe has an owner too. */
    uintptr_t fds = user_alloc(8);
    CHECK(sys(SYS_pipe, fds), 0);
    int pipe_fds[2];
    user_read(pipe_fds, fds, sizeof pipe_fds);
    CHECK(sys(SYS_fchown, pipe_fds[1], 1, 1), 0);
}

static void fchownat_flags(void **state)
{
    create_directory("/dir");
    create_file("/dir/file", "");
    create_symlink("file", "/dir/link");
    long dirfd = OK(open_path("/dir", O_RDONLY | O_DIRECTORY, 0));
    CHECK(sys(SYS_fchownat, dirfd, U("file"), 1, 2, 0), 0);
    CHECK_OWNER("/dir/file", 1, 2);
    CHECK(sys(SYS_fchownat, dirfd, U("link"), 3, 4, 0), 0);
    CHECK_OWNER("/dir/file", 3, 4);
    CHECK_OWNER("/dir/link", 0, 0);
    CHECK(sys(SYS_fchownat, dirfd, U("link"), 5, 6, AT_SYMLINK_NOFOLLOW), 0);
    CHECK_OWNER("/dir/link", 5, 6);
    CHECK_OWNER("/dir/file", 3, 4);
    /* AT_EMPTY_PATH: the descriptor itself, O_PATH included. */
    long pathfd = OK(open_path("/dir/file", O_PATH, 0));
    CHECK(sys(SYS_fchownat, pathfd, U(""), 7, 8, AT_EMPTY_PATH), 0);
    CHECK_OWNER("/dir/file", 7, 8);
    CHECK(sys(SYS_fchownat, pathfd, U(""), 7, 8, 0), -ENOENT);
    CHECK(sys(SYS_fchownat, dirfd, U(""), 9, 10, AT_EMPTY_PATH), 0);
    CHECK_OWNER("/dir", 9, 10);
    /* O_PATH|O_NOFOLLOW on a symlink names the link. */
    long linkfd = OK(open_path("/dir/link", O_PATH | O_NOFOLLOW, 0));
    CHECK(sys(SYS_fchownat, linkfd, U(""), 12, 13, AT_EMPTY_PATH), 0);
    CHECK_OWNER("/dir/link", 12, 13);
    CHECK_OWNER("/dir/file", 7, 8);
    CHECK(sys(SYS_fchownat, dirfd, U("file"), 1, 1, 0x1), -EINVAL);
    CHECK(sys(SYS_fchownat, dirfd, U("file"), 1, 1, AT_SYMLINK_FOLLOW), -EINVAL);
    CHECK(sys(SYS_fchownat, dirfd, U("file"), 1, 1, AT_REMOVEDIR), -EINVAL);
    CHECK(sys(SYS_fchownat, 99, U("file"), 1, 1, 0), -EBADF);
    CHECK(sys(SYS_fchownat, 99, U("/dir/file"), 14, 15, 0), 0);
    CHECK_OWNER("/dir/file", 14, 15);
}

static void chown_errors(void **state)
{
    create_file("/file", "");
    CHECK(sys(SYS_chown, U("/missing"), 1, 1), -ENOENT);
    CHECK(sys(SYS_chown, U(""), 1, 1), -ENOENT);
    CHECK(sys(SYS_chown, U("/file/"), 1, 1), -ENOTDIR);
    CHECK(sys(SYS_chown, U("/file/x"), 1, 1), -ENOTDIR);
    CHECK(sys(SYS_chown, HARNESS_UNMAPPED, 1, 1), -EFAULT);
    CHECK(sys(SYS_lchown, HARNESS_KERNEL_ADDRESS, 1, 1), -EFAULT);
    CHECK(sys(SYS_lchown, U("/missing"), 1, 1), -ENOENT);
    CHECK(sys(SYS_fchownat, AT_FDCWD, 0, 1, 1, 0), -EFAULT);
    CHECK_OWNER("/file", 0, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYSCALL_TEST(new_files_belong_to_root),
        SYSCALL_TEST(chown_sets_owner_and_group),
        SYSCALL_TEST(chown_follows_symlinks_and_lchown_does_not),
        SYSCALL_TEST(chown_of_a_directory_and_a_hard_link),
        SYSCALL_TEST(chown_clears_set_id_bits_of_non_directories),
        SYSCALL_TEST(fchown_works_on_descriptors),
        SYSCALL_TEST(fchownat_flags),
        SYSCALL_TEST(chown_errors),
    };
    return RUN_SYSCALL_TESTS("syscall-ownership", tests);
}
