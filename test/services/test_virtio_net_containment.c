/*
 * test_virtio_net_containment.c — faults in the virtio-net driver service
 * (docs/containment.md) over the hosted backend's emulated devices: an
 * injected fault in transmit, receive or the driver's interrupt handler
 * makes the call yield EIO, the kernel goes on, the dead instance's device
 * is reset and its DMA memory freed (before anything else can use it),
 * the driver restarts, and frames cross the loopback cable again. With
 * the network stack present, the stack re-attaches to the new driver
 * instance and its traffic flows over the device again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>
#include <string.h>

#include <rk/containment.h>
#include <rk/errno.h>
#include <rk/ethernet.h>
#include <rk/fault_injection.h>
#include <rk/file.h>
#include <rk/gate.h>
#include <rk/klog.h>
#include <rk/network.h>
#include <rk/page_alloc.h>
#include <rk/platform.h>
#include <rk/services.h>
#include <rk/socket.h>
#include <rk/socket_address.h>
#include <rk/thread.h>
#include <rk/virtio.h>
#include <rk/vfs.h>
#include "hosted.h"

#define SECOND 1000000000ull
#define MILLISECOND 1000000ull

static struct service *eth0;
static uint64_t log_start;

static const struct ethernet_driver_ops *ops_of(struct service *device) { return device->ops; }

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
    memset(&statistics, 0, sizeof statistics);
    GATE_CALL_VOID(device, "get_statistics", ops_of(device)->get_statistics(device, &statistics));
    return statistics;
}

/* True when the kernel log has a record containing text since the boot. */
static bool log_contains(const char *text)
{
    uint64_t sequence = log_start;
    struct klog_record record;
    while (klog_read(&sequence, &record) == 0)
        if (strstr(record.text, text))
            return true;
    return false;
}

/* Add rule to the fault injector (the only one). */
static void inject(const char *rule)
{
    assert_int_equal(fault_injection_command("clear", 5), 0);
    assert_int_equal(fault_injection_command(rule, strlen(rule)), 0);
}

/* Boot with one loopback-cable device; without the stack unless keep_stack. */
static void boot(const char *command_line, bool keep_stack)
{
    hosted_virtio_reset();
    assert_int_equal(hosted_test_boot(command_line), 0);
    log_start = 0;   /* the boot emptied the log */
    struct service *stack = services_network_stack();
    if (stack && !keep_stack)
        assert_int_equal(services_unregister(stack), 0);
    eth0 = services_lookup(SERVICE_DRIVER, "virtio-net0");
    assert_non_null(eth0);
    assert_int_equal(hosted_faults_install(), 0);
}

/* A frame to everyone from nobody with a sequence number. */
static size_t frame_make(uint8_t *frame, uint32_t sequence)
{
    memset(frame, 0xff, 6);
    memset(frame + 6, 0x02, 6);
    frame[12] = 0x88;
    frame[13] = 0xb5;
    memset(frame + 14, 0x5a, 50);
    memcpy(frame + 14, &sequence, sizeof sequence);
    return 64;
}

/* A frame sent on eth0 comes back through the loopback cable. */
static void frames_cross_the_cable(uint32_t sequence)
{
    uint8_t frame[ETHERNET_FRAME_MAX], received[ETHERNET_FRAME_MAX];
    size_t length = frame_make(frame, sequence);
    platform_poll_events();
    while (receive(eth0, received, sizeof received) >= 0)
        platform_poll_events();
    assert_int_equal(transmit(eth0, frame, length), 0);
    platform_poll_events();
    assert_int_equal(receive(eth0, received, sizeof received), (long)length);
    assert_memory_equal(received, frame, length);
}

/*
 * The driver died: let the supervisor release its registrations (the
 * device is reset, its DMA blocks freed) before the restart is due, then
 * wait for the restart.
 */
static void expect_release_then_restart(void)
{
    assert_int_equal(eth0->status, SERVICE_DEAD);
    thread_sleep_ns(MILLISECOND);   /* the first backoff is 10 ms */
    assert_int_equal(eth0->status, SERVICE_DEAD);
    assert_int_equal(virtio_get_status(virtio_device_get(0)), 0);
    assert_true(log_contains("virtio: virtio-net0: 1 device(s) reset, 4 DMA block(s) freed"));
    assert_int_equal(service_wait_running(eth0, SECOND), 0);
    assert_int_equal(eth0->status, SERVICE_RUNNING);
    assert_true(virtio_get_status(virtio_device_get(0)) & VIRTIO_STATUS_DRIVER_OK);
}

/* A NULL dereference in transmit: EIO, device reset, DMA freed, restart, frames flow. */
static void fault_in_transmit(void **state)
{
    boot("loglevel=3 hosted.net=loopback", false);
    frames_cross_the_cable(1);
    struct page_allocator_statistics before, after;
    page_allocator_get_statistics(&before);
    inject("virtio-net0:transmit:null:nth=1");
    uint8_t frame[ETHERNET_FRAME_MAX];
    assert_int_equal(transmit(eth0, frame, frame_make(frame, 2)), -EIO);
    assert_true(log_contains("service fault: driver/virtio-net0 operation=transmit kind=page-fault"));
    expect_release_then_restart();
    frames_cross_the_cable(3);
    assert_int_equal(service_instances_quarantined(), 0);
    page_allocator_get_statistics(&after);
    assert_int_equal(after.free_pages, before.free_pages);   /* the old rings went back */
    hosted_faults_remove();
}

/* A panic in receive: EIO, restart, frames flow. */
static void fault_in_receive(void **state)
{
    boot("loglevel=3 hosted.net=loopback", false);
    inject("virtio-net0:receive:panic:nth=1");
    uint8_t buffer[ETHERNET_FRAME_MAX];
    assert_int_equal(receive(eth0, buffer, sizeof buffer), -EIO);
    expect_release_then_restart();
    frames_cross_the_cable(4);
    hosted_faults_remove();
}

/*
 * An assertion in the driver's interrupt handler (run in a crossing of
 * the driver by the Core's forwarding): contained, the device reset, the
 * handler of the dead instance never called again, the restart works.
 */
static void fault_in_interrupt_handler(void **state)
{
    boot("loglevel=3 hosted.net=loopback", false);
    inject("virtio-net0:interrupt:assert:nth=1");
    uint8_t frame[ETHERNET_FRAME_MAX];
    assert_int_equal(transmit(eth0, frame, frame_make(frame, 5)), 0);
    platform_poll_events();   /* the frame arrives: the device interrupts */
    assert_true(log_contains("service fault: driver/virtio-net0 operation=interrupt kind=assertion"));
    uint64_t faults = eth0->counters.faults;
    assert_int_equal(faults, 1);
    assert_int_equal(receive(eth0, frame, sizeof frame), -EIO);
    expect_release_then_restart();
    frames_cross_the_cable(6);
    frames_cross_the_cable(7);   /* interrupts of the new instance do not fault */
    assert_int_equal(eth0->counters.faults, faults);
    hosted_faults_remove();
}

/* Send a UDP datagram to 10.0.2.HOST:9 through the stack (an ARP request for a new host goes out first). */
static void stack_sends_udp(struct file *socket, uint8_t host)
{
    struct socket_address to;
    memset(&to, 0, sizeof to);
    to.family = AF_INET;
    to.inet.port = 9;
    to.inet.address[0] = 10;
    to.inet.address[1] = 0;
    to.inet.address[2] = 2;
    to.inet.address[3] = host;
    char data[4] = "abc";
    struct io_segment segment;
    struct io_cursor cursor;
    io_cursor_kernel(&cursor, &segment, data, sizeof data);
    struct socket_message message = {.data = &cursor, .address = &to};
    FILE_CALL(socket, "send", -EIO, socket->ops->socket->send(socket, &message, 0));
}

/* Let the devices and the network thread run. */
static void run_devices_and_network(void)
{
    for (int round = 0; round < 4; round++) {
        platform_poll_events();
        network_request_processing();
        thread_sleep_ns(MILLISECOND);
    }
}

/*
 * With the stack: the driver faults on the stack's transmit; the stack
 * survives (the frame is dropped), the driver restarts, the stack
 * re-attaches (eth0 up again in the new instance) and its frames cross
 * the cable again and come back into the stack.
 */
static void stack_reattaches_to_the_restarted_driver(void **state)
{
    boot("loglevel=3 hosted.net=loopback ip=10.0.2.15::10.0.2.2:255.255.255.0::eth0:off", true);
    struct service *stack = services_network_stack();
    assert_non_null(stack);
    struct file *socket = NULL;
    assert_int_equal(SERVICE_CALL(stack, struct network_stack_ops, create_udp_socket, &socket), 0);
    run_devices_and_network();

    inject("virtio-net0:transmit:null:nth=1");
    stack_sends_udp(socket, 99);   /* the ARP request's transmit faults */
    assert_true(log_contains("operation=transmit kind=page-fault"));
    assert_int_equal(stack->status, SERVICE_RUNNING);
    assert_int_equal(service_wait_running(eth0, SECOND), 0);
    assert_true(log_contains("network: eth0 re-attached to virtio-net0 (up)"));

    struct ethernet_statistics before = statistics_of(eth0);   /* the new instance's: zero */
    assert_int_equal(before.transmit_packets, 0);
    stack_sends_udp(socket, 98);
    run_devices_and_network();
    struct ethernet_statistics after = statistics_of(eth0);
    assert_true(after.transmit_packets >= 1);                  /* ARP request out */
    assert_true(after.receive_packets >= 1);                   /* and back in, taken by the stack */
    assert_int_equal(stack->status, SERVICE_RUNNING);
    file_put(socket);
    hosted_faults_remove();
}

/*
 * The stack faults while the driver lives: the new stack instance
 * attaches to the same driver instance, eth0 is up again with ip=, and
 * its frames cross the cable and come back in.
 */
static void restarted_stack_attaches_to_the_driver(void **state)
{
    boot("loglevel=3 hosted.net=loopback ip=10.0.2.15::10.0.2.2:255.255.255.0::eth0:off", true);
    struct service *stack = services_network_stack();
    run_devices_and_network();
    assert_int_equal(GATE_CALL(stack, "check", (service_panic("stop the stack"), 0)), -EIO);
    assert_int_equal(service_wait_running(stack, SECOND), 0);
    assert_int_equal(eth0->status, SERVICE_RUNNING);
    assert_int_equal(eth0->counters.faults, 0);
    struct file *socket = NULL;
    assert_int_equal(SERVICE_CALL(stack, struct network_stack_ops, create_udp_socket, &socket), 0);
    struct ethernet_statistics before = statistics_of(eth0);
    stack_sends_udp(socket, 97);
    run_devices_and_network();
    struct ethernet_statistics after = statistics_of(eth0);
    assert_true(after.transmit_packets > before.transmit_packets);
    assert_true(after.receive_packets > before.receive_packets);
    file_put(socket);
    hosted_faults_remove();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fault_in_transmit),
        cmocka_unit_test(fault_in_receive),
        cmocka_unit_test(fault_in_interrupt_handler),
        cmocka_unit_test(stack_reattaches_to_the_restarted_driver),
        cmocka_unit_test(restarted_stack_attaches_to_the_driver),
    };
    return cmocka_run_group_tests_name("virtio-net containment", tests, NULL, NULL);
}
