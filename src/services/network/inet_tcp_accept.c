/*
 * inet_tcp_accept.c — the passive side of TCP: bind, listen, the accept
 * queue and accept.
 *
 * Backlog (Linux semantics): Linux queues up to backlog + 1 established
 * connections and drops further SYNs (the client retransmits its SYN and
 * gets in once accept() made room). lwIP (TCP_LISTEN_BACKLOG) drops SYNs
 * while its listener's accepts_pending reaches its backlog, and counts a
 * connection there from the SYN until the accept callback. Our accept
 * callback keeps a queued connection counted (tcp_backlog_delayed) until
 * accept() takes it (tcp_backlog_accepted), so lwIP's limit of
 * backlog + 1 covers the half-open and the queued connections together: a
 * SYN beyond it is dropped silently, as Linux does. lwIP's backlog is a
 * u8_t: backlogs above 254 are taken as 254.
 */
#include <rk/errno.h>
#include <rk/file.h>
#include <rk/string.h>

#include "inet_internal.h"
#include "network_internal.h"

#include "lwip/priv/tcp_priv.h"

/* lwIP's ephemeral ports (tcp.c, TCP_LOCAL_PORT_RANGE_*): tcp_new_port hands out 0xc000-0xfffe. */
#define INET_TCP_EPHEMERAL_FIRST 0xc000u
#define INET_TCP_EPHEMERAL_COUNT 0x3fffu

/* See inet_internal.h. */
u16_t inet_tcp_recycle_time_wait_port(void)
{
    /*
     * Fewer pcbs on ephemeral ports than ports means tcp_new_port finds a
     * free one; only past that do we recycle (tcp_new_port would otherwise
     * scan every list once per port before failing). One pass over the
     * lists, as tcp_new_port makes for every port it tries.
     */
    unsigned in_use = 0;
    struct tcp_pcb *oldest = NULL;
    for (unsigned list = 0; list < NUM_TCP_PCB_LISTS; list++) {
        for (struct tcp_pcb *pcb = *tcp_pcb_lists[list]; pcb; pcb = pcb->next) {
            if (pcb->local_port < INET_TCP_EPHEMERAL_FIRST ||
                pcb->local_port >= INET_TCP_EPHEMERAL_FIRST + INET_TCP_EPHEMERAL_COUNT)
                continue;
            in_use++;
            /* TCP_REG puts new pcbs first: the last one of tcp_tw_pcbs is the oldest. */
            if (tcp_pcb_lists[list] == &tcp_tw_pcbs && !pcb->callback_arg)
                oldest = pcb;
        }
    }
    if (in_use < INET_TCP_EPHEMERAL_COUNT || !oldest)
        return 0;
    u16_t port = oldest->local_port;
    tcp_abort(oldest);      /* a TIME_WAIT pcb is unlinked and freed, no callback, no RST */
    return port;
}

/* See inet_internal.h. */
int inet_tcp_renew_pcb(struct inet_socket *socket)
{
    if (socket->tcp.pcb)
        return 0;
    struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
    if (!pcb)
        return -ENOBUFS;
    inet_tcp_attach(socket, pcb);
    inet_tcp_apply_options(socket);
    if (socket->tcp.bound) {
        ip_addr_t local;
        inet_address_to_lwip(socket->tcp.bound_address, &local);
        if (tcp_bind(pcb, &local, socket->tcp.bound_port) != ERR_OK)
            socket->tcp.bound = false;
    }
    inet_tcp_refresh_names(socket);
    return 0;
}

/* socket_ops.bind for TCP: -EINVAL when bound or connected, -EADDRINUSE, -EADDRNOTAVAIL, -EACCES. */
int inet_tcp_bind(struct file *file, const struct socket_address *address)
{
    struct inet_socket *socket = inet_socket_of(file);
    if (socket->tcp.phase != INET_TCP_UNCONNECTED || socket->tcp.bound)
        return -EINVAL;
    if (!socket->tcp.pcb) {
        int error = inet_tcp_renew_pcb(socket);
        if (error < 0)
            return error;
    }
    if (socket->tcp.pcb->local_port)
        return -EINVAL;
    if (!inet_address_is_local(address->inet.address))
        return -EADDRNOTAVAIL;
    if (address->inet.port && address->inet.port < NETWORK_PRIVILEGED_PORT_END &&
        !network_caller_is_privileged())
        return -EACCES;
    ip_addr_t local;
    inet_address_to_lwip(address->inet.address, &local);
    inet_tcp_apply_options(socket);
    u16_t recycled = address->inet.port ? 0 : inet_tcp_recycle_time_wait_port();
    err_t result = tcp_bind(socket->tcp.pcb, &local, recycled ? recycled : address->inet.port);
    if (recycled && result == ERR_USE)
        result = tcp_bind(socket->tcp.pcb, &local, 0);     /* another pcb shares it: let lwIP look */
    if (result == ERR_USE || result == ERR_BUF)
        return -EADDRINUSE;
    if (result != ERR_OK)
        return inet_error_from_lwip(result);
    socket->tcp.bound = true;
    memcpy(socket->tcp.bound_address, address->inet.address, 4);
    socket->tcp.bound_port = address->inet.port;
    inet_tcp_refresh_names(socket);
    return 0;
}

/* lwIP's backlog for a listen(2) backlog (Linux takes backlog + 1). */
static u8_t inet_tcp_lwip_backlog(int backlog)
{
    if (backlog < 0)
        backlog = 0;
    return (u8_t)RK_MIN(backlog + 1, 254);
}

/* tcp_accept: a connection completed its handshake; queue it with its own socket. */
err_t inet_tcp_accepted(void *argument, struct tcp_pcb *pcb, err_t error)
{
    struct inet_socket *listener = argument;
    if (!pcb || error != ERR_OK)
        return ERR_OK;
    if (!listener)
        return ERR_VAL;     /* lwIP aborts the connection */
    struct inet_socket *child = inet_socket_alloc(INET_TCP);
    if (!child)
        return ERR_MEM;     /* lwIP aborts the connection */
    /* Options a connection inherits from its listener (Linux's sk_clone). */
    child->reuse_address = listener->reuse_address;
    child->keepalive = listener->keepalive;
    child->receive_buffer = listener->receive_buffer;
    child->send_buffer = listener->send_buffer;
    child->receive_timeout_ns = listener->receive_timeout_ns;
    child->send_timeout_ns = listener->send_timeout_ns;
    child->linger_on = listener->linger_on;
    child->linger_seconds = listener->linger_seconds;
    child->tcp.nodelay = listener->tcp.nodelay;
    child->tcp.keep_idle = listener->tcp.keep_idle;
    child->tcp.keep_interval = listener->tcp.keep_interval;
    child->tcp.keep_count = listener->tcp.keep_count;
    child->tcp.phase = INET_TCP_CONNECTED;
    inet_tcp_attach(child, pcb);
    inet_tcp_apply_options(child);
    inet_tcp_refresh_names(child);
    tcp_backlog_delayed(pcb);
    list_push_back(&listener->tcp.accept_queue, &child->tcp.accept_link);
    listener->tcp.accept_count++;
    inet_socket_changed(listener);
    return ERR_OK;
}

/* socket_ops.listen for TCP: a second listen only changes the backlog. */
int inet_tcp_listen(struct file *file, int backlog)
{
    struct inet_socket *socket = inet_socket_of(file);
    if (socket->tcp.phase == INET_TCP_LISTENING) {
        socket->tcp.backlog = backlog;
        ((struct tcp_pcb_listen *)socket->tcp.pcb)->backlog = inet_tcp_lwip_backlog(backlog);
        return 0;
    }
    if (socket->tcp.phase != INET_TCP_UNCONNECTED)
        return -EINVAL;
    if (!socket->tcp.pcb) {
        int error = inet_tcp_renew_pcb(socket);
        if (error < 0)
            return error;
    }
    struct tcp_pcb *pcb = socket->tcp.pcb;
    inet_tcp_apply_options(socket);
    if (!pcb->local_port) {
        u16_t recycled = inet_tcp_recycle_time_wait_port();
        if ((!recycled || tcp_bind(pcb, IP4_ADDR_ANY, recycled) != ERR_OK) &&
            tcp_bind(pcb, IP4_ADDR_ANY, 0) != ERR_OK)
            return -EADDRINUSE;
    }
    err_t result = ERR_OK;
    struct tcp_pcb *listener = tcp_listen_with_backlog_and_err(pcb, inet_tcp_lwip_backlog(backlog),
                                                              &result);
    if (!listener)
        return result == ERR_USE ? -EADDRINUSE : inet_error_from_lwip(result);
    /* The CLOSED pcb is freed (without callbacks); the listener carries our argument. */
    socket->tcp.pcb = listener;
    socket->tcp.phase = INET_TCP_LISTENING;
    socket->tcp.backlog = backlog;
    socket->shutdown = 0;
    tcp_arg(listener, socket);
    tcp_accept(listener, inet_tcp_accepted);
    inet_tcp_refresh_names(socket);
    return 0;
}

/* socket_ops.accept for TCP (see rk/socket.h); waits with SO_RCVTIMEO as Linux. */
int inet_tcp_accept(struct file *file, struct file **new_socket, struct socket_address *peer,
                    int flags)
{
    struct inet_socket *socket = inet_socket_of(file);
    uint64_t deadline = inet_deadline(socket->receive_timeout_ns);
    for (;;) {
        if (socket->tcp.phase != INET_TCP_LISTENING)
            return -EINVAL;
        if (socket->tcp.accept_count)
            break;
        if (file->flags & O_NONBLOCK)
            return -EAGAIN;
        int error = inet_wait(socket, deadline);
        if (error < 0)
            return error;
    }
    struct list_node *node = list_pop_front(&socket->tcp.accept_queue);
    struct inet_socket *child = list_entry(node, struct inet_socket, tcp.accept_link);
    struct file *child_file = inet_socket_file(child, (flags & SOCK_NONBLOCK) ? O_NONBLOCK : 0);
    if (!child_file) {
        list_push_front(&socket->tcp.accept_queue, node);
        return -ENOMEM;
    }
    socket->tcp.accept_count--;
    if (child->tcp.pcb)
        tcp_backlog_accepted(child->tcp.pcb);
    if (peer)
        inet_fill_address(peer, child->remote_address, child->remote_port);
    *new_socket = child_file;
    inet_socket_changed(socket);
    return 0;
}

/* See inet_internal.h. */
void inet_tcp_stop_listening(struct inet_socket *socket)
{
    struct tcp_pcb *listener = socket->tcp.pcb;
    socket->tcp.pcb = NULL;
    if (listener) {
        inet_tcp_detach(listener);
        tcp_close(listener);    /* frees a listener at once; its half-open connections lose it */
    }
    struct list_node *node;
    while ((node = list_pop_front(&socket->tcp.accept_queue))) {
        struct inet_socket *child = list_entry(node, struct inet_socket, tcp.accept_link);
        if (child->tcp.pcb) {
            struct tcp_pcb *pcb = child->tcp.pcb;
            child->tcp.pcb = NULL;
            inet_tcp_detach(pcb);
            tcp_abort(pcb);     /* Linux resets connections nobody accepted */
        }
        inet_tcp_drop_receive_queue(child);
        inet_socket_free(child);
    }
    socket->tcp.accept_count = 0;
    socket->tcp.phase = INET_TCP_UNCONNECTED;
    inet_kick();
}
