/*
 * vfs_internal.h — what the VFS files of the Core share.
 */
#ifndef RK_CORE_VFS_INTERNAL_H
#define RK_CORE_VFS_INTERNAL_H

#include <rk/containment.h>
#include <rk/file.h>
#include <rk/gate.h>
#include <rk/path.h>
#include <rk/vfs.h>

/* Call vnode operation method of node through the service gate. */
#define VNODE_CALL(node, method, ...)                                                     \
    ({                                                                                    \
        struct vnode *vnode_call_node_ = (node);                                          \
        GATE_CROSS(vnode_call_node_->superblock->service,                                 \
                   vnode_call_node_->superblock->instance, #method, -EIO,                 \
                   vnode_call_node_->ops->method(vnode_call_node_, ##__VA_ARGS__));       \
    })

/* ------------------------------------------------------ superblocks (superblock.c) */

#define SUPERBLOCK_OPTIONS_MAX 128

/*
 * A superblock of service with one reference (the mount's), pinning the
 * service's running instance, or NULL when memory is out or the service
 * is not running. options (NULL: "") is kept for a remount after a restart.
 */
struct superblock *superblock_create(struct service *service, const char *source,
                                     const char *options);
/* The mount data superblock was created with. */
const char *superblock_options(struct superblock *superblock);
/* Take a reference (path entries, denied executables, the mount). */
void superblock_get(struct superblock *superblock);
/* Drop one; the last unpins the instance and retires it (freed at the next put or create). NULL ignored. */
void superblock_put(struct superblock *superblock);
/* True when the instance that mounted superblock is no longer its service's running one. */
bool superblock_is_dead(const struct superblock *superblock);
/* Forget retired superblocks (test boots). */
void superblocks_reset(void);

/* ------------------------------------------------------ mounts (mount.c) */

/* The mount table (struct mount, link), in mount order. */
struct list_node *vfs_mount_table(void);
/* Make entry (referenced by the caller, who gives that reference) the namespace root; returns the old one (its reference goes to the caller). */
struct path_entry *vfs_namespace_root_replace(struct path_entry *entry);
/*
 * Mount a fresh superblock of mount's service where mount is, with the
 * same source and options, and drop the old one (after a restart of the
 * service). Returns 0 or -errno (the mount keeps the dead superblock).
 */
int mount_reattach(struct mount *mount);

/* ------------------------------------------------------ boot (boot.c) */

/* Unpack the archive the namespace was filled from at boot again (after a root restart). Returns 0 or -errno; -ENOENT when there was none. */
int vfs_boot_archive_unpack(void);

/* Forget the list of live path entries (boot; earlier entries are abandoned). */
void path_entries_reset(void);

/* The namespace root entry (not referenced), NULL before the root mount. */
struct path_entry *vfs_namespace_root(void);

/* File operations of descriptions opened on filesystem nodes. */
extern const struct file_ops vnode_file_ops;

/*
 * Open the node at entry with open(2) flags (after creation/truncation
 * decisions): checks the type against the flags, calls the node's open hook
 * and makes a description holding entry and its vnode. Returns 0 and
 * *result, or -errno.
 */
int vfs_open_entry(struct path_entry *entry, unsigned flags, struct file **result);

/* A description's stat operation, through the gate when a service owns it. */
static inline int file_call_stat(struct file *file, struct vnode_attributes *attributes)
{
    return file->service ? FILE_CALL(file, "stat", -EIO, file->ops->stat(file, attributes))
                         : file->ops->stat(file, attributes);
}

/*
 * open(2) of a character or block device node at entry: hand it to the
 * driver registered for its device number (rk/chardev.h). Returns 0 and
 * *result, -ENXIO when no driver serves the number (every block node, for
 * now), or the driver's refusal. (-ENODEV, "the node's own vnode
 * operations serve it", is no longer returned.)
 */
int chardev_open(struct path_entry *entry, unsigned flags, struct file **result);

/* True when file was opened through a character device driver by chardev_open(). */
bool chardev_file_is_device(const struct file *file);
/* False for a device opened through a driver without a poll (Linux's file_can_poll()). */
bool chardev_file_pollable(const struct file *file);

/*
 * lseek(2) of such a file: -EINVAL for whence beyond SEEK_HOLE, -ESPIPE
 * for a device without positions, -EIO when its driver is gone, else the
 * driver's seek through the gate, whose result becomes file->offset.
 * Returns the new offset or -errno.
 */
int64_t chardev_seek(struct file *file, int64_t offset, int whence);

/* Attributes of a node with st_dev filled: getattr through the gate. */
int vfs_getattr(struct vnode *node, struct vnode_attributes *attributes, uint64_t *device);

#endif
