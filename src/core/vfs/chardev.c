/*
 * chardev.c — character devices by number (rk/chardev.h): the registry of
 * ranges, opening a device node through its driver, and the file
 * operations that forward a description's calls to the driver.
 *
 * The registry is a fixed table of ranges (no heap: it must not point
 * into memory a later boot of the hosted test kernel has forgotten). Each
 * use of a slot gets a new generation; a description remembers the slot
 * and generation it was opened through, so a range unregistered (or
 * replaced) under an open description is noticed on its next call
 * (-EIO) without the registry counting descriptions.
 *
 * Gating: a device description's service is the driver's owner, so the
 * Core calls these file operations inside the owner's gate (read_write.c,
 * sys_ioctl, file_put) and they call the driver directly. chardev_open()
 * and chardev_seek() are called from Core code outside any gate and cross
 * it themselves.
 *
 * Locking: the table is changed and searched with registry_lock held
 * (interrupts off); no driver call happens with it held.
 */
#include <rk/containment.h>
#include <rk/chardev.h>
#include <rk/errno.h>
#include <rk/heap.h>
#include <rk/klog.h>
#include <rk/path.h>
#include <rk/poll.h>
#include <rk/spinlock.h>
#include <rk/string.h>

#include "vfs_internal.h"

/*
 * The Core's entry points for lseek(2) (read_write.c). vfs_internal.h is
 * where they belong; declared here until it carries them.
 */

#define SEEK_MAX 4   /* SEEK_HOLE: the largest whence lseek(2) accepts */

/* One registered range of minors of one major. */
struct chardev_region {
    bool used;
    unsigned major;
    unsigned first_minor;
    unsigned count;
    const struct chardev_ops *ops;
    struct service *owner;
    uint64_t generation;     /* of this use of the slot */
};

/* The Core's side of one open (file->private); the driver sees handle only. */
struct chardev_open {
    struct chardev_file handle;
    const struct chardev_ops *ops;  /* copied: release must still reach the driver */
    unsigned region;                /* slot it was opened through */
    uint64_t generation;            /* the slot's generation then */
    bool opened;                    /* the driver's open succeeded (release is owed) */
};

static struct chardev_region regions[CHARDEV_REGION_LIMIT];
static uint64_t generation_counter;
static struct spinlock registry_lock = SPINLOCK_INIT("chardev");

/* ---------------------------------------------------------- registry */

/*
 * True when region serves opens: in use and its owner registered.
 * registry_lock held.
 */
static bool region_live(const struct chardev_region *region)
{
    return region->used && region->owner->registered;
}

/* See rk/chardev.h. */
void chardev_registry_reset(void)
{
    spinlock_irq_state_t state = spin_lock_irqsave(&registry_lock);
    memset(regions, 0, sizeof regions);
    generation_counter = 0;
    spin_unlock_irqrestore(&registry_lock, state);
}

/* True when region shares a minor with [first_minor, first_minor + count) of major. */
static bool region_overlaps(const struct chardev_region *region, unsigned major,
                            unsigned first_minor, unsigned count)
{
    return region->used && region->major == major && first_minor < region->first_minor + region->count &&
           region->first_minor < first_minor + count;
}

/* True when every slot of ops is filled (the Core never calls a NULL). */
static bool ops_complete(const struct chardev_ops *ops)
{
    return ops->open && ops->read && ops->write && ops->seek && ops->ioctl && ops->release &&
           ops->poll;
}

/*
 * See rk/chardev.h. Checks every overlap before changing anything, then
 * clears the overlapping stale slots and takes a free one (or the slot of
 * a range whose owner is gone). Takes registry_lock.
 */
int chardev_register(uint64_t first_device, unsigned count, const struct chardev_ops *ops,
                     struct service *owner)
{
    if (!ops || !owner || !ops_complete(ops) || count == 0)
        return -EINVAL;
    unsigned major = device_major(first_device);
    unsigned first_minor = device_minor(first_device);
    if (device_number(major, first_minor) != first_device || major >= CHARDEV_MAJOR_LIMIT ||
        first_minor >= CHARDEV_MINOR_LIMIT || count > CHARDEV_MINOR_LIMIT - first_minor)
        return -EINVAL;

    spinlock_irq_state_t state = spin_lock_irqsave(&registry_lock);
    /* Check every overlap first; only then reclaim what is stale. */
    for (unsigned i = 0; i < CHARDEV_REGION_LIMIT; i++) {
        struct chardev_region *region = &regions[i];
        if (!region_overlaps(region, major, first_minor, count))
            continue;
        /* The owner registering its own range again: at registration or at a restart. */
        bool restart = region->owner == owner &&
                       (!owner->registered || owner->status == SERVICE_STARTING) &&
                       region->first_minor == first_minor && region->count == count;
        if (!restart && (region_live(region) || region->owner == owner)) {
            spin_unlock_irqrestore(&registry_lock, state);
            return -EBUSY;
        }
    }
    struct chardev_region *slot = NULL;
    for (unsigned i = 0; i < CHARDEV_REGION_LIMIT; i++) {
        struct chardev_region *region = &regions[i];
        if (region_overlaps(region, major, first_minor, count))
            region->used = false;   /* stale: its owner is gone (or restarting) */
        if (!slot && !region->used)
            slot = region;
    }
    if (!slot) {
        /* Reclaim a range whose owner is no longer registered. */
        for (unsigned i = 0; i < CHARDEV_REGION_LIMIT && !slot; i++)
            if (!regions[i].owner->registered && regions[i].owner != owner)
                slot = &regions[i];
    }
    if (!slot) {
        spin_unlock_irqrestore(&registry_lock, state);
        return -ENOSPC;
    }
    *slot = (struct chardev_region){
        .used = true,
        .major = major,
        .first_minor = first_minor,
        .count = count,
        .ops = ops,
        .owner = owner,
        .generation = ++generation_counter,
    };
    spin_unlock_irqrestore(&registry_lock, state);
    return 0;
}

/* See rk/chardev.h. Open descriptions notice through their generation. Takes registry_lock. */
int chardev_unregister(uint64_t first_device, unsigned count, struct service *owner)
{
    unsigned major = device_major(first_device);
    unsigned first_minor = device_minor(first_device);
    int result = -ENOENT;
    spinlock_irq_state_t state = spin_lock_irqsave(&registry_lock);
    for (unsigned i = 0; i < CHARDEV_REGION_LIMIT && result < 0; i++) {
        struct chardev_region *region = &regions[i];
        if (region->used && region->owner == owner && region->major == major &&
            region->first_minor == first_minor && region->count == count) {
            region->used = false;
            result = 0;
        }
    }
    spin_unlock_irqrestore(&registry_lock, state);
    return result;
}

/* See rk/chardev.h. Takes registry_lock. */
unsigned chardev_unregister_all(struct service *owner)
{
    unsigned count = 0;
    spinlock_irq_state_t state = spin_lock_irqsave(&registry_lock);
    for (unsigned i = 0; i < CHARDEV_REGION_LIMIT; i++) {
        if (regions[i].used && regions[i].owner == owner) {
            regions[i].used = false;
            count++;
        }
    }
    spin_unlock_irqrestore(&registry_lock, state);
    return count;
}

/* The live slot serving device, or -1. registry_lock held. */
static int region_find(uint64_t device)
{
    unsigned major = device_major(device);
    unsigned minor = device_minor(device);
    for (unsigned i = 0; i < CHARDEV_REGION_LIMIT; i++) {
        const struct chardev_region *region = &regions[i];
        if (region_live(region) && region->major == major && minor >= region->first_minor &&
            minor - region->first_minor < region->count)
            return (int)i;
    }
    return -1;
}

/* See rk/chardev.h. Takes registry_lock. */
struct service *chardev_owner(uint64_t device)
{
    spinlock_irq_state_t state = spin_lock_irqsave(&registry_lock);
    int index = region_find(device);
    struct service *owner = index >= 0 ? regions[index].owner : NULL;
    spin_unlock_irqrestore(&registry_lock, state);
    return owner;
}

/* ---------------------------------------------------- device files */

/*
 * True while the range open was made through is still the registration
 * it was (not unregistered, replaced, or left by its owner).
 */
static bool open_current(const struct chardev_open *open)
{
    spinlock_irq_state_t state = spin_lock_irqsave(&registry_lock);
    const struct chardev_region *region = &regions[open->region];
    bool current = region_live(region) && region->generation == open->generation;
    spin_unlock_irqrestore(&registry_lock, state);
    return current;
}

/*
 * Check a transfer's outcome: more than was asked is a driver bug, turned
 * into -EIO (after one WARN-level log line) rather than trusted.
 */
static long checked_count(const struct chardev_open *open, long count, size_t asked)
{
    if (count > 0 && (size_t)count > asked) {
        klog(KLOG_WARNING, "chardev %u:%u: driver %s returned %ld bytes for %zu asked",
             device_major(open->handle.device), device_minor(open->handle.device),
             open->handle.file->service->name, count, asked);
        return -EIO;
    }
    return count;
}

/*
 * file_ops.read/write of a device description (inside the owner's gate).
 * A stream handle refuses positioned transfers: pread/pwrite pass their
 * own offset, read/write the description's (&file->offset).
 */
static long chardev_file_transfer(struct file *file, struct io_cursor *cursor, uint64_t *offset,
                                  bool write)
{
    struct chardev_open *open = file->private;
    if (open->handle.stream && offset != &file->offset)
        return -ESPIPE;
    if (!open_current(open))
        return -EIO;
    size_t asked = io_remaining(cursor);
    long count = write ? open->ops->write(&open->handle, cursor, offset)
                       : open->ops->read(&open->handle, cursor, offset);
    return checked_count(open, count, asked);
}

/* file_ops.read: the driver's read. */
static long chardev_file_read(struct file *file, struct io_cursor *cursor, uint64_t *offset)
{
    return chardev_file_transfer(file, cursor, offset, false);
}

/* file_ops.write: the driver's write. */
static long chardev_file_write(struct file *file, struct io_cursor *cursor, uint64_t *offset)
{
    return chardev_file_transfer(file, cursor, offset, true);
}

/* file_ops.stat: the node's attributes (its filesystem's getattr, through its gate). */
static int chardev_file_stat(struct file *file, struct vnode_attributes *attributes)
{
    return vfs_getattr(file->vnode, attributes, NULL);
}

/* file_ops.ioctl: the driver's ioctl (inside the owner's gate). */
static long chardev_file_ioctl(struct file *file, unsigned command, uintptr_t argument)
{
    struct chardev_open *open = file->private;
    if (!open_current(open))
        return -EIO;
    return open->ops->ioctl(&open->handle, command, argument);
}

/*
 * file_ops.poll (inside the owner's gate): the driver's poll; a range
 * that went away reports an error and a hang-up (reads and writes give
 * -EIO), so pollers do not sleep on it.
 */
static unsigned chardev_file_poll(struct file *file)
{
    struct chardev_open *open = file->private;
    if (!open_current(open))
        return POLLERR | POLLHUP;
    return open->ops->poll(&open->handle);
}

/*
 * file_ops.release (inside the owner's gate): the driver's release when
 * its open succeeded, then the Core's part. The Core drops vnode and path.
 */
static void chardev_file_release(struct file *file)
{
    struct chardev_open *open = file->private;
    if (!open)
        return;
    if (open->opened)
        open->ops->release(&open->handle);
    file->private = NULL;
    kfree(open);
}

static const struct file_ops chardev_file_ops = {
    .read = chardev_file_read,
    .write = chardev_file_write,
    .stat = chardev_file_stat,
    .ioctl = chardev_file_ioctl,
    .release = chardev_file_release,
    .poll = chardev_file_poll,
};

/*
 * open(2) of a character or block node: the number from the node's
 * getattr, the driver registered for it, a description whose service is
 * the driver's owner (keeping entry and its vnode for fstat, fchmod and
 * /proc), and the driver's open. Returns 0 and *result; -ENXIO for a block
 * node or a number nobody serves; -ENOMEM; getattr's or the driver's
 * error. Never -ENODEV: every device node is served by number.
 */
int chardev_open(struct path_entry *entry, unsigned flags, struct file **result)
{
    struct vnode *node = entry->vnode;
    if (!S_ISCHR(node->type))
        return -ENXIO;   /* no block drivers yet: Linux's answer for a block node without one */
    struct vnode_attributes attributes;
    int error = vfs_getattr(node, &attributes, NULL);
    if (error < 0)
        return error;
    if (!S_ISCHR(attributes.mode))
        return -EIO;     /* the filesystem contradicts the node's type */

    spinlock_irq_state_t state = spin_lock_irqsave(&registry_lock);
    int index = region_find(attributes.device);
    struct chardev_region region = index >= 0 ? regions[index] : (struct chardev_region){ 0 };
    spin_unlock_irqrestore(&registry_lock, state);
    if (index < 0)
        return -ENXIO;

    struct chardev_open *open = kzalloc(sizeof *open);
    if (!open)
        return -ENOMEM;
    struct file *file = file_alloc(&chardev_file_ops, region.owner,
                                   flags & ~(unsigned)(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC));
    if (!file) {
        kfree(open);
        return -ENOMEM;
    }
    open->handle = (struct chardev_file){ .file = file, .device = attributes.device };
    open->ops = region.ops;
    open->region = (unsigned)index;
    open->generation = region.generation;
    file->private = open;
    vnode_get(node);
    file->vnode = node;
    path_get(entry);
    file->path = entry;

    error = FILE_CALL(file, "open", -EIO, region.ops->open(&open->handle, file->flags));
    if (error > 0) {
        klog(KLOG_WARNING, "chardev %u:%u: driver %s open returned %d", device_major(attributes.device),
             device_minor(attributes.device), region.owner->name, error);
        error = -EIO;
    }
    if (error < 0) {
        if (error == -ENODEV)
            error = -ENXIO;   /* -ENODEV from chardev_open means "not a driver's" to open.c */
        file_put(file);       /* release skips the driver: it never opened */
        return error;
    }
    open->opened = true;
    *result = file;
    return 0;
}

/* True when file was made by chardev_open() (its ops are this file's). */
bool chardev_file_is_device(const struct file *file) { return file->ops == &chardev_file_ops; }

/* False for a device whose driver has no poll of its own (chardev_stub_poll: epoll's EPERM). */
bool chardev_file_pollable(const struct file *file)
{
    const struct chardev_open *open = file->private;
    return !chardev_file_is_device(file) || (open && open->ops->poll != chardev_stub_poll);
}

/*
 * lseek(2) of a device description (Core code, outside any gate): whence
 * beyond SEEK_HOLE is -EINVAL, a stream handle -ESPIPE, a gone range
 * -EIO; otherwise the driver's seek through the owner's gate, whose
 * non-negative result becomes file->offset. Returns the new offset or
 * -errno.
 */
int64_t chardev_seek(struct file *file, int64_t offset, int whence)
{
    struct chardev_open *open = file->private;
    if (whence < 0 || whence > SEEK_MAX)
        return -EINVAL;
    if (open->handle.stream)
        return -ESPIPE;
    if (!open_current(open))
        return -EIO;
    int64_t position =
        FILE_CALL(file, "seek", -EIO, open->ops->seek(&open->handle, file->offset, offset, whence));
    if (position >= 0)
        file->offset = (uint64_t)position;
    return position;
}

/* ------------------------------------------------------------- stubs */

/* The shared slots of rk/chardev.h: each does what its declaration says. */

int chardev_stub_open(struct chardev_file *handle, unsigned flags) { return 0; }

long chardev_stub_read(struct chardev_file *handle, struct io_cursor *cursor, uint64_t *offset)
{
    return -EINVAL;
}

long chardev_stub_write(struct chardev_file *handle, struct io_cursor *cursor, uint64_t *offset)
{
    return -EINVAL;
}

long chardev_stub_ioctl(struct chardev_file *handle, unsigned command, uintptr_t argument)
{
    return -ENOTTY;
}

void chardev_stub_release(struct chardev_file *handle) {}

unsigned chardev_stub_poll(struct chardev_file *handle) { return DEFAULT_POLLMASK; }

int64_t chardev_seek_zero(struct chardev_file *handle, uint64_t current, int64_t offset, int whence)
{
    return 0;
}

int64_t chardev_seek_unchanged(struct chardev_file *handle, uint64_t current, int64_t offset,
                               int whence)
{
    return (int64_t)current;
}

int64_t chardev_seek_none(struct chardev_file *handle, uint64_t current, int64_t offset, int whence)
{
    return -ESPIPE;
}
