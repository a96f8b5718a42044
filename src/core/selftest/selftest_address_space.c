/*
 * selftest_address_space.c — the platform's address-space calls as the Core
 * will use them (the same checks on both backends).
 */
#include <rk/errno.h>
#include <rk/page_alloc.h>
#include <rk/selftest.h>

#include "selftests.h"

static int check_kernel_window(void);

/* Map, translate, protect, unmap and destroy; errors as documented; no frame leaks. */
int selftest_address_space(void)
{
    /* Kernel-half page tables stay once created, so exercise the window before counting. */
    if (check_kernel_window() < 0)
        return -1;
    struct page_allocator_statistics before, after;
    page_allocator_get_statistics(&before);

    struct platform_address_space space;
    SELFTEST_CHECK(platform_address_space_create(&space) == 0);
    paddr_t frame = page_alloc(0);
    SELFTEST_CHECK(frame != PADDR_INVALID);
    uintptr_t user_page = platform_user_address_lowest() + 16 * PAGE_SIZE;
    uintptr_t last_page = platform_user_address_end() - PAGE_SIZE;
    unsigned read_write = PLATFORM_PROT_READ | PLATFORM_PROT_WRITE | PLATFORM_PROT_USER;

    SELFTEST_CHECK(platform_map(&space, user_page, frame, read_write) == 0);
    SELFTEST_CHECK(platform_map(&space, user_page, frame, read_write) == -EEXIST);
    SELFTEST_CHECK(platform_map(&space, last_page, frame, read_write) == 0);
    SELFTEST_CHECK(platform_map(&space, user_page + 1, frame, read_write) == -EINVAL);
    SELFTEST_CHECK(platform_map(&space, user_page + PAGE_SIZE, frame + 1, read_write) == -EINVAL);
    SELFTEST_CHECK(platform_map(&space, platform_user_address_end(), frame, read_write) == -EINVAL);
    SELFTEST_CHECK(platform_map(&space, 0, frame, read_write) == -EINVAL);

    paddr_t found = 0;
    unsigned prot = 0;
    SELFTEST_CHECK(platform_translate(&space, user_page + 123, &found, &prot) == 0);
    SELFTEST_CHECK(found == frame);
    SELFTEST_CHECK(prot == read_write);
    SELFTEST_CHECK(platform_translate(&space, user_page + PAGE_SIZE, NULL, NULL) == -ENOENT);
    SELFTEST_CHECK(platform_protect(&space, user_page, PLATFORM_PROT_READ | PLATFORM_PROT_USER) == 0);
    SELFTEST_CHECK(platform_translate(&space, user_page, NULL, &prot) == 0);
    SELFTEST_CHECK(prot == (PLATFORM_PROT_READ | PLATFORM_PROT_USER));
    SELFTEST_CHECK(platform_protect(&space, user_page + PAGE_SIZE, PLATFORM_PROT_READ) == -ENOENT);

    SELFTEST_CHECK(platform_unmap(&space, user_page, &found) == 0 && found == frame);
    SELFTEST_CHECK(platform_unmap(&space, user_page, NULL) == -ENOENT);
    SELFTEST_CHECK(platform_unmap(&space, last_page, NULL) == 0);
    platform_address_space_destroy(&space);
    page_free(frame, 0);

    page_allocator_get_statistics(&after);
    SELFTEST_CHECK(after.free_pages == before.free_pages); /* every table frame came back */
    return 0;
}

/* The kernel half is shared: a window mapping made in the kernel space shows in every space. */
static int check_kernel_window(void)
{
    struct platform_address_space space;
    SELFTEST_CHECK(platform_address_space_create(&space) == 0);
    paddr_t frame = page_alloc(0), found = 0;
    SELFTEST_CHECK(frame != PADDR_INVALID);
    uintptr_t window_page = platform_kernel_mapping_lowest() + 7 * PAGE_SIZE;
    struct platform_address_space *kernel = platform_address_space_kernel();
    SELFTEST_CHECK(platform_map(kernel, window_page, frame, PLATFORM_PROT_READ) == 0);
    SELFTEST_CHECK(platform_translate(&space, window_page, &found, NULL) == 0 && found == frame);
    SELFTEST_CHECK(platform_unmap(kernel, window_page, &found) == 0 && found == frame);
    SELFTEST_CHECK(platform_translate(&space, window_page, NULL, NULL) == -ENOENT);

    SELFTEST_CHECK(platform_map(kernel, platform_kernel_mapping_lowest() - PAGE_SIZE, frame,
                                PLATFORM_PROT_READ) == -EINVAL);
    SELFTEST_CHECK(platform_map(kernel, window_page, frame,
                                PLATFORM_PROT_READ | PLATFORM_PROT_USER) == -EINVAL);
    platform_address_space_destroy(&space);
    page_free(frame, 0);
    return 0;
}
