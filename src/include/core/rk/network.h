/*
 * rk/network.h — the Core's side of networking (src/core/net/): the
 * network thread that runs the stack's deferred work. Drivers request that
 * work with network_request_processing() (rk/ethernet.h).
 */
#ifndef RK_NETWORK_H
#define RK_NETWORK_H

#include <stdint.h>

/*
 * Make the network thread if there is none yet. Thread context. Returns 0,
 * -EAFNOSUPPORT when no network stack is registered, or -ENOMEM.
 */
int network_start(void);
/* At boot, after the services registered: start when an Ethernet driver exists. */
void network_boot(void);
/* Forget the thread and requests (a new boot in the same process: hosted tests). */
void network_reset(void);
/*
 * Forget which service instances drive the virtio devices and own DMA
 * blocks (core/virtio.c; network_reset() calls it on every boot).
 */
void virtio_bindings_reset(void);
/* How many times process_packets ran (tests). */
uint64_t network_processing_runs(void);

#endif
