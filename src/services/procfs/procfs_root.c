/*
 * procfs_root.c — the root of a proc mount: the system files, the "self"
 * symlink and one directory per pid.
 *
 * Readdir cookies of the root: 0 ".", 1 "..", 2 + i the i-th entry of
 * procfs_root_entries[], then PROCFS_PID_COOKIE + n resumes at the first
 * pid >= n, so a listing stays consistent while processes come and go.
 */
#include <rk/errno.h>
#include <rk/format.h>
#include <rk/heap.h>
#include <rk/string.h>
#include <rk/system.h>
#include <rk/vfs.h>

#include "procfs_internal.h"

#define PROCFS_PID_COOKIE 0x10000u

#define SYSTEM_FILE(name, render, write_error) \
    { name, PROCFS_SYSTEM_FILE, S_IFREG | 0444, render, NULL, write_error }

static const struct procfs_entry procfs_root_entries[] = {
    { "self", PROCFS_SELF, S_IFLNK | 0777, NULL, NULL, 0 },
    SYSTEM_FILE("cmdline", procfs_render_cmdline, -EIO),
    SYSTEM_FILE("cpuinfo", procfs_render_cpuinfo, -EIO),
    SYSTEM_FILE("filesystems", procfs_render_filesystems, -EIO),
    SYSTEM_FILE("loadavg", procfs_render_loadavg, -EIO),
    SYSTEM_FILE("meminfo", procfs_render_meminfo, -EIO),
    SYSTEM_FILE("mounts", procfs_render_mounts, -EINVAL),
    { "net", PROCFS_NET_DIRECTORY, S_IFDIR | 0555, NULL, NULL, 0 },
    SYSTEM_FILE("stat", procfs_render_stat, -EIO),
    SYSTEM_FILE("uptime", procfs_render_uptime, -EIO),
    SYSTEM_FILE("version", procfs_render_version, -EIO),
    { "sys", PROCFS_SYS_DIRECTORY, S_IFDIR | 0555, NULL, NULL, 0 },
};

#define PROCFS_ROOT_ENTRY_COUNT RK_ARRAY_SIZE(procfs_root_entries)

static const struct vnode_ops procfs_self_ops;

/* Inode number of root entry index (2, 3, ...; 1 is the root). */
static uint64_t procfs_root_entry_inode(size_t index) { return PROCFS_ROOT_INODE + 1 + index; }

/*
 * vnode_ops.lookup of the root: a system file, "self", or a pid's
 * directory. Returns 0 with a new node, -ENOENT, -ENOMEM.
 */
static int procfs_root_lookup(struct vnode *directory, const char *name, size_t length,
                              struct vnode **result)
{
    for (size_t index = 0; index < PROCFS_ROOT_ENTRY_COUNT; index++) {
        const struct procfs_entry *entry = &procfs_root_entries[index];
        if (!procfs_name_equals(name, length, entry->name))
            continue;
        const struct vnode_ops *ops = entry->kind == PROCFS_SELF            ? &procfs_self_ops
                                      : entry->kind == PROCFS_NET_DIRECTORY ? &procfs_net_directory_ops
                                      : entry->kind == PROCFS_SYS_DIRECTORY ? &procfs_sys_directory_ops
                                                                            : &procfs_system_file_ops;
        struct procfs_node *node = procfs_node_create(directory->superblock, ops, entry->kind,
                                                      entry->mode,
                                                      procfs_root_entry_inode(index), 0);
        if (!node)
            return -ENOMEM;
        node->entry = entry;
        *result = &node->vnode;
        return 0;
    }
    int pid = procfs_parse_number(name, length);
    if (pid <= 0)
        return -ENOENT;
    return procfs_process_directory_lookup(directory->superblock, pid, result);
}

/*
 * Emit the pid directories from cookie on (see the file comment).
 * Returns 0 (also when the sink is full) or a negative errno.
 */
static int procfs_root_readdir_pids(uint64_t *cookie, struct directory_sink *sink)
{
    int *pids;
    size_t count;
    int error = procfs_process_pids(&pids, &count);
    if (error < 0)
        return error;
    uint64_t first = *cookie - PROCFS_PID_COOKIE;
    for (size_t i = 0; i < count && error == 0; i++) {
        if (pids[i] <= 0 || (uint64_t)pids[i] < first)
            continue;
        char name[16];
        int length = rk_snprintf(name, sizeof name, "%d", pids[i]);
        uint64_t next = PROCFS_PID_COOKIE + (uint64_t)pids[i] + 1;
        int result = sink->emit(sink, name, (size_t)length,
                                procfs_process_inode(pids[i], PROCFS_LOCAL_DIRECTORY), DT_DIR,
                                next);
        if (result < 0)
            error = result;
        else if (result > 0)
            break;
        else
            *cookie = next;
    }
    kfree(pids);
    return error;
}

/* vnode_ops.readdir of the root: ".", "..", the system entries, then the pids. */
static int procfs_root_readdir(struct vnode *directory, uint64_t *cookie,
                               struct directory_sink *sink)
{
    while (*cookie < 2 + PROCFS_ROOT_ENTRY_COUNT) {
        uint64_t position = *cookie;
        const char *name;
        uint64_t inode_number;
        unsigned type;
        if (position < 2) {
            name = position == 0 ? "." : "..";
            inode_number = PROCFS_ROOT_INODE;
            type = DT_DIR;
        } else {
            const struct procfs_entry *entry = &procfs_root_entries[position - 2];
            name = entry->name;
            inode_number = procfs_root_entry_inode(position - 2);
            type = mode_to_directory_type(entry->mode);
        }
        uint64_t next = position + 1 < 2 + PROCFS_ROOT_ENTRY_COUNT ? position + 1
                                                                    : PROCFS_PID_COOKIE;
        int result = sink->emit(sink, name, strlen(name), inode_number, type, next);
        if (result < 0)
            return result;
        if (result > 0)
            return 0;
        *cookie = next;
    }
    if (*cookie < PROCFS_PID_COOKIE)
        *cookie = PROCFS_PID_COOKIE;
    return procfs_root_readdir_pids(cookie, sink);
}

/* vnode_ops.getattr of the root: dr-xr-xr-x root root. */
static int procfs_root_getattr(struct vnode *vnode, struct vnode_attributes *attributes)
{
    procfs_fill_attributes(vnode, S_IFDIR | 0555, 0, 0, attributes);
    return 0;
}

/* vnode_ops.getattr of the system files and "self": the entry's mode, root's. */
static int procfs_entry_getattr(struct vnode *vnode, struct vnode_attributes *attributes)
{
    procfs_fill_attributes(vnode, procfs_node_of(vnode)->entry->mode, 0, 0, attributes);
    return 0;
}

/*
 * vnode_ops.readlink of "self": the running process's pid in decimal.
 * -ENOENT when a kernel thread without a process asks (as Linux).
 */
static long procfs_self_readlink(struct vnode *link, char *buffer, size_t size)
{
    int pid = system_current_pid();
    if (pid <= 0)
        return -ENOENT;
    char target[16];
    int length = rk_snprintf(target, sizeof target, "%d", pid);
    return procfs_copy_link(buffer, size, target, (size_t)length);
}

const struct vnode_ops procfs_root_ops = {
    VNODE_OPS_STUBS,
    .lookup = procfs_root_lookup,
    .create = procfs_refuse_create,
    .mkdir = procfs_refuse_mkdir,
    .symlink = procfs_refuse_symlink,
    .link = procfs_refuse_link,
    .readdir = procfs_root_readdir,
    .getattr = procfs_root_getattr,
    .release = procfs_release,
};

const struct vnode_ops procfs_system_file_ops = {
    VNODE_OPS_STUBS,
    .getattr = procfs_entry_getattr,
    .read = procfs_file_read,
    .write = procfs_file_write,
    .release = procfs_release,
};

static const struct vnode_ops procfs_self_ops = {
    VNODE_OPS_STUBS,
    .readlink = procfs_self_readlink,
    .getattr = procfs_entry_getattr,
    .release = procfs_release,
};
