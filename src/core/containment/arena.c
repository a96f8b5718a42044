/*
 * arena.c — service arenas: the kmalloc of a service library
 * (rk/heap.h, RK_SERVICE_BUILD) allocates from the Core heap and links
 * every allocation into the arena of the instance the running thread is
 * inside, so a dead instance's memory is freed in one walk
 * (arena_free_all) without the service's help.
 *
 * The link is a 48-byte header: in front of small allocations, and for
 * page-sized ones a separate record tagged on the page run's head page
 * (heap_large_set_tag), so those keep their page alignment (tmpfs maps its
 * pages into user space) and their size. Code outside any crossing (a
 * service's unit test calling it directly) gets untracked allocations,
 * freed the same way. Allocation lists change with interrupts disabled.
 */
#include <rk/containment.h>
#include <rk/heap.h>
#include <rk/kernel.h>
#include <rk/panic.h>
#include <rk/string.h>

#include "containment_internal.h"

#define ARENA_MAGIC 0x5241524b41524e41ull
#define LARGEST_INLINE 2000   /* header + object still fit the heap's 2048-byte class */

struct arena_header {
    uint64_t magic;                       /* ARENA_MAGIC ^ address: catches foreign pointers */
    struct list_node link;                /* in instance->allocations (empty when untracked) */
    struct service_instance *instance;    /* NULL when untracked */
    size_t size;                          /* bytes asked for */
    void *separate;                       /* page-sized: the page run; NULL when inline */
};

_Static_assert(sizeof(struct arena_header) % 16 == 0, "an inline header keeps the alignment");

static uint64_t magic_of(const struct arena_header *header)
{
    return ARENA_MAGIC ^ (uint64_t)(uintptr_t)header;
}

/* Link header into the running crossing's arena. */
static void track(struct arena_header *header, size_t size)
{
    header->magic = magic_of(header);
    header->size = size;
    list_init(&header->link);
    irq_flags_t flags = platform_irq_save();
    struct service_instance *instance = gate_current_instance();
    header->instance = instance;
    if (instance) {
        list_push_back(&instance->allocations, &header->link);
        instance->arena_bytes += size;
        instance->arena_allocations++;
    }
    platform_irq_restore(flags);
}

void *service_kmalloc(size_t size)
{
    if (containment_any_death)
        gate_unwind_if_dead(); /* code of an instance that died meanwhile stops here */
    if (fault_injection_active)
        fault_injection_check_allocation();
    if (size == 0)
        return NULL;
    if (size <= LARGEST_INLINE) {
        struct arena_header *header = kmalloc(sizeof *header + size);
        if (!header)
            return NULL;
        header->separate = NULL;
        track(header, size);
        return header + 1;
    }
    struct arena_header *header = kmalloc(sizeof *header);
    /* Past the largest slab class, so the heap hands out a page run it can tag. */
    void *memory = header ? kmalloc(size > HEAP_LARGEST_SLAB_OBJECT ? size : HEAP_LARGEST_SLAB_OBJECT + 1)
                          : NULL;
    if (!memory || !heap_large_set_tag(memory, header)) {
        kfree(memory);
        kfree(header);
        return NULL;
    }
    header->separate = memory;
    track(header, size);
    return memory;
}

void *service_kzalloc(size_t size)
{
    void *memory = service_kmalloc(size);
    if (memory)
        memset(memory, 0, size);
    return memory;
}

void *service_kcalloc(size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    return service_kzalloc(count * size);
}

/* The header of an allocation, or NULL (after a WARN) when pointer is not one. */
static struct arena_header *header_of(const void *pointer)
{
    struct arena_header *header = heap_large_tag(pointer);
    if (!header)
        header = (struct arena_header *)pointer - 1;
    if (header->magic != magic_of(header)) {
        WARN("service_kfree/ksize: %p is not a service allocation", pointer);
        return NULL;
    }
    return header;
}

/* Give back header and its memory (already out of its arena). */
static void release(struct arena_header *header)
{
    header->magic = 0;
    if (header->separate) {
        heap_large_set_tag(header->separate, NULL);
        kfree(header->separate);
    }
    kfree(header);
}

void service_kfree(void *pointer)
{
    if (!pointer)
        return;
    struct arena_header *header = header_of(pointer);
    if (!header)
        return;
    irq_flags_t flags = platform_irq_save();
    struct service_instance *instance = header->instance;
    if (instance) {
        list_remove(&header->link);
        instance->arena_bytes -= header->size;
        instance->arena_allocations--;
    }
    platform_irq_restore(flags);
    release(header);
}

size_t service_ksize(const void *pointer)
{
    const struct arena_header *header = pointer ? header_of(pointer) : NULL;
    if (!header)
        return 0;
    return header->separate ? ksize(header->separate) : ksize(header) - sizeof *header;
}

/* See containment_internal.h: free every allocation of a dead instance. Thread context. */
void arena_free_all(struct service_instance *instance)
{
    for (;;) {
        irq_flags_t flags = platform_irq_save();
        struct list_node *node = list_pop_front(&instance->allocations);
        platform_irq_restore(flags);
        if (!node)
            break;
        release(list_entry(node, struct arena_header, link));
    }
    instance->arena_bytes = 0;
    instance->arena_allocations = 0;
}
