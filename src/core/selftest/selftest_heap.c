/*
 * selftest_heap.c — heap and page allocator stress on the real backend.
 */
#include <rk/heap.h>
#include <rk/klog.h>
#include <rk/page_alloc.h>
#include <rk/selftest.h>
#include <rk/string.h>

#include "selftests.h"

#define HEAP_STRESS_SLOTS 256
#define HEAP_STRESS_ROUNDS 4000

/* A small deterministic generator for test patterns. */
static uint64_t stress_random(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

/* Random allocations and frees of mixed sizes; every block keeps its fill pattern. */
int selftest_heap(void)
{
    static unsigned char *slots[HEAP_STRESS_SLOTS];
    static size_t sizes[HEAP_STRESS_SLOTS];
    struct heap_statistics before, after;
    struct page_allocator_statistics pages_before, pages_after;
    heap_get_statistics(&before);
    page_allocator_get_statistics(&pages_before);
    uint64_t random_state = 0x1234567;

    for (unsigned round = 0; round < HEAP_STRESS_ROUNDS; round++) {
        unsigned slot = (unsigned)(stress_random(&random_state) % HEAP_STRESS_SLOTS);
        if (slots[slot]) {
            for (size_t i = 0; i < sizes[slot]; i++)
                SELFTEST_CHECK(slots[slot][i] == (unsigned char)(slot + i));
            kfree(slots[slot]);
            slots[slot] = NULL;
            continue;
        }
        uint64_t pick = stress_random(&random_state);
        size_t size = (pick & 7) == 0 ? 4096 + pick % 20000 : 1 + pick % 2048;
        slots[slot] = kmalloc(size);
        SELFTEST_CHECK(slots[slot] != NULL);
        SELFTEST_CHECK(((uintptr_t)slots[slot] & 15) == 0);
        SELFTEST_CHECK(ksize(slots[slot]) >= size);
        sizes[slot] = size;
        for (size_t i = 0; i < size; i++)
            slots[slot][i] = (unsigned char)(slot + i);
    }
    for (unsigned slot = 0; slot < HEAP_STRESS_SLOTS; slot++) {
        kfree(slots[slot]);
        slots[slot] = NULL;
    }
    heap_get_statistics(&after);
    page_allocator_get_statistics(&pages_after);
    SELFTEST_CHECK(after.bytes_in_use == before.bytes_in_use);
    SELFTEST_CHECK(after.large_pages == before.large_pages);
    SELFTEST_CHECK(after.double_frees == before.double_frees);

    /* A double free is refused and counted, and the heap still works. */
    void *victim = kmalloc(40);
    SELFTEST_CHECK(victim != NULL);
    kfree(victim);
    enum klog_level console_level = klog_console_level();
    klog_set_console_level(KLOG_ERROR); /* the expected WARN is not a failure */
    kfree(victim);
    klog_set_console_level(console_level);
    heap_get_statistics(&after);
    SELFTEST_CHECK(after.double_frees == before.double_frees + 1);
    void *again = kmalloc(40);
    SELFTEST_CHECK(again != NULL);
    kfree(again);
    return 0;
}

/* Buddy allocator: split, coalesce and return to the starting free count. */
int selftest_pages(void)
{
    struct page_allocator_statistics before, after;
    page_allocator_get_statistics(&before);
    paddr_t blocks[PAGE_MAX_ORDER + 1];
    for (unsigned order = 0; order <= PAGE_MAX_ORDER; order++) {
        blocks[order] = page_alloc(order);
        SELFTEST_CHECK(blocks[order] != PADDR_INVALID);
        SELFTEST_CHECK((blocks[order] & (PAGE_SIZE - 1)) == 0);
        unsigned char *memory = platform_phys_to_virt(blocks[order]);
        memset(memory, 0xa5, PAGE_SIZE << order);
    }
    for (unsigned order = 0; order <= PAGE_MAX_ORDER; order++)
        page_free(blocks[order], order);
    page_allocator_get_statistics(&after);
    SELFTEST_CHECK(after.free_pages == before.free_pages);
    SELFTEST_CHECK(page_alloc(PAGE_MAX_ORDER + 1) == PADDR_INVALID);
    return 0;
}
