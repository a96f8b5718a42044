/*
 * open.c — descriptions on filesystem nodes: opening a resolved entry and
 * the file operations that forward reads and writes to the node's
 * filesystem through the gate.
 */
#include <rk/errno.h>
#include <rk/heap.h>
#include <rk/pipe.h>
#include <rk/path.h>

#include "vfs_internal.h"

int vfs_getattr(struct vnode *node, struct vnode_attributes *attributes, uint64_t *device)
{
    int error = VNODE_CALL(node, getattr, attributes);
    if (error == 0 && device)
        *device = node->superblock->device;
    return error;
}

/* read(2) on a node: at the description's offset, which advances. */
static long vnode_file_read(struct file *file, struct io_cursor *cursor, uint64_t *offset)
{
    if (S_ISDIR(file->vnode->type))
        return -EISDIR;
    long count = VNODE_CALL(file->vnode, read, cursor, *offset);
    if (count > 0)
        *offset += (uint64_t)count;
    return count;
}

/* write(2) on a node: O_APPEND writes at the end first. */
static long vnode_file_write(struct file *file, struct io_cursor *cursor, uint64_t *offset)
{
    if (file->flags & O_APPEND) {
        struct vnode_attributes attributes;
        int error = vfs_getattr(file->vnode, &attributes, NULL);
        if (error < 0)
            return error;
        *offset = attributes.size;
    }
    long count = VNODE_CALL(file->vnode, write, cursor, *offset);
    if (count > 0)
        *offset += (uint64_t)count;
    return count;
}

static int vnode_file_stat(struct file *file, struct vnode_attributes *attributes)
{
    return vfs_getattr(file->vnode, attributes, NULL);
}

const struct file_ops vnode_file_ops = {
    .read = vnode_file_read,
    .write = vnode_file_write,
    .stat = vnode_file_stat,
    .ioctl = file_stub_ioctl,
    .release = file_stub_release,
    .poll = file_stub_poll,   /* regular files and directories are always ready, as on Linux */
};

/* open(2) of O_PATH descriptions: no I/O at all. */
static long path_only_read(struct file *file, struct io_cursor *cursor, uint64_t *offset)
{
    return -EBADF;
}

static const struct file_ops path_only_file_ops = {
    .read = path_only_read,
    .write = path_only_read,
    .stat = vnode_file_stat,
    .ioctl = file_stub_ioctl,
    .release = file_stub_release,
    .poll = file_stub_poll,   /* never asked: poll and select refuse O_PATH descriptors */
};

int vfs_open_entry(struct path_entry *entry, unsigned flags, struct file **result)
{
    struct vnode *node = entry->vnode;
    unsigned access = flags & O_ACCMODE;
    if (flags & O_PATH) {
        flags &= O_PATH | O_CLOEXEC | O_DIRECTORY | O_NOFOLLOW;
    } else {
        if (S_ISDIR(node->type) && (access != O_RDONLY || (flags & O_TRUNC)))
            return -EISDIR;
        if (S_ISLNK(node->type))
            return -ELOOP;
        if (S_ISFIFO(node->type))
            return pipe_open_fifo(entry, flags, result);
        if (S_ISSOCK(node->type))
            return -ENXIO;
        if (S_ISCHR(node->type) || S_ISBLK(node->type))
            return chardev_open(entry, flags, result);
    }
    /* Writers of a regular file exclude running images of it (ETXTBSY). */
    bool write_access = !(flags & O_PATH) && S_ISREG(node->type) &&
                        (access == O_WRONLY || access == O_RDWR);
    if (write_access) {
        int error = vnode_write_access_get(node);
        if (error < 0)
            return error;
    }
    int error = (flags & O_PATH) ? 0 : VNODE_CALL(node, open, flags);
    struct file *file = NULL;
    if (error == 0) {
        file = file_alloc((flags & O_PATH) ? &path_only_file_ops : &vnode_file_ops, NULL,
                          flags & ~(unsigned)(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC));
        if (!file)
            error = -ENOMEM;
    }
    if (error < 0) {
        if (write_access)
            vnode_write_access_put(node);
        return error;
    }
    file->holds_write_access = write_access;
    vnode_get(node);
    file->vnode = node;
    path_get(entry);
    file->path = entry;
    *result = file;
    return 0;
}
