/*
 * target_user.h — what the parser fuzz targets share for making syscalls
 * as pid 1 (fuzz_kernel.h): a bump allocator over the process's user
 * memory, strings and buffers placed there, and the Linux x86_64 layouts
 * the file syscalls write (struct stat, linux_dirent64).
 *
 * Header-only (static inline): each target is one executable. The user
 * arena is [FUZZ_USER_BASE, FUZZ_USER_UNMAPPED); user_reset() starts it
 * again (call it after fuzz_init_create()). Running out of it is a bug in
 * the target, reported as a finding. Use a mark (user_next) and put it
 * back to give memory back.
 */
#ifndef FUZZ_TARGET_USER_H
#define FUZZ_TARGET_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rk/syscall.h>

#include "fuzz_kernel.h"

/* struct stat as Linux x86_64 writes it (144 bytes). */
struct user_stat {
    uint64_t device;
    uint64_t inode;
    uint64_t link_count;
    uint32_t mode;
    uint32_t uid;
    uint32_t gid;
    uint32_t padding;
    uint64_t rdev;
    int64_t size;
    int64_t block_size;
    int64_t blocks;
    int64_t access_seconds;
    uint64_t access_nanoseconds;
    int64_t modify_seconds;
    uint64_t modify_nanoseconds;
    int64_t change_seconds;
    uint64_t change_nanoseconds;
    int64_t unused[3];
};
_Static_assert(sizeof(struct user_stat) == 144, "struct stat is 144 bytes on x86_64");

/* The fixed part of a linux_dirent64 record (the name follows, NUL-terminated). */
struct user_dirent64 {
    uint64_t inode;
    int64_t offset;
    uint16_t record_length;
    uint8_t type;
} __attribute__((packed));

/* The next free byte of the user arena, and its end. */
static uintptr_t user_next = FUZZ_USER_BASE;
static uintptr_t user_end = FUZZ_USER_UNMAPPED;

/* Start allocating from the beginning of pid 1's user arena again. */
static inline __attribute__((unused)) void user_reset(void)
{
    user_next = FUZZ_USER_BASE;
    user_end = FUZZ_USER_UNMAPPED;
}

/* Allocate from [base, base + size) instead (memory the target mapped itself, e.g. after an exec). */
static inline __attribute__((unused)) void user_arena_use(uintptr_t base, size_t size)
{
    user_next = base;
    user_end = base + size;
}

/* length bytes of user memory, 16-byte aligned (contents undefined). */
static inline __attribute__((unused)) uintptr_t user_alloc(size_t length)
{
    uintptr_t address = (user_next + 15) & ~(uintptr_t)15;
    if (address > user_end || length > user_end - address)
        fuzz_finding("fuzz target: user arena exhausted (%zu bytes wanted)", length);
    user_next = address + length;
    return address;
}

/* length bytes of data copied into fresh user memory. */
static inline __attribute__((unused)) uintptr_t user_bytes(const void *data, size_t length)
{
    uintptr_t address = user_alloc(length ? length : 1);
    if (length && !fuzz_user_write(address, data, length))
        fuzz_finding("fuzz target: cannot write user memory");
    return address;
}

/* A NUL-terminated copy of text in fresh user memory. */
static inline __attribute__((unused)) uintptr_t user_string(const char *text)
{
    return user_bytes(text, strlen(text) + 1);
}

/* Read length bytes of user memory into out (a finding when it faults). */
static inline __attribute__((unused)) void user_read(void *out, uintptr_t address, size_t length)
{
    if (length && !fuzz_user_read(out, address, length))
        fuzz_finding("fuzz target: cannot read user memory at %#lx", (unsigned long)address);
}

/*
 * newfstatat(dirfd, path, flags) into *out. Returns the syscall's result
 * (0 or -errno). The user memory it takes is given back.
 */
static inline __attribute__((unused)) long user_stat_at(int dirfd, const char *path, int flags,
                                                        struct user_stat *out)
{
    uintptr_t mark = user_next;
    uintptr_t buffer = user_alloc(sizeof *out);
    long result = fuzz_syscall(SYS_newfstatat, dirfd, (long)user_string(path), (long)buffer, flags, 0, 0);
    if (result == 0)
        user_read(out, buffer, sizeof *out);
    user_next = mark;
    return result;
}

/*
 * readlinkat(dirfd, path) of at most size bytes into out (not terminated).
 * Returns the syscall's result. The user memory it takes is given back.
 */
static inline __attribute__((unused)) long user_readlink_at(int dirfd, const char *path, char *out,
                                                            size_t size)
{
    uintptr_t mark = user_next;
    uintptr_t buffer = user_alloc(size);
    long result = fuzz_syscall(SYS_readlinkat, dirfd, (long)user_string(path), (long)buffer, (long)size, 0, 0);
    if (result > 0)
        user_read(out, buffer, (size_t)result);
    user_next = mark;
    return result;
}

/* fstat(fd) into *out. Returns 0 or -errno. */
static inline __attribute__((unused)) long user_fstat(int fd, struct user_stat *out)
{
    uintptr_t mark = user_next;
    uintptr_t buffer = user_alloc(sizeof *out);
    long result = fuzz_syscall(SYS_fstat, fd, (long)buffer, 0, 0, 0, 0);
    if (result == 0)
        user_read(out, buffer, sizeof *out);
    user_next = mark;
    return result;
}

#endif
