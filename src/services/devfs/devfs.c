/*
 * devfs.c — the "devtmpfs" filesystem service: a fixed tree of character
 * device nodes with Linux's numbers and modes, and the /dev/fd and
 * /dev/std* symlinks into /proc/self/fd, plus the nodes users add
 * (devfs_tree.c: the directories and user nodes). This file holds the
 * service, mounting, the built-in node cache and their vnode operations. The device nodes
 * carry attributes only: the service also registers, from its start hook,
 * the character device drivers for those numbers (devfs_devices.c,
 * devfs_kmsg.c), which any node with the number reaches (rk/chardev.h).
 *
 * Locking: none. The kernel is uniprocessor and cooperative, and nothing
 * here sleeps while it holds instance state.
 */
#include <rk/errno.h>
#include <rk/heap.h>
#include <rk/services.h>
#include <rk/string.h>
#include <rk/vfs.h>

#include "devfs.h"
#include "devfs_internal.h"

#define CHARACTER(name, permissions, major, minor) \
    { name, S_IFCHR | (permissions), major, minor, NULL }
#define SYMLINK(name, target) { name, S_IFLNK | 0777, 0, 0, target }

const struct devfs_entry devfs_entries[DEVFS_ENTRY_COUNT] = {
    [DEVFS_ROOT_INDEX] = { "", S_IFDIR | 0755, 0, 0, NULL },
    CHARACTER("null", 0666, 1, 3),
    CHARACTER("zero", 0666, 1, 5),
    CHARACTER("full", 0666, 1, 7),
    CHARACTER("random", 0666, 1, 8),
    CHARACTER("urandom", 0666, 1, 9),
    CHARACTER("kmsg", 0644, 1, 11),
    CHARACTER("tty", 0666, 5, 0),
    CHARACTER("console", 0600, 5, 1),
    CHARACTER("ttyS0", 0660, 4, 64),
    SYMLINK("fd", "/proc/self/fd"),
    SYMLINK("stdin", "/proc/self/fd/0"),
    SYMLINK("stdout", "/proc/self/fd/1"),
    SYMLINK("stderr", "/proc/self/fd/2"),
};

static const struct vnode_ops devfs_device_vnode_ops;
static const struct vnode_ops devfs_symlink_ops;

/* ---------------------------------------------------------------- nodes */

/* The vnode ops for entry index's type. */
static const struct vnode_ops *devfs_ops_for(unsigned index)
{
    uint32_t mode = devfs_entries[index].mode;
    if (S_ISDIR(mode))
        return &devfs_directory_ops;
    if (S_ISLNK(mode))
        return &devfs_symlink_ops;
    return &devfs_device_vnode_ops;
}

/* devfs_internal.h: a built-in node with a new reference, cached per entry. */
struct devfs_node *devfs_node_get(struct devfs_instance *instance, unsigned index)
{
    struct devfs_node *node = instance->nodes[index];
    if (node) {
        vnode_get(&node->vnode);
        return node;
    }
    node = kzalloc(sizeof *node);
    if (!node)
        return NULL;
    vnode_init(&node->vnode, instance->superblock, devfs_ops_for(index),
               devfs_entries[index].mode & S_IFMT, (uint64_t)index + 1);
    node->instance = instance;
    node->index = index;
    instance->nodes[index] = node;
    return node;
}

/*
 * vnode_ops.release: the last reference is gone; forget and free a
 * built-in node (a user node goes to devfs_user_release).
 */
void devfs_release(struct vnode *vnode)
{
    struct devfs_node *node = devfs_node_of(vnode);
    if (devfs_is_user(node)) {
        devfs_user_release(node);
        return;
    }
    if (node->instance && node->instance->nodes[node->index] == node)
        node->instance->nodes[node->index] = NULL;
    kfree(node);
}

/* --------------------------------------------------------- attributes */

/* vnode_ops.getattr: type, permissions, owner, device number and times of the node. */
int devfs_getattr(struct vnode *vnode, struct vnode_attributes *attributes)
{
    struct devfs_node *node = devfs_node_of(vnode);
    if (!node->instance)
        return -EIO;
    if (devfs_is_user(node))
        return devfs_user_getattr(node, attributes);
    const struct devfs_entry *entry = &devfs_entries[node->index];
    const struct devfs_attributes *own = &node->instance->attributes[node->index];
    *attributes = (struct vnode_attributes){
        .inode_number = vnode->inode_number,
        .mode = own->mode,
        .link_count = S_ISDIR(entry->mode) ? 2 : 1,
        .uid = own->uid,
        .gid = own->gid,
        .size = entry->target ? strlen(entry->target) : 0,
        .blocks = 0,
        .block_size = 4096,
        .device = S_ISCHR(entry->mode) ? device_number(entry->major, entry->minor) : 0,
        .access_time = own->access_time,
        .modify_time = own->modify_time,
        .change_time = own->change_time,
    };
    return 0;
}

/* See devfs_internal.h. */
void devfs_attributes_apply(struct devfs_attributes *own, const struct vnode_attributes *attributes,
                            unsigned mask)
{
    if (mask & VNODE_SET_MODE)
        own->mode = (own->mode & S_IFMT) | (attributes->mode & S_IALLUGO);
    if (mask & VNODE_SET_UID)
        own->uid = attributes->uid;
    if (mask & VNODE_SET_GID)
        own->gid = attributes->gid;
    if (mask & VNODE_SET_ACCESS_TIME)
        own->access_time = attributes->access_time;
    if (mask & VNODE_SET_MODIFY_TIME)
        own->modify_time = attributes->modify_time;
}

/*
 * vnode_ops.setattr: chmod, chown and utimes of a built-in entry are kept
 * per mount. A size change is refused as truncate(2) refuses it on a
 * non-regular file (-EISDIR for the directory, else -EINVAL). User nodes
 * go to devfs_user_setattr.
 */
int devfs_setattr(struct vnode *vnode, const struct vnode_attributes *attributes, unsigned mask)
{
    struct devfs_node *node = devfs_node_of(vnode);
    if (!node->instance)
        return -EIO;
    if (devfs_is_user(node))
        return devfs_user_setattr(node, attributes, mask);
    if (mask & VNODE_SET_SIZE)
        return S_ISDIR(vnode->type) ? -EISDIR : -EINVAL;
    struct devfs_attributes *own = &node->instance->attributes[node->index];
    devfs_attributes_apply(own, attributes, mask);
    own->change_time = time_now();
    return 0;
}

/* ---------------------------------------------------------- directory */

/* devfs_internal.h: the live built-in root entry called (name, length), or 0. */
unsigned devfs_builtin_find(const struct devfs_instance *instance, const char *name,
                            size_t length)
{
    for (unsigned index = 1; index < DEVFS_ENTRY_COUNT; index++) {
        const char *entry_name = devfs_entries[index].name;
        if (!instance->removed[index] && strlen(entry_name) == length &&
            memcmp(entry_name, name, length) == 0)
            return index;
    }
    return 0;
}

/* ------------------------------------------------------------ symlinks */

/* vnode_ops.readlink: copy the fixed target; returns its full length. */
static long devfs_readlink(struct vnode *link, char *buffer, size_t size)
{
    const char *target = devfs_entries[devfs_node_of(link)->index].target;
    size_t length = strlen(target);
    memcpy(buffer, target, length < size ? length : size);
    return (long)length;
}

static const struct vnode_ops devfs_device_vnode_ops = {
    VNODE_OPS_STUBS,
    .getattr = devfs_getattr,
    .setattr = devfs_setattr,
    .read = vnode_stub_read,        /* opens go to the driver of the number (rk/chardev.h) */
    .release = devfs_release,
};

static const struct vnode_ops devfs_symlink_ops = {
    VNODE_OPS_STUBS,
    .readlink = devfs_readlink,
    .getattr = devfs_getattr,
    .setattr = devfs_setattr,
    .release = devfs_release,
};

/* ------------------------------------------------------------ mounting */

/*
 * filesystem_ops.mount: a new instance with every entry at its default
 * mode, owned by root, stamped with the current time; the root node goes
 * to the Core with one reference. Options are ignored (Linux's devtmpfs
 * takes size=/mode=; here the built-in modes are fixed and user files are
 * limited to DEVFS_FILE_MAX each).
 */
static int devfs_mount(struct superblock *superblock, const char *options)
{
    struct devfs_instance *instance = kzalloc(sizeof *instance);
    if (!instance)
        return -ENOMEM;
    instance->superblock = superblock;
    list_init(&instance->root_children);
    list_init(&instance->user_nodes);
    instance->next_inode_number = DEVFS_ENTRY_COUNT + 1;
    instance->next_cookie = DEVFS_FIRST_USER_COOKIE;
    struct kernel_time now = time_now();
    for (unsigned index = 0; index < DEVFS_ENTRY_COUNT; index++) {
        instance->attributes[index] = (struct devfs_attributes){
            .mode = devfs_entries[index].mode,
            .access_time = now,
            .modify_time = now,
            .change_time = now,
        };
    }
    struct devfs_node *root = devfs_node_get(instance, DEVFS_ROOT_INDEX);
    if (!root) {
        kfree(instance);
        return -ENOMEM;
    }
    superblock->private = instance;
    superblock->root = &root->vnode;
    return 0;
}

/*
 * filesystem_ops.unmount: free the instance. Nodes still referenced (the
 * Core should not unmount while any are) are detached: their operations
 * then fail with -EIO and their release only frees them.
 */
static void devfs_unmount(struct superblock *superblock)
{
    struct devfs_instance *instance = superblock->private;
    if (!instance)
        return;
    for (unsigned index = 0; index < DEVFS_ENTRY_COUNT; index++) {
        if (instance->nodes[index])
            instance->nodes[index]->instance = NULL;
    }
    devfs_user_unmount(instance);
    superblock->private = NULL;
    kfree(instance);
}

static const struct filesystem_ops devfs_filesystem_ops = {
    .mount = devfs_mount,
    .unmount = devfs_unmount,
};

/* service start hook: serve the device numbers (before the service becomes findable). */
static int devfs_start(struct service *service) { return devfs_drivers_register(service); }

/* service stop hook: stop serving them (descriptions still open then fail with -EIO). */
static void devfs_stop(struct service *service) { devfs_drivers_unregister(service); }

static struct service devfs_service = {
    .name = "devtmpfs",
    .kind = SERVICE_FILESYSTEM,
    .ops = &devfs_filesystem_ops,
    .start = devfs_start,
    .stop = devfs_stop,
};

/*
 * Register the devtmpfs service (devfs.h) and with it the drivers of its
 * device numbers. Returns 0 or services_register()'s error (the drivers'
 * registration error included).
 */
int devfs_service_register(void) { return services_register(&devfs_service); }
