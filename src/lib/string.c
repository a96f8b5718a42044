/*
 * string.c — the C memory and string functions for the freestanding build
 * (the hosted build uses libc's). GCC may emit calls to memcpy/memset/
 * memmove/memcmp on its own, so these keep their ISO C names.
 */
#include <stdint.h>
#include <rk/string.h>

/* A 64-bit word at any alignment (x86 loads and stores it directly). */
typedef uint64_t __attribute__((may_alias, aligned(1))) unaligned_word;

/*
 * Copy ascending, eight words per step and then words and bytes. No
 * restrict: memmove uses it when destination lies below source, which is
 * safe because every word is read before any later store can reach it
 * (the asm barrier keeps the compiler from moving stores above loads).
 * Emulators (QEMU TCG) pay per instruction and per loop branch: fewer,
 * wider accesses matter there.
 */
static void copy_ascending(unsigned char *to, const unsigned char *from, size_t length)
{
    for (; length >= 64; length -= 64, to += 64, from += 64) {
        const unaligned_word *origin = (const unaligned_word *)from;
        uint64_t w0 = origin[0], w1 = origin[1], w2 = origin[2], w3 = origin[3];
        uint64_t w4 = origin[4], w5 = origin[5], w6 = origin[6], w7 = origin[7];
        __asm__ volatile("" : : : "memory");
        unaligned_word *target = (unaligned_word *)to;
        target[0] = w0;
        target[1] = w1;
        target[2] = w2;
        target[3] = w3;
        target[4] = w4;
        target[5] = w5;
        target[6] = w6;
        target[7] = w7;
    }
    for (; length >= 8; length -= 8, to += 8, from += 8) {
        uint64_t word = *(const unaligned_word *)from;
        __asm__ volatile("" : : : "memory");
        *(unaligned_word *)to = word;
    }
    while (length--)
        *to++ = *from++;
}

void *memcpy(void *restrict destination, const void *restrict source, size_t length)
{
    copy_ascending(destination, source, length);
    return destination;
}

void *memmove(void *destination, const void *source, size_t length)
{
    unsigned char *to = destination;
    const unsigned char *from = source;
    if (to == from || length == 0)
        return destination;
    if (to < from || to >= from + length) {
        copy_ascending(to, from, length);
        return destination;
    }
    while (length--)
        to[length] = from[length];
    return destination;
}

void *memset(void *destination, int value, size_t length)
{
    unsigned char *to = destination;
    uint64_t pattern = (unsigned char)value * 0x0101010101010101ull;
    for (; length >= 64; length -= 64, to += 64) {
        unaligned_word *target = (unaligned_word *)to;
        target[0] = pattern;
        target[1] = pattern;
        target[2] = pattern;
        target[3] = pattern;
        target[4] = pattern;
        target[5] = pattern;
        target[6] = pattern;
        target[7] = pattern;
    }
    for (; length >= 8; length -= 8, to += 8)
        *(unaligned_word *)to = pattern;
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
