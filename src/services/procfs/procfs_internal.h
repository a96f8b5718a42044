/*
 * procfs_internal.h — what the procfs files share.
 *
 * The tree is generated: the root lists the system files of
 * procfs_root_entries[], the "self" symlink and one directory per pid; a
 * pid's directory lists procfs_process_entries[] (files, the cwd and exe
 * symlinks, and the fd directory of per-descriptor symlinks). Every node
 * but the root is made by lookup and freed on its last reference; a node
 * names what it shows (kind, pid, fd, table entry) and asks the Core
 * again at each operation, so a pid that went away gives -ENOENT (lookup,
 * getattr, readdir) or -ESRCH (read, readlink).
 *
 * File contents are rendered at read time into a kmalloc'ed text buffer
 * and the window [offset, offset + length) of it is copied out.
 */
#ifndef PROCFS_INTERNAL_H
#define PROCFS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rk/compiler.h>
#include <rk/vfs.h>

/* ----------------------------------------------------------- text buffer */

/* A growable, kmalloc'ed byte buffer; error is sticky (-ENOMEM). */
struct procfs_text {
    char *data;
    size_t length;
    size_t capacity;
    int error;
};

/* An empty buffer (no memory yet). */
void procfs_text_init(struct procfs_text *text);
/* Free the buffer's memory. */
void procfs_text_free(struct procfs_text *text);
/* Make room for extra more bytes (plus a NUL). Returns 0 or -ENOMEM (also recorded). */
int procfs_text_reserve(struct procfs_text *text, size_t extra);
/* Append length bytes. */
void procfs_text_append(struct procfs_text *text, const void *bytes, size_t length);
/* Append formatted text (rk_snprintf's formats). */
void procfs_text_printf(struct procfs_text *text, const char *format, ...) RK_PRINTF(2, 3);
/*
 * Append what query (one of the system_process_* functions that return
 * the full length) writes for pid, growing until it fits. Returns 0 or
 * the query's (or memory's) negative errno.
 */
int procfs_text_append_query(struct procfs_text *text, long (*query)(int, char *, size_t), int pid);
/*
 * Copy text's bytes [offset, offset + io_remaining) to cursor. Returns the
 * byte count (0 at or past the end) or -EFAULT when nothing moved.
 */
long procfs_text_copy_window(const struct procfs_text *text, struct io_cursor *cursor,
                             uint64_t offset);

/* ---------------------------------------------------------------- nodes */

enum procfs_kind {
    PROCFS_ROOT,                /* the mount's root directory */
    PROCFS_SYSTEM_FILE,         /* /proc/meminfo ... (entry) */
    PROCFS_SELF,                /* /proc/self */
    PROCFS_PROCESS_DIRECTORY,   /* /proc/PID */
    PROCFS_PROCESS_FILE,        /* /proc/PID/stat ... (entry) */
    PROCFS_PROCESS_LINK,        /* /proc/PID/cwd, exe (entry) */
    PROCFS_FD_DIRECTORY,        /* /proc/PID/fd (entry) */
    PROCFS_FD_LINK,             /* /proc/PID/fd/N */
    PROCFS_NET_DIRECTORY,       /* /proc/net (its files are PROCFS_SYSTEM_FILE) */
    PROCFS_SYS_DIRECTORY,       /* /proc/sys, /proc/sys/kernel (their files are PROCFS_SYSTEM_FILE) */
};

/* Render a file's contents for pid (0 for system files). Returns 0 or -errno. */
typedef int (*procfs_render_fn)(struct procfs_text *text, int pid);
/* Resolve a link of pid into buffer (NUL-terminated). Returns the length or -errno. */
typedef long (*procfs_link_fn)(int pid, char *buffer, size_t size);

/* One named entry of the root or of a pid's directory. */
struct procfs_entry {
    const char *name;
    enum procfs_kind kind;
    uint32_t mode;              /* type and permission bits */
    procfs_render_fn render;    /* files */
    procfs_link_fn link;        /* PROCFS_PROCESS_LINK */
    int write_error;            /* what a write returns (Linux: -EIO or -EINVAL) */
};

struct procfs_node {
    struct vnode vnode;
    enum procfs_kind kind;
    int pid;                              /* 0 for system nodes */
    int fd;                               /* PROCFS_FD_LINK */
    const struct procfs_entry *entry;     /* files and named links, else NULL */
};

/* The node that embeds vnode. */
static inline struct procfs_node *procfs_node_of(struct vnode *vnode)
{
    return (struct procfs_node *)((char *)vnode - offsetof(struct procfs_node, vnode));
}

/* Inode numbers: system nodes below 65536, pid nodes (pid + 1) << 16 | local. */
#define PROCFS_ROOT_INODE 1u
#define PROCFS_LOCAL_DIRECTORY 0u       /* the pid directory itself */
#define PROCFS_LOCAL_FD_BASE 0x1000u    /* + fd */
static inline uint64_t procfs_process_inode(int pid, unsigned local)
{
    return ((uint64_t)(unsigned)pid + 1) << 16 | local;
}

/*
 * A new node with one reference, or NULL when memory is out. ops picks the
 * operations, mode the type.
 */
struct procfs_node *procfs_node_create(struct superblock *superblock,
                                       const struct vnode_ops *ops, enum procfs_kind kind,
                                       uint32_t mode, uint64_t inode_number, int pid);

/*
 * Parse name (length bytes) as a decimal number the way Linux parses
 * /proc names: digits only, no leading zero, fits an int. Returns the
 * number or -1.
 */
int procfs_parse_number(const char *name, size_t length);

/* True when length bytes of name equal the string text. */
bool procfs_name_equals(const char *name, size_t length, const char *text);

/*
 * A directory whose files are a fixed table (/proc/net, /proc/sys/kernel):
 * the files' inode numbers follow the directory's (first_inode + 1 + index).
 * lookup: a new node of the entry named name with file_ops, or -ENOENT / -ENOMEM.
 */
int procfs_table_lookup(struct vnode *directory, const char *name, size_t length,
                        const struct procfs_entry *entries, size_t count, uint64_t directory_inode,
                        const struct vnode_ops *file_ops, struct vnode **result);
/* readdir: ".", "..", then the entries (cookie = position). */
int procfs_table_readdir(uint64_t *cookie, struct directory_sink *sink,
                         const struct procfs_entry *entries, size_t count, uint64_t directory_inode,
                         uint64_t parent_inode);

/* Copy at most size bytes of a length-byte link target into buffer (no NUL); returns length. */
long procfs_copy_link(char *buffer, size_t size, const char *target, size_t length);

/* Attributes shared by every node: mode, owner, times, link count 1, size 0. */
void procfs_fill_attributes(struct vnode *vnode, uint32_t mode, uint32_t uid, uint32_t gid,
                            struct vnode_attributes *attributes);

/* Shared operations. */
void procfs_release(struct vnode *vnode);

/*
 * New names in proc directories: Linux's proc lookup fails for unknown
 * names, so creating one gives -ENOENT (an existing name -EEXIST).
 */
int procfs_refuse_create(struct vnode *directory, const char *name, size_t length, uint32_t mode,
                         uint64_t device, struct vnode **result);
int procfs_refuse_mkdir(struct vnode *directory, const char *name, size_t length, uint32_t mode,
                        struct vnode **result);
int procfs_refuse_symlink(struct vnode *directory, const char *name, size_t length,
                          const char *target, struct vnode **result);
int procfs_refuse_link(struct vnode *directory, const char *name, size_t length,
                       struct vnode *target);
long procfs_file_read(struct vnode *vnode, struct io_cursor *cursor, uint64_t offset);
long procfs_file_write(struct vnode *vnode, struct io_cursor *cursor, uint64_t offset);

/* ------------------------------------------------------------ the tables */

extern const struct vnode_ops procfs_root_ops;
extern const struct vnode_ops procfs_system_file_ops;
extern const struct vnode_ops procfs_process_directory_ops;
extern const struct vnode_ops procfs_process_file_ops;
extern const struct vnode_ops procfs_process_link_ops;
extern const struct vnode_ops procfs_fd_directory_ops;
extern const struct vnode_ops procfs_fd_link_ops;
extern const struct vnode_ops procfs_net_directory_ops;   /* procfs_net.c */
extern const struct vnode_ops procfs_sys_directory_ops;   /* procfs_sys.c: /proc/sys */

/*
 * The node for pid's directory with one reference: -ENOENT when no such
 * process, -ENOMEM.
 */
int procfs_process_directory_lookup(struct superblock *superblock, int pid,
                                    struct vnode **result);

/* System file renderers (procfs_render.c); pid is unused. */
int procfs_render_meminfo(struct procfs_text *text, int pid);
int procfs_render_uptime(struct procfs_text *text, int pid);
int procfs_render_loadavg(struct procfs_text *text, int pid);
int procfs_render_mounts(struct procfs_text *text, int pid);
int procfs_render_filesystems(struct procfs_text *text, int pid);
int procfs_render_cpuinfo(struct procfs_text *text, int pid);
int procfs_render_version(struct procfs_text *text, int pid);
int procfs_render_stat(struct procfs_text *text, int pid);
int procfs_render_cmdline(struct procfs_text *text, int pid);

/* Per-process renderers (procfs_render_process.c). */
int procfs_render_process_stat(struct procfs_text *text, int pid);
int procfs_render_process_statm(struct procfs_text *text, int pid);
int procfs_render_process_status(struct procfs_text *text, int pid);
int procfs_render_process_cmdline(struct procfs_text *text, int pid);
int procfs_render_process_environ(struct procfs_text *text, int pid);
int procfs_render_process_maps(struct procfs_text *text, int pid);
int procfs_render_process_comm(struct procfs_text *text, int pid);

/*
 * The pids of every process, ascending, in a kmalloc'ed array (*pids,
 * kfree it; may be NULL when *count is 0). Returns 0 or -ENOMEM.
 */
int procfs_process_pids(int **pids, size_t *count);

/*
 * The open descriptors of pid, ascending, in a kmalloc'ed array (*fds,
 * kfree it). Returns 0, -ENOENT when the pid is gone, -ENOMEM.
 */
int procfs_process_fd_list(int pid, int **fds, size_t *count);

/* The Linux release procfs reports in /proc/version. */
#define PROCFS_LINUX_RELEASE "6.1.0-ringkernel"
/* Clock ticks per second in /proc (Linux's USER_HZ). */
#define PROCFS_USER_HZ 100u

#endif
