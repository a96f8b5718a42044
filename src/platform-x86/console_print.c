/*
 * console_print.c — tiny formatting helpers that write straight to the
 * serial console. Used on fault and boot paths, where the Core's
 * formatting may not be usable; no allocation, no locks, any context.
 */
#include "x86.h"

/* Write a NUL-terminated string. */
void console_print(const char *text)
{
    size_t length = 0;
    while (text[length] != '\0')
        length++;
    platform_console_write(text, length);
}

/* Write "0x" and value in hexadecimal, zero-padded to digits (1..16). */
void console_print_hex(uint64_t value, unsigned digits)
{
    char text[19];
    if (digits < 1)
        digits = 1;
    if (digits > 16)
        digits = 16;
    while (digits < 16 && (value >> (4 * digits)) != 0)
        digits++;
    text[0] = '0';
    text[1] = 'x';
    for (unsigned index = 0; index < digits; index++)
        text[2 + index] = "0123456789abcdef"[(value >> (4 * (digits - 1 - index))) & 0xf];
    text[2 + digits] = '\0';
    console_print(text);
}

/* Write value in decimal. */
void console_print_decimal(uint64_t value)
{
    char text[21];
    unsigned position = sizeof(text) - 1;
    text[position] = '\0';
    do {
        text[--position] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    console_print(&text[position]);
}

/* Write "<function+0xoffset>" for a kernel text address, "<?>" when unknown. */
void console_print_symbol(uintptr_t address)
{
    uintptr_t offset = 0;
    const char *name = platform_symbolize(address, &offset);
    if (name == NULL) {
        console_print("<?>");
        return;
    }
    console_print("<");
    console_print(name);
    console_print("+");
    console_print_hex(offset, 1);
    console_print(">");
}
