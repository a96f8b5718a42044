/*
 * unix_internal.h — what the AF_UNIX files of the network service share
 * (man 7 unix, with Linux 6.1's semantics and errnos).
 *
 *   unix_socket.c    sockets: creation, references, release, the file and
 *                    socket ops tables, fstat/poll/ioctl, socketpair
 *   unix_names.c     bound names: the table, bind, autobind, lookup,
 *                    unix_sockets_reset, /proc/net/unix
 *   unix_buffer.c    queued data (buffers with rights and credentials),
 *                    send budgets, waiting, credentials
 *   unix_stream.c    SOCK_STREAM and SOCK_SEQPACKET connections: listen,
 *                    connect, accept, shutdown, the byte stream
 *   unix_datagram.c  SOCK_DGRAM (and SEQPACKET records): connect, send,
 *                    receive
 *   unix_options.c   getsockopt/setsockopt, getsockname/getpeername
 *   unix_gc.c        collection of passed sockets only queues refer to
 *
 * Model: every socket has its own receive queue; a send appends a buffer
 * to the receiver's queue and charges it (payload rounded up to 64 bytes
 * + UNIX_BUFFER_OVERHEAD)
 * to the sender until the receiver consumes it, so a sender blocks when
 * its charge reaches its SO_SNDBUF (default 212992 bytes, Linux's). A
 * datagram receiver also takes at most UNIX_DATAGRAM_QUEUE_LIMIT (Linux's
 * max_dgram_qlen, 10) + 1 datagrams from senders it is not connected to.
 *
 * Locking: none. The kernel is uniprocessor and not preempted, interrupt
 * handlers never touch sockets, so a condition checked before
 * wait_queue_wait() cannot change before the thread sleeps. Every state
 * change that can alter readiness calls poll_notify().
 *
 * References: struct unix_socket is counted apart from its file: its
 * owner (the file, or the listener's queue for a not yet accepted
 * connection) holds one, a connected socket holds one on its peer, and
 * every queued buffer holds one on its sender. File references passed
 * with SCM_RIGHTS are held by the buffer until received or dropped.
 * A socket file reachable only through queues (sent over itself, or in a
 * cycle of sockets) is found by unix_gc.c's collector, as Linux's.
 */
#ifndef UNIX_INTERNAL_H
#define UNIX_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rk/file.h>
#include <rk/list.h>
#include <rk/socket.h>
#include <rk/socket_address.h>
#include <rk/vfs.h>
#include <rk/waitqueue.h>

#define UNIX_DEFAULT_BUFFER 212992u      /* SO_SNDBUF / SO_RCVBUF default (Linux's wmem_default) */
#define UNIX_BUFFER_MAX 212992u          /* largest SO_SNDBUF/SO_RCVBUF value taken (wmem_max) */
#define UNIX_SEND_BUFFER_MIN 4608u       /* SOCK_MIN_SNDBUF */
#define UNIX_RECEIVE_BUFFER_MIN 2304u    /* SOCK_MIN_RCVBUF */
#define UNIX_BUFFER_OVERHEAD 704u        /* charged per buffer on top of the payload rounded up to 64:
                                            up to 64 bytes cost 768, as Linux's truesize */
#define UNIX_STREAM_CHUNK_MAX 36544u     /* most payload bytes in one stream buffer (Linux's
                                            SKB_MAX_HEAD(0) + 32 KiB of page fragments) */
#define UNIX_DATAGRAM_QUEUE_LIMIT 10u    /* max_dgram_qlen */
#define UNIX_AUTOBIND_NAMES 0x100000u    /* "\0" + 5 hex digits */
#define UNIX_INFLIGHT_TRIGGER_GC 16000u /* files in flight between passes run by a send (Linux's) */

#define UNIX_FIONREAD 0x541B             /* SIOCINQ */
#define UNIX_SIOCOUTQ 0x5411             /* TIOCOUTQ */

enum unix_state {
    UNIX_UNCONNECTED,
    UNIX_LISTENING,
    UNIX_CONNECTED,
};

/* shutdown bits (Linux's RCV_SHUTDOWN, SEND_SHUTDOWN). */
#define UNIX_SHUTDOWN_RECEIVE 1u
#define UNIX_SHUTDOWN_SEND 2u
#define UNIX_SHUTDOWN_BOTH 3u

/* A bound address, shared by a listener and the sockets it accepted. */
struct unix_name {
    unsigned long references;
    struct socket_address address;   /* AF_UNIX, pathname or abstract */
    struct vnode *node;              /* pathname: the socket node (referenced), else NULL */
};

struct unix_socket {
    unsigned long references;
    struct file *file;               /* not referenced; NULL for a connection not yet accepted */
    unsigned long readiness_changes; /* rk/poll.h: its file's readiness_changes points here */
    int type;                        /* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
    enum unix_state state;
    bool released;                   /* its owner let go (Linux's SOCK_DEAD) */
    unsigned shutdown;               /* UNIX_SHUTDOWN_* */
    int error;                       /* pending SO_ERROR (positive errno), 0 when none */
    struct unix_name *name;          /* referenced; NULL when unbound */
    bool owns_binding;               /* in the name table (bound_link) */
    struct list_node bound_link;
    struct unix_socket *peer;        /* referenced; NULL when none */

    struct list_node queue;          /* received struct unix_buffer, oldest first */
    size_t queue_length;             /* buffers */
    size_t queue_bytes;              /* unread payload bytes */

    struct list_node pending;        /* listener: connections not yet accepted (pending_link) */
    struct list_node pending_link;
    size_t pending_count;
    unsigned backlog;                /* listener: listen's backlog; datagram: queue limit */

    size_t send_charge;              /* charge of this socket's buffers still queued somewhere */
    unsigned send_buffer;            /* SO_SNDBUF */
    unsigned receive_buffer;         /* SO_RCVBUF */

    struct wait_queue read_waiters;  /* data, connections, shutdown, errors */
    struct wait_queue write_waiters; /* this socket's send budget */
    struct wait_queue peer_waiters;  /* others waiting for room in this socket's queue */

    /* Options. */
    bool pass_credentials;           /* SO_PASSCRED */
    bool option_flags[16];           /* SO_DEBUG..SO_OOBINLINE, SO_REUSEPORT: stored booleans */
    int receive_low_water;           /* SO_RCVLOWAT */
    int linger[2];                   /* SO_LINGER: l_onoff, l_linger */
    uint64_t receive_timeout_ns;     /* WAIT_FOREVER: none; 0: never wait */
    uint64_t send_timeout_ns;
    int64_t receive_timeout_value[2];/* as set (seconds, microseconds), for getsockopt */
    int64_t send_timeout_value[2];
    bool has_peer_credentials;
    struct socket_credentials peer_credentials;  /* SO_PEERCRED */

    unsigned long inflight;          /* references to its file held by queued buffers (SCM_RIGHTS) */
    struct list_node inflight_link;  /* in unix_gc.c's list of sockets in flight while inflight > 0 */
    unsigned long gc_references;     /* unix_gc: in-flight references from outside the candidates */
    bool gc_candidate, gc_alive;     /* unix_gc's marks */
    struct unix_socket *gc_next;     /* unix_gc: its stack of live candidates to scan */

    uint64_t inode_number;
    uint32_t owner_uid, owner_gid;
    struct kernel_time created;
    struct list_node all_link;       /* every socket (/proc/net/unix) */
};

/* Queued data: one send's bytes (a stream chunk, a datagram, a record). */
struct unix_buffer {
    struct list_node link;           /* in the receiver's queue */
    struct unix_socket *sender;      /* referenced; charged with charge */
    size_t charge;
    size_t length;                   /* payload bytes */
    size_t consumed;                 /* stream: bytes already read */
    struct file **rights;            /* kmalloc'ed, one reference each; NULL when none */
    unsigned rights_count;
    struct socket_credentials credentials;   /* the sender's (SCM_CREDENTIALS) */
    unsigned char data[];
};

/* A bounded wait: O_NONBLOCK / MSG_DONTWAIT and SO_RCVTIMEO / SO_SNDTIMEO. */
struct unix_wait {
    bool immediate;                  /* may not sleep at all */
    bool timed;                      /* a timeout is set (signals give -EINTR) */
    uint64_t deadline_ns;
};

/* ------------------------------------------------------ unix_socket.c */

extern const struct socket_ops unix_stream_ops;
extern const struct socket_ops unix_datagram_ops;
extern const struct socket_ops unix_seqpacket_ops;

/* The socket behind a socket file of this service. */
static inline struct unix_socket *unix_socket_of(struct file *file) { return file->private; }

/* Socket inode numbers start again (unix_sockets_start). */
void unix_inode_numbers_reset(void);
/* A new unowned socket of type with one reference (the caller's), or NULL. */
struct unix_socket *unix_socket_alloc(int type);
/* Make a file for socket (takes over the caller's reference). 0 or -ENOMEM. */
int unix_socket_attach_file(struct unix_socket *socket, unsigned flags, struct file **out);
void unix_socket_get(struct unix_socket *socket);
/* Drop a reference; the last one frees the socket (its queue must be empty). */
void unix_socket_put(struct unix_socket *socket);
/*
 * The owner lets go of socket (file release, or a listener dropping a
 * connection nobody accepted): its name, queue, pending connections and
 * peer are dropped, the peer is told (stream/seqpacket: hang-up, and
 * ECONNRESET when data was left unread or the socket was never
 * accepted). Consumes the owner's reference.
 */
void unix_socket_drop(struct unix_socket *socket);
/* True for connection-oriented types (SOCK_STREAM, SOCK_SEQPACKET). */
static inline bool unix_connection_based(const struct unix_socket *socket)
{
    return socket->type != SOCK_DGRAM;
}

/* ------------------------------------------------------- unix_names.c */

/* bind(2) with address decoded for bind. 0 or -errno. */
int unix_bind(struct unix_socket *socket, const struct socket_address *address);
/* Bind to a fresh abstract "\0xxxxx" name unless bound already. 0 or -errno. */
int unix_autobind(struct unix_socket *socket);
/*
 * The socket bound to address for a socket of type (pathname: the socket
 * node's; abstract: same name and type). Returns it with a reference for
 * the caller, or an error pointer: -ECONNREFUSED, -EPROTOTYPE (pathname
 * of another type), -ENOENT, -ENOTDIR, -EACCES, -EINVAL (no name).
 */
struct unix_socket *unix_find(const struct socket_address *address, int type);
/* Take socket out of the name table (its name stays for getsockname). */
void unix_unbind(struct unix_socket *socket);
/* Every socket (for /proc/net/unix); socket enters/leaves at alloc/free. */
void unix_socket_list_add(struct unix_socket *socket);
void unix_socket_list_remove(struct unix_socket *socket);
/* The list of every socket (all_link), for unix_gc. */
struct list_node *unix_socket_list(void);
/* Drop a name reference. */
void unix_name_put(struct unix_name *name);
static inline void unix_name_get(struct unix_name *name) { name->references++; }
/* Store socket's name (or an unnamed AF_UNIX address) in address. */
void unix_name_to_address(const struct unix_name *name, struct socket_address *address);

/* ------------------------------------------------------ unix_buffer.c */

/* The running process's credentials: real ids (SCM_CREDENTIALS) and effective (SO_PEERCRED). */
void unix_current_credentials(struct socket_credentials *real, struct socket_credentials *effective);
/*
 * A buffer of length payload bytes charged to sender (a new sender
 * reference), carrying the message's rights (file_get each) when
 * with_rights, and the given or current credentials. NULL on ENOMEM.
 */
struct unix_buffer *unix_buffer_create(struct unix_socket *sender, size_t length,
                                       const struct socket_message *message, bool with_rights);
/*
 * Free a buffer that is in no queue: its rights are put, its charge given
 * back to the sender (whose writers are woken). May re-enter the service
 * (file_put of a socket file): call with no state half-changed.
 */
void unix_buffer_free(struct unix_buffer *buffer);
/* Append buffer to receiver's queue and wake the receiver. */
void unix_queue_append(struct unix_socket *receiver, struct unix_buffer *buffer);
/* Unlink buffer (the first) from socket's queue; wakes peer_waiters. */
void unix_queue_unlink(struct unix_socket *socket, struct unix_buffer *buffer);
/* Move every queued buffer of socket to list (to be freed later by unix_buffer_list_free). */
void unix_queue_take_all(struct unix_socket *socket, struct list_node *list);
void unix_buffer_list_free(struct list_node *list);
/*
 * Deliver buffer's rights to message (receive side): up to
 * rights_capacity are moved into message->rights (MSG_CTRUNC when some do
 * not fit); peek copies them with new references instead. The ones that
 * do not fit are returned in *dropped (kmalloc'ed array, *dropped_count)
 * for unix_rights_drop() once the receive is done.
 */
void unix_rights_deliver(struct unix_buffer *buffer, struct socket_message *message, bool peek,
                         struct file ***dropped, unsigned *dropped_count);
/*
 * Put the references of rights (count files) and free the array. The
 * outermost call (or unix_buffer_free) puts them in a loop; releases it
 * causes only queue their rights, so chains of passed sockets take
 * bounded stack.
 */
void unix_rights_drop(struct file **rights, unsigned count);
/* True while rights are being put (a release now runs nested in that loop). */
bool unix_rights_draining(void);
/*
 * Service start: no deferred rights, not draining (after a fault the
 * previous instance's list is forgotten without being walked).
 */
void unix_rights_reset(void);
/* Fill message's source address and credentials from buffer's sender. */
void unix_message_note_source(struct unix_socket *receiver, struct unix_buffer *buffer,
                              struct socket_message *message);

/* Start a wait: nonblocking, or a timeout (WAIT_FOREVER: none, 0: never wait). */
void unix_wait_start(struct unix_wait *wait, bool nonblocking, uint64_t timeout_ns);
/*
 * Sleep once on queue. Returns 0 when woken, -EAGAIN when the wait may
 * not sleep (nonblocking, timeout over), -EINTR (a timeout is set) or the
 * wait's error (-ERESTARTSYS) on a signal.
 */
int unix_wait_once(struct unix_wait *wait, struct wait_queue *queue);
/* Wake everyone waiting on socket (all three queues) and poll_notify(). */
void unix_wake_all(struct unix_socket *socket);
/* True while socket's send budget is used up. */
static inline bool unix_send_budget_full(const struct unix_socket *socket)
{
    return socket->send_charge >= socket->send_buffer;
}
/* Linux's unix_writable(): not listening and a quarter of the budget or less used. */
static inline bool unix_writable(const struct unix_socket *socket)
{
    return socket->state != UNIX_LISTENING && socket->send_charge * 4 <= socket->send_buffer;
}

/* ---------------------------------------------------------- unix_gc.c */

/* True when file is an AF_UNIX socket of this service. */
bool unix_file_is_socket(const struct file *file);
/* A right to file was queued / left its queue: counts a socket file's in-flight references. */
void unix_inflight_add(struct file *file);
void unix_inflight_remove(struct file *file);
/*
 * Release sockets whose files are referenced only from the queues of
 * sockets in the same situation (cycles of passed sockets). One pass
 * visits the sockets in flight and their queues once (no other socket).
 * Does nothing when nothing is in flight; nested in a collection or in
 * unix_rights_drop's loop it only asks for a pass (unix_gc_run_requested).
 * Called when a unix socket is released. May re-enter (file_put): call
 * with no state half-changed.
 */
void unix_gc(void);
/* Run the pass asked for while rights were being put or a pass was running. */
void unix_gc_run_requested(void);
/*
 * Before a send that carries rights: a pass when the files in flight grew
 * by UNIX_INFLIGHT_TRIGGER_GC since the last one (Linux's wait_for_unix_gc),
 * so garbage is bounded even when no socket is released.
 */
void unix_gc_before_send(void);
/* Passes run since the service started (tests). */
unsigned long unix_gc_pass_count(void);
/* Forget the in-flight count (unix_sockets_start: a new boot). */
void unix_gc_reset(void);

/* ------------------------------------------------------ unix_stream.c */

int unix_stream_connect(struct file *file, const struct socket_address *address);
int unix_stream_listen(struct file *file, int backlog);
int unix_stream_accept(struct file *file, struct file **new_socket, struct socket_address *peer,
                       int flags);
long unix_stream_send(struct file *file, struct socket_message *message, int flags);
long unix_stream_receive(struct file *file, struct socket_message *message, int flags);
int unix_shutdown(struct file *file, int how);
/* Connect two fresh sockets (socketpair). */
int unix_connect_pair(struct file *file, struct file *other_file);

/* ---------------------------------------------------- unix_datagram.c */

int unix_datagram_connect(struct file *file, const struct socket_address *address);
/* Datagram and seqpacket send / receive (records). */
long unix_datagram_send(struct file *file, struct socket_message *message, int flags);
long unix_datagram_receive(struct file *file, struct socket_message *message, int flags);

/* ----------------------------------------------------- unix_options.c */

void unix_get_type(struct file *file, int *type, int *protocol);
int unix_get_name(struct file *file, struct socket_address *address, bool peer);
int unix_set_option(struct file *file, int level, int name, const void *value, unsigned length);
int unix_get_option(struct file *file, int level, int name, void *value, unsigned *length);

#endif
