/*
 * path.c — path resolution (Linux namei semantics): absolute and relative
 * paths (cwd or a directory descriptor), "." and "..", mount points in both
 * directions, symlinks (at most SYMLINK_LIMIT per resolution, then -ELOOP),
 * trailing slashes, NAME_MAX and PATH_MAX.
 *
 * The walk is iterative: the path still to resolve sits in one kmalloc'ed
 * buffer; a symlink's target is spliced in front of the rest, so the
 * kernel stack does not grow with the number of links.
 */
#include <rk/errno.h>
#include <rk/gate.h>
#include <rk/heap.h>
#include <rk/path.h>
#include <rk/platform.h>
#include <rk/process.h>
#include <rk/string.h>

#include "vfs_internal.h"

/* ---------------------------------------------------------- entries */

struct path_entry *path_child(struct path_entry *parent, struct vnode *vnode, const char *name,
                              size_t length)
{
    struct path_entry *entry = kmalloc(sizeof *entry + length);
    if (!entry) {
        vnode_put(vnode);
        return NULL;
    }
    entry->references = 1;
    entry->parent = parent;
    if (parent)
        path_get(parent);
    entry->vnode = vnode;
    entry->mount = parent ? parent->mount : NULL;
    entry->name_length = length;
    memcpy(entry->name, name, length);
    return entry;
}

void path_get(struct path_entry *entry)
{
    irq_flags_t flags = platform_irq_save();
    entry->references++;
    platform_irq_restore(flags);
}

void path_put(struct path_entry *entry)
{
    while (entry) {
        irq_flags_t flags = platform_irq_save();
        bool last = --entry->references == 0;
        platform_irq_restore(flags);
        if (!last)
            return;
        struct path_entry *parent = entry->parent;
        vnode_put(entry->vnode);
        kfree(entry);
        entry = parent;
    }
}

long path_format(const struct path_entry *entry, char *buffer, size_t size)
{
    /* Measure, then fill from the end. */
    size_t length = 0;
    for (const struct path_entry *cursor = entry; cursor && cursor->parent; cursor = cursor->parent)
        length += cursor->name_length + 1;
    if (length == 0)
        length = 1; /* "/" */
    if (length + 1 > size)
        return -ERANGE;
    buffer[length] = '\0';
    if (!entry || !entry->parent) {
        buffer[0] = '/';
        return 1;
    }
    size_t position = length;
    for (const struct path_entry *cursor = entry; cursor && cursor->parent; cursor = cursor->parent) {
        position -= cursor->name_length;
        memcpy(buffer + position, cursor->name, cursor->name_length);
        buffer[--position] = '/';
    }
    return (long)length;
}

/* ------------------------------------------------------------- walking */

/* The entry a resolution starts from for path (referenced). */
static int start_entry(struct process *process, int dirfd, const char *path, unsigned flags,
                       struct path_entry **start)
{
    struct path_entry *root = process && process->root ? process->root : vfs_namespace_root();
    if (!root)
        return -ENOENT;
    if (path[0] == '/') {
        path_get(root);
        *start = root;
        return 0;
    }
    if (dirfd == AT_FDCWD) {
        struct path_entry *cwd = process && process->cwd ? process->cwd : root;
        path_get(cwd);
        *start = cwd;
        return 0;
    }
    struct file *file = fd_get(process, dirfd);
    if (!file)
        return -EBADF;
    struct path_entry *entry = file->path;
    if (!entry) {
        file_put(file);
        return path[0] == '\0' ? -EBADF : -ENOTDIR;
    }
    if (path[0] != '\0' && !S_ISDIR(entry->vnode->type)) {
        file_put(file);
        return -ENOTDIR;
    }
    path_get(entry);
    file_put(file);
    *start = entry;
    return 0;
}

/* The parent to climb to for "..": stays at the process root and the namespace root. */
static struct path_entry *climb(struct process *process, struct path_entry *entry)
{
    struct path_entry *root = process && process->root ? process->root : vfs_namespace_root();
    if (entry == root || !entry->parent)
        return entry;
    return entry->parent;
}

/*
 * Look name up in directory entry *current and replace *current with the
 * child (crossing mounts). Returns 0 or -errno; *current unchanged on error.
 */
static int step(struct path_entry **current, const char *name, size_t length)
{
    struct path_entry *directory = *current;
    struct vnode *child = NULL;
    int error = VNODE_CALL(directory->vnode, lookup, name, length, &child);
    if (error < 0)
        return error;
    struct path_entry *entry = path_child(directory, child, name, length);
    if (!entry)
        return -ENOMEM;
    while (entry->vnode->mounted_here) {
        struct mount *mount = entry->vnode->mounted_here;
        vnode_get(mount->root);
        vnode_put(entry->vnode);
        entry->vnode = mount->root;
        entry->mount = mount;
    }
    path_put(directory);
    *current = entry;
    return 0;
}

/*
 * Splice the target of symlink entry link in front of rest inside buffer
 * (capacity PATH_MAX * 2); *current moves to the root for absolute targets.
 * Returns the new remaining path or an error pointer.
 */
static const char *splice_symlink(struct process *process, struct path_entry *link,
                                  struct path_entry **current, char *buffer, const char *rest)
{
    char *target = kmalloc(PATH_MAX);
    if (!target)
        return error_pointer(-ENOMEM);
    long length = VNODE_CALL(link->vnode, readlink, target, PATH_MAX);
    if (length < 0 || length >= PATH_MAX) {
        kfree(target);
        return error_pointer(length < 0 ? length : -ENAMETOOLONG);
    }
    if (length == 0) {
        kfree(target);
        return error_pointer(-ENOENT);
    }
    size_t rest_length = strlen(rest);
    if ((size_t)length + 1 + rest_length + 1 > PATH_MAX * 2) {
        kfree(target);
        return error_pointer(-ENAMETOOLONG);
    }
    /* rest may live inside buffer: move it first. */
    memmove(buffer + length + 1, rest, rest_length + 1);
    memcpy(buffer, target, (size_t)length);
    buffer[length] = rest_length ? '/' : '\0';
    kfree(target);
    if (buffer[0] == '/') {
        struct path_entry *root = process && process->root ? process->root : vfs_namespace_root();
        path_get(root);
        path_put(*current);
        *current = root;
    }
    return buffer;
}

/*
 * The walk: resolve remaining from *current. final_follow tells whether a
 * final symlink is followed. On success *current is the result.
 */
static int walk(struct process *process, struct path_entry **current, const char *path,
                bool final_follow)
{
    char *buffer = kmalloc(PATH_MAX * 2);
    if (!buffer)
        return -ENOMEM;
    size_t path_length = strlen(path);
    memcpy(buffer, path, path_length + 1);
    const char *remaining = buffer;
    unsigned links = 0;
    int error = 0;

    for (;;) {
        while (*remaining == '/')
            remaining++;
        if (*remaining == '\0')
            break;
        const char *end = strchr(remaining, '/');
        size_t length = end ? (size_t)(end - remaining) : strlen(remaining);
        const char *after = remaining + length;
        while (*after == '/')
            after++;
        bool last = *after == '\0';
        bool trailing_slash = last && end != NULL;

        if (!S_ISDIR((*current)->vnode->type)) {
            error = -ENOTDIR;
            break;
        }
        if (length > NAME_MAX) {
            error = -ENAMETOOLONG;
            break;
        }
        if (length == 1 && remaining[0] == '.') {
            remaining = after;
            continue;
        }
        if (length == 2 && remaining[0] == '.' && remaining[1] == '.') {
            struct path_entry *up = climb(process, *current);
            path_get(up);
            path_put(*current);
            *current = up;
            remaining = after;
            continue;
        }
        error = step(current, remaining, length);
        if (error < 0)
            break;
        if (S_ISLNK((*current)->vnode->type) && (!last || final_follow || trailing_slash)) {
            if (++links > SYMLINK_LIMIT) {
                error = -ELOOP;
                break;
            }
            struct path_entry *link = *current;
            *current = link->parent;
            path_get(*current);
            const char *spliced = splice_symlink(process, link, current, buffer,
                                                 trailing_slash ? "/" : after);
            path_put(link);
            if (is_error_pointer(spliced)) {
                error = (int)pointer_error(spliced);
                break;
            }
            remaining = spliced;
            continue;
        }
        if (trailing_slash && !S_ISDIR((*current)->vnode->type)) {
            error = -ENOTDIR;
            break;
        }
        remaining = after;
    }
    kfree(buffer);
    return error;
}

int path_resolve(struct process *process, int dirfd, const char *path, unsigned flags,
                 struct path_entry **result)
{
    size_t length = strnlen(path, PATH_MAX);
    if (length >= PATH_MAX)
        return -ENAMETOOLONG;
    if (length == 0 && !(flags & RESOLVE_EMPTY_PATH))
        return -ENOENT;
    struct path_entry *current;
    int error = start_entry(process, dirfd, path, flags, &current);
    if (error < 0)
        return error;
    bool trailing_slash = length > 0 && path[length - 1] == '/';
    error = walk(process, &current, path, (flags & RESOLVE_FOLLOW) != 0);
    if (error == 0 && (trailing_slash || (flags & RESOLVE_DIRECTORY)) &&
        !S_ISDIR(current->vnode->type))
        error = -ENOTDIR;
    if (error < 0) {
        path_put(current);
        return error;
    }
    *result = current;
    return 0;
}

int path_resolve_parent(struct process *process, int dirfd, const char *path,
                        struct path_entry **parent, const char **name, size_t *length,
                        bool *trailing_slash)
{
    size_t path_length = strnlen(path, PATH_MAX);
    if (path_length >= PATH_MAX)
        return -ENAMETOOLONG;
    if (path_length == 0)
        return -ENOENT;
    size_t end = path_length;
    while (end > 1 && path[end - 1] == '/')
        end--;
    *trailing_slash = end < path_length;
    size_t start = end;
    while (start > 0 && path[start - 1] != '/')
        start--;
    *name = path + start;
    *length = end - start;
    if (*length == 1 && path[start] == '/') { /* the path is "/" (or "///") */
        *length = 0;
        *name = path + end;
    }
    if (*length > NAME_MAX)
        return -ENAMETOOLONG;

    char *directory = kmalloc(start + 2);
    if (!directory)
        return -ENOMEM;
    if (start == 0) {
        directory[0] = '.';
        directory[1] = '\0';
    } else {
        memcpy(directory, path, start);
        directory[start] = '\0';
    }
    struct path_entry *result;
    int error = path_resolve(process, start == 0 ? dirfd : (path[0] == '/' ? AT_FDCWD : dirfd),
                             directory, RESOLVE_FOLLOW | RESOLVE_DIRECTORY, &result);
    kfree(directory);
    if (error < 0)
        return error;
    *parent = result;
    return 0;
}

int path_lookup_child(struct path_entry *parent, const char *name, size_t length,
                      struct path_entry **child)
{
    if (!S_ISDIR(parent->vnode->type))
        return -ENOTDIR;
    if (length == 1 && name[0] == '.') {
        path_get(parent);
        *child = parent;
        return 0;
    }
    if (length == 2 && name[0] == '.' && name[1] == '.') {
        struct path_entry *up = climb(process_current(), parent);
        path_get(up);
        *child = up;
        return 0;
    }
    struct path_entry *current = parent;
    path_get(current);
    int error = step(&current, name, length);
    if (error < 0) {
        path_put(current);
        return error;
    }
    *child = current;
    return 0;
}

struct path_entry *path_root(void)
{
    struct path_entry *root = vfs_namespace_root();
    if (root)
        path_get(root);
    return root;
}
