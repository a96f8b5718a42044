/*
 * virtio.c — the platform's virtio transport (rk/platform.h) on the hosted
 * backend: a table of in-process devices built at every boot, their
 * registers (status, features, config, queue addresses), notification and
 * interrupt delivery. The device models (virtio_net_device.c) do the work
 * from the event loop: see virtio_internal.h.
 */
#include <errno.h>
#include <string.h>

#include "hosted.h"
#include "hosted_internal.h"
#include "virtio_internal.h"

static struct platform_virtio_device devices[HOSTED_VIRTIO_DEVICES_MAX];
static size_t device_count;

/* See virtio_internal.h. */
struct platform_virtio_device *hosted_virtio_device_add(uint32_t type,
                                                        const struct hosted_virtio_model_ops *ops,
                                                        void *model, unsigned queue_count,
                                                        unsigned queue_size)
{
    if (device_count >= HOSTED_VIRTIO_DEVICES_MAX || queue_count > HOSTED_VIRTIO_QUEUES_MAX)
        return NULL;
    struct platform_virtio_device *device = &devices[device_count];
    memset(device, 0, sizeof(*device));
    device->number = (unsigned)device_count;
    device->type = type;
    device->model_ops = ops;
    device->model = model;
    device->queue_count = queue_count;
    for (unsigned queue = 0; queue < queue_count; queue++)
        device->queues[queue].size = queue_size;
    device_count++;
    return device;
}

/* See virtio_internal.h. */
struct platform_virtio_device *hosted_virtio_device(size_t number)
{
    return number < device_count ? &devices[number] : NULL;
}

/* See hosted_internal.h. */
int hosted_virtio_boot(const char *net_option)
{
    memset(devices, 0, sizeof(devices));
    device_count = 0;
    return hosted_virtio_net_boot(net_option);
}

/* See hosted_internal.h. Repeats until no device makes progress (pair devices feed each other). */
unsigned hosted_virtio_poll(void)
{
    unsigned total = 0;
    for (unsigned round = 0; round < 64; round++) {
        unsigned progress = 0;
        for (size_t number = 0; number < device_count; number++) {
            struct platform_virtio_device *device = &devices[number];
            if (device->model_ops && device->model_ops->run)
                progress += device->model_ops->run(device);
        }
        if (progress == 0)
            break;
        total += progress;
    }
    return total;
}

/* See hosted_internal.h. */
bool hosted_virtio_input_polled(void)
{
    return hosted_virtio_net_input_polled();
}

/* See virtio_internal.h. */
void hosted_virtio_raise_interrupt(struct platform_virtio_device *device)
{
    device->interrupts++;
    if (device->handler)
        hosted_deliver_device_interrupt(device->handler, device->argument);
}

/* See virtio_internal.h. */
void hosted_virtio_needs_reset(struct platform_virtio_device *device, const char *reason)
{
    char number[21];
    device->status |= VIRTIO_STATUS_NEEDS_RESET;
    hosted_write_text("hosted: virtio");
    hosted_write_text(hosted_format_decimal(number, device->number));
    hosted_write_text(": ");
    hosted_write_text(reason);
    hosted_write_text(": device needs reset\n");
    hosted_virtio_raise_interrupt(device);
}

/* See virtio_internal.h. */
bool hosted_virtio_device_live(const struct platform_virtio_device *device)
{
    return (device->status & VIRTIO_STATUS_DRIVER_OK) &&
           !(device->status & (VIRTIO_STATUS_NEEDS_RESET | VIRTIO_STATUS_FAILED));
}

/* See virtio_internal.h. */
void *hosted_virtio_memory(uint64_t physical, size_t length)
{
    uint64_t size = hosted_memory_arena_size();
    if (length == 0 || physical < HOSTED_PHYSICAL_BASE)
        return NULL;
    uint64_t offset = physical - HOSTED_PHYSICAL_BASE;
    if (offset >= size || length > size - offset)
        return NULL;
    return hosted_memory_arena_base() + offset;
}

/* See rk/platform.h. */
size_t platform_virtio_device_count(void)
{
    return device_count;
}

/* See rk/platform.h. */
struct platform_virtio_device *platform_virtio_device_get(size_t index)
{
    return hosted_virtio_device(index);
}

/* See rk/platform.h. */
uint32_t platform_virtio_device_type(struct platform_virtio_device *device)
{
    return device->type;
}

/* See rk/platform.h. */
uint8_t platform_virtio_get_status(struct platform_virtio_device *device)
{
    return device->status;
}

/* See rk/platform.h. 0 resets: status, negotiated features and queues are forgotten. */
void platform_virtio_set_status(struct platform_virtio_device *device, uint8_t status)
{
    if (status != 0) {
        /* NEEDS_RESET belongs to the device: the driver cannot clear it but by a reset. */
        device->status = (uint8_t)(status | (device->status & VIRTIO_STATUS_NEEDS_RESET));
        return;
    }
    device->status = 0;
    device->driver_features = 0;
    for (unsigned queue = 0; queue < device->queue_count; queue++) {
        unsigned size = device->queues[queue].size;
        memset(&device->queues[queue], 0, sizeof(device->queues[queue]));
        device->queues[queue].size = size;
    }
    if (device->model_ops && device->model_ops->reset)
        device->model_ops->reset(device);
}

/* See rk/platform.h. */
uint32_t platform_virtio_device_features(struct platform_virtio_device *device)
{
    return device->device_features;
}

/* See rk/platform.h. Bits the device does not offer are ignored. */
void platform_virtio_driver_features(struct platform_virtio_device *device, uint32_t features)
{
    device->driver_features = features & device->device_features;
}

/* See rk/platform.h. Bytes past the device's config read as 0. */
void platform_virtio_read_config(struct platform_virtio_device *device, size_t offset,
                                 void *buffer, size_t length)
{
    uint8_t *bytes = buffer;
    for (size_t index = 0; index < length; index++) {
        size_t at = offset + index;
        bytes[index] = at >= offset && at < device->config_length ? device->config[at] : 0;
    }
}

/* See rk/platform.h. */
unsigned platform_virtio_queue_size(struct platform_virtio_device *device, unsigned queue)
{
    return queue < device->queue_count ? device->queues[queue].size : 0;
}

/* See rk/platform.h. The whole region must lie in the arena, 4096-aligned. */
int platform_virtio_queue_set(struct platform_virtio_device *device, unsigned queue, paddr_t ring)
{
    if (queue >= device->queue_count)
        return -EINVAL;
    struct hosted_virtqueue *virtqueue = &device->queues[queue];
    if (ring == 0) {
        virtqueue->ring = 0;
        virtqueue->descriptors = NULL;
        virtqueue->available = NULL;
        virtqueue->used = NULL;
        virtqueue->last_available = 0;
        virtqueue->next_used = 0;
        return 0;
    }
    uint8_t *region = hosted_virtio_memory(ring, virtq_region_size(virtqueue->size));
    if (!region || (ring & (VIRTQ_LEGACY_ALIGN - 1)) != 0)
        return -EINVAL;
    virtqueue->ring = ring;
    virtqueue->descriptors = (struct virtq_descriptor *)region;
    virtqueue->available =
        (struct virtq_available *)(region + virtq_available_offset(virtqueue->size));
    virtqueue->used = (struct virtq_used *)(region + virtq_used_offset(virtqueue->size));
    virtqueue->last_available = 0;
    virtqueue->next_used = 0;
    return 0;
}

/* See rk/platform.h. The device looks at its queues at the next poll of the event loop. */
void platform_virtio_queue_notify(struct platform_virtio_device *device, unsigned queue)
{
    (void)device;
    (void)queue;
}

/* See rk/platform.h. */
void platform_virtio_set_interrupt(struct platform_virtio_device *device,
                                   platform_virtio_interrupt_fn handler, void *argument)
{
    device->handler = handler;
    device->argument = argument;
}
