/*
 * unix_gc.c — garbage collection of passed AF_UNIX sockets (Linux's
 * net/unix/garbage.c, simplified for a kernel without preemption): a
 * socket whose file is referenced only by rights queued in other sockets
 * (or itself) is a candidate; candidates referenced from outside the
 * candidates' queues are alive, and so is everything queued in a live
 * socket; the remaining candidates can never be received from again, so
 * their queues are emptied, which drops the last references of their
 * files and releases them.
 */
#include <rk/list.h>

#include "unix_internal.h"

static unsigned long total_inflight;    /* socket-file rights queued anywhere */
static bool collecting;                 /* unix_gc is running (file_put re-enters) */

void unix_gc_reset(void)
{
    total_inflight = 0;
    collecting = false;
}

bool unix_file_is_socket(const struct file *file)
{
    const struct socket_ops *ops = file->ops->socket;
    return ops == &unix_stream_ops || ops == &unix_datagram_ops || ops == &unix_seqpacket_ops;
}

void unix_inflight_add(struct file *file)
{
    if (!unix_file_is_socket(file) || !unix_socket_of(file))
        return;
    unix_socket_of(file)->inflight++;
    total_inflight++;
}

void unix_inflight_remove(struct file *file)
{
    if (!unix_file_is_socket(file) || !unix_socket_of(file))
        return;
    struct unix_socket *socket = unix_socket_of(file);
    if (socket->inflight > 0) {
        socket->inflight--;
        total_inflight--;
    }
}

/* The candidate socket behind a queued right, or NULL. */
static struct unix_socket *unix_gc_candidate_of(struct file *right)
{
    if (!unix_file_is_socket(right) || !unix_socket_of(right))
        return NULL;
    struct unix_socket *socket = unix_socket_of(right);
    return socket->gc_candidate ? socket : NULL;
}

/* Call visit(target) for every candidate whose file is queued in socket. */
static void unix_gc_scan(struct unix_socket *socket, void (*visit)(struct unix_socket *target))
{
    list_for_each(node, &socket->queue) {
        struct unix_buffer *buffer = list_entry(node, struct unix_buffer, link);
        for (unsigned i = 0; i < buffer->rights_count; i++) {
            struct unix_socket *target = unix_gc_candidate_of(buffer->rights[i]);
            if (target)
                visit(target);
        }
    }
}

/* A reference from a candidate's queue: not an outside one. */
static void unix_gc_count_inside(struct unix_socket *target) { target->gc_references--; }

/* Set by unix_gc_mark_alive when a pass found a new live socket. */
static bool marked_more;

/* What is queued in a live socket is alive (one level; unix_gc repeats until nothing changes). */
static void unix_gc_mark_alive(struct unix_socket *target)
{
    if (!target->gc_alive) {
        target->gc_alive = true;
        marked_more = true;
    }
}

void unix_gc(void)
{
    if (collecting || total_inflight == 0)
        return;
    collecting = true;
    struct list_node *sockets = unix_socket_list();
    /* 1. Candidates: every reference to the file is a queued right. */
    list_for_each(node, sockets) {
        struct unix_socket *socket = list_entry(node, struct unix_socket, all_link);
        socket->gc_candidate = socket->file && !socket->released && socket->inflight > 0 &&
                               socket->file->references == socket->inflight;
        socket->gc_alive = false;
        socket->gc_references = socket->inflight;
    }
    /* 2. Take away the references held inside the candidates' own queues. */
    list_for_each(node, sockets) {
        struct unix_socket *socket = list_entry(node, struct unix_socket, all_link);
        if (socket->gc_candidate)
            unix_gc_scan(socket, unix_gc_count_inside);
    }
    /*
     * 3. What is still referenced from outside is alive, with all it holds
     * (passes until nothing new is found: no recursion on long chains).
     */
    list_for_each(node, sockets) {
        struct unix_socket *socket = list_entry(node, struct unix_socket, all_link);
        if (socket->gc_candidate && socket->gc_references > 0)
            socket->gc_alive = true;
    }
    do {
        marked_more = false;
        list_for_each(node, sockets) {
            struct unix_socket *socket = list_entry(node, struct unix_socket, all_link);
            if (socket->gc_candidate && socket->gc_alive)
                unix_gc_scan(socket, unix_gc_mark_alive);
        }
    } while (marked_more);
    /* 4. Empty the dead ones' queues first, then drop what they held. */
    struct list_node garbage;
    list_init(&garbage);
    list_for_each(node, sockets) {
        struct unix_socket *socket = list_entry(node, struct unix_socket, all_link);
        if (socket->gc_candidate && !socket->gc_alive) {
            struct list_node buffers;
            unix_queue_take_all(socket, &buffers);
            while (!list_is_empty(&buffers))
                list_push_back(&garbage, list_pop_front(&buffers));
        }
        socket->gc_candidate = false;
    }
    unix_buffer_list_free(&garbage);
    collecting = false;
}
