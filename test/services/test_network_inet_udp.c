/*
 * test_network_inet_udp.c — AF_INET UDP sockets of the network service
 * over lwIP's loopback (addresses, datagram boundaries, truncation,
 * MSG_PEEK, connect and its dissolution, errors, poll), FIONREAD and
 * SIOCOUTQ through a user page, and the /proc/net/tcp and udp tables.
 */
#include "inet_fixture.h"

#include <rk/mm.h>
#include <rk/page_alloc.h>
#include <rk/process.h>
#include <rk/signal.h>

static void datagrams_carry_their_source_and_keep_their_boundaries(void **state)
{
    struct file *server = udp_socket();
    struct file *client = udp_socket();
    assert_int_equal(bind_to(server, 6001), 0);
    struct socket_address destination = loopback(6001);
    assert_int_equal(send_to(client, "a", 1, &destination), 1);
    assert_int_equal(send_to(client, "bb", 2, &destination), 2);
    assert_int_equal(send_to(client, "ccc", 3, &destination), 3);
    struct socket_address client_name, from;
    assert_int_equal(client->ops->socket->get_name(client, &client_name, false), 0);
    assert_true(client_name.inet.port != 0);    /* bound implicitly by the first send */
    char text[16];
    unsigned flags = 0;
    assert_int_equal(receive_from(server, text, sizeof text, 0, &from, &flags), 1);
    assert_int_equal(flags, 0);
    assert_int_equal(from.family, AF_INET);
    assert_int_equal(from.inet.port, client_name.inet.port);
    assert_memory_equal(from.inet.address, "\x7f\0\0\x01", 4);
    assert_int_equal(receive_from(server, text, sizeof text, MSG_PEEK, NULL, NULL), 2);
    assert_int_equal(receive_from(server, text, sizeof text, 0, NULL, NULL), 2);
    assert_memory_equal(text, "bb", 2);
    assert_int_equal(receive_from(server, text, sizeof text, 0, NULL, NULL), 3);
    assert_memory_equal(text, "ccc", 3);
    assert_int_equal(receive_from(server, text, sizeof text, MSG_DONTWAIT, NULL, NULL), -EAGAIN);
    int type, protocol;
    server->ops->socket->get_type(server, &type, &protocol);
    assert_int_equal(type, SOCK_DGRAM);
    assert_int_equal(protocol, IPPROTO_UDP);
    file_put(client);
    file_put(server);
}

static void a_short_buffer_truncates_and_says_so(void **state)
{
    struct file *server = udp_socket();
    struct file *client = udp_socket();
    assert_int_equal(bind_to(server, 6002), 0);
    struct socket_address destination = loopback(6002);
    unsigned char datagram[100];
    for (int i = 0; i < 100; i++)
        datagram[i] = (unsigned char)i;
    assert_int_equal(send_to(client, datagram, 100, &destination), 100);
    assert_int_equal(send_to(client, datagram, 100, &destination), 100);
    unsigned char text[10];
    unsigned flags = 0;
    assert_int_equal(receive_from(server, text, sizeof text, 0, NULL, &flags), 10);
    assert_int_equal(flags, MSG_TRUNC);
    assert_memory_equal(text, datagram, 10);
    /* The rest of a truncated datagram is gone; MSG_TRUNC asks for the real length. */
    assert_int_equal(receive_from(server, text, sizeof text, MSG_TRUNC, NULL, &flags), 100);
    assert_int_equal(receive_from(server, text, sizeof text, MSG_DONTWAIT, NULL, NULL), -EAGAIN);
    file_put(client);
    file_put(server);
}

static void sending_needs_a_destination_and_a_sane_size(void **state)
{
    struct file *socket = udp_socket();
    assert_int_equal(send_bytes(socket, "x", 1, 0), -EDESTADDRREQ);
    static unsigned char huge[65508];
    struct socket_address destination = loopback(6003);
    assert_int_equal(send_to(socket, huge, sizeof huge, &destination), -EMSGSIZE);
    struct socket_address peer;
    assert_int_equal(socket->ops->socket->get_name(socket, &peer, true), -ENOTCONN);
    assert_int_equal(socket->ops->socket->shutdown(socket, SHUT_RD), -ENOTCONN);
    assert_int_equal(socket->ops->socket->listen(socket, 1), -EOPNOTSUPP);
    file_put(socket);
}

static void the_largest_datagram_goes_through_loopback(void **state)
{
    struct file *server = udp_socket();
    struct file *client = udp_socket();
    assert_int_equal(bind_to(server, 6004), 0);
    static unsigned char big[65507], back[65507];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (unsigned char)(i * 7);
    struct socket_address destination = loopback(6004);
    assert_int_equal(send_to(client, big, sizeof big, &destination), (long)sizeof big);
    assert_int_equal(receive_from(server, back, sizeof back, 0, NULL, NULL), (long)sizeof back);
    assert_memory_equal(back, big, sizeof big);
    file_put(client);
    file_put(server);
}

static void connect_sets_the_default_destination_and_unspec_dissolves_it(void **state)
{
    struct file *server = udp_socket();
    struct file *client = udp_socket();
    assert_int_equal(bind_to(server, 6005), 0);
    assert_int_equal(connect_to(client, 6005), 0);
    struct socket_address peer;
    assert_int_equal(client->ops->socket->get_name(client, &peer, true), 0);
    assert_int_equal(peer.inet.port, 6005);
    assert_int_equal(send_bytes(client, "hello", 5, 0), 5);
    char text[8];
    assert_int_equal(receive_bytes(server, text, sizeof text, 0), 5);
    assert_memory_equal(text, "hello", 5);
    struct socket_address unspecified = { .family = AF_UNSPEC };
    assert_int_equal(client->ops->socket->connect(client, &unspecified), 0);
    assert_int_equal(send_bytes(client, "x", 1, 0), -EDESTADDRREQ);
    assert_int_equal(client->ops->socket->get_name(client, &peer, true), -ENOTCONN);
    file_put(client);
    file_put(server);
}

static void udp_bind_errors(void **state)
{
    struct file *first = udp_socket();
    struct file *second = udp_socket();
    assert_int_equal(bind_to(first, 6006), 0);
    assert_int_equal(bind_to(first, 6007), -EINVAL);
    assert_int_equal(bind_to(second, 6006), -EADDRINUSE);
    file_put(first);
    file_put(second);
}

static void udp_poll_masks(void **state)
{
    struct file *server = udp_socket();
    struct file *client = udp_socket();
    assert_int_equal(poll_mask(server), POLLOUT | POLLWRNORM | POLLWRBAND);
    assert_int_equal(bind_to(server, 6008), 0);
    struct socket_address destination = loopback(6008);
    assert_int_equal(send_to(client, "x", 1, &destination), 1);
    assert_int_equal(wait_for_mask(server, POLLIN), POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM | POLLWRBAND);
    file_put(client);
    file_put(server);
}

/* ------------------------------------------- ioctls through user memory */

static struct process *test_process;
static paddr_t user_frame;
static uintptr_t user_page;
static unsigned char *user_page_kernel;

/* inet_boot, then a process with one user page that the test thread runs in. */
static int boot_with_process(void **state)
{
    inet_boot(state);
    test_process = process_create("inet-test", 0, true);
    assert_non_null(test_process);
    process_attach_thread(test_process, thread_current());
    user_frame = page_alloc(0);
    assert_true(user_frame != PADDR_INVALID);
    user_page = platform_user_address_lowest() + 16 * PAGE_SIZE;
    assert_int_equal(platform_map(&test_process->mm->space, user_page, user_frame,
                                  PLATFORM_PROT_READ | PLATFORM_PROT_WRITE | PLATFORM_PROT_USER), 0);
    user_page_kernel = platform_phys_to_virt(user_frame);
    memset(user_page_kernel, 0, PAGE_SIZE);
    return 0;
}

static int drop_process(void **state)
{
    paddr_t old;
    assert_int_equal(platform_unmap(&test_process->mm->space, user_page, &old), 0);
    page_free(user_frame, 0);
    process_attach_thread(NULL, thread_current());
    process_put(test_process);
    test_process = NULL;
    return 0;
}

static int user_int(void)
{
    int value;
    memcpy(&value, user_page_kernel, sizeof value);
    return value;
}

#define FIONREAD 0x541B
#define SIOCOUTQ 0x5411

static void fionread_counts_what_a_read_would_get(void **state)
{
    struct file *client, *server;
    tcp_pair(6100, &client, &server);
    assert_int_equal(server->ops->ioctl(server, FIONREAD, user_page), 0);
    assert_int_equal(user_int(), 0);
    assert_int_equal(send_bytes(client, "twelve bytes", 12, 0), 12);
    wait_for_mask(server, POLLIN);
    assert_int_equal(server->ops->ioctl(server, FIONREAD, user_page), 0);
    assert_int_equal(user_int(), 12);
    assert_int_equal(server->ops->ioctl(server, FIONREAD, user_page + 64 * PAGE_SIZE), -EFAULT);
    assert_int_equal(client->ops->ioctl(client, SIOCOUTQ, user_page), 0);
    assert_true(user_int() >= 0 && user_int() <= 12);
    file_put(client);
    file_put(server);

    /* UDP: the size of the next datagram. */
    struct file *receiver = udp_socket();
    struct file *sender = udp_socket();
    assert_int_equal(bind_to(receiver, 6101), 0);
    struct socket_address destination = loopback(6101);
    assert_int_equal(send_to(sender, "abcde", 5, &destination), 5);
    assert_int_equal(send_to(sender, "xy", 2, &destination), 2);
    wait_for_mask(receiver, POLLIN);
    assert_int_equal(receiver->ops->ioctl(receiver, FIONREAD, user_page), 0);
    assert_int_equal(user_int(), 5);
    file_put(sender);
    file_put(receiver);
}

static void signals_interrupt_blocking_calls(void **state)
{
    struct file *client, *server;
    tcp_pair(6110, &client, &server);
    struct file *datagrams = udp_socket();
    assert_int_equal(bind_to(datagrams, 6111), 0);
    struct file *listener = tcp_listener(6112, 1);
    char byte;
    /* A signal pending in a user thread: the waits give up with -ERESTARTSYS... */
    thread_current()->signals.pending = SIGNAL_BIT(SIGUSR2);
    assert_int_equal(receive_bytes(server, &byte, 1, 0), -ERESTARTSYS);
    assert_int_equal(receive_bytes(datagrams, &byte, 1, 0), -ERESTARTSYS);
    struct file *none = NULL;
    assert_int_equal(listener->ops->socket->accept(listener, &none, NULL, 0), -ERESTARTSYS);
    /* ...but data already there is returned, and with SO_RCVTIMEO set it is -EINTR (Linux). */
    assert_int_equal(send_bytes(client, "z", 1, 0), 1);
    struct { int64_t seconds, microseconds; } timeout = { 5, 0 };
    assert_int_equal(server->ops->socket->set_option(server, SOL_SOCKET, SO_RCVTIMEO, &timeout, 16), 0);
    thread_current()->signals.pending = 0;
    wait_for_mask(server, POLLIN);
    thread_current()->signals.pending = SIGNAL_BIT(SIGUSR2);
    assert_int_equal(receive_bytes(server, &byte, 1, 0), 1);
    assert_int_equal(receive_bytes(server, &byte, 1, 0), -EINTR);
    thread_current()->signals.pending = 0;
    file_put(listener);
    file_put(datagrams);
    file_put(client);
    file_put(server);
}

/* ------------------------------------------------------ /proc/net tables */

static char table[16384];

static long render(enum network_table which)
{
    long length = SERVICE_CALL(network, struct network_stack_ops, render_table, which, table,
                               sizeof table - 1);
    assert_true(length > 0 && length < (long)sizeof table);
    table[length] = '\0';
    return length;
}

static void the_receive_buffer_is_charged_per_datagram_like_linux(void **state)
{
    /* Each datagram costs its payload and ~768 bytes (Linux's truesize): ~256 fit the default. */
    struct file *server = udp_socket();
    struct file *client = udp_socket();
    assert_int_equal(bind_to(server, 6010), 0);
    struct socket_address destination = loopback(6010);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(send_to(client, "x", 1, &destination), 1);
    int queued = 0;
    char byte;
    while (receive_from(server, &byte, 1, MSG_DONTWAIT, NULL, NULL) == 1)
        queued++;
    assert_int_equal(queued, 212992 / 832 + 1);   /* taken while the charge is within SO_RCVBUF */
    render(NETWORK_TABLE_UDP);
    char drops[32];
    snprintf(drops, sizeof drops, "0000000000000000 %d ", 1000 - queued);
    assert_non_null(strstr(table, drops));     /* the drops column */
    /* A datagram larger than the whole buffer still fits an empty queue, as Linux. */
    assert_int_equal(set_int_option(server, SOL_SOCKET, SO_RCVBUF, 1), 0);
    static unsigned char big[8192];
    assert_int_equal(send_to(client, big, sizeof big, &destination), (long)sizeof big);
    assert_int_equal(send_to(client, big, sizeof big, &destination), (long)sizeof big);
    assert_int_equal(receive_from(server, big, sizeof big, MSG_DONTWAIT, NULL, NULL), (long)sizeof big);
    assert_int_equal(receive_from(server, big, sizeof big, MSG_DONTWAIT, NULL, NULL), -EAGAIN);
    file_put(client);
    file_put(server);
}

static void proc_net_tables_list_sockets_like_linux(void **state)
{
    struct file *listener = tcp_listener(0x1F90, 5);   /* port 8080 */
    struct file *client = tcp_socket();
    assert_int_equal(connect_to(client, 0x1F90), 0);
    struct file *udp = udp_socket();
    assert_int_equal(bind_to(udp, 0x35), 0);           /* port 53 */

    long length = render(NETWORK_TABLE_TCP);
    /* Header and every line padded to 149 characters. */
    assert_true(strncmp(table, "  sl  local_address rem_address   st tx_queue rx_queue tr", 57) == 0);
    assert_int_equal(strchr(table, '\n') - table, 149);
    assert_int_equal(length % 150, 0);
    assert_non_null(strstr(table, "0100007F:1F90 00000000:0000 0A 00000000:00000001"));   /* LISTEN, one queued */
    char needle[64];
    struct socket_address name;
    assert_int_equal(client->ops->socket->get_name(client, &name, false), 0);
    snprintf(needle, sizeof needle, "0100007F:%04X 0100007F:1F90 01", name.inet.port);
    assert_non_null(strstr(table, needle));
    snprintf(needle, sizeof needle, "0100007F:1F90 0100007F:%04X 01", name.inet.port);
    assert_non_null(strstr(table, needle));

    render(NETWORK_TABLE_UDP);
    assert_true(strncmp(table, "   sl  local_address rem_address   st", 37) == 0);
    assert_int_equal(strchr(table, '\n') - table, 127);
    assert_non_null(strstr(table, "0100007F:0035 00000000:0000 07"));

    /* A short buffer: the full length is still returned. */
    char small[10];
    long full = SERVICE_CALL(network, struct network_stack_ops, render_table, NETWORK_TABLE_UDP, small,
                             sizeof small);
    assert_true(full > (long)sizeof small);
    assert_memory_equal(small, "   sl  loc", 10);
    file_put(udp);
    file_put(client);
    file_put(listener);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(datagrams_carry_their_source_and_keep_their_boundaries, inet_boot),
        cmocka_unit_test_setup(a_short_buffer_truncates_and_says_so, inet_boot),
        cmocka_unit_test_setup(sending_needs_a_destination_and_a_sane_size, inet_boot),
        cmocka_unit_test_setup(the_largest_datagram_goes_through_loopback, inet_boot),
        cmocka_unit_test_setup(connect_sets_the_default_destination_and_unspec_dissolves_it, inet_boot),
        cmocka_unit_test_setup(udp_bind_errors, inet_boot),
        cmocka_unit_test_setup(udp_poll_masks, inet_boot),
        cmocka_unit_test_setup_teardown(fionread_counts_what_a_read_would_get, boot_with_process,
                                        drop_process),
        cmocka_unit_test_setup_teardown(signals_interrupt_blocking_calls, boot_with_process,
                                        drop_process),
        cmocka_unit_test_setup(proc_net_tables_list_sockets_like_linux, inet_boot),
        cmocka_unit_test_setup(the_receive_buffer_is_charged_per_datagram_like_linux, inet_boot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
