/*
 * tmpfs_file.c — regular file data: sparse files of 4 KiB pages.
 *
 * Pages live in a radix tree of index nodes, each one page of 512 slots
 * (9 bits of the page index per level). The tree is as tall as the highest
 * page needs (height h covers 512^h pages; 4 levels cover the 1 TiB
 * limit); a page is allocated (zeroed) only when a write touches it, and
 * an absent page is a hole that reads as zeros. Index nodes are not
 * counted in st_blocks (Linux counts data pages only).
 *
 * Locking: none (see tmpfs_internal.h).
 */
#include <rk/errno.h>
#include <rk/heap.h>
#include <rk/string.h>

#include "tmpfs_internal.h"

#define SLOT_SHIFT 9
#define SLOTS_PER_NODE (1u << SLOT_SHIFT)
#define SLOT_MASK (SLOTS_PER_NODE - 1)

/* Number of page indexes a slot at level covers (level 1 slots hold pages). */
static inline uint64_t slot_span(unsigned level) { return 1ull << (SLOT_SHIFT * (level - 1)); }

/* True when page index fits in a tree of height (at most 4: 28-bit page indexes). */
static bool index_fits(uint64_t index, unsigned height)
{
    return (index >> (height * SLOT_SHIFT)) == 0;
}

/* The page holding page index of file, or NULL for a hole. */
static char *find_page(const struct tmpfs_file_data *file, uint64_t index)
{
    if (!file->page_tree || !index_fits(index, file->tree_height))
        return NULL;
    void **slots = file->page_tree;
    for (unsigned level = file->tree_height; level > 1; level--) {
        slots = slots[(index >> (SLOT_SHIFT * (level - 1))) & SLOT_MASK];
        if (!slots)
            return NULL;
    }
    return slots[index & SLOT_MASK];
}

/*
 * The page holding page index of node's file, allocated (zeroed, with any
 * index nodes on the way) when absent. Returns 0 with *page set, -ENOSPC
 * (size= limit reached) or -ENOMEM. On failure index nodes already added
 * stay in the tree (empty, freed with the file or by a truncate).
 */
static int get_or_create_page(struct tmpfs_node *node, uint64_t index, char **page)
{
    struct tmpfs_file_data *file = &node->file;
    struct tmpfs_instance *instance = node->instance;
    char *existing = find_page(file, index);
    if (existing) {
        *page = existing;
        return 0;
    }
    if (instance->page_limit && instance->page_count >= instance->page_limit)
        return -ENOSPC;

    /* Grow the tree until it covers index: the old top becomes slot 0 of a new top. */
    while (file->tree_height == 0 || !index_fits(index, file->tree_height)) {
        if (file->page_tree) {
            void **top = kzalloc(TMPFS_PAGE_SIZE);
            if (!top)
                return -ENOMEM;
            top[0] = file->page_tree;
            file->page_tree = top;
        }
        file->tree_height++;
    }
    if (!file->page_tree) {
        file->page_tree = kzalloc(TMPFS_PAGE_SIZE);
        if (!file->page_tree)
            return -ENOMEM;
    }
    void **slots = file->page_tree;
    for (unsigned level = file->tree_height; level > 1; level--) {
        void **slot = &slots[(index >> (SLOT_SHIFT * (level - 1))) & SLOT_MASK];
        if (!*slot) {
            *slot = kzalloc(TMPFS_PAGE_SIZE);
            if (!*slot)
                return -ENOMEM;
        }
        slots = *slot;
    }
    char *fresh = kzalloc(TMPFS_PAGE_SIZE);
    if (!fresh)
        return -ENOMEM;
    slots[index & SLOT_MASK] = fresh;
    file->page_count++;
    instance->page_count++;
    *page = fresh;
    return 0;
}

/*
 * Free the pages with index >= first in the subtree of slots at level,
 * whose first page index is base, and the index nodes that empty. Returns
 * true when slots itself is left empty (the caller frees it).
 */
static bool free_pages_from(struct tmpfs_node *node, void **slots, unsigned level, uint64_t base,
                            uint64_t first)
{
    uint64_t span = slot_span(level);
    bool empty = true;
    for (unsigned i = 0; i < SLOTS_PER_NODE; i++) {
        if (!slots[i])
            continue;
        uint64_t slot_base = base + i * span;
        if (slot_base + span <= first) {
            empty = false;
            continue;
        }
        if (level == 1) {
            kfree(slots[i]);
            slots[i] = NULL;
            node->file.page_count--;
            node->instance->page_count--;
        } else if (free_pages_from(node, slots[i], level - 1, slot_base, first)) {
            kfree(slots[i]);
            slots[i] = NULL;
        } else {
            empty = false;
        }
    }
    return empty;
}

/* Free every page of node's file whose index is >= first (and empty index nodes). */
static void free_pages_beyond(struct tmpfs_node *node, uint64_t first)
{
    struct tmpfs_file_data *file = &node->file;
    if (!file->page_tree)
        return;
    if (free_pages_from(node, file->page_tree, file->tree_height, 0, first)) {
        kfree(file->page_tree);
        file->page_tree = NULL;
        file->tree_height = 0;
    }
}

void tmpfs_file_free_pages(struct tmpfs_node *node)
{
    free_pages_beyond(node, 0);
    node->file.tree_height = 0;
}

int tmpfs_file_set_size(struct tmpfs_node *node, uint64_t size)
{
    if (size > TMPFS_MAX_FILE_SIZE)
        return -EFBIG;
    struct tmpfs_file_data *file = &node->file;
    if (size < file->size) {
        uint64_t first_gone = (size + TMPFS_PAGE_SIZE - 1) >> TMPFS_PAGE_SHIFT;
        free_pages_beyond(node, first_gone);
        size_t tail = size & (TMPFS_PAGE_SIZE - 1);
        if (tail) {
            char *last = find_page(file, size >> TMPFS_PAGE_SHIFT);
            if (last)
                memset(last + tail, 0, TMPFS_PAGE_SIZE - tail);
        }
    }
    file->size = size;
    return 0;
}

/*
 * Update the access time after a read as Linux's default relatime does:
 * only when it is not newer than the modify or change time, or a day old.
 */
static void touch_access_relatime(struct tmpfs_node *node)
{
    struct kernel_time now = time_now();
    const struct kernel_time *access = &node->access_time;
    bool behind_modify = access->seconds < node->modify_time.seconds ||
                         (access->seconds == node->modify_time.seconds &&
                          access->nanoseconds <= node->modify_time.nanoseconds);
    bool behind_change = access->seconds < node->change_time.seconds ||
                         (access->seconds == node->change_time.seconds &&
                          access->nanoseconds <= node->change_time.nanoseconds);
    if (behind_modify || behind_change || now.seconds - access->seconds >= 24 * 60 * 60)
        node->access_time = now;
}

/*
 * ops->read: copy up to io_remaining(cursor) bytes from offset, stopping
 * at the end of the file; holes read as zeros. Returns the byte count (0
 * at or past the end), or -EFAULT when nothing could be copied.
 */
long tmpfs_file_read(struct vnode *vnode, struct io_cursor *cursor, uint64_t offset)
{
    struct tmpfs_node *node = tmpfs_node_of(vnode);
    struct tmpfs_file_data *file = &node->file;
    if (offset >= file->size)
        return 0;
    uint64_t count = RK_MIN((uint64_t)io_remaining(cursor), file->size - offset);
    if (count == 0)
        return 0;
    size_t start = cursor->transferred;
    uint64_t done = 0;
    while (done < count) {
        uint64_t position = offset + done;
        size_t in_page = position & (TMPFS_PAGE_SIZE - 1);
        size_t chunk = (size_t)RK_MIN((uint64_t)(TMPFS_PAGE_SIZE - in_page), count - done);
        char *page = find_page(file, position >> TMPFS_PAGE_SHIFT);
        int error = page ? io_copy_out(cursor, page + in_page, chunk) : io_zero_out(cursor, chunk);
        if (error < 0) {
            size_t moved = cursor->transferred - start;
            if (moved == 0)
                return error;
            done = moved;
            break;
        }
        done += chunk;
    }
    touch_access_relatime(node);
    return (long)done;
}

/*
 * ops->write: copy up to io_remaining(cursor) bytes to offset, allocating
 * pages as needed and extending the file. A write that would pass 1 TiB is
 * cut there (-EFBIG when it starts at or beyond). Returns the byte count,
 * short when memory ran out or the source faulted part way, or -ENOSPC,
 * -ENOMEM, -EFAULT, -EFBIG when nothing was written.
 */
long tmpfs_file_write(struct vnode *vnode, struct io_cursor *cursor, uint64_t offset)
{
    struct tmpfs_node *node = tmpfs_node_of(vnode);
    struct tmpfs_file_data *file = &node->file;
    uint64_t count = io_remaining(cursor);
    if (count == 0)
        return 0;
    if (offset >= TMPFS_MAX_FILE_SIZE)
        return -EFBIG;
    count = RK_MIN(count, TMPFS_MAX_FILE_SIZE - offset);

    size_t start = cursor->transferred;
    uint64_t done = 0;
    int error = 0;
    while (done < count) {
        uint64_t position = offset + done;
        size_t in_page = position & (TMPFS_PAGE_SIZE - 1);
        size_t chunk = (size_t)RK_MIN((uint64_t)(TMPFS_PAGE_SIZE - in_page), count - done);
        char *page;
        error = get_or_create_page(node, position >> TMPFS_PAGE_SHIFT, &page);
        if (error < 0)
            break;
        error = io_copy_in(cursor, page + in_page, chunk);
        if (error < 0) {
            done = cursor->transferred - start;
            break;
        }
        done += chunk;
    }
    if (done == 0)
        return error;
    if (offset + done > file->size)
        file->size = offset + done;
    tmpfs_touch(node, false, true, true);
    return (long)done;
}

/* ops->fsync: the data is in memory already. */
static int tmpfs_file_fsync(struct vnode *vnode) { return 0; }

const struct vnode_ops tmpfs_file_ops = {
    .lookup = vnode_stub_lookup,
    .create = vnode_stub_create,
    .mkdir = vnode_stub_mkdir,
    .symlink = vnode_stub_symlink,
    .link = vnode_stub_link,
    .unlink = vnode_stub_remove,
    .rmdir = vnode_stub_remove,
    .rename = vnode_stub_rename,
    .readdir = vnode_stub_readdir,
    .readlink = vnode_stub_readlink,
    .getattr = tmpfs_getattr,
    .setattr = tmpfs_setattr,
    .read = tmpfs_file_read,
    .write = tmpfs_file_write,
    .open = vnode_stub_open,
    .fsync = tmpfs_file_fsync,
    .seek = vnode_stub_seek,
    .release = tmpfs_release,
};
