/*
 * net_bench.c — network benchmarks, one static binary (musl) run on
 * ringkernel and on Debian's Linux in the same QEMU; times come from the
 * guest's CLOCK_MONOTONIC. Each result is one line
 * "bench NAME UNIT VALUE" (higher is better).
 *
 *   net_bench send ADDRESS PORT MIB   TCP to a host sink (it reads until EOF,
 *                                     then closes): MiB/s from connect to the
 *                                     sink's close
 *   net_bench loopback MIB            TCP over 127.0.0.1 to a child that reads
 *                                     until EOF and acknowledges: MiB/s
 *   net_bench connect COUNT           connect + accept + close of both ends
 *                                     over 127.0.0.1 in one process: per second
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (64 * 1024)

static char chunk[CHUNK];

/* Monotonic time in seconds. */
static double now_seconds(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

static void fail(const char *what)
{
    fprintf(stderr, "net_bench: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* A connected TCP socket to address:port (exits on failure). */
static int connect_to(const char *address, int port)
{
    struct sockaddr_in peer = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    if (inet_pton(AF_INET, address, &peer.sin_addr) != 1) {
        errno = EINVAL;
        fail("address");
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&peer, sizeof peer) < 0)
        fail("connect");
    return fd;
}

/* Write bytes in CHUNK pieces (exits on failure). */
static void send_bytes(int fd, long long bytes)
{
    while (bytes > 0) {
        size_t piece = bytes < CHUNK ? (size_t)bytes : CHUNK;
        ssize_t wrote = write(fd, chunk, piece);
        if (wrote <= 0)
            fail("write");
        bytes -= wrote;
    }
}

/* Read until EOF; returns the byte count. */
static long long drain(int fd)
{
    static char buffer[CHUNK];
    long long total = 0;
    ssize_t got;
    while ((got = read(fd, buffer, sizeof buffer)) > 0)
        total += got;
    return total;
}

static void bench_send(const char *address, int port, long mebibytes)
{
    double start = now_seconds();
    int fd = connect_to(address, port);
    send_bytes(fd, (long long)mebibytes << 20);
    shutdown(fd, SHUT_WR);
    drain(fd); /* the sink closes once it has everything */
    double elapsed = now_seconds() - start;
    close(fd);
    printf("bench tcp-send-host MiB/s %.2f\n", (double)mebibytes / elapsed);
}

/* A listener on 127.0.0.1 at a kernel-chosen port (returned in *port). */
static int loopback_listener(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t length = sizeof address;
    if (fd < 0 || bind(fd, (struct sockaddr *)&address, sizeof address) < 0 || listen(fd, 128) < 0 ||
        getsockname(fd, (struct sockaddr *)&address, &length) < 0)
        fail("listen");
    *port = ntohs(address.sin_port);
    return fd;
}

static void bench_loopback(long mebibytes)
{
    int port;
    int listener = loopback_listener(&port);
    pid_t child = fork();
    if (child == 0) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0)
            fail("accept");
        long long got = drain(fd);
        char answer = got == (long long)mebibytes << 20 ? 'y' : 'n';
        write(fd, &answer, 1);
        close(fd);
        _exit(0);
    }
    double start = now_seconds();
    int fd = connect_to("127.0.0.1", port);
    send_bytes(fd, (long long)mebibytes << 20);
    shutdown(fd, SHUT_WR);
    char answer = 0;
    if (read(fd, &answer, 1) != 1 || answer != 'y') {
        fprintf(stderr, "net_bench: the receiver got a different byte count\n");
        exit(1);
    }
    double elapsed = now_seconds() - start;
    close(fd);
    waitpid(child, NULL, 0);
    close(listener);
    printf("bench tcp-loopback MiB/s %.2f\n", (double)mebibytes / elapsed);
}

static void bench_connect(long count)
{
    int port;
    int listener = loopback_listener(&port);
    double start = now_seconds();
    for (long i = 0; i < count; i++) {
        int client = connect_to("127.0.0.1", port);
        int server = accept(listener, NULL, NULL);
        if (server < 0)
            fail("accept");
        close(client);
        close(server);
    }
    double elapsed = now_seconds() - start;
    close(listener);
    printf("bench tcp-connect-accept-close per-second %.1f\n", (double)count / elapsed);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (size_t i = 0; i < sizeof chunk; i++)
        chunk[i] = (char)(i * 7);
    if (argc == 5 && strcmp(argv[1], "send") == 0)
        bench_send(argv[2], atoi(argv[3]), atol(argv[4]));
    else if (argc == 3 && strcmp(argv[1], "loopback") == 0)
        bench_loopback(atol(argv[2]));
    else if (argc == 3 && strcmp(argv[1], "connect") == 0)
        bench_connect(atol(argv[2]));
    else {
        fprintf(stderr, "usage: net_bench send ADDRESS PORT MIB | loopback MIB | connect COUNT\n");
        return 2;
    }
    return 0;
}
