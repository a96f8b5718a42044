/*
 * test_network_unix_gc.c — AF_UNIX sockets passed inside each other:
 * long chains are released on a kernel thread's stack (16 KiB, the same
 * size on both backends) without recursion, the collector still reclaims
 * cycles (and chains hanging off them) and keeps what is reachable, and
 * it runs only when a socket is released while files are in flight (or
 * when many more are in flight than at its last pass), counted through
 * unix_gc_pass_count().
 */
#include "unix_fixture.h"
#include "network/unix_internal.h"

/* Sockets alive in the service (freed ones leave the list). */
static size_t live_sockets(void)
{
    size_t count = 0;
    list_for_each(node, unix_socket_list())
        count++;
    return count;
}

/* Pass both ends of a pair (*a, *b) in a message queued in receiver (sent from sender). */
static void pass_pair(struct file *sender, struct file *a, struct file *b)
{
    struct file *rights[2] = { a, b };
    assert_int_equal(send_full(sender, "x", 1, 0, NULL, rights, 2), 1);
}

/*
 * A chain of depth datagram pairs: pair n carries pair n-1 in its queue
 * (as /tmp/review/chain.c); only the last pair's files are returned.
 */
static void build_chain(unsigned depth, struct file **last_a, struct file **last_b)
{
    struct file *a, *b;
    unix_pair(SOCK_DGRAM, &a, &b);
    for (unsigned i = 1; i < depth; i++) {
        struct file *next_a, *next_b;
        unix_pair(SOCK_DGRAM, &next_a, &next_b);
        pass_pair(next_a, a, b);         /* queued in next_b */
        file_put(a);
        file_put(b);
        a = next_a;
        b = next_b;
    }
    *last_a = a;
    *last_b = b;
}

struct close_job {
    struct file *files[2];
};

/* On a kernel thread (16 KiB stack with a guard page): put both files. */
static void close_on_kernel_stack(void *argument)
{
    struct close_job *job = argument;
    file_put(job->files[0]);
    file_put(job->files[1]);
}

static void chain_closed_without_recursion(void **state)
{
    struct file *a, *b;
    build_chain(5000, &a, &b);
    assert_int_equal(live_sockets(), 10000);
    /* Recursion of one frame group per level overflowed here (a guard page fault). */
    struct close_job job = { .files = { a, b } };
    void *thread = thread_start("closer", close_on_kernel_stack, &job);
    thread_join_checked(thread);
    assert_int_equal(live_sockets(), 0);
}

static void chain_queued_in_holder_closed(void **state)
{
    /* The chain queued in a holder pair: the holder's release frees it. */
    struct file *a, *b;
    build_chain(3000, &a, &b);
    struct file *holder_a, *holder_b;
    unix_pair(SOCK_DGRAM, &holder_a, &holder_b);
    pass_pair(holder_a, a, b);
    file_put(a);
    file_put(b);
    struct close_job job = { .files = { holder_a, holder_b } };
    void *thread = thread_start("closer", close_on_kernel_stack, &job);
    thread_join_checked(thread);
    assert_int_equal(live_sockets(), 0);
}

/* Receive one message on file with room for no rights (they are dropped, MSG_CTRUNC). */
static void receive_dropping_rights(void *argument)
{
    struct file *file = argument;
    char buffer[4];
    struct received got;
    assert_int_equal(receive_full(file, buffer, sizeof buffer, 0, 0, &got), 1);
    assert_int_equal(got.rights_count, 0);
    assert_true(got.flags & MSG_CTRUNC);
}

static void truncated_receive_drops_chain(void **state)
{
    struct file *a, *b;
    build_chain(3000, &a, &b);
    struct file *holder_a, *holder_b;
    unix_pair(SOCK_DGRAM, &holder_a, &holder_b);
    pass_pair(holder_a, a, b);
    file_put(a);
    file_put(b);
    void *thread = thread_start("receiver", receive_dropping_rights, holder_b);
    thread_join_checked(thread);
    assert_int_equal(live_sockets(), 2);
    file_put(holder_a);
    file_put(holder_b);
    assert_int_equal(live_sockets(), 0);
}

static void collector_reclaims_cycles(void **state)
{
    /* A socket queued in itself. */
    struct file *a, *b;
    unix_pair(SOCK_DGRAM, &a, &b);
    struct file *rights[1] = { a };
    assert_int_equal(send_full(b, "x", 1, 0, NULL, rights, 1), 1);   /* queued in a */
    file_put(a);
    assert_int_equal(live_sockets(), 2);
    /* Two stream pairs holding each other. */
    struct file *c, *d, *e, *f;
    unix_pair(SOCK_STREAM, &c, &d);
    unix_pair(SOCK_STREAM, &e, &f);
    pass_pair(c, e, f);      /* e, f queued in d */
    pass_pair(e, c, d);      /* c, d queued in f */
    file_put(c);
    file_put(d);
    file_put(e);
    file_put(f);
    assert_int_equal(live_sockets(), 6);
    /* Releasing b (nothing of it in flight) runs a pass: both cycles go. */
    unsigned long passes = unix_gc_pass_count();
    file_put(b);
    assert_true(unix_gc_pass_count() > passes);
    assert_int_equal(live_sockets(), 0);
}

static void collector_frees_chain_hanging_off_a_cycle(void **state)
{
    /* A chain of 3000 pairs queued in a socket that is queued in itself. */
    struct file *a, *b;
    build_chain(3000, &a, &b);
    struct file *loop_a, *loop_b;
    unix_pair(SOCK_DGRAM, &loop_a, &loop_b);
    pass_pair(loop_b, a, b);                     /* the chain, queued in loop_a */
    struct file *rights[1] = { loop_a };
    assert_int_equal(send_full(loop_b, "x", 1, 0, NULL, rights, 1), 1);   /* loop_a in itself */
    file_put(a);
    file_put(b);
    file_put(loop_a);
    struct close_job job = { .files = { loop_b, NULL } };
    job.files[1] = unix_new(SOCK_DGRAM);         /* a bystander, released too */
    void *thread = thread_start("closer", close_on_kernel_stack, &job);
    thread_join_checked(thread);
    assert_int_equal(live_sockets(), 0);
}

static void collector_keeps_reachable_sockets(void **state)
{
    /* holder_b's queue holds pair (c, d); c's queue holds pair (e, f): all reachable from holder_b. */
    struct file *holder_a, *holder_b, *c, *d, *e, *f;
    unix_pair(SOCK_DGRAM, &holder_a, &holder_b);
    unix_pair(SOCK_DGRAM, &c, &d);
    unix_pair(SOCK_DGRAM, &e, &f);
    pass_pair(d, e, f);           /* queued in c */
    pass_pair(holder_a, c, d);    /* queued in holder_b */
    file_put(c);
    file_put(d);
    file_put(e);
    file_put(f);
    file_put(unix_new(SOCK_STREAM));   /* a release: a pass, which must keep everything */
    assert_int_equal(live_sockets(), 6);
    char buffer[4];
    struct received got;
    assert_int_equal(receive_full(holder_b, buffer, sizeof buffer, 0, 2, &got), 1);
    assert_int_equal(got.rights_count, 2);
    struct file *received_c = got.rights[0], *received_d = got.rights[1];
    assert_int_equal(receive_full(received_c, buffer, sizeof buffer, 0, 2, &got), 1);
    assert_int_equal(got.rights_count, 2);
    assert_int_equal(send_text(got.rights[0], "ok", 0), 2);       /* e still talks to f */
    long result;
    assert_string_equal(receive_text(got.rights[1], 8, 0, &result), "ok");
    file_put(got.rights[0]);
    file_put(got.rights[1]);
    file_put(received_c);
    file_put(received_d);
    file_put(holder_a);
    file_put(holder_b);
    assert_int_equal(live_sockets(), 0);
}

static void collector_runs_only_when_needed(void **state)
{
    unsigned long passes = unix_gc_pass_count();
    /* Nothing in flight: creating and releasing sockets runs no pass. */
    struct file *a, *b;
    unix_pair(SOCK_STREAM, &a, &b);
    file_put(a);
    file_put(b);
    assert_int_equal(unix_gc_pass_count(), passes);
    /* Many sockets in flight (net_review.c's `s` mode): creating, sending and closing runs none. */
    struct file *holder_a, *holder_b;
    unix_pair(SOCK_DGRAM, &holder_a, &holder_b);
    assert_int_equal(set_int_option(holder_a, SO_SNDBUF, 1 << 20), 0);
    for (int round = 0; round < 20; round++) {
        struct file *files[100];
        for (int i = 0; i < 100; i += 2)
            unix_pair(SOCK_STREAM, &files[i], &files[i + 1]);
        assert_int_equal(send_full(holder_a, "x", 1, MSG_DONTWAIT, NULL, files, 100), 1);
        for (int i = 0; i < 100; i++)
            file_put(files[i]);
    }
    assert_int_equal(unix_gc_pass_count(), passes);
    /* A release while files are in flight: one pass (it finds nothing to collect). */
    file_put(unix_new(SOCK_DGRAM));
    assert_int_equal(unix_gc_pass_count(), passes + 1);
    assert_int_equal(live_sockets(), 2002);
    /* holder_b's release frees the 2000 in-flight sockets (plain releases, no pass needed for them). */
    file_put(holder_a);
    file_put(holder_b);
    assert_int_equal(live_sockets(), 0);
    passes = unix_gc_pass_count();
    file_put(unix_new(SOCK_DGRAM));
    assert_int_equal(unix_gc_pass_count(), passes);    /* nothing in flight any more */
}

static void send_runs_pass_past_inflight_threshold(void **state)
{
    /* Without any release, a send runs a pass once UNIX_INFLIGHT_TRIGGER_GC files are in flight. */
    struct file *holder_a, *holder_b;
    unix_pair(SOCK_DGRAM, &holder_a, &holder_b);
    assert_int_equal(set_int_option(holder_a, SO_SNDBUF, 1 << 20), 0);
    unsigned long passes = unix_gc_pass_count();
    unsigned sent = 0;
    struct file *files[250];
    while (sent < UNIX_INFLIGHT_TRIGGER_GC) {
        for (int i = 0; i < 250; i += 2)
            unix_pair(SOCK_DGRAM, &files[i], &files[i + 1]);
        assert_int_equal(send_full(holder_a, "x", 1, MSG_DONTWAIT, NULL, files, 250), 1);
        for (int i = 0; i < 250; i++)
            file_put(files[i]);
        sent += 250;
        assert_int_equal(unix_gc_pass_count(), passes);
    }
    for (int i = 0; i < 2; i += 2)
        unix_pair(SOCK_DGRAM, &files[i], &files[i + 1]);
    assert_int_equal(send_full(holder_a, "x", 1, MSG_DONTWAIT, NULL, files, 2), 1);
    assert_int_equal(unix_gc_pass_count(), passes + 1);
    assert_int_equal(send_full(holder_a, "x", 1, MSG_DONTWAIT, NULL, files, 2), 1);
    assert_int_equal(unix_gc_pass_count(), passes + 1);    /* the next trigger is far away */
    file_put(files[0]);
    file_put(files[1]);
    struct close_job job = { .files = { holder_a, holder_b } };
    void *thread = thread_start("closer", close_on_kernel_stack, &job);
    thread_join_checked(thread);
    assert_int_equal(live_sockets(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYSCALL_TEST(chain_closed_without_recursion),
        SYSCALL_TEST(chain_queued_in_holder_closed),
        SYSCALL_TEST(truncated_receive_drops_chain),
        SYSCALL_TEST(collector_reclaims_cycles),
        SYSCALL_TEST(collector_frees_chain_hanging_off_a_cycle),
        SYSCALL_TEST(collector_keeps_reachable_sockets),
        SYSCALL_TEST(collector_runs_only_when_needed),
        SYSCALL_TEST(send_runs_pass_past_inflight_threshold),
    };
    return RUN_SYSCALL_TESTS("network_unix_gc", tests);
}
