/*
 * test_tap_tcp.c — the whole network path end to end on a real tap
 * interface: socket syscalls (syscall_dispatch, as user mode enters) from
 * kernel threads of a test process, the network service (lwIP), the
 * virtio-net driver, the hosted virtio-net device and the tap, to the
 * host's Linux in a network namespace of the test's own (nothing outside
 * is touched). The kernel boots with hosted.net=tap:rk0, ip=10.99.0.2/24
 * and the real clock (with the virtual one, idle would jump to lwIP's next
 * timer instead of waiting for the tap); the host side is 10.99.0.1 with
 * its peers in pthreads (tap_host.c):
 *   1. the kernel connects to a host listener, 256 KiB each way at once;
 *   2. a host client connects to the kernel's listener, the same;
 *   3. UDP datagrams (up to a fragmented 8000 bytes) kernel to host and back.
 * Every byte is checked against its pattern and each direction's checksum
 * on both ends. Waits are bounded (SO_RCVTIMEO/SO_SNDTIMEO in the kernel,
 * poll timeouts on the host, a 20 s alarm for the whole program).
 * Skipped (with the reason printed) only without the privilege to make a
 * namespace or a tap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <rk/errno.h>
#include <rk/mm.h>
#include <rk/page_alloc.h>
#include <rk/platform.h>
#include <rk/process.h>
#include <rk/syscall.h>
#include <rk/thread.h>
#include "hosted.h"
#include "tap_host.h"

#define TAP_NAME "rk0"
#define HOST_ADDRESS "10.99.0.1"
#define KERNEL_ADDRESS "10.99.0.2"
#define HOST_ADDRESS_VALUE 0x0a630001u
#define KERNEL_ADDRESS_VALUE 0x0a630002u
#define BOOT_OPTIONS "loglevel=3 hosted.clock=real hosted.net=tap:" TAP_NAME \
                     " ip=" KERNEL_ADDRESS "::" HOST_ADDRESS ":255.255.255.0::eth0:off"
#define STREAM_BYTES (256u * 1024u)
#define TIMEOUT_SECONDS 4
#define AF_INET_VALUE 2
#define SOCK_STREAM_VALUE 1
#define SOCK_DGRAM_VALUE 2
#define SOL_SOCKET_VALUE 1
#define SO_RCVTIMEO_VALUE 20
#define SO_SNDTIMEO_VALUE 21
#define SHUT_WR_VALUE 1

/* User memory of the test process: three regions of the arena. */
#define ARENA_BASE ((uintptr_t)0x10000000)
#define ARENA_PAGES 48
#define SEND_BUFFER ARENA_BASE                       /* 64 KiB */
#define RECEIVE_BUFFER (ARENA_BASE + 0x10000)        /* 64 KiB */
#define SCRATCH (ARENA_BASE + 0x20000)               /* addresses, options */
#define BUFFER_SIZE 0x10000

static bool namespace_ready;
static const char *namespace_problem;
static struct process *test_process;

/* A syscall through the dispatch user mode enters by, with up to six integer arguments. */
#define rk_syscall(number, ...) \
    syscall_dispatch((number), (const uint64_t[SYSCALL_ARGUMENTS + 1]){ 0, ##__VA_ARGS__ } + 1)

/* ------------------------------------------------------ user memory */

/* The kernel's view of user address va (mapped by the fixture). */
static uint8_t *user_view(uintptr_t va)
{
    paddr_t frame;
    uintptr_t page = va & ~(uintptr_t)(PAGE_SIZE - 1);
    if (platform_translate(&test_process->mm->space, page, &frame, NULL) != 0)
        return NULL;
    return (uint8_t *)platform_phys_to_virt(frame) + (va - page);
}

/* Copy length bytes between the test and user memory (to_user says which way). */
static void user_copy(uintptr_t user, void *kernel, size_t length, bool to_user)
{
    uint8_t *bytes = kernel;
    while (length > 0) {
        size_t room = PAGE_SIZE - (user & (PAGE_SIZE - 1));
        size_t chunk = length < room ? length : room;
        if (to_user)
            memcpy(user_view(user), bytes, chunk);
        else
            memcpy(bytes, user_view(user), chunk);
        user += chunk, bytes += chunk, length -= chunk;
    }
}

/* A sockaddr_in for address (host order) and port written at user address at. */
static uintptr_t user_sockaddr(uintptr_t at, uint32_t address, uint16_t port)
{
    uint8_t bytes[16] = { AF_INET_VALUE, 0, (uint8_t)(port >> 8), (uint8_t)port,
                          (uint8_t)(address >> 24), (uint8_t)(address >> 16),
                          (uint8_t)(address >> 8), (uint8_t)address };
    user_copy(at, bytes, sizeof bytes, true);
    return at;
}

/* ------------------------------------------------------ fixture */

/* Group setup: the namespace, once for the program (threads started later share it). */
static int group_setup(void **state)
{
    (void)state;
    int error = tap_host_enter_namespace();
    if (error == -EPERM)
        namespace_problem = "no privilege to make a network namespace (CAP_SYS_ADMIN/CAP_NET_ADMIN missing)";
    else if (error < 0)
        return -1;
    namespace_ready = error == 0;
    tap_host_deadline(20, "test_tap_tcp: not finished within 20 s\n");
    return 0;
}

/* Per test: boot on the tap, address the host side, make the test process and its memory. */
static int test_setup(void **state)
{
    (void)state;
    if (!namespace_ready)
        return 0;
    int error = hosted_test_boot(BOOT_OPTIONS);
    if (error == -EPERM) {
        namespace_problem = "no CAP_NET_ADMIN to create a tap interface";
        namespace_ready = false;
        return 0;
    }
    if (error != 0) {
        print_error("boot with %s: %d\n", BOOT_OPTIONS, error);
        return -1;
    }
    error = tap_host_configure(TAP_NAME, HOST_ADDRESS, "255.255.255.0", NULL);
    if (error != 0) {
        print_error("configuring %s on the host: %d\n", TAP_NAME, error);
        return -1;
    }
    test_process = process_create("tap-test", 0, true);
    if (!test_process)
        return -1;
    process_attach_thread(test_process, thread_current());
    const unsigned protection = PLATFORM_PROT_READ | PLATFORM_PROT_WRITE | PLATFORM_PROT_USER;
    for (size_t i = 0; i < ARENA_PAGES; i++) {
        paddr_t frame = page_alloc(0);
        if (frame == PADDR_INVALID)
            return -1;
        memset(platform_phys_to_virt(frame), 0, PAGE_SIZE);
        if (platform_map(&test_process->mm->space, ARENA_BASE + i * PAGE_SIZE, frame, protection) < 0)
            return -1;
    }
    return 0;
}

/* Per test: the process goes (its sockets close); the next boot takes everything else back. */
static int test_teardown(void **state)
{
    (void)state;
    if (test_process) {
        process_attach_thread(NULL, thread_current());
        process_put(test_process);
        test_process = NULL;
    }
    return 0;
}

/* Skip the test, saying why, when the namespace or the tap could not be had. */
static void skip_without_privilege(void)
{
    if (namespace_ready)
        return;
    printf("test_tap_tcp: skipped: %s\n", namespace_problem ? namespace_problem : "no namespace");
    skip();
}

/* ------------------------------------------------ kernel-side work */

/* One kernel thread's job and its outcome (a thread cannot fail a CMocka test itself). */
struct kernel_job {
    int fd;
    uint64_t total;              /* stream: bytes to send or expect */
    uint8_t seed;
    bool failed;
    char message[240];
    uint64_t bytes;              /* sent or received */
    uint64_t checksum;
    int accepted_fd;             /* accept job */
    uint16_t port;               /* connect job: the host listener's */
    struct tap_host_peer *peer;  /* host_wait_job */
};

/* Record job's first failure. */
static void job_fail(struct kernel_job *job, const char *format, ...)
{
    if (job->failed)
        return;
    job->failed = true;
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(job->message, sizeof job->message, format, arguments);
    va_end(arguments);
}

/* Run function(job) in a kernel thread of the test process and wait for it; false when it could not run. */
static bool kernel_run(thread_function function, struct kernel_job *job)
{
    struct thread *thread = thread_create("tap-test", function, job);
    if (!thread)
        return false;
    process_attach_thread(test_process, thread);
    return thread_join(thread, NULL) == 0;
}

/* Two jobs at once in two kernel threads (sender and receiver on one socket). */
static bool kernel_run_both(thread_function first, struct kernel_job *first_job,
                            thread_function second, struct kernel_job *second_job)
{
    struct thread *one = thread_create("tap-send", first, first_job);
    struct thread *two = thread_create("tap-receive", second, second_job);
    if (!one || !two)
        return false;
    process_attach_thread(test_process, one);
    process_attach_thread(test_process, two);
    bool joined = thread_join(one, NULL) == 0;
    return thread_join(two, NULL) == 0 && joined;
}

/* An AF_INET socket of type with SO_RCVTIMEO and SO_SNDTIMEO of TIMEOUT_SECONDS (boot thread; never blocks). */
static int kernel_socket(int type)
{
    long fd = rk_syscall(SYS_socket, AF_INET_VALUE, type, 0);
    assert_true(fd >= 0);
    int64_t timeout[2] = { TIMEOUT_SECONDS, 0 };
    user_copy(SCRATCH + 64, timeout, sizeof timeout, true);
    assert_int_equal(rk_syscall(SYS_setsockopt, fd, SOL_SOCKET_VALUE, SO_RCVTIMEO_VALUE, SCRATCH + 64, 16), 0);
    assert_int_equal(rk_syscall(SYS_setsockopt, fd, SOL_SOCKET_VALUE, SO_SNDTIMEO_VALUE, SCRATCH + 64, 16), 0);
    return (int)fd;
}

/* Job: connect job->fd to the host's listener at job->port. */
static void connect_job(void *argument)
{
    struct kernel_job *job = argument;
    uintptr_t address = user_sockaddr(SCRATCH + 128, HOST_ADDRESS_VALUE, job->port);
    long result = rk_syscall(SYS_connect, job->fd, address, 16);
    if (result != 0)
        job_fail(job, "kernel: connect to " HOST_ADDRESS ":%u: %ld", job->port, result);
}

/* Job: accept one connection on listening job->fd into job->accepted_fd. */
static void accept_job(void *argument)
{
    struct kernel_job *job = argument;
    int length = 16;
    user_copy(SCRATCH + 224, &length, sizeof length, true);
    long result = rk_syscall(SYS_accept4, job->fd, SCRATCH + 192, SCRATCH + 224, 0);
    if (result < 0)
        job_fail(job, "kernel: accept: %ld", result);
    job->accepted_fd = (int)result;
}

/* Job: send job->total pattern bytes on job->fd, then shut the sending side. */
static void send_job(void *argument)
{
    struct kernel_job *job = argument;
    static uint8_t chunk[BUFFER_SIZE];
    job->checksum = TAP_CHECKSUM_START;
    while (job->bytes < job->total) {
        size_t length = job->total - job->bytes < BUFFER_SIZE ? job->total - job->bytes : BUFFER_SIZE;
        for (size_t i = 0; i < length; i++)
            chunk[i] = tap_pattern_byte(job->bytes + i, job->seed);
        user_copy(SEND_BUFFER, chunk, length, true);
        long sent = rk_syscall(SYS_sendto, job->fd, SEND_BUFFER, length, 0, 0, 0);
        if (sent <= 0 || (size_t)sent > length) {
            job_fail(job, "kernel: send after %llu bytes: %ld", (unsigned long long)job->bytes, sent);
            return;
        }
        job->checksum = tap_checksum(job->checksum, chunk, (size_t)sent);
        job->bytes += (uint64_t)sent;
    }
    long result = rk_syscall(SYS_shutdown, job->fd, SHUT_WR_VALUE);
    if (result != 0)
        job_fail(job, "kernel: shutdown(SHUT_WR): %ld", result);
}

/* Job: receive on job->fd until end of stream; every byte must follow the pattern. */
static void receive_job(void *argument)
{
    struct kernel_job *job = argument;
    static uint8_t chunk[BUFFER_SIZE];
    job->checksum = TAP_CHECKSUM_START;
    for (;;) {
        long got = rk_syscall(SYS_recvfrom, job->fd, RECEIVE_BUFFER, BUFFER_SIZE, 0, 0, 0);
        if (got < 0 || got > BUFFER_SIZE) {
            job_fail(job, "kernel: recv after %llu bytes: %ld", (unsigned long long)job->bytes, got);
            return;
        }
        if (got == 0)
            break;
        user_copy(RECEIVE_BUFFER, chunk, (size_t)got, false);
        for (long i = 0; i < got; i++) {
            if (chunk[i] != tap_pattern_byte(job->bytes + (uint64_t)i, job->seed)) {
                job_fail(job, "kernel: received byte %llu is %#x", (unsigned long long)(job->bytes + (uint64_t)i),
                         chunk[i]);
                return;
            }
        }
        job->checksum = tap_checksum(job->checksum, chunk, (size_t)got);
        job->bytes += (uint64_t)got;
    }
    if (job->bytes != job->total)
        job_fail(job, "kernel: end of stream after %llu bytes, expected %llu",
                 (unsigned long long)job->bytes, (unsigned long long)job->total);
}

/* Assert that job finished without failure. */
static void assert_job(const struct kernel_job *job)
{
    if (job->failed)
        fail_msg("%s", job->message);
}

/* Assert that the host peer finished without failure. */
static void assert_host(const struct tap_host_result *result)
{
    if (result->failed)
        fail_msg("%s", result->message);
}

/*
 * Job: keep the kernel running until the host peer job->peer is done: the
 * kernel may still hold sent data or a FIN the peer waits for, and it runs
 * only while the test's thread is in the scheduler, not in pthread_join.
 * Checks every millisecond (nanosleep wakes the idle loop); bounded by
 * the peer's own timeouts.
 */
static void host_wait_job(void *argument)
{
    struct kernel_job *job = argument;
    int64_t millisecond[2] = { 0, 1000000 };
    user_copy(SCRATCH + 256, millisecond, sizeof millisecond, true);
    while (!tap_host_finished(job->peer)) {
        long result = rk_syscall(SYS_nanosleep, SCRATCH + 256, 0);
        if (result != 0) {
            job_fail(job, "kernel: nanosleep: %ld", result);
            return;
        }
    }
}

/* Drive the kernel until peer is done, then join it into result. */
static void host_join(struct tap_host_peer *peer, struct tap_host_result *result)
{
    struct kernel_job waiter = { .peer = peer };
    assert_true(kernel_run(host_wait_job, &waiter));
    tap_host_join(peer, result);
    assert_job(&waiter);
}

/* On connected fd: 256 KiB each way at once with the host peer; then close fd and check both ends. */
static void exchange_with_host(int fd, struct tap_host_peer *peer)
{
    struct kernel_job sender = { .fd = fd, .total = STREAM_BYTES, .seed = 0x11 };
    struct kernel_job receiver = { .fd = fd, .total = STREAM_BYTES, .seed = 0x22 };
    assert_true(kernel_run_both(send_job, &sender, receive_job, &receiver));
    struct tap_host_result host;
    host_join(peer, &host);
    assert_job(&sender);
    assert_job(&receiver);
    assert_host(&host);
    assert_int_equal(rk_syscall(SYS_close, fd), 0);
    assert_int_equal(host.received, STREAM_BYTES);
    assert_int_equal(host.sent, STREAM_BYTES);
    assert_true(host.received_checksum == sender.checksum);
    assert_true(host.sent_checksum == receiver.checksum);
    /* It all went through the device: at least a full-sized frame per 1460 bytes each way. */
    struct hosted_virtio_net_statistics device;
    assert_int_equal(hosted_virtio_net_statistics(0, &device), 0);
    assert_true(device.transmitted >= STREAM_BYTES / 1460);
    assert_true(device.received >= STREAM_BYTES / 1460);
    assert_int_equal(device.transmit_errors, 0);
}

/* ------------------------------------------------------------ tests */

/* 1. The kernel connects to a host listener; 256 KiB each way at once. */
static void kernel_connects_to_host(void **state)
{
    (void)state;
    skip_without_privilege();
    int listener = tap_host_tcp_listen(HOST_ADDRESS, 7000);
    assert_true(listener >= 0);
    struct tap_host_peer *peer = tap_host_stream_start(listener, NULL, 0, STREAM_BYTES, 0x22, 0x11,
                                                       TIMEOUT_SECONDS * 1000);
    assert_non_null(peer);
    struct kernel_job connector = { .fd = kernel_socket(SOCK_STREAM_VALUE), .port = 7000 };
    assert_true(kernel_run(connect_job, &connector));
    if (connector.failed) {
        struct tap_host_result host;
        host_join(peer, &host);
        fail_msg("%s", connector.message);
    }
    exchange_with_host(connector.fd, peer);
}

/* 2. A host client connects to the kernel's listener; the same exchange. */
static void host_connects_to_kernel(void **state)
{
    (void)state;
    skip_without_privilege();
    int listener = kernel_socket(SOCK_STREAM_VALUE);
    uintptr_t address = user_sockaddr(SCRATCH, KERNEL_ADDRESS_VALUE, 7100);
    assert_int_equal(rk_syscall(SYS_bind, listener, address, 16), 0);
    assert_int_equal(rk_syscall(SYS_listen, listener, 1), 0);
    struct tap_host_peer *peer = tap_host_stream_start(-1, KERNEL_ADDRESS, 7100, STREAM_BYTES, 0x22, 0x11,
                                                       TIMEOUT_SECONDS * 1000);
    assert_non_null(peer);
    struct kernel_job acceptor = { .fd = listener };
    assert_true(kernel_run(accept_job, &acceptor));
    if (acceptor.failed) {
        struct tap_host_result host;
        host_join(peer, &host);
        fail_msg("%s", acceptor.message);
    }
    /* The peer's address as accept wrote it: the host, from an ephemeral port. */
    uint8_t peer_address[16];
    user_copy(SCRATCH + 192, peer_address, sizeof peer_address, false);
    assert_int_equal(peer_address[0], AF_INET_VALUE);
    const uint8_t host_bytes[4] = { 10, 99, 0, 1 };
    assert_memory_equal(peer_address + 4, host_bytes, 4);
    assert_int_equal(rk_syscall(SYS_close, listener), 0);
    exchange_with_host(acceptor.accepted_fd, peer);
}

static const size_t datagram_sizes[] = { 1, 100, 1472, 8000, 512 };
#define DATAGRAM_COUNT (sizeof datagram_sizes / sizeof datagram_sizes[0])
#define DATAGRAM_SEED 0x40

/* Job: each datagram to the host's echo peer and its inverted echo back, from the host's address. */
static void udp_job(void *argument)
{
    struct kernel_job *job = argument;
    static uint8_t datagram[8192];
    uintptr_t destination = user_sockaddr(SCRATCH, HOST_ADDRESS_VALUE, 7202);
    for (size_t index = 0; index < DATAGRAM_COUNT; index++) {
        size_t size = datagram_sizes[index];
        for (size_t i = 0; i < size; i++)
            datagram[i] = tap_pattern_byte(i, (uint8_t)(DATAGRAM_SEED + index));
        user_copy(SEND_BUFFER, datagram, size, true);
        long sent = rk_syscall(SYS_sendto, job->fd, SEND_BUFFER, size, 0, destination, 16);
        if (sent != (long)size) {
            job_fail(job, "kernel: sendto of datagram %zu (%zu bytes): %ld", index, size, sent);
            return;
        }
        int length = 16;
        user_copy(SCRATCH + 32, &length, sizeof length, true);
        long got = rk_syscall(SYS_recvfrom, job->fd, RECEIVE_BUFFER, BUFFER_SIZE, 0, SCRATCH + 48, SCRATCH + 32);
        if (got != (long)size) {
            job_fail(job, "kernel: echo of datagram %zu: %ld, expected %zu bytes", index, got, size);
            return;
        }
        uint8_t source[16];
        user_copy(SCRATCH + 48, source, sizeof source, false);
        if (source[0] != AF_INET_VALUE || source[2] != 7202 >> 8 || source[3] != (7202 & 0xff) ||
            source[4] != 10 || source[5] != 99 || source[6] != 0 || source[7] != 1) {
            job_fail(job, "kernel: echo of datagram %zu from the wrong address", index);
            return;
        }
        user_copy(RECEIVE_BUFFER, datagram, size, false);
        for (size_t i = 0; i < size; i++) {
            uint8_t inverted = (uint8_t)(255 - tap_pattern_byte(i, (uint8_t)(DATAGRAM_SEED + index)));
            if (datagram[i] != inverted) {
                job_fail(job, "kernel: echo of datagram %zu: byte %zu is wrong", index, i);
                return;
            }
        }
        job->bytes += size;
    }
}

/* 3. UDP: datagrams to the host and their echoes back, one of them fragmented. */
static void udp_both_ways(void **state)
{
    (void)state;
    skip_without_privilege();
    int host_fd = tap_host_udp_bind(HOST_ADDRESS, 7202);
    assert_true(host_fd >= 0);
    struct kernel_job job = { .fd = kernel_socket(SOCK_DGRAM_VALUE) };
    uintptr_t address = user_sockaddr(SCRATCH + 128, KERNEL_ADDRESS_VALUE, 7201);
    assert_int_equal(rk_syscall(SYS_bind, job.fd, address, 16), 0);
    struct tap_host_peer *peer = tap_host_udp_echo_start(host_fd, KERNEL_ADDRESS, 7201, datagram_sizes,
                                                         DATAGRAM_COUNT, DATAGRAM_SEED,
                                                         TIMEOUT_SECONDS * 1000);
    assert_non_null(peer);
    assert_true(kernel_run(udp_job, &job));
    struct tap_host_result host;
    host_join(peer, &host);
    assert_job(&job);
    assert_host(&host);
    size_t total = 0;
    for (size_t index = 0; index < DATAGRAM_COUNT; index++)
        total += datagram_sizes[index];
    assert_int_equal(host.received, total);
    assert_int_equal(job.bytes, total);
    assert_int_equal(rk_syscall(SYS_close, job.fd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(kernel_connects_to_host, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(host_connects_to_kernel, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(udp_both_ways, test_setup, test_teardown),
    };
    return cmocka_run_group_tests_name("hosted-tap-tcp", tests, group_setup, NULL);
}
