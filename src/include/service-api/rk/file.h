/*
 * rk/file.h — open file descriptions (the seed's FileLike): what a file
 * descriptor points at. Files on a filesystem are made by the Core's VFS;
 * pipes by the Core; sockets (later) by the network service through the
 * same structure, so file and socket operations share one table for now
 * (the seed's documented grouping).
 *
 * References: file_alloc() returns one reference; every descriptor and
 * every in-flight syscall holds one; the last file_put() calls
 * ops->release (through the gate when the file belongs to a service).
 */
#ifndef RK_FILE_H
#define RK_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <rk/vfs.h>

/* open(2) flags, Linux x86_64 values. */
#define O_ACCMODE 00000003
#define O_RDONLY 00000000
#define O_WRONLY 00000001
#define O_RDWR 00000002
#define O_CREAT 00000100
#define O_EXCL 00000200
#define O_NOCTTY 00000400
#define O_TRUNC 00001000
#define O_APPEND 00002000
#define O_NONBLOCK 00004000
#define O_DSYNC 00010000
#define O_DIRECT 00040000
#define O_LARGEFILE 00100000
#define O_DIRECTORY 00200000
#define O_NOFOLLOW 00400000
#define O_NOATIME 01000000
#define O_CLOEXEC 02000000
#define O_SYNC 04010000
#define O_PATH 010000000
#define O_TMPFILE 020200000

struct file;
struct socket_ops;
struct epoll_watch;
struct service_instance;

/*
 * Operations of a file that is not a plain filesystem node (pipes, later
 * sockets and ttys). Every slot non-NULL; unused ones use file_stub_*.
 * offset points at the description's position (update it when the file
 * is seekable). Return byte counts or -errno; -EAGAIN when the file is
 * O_NONBLOCK and would block.
 */
struct file_ops {
    long (*read)(struct file *file, struct io_cursor *cursor, uint64_t *offset);
    long (*write)(struct file *file, struct io_cursor *cursor, uint64_t *offset);
    /* Attributes for fstat (mode, size...). */
    int (*stat)(struct file *file, struct vnode_attributes *attributes);
    /* ioctl(2): -ENOTTY when the command is not the file's. */
    long (*ioctl)(struct file *file, unsigned command, uintptr_t argument);
    /* The last reference is gone. */
    void (*release)(struct file *file);
    /*
     * poll(2)/select(2): the readiness mask now (rk/poll.h: POLLIN,
     * POLLOUT, POLLHUP, POLLERR...), never sleeping. A file whose
     * readiness changes calls poll_notify() after the change (or
     * poll_notify_changes(file->readiness_changes), rk/poll.h).
     */
    unsigned (*poll)(struct file *file);
    /*
     * The socket operations (rk/socket.h) when the file is a socket; NULL
     * for every other file (the Core answers -ENOTSOCK).
     */
    const struct socket_ops *socket;
};

long file_stub_read(struct file *file, struct io_cursor *cursor, uint64_t *offset);   /* -EINVAL */
long file_stub_write(struct file *file, struct io_cursor *cursor, uint64_t *offset);  /* -EINVAL */
long file_stub_ioctl(struct file *file, unsigned command, uintptr_t argument);        /* -ENOTTY */
void file_stub_release(struct file *file);
unsigned file_stub_poll(struct file *file);   /* DEFAULT_POLLMASK: always ready, as Linux without a poll method */

struct path_entry;

/* An open file description. */
struct file {
    const struct file_ops *ops;
    struct service *service;       /* owner of ops (gated), NULL for the Core's own */
    struct service_instance *instance; /* Core: service's instance that made it (pinned): calls
                                          fail with EIO once that instance is dead */
    unsigned long references;
    unsigned flags;                /* O_ACCMODE, O_APPEND, O_NONBLOCK, O_PATH... */
    uint64_t offset;
    struct vnode *vnode;           /* referenced; NULL for pipes and sockets */
    struct path_entry *path;       /* referenced; where it was opened, NULL when anonymous */
    void *private;                 /* the owner's */
    unsigned long poll_version;    /* the owner's (pipes: Linux's f_version for POLLHUP) */
    bool holds_write_access;       /* Core: counted in vnode->write_access (released by file_put) */
    /*
     * The owner's readiness-change counter (rk/poll.h, poll_notify_changes)
     * when it keeps one, in an object that outlives the file; NULL when the
     * owner only calls poll_notify() (epoll then takes every one as a change).
     */
    unsigned long *readiness_changes;
    struct epoll_watch *epoll_watches; /* Core's epoll: this file's watches (a list), NULL if none */
};

/*
 * A new description with one reference, or NULL when memory is exhausted
 * or service (when not NULL) has no live instance to make it for.
 */
struct file *file_alloc(const struct file_ops *ops, struct service *service, unsigned flags);
void file_get(struct file *file);
void file_put(struct file *file);

#endif
