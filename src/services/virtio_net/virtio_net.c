/*
 * virtio_net.c — the virtio-net driver service: one SERVICE_DRIVER
 * service of class Ethernet per virtio network device ("virtio-net0" is
 * interface eth0, ...), written once against rk/virtio.h (virtio-pci on
 * x86_64, the emulated device on the hosted backend).
 *
 * Device initialisation follows the legacy sequence of the virtio spec:
 * reset, ACKNOWLEDGE, DRIVER, features (VIRTIO_NET_F_MAC and
 * VIRTIO_NET_F_STATUS only: without MRG_RXBUF each buffer starts with the
 * 10-byte struct virtio_net_hdr), FEATURES_OK, queue 0 (receive) and 1
 * (transmit), receive buffers posted, DRIVER_OK. Receiving copies out of
 * the used receive buffer and posts it again; transmitting copies into a
 * free buffer of the transmit pool (used ones are reclaimed first). The
 * interrupt handler only asks for network processing. Interfaces start up
 * (set_up(false) takes them down).
 */
#include <rk/errno.h>
#include <rk/format.h>
#include <rk/heap.h>
#include <rk/klog.h>
#include <rk/services.h>
#include <rk/string.h>

#include "virtio_net.h"
#include "virtio_net_internal.h"

#define ACCEPTED_FEATURES (VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS)
#define RECEIVE_MINIMUM_LENGTH (VIRTIO_NET_HEADER_LENGTH + ETHERNET_HEADER_LENGTH)

/* One slot per device found at registration; the services live as long as the kernel. */
static struct {
    struct service service;
    struct virtio_device *device;
    char service_name[16];
    char interface_name[16];
} slots[VIRTIO_NET_DEVICES_MAX];

/* The driver state of device (a registered service of this driver), NULL when stopped. */
static struct virtio_net_device *device_state(struct service *device)
{
    return device ? device->state : NULL;
}

/* Interrupt handler (interrupt context): work for the network thread, nothing else. */
static void virtio_net_interrupt(void *argument)
{
    (void)argument;
    network_request_processing();
}

/* Receive buffers posted again before the device is told (unless the used ring is drained). */
#define RECEIVE_KICK_BATCH 16

/* Tell the device about the receive buffers posted since the last time. */
static void receive_kick(struct virtio_net_device *state)
{
    if (state->receive_unkicked == 0)
        return;
    state->receive_unkicked = 0;
    virtio_net_queue_kick(&state->receive);
}

/*
 * Offer receive buffer again. The device is told once per batch, or when
 * nothing used is left to take (the end of a drain): a caller that stops
 * early leaves used elements, so it comes back and the kick follows.
 */
static void receive_buffer_repost(struct virtio_net_device *state, unsigned buffer)
{
    virtio_net_queue_post(&state->receive, buffer, VIRTIO_NET_BUFFER_LENGTH, true);
    state->receive_unkicked++;
    if (state->receive_unkicked >= RECEIVE_KICK_BATCH ||
        !virtio_net_queue_has_used(&state->receive))
        receive_kick(state);
}

/* Take every transmit buffer the device has finished with back into the pool. */
static void transmit_reclaim(struct virtio_net_device *state)
{
    for (;;) {
        uint32_t length;
        int buffer = virtio_net_queue_pop_used(&state->transmit, 0, VIRTIO_NET_BUFFER_LENGTH,
                                               &length, &state->device_errors);
        if (buffer == -EAGAIN)
            return;
        if (buffer == -EIO) {
            state->statistics.transmit_errors++;
            continue;
        }
        virtio_net_queue_give_free(&state->transmit, (unsigned)buffer);
    }
}

/* ethernet_driver_ops.get_info. */
static int virtio_net_get_info(struct service *device, struct ethernet_info *info)
{
    struct virtio_net_device *state = device_state(device);
    if (!state)
        return -ENODEV;
    memset(info, 0, sizeof(*info));
    rk_strlcpy(info->name, slots[state->number].interface_name, sizeof(info->name));
    memcpy(info->address, state->address, ETHERNET_ADDRESS_LENGTH);
    info->mtu = ETHERNET_MTU;
    info->link_up = true;
    if (state->features & VIRTIO_NET_F_STATUS) {
        uint16_t status = 0;
        virtio_read_config(state->device, VIRTIO_NET_CONFIG_STATUS, &status, sizeof(status));
        info->link_up = (status & VIRTIO_NET_S_LINK_UP) != 0;
    }
    return 0;
}

/* ethernet_driver_ops.transmit: copy frame into a free transmit buffer and notify. */
static int virtio_net_transmit(struct service *device, const void *frame, size_t length)
{
    struct virtio_net_device *state = device_state(device);
    if (!state)
        return -ENODEV;
    if (length < ETHERNET_HEADER_LENGTH || length > ETHERNET_FRAME_MAX)
        return -EINVAL;
    if (!state->up)
        return -ENETDOWN;
    transmit_reclaim(state);
    int buffer = virtio_net_queue_take_free(&state->transmit);
    if (buffer < 0) {
        state->statistics.transmit_dropped++;
        return -EAGAIN;
    }
    uint8_t *memory = virtio_net_queue_buffer(&state->transmit, (unsigned)buffer);
    memset(memory, 0, VIRTIO_NET_HEADER_LENGTH);
    memcpy(memory + VIRTIO_NET_HEADER_LENGTH, frame, length);
    virtio_net_queue_post(&state->transmit, (unsigned)buffer,
                          (uint32_t)(VIRTIO_NET_HEADER_LENGTH + length), false);
    virtio_net_queue_kick(&state->transmit);
    state->statistics.transmit_packets++;
    state->statistics.transmit_bytes += length;
    return 0;
}

/* ethernet_driver_ops.receive: the oldest received frame, its buffer posted again. */
static long virtio_net_receive(struct service *device, void *buffer, size_t size)
{
    struct virtio_net_device *state = device_state(device);
    if (!state)
        return -ENODEV;
    if (size < ETHERNET_FRAME_MAX)
        return -EINVAL;
    for (;;) {
        uint32_t length;
        int used = virtio_net_queue_pop_used(&state->receive, RECEIVE_MINIMUM_LENGTH,
                                             VIRTIO_NET_BUFFER_LENGTH, &length,
                                             &state->device_errors);
        if (used == -EAGAIN) {
            receive_kick(state);
            return -EAGAIN;
        }
        if (used == -EIO) {
            state->statistics.receive_errors++;
            continue;
        }
        if (length == 0) {
            state->statistics.receive_errors++;
            receive_buffer_repost(state, (unsigned)used);
            continue;
        }
        if (!state->up) {
            state->statistics.receive_dropped++;
            receive_buffer_repost(state, (unsigned)used);
            continue;
        }
        size_t frame_length = length - VIRTIO_NET_HEADER_LENGTH;
        memcpy(buffer, virtio_net_queue_buffer(&state->receive, (unsigned)used) +
                           VIRTIO_NET_HEADER_LENGTH, frame_length);
        receive_buffer_repost(state, (unsigned)used);
        state->statistics.receive_packets++;
        state->statistics.receive_bytes += frame_length;
        return (long)frame_length;
    }
}

/* ethernet_driver_ops.set_up: down refuses transmission and drops what arrives. */
static int virtio_net_set_up(struct service *device, bool up)
{
    struct virtio_net_device *state = device_state(device);
    if (!state)
        return -ENODEV;
    state->up = up;
    return 0;
}

/* ethernet_driver_ops.get_statistics. */
static void virtio_net_get_statistics(struct service *device,
                                      struct ethernet_statistics *statistics)
{
    struct virtio_net_device *state = device_state(device);
    if (!state) {
        memset(statistics, 0, sizeof(*statistics));
        return;
    }
    *statistics = state->statistics;
}

static const struct ethernet_driver_ops virtio_net_ops = {
    .get_info = virtio_net_get_info,
    .transmit = virtio_net_transmit,
    .receive = virtio_net_receive,
    .set_up = virtio_net_set_up,
    .get_statistics = virtio_net_get_statistics,
};

/* The MAC from the config space, or a locally administered one made from the number. */
static void address_read(struct virtio_net_device *state)
{
    if (state->features & VIRTIO_NET_F_MAC) {
        virtio_read_config(state->device, VIRTIO_NET_CONFIG_MAC, state->address,
                           ETHERNET_ADDRESS_LENGTH);
        return;
    }
    static const uint8_t generated[ETHERNET_ADDRESS_LENGTH] = {0x02, 0x72, 0x6b, 0x00, 0x00, 0x00};
    memcpy(state->address, generated, ETHERNET_ADDRESS_LENGTH);
    state->address[5] = (uint8_t)state->number;
}

/* Reset the device and free its queues (the device no longer touches them). */
static void device_shutdown(struct virtio_net_device *state)
{
    virtio_set_interrupt(state->device, NULL, NULL);
    virtio_set_status(state->device, 0);
    virtio_net_queue_destroy(&state->receive);
    virtio_net_queue_destroy(&state->transmit);
}

/* The legacy initialisation sequence. Returns 0 or -errno (the device is then reset). */
static int device_initialise(struct virtio_net_device *state)
{
    struct virtio_device *device = state->device;
    const char *name = slots[state->number].interface_name;
    virtio_set_status(device, 0);
    uint8_t status = VIRTIO_STATUS_ACKNOWLEDGE;
    virtio_set_status(device, status);
    status |= VIRTIO_STATUS_DRIVER;
    virtio_set_status(device, status);
    state->features = virtio_device_features(device) & ACCEPTED_FEATURES;
    virtio_driver_features(device, state->features);
    status |= VIRTIO_STATUS_FEATURES_OK; /* legacy devices may ignore it */
    virtio_set_status(device, status);

    int error = virtio_net_queue_create(&state->receive, device, name, VIRTIO_NET_RECEIVE_QUEUE,
                                        VIRTIO_NET_RECEIVE_BUFFERS);
    if (error == 0)
        error = virtio_net_queue_create(&state->transmit, device, name,
                                        VIRTIO_NET_TRANSMIT_QUEUE, VIRTIO_NET_TRANSMIT_BUFFERS);
    if (error < 0) {
        virtio_set_status(device, status | VIRTIO_STATUS_FAILED);
        device_shutdown(state);
        return error;
    }
    /* Transmit buffers are reclaimed when transmitting: no interrupt for them. */
    state->transmit.available->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
    for (;;) {
        int buffer = virtio_net_queue_take_free(&state->receive);
        if (buffer < 0)
            break;
        virtio_net_queue_post(&state->receive, (unsigned)buffer, VIRTIO_NET_BUFFER_LENGTH, true);
    }
    virtio_set_interrupt(device, virtio_net_interrupt, state);
    status |= VIRTIO_STATUS_DRIVER_OK;
    virtio_set_status(device, status);
    virtio_net_queue_kick(&state->receive);
    address_read(state);
    state->up = true;
    return 0;
}

/* Service start (registration, restart): initialise the slot's device. */
static int virtio_net_start(struct service *service)
{
    size_t slot = (size_t)((char *)service - (char *)&slots[0].service) / sizeof(slots[0]);
    struct virtio_net_device *state = kzalloc(sizeof(*state));
    if (!state)
        return -ENOMEM;
    state->device = slots[slot].device;
    state->number = (unsigned)slot;
    int error = device_initialise(state);
    if (error < 0) {
        kfree(state);
        return error;
    }
    service->state = state;
    uint8_t *mac = state->address;
    klog(KLOG_INFO, "virtio-net: %s %02x:%02x:%02x:%02x:%02x:%02x, %u receive and %u transmit "
         "buffers", slots[slot].interface_name, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5],
         state->receive.buffer_count, state->transmit.buffer_count);
    return 0;
}

/* Service stop (unregistration, before a restart): reset the device, free everything. */
static void virtio_net_stop(struct service *service)
{
    struct virtio_net_device *state = service->state;
    if (!state)
        return;
    device_shutdown(state);
    kfree(state);
    service->state = NULL;
}

/* See virtio_net.h. */
int virtio_net_service_register(void)
{
    memset(slots, 0, sizeof(slots)); /* a new boot: the last boot's memory is gone */
    unsigned number = 0;
    int first_error = 0;
    size_t count = virtio_device_count();
    for (size_t index = 0; index < count; index++) {
        struct virtio_device *device = virtio_device_get(index);
        if (!device || virtio_device_type(device) != VIRTIO_DEVICE_NETWORK)
            continue;
        if (number >= VIRTIO_NET_DEVICES_MAX) {
            klog(KLOG_WARNING, "virtio-net: more than %u devices, the rest are ignored",
                 VIRTIO_NET_DEVICES_MAX);
            break;
        }
        rk_snprintf(slots[number].service_name, sizeof(slots[number].service_name),
                    "virtio-net%u", number);
        rk_snprintf(slots[number].interface_name, sizeof(slots[number].interface_name), "eth%u",
                    number);
        slots[number].device = device;
        slots[number].service = (struct service){
            .name = slots[number].service_name,
            .kind = SERVICE_DRIVER,
            .ops = &virtio_net_ops,
            .start = virtio_net_start,
            .stop = virtio_net_stop,
            .driver_class = DRIVER_CLASS_ETHERNET,
        };
        int error = services_register(&slots[number].service);
        if (error < 0) {
            klog(KLOG_ERROR, "virtio-net: device %zu: %s", index, errno_name(error));
            if (first_error == 0)
                first_error = error;
            memset(&slots[number], 0, sizeof(slots[number]));
            continue;
        }
        number++;
    }
    return first_error;
}
