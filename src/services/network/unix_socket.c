/*
 * unix_socket.c — AF_UNIX sockets: creation, references, release, the
 * file and socket ops tables, fstat/poll/ioctl and socketpair (the model
 * and the rules are in unix_internal.h).
 */
#include <rk/errno.h>
#include <rk/heap.h>
#include <rk/poll.h>
#include <rk/string.h>
#include <rk/system.h>
#include <rk/usercopy.h>

#include "network_internal.h"
#include "unix_internal.h"

static uint64_t next_inode_number = 40000;

/* Socket inode numbers start again (service start: same numbers every boot). */
void unix_inode_numbers_reset(void) { next_inode_number = 40000; }

struct unix_socket *unix_socket_alloc(int type)
{
    struct unix_socket *socket = kzalloc(sizeof *socket);
    if (!socket)
        return NULL;
    socket->references = 1;
    socket->type = type;
    socket->state = UNIX_UNCONNECTED;
    list_init(&socket->bound_link);
    list_init(&socket->queue);
    list_init(&socket->pending);
    list_init(&socket->pending_link);
    socket->backlog = UNIX_DATAGRAM_QUEUE_LIMIT;
    socket->send_buffer = UNIX_DEFAULT_BUFFER;
    socket->receive_buffer = UNIX_DEFAULT_BUFFER;
    wait_queue_init(&socket->read_waiters);
    wait_queue_init(&socket->write_waiters);
    wait_queue_init(&socket->peer_waiters);
    socket->receive_low_water = 1;
    socket->receive_timeout_ns = WAIT_FOREVER;
    socket->send_timeout_ns = WAIT_FOREVER;
    socket->peer_credentials = (struct socket_credentials){ .pid = 0, .uid = UINT32_MAX,
                                                            .gid = UINT32_MAX };
    socket->inode_number = next_inode_number++;
    struct socket_credentials real, effective;
    unix_current_credentials(&real, &effective);
    socket->owner_uid = effective.uid;
    socket->owner_gid = effective.gid;
    socket->created = time_now();
    unix_socket_list_add(socket);
    return socket;
}

void unix_socket_get(struct unix_socket *socket) { socket->references++; }

void unix_socket_put(struct unix_socket *socket)
{
    if (!socket || --socket->references > 0)
        return;
    /* Nothing can be queued: the owner's drop emptied the queue, and nobody sends to a dead socket. */
    unix_socket_list_remove(socket);
    if (socket->name)
        unix_name_put(socket->name);
    kfree(socket);
}

/* The ops of a socket file of type. */
static const struct file_ops *unix_file_ops_of(int type);

int unix_socket_attach_file(struct unix_socket *socket, unsigned flags, struct file **out)
{
    struct file *file = file_alloc(unix_file_ops_of(socket->type), &network_service, flags);
    if (!file)
        return -ENOMEM;
    file->private = socket;
    socket->file = file;
    file->readiness_changes = &socket->readiness_changes;
    *out = file;
    return 0;
}

int unix_socket_create(int type, struct file **out)
{
    if (type != SOCK_STREAM && type != SOCK_DGRAM && type != SOCK_SEQPACKET)
        return -ESOCKTNOSUPPORT;
    struct unix_socket *socket = unix_socket_alloc(type);
    if (!socket)
        return -ENOMEM;
    int error = unix_socket_attach_file(socket, O_RDWR, out);
    if (error < 0)
        unix_socket_drop(socket);
    return error;
}

void unix_socket_drop(struct unix_socket *socket)
{
    /* First every state change, then what may re-enter (file_put of passed files). */
    bool embryo = socket->file == NULL && socket->state == UNIX_CONNECTED;
    socket->file = NULL;
    socket->released = true;
    socket->shutdown = UNIX_SHUTDOWN_BOTH;
    unix_unbind(socket);

    struct list_node pending;
    list_init(&pending);
    while (!list_is_empty(&socket->pending)) {
        struct list_node *node = list_pop_front(&socket->pending);
        list_push_back(&pending, node);
    }
    socket->pending_count = 0;

    bool unread = socket->queue_length > 0;
    struct list_node buffers;
    unix_queue_take_all(socket, &buffers);

    struct unix_socket *peer = socket->peer;
    socket->peer = NULL;
    if (peer && unix_connection_based(socket)) {
        peer->shutdown = UNIX_SHUTDOWN_BOTH;
        if (unread || embryo)
            peer->error = ECONNRESET;
        unix_wake_all(peer);
    }
    socket->state = socket->state == UNIX_LISTENING ? UNIX_UNCONNECTED : socket->state;
    unix_wake_all(socket);

    unix_buffer_list_free(&buffers);
    while (!list_is_empty(&pending)) {
        struct unix_socket *connection =
            list_entry(list_pop_front(&pending), struct unix_socket, pending_link);
        unix_socket_drop(connection);
    }
    unix_socket_put(peer);
    unix_socket_put(socket);
}

/* file_ops.release: the file's last reference is gone. */
static void unix_file_release(struct file *file)
{
    struct unix_socket *socket = unix_socket_of(file);
    if (!socket)
        return;
    file->private = NULL;
    unix_socket_drop(socket);
    unix_gc();
}

/* file_ops.read: receive with no flags. */
static long unix_file_read(struct file *file, struct io_cursor *cursor, uint64_t *offset)
{
    struct socket_message message = { .data = cursor };
    return file->ops->socket->receive(file, &message, 0);
}

/* file_ops.write: send with no flags. */
static long unix_file_write(struct file *file, struct io_cursor *cursor, uint64_t *offset)
{
    struct socket_message message = { .data = cursor };
    return file->ops->socket->send(file, &message, 0);
}

/* file_ops.stat: a socket inode (S_IFSOCK 0777) of the service's own numbering. */
static int unix_file_stat(struct file *file, struct vnode_attributes *attributes)
{
    struct unix_socket *socket = unix_socket_of(file);
    *attributes = (struct vnode_attributes){
        .inode_number = socket->inode_number,
        .mode = S_IFSOCK | 0777,
        .link_count = 1,
        .uid = socket->owner_uid,
        .gid = socket->owner_gid,
        .block_size = 4096,
        .access_time = socket->created,
        .modify_time = socket->created,
        .change_time = socket->created,
    };
    return 0;
}

/* Bytes FIONREAD reports: all unread stream bytes, the first datagram's length. */
static long unix_input_length(const struct unix_socket *socket)
{
    if (socket->state == UNIX_LISTENING)
        return -EINVAL;
    if (socket->type == SOCK_DGRAM) {
        if (list_is_empty(&socket->queue))
            return 0;
        return (long)list_entry(socket->queue.next, struct unix_buffer, link)->length;
    }
    return (long)socket->queue_bytes;
}

/*
 * file_ops.ioctl: FIONREAD (SIOCINQ) and SIOCOUTQ store an int at the user
 * address argument (-EFAULT); anything else goes to the stack's interface
 * ioctls (SIOC*), which answer -ENOTTY for what is not theirs.
 */
static long unix_file_ioctl(struct file *file, unsigned command, uintptr_t argument)
{
    struct unix_socket *socket = unix_socket_of(file);
    long value;
    switch (command) {
    case UNIX_FIONREAD:
        value = unix_input_length(socket);
        break;
    case UNIX_SIOCOUTQ:
        value = (long)socket->send_charge;
        break;
    default:
        return network_stack_interface_ioctl(command, argument);
    }
    if (value < 0)
        return value;
    int amount = (int)value;
    return copy_to_user(argument, &amount, sizeof amount) < 0 ? -EFAULT : 0;
}

/* Linux's unix_poll (stream). */
static unsigned unix_stream_poll(struct file *file)
{
    struct unix_socket *socket = unix_socket_of(file);
    unsigned mask = 0;
    if (socket->error)
        mask |= POLLERR;
    if (socket->shutdown == UNIX_SHUTDOWN_BOTH)
        mask |= POLLHUP;
    if (socket->shutdown & UNIX_SHUTDOWN_RECEIVE)
        mask |= POLLRDHUP | POLLIN | POLLRDNORM;
    if (socket->queue_length > 0 || socket->pending_count > 0)
        mask |= POLLIN | POLLRDNORM;
    if (socket->state == UNIX_UNCONNECTED)
        mask |= POLLHUP;
    if (unix_writable(socket))
        mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
    return mask;
}

/* True when a datagram sender must wait for room in peer's queue. */
static bool unix_peer_queue_full(const struct unix_socket *socket, const struct unix_socket *peer)
{
    return peer != socket && peer->peer != socket && !peer->released &&
           peer->queue_length > peer->backlog;
}

/* Linux's unix_dgram_poll (datagram and seqpacket). */
static unsigned unix_datagram_poll(struct file *file)
{
    struct unix_socket *socket = unix_socket_of(file);
    unsigned mask = 0;
    if (socket->error)
        mask |= POLLERR;
    if (socket->shutdown & UNIX_SHUTDOWN_RECEIVE)
        mask |= POLLRDHUP | POLLIN | POLLRDNORM;
    if (socket->shutdown == UNIX_SHUTDOWN_BOTH)
        mask |= POLLHUP;
    if (socket->queue_length > 0 || socket->pending_count > 0)
        mask |= POLLIN | POLLRDNORM;
    if (socket->type == SOCK_SEQPACKET && socket->state == UNIX_UNCONNECTED)
        mask |= POLLHUP;
    bool writable = unix_writable(socket);
    if (writable && socket->peer && unix_peer_queue_full(socket, socket->peer))
        writable = false;
    if (writable)
        mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
    return mask;
}

/* Operations a kind of socket does not have. */
static int unix_no_listen(struct file *file, int backlog) { return -EOPNOTSUPP; }
static int unix_no_accept(struct file *file, struct file **new_socket, struct socket_address *peer,
                          int flags)
{
    return -EOPNOTSUPP;
}

/* bind: the socket's half (unix_names.c). */
static int unix_socket_bind(struct file *file, const struct socket_address *address)
{
    return unix_bind(unix_socket_of(file), address);
}

const struct socket_ops unix_stream_ops = {
    .family = AF_UNIX,
    .get_type = unix_get_type,
    .bind = unix_socket_bind,
    .connect = unix_stream_connect,
    .listen = unix_stream_listen,
    .accept = unix_stream_accept,
    .send = unix_stream_send,
    .receive = unix_stream_receive,
    .shutdown = unix_shutdown,
    .get_name = unix_get_name,
    .set_option = unix_set_option,
    .get_option = unix_get_option,
    .connect_pair = unix_connect_pair,
};

const struct socket_ops unix_seqpacket_ops = {
    .family = AF_UNIX,
    .get_type = unix_get_type,
    .bind = unix_socket_bind,
    .connect = unix_stream_connect,
    .listen = unix_stream_listen,
    .accept = unix_stream_accept,
    .send = unix_datagram_send,
    .receive = unix_datagram_receive,
    .shutdown = unix_shutdown,
    .get_name = unix_get_name,
    .set_option = unix_set_option,
    .get_option = unix_get_option,
    .connect_pair = unix_connect_pair,
};

const struct socket_ops unix_datagram_ops = {
    .family = AF_UNIX,
    .get_type = unix_get_type,
    .bind = unix_socket_bind,
    .connect = unix_datagram_connect,
    .listen = unix_no_listen,
    .accept = unix_no_accept,
    .send = unix_datagram_send,
    .receive = unix_datagram_receive,
    .shutdown = unix_shutdown,
    .get_name = unix_get_name,
    .set_option = unix_set_option,
    .get_option = unix_get_option,
    .connect_pair = unix_connect_pair,
};

static const struct file_ops unix_stream_file_ops = {
    .read = unix_file_read,
    .write = unix_file_write,
    .stat = unix_file_stat,
    .ioctl = unix_file_ioctl,
    .release = unix_file_release,
    .poll = unix_stream_poll,
    .socket = &unix_stream_ops,
};

static const struct file_ops unix_seqpacket_file_ops = {
    .read = unix_file_read,
    .write = unix_file_write,
    .stat = unix_file_stat,
    .ioctl = unix_file_ioctl,
    .release = unix_file_release,
    .poll = unix_datagram_poll,
    .socket = &unix_seqpacket_ops,
};

static const struct file_ops unix_datagram_file_ops = {
    .read = unix_file_read,
    .write = unix_file_write,
    .stat = unix_file_stat,
    .ioctl = unix_file_ioctl,
    .release = unix_file_release,
    .poll = unix_datagram_poll,
    .socket = &unix_datagram_ops,
};

static const struct file_ops *unix_file_ops_of(int type)
{
    switch (type) {
    case SOCK_STREAM:
        return &unix_stream_file_ops;
    case SOCK_SEQPACKET:
        return &unix_seqpacket_file_ops;
    default:
        return &unix_datagram_file_ops;
    }
}
