/*
 * tmpfs_internal.h — the tmpfs service's own structures, shared by its
 * files (tmpfs.c: instances, nodes, attributes; tmpfs_directory.c: names;
 * tmpfs_rename.c: rename; tmpfs_file.c: file data).
 *
 * Lifetime of a node: it lives while a directory entry names it
 * (link_count > 0) or the Core holds a reference (vnode.references > 0).
 * Whoever drops the last of the two frees it: tmpfs_node_unlinked() when
 * the last name goes and nothing references it, ops->release() when the
 * last reference goes and no name is left. Unmount frees every node that
 * is not referenced; a node still referenced then is orphaned and freed by
 * its release() (the instance goes with the last one).
 *
 * Locking: none. The kernel is uniprocessor and cooperative, and no tmpfs
 * operation sleeps (kmalloc does not block), so every operation runs to
 * completion without interleaving.
 */
#ifndef RK_SERVICE_TMPFS_INTERNAL_H
#define RK_SERVICE_TMPFS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rk/compiler.h>
#include <rk/list.h>
#include <rk/vfs.h>

#define TMPFS_PAGE_SHIFT 12
#define TMPFS_PAGE_SIZE (1u << TMPFS_PAGE_SHIFT)
/*
 * Largest file size (s_maxbytes): Linux's MAX_LFS_FILESIZE, 2^63 - 1, the
 * largest offset lseek and pwrite accept. Writes and truncates beyond give
 * -EFBIG (the Core refuses an offset + count that overflows first, -EINVAL).
 */
#define TMPFS_MAX_FILE_SIZE ((uint64_t)INT64_MAX)
/* Linux tmpfs reports a directory's size as 20 bytes per entry, "." and ".." included. */
#define TMPFS_DIRECTORY_ENTRY_SIZE 20u
/* Longest symlink target (Linux: a page minus the NUL). */
#define TMPFS_SYMLINK_MAX (TMPFS_PAGE_SIZE - 1)

/* One mounted tmpfs (superblock->private). */
struct tmpfs_instance {
    struct superblock *superblock;
    struct list_node nodes;        /* every live node (tmpfs_node.instance_link) */
    uint64_t next_inode_number;
    uint64_t node_count;
    uint64_t node_limit;           /* nr_inodes=, 0 = no limit */
    uint64_t page_count;           /* data pages of every file */
    uint64_t page_limit;           /* size= in pages, 0 = no limit */
    bool unmounted;                /* referenced nodes outlived unmount */
};

/*
 * Regular file data: a radix tree of 4 KiB pages, 512 slots per level. The
 * tree is exactly as tall as its highest page needs (it grows on a write
 * and shrinks on a truncate), at most 6 levels for the 2^51 pages of
 * TMPFS_MAX_FILE_SIZE; only written pages and their index nodes use memory.
 */
struct tmpfs_file_data {
    void **page_tree;              /* index node of the top level, NULL when empty */
    unsigned tree_height;          /* levels (0 when empty); the tree covers 512^height pages */
    uint64_t size;
    uint64_t page_count;           /* data pages allocated */
};

struct tmpfs_node;

/* A name in a directory. Names are not NUL-terminated. */
struct tmpfs_entry {
    struct list_node link;         /* in tmpfs_directory_data.entries, by cookie */
    struct tmpfs_node *node;
    uint64_t cookie;               /* readdir position of this entry, >= 2 */
    size_t length;
    char name[];
};

struct tmpfs_directory_data {
    struct list_node entries;      /* ascending cookies */
    size_t entry_count;
    uint64_t next_cookie;
    struct tmpfs_node *parent;     /* the directory holding this one; itself for the root */
};

struct tmpfs_symlink_data {
    char *target;                  /* not NUL-terminated */
    size_t length;
};

struct tmpfs_node {
    struct vnode vnode;
    struct tmpfs_instance *instance;
    struct list_node instance_link;
    uint32_t mode;                 /* type and permission bits */
    uint32_t link_count;           /* names (directories: 2 + subdirectories; 0 once removed) */
    uint32_t uid;
    uint32_t gid;
    uint64_t device;               /* character and block devices */
    struct kernel_time access_time;
    struct kernel_time modify_time;
    struct kernel_time change_time;
    union {
        struct tmpfs_file_data file;
        struct tmpfs_directory_data directory;
        struct tmpfs_symlink_data symlink;
    };
};

static inline struct tmpfs_node *tmpfs_node_of(struct vnode *vnode)
{
    return container_of(vnode, struct tmpfs_node, vnode);
}

static inline bool tmpfs_is_directory(const struct tmpfs_node *node) { return S_ISDIR(node->mode); }

/* The ops tables, one per kind of node. */
extern const struct vnode_ops tmpfs_directory_ops;
extern const struct vnode_ops tmpfs_file_ops;
extern const struct vnode_ops tmpfs_symlink_ops;
extern const struct vnode_ops tmpfs_special_ops;

/* ------------------------------------------------------------ tmpfs.c */

/*
 * A new node of mode (type and permissions) in instance with one reference
 * (the caller's), link_count 0, times now and type-specific data empty.
 * Returns it, or NULL with *error = -ENOSPC (nr_inodes= reached) or -ENOMEM.
 */
struct tmpfs_node *tmpfs_node_new(struct tmpfs_instance *instance, uint32_t mode, int *error);
/*
 * Free node and everything it owns (pages, symlink target, directory
 * entries but not the nodes they name). The caller has made sure neither a
 * name nor a reference is left.
 */
void tmpfs_node_free(struct tmpfs_node *node);
/*
 * A name of node is gone (link_count already lowered by the caller): free
 * it when that was the last name and no reference is held.
 */
void tmpfs_node_unlinked(struct tmpfs_node *node);
/* Set the times selected (modify also sets change) to now. */
void tmpfs_touch(struct tmpfs_node *node, bool access, bool modify, bool change);
int tmpfs_getattr(struct vnode *vnode, struct vnode_attributes *attributes);
int tmpfs_setattr(struct vnode *vnode, const struct vnode_attributes *attributes, unsigned mask);
void tmpfs_release(struct vnode *vnode);

/* -------------------------------------------------- tmpfs_directory.c */

/* The entry of directory named (name, length), or NULL. */
struct tmpfs_entry *tmpfs_directory_find(struct tmpfs_node *directory, const char *name,
                                         size_t length);
/* A new entry naming node (not yet in any directory), or NULL when memory is exhausted. */
struct tmpfs_entry *tmpfs_entry_new(const char *name, size_t length, struct tmpfs_node *node);
/* Put entry at the end of directory with the next cookie (entry_count and size follow). */
void tmpfs_directory_insert(struct tmpfs_node *directory, struct tmpfs_entry *entry);
/* Take entry out of directory (it is not freed). */
void tmpfs_directory_remove(struct tmpfs_node *directory, struct tmpfs_entry *entry);
/* Free every entry of directory without touching the nodes they name (teardown). */
void tmpfs_directory_free_entries(struct tmpfs_node *directory);
/* 0 when (name, length) can be a name, else -EINVAL or -ENAMETOOLONG. */
int tmpfs_check_name(const char *name, size_t length);

/* ----------------------------------------------------- tmpfs_rename.c */

int tmpfs_rename(struct vnode *old_directory_vnode, const char *old_name, size_t old_length,
                 struct vnode *new_directory_vnode, const char *new_name, size_t new_length,
                 unsigned flags);

/* ------------------------------------------------------- tmpfs_file.c */

long tmpfs_file_read(struct vnode *vnode, struct io_cursor *cursor, uint64_t offset);
long tmpfs_file_write(struct vnode *vnode, struct io_cursor *cursor, uint64_t offset);
int64_t tmpfs_file_seek(struct vnode *vnode, uint64_t current, int64_t offset, int whence);
/*
 * Set node's size: shrinking frees the pages past the end and zeroes the
 * tail of the last partial page (and lowers the tree when it can), growing
 * leaves a hole. Returns 0 or -EFBIG (size above TMPFS_MAX_FILE_SIZE).
 * Never allocates.
 */
int tmpfs_file_set_size(struct tmpfs_node *node, uint64_t size);
/* Free every page of node's file data. */
void tmpfs_file_free_pages(struct tmpfs_node *node);

#endif
