/*
 * devfs_devices.c — the data paths of the simple character devices:
 * null, zero, full, random/urandom, and tty/console (the system console,
 * without a line discipline yet). Every handler has the vnode_ops
 * read/write contract: it moves up to io_remaining(cursor) bytes and
 * returns the count, or a negative errno when nothing moved.
 */
#include <rk/errno.h>
#include <rk/system.h>
#include <rk/vfs.h>

#include "devfs_internal.h"

#define DEVFS_CHUNK 512u   /* bounce buffer size for random and console data */

/* Read of /dev/null: always end of file. */
static long devfs_read_end_of_file(struct devfs_node *node, struct io_cursor *cursor,
                                   uint64_t offset)
{
    return 0;
}

/* Write of null, zero, random and urandom: every byte is accepted and dropped (nothing is read). */
static long devfs_write_swallow(struct devfs_node *node, struct io_cursor *cursor, uint64_t offset)
{
    return (long)io_remaining(cursor);
}

/* Read of zero and full: the whole buffer filled with zero bytes. */
static long devfs_read_zeros(struct devfs_node *node, struct io_cursor *cursor, uint64_t offset)
{
    size_t before = cursor->transferred;
    int error = io_zero_out(cursor, io_remaining(cursor));
    return devfs_transfer_result(cursor->transferred - before, error);
}

/* Write of /dev/full: the device is always full. */
static long devfs_write_no_space(struct devfs_node *node, struct io_cursor *cursor,
                                 uint64_t offset)
{
    return -ENOSPC;
}

/* Read of random and urandom: the whole buffer filled from system_random_bytes(). */
static long devfs_read_random(struct devfs_node *node, struct io_cursor *cursor, uint64_t offset)
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

/*
 * Read of tty and console: sleep until console input is there, then
 * return what is pending (at most the buffer's size). Input that cannot be
 * copied to a bad buffer is lost (-EFAULT).
 */
static long devfs_read_console(struct devfs_node *node, struct io_cursor *cursor, uint64_t offset)
{
    size_t remaining = io_remaining(cursor);
    if (remaining == 0)
        return 0;
    char bytes[DEVFS_CHUNK];
    size_t length = system_console_read(bytes, remaining < sizeof bytes ? remaining : sizeof bytes,
                                        true);
    size_t before = cursor->transferred;
    int error = io_copy_out(cursor, bytes, length);
    return devfs_transfer_result(cursor->transferred - before, error);
}

/* Write of tty and console: everything goes to the system console. */
static long devfs_write_console(struct devfs_node *node, struct io_cursor *cursor,
                                uint64_t offset)
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

const struct devfs_device_ops devfs_null_device = {
    .read = devfs_read_end_of_file,
    .write = devfs_write_swallow,
};

const struct devfs_device_ops devfs_zero_device = {
    .read = devfs_read_zeros,
    .write = devfs_write_swallow,
};

const struct devfs_device_ops devfs_full_device = {
    .read = devfs_read_zeros,
    .write = devfs_write_no_space,
};

const struct devfs_device_ops devfs_random_device = {
    .read = devfs_read_random,
    .write = devfs_write_swallow,
};

const struct devfs_device_ops devfs_console_device = {
    .read = devfs_read_console,
    .write = devfs_write_console,
};
