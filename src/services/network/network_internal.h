/*
 * network_internal.h — what the parts of the network stack service share.
 *
 * One service ("network", SERVICE_NETWORK_STACK) made of three parts:
 *   - stack_*.c: lwIP (built from Debian's source, subprojects/lwip.wrap)
 *     with the project's port (lwip_port/): interfaces over the Ethernet
 *     drivers, loopback, timers, DHCP and the ip= option, the SIOC*
 *     interface ioctls, /proc/net/dev and route.
 *   - inet_*.c: AF_INET TCP and UDP sockets over lwIP's raw API,
 *     /proc/net/tcp and udp.
 *   - unix_*.c: AF_UNIX sockets written here (stream, datagram,
 *     seqpacket, socketpair, path and abstract names, SCM_RIGHTS,
 *     SO_PEERCRED), /proc/net/unix.
 * network.c holds the ops table and the registration.
 */
#ifndef NETWORK_INTERNAL_H
#define NETWORK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rk/services.h>

struct file;

/* The registered service (for file_alloc's owner). */
extern struct service network_service;

/*
 * True when the calling process may configure the network and bind ports
 * below 1024 (Linux's CAP_NET_ADMIN, CAP_NET_BIND_SERVICE): there are no
 * capabilities here, so an effective uid of 0; kernel threads are trusted.
 */
bool network_caller_is_privileged(void);
/* Ports below this need network_caller_is_privileged (ip_unprivileged_port_start). */
#define NETWORK_PRIVILEGED_PORT_END 1024

/* stack: bring lwIP up (service start) / drop it (stop). 0 or -errno. */
int network_stack_start(void);
void network_stack_stop(void);
/* stack: the deferred work (received frames, lwIP timers). */
void network_stack_process_packets(void);
/*
 * network_stack_ops.driver_restarted: the Ethernet driver service driver
 * has a new instance; bring its interfaces up again when they were up.
 */
void network_stack_driver_restarted(struct service *driver);
/* stack: /proc/net/dev and /proc/net/route. Full length or -errno. */
long network_stack_render_table(enum network_table table, char *buffer, size_t size);
/*
 * stack: ask for a process_packets run soon (network_request_processing).
 * The inet part calls it after every lwIP output: loopback packets (to
 * 127.0.0.1 or the host's own address) are delivered by that run, and the
 * TCP timer is armed by it. Any service context; never sleeps.
 */
void network_stack_kick(void);
/*
 * stack: the SIOC* interface ioctls (SIOCGIFCONF, SIOCGIFFLAGS, SIOCSIFADDR,
 * SIOCADDRT...) for a socket file's ioctl; argument is the user pointer.
 * Returns 0 or -errno as Linux (-ENODEV unknown interface, -EFAULT bad
 * pointer, -EINVAL bad address family), -ENOTTY when command is not an
 * interface ioctl (the caller goes on with its own).
 */
long network_stack_interface_ioctl(unsigned command, uintptr_t argument);

/* inet: new TCP / UDP sockets (rk/services.h create_*). */
int inet_tcp_socket_create(struct file **out);
int inet_udp_socket_create(struct file **out);
/* inet: /proc/net/tcp and /proc/net/udp. */
long inet_render_table(enum network_table table, char *buffer, size_t size);
/* inet: socket numbering starts again (service start). */
void inet_sockets_reset(void);

/* unix: a new AF_UNIX socket of type (SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET). */
int unix_socket_create(int type, struct file **out);
/* unix: forget every socket and name (service stop). */
void unix_sockets_reset(void);
/* unix: empty tables, whatever a previous boot left in them (service start). */
void unix_sockets_start(void);
/* unix: /proc/net/unix. */
long unix_render_table(char *buffer, size_t size);

#endif
