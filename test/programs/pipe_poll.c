/* pipe_poll: pipes with poll and select: empty/readable/hung-up states,
 * POLLOUT until full, the 64 KiB capacity with O_NONBLOCK (EAGAIN), EPIPE
 * with SIGPIPE ignored and SIGPIPE's default action, poll timeouts. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/wait.h>

#include "common.h"

static void show_poll(const char *label, int fd, short events, int timeout)
{
    struct pollfd entry = {.fd = fd, .events = events};
    int result = poll(&entry, 1, timeout);
    printf("%s: poll %d revents%s%s%s%s%s\n", label, result, entry.revents & POLLIN ? " IN" : "",
           entry.revents & POLLOUT ? " OUT" : "", entry.revents & POLLHUP ? " HUP" : "",
           entry.revents & POLLERR ? " ERR" : "", entry.revents & POLLNVAL ? " NVAL" : "");
}

int main(void)
{
    program_start();
    int channel[2];
    show("pipe", pipe(channel));
    show_poll("empty read end", channel[0], POLLIN, 0);
    show_poll("empty write end", channel[1], POLLOUT, 0);
    show_poll("empty read end, 100 ms", channel[0], POLLIN, 100);
    show("write", write(channel[1], "hello", 5));
    show_poll("after a write", channel[0], POLLIN, 0);

    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(channel[0], &readable);
    struct timeval zero = {0};
    int ready = select(channel[0] + 1, &readable, NULL, NULL, &zero);
    printf("select: %d, read end set: %s\n", ready, FD_ISSET(channel[0], &readable) ? "yes" : "no");

    char buffer[65536];
    show("read", read(channel[0], buffer, sizeof buffer));
    fcntl(channel[1], F_SETFL, O_NONBLOCK);
    long total = 0;
    ssize_t wrote;
    while ((wrote = write(channel[1], buffer, 4096)) > 0)
        total += wrote;
    printf("capacity %ld, then %s\n", total, errno_symbol(errno));
    show_poll("full write end", channel[1], POLLOUT, 0);
    show("read 4096", read(channel[0], buffer, 4096));
    show_poll("write end after a read", channel[1], POLLOUT, 0);
    close(channel[1]);
    long drained = 0;
    ssize_t got;
    while ((got = read(channel[0], buffer, sizeof buffer)) > 0)
        drained += got;
    printf("drained %ld, then read returns %zd\n", drained, got);
    show_poll("writer closed", channel[0], POLLIN, 0);
    close(channel[0]);
    show_poll("closed fd", channel[0], POLLIN, 0);

    /* A blocked poll woken by a child's write. */
    if (pipe(channel) < 0)
        return 1;
    pid_t child = fork();
    if (child == 0) {
        usleep(100000);
        if (write(channel[1], "x", 1) != 1)
            _exit(1);
        _exit(0);
    }
    show_poll("woken by the child", channel[0], POLLIN, 5000);
    waitpid(child, NULL, 0);
    close(channel[0]);

    signal(SIGPIPE, SIG_IGN);
    show("write with no reader", write(channel[1], "x", 1));
    show_poll("write end with no reader", channel[1], POLLOUT, 0);
    close(channel[1]);
    signal(SIGPIPE, SIG_DFL);
    int status;
    child = fork();
    if (child == 0) {
        int again[2];
        if (pipe(again) < 0)
            _exit(2);
        close(again[0]);
        if (write(again[1], "x", 1) < 0)
            _exit(3);
        _exit(0);
    }
    waitpid(child, &status, 0);
    printf("writer without reader: %s\n", WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE ? "killed by SIGPIPE" : "other");
    show("pipe2 bad flags", pipe2(channel, 0x1234));
    return 0;
}
