/*
 * vnode.c — vnode reference counting, write access against running
 * executables (ETXTBSY) and the shared stubs for unused vnode operations.
 */
#include <rk/errno.h>
#include <rk/gate.h>
#include <rk/panic.h>
#include <rk/path.h>
#include <rk/platform.h>
#include <rk/vfs.h>

#include "vfs_internal.h"

void vnode_init(struct vnode *node, struct superblock *superblock, const struct vnode_ops *ops,
                uint32_t type, uint64_t inode_number)
{
    node->ops = ops;
    node->superblock = superblock;
    node->type = type & S_IFMT;
    node->inode_number = inode_number;
    node->references = 1;
    node->mounted_here = NULL;
    node->write_access = 0;
}

int vnode_write_access_get(struct vnode *node)
{
    irq_flags_t flags = platform_irq_save();
    int error = node->write_access < 0 ? -ETXTBSY : 0;
    if (error == 0)
        node->write_access++;
    platform_irq_restore(flags);
    return error;
}

void vnode_write_access_put(struct vnode *node)
{
    irq_flags_t flags = platform_irq_save();
    node->write_access--;
    platform_irq_restore(flags);
}

int vnode_write_deny(struct vnode *node)
{
    irq_flags_t flags = platform_irq_save();
    int error = node->write_access > 0 ? -ETXTBSY : 0;
    if (error == 0)
        node->write_access--;
    platform_irq_restore(flags);
    if (error == 0)
        superblock_get(node->superblock); /* a running image pins its filesystem instance */
    return error;
}

void vnode_write_deny_again(struct vnode *node)
{
    irq_flags_t flags = platform_irq_save();
    node->write_access--;
    platform_irq_restore(flags);
    superblock_get(node->superblock);
}

void vnode_write_allow(struct vnode *node)
{
    irq_flags_t flags = platform_irq_save();
    node->write_access++;
    platform_irq_restore(flags);
    superblock_put(node->superblock); /* retired, not freed: the caller still puts node */
}

void vnode_get(struct vnode *node)
{
    irq_flags_t flags = platform_irq_save();
    node->references++;
    platform_irq_restore(flags);
}

void vnode_put(struct vnode *node)
{
    if (!node)
        return;
    irq_flags_t flags = platform_irq_save();
    if (node->references == 0) {
        platform_irq_restore(flags);
        WARN("vnode_put: inode %llu has no reference left", (unsigned long long)node->inode_number);
        return;
    }
    bool last = --node->references == 0;
    platform_irq_restore(flags);
    if (last)
        GATE_CROSS_VOID(node->superblock->service, node->superblock->instance, "release", node->ops->release(node));
}

int vnode_stub_lookup(struct vnode *directory, const char *name, size_t length, struct vnode **result)
{
    return -ENOTDIR;
}

int vnode_stub_create(struct vnode *directory, const char *name, size_t length, uint32_t mode,
                      uint64_t device, struct vnode **result)
{
    return S_ISDIR(directory->type) ? -EPERM : -ENOTDIR;
}

int vnode_stub_mkdir(struct vnode *directory, const char *name, size_t length, uint32_t mode,
                     struct vnode **result)
{
    return S_ISDIR(directory->type) ? -EPERM : -ENOTDIR;
}

int vnode_stub_symlink(struct vnode *directory, const char *name, size_t length,
                       const char *target, struct vnode **result)
{
    return S_ISDIR(directory->type) ? -EPERM : -ENOTDIR;
}

int vnode_stub_link(struct vnode *directory, const char *name, size_t length, struct vnode *target)
{
    return S_ISDIR(directory->type) ? -EPERM : -ENOTDIR;
}

int vnode_stub_remove(struct vnode *directory, const char *name, size_t length)
{
    return S_ISDIR(directory->type) ? -EPERM : -ENOTDIR;
}

int vnode_stub_rename(struct vnode *old_directory, const char *old_name, size_t old_length,
                      struct vnode *new_directory, const char *new_name, size_t new_length,
                      unsigned flags)
{
    return -EPERM;
}

int vnode_stub_readdir(struct vnode *directory, uint64_t *cookie, struct directory_sink *sink)
{
    return -ENOTDIR;
}

long vnode_stub_readlink(struct vnode *link, char *buffer, size_t size) { return -EINVAL; }

int vnode_stub_jump(struct vnode *link, struct file **file) { return -EINVAL; }

int vnode_stub_getattr(struct vnode *node, struct vnode_attributes *attributes) { return -EIO; }

int vnode_stub_setattr(struct vnode *node, const struct vnode_attributes *attributes, unsigned mask)
{
    return -EPERM;
}

long vnode_stub_read(struct vnode *node, struct io_cursor *cursor, uint64_t offset)
{
    return S_ISDIR(node->type) ? -EISDIR : -EINVAL;
}

long vnode_stub_write(struct vnode *node, struct io_cursor *cursor, uint64_t offset)
{
    return S_ISDIR(node->type) ? -EISDIR : -EINVAL;
}

int vnode_stub_open(struct vnode *node, unsigned flags) { return 0; }

int vnode_stub_fsync(struct vnode *node) { return 0; }

int vnode_stub_map_page(struct vnode *node, uint64_t index, void **page) { return -ENODEV; }

int64_t vnode_stub_seek(struct vnode *node, uint64_t current, int64_t offset, int whence)
{
    int64_t base;
    if (whence == 0) {
        base = 0;
    } else if (whence == 1) {
        base = (int64_t)current;
    } else if (whence >= 2 && whence <= 4) {
        struct vnode_attributes attributes;
        int error = node->ops->getattr(node, &attributes); /* already inside the gate */
        if (error < 0)
            return error;
        base = (int64_t)attributes.size;
        if (whence == 3 || whence == 4) { /* SEEK_DATA, SEEK_HOLE: all data, one hole at the end */
            if (offset < 0 || offset >= base)
                return -ENXIO;
            return whence == 3 ? offset : base;
        }
    } else {
        return -EINVAL;
    }
    int64_t target;
    if (__builtin_add_overflow(base, offset, &target) || target < 0)
        return -EINVAL;
    return target;
}

void vnode_stub_release(struct vnode *node) {}
