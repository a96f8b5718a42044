/*
 * script.c — the "#!" line of an interpreter script, parsed by Linux's
 * binfmt_script rules: only the first 256 bytes count; leading and
 * trailing blanks (space, tab) are dropped; the interpreter name ends at
 * the first blank or NUL; everything after the following blanks, up to
 * the end of the line, is ONE optional argument. A line without a newline
 * within those bytes is accepted only when the name visibly ends inside
 * them.
 */
#include <rk/errno.h>
#include <rk/string.h>

#include "exec_internal.h"

static bool is_blank(char character) { return character == ' ' || character == '\t'; }

/* The first non-blank in [first, last], or NULL. */
static char *next_non_blank(char *first, char *last)
{
    for (; first <= last; first++)
        if (!is_blank(*first))
            return first;
    return NULL;
}

/* The first blank or NUL in [first, last], or NULL. */
static char *next_terminator(char *first, char *last)
{
    for (; first <= last; first++)
        if (is_blank(*first) || *first == '\0')
            return first;
    return NULL;
}

int exec_script_parse(const char *buffer, size_t length, char *line, const char **interpreter,
                      const char **argument)
{
    if (length > EXEC_SCRIPT_LINE_MAX)
        length = EXEC_SCRIPT_LINE_MAX;
    memset(line, 0, EXEC_SCRIPT_LINE_MAX + 1);
    memcpy(line, buffer, length);
    if (length < 2 || line[0] != '#' || line[1] != '!')
        return -ENOEXEC;

    char *buffer_end = line + EXEC_SCRIPT_LINE_MAX - 1;
    /* The newline, looked for up to the first NUL as strnchr() does. */
    char *end = NULL;
    for (char *cursor = line; cursor <= buffer_end && *cursor != '\0'; cursor++) {
        if (*cursor == '\n') {
            end = cursor;
            break;
        }
    }
    if (!end) {
        end = next_non_blank(line + 2, buffer_end);
        if (!end)
            return -ENOEXEC;                 /* only blanks */
        if (!next_terminator(end, buffer_end))
            return -ENOEXEC;                 /* the name may continue past what we see */
        end = buffer_end;
    }
    while (end > line + 2 && is_blank(end[-1]))
        end--;
    *end = '\0';

    char *name = next_non_blank(line + 2, end);
    if (!name || name == end)
        return -ENOEXEC;                     /* no interpreter name */
    char *separator = next_terminator(name, end);
    char *optional = NULL;
    if (separator && *separator != '\0')
        optional = next_non_blank(separator, end);
    if (separator)
        *separator = '\0';
    *interpreter = name;
    *argument = optional;
    return 0;
}
