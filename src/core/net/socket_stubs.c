/*
 * socket_stubs.c — the shared stubs for socket_ops slots a kind of socket
 * does not have (rk/socket.h): each answers -EOPNOTSUPP, as Linux's
 * sock_no_bind, sock_no_listen, sock_no_accept and sock_no_socketpair.
 */
#include <rk/errno.h>
#include <rk/socket.h>

int socket_stub_bind(struct file *socket, const struct socket_address *address) { return -EOPNOTSUPP; }

int socket_stub_listen(struct file *socket, int backlog) { return -EOPNOTSUPP; }

int socket_stub_accept(struct file *socket, struct file **new_socket, struct socket_address *peer,
                       int flags)
{
    return -EOPNOTSUPP;
}

int socket_stub_connect_pair(struct file *socket, struct file *other) { return -EOPNOTSUPP; }
