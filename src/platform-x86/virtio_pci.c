/*
 * The platform's virtio transport (rk/platform.h) — placeholder: no
 * devices yet. Replaced by the transport itself.
 */
#include <rk/errno.h>
#include <rk/platform.h>

size_t platform_virtio_device_count(void) { return 0; }
struct platform_virtio_device *platform_virtio_device_get(size_t index) { return NULL; }
uint32_t platform_virtio_device_type(struct platform_virtio_device *device) { return 0; }
uint8_t platform_virtio_get_status(struct platform_virtio_device *device) { return 0; }
void platform_virtio_set_status(struct platform_virtio_device *device, uint8_t status) {}
uint32_t platform_virtio_device_features(struct platform_virtio_device *device) { return 0; }
void platform_virtio_driver_features(struct platform_virtio_device *device, uint32_t features) {}
void platform_virtio_read_config(struct platform_virtio_device *device, size_t offset,
                                 void *buffer, size_t length) {}
unsigned platform_virtio_queue_size(struct platform_virtio_device *device, unsigned queue) { return 0; }
int platform_virtio_queue_set(struct platform_virtio_device *device, unsigned queue, paddr_t ring)
{
    return -EINVAL;
}
void platform_virtio_queue_notify(struct platform_virtio_device *device, unsigned queue) {}
void platform_virtio_set_interrupt(struct platform_virtio_device *device,
                                   platform_virtio_interrupt_fn handler, void *argument) {}
