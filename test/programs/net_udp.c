/* net_udp: UDP over loopback: sendto/recvfrom with the sender's address,
 * message boundaries, MSG_TRUNC (returns the datagram's real length) and
 * MSG_PEEK, FIONREAD (the next datagram's size), a connected socket's send
 * and its peer filter, EDESTADDRREQ, a zero-length datagram, sendmsg and
 * recvmsg with msg_name and MSG_TRUNC in msg_flags, SO_RCVTIMEO. */
#define _GNU_SOURCE
#include <sys/ioctl.h>
#include <sys/time.h>
#include <sys/uio.h>

#include "net_common.h"

static int udp_socket(unsigned short *port)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in address = loopback_address(0);
    bind(fd, (struct sockaddr *)&address, sizeof address);
    *port = bound_port(fd);
    return fd;
}

int main(void)
{
    program_start();
    unsigned short port_a = 0, port_b = 0;
    int a = udp_socket(&port_a), b = udp_socket(&port_b);
    fact("two bound UDP sockets", a >= 0 && b >= 0 && port_a != 0 && port_b != 0 && port_a != port_b);
    printf("SO_TYPE: %s\n", socket_option(a, SOL_SOCKET, SO_TYPE) == SOCK_DGRAM ? "SOCK_DGRAM" : "other");
    struct sockaddr_in to_b = loopback_address(port_b), to_a = loopback_address(port_a);

    show("sendto 5 bytes", sendto(a, "first", 5, 0, (struct sockaddr *)&to_b, sizeof to_b));
    show("sendto 6 bytes", sendto(a, "second", 6, 0, (struct sockaddr *)&to_b, sizeof to_b));
    fact("b readable", wait_for(b, POLLIN));
    int available = -1;
    ioctl(b, FIONREAD, &available);
    printf("FIONREAD (the first datagram): %d\n", available);

    char buffer[64] = {0};
    struct sockaddr_in from;
    socklen_t length = sizeof from;
    show("recvfrom MSG_PEEK", recvfrom(b, buffer, sizeof buffer, MSG_PEEK, (struct sockaddr *)&from, &length));
    printf("peeked: %s\n", buffer);
    memset(buffer, 0, sizeof buffer);
    length = sizeof from;
    show("recvfrom", recvfrom(b, buffer, sizeof buffer, 0, (struct sockaddr *)&from, &length));
    printf("got: %s, from a's port: %s, from 127.0.0.1: %s, length %u\n", buffer,
           ntohs(from.sin_port) == port_a ? "yes" : "no",
           from.sin_addr.s_addr == htonl(INADDR_LOOPBACK) ? "yes" : "no", (unsigned)length);
    memset(buffer, 0, sizeof buffer);
    fact("b readable", wait_for(b, POLLIN));
    show("recv 3 of a 6-byte datagram with MSG_TRUNC", recv(b, buffer, 3, MSG_TRUNC));
    printf("got: %s\n", buffer);
    show("recv MSG_DONTWAIT: the rest was dropped", recv(b, buffer, sizeof buffer, MSG_DONTWAIT));

    show("sendto 10 bytes", sendto(a, "0123456789", 10, 0, (struct sockaddr *)&to_b, sizeof to_b));
    fact("b readable", wait_for(b, POLLIN));
    char small[4] = {0};
    struct iovec part = {small, 4};
    struct msghdr message = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &part, .msg_iovlen = 1};
    show("recvmsg into 4 bytes", recvmsg(b, &message, 0));
    printf("msg_flags MSG_TRUNC: %s, name length %u, got %.4s\n", message.msg_flags & MSG_TRUNC ? "yes" : "no",
           (unsigned)message.msg_namelen, small);

    show("sendto a zero-length datagram", sendto(a, "", 0, 0, (struct sockaddr *)&to_b, sizeof to_b));
    fact("b readable", wait_for(b, POLLIN));
    show("recv the zero-length datagram", recv(b, buffer, sizeof buffer, 0));

    show("send on an unconnected socket", send(a, "x", 1, 0));
    show("connect a to b", connect(a, (struct sockaddr *)&to_b, sizeof to_b));
    length = sizeof from;
    show("getpeername", getpeername(a, (struct sockaddr *)&from, &length));
    fact("peer is b", ntohs(from.sin_port) == port_b);
    show("send on the connected socket", send(a, "connected", 9, 0));
    fact("b readable", wait_for(b, POLLIN));
    memset(buffer, 0, sizeof buffer);
    show("recv", recv(b, buffer, sizeof buffer, 0));
    printf("got: %s\n", buffer);

    /* A connected socket receives only from its peer. */
    unsigned short port_c = 0;
    int c = udp_socket(&port_c);
    show("c sends to a (filtered: a is connected to b)", sendto(c, "stranger", 8, 0, (struct sockaddr *)&to_a, sizeof to_a));
    show("b sends to a", sendto(b, "friend", 6, 0, (struct sockaddr *)&to_a, sizeof to_a));
    fact("a readable", wait_for(a, POLLIN));
    memset(buffer, 0, sizeof buffer);
    show("a recv", recv(a, buffer, sizeof buffer, 0));
    printf("got: %s\n", buffer);
    show("a recv again (MSG_DONTWAIT)", recv(a, buffer, sizeof buffer, MSG_DONTWAIT));

    /* Dissolve the association with AF_UNSPEC. */
    struct sockaddr unspecified = {.sa_family = AF_UNSPEC};
    show("connect AF_UNSPEC", connect(a, &unspecified, sizeof unspecified));
    length = sizeof from;
    show("getpeername after AF_UNSPEC", getpeername(a, (struct sockaddr *)&from, &length));

    struct timeval timeout = {.tv_sec = 0, .tv_usec = 50000};
    setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    show("recv with SO_RCVTIMEO and nothing queued", recv(c, buffer, sizeof buffer, 0));

    /* A datagram larger than 64 KiB cannot be sent. */
    static char huge[70000];
    show("sendto 70000 bytes", sendto(c, huge, sizeof huge, 0, (struct sockaddr *)&to_b, sizeof to_b));
    static char big[8192];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (char)pattern_byte(i);
    show("sendto 8192 bytes", sendto(c, big, sizeof big, 0, (struct sockaddr *)&to_b, sizeof to_b));
    fact("b readable", wait_for(b, POLLIN));
    static char big_back[8192];
    show("recv 8192 bytes", recv(b, big_back, sizeof big_back, 0));
    fact("8192 bytes intact", memcmp(big, big_back, sizeof big) == 0);
    close(a);
    close(b);
    close(c);
    return 0;
}
