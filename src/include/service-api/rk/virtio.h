/*
 * rk/virtio.h — virtio devices for driver services: the platform's virtio
 * transport as the Core lends it to Ring 2 (src/core/virtio.c forwards each
 * call to rk/platform.h), physically contiguous memory for rings and
 * buffers, and the split-virtqueue structures in their legacy layout.
 *
 * Containment: the Core notes which driver instance configured each device
 * and allocated each DMA block; when that instance dies the device is reset
 * and only then its blocks freed, and its interrupt handler (always run in
 * a crossing of the instance that installed it) is dropped. A thread still
 * running in a dead instance changes nothing any more (dma_alloc gives
 * NULL, virtio_queue_set -EIO, the rest does nothing).
 *
 * A driver is written once against this header and runs on both backends:
 * virtio-pci (legacy I/O BAR) on x86_64, an in-process emulated device on
 * the hosted backend. Values are little-endian, as on both backends.
 */
#ifndef RK_VIRTIO_H
#define RK_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Device types. */
#define VIRTIO_DEVICE_NETWORK 1

/* Device status bits. */
#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_NEEDS_RESET 64
#define VIRTIO_STATUS_FAILED 128

/* Descriptor flags. */
#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2

/* Available-ring flag: the driver needs no interrupt. */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

/* One buffer of a virtqueue's descriptor table. */
struct virtq_descriptor {
    uint64_t address;     /* physical */
    uint32_t length;
    uint16_t flags;       /* VIRTQ_DESC_F_* */
    uint16_t next;
};

/* The available ring: the driver's offers (ring[] has queue-size entries). */
struct virtq_available {
    uint16_t flags;
    uint16_t index;       /* where the driver puts the next entry (mod size) */
    uint16_t ring[];
};

/* One used buffer: the head descriptor and the bytes the device wrote. */
struct virtq_used_element {
    uint32_t id;
    uint32_t length;
};

/* The used ring: the device's returns (ring[] has queue-size entries). */
struct virtq_used {
    uint16_t flags;
    uint16_t index;
    struct virtq_used_element ring[];
};

#define VIRTQ_LEGACY_ALIGN 4096u

/* Offset of the available ring in a legacy ring region of size entries. */
static inline size_t virtq_available_offset(unsigned size)
{
    return sizeof(struct virtq_descriptor) * size;
}

/* Offset of the used ring (the next 4096 boundary after the available ring + used_event). */
static inline size_t virtq_used_offset(unsigned size)
{
    size_t end = virtq_available_offset(size) + sizeof(uint16_t) * (3 + size);
    return (end + VIRTQ_LEGACY_ALIGN - 1) & ~(size_t)(VIRTQ_LEGACY_ALIGN - 1);
}

/* Bytes of a whole legacy ring region (used ring + avail_event, page rounded). */
static inline size_t virtq_region_size(unsigned size)
{
    size_t end = virtq_used_offset(size) + sizeof(uint16_t) * 3 +
                 sizeof(struct virtq_used_element) * size;
    return (end + VIRTQ_LEGACY_ALIGN - 1) & ~(size_t)(VIRTQ_LEGACY_ALIGN - 1);
}

/* A device of the machine (the platform's, opaque to drivers). */
struct virtio_device;

/* Number of virtio devices found at boot. */
size_t virtio_device_count(void);
/* Device index (< count); NULL past the end. */
struct virtio_device *virtio_device_get(size_t index);
/* VIRTIO_DEVICE_* type of device. */
uint32_t virtio_device_type(struct virtio_device *device);
uint8_t virtio_get_status(struct virtio_device *device);
/* Write the status register; 0 resets the device (queues forgotten). */
void virtio_set_status(struct virtio_device *device, uint8_t status);
uint32_t virtio_device_features(struct virtio_device *device);
void virtio_driver_features(struct virtio_device *device, uint32_t features);
void virtio_read_config(struct virtio_device *device, size_t offset, void *buffer, size_t length);
/* Size of queue (fixed by the device), 0 when absent. */
unsigned virtio_queue_size(struct virtio_device *device, unsigned queue);
/* Hand the device the legacy ring region at physical ring (0 disables). 0 or -EINVAL. */
int virtio_queue_set(struct virtio_device *device, unsigned queue, uint64_t ring);
/* Kick queue. Any context. */
void virtio_queue_notify(struct virtio_device *device, unsigned queue);
/*
 * handler(argument) runs in interrupt context on the device's interrupts;
 * it must not sleep or call into the network stack (request processing
 * with network_request_processing() instead). NULL disables.
 */
void virtio_set_interrupt(struct virtio_device *device, void (*handler)(void *argument),
                          void *argument);

/*
 * Physically contiguous, zeroed, page-aligned memory of size bytes for
 * rings and device buffers; *physical receives its physical address.
 * Returns NULL when memory is exhausted. dma_free takes the same size.
 */
void *dma_alloc(size_t size, uint64_t *physical);
void dma_free(void *memory, size_t size);

#endif
