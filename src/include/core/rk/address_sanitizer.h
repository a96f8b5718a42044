/*
 * rk/address_sanitizer.h — the Core's KASAN: telling AddressSanitizer which
 * kernel memory is addressable, in AddressSanitizer builds (the hosted
 * backend built with -fsanitize=address, e.g. the fuzzers). In any other
 * build every helper here compiles to nothing.
 *
 * All kernel memory (page frames, heap slabs) lives in memory ASan knows
 * nothing about, so by itself it cannot see a use-after-free or an overflow
 * of a kmalloc'ed object. The page allocator and the heap therefore poison
 * what is free and unpoison what they hand out (exactly the requested
 * bytes, so an overflow past them is a "use-after-poison" report).
 *
 * The poisoned span: every poisoning widens one span [low, high) (rounded
 * out to ASan's 8-byte granules). Invariant: in kernel memory, only these
 * helpers poison, so everything outside the span is addressable. That
 * makes both a reset and unpoisoning of never-poisoned memory cheap: the
 * fuzzers re-boot thousands of times a second on the same memory, and
 * address_sanitizer_reset() at page_allocator_init() only touches the
 * shadow of the span the last boot dirtied (free memory is then all
 * addressable and gets poisoned again as it is freed).
 *
 * The span is shared by all callers; its updates are atomic. The helpers
 * only write ASan's shadow memory, never the memory itself: any context.
 */
#ifndef RK_ADDRESS_SANITIZER_H
#define RK_ADDRESS_SANITIZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__SANITIZE_ADDRESS__)
#define RK_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RK_ADDRESS_SANITIZER 1
#endif
#endif
#ifndef RK_ADDRESS_SANITIZER
#define RK_ADDRESS_SANITIZER 0
#endif

#if RK_ADDRESS_SANITIZER

/* ASan's public interface (sanitizer/asan_interface.h), declared here to keep backend headers out. */
void __asan_poison_memory_region(void const volatile *addr, size_t size);
void __asan_unpoison_memory_region(void const volatile *addr, size_t size);

#define ADDRESS_SANITIZER_GRANULE 8u

/* The hull of everything poisoned since the last reset; low >= high when empty. Defined by page_alloc.c. */
struct address_sanitizer_span {
    uintptr_t low;
    uintptr_t high;
};
extern struct address_sanitizer_span address_sanitizer_poisoned_span;

/*
 * Make [address, address + size) unaddressable: any access is reported.
 * A granule shared with bytes before address keeps those bytes
 * addressable (ASan poisons the granule's tail). The caller owns the range.
 */
static inline void address_sanitizer_poison(const void *address, size_t size)
{
    if (size == 0)
        return;
    struct address_sanitizer_span *span = &address_sanitizer_poisoned_span;
    uintptr_t low = (uintptr_t)address & ~(uintptr_t)(ADDRESS_SANITIZER_GRANULE - 1);
    uintptr_t high = ((uintptr_t)address + size + ADDRESS_SANITIZER_GRANULE - 1) &
                     ~(uintptr_t)(ADDRESS_SANITIZER_GRANULE - 1);
    uintptr_t seen = __atomic_load_n(&span->low, __ATOMIC_RELAXED);
    while (low < seen && !__atomic_compare_exchange_n(&span->low, &seen, low, true,
                                                      __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        ;
    seen = __atomic_load_n(&span->high, __ATOMIC_RELAXED);
    while (high > seen && !__atomic_compare_exchange_n(&span->high, &seen, high, true,
                                                       __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        ;
    __asan_poison_memory_region(address, size);
}

/*
 * Make [address, address + size) addressable, exactly: when the range ends
 * inside a granule, the granule's bytes after it stay poisoned. Only the
 * part inside the poisoned span is written (nothing else is poisoned), so
 * this is nearly free for memory poisoned by no one since the last reset.
 */
static inline void address_sanitizer_unpoison(const void *address, size_t size)
{
    uintptr_t start = (uintptr_t)address, end = start + size;
    uintptr_t low = __atomic_load_n(&address_sanitizer_poisoned_span.low, __ATOMIC_RELAXED);
    uintptr_t high = __atomic_load_n(&address_sanitizer_poisoned_span.high, __ATOMIC_RELAXED);
    if (start < low)
        start = low;
    if (end > high)
        end = high;
    if (start < end)
        __asan_unpoison_memory_region((const void *)start, end - start);
}

/*
 * Make all memory addressable again and empty the span (page_allocator_init:
 * the memory the last boot poisoned is free again, or no longer kernel
 * memory at all). Costs one shadow write of the span's size / 8.
 */
static inline void address_sanitizer_reset(void)
{
    struct address_sanitizer_span *span = &address_sanitizer_poisoned_span;
    uintptr_t low = __atomic_exchange_n(&span->low, UINTPTR_MAX, __ATOMIC_RELAXED);
    uintptr_t high = __atomic_exchange_n(&span->high, 0, __ATOMIC_RELAXED);
    if (low < high)
        __asan_unpoison_memory_region((const void *)low, high - low);
}

#else /* !RK_ADDRESS_SANITIZER: nothing to tell */

static inline void address_sanitizer_poison(const void *address, size_t size)
{
    (void)address;
    (void)size;
}
static inline void address_sanitizer_unpoison(const void *address, size_t size)
{
    (void)address;
    (void)size;
}
static inline void address_sanitizer_reset(void) {}

#endif

#endif
