/*
 * test_tap.c — the hosted virtio-net device on a real tap interface: the
 * test moves itself into a network namespace of its own
 * (unshare(CLONE_NEWNET), so nothing outside is touched), creates tap rk0
 * through hosted_virtio_net_add("tap:rk0"), gives it 10.99.0.1/24 and
 * brings it up with ioctls, boots the kernel and sends, through the
 * virtio-net driver, an ARP request for 10.99.0.1 built here. The
 * namespace's Linux must answer it; the answer comes back through the
 * tap fd, the libuv loop, the device's receive queue and the driver.
 * Skipped (with the reason printed) only without the privilege to make a
 * namespace or a tap (CAP_SYS_ADMIN / CAP_NET_ADMIN).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <rk/ethernet.h>
#include <rk/gate.h>
#include <rk/platform.h>
#include <rk/services.h>
#include "hosted.h"
#include "tap_host.h"

#define TAP_NAME "rk0"
#define HOST_ADDRESS "10.99.0.1"
#define KERNEL_ADDRESS "10.99.0.2"

/* An ARP request (padded to 60 bytes) from mac/KERNEL_ADDRESS asking for HOST_ADDRESS. */
static size_t arp_request_make(uint8_t *frame, const uint8_t mac[6])
{
    memset(frame, 0, 60);
    memset(frame, 0xff, 6);
    memcpy(frame + 6, mac, 6);
    frame[12] = 0x08, frame[13] = 0x06;            /* ARP */
    uint8_t *arp = frame + 14;
    arp[0] = 0, arp[1] = 1;                        /* Ethernet */
    arp[2] = 0x08, arp[3] = 0x00;                  /* IPv4 */
    arp[4] = 6, arp[5] = 4;
    arp[6] = 0, arp[7] = 1;                        /* request */
    memcpy(arp + 8, mac, 6);
    inet_pton(AF_INET, KERNEL_ADDRESS, arp + 14);
    inet_pton(AF_INET, HOST_ADDRESS, arp + 24);
    return 60;
}

/* True when frame is the ARP reply of HOST_ADDRESS (host_mac) to mac/KERNEL_ADDRESS. */
static bool arp_reply_is_for_us(const uint8_t *frame, long length, const uint8_t mac[6],
                                const uint8_t host_mac[6])
{
    if (length < 42 || frame[12] != 0x08 || frame[13] != 0x06)
        return false;
    const uint8_t *arp = frame + 14;
    uint8_t host_ip[4], our_ip[4];
    inet_pton(AF_INET, HOST_ADDRESS, host_ip);
    inet_pton(AF_INET, KERNEL_ADDRESS, our_ip);
    return memcmp(frame, mac, 6) == 0 && arp[6] == 0 && arp[7] == 2 &&
           memcmp(arp + 8, host_mac, 6) == 0 && memcmp(arp + 14, host_ip, 4) == 0 &&
           memcmp(arp + 18, mac, 6) == 0 && memcmp(arp + 24, our_ip, 4) == 0;
}

/* The namespace's Linux answers the driver's ARP request through the tap. */
static void test_arp_reply_through_tap(void **state)
{
    (void)state;
    int error = tap_host_enter_namespace();
    if (error != 0) {
        if (error == -EPERM) {
            printf("test_tap: skipped: no privilege to make a network namespace "
                   "(CAP_SYS_ADMIN/CAP_NET_ADMIN missing)\n");
            skip();
        }
        fail_msg("unshare(CLONE_NEWNET): %s", strerror(-error));
    }
    hosted_virtio_reset();
    error = hosted_virtio_net_add("tap:" TAP_NAME);
    if (error == -EPERM) {
        printf("test_tap: skipped: no CAP_NET_ADMIN to create a tap interface\n");
        skip();
    }
    assert_int_equal(error, 0);
    uint8_t host_mac[6];
    assert_int_equal(tap_host_configure(TAP_NAME, HOST_ADDRESS, "255.255.255.0", host_mac), 0);

    assert_int_equal(hosted_test_boot("loglevel=3"), 0);
    struct service *stack = services_network_stack();
    if (stack)
        services_unregister(stack); /* only the test takes frames from eth0 */
    struct service *eth0 = services_lookup(SERVICE_DRIVER, "virtio-net0");
    assert_non_null(eth0);
    const struct ethernet_driver_ops *ops = eth0->ops;
    struct ethernet_info info;
    assert_int_equal(GATE_CALL(eth0, "get_info", ops->get_info(eth0, &info)), 0);

    uint8_t frame[ETHERNET_FRAME_MAX];
    size_t length = arp_request_make(frame, info.address);
    assert_int_equal(GATE_CALL(eth0, "transmit", ops->transmit(eth0, frame, length)), 0);

    /* Wait through the idle loop: it blocks on the tap fd (no timer armed) until frames come. */
    tap_host_deadline(10, "test_tap: no ARP reply within 10 s\n");
    bool answered = false;
    unsigned other_frames = 0;
    while (!answered) {
        platform_timer_disarm();
        assert_true(platform_idle());
        long received;
        while ((received = GATE_CALL(eth0, "receive", ops->receive(eth0, frame, sizeof frame))) > 0) {
            if (arp_reply_is_for_us(frame, received, info.address, host_mac))
                answered = true;
            else
                other_frames++; /* the namespace's IPv6 chatter */
        }
        assert_int_equal(received, -EAGAIN);
    }
    tap_host_deadline(0, "");
    struct hosted_virtio_net_statistics device;
    assert_int_equal(hosted_virtio_net_statistics(0, &device), 0);
    assert_int_equal(device.transmitted, 1);
    assert_true(device.received >= 1);
    assert_true(device.interrupts >= 1);
    struct ethernet_statistics statistics;
    GATE_CALL_VOID(eth0, "get_statistics", ops->get_statistics(eth0, &statistics));
    assert_int_equal(statistics.receive_packets, 1 + other_frames);
    hosted_virtio_reset();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arp_reply_through_tap),
    };
    return cmocka_run_group_tests_name("hosted-tap", tests, NULL, NULL);
}
