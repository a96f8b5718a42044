/*
 * sendfile.c — sendfile and copy_file_range: data moved between two
 * descriptors through a kernel buffer, with Linux's rules for which files
 * may take part (sendfile reads regular files and the memory devices and
 * writes anything writable; copy_file_range copies between regular files
 * of one filesystem).
 */
#include <rk/heap.h>
#include <rk/pipe.h>
#include <rk/sched.h>
#include <rk/signal.h>

#include "read_write.h"

#define BOUNCE_SIZE (16u * 1024u)   /* bytes moved per round */
#define MEMORY_DEVICE_MAJOR 1       /* /dev/null, zero, full, random, urandom... */
#define KMSG_MINOR 11               /* ...except /dev/kmsg, which has no splice_read */

/* Positions can be given with pread/pwrite: the file is a node, not a pipe or socket. */
static bool file_is_seekable(const struct file *file)
{
    return file->vnode && !file_is_pipe(file);
}

/*
 * What sendfile may read (Linux: a file with splice_read): regular files
 * and the memory devices. Returns 0, or -EINVAL for directories, pipes,
 * sockets, ttys and the other devices.
 */
static long check_sendfile_source(struct file *file)
{
    if (!file_is_seekable(file))
        return -EINVAL;
    if (S_ISREG(file->vnode->type))
        return 0;
    if (!S_ISCHR(file->vnode->type))
        return -EINVAL;
    struct vnode_attributes attributes = { 0 };
    if (vfs_getattr(file->vnode, &attributes, NULL) < 0)
        return -EINVAL;
    return device_major(attributes.device) == MEMORY_DEVICE_MAJOR &&
           device_minor(attributes.device) != KMSG_MINOR ? 0 : -EINVAL;
}

/*
 * Move up to count bytes from in at *in_position to out at *out_position
 * (both advanced by what reached out). Reads a bounce buffer's worth, then
 * writes all of it; stops at the end of the input, at a short write, at
 * an error, or at a pending signal between chunks (a preemption point too).
 * Returns the bytes moved, or -errno when none were (-ENOMEM, -EAGAIN,
 * -EPIPE...). May sleep.
 */
static long copy_between(struct file *in, uint64_t *in_position, struct file *out,
                         uint64_t *out_position, size_t count)
{
    if (count == 0)
        return 0;
    size_t buffer_size = count < BOUNCE_SIZE ? count : BOUNCE_SIZE;
    char *buffer = kmalloc(buffer_size);
    if (!buffer)
        return -ENOMEM;
    size_t done = 0;
    long error = 0;
    while (done < count) {
        size_t wanted = count - done < buffer_size ? count - done : buffer_size;
        struct io_segment segment;
        struct io_cursor cursor;
        io_cursor_kernel(&cursor, &segment, buffer, wanted);
        uint64_t read_position = *in_position;
        long got = file_transfer(in, &cursor, &read_position, false);
        if (got <= 0) {
            error = got;
            break;
        }
        size_t written = 0;
        while (written < (size_t)got) {
            io_cursor_kernel(&cursor, &segment, buffer + written, (size_t)got - written);
            long put = file_transfer(out, &cursor, out_position, true);
            if (put <= 0) {
                error = put;
                break;
            }
            written += (size_t)put;
        }
        /* Input that did not reach the output counts as unread. */
        *in_position += written;
        done += written;
        if (written < (size_t)got || (size_t)got < wanted)
            break;
        /* Between chunks, as Linux's splice loop: stop at a signal, let others run. */
        if (done < count) {
            if (signal_pending_current())
                break;
            sched_yield_current();
        }
    }
    kfree(buffer);
    return done > 0 ? (long)done : error;
}

/*
 * Linux's do_sendfile: the input first (-EBADF, -ESPIPE for a position on
 * a pipe, -EINVAL for a negative position or a range past the largest
 * offset), then the output (-EBADF, -EINVAL for O_APPEND unless it is a
 * pipe), then what the input is (-EINVAL). position NULL: the input's own
 * offset, advanced; else *position, advanced instead.
 */
static long send_file(int out_fd, int in_fd, int64_t *position, size_t count)
{
    struct file *in = syscall_file(in_fd);
    if (!in)
        return -EBADF;
    struct file *out = NULL;
    long result = file_check_access(in, false);
    if (result == 0 && position && !file_is_seekable(in))
        result = -ESPIPE;
    int64_t start = position ? *position : (int64_t)in->offset;
    int64_t end;
    if (result == 0 && (start < 0 || (int64_t)count < 0 ||
                        __builtin_add_overflow(start, (int64_t)count, &end)))
        result = -EINVAL;
    if (result == 0) {
        out = syscall_file(out_fd);
        result = out ? file_check_access(out, true) : -EBADF;
    }
    if (result == 0 && !file_is_pipe(out) && (out->flags & O_APPEND))
        result = -EINVAL;
    if (result == 0)
        result = check_sendfile_source(in);
    if (result == 0) {
        uint64_t in_position = (uint64_t)start;
        result = copy_between(in, &in_position, out, &out->offset,
                              count > MAX_TRANSFER ? MAX_TRANSFER : count);
        if (result > 0) {
            if (position)
                *position = (int64_t)in_position;
            else
                in->offset = in_position;
        }
    }
    file_put(out);
    file_put(in);
    return result;
}

/*
 * sendfile(out_fd, in_fd, offset, count): with offset, the position is
 * read from and written back to user memory (-EFAULT either way; written
 * back also after an error, as Linux does).
 */
long sys_sendfile(const uint64_t arguments[6])
{
    uintptr_t offset_address = ARGUMENT_ADDRESS(2);
    if (!offset_address)
        return send_file(ARGUMENT_INT(0), ARGUMENT_INT(1), NULL, arguments[3]);
    int64_t position;
    if (copy_from_user(&position, offset_address, sizeof position) < 0)
        return -EFAULT;
    long result = send_file(ARGUMENT_INT(0), ARGUMENT_INT(1), &position, arguments[3]);
    if (copy_to_user(offset_address, &position, sizeof position) < 0)
        return -EFAULT;
    return result;
}

/*
 * Linux's generic_copy_file_checks for copy_file_range: -EISDIR /
 * -EINVAL unless both are regular files, -EBADF for the access modes and
 * an O_APPEND output, -EXDEV across filesystems (none of ours has a
 * copy_file_range of its own), -EOVERFLOW when a range wraps, -EINVAL
 * for overlapping ranges in one file. *count is cut at the input's end.
 */
static long check_copy_range(struct file *in, uint64_t in_position, struct file *out,
                             uint64_t out_position, size_t *count)
{
    if (!in->vnode || !out->vnode || (in->flags & O_PATH) || (out->flags & O_PATH))
        return (in->flags & O_PATH) || (out->flags & O_PATH) ? -EBADF : -EINVAL;
    if (S_ISDIR(in->vnode->type) || S_ISDIR(out->vnode->type))
        return -EISDIR;
    if (!S_ISREG(in->vnode->type) || !S_ISREG(out->vnode->type))
        return -EINVAL;
    if (file_check_access(in, false) < 0 || file_check_access(out, true) < 0 ||
        (out->flags & O_APPEND))
        return -EBADF;
    if (in->vnode->superblock != out->vnode->superblock)
        return -EXDEV;
    uint64_t sum;
    if (__builtin_add_overflow(in_position, (uint64_t)*count, &sum) ||
        __builtin_add_overflow(out_position, (uint64_t)*count, &sum))
        return -EOVERFLOW;
    struct vnode_attributes attributes = { 0 };
    long error = vfs_getattr(in->vnode, &attributes, NULL);
    if (error < 0)
        return error;
    if (in_position >= attributes.size)
        *count = 0;
    else if (*count > attributes.size - in_position)
        *count = (size_t)(attributes.size - in_position);
    if (in->vnode == out->vnode && out_position + *count > in_position &&
        out_position < in_position + *count)
        return -EINVAL;
    if ((int64_t)in_position < 0 || (int64_t)out_position < 0)
        return -EINVAL;
    return 0;
}

/*
 * copy_file_range(fd_in, off_in, fd_out, off_out, len, flags): both
 * descriptors first (-EBADF), the offsets (-EFAULT), flags (-EINVAL: none
 * defined), then check_copy_range. A NULL offset pointer means the
 * description's own offset. Positions advance only when bytes moved.
 */
long sys_copy_file_range(const uint64_t arguments[6])
{
    uintptr_t in_address = ARGUMENT_ADDRESS(1), out_address = ARGUMENT_ADDRESS(3);
    size_t count = arguments[4];
    struct file *in = syscall_file(ARGUMENT_INT(0));
    if (!in)
        return -EBADF;
    struct file *out = syscall_file(ARGUMENT_INT(2));
    long result = out ? 0 : -EBADF;
    int64_t in_position = 0, out_position = 0;
    if (result == 0) {
        in_position = (int64_t)in->offset;
        out_position = (int64_t)out->offset;
        if ((in_address && copy_from_user(&in_position, in_address, sizeof in_position) < 0) ||
            (out_address && copy_from_user(&out_position, out_address, sizeof out_position) < 0))
            result = -EFAULT;
    }
    if (result == 0 && arguments[5] != 0)
        result = -EINVAL;
    if (result == 0)
        result = check_copy_range(in, (uint64_t)in_position, out, (uint64_t)out_position, &count);
    if (result == 0) {
        uint64_t read_position = (uint64_t)in_position, write_position = (uint64_t)out_position;
        result = copy_between(in, &read_position, out, &write_position,
                              count > MAX_TRANSFER ? MAX_TRANSFER : count);
        if (result > 0) {
            in_position = (int64_t)read_position;
            out_position = (int64_t)write_position;
            if (in_address && copy_to_user(in_address, &in_position, sizeof in_position) < 0)
                result = -EFAULT;
            else if (!in_address)
                in->offset = read_position;
            if (out_address && copy_to_user(out_address, &out_position, sizeof out_position) < 0)
                result = -EFAULT;
            else if (!out_address)
                out->offset = write_position;
        }
    }
    file_put(out);
    file_put(in);
    return result;
}
