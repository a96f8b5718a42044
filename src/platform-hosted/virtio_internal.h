/*
 * virtio_internal.h — the hosted backend's in-process virtio devices:
 * what the transport (virtio.c: the device table and the register-level
 * functions of rk/platform.h) shares with the device models
 * (virtio_net_device.c). Only these files include it.
 *
 * Device memory is the arena: a ring or buffer address is a physical
 * address that must lie inside it (checked before every access; a device
 * never touches host memory outside the arena because of what a driver
 * wrote). Device work happens only from the event loop
 * (hosted_virtio_poll(), called by events.c): queue_notify just marks the
 * queue, so every backend has the same path: notify -> the device consumes
 * at the next poll -> frames are queued for receiving -> the "interrupt"
 * (the driver's handler in interrupt context) is raised from the loop.
 */
#ifndef HOSTED_VIRTIO_INTERNAL_H
#define HOSTED_VIRTIO_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rk/platform.h>
#include <rk/virtio.h>

#define HOSTED_VIRTIO_DEVICES_MAX 8
#define HOSTED_VIRTIO_QUEUES_MAX 2
#define HOSTED_VIRTIO_CONFIG_MAX 32

/* The device side of one virtqueue: where its legacy region is (0: not set). */
struct hosted_virtqueue {
    unsigned size;                          /* fixed by the device model */
    paddr_t ring;                           /* physical, 0 when disabled */
    struct virtq_descriptor *descriptors;   /* host pointers into the arena */
    struct virtq_available *available;
    struct virtq_used *used;
    uint16_t last_available;                /* next available entry to consume */
    uint16_t next_used;                     /* the device's own copy of the used index */
};

struct platform_virtio_device;

/* What the transport asks of a device model. */
struct hosted_virtio_model_ops {
    /* The driver wrote status 0 (the transport already forgot the queues). */
    void (*reset)(struct platform_virtio_device *device);
    /*
     * Do the pending work (consume available buffers, fill receive
     * buffers, raise interrupts). Returns how much happened (frames moved
     * + interrupts raised), 0 when nothing could be done. Event loop only.
     */
    unsigned (*run)(struct platform_virtio_device *device);
};

/* One emulated device (the platform API's opaque device). */
struct platform_virtio_device {
    unsigned number;                        /* index in the device table */
    uint32_t type;                          /* VIRTIO_DEVICE_* */
    uint8_t status;
    uint32_t device_features;
    uint32_t driver_features;
    uint8_t config[HOSTED_VIRTIO_CONFIG_MAX];
    size_t config_length;
    unsigned queue_count;
    struct hosted_virtqueue queues[HOSTED_VIRTIO_QUEUES_MAX];
    platform_virtio_interrupt_fn handler;
    void *argument;
    uint64_t interrupts;                    /* raised so far */
    const struct hosted_virtio_model_ops *model_ops;
    void *model;
};

/*
 * Add a device to the table of the boot being built (hosted_virtio_boot()
 * only): zeroed, with the given type, model and queue sizes. Returns the
 * device, or NULL when the table is full.
 */
struct platform_virtio_device *hosted_virtio_device_add(uint32_t type,
                                                        const struct hosted_virtio_model_ops *ops,
                                                        void *model, unsigned queue_count,
                                                        unsigned queue_size);
/* Device number of the current boot, NULL when there is none. */
struct platform_virtio_device *hosted_virtio_device(size_t number);

/* Call the driver's handler in interrupt context (when one is set); counts it. */
void hosted_virtio_raise_interrupt(struct platform_virtio_device *device);
/*
 * Something went wrong that the driver must fix by a reset: set
 * NEEDS_RESET, write "hosted: virtio<N>: reason" on stdout, raise the
 * (config-change) interrupt. The device does nothing until status 0.
 */
void hosted_virtio_needs_reset(struct platform_virtio_device *device, const char *reason);
/* True when the device may work: DRIVER_OK set, NEEDS_RESET and FAILED not. */
bool hosted_virtio_device_live(const struct platform_virtio_device *device);
/*
 * Host address of [physical, physical + length) when it lies wholly in the
 * arena, else NULL (length 0 is refused too).
 */
void *hosted_virtio_memory(uint64_t physical, size_t length);

/* --------------------------------------------------- virtio_net_device.c */

/*
 * Forget the devices of the last boot and build this boot's: the
 * remembered ones (hosted_virtio_net_add) and those of option (the
 * hosted.net= value, comma-separated backends, may be NULL). Returns 0 or
 * -errno (a bad or unopenable backend in option).
 */
int hosted_virtio_net_boot(const char *option);
/* True when a live device of this boot reads host input (a tap fd) through the event loop. */
bool hosted_virtio_net_input_polled(void);

#endif /* HOSTED_VIRTIO_INTERNAL_H */
