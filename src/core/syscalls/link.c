/*
 * link.c — unlink(at), link(at), symlink(at), readlink(at), rename(at/at2).
 */
#include <rk/heap.h>
#include <rk/string.h>

#include "syscall_support.h"

/* unlink of (dirfd, path). */
static long remove_name(int dirfd, uintptr_t path_address)
{
    struct parent_name target;
    long result = parent_name_get(dirfd, path_address, &target);
    if (result < 0)
        return result;
    if (target.length == 0 || is_dot_or_dot_dot(target.name, target.length)) {
        result = -EISDIR;
    } else if (target.trailing_slash) {
        struct path_entry *child;
        result = path_lookup_child(target.parent, target.name, target.length, &child);
        if (result == 0) {
            result = S_ISDIR(child->vnode->type) ? -EISDIR : -ENOTDIR;
            path_put(child);
        }
    } else if ((result = path_check_writable(target.parent)) == 0) {
        result = VNODE_CALL(target.parent->vnode, unlink, target.name, target.length);
    }
    parent_name_put(&target);
    return result;
}

long sys_unlink(const uint64_t arguments[6]) { return remove_name(AT_FDCWD, ARGUMENT_ADDRESS(0)); }

long sys_unlinkat(const uint64_t arguments[6])
{
    unsigned flags = ARGUMENT_UNSIGNED(2);
    if (flags & ~(unsigned)AT_REMOVEDIR)
        return -EINVAL;
    if (flags & AT_REMOVEDIR)
        return vfs_remove_directory(ARGUMENT_INT(0), ARGUMENT_ADDRESS(1));
    return remove_name(ARGUMENT_INT(0), ARGUMENT_ADDRESS(1));
}

/* linkat(old_dirfd, old_path, new_dirfd, new_path, flags). */
static long make_link(int old_dirfd, uintptr_t old_address, int new_dirfd, uintptr_t new_address,
                      unsigned flags)
{
    if (flags & ~(unsigned)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    char *old_path = user_path_copy(old_address);
    if (is_error_pointer(old_path))
        return pointer_error(old_path);
    struct path_entry *existing;
    unsigned resolve = (flags & AT_SYMLINK_FOLLOW) ? RESOLVE_FOLLOW : 0;
    if (flags & AT_EMPTY_PATH)
        resolve |= RESOLVE_EMPTY_PATH;
    long result = path_resolve(process_current(), old_dirfd, old_path, resolve, &existing);
    kfree(old_path);
    if (result < 0)
        return result;
    struct parent_name target;
    result = parent_name_get(new_dirfd, new_address, &target);
    if (result < 0) {
        path_put(existing);
        return result;
    }
    if (S_ISDIR(existing->vnode->type))
        result = -EPERM;
    else if (target.length == 0 || is_dot_or_dot_dot(target.name, target.length))
        result = -EEXIST;
    else if (target.trailing_slash)
        result = -ENOENT;
    else if (existing->vnode->superblock != target.parent->vnode->superblock)
        result = -EXDEV;
    else if ((result = path_check_writable(target.parent)) == 0)
        result = VNODE_CALL(target.parent->vnode, link, target.name, target.length, existing->vnode);
    parent_name_put(&target);
    path_put(existing);
    return result;
}

long sys_link(const uint64_t arguments[6])
{
    return make_link(AT_FDCWD, ARGUMENT_ADDRESS(0), AT_FDCWD, ARGUMENT_ADDRESS(1), 0);
}

long sys_linkat(const uint64_t arguments[6])
{
    return make_link(ARGUMENT_INT(0), ARGUMENT_ADDRESS(1), ARGUMENT_INT(2), ARGUMENT_ADDRESS(3),
                     ARGUMENT_UNSIGNED(4));
}

/* symlinkat(target, new_dirfd, new_path). */
static long make_symlink(uintptr_t target_address, int dirfd, uintptr_t path_address)
{
    char *link_target = user_path_copy(target_address);
    if (is_error_pointer(link_target))
        return pointer_error(link_target);
    long result = 0;
    if (link_target[0] == '\0')
        result = -ENOENT;
    struct parent_name target;
    if (result == 0)
        result = parent_name_get(dirfd, path_address, &target);
    if (result < 0) {
        kfree(link_target);
        return result;
    }
    if (target.length == 0 || is_dot_or_dot_dot(target.name, target.length)) {
        result = -EEXIST;
    } else if (target.trailing_slash) {
        struct path_entry *existing;
        result = path_lookup_child(target.parent, target.name, target.length, &existing);
        if (result == 0) {
            path_put(existing);
            result = -EEXIST;
        }
    } else if ((result = path_check_writable(target.parent)) == 0) {
        struct vnode *node = NULL;
        result = VNODE_CALL(target.parent->vnode, symlink, target.name, target.length, link_target,
                            &node);
        if (result == 0)
            vnode_put(node);
    }
    parent_name_put(&target);
    kfree(link_target);
    return result;
}

long sys_symlink(const uint64_t arguments[6])
{
    return make_symlink(ARGUMENT_ADDRESS(0), AT_FDCWD, ARGUMENT_ADDRESS(1));
}

long sys_symlinkat(const uint64_t arguments[6])
{
    return make_symlink(ARGUMENT_ADDRESS(0), ARGUMENT_INT(1), ARGUMENT_ADDRESS(2));
}

/* readlinkat(dirfd, path, buffer, size): no NUL appended, truncated to size. */
static long read_link(int dirfd, uintptr_t path_address, uintptr_t buffer, long size)
{
    if (size <= 0)
        return -EINVAL;
    char *path = user_path_copy(path_address);
    if (is_error_pointer(path))
        return pointer_error(path);
    struct path_entry *entry;
    long result;
    if (path[0] == '\0' && dirfd != AT_FDCWD) {
        /* An empty path reads the link dirfd itself names (an O_PATH|O_NOFOLLOW descriptor). */
        struct file *file = syscall_file(dirfd);
        result = !file ? -EBADF : (file->path && S_ISLNK(file->path->vnode->type)) ? 0 : -ENOENT;
        if (result == 0) {
            entry = file->path;
            path_get(entry);
        }
        if (file)
            file_put(file);
    } else {
        result = path_resolve(process_current(), dirfd, path, 0, &entry);
    }
    kfree(path);
    if (result < 0)
        return result;
    if (!S_ISLNK(entry->vnode->type)) {
        path_put(entry);
        return -EINVAL;
    }
    char *text = kmalloc(PATH_MAX);
    if (!text) {
        path_put(entry);
        return -ENOMEM;
    }
    result = VNODE_CALL(entry->vnode, readlink, text, PATH_MAX);
    path_put(entry);
    if (result >= 0) {
        size_t copy = (size_t)result < (size_t)size ? (size_t)result : (size_t)size;
        if (copy > PATH_MAX)
            copy = PATH_MAX;
        result = copy_to_user(buffer, text, copy) < 0 ? -EFAULT : (long)copy;
    }
    kfree(text);
    return result;
}

long sys_readlink(const uint64_t arguments[6])
{
    return read_link(AT_FDCWD, ARGUMENT_ADDRESS(0), ARGUMENT_ADDRESS(1), (long)arguments[2]);
}

long sys_readlinkat(const uint64_t arguments[6])
{
    return read_link(ARGUMENT_INT(0), ARGUMENT_ADDRESS(1), ARGUMENT_ADDRESS(2), (long)arguments[3]);
}

/* renameat2(old_dirfd, old_path, new_dirfd, new_path, flags). */
static long rename_entry(int old_dirfd, uintptr_t old_address, int new_dirfd, uintptr_t new_address,
                         unsigned flags)
{
    if (flags & ~(unsigned)(RENAME_NOREPLACE | RENAME_EXCHANGE))
        return -EINVAL;
    if ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE))
        return -EINVAL;
    struct parent_name from, to;
    long result = parent_name_get(old_dirfd, old_address, &from);
    if (result < 0)
        return result;
    result = parent_name_get(new_dirfd, new_address, &to);
    if (result < 0) {
        parent_name_put(&from);
        return result;
    }
    if (from.length == 0 || to.length == 0)
        result = -EBUSY;
    else if (is_dot_or_dot_dot(from.name, from.length))
        result = -EBUSY;
    else if (is_dot_or_dot_dot(to.name, to.length))
        result = (flags & RENAME_NOREPLACE) ? -EEXIST : -EBUSY;
    else if (from.parent->vnode->superblock != to.parent->vnode->superblock)
        result = -EXDEV;
    bool source_is_directory = false;
    struct path_entry *source = NULL, *target = NULL;
    if (result == 0) {
        /* The source must exist; trailing slashes demand directories. */
        result = path_lookup_child(from.parent, from.name, from.length, &source);
        if (result == 0) {
            source_is_directory = S_ISDIR(source->vnode->type);
            if ((from.trailing_slash || to.trailing_slash) && !source_is_directory)
                result = -ENOTDIR;
            else if (source->mount && source->vnode == source->mount->root)
                result = -EBUSY;
        }
    }
    if (result == 0 && path_lookup_child(to.parent, to.name, to.length, &target) == 0) {
        /* Type mismatches come first, then a mount point cannot be replaced or exchanged. */
        bool target_is_directory = S_ISDIR(target->vnode->type);
        if ((flags & RENAME_EXCHANGE) && to.trailing_slash && !target_is_directory)
            result = -ENOTDIR;   /* Linux: an exchanged non-directory takes no trailing slash */
        else if (!(flags & RENAME_EXCHANGE) && !(flags & RENAME_NOREPLACE) &&
                 source_is_directory != target_is_directory)
            result = source_is_directory ? -ENOTDIR : -EISDIR;
        else if (target->mount && target->vnode == target->mount->root)
            result = -EBUSY;
    }
    if (result == 0)
        result = path_check_writable(from.parent);
    if (result == 0)
        result = VNODE_CALL(from.parent->vnode, rename, from.name, from.length, to.parent->vnode,
                            to.name, to.length, flags);
    /* Two names of one node: nothing moved (rename(2) does nothing then). */
    if (result == 0 && !(target && target->vnode == source->vnode))
        path_note_rename(from.parent, from.name, from.length, source->vnode, to.parent, to.name,
                         to.length, (flags & RENAME_EXCHANGE) && target ? target->vnode : NULL);
    if (target)
        path_put(target);
    if (source)
        path_put(source);
    parent_name_put(&to);
    parent_name_put(&from);
    return result;
}

long sys_rename(const uint64_t arguments[6])
{
    return rename_entry(AT_FDCWD, ARGUMENT_ADDRESS(0), AT_FDCWD, ARGUMENT_ADDRESS(1), 0);
}

long sys_renameat(const uint64_t arguments[6])
{
    return rename_entry(ARGUMENT_INT(0), ARGUMENT_ADDRESS(1), ARGUMENT_INT(2), ARGUMENT_ADDRESS(3), 0);
}

long sys_renameat2(const uint64_t arguments[6])
{
    return rename_entry(ARGUMENT_INT(0), ARGUMENT_ADDRESS(1), ARGUMENT_INT(2), ARGUMENT_ADDRESS(3),
                        ARGUMENT_UNSIGNED(4));
}
