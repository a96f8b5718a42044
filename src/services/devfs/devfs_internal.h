/*
 * devfs_internal.h — what the devfs files share: the fixed table of
 * entries, one mounted instance, one node, and the character device
 * drivers devfs registers by number (rk/chardev.h).
 *
 * Built-in entries: a root directory and the entries of devfs_entries[]
 * (character device nodes and symlinks). Each mount keeps at most one node
 * per entry: lookup hands out the cached node with a new reference, and
 * the node is freed (and its slot cleared) when its last reference is
 * dropped. The device nodes are plain nodes (attributes only); opening one
 * reaches the driver registered for its number, the same driver a node
 * made with mknod elsewhere reaches. A built-in entry may be unlinked
 * (Linux lets root remove /dev/null): the mount then marks it removed.
 *
 * User nodes (devfs_tree.c): like Linux's devtmpfs, which is a tmpfs,
 * users may add regular files, directories, symlinks, FIFOs, sockets
 * (AF_UNIX bind, e.g. syslogd's /dev/log) and device nodes, and remove or
 * rename them. Each user node has exactly one name (no hard links) and
 * lives while it is named or referenced, whichever ends last frees it.
 */
#ifndef DEVFS_INTERNAL_H
#define DEVFS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rk/chardev.h>
#include <rk/list.h>
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
    bool removed[DEVFS_ENTRY_COUNT];        /* built-in entries unlinked by a user */
    struct list_node root_children;         /* user nodes named in the root, by cookie */
    struct list_node user_nodes;            /* every live user node (devfs_node.instance_link) */
    uint64_t next_inode_number;             /* of the next user node */
    uint64_t next_cookie;                   /* readdir position of the next user name */
};

/* index of a user node (not an entry of devfs_entries). */
#define DEVFS_USER_INDEX ((unsigned)-1)
/* First readdir position of user names (after ".", ".." and the built-in entries). */
#define DEVFS_FIRST_USER_COOKIE ((uint64_t)DEVFS_ENTRY_COUNT + 1)
/* Largest regular file a user may write in /dev (more: -ENOSPC). */
#define DEVFS_FILE_MAX ((size_t)16 << 20)

/* One node; instance is NULL once the mount is gone (the node then only frees itself). */
struct devfs_node {
    struct vnode vnode;
    struct devfs_instance *instance;
    unsigned index;                         /* into devfs_entries, or DEVFS_USER_INDEX */
    /* User nodes only. */
    struct devfs_attributes attributes;
    struct list_node instance_link;         /* in instance->user_nodes */
    struct list_node sibling;               /* in the parent's children (while named) */
    struct list_node children;              /* directories: user nodes named here, by cookie */
    struct devfs_node *parent;              /* directory holding the name; NULL: the root */
    bool named;                             /* false once unlinked (freed with the last reference) */
    uint64_t cookie;                        /* readdir position of the name */
    uint64_t device;                        /* character and block device nodes */
    char *name;                             /* name_length bytes, not NUL-terminated */
    size_t name_length;
    char *data;                             /* file contents or symlink target */
    size_t size;
    size_t capacity;                        /* bytes allocated at data */
};

/* The node that embeds vnode. */
static inline struct devfs_node *devfs_node_of(struct vnode *vnode)
{
    return (struct devfs_node *)((char *)vnode - offsetof(struct devfs_node, vnode));
}

static inline bool devfs_is_user(const struct devfs_node *node)
{
    return node->index == DEVFS_USER_INDEX;
}

/* ------------------------------------------------------------ devfs.c */

/*
 * The node of built-in entry index in instance with one new reference for
 * the caller (the cached one or a new one); NULL when memory is out.
 */
struct devfs_node *devfs_node_get(struct devfs_instance *instance, unsigned index);
/* The index of the live (not removed) built-in root entry named (name, length), or 0. */
unsigned devfs_builtin_find(const struct devfs_instance *instance, const char *name,
                            size_t length);
/* vnode_ops.getattr and setattr of every devfs node, built-in or user. */
int devfs_getattr(struct vnode *vnode, struct vnode_attributes *attributes);
int devfs_setattr(struct vnode *vnode, const struct vnode_attributes *attributes, unsigned mask);
/* vnode_ops.release of every devfs node. */
void devfs_release(struct vnode *vnode);

/* ------------------------------------------------------- devfs_tree.c */

/* The ops of directories (the root and user ones); the root's built-ins come first. */
extern const struct vnode_ops devfs_directory_ops;
/* Fill attributes of user node (getattr); 0. */
int devfs_user_getattr(struct devfs_node *node, struct vnode_attributes *attributes);
/* Apply setattr to user node: a size change resizes regular files (-ENOSPC past DEVFS_FILE_MAX). */
/*
 * Apply setattr's mode (permission bits), uid, gid, access and modify
 * times to own as mask says; the caller handles size and the change time.
 */
void devfs_attributes_apply(struct devfs_attributes *own, const struct vnode_attributes *attributes,
                            unsigned mask);
int devfs_user_setattr(struct devfs_node *node, const struct vnode_attributes *attributes,
                       unsigned mask);
/* The last reference to user node is gone: free it when it has no name left. */
void devfs_user_release(struct devfs_node *node);
/*
 * Unmount: free every unreferenced user node; referenced ones are detached
 * (instance NULL) and freed by their release.
 */
void devfs_user_unmount(struct devfs_instance *instance);

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
