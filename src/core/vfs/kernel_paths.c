/*
 * kernel_paths.c — path operations for kernel code and services that build
 * trees (initramfs): absolute paths in kernel memory, resolved from the
 * namespace root, modes applied exactly, final symlinks not followed.
 */
#include <rk/errno.h>
#include <rk/heap.h>
#include <rk/path.h>
#include <rk/string.h>

#include "vfs_internal.h"

/* The parent directory and last name of an absolute kernel path. */
struct kernel_target {
    struct path_entry *parent;
    const char *name;
    size_t length;
};

static int kernel_target_get(const char *path, struct kernel_target *target)
{
    bool trailing_slash;
    int error = path_resolve_parent(NULL, AT_FDCWD, path, &target->parent, &target->name,
                                    &target->length, &trailing_slash);
    if (error < 0)
        return error;
    if (target->length == 0 || (target->length == 1 && target->name[0] == '.') ||
        (target->length == 2 && target->name[0] == '.' && target->name[1] == '.')) {
        path_put(target->parent);
        return -EEXIST;
    }
    return 0;
}

int vfs_kernel_mkdir(const char *path, uint32_t mode)
{
    struct kernel_target target;
    int error = kernel_target_get(path, &target);
    if (error < 0)
        return error;
    struct vnode *node = NULL;
    error = VNODE_CALL(target.parent->vnode, mkdir, target.name, target.length, mode & S_IALLUGO, &node);
    if (error == 0)
        vnode_put(node);
    path_put(target.parent);
    return error;
}

int vfs_kernel_mknod(const char *path, uint32_t mode, uint64_t device)
{
    struct kernel_target target;
    int error = kernel_target_get(path, &target);
    if (error < 0)
        return error;
    struct vnode *node = NULL;
    error = VNODE_CALL(target.parent->vnode, create, target.name, target.length, mode, device, &node);
    if (error == 0)
        vnode_put(node);
    path_put(target.parent);
    return error;
}

int vfs_kernel_write_file(const char *path, uint32_t mode, const void *data, size_t length)
{
    struct kernel_target target;
    int error = kernel_target_get(path, &target);
    if (error < 0)
        return error;
    struct vnode *node = NULL;
    error = VNODE_CALL(target.parent->vnode, create, target.name, target.length,
                       S_IFREG | (mode & S_IALLUGO), 0, &node);
    if (error == -EEXIST) {
        struct path_entry *existing;
        error = path_lookup_child(target.parent, target.name, target.length, &existing);
        if (error == 0) {
            if (!S_ISREG(existing->vnode->type)) {
                error = -EEXIST;
            } else {
                node = existing->vnode;
                vnode_get(node);
                struct vnode_attributes empty = { .size = 0 };
                error = VNODE_CALL(node, setattr, &empty, VNODE_SET_SIZE);
                if (error < 0) {
                    vnode_put(node);
                    node = NULL;
                }
            }
            path_put(existing);
        }
    }
    path_put(target.parent);
    if (error < 0)
        return error;
    struct io_segment segment;
    struct io_cursor cursor;
    io_cursor_kernel(&cursor, &segment, (void *)data, length);
    long written = length ? VNODE_CALL(node, write, &cursor, 0) : 0;
    vnode_put(node);
    if (written < 0)
        return (int)written;
    return (size_t)written == length ? 0 : -ENOSPC;
}

int vfs_kernel_symlink(const char *link_target, const char *path)
{
    struct kernel_target target;
    int error = kernel_target_get(path, &target);
    if (error < 0)
        return error;
    struct vnode *node = NULL;
    error = VNODE_CALL(target.parent->vnode, symlink, target.name, target.length, link_target, &node);
    if (error == 0)
        vnode_put(node);
    path_put(target.parent);
    return error;
}

int vfs_kernel_link(const char *existing_path, const char *new_path)
{
    struct path_entry *existing;
    int error = path_resolve(NULL, AT_FDCWD, existing_path, 0, &existing);
    if (error < 0)
        return error;
    struct kernel_target target;
    error = kernel_target_get(new_path, &target);
    if (error == 0) {
        if (S_ISDIR(existing->vnode->type))
            error = -EPERM;
        else if (existing->vnode->superblock != target.parent->vnode->superblock)
            error = -EXDEV;
        else
            error = VNODE_CALL(target.parent->vnode, link, target.name, target.length, existing->vnode);
        path_put(target.parent);
    }
    path_put(existing);
    return error;
}

int vfs_kernel_set_attributes(const char *path, uint32_t mode, int64_t modify_seconds)
{
    struct path_entry *entry;
    int error = path_resolve(NULL, AT_FDCWD, path, 0, &entry);
    if (error < 0)
        return error;
    struct vnode_attributes attributes = {
        .mode = mode & S_IALLUGO,
        .modify_time = { .seconds = modify_seconds },
    };
    unsigned mask = VNODE_SET_MODIFY_TIME;
    if (!S_ISLNK(entry->vnode->type))
        mask |= VNODE_SET_MODE;
    error = VNODE_CALL(entry->vnode, setattr, &attributes, mask);
    path_put(entry);
    return error;
}
