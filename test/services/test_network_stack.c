/*
 * test_network_stack.c — the network service's stack part (lwIP glue):
 * start with lo, one interface per Ethernet driver (the fixture's fake
 * driver), the ip= option, DHCP, ARP and ICMP through the fake device,
 * /proc/net/dev and route, the Core timer left disarmed by an idle stack,
 * stop/start cycles and a boot again without a stop.
 * The ioctls are in test_network_stack_ioctl.c.
 */
#include "network_stack_fixture.h"

#include <rk/containment.h>

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
    assert_int_equal(GATE_CALL(&network_service, "stack_interface_set_up", stack_interface_set_up(eth0, true)), 0);
    run_network();
    uint64_t deadline = 0;
    assert_true(hosted_timer_is_armed(&deadline));
    assert_true(deadline > clock_now_ns());
    assert_int_equal(GATE_CALL(&network_service, "stack_interface_set_up", stack_interface_set_up(eth0, false)), 0);
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

/* lwip_port/sys_arch.c's LWIP_PLATFORM_ASSERT. */
void lwip_port_assert(const char *message, int line, const char *file);

/*
 * A failed lwIP assertion is a service fault: the crossing yields EIO, one
 * log line says kind=assertion, the stack restarts with its interfaces.
 */
static void lwip_assertion_is_a_service_fault(void **state)
{
    boot_with("loglevel=3 ip=10.0.2.15::10.0.2.2:255.255.255.0::eth0:off");
    int result = GATE_CALL(&network_service, "check",
                           (lwip_port_assert("repeated check", 10, "test_site.c"), 0));
    assert_int_equal(result, -EIO);
    assert_int_equal(log_count("kind=assertion"), 1);
    assert_true(log_contains("repeated check at test_site.c:10"));
    assert_int_equal(network_service.status, SERVICE_DEAD);
    assert_int_equal(service_restart(&network_service), 0);
    assert_int_equal(stack_interface_count, 2);
    assert_true(netif_is_up(stack_interface_find("eth0")->netif));
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
        cmocka_unit_test(restart_starts_clean),
        cmocka_unit_test(boot_again_without_stop),
        cmocka_unit_test(lwip_assertion_is_a_service_fault),
    };
    return cmocka_run_group_tests_name("network stack", tests, NULL, NULL);
}
