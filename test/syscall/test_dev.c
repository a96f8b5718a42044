/*
 * test_dev.c — devtmpfs on /dev through the syscalls: /dev/null, zero,
 * full, random, urandom, their device numbers, and device nodes made with
 * mknod elsewhere. (The Linux reference run mounts the host's devtmpfs:
 * these cases only read it, never change it.)
 */
#include <string.h>

#include "harness.h"

static void dev_null_swallows_writes_and_reads_as_empty(void **state)
{
    long fd = OK(open_path("/dev/null", O_RDWR, 0));
    CHECK(write_text((int)fd, "discarded"), 9);
    char byte;
    CHECK(read_fd((int)fd, &byte, 1), 0);
    CHECK(pwrite_fd((int)fd, "x", 1, 1000), 1);
    CHECK(pread_fd((int)fd, &byte, 1, 1000), 0);
    struct test_iovec vector[2] = { { U("ab"), 2 }, { U("cde"), 3 } };
    uintptr_t iov = user_alloc(sizeof vector);
    user_write(iov, vector, sizeof vector);
    CHECK(sys(SYS_writev, fd, iov, 2), 5);
}

static void lseek_on_null_and_zero_always_gives_zero(void **state)
{
    long null = OK(open_path("/dev/null", O_RDWR, 0));
    CHECK(sys(SYS_lseek, null, 100, SEEK_SET), 0);
    CHECK(sys(SYS_lseek, null, -5, SEEK_CUR), 0);
    CHECK(sys(SYS_lseek, null, 7, SEEK_END), 0);
    long zero = OK(open_path("/dev/zero", O_RDONLY, 0));
    CHECK(sys(SYS_lseek, zero, 4096, SEEK_SET), 0);
    CHECK(sys(SYS_lseek, zero, 0, SEEK_CUR), 0);
}

static void dev_zero_reads_zeroes_and_accepts_writes(void **state)
{
    long fd = OK(open_path("/dev/zero", O_RDWR, 0));
    uintptr_t buffer = user_alloc(10000);
    char fill[10000];
    memset(fill, 0x5a, sizeof fill);
    user_write(buffer, fill, sizeof fill);
    CHECK(sys(SYS_read, fd, buffer, 10000), 10000);
    char back[10000];
    user_read(back, buffer, sizeof back);
    for (size_t i = 0; i < sizeof back; i++)
        if (back[i] != 0)
            fail_msg("byte %zu of /dev/zero is %d", i, back[i]);
    CHECK(write_text((int)fd, "ignored"), 7);
    CHECK(sys(SYS_read, fd, HARNESS_READONLY, 8), -EFAULT);
}

static void dev_full_refuses_writes_with_enospc(void **state)
{
    long fd = OK(open_path("/dev/full", O_RDWR, 0));
    CHECK(write_text((int)fd, "x"), -ENOSPC);
    char data[4] = { 1, 1, 1, 1 };
    CHECK(read_fd((int)fd, data, sizeof data), 4);
    assert_memory_equal(data, "\0\0\0\0", 4);
}

static void dev_urandom_and_random_fill_the_buffer(void **state)
{
    long fd = OK(open_path("/dev/urandom", O_RDONLY, 0));
    char data[64];
    memset(data, 0, sizeof data);
    CHECK(read_fd((int)fd, data, sizeof data), 64);
    int zeroes = 0;
    for (size_t i = 0; i < sizeof data; i++)
        zeroes += data[i] == 0;
    assert_true(zeroes < 16);
    char other[64];
    CHECK(read_fd((int)fd, other, sizeof other), 64);
    assert_true(memcmp(data, other, sizeof data) != 0);
    long random = OK(open_path("/dev/random", O_RDONLY, 0));
    CHECK(read_fd((int)random, data, 16), 16);
}

static void check_device(const char *path, unsigned major, unsigned minor)
{
    struct test_stat st;
    CHECK(stat_path(path, &st), 0);
    CHECK(st.st_mode & S_IFMT, S_IFCHR);
    CHECK(device_major(st.st_rdev), major);
    CHECK(device_minor(st.st_rdev), minor);
    CHECK(st.st_size, 0);
}

static void device_numbers_are_linux_ones(void **state)
{
    check_device("/dev/null", 1, 3);
    check_device("/dev/zero", 1, 5);
    check_device("/dev/full", 1, 7);
    check_device("/dev/random", 1, 8);
    check_device("/dev/urandom", 1, 9);
    check_device("/dev/kmsg", 1, 11);
    check_device("/dev/tty", 5, 0);
    check_device("/dev/console", 5, 1);
}

static void the_memory_devices_are_world_readable_and_writable(void **state)
{
    static const char *const paths[] = { "/dev/null", "/dev/zero", "/dev/full", "/dev/random",
                                         "/dev/urandom" };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        struct test_stat st;
        CHECK(stat_path(paths[i], &st), 0);
        CHECK(st.st_mode, S_IFCHR | 0666);
    }
}

static void fstat_of_an_open_device(void **state)
{
    long fd = OK(open_path("/dev/null", O_WRONLY, 0));
    struct test_stat by_fd, by_path;
    CHECK(fstat_fd((int)fd, &by_fd), 0);
    CHECK(stat_path("/dev/null", &by_path), 0);
    CHECK(by_fd.st_rdev, device_number(1, 3));
    CHECK(by_fd.st_ino, by_path.st_ino);
    CHECK(by_fd.st_dev, by_path.st_dev);
}

static void dev_lists_its_devices_as_character_devices(void **state)
{
    long fd = OK(open_path("/dev", O_RDONLY | O_DIRECTORY, 0));
    static const char *const wanted[] = { "null", "zero", "full", "random", "urandom",
                                          "tty", "console", "kmsg" };
    bool found[8] = { false };
    for (;;) {
        struct test_dirent records[64];
        size_t count;
        long bytes = OK(getdents_fd((int)fd, 1024, records, 64, &count)); /* <= 42 records */
        if (bytes == 0)
            break;
        for (size_t i = 0; i < count && i < 64; i++)
            for (size_t j = 0; j < 8; j++)
                if (strcmp(records[i].name, wanted[j]) == 0) {
                    found[j] = true;
                    CHECK(records[i].type, DT_CHR);
                }
    }
    for (size_t j = 0; j < 8; j++)
        if (!found[j])
            fail_msg("/dev/%s is not listed", wanted[j]);
}

static void opening_devices_with_creation_flags(void **state)
{
    long fd = OK(open_path("/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644));
    CHECK(write_text((int)fd, "x"), 1);
    CHECK(open_path("/dev/null", O_WRONLY | O_CREAT | O_EXCL, 0644), -EEXIST);
    CHECK(open_path("/dev/null/", O_RDONLY, 0), -ENOTDIR);
    CHECK(open_path("/dev/null", O_RDONLY | O_DIRECTORY, 0), -ENOTDIR);
}

static void a_device_node_made_with_mknod_reaches_the_driver(void **state)
{
    CHECK(sys(SYS_mknod, U("/my-null"), S_IFCHR | 0666, device_number(1, 3)), 0);
    CHECK(sys(SYS_mknod, U("/my-zero"), S_IFCHR | 0666, device_number(1, 5)), 0);
    long null = OK(open_path("/my-null", O_RDWR, 0));
    CHECK(write_text((int)null, "gone"), 4);
    char byte = 1;
    CHECK(read_fd((int)null, &byte, 1), 0);
    long zero = OK(open_path("/my-zero", O_RDONLY, 0));
    CHECK(read_fd((int)zero, &byte, 1), 1);
    CHECK(byte, 0);
}

static void a_device_node_without_a_driver_is_enxio(void **state)
{
    CHECK(sys(SYS_mknod, U("/nothing"), S_IFCHR | 0666, device_number(0, 0)), 0);
    CHECK(open_path("/nothing", O_RDWR, 0), -ENXIO);
    CHECK(sys(SYS_mknod, U("/disk"), S_IFBLK | 0600, device_number(259, 250)), 0);
    CHECK(open_path("/disk", O_RDONLY, 0), -ENXIO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYSCALL_TEST(dev_null_swallows_writes_and_reads_as_empty),
        SYSCALL_TEST(lseek_on_null_and_zero_always_gives_zero),
        SYSCALL_TEST(dev_zero_reads_zeroes_and_accepts_writes),
        SYSCALL_TEST(dev_full_refuses_writes_with_enospc),
        SYSCALL_TEST(dev_urandom_and_random_fill_the_buffer),
        SYSCALL_TEST(device_numbers_are_linux_ones),
        SYSCALL_TEST(the_memory_devices_are_world_readable_and_writable),
        SYSCALL_TEST(fstat_of_an_open_device),
        SYSCALL_TEST(dev_lists_its_devices_as_character_devices),
        SYSCALL_TEST(opening_devices_with_creation_flags),
        SYSCALL_TEST(a_device_node_made_with_mknod_reaches_the_driver),
        SYSCALL_TEST(a_device_node_without_a_driver_is_enxio),
    };
    return RUN_SYSCALL_TESTS("syscall-dev", tests);
}
