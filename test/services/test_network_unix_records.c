/*
 * test_network_unix_records.c — AF_UNIX datagram and seqpacket sockets,
 * options, SO_PASSCRED, autobind, /proc/net/unix and the service's reset
 * of the name table. Expected values were checked against the host's
 * Linux (queue limit 10, EMSGSIZE above SO_SNDBUF - 32, ...).
 */
#include <rk/timer.h>
#include "unix_fixture.h"

static void datagram_addresses_and_truncation(void **state)
{
    struct socket_address name = abstract_name("receiver");
    struct file *receiver = unix_new(SOCK_DGRAM);
    assert_int_equal(poll_mask(receiver), POLLOUT | POLLWRNORM | POLLWRBAND);
    assert_int_equal(ops_of(receiver)->bind(receiver, &name), 0);
    struct file *anonymous = unix_new(SOCK_DGRAM);
    struct file *named = unix_new(SOCK_DGRAM);
    struct socket_address sender_name = abstract_name("sender");
    assert_int_equal(ops_of(named)->bind(named, &sender_name), 0);

    assert_int_equal(send_text(anonymous, "x", 0), -ENOTCONN);
    assert_int_equal(send_full(anonymous, "first", 5, 0, &name, NULL, 0), 5);
    assert_int_equal(send_full(named, "0123456789", 10, 0, &name, NULL, 0), 10);
    assert_int_equal(send_full(named, "", 0, 0, &name, NULL, 0), 0);
    assert_int_equal(input_length(receiver), 5);

    char buffer[32] = { 0 };
    struct received got;
    assert_int_equal(receive_full(receiver, buffer, sizeof buffer, 0, 0, &got), 5);
    assert_int_equal(got.source.family, AF_UNSPEC);            /* unnamed sender: no address */
    assert_int_equal(receive_full(receiver, buffer, 4, MSG_PEEK, 0, &got), 4);
    assert_true(got.flags & MSG_TRUNC);
    assert_true(socket_address_equal(&got.source, &sender_name));
    assert_int_equal(receive_full(receiver, buffer, 4, MSG_TRUNC, 0, &got), 10);
    assert_memory_equal(buffer, "0123", 4);
    assert_int_equal(receive_full(receiver, buffer, sizeof buffer, 0, 0, &got), 0);  /* empty datagram */
    assert_int_equal(receive_full(receiver, buffer, sizeof buffer, MSG_DONTWAIT, 0, &got), -EAGAIN);

    /* Nobody bound: refused. Too large: EMSGSIZE. */
    struct socket_address nobody = abstract_name("nobody");
    assert_int_equal(send_full(anonymous, "x", 1, 0, &nobody, NULL, 0), -ECONNREFUSED);
    static char big[212961];
    assert_int_equal(send_full(anonymous, big, sizeof big, 0, &name, NULL, 0), -EMSGSIZE);
    assert_int_equal(send_full(anonymous, big, sizeof big - 1, 0, &name, NULL, 0), 212960);
    assert_int_equal(receive_full(receiver, buffer, 1, 0, 0, &got), 1);
    file_put(anonymous);
    file_put(named);
    file_put(receiver);
}

static void datagram_queue_limit(void **state)
{
    struct socket_address name = abstract_name("queue");
    struct file *receiver = unix_new(SOCK_DGRAM);
    assert_int_equal(ops_of(receiver)->bind(receiver, &name), 0);
    struct file *sender = unix_new(SOCK_DGRAM);
    sender->flags |= O_NONBLOCK;
    int count = 0;
    while (send_full(sender, "x", 1, 0, &name, NULL, 0) == 1)
        count++;
    assert_int_equal(count, 11);
    assert_int_equal(send_full(sender, "x", 1, 0, &name, NULL, 0), -EAGAIN);
    assert_true(poll_mask(sender) & POLLOUT);            /* not connected: no queue check */
    assert_int_equal(ops_of(sender)->connect(sender, &name), 0);
    assert_int_equal(poll_mask(sender) & POLLOUT, 0);
    char buffer[4];
    struct received got;
    assert_int_equal(receive_full(receiver, buffer, sizeof buffer, 0, 0, &got), 1);
    assert_true(poll_mask(sender) & POLLOUT);
    assert_int_equal(send_text(sender, "y", 0), 1);
    /* Connected to someone else: others may not send to it (EPERM). */
    struct file *third = unix_new(SOCK_DGRAM);
    struct socket_address third_name = abstract_name("third");
    assert_int_equal(ops_of(third)->bind(third, &third_name), 0);
    assert_int_equal(ops_of(receiver)->connect(receiver, &third_name), 0);
    struct file *outsider = unix_new(SOCK_DGRAM);
    assert_int_equal(send_full(outsider, "z", 1, 0, &name, NULL, 0), -EPERM);
    assert_int_equal(ops_of(outsider)->connect(outsider, &name), -EPERM);
    /* AF_UNSPEC dissolves; the queued datagrams are dropped with the association. */
    struct socket_address unspecified = { .family = AF_UNSPEC };
    assert_int_equal(ops_of(receiver)->connect(receiver, &unspecified), 0);
    assert_int_equal(input_length(receiver), 0);
    assert_int_equal(send_full(outsider, "z", 1, 0, &name, NULL, 0), 1);
    file_put(outsider);
    file_put(third);
    file_put(sender);
    file_put(receiver);
}

struct datagram_job {
    struct file *socket;
    long result;
};

static void send_one_datagram(void *argument)
{
    struct datagram_job *job = argument;
    thread_sleep_ns(2000000);
    job->result = send_text(job->socket, "wake", 0);
}

static void datagram_pair_blocking_and_close(void **state)
{
    struct file *a, *b;
    unix_pair(SOCK_DGRAM, &a, &b);
    struct datagram_job job = { .socket = a };
    void *thread = thread_start("sender", send_one_datagram, &job);
    long result;
    assert_string_equal(receive_text(b, 16, 0, &result), "wake");   /* blocks until sent */
    thread_join_checked(thread);
    assert_int_equal(job.result, 4);
    /* The survivor of a datagram pair: refused once, then not connected. */
    file_put(b);
    assert_int_equal(poll_mask(a), POLLOUT | POLLWRNORM | POLLWRBAND);
    assert_int_equal(send_text(a, "x", 0), -ECONNREFUSED);
    assert_int_equal(send_text(a, "x", 0), -ENOTCONN);
    file_put(a);
}

static void seqpacket_records(void **state)
{
    struct file *a, *b;
    unix_pair(SOCK_SEQPACKET, &a, &b);
    assert_int_equal(send_text(a, "0123456789", 0), 10);
    assert_int_equal(send_text(a, "second", 0), 6);
    char buffer[16] = { 0 };
    struct received got;
    assert_int_equal(receive_full(b, buffer, 4, 0, 0, &got), 4);
    assert_true(got.flags & MSG_TRUNC);
    assert_int_equal(receive_full(b, buffer, sizeof buffer, 0, 0, &got), 6);
    assert_memory_equal(buffer, "second", 6);
    assert_int_equal(got.flags & MSG_TRUNC, 0);
    struct socket_address nobody = abstract_name("ignored");
    assert_int_equal(send_full(b, "r", 1, 0, &nobody, NULL, 0), 1);   /* the address is ignored */
    assert_int_equal(receive_full(a, buffer, sizeof buffer, 0, 0, &got), 1);
    file_put(a);
    assert_int_equal(poll_mask(b), POLLIN | POLLRDNORM | POLLRDHUP | POLLHUP | POLLOUT | POLLWRNORM |
                                   POLLWRBAND);
    assert_int_equal(receive_full(b, buffer, sizeof buffer, 0, 0, &got), 0);
    assert_int_equal(send_text(b, "x", 0), -EPIPE);
    file_put(b);

    /* listen/connect/accept work for seqpacket; an unconnected one says ENOTCONN. */
    struct file *lonely = unix_new(SOCK_SEQPACKET);
    assert_int_equal(poll_mask(lonely), POLLOUT | POLLWRNORM | POLLWRBAND | POLLHUP);
    assert_int_equal(receive_full(lonely, buffer, 4, 0, 0, &got), -ENOTCONN);
    assert_int_equal(send_text(lonely, "x", 0), -ENOTCONN);
    struct socket_address name = abstract_name("records");
    struct file *listener = unix_new(SOCK_SEQPACKET);
    assert_int_equal(ops_of(listener)->bind(listener, &name), 0);
    assert_int_equal(ops_of(listener)->listen(listener, 2), 0);
    assert_int_equal(ops_of(lonely)->connect(lonely, &name), 0);
    struct file *accepted;
    assert_int_equal(ops_of(listener)->accept(listener, &accepted, NULL, 0), 0);
    assert_int_equal(send_text(lonely, "rec", 0), 3);
    assert_int_equal(receive_full(accepted, buffer, sizeof buffer, 0, 0, &got), 3);
    struct file *datagram = unix_new(SOCK_DGRAM);
    assert_int_equal(ops_of(datagram)->listen(datagram, 1), -EOPNOTSUPP);
    assert_int_equal(ops_of(datagram)->accept(datagram, &accepted, NULL, 0) == -EOPNOTSUPP, 1);
    file_put(datagram);
    file_put(accepted);
    file_put(lonely);
    file_put(listener);
}

static void options_as_linux(void **state)
{
    struct file *socket = unix_new(SOCK_STREAM);
    assert_int_equal(get_int_option(socket, SO_TYPE), SOCK_STREAM);
    assert_int_equal(get_int_option(socket, SO_PROTOCOL), 0);
    assert_int_equal(get_int_option(socket, SO_DOMAIN), AF_UNIX);
    assert_int_equal(get_int_option(socket, SO_ACCEPTCONN), 0);
    assert_int_equal(get_int_option(socket, SO_SNDBUF), 212992);
    assert_int_equal(set_int_option(socket, SO_SNDBUF, 1), 0);
    assert_int_equal(get_int_option(socket, SO_SNDBUF), 4608);
    assert_int_equal(set_int_option(socket, SO_RCVBUF, -5), 0);
    assert_int_equal(get_int_option(socket, SO_RCVBUF), 425984);
    assert_int_equal(set_int_option(socket, SO_REUSEADDR, 7), 0);
    assert_int_equal(get_int_option(socket, SO_REUSEADDR), 1);
    assert_int_equal(set_int_option(socket, SO_TYPE, 1), -ENOPROTOOPT);
    assert_int_equal(set_int_option(socket, SO_PEERCRED, 1), -ENOPROTOOPT);
    short tiny = 1;
    assert_int_equal(ops_of(socket)->set_option(socket, SOL_SOCKET, SO_REUSEADDR, &tiny, 2), -EINVAL);
    int value = 1;
    assert_int_equal(ops_of(socket)->set_option(socket, SOL_TCP, TCP_NODELAY, &value, 4), -EOPNOTSUPP);
    unsigned length = 4;
    assert_int_equal(ops_of(socket)->get_option(socket, SOL_TCP, TCP_NODELAY, &value, &length), -EOPNOTSUPP);
    assert_int_equal(ops_of(socket)->get_option(socket, SOL_SOCKET, 999, &value, &length), -ENOPROTOOPT);
    /* A short get is cut, not refused. */
    length = 2;
    value = 0;
    assert_int_equal(ops_of(socket)->get_option(socket, SOL_SOCKET, SO_TYPE, &value, &length), 0);
    assert_int_equal(length, 2);
    assert_int_equal(value, SOCK_STREAM);
    /* SO_PEERCRED of an unconnected socket: pid 0, ids -1. */
    struct socket_credentials credentials;
    length = sizeof credentials;
    assert_int_equal(ops_of(socket)->get_option(socket, SOL_SOCKET, SO_PEERCRED, &credentials, &length), 0);
    assert_int_equal(credentials.pid, 0);
    assert_int_equal(credentials.uid, UINT32_MAX);
    /* Timeouts: struct timeval of 16 bytes. */
    int64_t time[2] = { 1, 500 };
    assert_int_equal(ops_of(socket)->set_option(socket, SOL_SOCKET, SO_RCVTIMEO, time, 8), -EINVAL);
    time[1] = 1000000;
    assert_int_equal(ops_of(socket)->set_option(socket, SOL_SOCKET, SO_RCVTIMEO, time, 16), -EDOM);
    time[1] = 500;
    assert_int_equal(ops_of(socket)->set_option(socket, SOL_SOCKET, SO_RCVTIMEO, time, 16), 0);
    int64_t read_back[2] = { 0, 0 };
    length = sizeof read_back;
    assert_int_equal(ops_of(socket)->get_option(socket, SOL_SOCKET, SO_RCVTIMEO, read_back, &length), 0);
    assert_int_equal(length, 16);
    assert_int_equal(read_back[0], 1);
    assert_int_equal(read_back[1], 4000);           /* one tick of Linux's HZ 250 */
    file_put(socket);
}

static void receive_timeout_expires(void **state)
{
    struct file *a, *b;
    unix_pair(SOCK_STREAM, &a, &b);
    int64_t time[2] = { 0, 300000 };
    assert_int_equal(ops_of(b)->set_option(b, SOL_SOCKET, SO_RCVTIMEO, time, 16), 0);
    uint64_t before = clock_now_ns();
    long result;
    receive_text(b, 8, 0, &result);
    assert_int_equal(result, -EAGAIN);
    assert_true(clock_now_ns() - before >= 300000000u);
    /* A negative time means "never wait". */
    time[0] = -1;
    time[1] = 0;
    assert_int_equal(ops_of(b)->set_option(b, SOL_SOCKET, SO_RCVTIMEO, time, 16), 0);
    receive_text(b, 8, 0, &result);
    assert_int_equal(result, -EAGAIN);
    file_put(a);
    file_put(b);
}

static void credentials_and_autobind(void **state)
{
    struct file *a, *b;
    unix_pair(SOCK_DGRAM, &a, &b);
    assert_int_equal(set_int_option(b, SO_PASSCRED, 1), 0);
    assert_int_equal(get_int_option(b, SO_PASSCRED), 1);
    assert_int_equal(send_text(a, "who", 0), 3);
    char buffer[8];
    struct received got;
    assert_int_equal(receive_full(b, buffer, sizeof buffer, 0, 0, &got), 3);
    assert_true(got.has_credentials);
    assert_int_equal(got.credentials.pid, system_current_pid());
    assert_int_equal(got.credentials.uid, 0);
    /* Autobind: bind with the family only gives "\0" and five hex digits; again is a no-op. */
    struct socket_address unnamed = { .family = AF_UNIX };
    unnamed.local.kind = SOCKET_ADDRESS_LOCAL_UNNAMED;
    assert_int_equal(ops_of(a)->bind(a, &unnamed), 0);
    struct socket_address name;
    assert_int_equal(ops_of(a)->get_name(a, &name, false), 0);
    assert_int_equal(name.local.kind, SOCKET_ADDRESS_LOCAL_ABSTRACT);
    assert_int_equal(name.local.length, 6);
    assert_int_equal(name.local.name[0], '\0');
    for (int i = 1; i < 6; i++)
        assert_non_null(strchr("0123456789abcdef", name.local.name[i]));
    assert_int_equal(ops_of(a)->bind(a, &unnamed), 0);
    struct socket_address again;
    assert_int_equal(ops_of(a)->get_name(a, &again, false), 0);
    assert_true(socket_address_equal(&name, &again));
    /* An unbound socket with SO_PASSCRED is autobound when it sends. */
    struct file *c = unix_new(SOCK_DGRAM);
    assert_int_equal(set_int_option(c, SO_PASSCRED, 1), 0);
    assert_int_equal(send_full(c, "hi", 2, 0, &name, NULL, 0), -EPERM);   /* a is b's */
    struct file *receiver = unix_new(SOCK_DGRAM);
    struct socket_address receiver_name = abstract_name("credentials");
    assert_int_equal(ops_of(receiver)->bind(receiver, &receiver_name), 0);
    assert_int_equal(send_full(c, "hi", 2, 0, &receiver_name, NULL, 0), 2);
    assert_int_equal(receive_full(receiver, buffer, sizeof buffer, 0, 0, &got), 2);
    file_put(receiver);
    assert_int_equal(got.source.local.kind, SOCKET_ADDRESS_LOCAL_ABSTRACT);
    assert_int_equal(got.source.local.length, 6);
    file_put(c);
    file_put(a);
    file_put(b);
}

static void proc_net_unix_table(void **state)
{
    create_directory("/run");
    struct file *listener = unix_new(SOCK_STREAM);
    struct socket_address path = path_name("/run/table.sock");
    assert_int_equal(ops_of(listener)->bind(listener, &path), 0);
    assert_int_equal(ops_of(listener)->listen(listener, 1), 0);
    struct file *datagram = unix_new(SOCK_DGRAM);
    struct socket_address abstract = abstract_name("tab");
    assert_int_equal(ops_of(datagram)->bind(datagram, &abstract), 0);
    char table[2048];
    long length = unix_render_table(table, sizeof table - 1);
    assert_true(length > 0 && length < (long)sizeof table);
    table[length] = '\0';
    assert_non_null(strstr(table, "Num       RefCount Protocol Flags    Type St Inode Path\n"));
    assert_non_null(strstr(table, " 00000000 00010000 0001 01 "));
    assert_non_null(strstr(table, " /run/table.sock\n"));
    assert_non_null(strstr(table, " 00000000 00000000 0002 01 "));
    assert_non_null(strstr(table, " @tab\n"));
    /* A short buffer still reports the full length. */
    char small[8];
    assert_int_equal(unix_render_table(small, sizeof small), length);
    file_put(datagram);
    file_put(listener);
    length = unix_render_table(table, sizeof table - 1);
    table[length] = '\0';
    assert_null(strstr(table, "@tab"));
}

static void reset_forgets_names(void **state)
{
    struct socket_address name = abstract_name("restart");
    struct file *listener = unix_new(SOCK_STREAM);
    assert_int_equal(ops_of(listener)->bind(listener, &name), 0);
    assert_int_equal(ops_of(listener)->listen(listener, 1), 0);
    unix_sockets_reset();
    struct file *client = unix_new(SOCK_STREAM);
    assert_int_equal(ops_of(client)->connect(client, &name), -ECONNREFUSED);
    struct file *fresh = unix_new(SOCK_STREAM);
    assert_int_equal(ops_of(fresh)->bind(fresh, &name), 0);
    file_put(fresh);
    file_put(client);
    file_put(listener);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYSCALL_TEST(datagram_addresses_and_truncation),
        SYSCALL_TEST(datagram_queue_limit),
        SYSCALL_TEST(datagram_pair_blocking_and_close),
        SYSCALL_TEST(seqpacket_records),
        SYSCALL_TEST(options_as_linux),
        SYSCALL_TEST(receive_timeout_expires),
        SYSCALL_TEST(credentials_and_autobind),
        SYSCALL_TEST(proc_net_unix_table),
        SYSCALL_TEST(reset_forgets_names),
    };
    return RUN_SYSCALL_TESTS("network_unix_records", tests);
}
