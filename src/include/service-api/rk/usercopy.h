/*
 * rk/usercopy.h — moving data between the kernel and the running
 * process's user memory. Every user pointer goes through these: an address
 * that is not mapped with user access (or, for writes, not writable) gives
 * -EFAULT, never a kernel fault. The same code runs on both backends: user
 * pages are found through the process's address space (platform_translate).
 */
#ifndef RK_USERCOPY_H
#define RK_USERCOPY_H

#include <stddef.h>
#include <stdint.h>

/* Copy length bytes from user address source. Returns 0 or -EFAULT (destination partly written). */
int copy_from_user(void *destination, uintptr_t source, size_t length);
/* Copy length bytes to user address destination. Returns 0 or -EFAULT (partly written). */
int copy_to_user(uintptr_t destination, const void *source, size_t length);
/* Zero length bytes at user address destination. Returns 0 or -EFAULT. */
int clear_user(uintptr_t destination, size_t length);
/*
 * Copy a NUL-terminated string of at most size - 1 characters from user
 * address source into destination (always terminated). Returns its length,
 * -EFAULT, or -ENAMETOOLONG when no NUL came within size bytes.
 */
long copy_string_from_user(char *destination, uintptr_t source, size_t size);

#endif
