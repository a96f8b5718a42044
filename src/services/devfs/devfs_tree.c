/*
 * devfs_tree.c — the directories of devtmpfs and the nodes users add to
 * them: regular files, directories, symlinks, FIFOs, sockets and device
 * nodes (Linux's devtmpfs is a tmpfs; syslogd binds /dev/log). The root
 * directory shows the live built-in entries (devfs.c) first, then its user
 * names; user directories hold only user names. A built-in entry can be
 * unlinked but not renamed (-EPERM, a documented simplification); a user
 * node has exactly one name (link(2) here gives the stub's -EPERM).
 *
 * Locking: none (uniprocessor, cooperative, nothing here sleeps).
 */
#include <rk/errno.h>
#include <rk/heap.h>
#include <rk/string.h>
#include <rk/vfs.h>

#include "devfs_internal.h"

static const struct vnode_ops devfs_file_ops;
static const struct vnode_ops devfs_user_symlink_ops;
static const struct vnode_ops devfs_special_ops;

/* ----------------------------------------------------------- helpers */

/* The list of user names in directory (the root's lives in the instance). */
static struct list_node *children_of(struct devfs_node *directory)
{
    return devfs_is_user(directory) ? &directory->children : &directory->instance->root_children;
}

/* The attributes of directory (the root's are the instance's entry 0). */
static struct devfs_attributes *attributes_of(struct devfs_node *directory)
{
    return devfs_is_user(directory) ? &directory->attributes
                                    : &directory->instance->attributes[DEVFS_ROOT_INDEX];
}

/* 0 when directory can take or lose names: mounted (-EIO) and not removed (-ENOENT). */
static int check_directory(struct devfs_node *directory)
{
    if (!directory->instance)
        return -EIO;
    if (devfs_is_user(directory) && !directory->named)
        return -ENOENT;
    return 0;
}

/* The user node named (name, length) in directory, or NULL. */
static struct devfs_node *find_child(struct devfs_node *directory, const char *name,
                                     size_t length)
{
    list_for_each(link, children_of(directory)) {
        struct devfs_node *child = list_entry(link, struct devfs_node, sibling);
        if (child->name_length == length && memcmp(child->name, name, length) == 0)
            return child;
    }
    return NULL;
}

/* The live built-in entry (name, length) of directory (only the root has any), or 0. */
static unsigned find_builtin(struct devfs_node *directory, const char *name, size_t length)
{
    return devfs_is_user(directory) ? 0 : devfs_builtin_find(directory->instance, name, length);
}

/* Stamp directory's modify and change times: its names changed. */
static void touch_directory(struct devfs_node *directory)
{
    struct devfs_attributes *attributes = attributes_of(directory);
    attributes->modify_time = attributes->change_time = time_now();
}

/* Free user node and what it owns (it has no name and no reference left). */
static void free_user_node(struct devfs_node *node)
{
    list_remove(&node->instance_link);
    kfree(node->name);
    kfree(node->data);
    kfree(node);
}

/* A copy of (name, length) from the heap, or NULL. */
static char *copy_name(const char *name, size_t length)
{
    char *copy = kmalloc(length);
    if (copy)
        memcpy(copy, name, length);
    return copy;
}

/* Give node the name (owned) in directory, at the end of its listing. */
static void attach(struct devfs_node *directory, struct devfs_node *node, char *name,
                   size_t length)
{
    node->name = name;
    node->name_length = length;
    node->parent = devfs_is_user(directory) ? directory : NULL;
    node->cookie = directory->instance->next_cookie++;
    node->named = true;
    list_push_back(children_of(directory), &node->sibling);
    touch_directory(directory);
}

/* Take node's name away; it is freed now when nothing references it. */
static void detach(struct devfs_node *directory, struct devfs_node *node)
{
    list_remove(&node->sibling);
    node->named = false;
    node->attributes.change_time = time_now();
    touch_directory(directory);
    if (node->vnode.references == 0)
        free_user_node(node);
}

/*
 * A new user node of mode (type and permission bits) named (name, length)
 * in directory, with one reference for the caller. Returns 0 and *result,
 * -EEXIST when the name is taken, -ENOENT/-EIO for a removed/unmounted
 * directory, or -ENOMEM.
 */
static int add_node(struct devfs_node *directory, const char *name, size_t length, uint32_t mode,
                    struct devfs_node **result)
{
    int error = check_directory(directory);
    if (error < 0)
        return error;
    if (find_builtin(directory, name, length) || find_child(directory, name, length))
        return -EEXIST;
    struct devfs_node *node = kzalloc(sizeof *node);
    char *copy = copy_name(name, length);
    if (!node || !copy) {
        kfree(node);
        kfree(copy);
        return -ENOMEM;
    }
    struct devfs_instance *instance = directory->instance;
    const struct vnode_ops *ops = S_ISDIR(mode)   ? &devfs_directory_ops
                                  : S_ISREG(mode) ? &devfs_file_ops
                                  : S_ISLNK(mode) ? &devfs_user_symlink_ops
                                                  : &devfs_special_ops;
    vnode_init(&node->vnode, instance->superblock, ops, mode & S_IFMT,
               instance->next_inode_number++);
    node->instance = instance;
    node->index = DEVFS_USER_INDEX;
    list_init(&node->children);
    list_push_back(&instance->user_nodes, &node->instance_link);
    struct kernel_time now = time_now();
    node->attributes = (struct devfs_attributes){
        .mode = mode,
        .access_time = now,
        .modify_time = now,
        .change_time = now,
    };
    attach(directory, node, copy, length);
    *result = node;
    return 0;
}

/* ----------------------------------------------------- directory ops */

/* vnode_ops.lookup: a live built-in entry (root only), else a user name; -ENOENT when absent. */
static int devfs_lookup(struct vnode *vnode, const char *name, size_t length,
                        struct vnode **result)
{
    struct devfs_node *directory = devfs_node_of(vnode);
    if (!directory->instance)
        return -EIO;
    unsigned index = find_builtin(directory, name, length);
    if (index) {
        struct devfs_node *child = devfs_node_get(directory->instance, index);
        if (!child)
            return -ENOMEM;
        *result = &child->vnode;
        return 0;
    }
    struct devfs_node *child = find_child(directory, name, length);
    if (!child)
        return -ENOENT;
    vnode_get(&child->vnode);
    *result = &child->vnode;
    return 0;
}

/*
 * vnode_ops.create (mknod, open O_CREAT, AF_UNIX bind): a regular file,
 * FIFO, socket or device node (type 0 means regular). Returns 0 with a
 * reference in *result, -EEXIST, -EPERM for a directory or symlink type,
 * -EINVAL for an unknown type, -ENOENT, -EIO or -ENOMEM.
 */
static int devfs_create(struct vnode *vnode, const char *name, size_t length, uint32_t mode,
                        uint64_t device, struct vnode **result)
{
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
    struct devfs_node *node;
    int error = add_node(devfs_node_of(vnode), name, length, type | (mode & S_IALLUGO), &node);
    if (error < 0)
        return error;
    if (S_ISCHR(type) || S_ISBLK(type))
        node->device = device;
    *result = &node->vnode;
    return 0;
}

/* vnode_ops.mkdir: a new empty directory; errors as devfs_create's. */
static int devfs_mkdir(struct vnode *vnode, const char *name, size_t length, uint32_t mode,
                       struct vnode **result)
{
    struct devfs_node *node;
    int error = add_node(devfs_node_of(vnode), name, length, S_IFDIR | (mode & S_IALLUGO), &node);
    if (error == 0)
        *result = &node->vnode;
    return error;
}

/* vnode_ops.symlink: a new symlink to target (NUL-terminated, copied); errors as devfs_create's. */
static int devfs_symlink(struct vnode *vnode, const char *name, size_t length, const char *target,
                         struct vnode **result)
{
    size_t target_length = strlen(target);
    char *copy = copy_name(target, target_length);
    if (!copy && target_length > 0)
        return -ENOMEM;
    struct devfs_node *node;
    int error = add_node(devfs_node_of(vnode), name, length, S_IFLNK | 0777, &node);
    if (error < 0) {
        kfree(copy);
        return error;
    }
    node->data = copy;
    node->size = node->capacity = target_length;
    *result = &node->vnode;
    return 0;
}

/*
 * vnode_ops.unlink: remove a user non-directory (-EISDIR for a directory)
 * or a built-in entry (it stays usable through references already held).
 * Returns 0, -ENOENT, -EISDIR or -EIO.
 */
static int devfs_unlink(struct vnode *vnode, const char *name, size_t length)
{
    struct devfs_node *directory = devfs_node_of(vnode);
    int error = check_directory(directory);
    if (error < 0)
        return error;
    unsigned index = find_builtin(directory, name, length);
    if (index) {
        directory->instance->removed[index] = true;
        touch_directory(directory);
        return 0;
    }
    struct devfs_node *child = find_child(directory, name, length);
    if (!child)
        return -ENOENT;
    if (S_ISDIR(child->vnode.type))
        return -EISDIR;
    detach(directory, child);
    return 0;
}

/* vnode_ops.rmdir: remove an empty user directory; -ENOENT, -ENOTDIR, -ENOTEMPTY or -EIO. */
static int devfs_rmdir(struct vnode *vnode, const char *name, size_t length)
{
    struct devfs_node *directory = devfs_node_of(vnode);
    int error = check_directory(directory);
    if (error < 0)
        return error;
    if (find_builtin(directory, name, length))
        return -ENOTDIR;                    /* no built-in entry is a directory */
    struct devfs_node *child = find_child(directory, name, length);
    if (!child)
        return -ENOENT;
    if (!S_ISDIR(child->vnode.type))
        return -ENOTDIR;
    if (!list_is_empty(&child->children))
        return -ENOTEMPTY;
    detach(directory, child);
    return 0;
}

/* True when directory is node or lies below it. */
static bool is_within(struct devfs_node *directory, struct devfs_node *node)
{
    for (struct devfs_node *walk = directory; walk && devfs_is_user(walk); walk = walk->parent) {
        if (walk == node)
            return true;
    }
    return false;
}

/*
 * vnode_ops.rename of a user node (flags: RENAME_NOREPLACE). An existing
 * target is replaced as rename(2) allows (a built-in target is unlinked).
 * Returns 0, -ENOENT, -EEXIST, -ENOTDIR, -EISDIR, -ENOTEMPTY, -EINVAL (a
 * directory into itself, RENAME_EXCHANGE or unknown flags: not supported
 * here), -EPERM (renaming a built-in entry), -EIO or -ENOMEM.
 */
static int devfs_rename(struct vnode *old_vnode, const char *old_name, size_t old_length,
                        struct vnode *new_vnode, const char *new_name, size_t new_length,
                        unsigned flags)
{
    struct devfs_node *old_directory = devfs_node_of(old_vnode);
    struct devfs_node *new_directory = devfs_node_of(new_vnode);
    if (flags & ~RENAME_NOREPLACE)
        return -EINVAL;
    int error = check_directory(old_directory);
    if (error == 0)
        error = check_directory(new_directory);
    if (error < 0)
        return error;
    if (find_builtin(old_directory, old_name, old_length))
        return -EPERM;
    struct devfs_node *source = find_child(old_directory, old_name, old_length);
    if (!source)
        return -ENOENT;
    bool source_is_directory = S_ISDIR(source->vnode.type);
    unsigned builtin_target = find_builtin(new_directory, new_name, new_length);
    struct devfs_node *target = find_child(new_directory, new_name, new_length);
    if (target == source)
        return 0;
    if (source_is_directory && is_within(new_directory, source))
        return -EINVAL;
    if (builtin_target || target) {
        if (flags & RENAME_NOREPLACE)
            return -EEXIST;
        bool target_is_directory = target && S_ISDIR(target->vnode.type);
        if (source_is_directory && !target_is_directory)
            return -ENOTDIR;
        if (!source_is_directory && target_is_directory)
            return -EISDIR;
        if (target_is_directory && !list_is_empty(&target->children))
            return -ENOTEMPTY;
    }
    char *copy = copy_name(new_name, new_length);
    if (!copy)
        return -ENOMEM;
    if (builtin_target)
        new_directory->instance->removed[builtin_target] = true;
    if (target)
        detach(new_directory, target);
    list_remove(&source->sibling);
    touch_directory(old_directory);
    kfree(source->name);
    attach(new_directory, source, copy, new_length);
    source->attributes.change_time = time_now();
    return 0;
}

/*
 * vnode_ops.readdir: cookie 0 is ".", 1 is "..", then (root only) 1 +
 * index for each live built-in entry, then each user name at its cookie
 * (>= DEVFS_FIRST_USER_COOKIE, ascending in the list). ".." of the root
 * reports the root itself (the Core knows the real parent).
 */
static int devfs_readdir(struct vnode *vnode, uint64_t *cookie, struct directory_sink *sink)
{
    struct devfs_node *directory = devfs_node_of(vnode);
    if (!directory->instance)
        return -EIO;
    bool root = !devfs_is_user(directory);
    while (*cookie < DEVFS_FIRST_USER_COOKIE) {
        uint64_t position = *cookie;
        const char *name;
        uint64_t inode_number;
        unsigned type;
        if (position < 2) {
            name = position == 0 ? "." : "..";
            inode_number = position == 1 && directory->parent ? directory->parent->vnode.inode_number
                         : position == 1 && !root ? 1 : vnode->inode_number;
            type = DT_DIR;
        } else {
            unsigned index = (unsigned)(position - 1);
            if (!root || directory->instance->removed[index]) {
                *cookie = position + 1;
                continue;
            }
            name = devfs_entries[index].name;
            inode_number = (uint64_t)index + 1;
            type = mode_to_directory_type(devfs_entries[index].mode);
        }
        int result = sink->emit(sink, name, strlen(name), inode_number, type, position + 1);
        if (result < 0)
            return result;
        if (result > 0)
            return 0;
        *cookie = position + 1;
    }
    list_for_each(link, children_of(directory)) {
        struct devfs_node *child = list_entry(link, struct devfs_node, sibling);
        if (child->cookie < *cookie)
            continue;
        int result = sink->emit(sink, child->name, child->name_length, child->vnode.inode_number,
                                mode_to_directory_type(child->attributes.mode), child->cookie + 1);
        if (result < 0)
            return result;
        if (result > 0)
            return 0;
        *cookie = child->cookie + 1;
    }
    return 0;
}

const struct vnode_ops devfs_directory_ops = {
    VNODE_OPS_STUBS,
    .lookup = devfs_lookup,
    .create = devfs_create,
    .mkdir = devfs_mkdir,
    .symlink = devfs_symlink,
    .unlink = devfs_unlink,
    .rmdir = devfs_rmdir,
    .rename = devfs_rename,
    .readdir = devfs_readdir,
    .getattr = devfs_getattr,
    .setattr = devfs_setattr,
    .release = devfs_release,
};

/* ------------------------------------------------- user node contents */

/*
 * Make room for size bytes of node's data (zeroing what grows). Returns 0,
 * -ENOSPC past DEVFS_FILE_MAX or -ENOMEM (the data is then unchanged).
 */
static int reserve(struct devfs_node *node, size_t size)
{
    if (size > DEVFS_FILE_MAX)
        return -ENOSPC;
    if (size <= node->capacity)
        return 0;
    size_t capacity = node->capacity < 64 ? 64 : node->capacity;
    while (capacity < size)
        capacity *= 2;
    if (capacity > DEVFS_FILE_MAX)
        capacity = DEVFS_FILE_MAX;
    char *data = kzalloc(capacity);
    if (!data)
        return -ENOMEM;
    if (node->data)
        memcpy(data, node->data, node->size);
    kfree(node->data);
    node->data = data;
    node->capacity = capacity;
    return 0;
}

/* Set a regular file's size: bytes past a shrink are zeroed for a later growth. */
static int resize(struct devfs_node *node, uint64_t size)
{
    if (size > DEVFS_FILE_MAX)
        return -ENOSPC;
    int error = reserve(node, (size_t)size);
    if (error < 0)
        return error;
    if (size < node->size)
        memset(node->data + size, 0, node->size - (size_t)size);
    node->size = (size_t)size;
    return 0;
}

/* vnode_ops.read of a regular file: bytes at offset up to the size; count or -EFAULT. */
static long devfs_file_read(struct vnode *vnode, struct io_cursor *cursor, uint64_t offset)
{
    struct devfs_node *node = devfs_node_of(vnode);
    if (!node->instance)
        return -EIO;
    if (offset >= node->size)
        return 0;
    size_t count = RK_MIN(io_remaining(cursor), node->size - (size_t)offset);
    size_t start = cursor->transferred;
    int error = io_copy_out(cursor, node->data + offset, count);
    node->attributes.access_time = time_now();
    return devfs_transfer_result(cursor->transferred - start, error);
}

/*
 * vnode_ops.write of a regular file: store the bytes at offset (a gap
 * reads as zeros). Returns the count, -ENOSPC past DEVFS_FILE_MAX,
 * -ENOMEM or -EFAULT (when nothing moved).
 */
static long devfs_file_write(struct vnode *vnode, struct io_cursor *cursor, uint64_t offset)
{
    struct devfs_node *node = devfs_node_of(vnode);
    if (!node->instance)
        return -EIO;
    size_t count = io_remaining(cursor);
    if (count == 0)
        return 0;
    if (offset >= DEVFS_FILE_MAX)
        return -ENOSPC;
    count = RK_MIN(count, DEVFS_FILE_MAX - (size_t)offset);
    int error = reserve(node, (size_t)offset + count);
    if (error < 0)
        return error;
    size_t start = cursor->transferred;
    error = io_copy_in(cursor, node->data + offset, count);
    size_t moved = cursor->transferred - start;
    if (moved > 0 && offset + moved > node->size)
        node->size = (size_t)offset + moved;
    if (moved > 0)
        node->attributes.modify_time = node->attributes.change_time = time_now();
    return devfs_transfer_result(moved, error);
}

/* vnode_ops.readlink of a user symlink: copy the target; returns its full length. */
static long devfs_user_readlink(struct vnode *vnode, char *buffer, size_t size)
{
    struct devfs_node *node = devfs_node_of(vnode);
    if (node->size)
        memcpy(buffer, node->data, RK_MIN(size, node->size));
    return (long)node->size;
}

/* read/write of a user FIFO, socket or device node: never reached through a driver here (-ENXIO). */
static long devfs_special_read(struct vnode *vnode, struct io_cursor *cursor, uint64_t offset)
{
    return -ENXIO;
}

static long devfs_special_write(struct vnode *vnode, struct io_cursor *cursor, uint64_t offset)
{
    return -ENXIO;
}

static const struct vnode_ops devfs_file_ops = {
    VNODE_OPS_STUBS,
    .getattr = devfs_getattr,
    .setattr = devfs_setattr,
    .read = devfs_file_read,
    .write = devfs_file_write,
    .release = devfs_release,
};

static const struct vnode_ops devfs_user_symlink_ops = {
    VNODE_OPS_STUBS,
    .readlink = devfs_user_readlink,
    .getattr = devfs_getattr,
    .setattr = devfs_setattr,
    .release = devfs_release,
};

static const struct vnode_ops devfs_special_ops = {
    VNODE_OPS_STUBS,
    .getattr = devfs_getattr,
    .setattr = devfs_setattr,
    .read = devfs_special_read,
    .write = devfs_special_write,
    .release = devfs_release,
};

/* ---------------------------------------------- attributes, lifetime */

int devfs_user_getattr(struct devfs_node *node, struct vnode_attributes *attributes)
{
    uint32_t link_count = 1;
    if (S_ISDIR(node->attributes.mode)) {
        link_count = 2;
        list_for_each(link, &node->children) {
            if (S_ISDIR(list_entry(link, struct devfs_node, sibling)->vnode.type))
                link_count++;
        }
    }
    if (!node->named)
        link_count = 0;
    *attributes = (struct vnode_attributes){
        .inode_number = node->vnode.inode_number,
        .mode = node->attributes.mode,
        .link_count = link_count,
        .uid = node->attributes.uid,
        .gid = node->attributes.gid,
        .size = S_ISDIR(node->attributes.mode) ? 0 : node->size,
        .blocks = (node->capacity + 511) / 512,
        .block_size = 4096,
        .device = node->device,
        .access_time = node->attributes.access_time,
        .modify_time = node->attributes.modify_time,
        .change_time = node->attributes.change_time,
    };
    return 0;
}

int devfs_user_setattr(struct devfs_node *node, const struct vnode_attributes *attributes,
                       unsigned mask)
{
    struct devfs_attributes *own = &node->attributes;
    if (mask & VNODE_SET_SIZE) {
        if (S_ISDIR(own->mode))
            return -EISDIR;
        if (!S_ISREG(own->mode))
            return -EINVAL;
        int error = resize(node, attributes->size);
        if (error < 0)
            return error;
        own->modify_time = time_now();
    }
    devfs_attributes_apply(own, attributes, mask);
    if (mask & VNODE_SET_CHANGE_TIME)
        own->change_time = attributes->change_time;
    else
        own->change_time = time_now();
    return 0;
}

void devfs_user_release(struct devfs_node *node)
{
    if (!node->instance) {                  /* detached by unmount */
        kfree(node->name);
        kfree(node->data);
        kfree(node);
        return;
    }
    if (!node->named)
        free_user_node(node);
}

void devfs_user_unmount(struct devfs_instance *instance)
{
    list_for_each_safe(link, &instance->user_nodes) {
        struct devfs_node *node = list_entry(link, struct devfs_node, instance_link);
        if (node->vnode.references == 0) {
            free_user_node(node);
        } else {
            list_remove(&node->instance_link);
            node->instance = NULL;
        }
    }
}
