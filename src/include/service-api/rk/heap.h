/*
 * rk/heap.h — the kernel heap: size classes of 16..2048 bytes carved from
 * slabs, larger requests as whole page runs. A per-slab bitmap refuses a
 * double free or a pointer it never returned (logged with a WARN, the heap
 * is left intact) as long as the memory has not been handed out again: a
 * stale pointer into a slab or page run that was since reused for another
 * allocation cannot be told apart from a live one.
 */
#ifndef RK_HEAP_H
#define RK_HEAP_H

#include <stddef.h>
#include <stdint.h>

/*
 * Allocate size bytes, aligned to 16 bytes (to the page for page-run
 * allocations). Returns NULL when memory is exhausted or size is 0.
 * Contents are undefined. Not in interrupt context.
 */
void *kmalloc(size_t size);
/* kmalloc() and clear the memory. */
void *kzalloc(size_t size);
/* kzalloc(count * size), NULL when the product overflows. */
void *kcalloc(size_t count, size_t size);
/* Free memory from kmalloc(); NULL is ignored. */
void kfree(void *pointer);
/* Usable size of an allocation (the size class), 0 for an invalid pointer. */
size_t ksize(const void *pointer);

struct heap_statistics {
    uint64_t allocations;          /* successful kmalloc calls */
    uint64_t frees;                /* successful kfree calls */
    uint64_t bytes_in_use;         /* sum of ksize() over live allocations */
    uint64_t slab_pages;           /* pages currently held by slabs */
    uint64_t large_pages;          /* pages currently held by large allocations */
    uint64_t double_frees;         /* detected and refused */
    uint64_t invalid_frees;        /* pointers the heap never returned */
    uint64_t failed_allocations;   /* NULL returns */
};

void heap_get_statistics(struct heap_statistics *statistics);

/*
 * Service arenas (docs/containment.md). Inside a service library (built
 * with RK_SERVICE_BUILD) kmalloc and friends allocate from the arena of
 * the instance the running thread is inside (rk/gate.h), so a dead
 * instance's memory is reclaimed in one step. Same contracts as above;
 * service_kfree() of a pointer the arenas never returned WARNs and is
 * ignored.
 */
void *service_kmalloc(size_t size);
void *service_kzalloc(size_t size);
void *service_kcalloc(size_t count, size_t size);
void service_kfree(void *pointer);
size_t service_ksize(const void *pointer);

#ifdef RK_SERVICE_BUILD
#define kmalloc(size) service_kmalloc(size)
#define kzalloc(size) service_kzalloc(size)
#define kcalloc(count, size) service_kcalloc(count, size)
#define kfree(pointer) service_kfree(pointer)
#define ksize(pointer) service_ksize(pointer)
#endif

#endif
