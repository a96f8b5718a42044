/*
 * cpio.c — the strict cpio "newc" parser (contract and format in cpio.h).
 *
 * Every length is checked against what is left of the buffer before it is
 * used (remaining = length - offset, never offset + size, so nothing can
 * overflow), and every member is checked completely before it is visited.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <rk/errno.h>
#include <rk/format.h>
#include <rk/klog.h>
#include <rk/string.h>
#include <rk/vfs.h>

#include "cpio.h"

#define MAGIC_LENGTH 6
#define FIELD_DIGITS 8

/* The 13 header fields in their on-disk order, after the magic. */
enum cpio_field {
    FIELD_INODE,
    FIELD_MODE,
    FIELD_UID,
    FIELD_GID,
    FIELD_LINK_COUNT,
    FIELD_MODIFY_TIME,
    FIELD_FILE_SIZE,
    FIELD_DEVICE_MAJOR,
    FIELD_DEVICE_MINOR,
    FIELD_RDEV_MAJOR,
    FIELD_RDEV_MINOR,
    FIELD_NAME_SIZE,
    FIELD_CHECK,
    FIELD_COUNT,
};

static const char *const field_names[FIELD_COUNT] = {
    "ino", "mode", "uid", "gid", "nlink", "mtime", "filesize",
    "devmajor", "devminor", "rdevmajor", "rdevminor", "namesize", "check",
};

/* One walk over one buffer. */
struct cpio_walk {
    const unsigned char *base;
    size_t length;
    struct cpio_summary *summary;
};

/* Offset of field in a header that starts at header_offset. */
static size_t field_offset(size_t header_offset, enum cpio_field field)
{
    return header_offset + MAGIC_LENGTH + (size_t)field * FIELD_DIGITS;
}

/* value rounded up to a multiple of 4, or SIZE_MAX when that overflows. */
static size_t align_four(size_t value)
{
    return value > SIZE_MAX - 3 ? SIZE_MAX : (value + 3) & ~(size_t)3;
}

/*
 * Record a rejection at offset in walk's summary, log the one line the
 * contract promises, and return -EINVAL.
 */
static int reject(struct cpio_walk *walk, size_t offset, const char *format, ...) RK_PRINTF(3, 4);
static int reject(struct cpio_walk *walk, size_t offset, const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    rk_vsnprintf(walk->summary->reason, sizeof walk->summary->reason, format, arguments);
    va_end(arguments);
    walk->summary->rejected_offset = offset;
    klog(KLOG_ERROR, "initramfs: rejected at offset %zu: %s", offset, walk->summary->reason);
    return -EINVAL;
}

/* The value of one hex digit, or -1 when character is not one. */
static int hex_digit_value(unsigned char character)
{
    if (character >= '0' && character <= '9')
        return character - '0';
    if (character >= 'a' && character <= 'f')
        return character - 'a' + 10;
    if (character >= 'A' && character <= 'F')
        return character - 'A' + 10;
    return -1;
}

/*
 * Decode the 8 hex digits at text into *value. Returns the index of the
 * first bad digit, or -1 when all 8 are hex digits.
 */
static int decode_field(const unsigned char *text, uint32_t *value)
{
    uint32_t result = 0;
    for (int i = 0; i < FIELD_DIGITS; i++) {
        int digit = hex_digit_value(text[i]);
        if (digit < 0)
            return i;
        result = (result << 4) | (uint32_t)digit;
    }
    *value = result;
    return -1;
}

/* True when mode's type is one a newc archive may hold. */
static bool file_type_known(uint32_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG:
    case S_IFDIR:
    case S_IFLNK:
    case S_IFCHR:
    case S_IFBLK:
    case S_IFIFO:
    case S_IFSOCK:
        return true;
    default:
        return false;
    }
}

/*
 * Decode the header at offset (the caller made sure 110 bytes are there)
 * into fields and check its magic, digits and namesize (the mode is checked
 * once the member is known not to be a trailer). Returns 0 or a rejection.
 */
static int header_decode(struct cpio_walk *walk, size_t offset, uint32_t fields[FIELD_COUNT],
                         bool *crc_format)
{
    const unsigned char *header = walk->base + offset;
    if (memcmp(header, "070701", MAGIC_LENGTH) == 0)
        *crc_format = false;
    else if (memcmp(header, "070702", MAGIC_LENGTH) == 0)
        *crc_format = true;
    else
        return reject(walk, offset, "bad magic (not 070701 or 070702)");

    for (int field = 0; field < FIELD_COUNT; field++) {
        size_t at = field_offset(offset, (enum cpio_field)field);
        int bad_digit = decode_field(walk->base + at, &fields[field]);
        if (bad_digit >= 0)
            return reject(walk, at, "non-hex digit in field %s", field_names[field]);
    }

    uint32_t name_size = fields[FIELD_NAME_SIZE];
    if (name_size == 0)
        return reject(walk, field_offset(offset, FIELD_NAME_SIZE), "namesize is 0");
    if (name_size > CPIO_PATH_MAX)
        return reject(walk, field_offset(offset, FIELD_NAME_SIZE),
                      "namesize %u exceeds %u", (unsigned)name_size, (unsigned)CPIO_PATH_MAX);
    return 0;
}

/* Check the mode of a member that is not a trailer (trailers carry mode 0). */
static int mode_check(struct cpio_walk *walk, size_t offset, uint32_t mode)
{
    if (mode > (S_IFMT | S_IALLUGO))
        return reject(walk, field_offset(offset, FIELD_MODE), "mode 0%o has unknown bits",
                      (unsigned)mode);
    if (!file_type_known(mode))
        return reject(walk, field_offset(offset, FIELD_MODE), "unknown file type in mode 0%o",
                      (unsigned)mode);
    return 0;
}

/*
 * Normalise the raw name (NUL-terminated, checked) of a member: strip the
 * leading "/" and "./" and check each component. On success *normalised
 * points into raw (or to "." for the root). name_offset is for the log.
 */
static int name_normalise(struct cpio_walk *walk, size_t name_offset, const char *raw,
                          const char **normalised)
{
    const char *name = raw;
    for (;;) {
        if (name[0] == '/')
            name++;
        else if (name[0] == '.' && name[1] == '/')
            name += 2;
        else
            break;
    }
    if (name[0] == '\0' || (name[0] == '.' && name[1] == '\0')) {
        *normalised = ".";
        return 0;
    }

    const char *component = name;
    for (;;) {
        size_t length = 0;
        while (component[length] != '\0' && component[length] != '/')
            length++;
        if (length == 0)
            return reject(walk, name_offset, "empty path component in name");
        if (length == 2 && component[0] == '.' && component[1] == '.')
            return reject(walk, name_offset, "\"..\" component in name (path traversal)");
        if (length == 1 && component[0] == '.')
            return reject(walk, name_offset, "\".\" component inside name");
        if (length > CPIO_NAME_MAX)
            return reject(walk, name_offset, "path component longer than %u bytes",
                          (unsigned)CPIO_NAME_MAX);
        if (component[length] == '\0')
            break;
        component += length + 1;
    }
    *normalised = name;
    return 0;
}

/* The crc-format checksum: the sum of every data byte, modulo 2^32. */
static uint32_t data_checksum(const unsigned char *data, size_t size)
{
    uint32_t sum = 0;
    for (size_t i = 0; i < size; i++)
        sum += data[i];
    return sum;
}

/*
 * Check what a member of its type may carry as data (already in bounds at
 * data_offset). Returns 0 or a rejection.
 */
static int data_check(struct cpio_walk *walk, const struct cpio_entry *entry, size_t data_offset,
                      bool crc_format)
{
    uint32_t type = entry->mode & S_IFMT;
    if (type == S_IFLNK) {
        if (entry->data_size == 0)
            return reject(walk, data_offset, "empty symlink target");
        if (entry->data_size >= CPIO_PATH_MAX)
            return reject(walk, data_offset, "symlink target of %zu bytes is too long",
                          entry->data_size);
        if (strnlen(entry->data, entry->data_size) != entry->data_size)
            return reject(walk, data_offset, "NUL inside symlink target");
    } else if (type != S_IFREG && entry->data_size != 0) {
        return reject(walk, data_offset, "%zu data bytes on a member that is not a file or symlink",
                      entry->data_size);
    }
    if (crc_format && data_checksum(entry->data, entry->data_size) != entry->checksum)
        return reject(walk, data_offset, "checksum mismatch (header says %08x)",
                      (unsigned)entry->checksum);
    return 0;
}

/*
 * Parse the member whose header is at offset: fill entry and set *next to
 * where the following member starts (possibly past the end of the buffer
 * when the last padding is missing) and *trailer when it is a trailer.
 * Returns 0 or a rejection.
 */
static int member_parse(struct cpio_walk *walk, size_t offset, struct cpio_entry *entry,
                        size_t *next, bool *trailer)
{
    if (walk->length - offset < CPIO_HEADER_SIZE)
        return reject(walk, offset, "truncated header (%zu of %u bytes)", walk->length - offset,
                      (unsigned)CPIO_HEADER_SIZE);
    uint32_t fields[FIELD_COUNT];
    bool crc_format = false;
    int error = header_decode(walk, offset, fields, &crc_format);
    if (error < 0)
        return error;

    size_t name_offset = offset + CPIO_HEADER_SIZE;
    size_t name_size = fields[FIELD_NAME_SIZE];
    if (walk->length - name_offset < name_size)
        return reject(walk, name_offset, "truncated name (namesize %zu, %zu bytes left)", name_size,
                      walk->length - name_offset);
    const char *raw_name = (const char *)walk->base + name_offset;
    if (raw_name[name_size - 1] != '\0')
        return reject(walk, name_offset, "name not NUL-terminated at namesize - 1");
    if (strnlen(raw_name, name_size) != name_size - 1)
        return reject(walk, name_offset, "NUL inside name");

    size_t data_offset = align_four(name_offset + name_size);
    size_t data_size = fields[FIELD_FILE_SIZE];
    if (data_size > 0 && (data_offset > walk->length || walk->length - data_offset < data_size))
        return reject(walk, data_offset < walk->length ? data_offset : walk->length,
                      "truncated data (filesize %zu beyond the end of the archive)", data_size);
    /* data_offset + data_size <= length here when data_size > 0. */
    *next = data_size > 0 ? align_four(data_offset + data_size) : data_offset;

    *trailer = strcmp(raw_name, CPIO_TRAILER_NAME) == 0;
    if (*trailer)
        return 0;
    error = mode_check(walk, offset, fields[FIELD_MODE]);
    if (error < 0)
        return error;

    *entry = (struct cpio_entry){
        .offset = offset,
        .archive_index = walk->summary->archives,
        .inode_number = fields[FIELD_INODE],
        .mode = fields[FIELD_MODE],
        .uid = fields[FIELD_UID],
        .gid = fields[FIELD_GID],
        .link_count = fields[FIELD_LINK_COUNT],
        .modify_time = fields[FIELD_MODIFY_TIME],
        .device_major = fields[FIELD_DEVICE_MAJOR],
        .device_minor = fields[FIELD_DEVICE_MINOR],
        .rdev_major = fields[FIELD_RDEV_MAJOR],
        .rdev_minor = fields[FIELD_RDEV_MINOR],
        .checksum = fields[FIELD_CHECK],
        /* Never past the end: an empty member's padding may be missing. */
        .data = walk->base + (data_offset < walk->length ? data_offset : walk->length),
        .data_size = data_size,
    };
    error = name_normalise(walk, name_offset, raw_name, &entry->name);
    if (error < 0)
        return error;
    entry->name_length = strlen(entry->name);
    if (strcmp(entry->name, ".") == 0 && !S_ISDIR(entry->mode))
        return reject(walk, name_offset, "root entry is not a directory");
    /* An empty member's data offset may lie past the end (missing padding): log the end then. */
    size_t logged_offset = data_offset < walk->length ? data_offset : walk->length;
    return data_check(walk, entry, logged_offset, crc_format);
}

/*
 * After a trailer that ended at offset: skip zero bytes. Returns 0 and sets
 * *next to the following header (or to length at the end), or a rejection
 * for a non-zero byte at an unaligned offset.
 */
static int after_trailer(struct cpio_walk *walk, size_t offset, size_t *next)
{
    while (offset < walk->length && walk->base[offset] == 0)
        offset++;
    if (offset < walk->length && (offset & 3) != 0)
        return reject(walk, offset, "garbage after trailer");
    *next = offset;
    return 0;
}

int cpio_parse(const void *data, size_t length, cpio_visit_fn visit, void *context,
               struct cpio_summary *summary)
{
    struct cpio_summary local_summary;
    if (!summary)
        summary = &local_summary;
    *summary = (struct cpio_summary){ .reason = "" };
    struct cpio_walk walk = { .base = data, .length = length, .summary = summary };
    if ((!data && length != 0) || !visit)
        return reject(&walk, 0, "no archive or no visitor");

    size_t offset = 0;
    bool in_archive = true;    /* false right after a trailer, until a header follows */
    for (;;) {
        if (offset >= length) {
            if (in_archive)
                return reject(&walk, length, "missing trailer (end of data inside an archive)");
            break;
        }
        in_archive = true;
        struct cpio_entry entry;
        size_t next = 0;
        bool trailer = false;
        int error = member_parse(&walk, offset, &entry, &next, &trailer);
        if (error < 0) {
            summary->bytes = offset;
            return error;
        }
        if (trailer) {
            summary->archives++;
            summary->bytes = next < length ? next : length;
            in_archive = false;
            error = after_trailer(&walk, summary->bytes, &next);
            if (error < 0)
                return error;
        } else {
            error = visit(&entry, context);
            if (error < 0) {
                summary->bytes = offset;
                return error;
            }
            summary->entries++;
        }
        offset = next;
    }
    return 0;
}
