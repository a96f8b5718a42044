/*
 * unix_datagram.c — AF_UNIX records: SOCK_DGRAM connect, send and
 * receive, and the record half of SOCK_SEQPACKET (Linux 6.1's
 * unix_dgram_connect, unix_dgram_sendmsg, unix_dgram_recvmsg and the
 * seqpacket wrappers around them).
 */
#include <rk/errno.h>
#include <rk/poll.h>
#include <rk/string.h>

#include "unix_internal.h"

/* True when the socket file may not block (O_NONBLOCK or MSG_DONTWAIT). */
static bool unix_nonblocking(struct file *file, int flags)
{
    return (file->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT);
}

/*
 * socket was connected to old and is no longer (Linux's
 * unix_dgram_disconnected): what it had queued is dropped, and when old
 * was connected back to it, old learns of it (ECONNRESET). Drops the
 * association's reference on old.
 */
static void unix_datagram_disconnected(struct unix_socket *socket, struct unix_socket *old)
{
    struct list_node buffers;
    list_init(&buffers);
    if (socket->queue_length > 0) {
        unix_queue_take_all(socket, &buffers);
        if (!old->released && old->peer == socket) {
            old->error = ECONNRESET;
            unix_wake_all(old);
        }
    }
    unix_buffer_list_free(&buffers);
    unix_socket_put(old);
}

/* Linux's unix_may_send(): target is connected to nobody or to socket. */
static bool unix_may_send(const struct unix_socket *socket, const struct unix_socket *target)
{
    return target->peer == NULL || target->peer == socket;
}

/*
 * connect(2) on a datagram socket: AF_UNSPEC dissolves the association;
 * otherwise the named socket becomes the default destination and the only
 * source received from (-EPERM when it is connected to another socket).
 */
int unix_datagram_connect(struct file *file, const struct socket_address *address)
{
    struct unix_socket *socket = unix_socket_of(file);
    if (address->family == AF_UNSPEC) {
        struct unix_socket *old = socket->peer;
        socket->peer = NULL;
        socket->state = UNIX_UNCONNECTED;
        if (old)
            unix_datagram_disconnected(socket, old);
        poll_notify();
        return 0;
    }
    if (socket->pass_credentials && !socket->name) {
        int error = unix_autobind(socket);
        if (error < 0)
            return error;
    }
    struct unix_socket *target = unix_find(address, socket->type);
    if (is_error_pointer(target))
        return (int)pointer_error(target);
    if (!unix_may_send(socket, target)) {
        unix_socket_put(target);
        return -EPERM;
    }
    struct unix_socket *old = socket->peer;
    socket->peer = target;                 /* find's reference becomes the association's */
    socket->state = UNIX_CONNECTED;
    if (old && old != target)
        unix_datagram_disconnected(socket, old);
    else if (old)
        unix_socket_put(old);
    poll_notify();
    return 0;
}

/*
 * sendmsg(2) of one datagram or record. The payload is copied first (a
 * bad buffer is -EFAULT whatever the destination), then the destination
 * is found: the address (datagram only; a seqpacket socket ignores it) or
 * the peer. Blocks while this socket's budget is used up, or while a
 * receiver that is not connected back has UNIX_DATAGRAM_QUEUE_LIMIT + 1
 * datagrams queued. Returns the length, or -EMSGSIZE (more than
 * SO_SNDBUF - 32 bytes), -ENOTCONN, -EPIPE (shut down; seqpacket peer
 * gone), -ECONNREFUSED (nobody bound, or the connected peer closed, which
 * dissolves the association), -EPERM, -EAGAIN, -ENOMEM, a signal's error.
 */
long unix_datagram_send(struct file *file, struct socket_message *message, int flags)
{
    struct unix_socket *socket = unix_socket_of(file);
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    if (message->rights_count > 0)
        unix_gc_before_send();
    bool seqpacket = socket->type == SOCK_SEQPACKET;
    const struct socket_address *address = message->address;
    if (seqpacket) {
        if (socket->error) {
            int error = -socket->error;
            socket->error = 0;
            return error;
        }
        if (socket->state != UNIX_CONNECTED)
            return -ENOTCONN;
        address = NULL;
    }
    if (address && address->family == AF_UNSPEC)
        address = NULL;
    if (!address && !socket->peer)
        return -ENOTCONN;
    if (socket->pass_credentials && !socket->name) {
        int error = unix_autobind(socket);
        if (error < 0)
            return error;
    }
    size_t length = io_remaining(message->data);
    if (length > socket->send_buffer - 32)
        return -EMSGSIZE;
    if (socket->shutdown & UNIX_SHUTDOWN_SEND)
        return -EPIPE;
    struct unix_wait wait;
    unix_wait_start(&wait, unix_nonblocking(file, flags), socket->send_timeout_ns);
    while (unix_send_budget_full(socket)) {
        int error = unix_wait_once(&wait, &socket->write_waiters);
        if (error < 0)
            return error;
        if (socket->shutdown & UNIX_SHUTDOWN_SEND)
            return -EPIPE;
    }
    struct unix_buffer *buffer = unix_buffer_create(socket, length, message, true);
    if (!buffer)
        return -ENOMEM;
    if (io_copy_in(message->data, buffer->data, length) < 0) {
        unix_buffer_free(buffer);
        return -EFAULT;
    }
    long result;
    for (;;) {
        struct unix_socket *target;
        if (address) {
            target = unix_find(address, socket->type);
            if (is_error_pointer(target)) {
                result = pointer_error(target);
                break;
            }
        } else {
            target = socket->peer;
            if (!target) {
                result = -ENOTCONN;
                break;
            }
            unix_socket_get(target);
        }
        if (target->released) {
            result = -ECONNREFUSED;
            if (seqpacket) {
                result = -EPIPE;
            } else if (socket->peer == target) {
                socket->peer = NULL;
                socket->state = UNIX_UNCONNECTED;
                unix_datagram_disconnected(socket, target);
            }
            unix_socket_put(target);
            break;
        }
        if (!unix_may_send(socket, target)) {
            unix_socket_put(target);
            result = -EPERM;
            break;
        }
        if (target->shutdown & UNIX_SHUTDOWN_RECEIVE) {
            unix_socket_put(target);
            result = -EPIPE;
            break;
        }
        if (target != socket && target->peer != socket &&
            target->queue_length > target->backlog) {
            int error = unix_wait_once(&wait, &target->peer_waiters);
            unix_socket_put(target);
            if (error < 0) {
                result = error;
                break;
            }
            continue;
        }
        unix_queue_append(target, buffer);
        unix_socket_put(target);
        return (long)length;
    }
    unix_buffer_free(buffer);
    return result;
}

/*
 * recvmsg(2) of one datagram or record: a pending error first, then the
 * oldest buffer (MSG_PEEK leaves it queued). A record longer than the
 * request is cut (MSG_TRUNC in result_flags; the flag MSG_TRUNC makes the
 * result the full length). Without data: 0 once shut for reading
 * (blocking datagram, or any seqpacket), -EAGAIN, -ENOTCONN (seqpacket
 * not connected), a signal's error. A copy fault loses the record
 * (-EFAULT), as in Linux.
 */
long unix_datagram_receive(struct file *file, struct socket_message *message, int flags)
{
    if (message->address)
        memset(message->address, 0, sizeof *message->address);   /* AF_UNSPEC until a source is known */
    struct unix_socket *socket = unix_socket_of(file);
    bool seqpacket = socket->type == SOCK_SEQPACKET;
    if (seqpacket && socket->state != UNIX_CONNECTED)
        return -ENOTCONN;
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    struct unix_wait wait;
    unix_wait_start(&wait, unix_nonblocking(file, flags), socket->receive_timeout_ns);
    while (list_is_empty(&socket->queue)) {
        if (socket->error) {
            int error = -socket->error;
            socket->error = 0;
            return error;
        }
        if (socket->shutdown & UNIX_SHUTDOWN_RECEIVE) {
            if (seqpacket || !wait.immediate)
                return 0;
            return -EAGAIN;
        }
        int error = unix_wait_once(&wait, &socket->read_waiters);
        if (error < 0)
            return error;
    }
    if (socket->error) {
        int error = -socket->error;
        socket->error = 0;
        return error;
    }
    struct unix_buffer *buffer = list_entry(socket->queue.next, struct unix_buffer, link);
    bool peek = (flags & MSG_PEEK) != 0;
    if (!peek)
        unix_queue_unlink(socket, buffer);
    size_t size = io_remaining(message->data);
    size_t count = RK_MIN(size, buffer->length);
    if (count < buffer->length)
        message->result_flags |= MSG_TRUNC;
    unix_message_note_source(socket, buffer, message);
    long result = (flags & MSG_TRUNC) ? (long)buffer->length : (long)count;
    struct file **dropped = NULL;
    unsigned dropped_count = 0;
    if (io_copy_out(message->data, buffer->data, count) < 0) {
        result = -EFAULT;
        message->result_flags &= ~(unsigned)MSG_TRUNC;
    } else {
        unix_rights_deliver(buffer, message, peek, &dropped, &dropped_count);
    }
    if (!peek)
        unix_buffer_free(buffer);
    unix_rights_drop(dropped, dropped_count);
    return result;
}
