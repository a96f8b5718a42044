/*
 * cpio.h — a strict parser for cpio "newc" archives (the initramfs format).
 *
 * Pure: it reads the archive in memory and hands each member to a visitor;
 * it never touches the VFS, so it is testable on its own.
 *
 * Format (Linux's Documentation/driver-api/early-userspace/buffer-format):
 * each member is a 110-byte ASCII header — the magic "070701" ("070702" for
 * the crc variant) and 13 fields of exactly 8 hex digits: ino, mode, uid,
 * gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor,
 * namesize (with the terminating NUL), check — then the name, padded to a
 * multiple of 4 bytes, then the data, padded to a multiple of 4. Alignment
 * is measured from the start of the buffer. The member named "TRAILER!!!"
 * ends an archive. After it, zero bytes are skipped; a further header at a
 * 4-byte-aligned offset starts a concatenated archive (as Linux accepts).
 *
 * Strictness: anything the format does not allow is rejected — bad magic,
 * a non-hex digit, a header, name or data running past the end of the
 * buffer, namesize 0 or above CPIO_PATH_MAX, a name whose NUL is not at
 * namesize - 1, an unknown file type or mode bits above 0177777, data on a
 * directory or device node, a symlink target that is empty, longer than
 * CPIO_PATH_MAX - 1 or contains a NUL, a crc ("070702") member whose
 * checksum does not match its data, a name with a ".." or "." component or
 * an empty component ("a//b", "a/"), a component longer than
 * CPIO_NAME_MAX, non-zero bytes after a trailer that do not start a header
 * at an aligned offset, and a buffer that ends without a trailer.
 *
 * Names are normalised as Linux resolves them relative to the root: every
 * leading "/" and "./" is stripped ("/bin", "./bin" and ".//bin" all become
 * "bin"); a name that is nothing but those ("", ".", "./", "/") names the
 * root and is reported as ".". Padding bytes are not inspected (Linux does
 * not either), and the padding of the very last member may be missing.
 */
#ifndef RK_SERVICE_INITRAMFS_CPIO_H
#define RK_SERVICE_INITRAMFS_CPIO_H

#include <stddef.h>
#include <stdint.h>

#define CPIO_HEADER_SIZE 110
#define CPIO_PATH_MAX 4096      /* the largest namesize (NUL included) and symlink target + 1 */
#define CPIO_NAME_MAX 255       /* the longest path component */
#define CPIO_TRAILER_NAME "TRAILER!!!"

/* One archive member as the visitor sees it. Pointers point into the archive. */
struct cpio_entry {
    size_t offset;           /* of the member's header in the buffer */
    size_t archive_index;    /* 0 in the first archive, 1 in the next concatenated one, ... */
    const char *name;        /* normalised (see above), NUL-terminated, "." for the root */
    size_t name_length;      /* strlen(name) */
    uint32_t inode_number;
    uint32_t mode;           /* file type and permission bits (S_IFMT | 07777) */
    uint32_t uid;
    uint32_t gid;
    uint32_t link_count;
    uint32_t modify_time;    /* seconds since 1970 */
    uint32_t device_major;   /* of the filesystem the member came from (hard links) */
    uint32_t device_minor;
    uint32_t rdev_major;     /* device number of a character or block device node */
    uint32_t rdev_minor;
    uint32_t checksum;       /* the check field (verified for "070702" members) */
    const void *data;        /* the file contents or the symlink target (not NUL-terminated) */
    size_t data_size;        /* filesize */
};

/*
 * Called for each member except trailers, in archive order. Returns 0 to go
 * on or a negative errno to stop the walk (cpio_parse then returns it).
 */
typedef int (*cpio_visit_fn)(const struct cpio_entry *entry, void *context);

/* What a walk saw (filled whatever the outcome). */
struct cpio_summary {
    size_t entries;          /* members visited */
    size_t archives;         /* trailers reached */
    size_t bytes;            /* bytes consumed: the end of the last complete archive, or where
                                the walk stopped */
    size_t rejected_offset;  /* where the rejection was found (only when rejected) */
    char reason[96];         /* the rejection reason, "" when not rejected */
};

/*
 * Walk the archive at data (length bytes) and call visit(entry, context)
 * for each member. Each member is checked completely (header, name, data
 * extent, checksum) before it is visited; members before a bad one have
 * already been visited when the bad one is found (the walk is streaming,
 * as Linux's is). summary may be NULL.
 *
 * Returns 0 when the buffer holds one or more complete archives (optionally
 * followed by zero bytes); -EINVAL when it is malformed, after logging one
 * line "initramfs: rejected at offset N: REASON" (N is the offset of the
 * offending header, field, name, data or byte, in decimal); or the first
 * negative value returned by visit. -EINVAL also when data is NULL while
 * length is not 0, or visit is NULL.
 * Never reads outside [data, data + length). Any context; no allocation.
 */
int cpio_parse(const void *data, size_t length, cpio_visit_fn visit, void *context,
               struct cpio_summary *summary);

#endif
