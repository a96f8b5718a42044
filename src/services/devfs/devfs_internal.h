/*
 * devfs_internal.h — what the devfs files share: the fixed table of
 * entries, one mounted instance, one node, and the device read/write
 * handlers.
 *
 * The tree is fixed: a root directory and the entries of devfs_entries[]
 * (character devices and symlinks). Each mount keeps at most one node per
 * entry: lookup hands out the cached node with a new reference, and the
 * node is freed (and its slot cleared) when its last reference is dropped.
 */
#ifndef DEVFS_INTERNAL_H
#define DEVFS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rk/vfs.h>

struct devfs_node;

/* Reading or writing one kind of device; same contract as vnode_ops read/write. */
struct devfs_device_ops {
    long (*read)(struct devfs_node *node, struct io_cursor *cursor, uint64_t offset);
    long (*write)(struct devfs_node *node, struct io_cursor *cursor, uint64_t offset);
};

/* One entry of the fixed tree (index 0 is the root directory). */
struct devfs_entry {
    const char *name;
    uint32_t mode;                          /* type and default permission bits */
    unsigned major;                         /* character devices */
    unsigned minor;
    const char *target;                     /* symlinks */
    const struct devfs_device_ops *device;  /* character devices */
};

#define DEVFS_ROOT_INDEX 0u
#define DEVFS_ENTRY_COUNT 13u               /* root included */
#define DEVFS_KMSG_CURSORS 16u

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

/*
 * Where a /dev/kmsg reader stands: a read at byte offset `offset` resumes
 * at klog record `sequence` (see devfs_kmsg.c).
 */
struct devfs_kmsg_cursor {
    uint64_t offset;
    uint64_t sequence;
    bool used;
};

/* One mounted instance (superblock->private). */
struct devfs_instance {
    struct superblock *superblock;
    struct devfs_node *nodes[DEVFS_ENTRY_COUNT];           /* live nodes, NULL when none */
    struct devfs_attributes attributes[DEVFS_ENTRY_COUNT];
    struct devfs_kmsg_cursor kmsg_cursors[DEVFS_KMSG_CURSORS];
    unsigned kmsg_cursor_next;                             /* slot replaced next */
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

/* Device handlers (devfs_devices.c, devfs_kmsg.c). */
extern const struct devfs_device_ops devfs_null_device;
extern const struct devfs_device_ops devfs_zero_device;
extern const struct devfs_device_ops devfs_full_device;
extern const struct devfs_device_ops devfs_random_device;
extern const struct devfs_device_ops devfs_console_device;
extern const struct devfs_device_ops devfs_kmsg_device;

/*
 * The outcome of a transfer that moved `moved` bytes and ended with error
 * (0 or negative): the byte count when anything moved, else the error.
 */
static inline long devfs_transfer_result(size_t moved, int error)
{
    return moved > 0 || error == 0 ? (long)moved : error;
}

#endif
