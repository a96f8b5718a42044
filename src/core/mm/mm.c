/*
 * mm.c — creating, forking, sharing and freeing address spaces (rk/mm.h).
 * The VM-area operations live beside this file: area.c (the list),
 * pages.c (resident pages), map.c (mmap, munmap, mprotect), remap.c
 * (mremap, madvise, brk), fault.c (faults), maps.c (/proc/PID/maps).
 */
#include <rk/errno.h>
#include <rk/heap.h>
#include <rk/path.h>

#include "mm_internal.h"

struct mm *mm_create(void)
{
    struct mm *mm = kzalloc(sizeof *mm);
    if (!mm)
        return NULL;
    if (platform_address_space_create(&mm->space) < 0) {
        kfree(mm);
        return NULL;
    }
    list_init(&mm->areas);
    mm->users = 1;
    mm->mmap_base = platform_user_address_end() - MM_STACK_GAP;
    return mm;
}

void mm_get(struct mm *mm)
{
    mm->users++;
}

/* Unmap and free every area of mm. */
static void mm_release_areas(struct mm *mm)
{
    list_for_each_safe(node, &mm->areas) {
        struct vm_area *area = list_entry(node, struct vm_area, link);
        pages_unmap_range(mm, area->start, area->end);
        area_unlink(mm, area);
        area_free(area);
    }
}

void mm_put(struct mm *mm)
{
    if (!mm || --mm->users > 0)
        return;
    mm_release_areas(mm);
    platform_address_space_destroy(&mm->space);
    if (mm->executable) {
        vnode_write_allow(mm->executable);
        vnode_put(mm->executable);
    }
    kfree(mm);
}

void mm_activate(struct mm *mm)
{
    platform_address_space_activate(mm ? &mm->space : platform_address_space_kernel());
}

/*
 * Share the resident pages of parent's area with child (already holding a
 * copy of the area): shared pages as they are, private writable ones
 * read-only in both (copy-on-write). *remaining counts the parent's
 * resident pages not seen yet (the walk stops when it reaches 0).
 * Returns 0 or -ENOMEM.
 */
static int fork_area_pages(struct mm *parent, struct mm *child, const struct vm_area *area,
                           uint64_t *remaining)
{
    bool copy_on_write = !(area->flags & MAP_SHARED);
    for (uintptr_t address = area->start; address < area->end; address += PAGE_SIZE) {
        paddr_t frame;
        unsigned prot;
        if (platform_translate(&parent->space, address, &frame, &prot) < 0) {
            address = pages_skip(parent, address, area->end);
            continue;
        }
        if (copy_on_write && (prot & PLATFORM_PROT_WRITE)) {
            prot &= ~(unsigned)PLATFORM_PROT_WRITE;
            platform_protect(&parent->space, address, prot);
        }
        if (pages_install(child, address, frame, prot) < 0)
            return -ENOMEM;
        page_frame_get(frame);
        if (--*remaining == 0)
            return 0;
    }
    return 0;
}

struct mm *mm_fork(struct mm *parent)
{
    struct mm *child = mm_create();
    if (!child)
        return NULL;
    child->brk_start = parent->brk_start;
    child->brk = parent->brk;
    child->mmap_base = parent->mmap_base;
    child->stack_start = parent->stack_start;
    child->arguments_start = parent->arguments_start;
    child->arguments_end = parent->arguments_end;
    child->environment_start = parent->environment_start;
    child->environment_end = parent->environment_end;
    if (parent->executable) {
        vnode_write_deny_again(parent->executable);
        vnode_get(parent->executable);
        child->executable = parent->executable;
    }
    uint64_t remaining = parent->resident_pages;
    list_for_each(node, &parent->areas) {
        const struct vm_area *area = list_entry(node, struct vm_area, link);
        struct vm_area *copy = area_clone(area);
        if (!copy)
            goto fail;
        list_push_back(&child->areas, &copy->link);
        if (remaining > 0 && fork_area_pages(parent, child, area, &remaining) < 0)
            goto fail;
    }
    return child;

fail:
    mm_put(child);
    return NULL;
}

int mm_remove_range(struct mm *mm, uintptr_t start, uintptr_t end)
{
    if (!area_range_used(mm, start, end))
        return 0;
    int error = area_split_range(mm, start, end);
    if (error < 0)
        return error;
    pages_unmap_range(mm, start, end);
    for (struct vm_area *area = area_first_ending_after(mm, start); area && area->start < end;) {
        struct vm_area *next = area_next(mm, area);
        area_unlink(mm, area);
        area_free(area);
        area = next;
    }
    return 0;
}
