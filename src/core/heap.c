/*
 * heap.c — kmalloc/kfree: size classes in slabs, large requests as page runs.
 *
 * A slab is a block of 2^order pages that starts with a struct slab header
 * and then holds object_count objects of one size class. A bitmap records
 * which objects are allocated, so a double free or a pointer into the middle
 * of an object is detected exactly. Every page of a slab points back to the
 * slab through struct page's owner field (PAGE_FLAG_SLAB); a large
 * allocation's head page carries PAGE_FLAG_LARGE.
 *
 * AddressSanitizer builds (rk/address_sanitizer.h): a slab's free objects
 * are poisoned (its header is not); kmalloc(size) makes exactly size bytes
 * addressable, the rest of the object (or of a large block's last page)
 * stays poisoned so an overflow is reported; kfree poisons the whole
 * object (the page allocator poisons freed slabs and large blocks).
 * ksize() unpoisons up to the size it returns, since its caller may use it.
 *
 * Locking: heap_lock (interrupts disabled) around all state; never held
 * across a call into the page allocator's lock.
 */
#include <rk/address_sanitizer.h>
#include <rk/compiler.h>
#include <rk/heap.h>
#include <rk/kernel.h>
#include <rk/klog.h>
#include <rk/page_alloc.h>
#include <rk/panic.h>
#include <rk/spinlock.h>
#include <rk/string.h>

#define SLAB_MAGIC 0x51ab51abu
#define SLAB_HEADER_SIZE 64
#define SLAB_BITMAP_WORDS 4
#define HEAP_LARGEST_CLASS HEAP_LARGEST_SLAB_OBJECT

struct slab {
    uint32_t magic;
    uint16_t class_index;
    uint16_t in_use;
    struct list_node link;                   /* in its cache's partial list */
    uint64_t allocated[SLAB_BITMAP_WORDS];   /* bit set = object handed out */
};
_Static_assert(sizeof(struct slab) <= SLAB_HEADER_SIZE, "slab header grew");

struct slab_cache {
    size_t object_size;
    unsigned slab_order;
    unsigned object_count;
    struct list_node partial_slabs;          /* slabs with at least one free object */
};

static struct slab_cache caches[] = {
    { .object_size = 16, .slab_order = 0 },   { .object_size = 32, .slab_order = 0 },
    { .object_size = 64, .slab_order = 0 },   { .object_size = 128, .slab_order = 0 },
    { .object_size = 256, .slab_order = 0 },  { .object_size = 512, .slab_order = 1 },
    { .object_size = 1024, .slab_order = 2 }, { .object_size = 2048, .slab_order = 2 },
};

static struct heap_statistics statistics;
static struct spinlock heap_lock = SPINLOCK_INIT("heap");

/* Reset the heap to empty (boot and tests). Slabs from before are forgotten. */
void heap_init(void)
{
    memset(&statistics, 0, sizeof statistics);
    for (size_t i = 0; i < RK_ARRAY_SIZE(caches); i++) {
        struct slab_cache *cache = &caches[i];
        size_t bytes = (PAGE_SIZE << cache->slab_order) - SLAB_HEADER_SIZE;
        cache->object_count = (unsigned)(bytes / cache->object_size);
        if (cache->object_count > SLAB_BITMAP_WORDS * 64)
            cache->object_count = SLAB_BITMAP_WORDS * 64;
        list_init(&cache->partial_slabs);
    }
}

/* The cache for size, NULL when size needs a large allocation. */
static struct slab_cache *cache_for_size(size_t size)
{
    for (size_t i = 0; i < RK_ARRAY_SIZE(caches); i++)
        if (size <= caches[i].object_size)
            return &caches[i];
    return NULL;
}

static void *slab_object(struct slab *slab, unsigned index)
{
    return (char *)slab + SLAB_HEADER_SIZE + (size_t)index * caches[slab->class_index].object_size;
}

/* A new empty slab for cache, or NULL. Called without heap_lock. */
static struct slab *slab_create(struct slab_cache *cache)
{
    struct slab *slab = page_alloc_virtual(cache->slab_order, false);
    if (!slab)
        return NULL;
    memset(slab, 0, SLAB_HEADER_SIZE);
    slab->magic = SLAB_MAGIC;
    slab->class_index = (uint16_t)(cache - caches);
    list_init(&slab->link);
    struct page *page = page_from_virtual(slab);
    for (size_t i = 0; i < ((size_t)1 << cache->slab_order); i++) {
        page[i].flags |= PAGE_FLAG_SLAB;
        page[i].owner = slab;
    }
    address_sanitizer_poison((char *)slab + SLAB_HEADER_SIZE,
                             (PAGE_SIZE << cache->slab_order) - SLAB_HEADER_SIZE);
    return slab;
}

/* Return a slab's pages to the page allocator. Called without heap_lock. */
static void slab_destroy(struct slab *slab)
{
    unsigned order = caches[slab->class_index].slab_order;
    struct page *page = page_from_virtual(slab);
    for (size_t i = 0; i < ((size_t)1 << order); i++) {
        page[i].flags &= ~(uint32_t)PAGE_FLAG_SLAB;
        page[i].owner = NULL;
    }
    slab->magic = 0;
    page_free_virtual(slab, order);
}

/* Take a free object from slab (which has one). heap_lock held. */
static void *slab_take_object(struct slab_cache *cache, struct slab *slab)
{
    for (unsigned word = 0; word < SLAB_BITMAP_WORDS; word++) {
        uint64_t free_bits = ~slab->allocated[word];
        if (!free_bits)
            continue;
        unsigned bit = (unsigned)__builtin_ctzll(free_bits);
        unsigned index = word * 64 + bit;
        if (index >= cache->object_count)
            break;
        slab->allocated[word] |= 1ull << bit;
        if (++slab->in_use == cache->object_count)
            list_remove(&slab->link);
        return slab_object(slab, index);
    }
    panic("heap: slab %p in the partial list has no free object", (void *)slab);
}

/* Allocate size bytes as whole pages. */
static void *large_alloc(size_t size)
{
    unsigned order = page_order_for_size(size);
    void *address = order <= PAGE_MAX_ORDER ? page_alloc_virtual(order, false) : NULL;
    spinlock_irq_state_t state = spin_lock_irqsave(&heap_lock);
    if (!address) {
        statistics.failed_allocations++;
    } else {
        struct page *page = page_from_virtual(address);
        page->flags |= PAGE_FLAG_LARGE;
        statistics.allocations++;
        statistics.large_pages += (uint64_t)1 << order;
        statistics.bytes_in_use += PAGE_SIZE << order;
    }
    spin_unlock_irqrestore(&heap_lock, state);
    if (address)
        address_sanitizer_poison((char *)address + size, (PAGE_SIZE << order) - size);
    return address;
}

void *kmalloc(size_t size)
{
    if (size == 0)
        return NULL;
    struct slab_cache *cache = cache_for_size(size);
    if (!cache)
        return large_alloc(size);

    spinlock_irq_state_t state = spin_lock_irqsave(&heap_lock);
    while (list_is_empty(&cache->partial_slabs)) {
        spin_unlock_irqrestore(&heap_lock, state);
        struct slab *slab = slab_create(cache);
        state = spin_lock_irqsave(&heap_lock);
        if (!slab) {
            statistics.failed_allocations++;
            spin_unlock_irqrestore(&heap_lock, state);
            return NULL;
        }
        list_push_back(&cache->partial_slabs, &slab->link);
        statistics.slab_pages += (uint64_t)1 << cache->slab_order;
    }
    struct slab *slab = list_entry(cache->partial_slabs.next, struct slab, link);
    void *object = slab_take_object(cache, slab);
    statistics.allocations++;
    statistics.bytes_in_use += cache->object_size;
    spin_unlock_irqrestore(&heap_lock, state);
    address_sanitizer_unpoison(object, size);
    return object;
}

void *kzalloc(size_t size)
{
    void *pointer = kmalloc(size);
    if (pointer)
        memset(pointer, 0, size); /* not ksize(): the rest stays poisoned in ASan builds */
    return pointer;
}

void *kcalloc(size_t count, size_t size)
{
    size_t total;
    if (__builtin_mul_overflow(count, size, &total))
        return NULL;
    return kzalloc(total);
}

/* Locate the slab object behind pointer: its slab and index. Returns false when invalid. */
static bool slab_locate(const void *pointer, struct slab **slab_out, unsigned *index_out)
{
    struct page *page = page_from_virtual(pointer);
    if (!page || !(page->flags & PAGE_FLAG_SLAB))
        return false;
    struct slab *slab = page->owner;
    if (!slab || slab->magic != SLAB_MAGIC)
        return false;
    const struct slab_cache *cache = &caches[slab->class_index];
    uintptr_t first = (uintptr_t)slab + SLAB_HEADER_SIZE;
    uintptr_t address = (uintptr_t)pointer;
    if (address < first || (address - first) % cache->object_size != 0)
        return false;
    size_t index = (address - first) / cache->object_size;
    if (index >= cache->object_count)
        return false;
    *slab_out = slab;
    *index_out = (unsigned)index;
    return true;
}

/* Free a large allocation whose head page is page. */
static void large_free(void *pointer, struct page *page)
{
    unsigned order = page->order;
    spinlock_irq_state_t state = spin_lock_irqsave(&heap_lock);
    page->flags &= ~(uint32_t)PAGE_FLAG_LARGE;
    page->owner = NULL;
    statistics.frees++;
    statistics.large_pages -= (uint64_t)1 << order;
    statistics.bytes_in_use -= PAGE_SIZE << order;
    spin_unlock_irqrestore(&heap_lock, state);
    page_free_virtual(pointer, order);
}

/* Record and report a refused free. */
static void refuse_free(const void *pointer, bool double_free)
{
    spinlock_irq_state_t state = spin_lock_irqsave(&heap_lock);
    if (double_free)
        statistics.double_frees++;
    else
        statistics.invalid_frees++;
    spin_unlock_irqrestore(&heap_lock, state);
    WARN("kfree(%p): %s", pointer, double_free ? "double free" : "pointer not from kmalloc");
}

void kfree(void *pointer)
{
    if (!pointer)
        return;
    struct page *page = page_from_virtual(pointer);
    if (page && (page->flags & PAGE_FLAG_LARGE)) {
        if (((uintptr_t)pointer & (PAGE_SIZE - 1)) != 0 || !(page->flags & PAGE_FLAG_HEAD)) {
            refuse_free(pointer, false);
            return;
        }
        large_free(pointer, page);
        return;
    }
    struct slab *slab;
    unsigned index;
    if (!slab_locate(pointer, &slab, &index)) {
        /* A page-aligned pointer to a page no longer in use was most likely a large block. */
        bool looks_freed = page && ((uintptr_t)pointer & (PAGE_SIZE - 1)) == 0 &&
                           !(page->flags & (PAGE_FLAG_HEAD | PAGE_FLAG_SLAB));
        refuse_free(pointer, looks_freed);
        return;
    }

    struct slab_cache *cache = &caches[slab->class_index];
    spinlock_irq_state_t state = spin_lock_irqsave(&heap_lock);
    uint64_t bit = 1ull << (index % 64);
    if (!(slab->allocated[index / 64] & bit)) {
        spin_unlock_irqrestore(&heap_lock, state);
        refuse_free(pointer, true);
        return;
    }
    address_sanitizer_poison(pointer, cache->object_size);
    slab->allocated[index / 64] &= ~bit;
    if (slab->in_use-- == cache->object_count)
        list_push_front(&cache->partial_slabs, &slab->link);
    statistics.frees++;
    statistics.bytes_in_use -= cache->object_size;

    /* Give an empty slab back unless it is the cache's only partial slab. */
    bool release = slab->in_use == 0 && cache->partial_slabs.next != cache->partial_slabs.previous;
    if (release) {
        list_remove(&slab->link);
        statistics.slab_pages -= (uint64_t)1 << cache->slab_order;
    }
    spin_unlock_irqrestore(&heap_lock, state);
    if (release)
        slab_destroy(slab);
}

size_t ksize(const void *pointer)
{
    if (!pointer)
        return 0;
    struct page *page = page_from_virtual(pointer);
    if (page && (page->flags & PAGE_FLAG_LARGE) && (page->flags & PAGE_FLAG_HEAD) &&
        ((uintptr_t)pointer & (PAGE_SIZE - 1)) == 0) {
        address_sanitizer_unpoison(pointer, PAGE_SIZE << page->order);
        return PAGE_SIZE << page->order;
    }
    struct slab *slab;
    unsigned index;
    if (!slab_locate(pointer, &slab, &index))
        return 0;
    if (!(slab->allocated[index / 64] & (1ull << (index % 64))))
        return 0;
    size_t size = caches[slab->class_index].object_size;
    address_sanitizer_unpoison(pointer, size); /* the caller may use all of it */
    return size;
}

/* The head page of the large allocation at pointer, or NULL when it is not one. */
static struct page *large_head(const void *pointer)
{
    struct page *page = pointer ? page_from_virtual(pointer) : NULL;
    if (!page || !(page->flags & PAGE_FLAG_LARGE) || !(page->flags & PAGE_FLAG_HEAD) ||
        ((uintptr_t)pointer & (PAGE_SIZE - 1)) != 0)
        return NULL;
    return page;
}

bool heap_large_set_tag(void *pointer, void *tag)
{
    struct page *page = large_head(pointer);
    if (page)
        page->owner = tag;
    return page != NULL;
}

void *heap_large_tag(const void *pointer)
{
    struct page *page = large_head(pointer);
    return page ? page->owner : NULL;
}

void heap_get_statistics(struct heap_statistics *out)
{
    spinlock_irq_state_t state = spin_lock_irqsave(&heap_lock);
    *out = statistics;
    spin_unlock_irqrestore(&heap_lock, state);
}
