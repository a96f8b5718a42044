/*
 * cpio.c — fuzz target for the initramfs: the strict cpio "newc" parser
 * (src/services/initramfs/cpio.h) on the raw input, then the loader
 * unpacking the same bytes into a freshly booted kernel's root tmpfs.
 *
 * Parser invariants (every input): the result is 0 or -EINVAL; a rejection
 * logs exactly one "initramfs: rejected at offset N: REASON" line (KLOG_ERROR)
 * with N the summary's offset (within the input) and REASON its reason, an
 * acceptance logs none; every visited member's header, re-decoded here
 * independently, agrees with what the visitor saw (mode, sizes, numbers,
 * the name a normalised suffix of the raw name, the data where the format
 * puts it, inside the input); names are NUL-terminated, free of ".", ".."
 * and empty components, no component over 255 bytes; members come in
 * increasing 4-aligned offsets; an accepted archive ends in zero bytes
 * only, and its prefix up to summary.bytes parses to the same members.
 *
 * Loader invariants (inputs whose walk visited a member): unpack returns
 * what the parse says (-EINVAL for a rejection, with the same one line)
 * or, for an accepted archive, 0 or a VFS error; one summary line. Then,
 * through stat/readlink/read syscalls as pid 1: when unpack returned 0,
 * every member's path exists; a member whose path leads to a node in the
 * root tmpfs that no other member's path leads to (except the other
 * names of its own hard-link group) has the member's type, permissions,
 * modification time, size and contents (files), target (symlinks) and
 * device number (device nodes); the names of a hard-link group that
 * resolve share one inode whose link count is not above their number;
 * "/" has the permissions of the last "." member.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rk/errno.h>
#include <rk/file.h>
#include <rk/gate.h>
#include <rk/klog.h>
#include <rk/path.h>
#include <rk/services.h>
#include <rk/vfs.h>

#include "fuzz_kernel.h"
#include "initramfs/cpio.h"
#include "target_user.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_MEMBERS 256
#define CONTENT_CHECK_MAX 16384   /* larger files are checked by size only */

/* One member as the parser's visitor saw it, and what the tree shows after the unpack. */
struct member {
    struct cpio_entry entry;
    long stat_result;
    struct user_stat stat;
};

/* What one walk recorded. */
struct walk_record {
    const uint8_t *archive;
    size_t size;
    struct member members[MAX_MEMBERS];
    size_t count;              /* members visited (only the first MAX_MEMBERS are kept) */
    size_t last_offset_end;    /* offset of the last member visited + 1, for the order check */
};

static struct walk_record walk;
static struct walk_record prefix_walk;

/* The value of the 8 hex digits at text, or -1 when one is not a hex digit. */
static long long hex_field(const uint8_t *text)
{
    long long value = 0;
    for (int i = 0; i < 8; i++) {
        int c = text[i], digit;
        if (c >= '0' && c <= '9')
            digit = c - '0';
        else if (c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            digit = c - 'A' + 10;
        else
            return -1;
        value = value << 4 | digit;
    }
    return value;
}

/* Check one visited member against its header, decoded again here. */
static void check_member(const struct walk_record *record, const struct cpio_entry *entry)
{
    const uint8_t *base = record->archive;
    size_t size = record->size;
    if (entry->offset % 4 != 0 || entry->offset >= size || size - entry->offset < CPIO_HEADER_SIZE)
        fuzz_finding("member header at offset %zu (archive of %zu bytes)", entry->offset, size);
    if (entry->offset + 1 <= record->last_offset_end && record->count > 0)
        fuzz_finding("member at offset %zu does not follow the previous one", entry->offset);
    const uint8_t *header = base + entry->offset;
    bool crc = memcmp(header, "070702", 6) == 0;
    if (!crc && memcmp(header, "070701", 6) != 0)
        fuzz_finding("member at %zu has no newc magic", entry->offset);
    long long fields[13];
    for (int i = 0; i < 13; i++) {
        fields[i] = hex_field(header + 6 + 8 * i);
        if (fields[i] < 0)
            fuzz_finding("member at %zu has a non-hex field %d", entry->offset, i);
    }
    const uint32_t expected[] = {
        entry->inode_number, entry->mode, entry->uid, entry->gid, entry->link_count,
        entry->modify_time, (uint32_t)entry->data_size, entry->device_major, entry->device_minor,
        entry->rdev_major, entry->rdev_minor,
    };
    for (int i = 0; i < 11; i++)
        if ((uint32_t)fields[i] != expected[i])
            fuzz_finding("member at %zu: field %d is %llx in the header, %x in the entry",
                         entry->offset, i, fields[i], (unsigned)expected[i]);
    if ((uint32_t)fields[12] != entry->checksum)
        fuzz_finding("member at %zu: checksum field differs", entry->offset);

    size_t name_size = (size_t)fields[11];
    size_t name_offset = entry->offset + CPIO_HEADER_SIZE;
    if (name_size == 0 || name_size > CPIO_PATH_MAX || name_size > size - name_offset)
        fuzz_finding("member at %zu: namesize %zu accepted", entry->offset, name_size);
    const char *raw = (const char *)base + name_offset;
    if (raw[name_size - 1] != '\0' || strlen(raw) != name_size - 1)
        fuzz_finding("member at %zu: raw name is not NUL-terminated at namesize - 1", entry->offset);

    /* The normalised name: "." for the root, else a suffix of the raw name. */
    const char *name = entry->name;
    if (strlen(name) != entry->name_length)
        fuzz_finding("member at %zu: name_length %zu but strlen %zu", entry->offset,
                     entry->name_length, strlen(name));
    if (strcmp(name, ".") == 0) {
        if (!S_ISDIR(entry->mode))
            fuzz_finding("member at %zu: the root is not a directory", entry->offset);
    } else {
        if (name != raw + (name_size - 1 - entry->name_length))
            fuzz_finding("member at %zu: name is not a suffix of the raw name", entry->offset);
        if (name[0] == '/' || entry->name_length == 0)
            fuzz_finding("member at %zu: name \"%s\" is not relative", entry->offset, name);
        const char *component = name;
        for (;;) {
            const char *slash = strchr(component, '/');
            size_t length = slash ? (size_t)(slash - component) : strlen(component);
            if (length == 0 || length > CPIO_NAME_MAX || (length == 1 && component[0] == '.') ||
                (length == 2 && component[0] == '.' && component[1] == '.'))
                fuzz_finding("member at %zu: bad component in \"%s\"", entry->offset, name);
            if (!slash)
                break;
            component = slash + 1;
        }
    }

    /* Mode, data placement and what the type allows. */
    uint32_t type = entry->mode & S_IFMT;
    if (entry->mode > (S_IFMT | S_IALLUGO) ||
        (type != S_IFREG && type != S_IFDIR && type != S_IFLNK && type != S_IFCHR &&
         type != S_IFBLK && type != S_IFIFO && type != S_IFSOCK))
        fuzz_finding("member at %zu: mode 0%o accepted", entry->offset, (unsigned)entry->mode);
    const uint8_t *data = entry->data;
    if (data < base || data > base + size || entry->data_size > (size_t)(base + size - data))
        fuzz_finding("member at %zu: data outside the archive", entry->offset);
    size_t data_offset = (name_offset + name_size + 3) & ~(size_t)3;
    if (entry->data_size > 0 && data != base + data_offset)
        fuzz_finding("member at %zu: data at %zu, the format puts it at %zu", entry->offset,
                     (size_t)(data - base), data_offset);
    if (type == S_IFLNK && (entry->data_size == 0 || entry->data_size >= CPIO_PATH_MAX ||
                            memchr(data, 0, entry->data_size)))
        fuzz_finding("member at %zu: symlink target of %zu bytes accepted", entry->offset,
                     entry->data_size);
    if (type != S_IFREG && type != S_IFLNK && entry->data_size != 0)
        fuzz_finding("member at %zu: data on a member of type 0%o", entry->offset, (unsigned)type);
    if (crc) {
        uint32_t sum = 0;
        for (size_t i = 0; i < entry->data_size; i++)
            sum += data[i];
        if (sum != entry->checksum)
            fuzz_finding("member at %zu: crc member with a wrong checksum accepted", entry->offset);
    }
}

/* The visitor: check and record each member. */
static int record_member(const struct cpio_entry *entry, void *context)
{
    struct walk_record *record = context;
    check_member(record, entry);
    if (record->count < MAX_MEMBERS)
        record->members[record->count].entry = *entry;
    record->count++;
    record->last_offset_end = entry->offset + 1;
    return 0;
}

/* Parse archive into record. */
static int parse(struct walk_record *record, const uint8_t *archive, size_t size,
                 struct cpio_summary *summary)
{
    record->archive = archive;
    record->size = size;
    record->count = 0;
    record->last_offset_end = 0;
    return cpio_parse(archive, size, record_member, record, summary);
}

/*
 * Count the klog lines since sequence that start with prefix; the last one
 * goes to *last (may be NULL).
 */
static int count_lines(uint64_t sequence, const char *prefix, struct klog_record *last)
{
    struct klog_record record;
    int lines = 0;
    while (klog_read(&sequence, &record) == 0) {
        if (strncmp(record.text, prefix, strlen(prefix)) != 0)
            continue;
        lines++;
        if (last)
            *last = record;
    }
    return lines;
}

/* Exactly the rejection line the contract promises since sequence (or none when accepted). */
static void check_rejection_log(uint64_t sequence, int result, const struct cpio_summary *summary,
                                const char *who)
{
    struct klog_record line;
    int lines = count_lines(sequence, "initramfs: rejected", &line);
    if (result == 0) {
        if (lines != 0)
            fuzz_finding("%s: accepted archive logged %d rejection lines", who, lines);
        return;
    }
    if (lines != 1)
        fuzz_finding("%s: rejection logged %d lines, not 1", who, lines);
    char expected[160];
    snprintf(expected, sizeof expected, "initramfs: rejected at offset %zu: %s",
             summary->rejected_offset, summary->reason);
    if (line.level != KLOG_ERROR || strncmp(line.text, expected, sizeof line.text - 1) != 0)
        fuzz_finding("%s: rejection line \"%s\", expected \"%s\"", who, line.text, expected);
}

/* ------------------------------------------------------------- the tree */

/* "/" + name into path (PATH_MAX bytes); false when it does not fit a syscall path. */
static bool member_path(const struct member *member, char *path)
{
    if (member->entry.name_length + 2 > PATH_MAX)
        return false;
    path[0] = '/';
    memcpy(path + 1, member->entry.name, member->entry.name_length + 1);
    return true;
}

/*
 * True when a and b are names of one multiply-linked file (the loader's
 * link key; as on Linux, directories and symlinks are never linked).
 */
static bool same_link_group(const struct cpio_entry *a, const struct cpio_entry *b)
{
    uint32_t type = a->mode & S_IFMT;
    return type != S_IFDIR && type != S_IFLNK &&
           a->link_count > 1 && b->link_count > 1 && a->archive_index == b->archive_index &&
           a->device_major == b->device_major && a->device_minor == b->device_minor &&
           a->inode_number == b->inode_number && a->mode == b->mode;
}

/* Read the regular file at path into buffer (length bytes expected). Returns the bytes read or -errno. */
static long read_file(const char *path, uint8_t *buffer, size_t length)
{
    uintptr_t mark = user_next;
    long fd = fuzz_syscall(SYS_openat, AT_FDCWD, (long)user_string(path), O_RDONLY, 0, 0, 0);
    if (fd < 0) {
        user_next = mark;
        return fd;
    }
    uintptr_t user_buffer = user_alloc(length + 1);
    size_t total = 0;
    long count;
    while ((count = fuzz_syscall(SYS_read, fd, (long)(user_buffer + total), (long)(length + 1 - total),
                                 0, 0, 0)) > 0) {
        total += (size_t)count;
        if (total > length)
            break;
    }
    if (total > 0)
        user_read(buffer, user_buffer, total);
    fuzz_syscall(SYS_close, fd, 0, 0, 0, 0, 0);
    user_next = mark;
    return count < 0 ? count : (long)total;
}

/* Check one member whose node no other member shares: it is exactly what the archive says. */
static void check_unique_member(const struct member *member, const char *path)
{
    const struct cpio_entry *entry = &member->entry;
    const struct user_stat *stat = &member->stat;
    uint32_t type = entry->mode & S_IFMT;
    if (type != S_IFLNK && (stat->mode & S_IALLUGO) != (entry->mode & S_IALLUGO))
        fuzz_finding("%s: mode 0%o, the archive says 0%o", path, stat->mode, entry->mode);
    if (stat->modify_seconds != (int64_t)entry->modify_time)
        fuzz_finding("%s: mtime %lld, the archive says %u", path, (long long)stat->modify_seconds,
                     (unsigned)entry->modify_time);
    if (type != S_IFDIR && stat->link_count != 1)
        fuzz_finding("%s: %llu links for a member with one name", path,
                     (unsigned long long)stat->link_count);
    static uint8_t contents[CONTENT_CHECK_MAX + 1];
    if (type == S_IFREG) {
        if ((uint64_t)stat->size != entry->data_size)
            fuzz_finding("%s: size %lld, the archive has %zu bytes", path, (long long)stat->size,
                         entry->data_size);
        if (entry->data_size <= CONTENT_CHECK_MAX) {
            long got = read_file(path, contents, entry->data_size);
            if (got != (long)entry->data_size || memcmp(contents, entry->data, entry->data_size) != 0)
                fuzz_finding("%s: read back %ld bytes that differ from the archive's %zu", path, got,
                             entry->data_size);
        }
    } else if (type == S_IFLNK) {
        long got = user_readlink_at(AT_FDCWD, path, (char *)contents, CPIO_PATH_MAX);
        if (got != (long)entry->data_size || memcmp(contents, entry->data, entry->data_size) != 0)
            fuzz_finding("%s: readlink gave %ld bytes, the archive's target has %zu", path, got,
                         entry->data_size);
        if ((uint64_t)stat->size != entry->data_size)
            fuzz_finding("%s: symlink size %lld for a %zu-byte target", path, (long long)stat->size,
                         entry->data_size);
    } else if (type == S_IFCHR || type == S_IFBLK) {
        if (stat->rdev != device_number(entry->rdev_major, entry->rdev_minor))
            fuzz_finding("%s: rdev %llx, the archive says %u:%u", path,
                         (unsigned long long)stat->rdev, (unsigned)entry->rdev_major,
                         (unsigned)entry->rdev_minor);
    }
}

/* Stat every member's path and check the tree against the archive (see the file comment). */
static void check_tree(struct walk_record *record, int unpack_result, bool accepted)
{
    static char path[PATH_MAX];
    size_t count = record->count < MAX_MEMBERS ? record->count : MAX_MEMBERS;
    struct user_stat root;
    if (user_stat_at(AT_FDCWD, "/", 0, &root) != 0)
        fuzz_finding("stat / failed after the unpack");
    const struct cpio_entry *last_root = NULL;
    for (size_t i = 0; i < count; i++) {
        struct member *member = &record->members[i];
        member->stat_result = -ENAMETOOLONG;
        if (strcmp(member->entry.name, ".") == 0) {
            last_root = &member->entry;
            continue;
        }
        if (member_path(member, path))
            member->stat_result = user_stat_at(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, &member->stat);
        if (unpack_result == 0 && accepted && member->stat_result < 0 &&
            member->stat_result != -ENAMETOOLONG)
            fuzz_finding("%s: unpack succeeded but stat gives %ld", path, member->stat_result);
    }
    if (last_root && (root.mode & S_IALLUGO) != (last_root->mode & S_IALLUGO))
        fuzz_finding("/: mode 0%o, the last \".\" member says 0%o", root.mode, last_root->mode);

    for (size_t i = 0; i < count; i++) {
        struct member *member = &record->members[i];
        if (member->stat_result != 0 || member->stat.device != root.device)
            continue;
        /* Who else reaches this node? Only the names of its own hard-link group may. */
        size_t sharers = 0;
        bool legitimate = true;
        for (size_t j = 0; j < count; j++) {
            const struct member *other = &record->members[j];
            if (other->stat_result != 0 || other->stat.device != member->stat.device ||
                other->stat.inode != member->stat.inode)
                continue;
            sharers++;
            if (j != i && !same_link_group(&member->entry, &other->entry))
                legitimate = false;
        }
        if (!legitimate)
            continue;
        member_path(member, path);
        if ((member->stat.mode & S_IFMT) != (member->entry.mode & S_IFMT))
            fuzz_finding("%s: type 0%o, the archive says 0%o", path, member->stat.mode & S_IFMT,
                         member->entry.mode & S_IFMT);
        if (sharers == 1) {
            check_unique_member(member, path);
            continue;
        }
        if ((member->stat.mode & S_IALLUGO) != (member->entry.mode & S_IALLUGO))
            fuzz_finding("%s: linked file mode 0%o, the archive says 0%o", path, member->stat.mode,
                         member->entry.mode);
        if (member->stat.link_count == 0 || member->stat.link_count > sharers)
            fuzz_finding("%s: %llu links for a file %zu names lead to", path,
                         (unsigned long long)member->stat.link_count, sharers);
    }
    /* A hard-link group's names that resolve in the root tmpfs without aliasing share one inode. */
    for (size_t i = 0; i < count; i++) {
        const struct member *member = &record->members[i];
        if (member->stat_result != 0 || member->stat.device != root.device ||
            member->entry.link_count <= 1)
            continue;
        for (size_t j = i + 1; j < count; j++) {
            const struct member *other = &record->members[j];
            if (other->stat_result != 0 || other->stat.device != root.device ||
                !same_link_group(&member->entry, &other->entry) ||
                other->stat.inode == member->stat.inode)
                continue;
            /* Two inodes for one group: only when one name was taken by a member outside it. */
            bool explained = false;
            for (size_t k = 0; k < count && !explained; k++) {
                const struct member *third = &record->members[k];
                if (third->stat_result == 0 && !same_link_group(&member->entry, &third->entry) &&
                    (third->stat.inode == member->stat.inode || third->stat.inode == other->stat.inode))
                    explained = true;
            }
            /* Or the group's first name failed to link (a missing parent when it was made). */
            if (!explained)
                fuzz_finding("hard-link group of inode %u: \"%s\" and \"%s\" are different files",
                             (unsigned)member->entry.inode_number, member->entry.name,
                             other->entry.name);
        }
    }
}

/* The registered initramfs loader. */
static struct service *loader(void)
{
    struct service *service = services_lookup(SERVICE_LOADER, "initramfs");
    if (!service)
        fuzz_finding("no initramfs loader after boot");
    return service;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool booted;
    if (!booted) {
        fuzz_kernel_boot(NULL, 1);
        booted = true;
    }
    /* The parser alone (pure: the booted kernel only holds the log). */
    struct cpio_summary summary;
    uint64_t sequence = klog_next_sequence();
    int result = parse(&walk, data, size, &summary);
    if (result != 0 && result != -EINVAL)
        fuzz_finding("cpio_parse returned %d", result);
    if (summary.entries != walk.count)
        fuzz_finding("summary counts %zu members, the visitor saw %zu", summary.entries, walk.count);
    if (result == -EINVAL && (summary.rejected_offset > size || summary.reason[0] == '\0'))
        fuzz_finding("rejected at offset %zu of %zu, reason \"%s\"", summary.rejected_offset, size,
                     summary.reason);
    check_rejection_log(sequence, result, &summary, "parse");
    if (result == 0) {
        if (summary.archives == 0 || summary.bytes > size)
            fuzz_finding("accepted with %zu archives ending at %zu of %zu", summary.archives,
                         summary.bytes, size);
        for (size_t i = summary.bytes; i < size; i++)
            if (data[i] != 0)
                fuzz_finding("accepted with a non-zero byte at %zu after the last archive", i);
        struct cpio_summary prefix_summary;
        int prefix_result = parse(&prefix_walk, data, summary.bytes, &prefix_summary);
        if (prefix_result != 0 || prefix_walk.count != walk.count ||
            prefix_summary.archives != summary.archives)
            fuzz_finding("the archive's first %zu bytes parse differently (%d, %zu members)",
                         summary.bytes, prefix_result, prefix_walk.count);
    }
    if (walk.count == 0)
        return 0;

    /* The loader on a fresh kernel. */
    fuzz_kernel_boot(NULL, 1);
    fuzz_init_create();
    user_reset();
    sequence = klog_next_sequence();
    int unpacked = SERVICE_CALL(loader(), struct loader_ops, unpack, data, size);
    if (result == -EINVAL && unpacked != -EINVAL)
        fuzz_finding("the loader returned %d for an archive the parser rejects", unpacked);
    if (result == 0 && (unpacked == -EINVAL || unpacked == -EIO || unpacked > 0))
        fuzz_finding("the loader returned %d for an archive the parser accepts", unpacked);
    check_rejection_log(sequence, result, &summary, "unpack");
    if (count_lines(sequence, "initramfs: unpacked ", NULL) != 1)
        fuzz_finding("the loader did not log exactly one summary line");
    check_tree(&walk, unpacked, result == 0);
    return 0;
}
