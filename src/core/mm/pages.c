/*
 * pages.c — the resident pages of an mm: installing, unmapping,
 * re-protecting and moving page-table entries together with the frame
 * references they hold. Locking: see mm_internal.h.
 */
#include <rk/errno.h>
#include <rk/klog.h>

#include "mm_internal.h"

/* Platform bits for PROT_* (x86: write and execute imply read). */
static unsigned platform_protection(unsigned protection)
{
    unsigned result = PLATFORM_PROT_USER;
    if (protection & (PROT_READ | PROT_WRITE | PROT_EXEC))
        result |= PLATFORM_PROT_READ;
    if (protection & PROT_WRITE)
        result |= PLATFORM_PROT_WRITE;
    if (protection & PROT_EXEC)
        result |= PLATFORM_PROT_EXEC;
    return result;
}

unsigned area_page_protection(const struct vm_area *area)
{
    return platform_protection(area->protection);
}

uintptr_t pages_skip(struct mm *mm, uintptr_t address, uintptr_t end)
{
    size_t span = platform_unmapped_span(&mm->space, address);
    if (span <= PAGE_SIZE)
        return address;
    uintptr_t next = address + span;
    return next > address && next < end ? next - PAGE_SIZE : end - PAGE_SIZE;
}

int pages_install(struct mm *mm, uintptr_t address, paddr_t frame, unsigned prot)
{
    int error = platform_map(&mm->space, address, frame, prot);
    if (error < 0)
        return error == -EEXIST ? -EEXIST : -ENOMEM;
    mm->resident_pages++;
    return 0;
}

void pages_unmap_range(struct mm *mm, uintptr_t start, uintptr_t end)
{
    if (mm->resident_pages == 0)
        return;
    for (uintptr_t address = start; address < end; address += PAGE_SIZE) {
        paddr_t frame;
        if (platform_unmap(&mm->space, address, &frame) < 0) {
            address = pages_skip(mm, address, end);
            continue;
        }
        page_frame_put(frame);
        mm->resident_pages--;
        if (mm->resident_pages == 0)
            return;
    }
}

void pages_protect_range(struct mm *mm, struct vm_area *area, uintptr_t start, uintptr_t end)
{
    if (mm->resident_pages == 0)
        return;
    unsigned prot = area_page_protection(area);
    bool private_writable = !(area->flags & MAP_SHARED) && (prot & PLATFORM_PROT_WRITE);
    for (uintptr_t address = start; address < end; address += PAGE_SIZE) {
        paddr_t frame;
        if (platform_translate(&mm->space, address, &frame, NULL) < 0) {
            address = pages_skip(mm, address, end);
            continue;
        }
        unsigned page_prot = prot;
        if (private_writable && page_frame_references(frame) > 1)
            page_prot &= ~(unsigned)PLATFORM_PROT_WRITE; /* still copy-on-write */
        platform_protect(&mm->space, address, page_prot);
    }
}

int pages_move_range(struct mm *mm, uintptr_t old_start, uintptr_t new_start, size_t length)
{
    if (mm->resident_pages == 0)
        return 0;
    for (size_t offset = 0; offset < length; offset += PAGE_SIZE) {
        paddr_t frame;
        unsigned prot;
        if (platform_translate(&mm->space, old_start + offset, &frame, &prot) < 0) {
            /* Whole missing tables at once: a huge sparse area moves in a few steps. */
            offset = pages_skip(mm, old_start + offset, old_start + length) - old_start;
            continue;
        }
        int error = platform_map(&mm->space, new_start + offset, frame, prot);
        if (error < 0)
            return -ENOMEM;
        platform_unmap(&mm->space, old_start + offset, NULL);
    }
    return 0;
}
