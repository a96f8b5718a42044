/*
 * attribute_target.c — resolving what chown and utimensat change (see
 * attribute_target.h).
 */
#include <rk/heap.h>

#include "attribute_target.h"

long attribute_target_path(int dirfd, uintptr_t path_address, unsigned at_flags,
                           struct attribute_target *target)
{
    *target = (struct attribute_target){ 0 };
    char *path = user_path_copy(path_address);
    if (is_error_pointer(path))
        return pointer_error(path);
    long result;
    if (path[0] == '\0' && (at_flags & AT_EMPTY_PATH) && dirfd != AT_FDCWD) {
        target->file = syscall_file(dirfd);
        result = target->file ? 0 : -EBADF;
    } else {
        unsigned resolve = (at_flags & AT_SYMLINK_NOFOLLOW) ? 0 : RESOLVE_FOLLOW;
        if (at_flags & AT_EMPTY_PATH)
            resolve |= RESOLVE_EMPTY_PATH;
        result = path_resolve_or_file(process_current(), dirfd, path, resolve, &target->entry,
                                      &target->file);
    }
    kfree(path);
    return result;
}

long attribute_target_descriptor(int fd, struct attribute_target *target)
{
    *target = (struct attribute_target){ 0 };
    struct file *file = syscall_file(fd);
    if (!file)
        return -EBADF;
    if (file->flags & O_PATH) {
        file_put(file);
        return -EBADF;
    }
    target->file = file;
    return 0;
}

struct vnode *attribute_target_vnode(const struct attribute_target *target)
{
    return target->entry ? target->entry->vnode : target->file ? target->file->vnode : NULL;
}

long attribute_target_set(const struct attribute_target *target,
                          const struct vnode_attributes *attributes, unsigned mask)
{
    const struct path_entry *entry = target->entry ? target->entry
                                     : target->file ? target->file->path : NULL;
    if (entry) {
        int error = path_check_writable(entry);
        if (error < 0)
            return error;
    }
    struct vnode *node = attribute_target_vnode(target);
    if (!node)
        return 0;
    return VNODE_CALL(node, setattr, attributes, mask);
}

void attribute_target_put(struct attribute_target *target)
{
    if (target->entry)
        path_put(target->entry);
    file_put(target->file); /* NULL is fine */
    *target = (struct attribute_target){ 0 };
}
