/*
 * socket_node.c — AF_UNIX pathnames in the filesystem for the network
 * service (rk/vfs.h, vfs_socket_bind and vfs_socket_lookup): bind makes
 * a socket node as mknod(S_IFSOCK) would, connect finds one. Paths are
 * resolved for the running process (its cwd, root and umask).
 */
#include <rk/errno.h>
#include <rk/path.h>
#include <rk/process.h>

#include "vfs_internal.h"

/* The running process's umask (022 for a kernel thread without a process). */
static uint32_t current_umask(void)
{
    struct process *process = process_current();
    return process ? process->umask : 022;
}

/* True for "." and "..". */
static bool is_dot_name(const char *name, size_t length)
{
    return (length == 1 && name[0] == '.') || (length == 2 && name[0] == '.' && name[1] == '.');
}

int vfs_socket_bind(const char *path, struct vnode **node)
{
    struct path_entry *parent;
    const char *name;
    size_t length;
    bool trailing_slash;
    int error = path_resolve_parent(process_current(), AT_FDCWD, path, &parent, &name, &length,
                                    &trailing_slash);
    if (error < 0)
        return error;
    if (length == 0 || is_dot_name(name, length)) {
        error = -EADDRINUSE;                  /* Linux's EEXIST, turned into EADDRINUSE by bind */
    } else if (trailing_slash) {
        /* "name/": only a directory could be meant; it exists (in use) or not (ENOENT). */
        struct path_entry *existing = NULL;
        error = path_lookup_child(parent, name, length, &existing) == 0 ? -EADDRINUSE : -ENOENT;
        if (existing)
            path_put(existing);
    } else if ((error = path_check_writable(parent)) == 0) {
        if (!node) {
            struct path_entry *existing = NULL;
            int found = path_lookup_child(parent, name, length, &existing);
            if (existing)
                path_put(existing);
            error = found == 0 ? -EADDRINUSE : found == -ENOENT ? 0 : found;
        } else {
            struct vnode *created = NULL;
            uint32_t mode = S_IFSOCK | (0777 & ~current_umask());
            error = VNODE_CALL(parent->vnode, create, name, length, mode, 0, &created);
            if (error == -EEXIST)
                error = -EADDRINUSE;
            if (error == 0) {
                superblock_get(created->superblock); /* dropped by vfs_socket_node_put */
                *node = created;
            }
        }
    }
    path_put(parent);
    return error;
}

/* May the running process write to a node with attributes (root may always)? */
static bool may_write(const struct vnode_attributes *attributes)
{
    struct process *process = process_current();
    if (!process || process->fsuid == 0)
        return true;
    if (process->fsuid == attributes->uid)
        return (attributes->mode & 0200) != 0;
    if (process->fsgid == attributes->gid)
        return (attributes->mode & 0020) != 0;
    return (attributes->mode & 0002) != 0;
}

int vfs_socket_lookup(const char *path, struct vnode **node)
{
    struct path_entry *entry;
    int error = path_resolve(process_current(), AT_FDCWD, path, RESOLVE_FOLLOW, &entry);
    if (error < 0)
        return error;
    struct vnode_attributes attributes;
    error = vfs_getattr(entry->vnode, &attributes, NULL);
    if (error == 0 && !may_write(&attributes))
        error = -EACCES;
    if (error == 0 && !S_ISSOCK(entry->vnode->type))
        error = -ECONNREFUSED;
    if (error == 0) {
        *node = entry->vnode;
        vnode_get(*node);
        superblock_get((*node)->superblock); /* dropped by vfs_socket_node_put */
    }
    path_put(entry);
    return error;
}

/* See rk/vfs.h: the superblock reference keeps a dead filesystem's node valid memory. */
void vfs_socket_node_put(struct vnode *node)
{
    if (!node)
        return;
    struct superblock *superblock = node->superblock;
    vnode_put(node);
    superblock_put(superblock);
}
