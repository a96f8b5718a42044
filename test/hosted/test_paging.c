/* test_paging.c — the hosted backend's software page tables. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <rk/platform.h>

#include "hosted.h"

#define USER_PAGE ((uintptr_t)0x400000)
#define FRAME_A ((paddr_t)0x200000)
#define FRAME_B ((paddr_t)0x201000)
#define READ_WRITE_USER (PLATFORM_PROT_READ | PLATFORM_PROT_WRITE | PLATFORM_PROT_USER)

static int group_setup(void **state)
{
    (void)state;
    return hosted_test_boot("hosted.memory=8M");
}

/* A mapped page translates to its frame and protection, at any offset inside it. */
static void test_map_then_translate(void **state)
{
    (void)state;
    struct platform_address_space space;
    assert_int_equal(platform_address_space_create(&space), 0);
    assert_int_equal(platform_map(&space, USER_PAGE, FRAME_A, READ_WRITE_USER), 0);

    paddr_t frame = 0;
    unsigned prot = 0;
    assert_int_equal(platform_translate(&space, USER_PAGE, &frame, &prot), 0);
    assert_int_equal(frame, FRAME_A);
    assert_int_equal(prot, READ_WRITE_USER);
    assert_int_equal(platform_translate(&space, USER_PAGE + 0x123, &frame, NULL), 0);
    assert_int_equal(frame, FRAME_A);
    assert_int_equal(platform_translate(&space, USER_PAGE + PAGE_SIZE, &frame, &prot), -ENOENT);
    assert_int_equal(platform_translate(&space, USER_PAGE - PAGE_SIZE, NULL, NULL), -ENOENT);
    platform_address_space_destroy(&space);
}

/* Every documented -EINVAL and -EEXIST of platform_map(). */
static void test_map_rejects_bad_arguments(void **state)
{
    (void)state;
    struct platform_address_space space;
    assert_int_equal(platform_address_space_create(&space), 0);
    assert_int_equal(platform_map(&space, USER_PAGE + 1, FRAME_A, PLATFORM_PROT_READ), -EINVAL);
    assert_int_equal(platform_map(&space, USER_PAGE, FRAME_A + 8, PLATFORM_PROT_READ), -EINVAL);
    assert_int_equal(platform_map(&space, 0, FRAME_A, PLATFORM_PROT_READ), -EINVAL);
    assert_int_equal(platform_map(&space, platform_user_address_lowest() - PAGE_SIZE, FRAME_A,
                                  PLATFORM_PROT_READ), -EINVAL);
    assert_int_equal(platform_map(&space, platform_user_address_end(), FRAME_A,
                                  PLATFORM_PROT_READ), -EINVAL);
    assert_int_equal(platform_map(&space, USER_PAGE, FRAME_A, 1u << 7), -EINVAL);
    assert_int_equal(platform_translate(&space, platform_user_address_end(), NULL, NULL), -EINVAL);

    assert_int_equal(platform_map(&space, platform_user_address_lowest(), FRAME_A,
                                  PLATFORM_PROT_READ), 0);
    assert_int_equal(platform_map(&space, platform_user_address_end() - PAGE_SIZE, FRAME_A,
                                  PLATFORM_PROT_READ), 0);
    assert_int_equal(platform_map(&space, USER_PAGE, FRAME_A, PLATFORM_PROT_READ), 0);
    assert_int_equal(platform_map(&space, USER_PAGE, FRAME_B, PLATFORM_PROT_READ), -EEXIST);
    platform_address_space_destroy(&space);
}

/* The span hint: what a missing table covers, never a mapped page, 0 where a page table exists. */
static void test_unmapped_span(void **state)
{
    (void)state;
    struct platform_address_space space;
    assert_int_equal(platform_address_space_create(&space), 0);
    /* Empty space: the whole 512 GiB of the first PML4 slot is known to be empty. */
    assert_int_equal(platform_unmapped_span(&space, 0x10000), ((size_t)1 << 39) - 0x10000);
    assert_int_equal(platform_map(&space, USER_PAGE, FRAME_A, READ_WRITE_USER), 0);
    /* USER_PAGE's page table exists: no hint there nor for its neighbours. */
    assert_int_equal(platform_unmapped_span(&space, USER_PAGE), 0);
    assert_int_equal(platform_unmapped_span(&space, USER_PAGE + PAGE_SIZE), 0);
    /* The next 2 MiB region has no page table: exactly 2 MiB from its start. */
    assert_int_equal(platform_unmapped_span(&space, 0x600000), (size_t)2 << 20);
    assert_int_equal(platform_unmapped_span(&space, 0x601000), ((size_t)2 << 20) - PAGE_SIZE);
    /* The next 1 GiB has no page directory. */
    assert_int_equal(platform_unmapped_span(&space, 0x40000000), (size_t)1 << 30);
    /* Outside the user window: no answer. */
    assert_int_equal(platform_unmapped_span(&space, 0xffff800000000000ull), 0);
    assert_int_equal(platform_unmapped_span(&space, platform_user_address_end()), 0);
    platform_address_space_destroy(&space);
}

/* protect changes only the protection (PROT_NONE included); unmap hands back the frame. */
static void test_protect_and_unmap(void **state)
{
    (void)state;
    struct platform_address_space space;
    assert_int_equal(platform_address_space_create(&space), 0);
    assert_int_equal(platform_protect(&space, USER_PAGE, PLATFORM_PROT_READ), -ENOENT);
    assert_int_equal(platform_map(&space, USER_PAGE, FRAME_B, READ_WRITE_USER), 0);

    assert_int_equal(platform_protect(&space, USER_PAGE, PLATFORM_PROT_READ | PLATFORM_PROT_EXEC), 0);
    paddr_t frame = 0;
    unsigned prot = 0;
    assert_int_equal(platform_translate(&space, USER_PAGE, &frame, &prot), 0);
    assert_int_equal(frame, FRAME_B);
    assert_int_equal(prot, PLATFORM_PROT_READ | PLATFORM_PROT_EXEC);
    assert_int_equal(platform_protect(&space, USER_PAGE, 0), 0);
    assert_int_equal(platform_translate(&space, USER_PAGE, &frame, &prot), 0);
    assert_int_equal(prot, 0);
    assert_int_equal(platform_protect(&space, USER_PAGE + 4, PLATFORM_PROT_READ), -EINVAL);

    assert_int_equal(platform_unmap(&space, USER_PAGE + 4, NULL), -EINVAL);
    paddr_t old = 0;
    assert_int_equal(platform_unmap(&space, USER_PAGE, &old), 0);
    assert_int_equal(old, FRAME_B);
    assert_int_equal(platform_unmap(&space, USER_PAGE, &old), -ENOENT);
    assert_int_equal(platform_translate(&space, USER_PAGE, NULL, NULL), -ENOENT);
    /* The page can be mapped again after the unmap. */
    assert_int_equal(platform_map(&space, USER_PAGE, FRAME_A, PLATFORM_PROT_READ), 0);
    platform_address_space_destroy(&space);
}

/* Tables are created on demand (x86 shape) and destroy gives every one back. */
static void test_destroy_frees_every_table(void **state)
{
    (void)state;
    long before = hosted_page_table_frames_in_use();
    struct platform_address_space space;
    assert_int_equal(platform_address_space_create(&space), 0);
    assert_int_equal(hosted_address_space_table_frames(&space), 1);

    /* Same page table: +3 tables (PDPT, PD, PT) for the first page, none for the second. */
    assert_int_equal(platform_map(&space, USER_PAGE, FRAME_A, PLATFORM_PROT_READ), 0);
    assert_int_equal(platform_map(&space, USER_PAGE + PAGE_SIZE, FRAME_A, PLATFORM_PROT_READ), 0);
    assert_int_equal(hosted_address_space_table_frames(&space), 4);
    /* Another 2 MiB region: a new PT. Another 1 GiB region: PD and PT. Another 512 GiB: three. */
    assert_int_equal(platform_map(&space, USER_PAGE + (2u << 20), FRAME_A, PLATFORM_PROT_READ), 0);
    assert_int_equal(platform_map(&space, USER_PAGE + (1ul << 30), FRAME_A, PLATFORM_PROT_READ), 0);
    assert_int_equal(platform_map(&space, USER_PAGE + (1ul << 39), FRAME_A, PLATFORM_PROT_READ), 0);
    assert_int_equal(hosted_address_space_table_frames(&space), 10);
    assert_int_equal(hosted_page_table_frames_in_use() - before, 10);

    assert_int_equal(platform_unmap(&space, USER_PAGE, NULL), 0);
    platform_address_space_destroy(&space);
    assert_int_equal(hosted_page_table_frames_in_use(), before);
    assert_int_equal(space.root, PADDR_INVALID);
}

/* Spaces are independent in the user half and share the kernel half. */
static void test_spaces_share_only_the_kernel_half(void **state)
{
    (void)state;
    struct platform_address_space first, second;
    struct platform_address_space *kernel = platform_address_space_kernel();
    uintptr_t kernel_page = platform_kernel_mapping_lowest() + 0x200000;
    assert_int_equal(platform_address_space_create(&first), 0);
    assert_int_equal(platform_address_space_create(&second), 0);

    assert_int_equal(platform_map(&first, USER_PAGE, FRAME_A, READ_WRITE_USER), 0);
    assert_int_equal(platform_translate(&second, USER_PAGE, NULL, NULL), -ENOENT);
    assert_int_equal(platform_map(kernel, USER_PAGE, FRAME_A, PLATFORM_PROT_READ), -EINVAL);

    /* Only the kernel mapping window may change; the direct map region may not. */
    assert_int_equal(platform_map(kernel, (uintptr_t)0xffff900000000000, FRAME_B, PLATFORM_PROT_READ),
                     -EINVAL);
    assert_int_equal(platform_map(kernel, platform_kernel_mapping_end(), FRAME_B, PLATFORM_PROT_READ),
                     -EINVAL);
    assert_int_equal(platform_map(kernel, kernel_page, FRAME_B, PLATFORM_PROT_READ), 0);
    paddr_t frame = 0;
    assert_int_equal(platform_translate(&first, kernel_page, &frame, NULL), 0);
    assert_int_equal(frame, FRAME_B);
    assert_int_equal(platform_translate(&second, kernel_page, &frame, NULL), 0);
    assert_int_equal(frame, FRAME_B);

    platform_address_space_destroy(&first);
    platform_address_space_destroy(&second);
    /* Destroying user spaces leaves the kernel half alone. */
    assert_int_equal(platform_translate(kernel, kernel_page, &frame, NULL), 0);
    assert_int_equal(platform_unmap(kernel, kernel_page, NULL), 0);
}

/* Activation is recorded; destroying the active space falls back to the kernel space. */
static void test_activate(void **state)
{
    (void)state;
    struct platform_address_space space;
    assert_ptr_equal(hosted_active_address_space(), platform_address_space_kernel());
    assert_int_equal(platform_address_space_create(&space), 0);
    platform_address_space_activate(&space);
    assert_ptr_equal(hosted_active_address_space(), &space);
    platform_address_space_activate(platform_address_space_kernel());
    assert_ptr_equal(hosted_active_address_space(), platform_address_space_kernel());
    platform_address_space_destroy(&space);
}

/* With no frame left for a page table, map fails with -ENOMEM and nothing leaks. */
static void test_map_without_memory(void **state)
{
    (void)state;
    static paddr_t taken[4096];
    size_t count = 0;
    struct platform_address_space space;
    assert_int_equal(platform_address_space_create(&space), 0);
    while (count < 4096) {
        paddr_t frame = core_frame_alloc();
        if (frame == PADDR_INVALID)
            break;
        taken[count++] = frame;
    }
    assert_true(count < 4096); /* 8 MiB arena: memory really ran out */
    assert_int_equal(platform_map(&space, USER_PAGE, FRAME_A, PLATFORM_PROT_READ), -ENOMEM);
    while (count > 0)
        core_frame_free(taken[--count]);
    assert_int_equal(platform_map(&space, USER_PAGE, FRAME_A, PLATFORM_PROT_READ), 0);
    platform_address_space_destroy(&space);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map_then_translate),
        cmocka_unit_test(test_map_rejects_bad_arguments),
        cmocka_unit_test(test_protect_and_unmap),
        cmocka_unit_test(test_unmapped_span),
        cmocka_unit_test(test_destroy_frees_every_table),
        cmocka_unit_test(test_spaces_share_only_the_kernel_half),
        cmocka_unit_test(test_activate),
        cmocka_unit_test(test_map_without_memory),
    };
    return cmocka_run_group_tests_name("hosted paging", tests, group_setup, NULL);
}
