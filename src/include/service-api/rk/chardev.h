/*
 * rk/chardev.h — character devices by device number (Linux's cdev model):
 * a driver service registers the numbers it serves; opening a character
 * device node on any filesystem reaches the driver through the Core.
 *
 * The node only names the device: its filesystem keeps type, permissions,
 * owner, times and the number (st_rdev), and answers stat/chmod/chown. An
 * open(2) of a character node asks the node's getattr for the number and
 * hands the new description to the driver registered for it; the node of
 * a number nobody serves (and, for now, every block node) opens with
 * -ENXIO, as on Linux. So /dev/null and a node made with
 * mknod("/x", S_IFCHR, makedev(1, 3)) on tmpfs reach the same driver.
 *
 * Every driver operation runs inside the owner's service gate (the open
 * file's service is the owner), gets the open's chardev_file handle, and
 * returns 0 / a byte count / a position, or a negative errno exactly as
 * the syscall returns it.
 *
 * Locking: uniprocessor and cooperative (see rk/vfs.h); a driver needs
 * locks only around state it touches across a sleep.
 */
#ifndef RK_CHARDEV_H
#define RK_CHARDEV_H

#include <stdbool.h>
#include <stdint.h>
#include <rk/file.h>
#include <rk/services.h>

/* Linux's device number space: 12 bits of major, 20 bits of minor. */
#define CHARDEV_MAJOR_LIMIT 4096u
#define CHARDEV_MINOR_LIMIT (1u << 20)
/* How many ranges can be registered at once. */
#define CHARDEV_REGION_LIMIT 64u

/*
 * One open of a device as its driver sees it. Allocated by the Core before
 * the driver's open and freed after its release; the driver owns private
 * (and must not touch file->private, which is the Core's).
 */
struct chardev_file {
    struct file *file;      /* the description: flags (O_ACCMODE, O_NONBLOCK...), vnode */
    uint64_t device;        /* the number opened (device_major()/device_minor()) */
    void *private;          /* the driver's per-open state: set by open, freed by release */
    /*
     * Set by open for a device without positions (Linux's stream_open):
     * lseek, pread and pwrite then fail with -ESPIPE before reaching the
     * driver. Initially false.
     */
    bool stream;
};

/*
 * A driver's operations, the same for every number of one registered
 * range (handle->device tells them apart). Every slot non-NULL; unused
 * ones use the chardev_stub_* / chardev_seek_* helpers below.
 */
struct chardev_ops {
    /*
     * A new open (flags are open(2)'s, creation flags removed). Set up
     * handle->private and handle->stream, or refuse (-ENXIO, -EBUSY,
     * -EPERM...); after a refusal no other operation, release included,
     * is called for this handle.
     */
    int (*open)(struct chardev_file *handle, unsigned flags);
    /*
     * Move up to io_remaining(cursor) bytes at *offset (the description's
     * position, or pread/pwrite's own). A positioned device advances
     * *offset itself; a device that has no positions leaves it alone.
     * Returns the byte count (never more than asked: the Core turns more
     * into -EIO), 0 at end of file, or -errno (-EAGAIN when the handle's
     * file is O_NONBLOCK and the call would sleep; -EFAULT only when
     * nothing moved).
     */
    long (*read)(struct chardev_file *handle, struct io_cursor *cursor, uint64_t *offset);
    long (*write)(struct chardev_file *handle, struct io_cursor *cursor, uint64_t *offset);
    /*
     * lseek(2): the new position for (offset, whence) from current, which
     * the Core stores as the description's offset. whence is SEEK_SET 0,
     * SEEK_CUR 1, SEEK_END 2, SEEK_DATA 3, SEEK_HOLE 4 (the Core refuses
     * others with -EINVAL). Not called for stream handles.
     */
    int64_t (*seek)(struct chardev_file *handle, uint64_t current, int64_t offset, int whence);
    /* ioctl(2): -ENOTTY for a command the device does not know. */
    long (*ioctl)(struct chardev_file *handle, unsigned command, uintptr_t argument);
    /*
     * The description's last reference is gone: free handle->private. May
     * come after the range was unregistered (see chardev_unregister).
     */
    void (*release)(struct chardev_file *handle);
    /*
     * poll(2)/select(2): the readiness mask now (rk/poll.h), never
     * sleeping; a driver whose readiness changes calls poll_notify().
     */
    unsigned (*poll)(struct chardev_file *handle);
};

/* Shared slots. */
int chardev_stub_open(struct chardev_file *handle, unsigned flags);                   /* 0 */
long chardev_stub_read(struct chardev_file *handle, struct io_cursor *cursor,
                       uint64_t *offset);                                              /* -EINVAL */
long chardev_stub_write(struct chardev_file *handle, struct io_cursor *cursor,
                        uint64_t *offset);                                             /* -EINVAL */
long chardev_stub_ioctl(struct chardev_file *handle, unsigned command, uintptr_t argument); /* -ENOTTY */
void chardev_stub_release(struct chardev_file *handle);                               /* nothing */
unsigned chardev_stub_poll(struct chardev_file *handle);                              /* DEFAULT_POLLMASK */
/* Seek rules: always 0 (Linux's null_lseek: null, zero, full). */
int64_t chardev_seek_zero(struct chardev_file *handle, uint64_t current, int64_t offset, int whence);
/* The position does not move (Linux's noop_llseek: random, urandom). */
int64_t chardev_seek_unchanged(struct chardev_file *handle, uint64_t current, int64_t offset,
                               int whence);
/* -ESPIPE (Linux's no_llseek). */
int64_t chardev_seek_none(struct chardev_file *handle, uint64_t current, int64_t offset, int whence);

/*
 * Serve count character device numbers from first_device (an encoded
 * number, device_number(major, minor); the range stays within first's
 * major) with ops on behalf of owner, the service whose gate every call
 * crosses. The numbers are found by opens while owner is registered, so a
 * service may register them from its start hook. ops and owner must
 * outlive the registration and every description opened through it.
 *
 * Returns 0; -EINVAL for a NULL ops/owner, a NULL slot, count 0 or a range
 * that leaves the number space or first's major; -EBUSY when a number is
 * already served (by another live registration, or by owner's own
 * different range); -ENOSPC when CHARDEV_REGION_LIMIT ranges are taken.
 * An exact re-registration of a range by its owner while the owner is not
 * registered (a service (re)starting after its previous instance went
 * away without unregistering) replaces the old registration; so does any
 * registration of numbers whose owner is no longer registered. A service
 * that registers numbers while it is registered (not from its start hook)
 * unregisters them in its stop hook, or finds them -EBUSY when it comes
 * back.
 */
int chardev_register(uint64_t first_device, unsigned count, const struct chardev_ops *ops,
                     struct service *owner);
/*
 * Stop serving the range registered as (first_device, count) by owner:
 * new opens of its numbers fail with -ENXIO. Descriptions already open
 * stay open, their read/write/seek/ioctl fail with -EIO, and their
 * driver release still comes at their last close. Returns 0 or -ENOENT
 * when owner has no such registration.
 */
int chardev_unregister(uint64_t first_device, unsigned count, struct service *owner);
/*
 * Unregister every range owner registered (a stop hook's shortcut; the
 * Core's too, when it drops a service). Returns how many there were.
 */
unsigned chardev_unregister_all(struct service *owner);
/* The service serving device (registered and live), or NULL. */
struct service *chardev_owner(uint64_t device);

#endif
