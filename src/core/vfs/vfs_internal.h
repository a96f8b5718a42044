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
