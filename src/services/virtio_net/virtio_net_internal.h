/*
 * virtio_net_internal.h — what the files of the virtio-net driver share.
 *
 * virtio_net.c: registration, device initialisation, the Ethernet ops.
 * virtio_net_queue.c: the driver side of one split virtqueue in the
 * legacy layout, each buffer one descriptor of a fixed pool; everything
 * the device returns (used index, id, length) is validated there.
 *
 * Locking: none. The ops run in kernel threads (never preempted) through
 * the gate, the interrupt handler touches no ring (it only asks for
 * network processing), so one device's rings have one user at a time.
 */
#ifndef VIRTIO_NET_INTERNAL_H
#define VIRTIO_NET_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rk/ethernet.h>
#include <rk/virtio.h>

/* Feature bits (legacy, 32 bits). */
#define VIRTIO_NET_F_MAC (1u << 5)
#define VIRTIO_NET_F_STATUS (1u << 16)

/* Config space: MAC at 0..5, status at 6..7. */
#define VIRTIO_NET_CONFIG_MAC 0
#define VIRTIO_NET_CONFIG_STATUS 6
#define VIRTIO_NET_S_LINK_UP 1

/* Used-ring flag: the device needs no notification. */
#define VIRTQ_USED_F_NO_NOTIFY 1

#define VIRTIO_NET_RECEIVE_QUEUE 0
#define VIRTIO_NET_TRANSMIT_QUEUE 1

/* The legacy header without VIRTIO_NET_F_MRG_RXBUF: 10 bytes before each frame. */
struct virtio_net_hdr {
    uint8_t flags;
    uint8_t gso_type;
    uint16_t header_length;
    uint16_t gso_size;
    uint16_t checksum_start;
    uint16_t checksum_offset;
} __attribute__((packed));

#define VIRTIO_NET_HEADER_LENGTH sizeof(struct virtio_net_hdr)
/* One device buffer: the header and the largest frame. */
#define VIRTIO_NET_BUFFER_LENGTH (VIRTIO_NET_HEADER_LENGTH + ETHERNET_FRAME_MAX)
/* Buffers sit at this stride in their pool (two per page, none crosses a page). */
#define VIRTIO_NET_BUFFER_STRIDE 2048u

/* Largest queue the driver accepts from a device (legacy maximum). */
#define VIRTIO_NET_QUEUE_SIZE_MAX 32768u
/* Buffers posted for receiving and the transmit pool, at most (fewer on a smaller queue). */
#define VIRTIO_NET_RECEIVE_BUFFERS 256u
#define VIRTIO_NET_TRANSMIT_BUFFERS 128u

#define VIRTIO_NET_DEVICES_MAX 8

/* The driver side of one virtqueue and its pool of buffers (buffer i is descriptor i). */
struct virtio_net_queue {
    struct virtio_device *device;
    const char *owner;                   /* the interface name, for log lines */
    unsigned index;                      /* queue number at the device */
    unsigned size;                       /* entries, a power of two */
    void *region;                        /* legacy ring region (dma_alloc) */
    size_t region_bytes;
    uint64_t region_physical;
    struct virtq_descriptor *descriptors;
    struct virtq_available *available;
    struct virtq_used *used;
    uint16_t last_used;                  /* next used-ring index to consume */
    bool broken;                         /* the device's used index went wild: ignored since */

    uint8_t *buffers;                    /* buffer_count buffers at VIRTIO_NET_BUFFER_STRIDE */
    size_t buffers_bytes;
    uint64_t buffers_physical;
    unsigned buffer_count;
    bool *in_flight;                     /* buffer i is with the device */
    uint16_t *free_buffers;              /* stack of buffers not with the device */
    unsigned free_count;
};

/* One virtio-net device: its service and everything the driver keeps. */
struct virtio_net_device {
    struct virtio_device *device;
    unsigned number;                     /* N of "virtio-netN" / "ethN" */
    uint32_t features;                   /* negotiated */
    uint8_t address[ETHERNET_ADDRESS_LENGTH];
    bool up;
    struct virtio_net_queue receive;
    struct virtio_net_queue transmit;
    unsigned receive_unkicked;           /* receive buffers posted since the last notification */
    struct ethernet_statistics statistics;
    uint64_t device_errors;              /* malformed things the device returned */
};

/*
 * Set up queue index of device (owner: the interface name, kept) with a pool of at most buffer_limit
 * buffers, all free: allocate the ring region and buffers, hand the ring
 * to the device. Returns 0, -ENODEV (no such queue, or a size that is not
 * a power of two up to VIRTIO_NET_QUEUE_SIZE_MAX), -ENOMEM, or
 * virtio_queue_set()'s error. On error nothing stays allocated.
 */
int virtio_net_queue_create(struct virtio_net_queue *queue, struct virtio_device *device,
                            const char *owner, unsigned index, unsigned buffer_limit);
/* Take the ring back from the device (virtio_queue_set 0) and free everything. Idempotent. */
void virtio_net_queue_destroy(struct virtio_net_queue *queue);

/* Host address of buffer (< buffer_count). */
uint8_t *virtio_net_queue_buffer(struct virtio_net_queue *queue, unsigned buffer);
/*
 * Offer buffer (free, not in flight) to the device: length bytes,
 * device-writable when writable. Does not notify.
 */
void virtio_net_queue_post(struct virtio_net_queue *queue, unsigned buffer, uint32_t length,
                           bool writable);
/* Notify the device of posted buffers unless its used ring asks for no notifications. */
void virtio_net_queue_kick(struct virtio_net_queue *queue);
/* True when the device has returned used elements not yet taken (false on a broken queue). */
bool virtio_net_queue_has_used(struct virtio_net_queue *queue);
/* Take a free buffer off the free stack; -EAGAIN when none. */
int virtio_net_queue_take_free(struct virtio_net_queue *queue);
/* Put buffer back on the free stack. */
void virtio_net_queue_give_free(struct virtio_net_queue *queue, unsigned buffer);

/*
 * Take the next used element whose reported length must lie in
 * [minimum_length, maximum_length] (maximum_length <= the buffer's size).
 * Returns:
 *   buffer >= 0, *length set: the device is done with that buffer (it is
 *     no longer in flight). *length == 0 means the element was malformed
 *     (its length out of range: logged in one line, counted in
 *     *device_errors): the caller keeps the buffer and drops the data;
 *   -EIO: an element naming no buffer in flight (logged, counted,
 *     skipped): call again for the next one;
 *   -EAGAIN: nothing new — or the device moved the used index more than a
 *     queue ahead, after which the queue is marked broken (logged once)
 *     and returns -EAGAIN for good.
 */
int virtio_net_queue_pop_used(struct virtio_net_queue *queue, uint32_t minimum_length,
                              uint32_t maximum_length, uint32_t *length,
                              uint64_t *device_errors);

#endif
