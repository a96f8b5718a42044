/*
 * rk/vfs.h — the filesystem service interface (the seed's FileSystem /
 * Directory / FileLike / Symlink, as ops tables in the style of FreeBSD's
 * vnode_if.src).
 *
 * The Core owns path resolution, the mount table, file descriptors and open
 * file descriptions. A filesystem is a Ring 2 service of kind
 * SERVICE_FILESYSTEM whose service->ops is a struct filesystem_ops; each
 * mounted instance is a struct superblock, and each object in it a struct
 * vnode that the filesystem embeds in its own node structure. The Core calls
 * every operation below through the service gate (vnode_call()).
 *
 * References: a vnode handed to the Core (by mount's root, lookup, create,
 * mkdir, symlink) carries one reference for the Core, which drops it with
 * vnode_put(). When the count reaches zero the Core calls ops->release();
 * the filesystem then frees the node if nothing of its own (a directory
 * entry) still needs it.
 *
 * Locking: the kernel is uniprocessor and cooperative; an operation runs
 * to completion unless it sleeps on a wait queue, so filesystems need locks
 * only around state they touch across a sleep.
 *
 * Errors: 0 or a negative errno, Linux's, exactly as the syscall returns it.
 */
#ifndef RK_VFS_H
#define RK_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rk/services.h>

/* ------------------------------------------------------ Linux constants */

#define S_IFMT 0170000
#define S_IFSOCK 0140000
#define S_IFLNK 0120000
#define S_IFREG 0100000
#define S_IFBLK 0060000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFIFO 0010000
#define S_ISUID 04000
#define S_ISGID 02000
#define S_ISVTX 01000
#define S_IALLUGO 07777

#define S_ISREG(mode) (((mode) & S_IFMT) == S_IFREG)
#define S_ISDIR(mode) (((mode) & S_IFMT) == S_IFDIR)
#define S_ISLNK(mode) (((mode) & S_IFMT) == S_IFLNK)
#define S_ISCHR(mode) (((mode) & S_IFMT) == S_IFCHR)
#define S_ISBLK(mode) (((mode) & S_IFMT) == S_IFBLK)
#define S_ISFIFO(mode) (((mode) & S_IFMT) == S_IFIFO)
#define S_ISSOCK(mode) (((mode) & S_IFMT) == S_IFSOCK)

/* getdents64 d_type values. */
#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12

/* renameat2 flags. */
#define RENAME_NOREPLACE (1u << 0)
#define RENAME_EXCHANGE (1u << 1)

#define NAME_MAX 255
#define PATH_MAX 4096

/* Linux device numbers (the new_encode_dev layout used by stat). */
static inline uint64_t device_number(unsigned major, unsigned minor)
{
    return ((uint64_t)(minor & 0xff)) | ((uint64_t)major << 8) | ((uint64_t)(minor & ~0xffu) << 12);
}
static inline unsigned device_major(uint64_t device) { return (unsigned)((device >> 8) & 0xfff); }
static inline unsigned device_minor(uint64_t device)
{
    return (unsigned)((device & 0xff) | ((device >> 12) & ~0xffull));
}

/* The d_type of a mode. */
static inline unsigned mode_to_directory_type(uint32_t mode) { return (mode & S_IFMT) >> 12; }

/* ---------------------------------------------------------------- time */

struct kernel_time {
    int64_t seconds;
    int64_t nanoseconds;
};

/* Wall-clock time now (boot time + monotonic clock; 0 = 1970 until an RTC sets it). */
struct kernel_time time_now(void);

/* ------------------------------------------------------------ attributes */

/* What getattr reports (the Core adds st_dev from the superblock). */
struct vnode_attributes {
    uint64_t inode_number;
    uint32_t mode;            /* type and permission bits */
    uint32_t link_count;
    uint32_t uid;
    uint32_t gid;
    uint64_t size;            /* bytes */
    uint64_t blocks;          /* 512-byte units actually allocated */
    uint32_t block_size;      /* preferred I/O size, usually 4096 */
    uint64_t device;          /* st_rdev for device nodes, else 0 */
    struct kernel_time access_time;
    struct kernel_time modify_time;
    struct kernel_time change_time;
};

/* Which fields setattr changes. */
enum vnode_attribute_mask {
    VNODE_SET_MODE = 1u << 0,         /* permission bits only (S_IALLUGO) */
    VNODE_SET_UID = 1u << 1,
    VNODE_SET_GID = 1u << 2,
    VNODE_SET_SIZE = 1u << 3,         /* truncate or extend (regular files) */
    VNODE_SET_ACCESS_TIME = 1u << 4,
    VNODE_SET_MODIFY_TIME = 1u << 5,
    /*
     * The change time is attributes->change_time instead of the
     * filesystem's own "now", so one call can stamp all three times with
     * one instant (utimensat with NULL times). Only with other bits; a
     * filesystem that does not keep it may ignore it.
     */
    VNODE_SET_CHANGE_TIME = 1u << 6,
};

/* ---------------------------------------------------- data in and out */

/* One piece of a read or write buffer (an iovec). */
struct io_segment {
    uintptr_t base;
    size_t length;
};

/*
 * Where a read's data goes to or a write's comes from: a list of segments
 * in user memory (checked page by page; a bad page gives -EFAULT) or in
 * kernel memory. Filesystems move data only through io_copy_out/in.
 */
struct io_cursor {
    const struct io_segment *segments;
    size_t segment_count;
    size_t segment_index;       /* current segment */
    size_t segment_offset;      /* bytes done in it */
    bool user;                  /* segments are user addresses of the running process */
    size_t transferred;         /* bytes moved so far */
};

/* Make a cursor over one kernel buffer (segment is caller storage). */
void io_cursor_kernel(struct io_cursor *cursor, struct io_segment *segment, void *buffer,
                      size_t length);
/* Bytes still to move. */
size_t io_remaining(const struct io_cursor *cursor);
/*
 * Copy length bytes (<= io_remaining) from source into the destination and
 * advance. Returns 0, or -EFAULT after moving what it could.
 */
int io_copy_out(struct io_cursor *cursor, const void *source, size_t length);
/* Copy length bytes from the cursor's source into destination; 0 or -EFAULT. */
int io_copy_in(struct io_cursor *cursor, void *destination, size_t length);
/* Write length zero bytes to the destination (holes); 0 or -EFAULT. */
int io_zero_out(struct io_cursor *cursor, size_t length);

/* ---------------------------------------------------------- directories */

struct directory_sink;
/*
 * Called by readdir for each entry. next_cookie is the cookie that resumes
 * after this entry. Returns 0 to go on, 1 when the caller's buffer is full
 * (readdir must stop and NOT count this entry), or a negative errno.
 */
typedef int (*directory_emit_fn)(struct directory_sink *sink, const char *name, size_t length,
                                 uint64_t inode_number, unsigned type, uint64_t next_cookie);
struct directory_sink {
    directory_emit_fn emit;
    void *context;
};

/* ----------------------------------------------------------- the nodes */

struct vnode;
struct superblock;
struct mount;

/*
 * Operations on one filesystem object. Names are not NUL-terminated: (name,
 * length) with 1 <= length <= NAME_MAX, never "." or "..", never containing
 * '/'. The Core resolves paths, "." and "..", mount points and symlinks;
 * a filesystem sees one component at a time. Unused slots point to the
 * shared vnode_stub_* functions, never NULL.
 */
struct vnode_ops {
    /* Directories. On success *result holds a new reference for the caller. */
    int (*lookup)(struct vnode *directory, const char *name, size_t length, struct vnode **result);
    /* New regular file, FIFO, socket or device node (mknod); -EEXIST when the name exists. */
    int (*create)(struct vnode *directory, const char *name, size_t length, uint32_t mode,
                  uint64_t device, struct vnode **result);
    int (*mkdir)(struct vnode *directory, const char *name, size_t length, uint32_t mode,
                 struct vnode **result);
    int (*symlink)(struct vnode *directory, const char *name, size_t length, const char *target,
                   struct vnode **result);
    /* New name for target (same superblock, not a directory: the Core checks both). */
    int (*link)(struct vnode *directory, const char *name, size_t length, struct vnode *target);
    /* Remove a non-directory entry (-EISDIR for a directory). */
    int (*unlink)(struct vnode *directory, const char *name, size_t length);
    /* Remove an empty directory (-ENOTDIR, -ENOTEMPTY). */
    int (*rmdir)(struct vnode *directory, const char *name, size_t length);
    /*
     * Move an entry, replacing the target as rename(2) allows (flags:
     * RENAME_NOREPLACE, RENAME_EXCHANGE). Both directories are in this
     * superblock (the Core returns -EXDEV otherwise). The filesystem checks
     * the rest: -ENOENT, -EEXIST (NOREPLACE), -ENOTDIR / -EISDIR for type
     * mismatches, -ENOTEMPTY, -EINVAL for a directory into its own subtree.
     */
    int (*rename)(struct vnode *old_directory, const char *old_name, size_t old_length,
                  struct vnode *new_directory, const char *new_name, size_t new_length,
                  unsigned flags);
    /*
     * Emit entries from *cookie on ("." and ".." included, cookie 0 is the
     * start), updating *cookie past each entry the sink accepted.
     * Returns 0 (also when the sink is full) or a negative errno.
     */
    int (*readdir)(struct vnode *directory, uint64_t *cookie, struct directory_sink *sink);

    /* Symlinks: copy the target (not NUL-terminated) into buffer; returns its full length. */
    long (*readlink)(struct vnode *link, char *buffer, size_t size);
    /*
     * Magic links (/proc/PID/fd/N): instead of resolving the text target,
     * the Core continues from where this open description points. Returns
     * 0 and *file (a new reference), or -EINVAL for an ordinary symlink
     * (vnode_stub_jump).
     */
    int (*jump)(struct vnode *link, struct file **file);

    /* Every node. */
    int (*getattr)(struct vnode *node, struct vnode_attributes *attributes);
    int (*setattr)(struct vnode *node, const struct vnode_attributes *attributes, unsigned mask);

    /* Data: move up to io_remaining(cursor) bytes at offset. Returns the byte count or -errno. */
    long (*read)(struct vnode *node, struct io_cursor *cursor, uint64_t offset);
    long (*write)(struct vnode *node, struct io_cursor *cursor, uint64_t offset);
    /* Called when a file is opened (devices may refuse: -ENXIO, -ENODEV). */
    int (*open)(struct vnode *node, unsigned flags);
    /*
     * lseek(2): the new offset for (offset, whence) from current, or -errno.
     * whence is SEEK_SET 0, SEEK_CUR 1, SEEK_END 2, SEEK_DATA 3, SEEK_HOLE 4.
     * vnode_stub_seek is the generic rule: SET/CUR/END against the size from
     * getattr (a negative result is -EINVAL), and the whole file counts as
     * data (SEEK_DATA at or past the end is -ENXIO, SEEK_HOLE gives the size).
     */
    int64_t (*seek)(struct vnode *node, uint64_t current, int64_t offset, int whence);
    int (*fsync)(struct vnode *node);
    /*
     * MAP_SHARED (regular files): the kernel address of the page-aligned
     * 4 KiB page that holds bytes [index * 4096, index * 4096 + 4096) of
     * the file, allocated zeroed when it is a hole. The page stays the
     * filesystem's (it may kfree it any time, e.g. on truncate): the Core
     * takes a frame reference (page_frame_get) for each user mapping, so
     * stores through the mapping and read()/write() see the same bytes.
     * Returns 0 and *page, -ENXIO when the page lies wholly at or beyond
     * the end of the file, -ENOSPC, -ENOMEM, or -ENODEV (vnode_stub_map_page:
     * the file cannot be mapped shared).
     */
    int (*map_page)(struct vnode *node, uint64_t index, void **page);

    /* The last reference is gone (no call may follow). */
    void (*release)(struct vnode *node);
};

/* Shared stubs for unused slots. */
int vnode_stub_lookup(struct vnode *directory, const char *name, size_t length, struct vnode **result);
int vnode_stub_create(struct vnode *directory, const char *name, size_t length, uint32_t mode,
                      uint64_t device, struct vnode **result);
int vnode_stub_mkdir(struct vnode *directory, const char *name, size_t length, uint32_t mode,
                     struct vnode **result);
int vnode_stub_symlink(struct vnode *directory, const char *name, size_t length,
                       const char *target, struct vnode **result);
int vnode_stub_link(struct vnode *directory, const char *name, size_t length, struct vnode *target);
int vnode_stub_remove(struct vnode *directory, const char *name, size_t length);
int vnode_stub_rename(struct vnode *old_directory, const char *old_name, size_t old_length,
                      struct vnode *new_directory, const char *new_name, size_t new_length,
                      unsigned flags);
int vnode_stub_readdir(struct vnode *directory, uint64_t *cookie, struct directory_sink *sink);
long vnode_stub_readlink(struct vnode *link, char *buffer, size_t size);
struct file;
int vnode_stub_jump(struct vnode *link, struct file **file);
int vnode_stub_getattr(struct vnode *node, struct vnode_attributes *attributes); /* -EIO */
int vnode_stub_setattr(struct vnode *node, const struct vnode_attributes *attributes, unsigned mask);
long vnode_stub_read(struct vnode *node, struct io_cursor *cursor, uint64_t offset);
long vnode_stub_write(struct vnode *node, struct io_cursor *cursor, uint64_t offset);
int vnode_stub_open(struct vnode *node, unsigned flags);
int64_t vnode_stub_seek(struct vnode *node, uint64_t current, int64_t offset, int whence);
int vnode_stub_fsync(struct vnode *node);
int vnode_stub_map_page(struct vnode *node, uint64_t index, void **page); /* -ENODEV */
void vnode_stub_release(struct vnode *node);

/*
 * Every slot of struct vnode_ops set to its shared stub. Start a table with
 * it and name only the slots the filesystem implements after it (a later
 * designated initializer overrides an earlier one):
 *     const struct vnode_ops my_file_ops = { VNODE_OPS_STUBS, .read = my_read, ... };
 */
#define VNODE_OPS_STUBS \
    .lookup = vnode_stub_lookup, \
    .create = vnode_stub_create, \
    .mkdir = vnode_stub_mkdir, \
    .symlink = vnode_stub_symlink, \
    .link = vnode_stub_link, \
    .unlink = vnode_stub_remove, \
    .rmdir = vnode_stub_remove, \
    .rename = vnode_stub_rename, \
    .readdir = vnode_stub_readdir, \
    .readlink = vnode_stub_readlink, \
    .jump = vnode_stub_jump, \
    .getattr = vnode_stub_getattr, \
    .setattr = vnode_stub_setattr, \
    .read = vnode_stub_read, \
    .write = vnode_stub_write, \
    .open = vnode_stub_open, \
    .seek = vnode_stub_seek, \
    .fsync = vnode_stub_fsync, \
    .map_page = vnode_stub_map_page, \
    .release = vnode_stub_release

/*
 * A filesystem object as the Core sees it; embedded in the filesystem's
 * own node. The filesystem fills it with vnode_init(); the Core owns
 * references and mounted_here.
 */
struct vnode {
    const struct vnode_ops *ops;
    struct superblock *superblock;
    uint32_t type;                 /* mode & S_IFMT, fixed for life */
    uint64_t inode_number;
    unsigned long references;
    struct mount *mounted_here;    /* Core: the mount covering this directory, or NULL */
    long write_access;             /* Core: > 0 descriptors open for writing, < 0 running
                                      executables (Linux's i_writecount, for ETXTBSY) */
};

/* Fill node with one reference (the caller's). */
void vnode_init(struct vnode *node, struct superblock *superblock, const struct vnode_ops *ops,
                uint32_t type, uint64_t inode_number);
/* Take another reference. */
void vnode_get(struct vnode *node);
/* Drop a reference; the last one calls ops->release through the gate. */
void vnode_put(struct vnode *node);

/* -------------------------------------------------- filesystem types */

/* One mounted instance of a filesystem. */
struct superblock {
    struct service *service;       /* Core: the filesystem service */
    struct service_instance *instance; /* Core: the instance that mounted it (pinned) */
    uint64_t device;               /* Core: st_dev of every node (anonymous 0:N) */
    struct vnode *root;            /* filesystem: set by mount, one reference held by the Core */
    void *private;                 /* filesystem's own */
    const char *source;            /* Core: the mount source ("none", "proc", ...) */
};

/* service->ops of a SERVICE_FILESYSTEM service; service->name is the Linux type name. */
struct filesystem_ops {
    /*
     * Set up a new instance in superblock (service and device are filled):
     * set superblock->root (one reference for the Core) and private.
     * options is the mount data string ("" when none).
     */
    int (*mount)(struct superblock *superblock, const char *options);
    /* Tear the instance down (the Core has dropped the root reference). */
    void (*unmount)(struct superblock *superblock);
};

/* ------------------------------------- kernel path operations (Core) */

/*
 * For services that build trees at boot (initramfs): act on absolute paths
 * in the kernel's namespace, with the mode applied exactly (no umask) and
 * without following a final symlink. Parents must exist. Each returns 0 or
 * the errno the matching syscall would.
 */
int vfs_kernel_mkdir(const char *path, uint32_t mode);
/* Create (or replace the contents of) a regular file with data. */
int vfs_kernel_write_file(const char *path, uint32_t mode, const void *data, size_t length);
int vfs_kernel_symlink(const char *target, const char *path);
int vfs_kernel_mknod(const char *path, uint32_t mode, uint64_t device);
int vfs_kernel_link(const char *existing_path, const char *new_path);
/* Set the permission bits and the modification time of path. */
int vfs_kernel_set_attributes(const char *path, uint32_t mode, int64_t modify_seconds);

/* ------------------------------------ AF_UNIX socket nodes (Core) */

/*
 * bind(2) of an AF_UNIX pathname (Linux's unix_bind_bsd): path is
 * resolved relative to the running process's cwd and root (a kernel
 * thread without a process: the namespace root), and a socket node
 * (S_IFSOCK, 0777 & ~umask) is made there. Returns 0 and *node (one
 * reference for the caller), -EADDRINUSE when the name exists (also "."
 * or "..", or a trailing slash on an existing name), -ENOENT, -ENOTDIR,
 * -ENAMETOOLONG, -ELOOP, -EACCES, -EROFS from resolution and creation.
 * node NULL: check only (the same errors, nothing is made).
 */
int vfs_socket_bind(const char *path, struct vnode **node);
/*
 * connect(2)/sendto(2) to an AF_UNIX pathname (unix_find_bsd): resolve
 * path (final symlinks followed) as above. Returns 0 and *node (a
 * referenced socket node), -ECONNREFUSED when the node is not a socket,
 * -EACCES when the caller may not write to it, or resolution's error
 * (-ENOENT, -ENOTDIR...). Which socket is bound there is the caller's
 * business (compare node->superblock and node->inode_number).
 */
int vfs_socket_lookup(const char *path, struct vnode **node);
/*
 * Drop a node from vfs_socket_bind() or vfs_socket_lookup() (NULL is
 * ignored). Those also hold the node's filesystem instance, so the node
 * stays valid memory after that filesystem faulted and restarted.
 */
void vfs_socket_node_put(struct vnode *node);

#endif /* RK_VFS_H */
