/*
 * attributes.c — chmod, fchmod(at), umask, access, faccessat(2), truncate,
 * ftruncate, fsync, fdatasync, sync. The only user is root so far: access
 * checks follow root's rules (read and write always; execute when some
 * execute bit is set or the node is a directory).
 */
#include <rk/heap.h>
#include <rk/pipe.h>

#include "syscall_support.h"

#define R_OK 4
#define W_OK 2
#define X_OK 1

/* Set the permission bits of node. */
static long change_mode(struct vnode *node, uint32_t mode)
{
    struct vnode_attributes attributes = { .mode = mode & S_IALLUGO };
    return VNODE_CALL(node, setattr, &attributes, VNODE_SET_MODE);
}

static long chmod_path(int dirfd, uintptr_t address, uint32_t mode)
{
    struct path_entry *entry;
    long result = user_path_resolve(dirfd, address, RESOLVE_FOLLOW, &entry);
    if (result < 0)
        return result;
    result = path_check_writable(entry);
    if (result == 0)
        result = change_mode(entry->vnode, mode);
    path_put(entry);
    return result;
}

long sys_chmod(const uint64_t arguments[6])
{
    return chmod_path(AT_FDCWD, ARGUMENT_ADDRESS(0), ARGUMENT_UNSIGNED(1));
}

long sys_fchmodat(const uint64_t arguments[6])
{
    return chmod_path(ARGUMENT_INT(0), ARGUMENT_ADDRESS(1), ARGUMENT_UNSIGNED(2));
}

long sys_fchmod(const uint64_t arguments[6])
{
    struct file *file = syscall_file(ARGUMENT_INT(0));
    if (!file)
        return -EBADF;
    long result = (!file->vnode || (file->flags & O_PATH)) ? -EBADF
                  : file->path ? path_check_writable(file->path) : 0;
    if (result == 0)
        result = change_mode(file->vnode, ARGUMENT_UNSIGNED(1));
    file_put(file);
    return result;
}

long sys_umask(const uint64_t arguments[6])
{
    struct process *process = process_current();
    if (!process)
        return -ESRCH;
    uint32_t previous = process->umask;
    process->umask = ARGUMENT_UNSIGNED(0) & 0777;
    return previous;
}

/* faccessat2 common part. */
static long check_access(int dirfd, uintptr_t address, unsigned mode, unsigned flags)
{
    if (mode & ~(unsigned)(R_OK | W_OK | X_OK))
        return -EINVAL;
    if (flags & ~(unsigned)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    unsigned resolve = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : RESOLVE_FOLLOW;
    if (flags & AT_EMPTY_PATH)
        resolve |= RESOLVE_EMPTY_PATH;
    struct path_entry *entry;
    struct file *jumped = NULL;
    char *path = user_path_copy(address);
    if (is_error_pointer(path))
        return pointer_error(path);
    long result = path_resolve_or_file(process_current(), dirfd, path, resolve, &entry, &jumped);
    kfree(path);
    if (result < 0)
        return result;
    if (jumped) { /* /dev/stdin of a pipeline: a pipe, readable and writable by root */
        file_put(jumped);
        return (mode & X_OK) ? -EACCES : 0;
    }
    if (mode & X_OK) {
        struct vnode_attributes attributes;
        result = vfs_getattr(entry->vnode, &attributes, NULL);
        if (result == 0 && !S_ISDIR(attributes.mode) && !(attributes.mode & 0111))
            result = -EACCES;
    }
    /* Even root cannot write to files and directories of a read-only mount. */
    if (result == 0 && (mode & W_OK) &&
        (S_ISREG(entry->vnode->type) || S_ISDIR(entry->vnode->type) || S_ISLNK(entry->vnode->type)))
        result = path_check_writable(entry);
    path_put(entry);
    return result;
}

long sys_access(const uint64_t arguments[6])
{
    return check_access(AT_FDCWD, ARGUMENT_ADDRESS(0), ARGUMENT_UNSIGNED(1), 0);
}

long sys_faccessat(const uint64_t arguments[6])
{
    return check_access(ARGUMENT_INT(0), ARGUMENT_ADDRESS(1), ARGUMENT_UNSIGNED(2), 0);
}

long sys_faccessat2(const uint64_t arguments[6])
{
    return check_access(ARGUMENT_INT(0), ARGUMENT_ADDRESS(1), ARGUMENT_UNSIGNED(2),
                        ARGUMENT_UNSIGNED(3));
}

/*
 * Set the size of a regular file node; touch_times also stamps the
 * modification time (ftruncate always does on Linux, truncate only when the
 * size changes, which the filesystem handles).
 */
static long set_size(struct vnode *node, int64_t length, bool touch_times)
{
    if (length < 0)
        return -EINVAL;
    if (S_ISDIR(node->type))
        return -EISDIR;
    if (!S_ISREG(node->type))
        return -EINVAL;
    struct vnode_attributes attributes = { .size = (uint64_t)length, .modify_time = time_now() };
    return VNODE_CALL(node, setattr, &attributes,
                      VNODE_SET_SIZE | (touch_times ? VNODE_SET_MODIFY_TIME : 0));
}

long sys_truncate(const uint64_t arguments[6])
{
    if ((int64_t)arguments[1] < 0)
        return -EINVAL;
    struct path_entry *entry;
    long result = user_path_resolve(AT_FDCWD, ARGUMENT_ADDRESS(0), RESOLVE_FOLLOW, &entry);
    if (result < 0)
        return result;
    result = path_check_writable(entry);
    if (result == 0 && S_ISREG(entry->vnode->type)) {
        result = vnode_write_access_get(entry->vnode); /* ETXTBSY: a running image */
        if (result == 0) {
            result = set_size(entry->vnode, (int64_t)arguments[1], false);
            vnode_write_access_put(entry->vnode);
        }
    } else if (result == 0) {
        result = set_size(entry->vnode, (int64_t)arguments[1], false);
    }
    path_put(entry);
    return result;
}

long sys_ftruncate(const uint64_t arguments[6])
{
    struct file *file = syscall_file(ARGUMENT_INT(0));
    if (!file)
        return -EBADF;
    long result;
    if (file->flags & O_PATH)
        result = -EBADF;
    else if (!file->vnode || (file->flags & O_ACCMODE) == O_RDONLY)
        result = -EINVAL;
    else
        result = set_size(file->vnode, (int64_t)arguments[1], true);
    file_put(file);
    return result;
}

/* fsync/fdatasync: hand the node to its filesystem. */
static long synchronise(int fd)
{
    struct file *file = syscall_file(fd);
    if (!file)
        return -EBADF;
    long result = (file->flags & O_PATH) ? -EBADF
                  : (!file->vnode || file_is_pipe(file)) ? -EINVAL
                                                         : VNODE_CALL(file->vnode, fsync);
    file_put(file);
    return result;
}

long sys_fsync(const uint64_t arguments[6]) { return synchronise(ARGUMENT_INT(0)); }

long sys_fdatasync(const uint64_t arguments[6]) { return synchronise(ARGUMENT_INT(0)); }

long sys_sync(const uint64_t arguments[6]) { return 0; /* every filesystem is in memory */ }
