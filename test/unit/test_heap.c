/* test_heap.c — kmalloc/kfree: size classes, large blocks, bad frees, fragmentation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <rk/heap.h>
#include <rk/page_alloc.h>
#include <rk/panic.h>
#include "hosted.h"

static int boot(void **state)
{
    assert_int_equal(hosted_test_boot("loglevel=3 hosted.memory=16M"), 0);
    return 0;
}

static void size_classes_round_up_and_align(void **state)
{
    static const size_t sizes[] = { 1, 15, 16, 17, 100, 500, 1000, 2048 };
    static const size_t classes[] = { 16, 16, 16, 32, 128, 512, 1024, 2048 };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        void *pointer = kmalloc(sizes[i]);
        assert_non_null(pointer);
        assert_int_equal((uintptr_t)pointer % 16, 0);
        assert_int_equal(ksize(pointer), classes[i]);
        memset(pointer, 0xcc, sizes[i]);
        kfree(pointer);
    }
    assert_null(kmalloc(0));
    kfree(NULL);
}

static void allocations_do_not_overlap(void **state)
{
    enum { COUNT = 300 };
    static unsigned char *blocks[COUNT];
    struct heap_statistics before;
    heap_get_statistics(&before);
    for (int i = 0; i < COUNT; i++) {
        blocks[i] = kmalloc(24);
        assert_non_null(blocks[i]);
        memset(blocks[i], i & 0xff, 24);
    }
    for (int i = 0; i < COUNT; i++)
        for (int j = 0; j < 24; j++)
            assert_int_equal(blocks[i][j], i & 0xff);
    for (int i = 0; i < COUNT; i++)
        kfree(blocks[i]);
    struct heap_statistics statistics;
    heap_get_statistics(&statistics);
    assert_int_equal(statistics.bytes_in_use, before.bytes_in_use);
}

static void large_allocations_use_whole_pages(void **state)
{
    struct page_allocator_statistics before, during, after;
    page_allocator_get_statistics(&before);
    void *pointer = kmalloc(3 * PAGE_SIZE + 1);
    assert_non_null(pointer);
    assert_int_equal((uintptr_t)pointer % PAGE_SIZE, 0);
    assert_int_equal(ksize(pointer), 4 * PAGE_SIZE);
    page_allocator_get_statistics(&during);
    assert_int_equal(during.free_pages, before.free_pages - 4);
    kfree(pointer);
    page_allocator_get_statistics(&after);
    assert_int_equal(after.free_pages, before.free_pages);
}

static void double_free_is_detected_and_harmless(void **state)
{
    struct heap_statistics before, after;
    heap_get_statistics(&before);
    void *small = kmalloc(64);
    void *neighbour = kmalloc(64);
    kfree(small);
    kfree(small);
    void *large = kmalloc(PAGE_SIZE * 2);
    kfree(large);
    kfree(large);
    heap_get_statistics(&after);
    assert_int_equal(after.double_frees, before.double_frees + 2);
    assert_int_equal(ksize(neighbour), 64);
    /* The heap still hands out distinct blocks afterwards. */
    void *first = kmalloc(64), *second = kmalloc(64);
    assert_ptr_not_equal(first, second);
    kfree(first);
    kfree(second);
    kfree(neighbour);
}

static void foreign_and_interior_pointers_are_refused(void **state)
{
    struct heap_statistics before, after;
    heap_get_statistics(&before);
    unsigned long warnings = warning_count();
    char *block = kmalloc(128);
    int on_the_host_stack;
    kfree(block + 8);               /* interior pointer */
    kfree(&on_the_host_stack);      /* never from kmalloc */
    char *large = kmalloc(PAGE_SIZE * 3);
    kfree(large + 16);              /* interior of a large block */
    heap_get_statistics(&after);
    assert_int_equal(after.invalid_frees, before.invalid_frees + 3);
    assert_int_equal(warning_count(), warnings + 3);
    assert_int_equal(ksize(block), 128);
    assert_int_equal(ksize(block + 8), 0);
    kfree(block);
    kfree(large);
}

static void kzalloc_and_kcalloc_zero_and_check_overflow(void **state)
{
    unsigned char *dirty = kmalloc(200);
    memset(dirty, 0xee, 200);
    kfree(dirty);
    unsigned char *clean = kzalloc(200);
    for (int i = 0; i < 200; i++)
        assert_int_equal(clean[i], 0);
    kfree(clean);
    unsigned *array = kcalloc(10, sizeof(unsigned));
    assert_non_null(array);
    assert_int_equal(array[9], 0);
    kfree(array);
    assert_null(kcalloc(SIZE_MAX / 2, 4));
}

static void exhaustion_fails_cleanly(void **state)
{
    enum { MAX_BLOCKS = 64 };
    void *blocks[MAX_BLOCKS];
    int count = 0;
    while (count < MAX_BLOCKS && (blocks[count] = kmalloc(1024 * 1024)) != NULL)
        count++;
    assert_true(count > 0 && count < MAX_BLOCKS); /* 16 MiB of memory runs out */
    struct heap_statistics statistics;
    heap_get_statistics(&statistics);
    assert_true(statistics.failed_allocations >= 1);
    assert_null(kmalloc(8 * 1024 * 1024));
    for (int i = 0; i < count; i++)
        kfree(blocks[i]);
    void *again = kmalloc(1024 * 1024);
    assert_non_null(again);
    kfree(again);
}

static void fragmentation_is_undone_by_freeing(void **state)
{
    enum { COUNT = 2000 };
    static void *blocks[COUNT];
    struct page_allocator_statistics before, after;
    struct heap_statistics heap_before;
    heap_get_statistics(&heap_before);
    page_allocator_get_statistics(&before);
    for (int i = 0; i < COUNT; i++)
        blocks[i] = kmalloc((size_t)(16 << (i % 8)));
    for (int i = 0; i < COUNT; i += 2)  /* free every other block: holes everywhere */
        kfree(blocks[i]);
    for (int i = 0; i < COUNT; i += 2)  /* the holes are reused */
        blocks[i] = kmalloc((size_t)(16 << (i % 8)));
    for (int i = 0; i < COUNT; i++)
        kfree(blocks[i]);
    page_allocator_get_statistics(&after);
    struct heap_statistics statistics;
    heap_get_statistics(&statistics);
    assert_int_equal(statistics.bytes_in_use, heap_before.bytes_in_use);
    /* At most one cached empty slab per size class stays behind. */
    assert_true(before.free_pages - after.free_pages <= statistics.slab_pages);
    assert_true(statistics.slab_pages <= 8 * 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(size_classes_round_up_and_align, boot),
        cmocka_unit_test_setup(allocations_do_not_overlap, boot),
        cmocka_unit_test_setup(large_allocations_use_whole_pages, boot),
        cmocka_unit_test_setup(double_free_is_detected_and_harmless, boot),
        cmocka_unit_test_setup(foreign_and_interior_pointers_are_refused, boot),
        cmocka_unit_test_setup(kzalloc_and_kcalloc_zero_and_check_overflow, boot),
        cmocka_unit_test_setup(exhaustion_fails_cleanly, boot),
        cmocka_unit_test_setup(fragmentation_is_undone_by_freeing, boot),
    };
    return cmocka_run_group_tests_name("heap", tests, NULL, NULL);
}
