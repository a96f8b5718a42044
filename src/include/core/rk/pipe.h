/*
 * rk/pipe.h — anonymous pipes (Core), after Linux pipe(7).
 *
 * A pipe is one 64 KiB byte ring shared by open file descriptions: a read
 * end (O_RDONLY) and a write end (O_WRONLY) made by pipe_create(). The pipe
 * counts its readers and writers (descriptions whose access mode lets them
 * read / write) and frees itself when the last description is released.
 *
 *   read   blocks while the pipe is empty and a writer exists; returns 0
 *          (end of file) when it is empty and no writer is left, -EAGAIN
 *          when it is empty and the description is O_NONBLOCK; otherwise
 *          returns what is buffered, up to the size asked (never waits for
 *          more once it has some).
 *   write  -EPIPE and process_note_broken_pipe() (SIGPIPE, later) when no
 *          reader is left, also when the last reader goes while the writer
 *          is blocked (then the bytes already written are returned, if any);
 *          a write of at most PIPE_BUF bytes is atomic (it waits until all of
 *          it fits, so it is never interleaved with other writes); larger
 *          writes fill what room there is and may be interleaved. O_NONBLOCK:
 *          -EAGAIN when nothing fits (for an atomic write: when not all of it
 *          fits), else the partial count.
 *   both   a zero-length request returns 0 at once; data moves through the
 *          io_cursor, a bad user buffer gives -EFAULT when nothing moved,
 *          else the count that did. O_NONBLOCK is read from file->flags on
 *          every call, so fcntl(F_SETFL) takes effect at once.
 *   fstat  mode S_IFIFO | 0600, size = bytes buffered, a per-pipe inode number.
 *   ioctl  FIONREAD stores the buffered byte count (an int) at the user pointer.
 *
 * Locking: each pipe has a spinlock held (interrupts disabled) while its
 * state is examined or changed and while data is copied in or out, and
 * released only inside wait_queue_wait() while a reader or writer sleeps.
 * The user copies never sleep (they walk the page tables), so holding the
 * lock across them is allowed; if demand paging ever makes them sleep, this
 * lock must become a sleeping mutex.
 */
#ifndef RK_PIPE_H
#define RK_PIPE_H

#include <rk/file.h>

#define PIPE_CAPACITY 65536u   /* bytes a pipe buffers (Linux's default, 16 pages) */
#define PIPE_BUF 4096u         /* writes up to this size are atomic */

#define FIONREAD 0x541B        /* ioctl: bytes ready to read (int *) */

/*
 * Make a pipe: *read_end (O_RDONLY) and *write_end (O_WRONLY), each a new
 * description with one reference that the caller owns (file_put() each, or
 * install them in a descriptor table). flags may hold O_NONBLOCK, which both
 * descriptions get; any other bit is -EINVAL. Returns 0, -EINVAL or -ENOMEM
 * (then nothing was allocated and the out parameters are untouched).
 * Not in interrupt context.
 */
int pipe_create(unsigned flags, struct file **read_end, struct file **write_end);

/* True when file is one end of a pipe made by pipe_create(). */
bool file_is_pipe(const struct file *file);

struct path_entry;
/*
 * open(2) of a FIFO node (mknod S_IFIFO) at entry with flags: attach to the
 * node's pipe (created on first open), with Linux's rules for blocking and
 * O_NONBLOCK opens. Returns 0 and *result, or -errno (-ENXIO for a
 * non-blocking write-only open without readers).
 */
int pipe_open_fifo(struct path_entry *entry, unsigned flags, struct file **result);

/* Pipes alive now (made and not yet freed); for tests and leak checks. */
unsigned long pipe_count(void);

#endif
