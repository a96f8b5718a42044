/*
 * virtio.c — the platform's virtio transport lent to driver services
 * (rk/virtio.h): each call forwards to rk/platform.h, so drivers never see
 * the platform API. Plus physically contiguous memory for rings and buffers.
 */
#include <rk/containment.h>
#include <rk/page_alloc.h>
#include <rk/platform.h>
#include <rk/string.h>
#include <rk/virtio.h>

/* The service API's opaque device is the platform's device. */
static struct platform_virtio_device *platform_device(struct virtio_device *device)
{
    return (struct platform_virtio_device *)device;
}

size_t virtio_device_count(void) { return platform_virtio_device_count(); }

struct virtio_device *virtio_device_get(size_t index)
{
    if (index >= platform_virtio_device_count())
        return NULL;
    return (struct virtio_device *)platform_virtio_device_get(index);
}

uint32_t virtio_device_type(struct virtio_device *device)
{
    return platform_virtio_device_type(platform_device(device));
}

uint8_t virtio_get_status(struct virtio_device *device)
{
    return platform_virtio_get_status(platform_device(device));
}

void virtio_set_status(struct virtio_device *device, uint8_t status)
{
    platform_virtio_set_status(platform_device(device), status);
}

uint32_t virtio_device_features(struct virtio_device *device)
{
    return platform_virtio_device_features(platform_device(device));
}

void virtio_driver_features(struct virtio_device *device, uint32_t features)
{
    platform_virtio_driver_features(platform_device(device), features);
}

void virtio_read_config(struct virtio_device *device, size_t offset, void *buffer, size_t length)
{
    platform_virtio_read_config(platform_device(device), offset, buffer, length);
}

unsigned virtio_queue_size(struct virtio_device *device, unsigned queue)
{
    return platform_virtio_queue_size(platform_device(device), queue);
}

int virtio_queue_set(struct virtio_device *device, unsigned queue, uint64_t ring)
{
    return platform_virtio_queue_set(platform_device(device), queue, (paddr_t)ring);
}

void virtio_queue_notify(struct virtio_device *device, unsigned queue)
{
    platform_virtio_queue_notify(platform_device(device), queue);
}

void virtio_set_interrupt(struct virtio_device *device, void (*handler)(void *argument),
                          void *argument)
{
    platform_virtio_set_interrupt(platform_device(device), handler, argument);
}

/* The buddy order that holds size bytes. */
static unsigned order_for(size_t size)
{
    unsigned order = 0;
    while ((PAGE_SIZE << order) < size)
        order++;
    return order;
}

/* See rk/virtio.h. */
void *dma_alloc(size_t size, uint64_t *physical)
{
    if (size == 0)
        return NULL;
    paddr_t frame = page_alloc(order_for(size));
    if (frame == PADDR_INVALID)
        return NULL;
    void *memory = platform_phys_to_virt(frame);
    memset(memory, 0, PAGE_SIZE << order_for(size));
    *physical = frame;
    return memory;
}

/* See rk/virtio.h. */
void dma_free(void *memory, size_t size)
{
    if (memory)
        page_free(platform_virt_to_phys(memory), order_for(size));
}

/* See rk/containment.h. */
void virtio_release_instance(struct service_instance *instance)
{
    (void)instance;
}
