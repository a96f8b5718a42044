/* rk/compiler.h — small compiler helpers shared by every ring. */
#ifndef RK_COMPILER_H
#define RK_COMPILER_H

#include <stddef.h>

#define RK_ARRAY_SIZE(array) (sizeof(array) / sizeof((array)[0]))
#define RK_UNUSED __attribute__((unused))
#define RK_PRINTF(format_index, first_argument) \
    __attribute__((format(printf, format_index, first_argument)))
#define RK_NORETURN _Noreturn
#define RK_LIKELY(x) __builtin_expect(!!(x), 1)
#define RK_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* Pointer to the structure that embeds member at pointer. */
#define container_of(pointer, type, member) \
    ((type *)((char *)(pointer) - offsetof(type, member)))

#define RK_ALIGN_UP(value, alignment) \
    (((value) + ((alignment) - 1)) & ~((__typeof__(value))(alignment) - 1))
#define RK_ALIGN_DOWN(value, alignment) ((value) & ~((__typeof__(value))(alignment) - 1))
#define RK_IS_ALIGNED(value, alignment) (((value) & ((alignment) - 1)) == 0)
#define RK_MIN(a, b) ((a) < (b) ? (a) : (b))
#define RK_MAX(a, b) ((a) > (b) ? (a) : (b))

/* ERR_PTR-style encoding of a negative errno in a pointer. */
#define RK_MAX_ERRNO 4095
static inline void *error_pointer(long error) { return (void *)error; }
static inline long pointer_error(const void *pointer) { return (long)pointer; }
static inline int is_error_pointer(const void *pointer)
{
    return (unsigned long)pointer >= (unsigned long)-RK_MAX_ERRNO;
}

#endif
