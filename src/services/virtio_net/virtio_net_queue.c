/*
 * virtio_net_queue.c — the driver side of one split virtqueue (legacy
 * layout, one contiguous region) with a fixed pool of buffers: buffer i
 * always uses descriptor i, so a used element's id names the buffer.
 * Nothing the device wrote is trusted: the used index, ids and lengths
 * are checked before they are used (see virtio_net_internal.h).
 */
#include <rk/errno.h>
#include <rk/heap.h>
#include <rk/klog.h>
#include <rk/string.h>

#include "virtio_net_internal.h"

/* True when size is a power of two in 1..VIRTIO_NET_QUEUE_SIZE_MAX. */
static bool queue_size_valid(unsigned size)
{
    return size > 0 && size <= VIRTIO_NET_QUEUE_SIZE_MAX && (size & (size - 1)) == 0;
}

/* Free what queue holds (the device no longer has its ring) and zero it. */
static void queue_release(struct virtio_net_queue *queue)
{
    if (queue->region)
        dma_free(queue->region, queue->region_bytes);
    if (queue->buffers)
        dma_free(queue->buffers, queue->buffers_bytes);
    kfree(queue->in_flight);
    kfree(queue->free_buffers);
    memset(queue, 0, sizeof(*queue));
}

/* See virtio_net_internal.h. */
int virtio_net_queue_create(struct virtio_net_queue *queue, struct virtio_device *device,
                            const char *owner, unsigned index, unsigned buffer_limit)
{
    memset(queue, 0, sizeof(*queue));
    unsigned size = virtio_queue_size(device, index);
    if (!queue_size_valid(size)) {
        klog(KLOG_ERROR, "virtio-net %s: queue %u has unusable size %u", owner, index, size);
        return -ENODEV;
    }
    queue->device = device;
    queue->owner = owner;
    queue->index = index;
    queue->size = size;
    queue->buffer_count = size < buffer_limit ? size : buffer_limit;

    queue->region_bytes = virtq_region_size(size);
    queue->region = dma_alloc(queue->region_bytes, &queue->region_physical);
    queue->buffers_bytes = (size_t)queue->buffer_count * VIRTIO_NET_BUFFER_STRIDE;
    queue->buffers = dma_alloc(queue->buffers_bytes, &queue->buffers_physical);
    queue->in_flight = kcalloc(queue->buffer_count, sizeof(bool));
    queue->free_buffers = kcalloc(queue->buffer_count, sizeof(uint16_t));
    if (!queue->region || !queue->buffers || !queue->in_flight || !queue->free_buffers) {
        queue_release(queue);
        return -ENOMEM;
    }
    uint8_t *region = queue->region;
    queue->descriptors = (struct virtq_descriptor *)region;
    queue->available = (struct virtq_available *)(region + virtq_available_offset(size));
    queue->used = (struct virtq_used *)(region + virtq_used_offset(size));
    for (unsigned buffer = 0; buffer < queue->buffer_count; buffer++) {
        queue->descriptors[buffer].address =
            queue->buffers_physical + (uint64_t)buffer * VIRTIO_NET_BUFFER_STRIDE;
        queue->descriptors[buffer].length = VIRTIO_NET_BUFFER_LENGTH;
        /* Pushed in reverse so that buffer 0 is taken first. */
        queue->free_buffers[queue->buffer_count - 1 - buffer] = (uint16_t)buffer;
    }
    queue->free_count = queue->buffer_count;

    int error = virtio_queue_set(device, index, queue->region_physical);
    if (error < 0) {
        queue_release(queue);
        return error;
    }
    return 0;
}

/* See virtio_net_internal.h. */
void virtio_net_queue_destroy(struct virtio_net_queue *queue)
{
    if (queue->region)
        virtio_queue_set(queue->device, queue->index, 0);
    queue_release(queue);
}

/* See virtio_net_internal.h. */
uint8_t *virtio_net_queue_buffer(struct virtio_net_queue *queue, unsigned buffer)
{
    return queue->buffers + (size_t)buffer * VIRTIO_NET_BUFFER_STRIDE;
}

/* See virtio_net_internal.h. */
void virtio_net_queue_post(struct virtio_net_queue *queue, unsigned buffer, uint32_t length,
                           bool writable)
{
    struct virtq_descriptor *descriptor = &queue->descriptors[buffer];
    descriptor->address = queue->buffers_physical + (uint64_t)buffer * VIRTIO_NET_BUFFER_STRIDE;
    descriptor->length = length;
    descriptor->flags = writable ? VIRTQ_DESC_F_WRITE : 0;
    descriptor->next = 0;
    queue->in_flight[buffer] = true;
    uint16_t index = queue->available->index;
    queue->available->ring[index & (queue->size - 1)] = (uint16_t)buffer;
    /* The entry (and the descriptor) before the index that publishes it. */
    __atomic_store_n(&queue->available->index, (uint16_t)(index + 1), __ATOMIC_RELEASE);
}

/* See virtio_net_internal.h. */
void virtio_net_queue_kick(struct virtio_net_queue *queue)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* the index is visible before the flags are read */
    uint16_t flags = __atomic_load_n(&queue->used->flags, __ATOMIC_RELAXED);
    if (!(flags & VIRTQ_USED_F_NO_NOTIFY))
        virtio_queue_notify(queue->device, queue->index);
}

/* See virtio_net_internal.h. */
bool virtio_net_queue_has_used(struct virtio_net_queue *queue)
{
    return !queue->broken && queue->used &&
           __atomic_load_n(&queue->used->index, __ATOMIC_ACQUIRE) != queue->last_used;
}

/* See virtio_net_internal.h. */
int virtio_net_queue_take_free(struct virtio_net_queue *queue)
{
    if (queue->free_count == 0)
        return -EAGAIN;
    return queue->free_buffers[--queue->free_count];
}

/* See virtio_net_internal.h. */
void virtio_net_queue_give_free(struct virtio_net_queue *queue, unsigned buffer)
{
    if (queue->free_count < queue->buffer_count)
        queue->free_buffers[queue->free_count++] = (uint16_t)buffer;
}

/* See virtio_net_internal.h. */
int virtio_net_queue_pop_used(struct virtio_net_queue *queue, uint32_t minimum_length,
                              uint32_t maximum_length, uint32_t *length,
                              uint64_t *device_errors)
{
    if (queue->broken || !queue->used)
        return -EAGAIN;
    uint16_t used_index = __atomic_load_n(&queue->used->index, __ATOMIC_ACQUIRE);
    if (used_index == queue->last_used)
        return -EAGAIN;
    uint16_t pending = (uint16_t)(used_index - queue->last_used);
    if (pending > queue->size) {
        queue->broken = true;
        (*device_errors)++;
        klog(KLOG_ERROR, "virtio-net %s: queue %u: used index %u is %u ahead of %u (ring of %u): "
             "queue ignored", queue->owner, queue->index, used_index, pending, queue->last_used,
             queue->size);
        return -EAGAIN;
    }
    volatile struct virtq_used_element *element =
        &queue->used->ring[queue->last_used & (queue->size - 1)];
    uint32_t id = element->id;
    uint32_t reported = element->length;
    queue->last_used++;

    if (id >= queue->buffer_count || !queue->in_flight[id]) {
        (*device_errors)++;
        klog(KLOG_ERROR, "virtio-net %s: queue %u: used id %u is no buffer in flight: dropped",
             queue->owner, queue->index, id);
        return -EIO;
    }
    queue->in_flight[id] = false;
    if (reported < minimum_length || reported > maximum_length) {
        (*device_errors)++;
        klog(KLOG_ERROR, "virtio-net %s: queue %u: used length %u of buffer %u outside %u..%u: "
             "dropped", queue->owner, queue->index, reported, id, minimum_length, maximum_length);
        reported = 0;
    }
    *length = reported;
    return (int)id;
}
