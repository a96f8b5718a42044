/*
 * area.c — the sorted list of VM areas of an mm: allocation, insertion,
 * splitting, merging and the top-down search for a free range.
 * Locking: see mm_internal.h.
 */
#include <rk/errno.h>
#include <rk/file.h>
#include <rk/heap.h>
#include <rk/string.h>

#include "mm_internal.h"

struct vm_area *area_alloc(uintptr_t start, uintptr_t end)
{
    struct vm_area *area = kzalloc(sizeof *area);
    if (!area)
        return NULL;
    list_init(&area->link);
    area->start = start;
    area->end = end;
    area->maximum_protection = PROT_READ | PROT_WRITE | PROT_EXEC;
    return area;
}

struct vm_area *area_clone(const struct vm_area *area)
{
    struct vm_area *copy = kmalloc(sizeof *copy);
    if (!copy)
        return NULL;
    *copy = *area;
    list_init(&copy->link);
    if (copy->file)
        file_get(copy->file);
    if (copy->shared_memory)
        shared_memory_get(copy->shared_memory);
    return copy;
}

void area_free(struct vm_area *area)
{
    if (area->file)
        file_put(area->file);
    shared_memory_put(area->shared_memory);
    kfree(area);
}

void area_insert(struct mm *mm, struct vm_area *area)
{
    struct list_node *position = &mm->areas;
    /* Walk from the back: new areas usually go below the highest ones or at the end. */
    for (struct list_node *node = mm->areas.previous; node != &mm->areas; node = node->previous) {
        if (list_entry(node, struct vm_area, link)->start < area->start)
            break;
        position = node;
    }
    list_insert_before(position, &area->link);
}

void area_unlink(struct mm *mm, struct vm_area *area)
{
    if (mm->cached_area == area)
        mm->cached_area = NULL;
    list_remove(&area->link);
}

struct vm_area *area_next(struct mm *mm, struct vm_area *area)
{
    return area->link.next == &mm->areas ? NULL : list_entry(area->link.next, struct vm_area, link);
}

struct vm_area *area_previous(struct mm *mm, struct vm_area *area)
{
    return area->link.previous == &mm->areas ? NULL
                                             : list_entry(area->link.previous, struct vm_area, link);
}

struct vm_area *area_first_ending_after(struct mm *mm, uintptr_t address)
{
    struct vm_area *cached = mm->cached_area;
    if (cached && cached->start <= address && address < cached->end)
        return cached;
    list_for_each(node, &mm->areas) {
        struct vm_area *area = list_entry(node, struct vm_area, link);
        if (area->end > address)
            return area;
    }
    return NULL;
}

struct vm_area *mm_find_area(struct mm *mm, uintptr_t address)
{
    struct vm_area *area = area_first_ending_after(mm, address);
    if (!area || area->start > address)
        return NULL;
    mm->cached_area = area;
    return area;
}

bool area_range_used(struct mm *mm, uintptr_t start, uintptr_t end)
{
    struct vm_area *area = area_first_ending_after(mm, start);
    return area && area->start < end;
}

int area_split(struct mm *mm, struct vm_area *area, uintptr_t address)
{
    struct vm_area *upper = area_clone(area);
    if (!upper)
        return -ENOMEM;
    upper->start = address;
    if (area->file || area->shared_memory)
        upper->file_offset = area->file_offset + (address - area->start);
    area->end = address;
    list_insert_between(&upper->link, &area->link, area->link.next);
    return 0;
}

int area_split_range(struct mm *mm, uintptr_t start, uintptr_t end)
{
    struct vm_area *area = mm_find_area(mm, start);
    if (area && area->start < start) {
        int error = area_split(mm, area, start);
        if (error < 0)
            return error;
    }
    area = end > 0 ? mm_find_area(mm, end - 1) : NULL;
    if (area && area->end > end)
        return area_split(mm, area, end);
    return 0;
}

/* True when upper can be joined onto lower (adjacent, same kind, contiguous backing). */
static bool areas_mergeable(const struct vm_area *lower, const struct vm_area *upper)
{
    if (lower->end != upper->start || lower->protection != upper->protection ||
        lower->flags != upper->flags || lower->file != upper->file ||
        lower->shared_memory != upper->shared_memory || lower->name != upper->name ||
        lower->maximum_protection != upper->maximum_protection)
        return false;
    if ((lower->file || lower->shared_memory) &&
        lower->file_offset + (lower->end - lower->start) != upper->file_offset)
        return false;
    return true;
}

struct vm_area *area_merge(struct mm *mm, struct vm_area *area)
{
    struct vm_area *next = area_next(mm, area);
    if (next && areas_mergeable(area, next)) {
        area->end = next->end;
        area_unlink(mm, next);
        area_free(next);
    }
    struct vm_area *previous = area_previous(mm, area);
    if (previous && areas_mergeable(previous, area)) {
        previous->end = area->end;
        area_unlink(mm, area);
        area_free(area);
        area = previous;
    }
    return area;
}

uintptr_t area_find_free(struct mm *mm, size_t length, uintptr_t limit)
{
    uintptr_t lowest = platform_user_address_lowest();
    uintptr_t ceiling = limit < platform_user_address_end() ? limit : platform_user_address_end();
    for (struct list_node *node = mm->areas.previous; node != &mm->areas; node = node->previous) {
        struct vm_area *area = list_entry(node, struct vm_area, link);
        if (area->start >= ceiling)
            continue;
        if (area->end < ceiling && ceiling - area->end >= length)
            return ceiling - length;
        ceiling = area->start;
    }
    if (ceiling > lowest && ceiling - lowest >= length)
        return ceiling - length;
    return 0;
}
