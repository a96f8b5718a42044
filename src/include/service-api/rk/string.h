/*
 * rk/string.h — the C string and memory functions the kernel uses.
 * Same prototypes as ISO C: the hosted build links them from libc,
 * the x86 build from src/lib/string.c.
 */
#ifndef RK_STRING_H
#define RK_STRING_H

#include <stddef.h>

void *memcpy(void *restrict destination, const void *restrict source, size_t length);
void *memmove(void *destination, const void *source, size_t length);
void *memset(void *destination, int value, size_t length);
int memcmp(const void *left, const void *right, size_t length);
size_t strlen(const char *string);
size_t strnlen(const char *string, size_t max);
int strcmp(const char *left, const char *right);
int strncmp(const char *left, const char *right, size_t length);
char *strchr(const char *string, int character);
char *strrchr(const char *string, int character);

/*
 * Copy source into destination (size bytes), always NUL-terminated when
 * size > 0. Returns strlen(source), so truncation happened when >= size.
 */
size_t rk_strlcpy(char *destination, const char *source, size_t size);

#endif
