/*
 * socket_connection.c — bind, listen, accept, accept4, connect, shutdown,
 * getsockname and getpeername: Linux's order of checks (descriptor, then
 * the address copy-in, then the socket), addresses through
 * rk/socket_address.h, and the service's answers checked.
 */
#include <rk/klog.h>

#include "socket_support.h"

/* An address the service filled must be of the socket's family, or none. */
static int check_address(struct file *file, const struct socket_address *address,
                         const char *operation)
{
    if (address->family == AF_UNSPEC || address->family == file->ops->socket->family)
        return 0;
    klog(KLOG_ERROR, "socket %s: service %s returned an address of family %u: EIO", operation,
         file->service ? file->service->name : "core", address->family);
    return -EIO;
}

/* The address use of connect(2) for the socket's type. */
static enum socket_address_use connect_use(struct file *file)
{
    int type, protocol;
    socket_type(file, &type, &protocol);
    return type == SOCK_DGRAM ? SOCKET_ADDRESS_CONNECT_DATAGRAM : SOCKET_ADDRESS_CONNECT_STREAM;
}

/* bind(fd, addr, addrlen). */
long sys_bind(const uint64_t arguments[6])
{
    struct file *file;
    int error = socket_lookup(ARGUMENT_INT(0), &file);
    if (error < 0)
        return error;
    struct socket_address address;
    error = socket_address_from_user(file->ops->socket->family, SOCKET_ADDRESS_BIND,
                                     ARGUMENT_ADDRESS(1), (long)ARGUMENT_INT(2), &address);
    if (error == 0)
        error = SOCKET_CALL(file, bind, &address);
    file_put(file);
    return error > 0 ? -EIO : error;
}

/* connect(fd, addr, addrlen). */
long sys_connect(const uint64_t arguments[6])
{
    struct file *file;
    int error = socket_lookup(ARGUMENT_INT(0), &file);
    if (error < 0)
        return error;
    struct socket_address address;
    error = socket_address_from_user(file->ops->socket->family, connect_use(file),
                                     ARGUMENT_ADDRESS(1), (long)ARGUMENT_INT(2), &address);
    if (error == 0)
        error = SOCKET_CALL(file, connect, &address);
    file_put(file);
    return error > 0 ? -EIO : error;
}

/* listen(fd, backlog): the backlog is clamped to 0..SOCKET_BACKLOG_MAX as an unsigned, as Linux. */
long sys_listen(const uint64_t arguments[6])
{
    struct file *file;
    int error = socket_lookup(ARGUMENT_INT(0), &file);
    if (error < 0)
        return error;
    int backlog = ARGUMENT_INT(1);
    if ((unsigned)backlog > SOCKET_BACKLOG_MAX)
        backlog = SOCKET_BACKLOG_MAX;
    error = SOCKET_CALL(file, listen, backlog);
    file_put(file);
    return error > 0 ? -EIO : error;
}

/*
 * accept4(fd, addr, addrlen, flags): the descriptor (-EBADF), flags
 * (-EINVAL), a free slot (-EMFILE), a socket (-ENOTSOCK), the service's
 * accept (blocking unless O_NONBLOCK), then the peer's address copied
 * out; a failed copy-out drops the new connection, as Linux.
 */
static long accept_common(const uint64_t arguments[6], int flags)
{
    struct file *file = NULL;
    int lookup = socket_lookup(ARGUMENT_INT(0), &file);
    if (lookup == -EBADF)
        return lookup;
    /* Linux 6.1's __sys_accept4_file: flags, then a free slot, then "is it a socket". */
    int error = lookup;
    if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
        error = -EINVAL;
    else if (!socket_descriptor_available())
        error = -EMFILE;
    if (error < 0) {
        if (lookup == 0)
            file_put(file);
        return error;
    }
    struct file *new_socket = NULL;
    struct socket_address peer = { .family = AF_UNSPEC };
    uintptr_t user_address = ARGUMENT_ADDRESS(1);
    error = SOCKET_CALL(file, accept, &new_socket, user_address ? &peer : NULL, flags);
    if (error == 0 && (!new_socket || !new_socket->ops || !new_socket->ops->socket)) {
        klog(KLOG_ERROR, "socket accept: service %s returned no socket: EIO",
             file->service ? file->service->name : "core");
        error = -EIO;
        new_socket = NULL;
    }
    if (error == 0 && user_address)
        error = check_address(file, &peer, "accept");
    if (error == 0 && user_address)
        error = socket_address_to_user(&peer, user_address, ARGUMENT_ADDRESS(2));
    file_put(file);
    if (error != 0) {
        if (new_socket)
            file_put(new_socket);
        return error > 0 ? -EIO : error;
    }
    return socket_install(new_socket, flags);
}

long sys_accept(const uint64_t arguments[6]) { return accept_common(arguments, 0); }

long sys_accept4(const uint64_t arguments[6]) { return accept_common(arguments, ARGUMENT_INT(3)); }

/* shutdown(fd, how): how outside SHUT_RD..SHUT_RDWR is -EINVAL (after the descriptor). */
long sys_shutdown(const uint64_t arguments[6])
{
    struct file *file;
    int error = socket_lookup(ARGUMENT_INT(0), &file);
    if (error < 0)
        return error;
    int how = ARGUMENT_INT(1);
    if (how < SHUT_RD || how > SHUT_RDWR)
        error = -EINVAL;
    else
        error = SOCKET_CALL(file, shutdown, how);
    file_put(file);
    return error > 0 ? -EIO : error;
}

/* getsockname/getpeername(fd, addr, addrlen). */
static long get_name(const uint64_t arguments[6], bool peer)
{
    struct file *file;
    int error = socket_lookup(ARGUMENT_INT(0), &file);
    if (error < 0)
        return error;
    struct socket_address address = { .family = AF_UNSPEC };
    error = SOCKET_CALL(file, get_name, &address, peer);
    if (error == 0)
        error = check_address(file, &address, peer ? "getpeername" : "getsockname");
    if (error == 0)
        error = socket_address_to_user(&address, ARGUMENT_ADDRESS(1), ARGUMENT_ADDRESS(2));
    file_put(file);
    return error > 0 ? -EIO : error;
}

long sys_getsockname(const uint64_t arguments[6]) { return get_name(arguments, false); }

long sys_getpeername(const uint64_t arguments[6]) { return get_name(arguments, true); }
