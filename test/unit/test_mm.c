/*
 * test_mm.c — the memory manager (rk/mm.h) through its own API: demand
 * zero, copy-on-write fork, area splitting and merging, MAP_FIXED, brk,
 * mremap, madvise, shared anonymous memory, growsdown stacks, frame
 * reference counts and the page count before and after (no leak).
 */
#include "mm_fixture.h"

/* Nothing is resident any more (the teardown checks the frames came back). */
static void assert_no_leak(void) { assert_int_equal(test_mm->resident_pages, 0); }

static void frame_references_count_users(void **state)
{
    paddr_t frame = page_alloc(0);
    assert_int_equal(page_frame_references(frame), 1);
    page_frame_get(frame);
    assert_int_equal(page_frame_references(frame), 2);
    uint64_t before = free_pages();
    page_frame_put(frame);
    assert_int_equal(free_pages(), before);           /* still one user */
    assert_int_equal(page_frame_references(frame), 1);
    page_frame_put(frame);
    assert_int_equal(free_pages(), before + 1);       /* the last user frees it */
    assert_int_equal(page_frame_references(frame), 0);
    assert_no_leak();
}

static void anonymous_pages_are_demand_zero(void **state)
{
    uintptr_t base = map_anonymous(4);
    assert_int_equal(test_mm->resident_pages, 0);
    assert_null(resident_byte(test_mm, base));
    assert_int_equal(user_load(test_mm, base + PAGE_SIZE + 5), 0);
    assert_int_equal(test_mm->resident_pages, 1);
    assert_int_equal(user_store(test_mm, base + 3, 0x5a), 0);
    assert_int_equal(user_load(test_mm, base + 3), 0x5a);
    assert_int_equal(test_mm->resident_pages, 2);
    /* Placement is top-down below mmap_base. */
    assert_true(base + 4 * PAGE_SIZE <= test_mm->mmap_base);
    uintptr_t second = map_anonymous(1);
    assert_true(second < base);
    assert_int_equal(mm_unmap(test_mm, base, 4 * PAGE_SIZE), 0);
    assert_int_equal(mm_unmap(test_mm, second, PAGE_SIZE), 0);
    assert_int_equal(test_mm->resident_pages, 0);
    assert_int_equal(mm_handle_fault(test_mm, base, MM_ACCESS_READ), -EFAULT);
    assert_no_leak();
}

static void fork_shares_private_pages_copy_on_write(void **state)
{
    uintptr_t base = map_anonymous(2);
    assert_int_equal(user_store(test_mm, base, 'A'), 0);
    paddr_t original = frame_of(test_mm, base);
    struct mm *child = mm_fork(test_mm);
    assert_non_null(child);
    assert_int_equal(area_count(child), 1);
    assert_int_equal(frame_of(child, base), original);
    assert_int_equal(page_frame_references(original), 2);
    /* Both now map it read-only. */
    unsigned prot;
    assert_int_equal(platform_translate(&test_mm->space, base, NULL, &prot), 0);
    assert_false(prot & PLATFORM_PROT_WRITE);
    assert_int_equal(platform_translate(&child->space, base, NULL, &prot), 0);
    assert_false(prot & PLATFORM_PROT_WRITE);
    /* A write in the child is invisible to the parent. */
    assert_int_equal(user_store(child, base, 'B'), 0);
    assert_true(frame_of(child, base) != original);
    assert_int_equal(user_load(test_mm, base), 'A');
    assert_int_equal(user_load(child, base), 'B');
    /* The parent is the frame's only user now: the write keeps the frame. */
    assert_int_equal(page_frame_references(original), 1);
    assert_int_equal(user_store(test_mm, base, 'C'), 0);
    assert_int_equal(frame_of(test_mm, base), original);
    assert_int_equal(user_load(child, base), 'B');
    /* A page first touched after the fork is separate in each. */
    assert_int_equal(user_store(child, base + PAGE_SIZE, 'x'), 0);
    assert_int_equal(user_load(test_mm, base + PAGE_SIZE), 0);
    mm_put(child);
    assert_int_equal(mm_unmap(test_mm, base, 2 * PAGE_SIZE), 0);
    assert_no_leak();
}

static void frame_is_freed_with_its_last_user(void **state)
{
    uintptr_t base = map_anonymous(1);
    assert_int_equal(user_store(test_mm, base, 1), 0);
    paddr_t frame = frame_of(test_mm, base);
    struct mm *child = mm_fork(test_mm);
    assert_non_null(child);
    assert_int_equal(mm_unmap(test_mm, base, PAGE_SIZE), 0);
    assert_int_equal(page_frame_references(frame), 1);   /* the child still maps it */
    assert_int_equal(user_load(child, base), 1);
    uint64_t before = free_pages();
    mm_put(child);
    assert_true(free_pages() > before);
    assert_int_equal(page_frame_references(frame), 0);
    assert_no_leak();
}

static void shared_anonymous_memory_is_shared_with_fork_child(void **state)
{
    long address = mm_map(test_mm, 0, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE,
                          MAP_SHARED | MAP_ANONYMOUS, NULL, 0);
    assert_true(address > 0);
    uintptr_t base = (uintptr_t)address;
    assert_int_equal(user_store(test_mm, base, 'p'), 0);
    struct mm *child = mm_fork(test_mm);
    assert_non_null(child);
    /* Touched before the fork and after: the same bytes either way. */
    assert_int_equal(user_store(child, base, 'c'), 0);
    assert_int_equal(user_load(test_mm, base), 'c');
    assert_int_equal(user_store(child, base + 2 * PAGE_SIZE, 'n'), 0);
    assert_int_equal(user_load(test_mm, base + 2 * PAGE_SIZE), 'n');
    assert_int_equal(frame_of(child, base + 2 * PAGE_SIZE), frame_of(test_mm, base + 2 * PAGE_SIZE));
    /* Dropped pages come back from the shared object, not as zeros. */
    assert_int_equal(mm_advise(test_mm, base, PAGE_SIZE, MADV_DONTNEED), 0);
    assert_int_equal(user_load(test_mm, base), 'c');
    mm_put(child);
    assert_int_equal(user_load(test_mm, base + 2 * PAGE_SIZE), 'n');
    assert_int_equal(mm_unmap(test_mm, base, 3 * PAGE_SIZE), 0);
    assert_no_leak();
}

static void partial_unmap_splits_an_area(void **state)
{
    uintptr_t base = map_anonymous(4);
    for (unsigned i = 0; i < 4; i++)
        assert_int_equal(user_store(test_mm, base + i * PAGE_SIZE, (unsigned char)(i + 1)), 0);
    assert_int_equal(mm_unmap(test_mm, base + PAGE_SIZE, PAGE_SIZE), 0);
    assert_int_equal(area_count(test_mm), 2);
    struct vm_area *low = mm_find_area(test_mm, base);
    struct vm_area *high = mm_find_area(test_mm, base + 2 * PAGE_SIZE);
    assert_int_equal(low->start, base);
    assert_int_equal(low->end, base + PAGE_SIZE);
    assert_int_equal(high->start, base + 2 * PAGE_SIZE);
    assert_int_equal(high->end, base + 4 * PAGE_SIZE);
    assert_null(mm_find_area(test_mm, base + PAGE_SIZE));
    assert_int_equal(mm_handle_fault(test_mm, base + PAGE_SIZE, MM_ACCESS_READ), -EFAULT);
    assert_int_equal(user_load(test_mm, base), 1);
    assert_int_equal(user_load(test_mm, base + 3 * PAGE_SIZE), 4);
    assert_int_equal(test_mm->resident_pages, 3);
    /* Unmapping across the hole and partly beyond is fine. */
    assert_int_equal(mm_unmap(test_mm, base, 3 * PAGE_SIZE), 0);
    assert_int_equal(area_count(test_mm), 1);
    assert_int_equal(mm_unmap(test_mm, base + 3 * PAGE_SIZE, 8 * PAGE_SIZE), 0);
    assert_int_equal(area_count(test_mm), 0);
    assert_no_leak();
}

static void mprotect_splits_and_merges_again(void **state)
{
    uintptr_t base = map_anonymous(3);
    assert_int_equal(user_store(test_mm, base + PAGE_SIZE, 7), 0);
    assert_int_equal(mm_protect(test_mm, base + PAGE_SIZE, PAGE_SIZE, PROT_READ), 0);
    assert_int_equal(area_count(test_mm), 3);
    assert_int_equal(mm_handle_fault(test_mm, base + PAGE_SIZE, MM_ACCESS_WRITE), -EACCES);
    assert_int_equal(user_load(test_mm, base + PAGE_SIZE), 7);
    unsigned prot;
    assert_int_equal(platform_translate(&test_mm->space, base + PAGE_SIZE, NULL, &prot), 0);
    assert_false(prot & PLATFORM_PROT_WRITE);
    assert_int_equal(mm_protect(test_mm, base + PAGE_SIZE, PAGE_SIZE, PROT_NONE), 0);
    assert_int_equal(mm_handle_fault(test_mm, base + PAGE_SIZE, MM_ACCESS_READ), -EACCES);
    assert_int_equal(mm_protect(test_mm, base, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE), 0);
    assert_int_equal(area_count(test_mm), 1);
    assert_int_equal(user_load(test_mm, base + PAGE_SIZE), 7);  /* the page survived PROT_NONE */
    assert_int_equal(user_store(test_mm, base + PAGE_SIZE, 8), 0);
    /* Errors: a hole, bad bits, unaligned. */
    assert_int_equal(mm_protect(test_mm, base, 4 * PAGE_SIZE, PROT_READ), -ENOMEM);
    assert_int_equal(mm_protect(test_mm, base, PAGE_SIZE, 0x40), -EINVAL);
    assert_int_equal(mm_protect(test_mm, base + 1, PAGE_SIZE, PROT_READ), -EINVAL);
    assert_int_equal(mm_protect(test_mm, base, 0, PROT_READ), 0);
    assert_int_equal(mm_unmap(test_mm, base, 3 * PAGE_SIZE), 0);
    assert_no_leak();
}

static void map_fixed_replaces_and_noreplace_refuses(void **state)
{
    uintptr_t base = map_anonymous(3);
    for (unsigned i = 0; i < 3; i++)
        assert_int_equal(user_store(test_mm, base + i * PAGE_SIZE, 0x11), 0);
    long result = mm_map(test_mm, base + PAGE_SIZE, PAGE_SIZE, PROT_READ,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, NULL, 0);
    assert_int_equal(result, -EEXIST);
    assert_int_equal(user_load(test_mm, base + PAGE_SIZE), 0x11);
    result = mm_map(test_mm, base + PAGE_SIZE, PAGE_SIZE, PROT_READ,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);
    assert_int_equal(result, (long)(base + PAGE_SIZE));
    assert_int_equal(area_count(test_mm), 3);
    assert_int_equal(user_load(test_mm, base + PAGE_SIZE), 0);      /* fresh zero page */
    assert_int_equal(user_load(test_mm, base), 0x11);
    assert_int_equal(user_load(test_mm, base + 2 * PAGE_SIZE), 0x11);
    assert_int_equal(mm_handle_fault(test_mm, base + PAGE_SIZE, MM_ACCESS_WRITE), -EACCES);
    /* NOREPLACE into a free range works; a hint that is free is taken as is. */
    result = mm_map(test_mm, base + 8 * PAGE_SIZE, PAGE_SIZE, PROT_READ,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, NULL, 0);
    assert_int_equal(result, (long)(base + 8 * PAGE_SIZE));
    result = mm_map(test_mm, base + 16 * PAGE_SIZE, PAGE_SIZE, PROT_READ,
                    MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0);
    assert_int_equal(result, (long)(base + 16 * PAGE_SIZE));
    /* A hint on a used range goes elsewhere. */
    result = mm_map(test_mm, base, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0);
    assert_true(result > 0 && (uintptr_t)result != base);
    assert_int_equal(mm_unmap(test_mm, (uintptr_t)result, PAGE_SIZE), 0);
    assert_int_equal(mm_unmap(test_mm, base, 17 * PAGE_SIZE), 0);
    assert_no_leak();
}

static void map_errors_follow_linux(void **state)
{
    unsigned anonymous = MAP_PRIVATE | MAP_ANONYMOUS;
    assert_int_equal(mm_map(test_mm, 0, 0, PROT_READ, anonymous, NULL, 0), -EINVAL);
    assert_int_equal(mm_map(test_mm, 0, PAGE_SIZE, PROT_READ, MAP_ANONYMOUS, NULL, 0), -EINVAL);
    assert_int_equal(mm_map(test_mm, 0, PAGE_SIZE, PROT_READ, anonymous, NULL, 100), -EINVAL);
    uintptr_t somewhere = 0x40000000;
    assert_int_equal(mm_map(test_mm, somewhere + 1, PAGE_SIZE, PROT_READ, anonymous | MAP_FIXED,
                            NULL, 0), -EINVAL);
    uintptr_t end = platform_user_address_end();
    assert_int_equal(mm_map(test_mm, end - PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ,
                            anonymous | MAP_FIXED, NULL, 0), -ENOMEM);
    assert_int_equal(mm_map(test_mm, 0, (size_t)-PAGE_SIZE, PROT_READ, anonymous, NULL, 0),
                     -ENOMEM);
    assert_int_equal(mm_map(test_mm, 0, PAGE_SIZE, PROT_READ,
                            MAP_SHARED_VALIDATE | MAP_ANONYMOUS | 0x400, NULL, 0), -EOPNOTSUPP);
    assert_int_equal(mm_unmap(test_mm, somewhere + 1, PAGE_SIZE), -EINVAL);
    assert_int_equal(mm_unmap(test_mm, somewhere, 0), -EINVAL);
    assert_int_equal(mm_unmap(test_mm, somewhere, PAGE_SIZE), 0);    /* nothing there: fine */
    assert_int_equal(mm_advise(test_mm, somewhere, PAGE_SIZE, 77), -EINVAL);
    assert_int_equal(mm_advise(test_mm, somewhere + 1, PAGE_SIZE, MADV_DONTNEED), -EINVAL);
    assert_int_equal(mm_advise(test_mm, somewhere, PAGE_SIZE, MADV_DONTNEED), -ENOMEM);
    assert_int_equal(area_count(test_mm), 0);
    assert_no_leak();
}

static void brk_grows_and_shrinks_the_heap(void **state)
{
    uintptr_t start = 0x600000;
    test_mm->brk_start = test_mm->brk = start;
    assert_int_equal(mm_brk(test_mm, 0), start);               /* query */
    assert_int_equal(mm_brk(test_mm, start - 1), start);       /* never below the start */
    assert_int_equal(mm_brk(test_mm, start + 3 * PAGE_SIZE + 10), start + 3 * PAGE_SIZE + 10);
    struct vm_area *heap = mm_find_area(test_mm, start);
    assert_non_null(heap);
    assert_string_equal(heap->name, "[heap]");
    assert_int_equal(heap->end, start + 4 * PAGE_SIZE);
    assert_int_equal(user_store(test_mm, start + 3 * PAGE_SIZE + 5, 9), 0);
    assert_int_equal(mm_brk(test_mm, start + PAGE_SIZE), start + PAGE_SIZE);
    assert_int_equal(heap->end, start + PAGE_SIZE);
    assert_int_equal(mm_handle_fault(test_mm, start + 3 * PAGE_SIZE, MM_ACCESS_READ), -EFAULT);
    /* Growing again gives zeroed pages. */
    assert_int_equal(mm_brk(test_mm, start + 4 * PAGE_SIZE), start + 4 * PAGE_SIZE);
    assert_int_equal(user_load(test_mm, start + 3 * PAGE_SIZE + 5), 0);
    /* A mapping in the way: the break stays. */
    long blocker = mm_map(test_mm, start + 8 * PAGE_SIZE, PAGE_SIZE, PROT_READ,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);
    assert_int_equal(blocker, (long)(start + 8 * PAGE_SIZE));
    assert_int_equal(mm_brk(test_mm, start + 9 * PAGE_SIZE), start + 4 * PAGE_SIZE);
    assert_int_equal(mm_brk(test_mm, start), start);
    assert_null(mm_find_area(test_mm, start));
    assert_int_equal(mm_unmap(test_mm, start + 8 * PAGE_SIZE, PAGE_SIZE), 0);
    assert_no_leak();
}

static void mremap_grows_in_place_moves_and_shrinks(void **state)
{
    uintptr_t base = map_anonymous(2);
    assert_int_equal(user_store(test_mm, base, 'a'), 0);
    assert_int_equal(user_store(test_mm, base + PAGE_SIZE, 'b'), 0);
    /* Room above? Make sure there is none: place a blocker right after. */
    long blocker = mm_map(test_mm, base + 2 * PAGE_SIZE, PAGE_SIZE, PROT_READ,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);
    assert_true(blocker > 0);
    assert_int_equal(mm_remap(test_mm, base, 2 * PAGE_SIZE, 4 * PAGE_SIZE, 0, 0), -ENOMEM);
    long moved = mm_remap(test_mm, base, 2 * PAGE_SIZE, 4 * PAGE_SIZE, MREMAP_MAYMOVE, 0);
    assert_true(moved > 0 && (uintptr_t)moved != base);
    uintptr_t target = (uintptr_t)moved;
    assert_null(mm_find_area(test_mm, base));
    assert_int_equal(user_load(test_mm, target), 'a');
    assert_int_equal(user_load(test_mm, target + PAGE_SIZE), 'b');
    assert_int_equal(user_load(test_mm, target + 3 * PAGE_SIZE), 0);
    /* Shrink keeps the start. */
    assert_int_equal(mm_remap(test_mm, target, 4 * PAGE_SIZE, PAGE_SIZE, 0, 0), (long)target);
    assert_null(mm_find_area(test_mm, target + PAGE_SIZE));
    /* Grow in place into the free space just freed. */
    assert_int_equal(mm_remap(test_mm, target, PAGE_SIZE, 3 * PAGE_SIZE, 0, 0), (long)target);
    assert_int_equal(mm_find_area(test_mm, target + 2 * PAGE_SIZE)->end, target + 3 * PAGE_SIZE);
    assert_int_equal(user_load(test_mm, target + PAGE_SIZE), 0);
    /* MREMAP_FIXED moves to exactly there. */
    uintptr_t fixed = 0x50000000;
    assert_int_equal(mm_remap(test_mm, target, 3 * PAGE_SIZE, 3 * PAGE_SIZE,
                              MREMAP_MAYMOVE | MREMAP_FIXED, fixed), (long)fixed);
    assert_int_equal(user_load(test_mm, fixed), 'a');
    /* Errors. */
    assert_int_equal(mm_remap(test_mm, base, PAGE_SIZE, 2 * PAGE_SIZE, 0, 0), -EFAULT);
    assert_int_equal(mm_remap(test_mm, fixed, PAGE_SIZE, 2 * PAGE_SIZE, MREMAP_FIXED, 0), -EINVAL);
    assert_int_equal(mm_remap(test_mm, fixed + 1, PAGE_SIZE, 2 * PAGE_SIZE, 0, 0), -EINVAL);
    assert_int_equal(mm_remap(test_mm, fixed, PAGE_SIZE, 0, 0, 0), -EINVAL);
    assert_int_equal(mm_unmap(test_mm, fixed, 3 * PAGE_SIZE), 0);
    assert_int_equal(mm_unmap(test_mm, (uintptr_t)blocker, PAGE_SIZE), 0);
    assert_no_leak();
}

static void madvise_dontneed_gives_zero_pages(void **state)
{
    uintptr_t base = map_anonymous(2);
    assert_int_equal(user_store(test_mm, base, 'z'), 0);
    assert_int_equal(user_store(test_mm, base + PAGE_SIZE, 'y'), 0);
    assert_int_equal(mm_advise(test_mm, base, PAGE_SIZE, MADV_DONTNEED), 0);
    assert_int_equal(test_mm->resident_pages, 1);
    assert_int_equal(user_load(test_mm, base), 0);
    assert_int_equal(user_load(test_mm, base + PAGE_SIZE), 'y');
    assert_int_equal(mm_advise(test_mm, base, 2 * PAGE_SIZE, MADV_NORMAL), 0);
    assert_int_equal(mm_advise(test_mm, base, 3 * PAGE_SIZE, MADV_NORMAL), -ENOMEM);
    assert_int_equal(mm_unmap(test_mm, base, 2 * PAGE_SIZE), 0);
    assert_no_leak();
}

static void growsdown_area_grows_on_a_fault_just_below(void **state)
{
    uintptr_t top = 0x70000000;
    long stack = mm_map(test_mm, top - 2 * PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_GROWSDOWN, NULL, 0);
    assert_int_equal(stack, (long)(top - 2 * PAGE_SIZE));
    assert_int_equal(user_store(test_mm, top - 3 * PAGE_SIZE + 8, 1), 0);
    assert_int_equal(mm_find_area(test_mm, top - 1)->start, top - 3 * PAGE_SIZE);
    /* Far below (beyond the growth limit) is still a fault. */
    assert_int_equal(mm_handle_fault(test_mm, top - 64 * 1024 * 1024, MM_ACCESS_READ), -EFAULT);
    assert_int_equal(mm_unmap(test_mm, top - 3 * PAGE_SIZE, 3 * PAGE_SIZE), 0);
    assert_no_leak();
}

/* Regression: growth below the lowest user address or without the access is refused, area intact. */
static void growsdown_area_refuses_bad_growth_and_stays_intact(void **state)
{
    uintptr_t lowest = platform_user_address_lowest();
    long stack = mm_map(test_mm, lowest + PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_GROWSDOWN, NULL, 0);
    assert_int_equal(stack, (long)(lowest + PAGE_SIZE));
    /* Just below the lowest address: a plain fault (SIGSEGV), not ENOMEM (SIGKILL). */
    if (lowest >= PAGE_SIZE)
        assert_int_equal(mm_handle_fault(test_mm, lowest - PAGE_SIZE + 0x100, MM_ACCESS_WRITE), -EFAULT);
    assert_int_equal(mm_find_area(test_mm, lowest + PAGE_SIZE)->start, lowest + PAGE_SIZE);
    assert_null(mm_find_area(test_mm, lowest));
    assert_int_equal(mm_unmap(test_mm, lowest + PAGE_SIZE, PAGE_SIZE), 0);
    /* A read-only growsdown area: a write just below is refused and does not grow it. */
    uintptr_t top = 0x70000000;
    stack = mm_map(test_mm, top - PAGE_SIZE, PAGE_SIZE, PROT_READ,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_GROWSDOWN, NULL, 0);
    assert_int_equal(stack, (long)(top - PAGE_SIZE));
    assert_int_equal(mm_handle_fault(test_mm, top - 2 * PAGE_SIZE, MM_ACCESS_WRITE), -EACCES);
    assert_int_equal(mm_find_area(test_mm, top - 1)->start, top - PAGE_SIZE);
    assert_null(mm_find_area(test_mm, top - 2 * PAGE_SIZE));
    /* A read just below grows it. */
    assert_int_equal(mm_handle_fault(test_mm, top - 2 * PAGE_SIZE, MM_ACCESS_READ), 0);
    assert_int_equal(mm_find_area(test_mm, top - 1)->start, top - 2 * PAGE_SIZE);
    assert_int_equal(mm_unmap(test_mm, top - 2 * PAGE_SIZE, 2 * PAGE_SIZE), 0);
    assert_no_leak();
}

static void mm_put_frees_everything(void **state)
{
    struct mm *mm = mm_create();
    assert_non_null(mm);
    long base = mm_map(mm, 0, 64 * PAGE_SIZE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, NULL, 0);
    assert_true(base > 0);
    assert_int_equal(mm->resident_pages, 64);
    long shared = mm_map(mm, 0, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
                         MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, NULL, 0);
    assert_true(shared > 0);
    struct mm *child = mm_fork(mm);
    assert_non_null(child);
    assert_int_equal(user_store(child, (uintptr_t)base, 1), 0);
    mm_put(mm);
    mm_put(child);
    assert_no_leak();
}

static void maps_render_in_linux_format(void **state)
{
    long base = mm_map(test_mm, 0x10000000, 2 * PAGE_SIZE, PROT_READ | PROT_EXEC,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);
    assert_int_equal(base, 0x10000000);
    test_mm->brk_start = test_mm->brk = 0x20000000;
    assert_int_equal(mm_brk(test_mm, 0x20001000), 0x20001000);
    char text[512];
    size_t length = mm_render_maps(test_mm, text, sizeof text);
    assert_true(length < sizeof text);
    text[length] = '\0';
    assert_string_equal(text,
        "10000000-10002000 r-xp 00000000 00:00 0 \n"
        "20000000-20001000 rw-p 00000000 00:00 0                                  [heap]\n");
    /* The full length comes back even when the buffer is short. */
    assert_int_equal(mm_render_maps(test_mm, text, 10), length);
    assert_int_equal(mm_unmap(test_mm, 0x10000000, 0x10001000), 0);
    assert_no_leak();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(frame_references_count_users, boot_with_process, drop_process),
        cmocka_unit_test_setup_teardown(anonymous_pages_are_demand_zero, boot_with_process, drop_process),
        cmocka_unit_test_setup_teardown(fork_shares_private_pages_copy_on_write, boot_with_process, drop_process),
        cmocka_unit_test_setup_teardown(frame_is_freed_with_its_last_user, boot_with_process, drop_process),
        cmocka_unit_test_setup_teardown(shared_anonymous_memory_is_shared_with_fork_child, boot_with_process, drop_process),
        cmocka_unit_test_setup_teardown(partial_unmap_splits_an_area, boot_with_process, drop_process),
        cmocka_unit_test_setup_teardown(mprotect_splits_and_merges_again, boot_with_process, drop_process),
        cmocka_unit_test_setup_teardown(map_fixed_replaces_and_noreplace_refuses, boot_with_process, drop_process),
        cmocka_unit_test_setup_teardown(map_errors_follow_linux, boot_with_process, drop_process),
        cmocka_unit_test_setup_teardown(brk_grows_and_shrinks_the_heap, boot_with_process, drop_process),
        cmocka_unit_test_setup_teardown(mremap_grows_in_place_moves_and_shrinks, boot_with_process, drop_process),
        cmocka_unit_test_setup_teardown(madvise_dontneed_gives_zero_pages, boot_with_process, drop_process),
        cmocka_unit_test_setup_teardown(growsdown_area_grows_on_a_fault_just_below, boot_with_process, drop_process),
        cmocka_unit_test_setup_teardown(growsdown_area_refuses_bad_growth_and_stays_intact, boot_with_process, drop_process),
        cmocka_unit_test_setup_teardown(mm_put_frees_everything, boot_with_process, drop_process),
        cmocka_unit_test_setup_teardown(maps_render_in_linux_format, boot_with_process, drop_process),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
