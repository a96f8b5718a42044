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
static struct list_node inflight_sockets = LIST_HEAD_INIT(inflight_sockets); /* inflight > 0 */
static bool collecting;                 /* unix_gc is running (file_put re-enters) */
static bool requested;                  /* a pass was asked for while one could not run */
static unsigned long next_send_trigger; /* total_inflight at which a send runs a pass */
static unsigned long passes;            /* passes run (unix_gc_pass_count) */

void unix_gc_reset(void)
{
    total_inflight = 0;
    list_init(&inflight_sockets);
    collecting = false;
    requested = false;
    next_send_trigger = UNIX_INFLIGHT_TRIGGER_GC;
    passes = 0;
}

unsigned long unix_gc_pass_count(void) { return passes; }

bool unix_file_is_socket(const struct file *file)
{
    const struct socket_ops *ops = file->ops->socket;
    return ops == &unix_stream_ops || ops == &unix_datagram_ops || ops == &unix_seqpacket_ops;
}

void unix_inflight_add(struct file *file)
{
    if (!unix_file_is_socket(file) || !unix_socket_of(file))
        return;
    struct unix_socket *socket = unix_socket_of(file);
    if (socket->inflight++ == 0)
        list_push_back(&inflight_sockets, &socket->inflight_link);
    total_inflight++;
}

void unix_inflight_remove(struct file *file)
{
    if (!unix_file_is_socket(file) || !unix_socket_of(file))
        return;
    struct unix_socket *socket = unix_socket_of(file);
    if (socket->inflight > 0) {
        if (--socket->inflight == 0)
            list_remove(&socket->inflight_link);
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

/* Take away from every candidate the references queued in socket (a candidate). */
static void unix_gc_count_inside(struct unix_socket *socket)
{
    list_for_each(node, &socket->queue) {
        struct unix_buffer *buffer = list_entry(node, struct unix_buffer, link);
        for (unsigned i = 0; i < buffer->rights_count; i++) {
            struct unix_socket *target = unix_gc_candidate_of(buffer->rights[i]);
            if (target)
                target->gc_references--;
        }
    }
}

/* Mark target alive and push it on *stack unless it is already. */
static void unix_gc_mark(struct unix_socket *target, struct unix_socket **stack)
{
    if (target->gc_alive)
        return;
    target->gc_alive = true;
    target->gc_next = *stack;
    *stack = target;
}

/* Mark alive every candidate whose file is queued in socket (pushing the new ones). */
static void unix_gc_mark_queued(struct unix_socket *socket, struct unix_socket **stack)
{
    list_for_each(node, &socket->queue) {
        struct unix_buffer *buffer = list_entry(node, struct unix_buffer, link);
        for (unsigned i = 0; i < buffer->rights_count; i++) {
            struct unix_socket *target = unix_gc_candidate_of(buffer->rights[i]);
            if (target)
                unix_gc_mark(target, stack);
        }
    }
}

/*
 * One pass (collecting set). Only sockets in flight can be candidates, so
 * only they and their queues are visited: O(sockets in flight + rights
 * queued in them), whatever the number of other sockets.
 */
static void unix_gc_pass(void)
{
    passes++;
    /* 1. Candidates: every reference to the file is a queued right. */
    list_for_each(node, &inflight_sockets) {
        struct unix_socket *socket = list_entry(node, struct unix_socket, inflight_link);
        socket->gc_candidate = socket->file && !socket->released &&
                               socket->file->references == socket->inflight;
        socket->gc_alive = false;
        socket->gc_references = socket->inflight;
    }
    /* 2. Take away the references held inside the candidates' own queues. */
    list_for_each(node, &inflight_sockets) {
        struct unix_socket *socket = list_entry(node, struct unix_socket, inflight_link);
        if (socket->gc_candidate)
            unix_gc_count_inside(socket);
    }
    /*
     * 3. What is still referenced from outside is alive, with all it holds:
     * an explicit stack, each candidate pushed and scanned at most once.
     */
    struct unix_socket *stack = NULL;
    list_for_each(node, &inflight_sockets) {
        struct unix_socket *socket = list_entry(node, struct unix_socket, inflight_link);
        if (socket->gc_candidate && socket->gc_references > 0)
            unix_gc_mark(socket, &stack);
    }
    while (stack) {
        struct unix_socket *socket = stack;
        stack = socket->gc_next;
        socket->gc_next = NULL;
        unix_gc_mark_queued(socket, &stack);
    }
    /* 4. Empty the dead ones' queues first, then drop what they held. */
    struct list_node garbage;
    list_init(&garbage);
    list_for_each(node, &inflight_sockets) {
        struct unix_socket *socket = list_entry(node, struct unix_socket, inflight_link);
        if (socket->gc_candidate && !socket->gc_alive) {
            struct list_node buffers;
            unix_queue_take_all(socket, &buffers);
            while (!list_is_empty(&buffers))
                list_push_back(&garbage, list_pop_front(&buffers));
        }
    }
    list_for_each(node, &inflight_sockets)
        list_entry(node, struct unix_socket, inflight_link)->gc_candidate = false;
    unix_buffer_list_free(&garbage);
}

void unix_gc(void)
{
    if (total_inflight == 0)
        return;
    if (collecting || unix_rights_draining()) {
        requested = true;
        return;
    }
    collecting = true;
    unix_gc_pass();
    /* Freeing garbage makes no new garbage: what the pass's own releases asked for is done. */
    requested = false;
    collecting = false;
    next_send_trigger = total_inflight + UNIX_INFLIGHT_TRIGGER_GC;
}

void unix_gc_run_requested(void)
{
    if (!requested || collecting || unix_rights_draining())
        return;
    requested = false;
    unix_gc();
}

void unix_gc_before_send(void)
{
    if (total_inflight >= next_send_trigger)
        unix_gc();
}
