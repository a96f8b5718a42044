/*
 * devfs_devices.c — the simple character device drivers and their
 * registration by number: null, zero, full, random/urandom. The terminals
 * (ttyS0, tty, console) are the tty service's. Every handler has the chardev_ops contract
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

#define DEVFS_CHUNK 512u   /* bounce buffer size for random data */

const struct devfs_driver devfs_drivers[DEVFS_DRIVER_COUNT] = {
    { 1, 3, 1, &devfs_null_driver },
    { 1, 5, 1, &devfs_zero_driver },
    { 1, 7, 1, &devfs_full_driver },
    { 1, 8, 2, &devfs_random_driver },    /* random, urandom */
    { 1, 11, 1, &devfs_kmsg_driver },
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

/* Linux's mem driver rules: null, zero and full seek to 0 whatever is asked. */
const struct chardev_ops devfs_null_driver = {
    .open = chardev_stub_open,
    .read = devfs_read_end_of_file,
    .write = devfs_write_swallow,
    .seek = chardev_seek_zero,
    .ioctl = chardev_stub_ioctl,
    .release = chardev_stub_release,
    .poll = chardev_stub_poll,
};

const struct chardev_ops devfs_zero_driver = {
    .open = chardev_stub_open,
    .read = devfs_read_zeros,
    .write = devfs_write_swallow,
    .seek = chardev_seek_zero,
    .ioctl = chardev_stub_ioctl,
    .release = chardev_stub_release,
    .poll = chardev_stub_poll,
};

const struct chardev_ops devfs_full_driver = {
    .open = chardev_stub_open,
    .read = devfs_read_zeros,
    .write = devfs_write_no_space,
    .seek = chardev_seek_zero,
    .ioctl = chardev_stub_ioctl,
    .release = chardev_stub_release,
    .poll = chardev_stub_poll,
};

/* random and urandom: lseek leaves the position where it is (noop_llseek). */
const struct chardev_ops devfs_random_driver = {
    .open = chardev_stub_open,
    .read = devfs_read_random,
    .write = devfs_write_swallow,
    .seek = chardev_seek_unchanged,
    .ioctl = chardev_stub_ioctl,
    .release = chardev_stub_release,
    .poll = chardev_stub_poll,
};
