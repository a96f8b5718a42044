/*
 * path.c — fuzz target for path resolution (src/core/vfs/path.c and the
 * path syscalls): a freshly booted kernel gets a small fixed tree, then a
 * few fuzzed operations (openat, newfstatat, readlinkat, mkdirat, unlinkat,
 * renameat2, linkat, symlinkat, chdir, fchdir) run on fuzzed paths from
 * fuzzed directory descriptors.
 *
 * The tree: /a, /a/b, /a/b/c, /a/file2, /a/b/file, a 255-byte name in /a,
 * symlinks /link_abs -> /a/b, /link_rel -> a/b, /a/up -> .., /a/b/self -> .,
 * /a/fl -> file2, /loop1 <-> /loop2, /dangling -> /nonexistent, a chain
 * /chain0 -> /chain1 -> ... -> /chain40 -> /a (41 links: one more than
 * Linux follows) and /chain1 (40: just within), a second tmpfs on /m
 * (holding /m/inner/file and /m/back -> /a), /proc and /dev.
 *
 * Paths: up to 10 components from a dictionary of those names (and ".",
 * "..", "", names 255 and 256 bytes long, new names) or raw input bytes,
 * absolute or relative, with or without a trailing slash, sometimes padded
 * with "./" to 4095, 4096 or 4097 bytes.
 *
 * Invariants: every error is one a path syscall can give (EIO, ENOSYS or
 * an unknown errno is a finding); a path of PATH_MAX (4096) bytes or more
 * is ENAMETOOLONG; when lstat fails, stat fails the same way; when lstat
 * finds no symlink, stat finds the same file; when it finds a symlink,
 * readlink gives as many bytes as the link's size and stat finds what the
 * target names from the link's directory (outside /proc's magic links);
 * ELOOP comes only through a symlink; a successful open's fstat is the
 * stat of the same path; after mkdirat the name is a directory and a
 * second mkdirat is EEXIST; after unlinkat the name is gone; after
 * renameat2 the new name is the old file (and, exchanged, the old name the
 * new file) and the old name is gone unless both named one file, and a
 * name with a trailing slash was a directory (the source, or the exchanged
 * target: Linux's ENOTDIR rules); after
 * linkat both names are one file; after symlinkat readlink gives the
 * target; getcwd stays absolute and names the working directory (or is
 * ENOENT once it was removed); at the end /, /proc and /proc/self still
 * resolve.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rk/errno.h>
#include <rk/file.h>
#include <rk/path.h>
#include <rk/vfs.h>

#include "fuzz_kernel.h"
#include "input.h"
#include "target_user.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_OPERATIONS 8
#define MAX_COMPONENTS 10
#define PATH_BUFFER (PATH_MAX + 64)
#define CHAIN_LENGTH 41

/* Component names (the fixed tree's and a few more). */
static const char *const dictionary[] = {
    ".", "..", "", "a", "b", "c", "file", "file2", "link_abs", "link_rel", "up", "self", "fl",
    "loop1", "loop2", "dangling", "chain0", "chain1", "m", "inner", "back", "proc", "dev", "null",
    "fd", "cwd", "root", "exe", "1", "new", "other", "tty", "console", "mounts", "nonexistent",
    NULL /* the 255-byte name */, NULL /* a 256-byte name */,
};
#define DICTIONARY_SIZE (sizeof dictionary / sizeof dictionary[0])
#define LONG_NAME_INDEX (DICTIONARY_SIZE - 2)
#define TOO_LONG_NAME_INDEX (DICTIONARY_SIZE - 1)

static char long_name[NAME_MAX + 1];          /* NAME_MAX bytes */
static char too_long_name[NAME_MAX + 2];      /* NAME_MAX + 1 bytes */

/* The working directory as getcwd last gave it ("" when unknown). */
static char working_directory[PATH_MAX + 1];
/* Set when a symlink made by an operation names something in /proc. */
static bool proc_linked;

/* Descriptors the operations choose from (set up for each input). */
enum { DIRFD_COUNT = 10 };
static int dirfds[DIRFD_COUNT];

/* ---------------------------------------------------------------- errors */

/* True when error is one a path syscall may give; EIO (a contained service fault) and ENOSYS are not. */
static bool known_error(long error)
{
    switch (-error) {
    case ENOENT: case ENOTDIR: case ELOOP: case ENAMETOOLONG: case EISDIR: case EEXIST:
    case EBADF: case EACCES: case EINVAL: case ENXIO: case EROFS: case EPERM: case ENOTEMPTY:
    case EBUSY: case EXDEV: case EMLINK: case ENOSPC: case ENOMEM: case EMFILE: case ETXTBSY:
    case ENODEV: case EAGAIN: case EOPNOTSUPP: case ERANGE: case EFAULT: case ENOTTY:
        return true;
    default:
        return false;
    }
}

/* Report a result that is neither success nor a known error. */
static void check_result(const char *what, long result)
{
    if (fuzz_verbose())
        fprintf(stderr, "path:   %s -> %ld\n", what, result);
    if (result < 0 && !known_error(result))
        fuzz_finding("%s gave %ld", what, result);
}

/* ------------------------------------------------------------ the tree */

/* A syscall during setup that must succeed. */
static long setup_call(const char *what, long result)
{
    if (result < 0)
        fuzz_finding("setting up the tree: %s gave %ld", what, result);
    return result;
}

/* mkdir path (0755); must succeed. */
static void make_directory(const char *path)
{
    setup_call(path, fuzz_syscall(SYS_mkdirat, AT_FDCWD, (long)user_string(path), 0755, 0, 0, 0));
}

/* symlink path -> target; must succeed. */
static void make_symlink(const char *target, const char *path)
{
    setup_call(path, fuzz_syscall(SYS_symlinkat, (long)user_string(target), AT_FDCWD,
                                  (long)user_string(path), 0, 0, 0));
}

/* A new file path (0644) holding contents; must succeed. */
static void make_file(const char *path, const char *contents)
{
    long fd = setup_call(path, fuzz_syscall(SYS_openat, AT_FDCWD, (long)user_string(path),
                                            O_WRONLY | O_CREAT | O_EXCL, 0644, 0, 0));
    setup_call(path, fuzz_syscall(SYS_write, fd, (long)user_string(contents), (long)strlen(contents),
                                  0, 0, 0));
    fuzz_syscall(SYS_close, fd, 0, 0, 0, 0, 0);
}

/* A descriptor of path opened with flags (kept for the whole input); must succeed. */
static int open_directory(const char *path, unsigned flags)
{
    return (int)setup_call(path, fuzz_syscall(SYS_openat, AT_FDCWD, (long)user_string(path),
                                              (long)flags, 0, 0, 0));
}

/* Boot and build the fixed tree (see the file comment). */
static void build_tree(void)
{
    make_directory("/a");
    make_directory("/a/b");
    make_directory("/a/b/c");
    make_file("/a/file2", "two");
    make_file("/a/b/file", "data");
    char path[PATH_BUFFER];
    snprintf(path, sizeof path, "/a/%s", long_name);
    make_file(path, "long");
    make_symlink("/a/b", "/link_abs");
    make_symlink("a/b", "/link_rel");
    make_symlink("..", "/a/up");
    make_symlink(".", "/a/b/self");
    make_symlink("file2", "/a/fl");
    make_symlink("loop2", "/loop1");
    make_symlink("loop1", "/loop2");
    make_symlink("/nonexistent", "/dangling");
    for (int i = 0; i < CHAIN_LENGTH; i++) {
        char target[32], name[32];
        snprintf(name, sizeof name, "/chain%d", i);
        if (i + 1 < CHAIN_LENGTH)
            snprintf(target, sizeof target, "/chain%d", i + 1);
        else
            snprintf(target, sizeof target, "/a");
        make_symlink(target, name);
    }
    make_directory("/m");
    setup_call("mount /m", fuzz_syscall(SYS_mount, (long)user_string("none"), (long)user_string("/m"),
                                        (long)user_string("tmpfs"), 0, 0, 0));
    make_directory("/m/inner");
    make_file("/m/inner/file", "inner");
    make_symlink("/a", "/m/back");

    dirfds[0] = AT_FDCWD;
    dirfds[1] = open_directory("/", O_RDONLY | O_DIRECTORY);
    dirfds[2] = open_directory("/a", O_RDONLY | O_DIRECTORY);
    dirfds[3] = open_directory("/a/b", O_PATH);
    dirfds[4] = open_directory("/m", O_RDONLY | O_DIRECTORY);
    dirfds[5] = open_directory("/proc", O_RDONLY | O_DIRECTORY);
    dirfds[6] = open_directory("/a/file2", O_RDONLY);        /* not a directory: ENOTDIR */
    dirfds[7] = open_directory("/dev", O_RDONLY | O_DIRECTORY);
    dirfds[8] = -1;                                             /* EBADF */
    dirfds[9] = 1000;                                           /* EBADF */
}

/* ----------------------------------------------------------- the paths */

/*
 * Decode one path from the input into path (PATH_BUFFER bytes). Sets
 * *symlink_free when it cannot reach a symlink (only names of
 * directories and files of the fixed tree, ".", ".." and new names).
 */
static void decode_path(struct fuzz_input *input, char *path, bool *symlink_free)
{
    static const char *const plain[] = { ".", "..", "", "a", "b", "c", "file", "file2", "m",
                                         "inner", "new", "other", "nonexistent" };
    uint8_t shape = fuzz_input_u8(input);
    unsigned components = (shape & 0x0f) % (MAX_COMPONENTS + 1);
    size_t length = 0;
    *symlink_free = true;
    path[0] = '\0';
    if (shape & 0x10)
        path[length++] = '/';
    for (unsigned i = 0; i < components; i++) {
        uint8_t choice = fuzz_input_u8(input);
        const char *name;
        size_t name_length;
        bool ended = false;
        char raw[16];
        if (choice < DICTIONARY_SIZE) {
            name = choice == LONG_NAME_INDEX ? long_name
                   : choice == TOO_LONG_NAME_INDEX ? too_long_name
                                                   : dictionary[choice];
            name_length = strlen(name);
            bool plain_name = false;
            for (size_t k = 0; k < sizeof plain / sizeof plain[0]; k++)
                plain_name |= strcmp(name, plain[k]) == 0;
            /* "a/.." is fine, but the cwd or a dirfd may sit under a symlinked name: keep it simple. */
            if (!plain_name)
                *symlink_free = false;
        } else {
            size_t taken;
            const uint8_t *bytes = fuzz_input_bytes(input, choice & 15, &taken);
            memcpy(raw, bytes, taken);
            name = raw;
            name_length = strnlen(raw, taken);
            ended = name_length < taken;   /* a NUL in the raw bytes ends the path */
            *symlink_free = false;
        }
        if (length + name_length + 2 >= PATH_BUFFER)
            break;
        memcpy(path + length, name, name_length);
        length += name_length;
        if (ended)
            break;
        if (i + 1 < components || (shape & 0x20))
            path[length++] = '/';
    }
    path[length] = '\0';
    if (shape & 0x40) {
        /* Pad with "./" in front to 4095, 4096 or 4097 bytes (PATH_MAX is 4096 with the NUL). */
        static const size_t targets[] = { PATH_MAX - 1, PATH_MAX, PATH_MAX + 1, PATH_MAX - 2 };
        size_t target = targets[(shape >> 7) | ((fuzz_input_u8(input) & 1) << 1)];
        if (length < target) {
            /* Absolute: more slashes in front; relative: "./" pairs (and "/" when odd). */
            size_t pad = target - length;
            memmove(path + pad, path, length + 1);
            for (size_t i = 0; i < pad; i++)
                path[i] = path[pad] == '/' || (i % 2) ? '/' : '.';
            if (path[pad] != '/' && pad % 2 == 1)
                path[pad - 1] = '/';
        }
    }
}

/* ------------------------------------------------------------ checking */

/* stat of (dirfd, path) following (or not) the final symlink. */
static long stat_of(int dirfd, const char *path, bool follow, struct user_stat *out)
{
    return user_stat_at(dirfd, path, follow ? 0 : AT_SYMLINK_NOFOLLOW, out);
}

/*
 * True when (dirfd, path) may lead into /proc, whose links are magic and
 * have size 0 (/dev/fd and /dev/std* are symlinks into /proc/self/fd).
 */
static bool may_reach_proc(int dirfd, const char *path)
{
    if (strstr(path, "proc") || strstr(path, "dev") || proc_linked)
        return true;
    if (path[0] == '/')
        return false;
    if (dirfd == AT_FDCWD)
        return working_directory[0] == '\0' || strncmp(working_directory, "/proc", 5) == 0 ||
               strncmp(working_directory, "/dev", 4) == 0;
    return dirfd == dirfds[5] || dirfd == dirfds[7];
}

/* True when a and b are stats of one file (device and inode). */
static bool same_file(const struct user_stat *a, const struct user_stat *b)
{
    return a->device == b->device && a->inode == b->inode;
}

/* The path limit, the lstat/stat relation and what a symlink says (see the file comment). */
static void check_resolution(int dirfd, const char *path, bool symlink_free)
{
    size_t length = strlen(path);
    struct user_stat link_stat, target_stat;
    long link_result = stat_of(dirfd, path, false, &link_stat);
    long target_result = stat_of(dirfd, path, true, &target_stat);
    check_result("lstat", link_result);
    check_result("stat", target_result);
    if (length >= PATH_MAX && (link_result != -ENAMETOOLONG || target_result != -ENAMETOOLONG))
        fuzz_finding("a %zu-byte path gave %ld / %ld, not ENAMETOOLONG", length, link_result,
                     target_result);
    if (symlink_free && (link_result == -ELOOP || target_result == -ELOOP))
        fuzz_finding("\"%.200s\" has no symlink but gave ELOOP", path);
    if (link_result < 0) {
        if (target_result != link_result)
            fuzz_finding("\"%.200s\": lstat %ld but stat %ld", path, link_result, target_result);
        return;
    }
    if (!S_ISLNK(link_stat.mode)) {
        if (target_result != 0 || !same_file(&link_stat, &target_stat))
            fuzz_finding("\"%.200s\" is no symlink, yet stat (%ld) finds another file", path,
                         target_result);
        return;
    }
    if (may_reach_proc(dirfd, path) || path[length - 1] == '/')
        return;   /* /proc's links (magic, size 0); a trailing slash already follows */
    static char target[PATH_MAX + 1];
    long target_length = user_readlink_at(dirfd, path, target, PATH_MAX);
    if (target_length <= 0 || target_length != link_stat.size)
        fuzz_finding("\"%.200s\": readlink gave %ld for a link of size %lld", path, target_length,
                     (long long)link_stat.size);
    target[target_length] = '\0';
    /* The target, from the link's directory. */
    static char combined[2 * PATH_MAX + 2];
    const char *slash = strrchr(path, '/');
    if (target[0] == '/' || !slash)
        snprintf(combined, sizeof combined, "%s", target);
    else
        snprintf(combined, sizeof combined, "%.*s/%s", (int)(slash - path), path, target);
    if (strlen(combined) >= PATH_MAX)
        return;
    struct user_stat through;
    long through_result = stat_of(dirfd, combined, true, &through);
    if (through_result == -ELOOP || target_result == -ELOOP)
        return;   /* one link more or less on the way */
    if (through_result != target_result || (through_result == 0 && !same_file(&through, &target_stat)))
        fuzz_finding("\"%.200s\" -> \"%s\": stat gives %ld, \"%.200s\" gives %ld", path, target,
                     target_result, combined, through_result);
}

/* getcwd stays absolute and names the working directory. */
static void check_working_directory(void)
{
    static char text[PATH_MAX + 1];
    uintptr_t mark = user_next;
    uintptr_t buffer = user_alloc(PATH_MAX);
    long result = fuzz_syscall(SYS_getcwd, (long)buffer, PATH_MAX, 0, 0, 0, 0);
    if (result > 0)
        user_read(text, buffer, (size_t)result);
    user_next = mark;
    working_directory[0] = '\0';
    if (result == -ENOENT || result == -ENAMETOOLONG || result == -ERANGE)
        return;   /* removed, or deeper than a page */
    if (result <= 0 || text[0] != '/' || (size_t)result != strnlen(text, PATH_MAX) + 1)
        fuzz_finding("getcwd gave %ld (\"%.100s\")", result, result > 0 ? text : "");
    struct user_stat named, current;
    long named_result = stat_of(AT_FDCWD, text, true, &named);
    long current_result = stat_of(AT_FDCWD, ".", true, &current);
    if (current_result != 0 || named_result != 0 || !same_file(&named, &current))
        fuzz_finding("getcwd \"%.200s\" (%ld) is not the working directory (%ld)", text,
                     named_result, current_result);
    memcpy(working_directory, text, (size_t)result);
}

/* ---------------------------------------------------------- operations */

/* What one fuzzed step does. */
enum operation {
    OPERATION_OPEN, OPERATION_STAT, OPERATION_READLINK, OPERATION_MKDIR, OPERATION_UNLINK,
    OPERATION_RENAME, OPERATION_LINK, OPERATION_SYMLINK, OPERATION_CHDIR, OPERATION_COUNT,
};

/* Open flags the operations choose from (O_NONBLOCK always: nothing may wait). */
static unsigned open_flags(uint8_t bits)
{
    static const unsigned choices[] = {
        O_RDONLY, O_WRONLY, O_RDWR, O_CREAT | O_WRONLY, O_CREAT | O_EXCL | O_RDWR, O_DIRECTORY,
        O_PATH, O_PATH | O_NOFOLLOW, O_NOFOLLOW, O_TRUNC | O_WRONLY, O_CREAT | O_DIRECTORY,
        O_TMPFILE | O_RDWR, O_APPEND | O_WRONLY, O_RDONLY | O_CLOEXEC, O_CREAT | O_NOFOLLOW,
        O_RDWR | O_DIRECTORY,
    };
    return choices[bits % (sizeof choices / sizeof choices[0])] | O_NONBLOCK;
}

/* openat with flags chosen by bits: the descriptor's fstat is the path's stat. */
static void operation_open(int dirfd, const char *path, uint8_t bits)
{
    unsigned flags = open_flags(bits);
    long fd = fuzz_syscall(SYS_openat, dirfd, (long)user_string(path), (long)flags, 0644, 0, 0);
    check_result("openat", fd);
    if (fd < 0)
        return;
    struct user_stat by_descriptor, by_path;
    if (user_fstat((int)fd, &by_descriptor) != 0)
        fuzz_finding("fstat of a fresh descriptor failed");
    bool follow = !(flags & O_NOFOLLOW);
    bool temporary = (flags & O_TMPFILE) == O_TMPFILE;
    long result = stat_of(dirfd, path, follow, &by_path);
    if (!temporary && !may_reach_proc(dirfd, path) &&
        (result != 0 || !same_file(&by_descriptor, &by_path)))
        fuzz_finding("openat(\"%.200s\", %#x) opened another file than stat finds (%ld)", path, flags,
                     result);
    if ((flags & O_DIRECTORY) && !(flags & O_CREAT) && !S_ISDIR(by_descriptor.mode))
        fuzz_finding("O_DIRECTORY opened a non-directory (mode 0%o)", by_descriptor.mode);
    fuzz_syscall(SYS_close, fd, 0, 0, 0, 0, 0);
}

/* readlinkat with a buffer size chosen by bits (0 and -1 included): never more than the size. */
static void operation_readlink(int dirfd, const char *path, uint8_t bits)
{
    static const long sizes[] = { 0, 1, 5, PATH_MAX, -1 };
    long size = sizes[bits % 5];
    uintptr_t buffer = user_alloc(PATH_MAX);
    long result = fuzz_syscall(SYS_readlinkat, dirfd, (long)user_string(path), (long)buffer, size, 0, 0);
    check_result("readlinkat", result);
    if (result > 0 && result > size)
        fuzz_finding("readlinkat returned %ld for a %ld-byte buffer", result, size);
    if (size <= 0 && result >= 0)
        fuzz_finding("readlinkat with size %ld returned %ld", size, result);
}

/* mkdirat: a directory is there afterwards and a second mkdirat is EEXIST. */
static void operation_mkdir(int dirfd, const char *path)
{
    long result = fuzz_syscall(SYS_mkdirat, dirfd, (long)user_string(path), 0750, 0, 0, 0);
    check_result("mkdirat", result);
    if (result != 0)
        return;
    struct user_stat made;
    if (stat_of(dirfd, path, false, &made) != 0 || !S_ISDIR(made.mode))
        fuzz_finding("mkdirat(\"%.200s\") succeeded but no directory is there", path);
    long again = fuzz_syscall(SYS_mkdirat, dirfd, (long)user_string(path), 0750, 0, 0, 0);
    if (again != -EEXIST)
        fuzz_finding("a second mkdirat(\"%.200s\") gave %ld", path, again);
}

/* A directory entry: the directory that holds it (opened O_PATH before a change) and its name. */
struct entry_name {
    bool valid;
    bool opened;                 /* directory is ours to close */
    int directory;
    char base[NAME_MAX + 2];
};

/*
 * Split (dirfd, path) into its directory, resolved now, and last name, so
 * that the entry can be looked at after a rename or unlink changed what the
 * path's other components lead to. Not valid when the directory does not
 * resolve or the name is not a plain one.
 */
static void entry_name_get(int dirfd, const char *path, struct entry_name *name)
{
    static char parent[PATH_BUFFER];
    *name = (struct entry_name){ .directory = dirfd };
    size_t length = strlen(path);
    while (length > 1 && path[length - 1] == '/')
        length--;
    const char *slash = NULL;
    for (size_t i = 0; i < length; i++)
        if (path[i] == '/')
            slash = path + i;
    const char *base = slash ? slash + 1 : path;
    size_t base_length = length - (size_t)(base - path);
    if (base_length == 0 || base_length > NAME_MAX || length >= PATH_MAX ||
        (base_length == 1 && base[0] == '.') || (base_length == 2 && base[0] == '.' && base[1] == '.'))
        return;
    memcpy(name->base, base, base_length);
    name->base[base_length] = '\0';
    if (slash) {
        size_t parent_length = slash == path ? 1 : (size_t)(slash - path);
        memcpy(parent, path, parent_length);
        parent[parent_length] = '\0';
        uintptr_t mark = user_next;
        long fd = fuzz_syscall(SYS_openat, dirfd, (long)user_string(parent), O_PATH | O_DIRECTORY, 0, 0, 0);
        user_next = mark;
        if (fd < 0)
            return;
        name->directory = (int)fd;
        name->opened = true;
    }
    name->valid = true;
}

/* lstat of the entry. */
static long entry_name_stat(const struct entry_name *name, struct user_stat *out)
{
    return stat_of(name->directory, name->base, false, out);
}

/* Close what entry_name_get opened. */
static void entry_name_put(struct entry_name *name)
{
    if (name->opened)
        fuzz_syscall(SYS_close, name->directory, 0, 0, 0, 0, 0);
    name->opened = false;
}

/* Set once a rename, link or symlink succeeded: a plain name may now be a symlink. */
static bool names_changed;

/* unlinkat (AT_REMOVEDIR when bits say): the entry existed and is gone afterwards. */
static void operation_unlink(int dirfd, const char *path, uint8_t bits)
{
    int flags = (bits & 1) ? AT_REMOVEDIR : 0;
    struct user_stat before, after;
    struct entry_name name;
    entry_name_get(dirfd, path, &name);
    long before_result = stat_of(dirfd, path, false, &before);
    long result = fuzz_syscall(SYS_unlinkat, dirfd, (long)user_string(path), flags, 0, 0, 0);
    check_result("unlinkat", result);
    if (result == 0 && before_result != 0)
        fuzz_finding("unlinkat removed \"%.200s\", which lstat did not find (%ld)", path, before_result);
    if (result == 0 && name.valid && entry_name_stat(&name, &after) != -ENOENT)
        fuzz_finding("\"%.200s\" is still there after unlinkat", path);
    entry_name_put(&name);
}

/* renameat2 with flags chosen by bits (an invalid one included): see the file comment. */
static void operation_rename(int dirfd, const char *path, int new_dirfd, const char *new_path,
                             uint8_t bits)
{
    static const unsigned choices[] = { 0, RENAME_NOREPLACE, RENAME_EXCHANGE, 4, 0, RENAME_NOREPLACE };
    unsigned flags = choices[bits % 6];
    struct entry_name old_name, new_name;
    entry_name_get(dirfd, path, &old_name);
    entry_name_get(new_dirfd, new_path, &new_name);
    struct user_stat old_before, new_before, old_after, new_after;
    /* The entries themselves (a trailing slash would make lstat follow a final symlink). */
    long old_before_result = old_name.valid ? entry_name_stat(&old_name, &old_before)
                                            : stat_of(dirfd, path, false, &old_before);
    long new_before_result = new_name.valid ? entry_name_stat(&new_name, &new_before)
                                            : stat_of(new_dirfd, new_path, false, &new_before);
    long result = fuzz_syscall(SYS_renameat2, dirfd, (long)user_string(path), new_dirfd,
                               (long)user_string(new_path), flags, 0);
    check_result("renameat2", result);
    if (result == 0)
        names_changed = true;
    if (result == 0 && old_before_result != 0)
        fuzz_finding("rename moved \"%.200s\", which lstat did not find (%ld)", path, old_before_result);
    /* Linux: a trailing slash names a directory (the source's, or the exchanged target's). */
    bool old_slash = path[0] && path[strlen(path) - 1] == '/';
    bool new_slash = new_path[0] && new_path[strlen(new_path) - 1] == '/';
    if (result == 0 && old_before_result == 0 && !S_ISDIR(old_before.mode) &&
        (old_slash || (new_slash && !(flags & RENAME_EXCHANGE))))
        fuzz_finding("rename(\"%.200s\", \"%.200s\", %u) moved a non-directory with a trailing slash",
                     path, new_path, flags);
    if (result == 0 && (flags & RENAME_EXCHANGE) && new_slash && new_before_result == 0 &&
        !S_ISDIR(new_before.mode))
        fuzz_finding("exchange(\"%.200s\", \"%.200s\") took a non-directory with a trailing slash",
                     path, new_path);
    if (result == 0 && old_name.valid && new_name.valid) {
        long old_after_result = entry_name_stat(&old_name, &old_after);
        long new_after_result = entry_name_stat(&new_name, &new_after);
        if (new_after_result != 0 || !same_file(&new_after, &old_before))
            fuzz_finding("rename(\"%.200s\", \"%.200s\", %u): the new name is not the old file (%ld)",
                         path, new_path, flags, new_after_result);
        bool one_file = new_before_result == 0 && same_file(&old_before, &new_before);
        if (flags & RENAME_EXCHANGE) {
            if (new_before_result != 0 || old_after_result != 0 || !same_file(&old_after, &new_before))
                fuzz_finding("exchange(\"%.200s\", \"%.200s\"): the old name is not the new file",
                             path, new_path);
        } else if (!one_file && old_after_result != -ENOENT) {
            fuzz_finding("rename(\"%.200s\", \"%.200s\"): the old name is still there (%ld)", path,
                         new_path, old_after_result);
        }
    }
    entry_name_put(&old_name);
    entry_name_put(&new_name);
}

/* linkat (AT_SYMLINK_FOLLOW when bits say): both names are one file with two links or more. */
static void operation_link(int dirfd, const char *path, int new_dirfd, const char *new_path,
                           uint8_t bits)
{
    int flags = (bits & 1) ? AT_SYMLINK_FOLLOW : 0;
    long result = fuzz_syscall(SYS_linkat, dirfd, (long)user_string(path), new_dirfd,
                               (long)user_string(new_path), flags, 0);
    check_result("linkat", result);
    if (result != 0)
        return;
    names_changed = true;
    struct user_stat old_stat, new_stat;
    long old_result = stat_of(dirfd, path, flags != 0, &old_stat);
    long new_result = stat_of(new_dirfd, new_path, false, &new_stat);
    if (old_result != 0 || new_result != 0 || !same_file(&old_stat, &new_stat) || new_stat.link_count < 2)
        fuzz_finding("link(\"%.200s\", \"%.200s\"): not one file with two links", path, new_path);
}

/* symlinkat: readlink gives the target back. */
static void operation_symlink(int dirfd, const char *path, const char *target)
{
    long result = fuzz_syscall(SYS_symlinkat, (long)user_string(target), dirfd,
                               (long)user_string(path), 0, 0, 0);
    check_result("symlinkat", result);
    if (result != 0)
        return;
    names_changed = true;
    if (strstr(target, "proc") || strstr(target, "dev"))
        proc_linked = true;
    static char read_back[PATH_MAX + 1];
    uintptr_t buffer = user_alloc(PATH_MAX);
    long length = fuzz_syscall(SYS_readlinkat, dirfd, (long)user_string(path), (long)buffer, PATH_MAX, 0, 0);
    if (length > 0)
        user_read(read_back, buffer, (size_t)length);
    if (length != (long)strlen(target) || memcmp(read_back, target, (size_t)length) != 0)
        fuzz_finding("symlink(\"%.200s\") reads back %ld bytes, not \"%.200s\"", path, length, target);
}

/* chdir(path), or fchdir(dirfd) when bits say; getcwd is checked after every operation. */
static void operation_chdir(int dirfd, const char *path, uint8_t bits)
{
    long result = (bits & 1) ? fuzz_syscall(SYS_fchdir, dirfd, 0, 0, 0, 0, 0)
                             : fuzz_syscall(SYS_chdir, (long)user_string(path), 0, 0, 0, 0, 0);
    check_result("chdir", result);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (long_name[0] == '\0') {
        memset(long_name, 'L', NAME_MAX);
        memset(too_long_name, 'T', NAME_MAX + 1);
    }
    struct fuzz_input input = fuzz_input_make(data, size);
    fuzz_kernel_boot(NULL, fuzz_input_u8(&input));
    fuzz_init_create();
    user_reset();
    build_tree();
    names_changed = false;
    proc_linked = false;
    strcpy(working_directory, "/");

    static char path[PATH_BUFFER], second[PATH_BUFFER];
    unsigned operations = fuzz_input_u8(&input) % MAX_OPERATIONS + 1;
    for (unsigned i = 0; i < operations && fuzz_input_remaining(&input) > 0; i++) {
        user_reset();
        uint8_t choice = fuzz_input_u8(&input);
        uint8_t selectors = fuzz_input_u8(&input);
        uint8_t bits = fuzz_input_u8(&input);
        int dirfd = dirfds[selectors % DIRFD_COUNT];
        int new_dirfd = dirfds[(selectors >> 4) % DIRFD_COUNT];
        bool symlink_free, second_symlink_free;
        decode_path(&input, path, &symlink_free);
        enum operation operation = (enum operation)(choice % OPERATION_COUNT);
        if (operation == OPERATION_RENAME || operation == OPERATION_LINK || operation == OPERATION_SYMLINK)
            decode_path(&input, second, &second_symlink_free);
        else
            second[0] = '\0';
        if (fuzz_verbose())
            fprintf(stderr, "path: operation %d dirfd %d \"%.120s\" (%zu bytes, ends \"%s\") \"%.120s\" (%zu bytes, "
                    "ends \"%s\") bits %#x\n", (int)operation, dirfd, path, strlen(path),
                    path + (strlen(path) > 40 ? strlen(path) - 40 : 0), second, strlen(second),
                    second + (strlen(second) > 40 ? strlen(second) - 40 : 0), bits);
        /* The working directory and the descriptors may lie under a symlinked name: ELOOP is
         * impossible only for absolute symlink-free paths. */
        check_resolution(dirfd, path, symlink_free && path[0] == '/' && !names_changed);
        switch (operation) {
        case OPERATION_OPEN: operation_open(dirfd, path, bits); break;
        case OPERATION_STAT: break;   /* check_resolution did it */
        case OPERATION_READLINK: operation_readlink(dirfd, path, bits); break;
        case OPERATION_MKDIR: operation_mkdir(dirfd, path); break;
        case OPERATION_UNLINK: operation_unlink(dirfd, path, bits); break;
        case OPERATION_RENAME: operation_rename(dirfd, path, new_dirfd, second, bits); break;
        case OPERATION_LINK: operation_link(dirfd, path, new_dirfd, second, bits); break;
        case OPERATION_SYMLINK: operation_symlink(dirfd, path, second); break;
        case OPERATION_CHDIR: operation_chdir(dirfd, path, bits); break;
        default: break;
        }
        check_working_directory();
    }
    user_reset();
    struct user_stat stat;
    if (stat_of(AT_FDCWD, "/", true, &stat) != 0 || stat_of(AT_FDCWD, "/proc", true, &stat) != 0 ||
        stat_of(AT_FDCWD, "/proc/self", true, &stat) != 0)
        fuzz_finding("/, /proc or /proc/self no longer resolves");
    return 0;
}
