/*
 * format.c — rk_vsnprintf(), the kernel's one printf engine (both backends).
 */
#include <stdbool.h>
#include <stdint.h>
#include <rk/format.h>
#include <rk/string.h>

/* Output cursor: writes what fits, counts everything. */
struct format_output {
    char *buffer;
    size_t size;
    size_t length;
};

/* Append one character (dropped when the buffer is full, but counted). */
static void output_character(struct format_output *output, char character)
{
    if (output->length + 1 < output->size)
        output->buffer[output->length] = character;
    output->length++;
}

/* Append character count times. */
static void output_repeat(struct format_output *output, char character, int count)
{
    while (count-- > 0)
        output_character(output, character);
}

struct format_spec {
    bool left_align;
    bool zero_pad;
    bool plus_sign;
    bool space_sign;
    bool alternate;
    int width;
    int precision;   /* -1 when absent */
};

/* Emit text of length with padding per spec. */
static void output_padded(struct format_output *output, const struct format_spec *spec,
                          const char *text, int length)
{
    int padding = spec->width > length ? spec->width - length : 0;
    if (!spec->left_align)
        output_repeat(output, ' ', padding);
    for (int i = 0; i < length; i++)
        output_character(output, text[i]);
    if (spec->left_align)
        output_repeat(output, ' ', padding);
}

/* Emit an integer: magnitude in base, with sign/prefix/precision/width per spec. */
static void output_integer(struct format_output *output, const struct format_spec *spec,
                           uint64_t magnitude, bool negative, unsigned base, bool upper,
                           const char *prefix)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char reversed[24];
    int digit_count = 0;

    if (magnitude == 0 && spec->precision == 0) {
        digit_count = 0;
    } else {
        do {
            reversed[digit_count++] = digits[magnitude % base];
            magnitude /= base;
        } while (magnitude != 0);
    }

    char sign = 0;
    if (negative)
        sign = '-';
    else if (spec->plus_sign)
        sign = '+';
    else if (spec->space_sign)
        sign = ' ';

    int zeros = spec->precision > digit_count ? spec->precision - digit_count : 0;
    int prefix_length = prefix ? (int)strlen(prefix) : 0;
    int total = digit_count + zeros + (sign ? 1 : 0) + prefix_length;
    int padding = spec->width > total ? spec->width - total : 0;
    bool pad_with_zeros = spec->zero_pad && !spec->left_align && spec->precision < 0;

    if (!spec->left_align && !pad_with_zeros)
        output_repeat(output, ' ', padding);
    if (sign)
        output_character(output, sign);
    for (int i = 0; i < prefix_length; i++)
        output_character(output, prefix[i]);
    if (pad_with_zeros)
        output_repeat(output, '0', padding);
    output_repeat(output, '0', zeros);
    while (digit_count > 0)
        output_character(output, reversed[--digit_count]);
    if (spec->left_align)
        output_repeat(output, ' ', padding);
}

enum length_modifier { LENGTH_INT, LENGTH_CHAR, LENGTH_SHORT, LENGTH_LONG, LENGTH_LONG_LONG, LENGTH_SIZE };

/* Fetch a signed argument of the given length. */
static int64_t fetch_signed(va_list *arguments, enum length_modifier length)
{
    switch (length) {
    case LENGTH_CHAR: return (signed char)va_arg(*arguments, int);
    case LENGTH_SHORT: return (short)va_arg(*arguments, int);
    case LENGTH_LONG: return va_arg(*arguments, long);
    case LENGTH_LONG_LONG: return va_arg(*arguments, long long);
    case LENGTH_SIZE: return va_arg(*arguments, long);
    default: return va_arg(*arguments, int);
    }
}

/* Fetch an unsigned argument of the given length. */
static uint64_t fetch_unsigned(va_list *arguments, enum length_modifier length)
{
    switch (length) {
    case LENGTH_CHAR: return (unsigned char)va_arg(*arguments, unsigned int);
    case LENGTH_SHORT: return (unsigned short)va_arg(*arguments, unsigned int);
    case LENGTH_LONG: return va_arg(*arguments, unsigned long);
    case LENGTH_LONG_LONG: return va_arg(*arguments, unsigned long long);
    case LENGTH_SIZE: return va_arg(*arguments, size_t);
    default: return va_arg(*arguments, unsigned int);
    }
}

/* Parse flags, width, precision and length at *cursor into spec / *length. */
static const char *parse_spec(const char *cursor, va_list *arguments, struct format_spec *spec,
                              enum length_modifier *length)
{
    *spec = (struct format_spec){ .precision = -1 };
    for (;; cursor++) {
        if (*cursor == '-') spec->left_align = true;
        else if (*cursor == '0') spec->zero_pad = true;
        else if (*cursor == '+') spec->plus_sign = true;
        else if (*cursor == ' ') spec->space_sign = true;
        else if (*cursor == '#') spec->alternate = true;
        else break;
    }
    if (*cursor == '*') {
        spec->width = va_arg(*arguments, int);
        if (spec->width < 0) {
            spec->left_align = true;
            spec->width = -spec->width;
        }
        cursor++;
    } else {
        while (*cursor >= '0' && *cursor <= '9')
            spec->width = spec->width * 10 + (*cursor++ - '0');
    }
    if (*cursor == '.') {
        cursor++;
        spec->precision = 0;
        if (*cursor == '*') {
            spec->precision = va_arg(*arguments, int);
            if (spec->precision < 0)
                spec->precision = -1;
            cursor++;
        } else {
            while (*cursor >= '0' && *cursor <= '9')
                spec->precision = spec->precision * 10 + (*cursor++ - '0');
        }
    }
    *length = LENGTH_INT;
    if (cursor[0] == 'h' && cursor[1] == 'h') { *length = LENGTH_CHAR; cursor += 2; }
    else if (cursor[0] == 'h') { *length = LENGTH_SHORT; cursor++; }
    else if (cursor[0] == 'l' && cursor[1] == 'l') { *length = LENGTH_LONG_LONG; cursor += 2; }
    else if (cursor[0] == 'l' || cursor[0] == 'j') { *length = LENGTH_LONG; cursor++; }
    else if (cursor[0] == 'z' || cursor[0] == 't') { *length = LENGTH_SIZE; cursor++; }
    return cursor;
}

int rk_vsnprintf(char *buffer, size_t size, const char *format, va_list arguments_in)
{
    struct format_output output = { .buffer = buffer, .size = size, .length = 0 };
    va_list arguments;
    va_copy(arguments, arguments_in);

    for (const char *cursor = format; *cursor; cursor++) {
        if (*cursor != '%') {
            output_character(&output, *cursor);
            continue;
        }
        struct format_spec spec;
        enum length_modifier length;
        cursor = parse_spec(cursor + 1, &arguments, &spec, &length);
        switch (*cursor) {
        case 'd':
        case 'i': {
            int64_t value = fetch_signed(&arguments, length);
            uint64_t magnitude = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
            output_integer(&output, &spec, magnitude, value < 0, 10, false, NULL);
            break;
        }
        case 'u':
            output_integer(&output, &spec, fetch_unsigned(&arguments, length), false, 10, false, NULL);
            break;
        case 'x':
        case 'X': {
            uint64_t value = fetch_unsigned(&arguments, length);
            const char *prefix = spec.alternate && value ? (*cursor == 'x' ? "0x" : "0X") : NULL;
            output_integer(&output, &spec, value, false, 16, *cursor == 'X', prefix);
            break;
        }
        case 'o': {
            uint64_t value = fetch_unsigned(&arguments, length);
            output_integer(&output, &spec, value, false, 8, false, spec.alternate && value ? "0" : NULL);
            break;
        }
        case 'p': {
            uintptr_t value = (uintptr_t)va_arg(arguments, void *);
            output_integer(&output, &spec, value, false, 16, false, "0x");
            break;
        }
        case 'c': {
            char character = (char)va_arg(arguments, int);
            output_padded(&output, &spec, &character, 1);
            break;
        }
        case 's': {
            const char *text = va_arg(arguments, const char *);
            if (!text)
                text = "(null)";
            int text_length = (int)(spec.precision >= 0 ? strnlen(text, (size_t)spec.precision)
                                                          : strlen(text));
            output_padded(&output, &spec, text, text_length);
            break;
        }
        case '%':
            output_character(&output, '%');
            break;
        case '\0':
            cursor--; /* a lone '%' at the end: stop */
            break;
        default:
            output_character(&output, '%');
            output_character(&output, *cursor);
            break;
        }
    }
    va_end(arguments);

    if (size > 0)
        buffer[output.length < size ? output.length : size - 1] = '\0';
    return (int)output.length;
}

int rk_snprintf(char *buffer, size_t size, const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    int length = rk_vsnprintf(buffer, size, format, arguments);
    va_end(arguments);
    return length;
}
