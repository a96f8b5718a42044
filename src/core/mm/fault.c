/*
 * fault.c — resolving page faults of user address spaces: demand-zero
 * pages, file pages (shared, and private ones first read: the filesystem's
 * own page through map_page, private ones read-only until written; else a
 * private copy read into a new frame through the filesystem's read),
 * shared anonymous pages, copy-on-write breaks and MAP_GROWSDOWN growth.
 * Locking: see mm_internal.h; the filesystem calls may sleep.
 */
#include <rk/errno.h>
#include <rk/file.h>
#include <rk/string.h>

#include "../vfs/vfs_internal.h"
#include "mm_internal.h"

/* True when area's protection allows access (x86: write and execute imply read). */
static bool access_allowed(const struct vm_area *area, unsigned access)
{
    if ((access & MM_ACCESS_WRITE) && !(area->protection & PROT_WRITE))
        return false;
    if ((access & MM_ACCESS_EXECUTE) && !(area->protection & PROT_EXEC))
        return false;
    return (area->protection & (PROT_READ | PROT_WRITE | PROT_EXEC)) != 0;
}

/*
 * The MAP_GROWSDOWN area just above page when it may grow down to cover
 * it (staying at or above the lowest user address, under
 * MM_GROWSDOWN_LIMIT and a page above the area below); NULL otherwise.
 * The area is not changed: the caller commits the new start once the
 * page is in (so a refused or failed fault leaves it as it was).
 */
static struct vm_area *growable_area_above(struct mm *mm, uintptr_t page)
{
    if (page < platform_user_address_lowest())
        return NULL;
    struct vm_area *area = area_first_ending_after(mm, page);
    if (!area || !(area->flags & MAP_GROWSDOWN) || area->file || area->shared_memory ||
        area->end - page > MM_GROWSDOWN_LIMIT)
        return NULL;
    struct vm_area *below = area_previous(mm, area);
    if (below && below->end + PAGE_SIZE > page)
        return NULL;
    return area;
}

/* Copy-on-write break or protection upgrade of the resident page at page. */
static int fault_present(struct mm *mm, struct vm_area *area, uintptr_t page, paddr_t frame,
                         unsigned access)
{
    unsigned prot = area_page_protection(area);
    bool copy_on_write = !(area->flags & MAP_SHARED) && page_frame_references(frame) > 1;
    if (!(access & MM_ACCESS_WRITE)) {
        if (copy_on_write)
            prot &= ~(unsigned)PLATFORM_PROT_WRITE;
        return platform_protect(&mm->space, page, prot) < 0 ? -EFAULT : 0;
    }
    if (!copy_on_write)
        return platform_protect(&mm->space, page, prot) < 0 ? -EFAULT : 0;
    paddr_t copy = page_alloc(0);
    if (copy == PADDR_INVALID)
        return -ENOMEM;
    memcpy(platform_phys_to_virt(copy), platform_phys_to_virt(frame), PAGE_SIZE);
    platform_unmap(&mm->space, page, NULL);
    if (platform_map(&mm->space, page, copy, prot) < 0) {
        /* Cannot happen (the table exists); keep the old page rather than lose it. */
        platform_map(&mm->space, page, frame, prot & ~(unsigned)PLATFORM_PROT_WRITE);
        page_free(copy, 0);
        return -ENOMEM;
    }
    page_frame_put(frame);
    return 0;
}

/* A new frame holding the file page at offset (zero past the end of file). */
static int read_file_page(struct file *file, uint64_t offset, paddr_t *result)
{
    paddr_t frame = page_alloc(0);
    if (frame == PADDR_INVALID)
        return -ENOMEM;
    char *data = platform_phys_to_virt(frame);
    struct io_segment segment;
    struct io_cursor cursor;
    io_cursor_kernel(&cursor, &segment, data, PAGE_SIZE);
    long count = VNODE_CALL(file->vnode, read, &cursor, offset);
    if (count <= 0 || count > (long)PAGE_SIZE) {
        /* An error, or the page lies beyond the end of the file: SIGBUS. */
        page_free(frame, 0);
        return count == -ENOMEM ? -ENOMEM : -EIO;
    }
    if ((size_t)count < PAGE_SIZE)
        memset(data + count, 0, PAGE_SIZE - (size_t)count);
    *result = frame;
    return 0;
}

/* The filesystem's own frame of the file page at offset, with a new reference. */
static int share_file_page(struct file *file, uint64_t offset, paddr_t *result)
{
    void *page = NULL;
    int error = VNODE_CALL(file->vnode, map_page, offset >> PAGE_SHIFT, &page);
    if (error < 0)
        return error == -ENOMEM ? -ENOMEM : -EIO;
    /* Check what the service handed back: a page-aligned, allocated frame. */
    paddr_t frame = page ? platform_virt_to_phys(page) : PADDR_INVALID;
    if (frame == PADDR_INVALID || ((uintptr_t)page & MM_PAGE_MASK) ||
        page_frame_references(frame) == 0)
        return -EIO;
    page_frame_get(frame);
    *result = frame;
    return 0;
}

/*
 * A private file page for a fault that does not write: the filesystem's
 * own frame when it has one to hand out (mapped read-only by the caller,
 * so the first write copies it: the frame's other reference makes it
 * copy-on-write), which saves the copy and keeps one frame per file page
 * (an emulator's translated code stays valid across execs); otherwise a
 * private copy. *shared says which.
 */
static int private_file_page(struct file *file, uint64_t offset, paddr_t *result, bool *shared)
{
    *shared = false;
    if (file->vnode->ops->map_page != vnode_stub_map_page) {
        int error = share_file_page(file, offset, result);
        if (error == 0) {
            *shared = true;
            return 0;
        }
        if (error == -ENOMEM)
            return error;
    }
    return read_file_page(file, offset, result);
}

/* Bring in the absent page at page of area for access (MM_ACCESS_*). */
static int fault_absent(struct mm *mm, struct vm_area *area, uintptr_t page, unsigned access)
{
    uint64_t offset = area->file_offset + (page - area->start);
    unsigned prot = area_page_protection(area);
    paddr_t frame;
    int error = 0;
    if (area->file && (area->flags & MAP_SHARED)) {
        error = share_file_page(area->file, offset, &frame);
    } else if (area->file && !(access & MM_ACCESS_WRITE)) {
        bool shared;
        error = private_file_page(area->file, offset, &frame, &shared);
        if (error == 0 && shared)
            prot &= ~(unsigned)PLATFORM_PROT_WRITE;
    } else if (area->file) {
        error = read_file_page(area->file, offset, &frame);
    } else if (area->shared_memory) {
        frame = shared_memory_frame(area->shared_memory, offset >> PAGE_SHIFT);
        if (frame == PADDR_INVALID)
            error = -ENOMEM;
        else
            page_frame_get(frame);
    } else {
        frame = core_frame_alloc();
        if (frame == PADDR_INVALID)
            error = -ENOMEM;
    }
    if (error < 0)
        return error;
    error = pages_install(mm, page, frame, prot);
    if (error < 0) {
        page_frame_put(frame);
        return -ENOMEM;
    }
    return 0;
}

int mm_handle_fault(struct mm *mm, uintptr_t address, unsigned access)
{
    if (!mm)
        return -EFAULT;
    uintptr_t page = MM_PAGE_DOWN(address);
    struct vm_area *area = mm_find_area(mm, address);
    if (!area) {
        area = growable_area_above(mm, page);
        if (!area)
            return -EFAULT;
        if (!access_allowed(area, access))
            return -EACCES;
        /* Anonymous private (growable_area_above): the page is a fresh zero frame. */
        int error = fault_absent(mm, area, page, access);
        if (error == 0)
            area->start = page;
        return error;
    }
    if (!access_allowed(area, access))
        return -EACCES;
    paddr_t frame;
    if (platform_translate(&mm->space, page, &frame, NULL) == 0)
        return fault_present(mm, area, page, frame, access);
    return fault_absent(mm, area, page, access);
}

int mm_fault_in(struct mm *mm, uintptr_t address, size_t length, unsigned access)
{
    if (length == 0)
        return 0;
    uintptr_t end = address + length;
    if (end < address)
        return -EFAULT;
    unsigned needed = PLATFORM_PROT_USER |
                      ((access & MM_ACCESS_WRITE) ? PLATFORM_PROT_WRITE : PLATFORM_PROT_READ);
    for (uintptr_t page = MM_PAGE_DOWN(address); page < end; page += PAGE_SIZE) {
        unsigned prot;
        if (platform_translate(&mm->space, page, NULL, &prot) == 0 && (prot & needed) == needed)
            continue;
        int error = mm_handle_fault(mm, page, access);
        if (error < 0)
            return error;
        if (page + PAGE_SIZE < page)
            break;
    }
    return 0;
}
