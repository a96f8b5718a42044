/*
 * dispatch.c — the syscall table and the dispatch entry.
 */
#include <rk/errno.h>
#include <rk/heap.h>
#include <rk/klog.h>
#include <rk/string.h>

#include "syscall_support.h"

/* The families, one file each (syscall_support.h). */
static const struct syscall_family *const syscall_families[] = {
    &syscall_family_files,
    &syscall_family_memory,
    &syscall_family_exec,
    &syscall_family_process,
    &syscall_family_signal,
    &syscall_family_system,
    &syscall_family_network,
};

/* number -> entry, filled from the families by syscall_table_build(). */
static const struct syscall_entry *syscall_table[SYSCALL_COUNT];

/*
 * Which unimplemented numbers have been logged this boot: one bit per
 * number below SYSCALL_COUNT, plus one bit shared by every number beyond
 * the table (only the first of those is named).
 */
#define ENOSYS_LOGGED_WORDS ((SYSCALL_COUNT + 1 + 63) / 64)
static uint64_t enosys_logged[ENOSYS_LOGGED_WORDS];

void syscall_table_build(void)
{
    for (size_t i = 0; i < SYSCALL_COUNT; i++)
        syscall_table[i] = NULL;
    for (size_t i = 0; i < ENOSYS_LOGGED_WORDS; i++)
        enosys_logged[i] = 0;
    for (size_t f = 0; f < sizeof syscall_families / sizeof syscall_families[0]; f++) {
        const struct syscall_family *family = syscall_families[f];
        for (size_t i = 0; i < family->count; i++) {
            const struct syscall_entry *entry = &family->entries[i];
            if (entry->number >= SYSCALL_COUNT || syscall_table[entry->number]) {
                klog(KLOG_ERROR, "syscall table: %s (%u) out of range or listed twice", entry->name,
                     entry->number);
                continue;
            }
            syscall_table[entry->number] = entry;
        }
    }
}

/* Every Linux x86_64 syscall name (generated from asm/unistd_64.h). */
extern const unsigned linux_syscall_name_count;
extern const char *const linux_syscall_names[];

const char *syscall_name(unsigned long number)
{
    if (number < SYSCALL_COUNT && syscall_table[number])
        return syscall_table[number]->name;
    if (number < linux_syscall_name_count && linux_syscall_names[number])
        return linux_syscall_names[number];
    return "unknown";
}

/*
 * An unimplemented syscall returns -ENOSYS with one warning naming it, but
 * only the first time each number is hit per boot (libc probes such as
 * rseq would otherwise flood the console once per process). Uniprocessor
 * and cooperative: the bitmap needs no lock.
 */
static long syscall_not_implemented(unsigned long number)
{
    unsigned long bit = number < SYSCALL_COUNT ? number : SYSCALL_COUNT;
    uint64_t mask = 1ull << (bit % 64);
    if (!(enosys_logged[bit / 64] & mask)) {
        enosys_logged[bit / 64] |= mask;
        klog(KLOG_WARNING, "syscall %lu (%s) not implemented: ENOSYS (logged once per boot)",
             number, syscall_name(number));
    }
    return -ENOSYS;
}

long syscall_dispatch(unsigned long number, const uint64_t arguments[SYSCALL_ARGUMENTS])
{
    if (number >= SYSCALL_COUNT || !syscall_table[number])
        return syscall_not_implemented(number);
    return syscall_table[number]->handler(arguments);
}

long syscall6(unsigned long number, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
              uint64_t a4, uint64_t a5)
{
    const uint64_t arguments[SYSCALL_ARGUMENTS] = { a0, a1, a2, a3, a4, a5 };
    return syscall_dispatch(number, arguments);
}

char *user_path_copy(uintptr_t address)
{
    char *path = kmalloc(PATH_MAX);
    if (!path)
        return error_pointer(-ENOMEM);
    long length = copy_string_from_user(path, address, PATH_MAX);
    if (length < 0) {
        kfree(path);
        return error_pointer(length);
    }
    return path;
}

long user_path_resolve(int dirfd, uintptr_t address, unsigned resolve, struct path_entry **entry)
{
    char *path = user_path_copy(address);
    if (is_error_pointer(path))
        return pointer_error(path);
    long result = path_resolve(process_current(), dirfd, path, resolve, entry);
    kfree(path);
    return result;
}

long parent_name_get(int dirfd, uintptr_t path_address, struct parent_name *target)
{
    target->path = user_path_copy(path_address);
    if (is_error_pointer(target->path))
        return pointer_error(target->path);
    long result = path_resolve_parent(process_current(), dirfd, target->path, &target->parent,
                                      &target->name, &target->length, &target->trailing_slash);
    if (result < 0)
        kfree(target->path);
    return result;
}

void parent_name_put(struct parent_name *target)
{
    path_put(target->parent);
    kfree(target->path);
}
