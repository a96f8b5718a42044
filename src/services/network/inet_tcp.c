/*
 * inet_tcp.c — TCP connections over lwIP's raw API: the pcb callbacks,
 * connect, send, receive, shutdown, poll and closing, with Linux's
 * semantics (see inet_internal.h for the ownership rules).
 *
 * Errors as Linux reports them: a RST to our SYN is -ECONNREFUSED, a
 * connection lwIP gives up on (retransmissions, keepalive) -ETIMEDOUT, a
 * RST on a connection -ECONNRESET, each kept in pending_error (SO_ERROR)
 * and reported once by the next call that looks at it; after that, reads
 * return 0 and writes -EPIPE.
 */
#include <rk/errno.h>
#include <rk/file.h>
#include <rk/heap.h>
#include <rk/poll.h>
#include <rk/string.h>
#include <rk/vfs.h>

#include "lwip/priv/tcp_priv.h"

#include "inet_internal.h"

/* Largest piece copied from the caller's buffer into lwIP per tcp_write. */
#define INET_SEND_CHUNK 16384u

/* Small segments are copied into compact pbufs of this size, appended while one has room. */
#define INET_TCP_COMPACT_CAPACITY 512u

/*
 * Most window bytes opened ahead of reads (inet_tcp_received). Each
 * persist probe the peer sends fills the byte opened, so the credit grows
 * by one per probe while the reader sleeps; the cap bounds what a peer
 * can push beyond the window. It is not 1: with both ends of a loopback
 * connection full, a spent credit on each side is the ACK storm the
 * credit avoids (both_directions_full_at_once_stay_quiet); lwIP's probes
 * back off to one a minute, so the cap is reached only after weeks.
 */
#define INET_TCP_WINDOW_CREDIT_MAX 65536u

/* ------------------------------------------------------- pcb callbacks */

/*
 * Queue chain (the reference lwIP handed over) on the receive queue.
 * Every frame received from a NIC fills a whole PBUF_POOL_BUFSIZE pool
 * pbuf whatever its payload, so a segment of at most half of that is
 * copied into a compact pbuf, appended to the previous one while it has
 * room (Linux's collapsing of small skbs): a peer sending 1-byte segments
 * pins about as much memory as the window admits, not 1.5 KiB a byte.
 * Returns false without memory, chain untouched (lwIP offers it again).
 */
static bool inet_tcp_store(struct inet_socket *socket, struct pbuf *chain)
{
    u16_t length = chain->tot_len;
    bool small = length <= PBUF_POOL_BUFSIZE / 2;
    struct inet_segment *tail = socket->tcp.receive_tail;
    if (small && tail && tail->capacity && tail->capacity - tail->chain->len >= length) {
        pbuf_copy_partial(chain, (uint8_t *)tail->chain->payload + tail->chain->len, length, 0);
        tail->chain->len += length;
        tail->chain->tot_len += length;
        pbuf_free(chain);
        socket->tcp.receive_count += length;
        return true;
    }
    struct inet_segment *segment = kzalloc(sizeof *segment);
    if (!segment)
        return false;
    if (small) {
        u16_t capacity = (u16_t)RK_MAX((unsigned)length, INET_TCP_COMPACT_CAPACITY);
        struct pbuf *compact = pbuf_alloc(PBUF_RAW, capacity, PBUF_RAM);
        if (compact) {
            pbuf_copy_partial(chain, compact->payload, length, 0);
            compact->len = compact->tot_len = length;
            pbuf_free(chain);
            chain = compact;
            segment->capacity = capacity;
        }
    }
    segment->chain = chain;
    if (tail)
        tail->next = segment;
    else
        socket->tcp.receive_head = segment;
    socket->tcp.receive_tail = segment;
    socket->tcp.receive_count += length;
    return true;
}

/* tcp_recv: queue data; NULL is the peer's FIN. */
err_t inet_tcp_received(void *argument, struct tcp_pcb *pcb, struct pbuf *chain, err_t error)
{
    struct inet_socket *socket = argument;
    if (!socket) {
        if (chain) {
            tcp_recved(pcb, chain->tot_len);
            pbuf_free(chain);
        }
        return ERR_OK;
    }
    if (!chain) {
        socket->tcp.fin_received = true;
        socket->shutdown |= INET_RECEIVE_SHUTDOWN;
        if (socket->tcp.fin_sent) {
            /* Both FINs: the pcb goes to TIME_WAIT (or CLOSING), which lwIP frees without telling us. */
            inet_tcp_refresh_names(socket);
            inet_tcp_detach(pcb);
            socket->tcp.pcb = NULL;
        }
        inet_socket_changed(socket);
        return ERR_OK;
    }
    u16_t length = chain->tot_len;
    if (!inet_tcp_store(socket, chain))
        return ERR_MEM;     /* lwIP keeps it as refused data and offers it again */
    /*
     * Never let lwIP's receive window reach 0: with both windows of a
     * connection at 0, lwIP 2.1.3 answers every pure ACK with an ACK
     * (tcp_receive's "outside the window" test), a storm without end over
     * loopback. One byte kept open is not announced (silly window
     * avoidance keeps the announced window at 0), so the peer only sends
     * its persist probes; the byte is taken back from the next read.
     */
    /*
     * A short segment is acknowledged at once, as Linux's quick-ack mode
     * does: with a delayed ACK the sender's Nagle would hold its next
     * small write for a whole delayed-ACK period. Full segments keep
     * lwIP's every-other-segment ACKs.
     */
    if (length < pcb->mss)
        tcp_ack_now(pcb);
    if (pcb->rcv_wnd == 0 && socket->tcp.window_credit < INET_TCP_WINDOW_CREDIT_MAX) {
        tcp_recved(pcb, 1);
        socket->tcp.window_credit++;
    }
    inet_socket_changed(socket);
    return ERR_OK;
}

/* tcp_sent: acknowledged data freed send buffer space. */
static err_t inet_tcp_sent(void *argument, struct tcp_pcb *pcb, u16_t length)
{
    struct inet_socket *socket = argument;
    if (socket)
        inet_socket_changed(socket);
    return ERR_OK;
}

/* tcp_err: lwIP freed the pcb (reset, timeout, or the end of a close). */
static void inet_tcp_error(void *argument, err_t error)
{
    struct inet_socket *socket = argument;
    if (!socket)
        return;
    socket->tcp.pcb = NULL;
    switch (error) {
    case ERR_RST:
        /* Linux's tcp_reset: refused in SYN_SENT, EPIPE in CLOSE_WAIT, else reset. */
        if (socket->tcp.phase == INET_TCP_CONNECTING)
            socket->pending_error = ECONNREFUSED;
        else if (socket->tcp.fin_received)
            socket->pending_error = EPIPE;
        else
            socket->pending_error = ECONNRESET;
        break;
    case ERR_ABRT:
        socket->pending_error = ETIMEDOUT;
        break;
    case ERR_CLSD:
        break;      /* both sides closed: nothing to report */
    default:
        socket->pending_error = -inet_error_from_lwip(error);
        break;
    }
    socket->shutdown = INET_SHUTDOWN_BOTH;
    socket->tcp.phase = INET_TCP_CONNECTED;
    inet_socket_changed(socket);
}

/* tcp_poll: a periodic wake-up, so a sender that met ERR_MEM looks again. */
static err_t inet_tcp_polled(void *argument, struct tcp_pcb *pcb)
{
    struct inet_socket *socket = argument;
    if (socket && !wait_queue_is_empty(&socket->waiters))
        inet_socket_changed(socket);
    return ERR_OK;
}

/* tcp_connect's callback: the handshake completed. */
static err_t inet_tcp_connected(void *argument, struct tcp_pcb *pcb, err_t error)
{
    struct inet_socket *socket = argument;
    if (!socket)
        return ERR_OK;
    socket->tcp.phase = INET_TCP_CONNECTED;
    inet_tcp_refresh_names(socket);
    inet_socket_changed(socket);
    return ERR_OK;
}

/* See inet_internal.h. */
void inet_tcp_attach(struct inet_socket *socket, struct tcp_pcb *pcb)
{
    socket->tcp.pcb = pcb;
    tcp_arg(pcb, socket);
    tcp_recv(pcb, inet_tcp_received);
    tcp_sent(pcb, inet_tcp_sent);
    tcp_err(pcb, inet_tcp_error);
    tcp_poll(pcb, inet_tcp_polled, 4);
}

/* See inet_internal.h. */
void inet_tcp_detach(struct tcp_pcb *pcb)
{
    tcp_arg(pcb, NULL);
    if (pcb->state == LISTEN) {
        tcp_accept(pcb, NULL);
        return;
    }
    tcp_recv(pcb, NULL);
    tcp_sent(pcb, NULL);
    tcp_err(pcb, NULL);
    tcp_poll(pcb, NULL, 0);
}

/* See inet_internal.h. */
void inet_tcp_refresh_names(struct inet_socket *socket)
{
    struct tcp_pcb *pcb = socket->tcp.pcb;
    if (!pcb)
        return;
    inet_address_from_lwip(&pcb->local_ip, socket->local_address);
    socket->local_port = pcb->local_port;
    if (socket->tcp.phase == INET_TCP_LISTENING || pcb->state == CLOSED)
        return;
    inet_address_from_lwip(&pcb->remote_ip, socket->remote_address);
    socket->remote_port = pcb->remote_port;
}

/* See inet_internal.h. */
void inet_tcp_drop_receive_queue(struct inet_socket *socket)
{
    struct inet_segment *segment = socket->tcp.receive_head;
    while (segment) {
        struct inet_segment *next = segment->next;
        pbuf_free(segment->chain);
        kfree(segment);
        segment = next;
    }
    socket->tcp.receive_head = socket->tcp.receive_tail = NULL;
    socket->tcp.receive_count = 0;
}

/* See inet_internal.h. */
void inet_tcp_close_connection(struct inet_socket *socket)
{
    struct tcp_pcb *pcb = socket->tcp.pcb;
    if (!pcb)
        return;
    socket->tcp.pcb = NULL;
    inet_tcp_detach(pcb);
    bool reset = socket->tcp.receive_count > 0 || (socket->linger_on && socket->linger_seconds == 0);
    if (reset && pcb->state != CLOSED && pcb->state != SYN_SENT) {
        tcp_abort(pcb);     /* Linux sends RST when unread data is thrown away */
        return;
    }
    if (tcp_close(pcb) != ERR_OK)
        tcp_abort(pcb);
}

/* See inet_internal.h. */
void inet_tcp_apply_options(struct inet_socket *socket)
{
    struct tcp_pcb *pcb = socket->tcp.pcb;
    if (!pcb || socket->tcp.phase == INET_TCP_LISTENING)
        return;
    if (socket->tcp.nodelay)
        tcp_nagle_disable(pcb);
    else
        tcp_nagle_enable(pcb);
    if (socket->keepalive)
        ip_set_option(pcb, SOF_KEEPALIVE);
    else
        ip_reset_option(pcb, SOF_KEEPALIVE);
    if (socket->reuse_address)
        ip_set_option(pcb, SOF_REUSEADDR);
    else
        ip_reset_option(pcb, SOF_REUSEADDR);
    pcb->keep_idle = (u32_t)socket->tcp.keep_idle * 1000u;
#if LWIP_TCP_KEEPALIVE
    pcb->keep_intvl = (u32_t)socket->tcp.keep_interval * 1000u;
    pcb->keep_cnt = (u32_t)socket->tcp.keep_count;
#endif
}

/* ------------------------------------------------------------- connect */

/* Wait for the handshake; 0 when connected, else the error (SO_ERROR taken). */
static int inet_tcp_wait_connected(struct file *file, struct inet_socket *socket)
{
    uint64_t deadline = inet_deadline(socket->send_timeout_ns);
    while (socket->tcp.phase == INET_TCP_CONNECTING) {
        int error = inet_wait(socket, deadline);
        if (error == -EAGAIN)
            return -EINPROGRESS;    /* SO_SNDTIMEO expired: the attempt goes on, as Linux */
        if (error < 0)
            return error;
    }
    if (socket->pending_error || !socket->tcp.pcb) {
        int error = inet_take_error(socket);
        return error ? error : -ECONNABORTED;
    }
    return 0;
}

/* Tear down a connection attempt or connection for connect(AF_UNSPEC) and reconnects. */
static int inet_tcp_disconnect(struct inet_socket *socket)
{
    if (socket->tcp.pcb) {
        struct tcp_pcb *pcb = socket->tcp.pcb;
        socket->tcp.pcb = NULL;
        inet_tcp_detach(pcb);
        tcp_abort(pcb);
        inet_kick();
    }
    inet_tcp_drop_receive_queue(socket);
    socket->shutdown = 0;
    socket->tcp.fin_received = socket->tcp.fin_sent = false;
    socket->tcp.connect_unconfirmed = false;
    socket->tcp.phase = INET_TCP_UNCONNECTED;
    memset(socket->remote_address, 0, 4);
    socket->remote_port = 0;
    return inet_tcp_renew_pcb(socket);
}

/* socket_ops.connect for TCP (see rk/socket.h). */
int inet_tcp_connect(struct file *file, const struct socket_address *address)
{
    struct inet_socket *socket = inet_socket_of(file);
    if (address->family == AF_UNSPEC) {
        if (socket->tcp.phase == INET_TCP_LISTENING)
            inet_tcp_stop_listening(socket);
        return inet_tcp_disconnect(socket);
    }
    switch (socket->tcp.phase) {
    case INET_TCP_LISTENING:
        return -EISCONN;
    case INET_TCP_CONNECTING:
        if (inet_nonblocking(file, 0))
            return -EALREADY;
        /* A blocking connect joins the attempt in progress (Linux waits too). */
        break;
    case INET_TCP_CONNECTED:
        if (!socket->tcp.connect_unconfirmed)
            return -EISCONN;
        /* The outcome of a non-blocking connect: 0 once, or its error. */
        socket->tcp.connect_unconfirmed = false;
        if (socket->pending_error || !socket->tcp.pcb) {
            int error = inet_take_error(socket);
            inet_tcp_disconnect(socket);
            return error ? error : -ECONNABORTED;
        }
        return 0;
    case INET_TCP_UNCONNECTED: {
        if (!socket->tcp.pcb) {
            int error = inet_tcp_renew_pcb(socket);
            if (error < 0)
                return error;
        }
        ip_addr_t remote;
        inet_address_to_lwip(address->inet.address, &remote);
        inet_tcp_apply_options(socket);
        if (!socket->tcp.pcb->local_port) {
            /* Every ephemeral port taken: take over the oldest TIME_WAIT's (tcp_connect keeps a bound port). */
            u16_t recycled = inet_tcp_recycle_time_wait_port();
            if (recycled)
                tcp_bind(socket->tcp.pcb, IP4_ADDR_ANY, recycled);  /* if shared, tcp_connect looks */
        }
        err_t result = tcp_connect(socket->tcp.pcb, &remote, address->inet.port, inet_tcp_connected);
        if (result == ERR_BUF)
            return -EADDRNOTAVAIL;  /* no ephemeral port left, as Linux */
        if (result != ERR_OK)
            return result == ERR_RTE ? -ENETUNREACH : inet_error_from_lwip(result);
        socket->tcp.phase = INET_TCP_CONNECTING;
        socket->pending_error = 0;
        inet_tcp_refresh_names(socket);
        inet_kick();
        if (inet_nonblocking(file, 0)) {
            socket->tcp.connect_unconfirmed = true;
            return -EINPROGRESS;
        }
        break;
    }
    }
    int error = inet_tcp_wait_connected(file, socket);
    if (error == -EINPROGRESS || error == -EINTR || (error < 0 && socket->tcp.phase == INET_TCP_CONNECTING)) {
        /* Interrupted or timed out: the attempt goes on and the next connect() reports it. */
        socket->tcp.connect_unconfirmed = true;
        return error;
    }
    socket->tcp.connect_unconfirmed = false;
    if (error < 0)
        inet_tcp_disconnect(socket);
    return error;
}

/* ---------------------------------------------------------------- send */

/*
 * What stops a send now: 0 when data can go (or the caller may wait for
 * the connection), else -EPIPE or the pending error (taken).
 */
static int inet_tcp_send_state(struct inet_socket *socket)
{
    if (socket->pending_error)
        return inet_take_error(socket);
    if (socket->shutdown & INET_SEND_SHUTDOWN)
        return -EPIPE;
    if (socket->tcp.phase == INET_TCP_CONNECTING)
        return 0;
    if (socket->tcp.phase != INET_TCP_CONNECTED || !socket->tcp.pcb)
        return -EPIPE;
    return 0;
}

/* Room for one tcp_write now (0 when the send buffer or its segment queue is full). */
static size_t inet_tcp_send_room(struct tcp_pcb *pcb)
{
    if (tcp_sndqueuelen(pcb) >= TCP_SND_QUEUELEN)
        return 0;
    return tcp_sndbuf(pcb);
}

/* socket_ops.send for TCP: bytes taken, or -errno when none were (see rk/socket.h). */
long inet_tcp_send(struct file *file, struct socket_message *message, int flags)
{
    struct inet_socket *socket = inet_socket_of(file);
    bool nonblocking = inet_nonblocking(file, flags);
    uint64_t deadline = inet_deadline(socket->send_timeout_ns);
    size_t total = io_remaining(message->data);
    size_t sent = 0;
    uint8_t *bounce = NULL;
    size_t pending = 0;         /* bytes in bounce not yet taken by tcp_write */
    long result = 0;

    for (;;) {
        int error = inet_tcp_send_state(socket);
        if (error < 0) {
            result = error;
            break;
        }
        if (socket->tcp.phase == INET_TCP_CONNECTING) {
            if (nonblocking) {
                result = -EAGAIN;
                break;
            }
            if ((error = inet_wait(socket, deadline)) < 0) {
                result = error;
                break;
            }
            continue;
        }
        if (sent == total)
            break;
        struct tcp_pcb *pcb = socket->tcp.pcb;
        size_t room = inet_tcp_send_room(pcb);
        if (!pending && room) {
            size_t chunk = RK_MIN(RK_MIN(total - sent, (size_t)INET_SEND_CHUNK), room);
            if (!bounce && !(bounce = kmalloc(RK_MIN(total - sent, (size_t)INET_SEND_CHUNK)))) {
                result = -ENOMEM;
                break;
            }
            if ((error = io_copy_in(message->data, bounce, chunk)) < 0) {
                result = error;
                break;
            }
            pending = chunk;
        }
        if (pending && room >= pending) {
            bool more = (flags & MSG_MORE) || sent + pending < total;
            err_t written = tcp_write(pcb, bounce, (u16_t)pending,
                                      TCP_WRITE_FLAG_COPY | (more ? TCP_WRITE_FLAG_MORE : 0));
            if (written == ERR_OK) {
                sent += pending;
                pending = 0;
                continue;
            }
            if (written != ERR_MEM) {
                result = inet_error_from_lwip(written);
                break;
            }
        }
        /* The send buffer is full: push what is queued and wait for acknowledgements. */
        tcp_output(pcb);
        inet_kick();
        /*
         * Over loopback the kick may deliver and acknowledge all of it
         * before we sleep: inet_tcp_sent's wake-up found nobody waiting,
         * so look again first (else we would sleep until lwIP's poll).
         */
        if (socket->tcp.pcb != pcb || socket->pending_error || inet_tcp_send_room(pcb) > room)
            continue;
        if (nonblocking) {
            result = -EAGAIN;
            break;
        }
        if ((error = inet_wait(socket, deadline)) < 0) {
            result = error;
            break;
        }
    }
    kfree(bounce);
    if (socket->tcp.pcb && sent) {
        tcp_output(socket->tcp.pcb);
        inet_kick();
    }
    return sent ? (long)sent : result;
}

/* ------------------------------------------------------------- receive */

/* Consume count bytes from the front of the queue and open the window by as much. */
static void inet_tcp_consume(struct inet_socket *socket, size_t count)
{
    socket->tcp.receive_count -= count;
    size_t absorbed = RK_MIN(count, socket->tcp.window_credit);
    socket->tcp.window_credit -= absorbed;
    size_t window = count - absorbed;
    while (count) {
        struct inet_segment *segment = socket->tcp.receive_head;
        size_t left = segment->chain->tot_len - segment->offset;
        if (count < left) {
            segment->offset += count;
            break;
        }
        count -= left;
        socket->tcp.receive_head = segment->next;
        if (!socket->tcp.receive_head)
            socket->tcp.receive_tail = NULL;
        pbuf_free(segment->chain);
        kfree(segment);
    }
    if (socket->tcp.pcb) {
        while (window) {
            u16_t piece = (u16_t)RK_MIN(window, (size_t)0xffff);
            tcp_recved(socket->tcp.pcb, piece);
            window -= piece;
        }
        inet_kick();
    }
}

/* Copy up to length queued bytes into the cursor without consuming them. 0 or -EFAULT. */
static int inet_tcp_copy_queued(struct inet_socket *socket, struct io_cursor *cursor, size_t length)
{
    for (struct inet_segment *segment = socket->tcp.receive_head; segment && length;
         segment = segment->next) {
        size_t count = RK_MIN(length, segment->chain->tot_len - segment->offset);
        int error = inet_copy_chain_out(cursor, segment->chain, segment->offset, count);
        if (error < 0)
            return error;
        length -= count;
    }
    return 0;
}

/* socket_ops.receive for TCP: bytes, 0 at end of stream, or -errno (see rk/socket.h). */
long inet_tcp_receive(struct file *file, struct socket_message *message, int flags)
{
    struct inet_socket *socket = inet_socket_of(file);
    if (message->address)
        message->address->family = AF_UNSPEC;
    if (socket->tcp.phase == INET_TCP_LISTENING)
        return -ENOTCONN;
    if (flags & MSG_OOB)
        return -EINVAL;     /* no urgent data is ever kept (Linux: EINVAL without SO_OOBINLINE data) */
    bool nonblocking = inet_nonblocking(file, flags);
    bool peek = flags & MSG_PEEK;
    bool wait_all = (flags & MSG_WAITALL) && !peek;
    uint64_t deadline = inet_deadline(socket->receive_timeout_ns);
    size_t wanted = io_remaining(message->data);
    size_t copied = 0;
    if (!wanted)
        return 0;

    for (;;) {
        if (socket->tcp.receive_count) {
            size_t count = RK_MIN(socket->tcp.receive_count, wanted - copied);
            int error = inet_tcp_copy_queued(socket, message->data, count);
            if (error < 0)
                return copied ? (long)copied : error;
            copied += count;
            if (peek)
                return (long)copied;
            inet_tcp_consume(socket, count);
            if (copied == wanted || !wait_all)
                return (long)copied;
        }
        if (copied && !wait_all)
            return (long)copied;
        /* Nothing (more) to read. */
        if (socket->tcp.fin_received)
            return (long)copied;
        if (socket->pending_error)
            return copied ? (long)copied : inet_take_error(socket);
        if (socket->shutdown & INET_RECEIVE_SHUTDOWN)
            return (long)copied;
        if (socket->tcp.phase == INET_TCP_UNCONNECTED ||
            (socket->tcp.phase == INET_TCP_CONNECTED && !socket->tcp.pcb))
            return copied ? (long)copied : -ENOTCONN;
        if (nonblocking)
            return copied ? (long)copied : -EAGAIN;
        int error = inet_wait(socket, deadline);
        if (error < 0)
            return copied ? (long)copied : error;
    }
}

/* ------------------------------------------------------------ shutdown */

/* socket_ops.shutdown for TCP: Linux's inet_shutdown (SHUT_RD is local: reads return 0). */
int inet_tcp_shutdown(struct file *file, int how)
{
    struct inet_socket *socket = inet_socket_of(file);
    unsigned bits = (unsigned)how + 1;     /* SHUT_RD 0 -> 1, SHUT_WR 1 -> 2, SHUT_RDWR 2 -> 3 */
    switch (socket->tcp.phase) {
    case INET_TCP_LISTENING:
        if (bits & INET_RECEIVE_SHUTDOWN) {
            inet_tcp_stop_listening(socket);
            int error = inet_tcp_renew_pcb(socket);
            inet_socket_changed(socket);
            return error;
        }
        return 0;
    case INET_TCP_CONNECTING:
        inet_tcp_disconnect(socket);
        inet_socket_changed(socket);
        return 0;
    case INET_TCP_UNCONNECTED:
        socket->shutdown |= bits;
        inet_socket_changed(socket);
        return -ENOTCONN;
    case INET_TCP_CONNECTED:
        break;
    }
    if (!socket->tcp.pcb) {
        socket->shutdown |= bits;
        inet_socket_changed(socket);
        return socket->tcp.fin_received && socket->tcp.fin_sent ? 0 : -ENOTCONN;
    }
    socket->shutdown |= bits;
    if ((bits & INET_SEND_SHUTDOWN) && !socket->tcp.fin_sent) {
        struct tcp_pcb *pcb = socket->tcp.pcb;
        socket->tcp.fin_sent = true;
        bool fin_received = socket->tcp.fin_received;
        if (tcp_shutdown(pcb, 0, 1) == ERR_OK) {
            tcp_output(pcb);
            if (fin_received && pcb->state == TIME_WAIT) {
                inet_tcp_detach(pcb);
                socket->tcp.pcb = NULL;
            }
        }
        inet_kick();
    }
    inet_socket_changed(socket);
    return 0;
}

/* ---------------------------------------------------------------- poll */

/* file_ops.poll for TCP: Linux's tcp_poll. */
unsigned inet_tcp_poll(struct file *file)
{
    struct inet_socket *socket = inet_socket_of(file);
    if (!socket)
        return POLLNVAL;
    if (socket->tcp.phase == INET_TCP_LISTENING)
        return socket->tcp.accept_count ? POLLIN | POLLRDNORM : 0;
    unsigned mask = 0;
    bool closed = socket->tcp.phase == INET_TCP_UNCONNECTED ||
                  (socket->tcp.phase == INET_TCP_CONNECTED && !socket->tcp.pcb);
    unsigned shutdown = socket->shutdown;
    if (shutdown == INET_SHUTDOWN_BOTH || closed)
        mask |= POLLHUP;
    if (shutdown & INET_RECEIVE_SHUTDOWN)
        mask |= POLLIN | POLLRDNORM | POLLRDHUP;
    if (socket->tcp.phase != INET_TCP_CONNECTING) {
        if (socket->tcp.receive_count)
            mask |= POLLIN | POLLRDNORM;
        if (shutdown & INET_SEND_SHUTDOWN)
            mask |= POLLOUT | POLLWRNORM;
        else if (!socket->tcp.pcb || inet_tcp_send_room(socket->tcp.pcb))
            mask |= POLLOUT | POLLWRNORM;
    }
    if (socket->pending_error)
        mask |= POLLERR;
    return mask;
}
