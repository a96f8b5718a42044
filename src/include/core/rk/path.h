/*
 * rk/path.h — path resolution and the mount table (Core).
 *
 * A path_entry is a name as it was resolved: the vnode, the mount it is
 * in, and its parent entry, so ".." can climb out of a mounted filesystem
 * and getcwd() can spell the path. Entries are reference counted and not
 * cached (every resolution builds its own chain, sharing the start's); the
 * live ones are listed so that rename() can update their names and parents.
 */
#ifndef RK_PATH_H
#define RK_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <rk/vfs.h>

struct process;

struct mount {
    struct superblock *superblock;
    struct path_entry *mountpoint;   /* referenced; NULL for the root mount */
    struct vnode *root;              /* the filesystem's root, referenced */
    char type[32];
    char options[64];
    char source[64];                 /* superblock->source points here */
    bool read_only;                  /* MS_RDONLY, or "/" after umount("/") */
    bool detached;                   /* MNT_DETACH: out of the tree, freed when unused */
    struct list_node link;           /* in the mount table, mount order */
};

struct path_entry {
    unsigned long references;
    struct path_entry *parent;       /* referenced; NULL for the namespace root */
    struct vnode *vnode;             /* referenced */
    struct mount *mount;             /* the mount the vnode lives in */
    struct list_node live_link;      /* in the list of live entries (rename updates) */
    size_t name_length;
    char *name;                      /* kmalloc'ed, not NUL-terminated; "" for the root */
};

void path_get(struct path_entry *entry);
void path_put(struct path_entry *entry);

/* Resolution flags. */
enum {
    RESOLVE_FOLLOW = 1u << 0,        /* follow a final symlink */
    RESOLVE_DIRECTORY = 1u << 1,     /* the result must be a directory */
    RESOLVE_EMPTY_PATH = 1u << 2,    /* "" means dirfd itself (AT_EMPTY_PATH) */
};

#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR 0x200
#define AT_EACCESS 0x200
#define AT_SYMLINK_FOLLOW 0x400
#define AT_EMPTY_PATH 0x1000

#define SYMLINK_LIMIT 40

/*
 * Resolve path (kernel memory) for process, relative to dirfd (AT_FDCWD or
 * a directory descriptor) when not absolute. A trailing slash requires a
 * directory. Returns 0 and a referenced *result, or -ENOENT, -ENOTDIR,
 * -ELOOP, -ENAMETOOLONG, -EBADF, -EACCES...
 */
int path_resolve(struct process *process, int dirfd, const char *path, unsigned flags,
                 struct path_entry **result);

/*
 * path_resolve, except that a final magic link naming a file without a path
 * (/proc/self/fd/N of a pipe) gives 0 with *result NULL and *file that
 * description (a new reference) instead of -ENXIO.
 */
struct file;
int path_resolve_or_file(struct process *process, int dirfd, const char *path, unsigned flags,
                         struct path_entry **result, struct file **file);

/*
 * Resolve all but the last component: *parent gets the directory
 * (referenced), *name and *length the last component (pointing into path),
 * *trailing_slash whether path ended in '/'. The last component may be
 * "." or ".." (callers reject those where Linux does). Returns 0 or -errno.
 */
int path_resolve_parent(struct process *process, int dirfd, const char *path,
                        struct path_entry **parent, const char **name, size_t *length,
                        bool *trailing_slash);

/*
 * Look one component up in directory parent (".", ".." and mount points
 * handled; a final symlink is not followed). Returns 0 and a referenced
 * *child, or -errno (-ENOENT, -ENOTDIR...). parent keeps its reference.
 */
int path_lookup_child(struct path_entry *parent, const char *name, size_t length,
                      struct path_entry **child);

/* path_resolve / path_resolve_parent relative to start (absolute paths from the root). */
int path_resolve_at(struct process *process, struct path_entry *start, const char *path,
                    unsigned flags, struct path_entry **result);
int path_resolve_parent_at(struct process *process, struct path_entry *start, const char *path,
                           struct path_entry **parent, const char **name, size_t *length,
                           bool *trailing_slash);

/*
 * path_resolve_parent (start NULL) or path_resolve_parent_at (start set),
 * counting the symlinks followed on the way in *link_count (in and out):
 * -ELOOP once more than SYMLINK_LIMIT were followed in all. For open with
 * O_CREAT, which follows a final symlink by resolving its target again:
 * Linux counts one budget for the whole open.
 */
int path_resolve_parent_counted(struct process *process, int dirfd, struct path_entry *start,
                                const char *path, unsigned *link_count,
                                struct path_entry **parent, const char **name, size_t *length,
                                bool *trailing_slash);

/* A child entry of parent for vnode (takes over the vnode reference). NULL on ENOMEM. */
struct path_entry *path_child(struct path_entry *parent, struct vnode *vnode, const char *name,
                              size_t length);

/*
 * A rename of node moved from (old_parent, old_name) to (new_parent,
 * new_name) succeeded: update every live entry for moved under that name
 * (and, for RENAME_EXCHANGE, those of exchanged under the new name; NULL
 * otherwise) so getcwd() and /proc paths follow. Entries of replaced or
 * unlinked nodes that had the same names are left alone.
 */
void path_note_rename(struct path_entry *old_parent, const char *old_name, size_t old_length,
                      struct vnode *moved, struct path_entry *new_parent, const char *new_name,
                      size_t new_length, struct vnode *exchanged);

/* Write the absolute path of entry into buffer (NUL-terminated). Returns the length or -ERANGE. */
long path_format(const struct path_entry *entry, char *buffer, size_t size);

/* The namespace root (referenced), NULL before the root is mounted. */
struct path_entry *path_root(void);
/* The namespace root, not referenced (NULL before the root mount). */
struct path_entry *vfs_root_entry(void);

/* ------------------------------------------------------------- mounts */

/*
 * Mount a new instance of filesystem type at mountpoint (NULL: make it the
 * namespace root). Returns 0, -ENODEV (no such type), -ENOTDIR, -EBUSY.
 */
int mount_filesystem(const char *type, const char *source, struct path_entry *mountpoint,
                     const char *options);
/*
 * Unmount the filesystem whose root is entry; consumes the caller's
 * reference on entry. Returns 0, -EINVAL (not a mount root), -EBUSY.
 */
int mount_remove(struct path_entry *entry, unsigned flags);
/* -EROFS when entry lies in a read-only mount, else 0. */
int path_check_writable(const struct path_entry *entry);

/*
 * Write access to a regular file's contents against running executables
 * (Linux's get_write_access/deny_write_access): vnode_write_access_get
 * counts a writer (an open for writing, a truncate), or returns -ETXTBSY
 * while the file is a running image; vnode_write_deny counts a running
 * image, or returns -ETXTBSY while the file is open for writing. Each
 * success is undone by vnode_write_access_put / vnode_write_allow.
 * vnode_write_deny_again adds a holder to an already denied node (fork).
 */
int vnode_write_access_get(struct vnode *node);
void vnode_write_access_put(struct vnode *node);
int vnode_write_deny(struct vnode *node);
void vnode_write_deny_again(struct vnode *node);
void vnode_write_allow(struct vnode *node);

/*
 * A path entry at the root of a detached mount was freed: finish the
 * unmount once nothing uses the filesystem any more.
 */
void mount_release_if_unused(struct mount *mount);

/* Forget every mount (core_init). */
void mounts_reset(void);

/*
 * Forget every character-device registration (core_init: the drivers of the
 * previous boot, and their service records, are gone).
 */
void chardev_registry_reset(void);

#endif
