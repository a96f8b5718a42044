/*
 * page_alloc.c — binary buddy allocator over the boot memory regions.
 *
 * Each region becomes a zone: its first pages hold the struct page array,
 * the rest are managed frames. A block of order k starts at a zone index
 * that is a multiple of 2^k; its buddy is index ^ 2^k. Free blocks sit in
 * one free list per order (shared by all zones), their head page marked
 * PAGE_FLAG_FREE with the order. Allocated block heads carry
 * PAGE_FLAG_HEAD and the order, which page_free() checks.
 *
 * AddressSanitizer builds (rk/address_sanitizer.h): a block is made
 * addressable when page_alloc() hands it out and poisoned when its last
 * reference goes; the struct page arrays are never poisoned. At
 * page_allocator_init() the last boot's poison is cleared (in time
 * proportional to what it poisoned): free memory starts addressable and
 * is poisoned as it is freed.
 *
 * Locking: page_lock (interrupts disabled) around every list operation.
 */
#include <rk/address_sanitizer.h>
#include <rk/compiler.h>
#include <rk/errno.h>
#include <rk/klog.h>
#include <rk/page_alloc.h>
#include <rk/panic.h>
#include <rk/spinlock.h>
#include <rk/string.h>

struct zone {
    paddr_t base;           /* physical address of frame index 0 */
    uint64_t page_count;    /* managed frames */
    struct page *pages;     /* metadata, page_count entries */
};

static struct zone zones[BOOT_MAX_MEMORY_REGIONS];
static size_t zone_count;
static struct list_node free_lists[PAGE_MAX_ORDER + 1];
static struct page_allocator_statistics statistics;
static struct spinlock page_lock = SPINLOCK_INIT("page_alloc");

#if RK_ADDRESS_SANITIZER
/* See rk/address_sanitizer.h: the allocator owns the poison state of its memory. */
struct address_sanitizer_span address_sanitizer_poisoned_span = {.low = UINTPTR_MAX, .high = 0};
#endif

/* AddressSanitizer builds: make the block at frame (order) addressable; nothing otherwise. */
static void block_unpoison(paddr_t frame, unsigned order)
{
    if (RK_ADDRESS_SANITIZER)
        address_sanitizer_unpoison(platform_phys_to_virt(frame), PAGE_SIZE << order);
}

/* AddressSanitizer builds: make the block at frame (order) unaddressable; nothing otherwise. */
static void block_poison(paddr_t frame, unsigned order)
{
    if (RK_ADDRESS_SANITIZER)
        address_sanitizer_poison(platform_phys_to_virt(frame), PAGE_SIZE << order);
}

/* The zone holding page (a struct page pointer), NULL when none does. */
static struct zone *zone_of_page(const struct page *page)
{
    for (size_t i = 0; i < zone_count; i++)
        if (page >= zones[i].pages && page < zones[i].pages + zones[i].page_count)
            return &zones[i];
    return NULL;
}

/* Put the block at page (order) on its free list. page_lock held. */
static void free_list_add(struct page *page, unsigned order)
{
    page->flags = PAGE_FLAG_FREE;
    page->order = (uint8_t)order;
    page->owner = NULL;
    list_push_back(&free_lists[order], &page->link);
    statistics.free_blocks[order]++;
    statistics.free_pages += (uint64_t)1 << order;
}

/* Take the block at page (order) off its free list. page_lock held. */
static void free_list_remove(struct page *page, unsigned order)
{
    list_remove(&page->link);
    page->flags = 0;
    statistics.free_blocks[order]--;
    statistics.free_pages -= (uint64_t)1 << order;
}

/* Carve the metadata from region and hand its frames to the free lists. */
static void zone_add(const struct boot_memory_region *region)
{
    uint64_t total = region->length / PAGE_SIZE;
    uint64_t metadata_pages = (total * sizeof(struct page) + PAGE_SIZE - 1) / PAGE_SIZE;
    if (total <= metadata_pages + 1)
        return;
    struct zone *zone = &zones[zone_count++];
    zone->pages = platform_phys_to_virt(region->base);
    zone->base = region->base + metadata_pages * PAGE_SIZE;
    zone->page_count = total - metadata_pages;
    memset(zone->pages, 0, zone->page_count * sizeof(struct page));
    for (uint64_t i = 0; i < zone->page_count; i++)
        list_init(&zone->pages[i].link);
    statistics.total_pages += zone->page_count;

    uint64_t index = 0;
    while (index < zone->page_count) {
        unsigned order = PAGE_MAX_ORDER;
        while (order > 0 && ((index & ((1ull << order) - 1)) != 0 ||
                             index + (1ull << order) > zone->page_count))
            order--;
        free_list_add(&zone->pages[index], order);
        index += 1ull << order;
    }
}

int page_allocator_init(const struct boot_memory_region *regions, size_t count)
{
    spinlock_irq_state_t state = spin_lock_irqsave(&page_lock);
    address_sanitizer_reset(); /* the last boot's poison (free memory starts addressable) */
    zone_count = 0;
    memset(&statistics, 0, sizeof statistics);
    for (unsigned order = 0; order <= PAGE_MAX_ORDER; order++)
        list_init(&free_lists[order]);
    for (size_t i = 0; i < count && zone_count < RK_ARRAY_SIZE(zones); i++)
        if (regions[i].type == BOOT_MEMORY_USABLE)
            zone_add(&regions[i]);
    spin_unlock_irqrestore(&page_lock, state);
    return zone_count > 0 ? 0 : -ENOMEM;
}

paddr_t page_alloc(unsigned order)
{
    if (order > PAGE_MAX_ORDER)
        return PADDR_INVALID;
    spinlock_irq_state_t state = spin_lock_irqsave(&page_lock);
    unsigned found = order;
    while (found <= PAGE_MAX_ORDER && list_is_empty(&free_lists[found]))
        found++;
    if (found > PAGE_MAX_ORDER) {
        spin_unlock_irqrestore(&page_lock, state);
        return PADDR_INVALID;
    }
    struct page *page = list_entry(free_lists[found].next, struct page, link);
    free_list_remove(page, found);
    while (found > order) {
        found--;
        free_list_add(page + (1ull << found), found);
    }
    page->flags = PAGE_FLAG_HEAD;
    page->order = (uint8_t)order;
    page->references = 1;
    page->owner = NULL;
    spin_unlock_irqrestore(&page_lock, state);
    paddr_t frame = page_to_physical(page);
    block_unpoison(frame, order);
#ifdef PAGE_ALLOC_FILL_BYTE
    /* See src/core/meson.build: the same contents whatever the block held before. */
    memset(platform_phys_to_virt(frame), PAGE_ALLOC_FILL_BYTE, PAGE_SIZE << order);
#endif
    return frame;
}

void page_free(paddr_t frame, unsigned order)
{
    struct page *page = page_from_physical(frame);
    spinlock_irq_state_t state = spin_lock_irqsave(&page_lock);
    if (!page || order > PAGE_MAX_ORDER || page_to_physical(page) != frame ||
        !(page->flags & PAGE_FLAG_HEAD) || page->order != order) {
        statistics.invalid_frees++;
        spin_unlock_irqrestore(&page_lock, state);
        WARN("page_free: frame %#llx order %u was not allocated with that order",
             (unsigned long long)frame, order);
        return;
    }
    if (page->references > 1) {
        page->references--; /* another user (a user mapping) keeps the block */
        spin_unlock_irqrestore(&page_lock, state);
        return;
    }
    block_poison(frame, order);
    struct zone *zone = zone_of_page(page);
    uint64_t index = (uint64_t)(page - zone->pages);
    page->flags = 0;
    page->references = 0;
    while (order < PAGE_MAX_ORDER) {
        uint64_t buddy_index = index ^ (1ull << order);
        if (buddy_index + (1ull << order) > zone->page_count)
            break;
        struct page *buddy = &zone->pages[buddy_index];
        if (!(buddy->flags & PAGE_FLAG_FREE) || buddy->order != order)
            break;
        free_list_remove(buddy, order);
        index &= ~(1ull << order);
        order++;
    }
    free_list_add(&zone->pages[index], order);
    spin_unlock_irqrestore(&page_lock, state);
}

/* The allocated block head at frame, or NULL (with a WARN naming caller). */
static struct page *allocated_head(paddr_t frame, const char *caller)
{
    struct page *page = page_from_physical(frame);
    if (!page || page_to_physical(page) != frame || !(page->flags & PAGE_FLAG_HEAD) ||
        page->references == 0) {
        WARN("%s: frame %#llx is not an allocated block", caller, (unsigned long long)frame);
        return NULL;
    }
    return page;
}

void page_frame_get(paddr_t frame)
{
    spinlock_irq_state_t state = spin_lock_irqsave(&page_lock);
    struct page *page = allocated_head(frame, "page_frame_get");
    if (page)
        page->references++;
    spin_unlock_irqrestore(&page_lock, state);
}

void page_frame_put(paddr_t frame)
{
    spinlock_irq_state_t state = spin_lock_irqsave(&page_lock);
    struct page *page = allocated_head(frame, "page_frame_put");
    unsigned order = page ? page->order : 0;
    spin_unlock_irqrestore(&page_lock, state);
    if (page)
        page_free(frame, order);
}

uint32_t page_frame_references(paddr_t frame)
{
    struct page *page = page_from_physical(frame);
    if (!page || !(page->flags & PAGE_FLAG_HEAD))
        return 0;
    return page->references;
}

void *page_alloc_virtual(unsigned order, bool zero)
{
    paddr_t frame = page_alloc(order);
    if (frame == PADDR_INVALID)
        return NULL;
    void *address = platform_phys_to_virt(frame);
    if (zero)
        memset(address, 0, PAGE_SIZE << order);
    return address;
}

void page_free_virtual(void *address, unsigned order)
{
    paddr_t frame = platform_virt_to_phys(address);
    if (frame == PADDR_INVALID) {
        WARN("page_free_virtual: %p is not in the direct map", address);
        return;
    }
    page_free(frame, order);
}

struct page *page_from_physical(paddr_t frame)
{
    for (size_t i = 0; i < zone_count; i++) {
        struct zone *zone = &zones[i];
        if (frame >= zone->base && frame < zone->base + zone->page_count * PAGE_SIZE)
            return &zone->pages[(frame - zone->base) / PAGE_SIZE];
    }
    return NULL;
}

struct page *page_from_virtual(const void *address)
{
    paddr_t frame = platform_virt_to_phys(address);
    return frame == PADDR_INVALID ? NULL : page_from_physical(frame);
}

paddr_t page_to_physical(const struct page *page)
{
    struct zone *zone = zone_of_page(page);
    if (!zone)
        return PADDR_INVALID;
    return zone->base + (paddr_t)(page - zone->pages) * PAGE_SIZE;
}

void page_allocator_get_statistics(struct page_allocator_statistics *out)
{
    spinlock_irq_state_t state = spin_lock_irqsave(&page_lock);
    *out = statistics;
    spin_unlock_irqrestore(&page_lock, state);
}

unsigned page_order_for_size(size_t size)
{
    unsigned order = 0;
    while (order <= PAGE_MAX_ORDER && (PAGE_SIZE << order) < size)
        order++;
    return order;
}

paddr_t core_frame_alloc(void)
{
    paddr_t frame = page_alloc(0);
    if (frame != PADDR_INVALID)
        memset(platform_phys_to_virt(frame), 0, PAGE_SIZE);
    return frame;
}

void core_frame_free(paddr_t frame) { page_free(frame, 0); }
