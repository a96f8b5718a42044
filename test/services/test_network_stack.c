/*
 * test_network_stack.c — the network service's stack part (lwIP glue):
 * start with lo, one interface per Ethernet driver (a fake driver here
 * that records what is sent and hands out what a test queues), the ip=
 * option, ARP and ICMP through the fake device, the SIOC* ioctls on user
 * memory (the syscall suite's harness), /proc/net/dev and route, the Core
 * timer left disarmed by an idle stack, and a stop/start cycle.
 */
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

/* ------------------------------------------------------ the fake NIC */

#define FAKE_FRAMES 32

static const uint8_t fake_address[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t peer_address[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };

struct fake_frame {
    size_t length;
    uint8_t bytes[ETHERNET_FRAME_MAX];
};

static struct {
    struct fake_frame sent[FAKE_FRAMES];
    size_t sent_count;
    struct fake_frame queued[FAKE_FRAMES];
    size_t queued_head, queued_count;
    bool up;
    unsigned set_up_calls;
    struct ethernet_statistics statistics;
} fake;

static int fake_get_info(struct service *device, struct ethernet_info *info)
{
    memset(info, 0, sizeof *info);
    strcpy(info->name, "eth0");
    memcpy(info->address, fake_address, sizeof fake_address);
    info->mtu = ETHERNET_MTU;
    info->link_up = true;
    return 0;
}

static int fake_transmit(struct service *device, const void *frame, size_t length)
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

static long fake_receive(struct service *device, void *buffer, size_t size)
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

static int fake_set_up(struct service *device, bool up)
{
    fake.up = up;
    fake.set_up_calls++;
    return 0;
}

static void fake_get_statistics(struct service *device, struct ethernet_statistics *statistics)
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

static struct service fake_service = {
    .name = "fake-ethernet",
    .kind = SERVICE_DRIVER,
    .ops = &fake_ops,
    .driver_class = DRIVER_CLASS_ETHERNET,
};

/* Queue a frame for the stack to receive and ask for processing. */
static void fake_queue(const void *bytes, size_t length)
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
static void run_network(void)
{
    network_request_processing();
    thread_sleep_ns(1000000);
}

/* The first log record of the stack's last start (the boot's own start found no NIC). */
static uint64_t log_start;

/* Register the fake NIC and restart the network service so it finds it. */
static void attach_fake_device(void)
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
static void boot_with(const char *command_line)
{
    assert_int_equal(hosted_test_boot(command_line), 0);
    attach_fake_device();
}

/* CMocka setup: the syscall harness (a process with user memory) and the fake NIC. */
static int setup_user(void **state)
{
    if (syscall_test_setup(state) != 0)
        return -1;
    attach_fake_device();
    return 0;
}

/* True when some log record since the last start contains text. */
static bool log_contains(const char *text)
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
static unsigned log_count(const char *text)
{
    uint64_t sequence = log_start;
    struct klog_record record;
    unsigned count = 0;
    while (klog_read(&sequence, &record) == 0)
        count += strstr(record.text, text) != NULL;
    return count;
}

static long render(enum network_table table, char *buffer, size_t size)
{
    struct service *stack = services_network_stack();
    return SERVICE_CALL(stack, struct network_stack_ops, render_table, table, buffer, size);
}

/* The ioctl through the gate, as a socket's ioctl would make it. */
static long interface_ioctl(unsigned command, uintptr_t argument)
{
    return GATE_CALL(&network_service, network_stack_interface_ioctl(command, argument));
}

/* ------------------------------------------------------ ioctl layouts */

#define SIOCADDRT 0x890B
#define SIOCDELRT 0x890C
#define SIOCGIFNAME 0x8910
#define SIOCGIFCONF 0x8912
#define SIOCGIFFLAGS 0x8913
#define SIOCSIFFLAGS 0x8914
#define SIOCGIFADDR 0x8915
#define SIOCSIFADDR 0x8916
#define SIOCGIFBRDADDR 0x8919
#define SIOCGIFNETMASK 0x891b
#define SIOCSIFNETMASK 0x891c
#define SIOCGIFMTU 0x8921
#define SIOCGIFHWADDR 0x8927
#define SIOCGIFINDEX 0x8933
#define FIONREAD 0x541B

struct test_sockaddr_in {
    uint16_t family;
    uint16_t port;
    uint8_t address[4];
    uint8_t zero[8];
};

struct test_ifreq {
    char name[16];
    union {
        struct test_sockaddr_in address;
        struct { uint16_t family; uint8_t data[14]; } hardware;
        int16_t flags;
        int32_t value;
        uint8_t padding[24];
    };
};

struct test_ifconf {
    int32_t length;
    uint32_t padding;
    uint64_t buffer;
};

struct test_rtentry {
    uint64_t padding1;
    struct test_sockaddr_in destination;
    struct test_sockaddr_in gateway;
    struct test_sockaddr_in genmask;
    uint16_t flags;
    int16_t padding2;
    uint64_t padding3;
    uint64_t padding4;
    int16_t metric;
    uint64_t device;
    uint64_t mtu;
    uint64_t window;
    uint16_t initial_rtt;
};

/* A struct ifreq for name in user memory (its union from value when given). */
static uintptr_t user_ifreq(const char *name, const struct test_ifreq *value)
{
    struct test_ifreq request;
    memset(&request, 0, sizeof request);
    if (value)
        request = *value;
    memcpy(request.name, name, strnlen(name, sizeof request.name));   /* no NUL when 16 long */
    uintptr_t address = user_alloc(sizeof request);
    user_write(address, &request, sizeof request);
    return address;
}

static struct test_ifreq read_ifreq(uintptr_t address)
{
    struct test_ifreq request;
    user_read(&request, address, sizeof request);
    return request;
}

static struct test_ifreq ifreq_inet(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    struct test_ifreq request;
    memset(&request, 0, sizeof request);
    request.address.family = 2;
    request.address.address[0] = a;
    request.address.address[1] = b;
    request.address.address[2] = c;
    request.address.address[3] = d;
    return request;
}

static void assert_address(const struct test_sockaddr_in *address, uint8_t a, uint8_t b, uint8_t c,
                           uint8_t d)
{
    assert_int_equal(address->family, 2);
    assert_int_equal(address->address[0], a);
    assert_int_equal(address->address[1], b);
    assert_int_equal(address->address[2], c);
    assert_int_equal(address->address[3], d);
}

static void assert_request_address(struct test_ifreq request, uint8_t a, uint8_t b, uint8_t c,
                                   uint8_t d)
{
    assert_address(&request.address, a, b, c, d);
}

/* SIOCSIFADDR + SIOCSIFNETMASK 255.255.255.0 + SIOCSIFFLAGS up on eth0: 10.0.2.15/24. */
static void configure_eth0(void)
{
    struct test_ifreq value = ifreq_inet(10, 0, 2, 15);
    assert_int_equal(interface_ioctl(SIOCSIFADDR, user_ifreq("eth0", &value)), 0);
    value = ifreq_inet(255, 255, 255, 0);
    assert_int_equal(interface_ioctl(SIOCSIFNETMASK, user_ifreq("eth0", &value)), 0);
    memset(&value, 0, sizeof value);
    value.flags = IFF_UP;
    assert_int_equal(interface_ioctl(SIOCSIFFLAGS, user_ifreq("eth0", &value)), 0);
}

/* --------------------------------------------------- frame helpers */

static uint16_t checksum(const uint8_t *bytes, size_t length)
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

static void put16(uint8_t *at, uint16_t value)
{
    at[0] = (uint8_t)(value >> 8);
    at[1] = (uint8_t)value;
}

static const uint8_t host_ip[4] = { 10, 0, 2, 15 };
static const uint8_t peer_ip[4] = { 10, 0, 2, 2 };

/* "Who has 10.0.2.15? Tell 10.0.2.2" from the peer. Returns the length. */
static size_t arp_request(uint8_t *frame)
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
static size_t echo_request(uint8_t *frame, uint16_t identifier, uint16_t sequence)
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
static const struct fake_frame *sent_frame(uint16_t type, size_t *from)
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
static const struct fake_frame *sent_arp(uint16_t opcode, const uint8_t target[4], size_t *from)
{
    const struct fake_frame *frame;
    while ((frame = sent_frame(0x0806, from))) {
        if (frame->length >= 42 && (frame->bytes[20] << 8 | frame->bytes[21]) == opcode &&
            memcmp(frame->bytes + 38, target, 4) == 0)
            return frame;
    }
    return NULL;
}

/* ============================================================ tests */

/* lwIP starts with lo up at 127.0.0.1/8, and only lo without a NIC. */
static void loopback_is_up_at_start(void **state)
{
    assert_int_equal(hosted_test_boot("loglevel=3"), 0);
    assert_non_null(services_network_stack());
    assert_int_equal(stack_interface_count, 1);
    struct stack_interface *lo = stack_interface_find("lo");
    assert_non_null(lo);
    assert_int_equal(lo->index, 1);
    assert_int_equal(stack_interface_flags(lo), IFF_UP | IFF_LOOPBACK | IFF_RUNNING);
    assert_int_equal(ip4_addr_get_u32(netif_ip4_addr(lo->netif)), lwip_htonl(0x7f000001));
    assert_int_equal(ip4_addr_get_u32(netif_ip4_netmask(lo->netif)), lwip_htonl(0xff000000));
    assert_int_equal(stack_interface_mtu(lo), 65536);
}

/* An idle stack (only lo, no TCP) leaves no Core timer armed after processing. */
static void idle_stack_arms_no_timer(void **state)
{
    assert_int_equal(hosted_test_boot("loglevel=3"), 0);
    assert_int_equal(network_start(), 0);
    uint64_t runs = network_processing_runs();
    run_network();
    assert_true(network_processing_runs() > runs);
    assert_false(hosted_timer_is_armed(NULL));
    assert_int_equal(stack_timers_next_deadline_ns(false), UINT64_MAX);
}

/* An up Ethernet interface arms the timer (ARP, DHCP); down again, it is disarmed. */
static void ethernet_up_arms_the_timer_and_down_disarms_it(void **state)
{
    boot_with("loglevel=3");
    struct stack_interface *eth0 = stack_interface_find("eth0");
    assert_non_null(eth0);
    run_network();
    assert_false(hosted_timer_is_armed(NULL));
    assert_int_equal(GATE_CALL(&network_service, stack_interface_set_up(eth0, true)), 0);
    run_network();
    uint64_t deadline = 0;
    assert_true(hosted_timer_is_armed(&deadline));
    assert_true(deadline > clock_now_ns());
    assert_int_equal(GATE_CALL(&network_service, stack_interface_set_up(eth0, false)), 0);
    run_network();
    assert_false(hosted_timer_is_armed(NULL));
    assert_false(fake.up);
}

/* ip= parsing: the accepted forms and what they mean. */
static void ip_option_forms(void **state)
{
    struct stack_ip_config config;
    assert_int_equal(stack_ip_option_parse(NULL, &config), 0);
    assert_int_equal(config.mode, STACK_IP_NONE);
    assert_int_equal(stack_ip_option_parse("off", &config), 0);
    assert_int_equal(config.mode, STACK_IP_OFF);
    assert_int_equal(stack_ip_option_parse("none", &config), 0);
    assert_int_equal(config.mode, STACK_IP_OFF);
    assert_int_equal(stack_ip_option_parse("dhcp", &config), 0);
    assert_int_equal(config.mode, STACK_IP_DHCP);
    assert_string_equal(config.device, "");

    assert_int_equal(stack_ip_option_parse("10.0.2.15::10.0.2.2:255.255.255.0::eth0:off", &config), 0);
    assert_int_equal(config.mode, STACK_IP_STATIC);
    assert_int_equal(config.address, lwip_htonl(0x0a00020f));
    assert_int_equal(config.gateway, lwip_htonl(0x0a000202));
    assert_int_equal(config.netmask, lwip_htonl(0xffffff00));
    assert_string_equal(config.device, "eth0");

    /* Just the address: the class's netmask, no gateway, the first device. */
    assert_int_equal(stack_ip_option_parse("192.168.7.2", &config), 0);
    assert_int_equal(config.mode, STACK_IP_STATIC);
    assert_int_equal(config.netmask, lwip_htonl(0xffffff00));
    assert_int_equal(config.gateway, 0);
    assert_string_equal(config.device, "");
    assert_int_equal(stack_ip_option_parse("10.1.2.3:::::eth1", &config), 0);
    assert_int_equal(config.netmask, lwip_htonl(0xff000000));
    assert_string_equal(config.device, "eth1");

    /* The autoconf field asks for DHCP on the device. */
    assert_int_equal(stack_ip_option_parse(":::::eth0:dhcp", &config), 0);
    assert_int_equal(config.mode, STACK_IP_DHCP);
    assert_string_equal(config.device, "eth0");
    /* Later fields (DNS servers) are accepted and ignored. */
    assert_int_equal(stack_ip_option_parse("10.0.2.15::10.0.2.2:255.255.255.0::eth0:off:10.0.2.3", &config), 0);
    assert_int_equal(config.mode, STACK_IP_STATIC);
}

/* Malformed ip= values are refused whole. */
static void ip_option_malformed(void **state)
{
    static const char *const bad[] = {
        "", "dhcpx", "10.0.2", "10.0.2.256", "10.0.2.15.1", "a.b.c.d",
        "10.0.2.15::10.0.2.x:255.255.255.0::eth0:off",
        "10.0.2.15::10.0.2.2:255.0.255.0::eth0:off",     /* holes in the netmask */
        "10.0.2.15::10.0.2.2:0.0.0.0::eth0:off",
        "10.0.2.15::10.0.2.2:255.255.255.0::eth0:maybe",
        "10.0.2.15::10.0.2.2:255.255.255.0::averyveryverylongname:off",
        "0.0.0.0::10.0.2.2:255.255.255.0::eth0:off",
        "::10.0.2.2:255.255.255.0::eth0:off",
        "1:2:3:4:5:6:7:8:9:10:11",
        "0010.0.2.15",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct stack_ip_config config;
        long result = stack_ip_option_parse(bad[i], &config);
        if (result != -EINVAL)
            fail_msg("ip=%s was accepted", bad[i]);
        assert_int_equal(config.mode, STACK_IP_OFF);
    }
}

/* The address helpers. */
static void address_helpers(void **state)
{
    uint32_t address;
    assert_true(stack_parse_ipv4("255.255.255.255", 15, &address));
    assert_int_equal(address, UINT32_MAX);
    assert_false(stack_parse_ipv4("1.2.3.4 ", 8, &address));
    assert_true(stack_netmask_is_valid(lwip_htonl(0xfffffff0)));
    assert_true(stack_netmask_is_valid(0));
    assert_false(stack_netmask_is_valid(lwip_htonl(0xff00ff00)));
    assert_int_equal(stack_classful_netmask(lwip_htonl(0x0a000001)), lwip_htonl(0xff000000));
    assert_int_equal(stack_classful_netmask(lwip_htonl(0xac100001)), lwip_htonl(0xffff0000));
    assert_int_equal(stack_classful_netmask(lwip_htonl(0xc0a80001)), lwip_htonl(0xffffff00));
}

/* Without ip=, the NIC's interface exists but stays down. */
static void no_ip_option_leaves_ethernet_down(void **state)
{
    boot_with("loglevel=3");
    struct stack_interface *eth0 = stack_interface_find("eth0");
    assert_non_null(eth0);
    assert_int_equal(eth0->index, 2);
    assert_int_equal(stack_interface_flags(eth0), IFF_BROADCAST | IFF_MULTICAST);
    assert_false(fake.up);
    assert_int_equal(log_count("network: eth0"), 0);
}

/* A static ip= brings eth0 up with its address and default route, and says so once. */
static void static_ip_option_configures_eth0(void **state)
{
    boot_with("loglevel=3 ip=10.0.2.15::10.0.2.2:255.255.255.0::eth0:off");
    struct stack_interface *eth0 = stack_interface_find("eth0");
    assert_non_null(eth0);
    assert_true(fake.up);
    assert_int_equal(stack_interface_flags(eth0), IFF_UP | IFF_BROADCAST | IFF_RUNNING | IFF_MULTICAST);
    assert_int_equal(ip4_addr_get_u32(netif_ip4_addr(eth0->netif)), lwip_htonl(0x0a00020f));
    assert_int_equal(log_count("network: eth0: 10.0.2.15 netmask 255.255.255.0 gateway 10.0.2.2"), 1);
    char table[1024];
    long length = render(NETWORK_TABLE_ROUTE, table, sizeof table);
    assert_true(length > 0 && (size_t)length < sizeof table);
    assert_non_null(strstr(table, "\neth0\t00000000\t0202000A\t0003\t0\t0\t0\t00000000\t0\t0\t0"));
    assert_non_null(strstr(table, "\neth0\t0002000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0"));
}

/* ip=off, and a malformed ip= (one log line), leave eth0 down. */
static void off_and_malformed_ip_options_leave_eth0_down(void **state)
{
    boot_with("loglevel=3 ip=off");
    assert_false(fake.up);
    assert_false(netif_is_up(stack_interface_find("eth0")->netif));

    boot_with("loglevel=3 ip=10.0.2.15::10.0.2.2:255.0.255.0::eth0:off");
    assert_false(fake.up);
    assert_false(netif_is_up(stack_interface_find("eth0")->netif));
    assert_int_equal(log_count("malformed ip="), 1);

    boot_with("loglevel=3 ip=10.0.2.15::10.0.2.2:255.255.255.0::eth7:off");
    assert_false(fake.up);
    assert_int_equal(log_count("no Ethernet device eth7"), 1);
}

/* ip=dhcp brings eth0 up and broadcasts a DHCPDISCOVER from port 68 to 67. */
static void dhcp_ip_option_sends_a_discover(void **state)
{
    boot_with("loglevel=3 ip=dhcp");
    assert_true(fake.up);
    assert_true(log_contains("network: eth0: DHCP started"));
    run_network();
    size_t from = 0;
    const struct fake_frame *frame = sent_frame(0x0800, &from);
    assert_non_null(frame);
    const uint8_t *bytes = frame->bytes;
    static const uint8_t broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    assert_memory_equal(bytes, broadcast, 6);
    assert_memory_equal(bytes + 6, fake_address, 6);
    const uint8_t *ip = bytes + 14;
    assert_int_equal(ip[9], 17);                                   /* UDP */
    const uint8_t *udp = ip + (ip[0] & 0xf) * 4;
    assert_int_equal(udp[0] << 8 | udp[1], 68);
    assert_int_equal(udp[2] << 8 | udp[3], 67);
    const uint8_t *dhcp = udp + 8;
    assert_int_equal(dhcp[0], 1);                                  /* BOOTREQUEST */
    assert_memory_equal(dhcp + 28, fake_address, 6);               /* chaddr */
    /* A timer is armed for the retransmission. */
    assert_true(hosted_timer_is_armed(NULL));
}

/*
 * A DHCP reply (message_type 2 OFFER or 5 ACK) from the server 10.0.2.2
 * to the client's transaction xid: 10.0.2.15/24, router 10.0.2.2, one
 * day's lease. UDP without a checksum. Returns the length.
 */
static size_t dhcp_reply(uint8_t *frame, const uint8_t xid[4], uint8_t message_type)
{
    size_t dhcp_length = 240 + 3 + 6 + 6 + 6 + 6 + 1;
    size_t length = 14 + 20 + 8 + dhcp_length;
    memset(frame, 0, length);
    memset(frame, 0xff, 6);
    memcpy(frame + 6, peer_address, 6);
    put16(frame + 12, 0x0800);
    uint8_t *ip = frame + 14;
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)(20 + 8 + dhcp_length));
    ip[8] = 64;
    ip[9] = 17;
    memcpy(ip + 12, peer_ip, 4);
    memset(ip + 16, 0xff, 4);
    put16(ip + 10, checksum(ip, 20));
    uint8_t *udp = ip + 20;
    put16(udp, 67);
    put16(udp + 2, 68);
    put16(udp + 4, (uint16_t)(8 + dhcp_length));
    uint8_t *dhcp = udp + 8;
    dhcp[0] = 2;                 /* BOOTREPLY */
    dhcp[1] = 1;
    dhcp[2] = 6;
    memcpy(dhcp + 4, xid, 4);
    memcpy(dhcp + 16, host_ip, 4);          /* yiaddr */
    memcpy(dhcp + 20, peer_ip, 4);          /* siaddr */
    memcpy(dhcp + 28, fake_address, 6);     /* chaddr */
    static const uint8_t cookie[4] = { 99, 130, 83, 99 };
    memcpy(dhcp + 236, cookie, 4);
    uint8_t *option = dhcp + 240;
    *option++ = 53, *option++ = 1, *option++ = message_type;
    *option++ = 54, *option++ = 4, memcpy(option, peer_ip, 4), option += 4;
    *option++ = 51, *option++ = 4, *option++ = 0, *option++ = 1, *option++ = 0x51, *option++ = 0x80;
    *option++ = 1, *option++ = 4, *option++ = 255, *option++ = 255, *option++ = 255, *option++ = 0;
    *option++ = 3, *option++ = 4, memcpy(option, peer_ip, 4), option += 4;
    *option++ = 255;
    return length;
}

/* The DHCP message type of a sent DHCP frame and its xid, 0 when it is none. */
static int sent_dhcp_type(const struct fake_frame *frame, uint8_t xid[4])
{
    const uint8_t *ip = frame->bytes + 14;
    const uint8_t *udp = ip + (ip[0] & 0xf) * 4;
    if (ip[9] != 17 || (udp[2] << 8 | udp[3]) != 67)
        return 0;
    const uint8_t *dhcp = udp + 8;
    memcpy(xid, dhcp + 4, 4);
    for (const uint8_t *option = dhcp + 240; option < frame->bytes + frame->length && *option != 255;
         option += 2 + option[1]) {
        if (option[0] == 53)
            return option[2];
    }
    return 0;
}

/* A whole DHCP exchange: discover, offer, request, ack; then the address, route and log line. */
static void dhcp_exchange_configures_eth0(void **state)
{
    boot_with("loglevel=3 ip=dhcp");
    run_network();
    size_t from = 0;
    const struct fake_frame *frame = sent_frame(0x0800, &from);
    assert_non_null(frame);
    uint8_t xid[4];
    assert_int_equal(sent_dhcp_type(frame, xid), 1);            /* DISCOVER */
    uint8_t reply[ETHERNET_FRAME_MAX];
    fake_queue(reply, dhcp_reply(reply, xid, 2));                /* OFFER */
    run_network();
    frame = sent_frame(0x0800, &from);
    assert_non_null(frame);
    assert_int_equal(sent_dhcp_type(frame, xid), 3);            /* REQUEST */
    assert_false(log_contains("(dhcp)"));
    fake_queue(reply, dhcp_reply(reply, xid, 5));                /* ACK */
    run_network();
    struct stack_interface *eth0 = stack_interface_find("eth0");
    assert_int_equal(ip4_addr_get_u32(netif_ip4_addr(eth0->netif)), lwip_htonl(0x0a00020f));
    assert_int_equal(ip4_addr_get_u32(netif_ip4_gw(eth0->netif)), lwip_htonl(0x0a000202));
    assert_int_equal(log_count("network: eth0: 10.0.2.15 netmask 255.255.255.0 gateway 10.0.2.2 (dhcp)"), 1);
    char table[1024];
    render(NETWORK_TABLE_ROUTE, table, sizeof table);
    assert_non_null(strstr(table, "\neth0\t00000000\t0202000A\t0003\t"));
}

/* ARP requests for our address are answered; pings get echo replies. */
static void arp_and_icmp_are_answered(void **state)
{
    boot_with("loglevel=3 ip=10.0.2.15::10.0.2.2:255.255.255.0::eth0:off");
    uint8_t frame[ETHERNET_FRAME_MAX];
    fake_queue(frame, arp_request(frame));
    run_network();
    size_t from = 0;
    const struct fake_frame *reply = sent_arp(2, peer_ip, &from);
    assert_non_null(reply);
    assert_true(reply->length >= 42);
    assert_memory_equal(reply->bytes, peer_address, 6);
    assert_memory_equal(reply->bytes + 6, fake_address, 6);
    assert_int_equal(reply->bytes[20] << 8 | reply->bytes[21], 2);   /* ARP reply */
    assert_memory_equal(reply->bytes + 22, fake_address, 6);
    assert_memory_equal(reply->bytes + 28, host_ip, 4);
    assert_memory_equal(reply->bytes + 32, peer_address, 6);
    assert_memory_equal(reply->bytes + 38, peer_ip, 4);

    fake_queue(frame, echo_request(frame, 0x4242, 7));
    run_network();
    from = 0;
    const struct fake_frame *echo = sent_frame(0x0800, &from);
    assert_non_null(echo);
    const uint8_t *ip = echo->bytes + 14;
    assert_int_equal(ip[9], 1);
    assert_memory_equal(ip + 12, host_ip, 4);
    assert_memory_equal(ip + 16, peer_ip, 4);
    assert_int_equal(checksum(ip, 20), 0);
    const uint8_t *icmp = ip + 20;
    assert_int_equal(icmp[0], 0);                                   /* echo reply */
    assert_int_equal(icmp[4] << 8 | icmp[5], 0x4242);
    assert_int_equal(icmp[6] << 8 | icmp[7], 7);
    assert_memory_equal(icmp + 8, "abcdefghijklmnop", 16);
    assert_int_equal(checksum(icmp, 8 + 16), 0);

    /* The driver's counters show in /proc/net/dev. */
    char table[1024];
    assert_true(render(NETWORK_TABLE_DEV, table, sizeof table) > 0);
    char line[160];
    snprintf(line, sizeof line, "  eth0: %7llu %7llu    0    0    0     0          0         0 %8llu %7llu",
             (unsigned long long)fake.statistics.receive_bytes,
             (unsigned long long)fake.statistics.receive_packets,
             (unsigned long long)fake.statistics.transmit_bytes,
             (unsigned long long)fake.statistics.transmit_packets);
    assert_non_null(strstr(table, line));
}

/* Frames that are not for us, or garbage, are dropped without harm. */
static void malformed_frames_are_dropped(void **state)
{
    boot_with("loglevel=3 ip=10.0.2.15::10.0.2.2:255.255.255.0::eth0:off");
    uint8_t frame[ETHERNET_FRAME_MAX];
    fake_queue(frame, arp_request(frame));   /* the peer's address is known */
    memset(frame, 0xa5, sizeof frame);
    fake_queue(frame, 1);
    fake_queue(frame, 14);
    fake_queue(frame, sizeof frame);
    size_t length = echo_request(frame, 1, 1);
    frame[14 + 2] = 0xff;    /* IP total length beyond the frame */
    fake_queue(frame, length);
    length = echo_request(frame, 1, 2);
    frame[14 + 20 + 2] ^= 0xff;   /* bad ICMP checksum */
    fake_queue(frame, length);
    run_network();
    assert_int_equal(fake.queued_count, 0);
    size_t from = 0;
    assert_null(sent_frame(0x0800, &from));
    /* Still answering. */
    fake_queue(frame, echo_request(frame, 2, 3));
    run_network();
    assert_non_null(sent_frame(0x0800, &from));
}

/* /proc/net/dev: Linux's header and one line per interface (lo first). */
static void proc_net_dev_format(void **state)
{
    boot_with("loglevel=3");
    char table[1024];
    long length = render(NETWORK_TABLE_DEV, table, sizeof table);
    assert_true(length > 0);
    assert_int_equal((size_t)length, strlen(table));
    const char *expected =
        "Inter-|   Receive                                                |  Transmit\n"
        " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
        "    lo:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0\n"
        "  eth0:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0\n";
    assert_string_equal(table, expected);
    /* Too small a buffer: truncated, terminated, the full length returned. */
    char small[16];
    assert_int_equal(render(NETWORK_TABLE_DEV, small, sizeof small), length);
    assert_int_equal(strlen(small), sizeof small - 1);
    /* /proc/net/route without routes: the padded header only. */
    length = render(NETWORK_TABLE_ROUTE, table, sizeof table);
    assert_int_equal(length, 128);
    assert_memory_equal(table, "Iface\tDestination\tGateway \tFlags", 32);
}

/* Reading /proc/net/dev and /proc/net/route through the file system. */
static void proc_net_files_read_through_procfs(void **state)
{
    long fd = OK(sys(SYS_openat, AT_FDCWD, U("/proc/net/dev"), O_RDONLY, 0));
    uintptr_t buffer = user_alloc(4096);
    long length = OK(sys(SYS_read, fd, buffer, 4096));
    char text[4097];
    user_read(text, buffer, (size_t)length);
    text[length] = '\0';
    assert_non_null(strstr(text, "Inter-|   Receive"));
    assert_non_null(strstr(text, "    lo:"));
    assert_non_null(strstr(text, "  eth0:"));
    OK(sys(SYS_close, fd));
    fd = OK(sys(SYS_openat, AT_FDCWD, U("/proc/net/route"), O_RDONLY, 0));
    length = OK(sys(SYS_read, fd, buffer, 4096));
    assert_int_equal(length, 128);
    OK(sys(SYS_close, fd));
    /* tcp, udp and unix exist (rendered by the socket parts). */
    static const char *const others[] = { "/proc/net/tcp", "/proc/net/udp", "/proc/net/unix" };
    for (size_t i = 0; i < 3; i++) {
        fd = OK(sys(SYS_openat, AT_FDCWD, U(others[i]), O_RDONLY, 0));
        assert_true(OK(sys(SYS_read, fd, buffer, 4096)) > 0);
        OK(sys(SYS_close, fd));
    }
    CHECK(sys(SYS_openat, AT_FDCWD, U("/proc/net/nothing"), O_RDONLY, 0), -ENOENT);
}

/* SIOCGIFCONF: the size with no buffer, whole entries only, then EFAULT. */
static void ifconf_lists_interfaces_with_addresses(void **state)
{
    struct test_ifconf configuration = { .length = 0, .buffer = 0 };
    uintptr_t user = user_alloc(sizeof configuration);
    user_write(user, &configuration, sizeof configuration);
    assert_int_equal(interface_ioctl(SIOCGIFCONF, user), 0);
    user_read(&configuration, user, sizeof configuration);
    assert_int_equal(configuration.length, 40);   /* lo only: eth0 has no address yet */

    configure_eth0();
    uintptr_t entries = user_alloc(3 * 40);
    configuration = (struct test_ifconf){ .length = 3 * 40, .buffer = entries };
    user_write(user, &configuration, sizeof configuration);
    assert_int_equal(interface_ioctl(SIOCGIFCONF, user), 0);
    user_read(&configuration, user, sizeof configuration);
    assert_int_equal(configuration.length, 80);
    struct test_ifreq listed[2];
    user_read(listed, entries, sizeof listed);
    assert_string_equal(listed[0].name, "lo");
    assert_address(&listed[0].address, 127, 0, 0, 1);
    assert_string_equal(listed[1].name, "eth0");
    assert_address(&listed[1].address, 10, 0, 2, 15);

    configuration = (struct test_ifconf){ .length = 79, .buffer = entries };
    user_write(user, &configuration, sizeof configuration);
    assert_int_equal(interface_ioctl(SIOCGIFCONF, user), 0);
    user_read(&configuration, user, sizeof configuration);
    assert_int_equal(configuration.length, 40);

    assert_int_equal(interface_ioctl(SIOCGIFCONF, HARNESS_UNMAPPED), -EFAULT);
    configuration = (struct test_ifconf){ .length = 80, .buffer = HARNESS_UNMAPPED - 40 };
    user_write(user, &configuration, sizeof configuration);
    assert_int_equal(interface_ioctl(SIOCGIFCONF, user), -EFAULT);
}

/* The per-interface get requests on lo and eth0. */
static void interface_queries(void **state)
{
    uintptr_t request = user_ifreq("lo", NULL);
    assert_int_equal(interface_ioctl(SIOCGIFFLAGS, request), 0);
    assert_int_equal(read_ifreq(request).flags, IFF_UP | IFF_LOOPBACK | IFF_RUNNING);
    assert_int_equal(interface_ioctl(SIOCGIFADDR, request), 0);
    assert_request_address(read_ifreq(request), 127, 0, 0, 1);
    assert_int_equal(interface_ioctl(SIOCGIFNETMASK, request), 0);
    assert_request_address(read_ifreq(request), 255, 0, 0, 0);
    assert_int_equal(interface_ioctl(SIOCGIFMTU, request), 0);
    assert_int_equal(read_ifreq(request).value, 65536);
    assert_int_equal(interface_ioctl(SIOCGIFINDEX, request), 0);
    assert_int_equal(read_ifreq(request).value, 1);
    assert_int_equal(interface_ioctl(SIOCGIFHWADDR, request), 0);
    assert_int_equal(read_ifreq(request).hardware.family, 772);

    request = user_ifreq("eth0", NULL);
    assert_int_equal(interface_ioctl(SIOCGIFFLAGS, request), 0);
    assert_int_equal(read_ifreq(request).flags, IFF_BROADCAST | IFF_MULTICAST);
    assert_int_equal(interface_ioctl(SIOCGIFADDR, request), -EADDRNOTAVAIL);
    assert_int_equal(interface_ioctl(SIOCGIFHWADDR, request), 0);
    struct test_ifreq hardware = read_ifreq(request);
    assert_int_equal(hardware.hardware.family, 1);
    assert_memory_equal(hardware.hardware.data, fake_address, 6);
    assert_int_equal(interface_ioctl(SIOCGIFINDEX, request), 0);
    assert_int_equal(read_ifreq(request).value, 2);
    assert_int_equal(interface_ioctl(SIOCGIFMTU, request), 0);
    assert_int_equal(read_ifreq(request).value, 1500);

    struct test_ifreq by_index;
    memset(&by_index, 0, sizeof by_index);
    by_index.value = 2;
    request = user_ifreq("", &by_index);
    assert_int_equal(interface_ioctl(SIOCGIFNAME, request), 0);
    assert_string_equal(read_ifreq(request).name, "eth0");
    by_index.value = 9;
    assert_int_equal(interface_ioctl(SIOCGIFNAME, user_ifreq("", &by_index)), -ENODEV);
}

/* Errors: unknown interface, bad pointers, families, masks, other commands. */
static void interface_errors(void **state)
{
    assert_int_equal(interface_ioctl(SIOCGIFFLAGS, user_ifreq("eth9", NULL)), -ENODEV);
    assert_int_equal(interface_ioctl(SIOCGIFFLAGS, HARNESS_UNMAPPED), -EFAULT);
    assert_int_equal(interface_ioctl(SIOCGIFFLAGS, HARNESS_KERNEL_ADDRESS), -EFAULT);
    /* The result cannot be written back: read-only memory. */
    struct test_ifreq lo;
    memset(&lo, 0, sizeof lo);
    strcpy(lo.name, "lo");
    user_readonly_fill(&lo, sizeof lo);
    assert_int_equal(interface_ioctl(SIOCGIFFLAGS, HARNESS_READONLY), -EFAULT);
    /* A name without its NUL within 16 bytes is cut at 15. */
    struct test_ifreq long_name;
    memset(&long_name, 'x', sizeof long_name.name);
    assert_int_equal(interface_ioctl(SIOCGIFFLAGS, user_ifreq("xxxxxxxxxxxxxxxx", &long_name)), -ENODEV);

    struct test_ifreq value = ifreq_inet(10, 0, 2, 15);
    value.address.family = 10;    /* AF_INET6 */
    assert_int_equal(interface_ioctl(SIOCSIFADDR, user_ifreq("eth0", &value)), -EINVAL);
    value = ifreq_inet(255, 255, 255, 0);
    assert_int_equal(interface_ioctl(SIOCSIFNETMASK, user_ifreq("eth0", &value)), -EADDRNOTAVAIL);
    configure_eth0();
    value = ifreq_inet(255, 0, 255, 0);
    assert_int_equal(interface_ioctl(SIOCSIFNETMASK, user_ifreq("eth0", &value)), -EINVAL);
    assert_int_equal(interface_ioctl(FIONREAD, user_alloc(8)), -ENOTTY);
}

/* Configuring eth0 through ioctls: address, class then explicit netmask, up, broadcast. */
static void interface_configuration_by_ioctl(void **state)
{
    struct test_ifreq value = ifreq_inet(10, 0, 2, 15);
    uintptr_t request = user_ifreq("eth0", &value);
    assert_int_equal(interface_ioctl(SIOCSIFADDR, request), 0);
    request = user_ifreq("eth0", NULL);
    assert_int_equal(interface_ioctl(SIOCGIFNETMASK, request), 0);
    assert_request_address(read_ifreq(request), 255, 0, 0, 0);   /* class A, as Linux */
    assert_false(fake.up);
    configure_eth0();
    assert_true(fake.up);
    request = user_ifreq("eth0", NULL);
    assert_int_equal(interface_ioctl(SIOCGIFFLAGS, request), 0);
    assert_int_equal(read_ifreq(request).flags, IFF_UP | IFF_BROADCAST | IFF_RUNNING | IFF_MULTICAST);
    assert_int_equal(interface_ioctl(SIOCGIFBRDADDR, request), 0);
    assert_request_address(read_ifreq(request), 10, 0, 2, 255);
    /* Down again. */
    memset(&value, 0, sizeof value);
    assert_int_equal(interface_ioctl(SIOCSIFFLAGS, user_ifreq("eth0", &value)), 0);
    assert_false(fake.up);
}

/* SIOCADDRT/SIOCDELRT: the default route through a reachable gateway. */
static void default_route_by_ioctl(void **state)
{
    struct test_rtentry route;
    memset(&route, 0, sizeof route);
    route.destination.family = 2;
    route.genmask.family = 2;
    route.gateway.family = 2;
    memcpy(route.gateway.address, peer_ip, 4);
    route.flags = 0x3;   /* RTF_UP | RTF_GATEWAY */
    uintptr_t user = user_alloc(sizeof route);
    user_write(user, &route, sizeof route);
    assert_int_equal(interface_ioctl(SIOCADDRT, user), -ENETUNREACH);   /* eth0 is down */
    configure_eth0();
    assert_int_equal(interface_ioctl(SIOCADDRT, user), 0);
    assert_int_equal(interface_ioctl(SIOCADDRT, user), -EEXIST);
    char table[1024];
    render(NETWORK_TABLE_ROUTE, table, sizeof table);
    assert_non_null(strstr(table, "\neth0\t00000000\t0202000A\t0003\t"));
    /* lwIP keeps no other routes; an interface's own subnet exists already. */
    struct test_rtentry network = route;
    network.flags = 0x1;
    network.destination.address[0] = 10;
    network.destination.address[2] = 2;
    memset(network.genmask.address, 255, 3);
    memset(network.gateway.address, 0, 4);
    uintptr_t user_network = user_alloc(sizeof network);
    user_write(user_network, &network, sizeof network);
    assert_int_equal(interface_ioctl(SIOCADDRT, user_network), -EEXIST);
    /* Destination bits outside the mask. */
    network.destination.address[3] = 1;
    user_write(user_network, &network, sizeof network);
    assert_int_equal(interface_ioctl(SIOCADDRT, user_network), -EINVAL);
    route.destination.family = 10;
    uintptr_t user_family = user_alloc(sizeof route);
    user_write(user_family, &route, sizeof route);
    assert_int_equal(interface_ioctl(SIOCADDRT, user_family), -EAFNOSUPPORT);

    assert_int_equal(interface_ioctl(SIOCDELRT, user), 0);
    assert_int_equal(interface_ioctl(SIOCDELRT, user), -ESRCH);
    render(NETWORK_TABLE_ROUTE, table, sizeof table);
    assert_null(strstr(table, "\teth0\t00000000"));
    assert_null(strstr(table, "\neth0\t00000000"));
    /* A named device that does not exist. */
    struct test_rtentry through_device;
    memcpy(&through_device, &route, sizeof route);
    through_device.destination.family = 2;
    through_device.device = U("eth5");
    user_write(user, &through_device, sizeof through_device);
    assert_int_equal(interface_ioctl(SIOCADDRT, user), -ENODEV);
    through_device.device = HARNESS_UNMAPPED;
    user_write(user, &through_device, sizeof through_device);
    assert_int_equal(interface_ioctl(SIOCADDRT, user), -EFAULT);
    assert_int_equal(interface_ioctl(SIOCADDRT, HARNESS_UNMAPPED), -EFAULT);
}

/* Stop and start again: interfaces come back, nothing of the old run stays. */
static void restart_starts_clean(void **state)
{
    boot_with("loglevel=3 ip=10.0.2.15::10.0.2.2:255.255.255.0::eth0:off");
    run_network();
    struct heap_statistics before, after;
    for (int round = 0; round < 3; round++) {
        assert_int_equal(services_unregister(&network_service), 0);
        assert_false(hosted_timer_is_armed(NULL) && stack_interface_count > 0);
        assert_int_equal(stack_interface_count, 0);
        assert_false(fake.up);
        if (round == 1)
            heap_get_statistics(&before);
        assert_int_equal(network_service_register(), 0);
        assert_int_equal(stack_interface_count, 2);
        assert_true(fake.up);
        uint8_t frame[ETHERNET_FRAME_MAX];
        fake_queue(frame, echo_request(frame, 9, (uint16_t)round));
        size_t from = fake.sent_count;
        run_network();
        assert_non_null(sent_arp(1, peer_ip, &from));   /* the reply waits for ARP */
        if (round == 1) {
            assert_int_equal(services_unregister(&network_service), 0);
            heap_get_statistics(&after);
            assert_int_equal(after.bytes_in_use, before.bytes_in_use);
            assert_int_equal(network_service_register(), 0);
        }
    }
}

/* A second boot in the same process finds the stack fresh (its old state is forgotten). */
static void boot_again_without_stop(void **state)
{
    boot_with("loglevel=3 ip=10.0.2.15::10.0.2.2:255.255.255.0::eth0:off");
    uint8_t frame[ETHERNET_FRAME_MAX];
    fake_queue(frame, arp_request(frame));
    run_network();
    assert_int_equal(hosted_test_boot("loglevel=3"), 0);   /* no stop */
    assert_int_equal(stack_interface_count, 1);
    assert_int_equal(network_start(), 0);
    run_network();
    assert_false(hosted_timer_is_armed(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loopback_is_up_at_start),
        cmocka_unit_test(idle_stack_arms_no_timer),
        cmocka_unit_test(ethernet_up_arms_the_timer_and_down_disarms_it),
        cmocka_unit_test(ip_option_forms),
        cmocka_unit_test(ip_option_malformed),
        cmocka_unit_test(address_helpers),
        cmocka_unit_test(no_ip_option_leaves_ethernet_down),
        cmocka_unit_test(static_ip_option_configures_eth0),
        cmocka_unit_test(off_and_malformed_ip_options_leave_eth0_down),
        cmocka_unit_test(dhcp_ip_option_sends_a_discover),
        cmocka_unit_test(dhcp_exchange_configures_eth0),
        cmocka_unit_test(arp_and_icmp_are_answered),
        cmocka_unit_test(malformed_frames_are_dropped),
        cmocka_unit_test(proc_net_dev_format),
        cmocka_unit_test_setup_teardown(proc_net_files_read_through_procfs, setup_user,
                                        syscall_test_teardown),
        cmocka_unit_test_setup_teardown(ifconf_lists_interfaces_with_addresses, setup_user,
                                        syscall_test_teardown),
        cmocka_unit_test_setup_teardown(interface_queries, setup_user, syscall_test_teardown),
        cmocka_unit_test_setup_teardown(interface_errors, setup_user, syscall_test_teardown),
        cmocka_unit_test_setup_teardown(interface_configuration_by_ioctl, setup_user,
                                        syscall_test_teardown),
        cmocka_unit_test_setup_teardown(default_route_by_ioctl, setup_user, syscall_test_teardown),
        cmocka_unit_test(restart_starts_clean),
        cmocka_unit_test(boot_again_without_stop),
    };
    return cmocka_run_group_tests_name("network stack", tests, NULL, NULL);
}
