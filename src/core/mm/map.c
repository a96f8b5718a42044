/*
 * map.c — mmap, munmap and mprotect on an mm (rk/mm.h): argument checks in
 * Linux's order, placement (hint, fixed, top-down below mm->mmap_base),
 * and the area splits and merges they need. Pages come later, on faults.
 * Locking: see mm_internal.h.
 */
#include <rk/errno.h>
#include <rk/file.h>

#include "../vfs/vfs_internal.h"
#include "mm_internal.h"

/* Flags mmap(2) knows (MAP_SHARED_VALIDATE refuses any other with EOPNOTSUPP). */
#define MAP_KNOWN_FLAGS                                                                         \
    (MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_DENYWRITE | MAP_EXECUTABLE |   \
     MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB |       \
     MAP_FIXED_NOREPLACE | 0x80000 /* MAP_SYNC */)

/* Flags an area remembers (the rest only steer mmap itself). */
#define MAP_AREA_FLAGS (MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN)

#define PROT_SEM 0x8
#define PROT_GROWSDOWN 0x01000000
#define PROT_GROWSUP 0x02000000

/*
 * Check that file can back a mapping of type (shared or private) with
 * protection, as mmap(2) does. Returns 0 and the protection mprotect may
 * later grant in *maximum, or -EACCES / -ENODEV.
 */
static int check_file(struct file *file, bool shared, unsigned protection, unsigned *maximum)
{
    unsigned mode = file->flags & O_ACCMODE;
    bool writable = mode == O_WRONLY || mode == O_RDWR;
    bool readable = mode == O_RDONLY || mode == O_RDWR;
    *maximum = PROT_READ | PROT_WRITE | PROT_EXEC;
    if (shared) {
        if ((protection & PROT_WRITE) && !writable)
            return -EACCES;
        if (!writable)
            *maximum &= ~(unsigned)PROT_WRITE;
    }
    if (!readable)
        return -EACCES;
    if (!file->vnode || file->ops != &vnode_file_ops || file->vnode->type != S_IFREG)
        return -ENODEV;
    if (shared && file->vnode->ops->map_page == vnode_stub_map_page)
        return -ENODEV;
    return 0;
}

/*
 * Where a mapping of length bytes goes: address itself when fixed (0 or
 * -EINVAL, -ENOMEM, -EPERM), else the hint when it is free, else the
 * highest free range below mm->mmap_base (then anywhere). Returns the
 * address or -errno.
 */
static long choose_address(struct mm *mm, uintptr_t address, size_t length, bool fixed)
{
    uintptr_t lowest = platform_user_address_lowest();
    uintptr_t end = platform_user_address_end();
    if (fixed) {
        if (address & MM_PAGE_MASK)
            return -EINVAL;
        if (length > end || address > end - length)
            return -ENOMEM;
        if (address < lowest)
            return -EPERM;
        return (long)address;
    }
    if (length > end - lowest)
        return -ENOMEM;
    uintptr_t hint = MM_PAGE_DOWN(address);
    if (hint && hint >= lowest && hint <= end - length &&
        !area_range_used(mm, hint, hint + length))
        return (long)hint;
    uintptr_t found = area_find_free(mm, length, mm->mmap_base);
    if (!found)
        found = area_find_free(mm, length, end);
    return found ? (long)found : -ENOMEM;
}

long mm_map(struct mm *mm, uintptr_t address, size_t length, unsigned protection,
            unsigned flags, struct file *file, uint64_t offset)
{
    if (length == 0 || (offset & MM_PAGE_MASK))
        return -EINVAL;
    unsigned type = flags & MAP_TYPE;
    if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
        return -EINVAL;
    if (type == MAP_SHARED_VALIDATE && (flags & ~(unsigned)MAP_KNOWN_FLAGS))
        return -EOPNOTSUPP;
    bool shared = type != MAP_PRIVATE;
    bool anonymous = flags & MAP_ANONYMOUS;
    size_t rounded = MM_PAGE_UP(length);
    if (rounded < length || rounded == 0)
        return -ENOMEM;
    length = rounded;
    if (!anonymous && (offset >> PAGE_SHIFT) + (length >> PAGE_SHIFT) < (offset >> PAGE_SHIFT))
        return -EOVERFLOW;
    if (flags & MAP_FIXED_NOREPLACE)
        flags |= MAP_FIXED;
    long chosen = choose_address(mm, address, length, flags & MAP_FIXED);
    if (chosen < 0)
        return chosen;
    address = (uintptr_t)chosen;
    if ((flags & MAP_FIXED_NOREPLACE) && area_range_used(mm, address, address + length))
        return -EEXIST;

    unsigned maximum = PROT_READ | PROT_WRITE | PROT_EXEC;
    if (!anonymous) {
        if (!file)
            return -EBADF;
        int error = check_file(file, shared, protection, &maximum);
        if (error < 0)
            return error;
    }
    struct vm_area *area = area_alloc(address, address + length);
    if (!area)
        return -ENOMEM;
    area->protection = protection & (PROT_READ | PROT_WRITE | PROT_EXEC);
    area->maximum_protection = maximum;
    area->flags = (flags & MAP_AREA_FLAGS & ~(unsigned)MAP_TYPE) | (shared ? MAP_SHARED : MAP_PRIVATE);
    if (!anonymous) {
        file_get(file);
        area->file = file;
        area->file_offset = offset;
    } else if (shared) {
        area->shared_memory = shared_memory_create(length >> PAGE_SHIFT);
        if (!area->shared_memory) {
            area_free(area);
            return -ENOMEM;
        }
    }
    if ((flags & MAP_FIXED) && mm_remove_range(mm, address, address + length) < 0) {
        area_free(area);
        return -ENOMEM;
    }
    area_insert(mm, area);
    area_merge(mm, area);
    if ((flags & MAP_POPULATE) && (protection & (PROT_READ | PROT_WRITE | PROT_EXEC))) {
        unsigned access = (protection & PROT_WRITE) && !shared ? MM_ACCESS_WRITE : MM_ACCESS_READ;
        (void)mm_fault_in(mm, address, length, access);
    }
    return (long)address;
}

int mm_unmap(struct mm *mm, uintptr_t address, size_t length)
{
    uintptr_t end = platform_user_address_end();
    if ((address & MM_PAGE_MASK) || length == 0 || address > end)
        return -EINVAL;
    size_t rounded = MM_PAGE_UP(length);
    if (rounded < length || rounded > end - address)
        return -EINVAL;
    return mm_remove_range(mm, address, address + rounded);
}

/*
 * Check that areas cover [start, end) without a hole (-ENOMEM) and allow
 * protection (-EACCES). Returns 0 or -errno.
 */
static int check_protect_range(struct mm *mm, uintptr_t start, uintptr_t end, unsigned protection)
{
    uintptr_t covered = start;
    struct vm_area *area = area_first_ending_after(mm, start);
    for (; area && area->start < end; area = area_next(mm, area)) {
        if (area->start > covered)
            return -ENOMEM;
        if (protection & ~area->maximum_protection)
            return -EACCES;
        covered = area->end;
        if (covered >= end)
            return 0;
    }
    return -ENOMEM;
}

int mm_protect(struct mm *mm, uintptr_t address, size_t length, unsigned protection)
{
    if (address & MM_PAGE_MASK)
        return -EINVAL;
    if (protection & ~(unsigned)(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM | PROT_GROWSDOWN |
                                 PROT_GROWSUP))
        return -EINVAL;
    if ((protection & PROT_GROWSDOWN) && (protection & PROT_GROWSUP))
        return -EINVAL;
    if (length == 0)
        return 0;
    size_t rounded = MM_PAGE_UP(length);
    uintptr_t end = address + rounded;
    if (rounded < length || end <= address)
        return -ENOMEM;
    if (protection & PROT_GROWSDOWN) {
        struct vm_area *stack = mm_find_area(mm, address);
        if (!stack)
            return -ENOMEM;
        if (!(stack->flags & MAP_GROWSDOWN))
            return -EINVAL;
        address = stack->start;
    }
    if (protection & PROT_GROWSUP)
        return -EINVAL; /* no MAP_GROWSUP areas on x86_64 */
    protection &= PROT_READ | PROT_WRITE | PROT_EXEC;
    int error = check_protect_range(mm, address, end, protection);
    if (error < 0)
        return error;
    error = area_split_range(mm, address, end);
    if (error < 0)
        return error;
    struct vm_area *area = area_first_ending_after(mm, address);
    for (; area && area->start < end; area = area_next(mm, area)) {
        area->protection = protection;
        pages_protect_range(mm, area, area->start, area->end);
    }
    area = area_first_ending_after(mm, address);
    while (area && area->start < end)
        area = area_next(mm, area_merge(mm, area));
    return 0;
}
