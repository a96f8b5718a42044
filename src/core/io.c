/*
 * io.c — io_cursor: moving a read's or write's data between a filesystem
 * or pipe and the caller's buffers (user segments through the user-copy
 * helpers, kernel segments with memcpy).
 */
#include <rk/errno.h>
#include <rk/platform.h>
#include <rk/string.h>
#include <rk/usercopy.h>
#include <rk/vfs.h>

void io_cursor_kernel(struct io_cursor *cursor, struct io_segment *segment, void *buffer,
                      size_t length)
{
    segment->base = (uintptr_t)buffer;
    segment->length = length;
    *cursor = (struct io_cursor){ .segments = segment, .segment_count = 1, .user = false };
}

size_t io_remaining(const struct io_cursor *cursor)
{
    size_t remaining = 0;
    for (size_t i = cursor->segment_index; i < cursor->segment_count; i++)
        remaining += cursor->segments[i].length;
    return remaining - (cursor->segment_index < cursor->segment_count ? cursor->segment_offset : 0);
}

enum io_direction { IO_OUT, IO_IN, IO_ZERO };

/*
 * Move length bytes between buffer and the cursor in direction, segment by
 * segment. Returns 0 or -EFAULT (the cursor then counts what moved).
 */
static int io_move(struct io_cursor *cursor, void *buffer, size_t length, enum io_direction direction)
{
    char *kernel = buffer;
    while (length > 0 && cursor->segment_index < cursor->segment_count) {
        const struct io_segment *segment = &cursor->segments[cursor->segment_index];
        size_t room = segment->length - cursor->segment_offset;
        if (room == 0) {
            cursor->segment_index++;
            cursor->segment_offset = 0;
            continue;
        }
        size_t chunk = length < room ? length : room;
        uintptr_t address = segment->base + cursor->segment_offset;
        if (cursor->user) {
            /* Page by page, so a fault on a later page still counts the earlier ones. */
            size_t to_page_end = PAGE_SIZE - (address & (PAGE_SIZE - 1));
            if (chunk > to_page_end)
                chunk = to_page_end;
        }
        int error = 0;
        if (cursor->user) {
            if (direction == IO_OUT)
                error = copy_to_user(address, kernel, chunk);
            else if (direction == IO_IN)
                error = copy_from_user(kernel, address, chunk);
            else
                error = clear_user(address, chunk);
        } else if (direction == IO_OUT) {
            memcpy((void *)address, kernel, chunk);
        } else if (direction == IO_IN) {
            memcpy(kernel, (const void *)address, chunk);
        } else {
            memset((void *)address, 0, chunk);
        }
        if (error < 0)
            return -EFAULT;
        cursor->segment_offset += chunk;
        cursor->transferred += chunk;
        if (kernel)
            kernel += chunk;
        length -= chunk;
    }
    return 0;
}

int io_copy_out(struct io_cursor *cursor, const void *source, size_t length)
{
    return io_move(cursor, (void *)source, length, IO_OUT);
}

int io_copy_in(struct io_cursor *cursor, void *destination, size_t length)
{
    return io_move(cursor, destination, length, IO_IN);
}

int io_zero_out(struct io_cursor *cursor, size_t length)
{
    return io_move(cursor, NULL, length, IO_ZERO);
}
