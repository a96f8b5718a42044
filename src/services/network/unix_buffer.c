/*
 * unix_buffer.c — queued AF_UNIX data: buffers with their passed files
 * and credentials, the send budget they are charged to, the receive
 * queue, waiting with O_NONBLOCK/MSG_DONTWAIT and timeouts, and the
 * running process's credentials.
 */
#include <rk/errno.h>
#include <rk/heap.h>
#include <rk/poll.h>
#include <rk/string.h>
#include <rk/system.h>
#include <rk/timer.h>

#include "unix_internal.h"

void unix_current_credentials(struct socket_credentials *real, struct socket_credentials *effective)
{
    int pid = system_current_pid();
    struct process_info info;
    if (pid <= 0 || system_process_info(pid, &info) < 0) {
        *real = (struct socket_credentials){ 0 };
        *effective = *real;
        return;
    }
    *real = (struct socket_credentials){ .pid = pid, .uid = info.uid, .gid = info.gid };
    *effective = (struct socket_credentials){ .pid = pid, .uid = info.euid, .gid = info.egid };
}

struct unix_buffer *unix_buffer_create(struct unix_socket *sender, size_t length,
                                       const struct socket_message *message, bool with_rights)
{
    struct unix_buffer *buffer = kmalloc(sizeof *buffer + length);
    if (!buffer)
        return NULL;
    memset(buffer, 0, sizeof *buffer);
    list_init(&buffer->link);
    buffer->length = length;
    if (with_rights && message->rights_count > 0) {
        buffer->rights = kcalloc(message->rights_count, sizeof *buffer->rights);
        if (!buffer->rights) {
            kfree(buffer);
            return NULL;
        }
        for (unsigned i = 0; i < message->rights_count; i++) {
            buffer->rights[i] = message->rights[i];
            file_get(buffer->rights[i]);
            unix_inflight_add(buffer->rights[i]);
        }
        buffer->rights_count = message->rights_count;
    }
    if (message->credentials) {
        buffer->credentials = *message->credentials;
    } else {
        struct socket_credentials effective;
        unix_current_credentials(&buffer->credentials, &effective);
    }
    buffer->sender = sender;
    unix_socket_get(sender);
    buffer->charge = ((RK_MAX(length, (size_t)1) + 63) & ~(size_t)63) + UNIX_BUFFER_OVERHEAD;
    sender->send_charge += buffer->charge;
    return buffer;
}

/*
 * Rights whose references remain to be put, as buffers out of every queue
 * (their link free) that hold them. Putting a socket file's last
 * reference releases it, which frees its queue, whose rights may hold the
 * last reference of another socket, and so on along a chain of sockets
 * passed inside each other: so the outermost unix_buffer_free or
 * unix_rights_drop drains the list in a loop (draining), and the frees
 * that the releases cause only append to it. The stack stays bounded
 * whatever the chain's length.
 */
static struct list_node deferred_rights = LIST_HEAD_INIT(deferred_rights);
static bool draining;

/* Put every file of rights and free the array. */
static void unix_rights_put_all(struct file **rights, unsigned count)
{
    for (unsigned i = 0; i < count; i++)
        file_put(rights[i]);
    kfree(rights);
}

/* As the outermost caller (draining set): put every deferred right, then collect if asked. */
static void unix_deferred_drain(void)
{
    while (!list_is_empty(&deferred_rights)) {
        struct unix_buffer *holder =
            list_entry(list_pop_front(&deferred_rights), struct unix_buffer, link);
        unix_rights_put_all(holder->rights, holder->rights_count);
        kfree(holder);
    }
    draining = false;
    unix_gc_run_requested();
}

/* Queue holder (a buffer out of every queue, with rights) for its rights to be put; drain unless nested. */
static void unix_rights_defer(struct unix_buffer *holder)
{
    list_push_back(&deferred_rights, &holder->link);
    if (draining)
        return;
    draining = true;
    unix_deferred_drain();
}

bool unix_rights_draining(void) { return draining; }

/* See unix_internal.h. */
void unix_rights_reset(void)
{
    list_init(&deferred_rights);
    draining = false;
}

void unix_rights_drop(struct file **rights, unsigned count)
{
    if (!rights)
        return;
    if (!draining) {
        draining = true;
        unix_rights_put_all(rights, count);
        unix_deferred_drain();
        return;
    }
    struct unix_buffer *holder = kzalloc(sizeof *holder);
    if (!holder) {
        unix_rights_put_all(rights, count);   /* out of memory: one nested level more */
        return;
    }
    holder->rights = rights;
    holder->rights_count = count;
    unix_rights_defer(holder);
}

void unix_buffer_free(struct unix_buffer *buffer)
{
    struct unix_socket *sender = buffer->sender;
    for (unsigned i = 0; i < buffer->rights_count; i++)
        unix_inflight_remove(buffer->rights[i]);
    sender->send_charge -= buffer->charge;
    wait_queue_wake_all(&sender->write_waiters);
    poll_notify_changes(&sender->readiness_changes);
    buffer->sender = NULL;
    unix_socket_put(sender);   /* frees at most the socket: nothing re-enters */
    if (buffer->rights_count == 0) {
        kfree(buffer->rights);
        kfree(buffer);
        return;
    }
    unix_rights_defer(buffer);
}

void unix_queue_append(struct unix_socket *receiver, struct unix_buffer *buffer)
{
    list_push_back(&receiver->queue, &buffer->link);
    receiver->queue_length++;
    receiver->queue_bytes += buffer->length - buffer->consumed;
    wait_queue_wake_all(&receiver->read_waiters);
    poll_notify_changes(&receiver->readiness_changes);
}

void unix_queue_unlink(struct unix_socket *socket, struct unix_buffer *buffer)
{
    list_remove(&buffer->link);
    socket->queue_length--;
    socket->queue_bytes -= buffer->length - buffer->consumed;
    wait_queue_wake_all(&socket->peer_waiters);
    /* Datagram senders waiting for room are other sockets: notify them all. */
    poll_notify_changes(socket->type == SOCK_STREAM ? &socket->readiness_changes : NULL);
}

void unix_queue_take_all(struct unix_socket *socket, struct list_node *list)
{
    list_init(list);
    while (!list_is_empty(&socket->queue))
        list_push_back(list, list_pop_front(&socket->queue));
    socket->queue_length = 0;
    socket->queue_bytes = 0;
    wait_queue_wake_all(&socket->peer_waiters);
    /* Datagram senders waiting for room are other sockets: notify them all. */
    poll_notify_changes(socket->type == SOCK_STREAM ? &socket->readiness_changes : NULL);
}

void unix_buffer_list_free(struct list_node *list)
{
    while (!list_is_empty(list))
        unix_buffer_free(list_entry(list_pop_front(list), struct unix_buffer, link));
}

void unix_rights_deliver(struct unix_buffer *buffer, struct socket_message *message, bool peek,
                         struct file ***dropped, unsigned *dropped_count)
{
    *dropped = NULL;
    *dropped_count = 0;
    unsigned count = buffer->rights_count;
    if (count == 0)
        return;
    unsigned room = message->rights ? message->rights_capacity - message->rights_count : 0;
    if (message->rights_capacity < message->rights_count)
        room = 0;
    unsigned given = RK_MIN(room, count);
    for (unsigned i = 0; i < given; i++) {
        message->rights[message->rights_count++] = buffer->rights[i];
        if (peek)
            file_get(buffer->rights[i]);
    }
    if (given < count)
        message->result_flags |= MSG_CTRUNC;
    if (peek)
        return;
    for (unsigned i = 0; i < count; i++)
        unix_inflight_remove(buffer->rights[i]);
    /* The buffer's references now belong to the message, or to *dropped for the rest. */
    if (given < count) {
        for (unsigned i = given; i < count; i++)
            buffer->rights[i - given] = buffer->rights[i];
        *dropped = buffer->rights;
        *dropped_count = count - given;
    } else {
        kfree(buffer->rights);
    }
    buffer->rights = NULL;
    buffer->rights_count = 0;
}

void unix_message_note_source(struct unix_socket *receiver, struct unix_buffer *buffer,
                              struct socket_message *message)
{
    if (message->address) {
        if (buffer->sender->name)
            unix_name_to_address(buffer->sender->name, message->address);
        else
            memset(message->address, 0, sizeof *message->address); /* AF_UNSPEC: no name */
    }
    if (receiver->pass_credentials && message->credentials) {
        *message->credentials = buffer->credentials;
        message->received_credentials = true;
    }
}

void unix_wait_start(struct unix_wait *wait, bool nonblocking, uint64_t timeout_ns)
{
    wait->immediate = nonblocking || timeout_ns == 0;
    wait->timed = timeout_ns != WAIT_FOREVER;
    wait->deadline_ns = WAIT_FOREVER;
    if (!wait->immediate && wait->timed) {
        uint64_t now = clock_now_ns();
        wait->deadline_ns = timeout_ns > WAIT_FOREVER - now ? WAIT_FOREVER : now + timeout_ns;
    }
}

int unix_wait_once(struct unix_wait *wait, struct wait_queue *queue)
{
    if (wait->immediate)
        return -EAGAIN;
    uint64_t timeout = WAIT_FOREVER;
    if (wait->timed) {
        uint64_t now = clock_now_ns();
        if (now >= wait->deadline_ns)
            return -EAGAIN;
        timeout = wait->deadline_ns - now;
    }
    int error = wait_queue_wait(queue, NULL, timeout);
    if (error == -ETIMEDOUT) {
        wait->immediate = true;      /* the next check is the last one */
        return 0;
    }
    if (error < 0 && error != -EDEADLK && wait->timed)
        return -EINTR;
    return error;
}

void unix_wake_all(struct unix_socket *socket)
{
    wait_queue_wake_all(&socket->read_waiters);
    wait_queue_wake_all(&socket->write_waiters);
    wait_queue_wake_all(&socket->peer_waiters);
    poll_notify();
}
