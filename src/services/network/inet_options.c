/*
 * inet_options.c — setsockopt/getsockopt of TCP and UDP sockets at
 * SOL_SOCKET and SOL_TCP, with Linux's lengths, limits and errnos
 * (net/core/sock.c sock_setsockopt/sock_getsockopt, net/ipv4/tcp.c).
 *
 * set: an int option needs length >= 4 (-EINVAL); get: the value is
 * truncated to the caller's length, which becomes the length copied.
 * Unknown options are -ENOPROTOOPT, SOL_TCP on a UDP socket too.
 */
#include <rk/errno.h>
#include <rk/file.h>
#include <rk/string.h>

#include "inet_internal.h"

#define NANOSECONDS_PER_SECOND 1000000000ull

/* struct timeval (SO_RCVTIMEO_OLD / SO_SNDTIMEO_OLD on x86_64). */
struct inet_timeval {
    int64_t seconds;
    int64_t microseconds;
};

/* struct linger. */
struct inet_linger {
    int32_t on;
    int32_t seconds;
};

/* Linux's sock_set_timeout: 0 0 is "forever"; a negative time means "do not wait". */
static int inet_set_timeout(uint64_t *timeout_ns, const void *value, unsigned length)
{
    struct inet_timeval time;
    if (length < sizeof time)
        return -EINVAL;
    memcpy(&time, value, sizeof time);
    if (time.microseconds < 0 || time.microseconds >= 1000000)
        return -EDOM;
    if (time.seconds < 0) {
        *timeout_ns = 1;
        return 0;
    }
    if (time.seconds == 0 && time.microseconds == 0) {
        *timeout_ns = 0;
        return 0;
    }
    uint64_t seconds = (uint64_t)time.seconds;
    if (seconds > UINT64_MAX / NANOSECONDS_PER_SECOND - 1)
        *timeout_ns = 0;    /* beyond any clock: forever */
    else
        *timeout_ns = seconds * NANOSECONDS_PER_SECOND + (uint64_t)time.microseconds * 1000u;
    return 0;
}

/* SO_RCVBUF/SO_SNDBUF as Linux stores them: clamped to the maximum, doubled, at least minimum. */
static int inet_buffer_size(int requested, int minimum)
{
    uint32_t value = RK_MIN((uint32_t)requested, (uint32_t)INET_BUFFER_MAX);
    return RK_MAX((int)(value * 2), minimum);
}

/* Set a SOF_* flag on whichever pcb the socket has. */
static void inet_set_pcb_option(struct inet_socket *socket, u8_t option, bool on)
{
    struct ip_pcb *pcb = socket->kind == INET_TCP ? (struct ip_pcb *)socket->tcp.pcb
                                                  : (struct ip_pcb *)socket->udp.pcb;
    if (!pcb)
        return;
    if (on)
        ip_set_option(pcb, option);
    else
        ip_reset_option(pcb, option);
}

/* SOL_SOCKET options. */
static int inet_set_socket_option(struct inet_socket *socket, int name, const void *value,
                                  unsigned length)
{
    int integer = 0;
    switch (name) {
    case SO_RCVTIMEO:
        return inet_set_timeout(&socket->receive_timeout_ns, value, length);
    case SO_SNDTIMEO:
        return inet_set_timeout(&socket->send_timeout_ns, value, length);
    case SO_LINGER: {
        struct inet_linger linger;
        if (length < sizeof linger)
            return -EINVAL;
        memcpy(&linger, value, sizeof linger);
        socket->linger_on = linger.on != 0;
        socket->linger_seconds = linger.seconds < 0 ? 0 : linger.seconds;
        return 0;
    }
    }
    if (length < sizeof integer)
        return -EINVAL;
    memcpy(&integer, value, sizeof integer);
    bool on = integer != 0;
    switch (name) {
    case SO_REUSEADDR:
        socket->reuse_address = on;
        inet_set_pcb_option(socket, SOF_REUSEADDR, on);
        return 0;
    case SO_KEEPALIVE:
        socket->keepalive = on;
        if (socket->kind == INET_TCP)
            inet_set_pcb_option(socket, SOF_KEEPALIVE, on);
        return 0;
    case SO_BROADCAST:
        socket->broadcast = on;
        if (socket->kind == INET_UDP)
            inet_set_pcb_option(socket, SOF_BROADCAST, on);
        return 0;
    case SO_RCVBUF:
        socket->receive_buffer = inet_buffer_size(integer, INET_MIN_RECEIVE_BUFFER);
        return 0;
    case SO_SNDBUF:
        socket->send_buffer = inet_buffer_size(integer, INET_MIN_SEND_BUFFER);
        return 0;
    case SO_DONTROUTE:
    case SO_OOBINLINE:
    case SO_REUSEPORT:
    case SO_RCVLOWAT:
        return 0;       /* accepted; no effect here */
    default:
        return -ENOPROTOOPT;
    }
}

/* SOL_TCP options. */
static int inet_set_tcp_option(struct inet_socket *socket, int name, const void *value,
                               unsigned length)
{
    int integer;
    if (length < sizeof integer)
        return -EINVAL;
    memcpy(&integer, value, sizeof integer);
    switch (name) {
    case TCP_NODELAY:
        socket->tcp.nodelay = integer != 0;
        break;
    case TCP_MAXSEG:
        if (integer && (integer < 88 || integer > 32767))
            return -EINVAL;
        socket->tcp.max_segment = integer;
        return 0;
    case TCP_KEEPIDLE:
        if (integer < 1 || integer > 32767)
            return -EINVAL;
        socket->tcp.keep_idle = integer;
        break;
    case TCP_KEEPINTVL:
        if (integer < 1 || integer > 32767)
            return -EINVAL;
        socket->tcp.keep_interval = integer;
        break;
    case TCP_KEEPCNT:
        if (integer < 1 || integer > 127)
            return -EINVAL;
        socket->tcp.keep_count = integer;
        break;
    default:
        return -ENOPROTOOPT;
    }
    inet_tcp_apply_options(socket);
    return 0;
}

/* socket_ops.set_option for TCP and UDP. */
int inet_set_option(struct file *file, int level, int name, const void *value, unsigned length)
{
    struct inet_socket *socket = inet_socket_of(file);
    if (level == SOL_SOCKET)
        return inet_set_socket_option(socket, name, value, length);
    if (level == SOL_TCP && socket->kind == INET_TCP)
        return inet_set_tcp_option(socket, name, value, length);
    return -ENOPROTOOPT;
}

/* Copy the option's natural_length bytes at source out, truncated to *length. */
static int inet_option_out(void *value, unsigned *length, const void *source, unsigned natural_length)
{
    *length = RK_MIN(*length, natural_length);
    memcpy(value, source, *length);
    return 0;
}

/* The maximum segment size TCP_MAXSEG reports (Linux: 536 before a connection exists). */
static int inet_tcp_max_segment(struct inet_socket *socket)
{
    struct tcp_pcb *pcb = socket->tcp.pcb;
    if (pcb && socket->tcp.phase == INET_TCP_CONNECTED && pcb->state != CLOSED)
        return pcb->mss;
    return socket->tcp.max_segment ? socket->tcp.max_segment : 536;
}

/* socket_ops.get_option for TCP and UDP. */
int inet_get_option(struct file *file, int level, int name, void *value, unsigned *length)
{
    struct inet_socket *socket = inet_socket_of(file);
    bool tcp = socket->kind == INET_TCP;
    int integer;
    if (level == SOL_SOCKET) {
        switch (name) {
        case SO_RCVTIMEO:
        case SO_SNDTIMEO: {
            uint64_t timeout = name == SO_RCVTIMEO ? socket->receive_timeout_ns : socket->send_timeout_ns;
            struct inet_timeval time = {
                .seconds = (int64_t)(timeout / NANOSECONDS_PER_SECOND),
                .microseconds = (int64_t)(timeout % NANOSECONDS_PER_SECOND / 1000u),
            };
            return inet_option_out(value, length, &time, sizeof time);
        }
        case SO_LINGER: {
            struct inet_linger linger = { socket->linger_on, socket->linger_seconds };
            return inet_option_out(value, length, &linger, sizeof linger);
        }
        case SO_REUSEADDR: integer = socket->reuse_address; break;
        case SO_KEEPALIVE: integer = socket->keepalive; break;
        case SO_BROADCAST: integer = socket->broadcast; break;
        case SO_RCVBUF: integer = socket->receive_buffer; break;
        case SO_SNDBUF: integer = socket->send_buffer; break;
        case SO_ERROR: integer = -inet_take_error(socket); break;
        case SO_TYPE: integer = tcp ? SOCK_STREAM : SOCK_DGRAM; break;
        case SO_PROTOCOL: integer = tcp ? IPPROTO_TCP : IPPROTO_UDP; break;
        case SO_DOMAIN: integer = AF_INET; break;
        case SO_ACCEPTCONN: integer = tcp && socket->tcp.phase == INET_TCP_LISTENING; break;
        case SO_RCVLOWAT:
        case SO_SNDLOWAT: integer = 1; break;
        case SO_DONTROUTE:
        case SO_OOBINLINE:
        case SO_REUSEPORT: integer = 0; break;
        default: return -ENOPROTOOPT;
        }
    } else if (level == SOL_TCP && tcp) {
        switch (name) {
        case TCP_NODELAY: integer = socket->tcp.nodelay; break;
        case TCP_MAXSEG: integer = inet_tcp_max_segment(socket); break;
        case TCP_KEEPIDLE: integer = socket->tcp.keep_idle; break;
        case TCP_KEEPINTVL: integer = socket->tcp.keep_interval; break;
        case TCP_KEEPCNT: integer = socket->tcp.keep_count; break;
        default: return -ENOPROTOOPT;
        }
    } else {
        return -ENOPROTOOPT;
    }
    return inet_option_out(value, length, &integer, sizeof integer);
}
