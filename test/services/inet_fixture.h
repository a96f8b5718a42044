/*
 * inet_fixture.h — boot and socket helpers for the AF_INET socket tests
 * (test_network_inet*.c): a hosted kernel with the network service and
 * its processing thread, sockets made through the service's ops table and
 * driven through their file and socket ops with kernel buffers, over
 * lwIP's loopback interface (127.0.0.1). Blocking calls on the test's
 * (boot) thread let the network thread and helper threads run; the
 * virtual clock moves only to the next timer when everything sleeps.
 */
#ifndef INET_FIXTURE_H
#define INET_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include <string.h>

#include <rk/errno.h>
#include <rk/file.h>
#include <rk/gate.h>
#include <rk/network.h>
#include <rk/poll.h>
#include <rk/services.h>
#include <rk/socket.h>
#include <rk/thread.h>
#include <rk/timer.h>
#include <rk/vfs.h>
#include "hosted.h"
#include "network/network.h"

#define INET_FIXTURE __attribute__((unused))

static INET_FIXTURE struct service *network;

/* Boot a hosted kernel with the network service and its thread. */
static inline INET_FIXTURE int inet_boot(void **state)
{
    assert_int_equal(hosted_test_boot("loglevel=3"), 0);
    if (!services_network_stack())
        assert_int_equal(network_service_register(), 0);
    network = services_network_stack();
    assert_non_null(network);
    assert_int_equal(network_start(), 0);
    return 0;
}

static inline INET_FIXTURE struct file *tcp_socket(void)
{
    struct file *file = NULL;
    assert_int_equal(SERVICE_CALL(network, struct network_stack_ops, create_tcp_socket, &file), 0);
    assert_non_null(file);
    assert_non_null(file->ops->socket);
    return file;
}

static inline INET_FIXTURE struct file *udp_socket(void)
{
    struct file *file = NULL;
    assert_int_equal(SERVICE_CALL(network, struct network_stack_ops, create_udp_socket, &file), 0);
    assert_non_null(file);
    return file;
}

/* 127.0.0.1:port (or a.b.c.d:port). */
static inline INET_FIXTURE struct socket_address inet_address(uint8_t a, uint8_t b, uint8_t c,
                                                             uint8_t d, uint16_t port)
{
    struct socket_address address;
    memset(&address, 0, sizeof address);
    address.family = AF_INET;
    address.inet.port = port;
    address.inet.address[0] = a;
    address.inet.address[1] = b;
    address.inet.address[2] = c;
    address.inet.address[3] = d;
    return address;
}

static inline INET_FIXTURE struct socket_address loopback(uint16_t port)
{
    return inet_address(127, 0, 0, 1, port);
}

static inline INET_FIXTURE int bind_to(struct file *file, uint16_t port)
{
    struct socket_address address = loopback(port);
    return file->ops->socket->bind(file, &address);
}

static inline INET_FIXTURE int connect_to(struct file *file, uint16_t port)
{
    struct socket_address address = loopback(port);
    return file->ops->socket->connect(file, &address);
}

/* A listening socket on 127.0.0.1:port. */
static inline INET_FIXTURE struct file *tcp_listener(uint16_t port, int backlog)
{
    struct file *listener = tcp_socket();
    assert_int_equal(bind_to(listener, port), 0);
    assert_int_equal(listener->ops->socket->listen(listener, backlog), 0);
    return listener;
}

static inline INET_FIXTURE struct file *accept_one(struct file *listener, struct socket_address *peer)
{
    struct file *connection = NULL;
    assert_int_equal(listener->ops->socket->accept(listener, &connection, peer, 0), 0);
    assert_non_null(connection);
    return connection;
}

/* A connected pair over loopback: *client and *server, the listener closed. */
static inline INET_FIXTURE void tcp_pair(uint16_t port, struct file **client, struct file **server)
{
    struct file *listener = tcp_listener(port, 4);
    *client = tcp_socket();
    assert_int_equal(connect_to(*client, port), 0);
    *server = accept_one(listener, NULL);
    file_put(listener);
}

static inline INET_FIXTURE long send_bytes(struct file *file, const void *data, size_t length, int flags)
{
    struct io_segment segment;
    struct io_cursor cursor;
    io_cursor_kernel(&cursor, &segment, (void *)data, length);
    struct socket_message message = { .data = &cursor };
    return file->ops->socket->send(file, &message, flags);
}

static inline INET_FIXTURE long send_to(struct file *file, const void *data, size_t length,
                                        const struct socket_address *address)
{
    struct io_segment segment;
    struct io_cursor cursor;
    io_cursor_kernel(&cursor, &segment, (void *)data, length);
    struct socket_address copy = *address;
    struct socket_message message = { .data = &cursor, .address = &copy };
    return file->ops->socket->send(file, &message, 0);
}

static inline INET_FIXTURE long receive_bytes(struct file *file, void *data, size_t length, int flags)
{
    struct io_segment segment;
    struct io_cursor cursor;
    io_cursor_kernel(&cursor, &segment, data, length);
    struct socket_message message = { .data = &cursor };
    return file->ops->socket->receive(file, &message, flags);
}

/* Receive with the source address and the result flags. */
static inline INET_FIXTURE long receive_from(struct file *file, void *data, size_t length, int flags,
                                             struct socket_address *from, unsigned *result_flags)
{
    struct io_segment segment;
    struct io_cursor cursor;
    io_cursor_kernel(&cursor, &segment, data, length);
    struct socket_message message = { .data = &cursor, .address = from };
    long result = file->ops->socket->receive(file, &message, flags);
    if (result_flags)
        *result_flags = message.result_flags;
    return result;
}

static inline INET_FIXTURE int get_int_option(struct file *file, int level, int name)
{
    int value = -12345;
    unsigned length = sizeof value;
    assert_int_equal(file->ops->socket->get_option(file, level, name, &value, &length), 0);
    assert_int_equal(length, sizeof value);
    return value;
}

static inline INET_FIXTURE int set_int_option(struct file *file, int level, int name, int value)
{
    return file->ops->socket->set_option(file, level, name, &value, sizeof value);
}

static inline INET_FIXTURE unsigned poll_mask(struct file *file)
{
    return file->ops->poll(file);
}

/*
 * Sleep until file's poll mask has one of bits (poll_wait_change, as the
 * Core's poll does). Returns the mask; fails the test after a minute of
 * virtual time without it.
 */
static inline INET_FIXTURE unsigned wait_for_mask(struct file *file, unsigned bits)
{
    uint64_t give_up = clock_now_ns() + 60ull * 1000000000ull;
    for (;;) {
        uint64_t seen = poll_generation();
        unsigned mask = poll_mask(file);
        if (mask & bits)
            return mask;
        assert_true(clock_now_ns() < give_up);
        int error = poll_wait_change(seen, 1000000000ull);
        assert_true(error == 0 || error == -ETIMEDOUT);
    }
}

/* Let the network thread and the others run until they all sleep (a short virtual wait). */
static inline INET_FIXTURE void settle(void)
{
    thread_sleep_ns(1000000);
}

#endif
