/*
 * inet_socket.c — what TCP and UDP sockets share: creation, the socket
 * files' ops tables (read/write are receive/send without flags; poll;
 * FIONREAD/SIOCOUTQ and the stack's SIOC* interface ioctls; release),
 * waiting with SO_RCVTIMEO/SO_SNDTIMEO and signals, address conversion
 * between lwIP and rk/socket_address.h, and lwIP's err_t as errnos.
 */
#include <rk/errno.h>
#include <rk/file.h>
#include <rk/heap.h>
#include <rk/poll.h>
#include <rk/string.h>
#include <rk/timer.h>
#include <rk/usercopy.h>
#include <rk/vfs.h>

#include "lwip/netif.h"

#include "inet_internal.h"
#include "network_internal.h"

#define FIONREAD 0x541B     /* SIOCINQ */
#define SIOCOUTQ 0x5411     /* TIOCOUTQ */

static unsigned long next_socket_id = 1;

/* See network_internal.h: numbering starts again (service start, each boot). */
void inet_sockets_reset(void)
{
    next_socket_id = 1;
}

/* See inet_internal.h. */
struct inet_socket *inet_socket_alloc(enum inet_kind kind)
{
    struct inet_socket *socket = kzalloc(sizeof *socket);
    if (!socket)
        return NULL;
    socket->kind = kind;
    socket->id = next_socket_id++;
    wait_queue_init(&socket->waiters);
    if (kind == INET_TCP) {
        socket->receive_buffer = INET_TCP_RECEIVE_BUFFER;
        socket->send_buffer = INET_TCP_SEND_BUFFER;
        socket->tcp.keep_idle = 7200;
        socket->tcp.keep_interval = 75;
        socket->tcp.keep_count = 9;
        list_init(&socket->tcp.accept_queue);
        list_init(&socket->tcp.accept_link);
    } else {
        socket->receive_buffer = INET_UDP_BUFFER;
        socket->send_buffer = INET_UDP_BUFFER;
    }
    return socket;
}

/* See inet_internal.h. */
void inet_socket_free(struct inet_socket *socket)
{
    kfree(socket);
}

/* See inet_internal.h. */
struct file *inet_socket_file(struct inet_socket *socket, unsigned extra_flags)
{
    const struct file_ops *ops = socket->kind == INET_TCP ? &inet_tcp_file_ops : &inet_udp_file_ops;
    struct file *file = file_alloc(ops, &network_service, O_RDWR | extra_flags);
    if (file)
        file->private = socket, file->readiness_changes = &socket->readiness_changes;
    return file;
}

/* See network_internal.h: a new TCP socket with a fresh pcb. */
int inet_tcp_socket_create(struct file **out)
{
    struct inet_socket *socket = inet_socket_alloc(INET_TCP);
    if (!socket)
        return -ENOMEM;
    struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
    if (!pcb) {
        inet_socket_free(socket);
        return -ENOBUFS;
    }
    inet_tcp_attach(socket, pcb);
    struct file *file = inet_socket_file(socket, 0);
    if (!file) {
        inet_tcp_detach(pcb);
        tcp_close(pcb);
        inet_socket_free(socket);
        return -ENOMEM;
    }
    *out = file;
    return 0;
}

/*
 * udp_recv callback: queue the datagram with its source. Dropped when the
 * buffer is full, as Linux's __udp_enqueue_schedule_skb: a datagram is
 * taken while the charge already queued is within SO_RCVBUF.
 */
void inet_udp_received(void *argument, struct udp_pcb *pcb, struct pbuf *chain,
                       const ip_addr_t *address, u16_t port)
{
    struct inet_socket *socket = argument;
    if (!socket || (socket->shutdown & INET_RECEIVE_SHUTDOWN) ||
        socket->udp.queued_bytes > (size_t)socket->receive_buffer) {
        if (socket && !(socket->shutdown & INET_RECEIVE_SHUTDOWN))
            socket->udp.drops++;
        pbuf_free(chain);
        return;
    }
    struct inet_datagram *datagram = kzalloc(sizeof *datagram);
    if (!datagram) {
        pbuf_free(chain);
        return;
    }
    datagram->chain = chain;
    inet_address_from_lwip(address, datagram->address);
    datagram->port = port;
    if (socket->udp.tail)
        socket->udp.tail->next = datagram;
    else
        socket->udp.head = datagram;
    socket->udp.tail = datagram;
    socket->udp.queued_bytes += inet_udp_charge(chain->tot_len);
    socket->udp.queued_count++;
    inet_socket_changed(socket);
}

/* See network_internal.h: a new UDP socket with a fresh pcb. */
int inet_udp_socket_create(struct file **out)
{
    struct inet_socket *socket = inet_socket_alloc(INET_UDP);
    if (!socket)
        return -ENOMEM;
    struct udp_pcb *pcb = udp_new_ip_type(IPADDR_TYPE_V4);
    if (!pcb) {
        inet_socket_free(socket);
        return -ENOBUFS;
    }
    udp_recv(pcb, inet_udp_received, socket);
    socket->udp.pcb = pcb;
    struct file *file = inet_socket_file(socket, 0);
    if (!file) {
        udp_remove(pcb);
        inet_socket_free(socket);
        return -ENOMEM;
    }
    *out = file;
    return 0;
}

/* See inet_internal.h. */
void inet_socket_changed(struct inet_socket *socket)
{
    wait_queue_wake_all(&socket->waiters);
    poll_notify_changes(&socket->readiness_changes);
}

/*
 * See inet_internal.h. Loopback packets are delivered right away, in the
 * caller's thread, as Linux's softirq does before send() returns: after
 * send() the data is in the peer's queue, after a loopback connect() the
 * handshake is done. The network thread's run (the kick) then arms the
 * TCP timer and does the rest. Callers are socket calls only, never lwIP
 * callbacks, so lwIP is not re-entered.
 */
void inet_kick(void)
{
    netif_poll_all();
    network_stack_kick();
}

/* See inet_internal.h. */
uint64_t inet_deadline(uint64_t timeout_ns)
{
    if (!timeout_ns)
        return 0;
    uint64_t now = clock_now_ns();
    return now + timeout_ns < now ? UINT64_MAX : now + timeout_ns;
}

/* See inet_internal.h. */
int inet_wait(struct inet_socket *socket, uint64_t deadline)
{
    uint64_t timeout = WAIT_FOREVER;
    if (deadline) {
        uint64_t now = clock_now_ns();
        if (now >= deadline)
            return -EAGAIN;
        timeout = deadline - now;
    }
    int error = wait_queue_wait(&socket->waiters, NULL, timeout);
    if (error == -ETIMEDOUT)
        return -EAGAIN;
    if (error < 0 && error != -EDEADLK && deadline)
        return -EINTR;
    return error;
}

/* See inet_internal.h. */
bool inet_nonblocking(struct file *file, int flags)
{
    return (file->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT);
}

/* See inet_internal.h. */
int inet_take_error(struct inet_socket *socket)
{
    int error = socket->pending_error;
    socket->pending_error = 0;
    return -error;
}

/* See inet_internal.h. */
void inet_address_to_lwip(const uint8_t address[4], ip_addr_t *result)
{
    IP_ADDR4(result, address[0], address[1], address[2], address[3]);
}

/* See inet_internal.h. */
void inet_address_from_lwip(const ip_addr_t *address, uint8_t result[4])
{
    uint32_t raw = address ? ip4_addr_get_u32(ip_2_ip4(address)) : 0;
    memcpy(result, &raw, 4);
}

/* See inet_internal.h. */
void inet_fill_address(struct socket_address *result, const uint8_t address[4], uint16_t port)
{
    memset(result, 0, sizeof *result);
    result->family = AF_INET;
    result->inet.port = port;
    memcpy(result->inet.address, address, 4);
}

/* See inet_internal.h. */
bool inet_address_is_local(const uint8_t address[4])
{
    static const uint8_t any[4];
    if (!memcmp(address, any, 4) || address[0] == 127)
        return true;
    struct netif *netif;
    NETIF_FOREACH(netif) {
        uint8_t own[4];
        inet_address_from_lwip(netif_ip_addr4(netif), own);
        if (!memcmp(own, address, 4) && memcmp(own, any, 4))
            return true;
    }
    return false;
}

/* See inet_internal.h. */
int inet_error_from_lwip(err_t error)
{
    switch (error) {
    case ERR_OK: return 0;
    case ERR_MEM: return -ENOMEM;
    case ERR_BUF: return -ENOBUFS;
    case ERR_TIMEOUT: return -ETIMEDOUT;
    case ERR_RTE: return -ENETUNREACH;
    case ERR_INPROGRESS: return -EINPROGRESS;
    case ERR_VAL: return -EINVAL;
    case ERR_WOULDBLOCK: return -EAGAIN;
    case ERR_USE: return -EADDRINUSE;
    case ERR_ALREADY: return -EALREADY;
    case ERR_ISCONN: return -EISCONN;
    case ERR_CONN: return -ENOTCONN;
    case ERR_IF: return -ENETDOWN;
    case ERR_ABRT: return -ECONNABORTED;
    case ERR_RST: return -ECONNRESET;
    case ERR_CLSD: return -ENOTCONN;
    case ERR_ARG: return -EINVAL;
    default: return -EIO;
    }
}

/* See inet_internal.h. */
int inet_copy_chain_out(struct io_cursor *cursor, const struct pbuf *chain, size_t offset,
                        size_t length)
{
    for (const struct pbuf *piece = chain; piece && length; piece = piece->next) {
        if (offset >= piece->len) {
            offset -= piece->len;
            continue;
        }
        size_t count = RK_MIN(length, (size_t)piece->len - offset);
        int error = io_copy_out(cursor, (const uint8_t *)piece->payload + offset, count);
        if (error < 0)
            return error;
        length -= count;
        offset = 0;
    }
    return 0;
}

/* ----------------------------------------------------------- file ops */

/* file_ops.read: receive without flags. */
static long inet_read(struct file *file, struct io_cursor *cursor, uint64_t *offset)
{
    struct socket_message message = { .data = cursor };
    return file->ops->socket->receive(file, &message, 0);
}

/* file_ops.write: send without flags (the Core raises SIGPIPE on -EPIPE). */
static long inet_write(struct file *file, struct io_cursor *cursor, uint64_t *offset)
{
    struct socket_message message = { .data = cursor };
    return file->ops->socket->send(file, &message, 0);
}

/* file_ops.stat: a socket inode (S_IFSOCK 0777, the socket's number). */
static int inet_stat(struct file *file, struct vnode_attributes *attributes)
{
    memset(attributes, 0, sizeof *attributes);
    attributes->inode_number = inet_socket_of(file)->id;
    attributes->mode = S_IFSOCK | 0777;
    attributes->link_count = 1;
    attributes->block_size = 4096;
    return 0;
}

/* Bytes queued for sending and not yet acknowledged (SIOCOUTQ). */
static int inet_output_queue(struct inet_socket *socket)
{
    if (socket->kind != INET_TCP || !socket->tcp.pcb || socket->tcp.phase == INET_TCP_LISTENING)
        return 0;
    struct tcp_pcb *pcb = socket->tcp.pcb;
    return (int)(pcb->snd_lbb - pcb->lastack);
}

/* file_ops.ioctl: FIONREAD, SIOCOUTQ; the rest goes to the stack's interface ioctls. */
static long inet_ioctl(struct file *file, unsigned command, uintptr_t argument)
{
    struct inet_socket *socket = inet_socket_of(file);
    int value;
    switch (command) {
    case FIONREAD:
        if (socket->kind == INET_TCP) {
            if (socket->tcp.phase == INET_TCP_LISTENING)
                return -EINVAL;
            value = (int)socket->tcp.receive_count;
        } else {
            /* Linux: the size of the next datagram. */
            value = socket->udp.head ? socket->udp.head->chain->tot_len : 0;
        }
        return copy_to_user(argument, &value, sizeof value);
    case SIOCOUTQ:
        if (socket->kind == INET_TCP && socket->tcp.phase == INET_TCP_LISTENING)
            return -EINVAL;
        value = inet_output_queue(socket);
        return copy_to_user(argument, &value, sizeof value);
    default:
        return network_stack_interface_ioctl(command, argument);
    }
}

/* file_ops.release: the last descriptor is gone; the connection is closed and the socket freed. */
static void inet_release(struct file *file)
{
    struct inet_socket *socket = inet_socket_of(file);
    file->private = NULL;
    if (socket->kind == INET_TCP) {
        if (socket->tcp.phase == INET_TCP_LISTENING)
            inet_tcp_stop_listening(socket);
        else
            inet_tcp_close_connection(socket);
        inet_tcp_drop_receive_queue(socket);
    } else {
        if (socket->udp.pcb) {
            udp_recv(socket->udp.pcb, NULL, NULL);
            udp_remove(socket->udp.pcb);
            socket->udp.pcb = NULL;
        }
        inet_udp_drop_queue(socket);
    }
    inet_socket_free(socket);
    inet_kick();
}

/* socket_ops.get_type. */
static void inet_get_type(struct file *file, int *type, int *protocol)
{
    bool tcp = inet_socket_of(file)->kind == INET_TCP;
    *type = tcp ? SOCK_STREAM : SOCK_DGRAM;
    *protocol = tcp ? IPPROTO_TCP : IPPROTO_UDP;
}

/* socket_ops.get_name: the kept local name, or the peer's (-ENOTCONN when there is none). */
static int inet_get_name(struct file *file, struct socket_address *address, bool peer)
{
    struct inet_socket *socket = inet_socket_of(file);
    if (socket->kind == INET_TCP) {
        inet_tcp_refresh_names(socket);
        if (peer && (socket->tcp.phase != INET_TCP_CONNECTED || !socket->tcp.pcb))
            return -ENOTCONN;
    } else {
        if (socket->udp.pcb) {
            inet_address_from_lwip(&socket->udp.pcb->local_ip, socket->local_address);
            socket->local_port = socket->udp.pcb->local_port;
        }
        if (peer && !socket->udp.connected)
            return -ENOTCONN;
    }
    if (peer)
        inet_fill_address(address, socket->remote_address, socket->remote_port);
    else
        inet_fill_address(address, socket->local_address, socket->local_port);
    return 0;
}

/*
 * What AF_INET sockets do not do (-EOPNOTSUPP, as rk/socket.h's shared
 * socket_stub_*; local so the service does not depend on where the Core
 * puts those).
 */
static int inet_no_listen(struct file *socket, int backlog) { return -EOPNOTSUPP; }
static int inet_no_accept(struct file *socket, struct file **new_socket, struct socket_address *peer,
                          int flags)
{
    return -EOPNOTSUPP;
}
static int inet_no_pair(struct file *socket, struct file *other) { return -EOPNOTSUPP; }

const struct socket_ops inet_tcp_socket_ops = {
    .family = AF_INET,
    .get_type = inet_get_type,
    .bind = inet_tcp_bind,
    .connect = inet_tcp_connect,
    .listen = inet_tcp_listen,
    .accept = inet_tcp_accept,
    .send = inet_tcp_send,
    .receive = inet_tcp_receive,
    .shutdown = inet_tcp_shutdown,
    .get_name = inet_get_name,
    .set_option = inet_set_option,
    .get_option = inet_get_option,
    .connect_pair = inet_no_pair,
};

const struct socket_ops inet_udp_socket_ops = {
    .family = AF_INET,
    .get_type = inet_get_type,
    .bind = inet_udp_bind,
    .connect = inet_udp_connect,
    .listen = inet_no_listen,
    .accept = inet_no_accept,
    .send = inet_udp_send,
    .receive = inet_udp_receive,
    .shutdown = inet_udp_shutdown,
    .get_name = inet_get_name,
    .set_option = inet_set_option,
    .get_option = inet_get_option,
    .connect_pair = inet_no_pair,
};

const struct file_ops inet_tcp_file_ops = {
    .read = inet_read,
    .write = inet_write,
    .stat = inet_stat,
    .ioctl = inet_ioctl,
    .release = inet_release,
    .poll = inet_tcp_poll,
    .socket = &inet_tcp_socket_ops,
};

const struct file_ops inet_udp_file_ops = {
    .read = inet_read,
    .write = inet_write,
    .stat = inet_stat,
    .ioctl = inet_ioctl,
    .release = inet_release,
    .poll = inet_udp_poll,
    .socket = &inet_udp_socket_ops,
};
