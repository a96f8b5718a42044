/*
 * socket_address.c — decoding user socket addresses and encoding them back
 * (contract and Linux's rules in rk/socket_address.h).
 *
 * Every decoder checks the length before it reads a field, so nothing is
 * read past buffer->length (the buffer is zero beyond it anyway).
 */
#include <rk/errno.h>
#include <rk/socket_address.h>
#include <rk/string.h>
#include <rk/usercopy.h>

/* Offsets of the fields in sockaddr_un, sockaddr_in and sockaddr_in6. */
#define LOCAL_PATH_OFFSET 2u
#define INET_PORT_OFFSET 2u
#define INET_ADDRESS_OFFSET 4u
#define INET6_PORT_OFFSET 2u
#define INET6_FLOW_OFFSET 4u
#define INET6_ADDRESS_OFFSET 8u
#define INET6_SCOPE_OFFSET 24u

/* The sa_family field of buffer (0 when the length does not cover it). */
static uint16_t buffer_family(const struct socket_address_buffer *buffer)
{
    if (buffer->length < SOCKET_ADDRESS_FAMILY_SIZE)
        return AF_UNSPEC;
    return (uint16_t)(buffer->bytes[0] | buffer->bytes[1] << 8);
}

/* A big-endian 16-bit value at bytes. */
static uint16_t read_big_16(const unsigned char *bytes)
{
    return (uint16_t)(bytes[0] << 8 | bytes[1]);
}

/* A big-endian 32-bit value at bytes. */
static uint32_t read_big_32(const unsigned char *bytes)
{
    return (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 | (uint32_t)bytes[2] << 8 | bytes[3];
}

/* A little-endian (host order) 32-bit value at bytes. */
static uint32_t read_host_32(const unsigned char *bytes)
{
    return (uint32_t)bytes[3] << 24 | (uint32_t)bytes[2] << 16 | (uint32_t)bytes[1] << 8 | bytes[0];
}

/* Store value at bytes in host (little-endian) or network (big-endian) order. */
static void write_host_16(unsigned char *bytes, uint16_t value)
{
    bytes[0] = (unsigned char)value;
    bytes[1] = (unsigned char)(value >> 8);
}

static void write_big_16(unsigned char *bytes, uint16_t value)
{
    bytes[0] = (unsigned char)(value >> 8);
    bytes[1] = (unsigned char)value;
}

static void write_big_32(unsigned char *bytes, uint32_t value)
{
    write_big_16(bytes, (uint16_t)(value >> 16));
    write_big_16(bytes + 2, (uint16_t)value);
}

static void write_host_32(unsigned char *bytes, uint32_t value)
{
    write_host_16(bytes, (uint16_t)value);
    write_host_16(bytes + 2, (uint16_t)(value >> 16));
}

/* See rk/socket_address.h. */
int socket_address_copy_in(uintptr_t user_address, long length,
                           struct socket_address_buffer *buffer)
{
    memset(buffer, 0, sizeof *buffer);
    if (length < 0 || length > (long)SOCKET_ADDRESS_STORAGE_SIZE)
        return -EINVAL;
    if (length == 0)
        return 0;
    if (copy_from_user(buffer->bytes, user_address, (size_t)length) < 0) {
        memset(buffer->bytes, 0, sizeof buffer->bytes);
        return -EFAULT;
    }
    buffer->length = (size_t)length;
    return 0;
}

/*
 * Linux's unix_validate_addr plus unix_mkname_bsd: a named AF_UNIX address
 * (2 < length <= 110, family AF_UNIX) into address. Returns 0 or -EINVAL.
 */
static int decode_local_name(const struct socket_address_buffer *buffer,
                             struct socket_address *address)
{
    if (buffer->length <= LOCAL_PATH_OFFSET || buffer->length > SOCKET_ADDRESS_UNIX_SIZE)
        return -EINVAL;
    if (buffer_family(buffer) != AF_UNIX)
        return -EINVAL;
    const char *path = (const char *)buffer->bytes + LOCAL_PATH_OFFSET;
    size_t available = buffer->length - LOCAL_PATH_OFFSET;
    address->family = AF_UNIX;
    if (path[0] == '\0') {
        address->local.kind = SOCKET_ADDRESS_LOCAL_ABSTRACT;
        address->local.length = available;
    } else {
        address->local.kind = SOCKET_ADDRESS_LOCAL_PATHNAME;
        address->local.length = strnlen(path, available);
    }
    memcpy(address->local.name, path, address->local.length);
    return 0;
}

/* An AF_UNIX socket's address for use (see rk/socket_address.h). */
static int decode_local(enum socket_address_use use, const struct socket_address_buffer *buffer,
                        struct socket_address *address)
{
    uint16_t family = buffer_family(buffer);
    switch (use) {
    case SOCKET_ADDRESS_BIND:
        if (buffer->length == SOCKET_ADDRESS_FAMILY_SIZE && family == AF_UNIX) {
            address->family = AF_UNIX;
            address->local.kind = SOCKET_ADDRESS_LOCAL_UNNAMED;   /* autobind */
            return 0;
        }
        break;
    case SOCKET_ADDRESS_CONNECT_STREAM:
        break;
    case SOCKET_ADDRESS_CONNECT_DATAGRAM:
        if (buffer->length < SOCKET_ADDRESS_FAMILY_SIZE)
            return -EINVAL;
        if (family == AF_UNSPEC)
            return 0;                                               /* dissolve */
        break;
    case SOCKET_ADDRESS_SEND_DATAGRAM:
        if (buffer->length == 0)
            return 0;                                               /* no destination */
        break;
    }
    return decode_local_name(buffer, address);
}

/* A sockaddr_in (length >= 16 checked by the caller) into address as AF_INET. */
static int decode_inet_fields(const struct socket_address_buffer *buffer,
                              struct socket_address *address)
{
    address->family = AF_INET;
    address->inet.port = read_big_16(buffer->bytes + INET_PORT_OFFSET);
    memcpy(address->inet.address, buffer->bytes + INET_ADDRESS_OFFSET, 4);
    return 0;
}

/* The AF_INET rules for use once AF_UNSPEC-dissolve has been handled (see the header). */
static int decode_inet(enum socket_address_use use, const struct socket_address_buffer *buffer,
                       struct socket_address *address)
{
    uint16_t family = buffer_family(buffer);
    if (use == SOCKET_ADDRESS_CONNECT_STREAM || use == SOCKET_ADDRESS_CONNECT_DATAGRAM) {
        /* inet_stream_connect / inet_dgram_connect */
        if (buffer->length < SOCKET_ADDRESS_FAMILY_SIZE)
            return -EINVAL;
        if (family == AF_UNSPEC)
            return 0;                                               /* dissolve */
    }
    if (buffer->length < SOCKET_ADDRESS_INET_SIZE)
        return -EINVAL;
    if (family == AF_INET)
        return decode_inet_fields(buffer, address);
    if (use == SOCKET_ADDRESS_SEND_DATAGRAM && family == AF_UNSPEC)
        return decode_inet_fields(buffer, address);                 /* udp_sendmsg */
    if (use == SOCKET_ADDRESS_BIND && family == AF_UNSPEC &&
        read_big_32(buffer->bytes + INET_ADDRESS_OFFSET) == 0)
        return decode_inet_fields(buffer, address);                 /* INADDR_ANY compatibility */
    return -EAFNOSUPPORT;
}

/* A sockaddr_in6 (length >= 24, family AF_INET6 checked by the caller) into address. */
static int decode_inet6_fields(const struct socket_address_buffer *buffer,
                               struct socket_address *address)
{
    address->family = AF_INET6;
    address->inet6.port = read_big_16(buffer->bytes + INET6_PORT_OFFSET);
    address->inet6.flow_information = read_big_32(buffer->bytes + INET6_FLOW_OFFSET);
    memcpy(address->inet6.address, buffer->bytes + INET6_ADDRESS_OFFSET, 16);
    if (buffer->length >= SOCKET_ADDRESS_INET6_SIZE)
        address->inet6.scope_id = read_host_32(buffer->bytes + INET6_SCOPE_OFFSET);
    return 0;
}

/* The AF_INET6 rules for use (see the header). */
static int decode_inet6(enum socket_address_use use, const struct socket_address_buffer *buffer,
                        struct socket_address *address)
{
    uint16_t family = buffer_family(buffer);
    switch (use) {
    case SOCKET_ADDRESS_BIND:
        break;
    case SOCKET_ADDRESS_CONNECT_STREAM:
    case SOCKET_ADDRESS_CONNECT_DATAGRAM:
        if (buffer->length < SOCKET_ADDRESS_FAMILY_SIZE)
            return -EINVAL;
        if (family == AF_UNSPEC)
            return 0;                                               /* dissolve */
        if (use == SOCKET_ADDRESS_CONNECT_DATAGRAM && family == AF_INET)
            return decode_inet(use, buffer, address);               /* ip6_datagram_connect_v4 */
        break;
    case SOCKET_ADDRESS_SEND_DATAGRAM:
        if (buffer->length < SOCKET_ADDRESS_FAMILY_SIZE)
            return -EINVAL;
        if (family == AF_INET)
            return decode_inet(use, buffer, address);               /* udpv6_sendmsg: udp_sendmsg */
        if (family == AF_UNSPEC)
            return 0;                                               /* no destination */
        if (family != AF_INET6)
            return -EINVAL;
        break;
    }
    if (buffer->length < SOCKET_ADDRESS_INET6_RFC2133_SIZE)
        return -EINVAL;
    if (family != AF_INET6)
        return -EAFNOSUPPORT;
    return decode_inet6_fields(buffer, address);
}

/* See rk/socket_address.h. */
int socket_address_decode(int socket_family, enum socket_address_use use,
                          const struct socket_address_buffer *buffer,
                          struct socket_address *address)
{
    memset(address, 0, sizeof *address);
    address->family = AF_UNSPEC;
    if (buffer->length > SOCKET_ADDRESS_STORAGE_SIZE)
        return -EINVAL;
    switch (socket_family) {
    case AF_UNIX:
        return decode_local(use, buffer, address);
    case AF_INET:
        return decode_inet(use, buffer, address);
    case AF_INET6:
        return decode_inet6(use, buffer, address);
    default:
        return -EAFNOSUPPORT;
    }
}

/* See rk/socket_address.h. */
int socket_address_from_user(int socket_family, enum socket_address_use use,
                             uintptr_t user_address, long length,
                             struct socket_address *address)
{
    memset(address, 0, sizeof *address);
    address->family = AF_UNSPEC;
    if (use == SOCKET_ADDRESS_SEND_DATAGRAM && user_address == 0)
        return 0;
    struct socket_address_buffer buffer;
    int error = socket_address_copy_in(user_address, length, &buffer);
    if (error < 0)
        return error;
    return socket_address_decode(socket_family, use, &buffer, address);
}

/* See rk/socket_address.h. */
size_t socket_address_encode(const struct socket_address *address,
                             struct socket_address_buffer *buffer)
{
    memset(buffer, 0, sizeof *buffer);
    unsigned char *bytes = buffer->bytes;
    switch (address->family) {
    case AF_UNIX: {
        write_host_16(bytes, AF_UNIX);
        size_t length = address->local.length;
        if (length > SOCKET_ADDRESS_UNIX_PATH_MAX)
            length = SOCKET_ADDRESS_UNIX_PATH_MAX;
        memcpy(bytes + LOCAL_PATH_OFFSET, address->local.name, length);
        if (address->local.kind == SOCKET_ADDRESS_LOCAL_UNNAMED)
            buffer->length = SOCKET_ADDRESS_FAMILY_SIZE;
        else if (address->local.kind == SOCKET_ADDRESS_LOCAL_ABSTRACT)
            buffer->length = LOCAL_PATH_OFFSET + length;
        else
            buffer->length = LOCAL_PATH_OFFSET + length + 1;        /* the NUL counts */
        break;
    }
    case AF_INET:
        write_host_16(bytes, AF_INET);
        write_big_16(bytes + INET_PORT_OFFSET, address->inet.port);
        memcpy(bytes + INET_ADDRESS_OFFSET, address->inet.address, 4);
        buffer->length = SOCKET_ADDRESS_INET_SIZE;
        break;
    case AF_INET6:
        write_host_16(bytes, AF_INET6);
        write_big_16(bytes + INET6_PORT_OFFSET, address->inet6.port);
        write_big_32(bytes + INET6_FLOW_OFFSET, address->inet6.flow_information);
        memcpy(bytes + INET6_ADDRESS_OFFSET, address->inet6.address, 16);
        write_host_32(bytes + INET6_SCOPE_OFFSET, address->inet6.scope_id);
        buffer->length = SOCKET_ADDRESS_INET6_SIZE;
        break;
    default:
        buffer->length = 0;
        break;
    }
    return buffer->length;
}

/* See rk/socket_address.h. */
int socket_address_copy_out(const struct socket_address_buffer *buffer, uintptr_t user_address,
                            uintptr_t user_length_address)
{
    int user_length;
    if (copy_from_user(&user_length, user_length_address, sizeof user_length) < 0)
        return -EFAULT;
    int full_length = (int)buffer->length;
    if (user_length > full_length)
        user_length = full_length;
    if (user_length < 0)
        return -EINVAL;
    if (user_length > 0 && copy_to_user(user_address, buffer->bytes, (size_t)user_length) < 0)
        return -EFAULT;
    if (copy_to_user(user_length_address, &full_length, sizeof full_length) < 0)
        return -EFAULT;
    return 0;
}

/* See rk/socket_address.h. */
int socket_address_to_user(const struct socket_address *address, uintptr_t user_address,
                           uintptr_t user_length_address)
{
    struct socket_address_buffer buffer;
    socket_address_encode(address, &buffer);
    return socket_address_copy_out(&buffer, user_address, user_length_address);
}

/* See rk/socket_address.h. */
bool socket_address_equal(const struct socket_address *a, const struct socket_address *b)
{
    if (a->family != b->family)
        return false;
    switch (a->family) {
    case AF_UNIX:
        return a->local.kind == b->local.kind && a->local.length == b->local.length &&
               memcmp(a->local.name, b->local.name, a->local.length) == 0;
    case AF_INET:
        return a->inet.port == b->inet.port &&
               memcmp(a->inet.address, b->inet.address, sizeof a->inet.address) == 0;
    case AF_INET6:
        return a->inet6.port == b->inet6.port &&
               a->inet6.flow_information == b->inet6.flow_information &&
               memcmp(a->inet6.address, b->inet6.address, sizeof a->inet6.address) == 0 &&
               a->inet6.scope_id == b->inet6.scope_id;
    default:
        return true;
    }
}
