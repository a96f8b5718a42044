/*
 * campaign_steps.c — the hosted campaign's workload steps (campaign.h): each
 * issues syscalls as pid 1 and checks every result against what it must be,
 * recording the first failure in its step_result.
 */
#include <stdio.h>
#include <string.h>

#include <rk/errno.h>
#include <rk/file.h>
#include <rk/path.h>
#include <rk/poll.h>
#include <rk/socket.h>
#include <rk/syscall.h>

#include "campaign.h"

/* Close fd when a step got that far (fd >= 0). */
static void close_open(long fd)
{
    if (fd >= 0)
        call(SYS_close, fd);
}

/* tmpfs: mkdir, create, write, read back, rename, stat, unlink, rmdir. */
static void step_files(struct step_result *result)
{
    char directory[64], name[80], renamed[80];
    snprintf(directory, sizeof directory, "/campaign-%lu", current_step);
    snprintf(name, sizeof name, "%s/file", directory);
    snprintf(renamed, sizeof renamed, "%s/renamed", directory);
    uintptr_t directory_path = user_text(directory), name_path = user_text(name),
              renamed_path = user_text(renamed);
    if (!succeeded(result, call(SYS_mkdir, (long)directory_path, 0755), "mkdir"))
        return;
    long fd = call(SYS_openat, AT_FDCWD, (long)name_path, O_CREAT | O_RDWR | O_TRUNC, 0644);
    if (!succeeded(result, fd, "open O_CREAT"))
        goto remove_directory;
    size_t length = 1000 + (current_step * 37) % 3000;
    static unsigned char sent[BUFFER_SIZE], got[BUFFER_SIZE];
    fill_pattern(sent, length, 1);
    uintptr_t out = user_put(sent, length), in = user_put(NULL, length);
    if (!returned(result, call(SYS_write, fd, (long)out, (long)length), (long)length, "write"))
        goto close_file;
    if (!returned(result, call(SYS_pread64, fd, (long)in, (long)length, 0), (long)length, "pread"))
        goto close_file;
    user_get(got, in, length);
    if (memcmp(sent, got, length) != 0) {
        fail(result, OUTCOME_MISMATCH, 0, "file contents differ");
        goto close_file;
    }
    if (!succeeded(result, call(SYS_close, fd), "close"))
        goto unlink_file;
    fd = -1;
    if (!succeeded(result, call(SYS_rename, (long)name_path, (long)renamed_path), "rename"))
        goto unlink_file;
    uintptr_t status = user_put(NULL, 144);
    if (!succeeded(result, call(SYS_stat, (long)renamed_path, (long)status), "stat"))
        goto unlink_renamed;
    int64_t size;
    user_get(&size, status + 48, sizeof size);
    if (size != (int64_t)length)
        fail(result, OUTCOME_MISMATCH, 0, "stat size %lld, not %zu", (long long)size, length);
    long old_name = call(SYS_stat, (long)name_path, (long)status);
    if (old_name == 0)
        fail(result, OUTCOME_MISMATCH, 0, "the old name is still there after rename");
    else if (old_name != -ENOENT)
        succeeded(result, old_name, "stat old name");
unlink_renamed:
    succeeded(result, call(SYS_unlink, (long)renamed_path), "unlink");
    goto remove_directory;
close_file:
    call(SYS_close, fd);
unlink_file:
    call(SYS_unlink, (long)name_path);
remove_directory:
    succeeded(result, call(SYS_rmdir, (long)directory_path), "rmdir");
}

/* Read the whole of path into buffer (NUL-terminated): the length or a negative errno. */
static long read_whole(const char *path, char *buffer, size_t size, long *fd_out)
{
    long fd = call(SYS_openat, AT_FDCWD, (long)user_text(path), O_RDONLY, 0);
    *fd_out = fd;
    if (fd < 0)
        return fd;
    uintptr_t in = user_put(NULL, size);
    long total = 0;
    for (;;) {
        long count = call(SYS_read, fd, (long)(in + total), (long)(size - 1 - total));
        if (count < 0) {
            call(SYS_close, fd);
            return count;
        }
        if (count == 0)
            break;
        total += count;
        if ((size_t)total >= size - 1)
            break;
    }
    user_get(buffer, in, (size_t)total);
    buffer[total] = '\0';
    long closed = call(SYS_close, fd);
    return closed < 0 ? closed : total;
}

/* procfs: /proc/uptime, /proc/meminfo, /proc/self/status, a directory listing of /proc. */
static void step_proc(struct step_result *result)
{
    static char text[BUFFER_SIZE];
    long fd;
    long length = read_whole("/proc/uptime", text, sizeof text, &fd);
    if (!succeeded(result, length, "read /proc/uptime"))
        return;
    if (length < 4 || !strchr(text, '.') || text[length - 1] != '\n') {
        fail(result, OUTCOME_MISMATCH, 0, "/proc/uptime is \"%.20s\"", text);
        return;
    }
    static const struct { const char *path, *start; } files[] = {
        {"/proc/meminfo", "MemTotal:"},
        {"/proc/self/status", "Name:"},
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        length = read_whole(files[i].path, text, sizeof text, &fd);
        if (!succeeded(result, length, files[i].path))
            return;
        if (strncmp(text, files[i].start, strlen(files[i].start)) != 0) {
            fail(result, OUTCOME_MISMATCH, 0, "%s starts \"%.20s\"", files[i].path, text);
            return;
        }
    }
    fd = call(SYS_openat, AT_FDCWD, (long)user_text("/proc"), O_RDONLY | O_DIRECTORY, 0);
    if (!succeeded(result, fd, "open /proc"))
        return;
    uintptr_t entries = user_put(NULL, 4096);
    long bytes = call(SYS_getdents64, fd, (long)entries, 4096);
    call(SYS_close, fd);
    if (!succeeded(result, bytes, "getdents /proc"))
        return;
    if (bytes == 0)
        fail(result, OUTCOME_MISMATCH, 0, "/proc lists nothing");
}

/* devfs: /dev/null swallows, /dev/zero gives zeroes. */
static void step_devices(struct step_result *result)
{
    long null_fd = call(SYS_openat, AT_FDCWD, (long)user_text("/dev/null"), O_RDWR, 0);
    if (!succeeded(result, null_fd, "open /dev/null"))
        return;
    static unsigned char data[BUFFER_SIZE];
    fill_pattern(data, 512, 2);
    uintptr_t out = user_put(data, 512);
    if (returned(result, call(SYS_write, null_fd, (long)out, 512), 512, "write /dev/null"))
        returned(result, call(SYS_read, null_fd, (long)out, 512), 0, "read /dev/null");
    call(SYS_close, null_fd);
    if (result->outcome != OUTCOME_OK)
        return;
    long zero_fd = call(SYS_openat, AT_FDCWD, (long)user_text("/dev/zero"), O_RDONLY, 0);
    if (!succeeded(result, zero_fd, "open /dev/zero"))
        return;
    uintptr_t in = user_put(data, 1024);
    if (returned(result, call(SYS_read, zero_fd, (long)in, 1024), 1024, "read /dev/zero")) {
        user_get(data, in, 1024);
        for (size_t i = 0; i < 1024; i++)
            if (data[i] != 0) {
                fail(result, OUTCOME_MISMATCH, 0, "/dev/zero gave a non-zero byte");
                break;
            }
    }
    call(SYS_close, zero_fd);
    uintptr_t status = user_put(NULL, 144);
    succeeded(result, call(SYS_stat, (long)user_text("/dev/tty"), (long)status), "stat /dev/tty");
}

/* tty: the console's termios through the tty service. */
static void step_tty(struct step_result *result)
{
    long fd = call(SYS_openat, AT_FDCWD, (long)user_text("/dev/console"), O_RDWR | O_NOCTTY, 0);
    if (!succeeded(result, fd, "open /dev/console"))
        return;
    uintptr_t termios = user_put(NULL, 64);
    if (succeeded(result, call(SYS_ioctl, fd, CAMPAIGN_TCGETS, (long)termios), "TCGETS")) {
        uint32_t flags[4];
        user_get(flags, termios, sizeof flags);
        if (flags[3] == 0)
            fail(result, OUTCOME_MISMATCH, 0, "console c_lflag is 0");
    }
    call(SYS_close, fd);
}

/* Pipes (Core only: a control; a failure here is not the services'). */
static void step_pipe(struct step_result *result)
{
    uintptr_t pair = user_put(NULL, 8);
    if (!succeeded(result, call(SYS_pipe2, (long)pair, 0), "pipe2"))
        return;
    int fds[2];
    user_get(fds, pair, sizeof fds);
    exchange(result, fds[1], fds[0], 3000, 3, false, "pipe");
    call(SYS_close, fds[0]);
    call(SYS_close, fds[1]);
}

/* A struct sockaddr_un for path (abstract when it starts with '@'): its length. */
static long unix_address(const char *path, uintptr_t *address)
{
    unsigned char bytes[110] = {CAMPAIGN_AF_UNIX, 0};
    size_t length = strlen(path);
    memcpy(bytes + 2, path, length);
    if (path[0] == '@')
        bytes[2] = 0;
    *address = user_put(bytes, sizeof bytes);
    return (long)(2 + length + (path[0] == '@' ? 0 : 1));
}

/* AF_UNIX: a stream pair both ways, then a named listener in tmpfs with connect/accept. */
static void step_unix(struct step_result *result)
{
    uintptr_t pair = user_put(NULL, 8);
    if (!succeeded(result, call(SYS_socketpair, CAMPAIGN_AF_UNIX, SOCK_STREAM, 0, (long)pair),
                   "socketpair"))
        return;
    int fds[2];
    user_get(fds, pair, sizeof fds);
    if (exchange(result, fds[0], fds[1], 2000, 4, true, "unix pair a->b"))
        exchange(result, fds[1], fds[0], 1500, 5, true, "unix pair b->a");
    call(SYS_close, fds[0]);
    call(SYS_close, fds[1]);
    if (result->outcome != OUTCOME_OK)
        return;

    char path[64];
    snprintf(path, sizeof path, "/campaign-socket-%lu", current_step);
    uintptr_t address;
    long address_length = unix_address(path, &address);
    long listener = call(SYS_socket, CAMPAIGN_AF_UNIX, SOCK_STREAM, 0);
    if (!succeeded(result, listener, "unix socket"))
        return;
    long client = -1, server = -1;
    if (!succeeded(result, call(SYS_bind, listener, (long)address, address_length), "unix bind"))
        goto done;
    if (!succeeded(result, call(SYS_listen, listener, 4), "unix listen"))
        goto done;
    client = call(SYS_socket, CAMPAIGN_AF_UNIX, SOCK_STREAM, 0);
    if (!succeeded(result, client, "unix client socket"))
        goto done;
    if (!succeeded(result, call(SYS_connect, client, (long)address, address_length), "unix connect"))
        goto done;
    if (!wait_ready(result, listener, POLLIN, "unix accept"))
        goto done;
    server = call(SYS_accept4, listener, 0, 0, 0);
    if (!succeeded(result, server, "unix accept"))
        goto done;
    exchange(result, client, server, 1000, 6, true, "unix named");
done:
    close_open(server);
    close_open(client);
    call(SYS_close, listener);
    long unlinked = call(SYS_unlink, (long)user_text(path));
    if (unlinked != -ENOENT)
        succeeded(result, unlinked, "unlink unix socket");
}

/* A struct sockaddr_in for 127.0.0.1:port. */
static uintptr_t inet_loopback(uint16_t port)
{
    unsigned char bytes[16] = {CAMPAIGN_AF_INET, 0, (unsigned char)(port >> 8), (unsigned char)port,
                               127, 0, 0, 1};
    return user_put(bytes, sizeof bytes);
}

/* TCP over loopback: listen, connect, accept, data both ways, close. */
static void step_tcp(struct step_result *result)
{
    uint16_t port = (uint16_t)(20000 + current_step % 40000);
    uintptr_t address = inet_loopback(port);
    long listener = call(SYS_socket, CAMPAIGN_AF_INET, SOCK_STREAM, 0);
    if (!succeeded(result, listener, "tcp socket"))
        return;
    long client = -1, server = -1;
    if (!succeeded(result, call(SYS_bind, listener, (long)address, 16), "tcp bind"))
        goto done;
    if (!succeeded(result, call(SYS_listen, listener, 4), "tcp listen"))
        goto done;
    client = call(SYS_socket, CAMPAIGN_AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (!succeeded(result, client, "tcp client socket"))
        goto done;
    long connected = call(SYS_connect, client, (long)address, 16);
    if (connected != -EINPROGRESS && !succeeded(result, connected, "tcp connect"))
        goto done;
    if (!wait_ready(result, listener, POLLIN, "tcp accept"))
        goto done;
    server = call(SYS_accept4, listener, 0, 0, 0);
    if (!succeeded(result, server, "tcp accept"))
        goto done;
    if (!wait_ready(result, client, POLLOUT, "tcp connected"))
        goto done;
    if (exchange(result, client, server, 3000, 7, true, "tcp c->s"))
        exchange(result, server, client, 2000, 8, true, "tcp s->c");
done:
    close_open(server);
    close_open(client);
    call(SYS_close, listener);
}

/* UDP over loopback: a datagram to itself. */
static void step_udp(struct step_result *result)
{
    uint16_t port = (uint16_t)(10000 + current_step % 10000);
    uintptr_t address = inet_loopback(port);
    long fd = call(SYS_socket, CAMPAIGN_AF_INET, SOCK_DGRAM, 0);
    if (!succeeded(result, fd, "udp socket"))
        return;
    static unsigned char sent[512], got[512];
    fill_pattern(sent, sizeof sent, 9);
    uintptr_t out = user_put(sent, sizeof sent), in = user_put(NULL, sizeof got);
    if (!succeeded(result, call(SYS_bind, fd, (long)address, 16), "udp bind"))
        goto done;
    if (!returned(result, call(SYS_sendto, fd, (long)out, sizeof sent, 0, (long)address, 16),
                  sizeof sent, "udp sendto"))
        goto done;
    if (!wait_ready(result, fd, POLLIN, "udp receive"))
        goto done;
    if (!returned(result, call(SYS_recvfrom, fd, (long)in, sizeof got, 0, 0, 0), sizeof got,
                  "udp recvfrom"))
        goto done;
    user_get(got, in, sizeof got);
    if (memcmp(sent, got, sizeof got) != 0)
        fail(result, OUTCOME_MISMATCH, 0, "udp datagram differs");
done:
    call(SYS_close, fd);
}

#define KEEP_PATH "/campaign-keep"
#define KEEP_LENGTH 777

/* Close a long-lived descriptor pair (either may be -1). */
static void keep_close(long pair[2])
{
    for (int i = 0; i < 2; i++) {
        if (pair[i] >= 0)
            call(SYS_close, pair[i]);
        pair[i] = -1;
    }
}

/* A TCP connection over loopback into pair[0] (client) and pair[1] (server): 0 or a negative errno. */
static long keep_tcp_connect(long pair[2])
{
    uintptr_t address = inet_loopback(19999);
    long listener = call(SYS_socket, CAMPAIGN_AF_INET, SOCK_STREAM, 0);
    if (listener < 0)
        return listener;
    long error = call(SYS_bind, listener, (long)address, 16);
    if (error == 0)
        error = call(SYS_listen, listener, 1);
    if (error == 0)
        pair[0] = error = call(SYS_socket, CAMPAIGN_AF_INET, SOCK_STREAM, 0);
    if (error >= 0)
        error = call(SYS_connect, pair[0], (long)address, 16);
    if (error == 0)
        pair[1] = error = call(SYS_accept4, listener, 0, 0, 0);
    call(SYS_close, listener);
    if (error < 0)
        keep_close(pair);
    return error < 0 ? error : 0;
}

/*
 * State that outlives steps: a file on tmpfs (read by path and through a
 * descriptor opened when it was made), an AF_UNIX pair and a TCP connection.
 * Each piece found lost (no fault during this step: a restart dropped it) is
 * named in the detail and made again, so each loss is reported once.
 */
static void step_keep(struct step_result *result)
{
    static unsigned char expected[KEEP_LENGTH], got[KEEP_LENGTH];
    static bool made;
    char lost[240] = "";
    long first_error = 0;
    unsigned long step = current_step;
    current_step = 0; /* the same contents at every check */
    fill_pattern(expected, KEEP_LENGTH, 0);
    current_step = step;
    uintptr_t in = user_put(NULL, KEEP_LENGTH);
    if (made && keep_file >= 0) {
        long fd = call(SYS_openat, AT_FDCWD, (long)user_text(KEEP_PATH), O_RDONLY, 0);
        long count = fd < 0 ? fd : call(SYS_read, fd, (long)in, KEEP_LENGTH);
        if (fd >= 0)
            call(SYS_close, fd);
        if (count == KEEP_LENGTH)
            user_get(got, in, KEEP_LENGTH);
        if (count != KEEP_LENGTH || memcmp(got, expected, KEEP_LENGTH) != 0) {
            strcat(lost, " file-by-path");
            first_error = first_error ? first_error : count < 0 ? count : -CAMPAIGN_EBADMSG;
        }
        count = call(SYS_pread64, keep_file, (long)in, KEEP_LENGTH, 0);
        if (count == KEEP_LENGTH)
            user_get(got, in, KEEP_LENGTH);
        if (count != KEEP_LENGTH || memcmp(got, expected, KEEP_LENGTH) != 0) {
            strcat(lost, " open-file");
            first_error = first_error ? first_error : count < 0 ? count : -CAMPAIGN_EBADMSG;
            call(SYS_close, keep_file);
            keep_file = -1;
        }
    }
    if (made) {
        struct step_result probe = {.outcome = OUTCOME_OK};
        if (keep_pair[0] >= 0 && !exchange(&probe, keep_pair[0], keep_pair[1], 100, 10, true, "keep unix")) {
            strcat(lost, " unix-pair");
            if (probe.outcome == OUTCOME_MISMATCH)
                snprintf(lost + strlen(lost), sizeof lost - strlen(lost), " [%.60s]", probe.detail);
            first_error = first_error ? first_error : probe.error ? probe.error : -CAMPAIGN_EBADMSG;
            keep_close(keep_pair);
        }
        probe = (struct step_result){.outcome = OUTCOME_OK};
        if (keep_tcp[0] >= 0 && !exchange(&probe, keep_tcp[0], keep_tcp[1], 100, 11, true, "keep tcp")) {
            strcat(lost, " tcp-connection");
            if (probe.outcome == OUTCOME_MISMATCH)
                snprintf(lost + strlen(lost), sizeof lost - strlen(lost), " [%.60s]", probe.detail);
            first_error = first_error ? first_error : probe.error ? probe.error : -CAMPAIGN_EBADMSG;
            keep_close(keep_tcp);
        }
        if (lost[0])
            fail(result, OUTCOME_ERROR, first_error, "lost:%s", lost);
    }
    /* (Re)make what is missing; a failure here is the step's too. */
    if (!made || strstr(lost, "file-by-path") || keep_file < 0) {
        long fd = call(SYS_openat, AT_FDCWD, (long)user_text(KEEP_PATH), O_CREAT | O_RDWR | O_TRUNC, 0644);
        if (!succeeded(result, fd, "keep: create file"))
            return;
        uintptr_t out = user_put(expected, KEEP_LENGTH);
        if (!returned(result, call(SYS_write, fd, (long)out, KEEP_LENGTH), KEEP_LENGTH, "keep: write")) {
            call(SYS_close, fd);
            return;
        }
        if (keep_file >= 0)
            call(SYS_close, keep_file);
        keep_file = fd;
    }
    if (keep_pair[0] < 0) {
        uintptr_t pair = user_put(NULL, 8);
        if (!succeeded(result, call(SYS_socketpair, CAMPAIGN_AF_UNIX, SOCK_STREAM, 0, (long)pair),
                       "keep: socketpair"))
            return;
        int fds[2];
        user_get(fds, pair, sizeof fds);
        keep_pair[0] = fds[0];
        keep_pair[1] = fds[1];
    }
    if (keep_tcp[0] < 0 && !succeeded(result, keep_tcp_connect(keep_tcp), "keep: tcp connect"))
        return;
    made = true;
}

const struct step campaign_steps[] = {
    {"files", step_files}, {"proc", step_proc}, {"devices", step_devices}, {"tty", step_tty},
    {"pipe", step_pipe},   {"unix", step_unix}, {"tcp", step_tcp},         {"udp", step_udp},
    {"keep", step_keep},
};
const size_t campaign_step_kinds = sizeof campaign_steps / sizeof campaign_steps[0];
