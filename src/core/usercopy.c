/*
 * usercopy.c — user-copy helpers. A user address is valid when the running
 * process's address space maps its page with user access (and write access
 * for copies to it); the data is reached through the frame's direct-map
 * address, so the same code works on both backends and a bad pointer is
 * always -EFAULT, never a kernel fault. Pages not yet there (demand zero,
 * file pages, copy-on-write) are faulted in as a user access would.
 */
#include <rk/errno.h>
#include <rk/mm.h>
#include <rk/process.h>
#include <rk/string.h>
#include <rk/usercopy.h>

/*
 * Kernel address of user address (page-offset kept) when the page allows
 * access for write_access, or NULL. *room gets the bytes left in the page.
 * A page that is absent or copy-on-write is brought in through the
 * memory manager (mm_handle_fault) and looked up again; NULL when the
 * area forbids the access or no area covers it.
 */
static void *user_page_address(uintptr_t address, bool write_access, size_t *room)
{
    struct process *process = process_current();
    if (!process || !process->mm)
        return NULL;
    if (address < platform_user_address_lowest() || address >= platform_user_address_end())
        return NULL;
    uintptr_t page = address & ~(uintptr_t)(PAGE_SIZE - 1);
    unsigned needed = PLATFORM_PROT_USER | (write_access ? PLATFORM_PROT_WRITE : PLATFORM_PROT_READ);
    for (int attempt = 0;; attempt++) {
        paddr_t frame;
        unsigned prot;
        if (platform_translate(&process->mm->space, page, &frame, &prot) == 0 &&
            (prot & needed) == needed) {
            *room = PAGE_SIZE - (address - page);
            return (char *)platform_phys_to_virt(frame) + (address - page);
        }
        if (attempt > 0 ||
            mm_handle_fault(process->mm, address,
                            write_access ? MM_ACCESS_WRITE : MM_ACCESS_READ) < 0)
            return NULL;
    }
}

enum user_copy { USER_READ, USER_WRITE, USER_CLEAR };

/* Walk [address, address + length) page by page doing kind. Returns 0 or -EFAULT. */
static int user_walk(uintptr_t address, void *kernel, size_t length, enum user_copy kind)
{
    char *cursor = kernel;
    if (address + length < address)
        return -EFAULT;
    while (length > 0) {
        size_t room;
        char *target = user_page_address(address, kind != USER_READ, &room);
        if (!target)
            return -EFAULT;
        size_t chunk = length < room ? length : room;
        if (kind == USER_READ)
            memcpy(cursor, target, chunk);
        else if (kind == USER_WRITE)
            memcpy(target, cursor, chunk);
        else
            memset(target, 0, chunk);
        if (cursor)
            cursor += chunk;
        address += chunk;
        length -= chunk;
    }
    return 0;
}

int copy_from_user(void *destination, uintptr_t source, size_t length)
{
    return user_walk(source, destination, length, USER_READ);
}

int copy_to_user(uintptr_t destination, const void *source, size_t length)
{
    return user_walk(destination, (void *)source, length, USER_WRITE);
}

int clear_user(uintptr_t destination, size_t length)
{
    return user_walk(destination, NULL, length, USER_CLEAR);
}

long copy_string_from_user(char *destination, uintptr_t source, size_t size)
{
    size_t copied = 0;
    while (copied < size) {
        size_t room;
        const char *page = user_page_address(source + copied, false, &room);
        if (!page)
            return -EFAULT;
        size_t limit = room < size - copied ? room : size - copied;
        size_t length = strnlen(page, limit);
        if (length < limit) {
            memcpy(destination + copied, page, length + 1);
            return (long)(copied + length);
        }
        memcpy(destination + copied, page, limit);
        copied += limit;
    }
    if (size > 0)
        destination[size - 1] = '\0';
    return -ENAMETOOLONG;
}
