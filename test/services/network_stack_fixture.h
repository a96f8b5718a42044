/*
 * network_stack_fixture.h — what the network stack tests share
 * (test_network_stack*.c): a fake Ethernet driver service that records
 * what is sent and hands out what a test queues, boots with it attached,
 * the kernel log and /proc/net readers, Ethernet/IPv4 frame builders.
 */
#ifndef NETWORK_STACK_FIXTURE_H
#define NETWORK_STACK_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <rk/errno.h>
#include <rk/ethernet.h>
#include <rk/gate.h>
#include <rk/heap.h>
#include <rk/klog.h>
#include <rk/network.h>
#include <rk/services.h>
#include <rk/syscall.h>
#include <rk/timer.h>
#include "harness.h"
#include "hosted.h"
#include "network/network.h"
#include "network/network_internal.h"
#include "network/stack_internal.h"

#define STACK_FIXTURE __attribute__((unused))

/* ------------------------------------------------------ the fake NIC */

#define FAKE_FRAMES 32

static STACK_FIXTURE const uint8_t fake_address[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static STACK_FIXTURE const uint8_t peer_address[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };

struct fake_frame {
    size_t length;
    uint8_t bytes[ETHERNET_FRAME_MAX];
};

static STACK_FIXTURE struct {
    struct fake_frame sent[FAKE_FRAMES];
    size_t sent_count;
    struct fake_frame queued[FAKE_FRAMES];
    size_t queued_head, queued_count;
    bool up;
    unsigned set_up_calls;
    struct ethernet_statistics statistics;
} fake;

static STACK_FIXTURE int fake_get_info(struct service *device, struct ethernet_info *info)
{
    memset(info, 0, sizeof *info);
    strcpy(info->name, "eth0");
    memcpy(info->address, fake_address, sizeof fake_address);
    info->mtu = ETHERNET_MTU;
    info->link_up = true;
    return 0;
}

static STACK_FIXTURE int fake_transmit(struct service *device, const void *frame, size_t length)
{
    if (length > ETHERNET_FRAME_MAX)
        return -EINVAL;
    if (!fake.up)
        return -ENETDOWN;
    if (fake.sent_count == FAKE_FRAMES)
        return -EAGAIN;
    fake.sent[fake.sent_count].length = length;
    memcpy(fake.sent[fake.sent_count].bytes, frame, length);
    fake.sent_count++;
    fake.statistics.transmit_packets++;
    fake.statistics.transmit_bytes += length;
    return 0;
}

static STACK_FIXTURE long fake_receive(struct service *device, void *buffer, size_t size)
{
    if (fake.queued_count == 0)
        return -EAGAIN;
    struct fake_frame *frame = &fake.queued[fake.queued_head];
    fake.queued_head = (fake.queued_head + 1) % FAKE_FRAMES;
    fake.queued_count--;
    assert_true(size >= frame->length);
    memcpy(buffer, frame->bytes, frame->length);
    fake.statistics.receive_packets++;
    fake.statistics.receive_bytes += frame->length;
    return (long)frame->length;
}

static STACK_FIXTURE int fake_set_up(struct service *device, bool up)
{
    fake.up = up;
    fake.set_up_calls++;
    return 0;
}

static STACK_FIXTURE void fake_get_statistics(struct service *device, struct ethernet_statistics *statistics)
{
    *statistics = fake.statistics;
}

static const struct ethernet_driver_ops fake_ops = {
    .get_info = fake_get_info,
    .transmit = fake_transmit,
    .receive = fake_receive,
    .set_up = fake_set_up,
    .get_statistics = fake_get_statistics,
};

static STACK_FIXTURE struct service fake_service = {
    .name = "fake-ethernet",
    .kind = SERVICE_DRIVER,
    .ops = &fake_ops,
    .driver_class = DRIVER_CLASS_ETHERNET,
};

/* Queue a frame for the stack to receive and ask for processing. */
static STACK_FIXTURE void fake_queue(const void *bytes, size_t length)
{
    assert_true(fake.queued_count < FAKE_FRAMES);
    struct fake_frame *frame = &fake.queued[(fake.queued_head + fake.queued_count) % FAKE_FRAMES];
    frame->length = length;
    memcpy(frame->bytes, bytes, length);
    fake.queued_count++;
    network_request_processing();
}

/* ------------------------------------------------------- fixtures */

/* Let the network thread run (the boot thread sleeps 1 ms of virtual time). */
static STACK_FIXTURE void run_network(void)
{
    network_request_processing();
    thread_sleep_ns(1000000);
}

/* The first log record of the stack's last start (the boot's own start found no NIC). */
static STACK_FIXTURE uint64_t log_start;

/* Register the fake NIC and restart the network service so it finds it. */
static STACK_FIXTURE void attach_fake_device(void)
{
    log_start = klog_next_sequence();
    memset(&fake, 0, sizeof fake);
    fake_service.registered = 0;
    assert_int_equal(services_register(&fake_service), 0);
    assert_int_equal(services_unregister(&network_service), 0);
    assert_int_equal(network_service_register(), 0);
    assert_int_equal(network_start(), 0);
}

/* Boot with command_line (no user process), the fake NIC attached. */
static STACK_FIXTURE void boot_with(const char *command_line)
{
    assert_int_equal(hosted_test_boot(command_line), 0);
    attach_fake_device();
}

/* CMocka setup: the syscall harness (a process with user memory) and the fake NIC. */
static STACK_FIXTURE int setup_user(void **state)
{
    if (syscall_test_setup(state) != 0)
        return -1;
    attach_fake_device();
    return 0;
}

/* True when some log record since the last start contains text. */
static STACK_FIXTURE bool log_contains(const char *text)
{
    uint64_t sequence = log_start;
    struct klog_record record;
    while (klog_read(&sequence, &record) == 0) {
        if (strstr(record.text, text))
            return true;
    }
    return false;
}

/* How many log records since the last start contain text. */
static STACK_FIXTURE unsigned log_count(const char *text)
{
    uint64_t sequence = log_start;
    struct klog_record record;
    unsigned count = 0;
    while (klog_read(&sequence, &record) == 0)
        count += strstr(record.text, text) != NULL;
    return count;
}

static STACK_FIXTURE long render(enum network_table table, char *buffer, size_t size)
{
    struct service *stack = services_network_stack();
    return SERVICE_CALL(stack, struct network_stack_ops, render_table, table, buffer, size);
}

/* The ioctl through the gate, as a socket's ioctl would make it. */
static STACK_FIXTURE long interface_ioctl(unsigned command, uintptr_t argument)
{
    return GATE_CALL(&network_service, "interface_ioctl", network_stack_interface_ioctl(command, argument));
}

/* --------------------------------------------------- frame helpers */

static STACK_FIXTURE uint16_t checksum(const uint8_t *bytes, size_t length)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < length; i += 2)
        sum += (uint32_t)bytes[i] << 8 | bytes[i + 1];
    if (length & 1)
        sum += (uint32_t)bytes[length - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static STACK_FIXTURE void put16(uint8_t *at, uint16_t value)
{
    at[0] = (uint8_t)(value >> 8);
    at[1] = (uint8_t)value;
}

static STACK_FIXTURE const uint8_t host_ip[4] = { 10, 0, 2, 15 };
static STACK_FIXTURE const uint8_t peer_ip[4] = { 10, 0, 2, 2 };

/* "Who has 10.0.2.15? Tell 10.0.2.2" from the peer. Returns the length. */
static STACK_FIXTURE size_t arp_request(uint8_t *frame)
{
    memset(frame, 0, 42);
    memset(frame, 0xff, 6);
    memcpy(frame + 6, peer_address, 6);
    put16(frame + 12, 0x0806);
    put16(frame + 14, 1);
    put16(frame + 16, 0x0800);
    frame[18] = 6;
    frame[19] = 4;
    put16(frame + 20, 1);
    memcpy(frame + 22, peer_address, 6);
    memcpy(frame + 28, peer_ip, 4);
    memcpy(frame + 38, host_ip, 4);
    return 42;
}

/* An ICMP echo request from the peer to 10.0.2.15 with 16 bytes of data. Returns the length. */
static STACK_FIXTURE size_t echo_request(uint8_t *frame, uint16_t identifier, uint16_t sequence)
{
    memset(frame, 0, 14 + 20 + 8 + 16);
    memcpy(frame, fake_address, 6);
    memcpy(frame + 6, peer_address, 6);
    put16(frame + 12, 0x0800);
    uint8_t *ip = frame + 14;
    ip[0] = 0x45;
    put16(ip + 2, 20 + 8 + 16);
    put16(ip + 4, 0x1234);
    ip[8] = 64;
    ip[9] = 1;
    memcpy(ip + 12, peer_ip, 4);
    memcpy(ip + 16, host_ip, 4);
    put16(ip + 10, checksum(ip, 20));
    uint8_t *icmp = ip + 20;
    icmp[0] = 8;
    put16(icmp + 4, identifier);
    put16(icmp + 6, sequence);
    for (int i = 0; i < 16; i++)
        icmp[8 + i] = (uint8_t)('a' + i);
    put16(icmp + 2, checksum(icmp, 8 + 16));
    return 14 + 20 + 8 + 16;
}

/* The first sent frame of ethertype type after index *from (advanced past it), or NULL. */
static STACK_FIXTURE const struct fake_frame *sent_frame(uint16_t type, size_t *from)
{
    for (size_t i = *from; i < fake.sent_count; i++) {
        const uint8_t *bytes = fake.sent[i].bytes;
        if (fake.sent[i].length >= 14 && (bytes[12] << 8 | bytes[13]) == type) {
            *from = i + 1;
            return &fake.sent[i];
        }
    }
    return NULL;
}

/*
 * The first sent ARP frame with opcode (1 request, 2 reply) whose target
 * protocol address is target, after index *from (advanced past it), or NULL.
 * (lwIP also announces its own address with gratuitous ARP requests.)
 */
static STACK_FIXTURE const struct fake_frame *sent_arp(uint16_t opcode, const uint8_t target[4], size_t *from)
{
    const struct fake_frame *frame;
    while ((frame = sent_frame(0x0806, from))) {
        if (frame->length >= 42 && (frame->bytes[20] << 8 | frame->bytes[21]) == opcode &&
            memcmp(frame->bytes + 38, target, 4) == 0)
            return frame;
    }
    return NULL;
}

#endif
