/*
 * rk/format.h — printf-style formatting, the same code on both backends.
 * Supports %d %i %u %x %X %o %c %s %p %% with flags "-0+ #", width,
 * precision, '*', and the length modifiers hh h l ll z t j.
 */
#ifndef RK_FORMAT_H
#define RK_FORMAT_H

#include <stdarg.h>
#include <stddef.h>
#include <rk/compiler.h>

/*
 * Format into buffer (size bytes, always NUL-terminated when size > 0).
 * Returns the length the full output would have had (like C99 vsnprintf).
 */
int rk_vsnprintf(char *buffer, size_t size, const char *format, va_list arguments);
int rk_snprintf(char *buffer, size_t size, const char *format, ...) RK_PRINTF(3, 4);

#endif
