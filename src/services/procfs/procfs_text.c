/*
 * procfs_text.c — the growable text buffer generated files are rendered
 * into, and the copy of a read's window out of it.
 */
#include <stdarg.h>
#include <rk/errno.h>
#include <rk/format.h>
#include <rk/heap.h>
#include <rk/string.h>

#include "procfs_internal.h"

#define PROCFS_TEXT_INITIAL 1024u

/* An empty buffer that owns no memory yet. */
void procfs_text_init(struct procfs_text *text)
{
    *text = (struct procfs_text){ .data = NULL, .length = 0, .capacity = 0, .error = 0 };
}

/* Free the data and leave an empty buffer. */
void procfs_text_free(struct procfs_text *text)
{
    kfree(text->data);
    procfs_text_init(text);
}

/* Room for extra bytes and a NUL, doubling the capacity; 0 or the sticky -ENOMEM (1 GiB cap). */
int procfs_text_reserve(struct procfs_text *text, size_t extra)
{
    if (text->error < 0)
        return text->error;
    if (extra > ((size_t)1 << 30) || text->length + extra + 1 > ((size_t)1 << 30)) {
        text->error = -ENOMEM;
        return text->error;
    }
    size_t needed = text->length + extra + 1;
    if (needed <= text->capacity)
        return 0;
    size_t capacity = text->capacity ? text->capacity : PROCFS_TEXT_INITIAL;
    while (capacity < needed)
        capacity *= 2;
    char *data = kmalloc(capacity);
    if (!data) {
        text->error = -ENOMEM;
        return text->error;
    }
    if (text->length > 0)
        memcpy(data, text->data, text->length);
    data[text->length] = '\0';
    kfree(text->data);
    text->data = data;
    text->capacity = capacity;
    return 0;
}

/* Append length bytes (kept NUL-terminated); a failure only sets text->error. */
void procfs_text_append(struct procfs_text *text, const void *bytes, size_t length)
{
    if (procfs_text_reserve(text, length) < 0)
        return;
    memcpy(text->data + text->length, bytes, length);
    text->length += length;
    text->data[text->length] = '\0';
}

/* Append formatted text, formatting twice when the first attempt did not fit. */
void procfs_text_printf(struct procfs_text *text, const char *format, ...)
{
    if (procfs_text_reserve(text, 0) < 0)
        return;
    va_list arguments;
    va_start(arguments, format);
    size_t room = text->capacity - text->length;
    int needed = rk_vsnprintf(text->data + text->length, room, format, arguments);
    va_end(arguments);
    if (needed < 0)
        return;
    if ((size_t)needed >= room) {
        text->data[text->length] = '\0';
        if (procfs_text_reserve(text, (size_t)needed) < 0)
            return;
        va_start(arguments, format);
        rk_vsnprintf(text->data + text->length, text->capacity - text->length, format, arguments);
        va_end(arguments);
    }
    text->length += (size_t)needed;
}

/*
 * Append query(pid)'s full output, retrying with the reported length when
 * it did not fit (a few times, as it may grow meanwhile: then -EAGAIN).
 */
int procfs_text_append_query(struct procfs_text *text, long (*query)(int, char *, size_t), int pid)
{
    size_t room = 256;
    for (int attempt = 0; attempt < 8; attempt++) {
        if (procfs_text_reserve(text, room) < 0)
            return text->error;
        room = text->capacity - text->length - 1;
        long full = query(pid, text->data + text->length, room);
        if (full < 0) {
            text->data[text->length] = '\0';
            return (int)full;
        }
        if ((size_t)full <= room) {
            text->length += (size_t)full;
            text->data[text->length] = '\0';
            return 0;
        }
        room = (size_t)full + 64;   /* it grew: ask again with room to spare */
    }
    text->data[text->length] = '\0';
    return -EAGAIN;
}

/* Copy [offset, offset + io_remaining) of text out; the count, 0 at the end, or -EFAULT. */
long procfs_text_copy_window(const struct procfs_text *text, struct io_cursor *cursor,
                             uint64_t offset)
{
    if (offset >= text->length)
        return 0;
    size_t available = text->length - (size_t)offset;
    size_t wanted = io_remaining(cursor);
    size_t length = available < wanted ? available : wanted;
    size_t before = cursor->transferred;
    int error = io_copy_out(cursor, text->data + offset, length);
    size_t moved = cursor->transferred - before;
    return moved > 0 || error == 0 ? (long)moved : error;
}
