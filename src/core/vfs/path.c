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
#include <rk/file.h>
#include <rk/string.h>

#include "vfs_internal.h"

/* ---------------------------------------------------------- entries */

static struct list_node live_entries = LIST_HEAD_INIT(live_entries);

void path_entries_reset(void) { list_init(&live_entries); }

struct path_entry *path_child(struct path_entry *parent, struct vnode *vnode, const char *name,
                              size_t length)
{
    struct path_entry *entry = kmalloc(sizeof *entry);
    char *copy = kmalloc(length ? length : 1);
    if (!entry || !copy) {
        kfree(entry);
        kfree(copy);
        vnode_put(vnode);
        return NULL;
    }
    entry->name = copy;
    list_push_back(&live_entries, &entry->live_link);
    entry->references = 1;
    entry->parent = parent;
    if (parent)
        path_get(parent);
    entry->vnode = vnode;
    superblock_get(vnode->superblock); /* pins the instance whose memory vnode is */
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
        struct mount *mount = entry->mount;
        bool detached_root = mount && mount->detached && entry->vnode == mount->root;
        list_remove(&entry->live_link);
        struct superblock *superblock = entry->vnode->superblock;
        vnode_put(entry->vnode);
        superblock_put(superblock); /* after: the vnode's memory may be its dead instance's */
        kfree(entry->name);
        kfree(entry);
        if (detached_root)
            mount_release_if_unused(mount);
        entry = parent;
    }
}

/* True when entry is called (name, length) inside a directory on vnode directory. */
static bool entry_is_named(const struct path_entry *entry, const struct vnode *directory,
                           const char *name, size_t length)
{
    return entry->parent && entry->parent->vnode == directory && entry->name_length == length &&
           memcmp(entry->name, name, length) == 0;
}

/* Give entry a new parent entry and name (best effort: on ENOMEM the old name stays). */
static void entry_rename(struct path_entry *entry, struct path_entry *parent, const char *name,
                         size_t length)
{
    char *copy = kmalloc(length);
    if (!copy)
        return;
    memcpy(copy, name, length);
    kfree(entry->name);
    entry->name = copy;
    entry->name_length = length;
    if (entry->parent != parent) {
        path_get(parent);
        path_put(entry->parent);
        entry->parent = parent;
    }
}

void path_note_rename(struct path_entry *old_parent, const char *old_name, size_t old_length,
                      struct vnode *moved, struct path_entry *new_parent, const char *new_name,
                      size_t new_length, struct vnode *exchanged)
{
    /* Collect first: renaming may free entries (path_put on old parents). */
    struct list_node moving = LIST_HEAD_INIT(moving), swapped = LIST_HEAD_INIT(swapped);
    list_for_each_safe(node, &live_entries) {
        struct path_entry *entry = list_entry(node, struct path_entry, live_link);
        if (entry->vnode == moved && entry_is_named(entry, old_parent->vnode, old_name, old_length)) {
            list_remove(node);
            list_push_back(&moving, node);
            path_get(entry);
        } else if (exchanged && entry->vnode == exchanged &&
                   entry_is_named(entry, new_parent->vnode, new_name, new_length)) {
            list_remove(node);
            list_push_back(&swapped, node);
            path_get(entry);
        }
    }
    struct list_node *node;
    while ((node = list_pop_front(&moving)) != NULL) {
        struct path_entry *entry = list_entry(node, struct path_entry, live_link);
        list_push_back(&live_entries, node);
        entry_rename(entry, new_parent, new_name, new_length);
        path_put(entry);
    }
    while ((node = list_pop_front(&swapped)) != NULL) {
        struct path_entry *entry = list_entry(node, struct path_entry, live_link);
        list_push_back(&live_entries, node);
        entry_rename(entry, old_parent, old_name, old_length);
        path_put(entry);
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
        struct superblock *covered = entry->vnode->superblock;
        vnode_get(mount->root);
        superblock_get(mount->root->superblock);
        vnode_put(entry->vnode);
        superblock_put(covered);
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
 * final symlink is followed. On success *current is the result. Symlinks
 * followed are counted in *link_count (in and out; NULL: this walk alone).
 */
static int walk(struct process *process, struct path_entry **current, const char *path,
                bool final_follow, struct file **jumped, unsigned *link_count)
{
    char *buffer = kmalloc(PATH_MAX * 2);
    if (!buffer)
        return -ENOMEM;
    size_t path_length = strlen(path);
    memcpy(buffer, path, path_length + 1);
    const char *remaining = buffer;
    unsigned own_links = 0;
    unsigned *links = link_count ? link_count : &own_links;
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
            if (++*links > SYMLINK_LIMIT) {
                error = -ELOOP;
                break;
            }
            struct vnode *link_node = (*current)->vnode;
            struct file *jump_file = NULL;
            if (link_node->ops->jump && VNODE_CALL(link_node, jump, &jump_file) == 0) {
                /* A magic link: continue where the description points. */
                struct path_entry *target = jump_file->path;
                if (target)
                    path_get(target);
                if (!target && jumped && last && !trailing_slash) {
                    /* The final link names a pathless file (a pipe): hand it back. */
                    *jumped = jump_file;
                    break;
                }
                file_put(jump_file);
                if (!target) {
                    /* A pipe is not a directory; callers without pathless support get ENXIO. */
                    error = (!last || trailing_slash) ? -ENOTDIR : -ENXIO;
                    break;
                }
                path_put(*current);
                *current = target;
                if (trailing_slash && !S_ISDIR(target->vnode->type)) {
                    error = -ENOTDIR;
                    break;
                }
                remaining = after;
                continue;
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

/*
 * path_resolve with an explicit start entry for relative paths (NULL: use
 * dirfd). When jumped is not NULL, a final magic link to a pathless file
 * gives 0 with *result NULL and *jumped the file (referenced). link_count
 * as walk's.
 */
static int resolve_from_or_file(struct process *process, int dirfd, struct path_entry *start,
                                const char *path, unsigned flags, struct path_entry **result,
                                struct file **jumped, unsigned *link_count)
{
    size_t length = strnlen(path, PATH_MAX);
    if (length >= PATH_MAX)
        return -ENAMETOOLONG;
    if (length == 0 && !(flags & RESOLVE_EMPTY_PATH))
        return -ENOENT;
    struct path_entry *current;
    int error = 0;
    if (start && path[0] != '/') {
        path_get(start);
        current = start;
    } else {
        error = start_entry(process, dirfd, path, flags, &current);
    }
    if (error < 0)
        return error;
    bool trailing_slash = length > 0 && path[length - 1] == '/';
    if (jumped)
        *jumped = NULL;
    error = walk(process, &current, path, (flags & RESOLVE_FOLLOW) != 0, jumped, link_count);
    if (error == 0 && jumped && *jumped) {
        path_put(current);
        *result = NULL;
        return 0;
    }
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

/* resolve_from_or_file without the pathless-file case. */
static int resolve_from(struct process *process, int dirfd, struct path_entry *start,
                        const char *path, unsigned flags, struct path_entry **result)
{
    return resolve_from_or_file(process, dirfd, start, path, flags, result, NULL, NULL);
}

int path_resolve(struct process *process, int dirfd, const char *path, unsigned flags,
                 struct path_entry **result)
{
    return resolve_from(process, dirfd, NULL, path, flags, result);
}

int path_resolve_or_file(struct process *process, int dirfd, const char *path, unsigned flags,
                         struct path_entry **result, struct file **file)
{
    return resolve_from_or_file(process, dirfd, NULL, path, flags, result, file, NULL);
}

int path_resolve_at(struct process *process, struct path_entry *start, const char *path,
                    unsigned flags, struct path_entry **result)
{
    return resolve_from(process, AT_FDCWD, start, path, flags, result);
}

/* path_resolve_parent with an optional start entry for relative paths; link_count as walk's. */
static int resolve_parent_from(struct process *process, int dirfd,
                               struct path_entry *start_entry_override, const char *path,
                               unsigned *link_count, struct path_entry **parent, const char **name,
                               size_t *length, bool *trailing_slash)
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
    *length = end - start; /* 0 when the path is "/" (or "///") */

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
    int error = resolve_from_or_file(process, dirfd, start_entry_override, directory,
                                     RESOLVE_FOLLOW | RESOLVE_DIRECTORY, &result, NULL, link_count);
    kfree(directory);
    if (error < 0)
        return error;
    if (*length > NAME_MAX) { /* Linux finds a missing parent first */
        path_put(result);
        return -ENAMETOOLONG;
    }
    *parent = result;
    return 0;
}

int path_resolve_parent(struct process *process, int dirfd, const char *path,
                        struct path_entry **parent, const char **name, size_t *length,
                        bool *trailing_slash)
{
    return resolve_parent_from(process, dirfd, NULL, path, NULL, parent, name, length,
                               trailing_slash);
}

int path_resolve_parent_at(struct process *process, struct path_entry *start, const char *path,
                           struct path_entry **parent, const char **name, size_t *length,
                           bool *trailing_slash)
{
    return resolve_parent_from(process, AT_FDCWD, start, path, NULL, parent, name, length,
                               trailing_slash);
}

int path_resolve_parent_counted(struct process *process, int dirfd, struct path_entry *start,
                                const char *path, unsigned *link_count,
                                struct path_entry **parent, const char **name, size_t *length,
                                bool *trailing_slash)
{
    return resolve_parent_from(process, dirfd, start, path, link_count, parent, name, length,
                               trailing_slash);
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
