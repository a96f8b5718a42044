/*
 * tap_host.h — the host side of the hosted tap tests (tap_host.c): the
 * network namespace, the tap interface's address, and peers on the host's
 * own sockets running in pthreads while the kernel runs on the test's
 * thread. Plain C types only: tap_host.c includes the host's system
 * headers, which the ringkernel headers would clash with. Errors are
 * 0 or a negative errno; a peer's failure is a message.
 */
#ifndef TAP_HOST_H
#define TAP_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The safety net: when the program is still running seconds from now it
 * writes message to stderr and exits with status 1 (SIGALRM). 0 seconds
 * cancels the deadline.
 */
void tap_host_deadline(unsigned seconds, const char *message);

/* Move the calling thread (and the threads it starts later) into a new network namespace. 0 or -errno. */
int tap_host_enter_namespace(void);

/*
 * Give interface name the IPv4 address/netmask (dotted text), bring it up
 * and store its MAC in mac (may be NULL). 0 or -errno.
 */
int tap_host_configure(const char *name, const char *address, const char *netmask, uint8_t mac[6]);

/* A TCP socket listening on address:port (backlog 1). The fd, or -errno. */
int tap_host_tcp_listen(const char *address, uint16_t port);
/* A UDP socket bound to address:port. The fd, or -errno. */
int tap_host_udp_bind(const char *address, uint16_t port);

/* The byte at offset of the test stream with seed: no period below 64 KiB. */
static inline uint8_t tap_pattern_byte(uint64_t offset, uint8_t seed)
{
    return (uint8_t)((offset * 131u) ^ (offset >> 8) ^ (offset >> 16) * 17u ^ seed);
}

/* FNV-1a over bytes, continuing from hash (start with TAP_CHECKSUM_START). */
#define TAP_CHECKSUM_START 0xcbf29ce484222325ull
static inline uint64_t tap_checksum(uint64_t hash, const uint8_t *bytes, size_t length)
{
    for (size_t i = 0; i < length; i++)
        hash = (hash ^ bytes[i]) * 0x100000001b3ull;
    return hash;
}

/* The outcome of a host peer. */
struct tap_host_result {
    bool failed;
    char message[240];
    uint64_t sent, received;                    /* bytes */
    uint64_t sent_checksum, received_checksum;  /* tap_checksum of each direction */
};

struct tap_host_peer;

/*
 * Start a TCP peer in a pthread. With listen_fd >= 0 it accepts one
 * connection there (and closes listen_fd); otherwise it connects to
 * address:port. Then it sends total bytes of tap_pattern_byte(send_seed)
 * and shuts down its sending side while it receives, until EOF, total
 * bytes that must be tap_pattern_byte(receive_seed). Every wait is bounded
 * by timeout_ms without progress. NULL when the thread cannot start.
 */
struct tap_host_peer *tap_host_stream_start(int listen_fd, const char *address, uint16_t port,
                                            uint64_t total, uint8_t send_seed, uint8_t receive_seed,
                                            int timeout_ms);

/*
 * Start a UDP echo peer in a pthread on bound socket fd (which it closes):
 * count datagrams, the i-th sizes[i] bytes of tap_pattern_byte(seed + i)
 * from from_address:from_port, each sent back with every byte inverted.
 */
struct tap_host_peer *tap_host_udp_echo_start(int fd, const char *from_address, uint16_t from_port,
                                              const size_t *sizes, size_t count, uint8_t seed,
                                              int timeout_ms);

/* True once peer's work is over (tap_host_join will not wait). Safe from any thread. */
bool tap_host_finished(struct tap_host_peer *peer);

/*
 * Wait for peer, copy its outcome to result and free it. Blocks the
 * calling thread: the kernel does not run meanwhile, so join only a peer
 * that needs nothing more from the kernel (tap_host_finished).
 */
void tap_host_join(struct tap_host_peer *peer, struct tap_host_result *result);

#endif
