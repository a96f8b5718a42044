/*
 * test_devfs.c — the devtmpfs service on its own: a hosted kernel is
 * booted, the service registered and mounted directly, and its vnode
 * operations and its character device drivers (rk/chardev.h) called
 * without the Core's VFS in between.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include <string.h>

#include <rk/chardev.h>
#include <rk/errno.h>
#include <rk/file.h>
#include <rk/heap.h>
#include <rk/klog.h>
#include <rk/services.h>
#include <rk/vfs.h>
#include "devfs/devfs.h"
#include "devfs/devfs_internal.h"
#include "hosted.h"

static struct service *devfs;
static struct superblock *superblock;
static struct vnode *root;

/* Boot, register devtmpfs (unless the boot did) and mount one instance. */
static int mount_devfs(void **state)
{
    assert_int_equal(hosted_test_boot("loglevel=3"), 0);
    if (!services_lookup(SERVICE_FILESYSTEM, "devtmpfs"))
        assert_int_equal(devfs_service_register(), 0);
    devfs = services_lookup(SERVICE_FILESYSTEM, "devtmpfs");
    assert_non_null(devfs);
    superblock = calloc(1, sizeof *superblock);
    superblock->service = devfs;
    superblock->device = device_number(0, 17);
    superblock->source = "devtmpfs";
    const struct filesystem_ops *ops = devfs->ops;
    assert_int_equal(ops->mount(superblock, ""), 0);
    root = superblock->root;
    assert_non_null(root);
    assert_true(S_ISDIR(root->type));
    return 0;
}

/* Drop the root, unmount, free the superblock. */
static int unmount_devfs(void **state)
{
    vnode_put(root);
    const struct filesystem_ops *ops = devfs->ops;
    ops->unmount(superblock);
    free(superblock);
    superblock = NULL;
    root = NULL;
    return 0;
}

/* The node called name in the root (asserts it exists). */
static struct vnode *lookup(const char *name)
{
    struct vnode *node = NULL;
    assert_int_equal(root->ops->lookup(root, name, strlen(name), &node), 0);
    assert_non_null(node);
    return node;
}

/* Read up to length bytes of node at offset into buffer; the operation's result. */
static long read_at(struct vnode *node, void *buffer, size_t length, uint64_t offset)
{
    struct io_segment segment;
    struct io_cursor cursor;
    io_cursor_kernel(&cursor, &segment, buffer, length);
    return node->ops->read(node, &cursor, offset);
}

/* Write length bytes from buffer to node at offset; the operation's result. */
static long write_at(struct vnode *node, const void *buffer, size_t length, uint64_t offset)
{
    struct io_segment segment;
    struct io_cursor cursor;
    io_cursor_kernel(&cursor, &segment, (void *)buffer, length);
    return node->ops->write(node, &cursor, offset);
}

/* ------------------------------------------------------------- readdir */

struct listing {
    char names[32][32];
    unsigned types[32];
    uint64_t inodes[32];
    unsigned count;
    unsigned limit;   /* accept at most this many per call (0: no limit) */
    unsigned accepted;
};

static int collect(struct directory_sink *sink, const char *name, size_t length,
                   uint64_t inode_number, unsigned type, uint64_t next_cookie)
{
    struct listing *listing = sink->context;
    if (listing->limit && listing->accepted == listing->limit)
        return 1;
    assert_true(listing->count < 32);
    assert_true(length < 32);
    memcpy(listing->names[listing->count], name, length);
    listing->names[listing->count][length] = '\0';
    listing->types[listing->count] = type;
    listing->inodes[listing->count] = inode_number;
    listing->count++;
    listing->accepted++;
    return 0;
}

/* Index of name in the listing, or -1. */
static int find_name(const struct listing *listing, const char *name)
{
    for (unsigned i = 0; i < listing->count; i++)
        if (strcmp(listing->names[i], name) == 0)
            return (int)i;
    return -1;
}

static void readdir_lists_every_entry(void **state)
{
    struct listing listing = { .count = 0 };
    struct directory_sink sink = { .emit = collect, .context = &listing };
    uint64_t cookie = 0;
    assert_int_equal(root->ops->readdir(root, &cookie, &sink), 0);
    assert_int_equal(listing.count, 15);
    assert_string_equal(listing.names[0], ".");
    assert_string_equal(listing.names[1], "..");
    static const char *const devices[] = { "null", "zero", "full", "random", "urandom",
                                           "kmsg", "tty", "console", "ttyS0" };
    for (size_t i = 0; i < sizeof devices / sizeof devices[0]; i++) {
        int index = find_name(&listing, devices[i]);
        assert_true(index >= 2);
        assert_int_equal(listing.types[index], DT_CHR);
    }
    static const char *const links[] = { "fd", "stdin", "stdout", "stderr" };
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        int index = find_name(&listing, links[i]);
        assert_true(index >= 2);
        assert_int_equal(listing.types[index], DT_LNK);
    }
    /* The inode numbers in the listing are the ones lookup gives. */
    struct vnode *null = lookup("null");
    assert_int_equal(listing.inodes[find_name(&listing, "null")], null->inode_number);
    vnode_put(null);
    /* Reading on from the end gives nothing more. */
    unsigned before = listing.count;
    assert_int_equal(root->ops->readdir(root, &cookie, &sink), 0);
    assert_int_equal(listing.count, before);
}

static void readdir_resumes_after_a_full_buffer(void **state)
{
    struct listing listing = { .limit = 3 };
    struct directory_sink sink = { .emit = collect, .context = &listing };
    uint64_t cookie = 0;
    for (int call = 0; call < 10; call++) {
        listing.accepted = 0;
        assert_int_equal(root->ops->readdir(root, &cookie, &sink), 0);
        if (listing.accepted == 0)
            break;
    }
    assert_int_equal(listing.count, 15);
    for (unsigned i = 0; i < listing.count; i++)
        for (unsigned j = i + 1; j < listing.count; j++)
            assert_string_not_equal(listing.names[i], listing.names[j]);
}

/* ------------------------------------------------------------ attributes */

static void devices_have_linux_numbers_and_modes(void **state)
{
    static const struct {
        const char *name;
        unsigned major, minor;
        uint32_t permissions;
    } expected[] = {
        { "null", 1, 3, 0666 },    { "zero", 1, 5, 0666 },  { "full", 1, 7, 0666 },
        { "random", 1, 8, 0666 },  { "urandom", 1, 9, 0666 }, { "kmsg", 1, 11, 0644 },
        { "tty", 5, 0, 0666 },     { "console", 5, 1, 0600 }, { "ttyS0", 4, 64, 0660 },
    };
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        struct vnode *node = lookup(expected[i].name);
        struct vnode_attributes attributes;
        assert_int_equal(node->ops->getattr(node, &attributes), 0);
        assert_true(S_ISCHR(attributes.mode));
        assert_int_equal(attributes.mode & S_IALLUGO, expected[i].permissions);
        assert_int_equal(device_major(attributes.device), expected[i].major);
        assert_int_equal(device_minor(attributes.device), expected[i].minor);
        assert_int_equal(attributes.inode_number, node->inode_number);
        assert_int_equal(attributes.size, 0);
        assert_int_equal(attributes.uid, 0);
        assert_int_equal(node->type, S_IFCHR);
        vnode_put(node);
    }
    struct vnode_attributes attributes;
    assert_int_equal(root->ops->getattr(root, &attributes), 0);
    assert_int_equal(attributes.mode, S_IFDIR | 0755);
    assert_int_equal(attributes.device, 0);
}

static void symlinks_point_into_proc_self(void **state)
{
    static const struct {
        const char *name, *target;
    } expected[] = {
        { "fd", "/proc/self/fd" },
        { "stdin", "/proc/self/fd/0" },
        { "stdout", "/proc/self/fd/1" },
        { "stderr", "/proc/self/fd/2" },
    };
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        struct vnode *node = lookup(expected[i].name);
        char buffer[64];
        memset(buffer, 'x', sizeof buffer);
        long length = node->ops->readlink(node, buffer, sizeof buffer);
        assert_int_equal(length, strlen(expected[i].target));
        assert_memory_equal(buffer, expected[i].target, (size_t)length);
        assert_int_equal(buffer[length], 'x');   /* not NUL-terminated */
        /* A short buffer gets the start, the full length is still reported. */
        assert_int_equal(node->ops->readlink(node, buffer, 4), strlen(expected[i].target));
        struct vnode_attributes attributes;
        assert_int_equal(node->ops->getattr(node, &attributes), 0);
        assert_int_equal(attributes.mode, S_IFLNK | 0777);
        assert_int_equal(attributes.size, strlen(expected[i].target));
        vnode_put(node);
    }
}

static void lookup_misses_and_nodes_are_not_directories(void **state)
{
    struct vnode *node = NULL;
    assert_int_equal(root->ops->lookup(root, "sda", 3, &node), -ENOENT);
    assert_int_equal(root->ops->lookup(root, "nul", 3, &node), -ENOENT);
    assert_int_equal(root->ops->lookup(root, "nulll", 5, &node), -ENOENT);
    struct vnode *null = lookup("null");
    assert_int_equal(null->ops->lookup(null, "x", 1, &node), -ENOTDIR);
    char buffer[4];
    assert_int_equal(read_at(root, buffer, sizeof buffer, 0), -EISDIR);
    vnode_put(null);
}

/* --------------------------------------------------------- user nodes */

static void user_nodes_are_created_looked_up_and_removed(void **state)
{
    struct heap_statistics before, after;
    heap_get_statistics(&before);
    struct vnode *file = NULL, *directory = NULL, *link = NULL, *socket = NULL, *node = NULL;
    assert_int_equal(root->ops->create(root, "log", 3, S_IFSOCK | 0755, 0, &socket), 0);
    assert_int_equal(socket->type, S_IFSOCK);
    assert_int_equal(root->ops->create(root, "log", 3, S_IFSOCK | 0755, 0, &node), -EEXIST);
    assert_int_equal(root->ops->create(root, "null", 4, S_IFREG | 0644, 0, &node), -EEXIST);
    assert_int_equal(root->ops->create(root, "d", 1, S_IFDIR | 0755, 0, &node), -EPERM);
    assert_int_equal(root->ops->mkdir(root, "shm", 3, 01777, &directory), 0);
    assert_int_equal(directory->ops->create(directory, "f", 1, S_IFREG | 0600, 0, &file), 0);
    assert_int_equal(root->ops->symlink(root, "ptmx", 4, "pts/ptmx", &link), 0);
    char target[16];
    assert_int_equal(link->ops->readlink(link, target, sizeof target), 8);
    assert_memory_equal(target, "pts/ptmx", 8);
    /* Lookup gives the same node: a bound socket is found again by connect. */
    assert_int_equal(root->ops->lookup(root, "log", 3, &node), 0);
    assert_ptr_equal(node, socket);
    vnode_put(node);
    struct vnode_attributes attributes;
    assert_int_equal(directory->ops->getattr(directory, &attributes), 0);
    assert_int_equal(attributes.mode, S_IFDIR | 01777);
    assert_int_equal(attributes.link_count, 2);
    /* File data, a gap, truncation. */
    assert_int_equal(write_at(file, "abc", 3, 0), 3);
    assert_int_equal(write_at(file, "z", 1, 6), 1);
    char buffer[8];
    assert_int_equal(read_at(file, buffer, sizeof buffer, 0), 7);
    assert_memory_equal(buffer, "abc\0\0\0z", 7);
    attributes.size = 1;
    assert_int_equal(file->ops->setattr(file, &attributes, VNODE_SET_SIZE), 0);
    attributes.size = 4;
    assert_int_equal(file->ops->setattr(file, &attributes, VNODE_SET_SIZE), 0);
    assert_int_equal(read_at(file, buffer, sizeof buffer, 0), 4);
    assert_memory_equal(buffer, "a\0\0\0", 4);
    attributes.size = DEVFS_FILE_MAX + 1;
    assert_int_equal(file->ops->setattr(file, &attributes, VNODE_SET_SIZE), -ENOSPC);
    assert_int_equal(write_at(file, "x", 1, DEVFS_FILE_MAX), -ENOSPC);
    /* Removal. */
    assert_int_equal(root->ops->rmdir(root, "shm", 3), -ENOTEMPTY);
    assert_int_equal(root->ops->unlink(root, "shm", 3), -EISDIR);
    assert_int_equal(root->ops->rmdir(root, "log", 3), -ENOTDIR);
    assert_int_equal(directory->ops->unlink(directory, "f", 1), 0);
    /* The unlinked file lives on while referenced. */
    assert_int_equal(read_at(file, buffer, sizeof buffer, 0), 4);
    assert_int_equal(file->ops->getattr(file, &attributes), 0);
    assert_int_equal(attributes.link_count, 0);
    assert_int_equal(root->ops->rmdir(root, "shm", 3), 0);
    assert_int_equal(directory->ops->create(directory, "g", 1, S_IFREG, 0, &node), -ENOENT);
    assert_int_equal(root->ops->unlink(root, "log", 3), 0);
    assert_int_equal(root->ops->unlink(root, "ptmx", 4), 0);
    assert_int_equal(root->ops->unlink(root, "ptmx", 4), -ENOENT);
    assert_int_equal(root->ops->lookup(root, "log", 3, &node), -ENOENT);
    vnode_put(file);
    vnode_put(directory);
    vnode_put(link);
    vnode_put(socket);
    heap_get_statistics(&after);
    assert_int_equal(after.bytes_in_use, before.bytes_in_use);
}

static void a_named_user_node_outlives_its_references(void **state)
{
    struct vnode *node = NULL, *again = NULL;
    assert_int_equal(root->ops->create(root, "kept", 4, S_IFREG | 0644, 0, &node), 0);
    assert_int_equal(write_at(node, "data", 4, 0), 4);
    uint64_t inode_number = node->inode_number;
    vnode_put(node);
    assert_int_equal(root->ops->lookup(root, "kept", 4, &again), 0);
    assert_int_equal(again->inode_number, inode_number);
    char buffer[8];
    assert_int_equal(read_at(again, buffer, sizeof buffer, 0), 4);
    vnode_put(again);
    /* Unmount (teardown) frees it. */
}

static void unmount_detaches_a_referenced_user_node(void **state)
{
    struct vnode *node = NULL;
    assert_int_equal(root->ops->mkdir(root, "held", 4, 0755, &node), 0);
    vnode_put(root);
    const struct filesystem_ops *ops = devfs->ops;
    ops->unmount(superblock);
    struct vnode_attributes attributes;
    assert_int_equal(node->ops->getattr(node, &attributes), -EIO);
    struct vnode *child = NULL;
    assert_int_equal(node->ops->lookup(node, "x", 1, &child), -EIO);
    vnode_put(node);                        /* frees it */
    /* Mount again for the teardown. */
    assert_int_equal(ops->mount(superblock, ""), 0);
    root = superblock->root;
}

static void a_builtin_entry_can_be_unlinked_but_not_renamed(void **state)
{
    struct vnode *null = lookup("null");
    assert_int_equal(root->ops->rename(root, "null", 4, root, "void", 4, 0), -EPERM);
    assert_int_equal(root->ops->unlink(root, "null", 4), 0);
    struct vnode *node = NULL;
    assert_int_equal(root->ops->lookup(root, "null", 4, &node), -ENOENT);
    /* The node held keeps its attributes. */
    struct vnode_attributes attributes;
    assert_int_equal(null->ops->getattr(null, &attributes), 0);
    assert_int_equal(attributes.device, device_number(1, 3));
    vnode_put(null);
    /* The name is free for a user node; readdir no longer shows the entry. */
    assert_int_equal(root->ops->create(root, "null", 4, S_IFREG | 0644, 0, &node), 0);
    assert_int_equal(node->type, S_IFREG);
    vnode_put(node);
    assert_int_equal(root->ops->unlink(root, "zero", 4), 0);
    struct listing listing = { .count = 0 };
    struct directory_sink sink = { .emit = collect, .context = &listing };
    uint64_t cookie = 0;
    assert_int_equal(root->ops->readdir(root, &cookie, &sink), 0);
    assert_int_equal(listing.count, 15 - 1);
    assert_int_equal(find_name(&listing, "zero"), -1);
    assert_int_equal(listing.types[find_name(&listing, "null")], DT_REG);
}

static void rename_replaces_moves_and_refuses_what_it_must(void **state)
{
    struct vnode *a = NULL, *b = NULL, *directory = NULL, *node = NULL;
    assert_int_equal(root->ops->create(root, "a", 1, S_IFREG | 0644, 0, &a), 0);
    assert_int_equal(root->ops->create(root, "b", 1, S_IFIFO | 0644, 0, &b), 0);
    assert_int_equal(root->ops->mkdir(root, "d", 1, 0755, &directory), 0);
    assert_int_equal(root->ops->rename(root, "a", 1, root, "b", 1, RENAME_NOREPLACE), -EEXIST);
    assert_int_equal(root->ops->rename(root, "a", 1, root, "b", 1, RENAME_EXCHANGE), -EINVAL);
    assert_int_equal(root->ops->rename(root, "a", 1, root, "d", 1, 0), -EISDIR);
    assert_int_equal(root->ops->rename(root, "d", 1, root, "a", 1, 0), -ENOTDIR);
    assert_int_equal(root->ops->rename(root, "d", 1, directory, "x", 1, 0), -EINVAL);
    assert_int_equal(root->ops->rename(root, "d", 1, root, "tty", 3, 0), -ENOTDIR);
    assert_int_equal(root->ops->rename(root, "a", 1, root, "a", 1, 0), 0);
    assert_int_equal(root->ops->rename(root, "a", 1, root, "b", 1, 0), 0);
    assert_int_equal(root->ops->lookup(root, "b", 1, &node), 0);
    assert_ptr_equal(node, a);
    vnode_put(node);
    assert_int_equal(root->ops->rename(root, "b", 1, directory, "moved", 5, 0), 0);
    assert_int_equal(directory->ops->lookup(directory, "moved", 5, &node), 0);
    assert_ptr_equal(node, a);
    vnode_put(node);
    /* Onto a built-in entry: it is unlinked. */
    assert_int_equal(directory->ops->rename(directory, "moved", 5, root, "console", 7, 0), 0);
    assert_int_equal(root->ops->lookup(root, "console", 7, &node), 0);
    assert_ptr_equal(node, a);
    vnode_put(node);
    vnode_put(a);
    vnode_put(b);
    vnode_put(directory);
}

static void lookup_shares_one_node_per_entry(void **state)
{
    struct heap_statistics before, after;
    heap_get_statistics(&before);
    struct vnode *first = lookup("zero");
    struct vnode *second = lookup("zero");
    assert_ptr_equal(first, second);
    assert_int_equal(first->references, 2);
    vnode_put(second);
    vnode_put(first);
    heap_get_statistics(&after);
    /* The node was freed on its last reference. */
    assert_int_equal(after.bytes_in_use, before.bytes_in_use);
    struct vnode *third = lookup("zero");
    assert_int_equal(third->references, 1);
    vnode_put(third);
}

static void chmod_and_chown_are_kept_and_size_is_refused(void **state)
{
    struct vnode *node = lookup("tty");
    struct vnode_attributes change = { .mode = 0620, .uid = 5, .gid = 7 };
    assert_int_equal(node->ops->setattr(node, &change, VNODE_SET_MODE | VNODE_SET_UID |
                                                          VNODE_SET_GID), 0);
    struct vnode_attributes attributes;
    assert_int_equal(node->ops->getattr(node, &attributes), 0);
    assert_int_equal(attributes.mode, S_IFCHR | 0620);
    assert_int_equal(attributes.uid, 5);
    assert_int_equal(attributes.gid, 7);
    change.size = 0;
    assert_int_equal(node->ops->setattr(node, &change, VNODE_SET_SIZE), -EINVAL);
    assert_int_equal(root->ops->setattr(root, &change, VNODE_SET_SIZE), -EISDIR);
    vnode_put(node);
    /* Kept while the node is gone: the mount owns the attributes. */
    node = lookup("tty");
    assert_int_equal(node->ops->getattr(node, &attributes), 0);
    assert_int_equal(attributes.mode, S_IFCHR | 0620);
    vnode_put(node);
}

/* ------------------------------------------------------------- drivers */

/* One open of a devfs driver, made the way chardev_open() makes it. */
struct device {
    struct file file;
    struct chardev_file handle;
    const struct chardev_ops *ops;
};

/* The devfs driver registered for major:minor (fails the test when none is). */
static const struct chardev_ops *driver_of(unsigned major, unsigned minor)
{
    for (unsigned i = 0; i < DEVFS_DRIVER_COUNT; i++) {
        const struct devfs_driver *driver = &devfs_drivers[i];
        if (driver->major == major && minor >= driver->first_minor &&
            minor - driver->first_minor < driver->count)
            return driver->ops;
    }
    fail_msg("no devfs driver for %u:%u", major, minor);
    return NULL;
}

/* Open the device node name (its number from getattr) through its driver with flags. */
static void device_open(struct device *device, const char *name, unsigned flags)
{
    struct vnode *node = lookup(name);
    struct vnode_attributes attributes;
    assert_int_equal(node->ops->getattr(node, &attributes), 0);
    vnode_put(node);
    memset(device, 0, sizeof *device);
    device->file.flags = flags;
    device->file.references = 1;
    device->handle.file = &device->file;
    device->handle.device = attributes.device;
    device->ops = driver_of(device_major(attributes.device), device_minor(attributes.device));
    assert_int_equal(device->ops->open(&device->handle, flags), 0);
}

/* The driver's release (the last close). */
static void device_close(struct device *device) { device->ops->release(&device->handle); }

/* read(2) of up to length bytes into buffer at the description's offset. */
static long device_read(struct device *device, void *buffer, size_t length)
{
    struct io_segment segment;
    struct io_cursor cursor;
    io_cursor_kernel(&cursor, &segment, buffer, length);
    return device->ops->read(&device->handle, &cursor, &device->file.offset);
}

/* write(2) of length bytes from buffer at the description's offset. */
static long device_write(struct device *device, const void *buffer, size_t length)
{
    struct io_segment segment;
    struct io_cursor cursor;
    io_cursor_kernel(&cursor, &segment, (void *)buffer, length);
    return device->ops->write(&device->handle, &cursor, &device->file.offset);
}

/* lseek(2) as chardev_seek() makes it: the result becomes the offset. */
static int64_t device_seek(struct device *device, int64_t offset, int whence)
{
    int64_t result = device->ops->seek(&device->handle, device->file.offset, offset, whence);
    if (result >= 0)
        device->file.offset = (uint64_t)result;
    return result;
}

static void every_device_node_has_a_registered_driver(void **state)
{
    unsigned devices = 0;
    for (unsigned index = 1; index < DEVFS_ENTRY_COUNT; index++) {
        const struct devfs_entry *entry = &devfs_entries[index];
        if (!S_ISCHR(entry->mode))
            continue;
        devices++;
        uint64_t number = device_number(entry->major, entry->minor);
        /* The terminals (4:64, 5:0, 5:1) are served by the tty service. */
        bool terminal = entry->major == 4 || entry->major == 5;
        assert_non_null(chardev_owner(number));
        assert_true((chardev_owner(number) == devfs) != terminal);
        if (!terminal)
            driver_of(entry->major, entry->minor);
        /* The node itself has no data path: opens go to the driver. */
        struct vnode *node = lookup(entry->name);
        char byte;
        assert_int_equal(read_at(node, &byte, 1, 0), -EINVAL);
        assert_int_equal(write_at(node, "x", 1, 0), -EINVAL);
        vnode_put(node);
    }
    assert_int_equal(devices, 9);
    /* Numbers next to devfs's are nobody's. */
    assert_null(chardev_owner(device_number(1, 4)));
    assert_null(chardev_owner(device_number(1, 10)));
    assert_null(chardev_owner(device_number(5, 2)));
}

static void drivers_come_and_go_with_registration(void **state)
{
    /* Registered once: the same ranges again are busy, and nothing is lost by trying. */
    assert_int_equal(devfs_drivers_register(devfs), -EBUSY);
    assert_ptr_equal(chardev_owner(device_number(1, 3)), devfs);
    devfs_drivers_unregister(devfs);
    assert_null(chardev_owner(device_number(1, 3)));
    assert_null(chardev_owner(device_number(1, 11)));
    devfs_drivers_unregister(devfs);   /* twice is harmless */
    assert_int_equal(devfs_drivers_register(devfs), 0);
    assert_ptr_equal(chardev_owner(device_number(1, 11)), devfs);
    assert_ptr_equal(chardev_owner(device_number(1, 5)), devfs);
    /* The terminals are the tty service's. */
    assert_ptr_not_equal(chardev_owner(device_number(5, 0)), devfs);
}

static void null_reads_end_of_file_and_swallows_writes(void **state)
{
    struct device device;
    device_open(&device, "null", O_RDWR);
    char buffer[16] = "unchanged";
    assert_int_equal(device_read(&device, buffer, sizeof buffer), 0);
    assert_string_equal(buffer, "unchanged");
    assert_int_equal(device_write(&device, "hello", 5), 5);
    assert_int_equal(device_write(&device, "hello", 5), 5);
    assert_int_equal(device.file.offset, 0);
    /* Linux's null_lseek: 0 whatever is asked. */
    assert_int_equal(device_seek(&device, 100, 0), 0);
    assert_int_equal(device_seek(&device, -5, 1), 0);
    assert_int_equal(device_seek(&device, 7, 2), 0);
    assert_false(device.handle.stream);
    device_close(&device);
}

static void zero_reads_zeros_and_swallows_writes(void **state)
{
    struct device device;
    device_open(&device, "zero", O_RDWR);
    unsigned char buffer[3000];
    memset(buffer, 0xaa, sizeof buffer);
    device.file.offset = 12345;
    assert_int_equal(device_read(&device, buffer, sizeof buffer), sizeof buffer);
    for (size_t i = 0; i < sizeof buffer; i++)
        assert_int_equal(buffer[i], 0);
    assert_int_equal(device.file.offset, 12345);   /* no positions */
    assert_int_equal(device_write(&device, buffer, 100), 100);
    assert_int_equal(device_seek(&device, 4096, 0), 0);
    device_close(&device);
}

static void full_reads_zeros_and_refuses_writes(void **state)
{
    struct device device;
    device_open(&device, "full", O_RDWR);
    unsigned char buffer[64];
    memset(buffer, 0x55, sizeof buffer);
    assert_int_equal(device_read(&device, buffer, sizeof buffer), sizeof buffer);
    for (size_t i = 0; i < sizeof buffer; i++)
        assert_int_equal(buffer[i], 0);
    assert_int_equal(device_write(&device, "x", 1), -ENOSPC);
    assert_int_equal(device_seek(&device, 9, 2), 0);
    device_close(&device);
}

static void random_devices_fill_the_buffer(void **state)
{
    static const char *const names[] = { "random", "urandom" };
    for (size_t n = 0; n < 2; n++) {
        struct device device;
        device_open(&device, names[n], O_RDWR);
        unsigned char first[1500], second[1500];
        memset(first, 0, sizeof first);
        memset(second, 0, sizeof second);
        assert_int_equal(device_read(&device, first, sizeof first), sizeof first);
        assert_int_equal(device_read(&device, second, sizeof second), sizeof second);
        assert_memory_not_equal(first, second, sizeof first);
        /* Bytes in the last chunk were filled too (not left zero). */
        unsigned nonzero = 0;
        for (size_t i = 1024; i < sizeof first; i++)
            nonzero += first[i] != 0;
        assert_true(nonzero > 400);
        assert_int_equal(device_write(&device, "entropy", 7), 7);
        /* Linux's noop_llseek: the position stays where it is. */
        device.file.offset = 3;
        assert_int_equal(device_seek(&device, 100, 0), 3);
        device_close(&device);
    }
}

static void kmsg_reads_one_record_per_read_in_linux_format(void **state)
{
    klog_reset();
    klog(KLOG_WARNING, "first record");
    assert_int_equal(hosted_clock_advance(1500000), 0);   /* 1.5 ms */
    klog(KLOG_INFO, "back\\slash\ttab");
    struct device kmsg;
    device_open(&kmsg, "kmsg", O_RDONLY);
    char buffer[256];
    long length = device_read(&kmsg, buffer, sizeof buffer);
    const char first[] = "4,0,0,-;first record\n";
    assert_int_equal(length, strlen(first));
    assert_memory_equal(buffer, first, strlen(first));

    length = device_read(&kmsg, buffer, sizeof buffer);
    assert_true(length > 0);
    buffer[length] = '\0';
    unsigned level;
    unsigned long long sequence, microseconds;
    int consumed = 0;
    assert_int_equal(sscanf(buffer, "%u,%llu,%llu,-;%n", &level, &sequence, &microseconds,
                            &consumed), 3);
    assert_int_equal(level, 6);
    assert_int_equal(sequence, 1);
    assert_true(microseconds >= 1500);
    assert_string_equal(buffer + consumed, "back\\x5cslash\\x09tab\n");
    /* The description's offset plays no part. */
    assert_int_equal(kmsg.file.offset, 0);

    /* Nothing newer: end of file (O_NONBLOCK: -EAGAIN), and the position stays usable. */
    assert_int_equal(device_read(&kmsg, buffer, sizeof buffer), 0);
    kmsg.file.flags |= O_NONBLOCK;
    assert_int_equal(device_read(&kmsg, buffer, sizeof buffer), -EAGAIN);
    klog(KLOG_NOTICE, "third");
    length = device_read(&kmsg, buffer, sizeof buffer);
    buffer[length] = '\0';
    assert_int_equal(strncmp(buffer, "5,2,", 4), 0);
    device_close(&kmsg);
}

static void kmsg_readers_have_their_own_positions(void **state)
{
    klog_reset();
    klog(KLOG_NOTICE, "one");
    klog(KLOG_NOTICE, "two");
    struct device first, second;
    device_open(&first, "kmsg", O_RDONLY);
    device_open(&second, "kmsg", O_RDONLY);
    char buffer[128];
    assert_int_equal(device_read(&first, buffer, sizeof buffer), strlen("5,0,0,-;one\n"));
    assert_int_equal(device_read(&first, buffer, sizeof buffer), strlen("5,1,0,-;two\n"));
    /* The second reader still starts at the oldest record, at the same byte offset 0. */
    long length = device_read(&second, buffer, sizeof buffer);
    assert_int_equal(length, strlen("5,0,0,-;one\n"));
    assert_memory_equal(buffer, "5,0,0,-;one\n", (size_t)length);
    /* A third open after more records still starts at the oldest one. */
    klog(KLOG_NOTICE, "three");
    struct device third;
    device_open(&third, "kmsg", O_RDONLY);
    length = device_read(&third, buffer, sizeof buffer);
    assert_memory_equal(buffer, "5,0,0,-;one\n", (size_t)length);
    assert_int_equal(device_read(&first, buffer, sizeof buffer), strlen("5,2,0,-;three\n"));
    device_close(&third);
    device_close(&second);
    device_close(&first);
}

static void kmsg_refuses_small_buffers_and_seeks_like_linux(void **state)
{
    klog_reset();
    klog(KLOG_NOTICE, "a record longer than ten bytes");
    klog(KLOG_NOTICE, "second");
    struct device kmsg;
    device_open(&kmsg, "kmsg", O_RDONLY | O_NONBLOCK);
    char buffer[128];
    /* Too small for the record: -EINVAL, and the record is still the next one. */
    assert_int_equal(device_read(&kmsg, buffer, 10), -EINVAL);
    assert_int_equal(device_read(&kmsg, buffer, sizeof buffer),
                     strlen("5,0,0,-;a record longer than ten bytes\n"));
    /* Only offset 0 seeks; SEEK_CUR and SEEK_HOLE do not. */
    assert_int_equal(device_seek(&kmsg, 7, 0), -ESPIPE);
    assert_int_equal(device_seek(&kmsg, -1, 2), -ESPIPE);
    assert_int_equal(device_seek(&kmsg, 0, 1), -EINVAL);
    assert_int_equal(device_seek(&kmsg, 0, 4), -EINVAL);
    /* SEEK_END: past the newest record. */
    assert_int_equal(device_seek(&kmsg, 0, 2), 0);
    assert_int_equal(device_read(&kmsg, buffer, sizeof buffer), -EAGAIN);
    klog(KLOG_NOTICE, "after the end");
    long length = device_read(&kmsg, buffer, sizeof buffer);
    assert_int_equal(length, strlen("5,2,0,-;after the end\n"));
    /* SEEK_SET 0 and SEEK_DATA: back to the oldest record. */
    assert_int_equal(device_seek(&kmsg, 0, 0), 0);
    length = device_read(&kmsg, buffer, sizeof buffer);
    assert_int_equal(strncmp(buffer, "5,0,", 4), 0);
    assert_int_equal(device_seek(&kmsg, 0, 3), 0);
    length = device_read(&kmsg, buffer, sizeof buffer);
    assert_int_equal(strncmp(buffer, "5,0,", 4), 0);
    device_close(&kmsg);
}

static void kmsg_reports_lost_records_once(void **state)
{
    klog_reset();
    klog(KLOG_NOTICE, "soon overwritten");
    struct device kmsg;
    device_open(&kmsg, "kmsg", O_RDONLY | O_NONBLOCK);
    for (unsigned i = 0; i < 300; i++)   /* more than the 256-record ring */
        klog(KLOG_DEBUG, "filler %u", i);
    char buffer[128];
    assert_int_equal(device_read(&kmsg, buffer, sizeof buffer), -EPIPE);
    long length = device_read(&kmsg, buffer, sizeof buffer);
    assert_true(length > 0);
    buffer[length] = '\0';
    unsigned level;
    unsigned long long sequence;
    assert_int_equal(sscanf(buffer, "%u,%llu,", &level, &sequence), 2);
    assert_int_equal(sequence, 301 - 256);   /* the oldest record left */
    device_close(&kmsg);
}

static void kmsg_write_logs_a_record(void **state)
{
    klog_reset();
    struct device kmsg;
    device_open(&kmsg, "kmsg", O_RDWR);
    const char plain[] = "from user space\n";
    assert_int_equal(device_write(&kmsg, plain, strlen(plain)), strlen(plain));
    const char prefixed[] = "<4>with a level";
    assert_int_equal(device_write(&kmsg, prefixed, strlen(prefixed)), strlen(prefixed));
    const char percent[] = "100% %s %n safe";
    assert_int_equal(device_write(&kmsg, percent, strlen(percent)), strlen(percent));
    uint64_t sequence = 0;
    struct klog_record record;
    assert_int_equal(klog_read(&sequence, &record), 0);
    assert_int_equal(record.level, KLOG_INFO);
    assert_string_equal(record.text, "from user space");
    assert_int_equal(klog_read(&sequence, &record), 0);
    assert_int_equal(record.level, KLOG_WARNING);
    assert_string_equal(record.text, "with a level");
    assert_int_equal(klog_read(&sequence, &record), 0);
    assert_string_equal(record.text, percent);
    /* Linux refuses lines longer than LOG_LINE_MAX. */
    static char huge[2000];
    memset(huge, 'h', sizeof huge);
    assert_int_equal(device_write(&kmsg, huge, sizeof huge), -EINVAL);
    /* And the record reads back through the device. */
    char buffer[128];
    long length = device_read(&kmsg, buffer, sizeof buffer);
    assert_true(length > 0);
    buffer[length] = '\0';
    assert_string_equal(buffer, "6,0,0,-;from user space\n");
    device_close(&kmsg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define DEVFS_TEST(name) cmocka_unit_test_setup_teardown(name, mount_devfs, unmount_devfs)
        DEVFS_TEST(readdir_lists_every_entry),
        DEVFS_TEST(readdir_resumes_after_a_full_buffer),
        DEVFS_TEST(devices_have_linux_numbers_and_modes),
        DEVFS_TEST(symlinks_point_into_proc_self),
        DEVFS_TEST(lookup_misses_and_nodes_are_not_directories),
        DEVFS_TEST(user_nodes_are_created_looked_up_and_removed),
        DEVFS_TEST(a_named_user_node_outlives_its_references),
        DEVFS_TEST(unmount_detaches_a_referenced_user_node),
        DEVFS_TEST(a_builtin_entry_can_be_unlinked_but_not_renamed),
        DEVFS_TEST(rename_replaces_moves_and_refuses_what_it_must),
        DEVFS_TEST(lookup_shares_one_node_per_entry),
        DEVFS_TEST(chmod_and_chown_are_kept_and_size_is_refused),
        DEVFS_TEST(every_device_node_has_a_registered_driver),
        DEVFS_TEST(drivers_come_and_go_with_registration),
        DEVFS_TEST(null_reads_end_of_file_and_swallows_writes),
        DEVFS_TEST(zero_reads_zeros_and_swallows_writes),
        DEVFS_TEST(full_reads_zeros_and_refuses_writes),
        DEVFS_TEST(random_devices_fill_the_buffer),
        DEVFS_TEST(kmsg_reads_one_record_per_read_in_linux_format),
        DEVFS_TEST(kmsg_readers_have_their_own_positions),
        DEVFS_TEST(kmsg_refuses_small_buffers_and_seeks_like_linux),
        DEVFS_TEST(kmsg_reports_lost_records_once),
        DEVFS_TEST(kmsg_write_logs_a_record),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
