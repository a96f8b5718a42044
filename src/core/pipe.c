/*
 * pipe.c — pipes: a 64 KiB byte ring, two wait queues and the reader/writer
 * counts, behind one const file_ops table; anonymous (pipe_create) or
 * named (pipe_open_fifo, one pipe per FIFO vnode found through a small
 * table). Semantics and the locking rules are in rk/pipe.h.
 */
#include <rk/compiler.h>
#include <rk/errno.h>
#include <rk/heap.h>
#include <rk/list.h>
#include <rk/path.h>
#include <rk/pipe.h>
#include <rk/platform.h>
#include <rk/poll.h>
#include <rk/process.h>
#include <rk/spinlock.h>
#include <rk/usercopy.h>
#include <rk/waitqueue.h>

#include "vfs/vfs_internal.h"

/* The ring index arithmetic below relies on this. */
_Static_assert((PIPE_CAPACITY & (PIPE_CAPACITY - 1)) == 0, "pipe capacity is a power of two");
_Static_assert(PIPE_BUF <= PIPE_CAPACITY, "an atomic write fits in an empty pipe");

struct pipe {
    struct spinlock lock;                /* guards everything below */
    unsigned char *buffer;               /* PIPE_CAPACITY bytes, kmalloc'ed */
    size_t head;                         /* index of the oldest buffered byte */
    size_t count;                        /* bytes buffered */
    unsigned readers;                    /* descriptions that may read */
    unsigned writers;                    /* descriptions that may write */
    struct wait_queue readers_waiting;   /* readers sleeping for data (or end of file) */
    struct wait_queue writers_waiting;   /* writers sleeping for room (or a lost reader) */
    uint64_t inode_number;               /* anonymous: fixed at creation, shown by fstat */
    struct kernel_time created;          /* anonymous: fstat's three timestamps */
    /* Named pipes only (fifo_node is NULL for anonymous ones). */
    struct vnode *fifo_node;             /* referenced; set before the pipe enters the table */
    struct list_node fifo_link;          /* in fifo_table (guarded by fifo_table_lock) */
    unsigned long reader_opens;          /* opens for reading so far (Linux's r_counter) */
    unsigned long writer_opens;          /* opens for writing so far (Linux's w_counter) */
    struct wait_queue opens_waiting;     /* blocked opens waiting for the other side */
    unsigned long readiness_changes;     /* rk/poll.h: every end's file->readiness_changes points here */
};

static uint64_t next_inode_number = 1;
static unsigned long live_pipes;

/*
 * The FIFO table: every named pipe alive, each with its vnode. A list,
 * searched by vnode address (the table's reference keeps the vnode, and so
 * its address, alive). Lock order: fifo_table_lock, then a pipe's lock.
 */
static struct list_node fifo_table = { &fifo_table, &fifo_table };
static struct spinlock fifo_table_lock = SPINLOCK_INIT("fifo table");

/* True when a description with these open flags reads / writes its pipe (O_RDWR: both). */
static bool description_reads(unsigned flags) { return (flags & O_ACCMODE) != O_WRONLY; }
static bool description_writes(unsigned flags) { return (flags & O_ACCMODE) != O_RDONLY; }

/*
 * Linux moves pipe data a page buffer at a time and drops a page whose
 * copy faulted: a fault keeps only the whole PIPE_PIECE-byte pieces (counted
 * from the start of the read or write, whose first done bytes moved in
 * earlier calls) of what moved in this call. Returns how many of moved count.
 */
#define PIPE_PIECE 4096u
static size_t whole_pieces(size_t done, size_t moved)
{
    size_t end = (done + moved) / PIPE_PIECE * PIPE_PIECE;
    return end > done ? end - done : 0;
}

/*
 * Move up to length bytes (length <= free room, <= io_remaining(cursor))
 * from the cursor into the ring's free space and commit them; done is what
 * this write moved before. pipe->lock held. Returns the bytes committed;
 * *faulted tells whether the copy hit a bad user buffer (then only the
 * whole pieces before the fault are committed, see whole_pieces).
 */
static size_t ring_fill(struct pipe *pipe, struct io_cursor *cursor, size_t length, size_t done,
                        bool *faulted)
{
    size_t tail = (pipe->head + pipe->count) & (PIPE_CAPACITY - 1);
    size_t first = RK_MIN(length, PIPE_CAPACITY - tail);
    size_t before = cursor->transferred;
    int error = io_copy_in(cursor, pipe->buffer + tail, first);
    if (error == 0 && length > first)
        error = io_copy_in(cursor, pipe->buffer, length - first);
    size_t moved = cursor->transferred - before;
    if (error < 0)
        moved = whole_pieces(done, moved);
    pipe->count += moved;
    *faulted = error < 0;
    return moved;
}

/*
 * Move up to length bytes (length <= pipe->count, <= io_remaining(cursor))
 * from the oldest buffered data out to the cursor and consume them.
 * pipe->lock held. Returns the bytes consumed; *faulted as for ring_fill
 * (bytes that did not reach the caller stay buffered, and so do those of
 * a piece the fault cut, see whole_pieces).
 */
static size_t ring_drain(struct pipe *pipe, struct io_cursor *cursor, size_t length, bool *faulted)
{
    size_t first = RK_MIN(length, PIPE_CAPACITY - pipe->head);
    size_t before = cursor->transferred;
    int error = io_copy_out(cursor, pipe->buffer + pipe->head, first);
    if (error == 0 && length > first)
        error = io_copy_out(cursor, pipe->buffer, length - first);
    size_t moved = cursor->transferred - before;
    if (error < 0)
        moved = whole_pieces(0, moved);
    pipe->head = (pipe->head + moved) & (PIPE_CAPACITY - 1);
    pipe->count -= moved;
    if (pipe->count == 0)
        pipe->head = 0; /* keep small messages contiguous */
    *faulted = error < 0;
    return moved;
}

/*
 * file_ops.read of both ends. Takes and releases pipe->lock; may sleep on
 * readers_waiting (not with the lock held). Returns the byte count, 0 at end
 * of file, -EBADF for a write-only description, -EAGAIN (O_NONBLOCK, empty),
 * -EFAULT (nothing moved), or the wait's error (-EDEADLK for the boot thread
 * when no thread can ever write).
 */
static long pipe_read(struct file *file, struct io_cursor *cursor, uint64_t *offset)
{
    struct pipe *pipe = file->private;
    if (!description_reads(file->flags))
        return -EBADF;
    size_t wanted = io_remaining(cursor);
    if (wanted == 0)
        return 0;
    long result;
    spinlock_irq_state_t state = spin_lock_irqsave(&pipe->lock);
    for (;;) {
        if (pipe->count > 0) {
            bool faulted;
            size_t moved = ring_drain(pipe, cursor, RK_MIN(wanted, pipe->count), &faulted);
            if (moved > 0) {
                wait_queue_wake_all(&pipe->writers_waiting);
                poll_notify_changes(&pipe->readiness_changes);
            }
            /* A fault after some bytes moved still reports those bytes. */
            result = moved == 0 && faulted ? -EFAULT : (long)moved;
            break;
        }
        if (pipe->writers == 0) {
            result = 0;
            break;
        }
        if (file->flags & O_NONBLOCK) {
            result = -EAGAIN;
            break;
        }
        int error = wait_queue_wait(&pipe->readers_waiting, &pipe->lock, WAIT_FOREVER);
        if (error < 0) {
            result = error;
            break;
        }
    }
    spin_unlock_irqrestore(&pipe->lock, state);
    return result;
}

/*
 * A write moved data through a FIFO description: the node's modification
 * and change times become now, as Linux's file_update_time() in
 * pipe_write() (setattr through the gate; an error there is ignored, the
 * data went through). No lock held. Not for reads: Linux's relatime access
 * time would need setattr to leave the change time alone, which tmpfs's
 * does not.
 */
static void fifo_note_write(struct vnode *node)
{
    struct vnode_attributes attributes = { .modify_time = time_now() };
    (void)VNODE_CALL(node, setattr, &attributes, VNODE_SET_MODIFY_TIME);
}

/*
 * file_ops.write of both ends. Takes and releases pipe->lock; may sleep on
 * writers_waiting (not with the lock held). Returns the bytes written (all
 * of them unless O_NONBLOCK, a fault, a lost reader or a failed wait cut the
 * write short), -EBADF for a read-only description, -EPIPE (no reader; the
 * running process's broken-pipe count goes up, also when a partial count is
 * returned), -EAGAIN (O_NONBLOCK, see rk/pipe.h), -EFAULT (nothing moved),
 * or the wait's error when nothing was written. On a FIFO description a
 * write that moved bytes also sets the node's modification time.
 */
static long pipe_write(struct file *file, struct io_cursor *cursor, uint64_t *offset)
{
    struct pipe *pipe = file->private;
    if (!description_writes(file->flags))
        return -EBADF;
    size_t total = io_remaining(cursor);
    if (total == 0)
        return 0;
    bool atomic = total <= PIPE_BUF;
    bool broken = false;
    size_t written = 0;
    long result;
    spinlock_irq_state_t state = spin_lock_irqsave(&pipe->lock);
    for (;;) {
        if (pipe->readers == 0) {
            broken = true;
            result = written > 0 ? (long)written : -EPIPE;
            break;
        }
        size_t wanted = total - written;
        size_t room = PIPE_CAPACITY - pipe->count;
        if (room > 0 && (!atomic || room >= wanted)) {
            bool faulted;
            size_t moved = ring_fill(pipe, cursor, RK_MIN(room, wanted), written, &faulted);
            written += moved;
            if (moved > 0) {
                wait_queue_wake_all(&pipe->readers_waiting);
                poll_notify_changes(&pipe->readiness_changes);
            }
            if (faulted) {
                result = written > 0 ? (long)written : -EFAULT;
                break;
            }
            if (written == total) {
                result = (long)written;
                break;
            }
            continue; /* the pipe is full now: wait below */
        }
        if (file->flags & O_NONBLOCK) {
            result = written > 0 ? (long)written : -EAGAIN;
            break;
        }
        int error = wait_queue_wait(&pipe->writers_waiting, &pipe->lock, WAIT_FOREVER);
        if (error < 0) {
            result = written > 0 ? (long)written : error;
            break;
        }
    }
    spin_unlock_irqrestore(&pipe->lock, state);
    if (broken)
        process_note_broken_pipe(process_current());
    if (result > 0 && file->vnode)
        fifo_note_write(file->vnode);
    return result;
}

/*
 * file_ops.stat. A FIFO description: the node's own attributes (getattr
 * through the gate; its result). An anonymous pipe: a FIFO owned by root,
 * size = bytes buffered (takes pipe->lock briefly), returns 0.
 */
static int pipe_stat(struct file *file, struct vnode_attributes *attributes)
{
    if (file->vnode)
        return vfs_getattr(file->vnode, attributes, NULL);
    struct pipe *pipe = file->private;
    spinlock_irq_state_t state = spin_lock_irqsave(&pipe->lock);
    size_t buffered = pipe->count;
    spin_unlock_irqrestore(&pipe->lock, state);
    *attributes = (struct vnode_attributes){
        .inode_number = pipe->inode_number,
        .mode = S_IFIFO | 0600,
        .link_count = 1,
        .size = buffered,
        .block_size = PAGE_SIZE,
        .access_time = pipe->created,
        .modify_time = pipe->created,
        .change_time = pipe->created,
    };
    return 0;
}

/*
 * file_ops.ioctl: FIONREAD stores the buffered byte count as an int at the
 * user address argument (-EFAULT when it cannot); anything else -ENOTTY.
 */
static long pipe_ioctl(struct file *file, unsigned command, uintptr_t argument)
{
    struct pipe *pipe = file->private;
    if (command != FIONREAD)
        return -ENOTTY;
    spinlock_irq_state_t state = spin_lock_irqsave(&pipe->lock);
    int buffered = (int)pipe->count;
    spin_unlock_irqrestore(&pipe->lock, state);
    return copy_to_user(argument, &buffered, sizeof buffered) < 0 ? -EFAULT : 0;
}

/*
 * file_ops.poll, as Linux's pipe_poll(): a reading description is POLLIN
 * while bytes are buffered and POLLHUP once no writer is left (for a FIFO
 * description opened O_NONBLOCK without a writer: only after a writer
 * came, so that it does not report a hang-up before anyone wrote); a
 * writing description is POLLOUT while a page (PIPE_BUF bytes) of room is
 * free and POLLERR when no reader is left. Takes pipe->lock briefly.
 */
static unsigned pipe_poll(struct file *file)
{
    struct pipe *pipe = file->private;
    unsigned mask = 0;
    spinlock_irq_state_t state = spin_lock_irqsave(&pipe->lock);
    if (description_reads(file->flags)) {
        if (pipe->count > 0)
            mask |= POLLIN | POLLRDNORM;
        if (pipe->writers == 0 && file->poll_version != pipe->writer_opens)
            mask |= POLLHUP;
    }
    if (description_writes(file->flags)) {
        if (PIPE_CAPACITY - pipe->count >= PIPE_BUF)
            mask |= POLLOUT | POLLWRNORM;
        if (pipe->readers == 0)
            mask |= POLLERR;
    }
    spin_unlock_irqrestore(&pipe->lock, state);
    return mask;
}

/*
 * Free a pipe nobody refers to any more (out of the FIFO table, no
 * description, nobody waiting). No lock held: drops the FIFO's vnode
 * reference, which may call into the filesystem.
 */
static void pipe_free(struct pipe *pipe)
{
    struct vnode *node = pipe->fifo_node;
    kfree(pipe->buffer);
    kfree(pipe);
    irq_flags_t flags = platform_irq_save();
    live_pipes--;
    platform_irq_restore(flags);
    vnode_put(node); /* NULL (anonymous) is ignored */
}

/*
 * A description that reads (reads) and/or writes (writes) pipe goes away:
 * its release, or an open undone after a failed wait. Takes fifo_table_lock
 * (named pipes) then pipe->lock, drops the counts, wakes the other side so
 * that blocked readers see end of file and blocked writers the lost reader,
 * and with the last reader and writer takes the pipe out of the table and
 * frees it (after both locks are released).
 */
static void pipe_drop(struct pipe *pipe, bool reads, bool writes)
{
    bool named = pipe->fifo_node != NULL; /* fixed before anyone else could see the pipe */
    spinlock_irq_state_t state;
    if (named) {
        state = spin_lock_irqsave(&fifo_table_lock);
        spin_lock_raw(&pipe->lock);
    } else {
        state = spin_lock_irqsave(&pipe->lock);
    }
    if (reads && --pipe->readers == 0)
        wait_queue_wake_all(&pipe->writers_waiting);
    if (writes && --pipe->writers == 0)
        wait_queue_wake_all(&pipe->readers_waiting);
    poll_notify_changes(&pipe->readiness_changes); /* a hang-up (POLLHUP) or a lost reader (POLLERR) */
    bool last = pipe->readers == 0 && pipe->writers == 0;
    if (last && named)
        list_remove(&pipe->fifo_link);
    if (named) {
        spin_unlock_raw(&pipe->lock);
        spin_unlock_irqrestore(&fifo_table_lock, state);
    } else {
        spin_unlock_irqrestore(&pipe->lock, state);
    }
    if (last)
        pipe_free(pipe);
}

/*
 * file_ops.release: the description's last reference is gone (no call on
 * it can follow). pipe_drop() for its access mode: the other side is woken
 * and the pipe is freed with its last description. A description that was
 * never attached (private NULL: an open that failed before counting) has
 * nothing to drop. The caller (file_put) drops file->vnode and file->path.
 */
static void pipe_release(struct file *file)
{
    struct pipe *pipe = file->private;
    if (!pipe)
        return;
    file->private = NULL;
    file->readiness_changes = NULL;
    pipe_drop(pipe, description_reads(file->flags), description_writes(file->flags));
}

static const struct file_ops pipe_file_ops = {
    .read = pipe_read,
    .write = pipe_write,
    .stat = pipe_stat,
    .ioctl = pipe_ioctl,
    .release = pipe_release,
    .poll = pipe_poll,
};

/*
 * A new pipe with an empty ring, no reader or writer, not in the FIFO table
 * and counted in live_pipes; NULL when memory is exhausted. Not in
 * interrupt context; no lock needed (nobody else sees it yet).
 */
static struct pipe *pipe_alloc(void)
{
    struct pipe *pipe = kzalloc(sizeof *pipe);
    unsigned char *buffer = kmalloc(PIPE_CAPACITY);
    if (!pipe || !buffer) {
        kfree(buffer);
        kfree(pipe);
        return NULL;
    }
    spinlock_init(&pipe->lock, "pipe");
    pipe->buffer = buffer;
    wait_queue_init(&pipe->readers_waiting);
    wait_queue_init(&pipe->writers_waiting);
    wait_queue_init(&pipe->opens_waiting);
    list_init(&pipe->fifo_link);
    irq_flags_t irq_flags = platform_irq_save();
    live_pipes++;
    platform_irq_restore(irq_flags);
    return pipe;
}

/* See rk/pipe.h. */
int pipe_create(unsigned flags, struct file **read_end, struct file **write_end)
{
    if (flags & ~(unsigned)O_NONBLOCK)
        return -EINVAL;
    struct pipe *pipe = pipe_alloc();
    if (!pipe)
        return -ENOMEM;
    pipe->created = time_now();
    irq_flags_t irq_flags = platform_irq_save();
    pipe->inode_number = next_inode_number++;
    platform_irq_restore(irq_flags);

    struct file *reader = file_alloc(&pipe_file_ops, NULL, O_RDONLY | flags);
    if (!reader) {
        pipe_free(pipe);
        return -ENOMEM;
    }
    reader->private = pipe;
    reader->readiness_changes = &pipe->readiness_changes;
    pipe->readers = 1;
    struct file *writer = file_alloc(&pipe_file_ops, NULL, O_WRONLY | flags);
    if (!writer) {
        file_put(reader); /* the last description: its release frees the pipe */
        return -ENOMEM;
    }
    writer->private = pipe;
    writer->readiness_changes = &pipe->readiness_changes;
    pipe->writers = 1;
    pipe->writer_opens = 1;   /* Linux's w_counter: poll's POLLHUP compares it with poll_version 0 */
    *read_end = reader;
    *write_end = writer;
    return 0;
}

/* See rk/pipe.h. */
bool file_is_pipe(const struct file *file) { return file && file->ops == &pipe_file_ops; }

/* See rk/pipe.h. */
bool file_is_fifo(const struct file *file) { return file_is_pipe(file) && file->vnode != NULL; }

/* See rk/pipe.h. */
unsigned long pipe_count(void) { return live_pipes; }

/* See rk/pipe.h. */
void pipes_reset(void)
{
    next_inode_number = 1;
    list_init(&fifo_table);
    spinlock_init(&fifo_table_lock, "fifo table");
}

/* The named pipe of node in the FIFO table, or NULL. fifo_table_lock held. */
static struct pipe *fifo_lookup(const struct vnode *node)
{
    list_for_each(link, &fifo_table) {
        struct pipe *pipe = list_entry(link, struct pipe, fifo_link);
        if (pipe->fifo_node == node)
            return pipe;
    }
    return NULL;
}

/*
 * Find node's pipe in the FIFO table or make and enter one, and return it
 * with pipe->lock held (interrupts disabled; *state is what restoring
 * them needs: spin_unlock_irqrestore(&pipe->lock, *state)). Returns NULL
 * without any lock held when there is no pipe and refuse_new is true
 * (*error = -ENXIO), or when memory is exhausted (*error = -ENOMEM).
 * Allocates and frees with no lock held: when another open entered a pipe
 * for node while ours was being made, ours is freed and the search starts
 * again (that cannot happen while kmalloc never sleeps, but stays correct).
 */
static struct pipe *fifo_find_locked(struct vnode *node, bool refuse_new,
                                     spinlock_irq_state_t *state, int *error)
{
    struct pipe *fresh = NULL;
    struct pipe *pipe;
    for (;;) {
        *state = spin_lock_irqsave(&fifo_table_lock);
        pipe = fifo_lookup(node);
        if (pipe && fresh) {
            spin_unlock_irqrestore(&fifo_table_lock, *state);
            pipe_free(fresh); /* never entered: no node, no reference */
            fresh = NULL;
            continue;
        }
        if (pipe || fresh)
            break;
        spin_unlock_irqrestore(&fifo_table_lock, *state);
        if (refuse_new) {
            *error = -ENXIO;
            return NULL;
        }
        fresh = pipe_alloc();
        if (!fresh) {
            *error = -ENOMEM;
            return NULL;
        }
    }
    if (!pipe) {
        pipe = fresh;
        vnode_get(node); /* a counter under disabled interrupts: no call out */
        pipe->fifo_node = node;
        list_push_back(&fifo_table, &pipe->fifo_link);
    }
    /* Lock order: the table, then the pipe; the pipe's lock inherits *state. */
    spin_lock_raw(&pipe->lock);
    spin_unlock_raw(&fifo_table_lock);
    return pipe;
}

/* See rk/pipe.h. */
int pipe_open_fifo(struct path_entry *entry, unsigned flags, struct file **result)
{
    struct vnode *node = entry->vnode;
    if ((flags & O_ACCMODE) == O_ACCMODE || !S_ISFIFO(node->type))
        return -EINVAL;
    bool reads = description_reads(flags);
    bool writes = description_writes(flags);
    bool nonblocking = (flags & O_NONBLOCK) != 0;
    /* Allocated first, so that nothing can fail once the pipe counts this open. */
    struct file *file = file_alloc(&pipe_file_ops, NULL,
                                   flags & ~(unsigned)(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC));
    if (!file)
        return -ENOMEM;

    bool refuse_without_reader = writes && !reads && nonblocking;
    spinlock_irq_state_t state;
    int error = 0;
    struct pipe *pipe = fifo_find_locked(node, refuse_without_reader, &state, &error);
    if (!pipe) {
        file_put(file); /* never attached: only freed */
        return error;
    }
    if (refuse_without_reader && pipe->readers == 0) {
        /* The pipe existed, so writers (or waiting writer opens) keep it alive. */
        spin_unlock_irqrestore(&pipe->lock, state);
        file_put(file);
        return -ENXIO;
    }
    /* Count this open; from here a failure is undone by the description's release. */
    if (reads) {
        pipe->readers++;
        pipe->reader_opens++;
    }
    if (writes) {
        pipe->writers++;
        pipe->writer_opens++;
    }
    file->private = pipe;
    file->readiness_changes = &pipe->readiness_changes;
    if (reads && !writes && pipe->writers == 0 && nonblocking)
        file->poll_version = pipe->writer_opens;   /* no POLLHUP until a writer has come */
    wait_queue_wake_all(&pipe->opens_waiting); /* each checks whether its partner came */
    poll_notify_changes(&pipe->readiness_changes);
    if (!nonblocking && reads != writes) {
        /* fifo(7): wait until the other side has opened (Linux's wait_for_partner). */
        unsigned partners = reads ? pipe->writers : pipe->readers;
        const unsigned long *partner_opens = reads ? &pipe->writer_opens : &pipe->reader_opens;
        unsigned long seen = *partner_opens;
        /* A partner that opens and closes again before this thread runs still counts. */
        while (partners == 0 && *partner_opens == seen) {
            error = wait_queue_wait(&pipe->opens_waiting, &pipe->lock, WAIT_FOREVER);
            if (error < 0)
                break;
        }
    }
    spin_unlock_irqrestore(&pipe->lock, state);
    if (error < 0) {
        file_put(file); /* pipe_release: undo the counts, free the pipe if it was the last */
        return error;
    }
    vnode_get(node);
    file->vnode = node;
    path_get(entry);
    file->path = entry;
    *result = file;
    return 0;
}

/* See rk/pipe.h. */
int pipe_reopen(struct file *existing, unsigned flags, struct file **result)
{
    struct pipe *pipe = file_is_pipe(existing) ? existing->private : NULL;
    if (!pipe)
        return -ENXIO;
    if ((flags & O_ACCMODE) == O_ACCMODE)
        return -EINVAL;
    struct file *file = file_alloc(&pipe_file_ops, NULL,
                                   flags & ~(unsigned)(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC));
    if (!file)
        return -ENOMEM;
    spinlock_irq_state_t state = spin_lock_irqsave(&pipe->lock);
    if (description_reads(flags)) {
        pipe->readers++;
        pipe->reader_opens++;
    }
    if (description_writes(flags)) {
        pipe->writers++;
        pipe->writer_opens++;
    }
    file->private = pipe;
    file->readiness_changes = &pipe->readiness_changes;
    wait_queue_wake_all(&pipe->opens_waiting);
    poll_notify_changes(&pipe->readiness_changes);
    spin_unlock_irqrestore(&pipe->lock, state);
    if (existing->vnode) {
        vnode_get(existing->vnode);
        file->vnode = existing->vnode;
    }
    if (existing->path) {
        path_get(existing->path);
        file->path = existing->path;
    }
    *result = file;
    return 0;
}
