/*
 * remap.c — mremap, madvise and brk on an mm (rk/mm.h).
 * Locking: see mm_internal.h.
 */
#include <rk/errno.h>

#include "mm_internal.h"

const char mm_heap_name[] = "[heap]";

/*
 * Move the area exactly covering [old, old + old_length) to [target,
 * target + new_length) (free, new_length >= old_length): a copy of the
 * area goes there, the resident pages follow, and the old range is removed
 * unless keep_old (MREMAP_DONTUNMAP: it stays, empty). Returns target or
 * -ENOMEM.
 */
static long move_area(struct mm *mm, uintptr_t old, size_t old_length, uintptr_t target,
                      size_t new_length, bool keep_old)
{
    int error = area_split_range(mm, old, old + old_length);
    if (error < 0)
        return error;
    struct vm_area *source = mm_find_area(mm, old);
    struct vm_area *moved = area_clone(source);
    if (!moved)
        return -ENOMEM;
    moved->start = target;
    moved->end = target + new_length;
    area_insert(mm, moved);
    if (pages_move_range(mm, old, target, old_length) < 0) {
        /* Out of page-table memory half way: give the moved pages back. */
        pages_move_range(mm, target, old, old_length);
        area_unlink(mm, moved);
        area_free(moved);
        return -ENOMEM;
    }
    if (!keep_old)
        mm_remove_range(mm, old, old + old_length);
    area_merge(mm, moved);
    return (long)target;
}

long mm_remap(struct mm *mm, uintptr_t old_address, size_t old_length, size_t new_length,
              unsigned flags, uintptr_t new_address)
{
    uintptr_t lowest = platform_user_address_lowest(), end = platform_user_address_end();
    if (flags & ~(unsigned)(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP))
        return -EINVAL;
    if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
        return -EINVAL;
    if ((flags & MREMAP_DONTUNMAP) && (!(flags & MREMAP_MAYMOVE) || old_length != new_length))
        return -EINVAL;
    if (old_address & MM_PAGE_MASK)
        return -EINVAL;
    size_t old_rounded = MM_PAGE_UP(old_length), new_rounded = MM_PAGE_UP(new_length);
    if (new_rounded == 0 || new_rounded < new_length || old_rounded < old_length)
        return -EINVAL;
    if (old_rounded == 0)
        return -EINVAL; /* duplicating a shared mapping (old_size 0) is not supported */
    old_length = old_rounded;
    new_length = new_rounded;
    struct vm_area *area = mm_find_area(mm, old_address);
    if (!area || old_length > area->end - old_address)
        return -EFAULT;
    bool keep_old = flags & MREMAP_DONTUNMAP;
    if (keep_old && (area->flags & MAP_SHARED))
        return -EINVAL;

    if (flags & MREMAP_FIXED) {
        if (new_address & MM_PAGE_MASK)
            return -EINVAL;
        if (new_length > end || new_address > end - new_length || new_address < lowest)
            return -EINVAL;
        if (new_address < old_address + old_length && old_address < new_address + new_length)
            return -EINVAL;
        int error = mm_remove_range(mm, new_address, new_address + new_length);
        if (error == 0 && old_length > new_length)
            error = mm_remove_range(mm, old_address + new_length, old_address + old_length);
        if (error < 0)
            return error;
        if (old_length > new_length)
            old_length = new_length;
        return move_area(mm, old_address, old_length, new_address, new_length, keep_old);
    }
    if (new_length <= old_length) {
        int error = mm_remove_range(mm, old_address + new_length, old_address + old_length);
        return error < 0 ? error : (long)old_address;
    }
    uintptr_t grown_end = old_address + new_length;
    if (old_address + old_length == area->end && grown_end > old_address && grown_end <= end &&
        !area_range_used(mm, area->end, grown_end) && !keep_old) {
        area->end = grown_end;
        area_merge(mm, area);
        return (long)old_address;
    }
    if (!(flags & MREMAP_MAYMOVE))
        return -ENOMEM;
    uintptr_t target = area_find_free(mm, new_length, mm->mmap_base);
    if (!target)
        target = area_find_free(mm, new_length, end);
    if (!target)
        return -ENOMEM;
    return move_area(mm, old_address, old_length, target, new_length, keep_old);
}

/* True for the advice values Linux accepts (the rest are -EINVAL). */
static bool advice_known(int advice)
{
    return (advice >= 0 && advice <= 4) || (advice >= 8 && advice <= 25) || advice == 100 ||
           advice == 101;
}

int mm_advise(struct mm *mm, uintptr_t address, size_t length, int advice)
{
    if ((address & MM_PAGE_MASK) || !advice_known(advice))
        return -EINVAL;
    size_t rounded = MM_PAGE_UP(length);
    if (rounded < length)
        return -EINVAL;
    uintptr_t end = address + rounded;
    if (end < address)
        return -EINVAL;
    if (rounded == 0)
        return 0;
    bool drop = advice == MADV_DONTNEED || advice == MADV_FREE;
    uintptr_t covered = address;
    bool hole = false;
    for (struct vm_area *area = area_first_ending_after(mm, address); area && area->start < end;
         area = area_next(mm, area)) {
        if (area->start > covered)
            hole = true;
        uintptr_t from = area->start > address ? area->start : address;
        uintptr_t to = area->end < end ? area->end : end;
        if (advice == MADV_FREE && (area->file || (area->flags & MAP_SHARED)))
            return -EINVAL; /* Linux: MADV_FREE is for private anonymous memory */
        if (drop)
            pages_unmap_range(mm, from, to);
        covered = to;
    }
    return hole || covered < end ? -ENOMEM : 0;
}

uintptr_t mm_brk(struct mm *mm, uintptr_t new_break)
{
    if (new_break < mm->brk_start || mm->brk_start < platform_user_address_lowest())
        return mm->brk;
    uintptr_t old_end = MM_PAGE_UP(mm->brk), new_end = MM_PAGE_UP(new_break);
    if (new_end < new_break || new_end > platform_user_address_end())
        return mm->brk;
    if (new_end < old_end) {
        if (mm_remove_range(mm, new_end, old_end) < 0)
            return mm->brk;
    } else if (new_end > old_end) {
        /* Linux keeps a page between the heap and the next mapping. */
        uintptr_t guard_end = new_end + PAGE_SIZE > new_end ? new_end + PAGE_SIZE : new_end;
        if (area_range_used(mm, old_end, guard_end))
            return mm->brk;
        struct vm_area *heap = old_end > mm->brk_start ? mm_find_area(mm, old_end - 1) : NULL;
        if (heap && heap->name == mm_heap_name && heap->end == old_end) {
            heap->end = new_end;
        } else {
            heap = area_alloc(old_end, new_end);
            if (!heap)
                return mm->brk;
            heap->protection = PROT_READ | PROT_WRITE;
            heap->flags = MAP_PRIVATE | MAP_ANONYMOUS;
            heap->name = mm_heap_name;
            area_insert(mm, heap);
        }
    }
    mm->brk = new_break;
    return new_break;
}
