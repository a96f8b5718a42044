/*
 * unix_fixture.h — helpers of the AF_UNIX tests (test_network_unix*.c):
 * sockets made with unix_socket_create() and driven through their ops
 * with kernel buffers, inside the syscall harness's booted kernel and
 * test process (so pathnames resolve against its cwd and credentials are
 * its own). Expected values were checked against the host's Linux.
 */
#ifndef UNIX_FIXTURE_H
#define UNIX_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <rk/errno.h>
#include <rk/file.h>
#include <rk/poll.h>
#include <rk/socket.h>
#include <rk/socket_address.h>
#include <rk/syscall.h>
#include <rk/system.h>
#include "harness.h"
#include "network/network_internal.h"

static inline const struct socket_ops *ops_of(struct file *file) { return file->ops->socket; }

/* A new AF_UNIX socket of type (asserts success). */
static inline struct file *unix_new(int type)
{
    struct file *file = NULL;
    assert_int_equal(unix_socket_create(type, &file), 0);
    assert_non_null(file);
    assert_non_null(file->ops->socket);
    return file;
}

/* socketpair(type): *a and *b connected. */
static inline void unix_pair(int type, struct file **a, struct file **b)
{
    *a = unix_new(type);
    *b = unix_new(type);
    assert_int_equal(ops_of(*a)->connect_pair(*a, *b), 0);
}

static inline struct socket_address abstract_name(const char *text)
{
    struct socket_address address = { .family = AF_UNIX };
    address.local.kind = SOCKET_ADDRESS_LOCAL_ABSTRACT;
    address.local.name[0] = '\0';
    size_t length = strlen(text);
    memcpy(address.local.name + 1, text, length);
    address.local.length = length + 1;
    return address;
}

static inline struct socket_address path_name(const char *path)
{
    struct socket_address address = { .family = AF_UNIX };
    address.local.kind = SOCKET_ADDRESS_LOCAL_PATHNAME;
    strcpy(address.local.name, path);
    address.local.length = strlen(path);
    return address;
}

/* send with flags of length bytes of data, optional destination and rights. */
static inline long send_full(struct file *file, const void *data, size_t length, int flags,
                             const struct socket_address *destination, struct file **rights,
                             unsigned rights_count)
{
    struct io_segment segment;
    struct io_cursor cursor;
    io_cursor_kernel(&cursor, &segment, (void *)data, length);
    struct socket_address copy;
    if (destination)
        copy = *destination;
    struct socket_message message = { .data = &cursor, .address = destination ? &copy : NULL,
                                      .rights = rights, .rights_count = rights_count };
    return ops_of(file)->send(file, &message, flags);
}

static inline long send_text(struct file *file, const char *text, int flags)
{
    return send_full(file, text, strlen(text), flags, NULL, NULL, 0);
}

/* What a receive gave besides its bytes. */
struct received {
    struct socket_address source;
    struct file *rights[8];
    unsigned rights_count;
    unsigned flags;
    bool has_credentials;
    struct socket_credentials credentials;
};

/* receive up to size bytes into buffer (NUL-terminated when room), rights capacity as given. */
static inline long receive_full(struct file *file, char *buffer, size_t size, int flags,
                                unsigned rights_capacity, struct received *out)
{
    struct io_segment segment;
    struct io_cursor cursor;
    io_cursor_kernel(&cursor, &segment, buffer, size);
    memset(out, 0, sizeof *out);
    out->source.family = 0xffff;
    struct socket_message message = { .data = &cursor, .address = &out->source,
                                      .rights = out->rights, .rights_capacity = rights_capacity,
                                      .credentials = &out->credentials };
    long result = ops_of(file)->receive(file, &message, flags);
    out->rights_count = message.rights_count;
    out->flags = message.result_flags;
    out->has_credentials = message.received_credentials;
    return result;
}

/* receive into a static buffer and return it as text ("" on errors; *result the return value). */
static inline const char *receive_text(struct file *file, size_t size, int flags, long *result)
{
    static char buffer[512];
    struct received ignored;
    memset(buffer, 0, sizeof buffer);
    *result = receive_full(file, buffer, size < sizeof buffer ? size : sizeof buffer - 1, flags, 0,
                           &ignored);
    if (*result < 0)
        buffer[0] = '\0';
    return buffer;
}

static inline unsigned poll_mask(struct file *file) { return file->ops->poll(file); }

static inline int get_int_option(struct file *file, int name)
{
    int value = -12345;
    unsigned length = sizeof value;
    assert_int_equal(ops_of(file)->get_option(file, SOL_SOCKET, name, &value, &length), 0);
    assert_int_equal(length, sizeof value);
    return value;
}

static inline int set_int_option(struct file *file, int name, int value)
{
    return ops_of(file)->set_option(file, SOL_SOCKET, name, &value, sizeof value);
}

/* FIONREAD through user memory. */
static inline long input_length(struct file *file)
{
    uintptr_t user = user_alloc(sizeof(int));
    long result = file->ops->ioctl(file, 0x541B, user);
    if (result < 0)
        return result;
    int value;
    user_read(&value, user, sizeof value);
    return value;
}

#endif
