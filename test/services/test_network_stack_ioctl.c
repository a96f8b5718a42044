/*
 * test_network_stack_ioctl.c — the SIOC* interface and route ioctls of the
 * network service on user memory (the syscall suite's harness: a process
 * with a user arena), and /proc/net read through the file system.
 */
#include "network_stack_fixture.h"

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

/* The same requests through socket descriptors (inet and unix), as ifconfig makes them. */
static void ioctls_through_socket_descriptors(void **state)
{
    long inet = OK(sys(SYS_socket, 2 /* AF_INET */, 2 /* SOCK_DGRAM */, 0));
    uintptr_t request = user_ifreq("lo", NULL);
    CHECK(sys(SYS_ioctl, inet, SIOCGIFFLAGS, request), 0);
    assert_int_equal(read_ifreq(request).flags, IFF_UP | IFF_LOOPBACK | IFF_RUNNING);
    CHECK(sys(SYS_ioctl, inet, SIOCGIFFLAGS, user_ifreq("eth9", NULL)), -ENODEV);
    CHECK(sys(SYS_ioctl, inet, SIOCGIFFLAGS, HARNESS_UNMAPPED), -EFAULT);
    long local = OK(sys(SYS_socket, 1 /* AF_UNIX */, 1 /* SOCK_STREAM */, 0));
    request = user_ifreq("eth0", NULL);
    CHECK(sys(SYS_ioctl, local, SIOCGIFINDEX, request), 0);
    assert_int_equal(read_ifreq(request).value, 2);
    OK(sys(SYS_close, inet));
    OK(sys(SYS_close, local));
}

/* A user sockaddr_in for address:port (port in host order). */
static uintptr_t user_inet_address(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port)
{
    struct test_sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.family = 2;
    address.port = (uint16_t)(port >> 8 | port << 8);
    address.address[0] = a;
    address.address[1] = b;
    address.address[2] = c;
    address.address[3] = d;
    uintptr_t user = user_alloc(sizeof address);
    user_write(user, &address, sizeof address);
    return user;
}

/* Without euid 0 (Linux: CAP_NET_ADMIN, CAP_NET_BIND_SERVICE) interfaces, routes and low ports are refused. */
static void unprivileged_callers_may_not_configure_or_bind_low_ports(void **state)
{
    long udp = OK(sys(SYS_socket, 2, 2 /* SOCK_DGRAM */, 0));
    long tcp = OK(sys(SYS_socket, 2, 1 /* SOCK_STREAM */, 0));
    CHECK(sys(SYS_setresuid, 1000, 1000, 1000), 0);
    struct test_ifreq value = ifreq_inet(127, 0, 0, 2);
    CHECK(sys(SYS_ioctl, udp, SIOCSIFADDR, user_ifreq("lo", &value)), -EPERM);
    memset(&value, 0, sizeof value);
    CHECK(sys(SYS_ioctl, udp, SIOCSIFFLAGS, user_ifreq("lo", &value)), -EPERM);
    CHECK(sys(SYS_ioctl, udp, SIOCSIFFLAGS, user_ifreq("eth9", &value)), -EPERM);
    CHECK(sys(SYS_ioctl, udp, SIOCSIFFLAGS, HARNESS_UNMAPPED), -EFAULT);    /* read first, as Linux */
    CHECK(sys(SYS_ioctl, udp, SIOCADDRT, HARNESS_UNMAPPED), -EPERM);        /* checked first, as Linux */
    uintptr_t request = user_ifreq("lo", NULL);
    CHECK(sys(SYS_ioctl, udp, SIOCGIFFLAGS, request), 0);                  /* queries stay open */
    assert_int_equal(read_ifreq(request).flags, IFF_UP | IFF_LOOPBACK | IFF_RUNNING);
    CHECK(sys(SYS_bind, udp, user_inet_address(127, 0, 0, 1, 80), 16), -EACCES);
    CHECK(sys(SYS_bind, tcp, user_inet_address(127, 0, 0, 1, 1023), 16), -EACCES);
    CHECK(sys(SYS_bind, tcp, user_inet_address(127, 0, 0, 1, 1024), 16), 0);
    CHECK(sys(SYS_bind, udp, user_inet_address(127, 0, 0, 1, 0), 16), 0);
    OK(sys(SYS_close, udp));
    OK(sys(SYS_close, tcp));
}

/* Root may bind a low port. */
static void root_binds_low_ports(void **state)
{
    long udp = OK(sys(SYS_socket, 2, 2, 0));
    CHECK(sys(SYS_bind, udp, user_inet_address(127, 0, 0, 1, 80), 16), 0);
    OK(sys(SYS_close, udp));
}

/* A datagram the NIC's full transmit ring refuses is dropped and counted; send succeeds (Linux). */
static void udp_send_succeeds_when_the_transmit_ring_is_full(void **state)
{
    configure_eth0();
    long udp = OK(sys(SYS_socket, 2, 2, 0));
    uintptr_t one = user_alloc(4);
    user_write(one, &(int){ 1 }, 4);
    CHECK(sys(SYS_setsockopt, udp, 1 /* SOL_SOCKET */, 6 /* SO_BROADCAST */, one, 4), 0);   /* Linux needs it */
    uintptr_t data = user_alloc(4);
    user_write(data, "ring", 4);
    uintptr_t broadcast = user_inet_address(10, 0, 2, 255, 9);
    size_t before = fake.sent_count;
    CHECK(sys(SYS_sendto, udp, data, 4, 0, broadcast, 16), 4);
    assert_int_equal(fake.sent_count, before + 1);
    fake.sent_count = FAKE_FRAMES;     /* the driver now answers -EAGAIN */
    CHECK(sys(SYS_sendto, udp, data, 4, 0, broadcast, 16), 4);
    CHECK(sys(SYS_sendto, udp, data, 4, 0, broadcast, 16), 4);
    assert_int_equal(fake.sent_count, FAKE_FRAMES);
    fake.sent_count = 0;
    CHECK(sys(SYS_sendto, udp, data, 4, 0, user_inet_address(192, 168, 9, 9, 9), 16), -ENETUNREACH);
    char table[1024];
    render(NETWORK_TABLE_DEV, table, sizeof table);
    const char *line = strstr(table, "eth0:");
    assert_non_null(line);
    unsigned long long counters[12];
    assert_int_equal(sscanf(line + 5, "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
                            &counters[0], &counters[1], &counters[2], &counters[3], &counters[4],
                            &counters[5], &counters[6], &counters[7], &counters[8], &counters[9],
                            &counters[10], &counters[11]), 12);
    assert_int_equal(counters[8 + 3], 2);      /* transmit: bytes packets errs drop */
    OK(sys(SYS_close, udp));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(proc_net_files_read_through_procfs, setup_user,
                                        syscall_test_teardown),
        cmocka_unit_test_setup_teardown(ifconf_lists_interfaces_with_addresses, setup_user,
                                        syscall_test_teardown),
        cmocka_unit_test_setup_teardown(interface_queries, setup_user, syscall_test_teardown),
        cmocka_unit_test_setup_teardown(interface_errors, setup_user, syscall_test_teardown),
        cmocka_unit_test_setup_teardown(interface_configuration_by_ioctl, setup_user,
                                        syscall_test_teardown),
        cmocka_unit_test_setup_teardown(default_route_by_ioctl, setup_user, syscall_test_teardown),
        cmocka_unit_test_setup_teardown(unprivileged_callers_may_not_configure_or_bind_low_ports,
                                        setup_user, syscall_test_teardown),
        cmocka_unit_test_setup_teardown(root_binds_low_ports, setup_user, syscall_test_teardown),
        cmocka_unit_test_setup_teardown(udp_send_succeeds_when_the_transmit_ring_is_full, setup_user,
                                        syscall_test_teardown),
        cmocka_unit_test_setup_teardown(ioctls_through_socket_descriptors, setup_user,
                                        syscall_test_teardown),
    };
    return cmocka_run_group_tests_name("network stack ioctls", tests, NULL, NULL);
}
