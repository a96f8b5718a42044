/*
 * test_attributes.c — chmod, fchmod, fchmodat, access, faccessat,
 * faccessat2, truncate, ftruncate, fsync, fdatasync, sync. The test
 * process is root, so access() follows root's rules.
 */
#include <string.h>

#include "harness.h"

static uint32_t mode_of(const char *path)
{
    struct test_stat st;
    CHECK(lstat_path(path, &st), 0);
    return st.st_mode;
}

static void chmod_sets_the_permission_bits(void **state)
{
    create_file("/file", "");
    CHECK(sys(SYS_chmod, U("/file"), 0600), 0);
    CHECK(mode_of("/file"), S_IFREG | 0600);
    CHECK(sys(SYS_chmod, U("/file"), 07777), 0);
    CHECK(mode_of("/file"), S_IFREG | 07777);
    CHECK(sys(SYS_chmod, U("/file"), S_IFDIR | 0640), 0); /* type bits are ignored */
    CHECK(mode_of("/file"), S_IFREG | 0640);
    create_directory("/dir");
    CHECK(sys(SYS_chmod, U("/dir"), 0700), 0);
    CHECK(mode_of("/dir"), S_IFDIR | 0700);
}

static void chmod_follows_symlinks(void **state)
{
    create_file("/file", "");
    create_symlink("/file", "/link");
    CHECK(sys(SYS_chmod, U("/link"), 0400), 0);
    CHECK(mode_of("/file"), S_IFREG | 0400);
    CHECK(mode_of("/link"), S_IFLNK | 0777);
}

static void chmod_errors(void **state)
{
    create_file("/file", "");
    create_symlink("/nowhere", "/dangling");
    CHECK(sys(SYS_chmod, U("/missing"), 0644), -ENOENT);
    CHECK(sys(SYS_chmod, U("/dangling"), 0644), -ENOENT);
    CHECK(sys(SYS_chmod, U("/file/"), 0644), -ENOTDIR);
    CHECK(sys(SYS_chmod, HARNESS_UNMAPPED, 0644), -EFAULT);
    CHECK(sys(SYS_chmod, U(""), 0644), -ENOENT);
}

static void fchmod_and_fchmodat(void **state)
{
    create_directory("/dir");
    create_file("/dir/file", "");
    long fd = OK(open_path("/dir/file", O_RDONLY, 0));
    CHECK(sys(SYS_fchmod, fd, 0751), 0);
    CHECK(mode_of("/dir/file"), S_IFREG | 0751);
    long dirfd = OK(open_path("/dir", O_RDONLY | O_DIRECTORY, 0));
    CHECK(sys(SYS_fchmodat, dirfd, U("file"), 0604), 0);
    CHECK(mode_of("/dir/file"), S_IFREG | 0604);
    CHECK(sys(SYS_fchmodat, dirfd, U("missing"), 0604), -ENOENT);
    CHECK(sys(SYS_fchmodat, 99, U("file"), 0604), -EBADF);
    CHECK(sys(SYS_fchmod, 99, 0644), -EBADF);
    long pathfd = OK(open_path("/dir/file", O_PATH, 0));
    CHECK(sys(SYS_fchmod, pathfd, 0644), -EBADF);
    CHECK(mode_of("/dir/file"), S_IFREG | 0604);
}

static void access_existence_and_permissions(void **state)
{
    create_file("/file", "");
    create_directory("/dir");
    CHECK(sys(SYS_access, U("/file"), F_OK), 0);
    CHECK(sys(SYS_access, U("/file"), R_OK | W_OK), 0);
    CHECK(sys(SYS_access, U("/missing"), F_OK), -ENOENT);
    CHECK(sys(SYS_access, U("/file/x"), F_OK), -ENOTDIR);
    CHECK(sys(SYS_access, U("/dir"), R_OK | W_OK | X_OK), 0);
    /* Root may read and write anything, but execute needs some x bit. */
    CHECK(sys(SYS_chmod, U("/file"), 0), 0);
    CHECK(sys(SYS_access, U("/file"), R_OK | W_OK), 0);
    CHECK(sys(SYS_access, U("/file"), X_OK), -EACCES);
    CHECK(sys(SYS_chmod, U("/file"), 0001), 0);
    CHECK(sys(SYS_access, U("/file"), X_OK), 0);
}

static void access_errors(void **state)
{
    create_file("/file", "");
    CHECK(sys(SYS_access, U("/file"), 8), -EINVAL);
    CHECK(sys(SYS_access, U("/file"), -1), -EINVAL);
    CHECK(sys(SYS_access, HARNESS_UNMAPPED, F_OK), -EFAULT);
    CHECK(sys(SYS_access, U(""), F_OK), -ENOENT);
}

static void faccessat_and_faccessat2(void **state)
{
    create_directory("/dir");
    create_file("/dir/file", "");
    create_symlink("/nowhere", "/dir/dangling");
    long dirfd = OK(open_path("/dir", O_RDONLY | O_DIRECTORY, 0));
    CHECK(sys(SYS_faccessat, dirfd, U("file"), R_OK), 0);
    CHECK(sys(SYS_faccessat, dirfd, U("dangling"), F_OK), -ENOENT);
    CHECK(sys(SYS_faccessat2, dirfd, U("dangling"), F_OK, AT_SYMLINK_NOFOLLOW), 0);
    CHECK(sys(SYS_faccessat2, dirfd, U("file"), F_OK, AT_EACCESS), 0);
    CHECK(sys(SYS_faccessat2, dirfd, U("file"), F_OK, 0x1), -EINVAL);
    CHECK(sys(SYS_faccessat2, dirfd, U("file"), 8, 0), -EINVAL);
    long fd = OK(open_path("/dir/file", O_RDONLY, 0));
    CHECK(sys(SYS_faccessat2, fd, U(""), R_OK, AT_EMPTY_PATH), 0);
    CHECK(sys(SYS_faccessat2, fd, U(""), R_OK, 0), -ENOENT);
    CHECK(sys(SYS_faccessat, 99, U("file"), F_OK), -EBADF);
    CHECK(sys(SYS_faccessat, fd, U("file"), F_OK), -ENOTDIR);
}

static void truncate_shrinks_and_grows_with_zeroes(void **state)
{
    create_file("/file", "0123456789");
    CHECK(sys(SYS_truncate, U("/file"), 4), 0);
    char text[32];
    CHECK(read_file("/file", text, sizeof text), 4);
    assert_string_equal(text, "0123");
    CHECK(sys(SYS_truncate, U("/file"), 8), 0);
    char data[8];
    long fd = OK(open_path("/file", O_RDONLY, 0));
    CHECK(read_fd((int)fd, data, sizeof data), 8);
    assert_memory_equal(data, "0123\0\0\0\0", 8); /* the old bytes do not come back */
    CHECK(sys(SYS_truncate, U("/file"), 0), 0);
    struct test_stat st;
    CHECK(stat_path("/file", &st), 0);
    CHECK(st.st_size, 0);
    CHECK(st.st_blocks, 0);
}

static void truncate_inside_a_page_zeroes_the_rest_of_it(void **state)
{
    char data[6000];
    memset(data, 'x', sizeof data);
    long fd = OK(open_path("/file", O_RDWR | O_CREAT, 0644));
    CHECK(write_fd((int)fd, data, sizeof data), (long)sizeof data);
    CHECK(sys(SYS_ftruncate, fd, 100), 0);
    CHECK(sys(SYS_ftruncate, fd, 6000), 0);
    char back[6000];
    CHECK(pread_fd((int)fd, back, sizeof back, 0), 6000);
    assert_memory_equal(back, data, 100);
    for (int i = 100; i < 6000; i++)
        if (back[i] != 0)
            fail_msg("byte %d is %d after shrink and regrow", i, back[i]);
}

static void truncate_follows_symlinks(void **state)
{
    create_file("/file", "0123456789");
    create_symlink("/file", "/link");
    CHECK(sys(SYS_truncate, U("/link"), 3), 0);
    struct test_stat st;
    CHECK(stat_path("/file", &st), 0);
    CHECK(st.st_size, 3);
}

static void truncate_errors(void **state)
{
    create_file("/file", "x");
    create_directory("/dir");
    CHECK(sys(SYS_truncate, U("/dir"), 0), -EISDIR);
    CHECK(sys(SYS_truncate, U("/file"), -1), -EINVAL);
    CHECK(sys(SYS_truncate, U("/missing"), 0), -ENOENT);
    CHECK(sys(SYS_truncate, U("/file/"), 0), -ENOTDIR);
    CHECK(sys(SYS_truncate, HARNESS_UNMAPPED, 0), -EFAULT);
    CHECK(sys(SYS_mknod, U("/fifo"), S_IFIFO | 0644, 0), 0);
    CHECK(sys(SYS_truncate, U("/fifo"), 0), -EINVAL);
}

static void ftruncate_needs_a_writable_regular_file(void **state)
{
    create_file("/file", "0123456789");
    create_directory("/dir");
    long reader = OK(open_path("/file", O_RDONLY, 0));
    long writer = OK(open_path("/file", O_WRONLY, 0));
    long pathfd = OK(open_path("/file", O_PATH, 0));
    long dirfd = OK(open_path("/dir", O_RDONLY | O_DIRECTORY, 0));
    CHECK(sys(SYS_ftruncate, reader, 2), -EINVAL);
    CHECK(sys(SYS_ftruncate, pathfd, 2), -EBADF);
    CHECK(sys(SYS_ftruncate, dirfd, 2), -EINVAL);
    CHECK(sys(SYS_ftruncate, 99, 2), -EBADF);
    CHECK(sys(SYS_ftruncate, writer, -1), -EINVAL);
    CHECK(sys(SYS_ftruncate, writer, 2), 0);
    struct test_stat st;
    CHECK(fstat_fd((int)reader, &st), 0);
    CHECK(st.st_size, 2);
}

static void ftruncate_leaves_the_offset(void **state)
{
    create_file("/file", "0123456789");
    long fd = OK(open_path("/file", O_RDWR, 0));
    CHECK(sys(SYS_lseek, fd, 8, SEEK_SET), 8);
    CHECK(sys(SYS_ftruncate, fd, 2), 0);
    CHECK(sys(SYS_lseek, fd, 0, SEEK_CUR), 8);
    CHECK(write_text((int)fd, "Z"), 1);
    char data[9];
    CHECK(pread_fd((int)fd, data, sizeof data, 0), 9);
    assert_memory_equal(data, "01\0\0\0\0\0\0Z", 9);
}

static void fsync_fdatasync_and_sync(void **state)
{
    create_file("/file", "x");
    create_directory("/dir");
    long fd = OK(open_path("/file", O_RDONLY, 0));
    long dirfd = OK(open_path("/dir", O_RDONLY | O_DIRECTORY, 0));
    long pathfd = OK(open_path("/file", O_PATH, 0));
    CHECK(sys(SYS_fsync, fd), 0);
    CHECK(sys(SYS_fdatasync, fd), 0);
    CHECK(sys(SYS_fsync, dirfd), 0);
    CHECK(sys(SYS_fsync, 99), -EBADF);
    CHECK(sys(SYS_fdatasync, 99), -EBADF);
    CHECK(sys(SYS_fsync, pathfd), -EBADF);
    CHECK(sys(SYS_sync), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYSCALL_TEST(chmod_sets_the_permission_bits),
        SYSCALL_TEST(chmod_follows_symlinks),
        SYSCALL_TEST(chmod_errors),
        SYSCALL_TEST(fchmod_and_fchmodat),
        SYSCALL_TEST(access_existence_and_permissions),
        SYSCALL_TEST(access_errors),
        SYSCALL_TEST(faccessat_and_faccessat2),
        SYSCALL_TEST(truncate_shrinks_and_grows_with_zeroes),
        SYSCALL_TEST(truncate_inside_a_page_zeroes_the_rest_of_it),
        SYSCALL_TEST(truncate_follows_symlinks),
        SYSCALL_TEST(truncate_errors),
        SYSCALL_TEST(ftruncate_needs_a_writable_regular_file),
        SYSCALL_TEST(ftruncate_leaves_the_offset),
        SYSCALL_TEST(fsync_fdatasync_and_sync),
    };
    return RUN_SYSCALL_TESTS("syscall-attributes", tests);
}
