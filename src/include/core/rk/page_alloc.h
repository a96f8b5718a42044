/*
 * rk/page_alloc.h — the physical page-frame allocator (binary buddy).
 *
 * Manages the usable RAM regions from boot_info in blocks of 2^order pages
 * (order 0..PAGE_MAX_ORDER). Per-frame metadata (struct page) lives in an
 * array carved from the start of each region. Frees are checked: freeing a
 * frame that is not allocated, or with the wrong order, is a WARN and the
 * allocator state stays intact. Locking: one spinlock, any context except
 * that the caller must not hold it.
 */
#ifndef RK_PAGE_ALLOC_H
#define RK_PAGE_ALLOC_H

#include <stdbool.h>
#include <stdint.h>
#include <rk/list.h>
#include <rk/platform.h>

#define PAGE_MAX_ORDER 10 /* 4 MiB blocks */

enum page_flags {
    PAGE_FLAG_FREE = 1u << 0,   /* head of a free block in a buddy free list */
    PAGE_FLAG_HEAD = 1u << 1,   /* first frame of an allocated block */
    PAGE_FLAG_SLAB = 1u << 2,   /* owned by a heap slab */
    PAGE_FLAG_LARGE = 1u << 3,  /* head of a large heap allocation */
};

/* Metadata of one 4 KiB frame. */
struct page {
    struct list_node link;  /* free list of its order (when FREE) */
    uint32_t flags;         /* enum page_flags */
    uint8_t order;          /* block order when FREE or HEAD */
    uint8_t reserved[3];
    void *owner;            /* heap: the slab or large-allocation record */
    uint32_t references;    /* users of an allocated block (HEAD): 1 from page_alloc */
};

struct page_allocator_statistics {
    uint64_t total_pages;   /* frames managed (metadata frames excluded) */
    uint64_t free_pages;
    uint64_t free_blocks[PAGE_MAX_ORDER + 1];
    uint64_t invalid_frees; /* refused frees */
};

/*
 * (Re)initialise the allocator with the given usable regions, forgetting any
 * earlier state. Regions smaller than a few pages are ignored.
 * Returns 0, or -ENOMEM when no region could hold its metadata.
 */
int page_allocator_init(const struct boot_memory_region *regions, size_t count);

/* Allocate 2^order contiguous frames. Returns PADDR_INVALID when exhausted or order is invalid. */
paddr_t page_alloc(unsigned order);
/*
 * Free a block from page_alloc() with the same order. When the block has
 * more than one user (page_frame_get), this only drops the caller's
 * reference and the last user frees it.
 */
void page_free(paddr_t frame, unsigned order);

/*
 * Frame reference counts, for frames mapped into user address spaces (a
 * frame shared by copy-on-write or MAP_SHARED, or a filesystem's page
 * mapped by MAP_SHARED). page_alloc() hands out a block with one
 * reference; page_frame_get adds one; page_frame_put drops one and frees
 * the block (any order) with the last. Both WARN and do nothing for a
 * frame that is not the head of an allocated block. Any context.
 */
void page_frame_get(paddr_t frame);
void page_frame_put(paddr_t frame);
/* Users of the block at frame (0 when it is not allocated). */
uint32_t page_frame_references(paddr_t frame);

/* page_alloc() returning the kernel-virtual address (NULL when exhausted), zeroed when zero is true. */
void *page_alloc_virtual(unsigned order, bool zero);
/* Free a block from page_alloc_virtual(). */
void page_free_virtual(void *address, unsigned order);

/* Metadata of the frame holding pa, NULL when the allocator does not manage it. */
struct page *page_from_physical(paddr_t frame);
/* Metadata of the frame behind a kernel-virtual address, NULL when unmanaged. */
struct page *page_from_virtual(const void *address);
/* Physical address of the frame described by page. */
paddr_t page_to_physical(const struct page *page);

void page_allocator_get_statistics(struct page_allocator_statistics *statistics);

/* Smallest order whose block holds size bytes. */
unsigned page_order_for_size(size_t size);

#endif
