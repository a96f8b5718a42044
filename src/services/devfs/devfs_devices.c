/*
 * devfs_devices.c — the simple character device drivers and their
 * registration by number: null, zero, full, random/urandom, and
 * tty/console (the system console, without a line discipline or
 * controlling terminals yet). Every handler has the chardev_ops contract
 * (rk/chardev.h): it moves up to io_remaining(cursor) bytes and returns
 * the count, or a negative errno when nothing moved. None of these
 * devices has positions: reads and writes never move *offset.
 */
#include <rk/chardev.h>
#include <rk/errno.h>
#include <rk/file.h>
#include <rk/system.h>
#include <rk/vfs.h>

#include "devfs_internal.h"

#define DEVFS_CHUNK 512u   /* bounce buffer size for random and console data */

const struct devfs_driver devfs_drivers[DEVFS_DRIVER_COUNT] = {
    { 1, 3, 1, &devfs_null_driver },
    { 1, 5, 1, &devfs_zero_driver },
    { 1, 7, 1, &devfs_full_driver },
    { 1, 8, 2, &devfs_random_driver },    /* random, urandom */
    { 1, 11, 1, &devfs_kmsg_driver },
    { 5, 0, 2, &devfs_console_driver },   /* tty, console */
};

/* See devfs_internal.h: every range of devfs_drivers[], all or none. */
int devfs_drivers_register(struct service *owner)
{
    for (unsigned i = 0; i < DEVFS_DRIVER_COUNT; i++) {
        const struct devfs_driver *driver = &devfs_drivers[i];
        int error = chardev_register(device_number(driver->major, driver->first_minor),
                                     driver->count, driver->ops, owner);
        if (error < 0) {
            while (i-- > 0)
                chardev_unregister(device_number(devfs_drivers[i].major, devfs_drivers[i].first_minor),
                                   devfs_drivers[i].count, owner);
            return error;
        }
    }
    return 0;
}

/* See devfs_internal.h. */
void devfs_drivers_unregister(struct service *owner)
{
    for (unsigned i = 0; i < DEVFS_DRIVER_COUNT; i++)
        chardev_unregister(device_number(devfs_drivers[i].major, devfs_drivers[i].first_minor),
                           devfs_drivers[i].count, owner);
}

/* Read of /dev/null: always end of file. */
static long devfs_read_end_of_file(struct chardev_file *handle, struct io_cursor *cursor,
                                   uint64_t *offset)
{
    return 0;
}

/* Write of null, zero, random and urandom: every byte is accepted and dropped (nothing is read). */
static long devfs_write_swallow(struct chardev_file *handle, struct io_cursor *cursor,
                                uint64_t *offset)
{
    return (long)io_remaining(cursor);
}

/* Read of zero and full: the whole buffer filled with zero bytes. */
static long devfs_read_zeros(struct chardev_file *handle, struct io_cursor *cursor, uint64_t *offset)
{
    size_t before = cursor->transferred;
    int error = io_zero_out(cursor, io_remaining(cursor));
    return devfs_transfer_result(cursor->transferred - before, error);
}

/* Write of /dev/full: the device is always full. */
static long devfs_write_no_space(struct chardev_file *handle, struct io_cursor *cursor,
                                 uint64_t *offset)
{
    return -ENOSPC;
}

/* Read of random and urandom: the whole buffer filled from system_random_bytes(). */
static long devfs_read_random(struct chardev_file *handle, struct io_cursor *cursor,
                              uint64_t *offset)
{
    unsigned char bytes[DEVFS_CHUNK];
    size_t before = cursor->transferred;
    int error = 0;
    size_t remaining;
    while (error == 0 && (remaining = io_remaining(cursor)) > 0) {
        size_t chunk = remaining < sizeof bytes ? remaining : sizeof bytes;
        system_random_bytes(bytes, chunk);
        error = io_copy_out(cursor, bytes, chunk);
    }
    return devfs_transfer_result(cursor->transferred - before, error);
}

/* open of tty and console: a terminal has no positions (lseek, pread, pwrite: -ESPIPE). */
static int devfs_open_console(struct chardev_file *handle, unsigned flags)
{
    handle->stream = true;
    return 0;
}

/*
 * Read of tty and console: sleep until console input is there (or, for
 * an O_NONBLOCK description, -EAGAIN when none is), then return what is
 * pending (at most the buffer's size). Input that cannot be copied to a
 * bad buffer is lost (-EFAULT).
 */
static long devfs_read_console(struct chardev_file *handle, struct io_cursor *cursor,
                               uint64_t *offset)
{
    size_t remaining = io_remaining(cursor);
    if (remaining == 0)
        return 0;
    bool block = !(handle->file->flags & O_NONBLOCK);
    char bytes[DEVFS_CHUNK];
    size_t length = system_console_read(bytes, remaining < sizeof bytes ? remaining : sizeof bytes,
                                        block);
    if (length == 0 && !block)
        return -EAGAIN;
    size_t before = cursor->transferred;
    int error = io_copy_out(cursor, bytes, length);
    return devfs_transfer_result(cursor->transferred - before, error);
}

/* Write of tty and console: everything goes to the system console. */
static long devfs_write_console(struct chardev_file *handle, struct io_cursor *cursor,
                                uint64_t *offset)
{
    char bytes[DEVFS_CHUNK];
    size_t written = 0;
    size_t remaining;
    while ((remaining = io_remaining(cursor)) > 0) {
        size_t chunk = remaining < sizeof bytes ? remaining : sizeof bytes;
        size_t before = cursor->transferred;
        int error = io_copy_in(cursor, bytes, chunk);
        size_t moved = cursor->transferred - before;
        system_console_write(bytes, moved);
        written += moved;
        if (error < 0)
            return devfs_transfer_result(written, error);
    }
    return (long)written;
}

/* Linux's mem driver rules: null, zero and full seek to 0 whatever is asked. */
const struct chardev_ops devfs_null_driver = {
    .open = chardev_stub_open,
    .read = devfs_read_end_of_file,
    .write = devfs_write_swallow,
    .seek = chardev_seek_zero,
    .ioctl = chardev_stub_ioctl,
    .release = chardev_stub_release,
};

const struct chardev_ops devfs_zero_driver = {
    .open = chardev_stub_open,
    .read = devfs_read_zeros,
    .write = devfs_write_swallow,
    .seek = chardev_seek_zero,
    .ioctl = chardev_stub_ioctl,
    .release = chardev_stub_release,
};

const struct chardev_ops devfs_full_driver = {
    .open = chardev_stub_open,
    .read = devfs_read_zeros,
    .write = devfs_write_no_space,
    .seek = chardev_seek_zero,
    .ioctl = chardev_stub_ioctl,
    .release = chardev_stub_release,
};

/* random and urandom: lseek leaves the position where it is (noop_llseek). */
const struct chardev_ops devfs_random_driver = {
    .open = chardev_stub_open,
    .read = devfs_read_random,
    .write = devfs_write_swallow,
    .seek = chardev_seek_unchanged,
    .ioctl = chardev_stub_ioctl,
    .release = chardev_stub_release,
};

/* tty and console: stream handles, so seek is never reached (no_llseek for the record). */
const struct chardev_ops devfs_console_driver = {
    .open = devfs_open_console,
    .read = devfs_read_console,
    .write = devfs_write_console,
    .seek = chardev_seek_none,
    .ioctl = chardev_stub_ioctl,
    .release = chardev_stub_release,
};
