/* net_nonblock: nonblocking sockets: connect returns EINPROGRESS, poll for
 * POLLOUT, SO_ERROR 0, a second connect EISCONN; a refused nonblocking
 * connect (poll's bits, SO_ERROR ECONNREFUSED once); accept on an empty
 * nonblocking listener EAGAIN; accept4 with SOCK_NONBLOCK|SOCK_CLOEXEC;
 * socket() with SOCK_NONBLOCK; select on a listener; a backlog that fills. */
#define _GNU_SOURCE
#include <sys/select.h>

#include "net_common.h"

static int nonblocking_socket(void)
{
    return socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
}

static void connect_in_progress(int listener, unsigned short port)
{
    int fd = nonblocking_socket();
    fact("socket(SOCK_NONBLOCK) sets O_NONBLOCK", (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
    struct sockaddr_in address = loopback_address(port);
    show("nonblocking connect", connect(fd, (struct sockaddr *)&address, sizeof address));
    fact("connected socket becomes writable", wait_for(fd, POLLOUT));
    show_poll_bits("after the handshake", fd, POLLIN | POLLOUT, 0);
    printf("SO_ERROR: %s\n", errno_symbol(socket_option(fd, SOL_SOCKET, SO_ERROR)));
    show("connect again (reports the completion)", connect(fd, (struct sockaddr *)&address, sizeof address));
    show("connect a third time", connect(fd, (struct sockaddr *)&address, sizeof address));
    fact("listener readable", wait_for(listener, POLLIN));

    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(listener, &readable);
    struct timeval zero = {0};
    int ready = select(listener + 1, &readable, NULL, NULL, &zero);
    printf("select on the listener: %d, set: %s\n", ready, FD_ISSET(listener, &readable) ? "yes" : "no");

    int server = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    fact("accept4", server >= 0);
    fact("accept4 O_NONBLOCK", (fcntl(server, F_GETFL) & O_NONBLOCK) != 0);
    fact("accept4 FD_CLOEXEC", (fcntl(server, F_GETFD) & FD_CLOEXEC) != 0);
    char buffer[8];
    show("read on an empty nonblocking socket", read(server, buffer, sizeof buffer));
    show("accept on an empty nonblocking listener", accept(listener, NULL, NULL));
    show("write", write(fd, "nb", 2));
    fact("server readable", wait_for(server, POLLIN));
    show("read", read(server, buffer, sizeof buffer));

    /* Fill the connection: writes stop with EAGAIN, POLLOUT clears. */
    static char chunk[65536];
    long total = 0;
    ssize_t wrote;
    while ((wrote = write(fd, chunk, sizeof chunk)) > 0 && total < (64L << 20))
        total += wrote;
    printf("writes until full: stopped with %s, wrote something: %s\n", errno_symbol(errno),
           total > 0 ? "yes" : "no");
    show_poll_bits("full sender", fd, POLLOUT, 0);
    long drained = 0;
    while (drained < total) {
        if (!wait_for(server, POLLIN))
            break;
        ssize_t got = read(server, chunk, sizeof chunk);
        if (got <= 0)
            break;
        drained += got;
    }
    fact("the receiver drained everything", drained == total);
    fact("the sender is writable again", wait_for(fd, POLLOUT));
    close(server);
    close(fd);
}

static void refused(void)
{
    unsigned short port = unused_port(SOCK_STREAM);
    int fd = nonblocking_socket();
    struct sockaddr_in address = loopback_address(port);
    int result = connect(fd, (struct sockaddr *)&address, sizeof address);
    printf("nonblocking connect to a closed port: %s\n",
           result == 0 ? "0" : (errno == EINPROGRESS || errno == ECONNREFUSED) ? "EINPROGRESS or ECONNREFUSED" :
           errno_symbol(errno));
    fact("completes", wait_for(fd, POLLOUT));
    show_poll_bits("refused", fd, POLLIN | POLLOUT, 0);
    printf("SO_ERROR: %s\n", errno_symbol(socket_option(fd, SOL_SOCKET, SO_ERROR)));
    printf("SO_ERROR again: %s\n", errno_symbol(socket_option(fd, SOL_SOCKET, SO_ERROR)));
    close(fd);

    /* A blocking socket made nonblocking with fcntl. */
    fd = socket(AF_INET, SOCK_STREAM, 0);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    connect(fd, (struct sockaddr *)&address, sizeof address);
    wait_for(fd, POLLOUT);
    char byte;
    show("recv after a refused connect", recv(fd, &byte, 1, 0));
    close(fd);
}

static void backlog(void)
{
    unsigned short port = 0;
    int listener = tcp_listener(&port, 1);
    int clients[4];
    int connected = 0;
    for (int i = 0; i < 2; i++) {
        clients[i] = tcp_connect(port);
        connected += clients[i] >= 0;
    }
    printf("blocking connects within a backlog of 1 (Linux queues backlog + 1): %d\n", connected);
    int accepted = 0;
    fcntl(listener, F_SETFL, O_NONBLOCK);
    for (;;) {
        if (!wait_for(listener, POLLIN))
            break;
        int fd = accept(listener, NULL, NULL);
        if (fd < 0)
            break;
        accepted++;
        close(fd);
        if (accepted == connected)
            break;
    }
    printf("accepted: %d\n", accepted);
    show("accept when drained", accept(listener, NULL, NULL));
    for (int i = 0; i < 2; i++)
        if (clients[i] >= 0)
            close(clients[i]);
    close(listener);
}

int main(void)
{
    program_start();
    unsigned short port = 0;
    int listener = tcp_listener(&port, 8);
    fcntl(listener, F_SETFL, O_NONBLOCK);
    connect_in_progress(listener, port);
    close(listener);
    refused();
    backlog();
    return 0;
}
