/*
 * devfs_kmsg.c — /dev/kmsg: the kernel log, one record per read, in
 * Linux's format "LEVEL,SEQUENCE,TIMESTAMP_US,-;text\n" (the facility is
 * always 0, the kernel's; bytes below ' ', above '~' and '\' are written
 * as \xNN as Linux does). A write logs its text as one record.
 *
 * Positions: the Core advances a file's offset by the bytes each read
 * returns, and the vnode read sees only that offset. Offset 0 means the
 * oldest record still in the ring. After every read the instance remembers
 * "offset O + length L resumes at record S + 1" in a small table; a read at
 * O + L finds it there. An offset the table does not know (after an lseek,
 * or once more than DEVFS_KMSG_CURSORS readers interleave) gives -ESPIPE,
 * as Linux's kmsg refuses seeks other than to the start or end. Readers
 * that share a byte offset share the stream, which is the same bytes for
 * all of them unless the ring wraps between their reads.
 */
#include <rk/errno.h>
#include <rk/format.h>
#include <rk/heap.h>
#include <rk/klog.h>
#include <rk/string.h>
#include <rk/vfs.h>

#include "devfs_internal.h"

#define DEVFS_KMSG_LINE_MAX 992u   /* Linux's LOG_LINE_MAX: longer writes are -EINVAL */
/* Header plus every text byte escaped to four. */
#define DEVFS_KMSG_RECORD_MAX (64u + 4u * sizeof(((struct klog_record *)0)->text))

/*
 * The klog sequence a read at offset resumes at, into *sequence.
 * Returns 0, or -ESPIPE for an offset no read ended at.
 */
static int devfs_kmsg_find(const struct devfs_instance *instance, uint64_t offset,
                           uint64_t *sequence)
{
    if (offset == 0) {
        *sequence = 0;
        return 0;
    }
    for (unsigned i = 0; i < DEVFS_KMSG_CURSORS; i++) {
        const struct devfs_kmsg_cursor *cursor = &instance->kmsg_cursors[i];
        if (cursor->used && cursor->offset == offset) {
            *sequence = cursor->sequence;
            return 0;
        }
    }
    return -ESPIPE;
}

/* Remember that a read at offset resumes at sequence (replacing the oldest slot when full). */
static void devfs_kmsg_remember(struct devfs_instance *instance, uint64_t offset, uint64_t sequence)
{
    struct devfs_kmsg_cursor *slot = NULL;
    for (unsigned i = 0; i < DEVFS_KMSG_CURSORS && !slot; i++) {
        if (instance->kmsg_cursors[i].used && instance->kmsg_cursors[i].offset == offset)
            slot = &instance->kmsg_cursors[i];
    }
    if (!slot) {
        slot = &instance->kmsg_cursors[instance->kmsg_cursor_next];
        instance->kmsg_cursor_next = (instance->kmsg_cursor_next + 1) % DEVFS_KMSG_CURSORS;
    }
    *slot = (struct devfs_kmsg_cursor){ .offset = offset, .sequence = sequence, .used = true };
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
 * Read of /dev/kmsg: the next record after offset's position, whole.
 * Returns its length, 0 when no newer record exists (Linux would block),
 * -EINVAL when the buffer cannot hold the record, -ESPIPE for an unknown
 * offset, -EFAULT.
 */
static long devfs_kmsg_read(struct devfs_node *node, struct io_cursor *cursor, uint64_t offset)
{
    struct devfs_instance *instance = node->instance;
    if (!instance)
        return -EIO;
    uint64_t sequence;
    int error = devfs_kmsg_find(instance, offset, &sequence);
    if (error < 0)
        return error;
    struct klog_record record;
    uint64_t next = sequence;
    if (klog_read(&next, &record) < 0)
        return 0;
    char *line = kmalloc(DEVFS_KMSG_RECORD_MAX);
    if (!line)
        return -ENOMEM;
    size_t length = devfs_kmsg_format(&record, line, DEVFS_KMSG_RECORD_MAX);
    long result;
    if (length > io_remaining(cursor)) {
        result = -EINVAL;
    } else {
        error = io_copy_out(cursor, line, length);
        result = error < 0 ? error : (long)length;
    }
    kfree(line);
    if (result > 0)
        devfs_kmsg_remember(instance, offset + length, next);
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
 * Write of /dev/kmsg: the whole buffer becomes one record (at INFO, or the
 * "<N>" prefix's level; a trailing newline dropped). Returns the length
 * written, -EINVAL above DEVFS_KMSG_LINE_MAX bytes, -EFAULT.
 */
static long devfs_kmsg_write(struct devfs_node *node, struct io_cursor *cursor, uint64_t offset)
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

const struct devfs_device_ops devfs_kmsg_device = {
    .read = devfs_kmsg_read,
    .write = devfs_kmsg_write,
};
