/*
 * devfs_internal.h — what the devfs files share: the fixed table of
 * entries, one mounted instance, one node, and the character device
 * drivers devfs registers by number (rk/chardev.h).
 *
 * The tree is fixed: a root directory and the entries of devfs_entries[]
 * (character device nodes and symlinks). Each mount keeps at most one node
 * per entry: lookup hands out the cached node with a new reference, and
 * the node is freed (and its slot cleared) when its last reference is
 * dropped. The device nodes are plain nodes (attributes only); opening one
 * reaches the driver registered for its number, the same driver a node
 * made with mknod elsewhere reaches.
 */
#ifndef DEVFS_INTERNAL_H
#define DEVFS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rk/chardev.h>
#include <rk/services.h>
#include <rk/vfs.h>

/* One entry of the fixed tree (index 0 is the root directory). */
struct devfs_entry {
    const char *name;
    uint32_t mode;                          /* type and default permission bits */
    unsigned major;                         /* character devices */
    unsigned minor;
    const char *target;                     /* symlinks */
};

#define DEVFS_ROOT_INDEX 0u
#define DEVFS_ENTRY_COUNT 14u               /* root included */

extern const struct devfs_entry devfs_entries[DEVFS_ENTRY_COUNT];

/* Attributes that chmod/chown/utimes may change, per entry and mount. */
struct devfs_attributes {
    uint32_t mode;                          /* type and permission bits */
    uint32_t uid;
    uint32_t gid;
    struct kernel_time access_time;
    struct kernel_time modify_time;
    struct kernel_time change_time;
};

/* One mounted instance (superblock->private). */
struct devfs_instance {
    struct superblock *superblock;
    struct devfs_node *nodes[DEVFS_ENTRY_COUNT];           /* live nodes, NULL when none */
    struct devfs_attributes attributes[DEVFS_ENTRY_COUNT];
};

/* One node; instance is NULL once the mount is gone (the node then only frees itself). */
struct devfs_node {
    struct vnode vnode;
    struct devfs_instance *instance;
    unsigned index;                         /* into devfs_entries */
};

/* The node that embeds vnode. */
static inline struct devfs_node *devfs_node_of(struct vnode *vnode)
{
    return (struct devfs_node *)((char *)vnode - offsetof(struct devfs_node, vnode));
}

/*
 * The character device drivers (devfs_devices.c, devfs_kmsg.c), each the
 * chardev_ops of the numbers devfs_drivers[] gives it: null 1:3, zero 1:5,
 * full 1:7, random 1:8 and urandom 1:9, kmsg 1:11. The nodes tty 5:0,
 * console 5:1 and ttyS0 4:64 reach the tty service's driver.
 */
extern const struct chardev_ops devfs_null_driver;
extern const struct chardev_ops devfs_zero_driver;
extern const struct chardev_ops devfs_full_driver;
extern const struct chardev_ops devfs_random_driver;
extern const struct chardev_ops devfs_kmsg_driver;

/* One range of numbers devfs serves, and its driver. */
struct devfs_driver {
    unsigned major;
    unsigned first_minor;
    unsigned count;
    const struct chardev_ops *ops;
};

#define DEVFS_DRIVER_COUNT 5u
extern const struct devfs_driver devfs_drivers[DEVFS_DRIVER_COUNT];

/*
 * Register every range of devfs_drivers[] for owner (the devfs service's
 * start hook). Returns 0, or chardev_register()'s first error after
 * unregistering what it had registered.
 */
int devfs_drivers_register(struct service *owner);
/* Unregister them (the stop hook); ranges not registered are skipped. */
void devfs_drivers_unregister(struct service *owner);

/*
 * The outcome of a transfer that moved `moved` bytes and ended with error
 * (0 or negative): the byte count when anything moved, else the error.
 */
static inline long devfs_transfer_result(size_t moved, int error)
{
    return moved > 0 || error == 0 ? (long)moved : error;
}

#endif
