/*
 * mm_fixture.h — boot, a process with an empty address space, and helpers
 * that read and write an mm's user memory the way a user program would
 * (faulting pages in), shared by the memory-manager unit tests.
 */
#ifndef MM_FIXTURE_H
#define MM_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rk/errno.h>
#include <rk/file.h>
#include <rk/heap.h>
#include <rk/mm.h>
#include <rk/page_alloc.h>
#include <rk/process.h>
#include <rk/syscall.h>
#include <rk/thread.h>
#include <rk/usercopy.h>
#include "hosted.h"

#define MM_FIXTURE __attribute__((unused))

static struct process *test_process;
static struct mm *test_mm;
static uint64_t free_pages_at_start;

/* Frames nobody holds: free ones plus those parked in heap slabs (which the heap keeps). */
static inline MM_FIXTURE uint64_t free_pages(void)
{
    struct page_allocator_statistics statistics;
    struct heap_statistics heap;
    page_allocator_get_statistics(&statistics);
    heap_get_statistics(&heap);
    return statistics.free_pages + heap.slab_pages;
}

/* Make a process with an empty address space running the test thread (after boot). */
static inline MM_FIXTURE void start_process(void)
{
    free_pages_at_start = free_pages();
    test_process = process_create("mm-test", 0, true);
    assert_non_null(test_process);
    process_attach_thread(test_process, thread_current());
    test_mm = test_process->mm;
}

/* Boot and start_process(). */
static inline MM_FIXTURE int boot_with_process(void **state)
{
    assert_int_equal(hosted_test_boot("loglevel=3"), 0);
    start_process();
    return 0;
}

/* Undo boot_with_process. */
static inline MM_FIXTURE int drop_process(void **state)
{
    process_attach_thread(NULL, thread_current());
    process_put(test_process);
    test_process = NULL;
    test_mm = NULL;
    /* The address space is gone: every frame it used came back. */
    assert_int_equal(free_pages(), free_pages_at_start);
    return 0;
}

/* The kernel view of a resident user byte of mm, NULL when its page is absent. */
static inline MM_FIXTURE unsigned char *resident_byte(struct mm *mm, uintptr_t address)
{
    paddr_t frame;
    if (platform_translate(&mm->space, address & ~(uintptr_t)(PAGE_SIZE - 1), &frame, NULL) < 0)
        return NULL;
    return (unsigned char *)platform_phys_to_virt(frame) + (address & (PAGE_SIZE - 1));
}

/* The frame behind a resident user page, PADDR_INVALID when absent. */
static inline MM_FIXTURE paddr_t frame_of(struct mm *mm, uintptr_t address)
{
    paddr_t frame;
    if (platform_translate(&mm->space, address & ~(uintptr_t)(PAGE_SIZE - 1), &frame, NULL) < 0)
        return PADDR_INVALID;
    return frame;
}

/* Store byte at address of mm as a user write would: fault, then write. Returns 0 or the fault error. */
static inline MM_FIXTURE int user_store(struct mm *mm, uintptr_t address, unsigned char byte)
{
    int error = mm_fault_in(mm, address, 1, MM_ACCESS_WRITE);
    if (error < 0)
        return error;
    *resident_byte(mm, address) = byte;
    return 0;
}

/* Load the byte at address of mm as a user read would; -errno on a fault error. */
static inline MM_FIXTURE int user_load(struct mm *mm, uintptr_t address)
{
    int error = mm_fault_in(mm, address, 1, MM_ACCESS_READ);
    if (error < 0)
        return error;
    return *resident_byte(mm, address);
}

/* Number of areas of mm. */
static inline MM_FIXTURE size_t area_count(struct mm *mm)
{
    size_t count = 0;
    list_for_each(node, &mm->areas)
        count++;
    return count;
}

/* Anonymous private read-write memory of pages pages in the test mm. */
static inline MM_FIXTURE uintptr_t map_anonymous(size_t pages)
{
    long address = mm_map(test_mm, 0, pages * PAGE_SIZE, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0);
    assert_true(address > 0);
    return (uintptr_t)address;
}

#endif
