/*
 * net_common.h — socket helpers shared by the static network test programs
 * (net_*.c). Everything they print must be deterministic on any kernel:
 * never a port number, a pid or a time, only facts ("port nonzero: yes").
 * Only loopback addresses are used.
 */
#ifndef TEST_PROGRAMS_NET_COMMON_H
#define TEST_PROGRAMS_NET_COMMON_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include "common.h"

/* 127.0.0.1:port (port in host order; 0 = any). */
static inline struct sockaddr_in loopback_address(unsigned short port)
{
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port)};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

/* The port (host order) a socket is bound to, or 0 when getsockname fails. */
static inline unsigned short bound_port(int fd)
{
    struct sockaddr_in address;
    socklen_t length = sizeof address;
    if (getsockname(fd, (struct sockaddr *)&address, &length) < 0)
        return 0;
    return ntohs(address.sin_port);
}

/* A TCP socket listening on 127.0.0.1 at a port the kernel chose; the port
 * goes to *port. Returns the fd, or -1 (and prints why). */
static inline int tcp_listener(unsigned short *port, int backlog)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = loopback_address(0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&address, sizeof address) < 0 || listen(fd, backlog) < 0) {
        printf("tcp_listener failed: %s\n", errno_symbol(errno));
        return -1;
    }
    *port = bound_port(fd);
    return fd;
}

/* A blocking TCP connection to 127.0.0.1:port; the fd or -1 (errno set). */
static inline int tcp_connect(unsigned short port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in address = loopback_address(port);
    if (connect(fd, (struct sockaddr *)&address, sizeof address) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

/* A loopback port with nothing bound to it (bound once, then closed). */
static inline unsigned short unused_port(int type)
{
    int fd = socket(AF_INET, type, 0);
    struct sockaddr_in address = loopback_address(0);
    bind(fd, (struct sockaddr *)&address, sizeof address);
    unsigned short port = bound_port(fd);
    close(fd);
    return port;
}

/* poll one fd; prints "label: poll N revents ..." with the bits set. */
static inline int show_poll_bits(const char *label, int fd, short events, int timeout)
{
    struct pollfd entry = {.fd = fd, .events = events};
    int result = poll(&entry, 1, timeout);
    printf("%s: poll %d revents%s%s%s%s%s%s\n", label, result, entry.revents & POLLIN ? " IN" : "",
           entry.revents & POLLPRI ? " PRI" : "", entry.revents & POLLOUT ? " OUT" : "",
           entry.revents & POLLHUP ? " HUP" : "", entry.revents & POLLERR ? " ERR" : "",
           entry.revents & POLLNVAL ? " NVAL" : "");
    return result;
}

/* Wait (up to 5 s) until fd polls with one of events; 1 when it does. A
 * deterministic wait for the stack to deliver, never a sleep that hopes. */
static inline int wait_for(int fd, short events)
{
    struct pollfd entry = {.fd = fd, .events = events};
    return poll(&entry, 1, 5000) == 1;
}

/* Read exactly length bytes (blocking); returns what it read (less at EOF
 * or on an error). */
static inline size_t read_fully(int fd, void *buffer, size_t length)
{
    size_t done = 0;
    while (done < length) {
        ssize_t got = read(fd, (char *)buffer + done, length - done);
        if (got <= 0)
            break;
        done += (size_t)got;
    }
    return done;
}

/* Write all of buffer (blocking); returns what it wrote. */
static inline size_t write_fully(int fd, const void *buffer, size_t length)
{
    size_t done = 0;
    while (done < length) {
        ssize_t wrote = write(fd, (const char *)buffer + done, length - done);
        if (wrote <= 0)
            break;
        done += (size_t)wrote;
    }
    return done;
}

/* The getsockopt int value of (level, name), or -errno. */
static inline int socket_option(int fd, int level, int name)
{
    int value = 0;
    socklen_t length = sizeof value;
    if (getsockopt(fd, level, name, &value, &length) < 0)
        return -errno;
    return value;
}

/* A deterministic byte pattern (position-dependent, period not a power of two). */
static inline unsigned char pattern_byte(size_t position)
{
    return (unsigned char)((position * 7 + position / 251) & 0xff);
}

/* FNV-1a over a buffer, continuing from hash. */
static inline unsigned long fnv1a(unsigned long hash, const void *data, size_t length)
{
    const unsigned char *bytes = data;
    for (size_t i = 0; i < length; i++) {
        hash ^= bytes[i];
        hash *= 1099511628211UL;
    }
    return hash;
}

#define FNV_START 14695981039346656037UL

#endif
