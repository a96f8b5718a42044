/*
 * platform_check_virtio.c — the platform's virtio transport (rk/platform.h,
 * "virtio devices") on the x86_64 backend's legacy virtio-pci, checked on
 * QEMU's virtio-net-pci over user networking: the status register and
 * reset, features, the MAC from the device config, queue sizes and the
 * queue address checks, then a real exchange: receive buffers posted, an
 * ARP request for the gateway 10.0.2.2 transmitted, and the transmit
 * completion and QEMU's ARP reply taken from the used rings after the
 * device's interrupts, four rounds, the receive buffers recycled. Every
 * network device is checked, the earlier ones' handlers left set (QEMU
 * puts two NICs on one INTx line). The rings use rk/virtio.h's legacy
 * layout, so the header is checked against a real device too.
 *
 * The rings and buffers live in the kernel image's .bss: physically
 * contiguous, and platform_virt_to_phys covers it.
 */
#include <rk/errno.h>
#include <rk/platform.h>
#include <rk/string.h>
#include <rk/virtio.h>

#include "platform_check.h"

#define MILLISECOND 1000000ull
#define EXCHANGE_TIMEOUT (5000 * MILLISECOND) /* a bound for a loaded host, not a hope */
#define VIRTIO_NET_F_MAC (1u << 5)
#define VIRTIO_NET_F_STATUS (1u << 16)
#define VIRTIO_NET_S_LINK_UP 1u
#define NET_HEADER_LENGTH 10 /* legacy struct virtio_net_hdr without MRG_RXBUF */
#define RECEIVE_QUEUE 0
#define TRANSMIT_QUEUE 1
#define RING_AREA_SIZE (32 * 1024)
#define BUFFER_SIZE 2048
#define RECEIVE_BUFFERS 8
#define ARP_FRAME_LENGTH 60 /* 42 bytes of ARP, padded to Ethernet's minimum */
#define EXCHANGE_ROUNDS 4

static uint8_t receive_ring_area[RING_AREA_SIZE] __attribute__((aligned(4096)));
static uint8_t transmit_ring_area[RING_AREA_SIZE] __attribute__((aligned(4096)));
static uint8_t receive_buffers[RECEIVE_BUFFERS][BUFFER_SIZE] __attribute__((aligned(4096)));
static uint8_t transmit_buffer[BUFFER_SIZE] __attribute__((aligned(4096)));

/* One queue as the check drives it. */
struct check_queue {
    unsigned size;
    uint8_t *area;
    struct virtq_descriptor *descriptors;
    struct virtq_available *available;
    volatile struct virtq_used *used;
    uint16_t used_seen;
};

static struct check_queue receive_queue, transmit_queue;
static struct platform_virtio_device *device;
static volatile unsigned interrupt_count;
static volatile bool interrupt_argument_right;
static uint8_t mac[6];
static bool reply_found;
static uint8_t reply_sender_mac[6];

static const uint8_t guest_address[4] = {10, 0, 2, 15};
static const uint8_t gateway_address[4] = {10, 0, 2, 2};

static volatile unsigned stray_interrupts;

/* The interrupt handler (argument: its device): count, and check the argument came back. */
static void virtio_interrupt(void *argument)
{
    if (argument != device) {
        stray_interrupts++;
        return;
    }
    interrupt_count++;
    interrupt_argument_right = true;
}

/* Write value as two lowercase hexadecimal digits. */
static void print_byte(uint8_t value)
{
    char text[3] = {"0123456789abcdef"[value >> 4], "0123456789abcdef"[value & 15], '\0'};
    print(text);
}

/* Write a MAC address as xx:xx:xx:xx:xx:xx. */
static void print_mac(const uint8_t *address)
{
    for (unsigned index = 0; index < 6; index++) {
        if (index > 0)
            print(":");
        print_byte(address[index]);
    }
}

/* Lay queue out in area (legacy layout) and give it to the device. False when it does not fit. */
static bool queue_setup(struct check_queue *queue, unsigned index, uint8_t *area)
{
    queue->size = platform_virtio_queue_size(device, index);
    CHECK(queue->size > 0);
    CHECK(virtq_region_size(queue->size) <= RING_AREA_SIZE);
    if (queue->size == 0 || virtq_region_size(queue->size) > RING_AREA_SIZE)
        return false;
    paddr_t physical = platform_virt_to_phys(area);
    CHECK(physical != PADDR_INVALID && physical % 4096 == 0);
    area[0] = 0x5a; /* the device sees what the direct map shows */
    CHECK(*(volatile uint8_t *)platform_phys_to_virt(physical) == 0x5a);
    memset(area, 0, RING_AREA_SIZE);
    queue->area = area;
    queue->descriptors = (struct virtq_descriptor *)area;
    queue->available = (struct virtq_available *)(area + virtq_available_offset(queue->size));
    queue->used = (volatile struct virtq_used *)(area + virtq_used_offset(queue->size));
    queue->used_seen = 0;
    CHECK(platform_virt_to_phys(platform_phys_to_virt(physical)) == physical);
    CHECK(platform_virtio_queue_set(device, index, physical + 8) == -EINVAL);
    CHECK(platform_virtio_queue_set(device, index, physical) == 0);
    return true;
}

/* Offer descriptor id (length bytes at buffer, device-writable or not) on queue. */
static void queue_offer(struct check_queue *queue, uint16_t id, void *buffer, uint32_t length,
                        bool device_writes)
{
    queue->descriptors[id] = (struct virtq_descriptor){
        .address = platform_virt_to_phys(buffer),
        .length = length,
        .flags = device_writes ? VIRTQ_DESC_F_WRITE : 0,
    };
    volatile struct virtq_available *available = queue->available;
    available->ring[available->index % queue->size] = id;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    available->index = (uint16_t)(available->index + 1);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* Fill transmit_buffer with the header and "who has 10.0.2.2? tell 10.0.2.15". */
static void build_arp_request(void)
{
    uint8_t *frame = transmit_buffer + NET_HEADER_LENGTH;
    memset(transmit_buffer, 0, NET_HEADER_LENGTH + ARP_FRAME_LENGTH);
    memset(frame, 0xff, 6);                  /* broadcast */
    memcpy(frame + 6, mac, 6);
    frame[12] = 0x08, frame[13] = 0x06;      /* ARP */
    frame[14] = 0x00, frame[15] = 0x01;      /* Ethernet */
    frame[16] = 0x08, frame[17] = 0x00;      /* IPv4 */
    frame[18] = 6, frame[19] = 4;
    frame[20] = 0x00, frame[21] = 0x01;      /* request */
    memcpy(frame + 22, mac, 6);
    memcpy(frame + 28, guest_address, 4);
    memcpy(frame + 38, gateway_address, 4);
}

/* True when frame (length bytes) is the gateway's ARP reply to us; records its MAC. */
static bool is_gateway_reply(const uint8_t *frame, uint32_t length)
{
    if (length < 42 || frame[12] != 0x08 || frame[13] != 0x06 || frame[20] != 0 ||
        frame[21] != 2)
        return false;
    if (memcmp(frame + 28, gateway_address, 4) != 0 || memcmp(frame + 32, mac, 6) != 0)
        return false;
    memcpy(reply_sender_mac, frame + 22, 6);
    return true;
}

/* Take the used receive buffers, look for the reply, offer them again. */
static void receive_drain(void)
{
    struct check_queue *queue = &receive_queue;
    bool offered = false;
    while (queue->used_seen != queue->used->index) {
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        struct virtq_used_element element = {
            .id = queue->used->ring[queue->used_seen % queue->size].id,
            .length = queue->used->ring[queue->used_seen % queue->size].length,
        };
        queue->used_seen++;
        CHECK(element.id < RECEIVE_BUFFERS && element.length <= BUFFER_SIZE);
        if (element.id >= RECEIVE_BUFFERS || element.length > BUFFER_SIZE)
            continue;
        if (element.length > NET_HEADER_LENGTH &&
            is_gateway_reply(receive_buffers[element.id] + NET_HEADER_LENGTH,
                             element.length - NET_HEADER_LENGTH))
            reply_found = true;
        queue_offer(queue, (uint16_t)element.id, receive_buffers[element.id], BUFFER_SIZE, true);
        offered = true;
    }
    if (offered)
        platform_virtio_queue_notify(device, RECEIVE_QUEUE);
}

/* Idle (timer as the bound) until done() holds or the exchange timeout passes. */
static bool wait_for(bool (*done)(void))
{
    uint64_t deadline = platform_clock_ns() + EXCHANGE_TIMEOUT;
    platform_timer_arm(deadline);
    while (!done() && platform_clock_ns() < deadline)
        platform_idle();
    platform_timer_disarm();
    return done();
}

/* Interrupts seen before the current round's request went out. */
static unsigned interrupts_before_round;

/* A new interrupt came, and with it this round's transmit buffer (used index = round + 1). */
static bool transmit_completed(void)
{
    return interrupt_count > interrupts_before_round &&
           transmit_queue.used->index == transmit_queue.used_seen + 1;
}

/* The gateway's ARP reply arrived after a new interrupt (draining the receive ring). */
static bool reply_arrived(void)
{
    if (interrupt_count > interrupts_before_round)
        receive_drain();
    return reply_found;
}

/*
 * One request/reply round: the ARP request goes out on transmit descriptor
 * 0, its completion and the reply each need an interrupt after the send
 * (so a lost or unacknowledged level-triggered interrupt shows).
 */
static void exchange_round(void)
{
    reply_found = false;
    interrupts_before_round = interrupt_count;
    queue_offer(&transmit_queue, 0, transmit_buffer, NET_HEADER_LENGTH + ARP_FRAME_LENGTH,
                false);
    platform_virtio_queue_notify(device, TRANSMIT_QUEUE);
    CHECK(wait_for(transmit_completed));
    CHECK(transmit_queue.used->ring[transmit_queue.used_seen % transmit_queue.size].id == 0);
    transmit_queue.used_seen++;
    CHECK(wait_for(reply_arrived));
}

/* Status, features, config and queue checks up to DRIVER_OK. False when the exchange cannot run. */
static bool device_bring_up(uint32_t *features)
{
    platform_virtio_set_status(device, 0);
    CHECK(platform_virtio_get_status(device) == 0);
    platform_virtio_set_status(device, VIRTIO_STATUS_ACKNOWLEDGE);
    CHECK(platform_virtio_get_status(device) == VIRTIO_STATUS_ACKNOWLEDGE);
    uint8_t status = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;
    platform_virtio_set_status(device, status);
    CHECK(platform_virtio_get_status(device) == status);

    *features = platform_virtio_device_features(device);
    CHECK(*features & VIRTIO_NET_F_MAC);
    platform_virtio_driver_features(device, *features & (VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS));
    platform_virtio_read_config(device, 0, mac, sizeof mac);
    CHECK((mac[0] & 1) == 0 && (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) != 0);
    uint8_t unaligned[5];
    platform_virtio_read_config(device, 1, unaligned, sizeof unaligned);
    CHECK(memcmp(unaligned, mac + 1, 5) == 0);
    if (*features & VIRTIO_NET_F_STATUS) {
        uint16_t link = 0;
        platform_virtio_read_config(device, 6, &link, sizeof link);
        CHECK(link & VIRTIO_NET_S_LINK_UP);
    }
    uint8_t beyond[4] = {1, 2, 3, 4};
    platform_virtio_read_config(device, 60000, beyond, sizeof beyond);
    CHECK(beyond[0] == 0 && beyond[1] == 0 && beyond[2] == 0 && beyond[3] == 0);

    CHECK(platform_virtio_queue_size(device, 1000) == 0);
    CHECK(platform_virtio_queue_set(device, 1000, platform_virt_to_phys(receive_ring_area)) ==
          -EINVAL);
    CHECK(platform_virtio_queue_set(device, RECEIVE_QUEUE, (paddr_t)1 << 45) == -EINVAL);
    if (!queue_setup(&receive_queue, RECEIVE_QUEUE, receive_ring_area) ||
        !queue_setup(&transmit_queue, TRANSMIT_QUEUE, transmit_ring_area))
        return false;

    platform_virtio_set_interrupt(device, virtio_interrupt, device);
    status |= VIRTIO_STATUS_DRIVER_OK;
    platform_virtio_set_status(device, status);
    CHECK(platform_virtio_get_status(device) == status);
    return true;
}

/*
 * The whole check on network device candidate; the handlers of the devices
 * checked before stay set (their devices reset, so their ISR reads 0), which
 * on a shared line checks that only the interrupting device's handler runs.
 */
static void check_network_device(struct platform_virtio_device *candidate)
{
    device = candidate;
    uint32_t features = 0;
    interrupt_count = 0;
    interrupt_argument_right = false;
    reply_found = false;
    memset(mac, 0, sizeof mac);
    if (device_bring_up(&features)) {
        for (uint16_t id = 0; id < RECEIVE_BUFFERS && id < receive_queue.size; id++)
            queue_offer(&receive_queue, id, receive_buffers[id], BUFFER_SIZE, true);
        platform_virtio_queue_notify(device, RECEIVE_QUEUE);
        build_arp_request();
        for (unsigned round = 0; round < EXCHANGE_ROUNDS; round++)
            exchange_round();
        CHECK(interrupt_count >= EXCHANGE_ROUNDS);
        CHECK(interrupt_argument_right);
    }
    platform_virtio_set_status(device, 0);
    CHECK(platform_virtio_get_status(device) == 0);

    print("platform-check virtio: network device, features ");
    for (int shift = 24; shift >= 0; shift -= 8)
        print_byte((uint8_t)(features >> shift));
    print(", MAC ");
    print_mac(mac);
    print(", queues ");
    print_number(receive_queue.size);
    print("/");
    print_number(transmit_queue.size);
    print(", ");
    print_number(interrupt_count);
    print(" interrupts");
    if (reply_found) {
        print(", ARP reply from 10.0.2.2 at ");
        print_mac(reply_sender_mac);
    } else {
        print(", no ARP reply");
    }
    print("\n");
}

/* See platform_check.h. */
void check_virtio(void)
{
    size_t count = platform_virtio_device_count();
    CHECK(platform_virtio_device_get(count) == NULL);
    unsigned checked = 0;
    stray_interrupts = 0;
    for (size_t index = 0; index < count; index++) {
        struct platform_virtio_device *candidate = platform_virtio_device_get(index);
        CHECK(candidate != NULL);
        if (candidate && platform_virtio_device_type(candidate) == VIRTIO_DEVICE_NETWORK) {
            check_network_device(candidate);
            checked++;
        }
    }
    for (size_t index = 0; index < count; index++)
        platform_virtio_set_interrupt(platform_virtio_device_get(index), NULL, NULL);
    CHECK(stray_interrupts == 0);
    if (checked == 0)
        print("platform-check virtio: no virtio network device, transport not exercised\n");
}
