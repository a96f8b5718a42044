/*
 * rk/pipe.h — pipes (Core), after Linux pipe(7) and fifo(7): anonymous
 * pipes made by pipe_create() and named pipes (FIFOs) opened through a
 * filesystem node made with mknod(S_IFIFO).
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
 *   fstat  anonymous: mode S_IFIFO | 0600, size = bytes buffered, a per-pipe
 *          inode number. FIFO: the node's own attributes (as Linux).
 *   ioctl  FIONREAD stores the buffered byte count (an int) at the user pointer.
 *
 * Named pipes (FIFOs). The Core keeps a table from FIFO vnode to its pipe:
 * the first open of a node makes the pipe (and the table takes a vnode
 * reference), later opens of the same vnode (any path or hard link to it)
 * share it, and the last release frees it, buffered data included, so
 * nothing survives a moment without openers. Opens follow fifo(7):
 *   O_RDONLY              waits until a writer has opened since this open
 *                         began (even one that closed again) unless a writer
 *                         is open already; O_NONBLOCK: never waits.
 *   O_WRONLY              waits likewise for a reader; O_NONBLOCK with no
 *                         reader: -ENXIO.
 *   O_RDWR                never waits; one description is both a reader and
 *                         a writer (it keeps the pipe alive and wakes
 *                         blocked opens of either side).
 *   access mode 3         -EINVAL.
 * An open that waits already counts as a reader (writer), so the other
 * side's O_NONBLOCK open succeeds against it. Each open wakes the opens
 * waiting for its side. A failed wait (the boot thread with nothing able
 * to wake it: -EDEADLK) undoes the count as a close would. The description
 * holds the path entry and the vnode (fstat, /proc/PID/fd, fchmod reach the
 * node); reads and writes never reach the filesystem, except that a write
 * that moved bytes sets the node's modification (and change) time, as
 * Linux does (the access time is not updated on reads). file_is_pipe() is
 * true for FIFO descriptions too (as Linux's get_pipe_info()).
 *
 * Locking: each pipe has a spinlock held (interrupts disabled) while its
 * state is examined or changed and while data is copied in or out, and
 * released only inside wait_queue_wait() while a reader, writer or opener
 * sleeps. The FIFO table has its own spinlock, always taken before a
 * pipe's (open, and the release of a FIFO description, take both); vnode
 * references are taken and dropped outside both. The user copies never
 * sleep (they walk the page tables), so holding the lock across them is
 * allowed; if demand paging ever makes them sleep, this lock must become a
 * sleeping mutex.
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

/* True when file is one end of a pipe: made by pipe_create() or opened on a FIFO node. */
bool file_is_pipe(const struct file *file);

/* True when file is a description of a named pipe (opened on a FIFO node). */
bool file_is_fifo(const struct file *file);

struct path_entry;
/*
 * open(2) of the FIFO node at entry (entry->vnode->type is S_IFIFO) with
 * the open flags (O_CREAT, O_EXCL, O_NOCTTY and O_TRUNC are dropped from
 * the description; the rest are kept): attach to the node's pipe (made on
 * the first open) with the rules above; may sleep (not with a lock held,
 * not in interrupt context). Returns 0 and *result (a new description
 * with one reference for the caller, holding references on entry and its
 * vnode), or -ENXIO (O_WRONLY | O_NONBLOCK without a reader), -EINVAL
 * (access mode 3, or not a FIFO node), -ENOMEM, or the wait's error
 * (-EDEADLK for the boot thread when nothing can ever open the other
 * side); on error *result is untouched and the open left nothing behind
 * (a failed wait is undone as a close would be: the last one frees the pipe).
 */
int pipe_open_fifo(struct path_entry *entry, unsigned flags, struct file **result);

/*
 * open(2) through a magic link to a pipe (/proc/self/fd/0, /dev/stdin in a
 * pipeline): a new description on existing's pipe with flags' access mode.
 * Does not wait for a partner. Returns 0 and *result, -ENXIO when existing
 * is not a pipe, -EINVAL for access mode 3.
 */
int pipe_reopen(struct file *existing, unsigned flags, struct file **result);

/*
 * Forget every FIFO in the table without touching them (their memory went
 * with the previous heap). For core_init() after heap_init(), and for tests
 * that boot again: a table kept across a re-boot would point into the old
 * heap. Pipe inode numbers start again from 1; pipe_count() is not reset.
 */
void pipes_reset(void);

/* Pipes alive now (made and not yet freed); for tests and leak checks. */
unsigned long pipe_count(void);

#endif
