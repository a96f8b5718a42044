/* net_unix: AF_UNIX: a stream socketpair (both directions, half-close),
 * SCM_RIGHTS passing a pipe's read end (the receiver reads what the sender
 * writes into the pipe), SO_PEERCRED on a socketpair and on a path
 * connection, datagram socketpair boundaries, path names (bind, listen,
 * connect, accept, getsockname, EADDRINUSE, ECONNREFUSED, ENOENT), abstract
 * names, and EPIPE when the peer is gone. */
#define _GNU_SOURCE
#include <signal.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "net_common.h"

static void stream_pair(void)
{
    int pair[2];
    show("socketpair(AF_UNIX, SOCK_STREAM)", socketpair(AF_UNIX, SOCK_STREAM, 0, pair));
    char buffer[32] = {0};
    show("write one way", write(pair[0], "ping", 4));
    show("read", read(pair[1], buffer, sizeof buffer));
    show("write the other way", write(pair[1], "pong!", 5));
    memset(buffer, 0, sizeof buffer);
    show("read", read(pair[0], buffer, sizeof buffer));
    printf("got: %s\n", buffer);
    printf("SO_TYPE: %s\n", socket_option(pair[0], SOL_SOCKET, SO_TYPE) == SOCK_STREAM ? "SOCK_STREAM" : "other");

    struct ucred credentials = {0};
    socklen_t length = sizeof credentials;
    show("SO_PEERCRED", getsockopt(pair[0], SOL_SOCKET, SO_PEERCRED, &credentials, &length));
    fact("peer pid is ours, uid and gid ours", credentials.pid == getpid() && credentials.uid == getuid() &&
         credentials.gid == getgid());

    show("shutdown SHUT_WR", shutdown(pair[0], SHUT_WR));
    show("peer reads EOF", read(pair[1], buffer, sizeof buffer));
    show("peer can still write", write(pair[1], "x", 1));
    show("and we read it", read(pair[0], buffer, 1));
    signal(SIGPIPE, SIG_IGN);
    show("write after SHUT_WR", write(pair[0], "y", 1));
    close(pair[1]);
    show("write to a closed peer", write(pair[0], "z", 1));
    show_poll_bits("after the peer closed", pair[0], POLLIN | POLLOUT, 0);
    close(pair[0]);
}

/* Send fd over socket with SCM_RIGHTS, with one data byte. */
static ssize_t send_descriptor(int socket_fd, int fd)
{
    char data = 'F';
    struct iovec part = {&data, 1};
    union {
        char buffer[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    struct msghdr message = {.msg_iov = &part, .msg_iovlen = 1, .msg_control = control.buffer,
                             .msg_controllen = sizeof control.buffer};
    struct cmsghdr *header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(header), &fd, sizeof fd);
    return sendmsg(socket_fd, &message, 0);
}

static void pass_descriptor(void)
{
    int pair[2], channel[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, pair);
    pipe(channel);
    pid_t child = fork();
    if (child == 0) {
        close(pair[0]);
        char data = 0;
        struct iovec part = {&data, 1};
        union {
            char buffer[CMSG_SPACE(sizeof(int))];
            struct cmsghdr align;
        } control;
        struct msghdr message = {.msg_iov = &part, .msg_iovlen = 1, .msg_control = control.buffer,
                                 .msg_controllen = sizeof control.buffer};
        close(channel[0]);
        close(channel[1]);
        if (recvmsg(pair[1], &message, 0) != 1 || data != 'F')
            _exit(2);
        struct cmsghdr *header = CMSG_FIRSTHDR(&message);
        if (!header || header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS)
            _exit(3);
        int received;
        memcpy(&received, CMSG_DATA(header), sizeof received);
        char buffer[32] = {0};
        ssize_t got = read(received, buffer, sizeof buffer);
        if (got != 13 || memcmp(buffer, "through pipe\n", 13) != 0)
            _exit(4);
        _exit(0);
    }
    close(pair[1]);
    show("sendmsg SCM_RIGHTS with the pipe's read end", send_descriptor(pair[0], channel[0]));
    close(channel[0]);
    show("write into the pipe", write(channel[1], "through pipe\n", 13));
    close(channel[1]);
    int status = 0;
    waitpid(child, &status, 0);
    printf("child read the passed pipe: exit status %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);

    /* In one process: the received fd is a new number for the same pipe. */
    socketpair(AF_UNIX, SOCK_DGRAM, 0, pair);
    pipe(channel);
    send_descriptor(pair[0], channel[1]);
    char data = 0;
    struct iovec part = {&data, 1};
    union {
        char buffer[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct msghdr message = {.msg_iov = &part, .msg_iovlen = 1, .msg_control = control.buffer,
                             .msg_controllen = sizeof control.buffer};
    show("recvmsg on a datagram pair", recvmsg(pair[1], &message, MSG_CMSG_CLOEXEC));
    int received = -1;
    struct cmsghdr *header = CMSG_FIRSTHDR(&message);
    if (header && header->cmsg_type == SCM_RIGHTS)
        memcpy(&received, CMSG_DATA(header), sizeof received);
    fact("a new descriptor", received >= 0 && received != channel[1]);
    fact("close-on-exec from MSG_CMSG_CLOEXEC", (fcntl(received, F_GETFD) & FD_CLOEXEC) != 0);
    show("write through the received fd", write(received, "ok", 2));
    char buffer[4] = {0};
    show("read from the pipe", read(channel[0], buffer, sizeof buffer));
    printf("got: %s\n", buffer);
    close(received);
    close(channel[0]);
    close(channel[1]);
    close(pair[0]);
    close(pair[1]);
}

static void datagram_pair(void)
{
    int pair[2];
    show("socketpair(AF_UNIX, SOCK_DGRAM)", socketpair(AF_UNIX, SOCK_DGRAM, 0, pair));
    send(pair[0], "one", 3, 0);
    send(pair[0], "three", 5, 0);
    char buffer[16] = {0};
    show("recv keeps boundaries", recv(pair[1], buffer, sizeof buffer, 0));
    show("recv 2 with MSG_TRUNC", recv(pair[1], buffer, 2, MSG_TRUNC));
    show("recv MSG_DONTWAIT on an empty pair", recv(pair[1], buffer, sizeof buffer, MSG_DONTWAIT));
    close(pair[0]);
    close(pair[1]);
}

static socklen_t path_address(struct sockaddr_un *address, const char *path, int abstract)
{
    memset(address, 0, sizeof *address);
    address->sun_family = AF_UNIX;
    size_t length = strlen(path);
    memcpy(address->sun_path + (abstract ? 1 : 0), path, length);
    /* A path with its NUL; an abstract name: its leading NUL and the bytes. */
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + length + 1);
}

static void named(int abstract)
{
    const char *path = abstract ? "rk-net-unix-test" : "/tmp/rk-net-unix.socket";
    printf("-- %s name\n", abstract ? "abstract" : "path");
    if (!abstract)
        unlink(path);
    struct sockaddr_un address;
    socklen_t length = path_address(&address, path, abstract);
    int client0 = socket(AF_UNIX, SOCK_STREAM, 0);
    show("connect before anyone binds", connect(client0, (struct sockaddr *)&address, length));
    close(client0);
    int listener = socket(AF_UNIX, SOCK_STREAM, 0);
    show("bind", bind(listener, (struct sockaddr *)&address, length));
    if (!abstract) {
        struct stat status;
        show("stat the socket file", stat(path, &status));
        fact("it is a socket", S_ISSOCK(status.st_mode));
    }
    int second = socket(AF_UNIX, SOCK_STREAM, 0);
    show("bind the same name again", bind(second, (struct sockaddr *)&address, length));
    close(second);
    int client = socket(AF_UNIX, SOCK_STREAM, 0);
    show("connect before listen", connect(client, (struct sockaddr *)&address, length));
    show("listen", listen(listener, 4));
    show("connect", connect(client, (struct sockaddr *)&address, length));
    int server = accept(listener, NULL, NULL);
    fact("accept", server >= 0);
    struct sockaddr_un name;
    socklen_t name_length = sizeof name;
    show("getsockname listener", getsockname(listener, (struct sockaddr *)&name, &name_length));
    fact("the name as bound", name_length == length &&
         memcmp(name.sun_path, address.sun_path, length - offsetof(struct sockaddr_un, sun_path)) == 0);
    name_length = sizeof name;
    show("getpeername client", getpeername(client, (struct sockaddr *)&name, &name_length));
    fact("the listener's name", name_length == length);
    name_length = sizeof name;
    show("getsockname client (unbound)", getsockname(client, (struct sockaddr *)&name, &name_length));
    printf("unbound name length: %u\n", (unsigned)name_length);
    struct ucred credentials = {0};
    socklen_t credentials_length = sizeof credentials;
    show("SO_PEERCRED on the accepted socket",
         getsockopt(server, SOL_SOCKET, SO_PEERCRED, &credentials, &credentials_length));
    fact("peer pid is ours", credentials.pid == getpid());
    show("client writes", write(client, "named", 5));
    char buffer[16] = {0};
    show("server reads", read(server, buffer, sizeof buffer));
    printf("got: %s\n", buffer);
    close(server);
    close(client);
    close(listener);
    if (!abstract) {
        int late = socket(AF_UNIX, SOCK_STREAM, 0);
        show("connect after the listener closed (file remains)", connect(late, (struct sockaddr *)&address, length));
        close(late);
        show("unlink", unlink(path));
        late = socket(AF_UNIX, SOCK_STREAM, 0);
        show("connect after unlink", connect(late, (struct sockaddr *)&address, length));
        close(late);
    }
}

int main(void)
{
    program_start();
    stream_pair();
    pass_descriptor();
    datagram_pair();
    named(0);
    named(1);
    show("socketpair(AF_INET)", socketpair(AF_INET, SOCK_STREAM, 0, (int[2]){0}));
    return 0;
}
