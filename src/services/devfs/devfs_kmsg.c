/*
 * devfs_kmsg.c — the /dev/kmsg driver (1:11): the kernel log, one record
 * per read, in Linux's format "LEVEL,SEQUENCE,TIMESTAMP_US,-;text\n" (the
 * facility is always 0, the kernel's; bytes below ' ', above '~' and '\'
 * are written as \xNN as Linux does). A write logs its text as one record.
 *
 * Positions are per open, as Linux's devkmsg_user: each open starts at the
 * oldest record still in the ring and each read moves it past the record
 * it returned; the description's byte offset plays no part (pread reads
 * at the open's position too). lseek takes only offset 0: SEEK_SET and
 * SEEK_DATA (there is no syslog "clear" point yet) go back to the oldest
 * record, SEEK_END past the newest; any offset other than 0 is -ESPIPE,
 * any other whence -EINVAL, and the result is 0. A reader whose next
 * record was overwritten gets -EPIPE once and then goes on from the
 * oldest record left.
 */
#include <rk/chardev.h>
#include <rk/errno.h>
#include <rk/file.h>
#include <rk/format.h>
#include <rk/heap.h>
#include <rk/klog.h>
#include <rk/string.h>
#include <rk/vfs.h>

#include "devfs_internal.h"

#define DEVFS_KMSG_LINE_MAX 992u   /* Linux's LOG_LINE_MAX: longer writes are -EINVAL */
/* Header plus every text byte escaped to four. */
#define DEVFS_KMSG_RECORD_MAX (64u + 4u * sizeof(((struct klog_record *)0)->text))

#define SEEK_SET 0
#define SEEK_END 2
#define SEEK_DATA 3

/* One reader's position (chardev_file.private). */
struct devfs_kmsg_reader {
    uint64_t sequence;    /* the next record this open reads */
};

/* The sequence of the oldest record still in the ring. */
static uint64_t devfs_kmsg_oldest(void)
{
    uint64_t sequence = 0;
    struct klog_record record;
    if (klog_read(&sequence, &record) < 0)
        return klog_next_sequence();
    return record.sequence;
}

/* chardev_ops.open: a new reader at the oldest record. Returns 0 or -ENOMEM. */
static int devfs_kmsg_open(struct chardev_file *handle, unsigned flags)
{
    struct devfs_kmsg_reader *reader = kmalloc(sizeof *reader);
    if (!reader)
        return -ENOMEM;
    reader->sequence = devfs_kmsg_oldest();
    handle->private = reader;
    return 0;
}

/* chardev_ops.release: forget the reader. */
static void devfs_kmsg_release(struct chardev_file *handle)
{
    kfree(handle->private);
    handle->private = NULL;
}

/*
 * chardev_ops.seek: offset must be 0 (-ESPIPE); SEEK_SET and SEEK_DATA to
 * the oldest record, SEEK_END past the newest, else -EINVAL. Returns 0.
 */
static int64_t devfs_kmsg_seek(struct chardev_file *handle, uint64_t current, int64_t offset,
                               int whence)
{
    struct devfs_kmsg_reader *reader = handle->private;
    if (offset != 0)
        return -ESPIPE;
    switch (whence) {
    case SEEK_SET:
    case SEEK_DATA:
        reader->sequence = devfs_kmsg_oldest();
        return 0;
    case SEEK_END:
        reader->sequence = klog_next_sequence();
        return 0;
    default:
        return -EINVAL;
    }
}

/*
 * Write record in /dev/kmsg format into line (size bytes, at least
 * DEVFS_KMSG_RECORD_MAX). Returns the length (no NUL counted).
 */
static size_t devfs_kmsg_format(const struct klog_record *record, char *line, size_t size)
{
    int header = rk_snprintf(line, size, "%u,%llu,%llu,-;", (unsigned)record->level & 7u,
                             (unsigned long long)record->sequence,
                             (unsigned long long)(record->timestamp_ns / 1000u));
    size_t length = (size_t)header;
    static const char hexadecimal[] = "0123456789abcdef";
    for (size_t i = 0; i < sizeof record->text && record->text[i] != '\0'; i++) {
        unsigned char c = (unsigned char)record->text[i];
        if (c < ' ' || c >= 127 || c == '\\') {
            line[length++] = '\\';
            line[length++] = 'x';
            line[length++] = hexadecimal[c >> 4];
            line[length++] = hexadecimal[c & 15];
        } else {
            line[length++] = (char)c;
        }
    }
    line[length++] = '\n';
    return length;
}

/*
 * chardev_ops.read: the reader's next record, whole. Returns its length;
 * -EAGAIN when no newer record exists and the description is O_NONBLOCK,
 * 0 when it is not (Linux would sleep until one is logged: klog has no
 * wait queue to sleep on yet); -EINVAL when the buffer cannot hold the
 * record (the position stays); -EPIPE when records were lost before it;
 * -EFAULT; -ENOMEM.
 */
static long devfs_kmsg_read(struct chardev_file *handle, struct io_cursor *cursor,
                            uint64_t *offset)
{
    struct devfs_kmsg_reader *reader = handle->private;
    struct klog_record record;
    uint64_t next = reader->sequence;
    if (klog_read(&next, &record) < 0)
        return (handle->file->flags & O_NONBLOCK) ? -EAGAIN : 0;
    if (record.sequence != reader->sequence) {
        reader->sequence = record.sequence;
        return -EPIPE;
    }
    char *line = kmalloc(DEVFS_KMSG_RECORD_MAX);
    if (!line)
        return -ENOMEM;
    size_t length = devfs_kmsg_format(&record, line, DEVFS_KMSG_RECORD_MAX);
    long result;
    if (length > io_remaining(cursor)) {
        result = -EINVAL;
    } else {
        int error = io_copy_out(cursor, line, length);
        result = error < 0 ? error : (long)length;
    }
    kfree(line);
    if (result > 0)
        reader->sequence = next;
    return result;
}

/*
 * The level of a write that starts with "<N>" (N's low three bits, as
 * Linux reads the syslog priority) and the length of that prefix in
 * *prefix; KLOG_INFO and 0 without one.
 */
static enum klog_level devfs_kmsg_level(const char *text, size_t length, size_t *prefix)
{
    *prefix = 0;
    if (length < 3 || text[0] != '<')
        return KLOG_INFO;
    unsigned value = 0;
    size_t i = 1;
    while (i < length && i < 12 && text[i] >= '0' && text[i] <= '9')
        value = value * 10 + (unsigned)(text[i++] - '0');
    if (i == 1 || i >= length || text[i] != '>')
        return KLOG_INFO;
    *prefix = i + 1;
    return (enum klog_level)(value & 7u);
}

/*
 * chardev_ops.write: the whole buffer becomes one record (at INFO, or the
 * "<N>" prefix's level; a trailing newline dropped). Returns the length
 * written, -EINVAL above DEVFS_KMSG_LINE_MAX bytes, -EFAULT.
 */
static long devfs_kmsg_write(struct chardev_file *handle, struct io_cursor *cursor,
                             uint64_t *offset)
{
    size_t length = io_remaining(cursor);
    if (length == 0)
        return 0;
    if (length > DEVFS_KMSG_LINE_MAX)
        return -EINVAL;
    char *text = kmalloc(length + 1);
    if (!text)
        return -ENOMEM;
    int error = io_copy_in(cursor, text, length);
    if (error < 0) {
        kfree(text);
        return error;
    }
    size_t prefix;
    enum klog_level level = devfs_kmsg_level(text, length, &prefix);
    size_t end = length;
    while (end > prefix && (text[end - 1] == '\n' || text[end - 1] == '\0'))
        end--;
    text[end] = '\0';
    klog(level, "%s", text + prefix);
    kfree(text);
    return (long)length;
}

const struct chardev_ops devfs_kmsg_driver = {
    .open = devfs_kmsg_open,
    .read = devfs_kmsg_read,
    .write = devfs_kmsg_write,
    .seek = devfs_kmsg_seek,
    .ioctl = chardev_stub_ioctl,
    .release = devfs_kmsg_release,
    .poll = chardev_stub_poll,
};
