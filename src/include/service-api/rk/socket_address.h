/*
 * rk/socket_address.h — socket addresses between user memory and the
 * kernel (Core): a user `struct sockaddr` (pointer + length) is copied in
 * and decoded into a tagged union, with Linux's length and family rules
 * and errnos per address family, socket family and use; a kernel address
 * is encoded back and copied out for getsockname/getpeername/accept/
 * recvfrom, truncated to the user's length with the full length stored.
 *
 * The rules are Linux 6.1's (net/socket.c move_addr_to_kernel and
 * move_addr_to_user, net/unix/af_unix.c, net/ipv4/af_inet.c, tcp_ipv4.c,
 * datagram.c, udp.c, net/ipv6/af_inet6.c, tcp_ipv6.c, datagram.c, udp.c),
 * checked against the host kernel with bind/connect/sendto on malformed
 * addresses:
 *
 *  - copy-in: length < 0 or > 128 (sizeof(struct sockaddr_storage)) is
 *    -EINVAL before the pointer is touched; length 0 copies nothing; an
 *    unreadable buffer is -EFAULT.
 *  - AF_UNIX sockets (man 7 unix): the family must be AF_UNIX (-EINVAL
 *    otherwise, never EAFNOSUPPORT) and 2 < length <= 110; bind with
 *    length == sizeof(sa_family_t) asks for autobind. A sun_path that
 *    starts with NUL is an abstract name of exactly length - 2 bytes (NULs
 *    included); otherwise it is a pathname that ends at the first NUL or
 *    at the length (a full 108-byte sun_path needs no NUL), and its stored
 *    length is 2 + strlen + 1 (so 111 for a 108-byte path, as Linux).
 *    connect on a datagram socket: length < 2 is -EINVAL and AF_UNSPEC
 *    dissolves the association. sendto on a datagram socket: length 0
 *    means no address.
 *  - AF_INET sockets (man 7 ip): bind: length < 16 is -EINVAL, a family
 *    other than AF_INET is -EAFNOSUPPORT, except AF_UNSPEC with
 *    INADDR_ANY (taken as AF_INET). connect: length < 2 is -EINVAL,
 *    AF_UNSPEC dissolves, then length < 16 -EINVAL and another family
 *    -EAFNOSUPPORT. sendto (datagram): length < 16 is -EINVAL, AF_UNSPEC
 *    is taken as AF_INET, another family -EAFNOSUPPORT.
 *  - AF_INET6 sockets (man 7 ipv6): bind: length < 24 (RFC 2133's
 *    sockaddr_in6, without sin6_scope_id) is -EINVAL, another family
 *    -EAFNOSUPPORT; sin6_scope_id counts only when length >= 28. connect:
 *    length < 2 -EINVAL, AF_UNSPEC dissolves; a datagram socket accepts an
 *    AF_INET address (the AF_INET rules apply); then length < 24 -EINVAL,
 *    another family -EAFNOSUPPORT. sendto (datagram): length < 2 -EINVAL,
 *    AF_INET follows the AF_INET rules, AF_UNSPEC means no address,
 *    another family -EINVAL, AF_INET6 with length < 24 -EINVAL.
 *
 * Ports and IPv4/IPv6 addresses keep network byte order in the byte
 * arrays; port, flow information and scope id are host-order numbers.
 * Everything here is pure except the two user-copy functions, which act
 * on the running process's memory (any thread context).
 */
#ifndef RK_SOCKET_ADDRESS_H
#define RK_SOCKET_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Address families (include/linux/socket.h). */
#define AF_UNSPEC 0
#define AF_UNIX 1
#define AF_LOCAL AF_UNIX
#define AF_INET 2
#define AF_INET6 10

#define SOCKET_ADDRESS_STORAGE_SIZE 128u     /* sizeof(struct sockaddr_storage) */
#define SOCKET_ADDRESS_FAMILY_SIZE 2u        /* sizeof(sa_family_t) */
#define SOCKET_ADDRESS_UNIX_PATH_MAX 108u    /* sizeof(sun_path) */
#define SOCKET_ADDRESS_UNIX_SIZE 110u        /* sizeof(struct sockaddr_un) */
#define SOCKET_ADDRESS_INET_SIZE 16u         /* sizeof(struct sockaddr_in) */
#define SOCKET_ADDRESS_INET6_SIZE 28u        /* sizeof(struct sockaddr_in6) */
#define SOCKET_ADDRESS_INET6_RFC2133_SIZE 24u /* SIN6_LEN_RFC2133: without sin6_scope_id */

/* What the address is for: the rules differ (see above). */
enum socket_address_use {
    SOCKET_ADDRESS_BIND,              /* bind(2) */
    SOCKET_ADDRESS_CONNECT_STREAM,    /* connect(2) on a stream or seqpacket socket */
    SOCKET_ADDRESS_CONNECT_DATAGRAM,  /* connect(2) on a datagram socket */
    SOCKET_ADDRESS_SEND_DATAGRAM,     /* the destination of sendto/sendmsg on a datagram socket */
};

/* The forms of an AF_UNIX address (man 7 unix). */
enum socket_address_local_kind {
    SOCKET_ADDRESS_LOCAL_UNNAMED,     /* no name: an unbound socket; for bind, "autobind me" */
    SOCKET_ADDRESS_LOCAL_PATHNAME,    /* a filesystem path */
    SOCKET_ADDRESS_LOCAL_ABSTRACT,    /* an abstract name: sun_path[0] is NUL */
};

/* A decoded socket address. */
struct socket_address {
    /*
     * AF_UNIX, AF_INET or AF_INET6; AF_UNSPEC when there is none: connect's
     * "dissolve the association", or a sendto without a destination.
     */
    uint16_t family;
    union {
        struct {
            enum socket_address_local_kind kind;
            /*
             * Bytes of name: a pathname without its NUL (1..108), an
             * abstract name with its leading NUL (1..108), 0 when unnamed.
             */
            size_t length;
            /* A pathname is NUL-terminated here; an abstract name is length bytes. */
            char name[SOCKET_ADDRESS_UNIX_PATH_MAX + 1];
        } local;
        struct {
            uint16_t port;              /* host order */
            uint8_t address[4];         /* network order */
        } inet;
        struct {
            uint16_t port;              /* host order */
            uint32_t flow_information;  /* host order (sin6_flowinfo) */
            uint8_t address[16];        /* network order */
            uint32_t scope_id;          /* 0 when the user's length had no sin6_scope_id */
        } inet6;
    };
};

/* The raw bytes of a user sockaddr and how many of them there are. */
struct socket_address_buffer {
    /* sockaddr_storage: room for every encoding (the longest, a 108-byte path, takes 111). */
    unsigned char bytes[SOCKET_ADDRESS_STORAGE_SIZE];
    size_t length;                      /* 0..SOCKET_ADDRESS_STORAGE_SIZE */
};

/*
 * move_addr_to_kernel: copy length bytes of the running process's memory
 * at user_address into buffer (the rest of buffer zeroed). Returns 0,
 * -EINVAL for length < 0 or > SOCKET_ADDRESS_STORAGE_SIZE (the pointer is
 * not touched), -EFAULT when the bytes cannot be read. length 0 copies
 * nothing (any pointer).
 */
int socket_address_copy_in(uintptr_t user_address, long length,
                           struct socket_address_buffer *buffer);

/*
 * Decode buffer as an address for a socket of socket_family (AF_UNIX,
 * AF_INET, AF_INET6) used for use, with the rules above. Returns 0 with
 * *address filled (family AF_UNSPEC: no address / dissolve), -EINVAL or
 * -EAFNOSUPPORT as Linux; -EAFNOSUPPORT also for a socket_family this
 * module does not know. Pure; *address is zeroed first.
 */
int socket_address_decode(int socket_family, enum socket_address_use use,
                          const struct socket_address_buffer *buffer,
                          struct socket_address *address);

/*
 * Copy in and decode (the two above). For SOCKET_ADDRESS_SEND_DATAGRAM a
 * user_address of 0 means no destination (AF_UNSPEC, as sendto with a
 * NULL address; the length is ignored then). Returns 0 or -errno.
 */
int socket_address_from_user(int socket_family, enum socket_address_use use,
                             uintptr_t user_address, long length,
                             struct socket_address *address);

/*
 * Encode address as Linux's getname returns it into buffer (zero-filled
 * first): AF_UNIX unnamed is 2 bytes, a pathname 2 + strlen + 1 (its NUL
 * included: 111 for a 108-byte path), an abstract name 2 + length; AF_INET
 * 16 bytes (sin_zero zero); AF_INET6 28 bytes. Sets and returns
 * buffer->length (0 for AF_UNSPEC or an unknown family: nothing to encode).
 */
size_t socket_address_encode(const struct socket_address *address,
                             struct socket_address_buffer *buffer);

/*
 * move_addr_to_user: read the int at user_length_address (-EFAULT), take
 * the smaller of it and buffer->length, -EINVAL when that is negative,
 * copy that many bytes to user_address (-EFAULT; nothing is copied for 0,
 * so a NULL address with a 0 length is fine), then store buffer->length
 * (the full length, even when truncated) at user_length_address (-EFAULT).
 * Returns 0 or -errno; bytes copied before a failure stay written. This is
 * Linux 6.1's order (Debian 12, the reference): later kernels (6.18 on the
 * build host) store the length before copying, so there a faulting
 * address still gets the length updated.
 */
int socket_address_copy_out(const struct socket_address_buffer *buffer, uintptr_t user_address,
                            uintptr_t user_length_address);

/* Encode address and copy it out (the two above). Returns 0 or -errno. */
int socket_address_to_user(const struct socket_address *address, uintptr_t user_address,
                           uintptr_t user_length_address);

/* True when a and b are the same address (every field that encoding keeps). */
bool socket_address_equal(const struct socket_address *a, const struct socket_address *b);

#endif
