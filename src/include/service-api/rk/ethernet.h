/*
 * rk/ethernet.h — the Ethernet driver interface (driver services of class
 * Ethernet) and the Core's deferred network processing.
 *
 * A NIC driver registers one SERVICE_DRIVER service per device whose ops
 * is a const struct ethernet_driver_ops (service->driver_class DRIVER_CLASS_ETHERNET)
 * and whose state the driver owns. Drivers register before the network
 * stack (builtin.c order); the stack finds them with services_list() and
 * calls them only through the gate (GATE_CALL with the device's service).
 *
 * Data path: the driver's interrupt handler (interrupt context) only notes
 * the work and calls network_request_processing(); the Core's network
 * thread then calls the stack's process_packets, which pulls received
 * frames with ops->receive and runs the stack's timers. Transmission is a
 * copy into the driver's ring (ops->transmit). Nothing of the stack runs
 * in interrupt context, and kernel code is not preempted, so the stack
 * needs no locks.
 */
#ifndef RK_ETHERNET_H
#define RK_ETHERNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct service;

#define ETHERNET_ADDRESS_LENGTH 6
#define ETHERNET_HEADER_LENGTH 14
#define ETHERNET_MTU 1500
/* Largest frame handed to or from a driver: header + MTU (no FCS, no VLAN tag). */
#define ETHERNET_FRAME_MAX (ETHERNET_HEADER_LENGTH + ETHERNET_MTU)

enum driver_class {
    DRIVER_CLASS_ETHERNET = 1,
};

/* What a device is. */
struct ethernet_info {
    char name[16];                           /* "eth0", unique, NUL-terminated */
    uint8_t address[ETHERNET_ADDRESS_LENGTH];  /* MAC */
    unsigned mtu;                            /* payload bytes, ETHERNET_MTU */
    bool link_up;
};

/* Per-device statistics for /proc/net/dev and ifconfig. */
struct ethernet_statistics {
    uint64_t receive_bytes, receive_packets, receive_errors, receive_dropped;
    uint64_t transmit_bytes, transmit_packets, transmit_errors, transmit_dropped;
};

/*
 * service->ops of an Ethernet driver service (service->driver_class is
 * DRIVER_CLASS_ETHERNET). Every slot non-NULL.
 */
struct ethernet_driver_ops {
    /* Fill info. Returns 0 or -errno. */
    int (*get_info)(struct service *device, struct ethernet_info *info);
    /*
     * Queue one frame (length <= ETHERNET_FRAME_MAX bytes, copied before
     * returning). Returns 0, -EAGAIN when the ring is full (the frame is
     * dropped and counted), -EINVAL for a bad length, -ENETDOWN when down.
     */
    int (*transmit)(struct service *device, const void *frame, size_t length);
    /*
     * Take the oldest received frame into buffer (size >= ETHERNET_FRAME_MAX).
     * Returns its length, or -EAGAIN when none is waiting. Never sleeps.
     */
    long (*receive)(struct service *device, void *buffer, size_t size);
    /* Start (true) or stop the device's receive and transmit. 0 or -errno. */
    int (*set_up)(struct service *device, bool up);
    void (*get_statistics)(struct service *device, struct ethernet_statistics *statistics);
};

/*
 * Ask the Core's network thread to run the stack's process_packets soon.
 * Any context (interrupt handlers included); never sleeps; requests made
 * before the thread runs are merged into one run.
 */
void network_request_processing(void);

#endif
