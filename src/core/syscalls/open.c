/*
 * open.c — open, openat, creat, close.
 */
#include <rk/heap.h>
#include <rk/pipe.h>
#include <rk/string.h>

#include "syscall_support.h"

#define OPEN_KNOWN_FLAGS                                                                     \
    (O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK | O_DSYNC |   \
     O_DIRECT | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_SYNC |    \
     O_PATH | O_TMPFILE)

#define OPEN_FOLLOW_LINK 1   /* open_or_create_step: the final component is a symlink to follow */

/*
 * One step of open with O_CREAT: find or create the final component of
 * path, relative to start (NULL: dirfd). Returns 0 with a referenced
 * *result (or *reopened), a negative errno, or OPEN_FOLLOW_LINK when the
 * final component is a symlink to follow: its text is in link (PATH_MAX
 * bytes, NUL-terminated) and *link_parent (referenced) is the directory
 * it is relative to. Symlinks followed on the way count in *links.
 */
static int open_or_create_step(struct process *process, int dirfd, struct path_entry *start,
                               const char *path, unsigned flags, uint32_t mode,
                               struct path_entry **result, struct file **reopened, char *link,
                               struct path_entry **link_parent, unsigned *links)
{
    struct path_entry *parent;
    const char *name;
    size_t length;
    bool trailing_slash;
    int error = path_resolve_parent_counted(process, start ? AT_FDCWD : dirfd, start, path, links,
                                            &parent, &name, &length, &trailing_slash);
    if (error < 0)
        return error;
    if (length == 0 || trailing_slash || is_dot_or_dot_dot(name, length)) {
        path_put(parent);
        return -EISDIR;
    }
    struct path_entry *child;
    error = path_lookup_child(parent, name, length, &child);
    if (error == -ENOENT) {
        struct vnode *node = NULL;
        uint32_t create_mode = S_IFREG | (mode & ~process->umask & S_IALLUGO);
        error = path_check_writable(parent);
        if (error == 0)
            error = VNODE_CALL(parent->vnode, create, name, length, create_mode, 0, &node);
        if (error == 0) {
            child = path_child(parent, node, name, length);
            error = child ? 0 : -ENOMEM;
        }
        path_put(parent);
        if (error == 0)
            *result = child;
        return error;
    }
    if (error < 0) {
        path_put(parent);
        return error;
    }
    if (flags & O_EXCL) {
        path_put(child);
        path_put(parent);
        return -EEXIST;
    }
    struct file *jump_file = NULL;
    if (S_ISLNK(child->vnode->type) && !(flags & O_NOFOLLOW) &&
        VNODE_CALL(child->vnode, jump, &jump_file) == 0) {
        /* A magic link (/proc/self/fd/N, /dev/stderr): the description's own file. */
        struct path_entry *target = jump_file->path;
        path_put(child);
        path_put(parent);
        if (!target) {
            /* A pipe: a new description on it (sockets cannot be reopened yet). */
            error = pipe_reopen(jump_file, flags, reopened);
            file_put(jump_file);
            *result = NULL;
            return error;
        }
        path_get(target);
        file_put(jump_file);
        *result = target;
        return 0;
    }
    if (S_ISLNK(child->vnode->type)) {
        if (flags & O_NOFOLLOW) {
            error = -ELOOP;
        } else {
            long link_length = VNODE_CALL(child->vnode, readlink, link, PATH_MAX - 1);
            if (link_length >= 0 && link_length < PATH_MAX - 1) {
                link[link_length] = '\0';
                *link_parent = parent;
                path_put(child);
                return OPEN_FOLLOW_LINK;
            }
            error = link_length < 0 ? (int)link_length : -ENAMETOOLONG;
        }
        path_put(child);
        path_put(parent);
        return error;
    }
    path_put(parent);
    if (S_ISDIR(child->vnode->type)) {
        path_put(child);
        return -EISDIR;
    }
    *result = child;
    return 0;
}

/*
 * Resolve path for open with O_CREAT: find or create the final component.
 * A final symlink whose target does not exist creates the target, as Linux
 * does (at most SYMLINK_LIMIT links in the whole open, those inside the
 * paths included, then ELOOP). Iterative: a chain of links costs no kernel
 * stack. Returns 0 and a referenced *result (or a new description in
 * *reopened), or a negative errno.
 */
static int open_or_create(struct process *process, int dirfd, const char *path, unsigned flags,
                          uint32_t mode, struct path_entry **result, struct file **reopened)
{
    /* One buffer for the link texts: a step reads the next one only after it is done with path. */
    char *link = kmalloc(PATH_MAX);
    if (!link)
        return -ENOMEM;
    struct path_entry *start = NULL;   /* referenced: the directory the followed link is relative to */
    int error;
    unsigned links = 0;
    for (;;) {
        struct path_entry *link_parent = NULL;
        error = open_or_create_step(process, dirfd, start, path, flags, mode, result, reopened, link,
                                    &link_parent, &links);
        if (error != OPEN_FOLLOW_LINK)
            break;
        if (start)
            path_put(start);
        start = link_parent;
        if (++links > SYMLINK_LIMIT) {
            error = -ELOOP;
            break;
        }
        path = link;
    }
    if (start)
        path_put(start);
    kfree(link);
    return error;
}

/* The common open: path in kernel memory. Returns a descriptor or -errno. */
static long do_open(int dirfd, const char *path, unsigned flags, uint32_t mode)
{
    struct process *process = process_current();
    if (!process)
        return -EBADF;
    if (flags & ~(unsigned)OPEN_KNOWN_FLAGS)
        flags &= OPEN_KNOWN_FLAGS; /* Linux ignores unknown open flags */
    if ((flags & O_TMPFILE) == O_TMPFILE)
        return -EOPNOTSUPP;
    if ((flags & O_CREAT) && (flags & O_DIRECTORY))
        return -EINVAL;
    struct path_entry *entry;
    struct file *reopened = NULL;
    int error;
    if ((flags & O_CREAT) && !(flags & O_PATH)) {
        error = open_or_create(process, dirfd, path, flags, mode, &entry, &reopened);
    } else {
        unsigned resolve = (flags & O_NOFOLLOW) ? 0 : RESOLVE_FOLLOW;
        if (flags & O_DIRECTORY)
            resolve |= RESOLVE_DIRECTORY;
        struct file *jumped = NULL;
        error = path_resolve_or_file(process, dirfd, path, resolve, &entry, &jumped);
        if (error == 0 && jumped) {
            /* /proc/self/fd/N of a pipe: a new description on that pipe. */
            error = (flags & O_PATH) || (flags & O_DIRECTORY) ? -ENXIO
                                                              : pipe_reopen(jumped, flags, &reopened);
            file_put(jumped);
            if (error < 0)
                return error;
        }
        if (error == 0 && !reopened && (flags & O_NOFOLLOW) && !(flags & O_PATH) &&
            S_ISLNK(entry->vnode->type)) {
            path_put(entry);
            error = -ELOOP;
        }
    }
    if (error < 0)
        return error;
    if (reopened) {
        int fd = fd_install(process, reopened, 0, (flags & O_CLOEXEC) != 0);
        if (fd < 0)
            file_put(reopened);
        return fd;
    }
    if ((flags & O_DIRECTORY) && !S_ISDIR(entry->vnode->type)) {
        path_put(entry);
        return -ENOTDIR;
    }
    unsigned access = flags & O_ACCMODE;
    bool writes = access == O_WRONLY || access == O_RDWR || (flags & O_TRUNC);
    bool on_filesystem = S_ISREG(entry->vnode->type) || S_ISDIR(entry->vnode->type);
    if (writes && !(flags & O_PATH) && on_filesystem && (error = path_check_writable(entry)) < 0) {
        path_put(entry);
        return error;
    }
    if ((flags & O_TRUNC) && !(flags & O_PATH) && S_ISREG(entry->vnode->type)) {
        /* Like Linux's O_TRUNC: the times change even when the file was empty. */
        struct vnode_attributes attributes = { .size = 0, .modify_time = time_now() };
        error = vnode_write_access_get(entry->vnode); /* ETXTBSY: a running image */
        if (error == 0) {
            error = VNODE_CALL(entry->vnode, setattr, &attributes, VNODE_SET_SIZE | VNODE_SET_MODIFY_TIME);
            vnode_write_access_put(entry->vnode);
        }
        if (error < 0) {
            path_put(entry);
            return error;
        }
    }
    struct file *file;
    error = vfs_open_entry(entry, flags | O_LARGEFILE, &file); /* 64-bit: always large files */
    path_put(entry);
    if (error < 0)
        return error;
    int fd = fd_install(process, file, 0, (flags & O_CLOEXEC) != 0);
    if (fd < 0)
        file_put(file);
    return fd;
}

/* Copy the user path and open it. */
static long open_user_path(int dirfd, uintptr_t path_address, unsigned flags, uint32_t mode)
{
    char *path = user_path_copy(path_address);
    if (is_error_pointer(path))
        return pointer_error(path);
    long result = do_open(dirfd, path, flags, mode);
    kfree(path);
    return result;
}

long sys_open(const uint64_t arguments[6])
{
    return open_user_path(AT_FDCWD, ARGUMENT_ADDRESS(0), ARGUMENT_UNSIGNED(1), ARGUMENT_UNSIGNED(2));
}

long sys_openat(const uint64_t arguments[6])
{
    return open_user_path(ARGUMENT_INT(0), ARGUMENT_ADDRESS(1), ARGUMENT_UNSIGNED(2),
                          ARGUMENT_UNSIGNED(3));
}

long sys_creat(const uint64_t arguments[6])
{
    return open_user_path(AT_FDCWD, ARGUMENT_ADDRESS(0), O_CREAT | O_WRONLY | O_TRUNC,
                          ARGUMENT_UNSIGNED(1));
}

long sys_close(const uint64_t arguments[6])
{
    struct process *process = process_current();
    if (!process)
        return -EBADF;
    return fd_close(process, ARGUMENT_INT(0));
}
