/*
 * procfs_sys.c — /proc/sys: only /proc/sys/kernel/fault_inject (read: the
 * fault injection rules; write, root only: a rule, "clear" or "seed N",
 * rk/fault_injection.h) and /proc/sys/kernel/fault_stats (read-only: the
 * containment counters), docs/containment.md.
 */
#include <rk/errno.h>
#include <rk/fault_injection.h>
#include <rk/heap.h>
#include <rk/string.h>
#include <rk/system.h>
#include <rk/vfs.h>

#include "procfs_internal.h"

/* Inode numbers: /proc/sys, /proc/sys/kernel, then the files. */
#define PROCFS_SYS_INODE 0x300u
#define PROCFS_SYS_KERNEL_INODE 0x301u
/* The longest command one write may carry. */
#define PROCFS_SYS_COMMAND_MAX 4096

/*
 * Append what render (a Core function writing at most size bytes and
 * returning the full length) writes, growing until it fits. Returns 0 or
 * -ENOMEM.
 */
static int procfs_sys_append(struct procfs_text *text, long (*render)(char *, size_t))
{
    size_t room = 1024;
    for (;;) {
        if (procfs_text_reserve(text, room) < 0)
            return text->error;
        size_t size = text->capacity - text->length;
        long length = render(text->data + text->length, size);
        if (length < 0)
            return (int)length;
        if ((size_t)length < size) {
            text->length += (size_t)length;
            text->data[text->length] = '\0';
            return 0;
        }
        room = (size_t)length + 1;
    }
}

/* Renderers of the two files (pid unused). */
static int procfs_render_fault_inject(struct procfs_text *text, int pid)
{
    return procfs_sys_append(text, fault_injection_render);
}
static int procfs_render_fault_stats(struct procfs_text *text, int pid)
{
    return procfs_sys_append(text, containment_render_statistics);
}

static const struct procfs_entry procfs_sys_kernel_entries[] = {
    { "fault_inject", PROCFS_SYSTEM_FILE, S_IFREG | 0644, procfs_render_fault_inject, NULL, 0 },
    { "fault_stats", PROCFS_SYSTEM_FILE, S_IFREG | 0444, procfs_render_fault_stats, NULL, -EIO },
};

#define PROCFS_SYS_KERNEL_ENTRY_COUNT RK_ARRAY_SIZE(procfs_sys_kernel_entries)

/* True when the calling process acts as root (a kernel thread does). */
static bool procfs_caller_is_root(void)
{
    int pid = system_current_pid();
    struct process_info info;
    if (pid <= 0)
        return true;
    return system_process_info(pid, &info) == 0 && info.euid == 0;
}

/*
 * vnode_ops.write of the /proc/sys files: fault_inject applies the written
 * command (-EPERM unless root, -EINVAL for a bad or too long command,
 * -ENOSPC for too many rules); the others give their entry's error.
 * Returns the byte count written.
 */
static long procfs_sys_write(struct vnode *vnode, struct io_cursor *cursor, uint64_t offset)
{
    const struct procfs_entry *entry = procfs_node_of(vnode)->entry;
    if (entry->write_error < 0)
        return entry->write_error;
    if (!procfs_caller_is_root())
        return -EPERM;
    size_t length = io_remaining(cursor);
    if (length >= PROCFS_SYS_COMMAND_MAX)
        return -EINVAL;
    char *command = kmalloc(length + 1);
    if (!command)
        return -ENOMEM;
    int error = io_copy_in(cursor, command, length);
    if (error == 0)
        error = fault_injection_command(command, length);
    kfree(command);
    return error < 0 ? error : (long)length;
}

/* vnode_ops.getattr of the files: the entry's mode, root's. */
static int procfs_sys_file_getattr(struct vnode *vnode, struct vnode_attributes *attributes)
{
    procfs_fill_attributes(vnode, procfs_node_of(vnode)->entry->mode, 0, 0, attributes);
    return 0;
}

/*
 * vnode_ops.setattr of the files: truncation to 0 (the O_TRUNC of a shell's
 * `echo rule > fault_inject`) is accepted and changes nothing, as on Linux's
 * /proc/sys; anything else -EPERM.
 */
static int procfs_sys_file_setattr(struct vnode *vnode, const struct vnode_attributes *attributes,
                                   unsigned mask)
{
    bool truncation = (mask & VNODE_SET_SIZE) && attributes->size == 0 &&
                      !(mask & ~(unsigned)(VNODE_SET_SIZE | VNODE_SET_MODIFY_TIME));
    return truncation ? 0 : -EPERM;
}

static const struct vnode_ops procfs_sys_file_ops = {
    VNODE_OPS_STUBS,
    .getattr = procfs_sys_file_getattr,
    .setattr = procfs_sys_file_setattr,
    .read = procfs_file_read,
    .write = procfs_sys_write,
    .release = procfs_release,
};

/* vnode_ops.lookup of /proc/sys/kernel: one of its files, else -ENOENT. */
static int procfs_sys_kernel_lookup(struct vnode *directory, const char *name, size_t length,
                                    struct vnode **result)
{
    return procfs_table_lookup(directory, name, length, procfs_sys_kernel_entries,
                               PROCFS_SYS_KERNEL_ENTRY_COUNT, PROCFS_SYS_KERNEL_INODE,
                               &procfs_sys_file_ops, result);
}

/* vnode_ops.readdir of /proc/sys/kernel: ".", "..", then the files (cookie = position). */
static int procfs_sys_kernel_readdir(struct vnode *directory, uint64_t *cookie,
                                     struct directory_sink *sink)
{
    return procfs_table_readdir(cookie, sink, procfs_sys_kernel_entries,
                                PROCFS_SYS_KERNEL_ENTRY_COUNT, PROCFS_SYS_KERNEL_INODE,
                                PROCFS_SYS_INODE);
}

/* vnode_ops.getattr of both directories: dr-xr-xr-x root root. */
static int procfs_sys_directory_getattr(struct vnode *vnode, struct vnode_attributes *attributes)
{
    procfs_fill_attributes(vnode, S_IFDIR | 0555, 0, 0, attributes);
    return 0;
}

static const struct vnode_ops procfs_sys_kernel_ops = {
    VNODE_OPS_STUBS,
    .lookup = procfs_sys_kernel_lookup,
    .create = procfs_refuse_create,
    .mkdir = procfs_refuse_mkdir,
    .symlink = procfs_refuse_symlink,
    .link = procfs_refuse_link,
    .readdir = procfs_sys_kernel_readdir,
    .getattr = procfs_sys_directory_getattr,
    .release = procfs_release,
};

/* vnode_ops.lookup of /proc/sys: "kernel", else -ENOENT. */
static int procfs_sys_lookup(struct vnode *directory, const char *name, size_t length,
                             struct vnode **result)
{
    if (!procfs_name_equals(name, length, "kernel"))
        return -ENOENT;
    struct procfs_node *node = procfs_node_create(directory->superblock, &procfs_sys_kernel_ops,
                                                  PROCFS_SYS_DIRECTORY, S_IFDIR | 0555,
                                                  PROCFS_SYS_KERNEL_INODE, 0);
    if (!node)
        return -ENOMEM;
    *result = &node->vnode;
    return 0;
}

/* vnode_ops.readdir of /proc/sys: ".", "..", "kernel". */
static int procfs_sys_readdir(struct vnode *directory, uint64_t *cookie, struct directory_sink *sink)
{
    static const char *const names[] = { ".", "..", "kernel" };
    static const uint64_t inodes[] = { PROCFS_SYS_INODE, PROCFS_ROOT_INODE, PROCFS_SYS_KERNEL_INODE };
    while (*cookie < RK_ARRAY_SIZE(names)) {
        uint64_t position = *cookie;
        int result = sink->emit(sink, names[position], strlen(names[position]), inodes[position],
                                DT_DIR, position + 1);
        if (result < 0)
            return result;
        if (result > 0)
            return 0;
        *cookie = position + 1;
    }
    return 0;
}

const struct vnode_ops procfs_sys_directory_ops = {
    VNODE_OPS_STUBS,
    .lookup = procfs_sys_lookup,
    .create = procfs_refuse_create,
    .mkdir = procfs_refuse_mkdir,
    .symlink = procfs_refuse_symlink,
    .link = procfs_refuse_link,
    .readdir = procfs_sys_readdir,
    .getattr = procfs_sys_directory_getattr,
    .release = procfs_release,
};
