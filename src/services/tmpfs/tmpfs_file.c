/*
 * tmpfs_file.c — regular file data: sparse files of 4 KiB pages.
 *
 * Pages live in a radix tree of index nodes, each one page of 512 slots
 * (9 bits of the page index per level). The tree is exactly as tall as the
 * highest page needs: height h covers 512^h pages, so a file whose pages
 * all lie below 2 MiB has one level and one at 2^62 has six (the most, for
 * the 2^51 pages of TMPFS_MAX_FILE_SIZE). A write past the top adds levels
 * above (the old top becomes slot 0), a truncate removes the levels no
 * longer needed. A page is allocated (zeroed) only when a write touches
 * it, and an absent page is a hole that reads as zeros and that
 * SEEK_HOLE/SEEK_DATA report. Index nodes are not counted in st_blocks
 * (Linux counts data pages only).
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

#define SEEK_DATA 3
#define SEEK_HOLE 4

/* Number of page indexes a slot at level covers (level 1 slots hold pages). */
static inline uint64_t slot_span(unsigned level) { return 1ull << (SLOT_SHIFT * (level - 1)); }

/* True when page index fits in a tree of height (every index fits 8 levels or more). */
static bool index_fits(uint64_t index, unsigned height)
{
    if (height * SLOT_SHIFT >= 64)
        return true;
    return (index >> (height * SLOT_SHIFT)) == 0;
}

/* Number of pages a tree of height covers (height <= 6, so it does not overflow). */
static uint64_t tree_coverage(unsigned height) { return 1ull << (SLOT_SHIFT * height); }

/* The slot of index node slots (at level) on the way to page index. */
static inline unsigned slot_of(uint64_t index, unsigned level)
{
    return (unsigned)((index >> (SLOT_SHIFT * (level - 1))) & SLOT_MASK);
}

/* True when no slot of the index node slots from first on is used. */
static bool slots_empty(void *const *slots, unsigned first)
{
    for (unsigned i = first; i < SLOTS_PER_NODE; i++)
        if (slots[i])
            return false;
    return true;
}

/* The page holding page index of file, or NULL for a hole. */
static char *find_page(const struct tmpfs_file_data *file, uint64_t index)
{
    if (!file->page_tree || !index_fits(index, file->tree_height))
        return NULL;
    void **slots = file->page_tree;
    for (unsigned level = file->tree_height; level > 1; level--) {
        slots = slots[slot_of(index, level)];
        if (!slots)
            return NULL;
    }
    return slots[index & SLOT_MASK];
}

/*
 * Lower file's tree while its top index node uses slot 0 alone (the pages
 * all lie in the first 512^(height-1)), and free it when it is empty, so
 * that the tree is as tall as its highest page needs.
 */
static void shrink_tree(struct tmpfs_file_data *file)
{
    while (file->page_tree) {
        void **top = file->page_tree;
        if (slots_empty(top, 0)) {
            kfree(top);
            file->page_tree = NULL;
            file->tree_height = 0;
        } else if (file->tree_height > 1 && slots_empty(top, 1)) {
            file->page_tree = top[0];
            file->tree_height--;
            kfree(top);
        } else {
            break;
        }
    }
}

/*
 * Free the index nodes left empty below slots (an index node at level) on
 * the way to page index, after a failed allocation. Returns true when
 * slots itself is empty (the caller frees it).
 */
static bool prune_path(void **slots, unsigned level, uint64_t index)
{
    if (level > 1) {
        void **slot = &slots[slot_of(index, level)];
        if (*slot && prune_path(*slot, level - 1, index)) {
            kfree(*slot);
            *slot = NULL;
        }
    }
    return slots_empty(slots, 0);
}

/*
 * The page holding page index of node's file, allocated (zeroed, with any
 * index nodes on the way) when absent. Returns 0 with *page set, -ENOSPC
 * (size= limit reached) or -ENOMEM. On failure the tree is as it was: the
 * index nodes added on the way are freed again.
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

    if (!file->page_tree) {
        file->page_tree = kzalloc(TMPFS_PAGE_SIZE);
        if (!file->page_tree)
            return -ENOMEM;
        file->tree_height = 1;
    }
    /* Grow the tree until it covers index: the old top becomes slot 0 of a new top. */
    void **slots;
    char *fresh;
    while (!index_fits(index, file->tree_height)) {
        void **top = kzalloc(TMPFS_PAGE_SIZE);
        if (!top)
            goto out_of_memory;
        top[0] = file->page_tree;
        file->page_tree = top;
        file->tree_height++;
    }
    slots = file->page_tree;
    for (unsigned level = file->tree_height; level > 1; level--) {
        void **slot = &slots[slot_of(index, level)];
        if (!*slot) {
            *slot = kzalloc(TMPFS_PAGE_SIZE);
            if (!*slot)
                goto out_of_memory;
        }
        slots = *slot;
    }
    fresh = kzalloc(TMPFS_PAGE_SIZE);
    if (!fresh)
        goto out_of_memory;
    slots[index & SLOT_MASK] = fresh;
    file->page_count++;
    instance->page_count++;
    *page = fresh;
    return 0;

out_of_memory:
    /* Undo: index nodes added on index's path are empty, new top levels hold slot 0 only. */
    if (index_fits(index, file->tree_height) &&
        prune_path(file->page_tree, file->tree_height, index)) {
        kfree(file->page_tree);
        file->page_tree = NULL;
        file->tree_height = 0;
    }
    shrink_tree(file);
    return -ENOMEM;
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

/*
 * Free every page of node's file whose index is >= first, the index nodes
 * that empty, and the top levels no longer needed.
 */
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
    shrink_tree(file);
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
 * pages as needed and extending the file. A write that would pass
 * TMPFS_MAX_FILE_SIZE is cut there (-EFBIG when it starts at or beyond; the
 * Core has already refused with -EINVAL an offset + count past 2^63 - 1,
 * as Linux's rw_verify_area does). Returns the byte count,
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

/*
 * Search the subtree of slots (an index node at level, whose first page
 * index is base) for the first page index in [first, last] that is present
 * (want_data) or absent (!want_data). first is below base + 512 * span of
 * level. Returns true with *found set, false when there is none in the
 * subtree.
 */
static bool search_pages(void *const *slots, unsigned level, uint64_t base, uint64_t first,
                         uint64_t last, bool want_data, uint64_t *found)
{
    uint64_t span = slot_span(level);
    unsigned start = first > base ? (unsigned)((first - base) / span) : 0;
    for (unsigned i = start; i < SLOTS_PER_NODE; i++) {
        uint64_t slot_base = base + i * span;
        if (slot_base > last)
            return false;
        uint64_t from = RK_MAX(first, slot_base);
        if (!slots[i] || level == 1) {
            if ((slots[i] != NULL) == want_data) {
                *found = from;
                return true;
            }
            continue;
        }
        if (search_pages(slots[i], level - 1, slot_base, from, last, want_data, found))
            return true;
    }
    return false;
}

/*
 * ops->seek: SEEK_SET, SEEK_CUR and SEEK_END are the generic rule
 * (vnode_stub_seek). SEEK_DATA and SEEK_HOLE look at the pages present, as
 * Linux's tmpfs does (a page is data or hole as a whole): SEEK_DATA gives
 * offset when its page is present, else the start of the next present page
 * before the end; SEEK_HOLE gives offset when its page is absent, else the
 * start of the next absent page, or the size when the data runs to the
 * end. A negative offset, or one at or past the size, is -ENXIO, and so is
 * SEEK_DATA with no data after offset. Returns the new offset or -errno.
 */
int64_t tmpfs_file_seek(struct vnode *vnode, uint64_t current, int64_t offset, int whence)
{
    if (whence != SEEK_DATA && whence != SEEK_HOLE)
        return vnode_stub_seek(vnode, current, offset, whence);
    const struct tmpfs_file_data *file = &tmpfs_node_of(vnode)->file;
    if (offset < 0 || (uint64_t)offset >= file->size)
        return -ENXIO;
    bool want_data = whence == SEEK_DATA;
    uint64_t first = (uint64_t)offset >> TMPFS_PAGE_SHIFT;
    uint64_t last = (file->size - 1) >> TMPFS_PAGE_SHIFT; /* pages past the end do not count */
    uint64_t found;
    bool hit = false;
    if (file->page_tree && index_fits(first, file->tree_height)) {
        uint64_t covered_last = tree_coverage(file->tree_height) - 1;
        hit = search_pages(file->page_tree, file->tree_height, 0, first,
                           RK_MIN(last, covered_last), want_data, &found);
        if (!hit && !want_data) {
            /* Data up to the tree's end (or the file's): the hole starts there. */
            found = RK_MIN(last, covered_last) + 1;
            hit = true;
        }
    } else if (!want_data) {
        found = first; /* beyond the tree everything is a hole */
        hit = true;
    }
    if (!hit)
        return -ENXIO;
    uint64_t position = RK_MIN(found << TMPFS_PAGE_SHIFT, file->size);
    return (int64_t)RK_MAX(position, (uint64_t)offset);
}

/* ops->fsync: the data is in memory already. */
static int tmpfs_file_fsync(struct vnode *vnode) { return 0; }

/*
 * MAP_SHARED: the file's own page at index (pages are whole, page-aligned
 * kzalloc(4096) blocks), a hole filled with a zeroed page; -ENXIO past the
 * end of the file.
 */
static int tmpfs_file_map_page(struct vnode *vnode, uint64_t index, void **page)
{
    struct tmpfs_node *node = tmpfs_node_of(vnode);
    if (index >= (node->file.size + TMPFS_PAGE_SIZE - 1) / TMPFS_PAGE_SIZE)
        return -ENXIO;
    char *data;
    int error = get_or_create_page(node, index, &data);
    if (error < 0)
        return error;
    *page = data;
    return 0;
}

const struct vnode_ops tmpfs_file_ops = {
    VNODE_OPS_STUBS,
    .getattr = tmpfs_getattr,
    .setattr = tmpfs_setattr,
    .read = tmpfs_file_read,
    .write = tmpfs_file_write,
    .fsync = tmpfs_file_fsync,
    .seek = tmpfs_file_seek,
    .map_page = tmpfs_file_map_page,
    .release = tmpfs_release,
};
