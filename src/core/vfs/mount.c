/*
 * mount.c — the mount table: mounting filesystem service instances on
 * directories (or as the namespace root) and unmounting them.
 */
#include <rk/errno.h>
#include <rk/gate.h>
#include <rk/heap.h>
#include <rk/kernel.h>
#include <rk/klog.h>
#include <rk/path.h>
#include <rk/services.h>
#include <rk/string.h>
#include <rk/system.h>

#include "vfs_internal.h"

static struct list_node mount_table = LIST_HEAD_INIT(mount_table);
static struct path_entry *namespace_root;
static unsigned next_anonymous_device = 1;

struct path_entry *vfs_namespace_root(void) { return namespace_root; }

struct path_entry *vfs_root_entry(void) { return namespace_root; }

struct list_node *vfs_mount_table(void) { return &mount_table; }

struct path_entry *vfs_namespace_root_replace(struct path_entry *entry)
{
    struct path_entry *old = namespace_root;
    namespace_root = entry;
    return old;
}

void mounts_reset(void)
{
    path_entries_reset();
    superblocks_reset();
    list_init(&mount_table);
    namespace_root = NULL;
    next_anonymous_device = 1;
}

/*
 * The mount crossing: the filesystem fills superblock (root, private)
 * inside the instance superblock pins. Returns 0 or -errno (-EIO also
 * when no root directory came back).
 */
static int superblock_mount(struct superblock *superblock)
{
    const struct filesystem_ops *ops = superblock->service->ops;
    const char *options = superblock_options(superblock);
    int error = GATE_CROSS(superblock->service, superblock->instance, "mount", -EIO,
                           ops->mount(superblock, options));
    if (error == 0 && (!superblock->root || !S_ISDIR(superblock->root->type))) {
        klog(KLOG_ERROR, "mount: %s returned no root directory", superblock->service->name);
        error = -EIO;
    }
    return error;
}

int mount_filesystem(const char *type, const char *source, struct path_entry *mountpoint,
                     const char *options)
{
    struct service *service = services_lookup(SERVICE_FILESYSTEM, type);
    if (!service)
        return -ENODEV;
    if (mountpoint && !S_ISDIR(mountpoint->vnode->type))
        return -ENOTDIR;
    if (mountpoint && mountpoint->vnode->mounted_here)
        return -EBUSY;
    if (mountpoint && mountpoint->mount && mountpoint->mount->detached)
        return -ENOENT; /* inside a lazily unmounted tree: Linux refuses it too */
    if (!mountpoint && namespace_root)
        return -EBUSY;

    struct mount *mount = kzalloc(sizeof *mount);
    if (!mount)
        return -ENOMEM;
    rk_strlcpy(mount->source, source ? source : "none", sizeof mount->source);
    /* The superblock pins the running instance before the mount crossing enters it. */
    struct superblock *superblock = superblock_create(service, mount->source, options);
    if (!superblock) {
        kfree(mount);
        return service->status == SERVICE_RUNNING ? -ENOMEM : -EIO;
    }
    superblock->device = device_number(0, next_anonymous_device++);
    int error = superblock_mount(superblock);
    if (error < 0) {
        superblock_put(superblock);
        kfree(mount);
        return error;
    }
    mount->superblock = superblock;
    mount->root = superblock->root;
    rk_strlcpy(mount->type, type, sizeof mount->type);
    rk_strlcpy(mount->options, "rw,relatime", sizeof mount->options);
    if (mountpoint) {
        path_get(mountpoint);
        mount->mountpoint = mountpoint;
        mountpoint->vnode->mounted_here = mount;
    } else {
        vnode_get(mount->root);
        namespace_root = path_child(NULL, mount->root, "", 0);
        if (!namespace_root)
            return -ENOMEM;
        namespace_root->mount = mount;
    }
    list_push_back(&mount_table, &mount->link);
    char where[128] = "/";
    if (mountpoint && path_format(mountpoint, where, sizeof where) < 0)
        rk_strlcpy(where, "(a long path)", sizeof where);
    klog(KLOG_INFO, "mounted %s (%s) on %s", type, superblock->source, where);
    return 0;
}

#define MNT_FORCE 1
#define MNT_DETACH 2
#define MNT_EXPIRE 4

/* Tear a mount down: drop its root and let the filesystem free the instance. */
static void mount_destroy(struct mount *mount)
{
    struct superblock *superblock = mount->superblock;
    const struct filesystem_ops *ops = superblock->service->ops;
    vnode_put(mount->root);
    /* Refused (nothing to tear down) when the instance died: its memory goes with its arena. */
    GATE_CROSS_VOID(superblock->service, superblock->instance, "unmount", ops->unmount(superblock));
    superblock_put(superblock);
    kfree(mount);
}

/* Take mount out of the tree (it stays allocated). */
/*
 * Take mount and every mount below it out of the tree (they stay allocated
 * until unused). Mounts inside are detached first and freed at once when
 * nothing uses them.
 */
static void mount_detach(struct mount *mount)
{
    bool found;
    do {
        found = false;
        list_for_each(node, &mount_table) {
            struct mount *inner = list_entry(node, struct mount, link);
            if (inner != mount && inner->mountpoint && inner->mountpoint->mount == mount) {
                mount_detach(inner);
                mount_release_if_unused(inner);
                found = true;
                break; /* the table changed: start over */
            }
        }
    } while (found);
    mount->mountpoint->vnode->mounted_here = NULL;
    list_remove(&mount->link);
    path_put(mount->mountpoint);
    mount->mountpoint = NULL;
    mount->detached = true;
}

int mount_remove(struct path_entry *entry, unsigned flags)
{
    struct mount *mount = entry->mount;
    int error = 0;
    bool is_root = mount && namespace_root && mount == namespace_root->mount;
    if (!mount || entry->vnode != mount->root || mount->detached)
        error = -EINVAL;
    else if ((flags & MNT_EXPIRE) && (flags & (MNT_FORCE | MNT_DETACH)))
        error = -EINVAL;
    else if (is_root && (flags & MNT_DETACH))
        error = -EINVAL;
    else if (is_root)
        mount->read_only = true; /* Linux: unmounting "/" remounts it read-only */
    else if (flags & MNT_EXPIRE)
        error = -EAGAIN;         /* first call only marks the mount in Linux */
    else if (!(flags & MNT_DETACH) && (mount->root->references > 2 || entry->references > 1))
        error = -EBUSY;          /* users besides the mount's reference and the caller's entry */
    if (error < 0 || is_root) {
        path_put(entry);
        return error;
    }
    /*
     * Out of the tree now; the filesystem goes when the last entry on its
     * root is freed (path_put calls mount_release_if_unused), which is at
     * once unless MNT_DETACH left users behind.
     */
    mount_detach(mount);
    path_put(entry);
    return 0;
}

void mount_release_if_unused(struct mount *mount)
{
    if (mount->detached && mount->root->references == 1)
        mount_destroy(mount);
}

int path_check_writable(const struct path_entry *entry)
{
    return entry->mount && entry->mount->read_only ? -EROFS : 0;
}

size_t system_mount_list(struct mount_info *mounts, size_t max)
{
    size_t count = 0;
    list_for_each(node, &mount_table) {
        struct mount *mount = list_entry(node, struct mount, link);
        if (count < max) {
            struct mount_info *info = &mounts[count];
            rk_strlcpy(info->source, mount->superblock->source, sizeof info->source);
            rk_strlcpy(info->type, mount->type, sizeof info->type);
            rk_strlcpy(info->options, mount->read_only ? "ro,relatime" : mount->options,
                       sizeof info->options);
            if (!mount->mountpoint || path_format(mount->mountpoint, info->mountpoint,
                                                  sizeof info->mountpoint) < 0)
                rk_strlcpy(info->mountpoint, "/", sizeof info->mountpoint);
        }
        count++;
    }
    return count;
}

int mount_reattach(struct mount *mount)
{
    struct superblock *old = mount->superblock;
    struct superblock *fresh = superblock_create(old->service, mount->source, superblock_options(old));
    if (!fresh)
        return old->service->status == SERVICE_RUNNING ? -ENOMEM : -EIO;
    fresh->device = old->device; /* st_dev stays what it was */
    int error = superblock_mount(fresh);
    if (error < 0) {
        superblock_put(fresh);
        return error;
    }
    struct vnode *old_root = mount->root;
    mount->superblock = fresh;
    mount->root = fresh->root;
    /* The dead instance's release is refused: only the count in its quarantined memory drops. */
    vnode_put(old_root);
    superblock_put(old);
    return 0;
}
