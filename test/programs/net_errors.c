/* net_errors: the errnos of socket calls as Linux reports them:
 * ECONNREFUSED (nothing listening), EADDRINUSE (bind to a bound port, with
 * and without SO_REUSEADDR), ENOTCONN (recv/getpeername/shutdown before
 * connect), EPIPE on a reset connection with SIGPIPE ignored and SIGPIPE's
 * default action in a child, ECONNRESET (peer closed with unread data),
 * EISCONN, EINVAL (listen/accept misuse, bad address length), EAFNOSUPPORT,
 * ENOTSOCK, EBADF, EFAULT, EPROTONOSUPPORT, ESOCKTNOSUPPORT/EINVAL types. */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/wait.h>

#include "net_common.h"

static void refused_and_in_use(void)
{
    unsigned short free_port = unused_port(SOCK_STREAM);
    errno = 0;
    show("connect to a port nobody listens on", tcp_connect(free_port));

    unsigned short port = 0;
    int listener = tcp_listener(&port, 4);
    int second = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = loopback_address(port);
    show("bind to the listener's port", bind(second, (struct sockaddr *)&address, sizeof address));
    int one = 1;
    setsockopt(second, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    show("the same with SO_REUSEADDR on the second only", bind(second, (struct sockaddr *)&address, sizeof address));
    struct sockaddr_in any = loopback_address(0);
    show("bind again to port 0", bind(second, (struct sockaddr *)&any, sizeof any));
    show("bind an already bound socket", bind(second, (struct sockaddr *)&any, sizeof any));
    close(second);

    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    show("UDP bind to the TCP listener's port", bind(udp, (struct sockaddr *)&address, sizeof address));
    close(udp);
    close(listener);
}

static void not_connected(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    char byte;
    struct sockaddr_in address;
    socklen_t length = sizeof address;
    show("recv before connect", recv(fd, &byte, 1, 0));
    show("send before connect (MSG_NOSIGNAL)", send(fd, "x", 1, MSG_NOSIGNAL));
    show("getpeername before connect", getpeername(fd, (struct sockaddr *)&address, &length));
    show("shutdown before connect", shutdown(fd, SHUT_RDWR));
    show("accept on a socket that is not listening", accept(fd, NULL, NULL));
    length = sizeof address;
    show("getsockname of an unbound socket", getsockname(fd, (struct sockaddr *)&address, &length));
    fact("unbound: port 0, address 0.0.0.0", address.sin_port == 0 && address.sin_addr.s_addr == 0);
    close(fd);
}

static void reset_connection(void)
{
    unsigned short port = 0;
    int listener = tcp_listener(&port, 4);

    /* The peer closes cleanly (FIN); our first write makes it answer RST. */
    int client = tcp_connect(port);
    int server = accept(listener, NULL, NULL);
    show("close the client", close(client));
    fact("server sees EOF", wait_for(server, POLLIN));
    char buffer[8];
    show("server read", read(server, buffer, sizeof buffer));
    signal(SIGPIPE, SIG_IGN);
    show("server write to the closed peer", write(server, "a", 1));
    fact("server gets the RST", wait_for(server, POLLERR | POLLHUP));
    show("write after the RST (SIGPIPE ignored)", write(server, "b", 1));
    show("write again", write(server, "c", 1));
    close(server);

    /* SIGPIPE's default action kills a child writing to such a socket. */
    client = tcp_connect(port);
    server = accept(listener, NULL, NULL);
    close(client);
    wait_for(server, POLLIN);
    write(server, "a", 1);
    wait_for(server, POLLERR | POLLHUP);
    pid_t child = fork();
    if (child == 0) {
        signal(SIGPIPE, SIG_DFL);
        write(server, "b", 1);
        _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    printf("child writing with SIGPIPE default: %s\n",
           WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE ? "killed by SIGPIPE" : "not killed");
    show("send with MSG_NOSIGNAL", send(server, "c", 1, MSG_NOSIGNAL));
    close(server);

    /* Closing with unread data sends RST: the peer reads ECONNRESET. */
    client = tcp_connect(port);
    server = accept(listener, NULL, NULL);
    show("server writes", write(server, "unread", 6));
    fact("client has data", wait_for(client, POLLIN));
    show("client closes without reading", close(client));
    fact("server gets the RST", wait_for(server, POLLERR | POLLHUP));
    show_poll_bits("server after RST", server, POLLIN | POLLOUT, 0);
    show("server read after RST", read(server, buffer, sizeof buffer));
    show("server read again", read(server, buffer, sizeof buffer));
    close(server);

    /* SO_ERROR reports a pending reset once. */
    client = tcp_connect(port);
    server = accept(listener, NULL, NULL);
    write(server, "unread", 6);
    wait_for(client, POLLIN);
    close(client);
    wait_for(server, POLLERR | POLLHUP);
    int error = socket_option(server, SOL_SOCKET, SO_ERROR);
    printf("SO_ERROR after RST: %s\n", errno_symbol(error));
    printf("SO_ERROR again: %s\n", errno_symbol(socket_option(server, SOL_SOCKET, SO_ERROR)));
    close(server);

    /* A second connect on a connected socket; listen on it. */
    client = tcp_connect(port);
    server = accept(listener, NULL, NULL);
    struct sockaddr_in address = loopback_address(port);
    show("connect a connected socket", connect(client, (struct sockaddr *)&address, sizeof address));
    show("listen on a connected socket", listen(client, 1));
    close(client);
    close(server);
    close(listener);
}

static void bad_arguments(void)
{
    /* IPv6 is optional: a socket, or EAFNOSUPPORT where it is not built. */
    int inet6 = socket(AF_INET6, SOCK_STREAM, 0);
    fact("socket(AF_INET6): a socket or EAFNOSUPPORT", inet6 >= 0 || errno == EAFNOSUPPORT);
    if (inet6 >= 0)
        close(inet6);
    show("socket(AF_INET, SOCK_STREAM, IPPROTO_UDP)", socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
    show("socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP)", socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP));
    show("socket(12345, SOCK_STREAM)", socket(12345, SOCK_STREAM, 0));
    show("socket(AF_INET, 77)", socket(AF_INET, 77, 0));
    show("socket(AF_INET, SOCK_STREAM | 0x40000000)", socket(AF_INET, SOCK_STREAM | 0x40000000, 0));

    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = loopback_address(0);
    show("bind with a short length", bind(fd, (struct sockaddr *)&address, 4));
    show("bind with a NULL address", bind(fd, NULL, sizeof address));
    show("bind with a bad pointer", bind(fd, (struct sockaddr *)8, sizeof address));
    struct sockaddr_in wrong_family = address;
    wrong_family.sin_family = AF_UNIX;
    show("bind with family AF_UNIX", bind(fd, (struct sockaddr *)&wrong_family, sizeof wrong_family));
    struct sockaddr_in foreign = loopback_address(0);
    foreign.sin_addr.s_addr = htonl(0xC0000201); /* 192.0.2.1: not ours */
    show("bind to an address that is not local", bind(fd, (struct sockaddr *)&foreign, sizeof foreign));
    show("connect with a short length", connect(fd, (struct sockaddr *)&address, 4));
    close(fd);

    int pipe_ends[2];
    pipe(pipe_ends);
    show("bind on a pipe", bind(pipe_ends[0], (struct sockaddr *)&address, sizeof address));
    show("listen on a pipe", listen(pipe_ends[0], 1));
    int type = 0;
    socklen_t type_length = sizeof type;
    show("getsockopt on a pipe", getsockopt(pipe_ends[0], SOL_SOCKET, SO_TYPE, &type, &type_length));
    char byte;
    show("recv on a pipe", recv(pipe_ends[0], &byte, 1, MSG_DONTWAIT));
    close(pipe_ends[0]);
    close(pipe_ends[1]);
    show("listen on a closed fd", listen(pipe_ends[0], 1));
    show("accept on a closed fd", accept(pipe_ends[0], NULL, NULL));
}

int main(void)
{
    program_start();
    refused_and_in_use();
    not_connected();
    reset_connection();
    bad_arguments();
    return 0;
}
