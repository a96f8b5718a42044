/*
 * read_write.c — read, write, pread64, pwrite64, readv, writev, lseek.
 */
#include <rk/containment.h>
#include <rk/heap.h>
#include <rk/pipe.h>

#include "read_write.h"

#define IOV_MAX 1024
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

long file_transfer(struct file *file, struct io_cursor *cursor, uint64_t *offset, bool write)
{
    if (file->service)
        return write ? FILE_CALL(file, "write", -EIO, file->ops->write(file, cursor, offset))
                     : FILE_CALL(file, "read", -EIO, file->ops->read(file, cursor, offset));
    return write ? file->ops->write(file, cursor, offset) : file->ops->read(file, cursor, offset);
}

int file_check_access(const struct file *file, bool write)
{
    unsigned access = file->flags & O_ACCMODE;
    if (file->flags & O_PATH || access == O_ACCMODE)
        return -EBADF;
    if (write ? access == O_RDONLY : access == O_WRONLY)
        return -EBADF;
    return 0;
}

/* Linux's access_ok(): the whole range lies in user space. */
static bool user_range_ok(uintptr_t base, size_t length)
{
    uintptr_t end;
    return !__builtin_add_overflow(base, length, &end) && end <= platform_user_address_end();
}

/*
 * Transfer over segments (user memory) on fd at *position, or at the
 * description's offset when position is NULL.
 */
static long transfer(int fd, struct io_segment *segments, size_t count, const int64_t *position,
                     bool write)
{
    struct file *file = syscall_file(fd);
    if (!file)
        return -EBADF;
    long result = file_check_access(file, write);
    if (result == 0 && position && (!file->vnode || file_is_pipe(file)))
        result = -ESPIPE;
    if (result == 0 && position && *position < 0)
        result = -EINVAL;
    if (result == 0) {
        /* rw_verify_area(): the end of the transfer must not pass the largest offset. */
        struct io_cursor cursor = { .segments = segments, .segment_count = count, .user = true };
        int64_t start = position ? *position : (int64_t)file->offset;
        int64_t end;
        if (file->vnode && !file_is_pipe(file) && __builtin_add_overflow(start, (int64_t)io_remaining(&cursor), &end))
            result = -EINVAL;
    }
    if (result == 0) {
        struct io_cursor cursor = { .segments = segments, .segment_count = count, .user = true };
        if (io_remaining(&cursor) == 0 && !(file->vnode && S_ISDIR(file->vnode->type))) {
            file_put(file);
            return 0;
        }
        if (position) {
            uint64_t offset = (uint64_t)*position;
            result = file_transfer(file, &cursor, &offset, write);
        } else {
            result = file_transfer(file, &cursor, &file->offset, write);
        }
        /* A socket's -EPIPE raises SIGPIPE as send(2) without MSG_NOSIGNAL (pipes raise their own). */
        if (write && result == -EPIPE && file->ops->socket)
            process_note_broken_pipe(process_current());
        /*
         * A fault's partial count is the file's decision: a regular file
         * or /dev/zero reports what moved, a pipe or a tty drops a chunk
         * the fault cut (Linux's rules); so -EFAULT stands as returned.
         */
    }
    file_put(file);
    return result;
}

/* One-segment transfer for read/write/pread/pwrite. */
static long transfer_one(int fd, uintptr_t buffer, size_t length, const int64_t *position, bool write)
{
    if (!user_range_ok(buffer, length)) {
        struct file *file = syscall_file(fd);
        if (!file)
            return -EBADF;
        long result = file_check_access(file, write);
        file_put(file);
        return result < 0 ? result : -EFAULT;
    }
    struct io_segment segment = { .base = buffer, .length = length > MAX_TRANSFER ? MAX_TRANSFER : length };
    return transfer(fd, &segment, 1, position, write);
}

long sys_read(const uint64_t arguments[6])
{
    return transfer_one(ARGUMENT_INT(0), ARGUMENT_ADDRESS(1), arguments[2], NULL, false);
}

long sys_write(const uint64_t arguments[6])
{
    return transfer_one(ARGUMENT_INT(0), ARGUMENT_ADDRESS(1), arguments[2], NULL, true);
}

long sys_pread64(const uint64_t arguments[6])
{
    int64_t position = (int64_t)arguments[3];
    return transfer_one(ARGUMENT_INT(0), ARGUMENT_ADDRESS(1), arguments[2], &position, false);
}

long sys_pwrite64(const uint64_t arguments[6])
{
    int64_t position = (int64_t)arguments[3];
    return transfer_one(ARGUMENT_INT(0), ARGUMENT_ADDRESS(1), arguments[2], &position, true);
}

/* readv/writev: copy the iovec array in, validate it, transfer. */
static long vector_transfer(const uint64_t arguments[6], bool write)
{
    int fd = ARGUMENT_INT(0);
    uintptr_t vector = ARGUMENT_ADDRESS(1);
    unsigned long count = arguments[2];
    struct file *file = syscall_file(fd); /* Linux checks the descriptor first */
    if (!file)
        return -EBADF;
    long access = file_check_access(file, write);
    file_put(file);
    if (access < 0)
        return access;
    if (count > IOV_MAX)
        return -EINVAL;
    if (count == 0)
        return 0;
    struct io_segment *segments = kmalloc(count * sizeof *segments);
    if (!segments)
        return -ENOMEM;
    long result = copy_from_user(segments, vector, count * sizeof *segments);
    /*
     * Linux's import_iovec: every length is checked while the vector is
     * copied (-EINVAL), then every range against the end of user space
     * (access_ok: -EFAULT before anything moves). An unmapped user
     * address passes here and cuts the transfer short where it is met.
     */
    for (unsigned long i = 0; result == 0 && i < count; i++)
        if ((int64_t)segments[i].length < 0)
            result = -EINVAL;
    size_t total = 0;
    for (unsigned long i = 0; result == 0 && i < count; i++) {
        if (!user_range_ok(segments[i].base, segments[i].length))
            result = -EFAULT;
        else if (segments[i].length > MAX_TRANSFER - total)
            segments[i].length = MAX_TRANSFER - total; /* Linux truncates the total */
        total += segments[i].length;
    }
    if (result == 0)
        result = transfer(fd, segments, count, NULL, write);
    kfree(segments);
    return result;
}

long sys_readv(const uint64_t arguments[6]) { return vector_transfer(arguments, false); }

long sys_writev(const uint64_t arguments[6]) { return vector_transfer(arguments, true); }

long sys_lseek(const uint64_t arguments[6])
{
    struct file *file = syscall_file(ARGUMENT_INT(0));
    if (!file)
        return -EBADF;
    int64_t offset = (int64_t)arguments[1];
    unsigned whence = ARGUMENT_UNSIGNED(2);
    long result;
    if (!file->vnode || (file->flags & O_PATH) || file_is_pipe(file)) {
        result = (file->flags & O_PATH) ? -EBADF : -ESPIPE;
    } else if (chardev_file_is_device(file)) {
        /* A device opened through its driver: the driver's seek rule (it sets file->offset). */
        result = chardev_seek(file, offset, (int)whence);
    } else if (S_ISDIR(file->vnode->type)) {
        /* Directories: the offset is a readdir cookie; only SET and CUR make sense. */
        int64_t target = whence == SEEK_SET ? offset : (int64_t)file->offset + offset;
        result = (whence != SEEK_SET && whence != SEEK_CUR) || target < 0 ? -EINVAL : target;
        if (result >= 0)
            file->offset = (uint64_t)result;
    } else {
        result = VNODE_CALL(file->vnode, seek, file->offset, offset, (int)whence);
        if (result >= 0)
            file->offset = (uint64_t)result;
    }
    file_put(file);
    return result;
}
