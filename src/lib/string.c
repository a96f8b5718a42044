/*
 * string.c — the C memory and string functions for the freestanding build
 * (the hosted build uses libc's). GCC may emit calls to memcpy/memset/
 * memmove/memcmp on its own, so these keep their ISO C names.
 */
#include <stdint.h>
#include <rk/string.h>

void *memcpy(void *restrict destination, const void *restrict source, size_t length)
{
    unsigned char *to = destination;
    const unsigned char *from = source;
    if (((uintptr_t)to & 7) == 0 && ((uintptr_t)from & 7) == 0) {
        for (; length >= 8; length -= 8, to += 8, from += 8)
            *(uint64_t *)to = *(const uint64_t *)from;
    }
    while (length--)
        *to++ = *from++;
    return destination;
}

void *memmove(void *destination, const void *source, size_t length)
{
    unsigned char *to = destination;
    const unsigned char *from = source;
    if (to == from || length == 0)
        return destination;
    if (to < from || to >= from + length)
        return memcpy(destination, source, length);
    while (length--)
        to[length] = from[length];
    return destination;
}

void *memset(void *destination, int value, size_t length)
{
    unsigned char *to = destination;
    if (((uintptr_t)to & 7) == 0) {
        uint64_t pattern = (unsigned char)value * 0x0101010101010101ull;
        for (; length >= 8; length -= 8, to += 8)
            *(uint64_t *)to = pattern;
    }
    while (length--)
        *to++ = (unsigned char)value;
    return destination;
}

int memcmp(const void *left, const void *right, size_t length)
{
    const unsigned char *a = left, *b = right;
    for (size_t i = 0; i < length; i++)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return 0;
}

size_t strlen(const char *string)
{
    size_t length = 0;
    while (string[length])
        length++;
    return length;
}

size_t strnlen(const char *string, size_t max)
{
    size_t length = 0;
    while (length < max && string[length])
        length++;
    return length;
}

int strcmp(const char *left, const char *right)
{
    while (*left && *left == *right) {
        left++;
        right++;
    }
    return (unsigned char)*left - (unsigned char)*right;
}

int strncmp(const char *left, const char *right, size_t length)
{
    for (; length > 0; length--, left++, right++) {
        if (*left != *right)
            return (unsigned char)*left - (unsigned char)*right;
        if (*left == '\0')
            return 0;
    }
    return 0;
}

char *strchr(const char *string, int character)
{
    for (;; string++) {
        if (*string == (char)character)
            return (char *)string;
        if (*string == '\0')
            return NULL;
    }
}

char *strrchr(const char *string, int character)
{
    const char *last = NULL;
    for (;; string++) {
        if (*string == (char)character)
            last = string;
        if (*string == '\0')
            return (char *)last;
    }
}
