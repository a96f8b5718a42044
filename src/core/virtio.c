/*
 * virtio.c — the platform's virtio transport lent to driver services
 * (rk/virtio.h): each call forwards to rk/platform.h, so drivers never see
 * the platform API. Plus physically contiguous memory for rings and buffers.
 *
 * Containment (docs/containment.md): each device remembers the service
 * instance that last configured it (status, queues, interrupt handler),
 * and each dma_alloc block the instance that allocated it. A device's
 * interrupt is forwarded to the driver's handler inside a crossing of the
 * instance that installed it, so a fault there is the driver's and a dead
 * driver's handler is never entered. When an instance dies
 * (virtio_release_instance) the devices it still drives are reset first,
 * its handlers dropped, and only then its DMA memory freed: a device never
 * writes into freed memory.
 */
#include <rk/containment.h>
#include <rk/errno.h>
#include <rk/klog.h>
#include <rk/network.h>
#include <rk/page_alloc.h>
#include <rk/platform.h>
#include <rk/string.h>
#include <rk/virtio.h>

#define VIRTIO_BINDINGS_MAX 16
#define VIRTIO_QUEUES_TRACKED 32
#define DMA_RECORDS_MAX 128

/* What the Core knows of one device a driver configured. */
struct virtio_binding {
    struct platform_virtio_device *device;   /* NULL: a free slot */
    struct service_instance *instance;       /* the instance that configured it last, NULL: the Core */
    void (*handler)(void *argument);         /* the driver's interrupt handler, NULL when none */
    void *argument;
    struct service_instance *handler_instance; /* the instance that installed handler (NULL: the Core) */
    uint32_t queues;                         /* bit q: queue q was given a ring */
};

/* One dma_alloc block of a service instance. */
struct dma_record {
    void *memory;                            /* NULL: a free slot */
    size_t size;
    struct service_instance *instance;
};

static struct virtio_binding bindings[VIRTIO_BINDINGS_MAX];
static struct dma_record dma_records[DMA_RECORDS_MAX];

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

/*
 * True when the running thread is inside a dead instance (it runs on
 * until its next wait): such a driver must not touch a device any more,
 * a newer instance may drive it already.
 */
static bool caller_is_dead(void)
{
    struct service_instance *instance = gate_current_instance();
    return instance && !instance->alive;
}

/* The binding of device (made empty on first use); NULL when the table is full. Interrupts disabled. */
static struct virtio_binding *binding_of(struct platform_virtio_device *device)
{
    struct virtio_binding *free_slot = NULL;
    for (size_t i = 0; i < VIRTIO_BINDINGS_MAX; i++) {
        if (bindings[i].device == device)
            return &bindings[i];
        if (!bindings[i].device && !free_slot)
            free_slot = &bindings[i];
    }
    if (free_slot)
        *free_slot = (struct virtio_binding){.device = device};
    return free_slot;
}

/* Note that the running instance (NULL: the Core) configures device now. */
static void binding_claim(struct platform_virtio_device *device)
{
    irq_flags_t flags = platform_irq_save();
    struct virtio_binding *binding = binding_of(device);
    if (binding)
        binding->instance = gate_current_instance();
    platform_irq_restore(flags);
}

uint8_t virtio_get_status(struct virtio_device *device)
{
    return platform_virtio_get_status(platform_device(device));
}

void virtio_set_status(struct virtio_device *device, uint8_t status)
{
    if (caller_is_dead())
        return;
    binding_claim(platform_device(device));
    platform_virtio_set_status(platform_device(device), status);
}

uint32_t virtio_device_features(struct virtio_device *device)
{
    return platform_virtio_device_features(platform_device(device));
}

void virtio_driver_features(struct virtio_device *device, uint32_t features)
{
    if (caller_is_dead())
        return;
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
    if (caller_is_dead())
        return -EIO;
    binding_claim(platform_device(device));
    int error = platform_virtio_queue_set(platform_device(device), queue, (paddr_t)ring);
    irq_flags_t flags = platform_irq_save();
    struct virtio_binding *binding = binding_of(platform_device(device));
    if (binding && error == 0 && queue < VIRTIO_QUEUES_TRACKED) {
        if (ring)
            binding->queues |= 1u << queue;
        else
            binding->queues &= ~(1u << queue);
    }
    platform_irq_restore(flags);
    return error;
}

void virtio_queue_notify(struct virtio_device *device, unsigned queue)
{
    if (caller_is_dead())
        return;
    platform_virtio_queue_notify(platform_device(device), queue);
}

/*
 * The platform's interrupt handler of every bound device: the driver's
 * handler inside a crossing of the instance that installed it (Core
 * interrupt work, as timer callbacks). A dead instance is not entered.
 */
static void virtio_interrupt_forward(void *argument)
{
    struct virtio_binding *binding = argument;
    void (*handler)(void *argument) = binding->handler;
    void *handler_argument = binding->argument;
    struct service_instance *owner = binding->handler_instance;
    if (!handler)
        return;
    core_interrupt_depth++;
    if (owner)
        GATE_CROSS_VOID(owner->service, owner, "interrupt", handler(handler_argument));
    else
        handler(handler_argument);
    core_interrupt_depth--;
}

void virtio_set_interrupt(struct virtio_device *device, void (*handler)(void *argument),
                          void *argument)
{
    if (caller_is_dead())
        return;
    struct platform_virtio_device *platform = platform_device(device);
    irq_flags_t flags = platform_irq_save();
    struct virtio_binding *binding = binding_of(platform);
    if (!binding) {
        platform_irq_restore(flags);
        klog(KLOG_WARNING, "virtio: too many devices to track; interrupt handler not contained");
        platform_virtio_set_interrupt(platform, handler, argument);
        return;
    }
    binding->instance = gate_current_instance();
    binding->handler_instance = handler ? binding->instance : NULL;
    binding->handler = handler;
    binding->argument = argument;
    platform_irq_restore(flags);
    platform_virtio_set_interrupt(platform, handler ? virtio_interrupt_forward : NULL,
                                  handler ? binding : NULL);
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
    if (size == 0 || caller_is_dead())
        return NULL;
    paddr_t frame = page_alloc(order_for(size));
    if (frame == PADDR_INVALID)
        return NULL;
    void *memory = platform_phys_to_virt(frame);
    memset(memory, 0, PAGE_SIZE << order_for(size));
    *physical = frame;
    struct service_instance *instance = gate_current_instance();
    if (instance) {
        irq_flags_t flags = platform_irq_save();
        struct dma_record *record = NULL;
        for (size_t i = 0; i < DMA_RECORDS_MAX && !record; i++)
            if (!dma_records[i].memory)
                record = &dma_records[i];
        if (record)
            *record = (struct dma_record){.memory = memory, .size = size, .instance = instance};
        platform_irq_restore(flags);
        if (!record)
            klog(KLOG_WARNING, "virtio: DMA block of %zu bytes not tracked (table full)", size);
    }
    return memory;
}

/* See rk/virtio.h. */
void dma_free(void *memory, size_t size)
{
    /* A dead instance's blocks are freed by virtio_release_instance, after the device reset. */
    if (!memory || caller_is_dead())
        return;
    irq_flags_t flags = platform_irq_save();
    for (size_t i = 0; i < DMA_RECORDS_MAX; i++) {
        if (dma_records[i].memory == memory) {
            dma_records[i] = (struct dma_record){0};
            break;
        }
    }
    platform_irq_restore(flags);
    page_free(platform_virt_to_phys(memory), order_for(size));
}

/*
 * Reset binding's device and forget what its dead driver set: the
 * interrupt handler first (no more forwarding), then status 0 and the
 * rings (the device stops using the driver's memory).
 */
static void binding_reset(struct virtio_binding *binding)
{
    struct platform_virtio_device *device = binding->device;
    irq_flags_t flags = platform_irq_save();
    uint32_t queues = binding->queues;
    binding->handler = NULL;
    binding->argument = NULL;
    binding->handler_instance = NULL;
    binding->instance = NULL;
    binding->queues = 0;
    platform_irq_restore(flags);
    platform_virtio_set_interrupt(device, NULL, NULL);
    platform_virtio_set_status(device, 0);
    for (unsigned queue = 0; queue < VIRTIO_QUEUES_TRACKED; queue++)
        if (queues & (1u << queue))
            platform_virtio_queue_set(device, queue, 0);
}

/*
 * See rk/containment.h. A device that a newer instance configured since
 * (its start resets the device before giving it new rings) is left alone;
 * the dead instance's DMA memory is freed in both cases.
 */
void virtio_release_instance(struct service_instance *instance)
{
    unsigned reset = 0;
    for (size_t i = 0; i < VIRTIO_BINDINGS_MAX; i++) {
        struct virtio_binding *binding = &bindings[i];
        if (!binding->device)
            continue;
        if (binding->instance == instance) {
            binding_reset(binding);
            reset++;
        } else if (binding->handler_instance == instance) {
            irq_flags_t flags = platform_irq_save();
            binding->handler = NULL;
            binding->handler_instance = NULL;
            platform_irq_restore(flags);
        }
    }
    size_t blocks = 0;
    for (size_t i = 0; i < DMA_RECORDS_MAX; i++) {
        irq_flags_t flags = platform_irq_save();
        struct dma_record record = dma_records[i];
        bool owned = record.memory && record.instance == instance;
        if (owned)
            dma_records[i] = (struct dma_record){0};
        platform_irq_restore(flags);
        if (owned) {
            page_free(platform_virt_to_phys(record.memory), order_for(record.size));
            blocks++;
        }
    }
    if (reset || blocks)
        klog(KLOG_INFO, "virtio: %s: %u device(s) reset, %zu DMA block(s) freed",
             instance->service->name, reset, blocks);
}

/* See rk/network.h. */
void virtio_bindings_reset(void)
{
    memset(bindings, 0, sizeof bindings);
    memset(dma_records, 0, sizeof dma_records);
}
