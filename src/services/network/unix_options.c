/*
 * unix_options.c — getsockopt/setsockopt at SOL_SOCKET (Linux's
 * sk_setsockopt/sk_getsockopt rules: an int option needs 4 bytes to set,
 * a get is cut to the caller's length; other levels -EOPNOTSUPP, as
 * AF_UNIX has no protocol options), getsockname/getpeername and SO_TYPE.
 */
#include <rk/errno.h>
#include <rk/poll.h>
#include <rk/string.h>
#include <rk/waitqueue.h>

#include "unix_internal.h"

/* socket_ops.get_type: the socket's type, protocol 0. */
void unix_get_type(struct file *file, int *type, int *protocol)
{
    *type = unix_socket_of(file)->type;
    *protocol = 0;
}

/*
 * getsockname/getpeername: the bound name (unnamed AF_UNIX when none);
 * the peer's, kept after it closed, or -ENOTCONN without a peer.
 */
int unix_get_name(struct file *file, struct socket_address *address, bool peer)
{
    struct unix_socket *socket = unix_socket_of(file);
    if (peer) {
        if (!socket->peer)
            return -ENOTCONN;
        unix_name_to_address(socket->peer->name, address);
        return 0;
    }
    unix_name_to_address(socket->name, address);
    return 0;
}

/* The boolean options kept without effect: their slot in option_flags. */
static bool unix_flag_option(int name)
{
    switch (name) {
    case SO_DEBUG:
    case SO_REUSEADDR:
    case SO_DONTROUTE:
    case SO_BROADCAST:
    case SO_KEEPALIVE:
    case SO_OOBINLINE:
    case SO_REUSEPORT:
        return true;
    default:
        return false;
    }
}

/* struct timeval (old layout, 16 bytes) in and out. */
struct unix_timeval {
    int64_t seconds;
    int64_t microseconds;
};

/*
 * SO_RCVTIMEO/SO_SNDTIMEO (Linux's sock_set_timeout): kept in ticks of
 * Linux's HZ (250, Debian's), so getsockopt reads back what Linux would
 * (500 microseconds become one tick: 4000).
 */
#define UNIX_TIMEOUT_HZ 250
#define UNIX_TICK_NS (1000000000u / UNIX_TIMEOUT_HZ)
#define UNIX_TICK_MICROSECONDS (1000000u / UNIX_TIMEOUT_HZ)
static int unix_set_timeout(const void *value, unsigned length, uint64_t *timeout_ns,
                            int64_t stored[2])
{
    struct unix_timeval time;
    if (length < sizeof time)
        return -EINVAL;
    memcpy(&time, value, sizeof time);
    if (time.microseconds < 0 || time.microseconds >= 1000000)
        return -EDOM;
    stored[0] = stored[1] = 0;
    if (time.seconds < 0) {
        *timeout_ns = 0;                   /* Linux: a negative time means "do not wait" */
        return 0;
    }
    *timeout_ns = WAIT_FOREVER;
    if ((time.seconds == 0 && time.microseconds == 0) || time.seconds >= INT64_MAX / UNIX_TIMEOUT_HZ - 1)
        return 0;
    uint64_t ticks = (uint64_t)time.seconds * UNIX_TIMEOUT_HZ +
                     ((uint64_t)time.microseconds + UNIX_TICK_MICROSECONDS - 1) / UNIX_TICK_MICROSECONDS;
    if (ticks < (UINT64_MAX - 1) / UNIX_TICK_NS)
        *timeout_ns = ticks * UNIX_TICK_NS;
    stored[0] = (int64_t)(ticks / UNIX_TIMEOUT_HZ);
    stored[1] = (int64_t)(ticks % UNIX_TIMEOUT_HZ) * UNIX_TICK_MICROSECONDS;
    return 0;
}

/* SO_SNDBUF/SO_RCVBUF: twice the value (capped at UNIX_BUFFER_MAX), at least minimum. */
static unsigned unix_buffer_size(int value, unsigned minimum)
{
    unsigned requested = RK_MIN((unsigned)value, UNIX_BUFFER_MAX);
    return RK_MAX(requested * 2, minimum);
}

/* setsockopt at SOL_SOCKET: 0, -EINVAL (short), -EDOM (timeval), -ENOPROTOOPT, -EOPNOTSUPP. */
int unix_set_option(struct file *file, int level, int name, const void *value, unsigned length)
{
    struct unix_socket *socket = unix_socket_of(file);
    if (level != SOL_SOCKET)
        return -EOPNOTSUPP;
    if (length < sizeof(int))
        return -EINVAL;
    int integer;
    memcpy(&integer, value, sizeof integer);
    if (unix_flag_option(name)) {
        socket->option_flags[name] = integer != 0;
        return 0;
    }
    switch (name) {
    case SO_SNDBUF:
        socket->send_buffer = unix_buffer_size(integer, UNIX_SEND_BUFFER_MIN);
        unix_wake_all(socket);
        return 0;
    case SO_RCVBUF:
        socket->receive_buffer = unix_buffer_size(integer, UNIX_RECEIVE_BUFFER_MIN);
        return 0;
    case SO_PASSCRED:
        socket->pass_credentials = integer != 0;
        return 0;
    case SO_RCVLOWAT:
        socket->receive_low_water = integer < 0 ? INT32_MAX : (integer == 0 ? 1 : integer);
        return 0;
    case SO_LINGER:
        if (length < 2 * sizeof(int))
            return -EINVAL;
        memcpy(socket->linger, value, sizeof socket->linger);
        socket->linger[0] = socket->linger[0] != 0;
        return 0;
    case SO_RCVTIMEO:
        return unix_set_timeout(value, length, &socket->receive_timeout_ns,
                                socket->receive_timeout_value);
    case SO_SNDTIMEO:
        return unix_set_timeout(value, length, &socket->send_timeout_ns,
                                socket->send_timeout_value);
    default:
        return -ENOPROTOOPT;
    }
}

/* getsockopt at SOL_SOCKET: the value cut to *length (updated); -ENOPROTOOPT, -EOPNOTSUPP. */
int unix_get_option(struct file *file, int level, int name, void *value, unsigned *length)
{
    struct unix_socket *socket = unix_socket_of(file);
    if (level != SOL_SOCKET)
        return -EOPNOTSUPP;
    union {
        int integer;
        int pair[2];
        struct unix_timeval time;
        struct socket_credentials credentials;
    } result;
    unsigned size = sizeof(int);
    memset(&result, 0, sizeof result);
    if (unix_flag_option(name)) {
        result.integer = socket->option_flags[name];
    } else {
        switch (name) {
        case SO_TYPE:
            result.integer = socket->type;
            break;
        case SO_PROTOCOL:
            result.integer = 0;
            break;
        case SO_DOMAIN:
            result.integer = AF_UNIX;
            break;
        case SO_ERROR:
            result.integer = socket->error;
            socket->error = 0;
            poll_notify_changes(&socket->readiness_changes);
            break;
        case SO_ACCEPTCONN:
            result.integer = socket->state == UNIX_LISTENING;
            break;
        case SO_SNDBUF:
            result.integer = (int)socket->send_buffer;
            break;
        case SO_RCVBUF:
            result.integer = (int)socket->receive_buffer;
            break;
        case SO_PASSCRED:
            result.integer = socket->pass_credentials;
            break;
        case SO_RCVLOWAT:
            result.integer = socket->receive_low_water;
            break;
        case SO_SNDLOWAT:
            result.integer = 1;
            break;
        case SO_LINGER:
            memcpy(result.pair, socket->linger, sizeof result.pair);
            size = sizeof result.pair;
            break;
        case SO_RCVTIMEO:
            result.time = (struct unix_timeval){ socket->receive_timeout_value[0],
                                                 socket->receive_timeout_value[1] };
            size = sizeof result.time;
            break;
        case SO_SNDTIMEO:
            result.time = (struct unix_timeval){ socket->send_timeout_value[0],
                                                 socket->send_timeout_value[1] };
            size = sizeof result.time;
            break;
        case SO_PEERCRED:
            if (socket->has_peer_credentials)
                result.credentials = socket->peer_credentials;
            else
                result.credentials = (struct socket_credentials){ 0, UINT32_MAX, UINT32_MAX };
            size = sizeof result.credentials;
            break;
        default:
            return -ENOPROTOOPT;
        }
    }
    if (*length > size)
        *length = size;
    memcpy(value, &result, *length);
    return 0;
}
