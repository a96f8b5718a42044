/*
 * memory.c — the memory syscalls: argument unpacking and the checks
 * Linux makes before the memory manager (rk/mm.h) does the work on the
 * calling process's address space.
 */
#include <rk/mm.h>

#include "syscall_support.h"

#define MS_ASYNC 1
#define MS_INVALIDATE 2
#define MS_SYNC 4
#define MLOCK_ONFAULT 1
#define MCL_CURRENT 1
#define MCL_FUTURE 2
#define MCL_ONFAULT 4

/* The calling process's address space, NULL for a kernel thread. */
static struct mm *current_mm(void)
{
    struct process *process = process_current();
    return process ? process->mm : NULL;
}

/* mmap(addr, length, prot, flags, fd, offset). */
long sys_mmap(const uint64_t arguments[6])
{
    uint64_t offset = arguments[5];
    unsigned flags = (unsigned)arguments[3];
    struct mm *mm = current_mm();
    if (offset & (PAGE_SIZE - 1))
        return -EINVAL;
    if (!mm)
        return -ENOMEM;
    struct file *file = NULL;
    if (!(flags & MAP_ANONYMOUS)) {
        file = syscall_file(ARGUMENT_INT(4));
        if (!file)
            return -EBADF;
        if (file->flags & O_PATH) {
            file_put(file);
            return -EBADF;
        }
    }
    long result = mm_map(mm, ARGUMENT_ADDRESS(0), (size_t)arguments[1], (unsigned)arguments[2],
                         flags, file, offset);
    if (file)
        file_put(file);
    return result;
}

/* munmap(addr, length). */
long sys_munmap(const uint64_t arguments[6])
{
    struct mm *mm = current_mm();
    return mm ? mm_unmap(mm, ARGUMENT_ADDRESS(0), (size_t)arguments[1]) : -EINVAL;
}

/* mprotect(addr, length, prot). */
long sys_mprotect(const uint64_t arguments[6])
{
    struct mm *mm = current_mm();
    if (arguments[2] > UINT32_MAX)
        return -EINVAL;
    return mm ? mm_protect(mm, ARGUMENT_ADDRESS(0), (size_t)arguments[1], (unsigned)arguments[2])
              : -ENOMEM;
}

/* mremap(old_address, old_size, new_size, flags, new_address). */
long sys_mremap(const uint64_t arguments[6])
{
    struct mm *mm = current_mm();
    if (arguments[3] > UINT32_MAX)
        return -EINVAL;
    return mm ? mm_remap(mm, ARGUMENT_ADDRESS(0), (size_t)arguments[1], (size_t)arguments[2],
                         (unsigned)arguments[3], ARGUMENT_ADDRESS(4))
              : -EFAULT;
}

/* madvise(addr, length, advice). */
long sys_madvise(const uint64_t arguments[6])
{
    struct mm *mm = current_mm();
    return mm ? mm_advise(mm, ARGUMENT_ADDRESS(0), (size_t)arguments[1], ARGUMENT_INT(2)) : -ENOMEM;
}

/* brk(addr): the new break, or the current one when addr cannot be the break. */
long sys_brk(const uint64_t arguments[6])
{
    struct mm *mm = current_mm();
    return mm ? (long)mm_brk(mm, ARGUMENT_ADDRESS(0)) : 0;
}

/*
 * Check that [start, start + length) is page aligned at start and covered
 * by areas. Returns the rounded end through *end, 0 or -EINVAL / -ENOMEM.
 */
static long check_mapped_range(struct mm *mm, uintptr_t start, size_t length, uintptr_t *end)
{
    if (start & (PAGE_SIZE - 1))
        return -EINVAL;
    size_t rounded = (length + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    *end = start + rounded;
    if (rounded < length || *end < start)
        return -ENOMEM;
    for (uintptr_t address = start; address < *end;) {
        struct vm_area *area = mm ? mm_find_area(mm, address) : NULL;
        if (!area)
            return -ENOMEM;
        address = area->end;
    }
    return 0;
}

/* msync(addr, length, flags): pages are always in sync with tmpfs; only the checks remain. */
long sys_msync(const uint64_t arguments[6])
{
    uint64_t flags = arguments[2];
    if (flags & ~(uint64_t)(MS_ASYNC | MS_INVALIDATE | MS_SYNC))
        return -EINVAL;
    if ((flags & MS_ASYNC) && (flags & MS_SYNC))
        return -EINVAL;
    uintptr_t end;
    return check_mapped_range(current_mm(), ARGUMENT_ADDRESS(0), (size_t)arguments[1], &end);
}

/* mincore(addr, length, vec): one byte per page, 1 when resident. */
long sys_mincore(const uint64_t arguments[6])
{
    struct mm *mm = current_mm();
    uintptr_t start = ARGUMENT_ADDRESS(0), end;
    size_t length = (size_t)arguments[1];
    if (start & (PAGE_SIZE - 1))
        return -EINVAL;
    if (start >= platform_user_address_end() || length > platform_user_address_end() - start)
        return -ENOMEM;
    long error = check_mapped_range(mm, start, length, &end);
    if (error < 0)
        return error;
    uintptr_t vector = ARGUMENT_ADDRESS(2);
    unsigned char chunk[64];
    size_t filled = 0;
    for (uintptr_t page = start; page < end; page += PAGE_SIZE) {
        chunk[filled++] = platform_translate(&mm->space, page, NULL, NULL) == 0;
        if (filled == sizeof chunk || page + PAGE_SIZE >= end) {
            if (copy_to_user(vector, chunk, filled) < 0)
                return -EFAULT;
            vector += filled;
            filled = 0;
        }
    }
    return 0;
}

/* mlock(addr, length): every page is always resident enough; the range must be mapped. */
long sys_mlock(const uint64_t arguments[6])
{
    uintptr_t start = ARGUMENT_ADDRESS(0) & ~(uintptr_t)(PAGE_SIZE - 1), end;
    size_t length = (size_t)arguments[1] + (ARGUMENT_ADDRESS(0) - start);
    return check_mapped_range(current_mm(), start, length, &end);
}

/* mlock2(addr, length, flags). */
long sys_mlock2(const uint64_t arguments[6])
{
    if (arguments[2] & ~(uint64_t)MLOCK_ONFAULT)
        return -EINVAL;
    return sys_mlock(arguments);
}

/* munlock(addr, length). */
long sys_munlock(const uint64_t arguments[6]) { return sys_mlock(arguments); }

/* mlockall(flags). */
long sys_mlockall(const uint64_t arguments[6])
{
    uint64_t flags = arguments[0];
    if (flags == 0 || (flags & ~(uint64_t)(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) ||
        flags == MCL_ONFAULT)
        return -EINVAL;
    return 0;
}

/* munlockall(). */
long sys_munlockall(const uint64_t arguments[6]) { return 0; }
