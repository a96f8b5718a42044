/*
 * test_virtio_net.c — the virtio-net driver service over the hosted
 * backend's emulated devices: a kernel booted with hosted.net=loopback
 * (or pair), the network stack service unregistered so that nothing but
 * the test takes frames, and the driver's Ethernet ops called through the
 * gate. Device work happens in platform_poll_events()/platform_idle().
 * Also the device side: malformed rings make it ask for a reset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include <string.h>

#include <rk/errno.h>
#include <rk/ethernet.h>
#include <rk/gate.h>
#include <rk/klog.h>
#include <rk/platform.h>
#include <rk/services.h>
#include <rk/virtio.h>
#include "hosted.h"

#define FEATURE_MAC (1u << 5)
#define FEATURE_STATUS (1u << 16)
#define TRANSMIT_POOL 128   /* the driver's transmit buffers on a 256-entry queue */
#define QUEUE_SIZE 256

static struct service *eth0;
static struct service *eth1;

/* The driver ops of device. */
static const struct ethernet_driver_ops *ops_of(struct service *device)
{
    return device->ops;
}

static int transmit(struct service *device, const void *frame, size_t length)
{
    return GATE_CALL(device, "transmit", ops_of(device)->transmit(device, frame, length));
}

static long receive(struct service *device, void *buffer, size_t size)
{
    return GATE_CALL(device, "receive", ops_of(device)->receive(device, buffer, size));
}

static struct ethernet_statistics statistics_of(struct service *device)
{
    struct ethernet_statistics statistics;
    GATE_CALL_VOID(device, "get_statistics", ops_of(device)->get_statistics(device, &statistics));
    return statistics;
}

static struct ethernet_info info_of(struct service *device)
{
    struct ethernet_info info;
    assert_int_equal(GATE_CALL(device, "get_info", ops_of(device)->get_info(device, &info)), 0);
    return info;
}

/* Let the devices work (what the idle loop does), interrupts as the Core has them: off. */
static void devices_run(void)
{
    platform_poll_events();
}

/* Receive and discard everything waiting on device. */
static void drain(struct service *device)
{
    uint8_t buffer[ETHERNET_FRAME_MAX];
    devices_run();
    while (receive(device, buffer, sizeof buffer) >= 0)
        devices_run();
}

/*
 * A frame of length bytes: broadcast destination, the device's source
 * address, the local experimental EtherType 0x88b5, then a pattern made
 * from sequence.
 */
static void frame_make(uint8_t *frame, size_t length, const uint8_t *source, uint32_t sequence)
{
    memset(frame, 0xff, 6);
    memcpy(frame + 6, source, 6);
    frame[12] = 0x88;
    frame[13] = 0xb5;
    for (size_t index = 14; index < length; index++)
        frame[index] = (uint8_t)(sequence * 7 + index * 13 + (index >> 8));
    if (length >= 18)
        memcpy(frame + 14, &sequence, 4);
}

/* Boot with command_line's devices (and what hosted.h remembers), stop the stack, find eth0/eth1, drain. */
static int boot_with_kept(const char *command_line)
{
    int error = hosted_test_boot(command_line);
    if (error != 0)
        return error;
    struct service *stack = services_network_stack();
    if (stack)
        services_unregister(stack);
    eth0 = services_lookup(SERVICE_DRIVER, "virtio-net0");
    eth1 = services_lookup(SERVICE_DRIVER, "virtio-net1");
    if (!eth0)
        return -1;
    drain(eth0);
    if (eth1)
        drain(eth1);
    return 0;
}

/* boot_with_kept() with only command_line's devices. */
static int boot_with(const char *command_line)
{
    hosted_virtio_reset();
    return boot_with_kept(command_line);
}

static int setup_loopback(void **state)
{
    (void)state;
    return boot_with("loglevel=3 hosted.net=loopback");
}

static int setup_pair(void **state)
{
    (void)state;
    return boot_with("loglevel=3 hosted.net=pair");
}

/* True when the kernel log has a record containing text since sequence. */
static bool log_contains(uint64_t sequence, const char *text)
{
    struct klog_record record;
    while (klog_read(&sequence, &record) == 0)
        if (strstr(record.text, text))
            return true;
    return false;
}

/* Number of log records since sequence that contain text. */
static unsigned log_count(uint64_t sequence, const char *text)
{
    struct klog_record record;
    unsigned count = 0;
    while (klog_read(&sequence, &record) == 0)
        count += strstr(record.text, text) != NULL;
    return count;
}

/* ------------------------------------------------------------ the tests */

/* One driver service per device: eth0, an Ethernet driver with the device's MAC. */
static void test_registers_eth0_with_its_address(void **state)
{
    (void)state;
    assert_int_equal(eth0->kind, SERVICE_DRIVER);
    assert_int_equal(eth0->driver_class, DRIVER_CLASS_ETHERNET);
    assert_null(eth1);
    struct ethernet_info info = info_of(eth0);
    assert_string_equal(info.name, "eth0");
    static const uint8_t expected[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    assert_memory_equal(info.address, expected, 6);
    assert_int_equal(info.mtu, 1500);
    assert_true(info.link_up);

    uint32_t features = 0;
    assert_int_equal(hosted_virtio_net_driver_features(0, &features), 0);
    assert_int_equal(features, FEATURE_MAC | FEATURE_STATUS); /* MRG_RXBUF offered, refused */
    struct platform_virtio_device *device = platform_virtio_device_get(0);
    assert_non_null(device);
    uint8_t status = platform_virtio_get_status(device);
    assert_true(status & VIRTIO_STATUS_DRIVER_OK);
    assert_true(status & VIRTIO_STATUS_ACKNOWLEDGE);
    assert_false(status & (VIRTIO_STATUS_FAILED | VIRTIO_STATUS_NEEDS_RESET));
}

/* A device without VIRTIO_NET_F_MAC and _STATUS: a locally administered MAC, the link up. */
static void test_plain_device_gets_generated_address(void **state)
{
    (void)state;
    hosted_virtio_reset();
    hosted_virtio_net_withhold_features(FEATURE_MAC | FEATURE_STATUS);
    assert_int_equal(boot_with_kept("loglevel=3 hosted.net=pair"), 0);
    uint32_t features = 1;
    assert_int_equal(hosted_virtio_net_driver_features(0, &features), 0);
    assert_int_equal(features, 0);
    static const uint8_t expected0[6] = {0x02, 0x72, 0x6b, 0x00, 0x00, 0x00};
    static const uint8_t expected1[6] = {0x02, 0x72, 0x6b, 0x00, 0x00, 0x01};
    assert_memory_equal(info_of(eth0).address, expected0, 6);
    assert_memory_equal(info_of(eth1).address, expected1, 6);
    assert_true(info_of(eth0).link_up);
    assert_int_equal(hosted_virtio_net_set_link(0, false), 0);
    assert_true(info_of(eth0).link_up); /* no status feature: the config is not read */
    uint8_t frame[60];
    uint8_t received[ETHERNET_FRAME_MAX];
    frame_make(frame, sizeof frame, expected0, 1);
    assert_int_equal(transmit(eth0, frame, sizeof frame), 0);
    devices_run();
    assert_int_equal(receive(eth1, received, sizeof received), (long)sizeof frame);
    hosted_virtio_reset();
}

/* Every frame size from the minimum to the largest comes back byte for byte. */
static void test_loopback_every_size_comes_back(void **state)
{
    (void)state;
    uint8_t frame[ETHERNET_FRAME_MAX];
    uint8_t received[ETHERNET_FRAME_MAX];
    uint8_t address[6];
    memcpy(address, info_of(eth0).address, 6);
    for (size_t length = 60; length <= ETHERNET_FRAME_MAX; length++) {
        frame_make(frame, length, address, (uint32_t)length);
        assert_int_equal(transmit(eth0, frame, length), 0);
        assert_int_equal(receive(eth0, received, sizeof received), -EAGAIN); /* not before the loop ran */
        devices_run();
        memset(received, 0, sizeof received);
        assert_int_equal(receive(eth0, received, sizeof received), (long)length);
        assert_memory_equal(received, frame, length);
        assert_int_equal(receive(eth0, received, sizeof received), -EAGAIN);
    }
    /* The shortest frames the interface takes (a bare header) too. */
    frame_make(frame, 14, address, 1);
    assert_int_equal(transmit(eth0, frame, 14), 0);
    devices_run();
    assert_int_equal(receive(eth0, received, sizeof received), 14);
    assert_memory_equal(received, frame, 14);
}

/* Many more frames than either ring holds, in batches: order and contents kept. */
static void test_rings_wrap_around(void **state)
{
    (void)state;
    uint8_t frame[ETHERNET_FRAME_MAX];
    uint8_t received[ETHERNET_FRAME_MAX];
    uint8_t address[6];
    memcpy(address, info_of(eth0).address, 6);
    uint32_t sent = 0, checked = 0;
    const uint32_t total = 10 * QUEUE_SIZE + 37;
    while (checked < total) {
        uint32_t batch = 1 + (sent * 31) % 100; /* 1..100 frames, never more than the pool */
        for (uint32_t index = 0; index < batch && sent < total; index++, sent++) {
            size_t length = 60 + (sent * 97) % (ETHERNET_FRAME_MAX - 59);
            frame_make(frame, length, address, sent);
            assert_int_equal(transmit(eth0, frame, length), 0);
        }
        devices_run();
        long length;
        while ((length = receive(eth0, received, sizeof received)) >= 0) {
            size_t expected_length = 60 + (checked * 97) % (ETHERNET_FRAME_MAX - 59);
            assert_int_equal(length, (long)expected_length);
            frame_make(frame, expected_length, address, checked);
            assert_memory_equal(received, frame, expected_length);
            checked++;
        }
        assert_int_equal(length, -EAGAIN);
        assert_int_equal(checked, sent);
    }
    struct ethernet_statistics statistics = statistics_of(eth0);
    assert_int_equal(statistics.receive_errors, 0);
    assert_int_equal(statistics.transmit_dropped, 0);
}

/* Past the 16-bit ring indices: 1100 batches of 64 frames (70400). */
static void test_ring_indices_wrap_past_65536(void **state)
{
    (void)state;
    uint8_t frame[64];
    uint8_t received[ETHERNET_FRAME_MAX];
    uint8_t address[6];
    memcpy(address, info_of(eth0).address, 6);
    uint32_t checked = 0;
    for (uint32_t sent = 0; sent < 1100 * 64;) {
        for (int index = 0; index < 64; index++, sent++) {
            frame_make(frame, sizeof frame, address, sent);
            assert_int_equal(transmit(eth0, frame, sizeof frame), 0);
        }
        devices_run();
        long length;
        while ((length = receive(eth0, received, sizeof received)) >= 0) {
            assert_int_equal(length, (long)sizeof frame);
            uint32_t sequence;
            memcpy(&sequence, received + 14, 4);
            assert_int_equal(sequence, checked);
            checked++;
        }
    }
    assert_int_equal(checked, 1100 * 64);
}

/* A full transmit pool refuses with -EAGAIN (counted as dropped) until the device took them. */
static void test_transmit_pool_exhaustion_is_eagain(void **state)
{
    (void)state;
    uint8_t frame[100];
    uint8_t received[ETHERNET_FRAME_MAX];
    frame_make(frame, sizeof frame, info_of(eth0).address, 0);
    int accepted = 0;
    int result;
    while ((result = transmit(eth0, frame, sizeof frame)) == 0)
        accepted++;
    assert_int_equal(result, -EAGAIN);
    assert_int_equal(accepted, TRANSMIT_POOL);
    assert_int_equal(transmit(eth0, frame, sizeof frame), -EAGAIN);
    struct ethernet_statistics statistics = statistics_of(eth0);
    assert_int_equal(statistics.transmit_dropped, 2);
    assert_int_equal(statistics.transmit_packets, TRANSMIT_POOL);

    devices_run();
    assert_int_equal(transmit(eth0, frame, sizeof frame), 0);
    devices_run();
    int got = 0;
    while (receive(eth0, received, sizeof received) == (long)sizeof frame)
        got++;
    assert_int_equal(got, TRANSMIT_POOL + 1);
}

/* The driver's counters and the device's agree with what was sent. */
static void test_statistics_count_frames_and_bytes(void **state)
{
    (void)state;
    struct ethernet_statistics before = statistics_of(eth0);
    struct hosted_virtio_net_statistics device_before;
    assert_int_equal(hosted_virtio_net_statistics(0, &device_before), 0);
    uint8_t frame[ETHERNET_FRAME_MAX];
    uint8_t received[ETHERNET_FRAME_MAX];
    uint64_t bytes = 0;
    for (uint32_t index = 0; index < 10; index++) {
        size_t length = 100 + index * 50;
        frame_make(frame, length, info_of(eth0).address, index);
        assert_int_equal(transmit(eth0, frame, length), 0);
        bytes += length;
    }
    devices_run();
    while (receive(eth0, received, sizeof received) >= 0) {
    }
    struct ethernet_statistics after = statistics_of(eth0);
    assert_int_equal(after.transmit_packets - before.transmit_packets, 10);
    assert_int_equal(after.transmit_bytes - before.transmit_bytes, bytes);
    assert_int_equal(after.receive_packets - before.receive_packets, 10);
    assert_int_equal(after.receive_bytes - before.receive_bytes, bytes);
    assert_int_equal(after.receive_errors, 0);
    assert_int_equal(after.transmit_errors, 0);
    struct hosted_virtio_net_statistics device_after;
    assert_int_equal(hosted_virtio_net_statistics(0, &device_after), 0);
    assert_int_equal(device_after.transmitted - device_before.transmitted, 10);
    assert_int_equal(device_after.received - device_before.received, 10);
    assert_int_equal(device_after.dropped, 0);
    /* One poll moved them all: one receive interrupt (transmit ones are suppressed). */
    assert_int_equal(device_after.interrupts - device_before.interrupts, 1);
}

/* Bad lengths and small buffers are refused; nothing is sent. */
static void test_bad_lengths_are_einval(void **state)
{
    (void)state;
    uint8_t frame[ETHERNET_FRAME_MAX + 1] = {0};
    assert_int_equal(transmit(eth0, frame, 13), -EINVAL);
    assert_int_equal(transmit(eth0, frame, 0), -EINVAL);
    assert_int_equal(transmit(eth0, frame, ETHERNET_FRAME_MAX + 1), -EINVAL);
    devices_run();
    uint8_t small[100];
    assert_int_equal(receive(eth0, small, sizeof small), -EINVAL);
    uint8_t received[ETHERNET_FRAME_MAX];
    assert_int_equal(receive(eth0, received, sizeof received), -EAGAIN);
    assert_int_equal(statistics_of(eth0).transmit_packets, 0);
}

/* A down interface refuses to transmit and drops what arrives; up again, it works. */
static void test_down_interface(void **state)
{
    (void)state;
    uint8_t frame[80];
    uint8_t received[ETHERNET_FRAME_MAX];
    frame_make(frame, sizeof frame, info_of(eth0).address, 5);
    assert_int_equal(transmit(eth0, frame, sizeof frame), 0);
    assert_int_equal(GATE_CALL(eth0, "set_up", ops_of(eth0)->set_up(eth0, false)), 0);
    assert_int_equal(transmit(eth0, frame, sizeof frame), -ENETDOWN);
    devices_run();
    assert_int_equal(receive(eth0, received, sizeof received), -EAGAIN);
    assert_int_equal(statistics_of(eth0).receive_dropped, 1);
    assert_int_equal(GATE_CALL(eth0, "set_up", ops_of(eth0)->set_up(eth0, true)), 0);
    assert_int_equal(transmit(eth0, frame, sizeof frame), 0);
    devices_run();
    assert_int_equal(receive(eth0, received, sizeof received), (long)sizeof frame);
}

/* The link status comes from the config; a change interrupts. */
static void test_link_status_from_config(void **state)
{
    (void)state;
    struct hosted_virtio_net_statistics before, after;
    assert_int_equal(hosted_virtio_net_statistics(0, &before), 0);
    assert_int_equal(hosted_virtio_net_set_link(0, false), 0);
    assert_false(info_of(eth0).link_up);
    devices_run();
    assert_int_equal(hosted_virtio_net_statistics(0, &after), 0);
    assert_int_equal(after.interrupts, before.interrupts + 1);
    assert_int_equal(hosted_virtio_net_set_link(0, true), 0);
    assert_true(info_of(eth0).link_up);
    assert_int_equal(hosted_virtio_net_set_link(7, true), -ENODEV);
}

/* Frames in flight are events: the idle loop delivers them and does not report a deadlock. */
static void test_idle_sees_frames_in_flight(void **state)
{
    (void)state;
    uint8_t frame[64];
    uint8_t received[ETHERNET_FRAME_MAX];
    frame_make(frame, sizeof frame, info_of(eth0).address, 9);
    platform_timer_disarm();
    assert_int_equal(transmit(eth0, frame, sizeof frame), 0);
    assert_true(platform_idle());
    assert_int_equal(receive(eth0, received, sizeof received), (long)sizeof frame);
    assert_false(platform_idle()); /* nothing left anywhere: the Core would report a deadlock */
}

/* A used element naming no buffer: one log line, dropped; the device goes on working. */
static void test_bad_device_used_id_is_dropped(void **state)
{
    (void)state;
    uint8_t frame[90];
    uint8_t received[ETHERNET_FRAME_MAX];
    frame_make(frame, sizeof frame, info_of(eth0).address, 3);
    uint64_t sequence = klog_next_sequence();
    assert_int_equal(hosted_virtio_net_inject_fault(0, HOSTED_VIRTIO_FAULT_USED_ID), 0);
    assert_int_equal(transmit(eth0, frame, sizeof frame), 0);
    devices_run();
    assert_int_equal(receive(eth0, received, sizeof received), -EAGAIN);
    assert_int_equal(statistics_of(eth0).receive_errors, 1);
    assert_int_equal(log_count(sequence, "no buffer in flight"), 1);
    assert_int_equal(transmit(eth0, frame, sizeof frame), 0);
    devices_run();
    assert_int_equal(receive(eth0, received, sizeof received), (long)sizeof frame);
    assert_memory_equal(received, frame, sizeof frame);
}

/* A used length beyond the buffer: dropped, logged, the buffer posted again. */
static void test_bad_device_used_length_is_dropped(void **state)
{
    (void)state;
    uint8_t frame[90];
    uint8_t received[ETHERNET_FRAME_MAX];
    frame_make(frame, sizeof frame, info_of(eth0).address, 4);
    uint64_t sequence = klog_next_sequence();
    assert_int_equal(hosted_virtio_net_inject_fault(0, HOSTED_VIRTIO_FAULT_USED_LENGTH), 0);
    assert_int_equal(transmit(eth0, frame, sizeof frame), 0);
    devices_run();
    assert_int_equal(receive(eth0, received, sizeof received), -EAGAIN);
    assert_int_equal(statistics_of(eth0).receive_errors, 1);
    assert_int_equal(log_count(sequence, "used length 100000"), 1);
    /* The buffer came back: a whole ring's worth of frames still fits. */
    for (int round = 0; round < 3; round++) {
        for (int index = 0; index < 100; index++)
            assert_int_equal(transmit(eth0, frame, sizeof frame), 0);
        devices_run();
        for (int index = 0; index < 100; index++)
            assert_int_equal(receive(eth0, received, sizeof received), (long)sizeof frame);
    }
}

/* A used index that runs a ring ahead: the queue is ignored from then on, the kernel lives. */
static void test_bad_device_used_index_stops_the_queue(void **state)
{
    (void)state;
    uint8_t frame[90];
    uint8_t received[ETHERNET_FRAME_MAX];
    frame_make(frame, sizeof frame, info_of(eth0).address, 4);
    uint64_t sequence = klog_next_sequence();
    assert_int_equal(hosted_virtio_net_inject_fault(0, HOSTED_VIRTIO_FAULT_USED_INDEX), 0);
    assert_int_equal(transmit(eth0, frame, sizeof frame), 0);
    devices_run();
    assert_int_equal(receive(eth0, received, sizeof received), -EAGAIN);
    assert_int_equal(transmit(eth0, frame, sizeof frame), 0);
    devices_run();
    assert_int_equal(receive(eth0, received, sizeof received), -EAGAIN);
    assert_int_equal(log_count(sequence, "ahead"), 1);
    assert_true(log_contains(sequence, "virtio-net eth0"));
}

/* The driver service restarts: stop resets the device, start brings it back. */
static void test_driver_restart(void **state)
{
    (void)state;
    assert_int_equal(services_unregister(eth0), 0);
    struct platform_virtio_device *device = platform_virtio_device_get(0);
    assert_int_equal(platform_virtio_get_status(device), 0);
    assert_int_equal(services_register(eth0), 0);
    assert_true(platform_virtio_get_status(device) & VIRTIO_STATUS_DRIVER_OK);
    uint8_t frame[200];
    uint8_t received[ETHERNET_FRAME_MAX];
    frame_make(frame, sizeof frame, info_of(eth0).address, 11);
    assert_int_equal(transmit(eth0, frame, sizeof frame), 0);
    devices_run();
    assert_int_equal(receive(eth0, received, sizeof received), (long)sizeof frame);
    assert_memory_equal(received, frame, sizeof frame);
}

/* ------------------------------------------- the device side, driven by hand */

struct manual_queue {
    uint8_t *region;
    uint64_t physical;
    struct virtq_descriptor *descriptors;
    struct virtq_available *available;
    struct virtq_used *used;
};

/* Take the device from the driver and give it a transmit ring the test writes itself. */
static struct platform_virtio_device *manual_device(struct manual_queue *queue)
{
    assert_int_equal(services_unregister(eth0), 0);
    struct platform_virtio_device *device = platform_virtio_device_get(0);
    unsigned size = platform_virtio_queue_size(device, 1);
    assert_int_equal(size, QUEUE_SIZE);
    queue->region = dma_alloc(virtq_region_size(size), &queue->physical);
    assert_non_null(queue->region);
    queue->descriptors = (struct virtq_descriptor *)queue->region;
    queue->available = (struct virtq_available *)(queue->region + virtq_available_offset(size));
    queue->used = (struct virtq_used *)(queue->region + virtq_used_offset(size));
    platform_virtio_set_status(device, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    assert_int_equal(platform_virtio_queue_set(device, 1, queue->physical), 0);
    platform_virtio_set_status(device, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                                           VIRTIO_STATUS_DRIVER_OK);
    return device;
}

/* Offer descriptor 0 and let the device look. */
static void manual_offer(struct platform_virtio_device *device, struct manual_queue *queue)
{
    queue->available->ring[queue->available->index % QUEUE_SIZE] = 0;
    queue->available->index++;
    platform_virtio_queue_notify(device, 1);
    devices_run();
}

/* A descriptor pointing outside the arena: NEEDS_RESET, nothing consumed, no host crash. */
static void test_device_refuses_descriptor_outside_memory(void **state)
{
    (void)state;
    struct manual_queue queue;
    struct platform_virtio_device *device = manual_device(&queue);
    queue.descriptors[0] = (struct virtq_descriptor){
        .address = 0xdead00000000ull, .length = 100, .flags = 0, .next = 0};
    manual_offer(device, &queue);
    assert_true(platform_virtio_get_status(device) & VIRTIO_STATUS_NEEDS_RESET);
    assert_int_equal(queue.used->index, 0);
    /* The driver cannot clear it but by a reset. */
    platform_virtio_set_status(device, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER_OK);
    assert_true(platform_virtio_get_status(device) & VIRTIO_STATUS_NEEDS_RESET);
    platform_virtio_set_status(device, 0);
    assert_int_equal(platform_virtio_get_status(device), 0);

    /* Straddling the arena's end is outside too. */
    device = platform_virtio_device_get(0);
    platform_virtio_set_status(device, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    assert_int_equal(platform_virtio_queue_set(device, 1, queue.physical), 0);
    platform_virtio_set_status(device, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                                           VIRTIO_STATUS_DRIVER_OK);
    uint64_t arena_end = queue.physical - ((uint8_t *)queue.region - (uint8_t *)hosted_memory_arena()) +
                         hosted_memory_size();
    queue.descriptors[0] = (struct virtq_descriptor){
        .address = arena_end - 50, .length = 100, .flags = 0, .next = 0};
    queue.available->index = 0;
    manual_offer(device, &queue);
    assert_true(platform_virtio_get_status(device) & VIRTIO_STATUS_NEEDS_RESET);
}

/* A descriptor chain that loops, and a wrong-direction descriptor: NEEDS_RESET. */
static void test_device_refuses_looping_chain(void **state)
{
    (void)state;
    struct manual_queue queue;
    struct platform_virtio_device *device = manual_device(&queue);
    uint64_t buffer_physical;
    void *buffer = dma_alloc(4096, &buffer_physical);
    assert_non_null(buffer);
    queue.descriptors[0] = (struct virtq_descriptor){
        .address = buffer_physical, .length = 30, .flags = VIRTQ_DESC_F_NEXT, .next = 1};
    queue.descriptors[1] = (struct virtq_descriptor){
        .address = buffer_physical, .length = 30, .flags = VIRTQ_DESC_F_NEXT, .next = 0};
    manual_offer(device, &queue);
    assert_true(platform_virtio_get_status(device) & VIRTIO_STATUS_NEEDS_RESET);
    assert_int_equal(queue.used->index, 0);

    platform_virtio_set_status(device, 0);
    platform_virtio_set_status(device, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    memset(queue.region, 0, virtq_region_size(QUEUE_SIZE));
    assert_int_equal(platform_virtio_queue_set(device, 1, queue.physical), 0);
    platform_virtio_set_status(device, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                                           VIRTIO_STATUS_DRIVER_OK);
    queue.descriptors[0] = (struct virtq_descriptor){
        .address = buffer_physical, .length = 100, .flags = VIRTQ_DESC_F_WRITE, .next = 0};
    manual_offer(device, &queue);
    assert_true(platform_virtio_get_status(device) & VIRTIO_STATUS_NEEDS_RESET);

    /* A well-formed two-descriptor chain is consumed (and a too-short frame counted). */
    platform_virtio_set_status(device, 0);
    platform_virtio_set_status(device, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    memset(queue.region, 0, virtq_region_size(QUEUE_SIZE));
    assert_int_equal(platform_virtio_queue_set(device, 1, queue.physical), 0);
    platform_virtio_set_status(device, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                                           VIRTIO_STATUS_DRIVER_OK);
    queue.descriptors[0] = (struct virtq_descriptor){
        .address = buffer_physical, .length = 10, .flags = VIRTQ_DESC_F_NEXT, .next = 1};
    queue.descriptors[1] = (struct virtq_descriptor){
        .address = buffer_physical + 100, .length = 5, .flags = 0, .next = 0};
    struct hosted_virtio_net_statistics before, after;
    assert_int_equal(hosted_virtio_net_statistics(0, &before), 0);
    manual_offer(device, &queue);
    assert_false(platform_virtio_get_status(device) & VIRTIO_STATUS_NEEDS_RESET);
    assert_int_equal(queue.used->index, 1);
    assert_int_equal(queue.used->ring[0].id, 0);
    assert_int_equal(hosted_virtio_net_statistics(0, &after), 0);
    assert_int_equal(after.transmit_errors, before.transmit_errors + 1);
}

/* An available index more than a ring ahead, rings outside memory or unaligned: refused. */
static void test_device_refuses_wild_rings(void **state)
{
    (void)state;
    struct manual_queue queue;
    struct platform_virtio_device *device = manual_device(&queue);
    queue.available->index = QUEUE_SIZE + 3;
    devices_run();
    assert_true(platform_virtio_get_status(device) & VIRTIO_STATUS_NEEDS_RESET);
    platform_virtio_set_status(device, 0);
    assert_int_equal(platform_virtio_queue_set(device, 1, 0xdead00000000ull), -EINVAL);
    assert_int_equal(platform_virtio_queue_set(device, 1, queue.physical + 8), -EINVAL);
    assert_int_equal(platform_virtio_queue_set(device, 2, queue.physical), -EINVAL);
    assert_int_equal(platform_virtio_queue_size(device, 2), 0);
    assert_int_equal(platform_virtio_queue_set(device, 1, 0), 0);
}

/* ------------------------------------------------------------------ pair */

/* What eth0 sends eth1 receives and the other way round; nothing comes back to the sender. */
static void test_pair_frames_cross(void **state)
{
    (void)state;
    assert_non_null(eth1);
    struct ethernet_info info0 = info_of(eth0), info1 = info_of(eth1);
    assert_string_equal(info1.name, "eth1");
    assert_memory_not_equal(info0.address, info1.address, 6);
    uint8_t frame[ETHERNET_FRAME_MAX];
    uint8_t received[ETHERNET_FRAME_MAX];
    for (uint32_t index = 0; index < 300; index++) {
        struct service *from = index % 2 ? eth1 : eth0;
        struct service *to = index % 2 ? eth0 : eth1;
        size_t length = 60 + (index * 61) % (ETHERNET_FRAME_MAX - 59);
        frame_make(frame, length, info_of(from).address, index);
        assert_int_equal(transmit(from, frame, length), 0);
        devices_run();
        assert_int_equal(receive(from, received, sizeof received), -EAGAIN);
        assert_int_equal(receive(to, received, sizeof received), (long)length);
        assert_memory_equal(received, frame, length);
    }
}

/* With the other end's driver gone, frames are dropped by the device, not queued. */
static void test_pair_peer_down_drops(void **state)
{
    (void)state;
    assert_int_equal(services_unregister(eth1), 0);
    uint8_t frame[100];
    frame_make(frame, sizeof frame, info_of(eth0).address, 1);
    for (int index = 0; index < 5; index++)
        assert_int_equal(transmit(eth0, frame, sizeof frame), 0);
    devices_run();
    struct hosted_virtio_net_statistics statistics;
    assert_int_equal(hosted_virtio_net_statistics(0, &statistics), 0);
    assert_int_equal(statistics.dropped, 5);
    assert_int_equal(statistics.transmitted, 0);
    assert_int_equal(services_register(eth1), 0);
    assert_int_equal(transmit(eth0, frame, sizeof frame), 0);
    devices_run();
    uint8_t received[ETHERNET_FRAME_MAX];
    assert_int_equal(receive(eth1, received, sizeof received), (long)sizeof frame);
}

/* ------------------------------------------------------- configuration */

/* Devices added through hosted.h stay for later boots until reset; bad backends refused. */
static void test_configuration_is_remembered(void **state)
{
    (void)state;
    hosted_virtio_reset();
    assert_int_equal(hosted_virtio_net_add("nonsense"), -EINVAL);
    assert_int_equal(hosted_virtio_net_add("tap:"), -EINVAL);
    assert_int_equal(hosted_virtio_net_add("tap:an-interface-name-too-long"), -EINVAL);
    assert_int_equal(hosted_virtio_net_add("loopback,pair"), -EINVAL);
    assert_int_equal(hosted_virtio_net_add("loopback"), 0);
    assert_int_equal(hosted_virtio_net_add("pair"), 0);
    for (int boot = 0; boot < 2; boot++) {
        assert_int_equal(hosted_test_boot("loglevel=3 hosted.net=loopback"), 0);
        assert_int_equal(platform_virtio_device_count(), 4);
        assert_non_null(services_lookup(SERVICE_DRIVER, "virtio-net3"));
        struct ethernet_info info = info_of(services_lookup(SERVICE_DRIVER, "virtio-net3"));
        assert_string_equal(info.name, "eth3");
    }
    for (int index = 0; index < 2; index++)
        assert_int_equal(hosted_virtio_net_add("pair"), 0);
    assert_int_equal(hosted_virtio_net_add("pair"), -ENOSPC);
    assert_int_equal(hosted_virtio_net_add("loopback"), 0);
    assert_int_equal(hosted_virtio_net_add("loopback"), -ENOSPC);
    hosted_virtio_reset();
    assert_int_equal(hosted_test_boot("loglevel=3"), 0);
    assert_int_equal(platform_virtio_device_count(), 0);
    assert_null(services_lookup(SERVICE_DRIVER, "virtio-net0"));
    assert_int_equal(hosted_test_boot("loglevel=3 hosted.net=bogus"), -EINVAL);
    assert_int_equal(hosted_test_boot("loglevel=3 hosted.net=loopback,pair"), 0);
    assert_int_equal(platform_virtio_device_count(), 3);
}

int main(void)
{
#define LOOPBACK_TEST(name) cmocka_unit_test_setup(name, setup_loopback)
#define PAIR_TEST(name) cmocka_unit_test_setup(name, setup_pair)
    const struct CMUnitTest tests[] = {
        LOOPBACK_TEST(test_registers_eth0_with_its_address),
        LOOPBACK_TEST(test_loopback_every_size_comes_back),
        cmocka_unit_test(test_plain_device_gets_generated_address),
        LOOPBACK_TEST(test_rings_wrap_around),
        LOOPBACK_TEST(test_ring_indices_wrap_past_65536),
        LOOPBACK_TEST(test_transmit_pool_exhaustion_is_eagain),
        LOOPBACK_TEST(test_statistics_count_frames_and_bytes),
        LOOPBACK_TEST(test_bad_lengths_are_einval),
        LOOPBACK_TEST(test_down_interface),
        LOOPBACK_TEST(test_link_status_from_config),
        LOOPBACK_TEST(test_idle_sees_frames_in_flight),
        LOOPBACK_TEST(test_bad_device_used_id_is_dropped),
        LOOPBACK_TEST(test_bad_device_used_length_is_dropped),
        LOOPBACK_TEST(test_bad_device_used_index_stops_the_queue),
        LOOPBACK_TEST(test_driver_restart),
        LOOPBACK_TEST(test_device_refuses_descriptor_outside_memory),
        LOOPBACK_TEST(test_device_refuses_looping_chain),
        LOOPBACK_TEST(test_device_refuses_wild_rings),
        PAIR_TEST(test_pair_frames_cross),
        PAIR_TEST(test_pair_peer_down_drops),
        cmocka_unit_test(test_configuration_is_remembered),
    };
    return cmocka_run_group_tests_name("virtio-net", tests, NULL, NULL);
}
