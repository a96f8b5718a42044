/*
 * socket_support.h — what the socket syscall files share (socket.c,
 * socket_connection.c, socket_message.c, socket_control.c,
 * socket_option.c): descriptor lookup, calls into a socket's service
 * through the gate, result checks, and the family's handlers.
 *
 * The division of work is rk/socket.h's: these files validate every user
 * argument, call the service with kernel data only, check what it returns
 * (an impossible answer becomes -EIO with a klog line) and do the
 * user-visible rest.
 */
#ifndef RK_CORE_SOCKET_SUPPORT_H
#define RK_CORE_SOCKET_SUPPORT_H

#include <rk/containment.h>
#include <rk/gate.h>
#include <rk/socket.h>
#include <rk/socket_address.h>

#include "syscall_support.h"

/* Linux's net.core.somaxconn default: listen's backlog is clamped to it. */
#define SOCKET_BACKLOG_MAX 4096
/* sysctl_optmem_max: the largest msg_control sendmsg accepts (-ENOBUFS beyond). */
#define SOCKET_CONTROL_MAX 20480
/* Most bytes of an option value the Core copies in or out. */
#define SOCKET_OPTION_MAX 256
/* UIO_MAXIOV: the most iovecs in a msghdr (-EMSGSIZE beyond). */
#define SOCKET_IOV_MAX 1024
/* The largest transfer one call makes (MAX_RW_COUNT). */
#define SOCKET_TRANSFER_MAX 0x7ffff000ul

/*
 * Call method of file's socket ops inside the gate of the file's owner.
 * When the owner's instance is dead (or faults in the call) the
 * connection is gone: see socket_dead_result().
 */
#define SOCKET_CALL(file, method, ...)                                                       \
    ((file)->service ? FILE_CALL((file), #method, socket_dead_result(#method),              \
                                 (file)->ops->socket->method((file), __VA_ARGS__))           \
                     : (file)->ops->socket->method((file), __VA_ARGS__))

/*
 * What a socket call yields when the network service instance that made
 * the socket is dead or faulted inside the call (docs/containment.md):
 * a reset connection. send and receive (send*, recv*) give -ECONNRESET,
 * the error a Linux program expects from a connection the peer reset (and
 * no SIGPIPE); every other operation (bind, connect, accept, options,
 * names, shutdown) gives -EIO. read/write/poll on such a socket give EIO
 * and POLLIN|POLLOUT|POLLERR|POLLHUP (the gate's fallbacks); close works.
 */
long socket_dead_result(const char *operation);

/*
 * The running process's socket at fd with a reference in *file. Returns 0,
 * -EBADF (not open, or an O_PATH description, as Linux's fdget) or
 * -ENOTSOCK (file_ops.socket is NULL).
 */
int socket_lookup(int fd, struct file **file);

/* The socket's Linux type (SOCK_STREAM...) and protocol, through the gate. */
void socket_type(struct file *file, int *type, int *protocol);

/* True when the running process's descriptor table has a free slot (accept's early -EMFILE). */
bool socket_descriptor_available(void);

/*
 * Check a byte count the service returned for a transfer of at most
 * requested bytes: larger counts become -EIO (one klog line naming
 * operation); errors and valid counts pass unchanged.
 */
/* Most bytes one record (datagram, seqpacket message) may claim with MSG_TRUNC. */
#define SOCKET_RECORD_MAX (16u << 20)
/* True when file (a socket) keeps record boundaries: SOCK_DGRAM or SOCK_SEQPACKET. */
bool socket_is_record_based(struct file *file);
long socket_check_count(struct file *file, long count, size_t requested, const char *operation);

/*
 * After a send of any kind returned result: -EPIPE without MSG_NOSIGNAL
 * in flags raises SIGPIPE on the calling thread (Linux's send_sig).
 */
void socket_send_finish(long result, int flags);

/*
 * Install a socket file the service made (one reference, taken over) as
 * a descriptor of the running process: O_RDWR, O_NONBLOCK from
 * SOCK_NONBLOCK, close-on-exec from SOCK_CLOEXEC. Returns the descriptor
 * or -EMFILE (the reference is dropped then).
 */
int socket_install(struct file *file, int flags);

/* ------------------------------------------------------- control messages */

/* Control-message data decoded from a sendmsg's msg_control (socket_control.c). */
struct socket_control {
    struct file *rights[SOCKET_RIGHTS_MAX];  /* referenced */
    unsigned rights_count;
    struct socket_credentials credentials;
    bool has_credentials;
};

/*
 * Decode control_length bytes of user control messages at
 * control_address for a socket of family (Linux's __scm_send, or for
 * AF_INET its sock_cmsg_send). Returns 0 with *control filled (release it
 * with socket_control_release), or -EINVAL (malformed lengths, an unknown
 * SOL_SOCKET type, rights or credentials on a non-AF_UNIX socket, more
 * than SOCKET_RIGHTS_MAX descriptors), -EBADF (a passed descriptor is not
 * open), -EPERM / -ESRCH (credentials), -EFAULT, -ENOBUFS (too long).
 */
int socket_control_decode(int family, uintptr_t control_address, size_t control_length,
                          struct socket_control *control);
/* Drop the references socket_control_decode took. */
void socket_control_release(struct socket_control *control);

/* Where received control messages go: the user's msg_control as recvmsg consumes it. */
struct socket_control_output {
    uintptr_t address;     /* next free byte */
    size_t remaining;      /* bytes left */
    size_t used;           /* bytes written (the msg_controllen recvmsg reports) */
    unsigned flags;        /* MSG_CTRUNC when something did not fit */
};

/*
 * Write what a receive returned into output: SCM_CREDENTIALS when
 * credentials is non-NULL, then SCM_RIGHTS with the files installed as
 * descriptors (close-on-exec when cloexec). Consumes one reference of
 * every file in rights (installed or dropped). Faults and a full table cut
 * the message short (MSG_CTRUNC) but never fail the receive, as Linux.
 */
void socket_control_encode(struct socket_control_output *output,
                           const struct socket_credentials *credentials, struct file **rights,
                           unsigned rights_count, bool cloexec);

/* ------------------------------------------------------------- handlers */

long sys_socket(const uint64_t arguments[6]);
long sys_socketpair(const uint64_t arguments[6]);
long sys_bind(const uint64_t arguments[6]);
long sys_listen(const uint64_t arguments[6]);
long sys_accept(const uint64_t arguments[6]);
long sys_accept4(const uint64_t arguments[6]);
long sys_connect(const uint64_t arguments[6]);
long sys_shutdown(const uint64_t arguments[6]);
long sys_getsockname(const uint64_t arguments[6]);
long sys_getpeername(const uint64_t arguments[6]);
long sys_sendto(const uint64_t arguments[6]);
long sys_recvfrom(const uint64_t arguments[6]);
long sys_sendmsg(const uint64_t arguments[6]);
long sys_recvmsg(const uint64_t arguments[6]);
long sys_sendmmsg(const uint64_t arguments[6]);
long sys_recvmmsg(const uint64_t arguments[6]);
long sys_setsockopt(const uint64_t arguments[6]);
long sys_getsockopt(const uint64_t arguments[6]);
/* epoll.c */
long sys_epoll_create(const uint64_t arguments[6]);
long sys_epoll_create1(const uint64_t arguments[6]);
long sys_epoll_ctl(const uint64_t arguments[6]);
long sys_epoll_wait(const uint64_t arguments[6]);
long sys_epoll_pwait(const uint64_t arguments[6]);
long sys_epoll_pwait2(const uint64_t arguments[6]);

#endif
