/* net_epoll: epoll over a listening socket, a connected socket and a pipe:
 * nothing ready, a pipe write, an incoming connection, EPOLLOUT, the data
 * field returned as given, EPOLL_CTL_MOD/DEL, EEXIST/ENOENT/EBADF/EINVAL/
 * EPERM, level- versus edge-triggered (EPOLLET), EPOLLONESHOT, EPOLLHUP
 * when the pipe's writer closes, EPOLLRDHUP on a peer's shutdown,
 * epoll_pwait, and a blocking epoll_wait woken by a child. */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/epoll.h>
#include <sys/wait.h>

#include "net_common.h"

static void show_events(const char *label, int epoll_fd, int timeout)
{
    struct epoll_event events[8];
    int count = epoll_wait(epoll_fd, events, 8, timeout);
    if (count < 0) {
        printf("%s: epoll_wait -1 %s\n", label, errno_symbol(errno));
        return;
    }
    /* Sorted by the data field, so the order never depends on the kernel. */
    for (int i = 1; i < count; i++)
        for (int j = i; j > 0 && events[j - 1].data.u64 > events[j].data.u64; j--) {
            struct epoll_event swap = events[j];
            events[j] = events[j - 1];
            events[j - 1] = swap;
        }
    printf("%s: %d", label, count);
    for (int i = 0; i < count; i++)
        printf(" [data %llu%s%s%s%s%s]", (unsigned long long)events[i].data.u64,
               events[i].events & EPOLLIN ? " IN" : "", events[i].events & EPOLLOUT ? " OUT" : "",
               events[i].events & EPOLLRDHUP ? " RDHUP" : "", events[i].events & EPOLLHUP ? " HUP" : "",
               events[i].events & EPOLLERR ? " ERR" : "");
    printf("\n");
}

static int add(int epoll_fd, int fd, unsigned events, unsigned long long data)
{
    struct epoll_event event = {.events = events, .data.u64 = data};
    return epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event);
}

int main(void)
{
    program_start();
    int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    fact("epoll_create1(EPOLL_CLOEXEC)", epoll_fd >= 0 && (fcntl(epoll_fd, F_GETFD) & FD_CLOEXEC));
    show("epoll_create1(bad flags)", epoll_create1(12345));
    int legacy = epoll_create(1);
    fact("epoll_create(1)", legacy >= 0);
    close(legacy);

    unsigned short port = 0;
    int listener = tcp_listener(&port, 4);
    int channel[2];
    pipe(channel);
    show("add the listener (data 1)", add(epoll_fd, listener, EPOLLIN, 1));
    show("add the pipe's read end (data 2)", add(epoll_fd, channel[0], EPOLLIN, 2));
    show("add the listener again", add(epoll_fd, listener, EPOLLIN, 1));
    show("add a closed fd", add(epoll_fd, 999, EPOLLIN, 9));
    show("add the epoll fd to itself", add(epoll_fd, epoll_fd, EPOLLIN, 9));
    int regular = open("/proc/self/exe", O_RDONLY);
    show("add a regular file", add(epoll_fd, regular, EPOLLIN, 9));
    close(regular);
    struct epoll_event event = {.events = EPOLLIN};
    show("modify an fd that is not there", epoll_ctl(epoll_fd, EPOLL_CTL_MOD, channel[1], &event));
    show("delete an fd that is not there", epoll_ctl(epoll_fd, EPOLL_CTL_DEL, channel[1], NULL));
    show("bad op", epoll_ctl(epoll_fd, 77, listener, &event));
    show("epoll_ctl on a pipe as the epoll fd", epoll_ctl(channel[0], EPOLL_CTL_ADD, listener, &event));

    show_events("nothing ready", epoll_fd, 0);
    show_events("nothing ready, 50 ms", epoll_fd, 50);
    write(channel[1], "p", 1);
    show_events("after a pipe write", epoll_fd, 0);
    show_events("level-triggered: again", epoll_fd, 0);

    int client = tcp_connect(port);
    wait_for(listener, POLLIN);
    show_events("after a connect", epoll_fd, 0);
    int server = accept(listener, NULL, NULL);
    char byte;
    read(channel[0], &byte, 1);
    show_events("after accept and the pipe read", epoll_fd, 0);

    show("add the server socket, EPOLLIN|EPOLLOUT|EPOLLRDHUP (data 3)",
         add(epoll_fd, server, EPOLLIN | EPOLLOUT | EPOLLRDHUP, 3));
    show_events("server writable", epoll_fd, 0);
    event.events = EPOLLIN | EPOLLET;
    event.data.u64 = 3;
    show("modify the server socket to EPOLLIN|EPOLLET", epoll_ctl(epoll_fd, EPOLL_CTL_MOD, server, &event));
    show_events("edge-triggered, nothing new", epoll_fd, 0);
    write(client, "ab", 2);
    wait_for(server, POLLIN);
    show_events("edge: data arrived", epoll_fd, 0);
    show_events("edge: not again", epoll_fd, 0);
    write(client, "c", 1);
    wait_for(server, POLLIN);
    char buffer[8];
    /* More data is a new edge, even unread. */
    show_events("edge: more data", epoll_fd, 0);
    read(server, buffer, sizeof buffer);

    event.events = EPOLLIN | EPOLLONESHOT;
    event.data.u64 = 2;
    show("modify the pipe to EPOLLONESHOT", epoll_ctl(epoll_fd, EPOLL_CTL_MOD, channel[0], &event));
    write(channel[1], "q", 1);
    show_events("oneshot fires", epoll_fd, 0);
    write(channel[1], "r", 1);
    show_events("oneshot disarmed", epoll_fd, 0);
    show("rearm with EPOLL_CTL_MOD", epoll_ctl(epoll_fd, EPOLL_CTL_MOD, channel[0], &event));
    show_events("rearmed", epoll_fd, 0);
    read(channel[0], buffer, sizeof buffer);

    event.events = EPOLLIN | EPOLLRDHUP;
    event.data.u64 = 3;
    epoll_ctl(epoll_fd, EPOLL_CTL_MOD, server, &event);
    shutdown(client, SHUT_WR);
    wait_for(server, POLLIN);
    show_events("peer's SHUT_WR", epoll_fd, 0);
    show("delete the server socket", epoll_ctl(epoll_fd, EPOLL_CTL_DEL, server, NULL));

    event.events = EPOLLIN;
    event.data.u64 = 2;
    epoll_ctl(epoll_fd, EPOLL_CTL_MOD, channel[0], &event);
    close(channel[1]);
    show_events("pipe writer closed", epoll_fd, 0);
    show("delete the pipe", epoll_ctl(epoll_fd, EPOLL_CTL_DEL, channel[0], NULL));

    sigset_t mask;
    sigemptyset(&mask);
    struct epoll_event events[4];
    show("epoll_pwait, nothing ready", epoll_pwait(epoll_fd, events, 4, 0, &mask));
    show("epoll_wait with maxevents 0", epoll_wait(epoll_fd, events, 0, 0));

    /* A blocking wait woken by a child's connect. */
    pid_t child = fork();
    if (child == 0) {
        if (wait_until_sleeping(getppid()) < 0)
            _exit(2);
        int fd = tcp_connect(port);
        _exit(fd >= 0 ? 0 : 3);
    }
    show_events("blocking wait on the listener", epoll_fd, -1);
    int status = 0;
    waitpid(child, &status, 0);
    printf("child exit status %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);

    /* Closing a registered fd removes it. */
    int extra = accept(listener, NULL, NULL);
    close(listener);
    show_events("listener closed", epoll_fd, 0);
    close(extra);
    close(server);
    close(client);
    close(channel[0]);
    close(epoll_fd);
    return 0;
}
