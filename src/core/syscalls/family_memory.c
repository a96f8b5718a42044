/*
 * family_memory.c — the table of the memory family: mmap and friends,
 * brk, msync, mincore and the mlock calls (handlers in memory.c).
 */
#include "syscall_support.h"

SYSCALL_FAMILY_DEFINE(memory,
    SYSCALL_ENTRY(mmap),
    SYSCALL_ENTRY(munmap),
    SYSCALL_ENTRY(mprotect),
    SYSCALL_ENTRY(mremap),
    SYSCALL_ENTRY(madvise),
    SYSCALL_ENTRY(brk),
    SYSCALL_ENTRY(msync),
    SYSCALL_ENTRY(mincore),
    SYSCALL_ENTRY(mlock),
    SYSCALL_ENTRY(mlock2),
    SYSCALL_ENTRY(munlock),
    SYSCALL_ENTRY(mlockall),
    SYSCALL_ENTRY(munlockall));
