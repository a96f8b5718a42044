/*
 * procfs_process.c — /proc/PID: the per-process directory, its files, the
 * cwd and exe symlinks, and the fd directory of one symlink per open
 * descriptor (named by number, pointing where system_process_fd_path()
 * says).
 *
 * Readdir cookies: in /proc/PID 0 ".", 1 "..", 2 + i the i-th entry of
 * procfs_process_entries[]; in /proc/PID/fd 0 ".", 1 "..", 2 + n resumes
 * at the first descriptor >= n.
 */
#include <rk/errno.h>
#include <rk/format.h>
#include <rk/heap.h>
#include <rk/string.h>
#include <rk/system.h>
#include <rk/vfs.h>

#include "procfs_internal.h"

#define PROCESS_FILE(name, permissions, render) \
    { name, PROCFS_PROCESS_FILE, S_IFREG | (permissions), render, NULL, -EINVAL }
#define PROCESS_LINK(name, link) { name, PROCFS_PROCESS_LINK, S_IFLNK | 0777, NULL, link, 0 }

static const struct procfs_entry procfs_process_entries[] = {
    PROCESS_FILE("cmdline", 0444, procfs_render_process_cmdline),
    PROCESS_FILE("comm", 0444, procfs_render_process_comm),
    PROCESS_LINK("cwd", system_process_cwd),
    PROCESS_FILE("environ", 0400, procfs_render_process_environ),
    PROCESS_LINK("exe", system_process_executable),
    { "fd", PROCFS_FD_DIRECTORY, S_IFDIR | 0500, NULL, NULL, 0 },
    PROCESS_FILE("maps", 0444, procfs_render_process_maps),
    PROCESS_FILE("mounts", 0444, procfs_render_mounts),
    PROCESS_FILE("stat", 0444, procfs_render_process_stat),
    PROCESS_FILE("statm", 0444, procfs_render_process_statm),
    PROCESS_FILE("status", 0444, procfs_render_process_status),
};

#define PROCFS_PROCESS_ENTRY_COUNT RK_ARRAY_SIZE(procfs_process_entries)
#define PROCFS_FD_LINK_MODE (S_IFLNK | 0700)
#define PROCFS_FD_LINK_SIZE 64u   /* what Linux reports as an fd link's size */

/* Local inode part of process entry index (1, 2, ...; 0 is the directory). */
static unsigned procfs_process_entry_local(size_t index) { return 1u + (unsigned)index; }

/* The process's owner into *uid and *gid. Returns 0, or -ENOENT when the pid is gone. */
static int procfs_process_owner(int pid, uint32_t *uid, uint32_t *gid)
{
    struct process_info info;
    if (system_process_info(pid, &info) < 0)
        return -ENOENT;
    *uid = info.uid;
    *gid = info.gid;
    return 0;
}

/* The open descriptors of pid in a kmalloc'ed array sized to fit; 0, -ENOENT, -ENOMEM. */
int procfs_process_fd_list(int pid, int **fds, size_t *count)
{
    size_t room = 32;
    for (;;) {
        int *list = kcalloc(room, sizeof *list);
        if (!list)
            return -ENOMEM;
        long total = system_process_fds(pid, list, room);
        if (total < 0) {
            kfree(list);
            return -ENOENT;
        }
        if ((size_t)total <= room) {
            *fds = list;
            *count = (size_t)total;
            return 0;
        }
        kfree(list);
        room = (size_t)total + 16;
    }
}

/* Where descriptor fd of pid points, into a kmalloc'ed buffer of PATH_MAX + 1 bytes (*path). */
static long procfs_fd_target(int pid, int fd, char **path)
{
    *path = kmalloc(PATH_MAX + 1);
    if (!*path)
        return -ENOMEM;
    long length = system_process_fd_path(pid, fd, *path, PATH_MAX + 1);
    if (length > PATH_MAX)
        length = PATH_MAX;
    return length;
}

/* The node of /proc/PID with one reference; -ENOENT when pid does not exist, -ENOMEM. */
int procfs_process_directory_lookup(struct superblock *superblock, int pid,
                                    struct vnode **result)
{
    uint32_t uid, gid;
    if (procfs_process_owner(pid, &uid, &gid) < 0)
        return -ENOENT;
    struct procfs_node *node = procfs_node_create(
        superblock, &procfs_process_directory_ops, PROCFS_PROCESS_DIRECTORY, S_IFDIR | 0555,
        procfs_process_inode(pid, PROCFS_LOCAL_DIRECTORY), pid);
    if (!node)
        return -ENOMEM;
    *result = &node->vnode;
    return 0;
}

/* ----------------------------------------------------- /proc/PID itself */

/*
 * vnode_ops.lookup in /proc/PID: one of procfs_process_entries[].
 * Returns 0 with a new node, -ENOENT (no such entry, or the pid is gone),
 * -ENOMEM.
 */
static int procfs_process_lookup(struct vnode *directory, const char *name, size_t length,
                                 struct vnode **result)
{
    int pid = procfs_node_of(directory)->pid;
    uint32_t uid, gid;
    if (procfs_process_owner(pid, &uid, &gid) < 0)
        return -ENOENT;
    for (size_t index = 0; index < PROCFS_PROCESS_ENTRY_COUNT; index++) {
        const struct procfs_entry *entry = &procfs_process_entries[index];
        if (!procfs_name_equals(name, length, entry->name))
            continue;
        const struct vnode_ops *ops = entry->kind == PROCFS_PROCESS_FILE ? &procfs_process_file_ops
                                      : entry->kind == PROCFS_PROCESS_LINK
                                          ? &procfs_process_link_ops
                                          : &procfs_fd_directory_ops;
        struct procfs_node *node = procfs_node_create(
            directory->superblock, ops, entry->kind, entry->mode,
            procfs_process_inode(pid, procfs_process_entry_local(index)), pid);
        if (!node)
            return -ENOMEM;
        node->entry = entry;
        *result = &node->vnode;
        return 0;
    }
    return -ENOENT;
}

/* vnode_ops.readdir of /proc/PID: ".", "..", the entries. -ENOENT when the pid is gone. */
static int procfs_process_readdir(struct vnode *directory, uint64_t *cookie,
                                  struct directory_sink *sink)
{
    int pid = procfs_node_of(directory)->pid;
    uint32_t uid, gid;
    if (procfs_process_owner(pid, &uid, &gid) < 0)
        return -ENOENT;
    while (*cookie < 2 + PROCFS_PROCESS_ENTRY_COUNT) {
        uint64_t position = *cookie;
        const char *name;
        uint64_t inode_number;
        unsigned type;
        if (position < 2) {
            name = position == 0 ? "." : "..";
            inode_number = position == 0 ? directory->inode_number : PROCFS_ROOT_INODE;
            type = DT_DIR;
        } else {
            const struct procfs_entry *entry = &procfs_process_entries[position - 2];
            name = entry->name;
            inode_number = procfs_process_inode(pid, procfs_process_entry_local(position - 2));
            type = mode_to_directory_type(entry->mode);
        }
        int result = sink->emit(sink, name, strlen(name), inode_number, type, position + 1);
        if (result < 0)
            return result;
        if (result > 0)
            return 0;
        *cookie = position + 1;
    }
    return 0;
}

/*
 * vnode_ops.getattr of /proc/PID and of its named entries: the entry's
 * mode (dr-xr-xr-x for the directory), owned by the process's uid/gid.
 * -ENOENT when the pid is gone.
 */
static int procfs_process_getattr(struct vnode *vnode, struct vnode_attributes *attributes)
{
    struct procfs_node *node = procfs_node_of(vnode);
    uint32_t uid, gid;
    if (procfs_process_owner(node->pid, &uid, &gid) < 0)
        return -ENOENT;
    uint32_t mode = node->entry ? node->entry->mode : (S_IFDIR | 0555);
    procfs_fill_attributes(vnode, mode, uid, gid, attributes);
    if (node->kind == PROCFS_PROCESS_DIRECTORY)
        attributes->link_count = 3;   /* ".", the entry in /proc, fd/'s ".." */
    return 0;
}

/*
 * vnode_ops.readlink of cwd and exe: the path the Core reports. Returns
 * its length, -ESRCH when the pid is gone, -ENOENT when it has none.
 */
static long procfs_process_readlink(struct vnode *link, char *buffer, size_t size)
{
    struct procfs_node *node = procfs_node_of(link);
    char *path = kmalloc(PATH_MAX + 1);
    if (!path)
        return -ENOMEM;
    long length = node->entry->link(node->pid, path, PATH_MAX + 1);
    if (length > PATH_MAX)
        length = PATH_MAX;
    if (length >= 0)
        length = procfs_copy_link(buffer, size, path, (size_t)length);
    kfree(path);
    return length;
}

/* ---------------------------------------------------------- /proc/PID/fd */

/*
 * vnode_ops.lookup in /proc/PID/fd: the descriptor named in decimal.
 * Returns 0 with a new node, -ENOENT when it is not open (or the pid is
 * gone), -ENOMEM.
 */
static int procfs_fd_lookup(struct vnode *directory, const char *name, size_t length,
                            struct vnode **result)
{
    int pid = procfs_node_of(directory)->pid;
    int fd = procfs_parse_number(name, length);
    if (fd < 0 || fd >= 0xf000 - (int)PROCFS_LOCAL_FD_BASE)
        return -ENOENT;
    char *path;
    long found = procfs_fd_target(pid, fd, &path);
    kfree(path);
    if (found == -ENOMEM)
        return -ENOMEM;
    if (found < 0)
        return -ENOENT;
    struct procfs_node *node = procfs_node_create(
        directory->superblock, &procfs_fd_link_ops, PROCFS_FD_LINK, PROCFS_FD_LINK_MODE,
        procfs_process_inode(pid, PROCFS_LOCAL_FD_BASE + (unsigned)fd), pid);
    if (!node)
        return -ENOMEM;
    node->fd = fd;
    *result = &node->vnode;
    return 0;
}

/* vnode_ops.readdir of /proc/PID/fd: ".", "..", one symlink per open descriptor. */
static int procfs_fd_readdir(struct vnode *directory, uint64_t *cookie,
                             struct directory_sink *sink)
{
    int pid = procfs_node_of(directory)->pid;
    int *fds;
    size_t count;
    int error = procfs_process_fd_list(pid, &fds, &count);
    if (error < 0)
        return error;
    while (*cookie < 2 && error == 0) {
        const char *name = *cookie == 0 ? "." : "..";
        uint64_t inode_number = *cookie == 0
                                    ? directory->inode_number
                                    : procfs_process_inode(pid, PROCFS_LOCAL_DIRECTORY);
        int result = sink->emit(sink, name, strlen(name), inode_number, DT_DIR, *cookie + 1);
        if (result != 0) {
            kfree(fds);
            return result < 0 ? result : 0;
        }
        *cookie += 1;
    }
    for (size_t i = 0; i < count; i++) {
        if (fds[i] < 0 || (uint64_t)fds[i] + 2 < *cookie)
            continue;
        char name[16];
        int length = rk_snprintf(name, sizeof name, "%d", fds[i]);
        uint64_t next = (uint64_t)fds[i] + 3;
        int result = sink->emit(sink, name, (size_t)length,
                                procfs_process_inode(pid, PROCFS_LOCAL_FD_BASE + (unsigned)fds[i]),
                                DT_LNK, next);
        if (result < 0)
            error = result;
        if (result != 0)
            break;
        *cookie = next;
    }
    kfree(fds);
    return error;
}

/* vnode_ops.getattr of one fd link: lrwx------, size 64 as Linux; -ENOENT once closed. */
static int procfs_fd_link_getattr(struct vnode *vnode, struct vnode_attributes *attributes)
{
    struct procfs_node *node = procfs_node_of(vnode);
    uint32_t uid, gid;
    if (procfs_process_owner(node->pid, &uid, &gid) < 0)
        return -ENOENT;
    char *path;
    long found = procfs_fd_target(node->pid, node->fd, &path);
    kfree(path);
    if (found < 0)
        return found == -ENOMEM ? -ENOMEM : -ENOENT;
    procfs_fill_attributes(vnode, PROCFS_FD_LINK_MODE, uid, gid, attributes);
    attributes->size = PROCFS_FD_LINK_SIZE;
    return 0;
}

/*
 * vnode_ops.readlink of one fd link: the descriptor's path (or
 * "pipe:[N]"). -ENOENT once the descriptor is closed, -ESRCH when the pid
 * is gone.
 */
static long procfs_fd_readlink(struct vnode *link, char *buffer, size_t size)
{
    struct procfs_node *node = procfs_node_of(link);
    char *path;
    long length = procfs_fd_target(node->pid, node->fd, &path);
    if (length == -EBADF)
        length = -ENOENT;
    if (length >= 0)
        length = procfs_copy_link(buffer, size, path, (size_t)length);
    kfree(path);
    return length;
}

/*
 * vnode_ops.jump of one fd link: the descriptor's own description, so
 * open("/proc/PID/fd/N") reaches the file even after it was unlinked or
 * renamed. -ENOENT once the descriptor is closed.
 */
static int procfs_fd_jump(struct vnode *link, struct file **file)
{
    struct procfs_node *node = procfs_node_of(link);
    int error = system_process_fd_file(node->pid, node->fd, file);
    return error == -EBADF || error == -ESRCH ? -ENOENT : error;
}

/* ------------------------------------------------------------ the tables */

const struct vnode_ops procfs_process_directory_ops = {
    VNODE_OPS_STUBS,
    .lookup = procfs_process_lookup,
    .create = procfs_refuse_create,
    .mkdir = procfs_refuse_mkdir,
    .symlink = procfs_refuse_symlink,
    .link = procfs_refuse_link,
    .readdir = procfs_process_readdir,
    .getattr = procfs_process_getattr,
    .release = procfs_release,
};

const struct vnode_ops procfs_process_file_ops = {
    VNODE_OPS_STUBS,
    .getattr = procfs_process_getattr,
    .read = procfs_file_read,
    .write = procfs_file_write,
    .release = procfs_release,
};

const struct vnode_ops procfs_process_link_ops = {
    VNODE_OPS_STUBS,
    .readlink = procfs_process_readlink,
    .getattr = procfs_process_getattr,
    .release = procfs_release,
};

const struct vnode_ops procfs_fd_directory_ops = {
    VNODE_OPS_STUBS,
    .lookup = procfs_fd_lookup,
    .create = procfs_refuse_create,
    .mkdir = procfs_refuse_mkdir,
    .symlink = procfs_refuse_symlink,
    .link = procfs_refuse_link,
    .readdir = procfs_fd_readdir,
    .getattr = procfs_process_getattr,
    .release = procfs_release,
};

const struct vnode_ops procfs_fd_link_ops = {
    VNODE_OPS_STUBS,
    .readlink = procfs_fd_readlink,
    .jump = procfs_fd_jump,
    .getattr = procfs_fd_link_getattr,
    .release = procfs_release,
};
