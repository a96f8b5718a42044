/*
 * inet_internal.h — what the inet_*.c files (AF_INET TCP and UDP sockets
 * over lwIP's raw API) share.
 *
 * One struct inet_socket per socket: file->private of its socket file, or
 * a connection waiting in a listener's accept queue (no file yet). lwIP's
 * callbacks get the inet_socket as their argument; they run in the
 * network thread (process_packets) or inside our own lwIP calls, never in
 * interrupt context, and kernel code is not preempted, so nothing here
 * takes a lock: a check followed by wait_queue_wait() cannot miss a wake-up.
 *
 * Lifetime: the socket owns its pcb until it detaches it (release,
 * shutdown of a listener, a FIN after our own FIN): detaching clears every
 * callback and the argument first, so lwIP never calls back into a freed
 * socket; from then on lwIP frees the pcb itself. When lwIP frees a pcb on
 * its own (reset, timeout, end of LAST_ACK) it calls the error callback,
 * which clears socket->tcp.pcb.
 */
#ifndef INET_INTERNAL_H
#define INET_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rk/file.h>
#include <rk/list.h>
#include <rk/socket.h>
#include <rk/waitqueue.h>

#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"

struct file;
struct io_cursor;

/* Linux's sk_shutdown bits. */
#define INET_RECEIVE_SHUTDOWN 1u
#define INET_SEND_SHUTDOWN 2u
#define INET_SHUTDOWN_BOTH (INET_RECEIVE_SHUTDOWN | INET_SEND_SHUTDOWN)

/* Linux's defaults and limits for the socket buffer options (net.core, net.ipv4.tcp_*mem). */
#define INET_BUFFER_MAX 212992           /* rmem_max, wmem_max */
#define INET_TCP_RECEIVE_BUFFER 131072   /* tcp_rmem[1] */
#define INET_TCP_SEND_BUFFER 16384       /* tcp_wmem[1] */
#define INET_UDP_BUFFER 212992           /* rmem_default, wmem_default */
#define INET_MIN_RECEIVE_BUFFER 2304     /* SOCK_MIN_RCVBUF */
#define INET_MIN_SEND_BUFFER 4608        /* SOCK_MIN_SNDBUF */
#define INET_UDP_PAYLOAD_MAX 65507       /* 65535 - IPv4 header - UDP header */
/*
 * What a queued datagram costs against SO_RCVBUF: Linux charges an skb's
 * truesize (buffer, struct sk_buff, shared info), about 768 bytes more
 * than the payload, so the default buffer holds ~256 one-byte datagrams.
 */
#define INET_UDP_DATAGRAM_OVERHEAD 768
static inline size_t inet_udp_charge(size_t payload)
{
    return ((payload + 63) & ~(size_t)63) + INET_UDP_DATAGRAM_OVERHEAD;
}

enum inet_kind { INET_TCP, INET_UDP };

/* Where a TCP socket is in its life (Linux's sock->state with the pcb's state). */
enum inet_tcp_phase {
    INET_TCP_UNCONNECTED,   /* fresh, maybe bound: pcb in CLOSED */
    INET_TCP_CONNECTING,    /* SYN sent */
    INET_TCP_CONNECTED,     /* a connection exists or existed (pcb NULL once lwIP dropped it) */
    INET_TCP_LISTENING,     /* pcb is a tcp_pcb_listen */
};

/* A received TCP segment chain, queued in arrival order. */
struct inet_segment {
    struct inet_segment *next;
    struct pbuf *chain;
    size_t offset;              /* bytes of chain already read */
    size_t capacity;            /* chain is one compact pbuf with room up to this; 0: lwIP's chain */
};

/* A received UDP datagram with its source. */
struct inet_datagram {
    struct inet_datagram *next;
    struct pbuf *chain;
    uint8_t address[4];         /* network order */
    uint16_t port;              /* host order */
};

struct inet_socket {
    enum inet_kind kind;
    unsigned long id;               /* the inode number shown by fstat and /proc/net */
    struct wait_queue waiters;      /* blocking calls; woken by inet_socket_changed */
    unsigned long readiness_changes; /* rk/poll.h: its file's readiness_changes points here */

    int pending_error;              /* SO_ERROR: a positive errno, 0 for none */
    unsigned shutdown;              /* INET_*_SHUTDOWN */
    bool reuse_address, keepalive, broadcast;
    int receive_buffer, send_buffer;   /* SO_RCVBUF / SO_SNDBUF as reported (doubled) */
    uint64_t receive_timeout_ns, send_timeout_ns;   /* 0: wait forever */
    bool linger_on;
    int linger_seconds;

    /* Names kept for when the pcb is gone. */
    uint8_t local_address[4], remote_address[4];   /* network order */
    uint16_t local_port, remote_port;              /* host order */

    union {
        struct {
            struct tcp_pcb *pcb;            /* NULL once lwIP freed it or we detached it */
            enum inet_tcp_phase phase;
            bool bound;                     /* bind() was called: bound_* hold its address */
            uint8_t bound_address[4];
            uint16_t bound_port;            /* as asked: 0 for an ephemeral port */
            bool connect_unconfirmed;       /* non-blocking connect not yet reported by connect() */
            bool fin_received;              /* Linux's SOCK_DONE */
            bool fin_sent;
            struct inet_segment *receive_head, *receive_tail;
            size_t receive_count;           /* unread bytes */
            size_t window_credit;           /* bytes opened in lwIP's window ahead of reads (capped) */
            bool nodelay;
            int max_segment;                /* TCP_MAXSEG set by the user, 0: none */
            int keep_idle, keep_interval, keep_count;   /* seconds, seconds, probes */
            /* Listener: established connections not accepted yet. */
            struct list_node accept_queue;  /* struct inet_socket accept_link */
            unsigned accept_count;
            int backlog;
            /* A queued connection: its place in the listener's queue. */
            struct list_node accept_link;
        } tcp;
        struct {
            struct udp_pcb *pcb;
            bool connected;
            struct inet_datagram *head, *tail;
            size_t queued_bytes;            /* charged: inet_udp_charge of each datagram */
            unsigned queued_count;
            unsigned drops;                 /* Linux's sk_drops: datagrams the full buffer refused */
        } udp;
    };
};

/* ------------------------------------------------ inet_socket.c (common) */

extern const struct file_ops inet_tcp_file_ops;
extern const struct file_ops inet_udp_file_ops;
extern const struct socket_ops inet_tcp_socket_ops;
extern const struct socket_ops inet_udp_socket_ops;

/* A zeroed socket of kind with Linux's defaults and the next id; NULL without memory. */
struct inet_socket *inet_socket_alloc(enum inet_kind kind);
/* Free socket (its pcb and queues already dealt with). */
void inet_socket_free(struct inet_socket *socket);
/* Wrap socket in a new socket file (one reference) with extra_flags (O_NONBLOCK). NULL without memory. */
struct file *inet_socket_file(struct inet_socket *socket, unsigned extra_flags);
/* The inet_socket of a socket file. */
static inline struct inet_socket *inet_socket_of(struct file *file) { return file->private; }

/* Readiness or state changed: wake the socket's waiters and every poller. */
void inet_socket_changed(struct inet_socket *socket);
/* After lwIP output: deliver loopback packets now, and ask for a network thread run. */
void inet_kick(void);

/* Absolute deadline for a wait with timeout_ns (0: none). */
uint64_t inet_deadline(uint64_t timeout_ns);
/*
 * Sleep on socket->waiters until woken or deadline (0: none). Returns 0
 * when woken, -EAGAIN at the deadline, -EINTR when a signal came and a
 * deadline was set, else the wait's error (-ERESTARTSYS).
 */
int inet_wait(struct inet_socket *socket, uint64_t deadline);
/* True when the call must not block (O_NONBLOCK on file, or MSG_DONTWAIT). */
bool inet_nonblocking(struct file *file, int flags);
/* Take SO_ERROR (read and clear): -errno or 0. */
int inet_take_error(struct inet_socket *socket);

/* lwIP address <-> decoded socket address. */
void inet_address_to_lwip(const uint8_t address[4], ip_addr_t *result);
void inet_address_from_lwip(const ip_addr_t *address, uint8_t result[4]);
void inet_fill_address(struct socket_address *result, const uint8_t address[4], uint16_t port);
/* True for INADDR_ANY, 127/8 and the address of an interface that is up (bind's EADDRNOTAVAIL). */
bool inet_address_is_local(const uint8_t address[4]);
/* An lwIP err_t as a negative errno. */
int inet_error_from_lwip(err_t error);

/* Copy up to length bytes of chain from offset into the cursor; 0 or -EFAULT. */
int inet_copy_chain_out(struct io_cursor *cursor, const struct pbuf *chain, size_t offset,
                        size_t length);

/* udp_recv callback (inet_socket.c); /proc/net/udp knows our pcbs by it. */
void inet_udp_received(void *argument, struct udp_pcb *pcb, struct pbuf *chain,
                       const ip_addr_t *address, u16_t port);

/* ------------------------------------------------------------ inet_tcp.c */

/* tcp_recv callback; /proc/net/tcp knows our connections by it. */
err_t inet_tcp_received(void *argument, struct tcp_pcb *pcb, struct pbuf *chain, err_t error);

/* Install our callbacks on pcb with socket as their argument. */
void inet_tcp_attach(struct inet_socket *socket, struct tcp_pcb *pcb);
/* Clear pcb's callbacks and argument so lwIP never calls back into socket. */
void inet_tcp_detach(struct tcp_pcb *pcb);
/* Refresh the kept names from the pcb. */
void inet_tcp_refresh_names(struct inet_socket *socket);
/* Free the receive queue (without tcp_recved). */
void inet_tcp_drop_receive_queue(struct inet_socket *socket);
/* Give up the connection of a socket that is going away (RST when data is unread or SO_LINGER 0). */
void inet_tcp_close_connection(struct inet_socket *socket);
/* Apply the stored options (Nagle, keepalive) to the connection pcb. */
void inet_tcp_apply_options(struct inet_socket *socket);

long inet_tcp_send(struct file *file, struct socket_message *message, int flags);
long inet_tcp_receive(struct file *file, struct socket_message *message, int flags);
int inet_tcp_connect(struct file *file, const struct socket_address *address);
int inet_tcp_shutdown(struct file *file, int how);
unsigned inet_tcp_poll(struct file *file);

/* ----------------------------------------------------- inet_tcp_accept.c */

/* tcp_accept callback; /proc/net/tcp knows our listeners by it. */
err_t inet_tcp_accepted(void *argument, struct tcp_pcb *pcb, err_t error);
int inet_tcp_bind(struct file *file, const struct socket_address *address);
int inet_tcp_listen(struct file *file, int backlog);
int inet_tcp_accept(struct file *file, struct file **new_socket, struct socket_address *peer,
                    int flags);
/* Stop listening: close the listener pcb and reset every queued connection. */
void inet_tcp_stop_listening(struct inet_socket *socket);
/* A fresh CLOSED pcb for socket (after a failed connect or a disconnect), rebound when it was bound. */
int inet_tcp_renew_pcb(struct inet_socket *socket);
/*
 * When every ephemeral port (lwIP's 0xc000-0xfffe) is taken, abort the
 * oldest TIME_WAIT pcb on one of them that no socket points at and return
 * its port (Linux reuses TIME_WAIT ports for new connections); 0 while a
 * port is free or nothing can be recycled.
 */
u16_t inet_tcp_recycle_time_wait_port(void);

/* ------------------------------------------------------------ inet_udp.c */

int inet_udp_bind(struct file *file, const struct socket_address *address);
int inet_udp_connect(struct file *file, const struct socket_address *address);
long inet_udp_send(struct file *file, struct socket_message *message, int flags);
long inet_udp_receive(struct file *file, struct socket_message *message, int flags);
int inet_udp_shutdown(struct file *file, int how);
unsigned inet_udp_poll(struct file *file);
/* Free the queued datagrams. */
void inet_udp_drop_queue(struct inet_socket *socket);

/* -------------------------------------------------------- inet_options.c */

int inet_set_option(struct file *file, int level, int name, const void *value, unsigned length);
int inet_get_option(struct file *file, int level, int name, void *value, unsigned *length);

#endif
