/*
 * test_usercopy.c — user pointers: every path and buffer argument goes
 * through the user-copy helpers, so an unmapped, kernel or (for output)
 * read-only address is EFAULT, never a crash, and a string is read up to
 * its NUL and not a byte further.
 */
#include <string.h>

#include "harness.h"

/* Every syscall taking a path, called with path pointer bad (other arguments valid). */
static void check_path_syscalls(uintptr_t bad)
{
    uintptr_t good = U("/file");
    uintptr_t buffer = user_alloc(512);
    CHECK(sys(SYS_open, bad, O_RDONLY, 0), -EFAULT);
    CHECK(sys(SYS_openat, AT_FDCWD, bad, O_RDONLY, 0), -EFAULT);
    CHECK(sys(SYS_creat, bad, 0644), -EFAULT);
    CHECK(sys(SYS_stat, bad, buffer), -EFAULT);
    CHECK(sys(SYS_lstat, bad, buffer), -EFAULT);
    CHECK(sys(SYS_newfstatat, AT_FDCWD, bad, buffer, 0), -EFAULT);
    CHECK(sys(SYS_statx, AT_FDCWD, bad, 0, STATX_BASIC_STATS, buffer), -EFAULT);
    CHECK(sys(SYS_access, bad, F_OK), -EFAULT);
    CHECK(sys(SYS_faccessat, AT_FDCWD, bad, F_OK), -EFAULT);
    CHECK(sys(SYS_faccessat2, AT_FDCWD, bad, F_OK, 0), -EFAULT);
    CHECK(sys(SYS_truncate, bad, 0), -EFAULT);
    CHECK(sys(SYS_chdir, bad), -EFAULT);
    CHECK(sys(SYS_chmod, bad, 0644), -EFAULT);
    CHECK(sys(SYS_fchmodat, AT_FDCWD, bad, 0644), -EFAULT);
    CHECK(sys(SYS_mkdir, bad, 0755), -EFAULT);
    CHECK(sys(SYS_mkdirat, AT_FDCWD, bad, 0755), -EFAULT);
    CHECK(sys(SYS_mknod, bad, S_IFREG | 0644, 0), -EFAULT);
    CHECK(sys(SYS_mknodat, AT_FDCWD, bad, S_IFREG | 0644, 0), -EFAULT);
    CHECK(sys(SYS_rmdir, bad), -EFAULT);
    CHECK(sys(SYS_unlink, bad), -EFAULT);
    CHECK(sys(SYS_unlinkat, AT_FDCWD, bad, 0), -EFAULT);
    CHECK(sys(SYS_link, bad, U("/new")), -EFAULT);
    CHECK(sys(SYS_link, good, bad), -EFAULT);
    CHECK(sys(SYS_linkat, AT_FDCWD, good, AT_FDCWD, bad, 0), -EFAULT);
    CHECK(sys(SYS_symlink, bad, U("/new")), -EFAULT);
    CHECK(sys(SYS_symlink, good, bad), -EFAULT);
    CHECK(sys(SYS_symlinkat, good, AT_FDCWD, bad), -EFAULT);
    CHECK(sys(SYS_readlink, bad, buffer, 64), -EFAULT);
    CHECK(sys(SYS_readlinkat, AT_FDCWD, bad, buffer, 64), -EFAULT);
    CHECK(sys(SYS_rename, bad, U("/new")), -EFAULT);
    CHECK(sys(SYS_rename, good, bad), -EFAULT);
    CHECK(sys(SYS_renameat, AT_FDCWD, good, AT_FDCWD, bad), -EFAULT);
    CHECK(sys(SYS_renameat2, AT_FDCWD, bad, AT_FDCWD, U("/new"), 0), -EFAULT);
    CHECK(sys(SYS_mount, U("none"), bad, U("tmpfs"), 0, 0), -EFAULT);
    CHECK(sys(SYS_umount2, bad, 0), -EFAULT);
    CHECK(path_exists("/file"), true);
    CHECK(path_exists("/new"), false);
}

static void unmapped_path_pointers_are_efault(void **state)
{
    create_file("/file", "");
    check_path_syscalls(HARNESS_UNMAPPED);
}

static void kernel_path_pointers_are_efault(void **state)
{
    create_file("/file", "");
    check_path_syscalls(HARNESS_KERNEL_ADDRESS);
}

static void null_path_pointers_are_efault(void **state)
{
    create_file("/file", "");
    check_path_syscalls(0);
}

static void a_path_is_read_up_to_its_nul_only(void **state)
{
    create_file("/file", "x");
    /* The NUL is the last mapped byte: nothing beyond is touched. */
    uintptr_t tail = user_tail(6);
    user_write(tail, "/file", 6);
    long fd = OK(sys(SYS_open, tail, O_RDONLY, 0));
    CHECK(sys(SYS_close, fd), 0);
    /* Without the NUL the string runs into the unmapped page. */
    user_write(tail, "/file/", 6);
    CHECK(sys(SYS_open, tail, O_RDONLY, 0), -EFAULT);
    /* A path across two mapped pages is fine. */
    uintptr_t buffer = user_alloc(2 * 4096);
    uintptr_t across = ((buffer + 4096) & ~(uintptr_t)4095) - 3;
    user_write(across, "/file", 6);
    fd = OK(sys(SYS_open, across, O_RDONLY, 0));
    CHECK(sys(SYS_close, fd), 0);
}

static void paths_in_read_only_memory_work(void **state)
{
    create_file("/file", "read-only path");
    user_readonly_fill("/file", 6);
    struct test_stat st;
    uintptr_t buffer = user_alloc(sizeof st);
    CHECK(sys(SYS_stat, HARNESS_READONLY, buffer), 0);
    CHECK(sys(SYS_access, HARNESS_READONLY, R_OK), 0);
    CHECK(sys(SYS_chmod, HARNESS_READONLY, 0600), 0);
    CHECK(sys(SYS_link, HARNESS_READONLY, U("/hard")), 0);
    CHECK(sys(SYS_unlink, HARNESS_READONLY), 0);
    CHECK(path_exists("/hard"), true);
}

static void output_buffers_in_read_only_memory_are_efault(void **state)
{
    create_file("/file", "data");
    create_symlink("/file", "/link");
    long fd = OK(open_path("/file", O_RDONLY, 0));
    long dirfd = OK(open_path("/", O_RDONLY | O_DIRECTORY, 0));
    CHECK(sys(SYS_read, fd, HARNESS_READONLY, 4), -EFAULT);
    CHECK(sys(SYS_pread64, fd, HARNESS_READONLY, 4, 0), -EFAULT);
    CHECK(sys(SYS_stat, U("/file"), HARNESS_READONLY), -EFAULT);
    CHECK(sys(SYS_fstat, fd, HARNESS_READONLY), -EFAULT);
    CHECK(sys(SYS_newfstatat, AT_FDCWD, U("/file"), HARNESS_READONLY, 0), -EFAULT);
    CHECK(sys(SYS_statx, AT_FDCWD, U("/file"), 0, STATX_BASIC_STATS, HARNESS_READONLY), -EFAULT);
    CHECK(sys(SYS_getdents64, dirfd, HARNESS_READONLY, 1024), -EFAULT);
    CHECK(sys(SYS_getcwd, HARNESS_READONLY, 64), -EFAULT);
    CHECK(sys(SYS_readlink, U("/link"), HARNESS_READONLY, 64), -EFAULT);
    CHECK(sys(SYS_pipe, HARNESS_READONLY), -EFAULT);
    CHECK(sys(SYS_pipe2, HARNESS_READONLY, O_CLOEXEC), -EFAULT);
    CHECK(sys(SYS_lseek, fd, 0, SEEK_CUR), 0);
}

static void output_buffers_at_kernel_addresses_are_efault(void **state)
{
    create_file("/file", "data");
    long fd = OK(open_path("/file", O_RDONLY, 0));
    CHECK(sys(SYS_read, fd, HARNESS_KERNEL_ADDRESS, 4), -EFAULT);
    CHECK(sys(SYS_fstat, fd, HARNESS_KERNEL_ADDRESS), -EFAULT);
    CHECK(sys(SYS_getcwd, HARNESS_KERNEL_ADDRESS, 64), -EFAULT);
    CHECK(sys(SYS_pipe, HARNESS_KERNEL_ADDRESS), -EFAULT);
    uintptr_t vector = user_alloc(sizeof(struct test_iovec));
    struct test_iovec segment = { HARNESS_KERNEL_ADDRESS, 4 };
    user_write(vector, &segment, sizeof segment);
    CHECK(sys(SYS_readv, fd, vector, 1), -EFAULT);
}

static void a_failed_pipe_leaves_no_descriptors(void **state)
{
    CHECK(sys(SYS_pipe, HARNESS_UNMAPPED), -EFAULT);
    create_file("/file", "");
    CHECK(open_path("/file", O_RDONLY, 0), 3);
}

static void an_iovec_array_running_into_unmapped_memory_is_efault(void **state)
{
    create_file("/file", "abcdef");
    long fd = OK(open_path("/file", O_RDONLY, 0));
    uintptr_t buffer = user_alloc(8);
    uintptr_t tail = user_tail(sizeof(struct test_iovec));
    struct test_iovec segment = { buffer, 2 };
    user_write(tail, &segment, sizeof segment);
    CHECK(sys(SYS_readv, fd, tail, 1), 2);
    CHECK(sys(SYS_readv, fd, tail, 2), -EFAULT); /* the second entry is unmapped */
    CHECK(sys(SYS_lseek, fd, 0, SEEK_CUR), 2);
    /* An iovec array in read-only memory is fine. */
    user_readonly_fill(&segment, sizeof segment);
    CHECK(sys(SYS_readv, fd, HARNESS_READONLY, 1), 2);
}

static void flag_errors_come_before_path_faults(void **state)
{
    CHECK(sys(SYS_unlinkat, AT_FDCWD, HARNESS_UNMAPPED, 0x1), -EINVAL);
    CHECK(sys(SYS_renameat2, AT_FDCWD, HARNESS_UNMAPPED, AT_FDCWD, HARNESS_UNMAPPED, 1u << 7), -EINVAL);
    CHECK(sys(SYS_linkat, AT_FDCWD, HARNESS_UNMAPPED, AT_FDCWD, HARNESS_UNMAPPED, 0x1), -EINVAL);
    CHECK(sys(SYS_statx, AT_FDCWD, HARNESS_UNMAPPED, 0x8000, STATX_BASIC_STATS, HARNESS_UNMAPPED),
          -EINVAL);
    CHECK(sys(SYS_faccessat2, AT_FDCWD, HARNESS_UNMAPPED, F_OK, 0x1), -EINVAL);
    CHECK(sys(SYS_readlink, HARNESS_UNMAPPED, user_alloc(8), 0), -EINVAL);
    CHECK(sys(SYS_umount2, HARNESS_UNMAPPED, 0x100), -EINVAL);
}

static void mount_data_at_a_bad_address_is_efault(void **state)
{
    create_directory("/mnt");
    CHECK(sys(SYS_mount, U("none"), U("/mnt"), U("tmpfs"), 0, HARNESS_UNMAPPED), -EFAULT);
    CHECK(sys(SYS_mount, U("none"), U("/mnt"), U("tmpfs"), 0, HARNESS_KERNEL_ADDRESS), -EFAULT);
    struct test_stat root, mnt;
    CHECK(stat_path("/", &root), 0);
    CHECK(stat_path("/mnt", &mnt), 0);
    CHECK(mnt.st_dev, root.st_dev);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYSCALL_TEST(unmapped_path_pointers_are_efault),
        SYSCALL_TEST(kernel_path_pointers_are_efault),
        SYSCALL_TEST(null_path_pointers_are_efault),
        SYSCALL_TEST(a_path_is_read_up_to_its_nul_only),
        SYSCALL_TEST(paths_in_read_only_memory_work),
        SYSCALL_TEST(output_buffers_in_read_only_memory_are_efault),
        SYSCALL_TEST(output_buffers_at_kernel_addresses_are_efault),
        SYSCALL_TEST(a_failed_pipe_leaves_no_descriptors),
        SYSCALL_TEST(an_iovec_array_running_into_unmapped_memory_is_efault),
        SYSCALL_TEST(flag_errors_come_before_path_faults),
        SYSCALL_TEST(mount_data_at_a_bad_address_is_efault),
    };
    return RUN_SYSCALL_TESTS("syscall-usercopy", tests);
}
