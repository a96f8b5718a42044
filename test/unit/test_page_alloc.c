/* test_page_alloc.c — the buddy page-frame allocator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <rk/klog.h>
#include <rk/page_alloc.h>
#include <rk/panic.h>
#include "hosted.h"

/* Boot a fresh kernel before each test (each test may re-initialise the allocator). */
static int boot(void **state)
{
    assert_int_equal(hosted_test_boot("loglevel=3"), 0);
    return 0;
}

/* One usable region of page_count pages at the start of the boot memory. */
static struct boot_memory_region small_region(uint64_t page_count, uint64_t skip_pages)
{
    const struct boot_info *info = hosted_boot_info();
    return (struct boot_memory_region){
        .base = info->memory[0].base + skip_pages * PAGE_SIZE,
        .length = page_count * PAGE_SIZE,
        .type = BOOT_MEMORY_USABLE,
    };
}

static void allocations_are_aligned_and_distinct(void **state)
{
    paddr_t first = page_alloc(0), second = page_alloc(0), big = page_alloc(4);
    assert_true(first != PADDR_INVALID && second != PADDR_INVALID && big != PADDR_INVALID);
    assert_true(first != second);
    assert_int_equal(first % PAGE_SIZE, 0);
    struct page *page = page_from_physical(big);
    assert_non_null(page);
    assert_int_equal(page_to_physical(page), big);
    assert_true(page->flags & PAGE_FLAG_HEAD);
    assert_int_equal(page->order, 4);
    memset(platform_phys_to_virt(big), 0xff, PAGE_SIZE << 4);
    page_free(first, 0);
    page_free(second, 0);
    page_free(big, 4);
}

static void free_restores_counts_and_coalesces(void **state)
{
    struct boot_memory_region region = small_region(64 + 2, 0); /* 2 metadata pages at most */
    assert_int_equal(page_allocator_init(&region, 1), 0);
    struct page_allocator_statistics before, during, after;
    page_allocator_get_statistics(&before);
    paddr_t blocks[8];
    for (int i = 0; i < 8; i++)
        blocks[i] = page_alloc(0);
    page_allocator_get_statistics(&during);
    assert_int_equal(during.free_pages, before.free_pages - 8);
    for (int i = 7; i >= 0; i--)
        page_free(blocks[i], 0);
    page_allocator_get_statistics(&after);
    assert_int_equal(after.free_pages, before.free_pages);
    assert_memory_equal(after.free_blocks, before.free_blocks, sizeof after.free_blocks);
}

static void exhaustion_returns_invalid_then_recovers(void **state)
{
    struct boot_memory_region region = small_region(40, 0);
    assert_int_equal(page_allocator_init(&region, 1), 0);
    struct page_allocator_statistics statistics;
    page_allocator_get_statistics(&statistics);
    uint64_t total = statistics.total_pages;
    assert_int_equal(total, 39); /* 40 pages minus one page of metadata */
    paddr_t frames[64];
    uint64_t count = 0;
    while (count < 64 && (frames[count] = page_alloc(0)) != PADDR_INVALID)
        count++;
    assert_int_equal(count, total);
    assert_int_equal(page_alloc(0), PADDR_INVALID);
    for (uint64_t i = 0; i < count; i++)
        page_free(frames[i], 0);
    page_allocator_get_statistics(&statistics);
    assert_int_equal(statistics.free_pages, total);
}

static void odd_sized_zone_splits_into_fitting_blocks(void **state)
{
    struct boot_memory_region region = small_region(37, 0); /* 36 managed pages */
    assert_int_equal(page_allocator_init(&region, 1), 0);
    assert_int_equal(page_alloc(6), PADDR_INVALID); /* 64 pages do not fit */
    paddr_t big = page_alloc(5);
    paddr_t small = page_alloc(2);
    assert_true(big != PADDR_INVALID && small != PADDR_INVALID);
    assert_int_equal(page_alloc(0), PADDR_INVALID);
    page_free(small, 2);
    page_free(big, 5);
}

static void bad_frees_are_refused_and_counted(void **state)
{
    struct page_allocator_statistics before, after;
    unsigned long warnings = warning_count();
    paddr_t block = page_alloc(2);
    page_allocator_get_statistics(&before);
    page_free(block, 1);                 /* wrong order */
    page_free(block + PAGE_SIZE, 0);     /* inside the block */
    page_free(block + 12, 2);            /* unaligned */
    page_free(0x10, 0);                  /* not managed */
    page_allocator_get_statistics(&after);
    assert_int_equal(after.invalid_frees, before.invalid_frees + 4);
    assert_int_equal(after.free_pages, before.free_pages);
    assert_int_equal(warning_count(), warnings + 4);
    page_free(block, 2);
    page_free(block, 2);                 /* double free */
    page_allocator_get_statistics(&after);
    assert_int_equal(after.invalid_frees, before.invalid_frees + 5);
    assert_int_equal(after.free_pages, before.free_pages + 4);
}

static void invalid_order_and_lookups(void **state)
{
    assert_int_equal(page_alloc(PAGE_MAX_ORDER + 1), PADDR_INVALID);
    assert_null(page_from_physical(0));
    assert_null(page_from_virtual(&state));
    assert_int_equal(page_order_for_size(1), 0);
    assert_int_equal(page_order_for_size(PAGE_SIZE), 0);
    assert_int_equal(page_order_for_size(PAGE_SIZE + 1), 1);
    assert_int_equal(page_order_for_size(5 * PAGE_SIZE), 3);
}

static void several_regions_are_all_used(void **state)
{
    struct boot_memory_region regions[2] = { small_region(9, 0), small_region(9, 20) };
    assert_int_equal(page_allocator_init(regions, 2), 0);
    struct page_allocator_statistics statistics;
    page_allocator_get_statistics(&statistics);
    assert_int_equal(statistics.total_pages, 16);
    paddr_t first = page_alloc(3), second = page_alloc(3);
    assert_true(first != PADDR_INVALID && second != PADDR_INVALID);
    assert_true((first < regions[1].base) != (second < regions[1].base));
    assert_int_equal(page_alloc(0), PADDR_INVALID);
}

static void virtual_helpers_zero_memory(void **state)
{
    unsigned char *memory = page_alloc_virtual(1, false);
    memset(memory, 0x5a, 2 * PAGE_SIZE);
    page_free_virtual(memory, 1);
    memory = page_alloc_virtual(1, true);
    assert_non_null(memory);
    for (size_t i = 0; i < 2 * PAGE_SIZE; i++)
        assert_int_equal(memory[i], 0);
    assert_int_equal(platform_phys_to_virt(platform_virt_to_phys(memory)), memory);
    page_free_virtual(memory, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(allocations_are_aligned_and_distinct, boot),
        cmocka_unit_test_setup(free_restores_counts_and_coalesces, boot),
        cmocka_unit_test_setup(exhaustion_returns_invalid_then_recovers, boot),
        cmocka_unit_test_setup(odd_sized_zone_splits_into_fitting_blocks, boot),
        cmocka_unit_test_setup(bad_frees_are_refused_and_counted, boot),
        cmocka_unit_test_setup(invalid_order_and_lookups, boot),
        cmocka_unit_test_setup(several_regions_are_all_used, boot),
        cmocka_unit_test_setup(virtual_helpers_zero_memory, boot),
    };
    return cmocka_run_group_tests_name("page_alloc", tests, NULL, NULL);
}
