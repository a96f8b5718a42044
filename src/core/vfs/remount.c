/*
 * remount.c — a filesystem service restarted after a fault: its mounts
 * come back (rk/containment.h, docs/containment.md).
 *
 * Every mount whose superblock belongs to a dead instance of the service
 * gets a fresh superblock from the new instance (same source, options and
 * st_dev) at the same place. When that mount is the namespace root (the
 * tmpfs filled from the initramfs at boot), the new, empty root gets the
 * boot archive unpacked into it again, the mounts that sat on directories
 * of the dead tree (/proc, /dev, ...) are put back on the same paths of the
 * new one (directories created as needed), and processes whose root or
 * working directory was in a dead tree move to the same path in the new
 * one (the namespace root when it no longer exists). Path entries still
 * held on the dead tree (open descriptors) fail with EIO until closed.
 */
#include <rk/containment.h>
#include <rk/errno.h>
#include <rk/heap.h>
#include <rk/kernel.h>
#include <rk/klog.h>
#include <rk/path.h>
#include <rk/process.h>
#include <rk/string.h>

#include "vfs_internal.h"

#define REMOUNT_PATH_MAX 256

/* True when entry's vnode belongs to a superblock of a dead instance. */
static bool entry_is_dead(const struct path_entry *entry)
{
    return entry && superblock_is_dead(entry->vnode->superblock);
}

/* Create every directory of the absolute path (mode 0755) that is missing. */
static void directories_create(const char *path)
{
    char prefix[REMOUNT_PATH_MAX];
    size_t length = strlen(path);
    for (size_t end = 1; end <= length; end++) {
        if (end < length && path[end] != '/')
            continue;
        if (end >= sizeof prefix)
            return;
        memcpy(prefix, path, end);
        prefix[end] = '\0';
        vfs_kernel_mkdir(prefix, 0755);
    }
}

/*
 * Put mount, whose mountpoint is on a dead tree, on the same path of the
 * new namespace. Returns 0 or -errno (the mount stays where it was).
 */
static int mount_rehome(struct mount *mount)
{
    char path[REMOUNT_PATH_MAX];
    if (path_format(mount->mountpoint, path, sizeof path) < 0)
        return -ENAMETOOLONG;
    directories_create(path);
    struct path_entry *entry;
    int error = path_resolve(NULL, AT_FDCWD, path, RESOLVE_FOLLOW | RESOLVE_DIRECTORY, &entry);
    if (error < 0)
        return error;
    if (entry->vnode->mounted_here || entry_is_dead(entry)) {
        path_put(entry);
        return -EBUSY;
    }
    struct path_entry *old = mount->mountpoint;
    entry->vnode->mounted_here = mount;
    mount->mountpoint = entry;     /* resolve's reference becomes the mount's */
    old->vnode->mounted_here = NULL; /* quarantined memory, still valid while old pins it */
    path_put(old);
    return 0;
}

/*
 * The same path as dead entry *slot in the new namespace (the namespace
 * root when it is gone), replacing *slot. Thread context (resolves).
 */
static void entry_move(struct path_entry **slot)
{
    char path[REMOUNT_PATH_MAX];
    struct path_entry *fresh = NULL;
    if (path_format(*slot, path, sizeof path) < 0 ||
        path_resolve(NULL, AT_FDCWD, path, RESOLVE_FOLLOW | RESOLVE_DIRECTORY, &fresh) < 0 ||
        entry_is_dead(fresh)) {
        if (fresh)
            path_put(fresh);
        fresh = path_root();
    }
    if (!fresh)
        return;
    struct path_entry *old = *slot;
    *slot = fresh;
    path_put(old);
}

/* Move the root and cwd of every process that are on a dead tree. */
static void processes_move(void)
{
    size_t count = process_list_pids(NULL, 0);
    int *pids = kmalloc((count + 16) * sizeof *pids);
    if (!pids)
        return;
    count = process_list_pids(pids, count + 16);
    for (size_t i = 0; i < count; i++) {
        struct process *process = process_find(pids[i]);
        if (!process)
            continue;
        process_get(process);
        if (entry_is_dead(process->root))
            entry_move(&process->root);
        if (entry_is_dead(process->cwd))
            entry_move(&process->cwd);
        process_put(process);
    }
    kfree(pids);
}

/*
 * The root mount has a fresh superblock: make a new namespace root entry
 * on it, move processes rooted at the old one there, and refill it from
 * the boot archive.
 */
static void root_replace(struct mount *mount)
{
    vnode_get(mount->root);
    struct path_entry *fresh = path_child(NULL, mount->root, "", 0);
    if (!fresh) {
        klog(KLOG_ERROR, "vfs: no memory for the new root entry");
        return;
    }
    fresh->mount = mount;
    struct path_entry *old = vfs_namespace_root_replace(fresh);
    if (old)
        path_put(old);
    int error = vfs_boot_archive_unpack();
    klog(KLOG_WARNING, "vfs: root filesystem restarted empty%s; files created since boot are lost",
         error == 0 ? " and refilled from the boot archive" : "");
}

void vfs_service_restarted(struct service *service)
{
    unsigned reattached = 0, failed = 0;
    list_for_each(node, vfs_mount_table()) {
        struct mount *mount = list_entry(node, struct mount, link);
        if (mount->superblock->service != service || !superblock_is_dead(mount->superblock))
            continue;
        int error = mount_reattach(mount);
        if (error < 0) {
            klog(KLOG_ERROR, "vfs: %s (%s) not re-attached: %s", service->name, mount->source,
                 errno_name(error));
            failed++;
            continue;
        }
        reattached++;
        if (!mount->mountpoint)
            root_replace(mount);
    }
    /* Mounts on directories of a dead tree go back on the same paths (mount order: parents first). */
    list_for_each(node, vfs_mount_table()) {
        struct mount *mount = list_entry(node, struct mount, link);
        if (!mount->mountpoint || !entry_is_dead(mount->mountpoint))
            continue;
        char where[REMOUNT_PATH_MAX] = "?";
        path_format(mount->mountpoint, where, sizeof where);
        int error = mount_rehome(mount);
        if (error < 0)
            klog(KLOG_ERROR, "vfs: %s not put back on %s: %s", mount->type, where, errno_name(error));
    }
    processes_move();
    if (reattached || failed)
        klog(KLOG_NOTICE, "vfs: %s restarted: %u mount(s) re-attached, %u failed", service->name,
             reattached, failed);
}
