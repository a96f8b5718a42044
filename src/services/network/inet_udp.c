/*
 * inet_udp.c — UDP sockets over lwIP's raw API: bind, connect (AF_UNSPEC
 * dissolves), send with or without a destination, receive with the
 * source address and datagram boundaries, shutdown and poll (Linux's
 * datagram_poll). Datagrams arrive through inet_udp_received
 * (inet_socket.c) into a queue bounded by SO_RCVBUF; a datagram that does
 * not fit is dropped, as Linux. ICMP errors (port unreachable) are not
 * reported: lwIP's raw API does not pass them to the pcb, so a send to a
 * closed port succeeds and later calls see no ECONNREFUSED.
 */
#include <rk/errno.h>
#include <rk/file.h>
#include <rk/heap.h>
#include <rk/poll.h>
#include <rk/string.h>
#include <rk/vfs.h>

#include "inet_internal.h"
#include "network_internal.h"

/* See inet_internal.h. */
void inet_udp_drop_queue(struct inet_socket *socket)
{
    struct inet_datagram *datagram = socket->udp.head;
    while (datagram) {
        struct inet_datagram *next = datagram->next;
        pbuf_free(datagram->chain);
        kfree(datagram);
        datagram = next;
    }
    socket->udp.head = socket->udp.tail = NULL;
    socket->udp.queued_bytes = 0;
    socket->udp.queued_count = 0;
}

/* socket_ops.bind for UDP: -EINVAL when bound, -EADDRINUSE, -EADDRNOTAVAIL, -EACCES (port < 1024). */
int inet_udp_bind(struct file *file, const struct socket_address *address)
{
    struct inet_socket *socket = inet_socket_of(file);
    struct udp_pcb *pcb = socket->udp.pcb;
    if (pcb->local_port)
        return -EINVAL;
    if (!inet_address_is_local(address->inet.address))
        return -EADDRNOTAVAIL;
    if (address->inet.port && address->inet.port < NETWORK_PRIVILEGED_PORT_END &&
        !network_caller_is_privileged())
        return -EACCES;
    ip_addr_t local;
    inet_address_to_lwip(address->inet.address, &local);
    err_t result = udp_bind(pcb, &local, address->inet.port);
    if (result == ERR_USE)
        return -EADDRINUSE;
    return inet_error_from_lwip(result);
}

/* socket_ops.connect for UDP: set or (AF_UNSPEC) dissolve the default destination and filter. */
int inet_udp_connect(struct file *file, const struct socket_address *address)
{
    struct inet_socket *socket = inet_socket_of(file);
    struct udp_pcb *pcb = socket->udp.pcb;
    if (address->family == AF_UNSPEC) {
        if (socket->udp.connected)
            udp_disconnect(pcb);
        socket->udp.connected = false;
        memset(socket->remote_address, 0, 4);
        socket->remote_port = 0;
        return 0;
    }
    ip_addr_t remote;
    inet_address_to_lwip(address->inet.address, &remote);
    err_t result = udp_connect(pcb, &remote, address->inet.port);
    if (result != ERR_OK)
        return inet_error_from_lwip(result);
    socket->udp.connected = true;
    memcpy(socket->remote_address, address->inet.address, 4);
    socket->remote_port = address->inet.port;
    socket->shutdown = 0;
    return 0;
}

/* socket_ops.send for UDP: one datagram of the whole message. */
long inet_udp_send(struct file *file, struct socket_message *message, int flags)
{
    struct inet_socket *socket = inet_socket_of(file);
    struct udp_pcb *pcb = socket->udp.pcb;
    size_t length = io_remaining(message->data);
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    bool addressed = message->address && message->address->family == AF_INET;
    if (!addressed && !socket->udp.connected)
        return -EDESTADDRREQ;
    if (length > INET_UDP_PAYLOAD_MAX)
        return -EMSGSIZE;
    struct pbuf *chain = pbuf_alloc(PBUF_TRANSPORT, (u16_t)length, PBUF_RAM);
    if (!chain)
        return -ENOBUFS;
    for (struct pbuf *piece = chain; piece; piece = piece->next) {
        int error = io_copy_in(message->data, piece->payload, piece->len);
        if (error < 0) {
            pbuf_free(chain);
            return error;
        }
    }
    err_t result;
    if (addressed) {
        ip_addr_t remote;
        inet_address_to_lwip(message->address->inet.address, &remote);
        result = udp_sendto(pcb, chain, &remote, message->address->inet.port);
    } else {
        result = udp_send(pcb, chain);
    }
    pbuf_free(chain);
    inet_kick();
    if (result == ERR_RTE)
        return -ENETUNREACH;
    /*
     * The interface could not take the frame (a full transmit ring, a
     * driver error; the interface counts the drop): Linux drops such a
     * datagram and reports success (udp_send_skb without IP_RECVERR).
     */
    if (result != ERR_OK && result != ERR_MEM && result != ERR_IF)
        return inet_error_from_lwip(result);
    return (long)length;
}

/* socket_ops.receive for UDP: one datagram; MSG_TRUNC when it was longer than the buffer. */
long inet_udp_receive(struct file *file, struct socket_message *message, int flags)
{
    struct inet_socket *socket = inet_socket_of(file);
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    uint64_t deadline = inet_deadline(socket->receive_timeout_ns);
    while (!socket->udp.head) {
        if (socket->pending_error)
            return inet_take_error(socket);
        if (socket->shutdown & INET_RECEIVE_SHUTDOWN)
            return 0;
        if (inet_nonblocking(file, flags))
            return -EAGAIN;
        int error = inet_wait(socket, deadline);
        if (error < 0)
            return error;
    }
    struct inet_datagram *datagram = socket->udp.head;
    size_t size = datagram->chain->tot_len;
    size_t count = RK_MIN(size, io_remaining(message->data));
    int error = inet_copy_chain_out(message->data, datagram->chain, 0, count);
    if (error < 0)
        return error;
    if (count < size)
        message->result_flags |= MSG_TRUNC;
    if (message->address)
        inet_fill_address(message->address, datagram->address, datagram->port);
    if (!(flags & MSG_PEEK)) {
        socket->udp.head = datagram->next;
        if (!socket->udp.head)
            socket->udp.tail = NULL;
        socket->udp.queued_bytes -= inet_udp_charge(size);
        socket->udp.queued_count--;
        pbuf_free(datagram->chain);
        kfree(datagram);
    }
    /* recv(MSG_TRUNC) returns the datagram's real length, as Linux. */
    return (long)((flags & MSG_TRUNC) ? size : count);
}

/* socket_ops.shutdown for UDP: -ENOTCONN unless connected (the bits are set anyway, as Linux). */
int inet_udp_shutdown(struct file *file, int how)
{
    struct inet_socket *socket = inet_socket_of(file);
    socket->shutdown |= (unsigned)how + 1;
    inet_socket_changed(socket);
    return socket->udp.connected ? 0 : -ENOTCONN;
}

/* file_ops.poll for UDP: Linux's datagram_poll (always writable). */
unsigned inet_udp_poll(struct file *file)
{
    struct inet_socket *socket = inet_socket_of(file);
    if (!socket)
        return POLLNVAL;
    unsigned mask = POLLOUT | POLLWRNORM | POLLWRBAND;
    if (socket->udp.head)
        mask |= POLLIN | POLLRDNORM;
    if (socket->shutdown & INET_RECEIVE_SHUTDOWN)
        mask |= POLLIN | POLLRDNORM | POLLRDHUP;
    if (socket->shutdown == INET_SHUTDOWN_BOTH)
        mask |= POLLHUP;
    if (socket->pending_error)
        mask |= POLLERR;
    return mask;
}
