/*
 * test_network_inet_tcp.c — AF_INET TCP sockets of the network service
 * over lwIP's loopback: handshake and names, 1 MiB both ways with a
 * checksum, half-close, resets (unread data, refused port), the listen
 * backlog, non-blocking connect with SO_ERROR, poll masks, blocking
 * timeouts. Threads record what they saw; assertions run on the test's
 * own thread.
 */
#include "inet_fixture.h"

#include <rk/heap.h>

/* ------------------------------------------------------------ helpers */

/* Deterministic bytes: an LCG stream from seed. */
static void fill_pattern(unsigned char *data, size_t length, uint32_t seed)
{
    for (size_t i = 0; i < length; i++) {
        seed = seed * 1103515245u + 12345u;
        data[i] = (unsigned char)(seed >> 16);
    }
}

/* FNV-1a over data. */
static uint64_t checksum(const unsigned char *data, size_t length)
{
    uint64_t hash = 1469598103934665603ull;
    for (size_t i = 0; i < length; i++)
        hash = (hash ^ data[i]) * 1099511628211ull;
    return hash;
}

struct send_job {
    struct file *file;
    const unsigned char *data;
    size_t length;
    long result;
    bool done;
};

/* Thread body: send all of job->data (blocking), then record the total. */
static void send_job_run(void *argument)
{
    struct send_job *job = argument;
    size_t sent = 0;
    job->result = 0;
    while (sent < job->length) {
        long count = send_bytes(job->file, job->data + sent, job->length - sent, 0);
        if (count <= 0) {
            job->result = count;
            break;
        }
        sent += (size_t)count;
    }
    if (sent == job->length)
        job->result = (long)sent;
    job->done = true;
}

/* Read until end of stream or length bytes; returns the count (or the error). */
static long receive_all(struct file *file, unsigned char *data, size_t length)
{
    size_t received = 0;
    while (received < length) {
        long count = receive_bytes(file, data + received, length - received, 0);
        if (count < 0)
            return count;
        if (count == 0)
            break;
        received += (size_t)count;
    }
    return (long)received;
}

#define MEBIBYTE (1024 * 1024)
static unsigned char outgoing[2][MEBIBYTE], incoming[2][MEBIBYTE];

/* --------------------------------------------------------------- tests */

static void handshake_gives_both_ends_their_names(void **state)
{
    struct file *listener = tcp_listener(5001, 4);
    assert_int_equal(get_int_option(listener, SOL_SOCKET, SO_ACCEPTCONN), 1);
    assert_int_equal(poll_mask(listener), 0);
    struct file *client = tcp_socket();
    assert_int_equal(get_int_option(client, SOL_SOCKET, SO_ACCEPTCONN), 0);
    assert_int_equal(connect_to(client, 5001), 0);
    assert_int_equal(connect_to(client, 5001), -EISCONN);
    assert_int_equal(wait_for_mask(listener, POLLIN), POLLIN | POLLRDNORM);

    struct socket_address peer, client_local, client_remote, server_local;
    struct file *server = accept_one(listener, &peer);
    assert_int_equal(client->ops->socket->get_name(client, &client_local, false), 0);
    assert_int_equal(client->ops->socket->get_name(client, &client_remote, true), 0);
    assert_int_equal(server->ops->socket->get_name(server, &server_local, false), 0);
    struct socket_address expected_server = loopback(5001);
    assert_true(socket_address_equal(&client_remote, &expected_server));
    assert_true(socket_address_equal(&server_local, &expected_server));
    assert_true(socket_address_equal(&peer, &client_local));
    assert_true(client_local.inet.port != 0 && client_local.inet.port != 5001);

    /* Type, protocol and domain as Linux reports them. */
    int type, protocol;
    server->ops->socket->get_type(server, &type, &protocol);
    assert_int_equal(type, SOCK_STREAM);
    assert_int_equal(protocol, IPPROTO_TCP);
    assert_int_equal(get_int_option(server, SOL_SOCKET, SO_TYPE), SOCK_STREAM);
    assert_int_equal(get_int_option(server, SOL_SOCKET, SO_PROTOCOL), IPPROTO_TCP);
    assert_int_equal(get_int_option(server, SOL_SOCKET, SO_DOMAIN), AF_INET);
    assert_int_equal(get_int_option(server, SOL_SOCKET, SO_ERROR), 0);

    /* A few bytes each way, through read/write too. */
    assert_int_equal(send_bytes(client, "ping", 4, 0), 4);
    char text[16] = { 0 };
    assert_int_equal(receive_bytes(server, text, sizeof text, 0), 4);
    assert_memory_equal(text, "ping", 4);
    struct io_segment segment;
    struct io_cursor cursor;
    io_cursor_kernel(&cursor, &segment, "pong!", 5);
    assert_int_equal(server->ops->write(server, &cursor, &server->offset), 5);
    io_cursor_kernel(&cursor, &segment, text, sizeof text);
    assert_int_equal(client->ops->read(client, &cursor, &client->offset), 5);
    assert_memory_equal(text, "pong!", 5);

    /* fstat: a socket inode. */
    struct vnode_attributes attributes;
    assert_int_equal(server->ops->stat(server, &attributes), 0);
    assert_true(S_ISSOCK(attributes.mode));

    file_put(client);
    file_put(server);
    file_put(listener);
}

static void bind_errors_are_linux_errors(void **state)
{
    struct file *first = tcp_socket();
    struct file *second = tcp_socket();
    assert_int_equal(bind_to(first, 5002), 0);
    assert_int_equal(bind_to(first, 5003), -EINVAL);           /* already bound */
    assert_int_equal(bind_to(second, 5002), -EADDRINUSE);
    struct socket_address foreign = inet_address(192, 0, 2, 1, 5004);
    assert_int_equal(second->ops->socket->bind(second, &foreign), -EADDRNOTAVAIL);
    /* Port 0: an ephemeral port, shown by getsockname. */
    assert_int_equal(bind_to(second, 0), 0);
    struct socket_address name;
    assert_int_equal(second->ops->socket->get_name(second, &name, false), 0);
    assert_true(name.inet.port != 0);
    assert_int_equal(second->ops->socket->get_name(second, &name, true), -ENOTCONN);
    file_put(first);
    file_put(second);
    /* Once closed, the port is free again. */
    struct file *third = tcp_socket();
    assert_int_equal(bind_to(third, 5002), 0);
    file_put(third);
}

static void one_mebibyte_each_way_arrives_intact(void **state)
{
    struct file *client, *server;
    tcp_pair(5010, &client, &server);
    fill_pattern(outgoing[0], MEBIBYTE, 1);
    fill_pattern(outgoing[1], MEBIBYTE, 2);
    struct send_job upstream = { .file = client, .data = outgoing[0], .length = MEBIBYTE };
    struct send_job downstream = { .file = server, .data = outgoing[1], .length = MEBIBYTE };
    struct thread *up = thread_create("inet-up", send_job_run, &upstream);
    struct thread *down = thread_create("inet-down", send_job_run, &downstream);
    assert_non_null(up);
    assert_non_null(down);
    assert_int_equal(receive_all(server, incoming[0], MEBIBYTE), MEBIBYTE);
    assert_int_equal(receive_all(client, incoming[1], MEBIBYTE), MEBIBYTE);
    assert_int_equal(thread_join(up, NULL), 0);
    assert_int_equal(thread_join(down, NULL), 0);
    assert_int_equal(upstream.result, MEBIBYTE);
    assert_int_equal(downstream.result, MEBIBYTE);
    assert_true(checksum(incoming[0], MEBIBYTE) == checksum(outgoing[0], MEBIBYTE));
    assert_true(checksum(incoming[1], MEBIBYTE) == checksum(outgoing[1], MEBIBYTE));
    assert_memory_equal(incoming[0], outgoing[0], MEBIBYTE);
    /* Closing one end gives the other end of stream. */
    file_put(client);
    char byte;
    assert_int_equal(receive_bytes(server, &byte, 1, 0), 0);
    file_put(server);
}

/* Send nonblocking until EAGAIN; the byte count. */
static size_t fill_until_eagain(struct file *file)
{
    size_t total = 0;
    for (;;) {
        long count = send_bytes(file, outgoing[0], 65536, MSG_DONTWAIT);
        if (count == -EAGAIN)
            return total;
        assert_true(count > 0);
        total += (size_t)count;
    }
}

static void both_directions_full_at_once_stay_quiet(void **state)
{
    /* lwIP answers pure ACKs with ACKs while its receive window is 0: both windows at 0 must not happen. */
    struct file *client, *server;
    tcp_pair(5015, &client, &server);
    memset(outgoing[0], 'f', 65536);
    size_t upstream = fill_until_eagain(client);
    size_t downstream = fill_until_eagain(server);
    settle();
    upstream += fill_until_eagain(client);
    downstream += fill_until_eagain(server);
    assert_true(upstream > 65536 && downstream > 65536);
    /* Persist probes go on in virtual time; then everything is still delivered. */
    thread_sleep_ns(30ull * 1000000000ull);
    assert_int_equal(client->ops->socket->shutdown(client, SHUT_WR), 0);
    assert_int_equal(server->ops->socket->shutdown(server, SHUT_WR), 0);
    assert_int_equal(receive_all(server, incoming[0], MEBIBYTE), (long)upstream);
    assert_int_equal(receive_all(client, incoming[1], MEBIBYTE), (long)downstream);
    file_put(client);
    file_put(server);
}

static void a_send_that_loopback_acknowledges_at_once_does_not_wait(void **state)
{
    /*
     * Regression: flushing a full send buffer over loopback delivers and
     * acknowledges all of it before the sender sleeps, so the "sent"
     * wake-up found nobody waiting and the sender slept until lwIP's 2 s
     * poll (net_bench loopback crawled at 64 KiB per 2 s). As on Linux, a
     * blocking send that the peer's receive window absorbs completes: no
     * reader runs here, and SO_SNDTIMEO 1 s (shorter than that poll)
     * would cut a wait short.
     */
    struct file *client, *server;
    tcp_pair(5016, &client, &server);
    struct { int64_t seconds, microseconds; } timeout = { 1, 0 };
    assert_int_equal(client->ops->socket->set_option(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, 16), 0);
    size_t length = 96 * 1024;     /* more than the 64 KiB send buffer, less than the 128 KiB window */
    fill_pattern(outgoing[0], length, 3);
    assert_int_equal(send_bytes(client, outgoing[0], length, 0), (long)length);
    assert_int_equal(receive_bytes(server, incoming[0], length, MSG_WAITALL), (long)length);
    assert_memory_equal(incoming[0], outgoing[0], length);
    file_put(client);
    file_put(server);
}

static void tiny_segments_are_compacted_in_the_receive_queue(void **state)
{
    /* 1-byte segments, unread: each used to pin a whole pbuf (1.5 KiB for a NIC's frames). */
    struct file *client, *server;
    tcp_pair(5030, &client, &server);
    assert_int_equal(set_int_option(client, SOL_TCP, TCP_NODELAY, 1), 0);
    settle();
    struct heap_statistics before, after;
    heap_get_statistics(&before);
    enum { SEGMENTS = 2000 };
    for (int i = 0; i < SEGMENTS; i++) {
        unsigned char byte = (unsigned char)(i * 7);
        assert_int_equal(send_bytes(client, &byte, 1, 0), 1);
    }
    settle();
    heap_get_statistics(&after);
    /* About a byte of heap per byte queued (compact pbufs of 512), not a pbuf and a record each. */
    assert_true(after.bytes_in_use - before.bytes_in_use < SEGMENTS * 4);
    unsigned char data[SEGMENTS];
    assert_int_equal(receive_bytes(server, data, sizeof data, MSG_WAITALL), SEGMENTS);
    for (int i = 0; i < SEGMENTS; i++)
        assert_int_equal(data[i], (unsigned char)(i * 7));
    file_put(client);
    file_put(server);
}

static void loopback_data_is_in_the_peers_queue_when_send_returns(void **state)
{
    /* As Linux: loopback delivery before send() returns, and no Nagle stall on a second small write. */
    struct file *client, *server;
    tcp_pair(5016, &client, &server);
    char text[8];
    assert_int_equal(send_bytes(client, "ab", 2, 0), 2);
    assert_int_equal(receive_bytes(server, text, sizeof text, MSG_DONTWAIT | MSG_PEEK), 2);
    assert_int_equal(send_bytes(client, "c", 1, 0), 1);
    assert_int_equal(receive_bytes(server, text, sizeof text, MSG_DONTWAIT), 3);
    assert_memory_equal(text, "abc", 3);
    file_put(client);
    file_put(server);
}

static void half_close_delivers_end_of_stream_and_the_peer_still_sends(void **state)
{
    struct file *client, *server;
    tcp_pair(5020, &client, &server);
    assert_int_equal(send_bytes(client, "request", 7, 0), 7);
    assert_int_equal(client->ops->socket->shutdown(client, SHUT_WR), 0);
    assert_int_equal(send_bytes(client, "more", 4, 0), -EPIPE);
    unsigned char text[32];
    assert_int_equal(receive_all(server, text, sizeof text), 7);   /* data, then end of stream */
    assert_memory_equal(text, "request", 7);
    assert_int_equal(receive_bytes(server, text, sizeof text, 0), 0);
    unsigned mask = poll_mask(server);
    assert_true(mask & POLLIN);
    assert_true(mask & POLLRDHUP);
    assert_true(mask & POLLOUT);
    assert_false(mask & POLLHUP);
    /* The server still sends; the client reads it, then the end of stream after close. */
    assert_int_equal(send_bytes(server, "response", 8, 0), 8);
    assert_int_equal(receive_bytes(client, text, 8, MSG_WAITALL), 8);
    assert_memory_equal(text, "response", 8);
    file_put(server);
    assert_int_equal(receive_bytes(client, text, sizeof text, 0), 0);
    assert_true(wait_for_mask(client, POLLHUP) & POLLIN);
    file_put(client);
}

static void closing_with_unread_data_resets_the_peer(void **state)
{
    struct file *client, *server;
    tcp_pair(5030, &client, &server);
    assert_int_equal(send_bytes(client, "unread", 6, 0), 6);
    assert_true(wait_for_mask(server, POLLIN) & POLLIN);
    file_put(server);       /* six bytes never read: RST, as Linux */
    unsigned mask = wait_for_mask(client, POLLERR);
    assert_true(mask & POLLHUP);
    char byte;
    /* Reported once, then end of stream and broken pipe. */
    assert_int_equal(receive_bytes(client, &byte, 1, 0), -ECONNRESET);
    assert_int_equal(receive_bytes(client, &byte, 1, 0), 0);
    assert_int_equal(send_bytes(client, "x", 1, 0), -EPIPE);
    assert_int_equal(get_int_option(client, SOL_SOCKET, SO_ERROR), 0);
    struct socket_address peer;
    assert_int_equal(client->ops->socket->get_name(client, &peer, true), -ENOTCONN);
    file_put(client);
}

static void reset_is_reported_to_the_next_send(void **state)
{
    struct file *client, *server;
    tcp_pair(5031, &client, &server);
    assert_int_equal(send_bytes(client, "x", 1, 0), 1);
    assert_true(wait_for_mask(server, POLLIN) & POLLIN);
    file_put(server);
    wait_for_mask(client, POLLERR);
    assert_int_equal(send_bytes(client, "y", 1, 0), -ECONNRESET);
    assert_int_equal(send_bytes(client, "y", 1, 0), -EPIPE);
    file_put(client);
}

static void a_reset_after_the_peers_fin_is_epipe(void **state)
{
    /* Linux's tcp_reset in CLOSE_WAIT: the error is EPIPE, not ECONNRESET. */
    struct file *client, *server;
    tcp_pair(5032, &client, &server);
    file_put(client);
    char byte;
    assert_int_equal(receive_bytes(server, &byte, 1, 0), 0);
    assert_int_equal(send_bytes(server, "a", 1, 0), 1);    /* the closed peer answers RST */
    wait_for_mask(server, POLLERR);
    assert_int_equal(send_bytes(server, "b", 1, 0), -EPIPE);
    assert_int_equal(send_bytes(server, "c", 1, 0), -EPIPE);
    file_put(server);
}

static void connecting_to_a_closed_port_is_refused(void **state)
{
    struct file *client = tcp_socket();
    assert_int_equal(connect_to(client, 5040), -ECONNREFUSED);
    assert_int_equal(get_int_option(client, SOL_SOCKET, SO_ERROR), 0);
    /* The socket can try again (Linux allows a new connect after a failure). */
    struct file *listener = tcp_listener(5040, 1);
    assert_int_equal(connect_to(client, 5040), 0);
    file_put(client);
    file_put(listener);
}

static void nonblocking_connect_reports_through_so_error(void **state)
{
    struct file *listener = tcp_listener(5050, 4);
    struct file *client = tcp_socket();
    client->flags |= O_NONBLOCK;
    /* EINPROGRESS even over loopback, where (as on Linux) the handshake is done on return. */
    assert_int_equal(connect_to(client, 5050), -EINPROGRESS);
    unsigned mask = wait_for_mask(client, POLLOUT);
    assert_int_equal(mask, POLLOUT | POLLWRNORM);
    assert_int_equal(get_int_option(client, SOL_SOCKET, SO_ERROR), 0);
    assert_int_equal(connect_to(client, 5050), 0);      /* the outcome, once */
    assert_int_equal(connect_to(client, 5050), -EISCONN);
    char byte;
    assert_int_equal(receive_bytes(client, &byte, 1, 0), -EAGAIN);
    file_put(client);

    /* A refused one: POLLERR, SO_ERROR ECONNREFUSED read and cleared. */
    struct file *refused = tcp_socket();
    refused->flags |= O_NONBLOCK;
    assert_int_equal(connect_to(refused, 5051), -EINPROGRESS);
    mask = wait_for_mask(refused, POLLERR);
    assert_true(mask & POLLHUP);
    assert_true(mask & POLLOUT);
    assert_int_equal(get_int_option(refused, SOL_SOCKET, SO_ERROR), ECONNREFUSED);
    assert_int_equal(get_int_option(refused, SOL_SOCKET, SO_ERROR), 0);
    file_put(refused);
    file_put(listener);
}

static void a_full_backlog_drops_syns_until_accept_makes_room(void **state)
{
    /* backlog 0: Linux queues one connection (backlog + 1) and drops further SYNs. */
    struct file *listener = tcp_listener(5060, 0);
    struct file *first = tcp_socket();
    assert_int_equal(connect_to(first, 5060), 0);
    struct file *second = tcp_socket();
    second->flags |= O_NONBLOCK;
    assert_int_equal(connect_to(second, 5060), -EINPROGRESS);
    assert_int_equal(poll_mask(second), 0);     /* SYN_SENT: nothing yet */
    /* A second of virtual time (SYN retransmissions are 3 s apart at first): still waiting. */
    thread_sleep_ns(1000000000ull);
    assert_int_equal(poll_mask(second), 0);
    assert_int_equal(connect_to(second, 5060), -EALREADY);
    /* accept() makes room; a blocking connect waits for the retransmitted SYN to get in. */
    struct file *accepted_first = accept_one(listener, NULL);
    second->flags &= ~O_NONBLOCK;
    assert_int_equal(connect_to(second, 5060), 0);
    struct file *accepted_second = accept_one(listener, NULL);
    assert_int_equal(send_bytes(second, "2", 1, 0), 1);
    char byte = 0;
    assert_int_equal(receive_bytes(accepted_second, &byte, 1, 0), 1);
    assert_int_equal(byte, '2');
    /* An empty queue: O_NONBLOCK accept is EAGAIN. */
    struct file *none = NULL;
    listener->flags |= O_NONBLOCK;
    assert_int_equal(listener->ops->socket->accept(listener, &none, NULL, 0), -EAGAIN);
    file_put(accepted_first);
    file_put(accepted_second);
    file_put(first);
    file_put(second);
    file_put(listener);
}

static void connect_times_out_when_syns_are_never_answered(void **state)
{
    /* The queue is full and nobody accepts: every SYN is dropped until lwIP gives up. */
    struct file *listener = tcp_listener(5065, 0);
    struct file *first = tcp_socket();
    assert_int_equal(connect_to(first, 5065), 0);
    struct file *second = tcp_socket();
    uint64_t start = clock_now_ns();
    assert_int_equal(connect_to(second, 5065), -ETIMEDOUT);
    assert_true(clock_now_ns() - start > 10000000000ull);     /* retransmissions took virtual time */
    assert_int_equal(get_int_option(second, SOL_SOCKET, SO_ERROR), 0);
    /* SO_SNDTIMEO bounds a blocking connect: -EINPROGRESS, and the attempt goes on. */
    struct file *third = tcp_socket();
    struct { int64_t seconds, microseconds; } timeout = { 1, 0 };
    assert_int_equal(third->ops->socket->set_option(third, SOL_SOCKET, SO_SNDTIMEO, &timeout, 16), 0);
    assert_int_equal(connect_to(third, 5065), -EINPROGRESS);
    third->flags |= O_NONBLOCK;
    assert_int_equal(connect_to(third, 5065), -EALREADY);
    file_put(third);
    file_put(second);
    file_put(first);
    file_put(listener);
}

static void closing_a_listener_resets_connections_nobody_accepted(void **state)
{
    struct file *listener = tcp_listener(5070, 4);
    struct file *client = tcp_socket();
    assert_int_equal(connect_to(client, 5070), 0);
    file_put(listener);
    wait_for_mask(client, POLLERR);
    char byte;
    assert_int_equal(receive_bytes(client, &byte, 1, 0), -ECONNRESET);
    file_put(client);
}

static void poll_masks_follow_the_connection(void **state)
{
    struct file *fresh = tcp_socket();
    assert_int_equal(poll_mask(fresh), POLLOUT | POLLWRNORM | POLLHUP);
    file_put(fresh);
    struct file *client, *server;
    tcp_pair(5080, &client, &server);
    assert_int_equal(poll_mask(client), POLLOUT | POLLWRNORM);
    assert_int_equal(send_bytes(server, "abc", 3, 0), 3);
    assert_int_equal(wait_for_mask(client, POLLIN), POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM);
    /* MSG_PEEK leaves the data; FIONREAD's count is the queue. */
    char text[8];
    assert_int_equal(receive_bytes(client, text, 2, MSG_PEEK), 2);
    assert_int_equal(receive_bytes(client, text, sizeof text, MSG_PEEK), 3);
    assert_int_equal(receive_bytes(client, text, sizeof text, MSG_DONTWAIT), 3);
    assert_memory_equal(text, "abc", 3);
    assert_int_equal(receive_bytes(client, text, sizeof text, MSG_DONTWAIT), -EAGAIN);
    assert_int_equal(poll_mask(client), POLLOUT | POLLWRNORM);
    /* SHUT_RD: reads return 0 at once, POLLIN|POLLRDHUP. */
    assert_int_equal(client->ops->socket->shutdown(client, SHUT_RD), 0);
    assert_int_equal(receive_bytes(client, text, sizeof text, 0), 0);
    assert_int_equal(poll_mask(client), POLLIN | POLLRDNORM | POLLRDHUP | POLLOUT | POLLWRNORM);
    file_put(client);
    file_put(server);
}

static void receive_timeout_expires_with_eagain(void **state)
{
    struct file *client, *server;
    tcp_pair(5090, &client, &server);
    struct { int64_t seconds, microseconds; } timeout = { 2, 500000 }, read_back;
    assert_int_equal(client->ops->socket->set_option(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, 16), 0);
    unsigned length = sizeof read_back;
    assert_int_equal(client->ops->socket->get_option(client, SOL_SOCKET, SO_RCVTIMEO, &read_back, &length), 0);
    assert_int_equal(length, 16);
    assert_int_equal(read_back.seconds, 2);
    assert_int_equal(read_back.microseconds, 500000);
    uint64_t start = clock_now_ns();
    char byte;
    assert_int_equal(receive_bytes(client, &byte, 1, 0), -EAGAIN);
    assert_true(clock_now_ns() - start >= 2500000000ull);
    timeout.microseconds = 1000000;
    assert_int_equal(client->ops->socket->set_option(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, 16), -EDOM);
    assert_int_equal(client->ops->socket->set_option(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, 8), -EINVAL);
    file_put(client);
    file_put(server);
}

static void options_are_stored_and_reported_like_linux(void **state)
{
    struct file *socket = tcp_socket();
    assert_int_equal(get_int_option(socket, SOL_SOCKET, SO_SNDBUF), 16384);
    assert_int_equal(get_int_option(socket, SOL_SOCKET, SO_RCVBUF), 131072);
    assert_int_equal(set_int_option(socket, SOL_SOCKET, SO_SNDBUF, 10000), 0);
    assert_int_equal(get_int_option(socket, SOL_SOCKET, SO_SNDBUF), 20000);
    assert_int_equal(set_int_option(socket, SOL_SOCKET, SO_RCVBUF, 1), 0);
    assert_int_equal(get_int_option(socket, SOL_SOCKET, SO_RCVBUF), 2304);
    assert_int_equal(set_int_option(socket, SOL_SOCKET, SO_RCVBUF, 1 << 30), 0);
    assert_int_equal(get_int_option(socket, SOL_SOCKET, SO_RCVBUF), 425984);
    assert_int_equal(set_int_option(socket, SOL_SOCKET, SO_REUSEADDR, 1), 0);
    assert_int_equal(get_int_option(socket, SOL_SOCKET, SO_REUSEADDR), 1);
    assert_int_equal(set_int_option(socket, SOL_SOCKET, SO_KEEPALIVE, 1), 0);
    assert_int_equal(get_int_option(socket, SOL_SOCKET, SO_KEEPALIVE), 1);
    assert_int_equal(set_int_option(socket, SOL_TCP, TCP_NODELAY, 1), 0);
    assert_int_equal(get_int_option(socket, SOL_TCP, TCP_NODELAY), 1);
    assert_int_equal(get_int_option(socket, SOL_TCP, TCP_MAXSEG), 536);
    assert_int_equal(get_int_option(socket, SOL_TCP, TCP_KEEPIDLE), 7200);
    assert_int_equal(set_int_option(socket, SOL_TCP, TCP_KEEPIDLE, 30), 0);
    assert_int_equal(get_int_option(socket, SOL_TCP, TCP_KEEPIDLE), 30);
    assert_int_equal(set_int_option(socket, SOL_TCP, TCP_KEEPCNT, 0), -EINVAL);
    assert_int_equal(set_int_option(socket, SOL_TCP, 99, 1), -ENOPROTOOPT);
    assert_int_equal(set_int_option(socket, SOL_SOCKET, 999, 1), -ENOPROTOOPT);
    char small = 0;
    assert_int_equal(socket->ops->socket->set_option(socket, SOL_SOCKET, SO_REUSEADDR, &small, 1), -EINVAL);
    /* A short buffer gets the value truncated, as Linux. */
    unsigned char bytes[4] = { 0xff, 0xff, 0xff, 0xff };
    unsigned length = 2;
    assert_int_equal(socket->ops->socket->get_option(socket, SOL_SOCKET, SO_TYPE, bytes, &length), 0);
    assert_int_equal(length, 2);
    assert_int_equal(bytes[0], SOCK_STREAM);
    assert_int_equal(bytes[2], 0xff);
    struct { int on, seconds; } linger = { 1, 0 };
    assert_int_equal(socket->ops->socket->set_option(socket, SOL_SOCKET, SO_LINGER, &linger, 8), 0);
    file_put(socket);

    /* Accepted connections inherit TCP_NODELAY; a connection reports its MSS. */
    struct file *listener = tcp_listener(5100, 1);
    assert_int_equal(set_int_option(listener, SOL_TCP, TCP_NODELAY, 1), 0);
    struct file *client = tcp_socket();
    assert_int_equal(connect_to(client, 5100), 0);
    struct file *server = accept_one(listener, NULL);
    assert_int_equal(get_int_option(server, SOL_TCP, TCP_NODELAY), 1);
    int mss = get_int_option(client, SOL_TCP, TCP_MAXSEG);
    /* Loopback has no MTU: the segment is the stack's largest (Linux's lo: 65483). */
    assert_true(mss >= 536 && mss <= 65495);
    file_put(client);
    file_put(server);
    file_put(listener);
}

static void linger_zero_resets_instead_of_closing(void **state)
{
    struct file *client, *server;
    tcp_pair(5110, &client, &server);
    struct { int on, seconds; } linger = { 1, 0 };
    assert_int_equal(server->ops->socket->set_option(server, SOL_SOCKET, SO_LINGER, &linger, 8), 0);
    file_put(server);
    wait_for_mask(client, POLLERR);
    char byte;
    assert_int_equal(receive_bytes(client, &byte, 1, 0), -ECONNRESET);
    file_put(client);
}

static void send_and_receive_on_unconnected_sockets_fail(void **state)
{
    struct file *socket = tcp_socket();
    char byte = 0;
    assert_int_equal(send_bytes(socket, &byte, 1, 0), -EPIPE);
    assert_int_equal(receive_bytes(socket, &byte, 1, 0), -ENOTCONN);
    assert_int_equal(socket->ops->socket->shutdown(socket, SHUT_WR), -ENOTCONN);
    struct file *none = NULL;
    assert_int_equal(socket->ops->socket->accept(socket, &none, NULL, 0), -EINVAL);
    file_put(socket);
    struct file *listener = tcp_listener(5120, 1);
    assert_int_equal(receive_bytes(listener, &byte, 1, 0), -ENOTCONN);
    assert_int_equal(connect_to(listener, 5120), -EISCONN);
    assert_int_equal(listener->ops->socket->listen(listener, 8), 0);    /* a new backlog */
    file_put(listener);
}

static void closed_connections_leave_nothing_behind(void **state)
{
    settle();
    struct heap_statistics before, after;
    heap_get_statistics(&before);
    for (int round = 0; round < 3; round++) {
        struct file *client, *server;
        tcp_pair((uint16_t)(5140 + round), &client, &server);
        assert_int_equal(send_bytes(client, "data", 4, 0), 4);
        char text[4];
        assert_int_equal(receive_bytes(server, text, 4, MSG_WAITALL), 4);
        struct file *unread_client, *unread_server;
        tcp_pair((uint16_t)(5150 + round), &unread_client, &unread_server);
        assert_int_equal(send_bytes(unread_client, "left", 4, 0), 4);
        wait_for_mask(unread_server, POLLIN);
        file_put(unread_server);        /* a reset */
        file_put(unread_client);
        file_put(client);               /* FIN first: this side goes through TIME_WAIT */
        file_put(server);
        struct file *datagrams = udp_socket();
        struct socket_address destination = loopback(5132);
        assert_int_equal(send_to(datagrams, "x", 1, &destination), 1);
        file_put(datagrams);
    }
    /* TIME_WAIT lasts 2 MSL (two minutes of virtual time). */
    thread_sleep_ns(200ull * 1000000000ull);
    heap_get_statistics(&after);
    assert_int_equal(after.bytes_in_use, before.bytes_in_use);
}

/*
 * More short connections than lwIP has ephemeral ports (16,383), each
 * closed by the client first so its port stays in TIME_WAIT: connect keeps
 * working by recycling the oldest TIME_WAIT, and so do bind to port 0 and
 * listen without bind once every port is taken.
 */
#define TIME_WAIT_CONNECTIONS (16384 + 256)
static void connect_recycles_time_wait_ports_when_ports_run_out(void **state)
{
    static bool port_seen[65536];
    memset(port_seen, 0, sizeof port_seen);
    struct file *listener = tcp_listener(5170, 8);
    int failures = 0, reused_ports = 0;
    for (int round = 0; round < TIME_WAIT_CONNECTIONS; round++) {
        struct file *client = tcp_socket();
        if (connect_to(client, 5170) != 0) {
            failures++;
            file_put(client);
            break;
        }
        struct socket_address local;
        assert_int_equal(client->ops->socket->get_name(client, &local, false), 0);
        if (port_seen[local.inet.port])
            reused_ports++;
        port_seen[local.inet.port] = true;
        struct file *server = accept_one(listener, NULL);
        file_put(client);       /* FIN first: the client's port goes to TIME_WAIT */
        char byte;
        assert_int_equal(receive_bytes(server, &byte, 1, 0), 0);
        file_put(server);
    }
    assert_int_equal(failures, 0);
    assert_true(reused_ports > 0);

    /* Every port is in TIME_WAIT now: bind(port 0) and listen's own bind recycle too. */
    struct file *bound = tcp_socket();
    assert_int_equal(bind_to(bound, 0), 0);
    struct socket_address name;
    assert_int_equal(bound->ops->socket->get_name(bound, &name, false), 0);
    assert_true(name.inet.port >= 0xc000);
    struct file *listening = tcp_socket();
    assert_int_equal(listening->ops->socket->listen(listening, 1), 0);
    assert_int_equal(listening->ops->socket->get_name(listening, &name, false), 0);
    assert_true(name.inet.port >= 0xc000);
    file_put(listening);
    file_put(bound);
    file_put(listener);
}

static void reuseaddr_binds_over_time_wait(void **state)
{
    struct file *client, *server;
    tcp_pair(5160, &client, &server);
    file_put(server);       /* the server closes first: its end (port 5160) goes through TIME_WAIT */
    char byte;
    assert_int_equal(receive_bytes(client, &byte, 1, 0), 0);
    file_put(client);
    settle();
    static char table[8192];
    long length = SERVICE_CALL(network, struct network_stack_ops, render_table, NETWORK_TABLE_TCP,
                               table, sizeof table - 1);
    assert_true(length > 0 && length < (long)sizeof table);
    table[length] = '\0';
    assert_non_null(strstr(table, "0100007F:1428 0100007F:"));
    assert_non_null(strstr(table, " 06 00000000:00000000 03:"));     /* TIME_WAIT, as Linux shows it */
    struct file *again = tcp_socket();
    assert_int_equal(bind_to(again, 5160), -EADDRINUSE);
    assert_int_equal(set_int_option(again, SOL_SOCKET, SO_REUSEADDR, 1), 0);
    assert_int_equal(bind_to(again, 5160), 0);
    assert_int_equal(again->ops->socket->listen(again, 1), 0);
    file_put(again);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(handshake_gives_both_ends_their_names, inet_boot),
        cmocka_unit_test_setup(bind_errors_are_linux_errors, inet_boot),
        cmocka_unit_test_setup(one_mebibyte_each_way_arrives_intact, inet_boot),
        cmocka_unit_test_setup(both_directions_full_at_once_stay_quiet, inet_boot),
        cmocka_unit_test_setup(loopback_data_is_in_the_peers_queue_when_send_returns, inet_boot),
        cmocka_unit_test_setup(a_send_that_loopback_acknowledges_at_once_does_not_wait, inet_boot),
        cmocka_unit_test_setup(half_close_delivers_end_of_stream_and_the_peer_still_sends, inet_boot),
        cmocka_unit_test_setup(closing_with_unread_data_resets_the_peer, inet_boot),
        cmocka_unit_test_setup(reset_is_reported_to_the_next_send, inet_boot),
        cmocka_unit_test_setup(a_reset_after_the_peers_fin_is_epipe, inet_boot),
        cmocka_unit_test_setup(connecting_to_a_closed_port_is_refused, inet_boot),
        cmocka_unit_test_setup(nonblocking_connect_reports_through_so_error, inet_boot),
        cmocka_unit_test_setup(a_full_backlog_drops_syns_until_accept_makes_room, inet_boot),
        cmocka_unit_test_setup(connect_times_out_when_syns_are_never_answered, inet_boot),
        cmocka_unit_test_setup(closing_a_listener_resets_connections_nobody_accepted, inet_boot),
        cmocka_unit_test_setup(poll_masks_follow_the_connection, inet_boot),
        cmocka_unit_test_setup(receive_timeout_expires_with_eagain, inet_boot),
        cmocka_unit_test_setup(options_are_stored_and_reported_like_linux, inet_boot),
        cmocka_unit_test_setup(linger_zero_resets_instead_of_closing, inet_boot),
        cmocka_unit_test_setup(send_and_receive_on_unconnected_sockets_fail, inet_boot),
        cmocka_unit_test_setup(closed_connections_leave_nothing_behind, inet_boot),
        cmocka_unit_test_setup(reuseaddr_binds_over_time_wait, inet_boot),
        cmocka_unit_test_setup(connect_recycles_time_wait_ports_when_ports_run_out, inet_boot),
        cmocka_unit_test_setup(tiny_segments_are_compacted_in_the_receive_queue, inet_boot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
