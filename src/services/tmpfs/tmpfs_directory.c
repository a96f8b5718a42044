/*
 * tmpfs_directory.c — tmpfs directories: the entry list and the name
 * operations (lookup, create, mkdir, symlink, link, unlink, rmdir,
 * readdir). Rename is in tmpfs_rename.c.
 *
 * A directory keeps its entries in a list in creation order; each entry
 * gets the directory's next cookie (2, 3, ...) when it is inserted, so a
 * readdir position stays valid whatever else is added or removed. Lookup
 * is a linear scan by (name, length). Locking: none (see tmpfs_internal.h).
 */
#include <rk/errno.h>
#include <rk/heap.h>
#include <rk/string.h>

#include "tmpfs_internal.h"

/* ---------------------------------------------------------- entries */

int tmpfs_check_name(const char *name, size_t length)
{
    if (length == 0)
        return -EINVAL;
    if (length > NAME_MAX)
        return -ENAMETOOLONG;
    return 0;
}

struct tmpfs_entry *tmpfs_directory_find(struct tmpfs_node *directory, const char *name,
                                         size_t length)
{
    list_for_each(link, &directory->directory.entries) {
        struct tmpfs_entry *entry = list_entry(link, struct tmpfs_entry, link);
        if (entry->length == length && memcmp(entry->name, name, length) == 0)
            return entry;
    }
    return NULL;
}

struct tmpfs_entry *tmpfs_entry_new(const char *name, size_t length, struct tmpfs_node *node)
{
    struct tmpfs_entry *entry = kmalloc(sizeof *entry + length);
    if (!entry)
        return NULL;
    list_init(&entry->link);
    entry->node = node;
    entry->cookie = 0;
    entry->length = length;
    memcpy(entry->name, name, length);
    return entry;
}

void tmpfs_directory_insert(struct tmpfs_node *directory, struct tmpfs_entry *entry)
{
    entry->cookie = directory->directory.next_cookie++;
    list_push_back(&directory->directory.entries, &entry->link);
    directory->directory.entry_count++;
}

void tmpfs_directory_remove(struct tmpfs_node *directory, struct tmpfs_entry *entry)
{
    list_remove(&entry->link);
    directory->directory.entry_count--;
}

void tmpfs_directory_free_entries(struct tmpfs_node *directory)
{
    struct list_node *link;
    while ((link = list_pop_front(&directory->directory.entries)) != NULL)
        kfree(list_entry(link, struct tmpfs_entry, link));
    directory->directory.entry_count = 0;
}

/* ------------------------------------------------------- creation */

/*
 * The checks every creating operation makes: a valid name, a directory
 * that has not been removed (-ENOENT, as Linux for a dead directory), and
 * no entry of that name (-EEXIST).
 */
static int check_new_name(struct tmpfs_node *directory, const char *name, size_t length)
{
    int error = tmpfs_check_name(name, length);
    if (error < 0)
        return error;
    if (directory->link_count == 0)
        return -ENOENT;
    if (tmpfs_directory_find(directory, name, length))
        return -EEXIST;
    return 0;
}

/*
 * Make a node of mode under (name, length) in directory (checked by
 * check_new_name): link counts, parent pointer and directory times are
 * set. Returns the node with one reference for the caller, or NULL with
 * *error = -ENOSPC / -ENOMEM (nothing changed, nothing leaked).
 */
static struct tmpfs_node *add_new_node(struct tmpfs_node *directory, const char *name,
                                       size_t length, uint32_t mode, int *error)
{
    struct tmpfs_node *node = tmpfs_node_new(directory->instance, mode, error);
    if (!node)
        return NULL;
    struct tmpfs_entry *entry = tmpfs_entry_new(name, length, node);
    if (!entry) {
        tmpfs_node_free(node);
        *error = -ENOMEM;
        return NULL;
    }
    tmpfs_directory_insert(directory, entry);
    if (S_ISDIR(mode)) {
        node->link_count = 2;
        node->directory.parent = directory;
        directory->link_count++;
    } else {
        node->link_count = 1;
    }
    tmpfs_touch(directory, false, true, true);
    return node;
}

/* ops->lookup: a new reference to the node named (name, length), or -ENOENT. */
static int tmpfs_lookup(struct vnode *directory_vnode, const char *name, size_t length,
                        struct vnode **result)
{
    struct tmpfs_node *directory = tmpfs_node_of(directory_vnode);
    if (length > NAME_MAX)
        return -ENAMETOOLONG;
    struct tmpfs_entry *entry = tmpfs_directory_find(directory, name, length);
    if (!entry)
        return -ENOENT;
    vnode_get(&entry->node->vnode);
    *result = &entry->node->vnode;
    return 0;
}

/*
 * ops->create (open O_CREAT, mknod): a regular file (type 0 means regular),
 * FIFO, socket, or character/block device node storing device. Returns 0
 * with a reference in *result, -EPERM for a directory or symlink type,
 * -EINVAL for an unknown type, -EEXIST, -ENOENT (removed directory),
 * -ENOSPC or -ENOMEM.
 */
static int tmpfs_create(struct vnode *directory_vnode, const char *name, size_t length,
                        uint32_t mode, uint64_t device, struct vnode **result)
{
    struct tmpfs_node *directory = tmpfs_node_of(directory_vnode);
    uint32_t type = mode & S_IFMT;
    if (type == 0)
        type = S_IFREG;
    switch (type) {
    case S_IFREG: case S_IFIFO: case S_IFSOCK: case S_IFCHR: case S_IFBLK:
        break;
    case S_IFDIR: case S_IFLNK:
        return -EPERM;
    default:
        return -EINVAL;
    }
    int error = check_new_name(directory, name, length);
    if (error < 0)
        return error;
    struct tmpfs_node *node =
        add_new_node(directory, name, length, type | (mode & S_IALLUGO), &error);
    if (!node)
        return error;
    if (S_ISCHR(type) || S_ISBLK(type))
        node->device = device;
    *result = &node->vnode;
    return 0;
}

/*
 * ops->mkdir: a new empty directory (permission bits and sticky bit of
 * mode). Returns 0 with a reference in *result, -EEXIST, -ENOENT, -EMLINK
 * (parent link count at its limit), -ENOSPC or -ENOMEM.
 */
static int tmpfs_mkdir(struct vnode *directory_vnode, const char *name, size_t length,
                       uint32_t mode, struct vnode **result)
{
    struct tmpfs_node *directory = tmpfs_node_of(directory_vnode);
    int error = check_new_name(directory, name, length);
    if (error < 0)
        return error;
    if (directory->link_count == UINT32_MAX)
        return -EMLINK;
    struct tmpfs_node *node =
        add_new_node(directory, name, length, S_IFDIR | (mode & (S_ISVTX | 0777)), &error);
    if (!node)
        return error;
    *result = &node->vnode;
    return 0;
}

/*
 * ops->symlink: a symlink (mode 0777) to target, a NUL-terminated string
 * of 1..4095 bytes. Returns 0 with a reference in *result, -ENOENT (empty
 * target or removed directory), -ENAMETOOLONG, -EEXIST, -ENOSPC or -ENOMEM.
 */
static int tmpfs_symlink(struct vnode *directory_vnode, const char *name, size_t length,
                         const char *target, struct vnode **result)
{
    struct tmpfs_node *directory = tmpfs_node_of(directory_vnode);
    size_t target_length = strnlen(target, TMPFS_SYMLINK_MAX + 1);
    if (target_length == 0)
        return -ENOENT;
    if (target_length > TMPFS_SYMLINK_MAX)
        return -ENAMETOOLONG;
    int error = check_new_name(directory, name, length);
    if (error < 0)
        return error;
    char *copy = kmalloc(target_length);
    if (!copy)
        return -ENOMEM;
    memcpy(copy, target, target_length);
    struct tmpfs_node *node = add_new_node(directory, name, length, S_IFLNK | 0777, &error);
    if (!node) {
        kfree(copy);
        return error;
    }
    node->symlink.target = copy;
    node->symlink.length = target_length;
    *result = &node->vnode;
    return 0;
}

/*
 * ops->link: a new name for target (a non-directory of this instance).
 * Returns 0, -EXDEV (another instance), -EEXIST, -ENOENT (removed
 * directory, or target has no name left), -EPERM (directory), -EMLINK or
 * -ENOMEM, checked in Linux's order.
 */
static int tmpfs_link(struct vnode *directory_vnode, const char *name, size_t length,
                      struct vnode *target_vnode)
{
    struct tmpfs_node *directory = tmpfs_node_of(directory_vnode);
    if (target_vnode->superblock != directory_vnode->superblock)
        return -EXDEV;
    struct tmpfs_node *target = tmpfs_node_of(target_vnode);
    int error = check_new_name(directory, name, length);
    if (error < 0)
        return error;
    if (tmpfs_is_directory(target))
        return -EPERM;
    if (target->link_count == 0)
        return -ENOENT;
    if (target->link_count == UINT32_MAX)
        return -EMLINK;
    struct tmpfs_entry *entry = tmpfs_entry_new(name, length, target);
    if (!entry)
        return -ENOMEM;
    tmpfs_directory_insert(directory, entry);
    target->link_count++;
    tmpfs_touch(target, false, false, true);
    tmpfs_touch(directory, false, true, true);
    return 0;
}

/*
 * ops->unlink: remove the name of a non-directory. The node goes when its
 * last name and last reference are gone. Returns 0, -ENOENT or -EISDIR.
 */
static int tmpfs_unlink(struct vnode *directory_vnode, const char *name, size_t length)
{
    struct tmpfs_node *directory = tmpfs_node_of(directory_vnode);
    struct tmpfs_entry *entry = tmpfs_directory_find(directory, name, length);
    if (!entry)
        return -ENOENT;
    struct tmpfs_node *node = entry->node;
    if (tmpfs_is_directory(node))
        return -EISDIR;
    tmpfs_directory_remove(directory, entry);
    kfree(entry);
    node->link_count--;
    tmpfs_touch(node, false, false, true);
    tmpfs_touch(directory, false, true, true);
    tmpfs_node_unlinked(node);
    return 0;
}

/*
 * ops->rmdir: remove an empty directory (the Core refuses mount points).
 * Returns 0, -ENOENT, -ENOTDIR or -ENOTEMPTY.
 */
static int tmpfs_rmdir(struct vnode *directory_vnode, const char *name, size_t length)
{
    struct tmpfs_node *directory = tmpfs_node_of(directory_vnode);
    struct tmpfs_entry *entry = tmpfs_directory_find(directory, name, length);
    if (!entry)
        return -ENOENT;
    struct tmpfs_node *child = entry->node;
    if (!tmpfs_is_directory(child))
        return -ENOTDIR;
    if (child->directory.entry_count > 0)
        return -ENOTEMPTY;
    tmpfs_directory_remove(directory, entry);
    kfree(entry);
    child->link_count = 0;
    child->directory.parent = child;
    directory->link_count--;
    tmpfs_touch(child, false, false, true);
    tmpfs_touch(directory, false, true, true);
    tmpfs_node_unlinked(child);
    return 0;
}

/*
 * ops->readdir: emit ".", "..", then the entries whose cookie is at least
 * *cookie, advancing *cookie past each accepted one. Returns 0 (also when
 * the sink is full), the sink's negative errno, or -ENOENT for a removed
 * directory (as Linux's getdents).
 */
static int tmpfs_readdir(struct vnode *directory_vnode, uint64_t *cookie,
                         struct directory_sink *sink)
{
    struct tmpfs_node *directory = tmpfs_node_of(directory_vnode);
    if (directory->link_count == 0)
        return -ENOENT;
    int result;
    if (*cookie == 0) {
        result = sink->emit(sink, ".", 1, directory->vnode.inode_number, DT_DIR, 1);
        if (result != 0)
            return result < 0 ? result : 0;
        *cookie = 1;
    }
    if (*cookie == 1) {
        uint64_t parent = directory->directory.parent->vnode.inode_number;
        result = sink->emit(sink, "..", 2, parent, DT_DIR, 2);
        if (result != 0)
            return result < 0 ? result : 0;
        *cookie = 2;
    }
    list_for_each(link, &directory->directory.entries) {
        struct tmpfs_entry *entry = list_entry(link, struct tmpfs_entry, link);
        if (entry->cookie < *cookie)
            continue;
        struct tmpfs_node *node = entry->node;
        result = sink->emit(sink, entry->name, entry->length, node->vnode.inode_number,
                            mode_to_directory_type(node->mode), entry->cookie + 1);
        if (result != 0)
            return result < 0 ? result : 0;
        *cookie = entry->cookie + 1;
    }
    return 0;
}

const struct vnode_ops tmpfs_directory_ops = {
    VNODE_OPS_STUBS,
    .lookup = tmpfs_lookup,
    .create = tmpfs_create,
    .mkdir = tmpfs_mkdir,
    .symlink = tmpfs_symlink,
    .link = tmpfs_link,
    .unlink = tmpfs_unlink,
    .rmdir = tmpfs_rmdir,
    .rename = tmpfs_rename,
    .readdir = tmpfs_readdir,
    .getattr = tmpfs_getattr,
    .setattr = tmpfs_setattr,
    .release = tmpfs_release,
};
