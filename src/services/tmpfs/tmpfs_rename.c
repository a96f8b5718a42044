/*
 * tmpfs_rename.c — rename and renameat2 (RENAME_NOREPLACE, RENAME_EXCHANGE)
 * on tmpfs, with Linux's checks in Linux's order (fs/namei.c do_renameat2
 * and vfs_rename, mm/shmem.c shmem_rename2):
 *
 *   bad flags                               -EINVAL
 *   no old entry                            -ENOENT
 *   new entry exists and RENAME_NOREPLACE   -EEXIST
 *   no new entry and RENAME_EXCHANGE        -ENOENT
 *   old directory into its own subtree      -EINVAL
 *   new entry an ancestor of the old one    -ENOTEMPTY (-EINVAL when exchanging)
 *   both names are the same node            0, nothing changes
 *   directory over non-directory            -ENOTDIR
 *   non-directory over directory            -EISDIR
 *   directory over non-empty directory      -ENOTEMPTY
 *
 * Locking: none (see tmpfs_internal.h).
 */
#include <rk/errno.h>
#include <rk/heap.h>

#include "tmpfs_internal.h"

/* True when ancestor is directory or one of its ancestors (by parent pointers). */
static bool is_in_subtree(const struct tmpfs_node *ancestor, struct tmpfs_node *directory)
{
    for (struct tmpfs_node *current = directory;; current = current->directory.parent) {
        if (current == ancestor)
            return true;
        if (current->directory.parent == current)
            return false;
    }
}

/*
 * Swap the nodes named by old_entry (in old_directory) and new_entry (in
 * new_directory), keeping parent pointers and directory link counts right.
 * Cannot fail.
 */
static void exchange_entries(struct tmpfs_node *old_directory, struct tmpfs_entry *old_entry,
                             struct tmpfs_node *new_directory, struct tmpfs_entry *new_entry)
{
    struct tmpfs_node *source = old_entry->node;
    struct tmpfs_node *target = new_entry->node;
    old_entry->node = target;
    new_entry->node = source;
    if (old_directory != new_directory) {
        bool source_is_directory = tmpfs_is_directory(source);
        bool target_is_directory = tmpfs_is_directory(target);
        if (source_is_directory)
            source->directory.parent = new_directory;
        if (target_is_directory)
            target->directory.parent = old_directory;
        if (source_is_directory && !target_is_directory) {
            old_directory->link_count--;
            new_directory->link_count++;
        } else if (target_is_directory && !source_is_directory) {
            new_directory->link_count--;
            old_directory->link_count++;
        }
    }
    tmpfs_touch(source, false, false, true);
    tmpfs_touch(target, false, false, true);
}

/*
 * Move old_entry (in old_directory) to new_directory under (new_name,
 * new_length), replacing new_entry's node when new_entry is not NULL (the
 * checks are done). Returns 0, or -ENOMEM with nothing changed.
 */
static int move_entry(struct tmpfs_node *old_directory, struct tmpfs_entry *old_entry,
                      struct tmpfs_node *new_directory, struct tmpfs_entry *new_entry,
                      const char *new_name, size_t new_length)
{
    struct tmpfs_node *source = old_entry->node;
    struct tmpfs_node *target = new_entry ? new_entry->node : NULL;
    struct tmpfs_entry *moved = NULL;
    if (!target) {
        moved = tmpfs_entry_new(new_name, new_length, source);
        if (!moved)
            return -ENOMEM;
    }

    tmpfs_directory_remove(old_directory, old_entry);
    kfree(old_entry);
    if (target) {
        /* The replaced name keeps its place (and readdir cookie). */
        new_entry->node = source;
        if (tmpfs_is_directory(target)) {
            target->link_count = 0;
            target->directory.parent = target;
            new_directory->link_count--;
        } else {
            target->link_count--;
        }
        tmpfs_touch(target, false, false, true);
    } else {
        tmpfs_directory_insert(new_directory, moved);
    }
    if (tmpfs_is_directory(source) && old_directory != new_directory) {
        old_directory->link_count--;
        new_directory->link_count++;
        source->directory.parent = new_directory;
    }
    tmpfs_touch(source, false, false, true);
    if (target)
        tmpfs_node_unlinked(target);
    return 0;
}

/*
 * ops->rename: move (old_name, old_length) in old_directory to (new_name,
 * new_length) in new_directory as rename(2) / renameat2(2) do, with the
 * errors listed at the top of this file, plus -EXDEV (other instance),
 * -ENOENT (new directory removed), -EMLINK and -ENOMEM. On any error
 * nothing has changed.
 */
int tmpfs_rename(struct vnode *old_directory_vnode, const char *old_name, size_t old_length,
                 struct vnode *new_directory_vnode, const char *new_name, size_t new_length,
                 unsigned flags)
{
    if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE))
        return -EINVAL;
    if ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE))
        return -EINVAL;
    if (old_directory_vnode->superblock != new_directory_vnode->superblock)
        return -EXDEV;
    int error = tmpfs_check_name(old_name, old_length);
    if (error == 0)
        error = tmpfs_check_name(new_name, new_length);
    if (error < 0)
        return error;
    struct tmpfs_node *old_directory = tmpfs_node_of(old_directory_vnode);
    struct tmpfs_node *new_directory = tmpfs_node_of(new_directory_vnode);

    struct tmpfs_entry *old_entry = tmpfs_directory_find(old_directory, old_name, old_length);
    if (!old_entry)
        return -ENOENT;
    struct tmpfs_entry *new_entry = tmpfs_directory_find(new_directory, new_name, new_length);
    if ((flags & RENAME_NOREPLACE) && new_entry)
        return -EEXIST;
    if ((flags & RENAME_EXCHANGE) && !new_entry)
        return -ENOENT;
    if (new_directory->link_count == 0)
        return -ENOENT;
    struct tmpfs_node *source = old_entry->node;
    struct tmpfs_node *target = new_entry ? new_entry->node : NULL;
    bool source_is_directory = tmpfs_is_directory(source);
    bool target_is_directory = target && tmpfs_is_directory(target);

    if (source_is_directory && is_in_subtree(source, new_directory))
        return -EINVAL;
    if (target_is_directory && is_in_subtree(target, old_directory))
        return (flags & RENAME_EXCHANGE) ? -EINVAL : -ENOTEMPTY;
    if (source == target)
        return 0;

    if (flags & RENAME_EXCHANGE) {
        if (old_directory != new_directory && source_is_directory != target_is_directory) {
            struct tmpfs_node *gaining = source_is_directory ? new_directory : old_directory;
            if (gaining->link_count == UINT32_MAX)
                return -EMLINK;
        }
        exchange_entries(old_directory, old_entry, new_directory, new_entry);
    } else {
        if (target) {
            if (source_is_directory && !target_is_directory)
                return -ENOTDIR;
            if (!source_is_directory && target_is_directory)
                return -EISDIR;
            if (target_is_directory && target->directory.entry_count > 0)
                return -ENOTEMPTY;
        }
        if (source_is_directory && !target && old_directory != new_directory &&
            new_directory->link_count == UINT32_MAX)
            return -EMLINK;
        error = move_entry(old_directory, old_entry, new_directory, new_entry, new_name,
                           new_length);
        if (error < 0)
            return error;
    }
    tmpfs_touch(old_directory, false, true, true);
    if (new_directory != old_directory)
        tmpfs_touch(new_directory, false, true, true);
    return 0;
}
