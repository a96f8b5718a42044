/*
 * unix_stream.c — connection-oriented AF_UNIX sockets (SOCK_STREAM, and
 * the connection half of SOCK_SEQPACKET): listen, connect (immediate: the
 * new connection waits in the listener's queue until accepted), accept,
 * shutdown, socketpair, and the byte stream (Linux 6.1's af_unix.c
 * unix_stream_connect, unix_accept, unix_stream_sendmsg,
 * unix_stream_read_generic).
 */
#include <rk/errno.h>
#include <rk/heap.h>
#include <rk/poll.h>
#include <rk/string.h>

#include "unix_internal.h"

/* True when the socket file may not block (O_NONBLOCK or MSG_DONTWAIT). */
static bool unix_nonblocking(struct file *file, int flags)
{
    return (file->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT);
}

/*
 * connect(2) for stream and seqpacket. Linux's order: find the listener
 * (-ENOENT, -ECONNREFUSED, -EPROTOTYPE...), refuse when it does not
 * listen, wait while its queue is full (-EAGAIN when nonblocking or after
 * SO_SNDTIMEO), and only then -EISCONN / -EINVAL for this socket's state.
 */
int unix_stream_connect(struct file *file, const struct socket_address *address)
{
    struct unix_socket *socket = unix_socket_of(file);
    if (address->family != AF_UNIX)
        return -EINVAL;
    if (socket->pass_credentials && !socket->name) {
        int error = unix_autobind(socket);
        if (error < 0)
            return error;
    }
    struct unix_wait wait;
    unix_wait_start(&wait, unix_nonblocking(file, 0), socket->send_timeout_ns);
    struct unix_socket *listener;
    for (;;) {
        listener = unix_find(address, socket->type);
        if (is_error_pointer(listener))
            return (int)pointer_error(listener);
        int error = 0;
        if (listener->state != UNIX_LISTENING || (listener->shutdown & UNIX_SHUTDOWN_RECEIVE))
            error = -ECONNREFUSED;
        else if (listener->pending_count > listener->backlog)
            error = unix_wait_once(&wait, &listener->peer_waiters);
        else
            break;
        unix_socket_put(listener);
        if (error < 0)
            return error;
    }
    int error = 0;
    if (socket->state == UNIX_CONNECTED)
        error = -EISCONN;
    else if (socket->state != UNIX_UNCONNECTED)
        error = -EINVAL;
    struct unix_socket *connection = error ? NULL : unix_socket_alloc(socket->type);
    if (!error && !connection)
        error = -ENOMEM;
    if (error < 0) {
        unix_socket_put(listener);
        return error;
    }
    struct socket_credentials real, effective;
    unix_current_credentials(&real, &effective);
    /* The listener's side: connected to this socket, named as the listener, our credentials. */
    connection->state = UNIX_CONNECTED;
    connection->peer = socket;
    unix_socket_get(socket);
    connection->name = listener->name;
    unix_name_get(connection->name);
    connection->has_peer_credentials = true;
    connection->peer_credentials = effective;
    connection->send_buffer = listener->send_buffer;
    connection->receive_buffer = listener->receive_buffer;
    connection->pass_credentials = listener->pass_credentials;
    /* This side: connected to it, with the listener's credentials from listen(). */
    socket->state = UNIX_CONNECTED;
    socket->peer = connection;
    unix_socket_get(connection);
    socket->has_peer_credentials = listener->has_peer_credentials;
    socket->peer_credentials = listener->peer_credentials;
    /* The listener's queue holds the connection's owner reference until accept. */
    list_push_back(&listener->pending, &connection->pending_link);
    listener->pending_count++;
    wait_queue_wake_all(&listener->read_waiters);
    poll_notify();
    unix_socket_put(listener);
    return 0;
}

/*
 * listen(2): a bound, unconnected (or listening) socket starts or keeps
 * listening with backlog (backlog + 1 connections wait, as Linux); its
 * SO_PEERCRED becomes the caller's. -EINVAL when unbound or connected.
 */
int unix_stream_listen(struct file *file, int backlog)
{
    struct unix_socket *socket = unix_socket_of(file);
    if (!socket->name)
        return -EINVAL;
    if (socket->state != UNIX_UNCONNECTED && socket->state != UNIX_LISTENING)
        return -EINVAL;
    if (backlog < 0)
        backlog = 0;
    if ((unsigned)backlog > socket->backlog)
        wait_queue_wake_all(&socket->peer_waiters);
    socket->backlog = (unsigned)backlog;
    socket->state = UNIX_LISTENING;
    struct socket_credentials real;
    unix_current_credentials(&real, &socket->peer_credentials);
    socket->has_peer_credentials = true;
    poll_notify_changes(&socket->readiness_changes);
    return 0;
}

/*
 * accept(2): wait (O_NONBLOCK, SO_RCVTIMEO) for the oldest waiting
 * connection and give it a file (*new_socket, one reference; O_NONBLOCK
 * with SOCK_NONBLOCK) and the connecting socket's address in *peer.
 * -EINVAL when not listening (or shut down), -EAGAIN, -ENOMEM, a signal's
 * error.
 */
int unix_stream_accept(struct file *file, struct file **new_socket, struct socket_address *peer,
                       int flags)
{
    struct unix_socket *socket = unix_socket_of(file);
    if (socket->state != UNIX_LISTENING)
        return -EINVAL;
    struct unix_wait wait;
    unix_wait_start(&wait, unix_nonblocking(file, 0), socket->receive_timeout_ns);
    while (list_is_empty(&socket->pending)) {
        if (socket->error) {
            int error = -socket->error;
            socket->error = 0;
            return error;
        }
        if ((socket->shutdown & UNIX_SHUTDOWN_RECEIVE) || socket->state != UNIX_LISTENING)
            return -EINVAL;
        int error = unix_wait_once(&wait, &socket->read_waiters);
        if (error < 0)
            return error;
    }
    struct unix_socket *connection =
        list_entry(list_pop_front(&socket->pending), struct unix_socket, pending_link);
    socket->pending_count--;
    unsigned file_flags = O_RDWR | ((flags & SOCK_NONBLOCK) ? O_NONBLOCK : 0);
    int error = unix_socket_attach_file(connection, file_flags, new_socket);
    if (error < 0) {
        list_push_front(&socket->pending, &connection->pending_link);
        socket->pending_count++;
        return error;
    }
    wait_queue_wake_all(&socket->peer_waiters);
    poll_notify();
    if (peer)
        unix_name_to_address(connection->peer ? connection->peer->name : NULL, peer);
    return 0;
}

/*
 * shutdown(2) for every type: the socket's own bits, and for stream and
 * seqpacket the mirrored bits on the peer (its reads end, its writes
 * fail). Always 0 for a valid how, connected or not (Linux).
 */
int unix_shutdown(struct file *file, int how)
{
    struct unix_socket *socket = unix_socket_of(file);
    if (how < SHUT_RD || how > SHUT_RDWR)
        return -EINVAL;
    unsigned mode = (unsigned)how + 1;      /* SHUT_RD: receive, SHUT_WR: send, SHUT_RDWR: both */
    socket->shutdown |= mode;
    unix_wake_all(socket);
    struct unix_socket *peer = socket->peer;
    if (peer && unix_connection_based(socket)) {
        unsigned peer_mode = 0;
        if (mode & UNIX_SHUTDOWN_RECEIVE)
            peer_mode |= UNIX_SHUTDOWN_SEND;
        if (mode & UNIX_SHUTDOWN_SEND)
            peer_mode |= UNIX_SHUTDOWN_RECEIVE;
        peer->shutdown |= peer_mode;
        unix_wake_all(peer);
    }
    return 0;
}

/*
 * socketpair(2): two fresh sockets of the same kind become each other's
 * peer, with the caller's credentials on both sides. -EINVAL otherwise.
 */
int unix_connect_pair(struct file *file, struct file *other_file)
{
    struct unix_socket *socket = unix_socket_of(file);
    struct unix_socket *other = unix_socket_of(other_file);
    if (other_file->ops->socket != file->ops->socket || socket == other)
        return -EINVAL;
    if (socket->state != UNIX_UNCONNECTED || other->state != UNIX_UNCONNECTED || socket->peer ||
        other->peer)
        return -EINVAL;
    struct socket_credentials real, effective;
    unix_current_credentials(&real, &effective);
    socket->peer = other;
    unix_socket_get(other);
    other->peer = socket;
    unix_socket_get(socket);
    socket->state = UNIX_CONNECTED;
    other->state = UNIX_CONNECTED;
    socket->has_peer_credentials = other->has_peer_credentials = true;
    socket->peer_credentials = other->peer_credentials = effective;
    poll_notify();
    return 0;
}

/*
 * send(2) on a stream: chunks of at most UNIX_STREAM_CHUNK_MAX (and half
 * the send budget) appended to the peer's queue; the passed files go with
 * the first chunk. Blocks while the budget is used up. Returns the bytes
 * sent, or (nothing sent) -EPIPE once the peer is gone or shut reading or
 * this side shut writing, -ENOTCONN, -EISCONN / -EOPNOTSUPP for an
 * address, -EAGAIN, -EFAULT, -ENOMEM, a signal's error.
 */
long unix_stream_send(struct file *file, struct socket_message *message, int flags)
{
    struct unix_socket *socket = unix_socket_of(file);
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    if (message->address && message->address->family != AF_UNSPEC)
        return socket->state == UNIX_CONNECTED ? -EISCONN : -EOPNOTSUPP;
    struct unix_socket *peer = socket->peer;
    if (!peer || socket->state != UNIX_CONNECTED)
        return -ENOTCONN;
    if (socket->shutdown & UNIX_SHUTDOWN_SEND)
        return -EPIPE;
    if (message->rights_count > 0)
        unix_gc_before_send();
    size_t total = io_remaining(message->data);
    size_t sent = 0;
    struct unix_wait wait;
    unix_wait_start(&wait, unix_nonblocking(file, flags), socket->send_timeout_ns);
    while (sent < total) {
        long error = 0;
        while (unix_send_budget_full(socket)) {
            if ((socket->shutdown & UNIX_SHUTDOWN_SEND) || peer->released)
                break;
            if ((error = unix_wait_once(&wait, &socket->write_waiters)) < 0)
                break;
        }
        if (error < 0)
            return sent ? (long)sent : error;
        if ((socket->shutdown & UNIX_SHUTDOWN_SEND) || peer->released ||
            (peer->shutdown & UNIX_SHUTDOWN_RECEIVE))
            return sent ? (long)sent : -EPIPE;
        size_t limit = socket->send_buffer / 2 - 64;
        size_t size = RK_MIN(RK_MIN(total - sent, (size_t)UNIX_STREAM_CHUNK_MAX), limit);
        struct unix_buffer *buffer = unix_buffer_create(socket, size, message, sent == 0);
        if (!buffer)
            return sent ? (long)sent : -ENOMEM;
        if (io_copy_in(message->data, buffer->data, size) < 0) {
            unix_buffer_free(buffer);
            return sent ? (long)sent : -EFAULT;
        }
        unix_queue_append(peer, buffer);
        sent += size;
    }
    return (long)sent;
}

/* True when buffer's credentials differ from the ones a receive started with. */
static bool unix_credentials_differ(const struct socket_credentials *a,
                                    const struct socket_credentials *b)
{
    return a->pid != b->pid || a->uid != b->uid || a->gid != b->gid;
}

/*
 * recv(2) on a stream (Linux's unix_stream_read_generic): gathers bytes
 * across buffers until the request (MSG_WAITALL) or SO_RCVLOWAT is met,
 * never past a buffer that carried files, and (SO_PASSCRED) never across
 * two writers. Returns bytes, 0 at end of stream (shutdown, closed peer),
 * -EINVAL when not connected, a pending error (-ECONNRESET) once the queue
 * is empty, -EAGAIN, -EFAULT, a signal's error.
 */
long unix_stream_receive(struct file *file, struct socket_message *message, int flags)
{
    if (message->address)
        memset(message->address, 0, sizeof *message->address);   /* AF_UNSPEC until a source is known */
    struct unix_socket *socket = unix_socket_of(file);
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    if (socket->state != UNIX_CONNECTED)
        return -EINVAL;
    bool peek = (flags & MSG_PEEK) != 0;
    size_t size = io_remaining(message->data);
    size_t target = (flags & MSG_WAITALL) ? size : RK_MIN((size_t)socket->receive_low_water, size);
    if (target == 0)
        target = 1;
    struct unix_wait wait;
    unix_wait_start(&wait, unix_nonblocking(file, flags), socket->receive_timeout_ns);
    size_t copied = 0;
    size_t skip = 0;                 /* peek: bytes already looked at */
    long error = 0;
    bool have_source = false;
    struct socket_credentials first_credentials = { 0 };
    struct file **dropped = NULL;
    unsigned dropped_count = 0;
    while (copied < size || copied == 0) {
        struct unix_buffer *buffer = NULL;
        size_t offset = skip;
        list_for_each(node, &socket->queue) {
            struct unix_buffer *candidate = list_entry(node, struct unix_buffer, link);
            size_t left = candidate->length - candidate->consumed;
            if (offset < left || (left == 0 && offset == 0)) {
                buffer = candidate;
                break;
            }
            offset -= left;
        }
        if (!buffer) {
            if (copied >= target)
                break;
            if (socket->error) {
                error = -socket->error;
                socket->error = 0;
                break;
            }
            if (socket->shutdown & UNIX_SHUTDOWN_RECEIVE)
                break;
            if ((error = unix_wait_once(&wait, &socket->read_waiters)) < 0)
                break;
            continue;
        }
        if (have_source && socket->pass_credentials &&
            unix_credentials_differ(&first_credentials, &buffer->credentials))
            break;
        if (!have_source) {
            unix_message_note_source(socket, buffer, message);
            first_credentials = buffer->credentials;
            have_source = true;
        }
        size_t start = buffer->consumed + offset;
        size_t chunk = RK_MIN(buffer->length - start, size - copied);
        size_t before = message->data->transferred;
        int fault = io_copy_out(message->data, buffer->data + start, chunk);
        chunk = message->data->transferred - before;
        copied += chunk;
        if (fault < 0 && chunk == 0) {
            if (copied == 0)
                error = -EFAULT;
            break;
        }
        bool had_rights = buffer->rights_count > 0;
        if (!peek) {
            buffer->consumed += chunk;
            socket->queue_bytes -= chunk;
            if (had_rights)
                unix_rights_deliver(buffer, message, false, &dropped, &dropped_count);
            if (buffer->consumed < buffer->length) {
                if (fault < 0 || copied >= size)
                    break;
                continue;
            }
            unix_queue_unlink(socket, buffer);
            unix_buffer_free(buffer);
            if (had_rights || fault < 0 || size == 0)
                break;
        } else {
            if (had_rights)
                unix_rights_deliver(buffer, message, true, &dropped, &dropped_count);
            if (had_rights || fault < 0 || size == 0)
                break;
            skip += chunk;
            if (buffer->link.next == &socket->queue)
                break;
        }
        if (copied >= size)
            break;
    }
    unix_rights_drop(dropped, dropped_count);
    if (copied > 0)
        return (long)copied;
    return error;
}
