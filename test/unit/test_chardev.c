/*
 * test_chardev.c — character devices by number (rk/chardev.h, Core
 * src/core/vfs/chardev.c): the registry of ranges, and device nodes made
 * with mknod on the tmpfs root reaching a test driver and devfs's drivers
 * through the syscalls (open, read, write, pread, lseek, ioctl, fstat,
 * close), including per-open state and two /dev/kmsg readers.
 *
 * The syscalls run on the test's own (boot) thread, attached to a process
 * with a few mapped user pages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rk/chardev.h>
#include <rk/errno.h>
#include <rk/file.h>
#include <rk/gate.h>
#include <rk/heap.h>
#include <rk/klog.h>
#include <rk/page_alloc.h>
#include <rk/mm.h>
#include <rk/process.h>
#include <rk/services.h>
#include <rk/syscall.h>
#include <rk/thread.h>
#include "hosted.h"

#define USER_PAGES 4u
#define TEST_MAJOR 240u   /* Linux's "local/experimental use" range */

/* ------------------------------------------------------------ fixtures */

static struct process *test_process;
static paddr_t user_frames[USER_PAGES];
static uintptr_t user_base;          /* USER_PAGES read-write user pages of test_process */
static size_t user_used;             /* bytes of them handed out by user_alloc */

/* Boot, make a process with USER_PAGES mapped pages and run the test thread in it. */
static int boot_with_process(void **state)
{
    assert_int_equal(hosted_test_boot("loglevel=3"), 0);
    test_process = process_create("chardev-test", 0, true);
    assert_non_null(test_process);
    process_attach_thread(test_process, thread_current());
    user_base = platform_user_address_lowest() + 16 * PAGE_SIZE;
    for (unsigned i = 0; i < USER_PAGES; i++) {
        user_frames[i] = page_alloc(0);
        assert_true(user_frames[i] != PADDR_INVALID);
        memset(platform_phys_to_virt(user_frames[i]), 0, PAGE_SIZE);
        assert_int_equal(platform_map(&test_process->mm->space, user_base + i * PAGE_SIZE,
                                      user_frames[i],
                                      PLATFORM_PROT_READ | PLATFORM_PROT_WRITE | PLATFORM_PROT_USER),
                         0);
    }
    user_used = 0;
    return 0;
}

/* Undo boot_with_process: unmap, detach and drop the process (closing its descriptors). */
static int drop_process(void **state)
{
    for (unsigned i = 0; i < USER_PAGES; i++) {
        paddr_t old;
        assert_int_equal(platform_unmap(&test_process->mm->space, user_base + i * PAGE_SIZE,
                                        &old), 0);
        page_free(user_frames[i], 0);
    }
    process_attach_thread(NULL, thread_current());
    process_put(test_process);
    test_process = NULL;
    return 0;
}

/* The kernel's view of user address address (inside the mapped pages). */
static void *user_kernel(uintptr_t address)
{
    uintptr_t offset = address - user_base;
    assert_true(offset < USER_PAGES * PAGE_SIZE);
    return (char *)platform_phys_to_virt(user_frames[offset / PAGE_SIZE]) + offset % PAGE_SIZE;
}

/* length zeroed bytes of user memory (within one page). */
static uintptr_t user_alloc(size_t length)
{
    size_t start = (user_used + 15) & ~(size_t)15;
    if (start / PAGE_SIZE != (start + length - 1) / PAGE_SIZE)
        start = (start / PAGE_SIZE + 1) * PAGE_SIZE;
    assert_true(start + length <= USER_PAGES * PAGE_SIZE);
    user_used = start + length;
    memset(user_kernel(user_base + start), 0, length);
    return user_base + start;
}

/* A NUL-terminated copy of text in user memory. */
static uintptr_t user_string(const char *text)
{
    uintptr_t address = user_alloc(strlen(text) + 1);
    memcpy(user_kernel(address), text, strlen(text) + 1);
    return address;
}

/* ------------------------------------------------------------ syscalls */

static long sys_mknod(const char *path, uint32_t mode, uint64_t device)
{
    return syscall3(SYS_mknod, user_string(path), mode, device);
}

static long sys_open(const char *path, unsigned flags)
{
    return syscall3(SYS_open, user_string(path), flags, 0);
}

static long sys_close(long fd) { return syscall3(SYS_close, fd, 0, 0); }

/* read(2) into kernel buffer (through user memory). */
static long sys_read(long fd, void *buffer, size_t length)
{
    uintptr_t user = user_alloc(length);
    long result = syscall3(SYS_read, fd, user, length);
    if (result > 0)   /* never more than length, whatever a broken kernel claims */
        memcpy(buffer, user_kernel(user), (size_t)result < length ? (size_t)result : length);
    return result;
}

static long sys_write(long fd, const void *buffer, size_t length)
{
    uintptr_t user = user_alloc(length);
    memcpy(user_kernel(user), buffer, length);
    return syscall3(SYS_write, fd, user, length);
}

static long sys_pread(long fd, size_t length, int64_t position)
{
    return syscall6(SYS_pread64, (uint64_t)fd, user_alloc(length), length, (uint64_t)position, 0, 0);
}

static long sys_lseek(long fd, int64_t offset, int whence)
{
    return syscall3(SYS_lseek, fd, (uint64_t)offset, whence);
}

/* fstat(2): st_ino, st_mode and st_rdev of Linux x86_64's struct stat. */
static long sys_fstat(long fd, uint64_t *inode, uint32_t *mode, uint64_t *rdev)
{
    uintptr_t buffer = user_alloc(144);
    long result = syscall3(SYS_fstat, fd, buffer, 0);
    const unsigned char *stat = user_kernel(buffer);
    memcpy(inode, stat + 8, sizeof *inode);
    memcpy(mode, stat + 24, sizeof *mode);
    memcpy(rdev, stat + 40, sizeof *rdev);
    return result;
}

/* ------------------------------------------------------- a test driver */

/* What the test driver saw. */
static struct {
    unsigned opens;
    unsigned releases;
    uint64_t last_device;
    unsigned last_flags;
    struct service *gate_service;   /* gate_current_service() inside the last read */
    int refuse;                     /* open's answer when non-zero */
    bool stream;                    /* open marks handles as streams */
    long overshoot;                 /* read returns this many bytes more than asked */
} driver;

/* Per-open state: the minor it was opened as and a position of its own. */
struct test_open {
    unsigned minor;
    uint64_t reads;
};

/* open: count, refuse when told, else a fresh per-open state. */
static int test_driver_open(struct chardev_file *handle, unsigned flags)
{
    driver.opens++;
    driver.last_device = handle->device;
    driver.last_flags = flags;
    if (driver.refuse)
        return driver.refuse;
    struct test_open *open = kzalloc(sizeof *open);
    if (!open)
        return -ENOMEM;
    open->minor = device_minor(handle->device);
    handle->private = open;
    handle->stream = driver.stream;
    return 0;
}

/* read: "minor M read N" for this open's Nth read; *offset advances (a positioned device). */
static long test_driver_read(struct chardev_file *handle, struct io_cursor *cursor, uint64_t *offset)
{
    struct test_open *open = handle->private;
    driver.gate_service = gate_current_service();
    char text[64];
    int length = snprintf(text, sizeof text, "minor %u read %llu", open->minor,
                          (unsigned long long)++open->reads);
    size_t count = (size_t)length < io_remaining(cursor) ? (size_t)length : io_remaining(cursor);
    int error = io_copy_out(cursor, text, count);
    if (error < 0)
        return error;
    *offset += count;
    return (long)count + driver.overshoot;
}

/* write: accepts everything, moves the position. */
static long test_driver_write(struct chardev_file *handle, struct io_cursor *cursor, uint64_t *offset)
{
    size_t count = io_remaining(cursor);
    *offset += count;
    return (long)count;
}

/*
 * seek: any whence the Core lets through, to offset * 2 + whence (so the
 * test sees the driver did it); a negative offset is -EINVAL.
 */
static int64_t test_driver_seek(struct chardev_file *handle, uint64_t current, int64_t offset,
                                int whence)
{
    return offset >= 0 ? offset * 2 + whence : -EINVAL;
}

/* ioctl: command 0x1234 answers the argument plus one. */
static long test_driver_ioctl(struct chardev_file *handle, unsigned command, uintptr_t argument)
{
    return command == 0x1234 ? (long)argument + 1 : -ENOTTY;
}

/* release: count and free the per-open state. */
static void test_driver_release(struct chardev_file *handle)
{
    driver.releases++;
    kfree(handle->private);
}

static const struct chardev_ops test_driver_ops = {
    .open = test_driver_open,
    .read = test_driver_read,
    .write = test_driver_write,
    .seek = test_driver_seek,
    .ioctl = test_driver_ioctl,
    .release = test_driver_release,
    .poll = chardev_stub_poll,
};

/* A driver table with a hole (never registrable). */
static const struct chardev_ops incomplete_ops = {
    .open = chardev_stub_open,
    .read = chardev_stub_read,
    .write = chardev_stub_write,
    .seek = chardev_seek_none,
    .release = chardev_stub_release,
    .poll = chardev_stub_poll,
};

static const int no_ops; /* a service needs some ops table; drivers' are registered by number */
static struct service first_service = { .name = "chardev-test-1", .kind = SERVICE_DRIVER, .ops = &no_ops };
static struct service second_service = { .name = "chardev-test-2", .kind = SERVICE_DRIVER, .ops = &no_ops };

/* Boot with a process and both test services registered; driver record cleared. */
static int setup(void **state)
{
    boot_with_process(state);
    assert_int_equal(services_register(&first_service), 0);
    assert_int_equal(services_register(&second_service), 0);
    memset(&driver, 0, sizeof driver);
    return 0;
}

/* Drop the process, the test services and every number they still hold. */
static int teardown(void **state)
{
    drop_process(state);
    chardev_unregister_all(&first_service);
    chardev_unregister_all(&second_service);
    services_unregister(&first_service);
    services_unregister(&second_service);
    return 0;
}

/* -------------------------------------------------------------- registry */

static void register_and_look_up(void **state)
{
    uint64_t first = device_number(TEST_MAJOR, 0);
    assert_int_equal(chardev_register(first, 4, &test_driver_ops, &first_service), 0);
    for (unsigned minor = 0; minor < 4; minor++)
        assert_ptr_equal(chardev_owner(device_number(TEST_MAJOR, minor)), &first_service);
    assert_null(chardev_owner(device_number(TEST_MAJOR, 4)));
    assert_null(chardev_owner(device_number(TEST_MAJOR + 1, 0)));
    assert_null(chardev_owner(device_number(0, 0)));
    /* Minors above 255 use the split encoding; a range can cross that boundary. */
    assert_int_equal(chardev_register(device_number(TEST_MAJOR, 250), 10, &test_driver_ops,
                                      &second_service), 0);
    assert_ptr_equal(chardev_owner(device_number(TEST_MAJOR, 259)), &second_service);
    assert_null(chardev_owner(device_number(TEST_MAJOR, 260)));
    /* devfs's numbers are registered at boot. */
    assert_ptr_equal(chardev_owner(device_number(1, 3)),
                     services_lookup(SERVICE_FILESYSTEM, "devtmpfs"));
}

static void bad_registrations_are_einval(void **state)
{
    uint64_t first = device_number(TEST_MAJOR, 0);
    assert_int_equal(chardev_register(first, 0, &test_driver_ops, &first_service), -EINVAL);
    assert_int_equal(chardev_register(first, 1, NULL, &first_service), -EINVAL);
    assert_int_equal(chardev_register(first, 1, &test_driver_ops, NULL), -EINVAL);
    assert_int_equal(chardev_register(first, 1, &incomplete_ops, &first_service), -EINVAL);
    /* Past the last minor, or a number that is no encoding of (major, minor). */
    assert_int_equal(chardev_register(device_number(TEST_MAJOR, CHARDEV_MINOR_LIMIT - 2), 3,
                                      &test_driver_ops, &first_service), -EINVAL);
    assert_int_equal(chardev_register((uint64_t)1 << 40, 1, &test_driver_ops, &first_service),
                     -EINVAL);
    assert_null(chardev_owner(first));
}

static void overlapping_ranges_are_busy(void **state)
{
    uint64_t first = device_number(TEST_MAJOR, 10);
    assert_int_equal(chardev_register(first, 10, &test_driver_ops, &first_service), 0);
    /* The same range, an overlap at either end, one inside: by anyone, the owner too. */
    assert_int_equal(chardev_register(first, 10, &test_driver_ops, &second_service), -EBUSY);
    assert_int_equal(chardev_register(first, 10, &test_driver_ops, &first_service), -EBUSY);
    assert_int_equal(chardev_register(device_number(TEST_MAJOR, 5), 6, &test_driver_ops,
                                      &second_service), -EBUSY);
    assert_int_equal(chardev_register(device_number(TEST_MAJOR, 19), 5, &test_driver_ops,
                                      &second_service), -EBUSY);
    assert_int_equal(chardev_register(device_number(TEST_MAJOR, 12), 1, &test_driver_ops,
                                      &first_service), -EBUSY);
    assert_int_equal(chardev_register(device_number(1, 3), 1, &test_driver_ops, &second_service),
                     -EBUSY);
    /* Neighbours on both sides are free. */
    assert_int_equal(chardev_register(device_number(TEST_MAJOR, 5), 5, &test_driver_ops,
                                      &second_service), 0);
    assert_int_equal(chardev_register(device_number(TEST_MAJOR, 20), 1, &test_driver_ops,
                                      &second_service), 0);
    assert_ptr_equal(chardev_owner(device_number(TEST_MAJOR, 9)), &second_service);
    assert_ptr_equal(chardev_owner(device_number(TEST_MAJOR, 10)), &first_service);
    assert_ptr_equal(chardev_owner(device_number(TEST_MAJOR, 19)), &first_service);
    assert_ptr_equal(chardev_owner(device_number(TEST_MAJOR, 20)), &second_service);
}

static void unregister_frees_the_numbers(void **state)
{
    uint64_t first = device_number(TEST_MAJOR, 0);
    assert_int_equal(chardev_register(first, 2, &test_driver_ops, &first_service), 0);
    /* Only the owner's exact range comes off. */
    assert_int_equal(chardev_unregister(first, 2, &second_service), -ENOENT);
    assert_int_equal(chardev_unregister(first, 1, &first_service), -ENOENT);
    assert_int_equal(chardev_unregister(device_number(TEST_MAJOR, 1), 1, &first_service), -ENOENT);
    assert_int_equal(chardev_unregister(first, 2, &first_service), 0);
    assert_null(chardev_owner(first));
    assert_int_equal(chardev_unregister(first, 2, &first_service), -ENOENT);
    assert_int_equal(chardev_register(first, 2, &test_driver_ops, &second_service), 0);
    assert_ptr_equal(chardev_owner(device_number(TEST_MAJOR, 1)), &second_service);
    /* Everything of one owner at once, nobody else's. */
    assert_int_equal(chardev_register(device_number(TEST_MAJOR, 10), 1, &test_driver_ops,
                                      &first_service), 0);
    assert_int_equal(chardev_register(device_number(TEST_MAJOR + 1, 0), 3, &test_driver_ops,
                                      &first_service), 0);
    assert_int_equal(chardev_unregister_all(&first_service), 2);
    assert_null(chardev_owner(device_number(TEST_MAJOR, 10)));
    assert_null(chardev_owner(device_number(TEST_MAJOR + 1, 2)));
    assert_ptr_equal(chardev_owner(first), &second_service);
    assert_int_equal(chardev_unregister_all(&first_service), 0);
}

static void numbers_follow_their_owner_registration(void **state)
{
    uint64_t first = device_number(TEST_MAJOR, 0);
    assert_int_equal(services_unregister(&first_service), 0);
    /* Registered from a start hook: served only once the service is. */
    assert_int_equal(chardev_register(first, 1, &test_driver_ops, &first_service), 0);
    assert_null(chardev_owner(first));
    assert_int_equal(services_register(&first_service), 0);
    assert_ptr_equal(chardev_owner(first), &first_service);
    /* A service that goes away without unregistering leaves its numbers unserved... */
    assert_int_equal(services_unregister(&first_service), 0);
    assert_null(chardev_owner(first));
    /* ...it may take them again when it starts again (its own exact range)... */
    assert_int_equal(chardev_register(first, 1, &test_driver_ops, &first_service), 0);
    assert_int_equal(services_register(&first_service), 0);
    assert_ptr_equal(chardev_owner(first), &first_service);
    /* ...and so may anyone else once it is gone. */
    assert_int_equal(services_unregister(&first_service), 0);
    assert_int_equal(chardev_register(first, 4, &test_driver_ops, &second_service), 0);
    assert_ptr_equal(chardev_owner(first), &second_service);
    assert_int_equal(services_register(&first_service), 0);
    assert_ptr_equal(chardev_owner(first), &second_service);
}

static void the_table_fills_up_with_enospc(void **state)
{
    unsigned registered = 0;
    int error = 0;
    while (registered <= CHARDEV_REGION_LIMIT) {
        error = chardev_register(device_number(TEST_MAJOR, registered), 1, &test_driver_ops,
                                 &first_service);
        if (error < 0)
            break;
        registered++;
    }
    assert_int_equal(error, -ENOSPC);
    assert_true(registered > CHARDEV_REGION_LIMIT - 10);   /* devfs holds a few slots */
    assert_int_equal(chardev_unregister(device_number(TEST_MAJOR, 3), 1, &first_service), 0);
    assert_int_equal(chardev_register(device_number(TEST_MAJOR + 1, 0), 1, &test_driver_ops,
                                      &second_service), 0);
    for (unsigned minor = 0; minor < registered; minor++)
        if (minor != 3)
            assert_int_equal(chardev_unregister(device_number(TEST_MAJOR, minor), 1,
                                                &first_service), 0);
}

/* --------------------------------------------------- opening device nodes */

static void a_tmpfs_node_reaches_the_driver_of_its_number(void **state)
{
    assert_int_equal(chardev_register(device_number(TEST_MAJOR, 0), 8, &test_driver_ops,
                                      &first_service), 0);
    assert_int_equal(sys_mknod("/test-device", S_IFCHR | 0666, device_number(TEST_MAJOR, 5)), 0);
    uint64_t calls_before = first_service.calls;
    long fd = sys_open("/test-device", O_RDWR | O_NONBLOCK);
    assert_true(fd >= 0);
    assert_int_equal(driver.opens, 1);
    assert_int_equal(driver.last_device, device_number(TEST_MAJOR, 5));
    assert_int_equal(driver.last_flags & (O_ACCMODE | O_NONBLOCK), O_RDWR | O_NONBLOCK);
    char buffer[64];
    long length = sys_read(fd, buffer, sizeof buffer);
    assert_int_equal(length, strlen("minor 5 read 1"));
    assert_memory_equal(buffer, "minor 5 read 1", (size_t)length);
    /* Inside the driver, the gate says whose code runs. */
    assert_ptr_equal(driver.gate_service, &first_service);
    assert_true(first_service.calls > calls_before);
    /* The driver moves the position; lseek is the driver's rule. */
    assert_int_equal(sys_lseek(fd, -1, 1), -EINVAL);
    assert_int_equal(sys_lseek(fd, 21, 0), 42);
    assert_int_equal(sys_lseek(fd, 3, 4), 10);
    assert_int_equal(sys_write(fd, "abc", 3), 3);
    /* Beyond SEEK_HOLE: the Core refuses before the driver sees it. */
    assert_int_equal(sys_lseek(fd, 0, 5), -EINVAL);
    assert_int_equal(sys_lseek(fd, 0, -1), -EINVAL);
    /* ioctl reaches the driver; a pread too, with its own offset. */
    assert_int_equal(syscall3(SYS_ioctl, fd, 0x1234, 41), 42);
    assert_int_equal(syscall3(SYS_ioctl, fd, 0x5401, 0), -ENOTTY);
    assert_int_equal(sys_pread(fd, 64, 1000), strlen("minor 5 read 2"));
    /* fstat describes the node. */
    uint64_t inode, rdev;
    uint32_t mode;
    assert_int_equal(sys_fstat(fd, &inode, &mode, &rdev), 0);
    assert_int_equal(mode, S_IFCHR | 0644);   /* mknod applied the umask, 022 */
    assert_int_equal(rdev, device_number(TEST_MAJOR, 5));
    assert_int_equal(sys_close(fd), 0);
    assert_int_equal(driver.releases, 1);
}

static void a_tmpfs_node_reaches_devfs_drivers(void **state)
{
    assert_int_equal(sys_mknod("/my-null", S_IFCHR | 0600, device_number(1, 3)), 0);
    assert_int_equal(sys_mknod("/my-zero", S_IFCHR | 0600, device_number(1, 5)), 0);
    assert_int_equal(sys_mknod("/my-console", S_IFCHR | 0600, device_number(5, 1)), 0);
    long null = sys_open("/my-null", O_RDWR);
    assert_true(null >= 0);
    assert_int_equal(sys_write(null, "gone", 4), 4);
    char buffer[16] = { 1 };
    assert_int_equal(sys_read(null, buffer, sizeof buffer), 0);
    assert_int_equal(sys_lseek(null, 100, 0), 0);
    long zero = sys_open("/my-zero", O_RDONLY);
    assert_int_equal(sys_read(zero, buffer, 8), 8);
    assert_memory_equal(buffer, "\0\0\0\0\0\0\0\0", 8);
    assert_int_equal(sys_lseek(zero, 7, 2), 0);
    /* A terminal has no positions. */
    long console = sys_open("/my-console", O_RDWR | O_NONBLOCK);   /* never sleeps on input */
    assert_true(console >= 0);
    assert_int_equal(sys_lseek(console, 0, 0), -ESPIPE);
    assert_int_equal(sys_pread(console, 4, 0), -ESPIPE);
    assert_int_equal(syscall6(SYS_pwrite64, (uint64_t)console, user_string("x"), 1, 0, 0, 0),
                     -ESPIPE);
    assert_int_equal(sys_close(console), 0);
    assert_int_equal(sys_close(zero), 0);
    assert_int_equal(sys_close(null), 0);
}

static void numbers_nobody_serves_are_enxio(void **state)
{
    assert_int_equal(sys_mknod("/nothing", S_IFCHR | 0666, device_number(0, 0)), 0);
    assert_int_equal(sys_open("/nothing", O_RDWR), -ENXIO);
    assert_int_equal(sys_mknod("/unserved", S_IFCHR | 0666, device_number(TEST_MAJOR, 3)), 0);
    assert_int_equal(sys_open("/unserved", O_RDONLY), -ENXIO);
    assert_int_equal(driver.opens, 0);
    /* Served once registered; block nodes never (no block drivers yet). */
    assert_int_equal(chardev_register(device_number(TEST_MAJOR, 3), 1, &test_driver_ops,
                                      &first_service), 0);
    long fd = sys_open("/unserved", O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(sys_close(fd), 0);
    assert_int_equal(sys_mknod("/block", S_IFBLK | 0600, device_number(TEST_MAJOR, 3)), 0);
    assert_int_equal(sys_open("/block", O_RDONLY), -ENXIO);
    /* O_PATH opens name the node without the driver. */
    fd = sys_open("/nothing", O_PATH);
    assert_true(fd >= 0);
    assert_int_equal(sys_close(fd), 0);
}

static void a_driver_may_refuse_an_open(void **state)
{
    struct heap_statistics before, after;
    assert_int_equal(chardev_register(device_number(TEST_MAJOR, 0), 1, &test_driver_ops,
                                      &first_service), 0);
    assert_int_equal(sys_mknod("/refusing", S_IFCHR | 0666, device_number(TEST_MAJOR, 0)), 0);
    heap_get_statistics(&before);
    driver.refuse = -EBUSY;
    assert_int_equal(sys_open("/refusing", O_RDONLY), -EBUSY);
    driver.refuse = 3;    /* not an errno: the Core does not trust it */
    assert_int_equal(sys_open("/refusing", O_RDONLY), -EIO);
    heap_get_statistics(&after);
    assert_int_equal(driver.opens, 2);
    assert_int_equal(driver.releases, 0);   /* no release for an open that failed */
    assert_int_equal(after.bytes_in_use, before.bytes_in_use);
}

static void per_open_state_is_freed_on_the_last_close(void **state)
{
    assert_int_equal(chardev_register(device_number(TEST_MAJOR, 0), 2, &test_driver_ops,
                                      &first_service), 0);
    assert_int_equal(sys_mknod("/a", S_IFCHR | 0666, device_number(TEST_MAJOR, 0)), 0);
    assert_int_equal(sys_mknod("/b", S_IFCHR | 0666, device_number(TEST_MAJOR, 1)), 0);
    struct heap_statistics before, after;
    heap_get_statistics(&before);
    long a = sys_open("/a", O_RDONLY);
    long b = sys_open("/b", O_RDONLY);
    long b_again = sys_open("/b", O_RDONLY);
    char buffer[32];
    assert_int_equal(sys_read(a, buffer, sizeof buffer), strlen("minor 0 read 1"));
    assert_int_equal(sys_read(b, buffer, sizeof buffer), strlen("minor 1 read 1"));
    assert_int_equal(sys_read(b, buffer, sizeof buffer), strlen("minor 1 read 2"));
    long length = sys_read(b_again, buffer, sizeof buffer);
    assert_memory_equal(buffer, "minor 1 read 1", (size_t)length);   /* its own count */
    /* A dup shares the open: one release, at the last close. */
    long duplicate = syscall3(SYS_dup, a, 0, 0);
    assert_true(duplicate >= 0);
    assert_int_equal(sys_close(a), 0);
    assert_int_equal(driver.releases, 0);
    length = sys_read(duplicate, buffer, sizeof buffer);
    assert_memory_equal(buffer, "minor 0 read 2", (size_t)length);
    assert_int_equal(sys_close(duplicate), 0);
    assert_int_equal(sys_close(b), 0);
    assert_int_equal(sys_close(b_again), 0);
    assert_int_equal(driver.releases, 3);
    heap_get_statistics(&after);
    assert_int_equal(after.bytes_in_use, before.bytes_in_use);
}

static void an_unregistered_driver_answers_eio_until_closed(void **state)
{
    uint64_t number = device_number(TEST_MAJOR, 0);
    assert_int_equal(chardev_register(number, 1, &test_driver_ops, &first_service), 0);
    assert_int_equal(sys_mknod("/going", S_IFCHR | 0666, number), 0);
    long fd = sys_open("/going", O_RDWR);
    assert_true(fd >= 0);
    assert_int_equal(chardev_unregister(number, 1, &first_service), 0);
    char buffer[32];
    assert_int_equal(sys_read(fd, buffer, sizeof buffer), -EIO);
    assert_int_equal(sys_write(fd, "x", 1), -EIO);
    assert_int_equal(sys_lseek(fd, 1, 0), -EIO);
    assert_int_equal(syscall3(SYS_ioctl, fd, 0x1234, 0), -EIO);
    assert_int_equal(sys_open("/going", O_RDWR), -ENXIO);
    /* Registered again (a new instance): the old open stays cut off. */
    assert_int_equal(chardev_register(number, 1, &test_driver_ops, &first_service), 0);
    assert_int_equal(sys_read(fd, buffer, sizeof buffer), -EIO);
    assert_int_equal(sys_close(fd), 0);
    assert_int_equal(driver.releases, 1);   /* the driver still frees its state */
}

static void stream_opens_refuse_positions(void **state)
{
    assert_int_equal(chardev_register(device_number(TEST_MAJOR, 0), 1, &test_driver_ops,
                                      &first_service), 0);
    assert_int_equal(sys_mknod("/stream", S_IFCHR | 0666, device_number(TEST_MAJOR, 0)), 0);
    driver.stream = true;
    long fd = sys_open("/stream", O_RDWR);
    assert_true(fd >= 0);
    assert_int_equal(sys_lseek(fd, 0, 0), -ESPIPE);
    assert_int_equal(sys_pread(fd, 8, 0), -ESPIPE);
    char buffer[32];
    assert_int_equal(sys_read(fd, buffer, sizeof buffer), strlen("minor 0 read 1"));
    assert_int_equal(sys_close(fd), 0);
}

static void a_driver_reading_too_much_is_eio(void **state)
{
    assert_int_equal(chardev_register(device_number(TEST_MAJOR, 0), 1, &test_driver_ops,
                                      &first_service), 0);
    assert_int_equal(sys_mknod("/liar", S_IFCHR | 0666, device_number(TEST_MAJOR, 0)), 0);
    long fd = sys_open("/liar", O_RDONLY);
    driver.overshoot = 100;
    char buffer[32];
    assert_int_equal(sys_read(fd, buffer, sizeof buffer), -EIO);
    assert_int_equal(sys_close(fd), 0);
}

/* ---------------------------------------------------------- /dev/kmsg */

/* The sequence number of a /dev/kmsg record ("LEVEL,SEQUENCE,..."). */
static unsigned long long record_sequence(const char *record, long length)
{
    char text[256];
    assert_true(length > 0 && (size_t)length < sizeof text);
    memcpy(text, record, (size_t)length);
    text[length] = '\0';
    unsigned level;
    unsigned long long sequence;
    assert_int_equal(sscanf(text, "%u,%llu,", &level, &sequence), 2);
    return sequence;
}

static void kmsg_readers_keep_their_own_positions(void **state)
{
    klog_reset();
    klog(KLOG_NOTICE, "zero");
    klog(KLOG_NOTICE, "one");
    klog(KLOG_NOTICE, "two");
    long first = sys_open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
    long second = sys_open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
    assert_true(first >= 0 && second >= 0);
    char buffer[256];
    long length = sys_read(first, buffer, sizeof buffer);
    assert_int_equal(record_sequence(buffer, length), 0);
    length = sys_read(first, buffer, sizeof buffer);
    assert_int_equal(record_sequence(buffer, length), 1);
    /* The second reader is not moved by the first. */
    length = sys_read(second, buffer, sizeof buffer);
    assert_int_equal(record_sequence(buffer, length), 0);
    /* SEEK_END on the second: only what is logged after. */
    assert_int_equal(sys_lseek(second, 0, 2), 0);
    assert_int_equal(sys_read(second, buffer, sizeof buffer), -EAGAIN);
    klog(KLOG_NOTICE, "three");
    length = sys_read(second, buffer, sizeof buffer);
    assert_int_equal(record_sequence(buffer, length), 3);
    length = sys_read(first, buffer, sizeof buffer);
    assert_int_equal(record_sequence(buffer, length), 2);
    /* SEEK_SET 0 goes back to the oldest; other offsets and SEEK_CUR do not seek. */
    assert_int_equal(sys_lseek(first, 0, 0), 0);
    length = sys_read(first, buffer, sizeof buffer);
    assert_int_equal(record_sequence(buffer, length), 0);
    assert_int_equal(sys_lseek(first, 5, 0), -ESPIPE);
    assert_int_equal(sys_lseek(first, 0, 1), -EINVAL);
    assert_int_equal(sys_close(first), 0);
    assert_int_equal(sys_close(second), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define CHARDEV_TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        CHARDEV_TEST(register_and_look_up),
        CHARDEV_TEST(bad_registrations_are_einval),
        CHARDEV_TEST(overlapping_ranges_are_busy),
        CHARDEV_TEST(unregister_frees_the_numbers),
        CHARDEV_TEST(numbers_follow_their_owner_registration),
        CHARDEV_TEST(the_table_fills_up_with_enospc),
        CHARDEV_TEST(a_tmpfs_node_reaches_the_driver_of_its_number),
        CHARDEV_TEST(a_tmpfs_node_reaches_devfs_drivers),
        CHARDEV_TEST(numbers_nobody_serves_are_enxio),
        CHARDEV_TEST(a_driver_may_refuse_an_open),
        CHARDEV_TEST(per_open_state_is_freed_on_the_last_close),
        CHARDEV_TEST(an_unregistered_driver_answers_eio_until_closed),
        CHARDEV_TEST(stream_opens_refuse_positions),
        CHARDEV_TEST(a_driver_reading_too_much_is_eio),
        CHARDEV_TEST(kmsg_readers_keep_their_own_positions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
