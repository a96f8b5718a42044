/* net_tcp: TCP over loopback in one process: listen/connect/accept and the
 * addresses each side sees, a 1 MiB echo in 16 KiB steps with a checksum,
 * MSG_PEEK, FIONREAD, half-close (shutdown SHUT_WR), socket options
 * (SO_TYPE, SO_ERROR, SO_REUSEADDR, SO_KEEPALIVE, TCP_NODELAY, SO_RCVTIMEO),
 * sendmsg/recvmsg with two iovecs, and a blocking accept woken by a child's
 * connect. */
#define _GNU_SOURCE
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "net_common.h"

#define ECHO_TOTAL (1024 * 1024)
#define ECHO_STEP (16 * 1024)

static void addresses(int listener, unsigned short port, int client, int server)
{
    struct sockaddr_in address;
    socklen_t length = sizeof address;
    show("getsockname listener", getsockname(listener, (struct sockaddr *)&address, &length));
    fact("listener family AF_INET", address.sin_family == AF_INET);
    fact("listener address 127.0.0.1", address.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    fact("listener port nonzero", port != 0);
    length = sizeof address;
    show("getpeername client", getpeername(client, (struct sockaddr *)&address, &length));
    fact("client's peer is the listener's port", ntohs(address.sin_port) == port);
    fact("peer address length", length == sizeof address);
    unsigned short client_port = bound_port(client);
    fact("client has an ephemeral port", client_port != 0 && client_port != port);
    length = sizeof address;
    show("getpeername server", getpeername(server, (struct sockaddr *)&address, &length));
    fact("server's peer is the client's port", ntohs(address.sin_port) == client_port);
    fact("server's local port is the listener's", bound_port(server) == port);
    errno = 0;
    length = sizeof address;
    show("getpeername listener", getpeername(listener, (struct sockaddr *)&address, &length));
}

static void echo(int client, int server)
{
    static unsigned char out[ECHO_STEP], middle[ECHO_STEP], back[ECHO_STEP];
    unsigned long sent_hash = FNV_START, echoed_hash = FNV_START;
    size_t total = 0;
    int ok = 1;
    while (total < ECHO_TOTAL) {
        for (size_t i = 0; i < ECHO_STEP; i++)
            out[i] = pattern_byte(total + i);
        sent_hash = fnv1a(sent_hash, out, ECHO_STEP);
        ok &= write_fully(client, out, ECHO_STEP) == ECHO_STEP;
        ok &= read_fully(server, middle, ECHO_STEP) == ECHO_STEP;
        ok &= write_fully(server, middle, ECHO_STEP) == ECHO_STEP;
        ok &= read_fully(client, back, ECHO_STEP) == ECHO_STEP;
        echoed_hash = fnv1a(echoed_hash, back, ECHO_STEP);
        total += ECHO_STEP;
        if (!ok)
            break;
    }
    printf("echo 1 MiB: all steps complete: %s, checksums equal: %s\n", ok ? "yes" : "no",
           sent_hash == echoed_hash ? "yes" : "no");
}

static void peek_and_fionread(int client, int server)
{
    char buffer[32] = {0};
    show("send hello", send(client, "hello", 5, 0));
    fact("server readable", wait_for(server, POLLIN));
    int available = -1;
    show("ioctl FIONREAD", ioctl(server, FIONREAD, &available));
    printf("FIONREAD: %d\n", available);
    show("recv MSG_PEEK", recv(server, buffer, sizeof buffer, MSG_PEEK));
    printf("peeked: %s\n", buffer);
    memset(buffer, 0, sizeof buffer);
    show("recv 3", recv(server, buffer, 3, 0));
    printf("got: %s\n", buffer);
    memset(buffer, 0, sizeof buffer);
    show("recv rest", recv(server, buffer, sizeof buffer, 0));
    printf("got: %s\n", buffer);
    show("recv MSG_DONTWAIT empty", recv(server, buffer, sizeof buffer, MSG_DONTWAIT));
}

static void vectors(int client, int server)
{
    char first[] = "abc", second[] = "defgh";
    struct iovec parts[2] = {{first, 3}, {second, 5}};
    struct msghdr message = {.msg_iov = parts, .msg_iovlen = 2};
    show("sendmsg two iovecs", sendmsg(client, &message, 0));
    fact("server readable", wait_for(server, POLLIN));
    char into_a[4] = {0}, into_b[16] = {0};
    struct iovec into[2] = {{into_a, 2}, {into_b, 15}};
    struct msghdr received = {.msg_iov = into, .msg_iovlen = 2};
    size_t total = 0;
    while (total < 8) {
        ssize_t got = recvmsg(server, &received, 0);
        if (got <= 0)
            break;
        total += (size_t)got;
        into[0].iov_base = (char *)into[0].iov_base + (got < 2 ? got : 2);
        into[0].iov_len -= got < 2 ? (size_t)got : 2;
        if (got > 2) {
            into[1].iov_base = (char *)into[1].iov_base + (got - 2);
            into[1].iov_len -= (size_t)(got - 2);
        }
    }
    printf("recvmsg total %zu: first [%s] second [%s]\n", total, into_a, into_b);
}

static void options(int client, int listener)
{
    printf("SO_TYPE: %s\n", socket_option(client, SOL_SOCKET, SO_TYPE) == SOCK_STREAM ? "SOCK_STREAM" : "other");
    printf("SO_ERROR: %d\n", socket_option(client, SOL_SOCKET, SO_ERROR));
    int one = 1;
    show("setsockopt TCP_NODELAY", setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one));
    fact("TCP_NODELAY set", socket_option(client, IPPROTO_TCP, TCP_NODELAY) != 0);
    show("setsockopt SO_KEEPALIVE", setsockopt(client, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one));
    fact("SO_KEEPALIVE set", socket_option(client, SOL_SOCKET, SO_KEEPALIVE) != 0);
    fact("SO_REUSEADDR before", socket_option(listener, SOL_SOCKET, SO_REUSEADDR) != 0);
    show("setsockopt SO_REUSEADDR", setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    fact("SO_REUSEADDR after", socket_option(listener, SOL_SOCKET, SO_REUSEADDR) != 0);
    int size = 65536;
    show("setsockopt SO_RCVBUF", setsockopt(client, SOL_SOCKET, SO_RCVBUF, &size, sizeof size));
    show("setsockopt SO_SNDBUF", setsockopt(client, SOL_SOCKET, SO_SNDBUF, &size, sizeof size));
    fact("SO_RCVBUF positive", socket_option(client, SOL_SOCKET, SO_RCVBUF) > 0);
    fact("SO_SNDBUF positive", socket_option(client, SOL_SOCKET, SO_SNDBUF) > 0);
    int value = 0;
    socklen_t value_length = sizeof value;
    show("getsockopt unknown option", getsockopt(client, SOL_SOCKET, 9999, &value, &value_length));
    struct timeval timeout = {.tv_sec = 0, .tv_usec = 100000};
    show("setsockopt SO_RCVTIMEO", setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout));
    struct timeval read_back = {0};
    socklen_t length = sizeof read_back;
    show("getsockopt SO_RCVTIMEO", getsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &read_back, &length));
    printf("SO_RCVTIMEO: %ld.%06ld\n", (long)read_back.tv_sec, (long)read_back.tv_usec);
    char byte;
    show("recv with SO_RCVTIMEO and no data", recv(client, &byte, 1, 0));
}

static void half_close(int client, int server)
{
    char buffer[16] = {0};
    show("shutdown client SHUT_WR", shutdown(client, SHUT_WR));
    fact("server readable", wait_for(server, POLLIN));
    show("server read at EOF", read(server, buffer, sizeof buffer));
    show("client send after SHUT_WR (MSG_NOSIGNAL)", send(client, "x", 1, MSG_NOSIGNAL));
    show("server write after the client's SHUT_WR", write(server, "bye", 3));
    fact("client readable", wait_for(client, POLLIN));
    show("client read", read(client, buffer, sizeof buffer));
    printf("client got: %s\n", buffer);
    show("close server", close(server));
    fact("client readable", wait_for(client, POLLIN));
    show("client read after the server's close", read(client, buffer, sizeof buffer));
    show_poll_bits("client after both closed", client, POLLIN | POLLOUT, 0);
}

static void blocking_accept(int listener, unsigned short port)
{
    pid_t child = fork();
    if (child == 0) {
        if (wait_until_sleeping(getppid()) < 0)
            _exit(2);
        int fd = tcp_connect(port);
        if (fd < 0)
            _exit(3);
        write(fd, "child", 5);
        close(fd);
        _exit(0);
    }
    int accepted = accept(listener, NULL, NULL);
    fact("blocking accept woken by the child's connect", accepted >= 0);
    char buffer[16] = {0};
    show("read from the child's connection", (long)read_fully(accepted, buffer, 5));
    printf("got: %s\n", buffer);
    int status = 0;
    waitpid(child, &status, 0);
    printf("child exit status %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    close(accepted);
}

int main(void)
{
    program_start();
    unsigned short port = 0;
    int listener = tcp_listener(&port, 8);
    fact("listener", listener >= 0);
    int client = tcp_connect(port);
    fact("connect", client >= 0);
    struct sockaddr_in peer;
    socklen_t length = sizeof peer;
    int server = accept(listener, (struct sockaddr *)&peer, &length);
    fact("accept", server >= 0);
    fact("accepted peer address 127.0.0.1", peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    fact("accepted peer port is the client's", ntohs(peer.sin_port) == bound_port(client));
    addresses(listener, port, client, server);
    show_poll_bits("idle client", client, POLLIN | POLLOUT, 0);
    echo(client, server);
    peek_and_fionread(client, server);
    vectors(client, server);
    options(client, listener);
    half_close(client, server);
    close(client);
    blocking_accept(listener, port);
    show("close listener", close(listener));
    return 0;
}
