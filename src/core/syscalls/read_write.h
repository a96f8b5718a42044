/*
 * read_write.h — the read/write plumbing read_write.c shares with
 * sendfile.c.
 */
#ifndef RK_CORE_READ_WRITE_H
#define RK_CORE_READ_WRITE_H

#include "syscall_support.h"

#define MAX_TRANSFER 0x7ffff000ul   /* Linux's MAX_RW_COUNT */

/*
 * Move io_remaining(cursor) bytes at most through file's read or write
 * (through the gate when a service owns the file), at *offset, which the
 * operation advances. Returns the byte count or -errno (-EFAULT may come
 * with cursor->transferred > 0). No lock held; may sleep.
 */
long file_transfer(struct file *file, struct io_cursor *cursor, uint64_t *offset, bool write);

/* -EBADF unless file was opened for the direction (O_PATH and access mode 3 allow neither). */
int file_check_access(const struct file *file, bool write);

#endif
