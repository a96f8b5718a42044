/*
 * selftest_threads.c — threads, wait queues and scheduler policies,
 * driven from the boot thread with sched_run_until_idle().
 */
#include <rk/klog.h>
#include <rk/sched.h>
#include <rk/selftest.h>
#include <rk/waitqueue.h>

#include "selftests.h"

#define WORKER_COUNT 8
#define WORKER_ROUNDS 50

static unsigned worker_counter;

/* Bump the shared counter, yielding between bumps. */
static void counting_worker(void *argument)
{
    unsigned rounds = (unsigned)(uintptr_t)argument;
    for (unsigned i = 0; i < rounds; i++) {
        worker_counter++;
        thread_yield();
    }
}

/* Create, run and join several threads; exit codes and the thread count come back. */
int selftest_threads(void)
{
    unsigned threads_before = thread_count();
    struct thread *workers[WORKER_COUNT];
    worker_counter = 0;
    for (unsigned i = 0; i < WORKER_COUNT; i++) {
        workers[i] = thread_create("worker", counting_worker, (void *)(uintptr_t)WORKER_ROUNDS);
        SELFTEST_CHECK(workers[i] != NULL);
    }
    SELFTEST_CHECK(thread_count() == threads_before + WORKER_COUNT);
    SELFTEST_CHECK(sched_run_until_idle() == 0);
    SELFTEST_CHECK(worker_counter == WORKER_COUNT * WORKER_ROUNDS);
    for (unsigned i = 0; i < WORKER_COUNT; i++) {
        int exit_code = -1;
        SELFTEST_CHECK(thread_join(workers[i], &exit_code) == 0);
        SELFTEST_CHECK(exit_code == 0);
    }
    SELFTEST_CHECK(thread_count() == threads_before);

    /* Detached threads are reaped without a join. */
    for (unsigned i = 0; i < WORKER_COUNT; i++) {
        struct thread *thread = thread_create("detached", counting_worker, (void *)(uintptr_t)3);
        SELFTEST_CHECK(thread != NULL);
        thread_detach(thread);
    }
    SELFTEST_CHECK(sched_run_until_idle() == 0);
    SELFTEST_CHECK(thread_count() == threads_before);
    return 0;
}

/* A bounded buffer between a producer and a consumer. */
struct channel {
    struct spinlock lock;
    struct wait_queue not_empty;
    struct wait_queue not_full;
    unsigned items;
    unsigned produced;
    unsigned consumed;
    unsigned total;
};

static void channel_producer(void *argument)
{
    struct channel *channel = argument;
    for (unsigned i = 0; i < channel->total; i++) {
        spinlock_irq_state_t state = spin_lock_irqsave(&channel->lock);
        while (channel->items == 2)
            wait_queue_wait(&channel->not_full, &channel->lock, WAIT_FOREVER);
        channel->items++;
        channel->produced++;
        wait_queue_wake_one(&channel->not_empty);
        spin_unlock_irqrestore(&channel->lock, state);
    }
}

static void channel_consumer(void *argument)
{
    struct channel *channel = argument;
    for (unsigned i = 0; i < channel->total; i++) {
        spinlock_irq_state_t state = spin_lock_irqsave(&channel->lock);
        while (channel->items == 0)
            wait_queue_wait(&channel->not_empty, &channel->lock, WAIT_FOREVER);
        channel->items--;
        channel->consumed++;
        wait_queue_wake_one(&channel->not_full);
        spin_unlock_irqrestore(&channel->lock, state);
    }
}

/* Producer/consumer through wait queues: nothing lost, nobody left blocked. */
int selftest_waitqueue(void)
{
    static struct channel channel;
    spinlock_init(&channel.lock, "channel");
    wait_queue_init(&channel.not_empty);
    wait_queue_init(&channel.not_full);
    channel.items = channel.produced = channel.consumed = 0;
    channel.total = 500;
    struct thread *consumer = thread_create("consumer", channel_consumer, &channel);
    struct thread *producer = thread_create("producer", channel_producer, &channel);
    SELFTEST_CHECK(consumer && producer);
    SELFTEST_CHECK(sched_run_until_idle() == 0);
    SELFTEST_CHECK(channel.produced == 500 && channel.consumed == 500 && channel.items == 0);
    SELFTEST_CHECK(thread_join(consumer, NULL) == 0);
    SELFTEST_CHECK(thread_join(producer, NULL) == 0);
    SELFTEST_CHECK(wait_queue_is_empty(&channel.not_empty));

    return 0;
}

#define ORDER_THREADS 4
static unsigned run_order[ORDER_THREADS * 2];
static unsigned run_order_length;

/* Record this thread's number twice, yielding in between. */
static void order_recorder(void *argument)
{
    unsigned number = (unsigned)(uintptr_t)argument;
    run_order[run_order_length++] = number;
    thread_yield();
    run_order[run_order_length++] = number;
}

/* Run ORDER_THREADS recorders under policy and store the order in out. */
static int record_order(const struct sched_policy_ops *policy, unsigned *out)
{
    const struct sched_policy_ops *previous = sched_policy();
    sched_set_policy(policy);
    run_order_length = 0;
    struct thread *threads[ORDER_THREADS];
    for (unsigned i = 0; i < ORDER_THREADS; i++)
        threads[i] = thread_create("order", order_recorder, (void *)(uintptr_t)i);
    unsigned blocked = sched_run_until_idle();
    for (unsigned i = 0; i < ORDER_THREADS; i++)
        thread_join(threads[i], NULL);
    sched_set_policy(previous);
    for (unsigned i = 0; i < ORDER_THREADS * 2; i++)
        out[i] = run_order[i];
    return blocked == 0 && run_order_length == ORDER_THREADS * 2 ? 0 : -1;
}

/* Round-robin runs in FIFO order; the seeded policy repeats itself for one seed. */
int selftest_sched_policy(void)
{
    unsigned order[ORDER_THREADS * 2], first[ORDER_THREADS * 2], second[ORDER_THREADS * 2];
    SELFTEST_CHECK(record_order(&sched_policy_round_robin, order) == 0);
    for (unsigned i = 0; i < ORDER_THREADS * 2; i++)
        SELFTEST_CHECK(order[i] == i % ORDER_THREADS);

    sched_policy_seeded_set_seed(42);
    SELFTEST_CHECK(record_order(&sched_policy_seeded, first) == 0);
    sched_policy_seeded_set_seed(42);
    SELFTEST_CHECK(record_order(&sched_policy_seeded, second) == 0);
    for (unsigned i = 0; i < ORDER_THREADS * 2; i++)
        SELFTEST_CHECK(first[i] == second[i]);
    return 0;
}
