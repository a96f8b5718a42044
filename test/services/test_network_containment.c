/*
 * test_network_containment.c — faults in the network stack service
 * (docs/containment.md): an injected panic, NULL dereference or assertion
 * in a stack operation (socket creation, a socket's send or receive, the
 * deferred process_packets) makes the syscall fail with the documented
 * error (EIO, or ECONNRESET for send/receive), the kernel goes on, the
 * stack restarts, re-attaches to its Ethernet driver with ip= applied
 * again, new sockets work end to end (TCP over loopback), and the old
 * sockets fail cleanly, poll as reset, and close.
 */
#include "network_stack_fixture.h"

#include <rk/containment.h>
#include <rk/fault_injection.h>
#include <rk/thread.h>

#define AF_INET 2
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define MSG_DONTWAIT 0x40
#define POLLIN 0x1
#define POLLOUT 0x4
#define POLLERR 0x8
#define POLLHUP 0x10
#define SECOND 1000000000ull

/* struct sockaddr_in for 127.0.0.1:port. */
struct test_sockaddr_in {
    uint16_t family;
    uint16_t port;      /* network order */
    uint8_t address[4];
    uint8_t zero[8];
};

struct test_pollfd {
    int32_t fd;
    int16_t events;
    int16_t revents;
};

/* user memory holding 127.0.0.1:port. */
static uintptr_t loopback_address(uint16_t port)
{
    struct test_sockaddr_in address = {
        .family = AF_INET, .port = (uint16_t)(port << 8 | port >> 8), .address = {127, 0, 0, 1}};
    uintptr_t user = user_alloc(sizeof address);
    user_write(user, &address, sizeof address);
    return user;
}

/* Add rule to the fault injector. */
static void inject(const char *rule)
{
    assert_int_equal(fault_injection_command("clear", 5), 0);
    assert_int_equal(fault_injection_command(rule, strlen(rule)), 0);
}

/* A connected TCP pair over loopback on port: *client and *server descriptors. */
static void tcp_pair(uint16_t port, int *client, int *server)
{
    int listener = (int)OK(sys(SYS_socket, AF_INET, SOCK_STREAM, 0));
    OK(sys(SYS_bind, listener, loopback_address(port), 16));
    OK(sys(SYS_listen, listener, 4));
    *client = (int)OK(sys(SYS_socket, AF_INET, SOCK_STREAM, 0));
    OK(sys(SYS_connect, *client, loopback_address(port), 16));
    *server = (int)OK(sys(SYS_accept4, listener, 0, 0, 0));
    OK(sys(SYS_close, listener));
}

/* text sent on from arrives on to. */
static void exchange(int from, int to, const char *text)
{
    size_t length = strlen(text);
    uintptr_t out = user_alloc(length);
    user_write(out, text, length);
    CHECK(sys(SYS_sendto, from, out, length, 0, 0, 0), length);
    uintptr_t in = user_alloc(64);
    CHECK(sys(SYS_recvfrom, to, in, 64, MSG_DONTWAIT, 0, 0), length);
    char received[64] = {0};
    user_read(received, in, length);
    assert_memory_equal(received, text, length);
}

/* A new TCP connection over loopback carries data both ways and closes. */
static void tcp_works(uint16_t port)
{
    int client, server;
    tcp_pair(port, &client, &server);
    exchange(client, server, "ping after restart");
    exchange(server, client, "pong");
    OK(sys(SYS_close, client));
    OK(sys(SYS_close, server));
}

/* poll() events of fd (no wait). */
static int poll_events(int fd)
{
    struct test_pollfd entry = {.fd = fd, .events = POLLIN | POLLOUT};
    uintptr_t user = user_alloc(sizeof entry);
    user_write(user, &entry, sizeof entry);
    OK(sys(SYS_poll, user, 1, 0));
    user_read(&entry, user, sizeof entry);
    return entry.revents;
}

/* The stack died; wait for the supervisor to bring it back. */
static void expect_restart(void)
{
    assert_int_equal(network_service.status, SERVICE_DEAD);
    assert_int_equal(service_wait_running(&network_service, SECOND), 0);
    assert_int_equal(network_service.status, SERVICE_RUNNING);
    assert_true(network_service.counters.restarts >= 1);
}

/* A NULL dereference while making a TCP socket: socket() gets EIO, the next one works. */
static void fault_in_socket_creation(void **state)
{
    assert_int_equal(hosted_faults_install(), 0);
    inject("network:create_tcp_socket:null:nth=1");
    CHECK(sys(SYS_socket, AF_INET, SOCK_STREAM, 0), -EIO);
    assert_true(log_contains("service fault: network-stack/network operation=create_tcp_socket kind=page-fault"));
    expect_restart();
    tcp_works(7001);
    hosted_faults_remove();
}

/*
 * A panic in a connection's receive: recv gets ECONNRESET, the stack
 * restarts; the old sockets (of the dead instance) give ECONNRESET on
 * send and receive, EIO on read, poll as reset, and close; the dead
 * instance is reclaimed once they are closed. A new connection works.
 */
static void fault_in_receive_resets_connections(void **state)
{
    assert_int_equal(hosted_faults_install(), 0);
    int client, server;
    tcp_pair(7002, &client, &server);
    exchange(client, server, "before");
    int udp = (int)OK(sys(SYS_socket, AF_INET, SOCK_DGRAM, 0));
    inject("network:receive:panic:nth=1");
    uintptr_t buffer = user_alloc(64);
    CHECK(sys(SYS_recvfrom, server, buffer, 64, MSG_DONTWAIT, 0, 0), -ECONNRESET);
    expect_restart();

    CHECK(sys(SYS_recvfrom, server, buffer, 64, MSG_DONTWAIT, 0, 0), -ECONNRESET);
    CHECK(sys(SYS_sendto, client, buffer, 4, 0, 0, 0), -ECONNRESET);
    CHECK(sys(SYS_read, client, buffer, 4), -EIO);
    CHECK(sys(SYS_connect, udp, loopback_address(9), 16), -EIO);
    assert_int_equal(poll_events(client) & (POLLERR | POLLHUP), POLLERR | POLLHUP);
    assert_true(service_instances_quarantined() >= 1);
    OK(sys(SYS_close, client));
    OK(sys(SYS_close, server));
    OK(sys(SYS_close, udp));
    thread_sleep_ns(SECOND / 100);   /* the supervisor reclaims the unpinned instance */
    assert_int_equal(service_instances_quarantined(), 0);

    tcp_works(7003);
    hosted_faults_remove();
}

/* An assertion in send: ECONNRESET, no SIGPIPE, restart, a new connection works. */
static void fault_in_send(void **state)
{
    assert_int_equal(hosted_faults_install(), 0);
    int client, server;
    tcp_pair(7004, &client, &server);
    inject("network:send:assert:nth=1");
    uintptr_t data = user_alloc(8);
    CHECK(sys(SYS_sendto, client, data, 8, 0, 0, 0), -ECONNRESET);
    assert_true(log_contains("operation=send kind=assertion"));
    expect_restart();
    OK(sys(SYS_close, client));
    OK(sys(SYS_close, server));
    tcp_works(7005);
    hosted_faults_remove();
}

/* A blocking recv on a connection, in its own thread. */
struct blocked_reader {
    int fd;
    uintptr_t buffer;
    long result;
};

static void blocked_reader_main(void *argument)
{
    struct blocked_reader *reader = argument;
    reader->result = sys(SYS_recvfrom, reader->fd, reader->buffer, 64, 0, 0, 0);
}

/*
 * A thread asleep in recv inside the stack when another call faults is
 * woken and gets ECONNRESET (it unwinds out of the dead instance).
 */
static void sleeping_reader_is_woken_with_econnreset(void **state)
{
    assert_int_equal(hosted_faults_install(), 0);
    int client, server;
    tcp_pair(7007, &client, &server);
    struct blocked_reader reader = {.fd = server, .buffer = user_alloc(64), .result = 1};
    void *thread = thread_start("reader", blocked_reader_main, &reader);
    thread_sleep_ns(1000000);   /* it blocks: nothing was sent */
    assert_int_equal(reader.result, 1);
    inject("network:get_name:null:nth=1");
    uintptr_t name = user_alloc(16), length = user_alloc(4);
    int size = 16;
    user_write(length, &size, sizeof size);
    CHECK(sys(SYS_getsockname, client, name, length), -EIO);
    thread_join_checked(thread);
    assert_int_equal(reader.result, -ECONNRESET);
    expect_restart();
    OK(sys(SYS_close, client));
    OK(sys(SYS_close, server));
    tcp_works(7008);
    hosted_faults_remove();
}

/*
 * A fault in the network thread's process_packets: the thread goes on,
 * the stack restarts, finds the Ethernet driver again with ip= applied
 * (eth0 up at 10.0.2.15: ARP is answered on the wire), lo works.
 */
static void fault_in_process_packets_reattaches_ethernet(void **state)
{
    boot_with("loglevel=3 ip=10.0.2.15::10.0.2.2:255.255.255.0::eth0:off");
    assert_int_equal(hosted_faults_install(), 0);
    uint8_t frame[ETHERNET_FRAME_MAX];
    inject("network:process_packets:null:nth=1");
    fake_queue(frame, arp_request(frame));
    run_network();
    assert_true(log_contains("operation=process_packets kind=page-fault"));
    expect_restart();
    assert_int_equal(stack_interface_count, 2);
    struct stack_interface *eth0 = stack_interface_find("eth0");
    assert_non_null(eth0);
    assert_true(netif_is_up(eth0->netif));
    assert_int_equal(ip4_addr_get_u32(netif_ip4_addr(eth0->netif)), PP_HTONL(0x0a00020f));
    assert_true(fake.up);
    size_t from = fake.sent_count;
    fake_queue(frame, arp_request(frame));
    run_network();
    assert_non_null(sent_arp(2, peer_ip, &from));   /* the new instance answers ARP */
    uint64_t runs = network_processing_runs();
    run_network();
    assert_true(network_processing_runs() > runs);   /* the thread survived */
    hosted_faults_remove();
}

/*
 * While the stack is dead the network thread refuses work without
 * spinning; after the restart it processes again.
 */
static void network_thread_waits_while_the_stack_is_dead(void **state)
{
    assert_int_equal(hosted_faults_install(), 0);
    assert_int_equal(fault_injection_command("clear", 5), 0);
    assert_int_equal(service_restart(&network_service), -EINVAL);   /* not dead */
    unsigned long long faults = network_service.counters.faults;
    int fault = GATE_CALL(&network_service, "check", (service_panic("stop the stack"), 0));
    assert_int_equal(fault, -EIO);
    assert_int_equal(network_service.counters.faults, faults + 1);
    assert_int_equal(network_service.status, SERVICE_DEAD);
    uint64_t runs = network_processing_runs();
    network_request_processing();
    thread_sleep_ns(1000);   /* less than the backoff: the thread runs once and sleeps again */
    assert_int_equal(network_service.status, SERVICE_DEAD);
    assert_true(network_processing_runs() <= runs + 1);
    expect_restart();
    runs = network_processing_runs();
    run_network();
    assert_true(network_processing_runs() > runs);
    hosted_faults_remove();
}

/* The first restart's start faults: it is retried after the backoff and the stack comes back. */
static void fault_in_the_restart_is_retried(void **state)
{
    assert_int_equal(hosted_faults_install(), 0);
    inject("network:start:null:nth=1");
    assert_int_equal(GATE_CALL(&network_service, "check", (service_panic("stop the stack"), 0)), -EIO);
    assert_int_equal(service_wait_running(&network_service, SECOND), 0);
    assert_int_equal(network_service.counters.failed_restarts, 1);
    assert_true(log_contains("operation=start kind=page-fault"));
    tcp_works(7009);
    hosted_faults_remove();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(fault_in_socket_creation, setup_user, syscall_test_teardown),
        cmocka_unit_test_setup_teardown(fault_in_receive_resets_connections, setup_user,
                                        syscall_test_teardown),
        cmocka_unit_test_setup_teardown(fault_in_send, setup_user, syscall_test_teardown),
        cmocka_unit_test_setup_teardown(sleeping_reader_is_woken_with_econnreset, setup_user,
                                        syscall_test_teardown),
        cmocka_unit_test(fault_in_process_packets_reattaches_ethernet),
        cmocka_unit_test_setup_teardown(network_thread_waits_while_the_stack_is_dead, setup_user,
                                        syscall_test_teardown),
        cmocka_unit_test_setup_teardown(fault_in_the_restart_is_retried, setup_user,
                                        syscall_test_teardown),
    };
    return cmocka_run_group_tests_name("network stack containment", tests, NULL, NULL);
}
