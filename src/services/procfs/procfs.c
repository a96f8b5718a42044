/*
 * procfs.c — the "proc" filesystem service: registration, mounting, and
 * what every procfs node shares (creation, release, generated-file reads,
 * attributes, name parsing).
 *
 * Locking: none. The kernel is uniprocessor and cooperative and nothing
 * here sleeps; each operation asks the Core afresh about processes.
 */
#include <rk/errno.h>
#include <rk/heap.h>
#include <rk/services.h>
#include <rk/string.h>
#include <rk/system.h>
#include <rk/vfs.h>

#include "procfs.h"
#include "procfs_internal.h"

/* A zeroed node with one reference, fd -1 and no entry (see procfs_internal.h); NULL on ENOMEM. */
struct procfs_node *procfs_node_create(struct superblock *superblock,
                                       const struct vnode_ops *ops, enum procfs_kind kind,
                                       uint32_t mode, uint64_t inode_number, int pid)
{
    struct procfs_node *node = kzalloc(sizeof *node);
    if (!node)
        return NULL;
    vnode_init(&node->vnode, superblock, ops, mode & S_IFMT, inode_number);
    node->kind = kind;
    node->pid = pid;
    node->fd = -1;
    return node;
}

/* vnode_ops.release of every procfs node: nothing else refers to it, free it. */
void procfs_release(struct vnode *vnode) { kfree(procfs_node_of(vnode)); }

/*
 * vnode_ops.read of generated files: render the whole file now and copy
 * the asked window of it. Returns the byte count, 0 past the end, the
 * renderer's error (-ESRCH for a process that is gone), -ENOMEM, -EFAULT.
 */
long procfs_file_read(struct vnode *vnode, struct io_cursor *cursor, uint64_t offset)
{
    struct procfs_node *node = procfs_node_of(vnode);
    struct procfs_text text;
    procfs_text_init(&text);
    long result = node->entry->render(&text, node->pid);
    if (result == 0 && text.error < 0)
        result = text.error;
    if (result == 0)
        result = procfs_text_copy_window(&text, cursor, offset);
    procfs_text_free(&text);
    return result;
}

/*
 * vnode_ops.write of generated files: none is writable. Returns what
 * Linux returns for the file (-EIO for the system files, -EINVAL for the
 * per-process ones and mounts).
 */
long procfs_file_write(struct vnode *vnode, struct io_cursor *cursor, uint64_t offset)
{
    return procfs_node_of(vnode)->entry->write_error;
}

/* Linux's /proc name_to_int(): a decimal without a leading zero that fits an int, else -1. */
int procfs_parse_number(const char *name, size_t length)
{
    if (length == 0 || length > 10 || (length > 1 && name[0] == '0'))
        return -1;
    uint64_t value = 0;
    for (size_t i = 0; i < length; i++) {
        if (name[i] < '0' || name[i] > '9')
            return -1;
        value = value * 10 + (uint64_t)(name[i] - '0');
    }
    return value > 0x7fffffff ? -1 : (int)value;
}

/* True when (name, length) spells text exactly. */
bool procfs_name_equals(const char *name, size_t length, const char *text)
{
    return strlen(text) == length && memcmp(name, text, length) == 0;
}

/* readlink's copy: at most size bytes of target, no NUL; returns the full length. */
long procfs_copy_link(char *buffer, size_t size, const char *target, size_t length)
{
    memcpy(buffer, target, length < size ? length : size);
    return (long)length;
}

/* The attributes every procfs node shares; times are now (Linux stamps proc inodes on creation). */
void procfs_fill_attributes(struct vnode *vnode, uint32_t mode, uint32_t uid, uint32_t gid,
                            struct vnode_attributes *attributes)
{
    struct kernel_time now = time_now();
    *attributes = (struct vnode_attributes){
        .inode_number = vnode->inode_number,
        .mode = mode,
        .link_count = S_ISDIR(mode) ? 2 : 1,
        .uid = uid,
        .gid = gid,
        .size = 0,
        .blocks = 0,
        .block_size = 1024,
        .access_time = now,
        .modify_time = now,
        .change_time = now,
    };
}

/* Every pid, ascending, in a kmalloc'ed array sized to fit. Returns 0 or -ENOMEM. */
int procfs_process_pids(int **pids, size_t *count)
{
    size_t room = 64;
    for (;;) {
        int *list = kcalloc(room, sizeof *list);
        if (!list)
            return -ENOMEM;
        size_t total = system_process_list(list, room);
        if (total <= room) {
            if (total == 0) {
                kfree(list);
                list = NULL;
            }
            *pids = list;
            *count = total;
            return 0;
        }
        kfree(list);
        room = total + 16;
    }
}

/* ------------------------------------------------------------ mounting */

/*
 * filesystem_ops.mount: a new instance is just its root directory (every
 * other node is made on lookup). Options (hidepid=, gid=) are ignored.
 */
static int procfs_mount(struct superblock *superblock, const char *options)
{
    struct procfs_node *root = procfs_node_create(superblock, &procfs_root_ops, PROCFS_ROOT,
                                                  S_IFDIR | 0555, PROCFS_ROOT_INODE, 0);
    if (!root)
        return -ENOMEM;
    superblock->private = NULL;
    superblock->root = &root->vnode;
    return 0;
}

/* filesystem_ops.unmount: nothing to tear down (nodes free themselves on release). */
static void procfs_unmount(struct superblock *superblock) {}

static const struct filesystem_ops procfs_filesystem_ops = {
    .mount = procfs_mount,
    .unmount = procfs_unmount,
};

static struct service procfs_service = {
    .name = "proc",
    .kind = SERVICE_FILESYSTEM,
    .ops = &procfs_filesystem_ops,
};

/* Register the proc service (procfs.h). Returns 0 or services_register()'s error. */
int procfs_service_register(void) { return services_register(&procfs_service); }

/* -EEXIST when directory has name, else -ENOENT (what proc gives for new names). */
static int procfs_refuse_name(struct vnode *directory, const char *name, size_t length)
{
    struct vnode *existing = NULL;
    if (directory->ops->lookup(directory, name, length, &existing) == 0) {
        vnode_put(existing);
        return -EEXIST;
    }
    return -ENOENT;
}

int procfs_refuse_create(struct vnode *directory, const char *name, size_t length, uint32_t mode,
                         uint64_t device, struct vnode **result)
{
    return procfs_refuse_name(directory, name, length);
}

int procfs_refuse_mkdir(struct vnode *directory, const char *name, size_t length, uint32_t mode,
                        struct vnode **result)
{
    return procfs_refuse_name(directory, name, length);
}

int procfs_refuse_symlink(struct vnode *directory, const char *name, size_t length,
                          const char *target, struct vnode **result)
{
    return procfs_refuse_name(directory, name, length);
}

int procfs_refuse_link(struct vnode *directory, const char *name, size_t length,
                       struct vnode *target)
{
    return procfs_refuse_name(directory, name, length);
}

/* See procfs_internal.h. */
int procfs_table_lookup(struct vnode *directory, const char *name, size_t length,
                        const struct procfs_entry *entries, size_t count, uint64_t directory_inode,
                        const struct vnode_ops *file_ops, struct vnode **result)
{
    for (size_t index = 0; index < count; index++) {
        const struct procfs_entry *entry = &entries[index];
        if (!procfs_name_equals(name, length, entry->name))
            continue;
        struct procfs_node *node = procfs_node_create(directory->superblock, file_ops, entry->kind,
                                                      entry->mode, directory_inode + 1 + index, 0);
        if (!node)
            return -ENOMEM;
        node->entry = entry;
        *result = &node->vnode;
        return 0;
    }
    return -ENOENT;
}

/* See procfs_internal.h. */
int procfs_table_readdir(uint64_t *cookie, struct directory_sink *sink,
                         const struct procfs_entry *entries, size_t count, uint64_t directory_inode,
                         uint64_t parent_inode)
{
    while (*cookie < 2 + count) {
        uint64_t position = *cookie;
        const char *name = position == 0 ? "." : "..";
        uint64_t inode_number = position == 0 ? directory_inode : parent_inode;
        unsigned type = DT_DIR;
        if (position >= 2) {
            name = entries[position - 2].name;
            inode_number = directory_inode + 1 + (position - 2);
            type = DT_REG;
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
