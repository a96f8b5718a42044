/*
 * virtio_net_device.c — the emulated virtio-net device of the hosted
 * backend: the device side of the split virtqueues (legacy layout) and
 * the backends behind it (see hosted.h: loopback, pair, tap:IFNAME).
 *
 * Queue 0 receives, queue 1 transmits. The device offers VIRTIO_NET_F_MAC,
 * VIRTIO_NET_F_STATUS and VIRTIO_NET_F_MRG_RXBUF (only to honour it if
 * accepted: then the header is 12 bytes with num_buffers 1). Its work runs
 * from the event loop (run(), through hosted_virtio_poll()): transmitted
 * chains are gathered and handed to the backend (in-memory peers get them
 * in their backlog; a tap gets a write()); backlog frames are scattered
 * into available receive chains; then one interrupt when a used ring
 * changed and the driver did not suppress it. Frames read from a tap fd
 * (uv_poll readable) join the backlog the same way. Every descriptor is
 * checked before use: outside the arena, a loop, an indirect or a
 * wrong-direction descriptor sets NEEDS_RESET (logged) and the device
 * stops until the driver resets it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <uv.h>

#include "hosted.h"
#include "hosted_internal.h"
#include "virtio_internal.h"

#define NET_QUEUE_SIZE 256u
#define RECEIVE_QUEUE 0
#define TRANSMIT_QUEUE 1

#define FEATURE_MAC (1u << 5)
#define FEATURE_MRG_RXBUF (1u << 15)
#define FEATURE_STATUS (1u << 16)
#define CONFIG_STATUS 6
#define STATUS_LINK_UP 1

#define HEADER_LENGTH 10u
#define HEADER_LENGTH_MERGEABLE 12u
#define FRAME_MINIMUM 14u
#define FRAME_MAXIMUM 1514u
#define BACKLOG_FRAMES 256u
#define CHAIN_SEGMENTS_MAX 64u
#define TAP_READ_BUFFER 65536u

enum backend_kind {
    BACKEND_LOOPBACK,
    BACKEND_PAIR,
    BACKEND_TAP,
};

/* A tap fd and its uv_poll handle (owned by a configuration entry). */
struct tap_source {
    int fd;
    char name[IFNAMSIZ];
    uv_poll_t *poll;            /* made at the first boot that uses it (needs the loop) */
    bool polling;
    struct net_model *model;    /* the device of the running boot it feeds, or NULL */
};

/* One configured backend: what hosted_virtio_net_add() or hosted.net= asked for. */
struct backend_entry {
    enum backend_kind kind;
    struct tap_source *tap;     /* BACKEND_TAP */
};

struct backlog_frame {
    uint16_t length;
    uint8_t data[FRAME_MAXIMUM];
};

/* The device model of one virtio-net device. */
struct net_model {
    struct platform_virtio_device *device;
    enum backend_kind kind;
    struct net_model *peer;              /* where transmitted frames go (loopback: itself) */
    struct tap_source *tap;              /* BACKEND_TAP */
    struct backlog_frame *backlog;       /* frames waiting for receive buffers (ring) */
    unsigned backlog_head;
    unsigned backlog_count;
    enum hosted_virtio_fault fault;      /* armed one-shot fault */
    bool config_changed;                 /* a config-change interrupt is due */
    struct hosted_virtio_net_statistics statistics;
};

/* One segment of a descriptor chain, checked: host memory inside the arena. */
struct chain_segment {
    uint8_t *memory;
    uint32_t length;
};

static struct backend_entry remembered[HOSTED_VIRTIO_DEVICES_MAX];
static size_t remembered_count;
static struct backend_entry boot_entries[HOSTED_VIRTIO_DEVICES_MAX];   /* hosted.net= of this boot */
static size_t boot_entry_count;
static struct net_model models[HOSTED_VIRTIO_DEVICES_MAX];
static uint8_t tap_read_buffer[TAP_READ_BUFFER];
static uint32_t withheld_features;      /* hosted_virtio_net_withhold_features() */

/* ------------------------------------------------------------ backlog */

static bool backlog_full(const struct net_model *model)
{
    return model->backlog_count >= BACKLOG_FRAMES;
}

/* Append a frame (length in FRAME_MINIMUM..FRAME_MAXIMUM); false (and counted) when full. */
static bool backlog_push(struct net_model *model, const void *frame, size_t length)
{
    if (backlog_full(model) || !model->backlog) {
        model->statistics.dropped++;
        return false;
    }
    struct backlog_frame *slot =
        &model->backlog[(model->backlog_head + model->backlog_count) % BACKLOG_FRAMES];
    slot->length = (uint16_t)length;
    memcpy(slot->data, frame, length);
    model->backlog_count++;
    return true;
}

/* ------------------------------------------------------------ tap fds */

/* Stop reading source's fd. */
static void tap_poll_stop(struct tap_source *source)
{
    if (source->polling)
        uv_poll_stop(source->poll);
    source->polling = false;
}

/* uv_close callback: the handle's memory is ours again. */
static void tap_poll_closed(uv_handle_t *handle)
{
    free(handle);
}

/* Close source: its poll handle, its fd, the model's link to it. */
static void tap_source_close(struct tap_source *source)
{
    if (!source)
        return;
    if (source->poll) {
        tap_poll_stop(source);
        uv_close((uv_handle_t *)source->poll, tap_poll_closed);
    }
    if (source->model)
        source->model->tap = NULL;
    close(source->fd);
    free(source);
}

/* Open (creating when missing) the tap interface name. Returns 0 or -errno. */
static int tap_source_open(const char *name, struct tap_source **out)
{
    size_t length = strlen(name);
    if (length == 0 || length >= IFNAMSIZ)
        return -EINVAL;
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    struct ifreq request;
    memset(&request, 0, sizeof(request));
    memcpy(request.ifr_name, name, length);
    request.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (ioctl(fd, TUNSETIFF, &request) != 0) {
        int error = -errno;
        close(fd);
        return error;
    }
    struct tap_source *source = calloc(1, sizeof(*source));
    if (!source) {
        close(fd);
        return -ENOMEM;
    }
    source->fd = fd;
    memcpy(source->name, request.ifr_name, IFNAMSIZ);
    source->name[IFNAMSIZ - 1] = '\0';
    *out = source;
    return 0;
}

/* uv_poll callback: read what the tap has into the backlog; pause while it is full. */
static void tap_readable(uv_poll_t *handle, int status, int event_mask)
{
    (void)event_mask;
    struct tap_source *source = handle->data;
    struct net_model *model = source->model;
    if (status < 0 || !model) {
        tap_poll_stop(source);
        return;
    }
    while (!backlog_full(model)) {
        ssize_t count = read(source->fd, tap_read_buffer, sizeof(tap_read_buffer));
        if (count < 0 && errno == EINTR)
            continue;
        if (count < 0 && errno == EAGAIN)
            return;
        if (count <= 0) {
            tap_poll_stop(source);
            return;
        }
        if (!hosted_virtio_device_live(model->device) || (size_t)count < FRAME_MINIMUM ||
            (size_t)count > FRAME_MAXIMUM) {
            model->statistics.dropped++;
            continue;
        }
        backlog_push(model, tap_read_buffer, (size_t)count);
    }
    tap_poll_stop(source);
}

/* Start reading source's fd when there is room for what it brings. */
static void tap_poll_start(struct tap_source *source)
{
    if (source->polling || !source->poll || !source->model || backlog_full(source->model))
        return;
    if (uv_poll_start(source->poll, UV_READABLE, tap_readable) == 0)
        source->polling = true;
}

/* Give source a poll handle on the loop (once). Returns 0 or -errno. */
static int tap_poll_prepare(struct tap_source *source)
{
    if (source->poll)
        return 0;
    uv_loop_t *loop = hosted_events_loop();
    if (!loop)
        return -EAGAIN;
    uv_poll_t *poll = calloc(1, sizeof(*poll));
    if (!poll)
        return -ENOMEM;
    int error = uv_poll_init(loop, poll, source->fd);
    if (error != 0) {
        free(poll);
        return error;
    }
    poll->data = source;
    source->poll = poll;
    return 0;
}

/* ------------------------------------------------------ descriptor chains */

/*
 * Walk the chain at head of queue: every descriptor in the ring, in the
 * arena, of the direction asked (device-writable or not), no indirect,
 * at most CHAIN_SEGMENTS_MAX long. Fills segments, *count and *total.
 * Returns true, or false after hosted_virtio_needs_reset().
 */
static bool chain_walk(struct platform_virtio_device *device, struct hosted_virtqueue *queue,
                       uint16_t head, bool writable, struct chain_segment *segments,
                       unsigned *count, size_t *total)
{
    *count = 0;
    *total = 0;
    uint16_t index = head;
    for (;;) {
        if (index >= queue->size) {
            hosted_virtio_needs_reset(device, "descriptor index out of the ring");
            return false;
        }
        if (*count >= CHAIN_SEGMENTS_MAX || *count >= queue->size) {
            hosted_virtio_needs_reset(device, "descriptor chain too long or looping");
            return false;
        }
        struct virtq_descriptor descriptor = queue->descriptors[index];
        if (descriptor.flags & ~(VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE)) {
            hosted_virtio_needs_reset(device, "unsupported descriptor flags (indirect?)");
            return false;
        }
        if (((descriptor.flags & VIRTQ_DESC_F_WRITE) != 0) != writable) {
            hosted_virtio_needs_reset(device, "descriptor of the wrong direction");
            return false;
        }
        uint8_t *memory = NULL;
        if (descriptor.length > 0) {
            memory = hosted_virtio_memory(descriptor.address, descriptor.length);
            if (!memory) {
                hosted_virtio_needs_reset(device, "descriptor outside kernel memory");
                return false;
            }
        }
        segments[*count].memory = memory;
        segments[*count].length = descriptor.length;
        (*count)++;
        *total += descriptor.length;
        if (!(descriptor.flags & VIRTQ_DESC_F_NEXT))
            return true;
        index = descriptor.next;
    }
}

/*
 * The next available head of queue, or -1 when there is none (or after
 * NEEDS_RESET: the driver moved the index more than a ring ahead).
 */
static int available_next(struct platform_virtio_device *device, struct hosted_virtqueue *queue)
{
    uint16_t index = __atomic_load_n(&queue->available->index, __ATOMIC_ACQUIRE);
    if (index == queue->last_available)
        return -1;
    if ((uint16_t)(index - queue->last_available) > queue->size) {
        hosted_virtio_needs_reset(device, "available index more than a ring ahead");
        return -1;
    }
    return queue->available->ring[queue->last_available & (queue->size - 1)];
}

/* Return the chain at head as used with length bytes written (a fault may garble it). */
static void used_push(struct net_model *model, struct hosted_virtqueue *queue, uint32_t head,
                      uint32_t length, bool receive)
{
    uint16_t advance = 1;
    if (receive && model->fault != HOSTED_VIRTIO_FAULT_NONE) {
        if (model->fault == HOSTED_VIRTIO_FAULT_USED_ID)
            head = queue->size + 5;
        else if (model->fault == HOSTED_VIRTIO_FAULT_USED_LENGTH)
            length = 100000;
        else if (model->fault == HOSTED_VIRTIO_FAULT_USED_INDEX)
            advance = (uint16_t)(queue->size + 2);
        model->fault = HOSTED_VIRTIO_FAULT_NONE;
    }
    struct virtq_used_element *element = &queue->used->ring[queue->next_used & (queue->size - 1)];
    element->id = head;
    element->length = length;
    queue->next_used = (uint16_t)(queue->next_used + advance);
    __atomic_store_n(&queue->used->index, queue->next_used, __ATOMIC_RELEASE);
}

/* True when the driver wants an interrupt for used buffers of queue. */
static bool interrupt_wanted(const struct hosted_virtqueue *queue)
{
    return !(__atomic_load_n(&queue->available->flags, __ATOMIC_RELAXED) &
             VIRTQ_AVAIL_F_NO_INTERRUPT);
}

/* The virtio-net header length the driver negotiated. */
static size_t header_length(const struct net_model *model)
{
    return (model->device->driver_features & FEATURE_MRG_RXBUF) ? HEADER_LENGTH_MERGEABLE
                                                                 : HEADER_LENGTH;
}

/* ----------------------------------------------------------- transmit */

/* Hand frame to the backend: a peer's backlog or the tap. */
static void frame_send(struct net_model *model, const uint8_t *frame, size_t length)
{
    if (model->kind == BACKEND_TAP) {
        if (!model->tap || write(model->tap->fd, frame, length) != (ssize_t)length) {
            model->statistics.dropped++;
            return;
        }
        model->statistics.transmitted++;
        return;
    }
    struct net_model *peer = model->peer;
    if (!peer || !hosted_virtio_device_live(peer->device)) {
        model->statistics.dropped++; /* the other end is not listening */
        return;
    }
    if (backlog_push(peer, frame, length))
        model->statistics.transmitted++;
}

/*
 * Consume the available transmit chains: gather each frame, send it on,
 * return the chain. Waits (leaves chains available) while an in-memory
 * peer's backlog is full. Returns the number consumed; *interrupt is set
 * when the driver wants to hear about them.
 */
static unsigned transmit_pending(struct net_model *model, bool *interrupt)
{
    static uint8_t frame[HEADER_LENGTH_MERGEABLE + FRAME_MAXIMUM];
    struct platform_virtio_device *device = model->device;
    struct hosted_virtqueue *queue = &device->queues[TRANSMIT_QUEUE];
    unsigned consumed = 0;
    if (!queue->available)
        return 0;
    while (hosted_virtio_device_live(device)) {
        if (model->kind != BACKEND_TAP && model->peer && backlog_full(model->peer) &&
            hosted_virtio_device_live(model->peer->device))
            break;
        int head = available_next(device, queue);
        if (head < 0)
            break;
        struct chain_segment segments[CHAIN_SEGMENTS_MAX];
        unsigned count;
        size_t total;
        if (!chain_walk(device, queue, (uint16_t)head, false, segments, &count, &total))
            break;
        queue->last_available++;
        size_t header = header_length(model);
        if (total < header + FRAME_MINIMUM || total > header + FRAME_MAXIMUM) {
            model->statistics.transmit_errors++;
        } else {
            size_t at = 0;
            for (unsigned segment = 0; segment < count; segment++) {
                if (segments[segment].length > 0)
                    memcpy(frame + at, segments[segment].memory, segments[segment].length);
                at += segments[segment].length;
            }
            frame_send(model, frame + header, total - header);
        }
        used_push(model, queue, (uint32_t)head, 0, false);
        consumed++;
        if (interrupt_wanted(queue))
            *interrupt = true;
    }
    return consumed;
}

/* ------------------------------------------------------------ receive */

/*
 * Move backlog frames into available receive chains (header, then the
 * frame). A chain too small for its frame is returned with length 0 and
 * the frame dropped. Returns the number of chains used.
 */
static unsigned receive_pending(struct net_model *model, bool *interrupt)
{
    struct platform_virtio_device *device = model->device;
    struct hosted_virtqueue *queue = &device->queues[RECEIVE_QUEUE];
    unsigned filled = 0;
    if (!queue->available)
        return 0;
    while (model->backlog_count > 0 && hosted_virtio_device_live(device)) {
        int head = available_next(device, queue);
        if (head < 0)
            break;
        struct chain_segment segments[CHAIN_SEGMENTS_MAX];
        unsigned count;
        size_t capacity;
        if (!chain_walk(device, queue, (uint16_t)head, true, segments, &count, &capacity))
            break;
        queue->last_available++;
        struct backlog_frame *frame = &model->backlog[model->backlog_head];
        model->backlog_head = (model->backlog_head + 1) % BACKLOG_FRAMES;
        model->backlog_count--;

        uint8_t header[HEADER_LENGTH_MERGEABLE] = {0};
        size_t header_bytes = header_length(model);
        if (header_bytes == HEADER_LENGTH_MERGEABLE)
            header[10] = 1; /* num_buffers */
        uint32_t written = 0;
        if (capacity < header_bytes + frame->length) {
            model->statistics.dropped++;
        } else {
            const uint8_t *sources[2] = {header, frame->data};
            size_t lengths[2] = {header_bytes, frame->length};
            unsigned segment = 0;
            size_t segment_offset = 0;
            for (unsigned part = 0; part < 2; part++) {
                size_t done = 0;
                while (done < lengths[part]) {
                    size_t room = segments[segment].length - segment_offset;
                    if (room == 0) {
                        segment++;
                        segment_offset = 0;
                        continue;
                    }
                    size_t chunk = lengths[part] - done < room ? lengths[part] - done : room;
                    memcpy(segments[segment].memory + segment_offset, sources[part] + done, chunk);
                    done += chunk;
                    segment_offset += chunk;
                }
            }
            written = (uint32_t)(header_bytes + frame->length);
            model->statistics.received++;
        }
        used_push(model, queue, (uint32_t)head, written, true);
        filled++;
        if (interrupt_wanted(queue))
            *interrupt = true;
    }
    return filled;
}

/* ------------------------------------------------------------ the model */

/* hosted_virtio_model_ops.run: see virtio_internal.h. */
static unsigned net_model_run(struct platform_virtio_device *device)
{
    struct net_model *model = device->model;
    unsigned progress = 0;
    bool interrupt = false;
    if (model->config_changed && device->handler) {
        model->config_changed = false;
        interrupt = true;
    }
    if (hosted_virtio_device_live(device)) {
        progress += transmit_pending(model, &interrupt);
        progress += receive_pending(model, &interrupt);
    }
    if (model->tap)
        tap_poll_start(model->tap);
    if (interrupt) {
        hosted_virtio_raise_interrupt(device);
        progress++;
    }
    return progress;
}

/* hosted_virtio_model_ops.reset: frames waiting and armed faults are forgotten. */
static void net_model_reset(struct platform_virtio_device *device)
{
    struct net_model *model = device->model;
    model->backlog_head = 0;
    model->backlog_count = 0;
    model->fault = HOSTED_VIRTIO_FAULT_NONE;
}

static const struct hosted_virtio_model_ops net_model_ops = {
    .reset = net_model_reset,
    .run = net_model_run,
};

/* ------------------------------------------------------- configuration */

/* Number of devices a backend kind makes. */
static unsigned entry_devices(enum backend_kind kind)
{
    return kind == BACKEND_PAIR ? 2 : 1;
}

/* Devices of the entries in list. */
static unsigned entries_devices(const struct backend_entry *list, size_t count)
{
    unsigned total = 0;
    for (size_t index = 0; index < count; index++)
        total += entry_devices(list[index].kind);
    return total;
}

/*
 * Parse one backend of length bytes into entry (a tap is opened).
 * Returns 0, -EINVAL or the tap's errno.
 */
static int entry_parse(const char *text, size_t length, struct backend_entry *entry)
{
    memset(entry, 0, sizeof(*entry));
    if (length == 8 && memcmp(text, "loopback", 8) == 0) {
        entry->kind = BACKEND_LOOPBACK;
        return 0;
    }
    if (length == 4 && memcmp(text, "pair", 4) == 0) {
        entry->kind = BACKEND_PAIR;
        return 0;
    }
    if (length > 4 && memcmp(text, "tap:", 4) == 0) {
        char name[IFNAMSIZ];
        if (length - 4 >= sizeof(name))
            return -EINVAL;
        memcpy(name, text + 4, length - 4);
        name[length - 4] = '\0';
        entry->kind = BACKEND_TAP;
        return tap_source_open(name, &entry->tap);
    }
    return -EINVAL;
}

/* Close the tap sources of list[0..count) and empty it. */
static void entries_clear(struct backend_entry *list, size_t *count)
{
    for (size_t index = 0; index < *count; index++)
        tap_source_close(list[index].tap);
    memset(list, 0, sizeof(*list) * HOSTED_VIRTIO_DEVICES_MAX);
    *count = 0;
}

/* A model for a new device of this boot; NULL when the table is full or memory is short. */
static struct net_model *model_create(enum backend_kind kind)
{
    size_t number = platform_virtio_device_count();
    if (number >= HOSTED_VIRTIO_DEVICES_MAX)
        return NULL;
    struct net_model *model = &models[number];
    struct backlog_frame *backlog = model->backlog; /* kept from boot to boot */
    memset(model, 0, sizeof(*model));
    model->backlog = backlog ? backlog : malloc(sizeof(*backlog) * BACKLOG_FRAMES);
    if (!model->backlog)
        return NULL;
    struct platform_virtio_device *device = hosted_virtio_device_add(
        VIRTIO_DEVICE_NETWORK, &net_model_ops, model, 2, NET_QUEUE_SIZE);
    if (!device)
        return NULL;
    model->device = device;
    model->kind = kind;
    device->device_features = (FEATURE_MAC | FEATURE_STATUS | FEATURE_MRG_RXBUF) & ~withheld_features;
    static const uint8_t base_address[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    memcpy(device->config, base_address, sizeof(base_address));
    device->config[5] = (uint8_t)(base_address[5] + number);
    device->config[CONFIG_STATUS] = STATUS_LINK_UP;
    device->config[CONFIG_STATUS + 1] = 0;
    device->config_length = 8;
    return model;
}

/* Make the devices of entry for this boot. Returns 0 or -errno. */
static int entry_instantiate(struct backend_entry *entry)
{
    struct net_model *first = model_create(entry->kind);
    if (!first)
        return -ENOSPC;
    switch (entry->kind) {
    case BACKEND_LOOPBACK:
        first->peer = first;
        return 0;
    case BACKEND_PAIR: {
        struct net_model *second = model_create(entry->kind);
        if (!second)
            return -ENOSPC;
        first->peer = second;
        second->peer = first;
        return 0;
    }
    case BACKEND_TAP: {
        int error = tap_poll_prepare(entry->tap);
        if (error < 0)
            return error;
        first->tap = entry->tap;
        entry->tap->model = first;
        tap_poll_start(entry->tap);
        return 0;
    }
    }
    return -EINVAL;
}

/* See virtio_internal.h. */
int hosted_virtio_net_boot(const char *option)
{
    entries_clear(boot_entries, &boot_entry_count);
    for (size_t index = 0; index < remembered_count; index++) {
        if (remembered[index].tap) {
            tap_poll_stop(remembered[index].tap);
            remembered[index].tap->model = NULL;
        }
    }
    if (option) {
        const char *cursor = option;
        while (*cursor) {
            const char *end = strchr(cursor, ',');
            size_t length = end ? (size_t)(end - cursor) : strlen(cursor);
            if (boot_entry_count >= HOSTED_VIRTIO_DEVICES_MAX)
                return -ENOSPC;
            int error = entry_parse(cursor, length, &boot_entries[boot_entry_count]);
            if (error < 0)
                return error;
            boot_entry_count++;
            cursor += length;
            if (*cursor == ',')
                cursor++;
        }
    }
    for (size_t index = 0; index < remembered_count; index++) {
        int error = entry_instantiate(&remembered[index]);
        if (error < 0)
            return error;
    }
    for (size_t index = 0; index < boot_entry_count; index++) {
        int error = entry_instantiate(&boot_entries[index]);
        if (error < 0)
            return error;
    }
    return 0;
}

/* See virtio_internal.h. */
bool hosted_virtio_net_input_polled(void)
{
    size_t count = platform_virtio_device_count();
    for (size_t number = 0; number < count; number++) {
        struct net_model *model = &models[number];
        if (model->tap && model->tap->polling && hosted_virtio_device_live(model->device))
            return true;
    }
    return false;
}

/* See hosted.h. */
int hosted_virtio_net_add(const char *backend)
{
    if (!backend || strchr(backend, ','))
        return -EINVAL;
    struct backend_entry entry;
    size_t length = strlen(backend);
    /* Checked before a tap is opened: nothing to undo when there is no room. */
    enum backend_kind kind = length == 4 && memcmp(backend, "pair", 4) == 0 ? BACKEND_PAIR
                                                                            : BACKEND_LOOPBACK;
    if (entries_devices(remembered, remembered_count) + entry_devices(kind) >
        HOSTED_VIRTIO_DEVICES_MAX)
        return -ENOSPC;
    int error = entry_parse(backend, length, &entry);
    if (error < 0)
        return error;
    remembered[remembered_count++] = entry;
    return 0;
}

/* See hosted.h. */
void hosted_virtio_reset(void)
{
    entries_clear(remembered, &remembered_count);
    withheld_features = 0;
}

/* See hosted.h. */
void hosted_virtio_net_withhold_features(uint32_t features)
{
    withheld_features = features;
}

/* Model of device number of the running boot, NULL when there is none. */
static struct net_model *model_get(size_t number)
{
    struct platform_virtio_device *device = hosted_virtio_device(number);
    return device && device->type == VIRTIO_DEVICE_NETWORK ? device->model : NULL;
}

/* See hosted.h. */
int hosted_virtio_net_statistics(size_t device, struct hosted_virtio_net_statistics *statistics)
{
    struct net_model *model = model_get(device);
    if (!model)
        return -ENODEV;
    *statistics = model->statistics;
    statistics->interrupts = model->device->interrupts;
    return 0;
}

/* See hosted.h. */
int hosted_virtio_net_driver_features(size_t device, uint32_t *features)
{
    struct net_model *model = model_get(device);
    if (!model)
        return -ENODEV;
    *features = model->device->driver_features;
    return 0;
}

/* See hosted.h. */
int hosted_virtio_net_set_link(size_t device, bool up)
{
    struct net_model *model = model_get(device);
    if (!model)
        return -ENODEV;
    model->device->config[CONFIG_STATUS] = up ? STATUS_LINK_UP : 0;
    model->config_changed = true;
    return 0;
}

/* See hosted.h. */
int hosted_virtio_net_inject_fault(size_t device, enum hosted_virtio_fault fault)
{
    struct net_model *model = model_get(device);
    if (!model)
        return -ENODEV;
    if (fault < HOSTED_VIRTIO_FAULT_NONE || fault > HOSTED_VIRTIO_FAULT_USED_INDEX)
        return -EINVAL;
    model->fault = fault;
    return 0;
}
