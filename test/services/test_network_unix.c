/*
 * test_network_unix.c — AF_UNIX stream sockets of the network service:
 * socketpair transfers, peek and MSG_WAITALL, shutdown/close with EOF,
 * EPIPE and ECONNRESET, listen/connect/accept over abstract names and
 * paths (socket nodes in the root tmpfs, resolved against the test
 * process's cwd), the backlog, blocking accept/receive/connect with
 * kernel threads, SCM_RIGHTS with pipes, SO_PEERCRED and the poll masks
 * Linux reports.
 */
#include <rk/pipe.h>
#include <rk/timer.h>
#include "unix_fixture.h"

#define POLL_OUT_ALL (POLLOUT | POLLWRNORM | POLLWRBAND)
#define POLL_IN_ALL (POLLIN | POLLRDNORM)

static void stream_pair_transfers_bytes(void **state)
{
    struct file *a, *b;
    unix_pair(SOCK_STREAM, &a, &b);
    assert_int_equal(poll_mask(a), POLL_OUT_ALL);
    assert_int_equal(send_text(a, "hello", 0), 5);
    assert_int_equal(send_text(a, " world", 0), 6);
    assert_int_equal(poll_mask(b), POLL_IN_ALL | POLL_OUT_ALL);
    assert_int_equal(input_length(b), 11);
    long result;
    assert_string_equal(receive_text(b, 4, MSG_PEEK, &result), "hell");
    assert_int_equal(result, 4);
    assert_string_equal(receive_text(b, 8, 0, &result), "hello wo");
    assert_string_equal(receive_text(b, 100, 0, &result), "rld");
    assert_int_equal(poll_mask(b), POLL_OUT_ALL);
    assert_string_equal(receive_text(b, 100, MSG_DONTWAIT, &result), "");
    assert_int_equal(result, -EAGAIN);
    /* A pair's peer address is unnamed; credentials are the process's. */
    struct socket_address address;
    assert_int_equal(ops_of(a)->get_name(a, &address, true), 0);
    assert_int_equal(address.family, AF_UNIX);
    assert_int_equal(address.local.kind, SOCKET_ADDRESS_LOCAL_UNNAMED);
    struct socket_credentials credentials;
    unsigned length = sizeof credentials;
    assert_int_equal(ops_of(a)->get_option(a, SOL_SOCKET, SO_PEERCRED, &credentials, &length), 0);
    assert_int_equal(length, 12);
    assert_int_equal(credentials.pid, system_current_pid());
    assert_true(credentials.pid > 0);
    assert_int_equal(credentials.uid, 0);
    file_put(a);
    file_put(b);
}

static void stream_shutdown_and_close(void **state)
{
    struct file *a, *b;
    unix_pair(SOCK_STREAM, &a, &b);
    long result;
    /* SHUT_WR: the peer reads end of stream; this side gets EPIPE. */
    assert_int_equal(ops_of(a)->shutdown(a, SHUT_WR), 0);
    assert_int_equal(poll_mask(a), POLL_OUT_ALL);
    assert_int_equal(poll_mask(b), POLL_IN_ALL | POLL_OUT_ALL | POLLRDHUP);
    receive_text(b, 8, 0, &result);
    assert_int_equal(result, 0);
    assert_int_equal(send_text(a, "x", 0), -EPIPE);
    assert_int_equal(send_text(b, "x", 0), 1);
    file_put(a);
    file_put(b);

    /* SHUT_RD: the peer's sends fail with EPIPE, reads give 0. */
    unix_pair(SOCK_STREAM, &a, &b);
    assert_int_equal(ops_of(a)->shutdown(a, SHUT_RD), 0);
    assert_int_equal(poll_mask(a), POLL_IN_ALL | POLL_OUT_ALL | POLLRDHUP);
    assert_int_equal(poll_mask(b), POLL_OUT_ALL);
    assert_int_equal(send_text(b, "x", 0), -EPIPE);
    receive_text(a, 8, 0, &result);
    assert_int_equal(result, 0);
    file_put(a);
    file_put(b);

    /* Closing with unread data: the peer sees POLLERR, ECONNRESET once, then end of stream. */
    unix_pair(SOCK_STREAM, &a, &b);
    assert_int_equal(send_text(a, "abc", 0), 3);
    file_put(b);
    assert_int_equal(poll_mask(a), POLL_IN_ALL | POLL_OUT_ALL | POLLERR | POLLHUP | POLLRDHUP);
    assert_int_equal(send_text(a, "x", 0), -EPIPE);
    receive_text(a, 8, 0, &result);
    assert_int_equal(result, -ECONNRESET);
    assert_int_equal(poll_mask(a), POLL_IN_ALL | POLL_OUT_ALL | POLLHUP | POLLRDHUP);
    receive_text(a, 8, 0, &result);
    assert_int_equal(result, 0);
    assert_int_equal(get_int_option(a, SO_ERROR), 0);
    file_put(a);

    /* Closing after sending: the survivor reads the data, then 0. */
    unix_pair(SOCK_STREAM, &a, &b);
    assert_int_equal(send_text(b, "abc", 0), 3);
    file_put(b);
    assert_string_equal(receive_text(a, 8, 0, &result), "abc");
    receive_text(a, 8, 0, &result);
    assert_int_equal(result, 0);
    file_put(a);

    /* Shutdown of an unconnected socket is fine (Linux) and shows in poll. */
    a = unix_new(SOCK_STREAM);
    assert_int_equal(poll_mask(a), POLL_OUT_ALL | POLLHUP);
    assert_int_equal(ops_of(a)->shutdown(a, SHUT_RDWR), 0);
    assert_int_equal(poll_mask(a), POLL_IN_ALL | POLL_OUT_ALL | POLLHUP | POLLRDHUP);
    file_put(a);
}

static void stream_unconnected_errors(void **state)
{
    struct file *socket = unix_new(SOCK_STREAM);
    long result;
    receive_text(socket, 8, MSG_DONTWAIT, &result);
    assert_int_equal(result, -EINVAL);
    assert_int_equal(send_text(socket, "x", 0), -ENOTCONN);
    assert_int_equal(ops_of(socket)->listen(socket, 1), -EINVAL);          /* unbound */
    struct file *accepted;
    assert_int_equal(ops_of(socket)->accept(socket, &accepted, NULL, 0), -EINVAL);
    struct socket_address address;
    assert_int_equal(ops_of(socket)->get_name(socket, &address, true), -ENOTCONN);
    assert_int_equal(ops_of(socket)->get_name(socket, &address, false), 0);
    assert_int_equal(address.local.kind, SOCKET_ADDRESS_LOCAL_UNNAMED);
    struct socket_address nobody = abstract_name("nobody");
    assert_int_equal(ops_of(socket)->connect(socket, &nobody), -ECONNREFUSED);
    file_put(socket);
}

static void stream_listen_connect_accept_abstract(void **state)
{
    struct socket_address name = abstract_name("listener");
    struct file *listener = unix_new(SOCK_STREAM);
    assert_int_equal(ops_of(listener)->bind(listener, &name), 0);
    /* Bound but not listening: refused. */
    struct file *early = unix_new(SOCK_STREAM);
    assert_int_equal(ops_of(early)->connect(early, &name), -ECONNREFUSED);
    file_put(early);
    assert_int_equal(ops_of(listener)->listen(listener, 0), 0);
    assert_int_equal(get_int_option(listener, SO_ACCEPTCONN), 1);
    assert_int_equal(poll_mask(listener), 0);

    /* listen(0) queues one connection; the next would block. */
    struct file *client = unix_new(SOCK_STREAM);
    client->flags |= O_NONBLOCK;
    assert_int_equal(ops_of(client)->connect(client, &name), 0);
    assert_int_equal(poll_mask(client), POLL_OUT_ALL);
    assert_int_equal(poll_mask(listener), POLL_IN_ALL);
    struct file *second = unix_new(SOCK_STREAM);
    second->flags |= O_NONBLOCK;
    assert_int_equal(ops_of(second)->connect(second, &name), -EAGAIN);
    /* The client is connected at once: it can send before accept. */
    assert_int_equal(send_text(client, "early", 0), 5);
    struct socket_address peer;
    assert_int_equal(ops_of(client)->get_name(client, &peer, true), 0);
    assert_true(socket_address_equal(&peer, &name));

    struct file *accepted = NULL;
    struct socket_address accepted_peer;
    assert_int_equal(ops_of(listener)->accept(listener, &accepted, &accepted_peer, SOCK_NONBLOCK), 0);
    assert_non_null(accepted);
    assert_true(accepted->flags & O_NONBLOCK);
    assert_int_equal(accepted_peer.family, AF_UNIX);
    assert_int_equal(accepted_peer.local.kind, SOCKET_ADDRESS_LOCAL_UNNAMED);
    struct socket_address own;
    assert_int_equal(ops_of(accepted)->get_name(accepted, &own, false), 0);
    assert_true(socket_address_equal(&own, &name));
    long result;
    assert_string_equal(receive_text(accepted, 16, 0, &result), "early");
    assert_int_equal(send_text(accepted, "reply", 0), 5);
    assert_string_equal(receive_text(client, 16, 0, &result), "reply");
    struct file *none = NULL;
    listener->flags |= O_NONBLOCK;
    assert_int_equal(ops_of(listener)->accept(listener, &none, NULL, 0), -EAGAIN);

    /* State errors come after the target is checked, as Linux. */
    assert_int_equal(ops_of(client)->connect(client, &name), -EISCONN);
    struct socket_address nobody = abstract_name("nobody");
    assert_int_equal(ops_of(client)->connect(client, &nobody), -ECONNREFUSED);
    listener->flags |= O_NONBLOCK;
    assert_int_equal(ops_of(listener)->connect(listener, &name), -EINVAL);

    /* SO_PEERCRED: both sides see this process. */
    struct socket_credentials credentials;
    unsigned length = sizeof credentials;
    assert_int_equal(ops_of(client)->get_option(client, SOL_SOCKET, SO_PEERCRED, &credentials, &length), 0);
    assert_int_equal(credentials.pid, system_current_pid());
    assert_int_equal(ops_of(accepted)->get_option(accepted, SOL_SOCKET, SO_PEERCRED, &credentials, &length), 0);
    assert_int_equal(credentials.pid, system_current_pid());

    /* Same name and type again: in use; another type may share an abstract name. */
    struct file *again = unix_new(SOCK_STREAM);
    assert_int_equal(ops_of(again)->bind(again, &name), -EADDRINUSE);
    struct file *datagram = unix_new(SOCK_DGRAM);
    assert_int_equal(ops_of(datagram)->bind(datagram, &name), 0);
    assert_int_equal(ops_of(listener)->bind(listener, &nobody), -EINVAL);   /* bound already */

    file_put(second);
    file_put(again);
    file_put(datagram);
    file_put(accepted);
    file_put(client);
    file_put(listener);
    /* The name is free again once the listener is closed. */
    struct file *third = unix_new(SOCK_STREAM);
    assert_int_equal(ops_of(third)->connect(third, &name), -ECONNREFUSED);
    assert_int_equal(ops_of(third)->bind(third, &name), 0);
    file_put(third);
}

static void stream_listener_closed_before_accept(void **state)
{
    struct socket_address name = abstract_name("closing");
    struct file *listener = unix_new(SOCK_STREAM);
    assert_int_equal(ops_of(listener)->bind(listener, &name), 0);
    assert_int_equal(ops_of(listener)->listen(listener, 4), 0);
    struct file *client = unix_new(SOCK_STREAM);
    assert_int_equal(ops_of(client)->connect(client, &name), 0);
    assert_int_equal(send_text(client, "lost", 0), 4);
    file_put(listener);
    long result;
    receive_text(client, 8, 0, &result);
    assert_int_equal(result, -ECONNRESET);
    receive_text(client, 8, 0, &result);
    assert_int_equal(result, 0);
    assert_int_equal(send_text(client, "x", 0), -EPIPE);
    file_put(client);
}

static void stream_path_names(void **state)
{
    create_directory("/run");
    assert_int_equal(sys(SYS_chdir, U("/run")), 0);
    struct socket_address relative = path_name("server.sock");
    struct socket_address absolute = path_name("/run/server.sock");
    struct file *server = unix_new(SOCK_STREAM);
    assert_int_equal(ops_of(server)->bind(server, &relative), 0);
    struct test_stat status;
    assert_int_equal(stat_path("/run/server.sock", &status), 0);
    assert_int_equal(status.st_mode, 0140755);                     /* 0777 & ~022 */
    assert_int_equal(ops_of(server)->listen(server, 5), 0);
    struct socket_address own;
    assert_int_equal(ops_of(server)->get_name(server, &own, false), 0);
    assert_true(socket_address_equal(&own, &relative));

    /* Taken paths, missing directories, a second bind. */
    struct file *other = unix_new(SOCK_DGRAM);
    assert_int_equal(ops_of(other)->bind(other, &absolute), -EADDRINUSE);
    struct socket_address missing_directory = path_name("/run/none/x.sock");
    assert_int_equal(ops_of(other)->bind(other, &missing_directory), -ENOENT);
    struct socket_address directory_slash = path_name("/run/");
    assert_int_equal(ops_of(other)->bind(other, &directory_slash), -EADDRINUSE);
    struct socket_address first = path_name("/run/first.sock");
    struct socket_address fresh = path_name("/run/fresh.sock");
    assert_int_equal(ops_of(other)->bind(other, &first), 0);
    assert_int_equal(ops_of(other)->bind(other, &fresh), -EINVAL);
    assert_false(path_exists("/run/fresh.sock"));
    assert_int_equal(ops_of(other)->bind(other, &absolute), -EADDRINUSE);

    /* connect: through the absolute path, wrong type, not a socket, missing. */
    struct file *client = unix_new(SOCK_STREAM);
    struct file *wrong = unix_new(SOCK_STREAM);
    assert_int_equal(ops_of(wrong)->connect(wrong, &first), -EPROTOTYPE);
    create_file("/run/plain", "text");
    struct socket_address plain = path_name("/run/plain");
    assert_int_equal(ops_of(wrong)->connect(wrong, &plain), -ECONNREFUSED);
    struct socket_address under_file = path_name("/run/plain/x");
    assert_int_equal(ops_of(wrong)->connect(wrong, &under_file), -ENOTDIR);
    struct socket_address nowhere = path_name("/run/nowhere");
    assert_int_equal(ops_of(wrong)->connect(wrong, &nowhere), -ENOENT);
    assert_int_equal(sys(SYS_mknod, U("/run/orphan"), 0140644, 0), 0);
    struct socket_address orphan = path_name("/run/orphan");
    assert_int_equal(ops_of(wrong)->connect(wrong, &orphan), -ECONNREFUSED);
    /* Without write permission on the node: EACCES (root may always). */
    assert_int_equal(sys(SYS_chmod, U("/run/server.sock"), 0755), 0);
    sys(SYS_setfsuid, 1000);
    assert_int_equal(ops_of(wrong)->connect(wrong, &absolute), -EACCES);
    sys(SYS_setfsuid, 0);
    assert_int_equal(ops_of(client)->connect(client, &absolute), 0);
    struct socket_address peer;
    assert_int_equal(ops_of(client)->get_name(client, &peer, true), 0);
    assert_true(socket_address_equal(&peer, &relative));
    struct file *accepted;
    assert_int_equal(ops_of(server)->accept(server, &accepted, NULL, 0), 0);
    assert_int_equal(send_text(client, "ping", 0), 4);
    long result;
    assert_string_equal(receive_text(accepted, 8, 0, &result), "ping");

    /* A hard link reaches the same socket; unlinking the name makes it unreachable. */
    assert_int_equal(sys(SYS_link, U("/run/server.sock"), U("/run/alias.sock")), 0);
    struct socket_address alias = path_name("alias.sock");
    struct file *via_alias = unix_new(SOCK_STREAM);
    assert_int_equal(ops_of(via_alias)->connect(via_alias, &alias), 0);
    assert_int_equal(sys(SYS_unlink, U("/run/server.sock")), 0);
    assert_int_equal(sys(SYS_unlink, U("/run/alias.sock")), 0);
    assert_int_equal(ops_of(wrong)->connect(wrong, &absolute), -ENOENT);
    /* Closing the server: the node stays, nobody is bound there. */
    struct file *late = unix_new(SOCK_STREAM);
    assert_int_equal(ops_of(late)->connect(late, &orphan), -ECONNREFUSED);
    file_put(server);
    struct socket_address first_stream = path_name("/run/first.sock");
    file_put(other);
    assert_true(path_exists("/run/first.sock"));
    struct file *dgram = unix_new(SOCK_DGRAM);
    assert_int_equal(send_full(dgram, "x", 1, 0, &first_stream, NULL, 0), -ECONNREFUSED);
    file_put(dgram);
    file_put(late);
    file_put(via_alias);
    file_put(accepted);
    file_put(client);
    file_put(wrong);
}

/* ----------------------------------------------------- blocking cases */

struct peer_job {
    struct socket_address name;
    struct file *socket;
    const char *text;
    long result;
};

/* A thread that connects job->socket to job->name and sends job->text. */
static void connect_and_send(void *argument)
{
    struct peer_job *job = argument;
    job->result = ops_of(job->socket)->connect(job->socket, &job->name);
    if (job->result == 0 && job->text)
        job->result = send_text(job->socket, job->text, 0);
}

static void stream_blocking_accept_and_receive(void **state)
{
    struct peer_job job = { .name = abstract_name("blocking"), .socket = unix_new(SOCK_STREAM),
                            .text = "late data" };
    struct file *listener = unix_new(SOCK_STREAM);
    assert_int_equal(ops_of(listener)->bind(listener, &job.name), 0);
    assert_int_equal(ops_of(listener)->listen(listener, 1), 0);
    void *thread = thread_start("client", connect_and_send, &job);
    /* accept sleeps until the thread has connected. */
    struct file *accepted = NULL;
    assert_int_equal(ops_of(listener)->accept(listener, &accepted, NULL, 0), 0);
    long result;
    assert_string_equal(receive_text(accepted, 64, 0, &result), "late data");
    thread_join_checked(thread);
    assert_int_equal(job.result, 9);
    file_put(accepted);
    file_put(job.socket);
    file_put(listener);
}

/* A thread that sends job->text in pieces on job->socket (already connected). */
static void send_pieces(void *argument)
{
    struct peer_job *job = argument;
    job->result = 0;
    for (const char *piece = job->text; *piece; piece++) {
        long sent = send_full(job->socket, piece, 1, 0, NULL, NULL, 0);
        if (sent != 1) {
            job->result = sent;
            return;
        }
        job->result++;
        thread_sleep_ns(1000000);
    }
}

static void stream_waitall_gathers(void **state)
{
    struct file *a, *b;
    unix_pair(SOCK_STREAM, &a, &b);
    struct peer_job job = { .socket = a, .text = "abcdef" };
    void *thread = thread_start("writer", send_pieces, &job);
    long result;
    assert_string_equal(receive_text(b, 6, MSG_WAITALL, &result), "abcdef");
    assert_int_equal(result, 6);
    thread_join_checked(thread);
    assert_int_equal(job.result, 6);
    file_put(a);
    file_put(b);
}

static void stream_backlog_blocks_connect(void **state)
{
    struct socket_address name = abstract_name("backlog");
    struct file *listener = unix_new(SOCK_STREAM);
    assert_int_equal(ops_of(listener)->bind(listener, &name), 0);
    assert_int_equal(ops_of(listener)->listen(listener, 0), 0);
    struct file *first = unix_new(SOCK_STREAM);
    assert_int_equal(ops_of(first)->connect(first, &name), 0);
    struct peer_job job = { .name = name, .socket = unix_new(SOCK_STREAM), .text = NULL,
                            .result = 1 };
    void *thread = thread_start("blocked", connect_and_send, &job);
    thread_sleep_ns(5000000);          /* the thread runs and blocks in connect */
    assert_int_equal(job.result, 1);
    struct file *accepted;
    assert_int_equal(ops_of(listener)->accept(listener, &accepted, NULL, 0), 0);
    file_put(accepted);
    thread_join_checked(thread);
    assert_int_equal(job.result, 0);
    assert_int_equal(ops_of(listener)->accept(listener, &accepted, NULL, 0), 0);
    file_put(accepted);
    /* SO_SNDTIMEO bounds a blocked connect: -EAGAIN when it expires. */
    struct file *timed = unix_new(SOCK_STREAM);
    struct file *filler = unix_new(SOCK_STREAM);
    assert_int_equal(ops_of(filler)->connect(filler, &name), 0);
    int64_t timeout[2] = { 0, 200000 };
    assert_int_equal(ops_of(timed)->set_option(timed, SOL_SOCKET, SO_SNDTIMEO, timeout, 16), 0);
    assert_int_equal(ops_of(timed)->connect(timed, &name), -EAGAIN);
    file_put(timed);
    file_put(filler);
    file_put(first);
    file_put(job.socket);
    file_put(listener);
}

static void stream_send_budget(void **state)
{
    struct file *a, *b;
    unix_pair(SOCK_STREAM, &a, &b);
    a->flags |= O_NONBLOCK;
    /* One-byte sends: each costs 768 of the 212992-byte budget, as Linux's truesize. */
    int count = 0;
    while (send_text(a, "x", 0) == 1)
        count++;
    assert_int_equal(count, 278);
    assert_int_equal(send_text(a, "x", 0), -EAGAIN);
    assert_int_equal(poll_mask(a), 0);
    long result;
    receive_text(b, 500, 0, &result);
    assert_int_equal(result, 278);
    assert_int_equal(poll_mask(a), POLL_OUT_ALL);
    /* A large nonblocking send takes what fits, in chunks: 6 of 36544 bytes, as Linux. */
    static char big[1 << 20];
    long sent = send_full(a, big, sizeof big, 0, NULL, NULL, 0);
    assert_int_equal(sent, 219264);
    assert_int_equal(input_length(b), sent);
    file_put(a);
    file_put(b);
}

/* ------------------------------------------------------- SCM_RIGHTS */

static void stream_passes_files(void **state)
{
    struct file *read_end, *write_end;
    assert_int_equal(pipe_create(0, &read_end, &write_end), 0);
    struct file *a, *b;
    unix_pair(SOCK_STREAM, &a, &b);
    struct file *one[1] = { read_end };
    struct file *two[2] = { read_end, write_end };
    assert_int_equal(send_text(a, "aa", 0), 2);
    assert_int_equal(send_full(a, "bb", 2, 0, NULL, one, 1), 2);
    assert_int_equal(read_end->references, 2);
    assert_int_equal(send_full(a, "cc", 2, 0, NULL, two, 2), 2);
    assert_int_equal(send_text(a, "dd", 0), 2);
    assert_int_equal(read_end->references, 3);
    assert_int_equal(write_end->references, 2);

    /* Data before a buffer with files joins it; nothing goes past it. */
    char buffer[32] = { 0 };
    struct received got;
    assert_int_equal(receive_full(b, buffer, sizeof buffer, 0, 8, &got), 4);
    assert_memory_equal(buffer, "aabb", 4);
    assert_int_equal(got.rights_count, 1);
    assert_ptr_equal(got.rights[0], read_end);
    file_put(got.rights[0]);
    /* No room for the files: MSG_CTRUNC and they are dropped. */
    assert_int_equal(receive_full(b, buffer, sizeof buffer, MSG_PEEK, 8, &got), 2);
    assert_int_equal(got.rights_count, 2);
    assert_ptr_equal(got.rights[1], write_end);
    file_put(got.rights[0]);
    file_put(got.rights[1]);
    assert_int_equal(receive_full(b, buffer, sizeof buffer, 0, 1, &got), 2);
    assert_int_equal(got.rights_count, 1);
    assert_true(got.flags & MSG_CTRUNC);
    file_put(got.rights[0]);
    assert_int_equal(read_end->references, 1);
    assert_int_equal(write_end->references, 1);
    assert_int_equal(receive_full(b, buffer, sizeof buffer, 0, 8, &got), 2);
    assert_memory_equal(buffer, "dd", 2);
    assert_int_equal(got.rights_count, 0);

    /* A partial read takes the files with the first bytes. */
    assert_int_equal(send_full(a, "ff", 2, 0, NULL, two, 2), 2);
    assert_int_equal(receive_full(b, buffer, 1, 0, 8, &got), 1);
    assert_int_equal(got.rights_count, 2);
    file_put(got.rights[0]);
    file_put(got.rights[1]);
    assert_int_equal(receive_full(b, buffer, 8, 0, 8, &got), 1);
    assert_int_equal(got.rights_count, 0);

    /* The passed pipe works: what goes into the write end comes out of the received read end. */
    assert_int_equal(send_full(a, "p", 1, 0, NULL, one, 1), 1);
    assert_int_equal(receive_full(b, buffer, 8, 0, 8, &got), 1);
    struct file *received = got.rights[0];
    struct io_segment segment;
    struct io_cursor cursor;
    io_cursor_kernel(&cursor, &segment, "through", 7);
    uint64_t offset = 0;
    assert_int_equal(write_end->ops->write(write_end, &cursor, &offset), 7);
    char out[8] = { 0 };
    io_cursor_kernel(&cursor, &segment, out, 7);
    assert_int_equal(received->ops->read(received, &cursor, &offset), 7);
    assert_memory_equal(out, "through", 7);
    file_put(received);

    /* Files in flight when the receiver closes are released. */
    assert_int_equal(send_full(a, "zz", 2, 0, NULL, two, 2), 2);
    assert_int_equal(read_end->references, 2);
    file_put(b);
    assert_int_equal(read_end->references, 1);
    assert_int_equal(write_end->references, 1);
    file_put(a);
    file_put(read_end);
    file_put(write_end);
}

static void sockets_pass_sockets(void **state)
{
    /* A socket passed over another socket keeps working, and its last close is the receiver's. */
    struct file *a, *b, *c, *d;
    unix_pair(SOCK_STREAM, &a, &b);
    unix_pair(SOCK_STREAM, &c, &d);
    struct file *rights[1] = { d };
    assert_int_equal(send_full(a, "s", 1, 0, NULL, rights, 1), 1);
    file_put(d);
    assert_int_equal(send_text(c, "via passed", 0), 10);
    char buffer[16] = { 0 };
    struct received got;
    assert_int_equal(receive_full(b, buffer, sizeof buffer, 0, 1, &got), 1);
    assert_int_equal(got.rights_count, 1);
    long result;
    assert_string_equal(receive_text(got.rights[0], 16, 0, &result), "via passed");
    file_put(got.rights[0]);
    assert_int_equal(send_text(c, "x", 0), -EPIPE);
    file_put(a);
    file_put(b);
    file_put(c);
}

/* Rows of /proc/net/unix (live sockets). */
static size_t live_socket_rows(void)
{
    static char table[8192];
    long length = unix_render_table(table, sizeof table - 1);
    assert_true(length > 0 && length < (long)sizeof table);
    size_t rows = 0;
    for (long i = 0; i < length; i++)
        rows += table[i] == '\n';
    return rows - 1;
}

static void passed_socket_cycles_are_collected(void **state)
{
    size_t before = live_socket_rows();
    /* Two sockets in each other's queues, and a datagram socket in its own. */
    struct file *a, *b;
    unix_pair(SOCK_STREAM, &a, &b);
    struct file *right_a[1] = { a }, *right_b[1] = { b };
    assert_int_equal(send_full(a, "a", 1, 0, NULL, right_a, 1), 1);
    assert_int_equal(send_full(b, "b", 1, 0, NULL, right_b, 1), 1);
    struct file *self = unix_new(SOCK_DGRAM);
    struct socket_address self_name = abstract_name("self");
    assert_int_equal(ops_of(self)->bind(self, &self_name), 0);
    struct file *right_self[1] = { self };
    assert_int_equal(send_full(self, "s", 1, 0, &self_name, right_self, 1), 1);
    /* A socket passed to a socket that is still open stays alive. */
    struct file *c, *d;
    unix_pair(SOCK_STREAM, &c, &d);
    struct file *right_c[1] = { c };
    assert_int_equal(send_full(c, "c", 1, 0, NULL, right_c, 1), 1);
    file_put(a);
    file_put(b);
    file_put(self);
    file_put(c);
    assert_int_equal(live_socket_rows(), before + 5);
    /* The next socket made or released runs the collector. */
    struct file *trigger = unix_new(SOCK_STREAM);
    file_put(trigger);
    assert_int_equal(live_socket_rows(), before + 2);
    char buffer[4];
    struct received got;
    assert_int_equal(receive_full(d, buffer, sizeof buffer, 0, 1, &got), 1);
    assert_int_equal(got.rights_count, 1);
    assert_ptr_equal(got.rights[0], c);
    assert_int_equal(send_text(got.rights[0], "back", 0), 4);
    file_put(got.rights[0]);
    file_put(d);
    assert_int_equal(live_socket_rows(), before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYSCALL_TEST(stream_pair_transfers_bytes),
        SYSCALL_TEST(stream_shutdown_and_close),
        SYSCALL_TEST(stream_unconnected_errors),
        SYSCALL_TEST(stream_listen_connect_accept_abstract),
        SYSCALL_TEST(stream_listener_closed_before_accept),
        SYSCALL_TEST(stream_path_names),
        SYSCALL_TEST(stream_blocking_accept_and_receive),
        SYSCALL_TEST(stream_waitall_gathers),
        SYSCALL_TEST(stream_backlog_blocks_connect),
        SYSCALL_TEST(stream_send_budget),
        SYSCALL_TEST(stream_passes_files),
        SYSCALL_TEST(sockets_pass_sockets),
        SYSCALL_TEST(passed_socket_cycles_are_collected),
    };
    return RUN_SYSCALL_TESTS("network_unix", tests);
}
