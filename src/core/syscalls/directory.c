/*
 * directory.c — mkdir(at), mknod(at), rmdir, getdents64, chdir, fchdir, getcwd.
 */
#include <rk/heap.h>
#include <rk/string.h>

#include "syscall_support.h"

/* mkdirat(dirfd, path, mode). */
static long make_directory(int dirfd, uintptr_t path_address, uint32_t mode)
{
    struct parent_name target;
    long result = parent_name_get(dirfd, path_address, &target);
    if (result < 0)
        return result;
    struct path_entry *parent = target.parent;
    const char *name = target.name;
    size_t length = target.length;
    if (length == 0 || is_dot(name, length) || is_dot_dot(name, length)) {
        result = -EEXIST;
    } else if ((result = path_check_writable(parent)) == 0) {
        struct vnode *node = NULL;
        uint32_t final_mode = mode & ~process_umask() & (S_IALLUGO);
        result = VNODE_CALL(parent->vnode, mkdir, name, length, final_mode, &node);
        if (result == 0)
            vnode_put(node);
    }
    parent_name_put(&target);
    return result;
}

long sys_mkdir(const uint64_t arguments[6])
{
    return make_directory(AT_FDCWD, ARGUMENT_ADDRESS(0), ARGUMENT_UNSIGNED(1));
}

long sys_mkdirat(const uint64_t arguments[6])
{
    return make_directory(ARGUMENT_INT(0), ARGUMENT_ADDRESS(1), ARGUMENT_UNSIGNED(2));
}

/* mknodat(dirfd, path, mode, device): regular files, FIFOs, sockets, device nodes. */
static long make_node(int dirfd, uintptr_t path_address, uint32_t mode, uint64_t device)
{
    uint32_t type = mode & S_IFMT;
    if (type == 0)
        type = S_IFREG;
    if (type == S_IFDIR)
        return -EPERM;
    if (type != S_IFREG && type != S_IFCHR && type != S_IFBLK && type != S_IFIFO && type != S_IFSOCK)
        return -EINVAL;
    struct parent_name target;
    long result = parent_name_get(dirfd, path_address, &target);
    if (result < 0)
        return result;
    struct path_entry *parent = target.parent;
    const char *name = target.name;
    size_t length = target.length;
    struct path_entry *existing = NULL;
    if (length == 0 || is_dot(name, length) || is_dot_dot(name, length)) {
        result = -EEXIST;
    } else if (target.trailing_slash) {
        /* "name/": only a directory could be meant; it exists (EEXIST) or not (ENOENT). */
        result = path_lookup_child(parent, name, length, &existing) == 0 ? -EEXIST : -ENOENT;
        if (existing)
            path_put(existing);
    } else if ((result = path_check_writable(parent)) == 0) {
        struct vnode *node = NULL;
        uint32_t final_mode = type | (mode & ~process_umask() & S_IALLUGO);
        uint64_t rdev = (type == S_IFCHR || type == S_IFBLK) ? device : 0;
        result = VNODE_CALL(parent->vnode, create, name, length, final_mode, rdev, &node);
        if (result == 0)
            vnode_put(node);
    }
    parent_name_put(&target);
    return result;
}

long sys_mknod(const uint64_t arguments[6])
{
    return make_node(AT_FDCWD, ARGUMENT_ADDRESS(0), ARGUMENT_UNSIGNED(1), arguments[2]);
}

long sys_mknodat(const uint64_t arguments[6])
{
    return make_node(ARGUMENT_INT(0), ARGUMENT_ADDRESS(1), ARGUMENT_UNSIGNED(2), arguments[3]);
}

/* rmdir on (dirfd, path): Linux's errors for "/", ".", ".." and mount points. */
long vfs_remove_directory(int dirfd, uintptr_t path_address)
{
    struct parent_name target;
    long result = parent_name_get(dirfd, path_address, &target);
    if (result < 0)
        return result;
    struct path_entry *parent = target.parent;
    const char *name = target.name;
    size_t length = target.length;
    if (length == 0) {
        result = -EBUSY;
    } else if (is_dot(name, length)) {
        result = -EINVAL;
    } else if (is_dot_dot(name, length)) {
        result = -ENOTEMPTY;
    } else {
        struct path_entry *child;
        result = path_lookup_child(parent, name, length, &child);
        if (result == 0) {
            bool mount_root = child->mount && child->vnode == child->mount->root;
            if (!S_ISDIR(child->vnode->type))
                result = -ENOTDIR;
            else if (mount_root)
                result = -EBUSY;
            path_put(child);
        }
        if (result == 0)
            result = path_check_writable(parent);
        if (result == 0)
            result = VNODE_CALL(parent->vnode, rmdir, name, length);
    }
    parent_name_put(&target);
    return result;
}

long sys_rmdir(const uint64_t arguments[6])
{
    return vfs_remove_directory(AT_FDCWD, ARGUMENT_ADDRESS(0));
}

/* linux_dirent64 records being packed into a kernel buffer. */
struct dirent_buffer {
    char *data;
    size_t capacity;
    size_t used;
    bool overflowed;     /* an entry did not fit */
};

struct linux_dirent64_header {
    uint64_t inode;
    int64_t offset;
    uint16_t record_length;
    uint8_t type;
} __attribute__((packed));

/* directory_sink callback: append one record, 1 when full. */
static int emit_dirent(struct directory_sink *sink, const char *name, size_t length,
                       uint64_t inode_number, unsigned type, uint64_t next_cookie)
{
    struct dirent_buffer *buffer = sink->context;
    size_t record = (sizeof(struct linux_dirent64_header) + length + 1 + 7) & ~(size_t)7;
    if (buffer->used + record > buffer->capacity) {
        buffer->overflowed = true;
        return 1;
    }
    struct linux_dirent64_header header = {
        .inode = inode_number,
        .offset = (int64_t)next_cookie,
        .record_length = (uint16_t)record,
        .type = (uint8_t)type,
    };
    char *out = buffer->data + buffer->used;
    memset(out, 0, record);
    memcpy(out, &header, sizeof header);
    memcpy(out + sizeof header, name, length);
    buffer->used += record;
    return 0;
}

long sys_getdents64(const uint64_t arguments[6])
{
    struct file *file = syscall_file(ARGUMENT_INT(0));
    if (!file)
        return -EBADF;
    size_t capacity = arguments[2];
    long result = 0;
    if (!file->vnode || (file->flags & O_PATH))
        result = file->vnode ? -EBADF : -ENOTDIR;
    else if (!S_ISDIR(file->vnode->type))
        result = -ENOTDIR;
    if (result < 0) {
        file_put(file);
        return result;
    }
    if (capacity > 65536)
        capacity = 65536;
    struct dirent_buffer buffer = { .data = kmalloc(capacity ? capacity : 1), .capacity = capacity };
    if (!buffer.data) {
        file_put(file);
        return -ENOMEM;
    }
    struct directory_sink sink = { .emit = emit_dirent, .context = &buffer };
    uint64_t cookie = file->offset;
    result = VNODE_CALL(file->vnode, readdir, &cookie, &sink);
    if (result == 0 && buffer.used == 0 && buffer.overflowed)
        result = -EINVAL; /* not even one entry fits */
    if (result == 0 && buffer.used > 0) {
        result = copy_to_user(ARGUMENT_ADDRESS(1), buffer.data, buffer.used);
        if (result == 0) {
            file->offset = cookie;
            result = (long)buffer.used;
        }
    }
    kfree(buffer.data);
    file_put(file);
    return result;
}

long sys_chdir(const uint64_t arguments[6])
{
    if (!process_current())
        return -ESRCH;
    struct process *process = process_current();
    struct path_entry *entry;
    long result = user_path_resolve(AT_FDCWD, ARGUMENT_ADDRESS(0), RESOLVE_FOLLOW | RESOLVE_DIRECTORY,
                                    &entry);
    if (result < 0)
        return result;
    if (process->cwd)
        path_put(process->cwd);
    process->cwd = entry;
    return 0;
}

long sys_fchdir(const uint64_t arguments[6])
{
    if (!process_current())
        return -ESRCH;
    struct file *file = syscall_file(ARGUMENT_INT(0));
    if (!file)
        return -EBADF;
    long result = 0;
    if (!file->path || !S_ISDIR(file->path->vnode->type)) {
        result = -ENOTDIR;
    } else {
        struct process *process = process_current();
        path_get(file->path);
        if (process->cwd)
            path_put(process->cwd);
        process->cwd = file->path;
    }
    file_put(file);
    return result;
}

long sys_getcwd(const uint64_t arguments[6])
{
    size_t size = arguments[1];
    struct process *process = process_current();
    struct path_entry *cwd = process && process->cwd ? process->cwd : vfs_namespace_root();
    if (!cwd)
        return -ENOENT;
    struct vnode_attributes attributes;
    if (vfs_getattr(cwd->vnode, &attributes, NULL) == 0 && attributes.link_count == 0)
        return -ENOENT; /* the cwd was removed */
    char *text = kmalloc(PATH_MAX);
    if (!text)
        return -ENOMEM;
    long length = path_format(cwd, text, PATH_MAX);
    long result;
    if (length < 0)
        result = -ENAMETOOLONG;
    else if ((size_t)length + 1 > size)
        result = -ERANGE;
    else
        result = copy_to_user(ARGUMENT_ADDRESS(0), text, (size_t)length + 1) < 0 ? -EFAULT : length + 1;
    kfree(text);
    return result;
}
