/*
 * test_socket_core.c — the Core's socket syscalls over a fake network
 * stack service (ringkernel only: the real service is unregistered and
 * this file's registered in its place). It checks what the Core does
 * around the service: the constructor chosen for (family, type,
 * protocol), flags on the new descriptor, addresses decoded before the
 * call and encoded after it, the backlog clamp, accept's installation,
 * msghdr and control-message decoding (SCM_RIGHTS, SCM_CREDENTIALS),
 * recvmsg's cmsg layout, MSG_CTRUNC and MSG_CMSG_CLOEXEC, option copies,
 * SIGPIPE, and that impossible answers from the service become EIO.
 * Everything the Core may answer itself is also checked against Linux
 * in test_sockets.c.
 */
#include <string.h>

#include "harness.h"

#ifndef SYSCALL_TEST_LINUX

#include <rk/gate.h>
#include <rk/heap.h>
#include <rk/poll.h>
#include <rk/process.h>
#include <rk/services.h>
#include <rk/socket.h>

#define SIGPIPE 13
#define SIG_BLOCK 0
#define MSG_CMSG_COMPAT 0x80000000u
#define KERNEL_ADDRESS 0xffff800000000000ull

/* ------------------------------------------------------ the fake service */

struct fake_socket {
    int family, type, protocol;
    unsigned poll_mask;
};

/* What the last call into the fake saw, and what the next one answers. */
static struct {
    struct socket_address address;
    bool address_given;
    int backlog, how, accept_flags, send_flags, receive_flags;
    char sent[64];
    long sent_length;
    unsigned rights_count;
    struct file *rights[SOCKET_RIGHTS_MAX];
    bool credentials_given;
    struct socket_credentials credentials;
    int option_level, option_name;
    unsigned option_length;
    unsigned char option[256];
    /* answers */
    long send_result;          /* 0: take everything */
    long extra_bytes;          /* added to the counts returned (misbehaving service) */
    const char *receive_data;
    struct socket_address receive_address;
    struct file *receive_rights[4];
    unsigned receive_rights_count;
    bool receive_credentials;
    unsigned receive_flags_out;
    unsigned option_answer_length;
    int pair_calls;
} fake;

static struct service fake_service;

static void fake_get_type(struct file *file, int *type, int *protocol)
{
    struct fake_socket *socket = file->private;
    *type = socket->type;
    *protocol = socket->protocol;
}

static int fake_bind(struct file *file, const struct socket_address *address)
{
    fake.address = *address;
    return 0;
}

static int fake_connect(struct file *file, const struct socket_address *address)
{
    fake.address = *address;
    return 0;
}

static int fake_listen(struct file *file, int backlog)
{
    fake.backlog = backlog;
    return 0;
}

static struct file *fake_socket_file(int family, int type, int protocol);

static int fake_accept(struct file *file, struct file **new_socket, struct socket_address *peer,
                       int flags)
{
    struct fake_socket *socket = file->private;
    fake.accept_flags = flags;
    *new_socket = fake_socket_file(socket->family, socket->type, socket->protocol);
    if (peer)
        *peer = fake.receive_address;
    return 0;
}

static long fake_send(struct file *file, struct socket_message *message, int flags)
{
    fake.send_flags = flags;
    fake.address_given = message->address != NULL;
    if (message->address)
        fake.address = *message->address;
    fake.rights_count = message->rights_count;
    for (unsigned i = 0; i < message->rights_count; i++)
        fake.rights[i] = message->rights[i];   /* compared only, not referenced */
    fake.credentials_given = message->credentials != NULL;
    if (message->credentials)
        fake.credentials = *message->credentials;
    if (fake.send_result < 0)
        return fake.send_result;
    size_t length = io_remaining(message->data);
    if (length > sizeof fake.sent)
        length = sizeof fake.sent;
    if (io_copy_in(message->data, fake.sent, length) < 0)
        return -EFAULT;
    fake.sent_length = (long)length;
    return (long)length + fake.extra_bytes;
}

static long fake_receive(struct file *file, struct socket_message *message, int flags)
{
    fake.receive_flags = flags;
    const char *data = fake.receive_data ? fake.receive_data : "";
    size_t length = strlen(data);
    if (length > io_remaining(message->data))
        length = io_remaining(message->data);
    if (io_copy_out(message->data, data, length) < 0)
        return -EFAULT;
    if (message->address)
        *message->address = fake.receive_address;
    for (unsigned i = 0; i < fake.receive_rights_count && i < message->rights_capacity; i++) {
        file_get(fake.receive_rights[i]);
        message->rights[i] = fake.receive_rights[i];
        message->rights_count = i + 1;
    }
    if (fake.receive_credentials) {
        *message->credentials = (struct socket_credentials){ 77, 1000, 1001 };
        message->received_credentials = true;
    }
    message->result_flags = fake.receive_flags_out;
    return (long)length + fake.extra_bytes;
}

static int fake_shutdown(struct file *file, int how)
{
    fake.how = how;
    return 0;
}

static int fake_get_name(struct file *file, struct socket_address *address, bool peer)
{
    *address = fake.receive_address;
    return 0;
}

static int fake_set_option(struct file *file, int level, int name, const void *value,
                           unsigned length)
{
    fake.option_level = level;
    fake.option_name = name;
    fake.option_length = length;
    memcpy(fake.option, value, length);
    return name == 999 ? -ENOPROTOOPT : 0;
}

static int fake_get_option(struct file *file, int level, int name, void *value, unsigned *length)
{
    fake.option_level = level;
    fake.option_name = name;
    fake.option_length = *length;
    memset(value, 0xab, *length);
    *length = fake.option_answer_length;
    return 0;
}

static int fake_connect_pair(struct file *file, struct file *other)
{
    fake.pair_calls++;
    return 0;
}

static const struct socket_ops fake_inet_ops = {
    .family = AF_INET, .get_type = fake_get_type, .bind = fake_bind, .connect = fake_connect,
    .listen = fake_listen, .accept = fake_accept, .send = fake_send, .receive = fake_receive,
    .shutdown = fake_shutdown, .get_name = fake_get_name, .set_option = fake_set_option,
    .get_option = fake_get_option, .connect_pair = socket_stub_connect_pair,
};

static const struct socket_ops fake_unix_ops = {
    .family = AF_UNIX, .get_type = fake_get_type, .bind = fake_bind, .connect = fake_connect,
    .listen = fake_listen, .accept = fake_accept, .send = fake_send, .receive = fake_receive,
    .shutdown = fake_shutdown, .get_name = fake_get_name, .set_option = fake_set_option,
    .get_option = fake_get_option, .connect_pair = fake_connect_pair,
};

static long fake_write(struct file *file, struct io_cursor *cursor, uint64_t *offset)
{
    return fake.send_result < 0 ? fake.send_result : (long)io_remaining(cursor);
}

static unsigned fake_poll(struct file *file)
{
    struct fake_socket *socket = file->private;
    return socket->poll_mask;
}

static void fake_release(struct file *file) { kfree(file->private); }

static int fake_stat(struct file *file, struct vnode_attributes *attributes)
{
    *attributes = (struct vnode_attributes){ .mode = S_IFSOCK | 0777, .link_count = 1 };
    return 0;
}

static const struct file_ops fake_inet_file_ops = {
    .read = file_stub_read, .write = fake_write, .stat = fake_stat, .ioctl = file_stub_ioctl,
    .release = fake_release, .poll = fake_poll, .socket = &fake_inet_ops,
};

static const struct file_ops fake_unix_file_ops = {
    .read = file_stub_read, .write = fake_write, .stat = fake_stat, .ioctl = file_stub_ioctl,
    .release = fake_release, .poll = fake_poll, .socket = &fake_unix_ops,
};

static struct file *fake_socket_file(int family, int type, int protocol)
{
    struct fake_socket *socket = kzalloc(sizeof *socket);
    assert_non_null(socket);
    *socket = (struct fake_socket){ family, type, protocol, POLLOUT };
    struct file *file = file_alloc(family == AF_UNIX ? &fake_unix_file_ops : &fake_inet_file_ops,
                                   &fake_service, O_RDWR);
    assert_non_null(file);
    file->private = socket;
    return file;
}

static int fake_create_tcp(struct file **out)
{
    *out = fake_socket_file(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    return 0;
}

static int fake_create_udp(struct file **out)
{
    *out = fake_socket_file(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    return 0;
}

static int fake_create_unix(int type, struct file **out)
{
    *out = fake_socket_file(AF_UNIX, type, 0);
    return 0;
}

static void fake_process_packets(void) {}

static long fake_render_table(enum network_table table, char *buffer, size_t size) { return 0; }

static const struct network_stack_ops fake_stack_ops = {
    .create_tcp_socket = fake_create_tcp,
    .create_udp_socket = fake_create_udp,
    .create_unix_socket = fake_create_unix,
    .process_packets = fake_process_packets,
    .render_table = fake_render_table,
};

static struct service fake_service = {
    .name = "fake-network",
    .kind = SERVICE_NETWORK_STACK,
    .ops = &fake_stack_ops,
};

/* Boot, then put the fake in the real stack's place. */
static int fake_setup(void **state)
{
    if (syscall_test_setup(state) < 0)
        return -1;
    memset(&fake, 0, sizeof fake);
    struct service *real = services_network_stack();
    if (real && services_unregister(real) < 0)
        return -1;
    fake_service.registered = 0;
    return services_register_network_stack(&fake_service) < 0 ? -1 : 0;
}

static int fake_teardown(void **state)
{
    int result = syscall_test_teardown(state);
    services_unregister(&fake_service);
    return result;
}

#define FAKE_TEST(function) cmocka_unit_test_setup_teardown(function, fake_setup, fake_teardown)

/* ------------------------------------------------------------- helpers */

static struct test_sockaddr_in {
    uint16_t family;
    uint16_t port;       /* network order */
    uint8_t address[4];
    uint8_t zero[8];
} inet_address(uint16_t port, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    struct test_sockaddr_in value = { AF_INET, (uint16_t)((port >> 8) | (port << 8)), { a, b, c, d }, { 0 } };
    return value;
}

static uintptr_t user_copy(const void *data, size_t length)
{
    uintptr_t address = user_alloc(length);
    user_write(address, data, length);
    return address;
}

static uintptr_t user_int(int value) { return user_copy(&value, sizeof value); }

static int user_int_read(uintptr_t address)
{
    int value;
    user_read(&value, address, sizeof value);
    return value;
}

static int tcp_socket(void) { return (int)OK(sys(SYS_socket, AF_INET, SOCK_STREAM, 0)); }

static void make_pipe(int pair[2])
{
    uintptr_t fds = user_alloc(8);
    CHECK(sys(SYS_pipe2, fds, 0), 0);
    user_read(pair, fds, 8);
}

static struct file *file_of(int fd)
{
    struct file *file = fd_get(process_current(), fd);
    assert_non_null(file);
    file_put(file);
    return file;
}

struct test_msghdr {
    uint64_t name;
    int32_t name_length;
    uint32_t padding;
    uint64_t iov;
    uint64_t iov_length;
    uint64_t control;
    uint64_t control_length;
    int32_t flags;
    uint32_t padding2;
};

struct test_cmsghdr {
    uint64_t length;
    int32_t level;
    int32_t type;
};

/* A msghdr in user memory over one iovec of data (length bytes) and the given control bytes. */
static uintptr_t message(uintptr_t data, size_t length, const void *control, size_t control_length,
                         uintptr_t name, int name_length)
{
    struct test_iovec iov = { data, length };
    struct test_msghdr header = {
        .name = name, .name_length = name_length, .iov = user_copy(&iov, sizeof iov),
        .iov_length = 1, .control = control_length ? user_copy(control, control_length) : 0,
        .control_length = control_length,
    };
    return user_copy(&header, sizeof header);
}

/* One SCM_RIGHTS message with count descriptors into buffer; returns its length. */
static size_t rights_message(unsigned char *buffer, const int *fds, size_t count)
{
    struct test_cmsghdr header = { 16 + count * 4, SOL_SOCKET, SCM_RIGHTS };
    memcpy(buffer, &header, sizeof header);
    memcpy(buffer + 16, fds, count * 4);
    return (16 + count * 4 + 7) & ~(size_t)7;
}

static uint64_t pending_signals(void)
{
    uintptr_t set = user_alloc(8);
    CHECK(sys(SYS_rt_sigpending, set, 8), 0);
    uint64_t value;
    user_read(&value, set, sizeof value);
    return value;
}

static void block_sigpipe(void)
{
    uint64_t mask = 1ull << (SIGPIPE - 1);
    CHECK(sys(SYS_rt_sigprocmask, SIG_BLOCK, user_copy(&mask, 8), 0, 8), 0);
}

/* --------------------------------------------------------------- tests */

static void socket_picks_the_constructor_and_sets_flags(void **state)
{
    int tcp = tcp_socket();
    uintptr_t value = user_alloc(4), length = user_int(4);
    CHECK(sys(SYS_getsockopt, tcp, SOL_SOCKET, SO_TYPE, value, length), 0);
    CHECK(user_int_read(value), SOCK_STREAM);
    CHECK(sys(SYS_getsockopt, tcp, SOL_SOCKET, SO_PROTOCOL, value, length), 0);
    CHECK(user_int_read(value), IPPROTO_TCP);
    CHECK(sys(SYS_getsockopt, tcp, SOL_SOCKET, SO_DOMAIN, value, length), 0);
    CHECK(user_int_read(value), AF_INET);
    CHECK(sys(SYS_fcntl, tcp, F_GETFL), O_RDWR);
    CHECK(sys(SYS_fcntl, tcp, F_GETFD), 0);
    int udp = (int)OK(sys(SYS_socket, AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP));
    CHECK(sys(SYS_getsockopt, udp, SOL_SOCKET, SO_TYPE, value, length), 0);
    CHECK(user_int_read(value), SOCK_DGRAM);
    CHECK(sys(SYS_fcntl, udp, F_GETFL), O_RDWR | O_NONBLOCK);
    CHECK(sys(SYS_fcntl, udp, F_GETFD), FD_CLOEXEC);
    /* AF_UNIX SOCK_RAW is a datagram socket, as BSD. */
    int raw = (int)OK(sys(SYS_socket, AF_UNIX, SOCK_RAW, AF_UNIX));
    CHECK(sys(SYS_getsockopt, raw, SOL_SOCKET, SO_TYPE, value, length), 0);
    CHECK(user_int_read(value), SOCK_DGRAM);
    CHECK(sys(SYS_socket, AF_UNIX, 4, 0), -ESOCKTNOSUPPORT);
    CHECK(sys(SYS_socket, AF_INET, SOCK_RAW, 0), -ESOCKTNOSUPPORT);
    CHECK(sys(SYS_socket, AF_INET, SOCK_SEQPACKET, 0), -ESOCKTNOSUPPORT);
    CHECK(sys(SYS_socket, AF_INET, SOCK_DGRAM, IPPROTO_ICMP), -EPROTONOSUPPORT);
    CHECK(sys(SYS_socket, AF_INET, 10, 0), -EAFNOSUPPORT);   /* SOCK_PACKET: AF_PACKET */
    CHECK(sys(SYS_socket, AF_INET6, SOCK_STREAM, 0), -EAFNOSUPPORT);
    CHECK(sys(SYS_socket, 16, SOCK_RAW, 0), -EAFNOSUPPORT);  /* AF_NETLINK */
    CHECK(sys(SYS_socket, 17, SOCK_RAW, 0), -EAFNOSUPPORT);  /* AF_PACKET */
    /* A short optlen truncates a Core answer; SO_TYPE cannot be set. */
    uintptr_t short_length = user_int(2);
    CHECK(sys(SYS_getsockopt, tcp, SOL_SOCKET, SO_TYPE, value, short_length), 0);
    CHECK(user_int_read(short_length), 2);
}

static void bind_and_connect_decode_before_calling(void **state)
{
    int tcp = tcp_socket();
    struct test_sockaddr_in address = inet_address(8080, 127, 0, 0, 1);
    CHECK(sys(SYS_bind, tcp, user_copy(&address, sizeof address), sizeof address), 0);
    CHECK(fake.address.family, AF_INET);
    CHECK(fake.address.inet.port, 8080);
    CHECK(fake.address.inet.address[0], 127);
    fake.address.family = 0;
    CHECK(sys(SYS_bind, tcp, user_copy(&address, sizeof address), 15), -EINVAL);
    CHECK(sys(SYS_bind, tcp, 8, sizeof address), -EFAULT);
    CHECK(sys(SYS_bind, tcp, user_copy(&address, sizeof address), -1), -EINVAL);
    CHECK(fake.address.family, 0);   /* the service was not called */
    address.family = AF_INET6;
    CHECK(sys(SYS_connect, tcp, user_copy(&address, sizeof address), sizeof address), -EAFNOSUPPORT);
    address.family = AF_INET;
    CHECK(sys(SYS_connect, tcp, user_copy(&address, sizeof address), sizeof address), 0);
    CHECK(fake.address.inet.port, 8080);
}

static void listen_clamps_the_backlog(void **state)
{
    int tcp = tcp_socket();
    CHECK(sys(SYS_listen, tcp, 5), 0);
    CHECK(fake.backlog, 5);
    CHECK(sys(SYS_listen, tcp, 100000), 0);
    CHECK(fake.backlog, 4096);
    CHECK(sys(SYS_listen, tcp, -1), 0);
    CHECK(fake.backlog, 4096);
}

static void accept_installs_the_new_socket_and_its_peer(void **state)
{
    int tcp = tcp_socket();
    struct test_sockaddr_in peer = inet_address(4242, 10, 0, 2, 2);
    (void)peer;
    fake.receive_address = (struct socket_address){ .family = AF_INET };
    fake.receive_address.inet.port = 4242;
    fake.receive_address.inet.address[0] = 10;
    uintptr_t address = user_alloc(16), length = user_int(16);
    CHECK(sys(SYS_accept4, tcp, address, length, 0x1), -EINVAL);
    int accepted = (int)OK(sys(SYS_accept4, tcp, address, length, SOCK_CLOEXEC | SOCK_NONBLOCK));
    CHECK(fake.accept_flags, SOCK_CLOEXEC | SOCK_NONBLOCK);
    CHECK(sys(SYS_fcntl, accepted, F_GETFD), FD_CLOEXEC);
    CHECK(sys(SYS_fcntl, accepted, F_GETFL), O_RDWR | O_NONBLOCK);
    CHECK(user_int_read(length), 16);
    struct test_sockaddr_in got;
    user_read(&got, address, sizeof got);
    CHECK(got.family, AF_INET);
    CHECK(got.port, (4242 >> 8) | ((4242 & 0xff) << 8));
    /* A short length truncates and reports the full one; no address at all is fine. */
    uintptr_t short_length = user_int(4);
    OK(sys(SYS_accept, tcp, address, short_length));
    CHECK(user_int_read(short_length), 16);
    OK(sys(SYS_accept, tcp, 0, 0));
    /* A bad length pointer drops the connection: EFAULT, and no descriptor. */
    long before = OK(sys(SYS_dup, tcp));
    CHECK(sys(SYS_close, before), 0);
    CHECK(sys(SYS_accept, tcp, address, 8), -EFAULT);
    CHECK(OK(sys(SYS_dup, tcp)), before);
    /* An address of another family from the service is EIO. */
    fake.receive_address.family = AF_UNIX;
    CHECK(sys(SYS_accept, tcp, address, length), -EIO);
}

static void shutdown_checks_how(void **state)
{
    int tcp = tcp_socket();
    CHECK(sys(SYS_shutdown, tcp, 3), -EINVAL);
    CHECK(sys(SYS_shutdown, tcp, -1), -EINVAL);
    CHECK(sys(SYS_shutdown, tcp, SHUT_WR), 0);
    CHECK(fake.how, SHUT_WR);
    CHECK(sys(SYS_shutdown, 99, 3), -EBADF);
}

static void getsockname_encodes_the_service_address(void **state)
{
    int tcp = tcp_socket();
    fake.receive_address = (struct socket_address){ .family = AF_INET };
    fake.receive_address.inet.port = 80;
    uintptr_t address = user_alloc(32), length = user_int(32);
    CHECK(sys(SYS_getsockname, tcp, address, length), 0);
    CHECK(user_int_read(length), 16);
    CHECK(sys(SYS_getpeername, tcp, address, user_int(-1)), -EINVAL);
    CHECK(sys(SYS_getpeername, tcp, address, 8), -EFAULT);
}

static void sendto_decodes_datagram_destinations_only(void **state)
{
    int udp = (int)OK(sys(SYS_socket, AF_INET, SOCK_DGRAM, 0));
    uintptr_t data = user_copy("hello", 5);
    struct test_sockaddr_in address = inet_address(53, 10, 0, 2, 3);
    CHECK(sys(SYS_sendto, udp, data, 5, 0, user_copy(&address, 16), 16), 5);
    assert_true(fake.address_given);
    CHECK(fake.address.inet.port, 53);
    assert_memory_equal(fake.sent, "hello", 5);
    CHECK(sys(SYS_sendto, udp, data, 5, 0, user_copy(&address, 16), 0), -EINVAL);
    CHECK(sys(SYS_sendto, udp, data, 5, 0, 0, 0), 5);
    assert_false(fake.address_given);
    CHECK(sys(SYS_sendto, udp, KERNEL_ADDRESS, 5, 0, 0, 0), -EFAULT);
    CHECK(sys(SYS_sendto, 99, KERNEL_ADDRESS, 5, 0, 0, 0), -EFAULT);
    /* O_NONBLOCK adds MSG_DONTWAIT. */
    int nonblocking = (int)OK(sys(SYS_socket, AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0));
    CHECK(sys(SYS_sendto, nonblocking, data, 5, MSG_MORE, 0, 0), 5);
    CHECK(fake.send_flags, MSG_MORE | MSG_DONTWAIT);
    /* A stream socket gets "an address was given", undecoded. */
    int tcp = tcp_socket();
    CHECK(sys(SYS_sendto, tcp, data, 5, 0, user_copy("garbage-address!", 16), 16), 5);
    assert_true(fake.address_given);
    CHECK(fake.address.family, AF_INET);
    /* A service that claims more than it was given: EIO. */
    fake.extra_bytes = 1;
    CHECK(sys(SYS_sendto, udp, data, 5, 0, 0, 0), -EIO);
    fake.receive_data = "12345678";
    CHECK(sys(SYS_recvfrom, udp, user_alloc(8), 8, 0, 0, 0), -EIO);
}

static void epipe_raises_sigpipe_unless_msg_nosignal(void **state)
{
    block_sigpipe();
    int tcp = tcp_socket();
    uintptr_t data = user_copy("x", 1);
    fake.send_result = -EPIPE;
    uint64_t bit = 1ull << (SIGPIPE - 1);
    CHECK(sys(SYS_sendto, tcp, data, 1, MSG_NOSIGNAL, 0, 0), -EPIPE);
    CHECK(pending_signals() & bit, 0);
    CHECK(sys(SYS_sendto, tcp, data, 1, 0, 0, 0), -EPIPE);
    CHECK(pending_signals() & bit, bit);
    uintptr_t set = user_alloc(8);
    uint64_t mask = bit;
    user_write(set, &mask, 8);
    CHECK(sys(SYS_rt_sigtimedwait, set, 0, user_alloc(16), 8), SIGPIPE);
    /* write(2) on a socket too. */
    CHECK(write_fd(tcp, "x", 1), -EPIPE);
    CHECK(pending_signals() & bit, bit);
}

static void recvfrom_copies_data_and_source(void **state)
{
    int udp = (int)OK(sys(SYS_socket, AF_INET, SOCK_DGRAM, 0));
    fake.receive_data = "answer";
    fake.receive_address = (struct socket_address){ .family = AF_INET };
    fake.receive_address.inet.port = 53;
    uintptr_t buffer = user_alloc(16), address = user_alloc(16), length = user_int(16);
    CHECK(sys(SYS_recvfrom, udp, buffer, 16, MSG_PEEK, address, length), 6);
    CHECK(fake.receive_flags, MSG_PEEK);
    char text[8] = { 0 };
    user_read(text, buffer, 6);
    assert_string_equal(text, "answer");
    CHECK(user_int_read(length), 16);
    CHECK(sys(SYS_recvfrom, udp, buffer, 16, 0, address, 8), -EFAULT);
    CHECK(sys(SYS_recvfrom, udp, KERNEL_ADDRESS, 16, 0, 0, 0), -EFAULT);
}

static void sendmsg_checks_the_header(void **state)
{
    int unix_socket = (int)OK(sys(SYS_socket, AF_UNIX, SOCK_DGRAM, 0));
    uintptr_t data = user_copy("abc", 3);
    CHECK(sys(SYS_sendmsg, unix_socket, message(data, 3, NULL, 0, 0, 0), 0), 3);
    CHECK(sys(SYS_sendmsg, unix_socket, 8, 0), -EFAULT);
    CHECK(sys(SYS_sendmsg, unix_socket, message(data, 3, NULL, 0, 0, 0), MSG_CMSG_COMPAT), -EINVAL);
    CHECK(sys(SYS_sendmsg, unix_socket, message(data, 3, NULL, 0, user_alloc(8), -1), 0), -EINVAL);
    /* A NULL name makes the length irrelevant; a length above 128 is clamped. */
    CHECK(sys(SYS_sendmsg, unix_socket, message(data, 3, NULL, 0, 0, -1), 0), 3);
    struct test_msghdr header = { .iov = user_alloc(16), .iov_length = 1025 };
    CHECK(sys(SYS_sendmsg, unix_socket, user_copy(&header, sizeof header), 0), -EMSGSIZE);
    struct test_iovec negative = { data, (uint64_t)-1 };
    header = (struct test_msghdr){ .iov = user_copy(&negative, 16), .iov_length = 1 };
    CHECK(sys(SYS_sendmsg, unix_socket, user_copy(&header, sizeof header), 0), -EINVAL);
    struct test_iovec kernel = { KERNEL_ADDRESS, 4 };
    header = (struct test_msghdr){ .iov = user_copy(&kernel, 16), .iov_length = 1 };
    CHECK(sys(SYS_sendmsg, unix_socket, user_copy(&header, sizeof header), 0), -EFAULT);
    header = (struct test_msghdr){ .iov = 8, .iov_length = 1 };
    CHECK(sys(SYS_sendmsg, unix_socket, user_copy(&header, sizeof header), 0), -EFAULT);
    /* The destination, decoded with AF_UNIX's rules. */
    struct {
        uint16_t family;
        char path[6];
    } name = { AF_UNIX, "/sock" };
    CHECK(sys(SYS_sendmsg, unix_socket, message(data, 3, NULL, 0, user_copy(&name, 8), 8), 0), 3);
    CHECK(fake.address.local.kind, SOCKET_ADDRESS_LOCAL_PATHNAME);
    assert_string_equal(fake.address.local.name, "/sock");
    /* Too much control data. */
    header = (struct test_msghdr){ .control = user_alloc(16), .control_length = 20481 };
    CHECK(sys(SYS_sendmsg, unix_socket, user_copy(&header, sizeof header), 0), -ENOBUFS);
}

static void scm_rights_pass_referenced_files(void **state)
{
    int unix_socket = (int)OK(sys(SYS_socket, AF_UNIX, SOCK_STREAM, 0));
    int pair[2];
    make_pipe(pair);
    uintptr_t data = user_copy("x", 1);
    unsigned char control[64] = { 0 };
    size_t length = rights_message(control, pair, 2);
    CHECK(sys(SYS_sendmsg, unix_socket, message(data, 1, control, length, 0, 0), 0), 1);
    CHECK(fake.rights_count, 2);
    assert_ptr_equal(fake.rights[0], file_of(pair[0]));
    assert_ptr_equal(fake.rights[1], file_of(pair[1]));
    CHECK(file_of(pair[0])->references, 1);   /* the Core's own references are dropped */
    /* Two messages add up. */
    length = rights_message(control, pair, 1);
    length += rights_message(control + length, pair + 1, 1);
    CHECK(sys(SYS_sendmsg, unix_socket, message(data, 1, control, length, 0, 0), 0), 1);
    CHECK(fake.rights_count, 2);
    /* A closed descriptor, a negative one. */
    int bad[2] = { pair[0], 77 };
    length = rights_message(control, bad, 2);
    CHECK(sys(SYS_sendmsg, unix_socket, message(data, 1, control, length, 0, 0), 0), -EBADF);
    bad[1] = -1;
    length = rights_message(control, bad, 2);
    CHECK(sys(SYS_sendmsg, unix_socket, message(data, 1, control, length, 0, 0), 0), -EBADF);
    CHECK(file_of(pair[0])->references, 1);
    /* 253 at most. */
    static unsigned char big[16 + 254 * 4 + 8];
    static int many[254];
    for (int i = 0; i < 254; i++)
        many[i] = pair[0];
    length = rights_message(big, many, 254);
    CHECK(sys(SYS_sendmsg, unix_socket, message(data, 1, big, length, 0, 0), 0), -EINVAL);
    length = rights_message(big, many, 253);
    CHECK(sys(SYS_sendmsg, unix_socket, message(data, 1, big, length, 0, 0), 0), 1);
    CHECK(fake.rights_count, 253);
    /* Not on an AF_INET socket. */
    int tcp = tcp_socket();
    length = rights_message(control, pair, 1);
    CHECK(sys(SYS_sendmsg, tcp, message(data, 1, control, length, 0, 0), 0), -EINVAL);
}

static void malformed_control_messages_are_einval(void **state)
{
    int unix_socket = (int)OK(sys(SYS_socket, AF_UNIX, SOCK_DGRAM, 0));
    uintptr_t data = user_copy("x", 1);
    unsigned char control[64] = { 0 };
    struct test_cmsghdr header = { 8, SOL_SOCKET, SCM_RIGHTS };
    memcpy(control, &header, sizeof header);
    CHECK(sys(SYS_sendmsg, unix_socket, message(data, 1, control, 16, 0, 0), 0), -EINVAL);
    header.length = 40;   /* past msg_controllen */
    memcpy(control, &header, sizeof header);
    CHECK(sys(SYS_sendmsg, unix_socket, message(data, 1, control, 32, 0, 0), 0), -EINVAL);
    header = (struct test_cmsghdr){ 16, SOL_SOCKET, 99 };
    memcpy(control, &header, sizeof header);
    CHECK(sys(SYS_sendmsg, unix_socket, message(data, 1, control, 16, 0, 0), 0), -EINVAL);
    /* Other levels are skipped; a trailing piece shorter than a header ends the list. */
    header = (struct test_cmsghdr){ 20, 41, 99 };
    memcpy(control, &header, sizeof header);
    CHECK(sys(SYS_sendmsg, unix_socket, message(data, 1, control, 24 + 8, 0, 0), 0), 1);
    CHECK(sys(SYS_sendmsg, unix_socket, message(data, 1, control, 15, 0, 0), 0), 1);
    /* Unreadable control data. */
    struct test_msghdr bad = { .control = 8, .control_length = 16 };
    CHECK(sys(SYS_sendmsg, unix_socket, user_copy(&bad, sizeof bad), 0), -EFAULT);
}

static void scm_credentials_are_checked(void **state)
{
    int unix_socket = (int)OK(sys(SYS_socket, AF_UNIX, SOCK_DGRAM, 0));
    uintptr_t data = user_copy("x", 1);
    int pid = (int)sys(SYS_getpid), uid = (int)sys(SYS_getuid), gid = (int)sys(SYS_getgid);
    unsigned char control[32] = { 0 };
    struct test_cmsghdr header = { 28, SOL_SOCKET, SCM_CREDENTIALS };
    int32_t credentials[3] = { pid, uid, gid };
    memcpy(control, &header, 16);
    memcpy(control + 16, credentials, 12);
    CHECK(sys(SYS_sendmsg, unix_socket, message(data, 1, control, 32, 0, 0), 0), 1);
    assert_true(fake.credentials_given);
    CHECK(fake.credentials.pid, pid);
    /* The length must be exactly CMSG_LEN(12). */
    header.length = 32;
    memcpy(control, &header, 16);
    CHECK(sys(SYS_sendmsg, unix_socket, message(data, 1, control, 32, 0, 0), 0), -EINVAL);
    header.length = 28;
    memcpy(control, &header, 16);
    /* Root may name another process, but it must exist; ids must be valid. */
    credentials[0] = 12345;
    memcpy(control + 16, credentials, 12);
    CHECK(sys(SYS_sendmsg, unix_socket, message(data, 1, control, 32, 0, 0), 0), -ESRCH);
    credentials[0] = pid;
    credentials[1] = -1;
    memcpy(control + 16, credentials, 12);
    CHECK(sys(SYS_sendmsg, unix_socket, message(data, 1, control, 32, 0, 0), 0), -EINVAL);
    /* An ordinary user: own pid and ids only. */
    CHECK(sys(SYS_setresgid, 100, 100, 100), 0);
    CHECK(sys(SYS_setresuid, 100, 100, 100), 0);
    credentials[1] = 100;
    credentials[2] = 100;
    memcpy(control + 16, credentials, 12);
    CHECK(sys(SYS_sendmsg, unix_socket, message(data, 1, control, 32, 0, 0), 0), 1);
    credentials[1] = 0;
    memcpy(control + 16, credentials, 12);
    CHECK(sys(SYS_sendmsg, unix_socket, message(data, 1, control, 32, 0, 0), 0), -EPERM);
    credentials[1] = 100;
    credentials[0] = pid + 1;
    memcpy(control + 16, credentials, 12);
    CHECK(sys(SYS_sendmsg, unix_socket, message(data, 1, control, 32, 0, 0), 0), -EPERM);
    /* Invalid ids come first, even before the pid. */
    credentials[2] = -1;
    memcpy(control + 16, credentials, 12);
    CHECK(sys(SYS_sendmsg, unix_socket, message(data, 1, control, 32, 0, 0), 0), -EINVAL);
}

/* recvmsg with room for control bytes: returns the msghdr as the kernel left it. */
static long receive_message(int fd, size_t control_length, int flags, struct test_msghdr *out,
                            unsigned char *control)
{
    uintptr_t data = user_alloc(16);
    uintptr_t header = message(data, 16, NULL, 0, user_alloc(16), 16);
    struct test_msghdr value;
    user_read(&value, header, sizeof value);
    value.control = control_length ? user_alloc(control_length) : 0;
    value.control_length = control_length;
    user_write(header, &value, sizeof value);
    long result = sys(SYS_recvmsg, fd, header, flags);
    user_read(out, header, sizeof *out);
    if (control_length)
        user_read(control, value.control, control_length);
    return result;
}

static void recvmsg_writes_credentials_then_rights(void **state)
{
    int unix_socket = (int)OK(sys(SYS_socket, AF_UNIX, SOCK_DGRAM, 0));
    int pair[2];
    make_pipe(pair);
    fake.receive_data = "data";
    fake.receive_address = (struct socket_address){ .family = AF_UNIX };
    fake.receive_rights[0] = file_of(pair[0]);
    fake.receive_rights[1] = file_of(pair[1]);
    fake.receive_rights_count = 2;
    fake.receive_credentials = true;
    struct test_msghdr header;
    unsigned char control[64];
    CHECK(receive_message(unix_socket, 64, MSG_CMSG_CLOEXEC, &header, control), 4);
    CHECK(header.name_length, 2);        /* an unnamed AF_UNIX sender */
    CHECK(header.control_length, 32 + 24);
    CHECK(header.flags, MSG_CMSG_CLOEXEC);
    struct test_cmsghdr cmsg;
    memcpy(&cmsg, control, 16);
    CHECK(cmsg.length, 28);
    CHECK(cmsg.level, SOL_SOCKET);
    CHECK(cmsg.type, SCM_CREDENTIALS);
    int32_t credentials[3];
    memcpy(credentials, control + 16, 12);
    CHECK(credentials[0], 77);
    CHECK(credentials[2], 1001);
    memcpy(&cmsg, control + 32, 16);
    CHECK(cmsg.length, 24);
    CHECK(cmsg.type, SCM_RIGHTS);
    int32_t fds[2];
    memcpy(fds, control + 48, 8);
    CHECK(sys(SYS_fcntl, fds[0], F_GETFD), FD_CLOEXEC);
    CHECK(write_text(fds[1], "via"), 3);
    char text[4] = { 0 };
    CHECK(read_fd(pair[0], text, 3), 3);
    assert_string_equal(text, "via");
    CHECK(file_of(pair[0])->references, 2);
}

static void recvmsg_truncates_control_with_msg_ctrunc(void **state)
{
    int unix_socket = (int)OK(sys(SYS_socket, AF_UNIX, SOCK_DGRAM, 0));
    int pair[2];
    make_pipe(pair);
    fake.receive_data = "d";
    fake.receive_address = (struct socket_address){ .family = AF_UNIX };
    fake.receive_rights[0] = file_of(pair[0]);
    fake.receive_rights[1] = file_of(pair[1]);
    fake.receive_rights_count = 2;
    struct test_msghdr header;
    unsigned char control[64];
    /* Room for one descriptor: it is installed, the other dropped. */
    CHECK(receive_message(unix_socket, 20, 0, &header, control), 1);
    CHECK(header.flags, MSG_CTRUNC);
    CHECK(header.control_length, 20);
    struct test_cmsghdr cmsg;
    memcpy(&cmsg, control, 16);
    CHECK(cmsg.length, 20);
    int32_t fd;
    memcpy(&fd, control + 16, 4);
    CHECK(sys(SYS_fcntl, fd, F_GETFD), 0);
    CHECK(file_of(pair[0])->references, 2);
    CHECK(file_of(pair[1])->references, 1);
    /* No control buffer at all: everything dropped. */
    CHECK(receive_message(unix_socket, 0, 0, &header, control), 1);
    CHECK(header.flags, MSG_CTRUNC);
    CHECK(header.control_length, 0);
    CHECK(file_of(pair[0])->references, 2);
    /* Credentials that do not fit are cut short. */
    fake.receive_rights_count = 0;
    fake.receive_credentials = true;
    CHECK(receive_message(unix_socket, 24, 0, &header, control), 1);
    CHECK(header.flags, MSG_CTRUNC);
    memcpy(&cmsg, control, 16);
    CHECK(cmsg.length, 24);
    CHECK(header.control_length, 24);
    /* The service's own flags come through. */
    fake.receive_credentials = false;
    fake.receive_flags_out = MSG_TRUNC | 0x10000;
    CHECK(receive_message(unix_socket, 0, 0, &header, control), 1);
    CHECK(header.flags, MSG_TRUNC);
    CHECK(sys(SYS_recvmsg, unix_socket, 8, 0), -EFAULT);
    CHECK(sys(SYS_recvmsg, unix_socket, user_alloc(56), MSG_CMSG_COMPAT), -EINVAL);
}

static void options_are_copied_both_ways(void **state)
{
    int tcp = tcp_socket();
    int one = 1;
    CHECK(sys(SYS_setsockopt, tcp, SOL_TCP, TCP_NODELAY, user_copy(&one, 4), 4), 0);
    CHECK(fake.option_level, SOL_TCP);
    CHECK(fake.option_name, TCP_NODELAY);
    CHECK(fake.option_length, 4);
    CHECK(fake.option[0], 1);
    CHECK(sys(SYS_setsockopt, tcp, SOL_SOCKET, 999, user_copy(&one, 4), 4), -ENOPROTOOPT);
    CHECK(sys(SYS_setsockopt, tcp, SOL_SOCKET, SO_KEEPALIVE, 8, 4), -EFAULT);
    CHECK(sys(SYS_setsockopt, tcp, SOL_SOCKET, SO_KEEPALIVE, user_copy(&one, 4), -1), -EINVAL);
    CHECK(sys(SYS_setsockopt, 99, SOL_SOCKET, SO_KEEPALIVE, 0, -1), -EINVAL);
    CHECK(sys(SYS_setsockopt, tcp, SOL_SOCKET, SO_KEEPALIVE, user_alloc(4096), 4096), 0);
    CHECK(fake.option_length, 256);
    /* getsockopt: min(optlen, answer) bytes and that length. */
    uintptr_t value = user_alloc(16), length = user_int(16);
    fake.option_answer_length = 4;
    CHECK(sys(SYS_getsockopt, tcp, SOL_SOCKET, SO_RCVBUF, value, length), 0);
    CHECK(fake.option_length, 16);
    CHECK(user_int_read(length), 4);
    fake.option_answer_length = 17;
    CHECK(sys(SYS_getsockopt, tcp, SOL_SOCKET, SO_RCVBUF, value, length), -EIO);
    CHECK(sys(SYS_getsockopt, tcp, SOL_SOCKET, SO_RCVBUF, value, user_int(-1)), -EINVAL);
    CHECK(sys(SYS_getsockopt, tcp, SOL_SOCKET, SO_RCVBUF, value, 8), -EFAULT);
    fake.option_answer_length = 4;
    CHECK(sys(SYS_getsockopt, tcp, SOL_SOCKET, SO_RCVBUF, 8, user_int(4)), -EFAULT);
}

static void socketpair_connects_through_the_service(void **state)
{
    uintptr_t fds = user_alloc(8);
    CHECK(sys(SYS_socketpair, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    CHECK(fake.pair_calls, 1);
    int pair[2];
    user_read(pair, fds, 8);
    CHECK(pair[0], 3);
    CHECK(pair[1], 4);
    CHECK(sys(SYS_fcntl, pair[1], F_GETFD), FD_CLOEXEC);
    CHECK(sys(SYS_socketpair, AF_INET, SOCK_STREAM, 0, fds), -EOPNOTSUPP);
    CHECK(sys(SYS_socketpair, AF_INET6, SOCK_STREAM, 0, fds), -EAFNOSUPPORT);
    CHECK(sys(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, 8), -EFAULT);
    CHECK(sys(SYS_socketpair, AF_UNIX, SOCK_STREAM | 0x100, 0, fds), -EINVAL);
    CHECK(OK(sys(SYS_dup, 0 + pair[0])), 5);   /* nothing was left open by the failures */
}

static void sendmmsg_counts_the_messages(void **state)
{
    int udp = (int)OK(sys(SYS_socket, AF_INET, SOCK_DGRAM, 0));
    uintptr_t data = user_copy("abcdef", 6);
    struct {
        struct test_msghdr header;
        uint32_t length;
        uint32_t padding;
    } vector[2] = { 0 };
    struct test_iovec iov[2] = { { data, 2 }, { data, 6 } };
    uintptr_t iovs = user_copy(iov, sizeof iov);
    vector[0].header = (struct test_msghdr){ .iov = iovs, .iov_length = 1 };
    vector[1].header = (struct test_msghdr){ .iov = iovs + 16, .iov_length = 1 };
    uintptr_t address = user_copy(vector, sizeof vector);
    CHECK(sys(SYS_sendmmsg, udp, address, 2, 0), 2);
    user_read(vector, address, sizeof vector);
    CHECK(vector[0].length, 2);
    CHECK(vector[1].length, 6);
    CHECK(sys(SYS_sendmmsg, udp, 8, 2, 0), -EFAULT);
}

static void epoll_sees_a_socket_poll(void **state)
{
    int tcp = tcp_socket();
    int epfd = (int)OK(sys(SYS_epoll_create1, 0));
    struct {
        uint32_t events;
        uint64_t data;
    } __attribute__((packed)) event = { 0x4 /* EPOLLOUT */, 5 };
    CHECK(sys(SYS_epoll_ctl, epfd, 1, tcp, user_copy(&event, 12)), 0);
    uintptr_t events = user_alloc(12);
    CHECK(sys(SYS_epoll_wait, epfd, events, 1, 0), 1);
    user_read(&event, events, 12);
    CHECK(event.events, 0x4);
    CHECK(event.data, 5);
}

static void not_sockets_and_bad_descriptors(void **state)
{
    int pair[2];
    make_pipe(pair);
    CHECK(sys(SYS_bind, pair[0], 0, 0), -ENOTSOCK);
    CHECK(sys(SYS_listen, pair[0], 1), -ENOTSOCK);
    CHECK(sys(SYS_sendmsg, pair[1], 0, 0), -ENOTSOCK);
    CHECK(sys(SYS_getsockopt, pair[0], SOL_SOCKET, SO_TYPE, 0, 0), -ENOTSOCK);
    CHECK(sys(SYS_bind, 99, 0, 0), -EBADF);
    long path = OK(open_path("/", O_PATH, 0));
    CHECK(sys(SYS_listen, path, 1), -EBADF);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FAKE_TEST(socket_picks_the_constructor_and_sets_flags),
        FAKE_TEST(bind_and_connect_decode_before_calling),
        FAKE_TEST(listen_clamps_the_backlog),
        FAKE_TEST(accept_installs_the_new_socket_and_its_peer),
        FAKE_TEST(shutdown_checks_how),
        FAKE_TEST(getsockname_encodes_the_service_address),
        FAKE_TEST(sendto_decodes_datagram_destinations_only),
        FAKE_TEST(epipe_raises_sigpipe_unless_msg_nosignal),
        FAKE_TEST(recvfrom_copies_data_and_source),
        FAKE_TEST(sendmsg_checks_the_header),
        FAKE_TEST(scm_rights_pass_referenced_files),
        FAKE_TEST(malformed_control_messages_are_einval),
        FAKE_TEST(scm_credentials_are_checked),
        FAKE_TEST(recvmsg_writes_credentials_then_rights),
        FAKE_TEST(recvmsg_truncates_control_with_msg_ctrunc),
        FAKE_TEST(options_are_copied_both_ways),
        FAKE_TEST(socketpair_connects_through_the_service),
        FAKE_TEST(sendmmsg_counts_the_messages),
        FAKE_TEST(epoll_sees_a_socket_poll),
        FAKE_TEST(not_sockets_and_bad_descriptors),
    };
    return RUN_SYSCALL_TESTS("syscall-socket-core", tests);
}

#else

/* The fake service exists only in ringkernel; Linux has its own sockets (test_sockets.c). */
int main(void) { return 0; }

#endif
