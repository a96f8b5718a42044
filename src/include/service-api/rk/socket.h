/*
 * rk/socket.h — socket operations between the Core's socket syscalls
 * (src/core/syscalls/socket*.c) and the network stack service that owns
 * the socket (lwIP's TCP/UDP, the service's own AF_UNIX).
 *
 * A socket is an open file whose file_ops.socket is non-NULL (NULL means
 * "not a socket": the Core answers -ENOTSOCK). Its file_ops read/write
 * are recv/send with no flags, its poll gives readiness, its ioctl takes
 * FIONREAD and, for the network stack, the SIOC* interface ioctls.
 *
 * Division of work (seL4's "check, then act"): the Core validates every
 * user argument first (descriptors, sockaddr copy-in and decode with
 * rk/socket_address.h, msghdr, iovecs as an io_cursor, option lengths,
 * control messages: SCM_RIGHTS descriptors become referenced files), then
 * calls the service with kernel data only, then checks what comes back (a
 * byte count no larger than asked, an address of the socket's family) and
 * does the user-visible rest: copy-out of addresses, installing received
 * files as descriptors, SIGPIPE on -EPIPE without MSG_NOSIGNAL.
 *
 * Blocking is the service's: an operation that must wait honours
 * O_NONBLOCK in file->flags and MSG_DONTWAIT (-EAGAIN), the socket's
 * SO_RCVTIMEO/SO_SNDTIMEO (-EAGAIN on expiry), and returns -ERESTARTSYS
 * (or -EINTR when a timeout is set, as Linux) when a signal interrupts it.
 * Locks: none held across calls; the service may sleep.
 */
#ifndef RK_SOCKET_H
#define RK_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rk/socket_address.h>

struct file;
struct io_cursor;

/* Socket types (the low bits of socket(2)'s type). */
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define SOCK_SEQPACKET 5
#define SOCK_TYPE_MASK 0xf
#define SOCK_NONBLOCK 04000
#define SOCK_CLOEXEC 02000000

/* Protocols. */
#define IPPROTO_IP 0
#define IPPROTO_ICMP 1
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17

/* send/recv flags (Linux values). */
#define MSG_OOB 0x1
#define MSG_PEEK 0x2
#define MSG_DONTROUTE 0x4
#define MSG_CTRUNC 0x8
#define MSG_TRUNC 0x20
#define MSG_DONTWAIT 0x40
#define MSG_EOR 0x80
#define MSG_WAITALL 0x100
#define MSG_NOSIGNAL 0x4000
#define MSG_MORE 0x8000
#define MSG_CMSG_CLOEXEC 0x40000000

/* shutdown(2). */
#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2

/* Option levels and names (asm-generic/socket.h, netinet/tcp.h). */
#define SOL_SOCKET 1
#define SOL_TCP 6
#define SOL_UDP 17
#define SO_DEBUG 1
#define SO_REUSEADDR 2
#define SO_TYPE 3
#define SO_ERROR 4
#define SO_DONTROUTE 5
#define SO_BROADCAST 6
#define SO_SNDBUF 7
#define SO_RCVBUF 8
#define SO_KEEPALIVE 9
#define SO_OOBINLINE 10
#define SO_LINGER 13
#define SO_REUSEPORT 15
#define SO_PASSCRED 16
#define SO_PEERCRED 17
#define SO_RCVLOWAT 18
#define SO_SNDLOWAT 19
#define SO_RCVTIMEO 20   /* SO_RCVTIMEO_OLD: struct timeval */
#define SO_SNDTIMEO 21
#define SO_ACCEPTCONN 30
#define SO_PROTOCOL 38
#define SO_DOMAIN 39
#define TCP_NODELAY 1
#define TCP_MAXSEG 2
#define TCP_KEEPIDLE 4
#define TCP_KEEPINTVL 5
#define TCP_KEEPCNT 6

/* Control-message types at SOL_SOCKET. */
#define SCM_RIGHTS 1
#define SCM_CREDENTIALS 2

/* Most descriptors one SCM_RIGHTS message carries (Linux's SCM_MAX_FD). */
#define SOCKET_RIGHTS_MAX 253

/* SO_PEERCRED / SCM_CREDENTIALS (struct ucred). */
struct socket_credentials {
    int32_t pid;
    uint32_t uid;
    uint32_t gid;
};

/*
 * One sendmsg/recvmsg in kernel form, filled by the Core.
 *
 * send: data is the source; address is the destination (NULL: none given;
 * on a stream socket a user-given address is not decoded: it arrives with
 * only family set, meaning "an address was given"; seqpacket ignores it);
 * rights holds rights_count referenced files to pass (the service takes
 * the references it keeps with file_get; the Core drops its own after the
 * call); credentials is non-NULL when SCM_CREDENTIALS was given (already
 * checked by the Core).
 *
 * receive: data is the destination; address (non-NULL when the caller
 * wants the source) is filled by the service (family AF_UNSPEC when there
 * is none); the service stores up to rights_capacity received files in
 * rights with one reference each for the Core (rights_count), and sets
 * MSG_TRUNC/MSG_CTRUNC/MSG_EOR in result_flags; received_credentials is
 * set with credentials when the socket passes them (SO_PASSCRED).
 */
struct socket_message {
    struct io_cursor *data;
    struct socket_address *address;
    struct file **rights;
    unsigned rights_count;
    unsigned rights_capacity;
    struct socket_credentials *credentials;     /* send: given; receive: storage */
    bool received_credentials;
    unsigned result_flags;
};

/*
 * The socket half of a socket file's operations. Every slot non-NULL
 * (socket_stub_* for what a kind of socket does not do). file is the
 * socket (the Core holds a reference for the call). flags are MSG_* for
 * send/receive, SOCK_NONBLOCK|SOCK_CLOEXEC for accept.
 */
struct socket_ops {
    int family;                 /* AF_UNIX or AF_INET */
    /* The Linux socket type (SOCK_STREAM...) and protocol of this socket, for SO_TYPE/SO_PROTOCOL. */
    void (*get_type)(struct file *socket, int *type, int *protocol);
    /* Bind to address (decoded for SOCKET_ADDRESS_BIND). 0 or -errno (EADDRINUSE, EINVAL when bound). */
    int (*bind)(struct file *socket, const struct socket_address *address);
    /*
     * Connect (address decoded for the socket's connect use; AF_UNSPEC
     * dissolves a datagram association). Blocking unless O_NONBLOCK:
     * -EINPROGRESS then, later -EALREADY, and -EISCONN once connected; the
     * outcome is read with SO_ERROR. -ECONNREFUSED, -ETIMEDOUT, -ENETUNREACH.
     */
    int (*connect)(struct file *socket, const struct socket_address *address);
    /* Listen with backlog (already clamped to 0..4096 by the Core). 0 or -errno. */
    int (*listen)(struct file *socket, int backlog);
    /*
     * Wait for and take a connection: *new_socket gets one reference (the
     * Core installs it), *peer (when non-NULL) the peer's address. flags
     * SOCK_NONBLOCK makes the new socket O_NONBLOCK. -EINVAL when not
     * listening, -EAGAIN, -ERESTARTSYS, -ECONNABORTED.
     */
    int (*accept)(struct file *socket, struct file **new_socket, struct socket_address *peer,
                  int flags);
    /*
     * Send message. Returns bytes taken (<= io_remaining(message->data)) or
     * -errno: -EPIPE after shutdown(SHUT_WR) or a reset on a stream (the
     * Core raises SIGPIPE), -ENOTCONN, -EDESTADDRREQ, -EISCONN, -EMSGSIZE.
     */
    long (*send)(struct file *socket, struct socket_message *message, int flags);
    /* Receive into message (see struct socket_message). Returns bytes (0 at end of stream) or -errno. */
    long (*receive)(struct file *socket, struct socket_message *message, int flags);
    /* SHUT_RD, SHUT_WR or SHUT_RDWR (checked by the Core). 0 or -ENOTCONN. */
    int (*shutdown)(struct file *socket, int how);
    /* The local (peer false) or remote (peer true) address. -ENOTCONN for a missing peer. */
    int (*get_name)(struct file *socket, struct socket_address *address, bool peer);
    /*
     * setsockopt/getsockopt with kernel buffers (the Core copied the user's
     * value in, and copies *length bytes out after get). -ENOPROTOOPT for
     * options the socket does not know, -EINVAL for a bad length.
     */
    int (*set_option)(struct file *socket, int level, int name, const void *value,
                      unsigned length);
    int (*get_option)(struct file *socket, int level, int name, void *value, unsigned *length);
    /*
     * socketpair(2): connect two fresh unbound sockets of this kind to each
     * other. -EOPNOTSUPP for kinds without pairs (everything but AF_UNIX).
     */
    int (*connect_pair)(struct file *socket, struct file *other);
};

int socket_stub_bind(struct file *socket, const struct socket_address *address);  /* -EOPNOTSUPP */
int socket_stub_listen(struct file *socket, int backlog);                          /* -EOPNOTSUPP */
int socket_stub_accept(struct file *socket, struct file **new_socket, struct socket_address *peer,
                       int flags);                                                 /* -EOPNOTSUPP */
int socket_stub_connect_pair(struct file *socket, struct file *other);             /* -EOPNOTSUPP */

#endif
