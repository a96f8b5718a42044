/*
 * tap_host.c — the host side of the hosted tap tests (see tap_host.h):
 * namespace, interface address, and TCP/UDP peers in pthreads that use
 * only the host's sockets and their own memory, never the kernel's.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tap_host.h"

static const char *deadline_message;

/* SIGALRM: the deadline passed. */
static void deadline_passed(int signal_number)
{
    (void)signal_number;
    (void)!write(STDERR_FILENO, deadline_message, strlen(deadline_message));
    _exit(1);
}

/* See tap_host.h. */
void tap_host_deadline(unsigned seconds, const char *message)
{
    deadline_message = message;
    signal(SIGALRM, deadline_passed);
    alarm(seconds);
}

/* See tap_host.h. */
int tap_host_enter_namespace(void)
{
    return unshare(CLONE_NEWNET) == 0 ? 0 : -errno;
}

/* ioctl request on the interface name through an AF_INET socket. Returns 0 or -errno. */
static int interface_ioctl(unsigned long request, struct ifreq *interface)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    int result = ioctl(fd, request, interface) == 0 ? 0 : -errno;
    close(fd);
    return result;
}

/* See tap_host.h. */
int tap_host_configure(const char *name, const char *address, const char *netmask, uint8_t mac[6])
{
    struct ifreq interface;
    memset(&interface, 0, sizeof interface);
    if (strlen(name) >= sizeof interface.ifr_name)
        return -EINVAL;
    strcpy(interface.ifr_name, name);
    struct sockaddr_in *socket_address = (struct sockaddr_in *)&interface.ifr_addr;
    socket_address->sin_family = AF_INET;
    if (inet_pton(AF_INET, address, &socket_address->sin_addr) != 1)
        return -EINVAL;
    int error = interface_ioctl(SIOCSIFADDR, &interface);
    if (error < 0)
        return error;
    if (inet_pton(AF_INET, netmask, &socket_address->sin_addr) != 1)
        return -EINVAL;
    if ((error = interface_ioctl(SIOCSIFNETMASK, &interface)) < 0)
        return error;
    if ((error = interface_ioctl(SIOCGIFFLAGS, &interface)) < 0)
        return error;
    interface.ifr_flags |= IFF_UP;
    if ((error = interface_ioctl(SIOCSIFFLAGS, &interface)) < 0)
        return error;
    if ((error = interface_ioctl(SIOCGIFHWADDR, &interface)) < 0)
        return error;
    if (mac)
        memcpy(mac, interface.ifr_hwaddr.sa_data, 6);
    return 0;
}

/* address:port as a sockaddr_in. Returns 0 or -EINVAL. */
static int address_make(struct sockaddr_in *out, const char *address, uint16_t port)
{
    memset(out, 0, sizeof *out);
    out->sin_family = AF_INET;
    out->sin_port = htons(port);
    return inet_pton(AF_INET, address, &out->sin_addr) == 1 ? 0 : -EINVAL;
}

/* A socket of type bound to address:port. The fd, or -errno. */
static int bound_socket(int type, const char *address, uint16_t port)
{
    struct sockaddr_in local;
    if (address_make(&local, address, port) < 0)
        return -EINVAL;
    int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&local, sizeof local) != 0) {
        int error = -errno;
        close(fd);
        return error;
    }
    return fd;
}

/* See tap_host.h. */
int tap_host_tcp_listen(const char *address, uint16_t port)
{
    int fd = bound_socket(SOCK_STREAM, address, port);
    if (fd >= 0 && listen(fd, 1) != 0) {
        int error = -errno;
        close(fd);
        return error;
    }
    return fd;
}

/* See tap_host.h. */
int tap_host_udp_bind(const char *address, uint16_t port)
{
    return bound_socket(SOCK_DGRAM, address, port);
}

enum peer_kind { PEER_STREAM, PEER_UDP_ECHO };

struct tap_host_peer {
    pthread_t thread;
    enum peer_kind kind;
    int fd;                       /* listening (stream, -1 to connect) or bound UDP socket */
    struct sockaddr_in address;   /* stream: where to connect; UDP: the expected source */
    uint64_t total;
    uint8_t send_seed, receive_seed;
    const size_t *sizes;
    size_t count;
    int timeout_ms;
    struct tap_host_result result;
    _Atomic bool finished;
};

/* Record the peer's first failure (printf-style); returns false for "return fail(...)". */
static bool fail(struct tap_host_peer *peer, const char *format, ...)
{
    if (peer->result.failed)
        return false;
    peer->result.failed = true;
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(peer->result.message, sizeof peer->result.message, format, arguments);
    va_end(arguments);
    return false;
}

/* poll one fd for events within the peer's timeout. Returns the revents, 0 on timeout, -errno. */
static int wait_for(struct tap_host_peer *peer, int fd, short events)
{
    struct pollfd entry = { .fd = fd, .events = events };
    int ready;
    do
        ready = poll(&entry, 1, peer->timeout_ms);
    while (ready < 0 && errno == EINTR);
    if (ready < 0)
        return -errno;
    return ready == 0 ? 0 : entry.revents;
}

/* The stream peer's connection: accepted or connected (non-blocking). The fd or -1 (failure recorded). */
static int stream_connection(struct tap_host_peer *peer)
{
    if (peer->fd >= 0) {
        int ready = wait_for(peer, peer->fd, POLLIN);
        if (ready <= 0)
            return fail(peer, "host: no connection to accept within %d ms (%d)", peer->timeout_ms, ready), -1;
        int fd = accept4(peer->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return fail(peer, "host: accept: %s", strerror(errno)), -1;
        return fd;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return fail(peer, "host: socket: %s", strerror(errno)), -1;
    if (connect(fd, (struct sockaddr *)&peer->address, sizeof peer->address) != 0 &&
        errno != EINPROGRESS) {
        fail(peer, "host: connect: %s", strerror(errno));
        close(fd);
        return -1;
    }
    int ready = wait_for(peer, fd, POLLOUT);
    int error = 0;
    socklen_t length = sizeof error;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
    if (ready <= 0 || error != 0) {
        fail(peer, "host: connect to the kernel did not complete within %d ms: %s", peer->timeout_ms,
             error ? strerror(error) : "timeout");
        close(fd);
        return -1;
    }
    return fd;
}

/* Send and receive on the connected non-blocking fd at once, as the peer's contract says. */
static void stream_exchange(struct tap_host_peer *peer, int fd)
{
    static const size_t chunk = 16384;
    uint8_t *outgoing = malloc(chunk), *incoming = malloc(chunk);
    struct tap_host_result *result = &peer->result;
    result->sent_checksum = result->received_checksum = TAP_CHECKSUM_START;
    bool end_of_stream = false, shut = false;
    while (!peer->result.failed && (!end_of_stream || !shut)) {
        short events = end_of_stream ? 0 : POLLIN;
        if (!shut)
            events |= POLLOUT;
        int ready = wait_for(peer, fd, events);
        if (ready <= 0) {
            fail(peer, "host: no progress within %d ms (sent %llu, received %llu of %llu)",
                 peer->timeout_ms, (unsigned long long)result->sent,
                 (unsigned long long)result->received, (unsigned long long)peer->total);
            break;
        }
        if ((ready & POLLOUT) && !shut) {
            size_t length = peer->total - result->sent < chunk ? peer->total - result->sent : chunk;
            for (size_t i = 0; i < length; i++)
                outgoing[i] = tap_pattern_byte(result->sent + i, peer->send_seed);
            ssize_t written = length ? send(fd, outgoing, length, MSG_NOSIGNAL) : 0;
            if (written < 0 && errno != EAGAIN) {
                fail(peer, "host: send: %s", strerror(errno));
                break;
            }
            if (written > 0) {
                result->sent_checksum = tap_checksum(result->sent_checksum, outgoing, (size_t)written);
                result->sent += (uint64_t)written;
            }
            if (result->sent == peer->total) {
                if (shutdown(fd, SHUT_WR) != 0)
                    fail(peer, "host: shutdown: %s", strerror(errno));
                shut = true;
            }
        }
        if ((ready & (POLLIN | POLLHUP | POLLERR)) && !end_of_stream) {
            ssize_t got = recv(fd, incoming, chunk, 0);
            if (got < 0 && errno != EAGAIN) {
                fail(peer, "host: recv: %s", strerror(errno));
                break;
            }
            if (got == 0)
                end_of_stream = true;
            for (ssize_t i = 0; i < got; i++) {
                if (incoming[i] != tap_pattern_byte(result->received + (uint64_t)i, peer->receive_seed)) {
                    fail(peer, "host: received byte %llu is %#x, expected %#x",
                         (unsigned long long)(result->received + (uint64_t)i), incoming[i],
                         tap_pattern_byte(result->received + (uint64_t)i, peer->receive_seed));
                    break;
                }
            }
            if (got > 0) {
                result->received_checksum = tap_checksum(result->received_checksum, incoming, (size_t)got);
                result->received += (uint64_t)got;
            }
        }
    }
    if (!result->failed && result->received != peer->total)
        fail(peer, "host: end of stream after %llu bytes, expected %llu",
             (unsigned long long)result->received, (unsigned long long)peer->total);
    free(outgoing);
    free(incoming);
}

/* The UDP echo peer's loop (see tap_host_udp_echo_start). */
static void udp_echo(struct tap_host_peer *peer)
{
    uint8_t *datagram = malloc(65536);
    for (size_t index = 0; index < peer->count && !peer->result.failed; index++) {
        int ready = wait_for(peer, peer->fd, POLLIN);
        if (ready <= 0) {
            fail(peer, "host: datagram %zu did not come within %d ms", index, peer->timeout_ms);
            break;
        }
        struct sockaddr_in source;
        socklen_t source_length = sizeof source;
        ssize_t got = recvfrom(peer->fd, datagram, 65536, MSG_DONTWAIT, (struct sockaddr *)&source,
                               &source_length);
        if (got < 0) {
            fail(peer, "host: recvfrom: %s", strerror(errno));
            break;
        }
        if (source.sin_addr.s_addr != peer->address.sin_addr.s_addr ||
            source.sin_port != peer->address.sin_port) {
            fail(peer, "host: datagram %zu from %s:%u", index, inet_ntoa(source.sin_addr),
                 ntohs(source.sin_port));
            break;
        }
        if ((size_t)got != peer->sizes[index]) {
            fail(peer, "host: datagram %zu has %zd bytes, expected %zu", index, got, peer->sizes[index]);
            break;
        }
        for (ssize_t i = 0; i < got; i++) {
            if (datagram[i] != tap_pattern_byte((uint64_t)i, (uint8_t)(peer->receive_seed + index))) {
                fail(peer, "host: datagram %zu byte %zd is wrong", index, i);
                break;
            }
            datagram[i] = (uint8_t)~datagram[i];
        }
        peer->result.received += (uint64_t)got;
        if (!peer->result.failed &&
            sendto(peer->fd, datagram, (size_t)got, 0, (struct sockaddr *)&source, source_length) != got)
            fail(peer, "host: sendto: %s", strerror(errno));
        else
            peer->result.sent += (uint64_t)got;
    }
    free(datagram);
}

/* The pthread's body: run the peer, close its sockets. */
static void *peer_main(void *argument)
{
    struct tap_host_peer *peer = argument;
    if (peer->kind == PEER_UDP_ECHO) {
        udp_echo(peer);
    } else {
        int fd = stream_connection(peer);
        if (fd >= 0) {
            stream_exchange(peer, fd);
            close(fd);
        }
    }
    if (peer->fd >= 0)
        close(peer->fd);
    atomic_store(&peer->finished, true);
    return NULL;
}

/* Start peer's thread; frees it and returns NULL on failure. */
static struct tap_host_peer *peer_start(struct tap_host_peer *peer)
{
    if (pthread_create(&peer->thread, NULL, peer_main, peer) != 0) {
        free(peer);
        return NULL;
    }
    return peer;
}

/* See tap_host.h. */
struct tap_host_peer *tap_host_stream_start(int listen_fd, const char *address, uint16_t port,
                                            uint64_t total, uint8_t send_seed, uint8_t receive_seed,
                                            int timeout_ms)
{
    struct tap_host_peer *peer = calloc(1, sizeof *peer);
    if (!peer)
        return NULL;
    peer->kind = PEER_STREAM;
    peer->fd = listen_fd;
    if (listen_fd < 0 && address_make(&peer->address, address, port) < 0) {
        free(peer);
        return NULL;
    }
    peer->total = total;
    peer->send_seed = send_seed;
    peer->receive_seed = receive_seed;
    peer->timeout_ms = timeout_ms;
    return peer_start(peer);
}

/* See tap_host.h. */
struct tap_host_peer *tap_host_udp_echo_start(int fd, const char *from_address, uint16_t from_port,
                                              const size_t *sizes, size_t count, uint8_t seed,
                                              int timeout_ms)
{
    struct tap_host_peer *peer = calloc(1, sizeof *peer);
    if (!peer)
        return NULL;
    peer->kind = PEER_UDP_ECHO;
    peer->fd = fd;
    if (address_make(&peer->address, from_address, from_port) < 0) {
        free(peer);
        return NULL;
    }
    peer->sizes = sizes;
    peer->count = count;
    peer->receive_seed = seed;
    peer->timeout_ms = timeout_ms;
    return peer_start(peer);
}

/* See tap_host.h. */
bool tap_host_finished(struct tap_host_peer *peer)
{
    return atomic_load(&peer->finished);
}

/* See tap_host.h. */
void tap_host_join(struct tap_host_peer *peer, struct tap_host_result *result)
{
    pthread_join(peer->thread, NULL);
    *result = peer->result;
    free(peer);
}
