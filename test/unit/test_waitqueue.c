/* test_waitqueue.c — wait queues: FIFO wake-ups, locks, timeouts, in virtual time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <rk/errno.h>
#include <rk/sched.h>
#include <rk/timer.h>
#include <rk/waitqueue.h>
#include "hosted.h"

static int boot(void **state)
{
    assert_int_equal(hosted_test_boot("loglevel=3"), 0);
    return 0;
}

static struct wait_queue queue;
static int wake_order[8];
static int wake_count;
static int results[8];

/* Wait on queue forever, then record the thread number. */
static void waiter(void *argument)
{
    int number = (int)(intptr_t)argument;
    results[number] = wait_queue_wait(&queue, NULL, WAIT_FOREVER);
    wake_order[wake_count++] = number;
}

/* Start count waiters and let them all block. */
static void start_waiters(int count, struct thread **threads)
{
    wait_queue_init(&queue);
    wake_count = 0;
    for (int i = 0; i < count; i++)
        threads[i] = thread_create("waiter", waiter, (void *)(intptr_t)i);
    assert_int_equal(sched_run_until_idle(), (unsigned)count);
}

static void wake_one_wakes_the_longest_waiter(void **state)
{
    struct thread *threads[3];
    start_waiters(3, threads);
    assert_false(wait_queue_is_empty(&queue));
    assert_int_equal(wait_queue_wake_one(&queue), 1);
    assert_int_equal(sched_run_until_idle(), 2);
    assert_int_equal(wake_count, 1);
    assert_int_equal(wake_order[0], 0);
    assert_int_equal(wait_queue_wake_one(&queue), 1);
    assert_int_equal(wait_queue_wake_one(&queue), 1);
    assert_int_equal(wait_queue_wake_one(&queue), 0);
    assert_int_equal(sched_run_until_idle(), 0);
    static const int expected[] = { 0, 1, 2 };
    assert_memory_equal(wake_order, expected, sizeof expected);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(results[i], 0);
        thread_join(threads[i], NULL);
    }
}

static void wake_all_wakes_everyone(void **state)
{
    struct thread *threads[5];
    start_waiters(5, threads);
    assert_int_equal(wait_queue_wake_all(&queue), 5);
    assert_true(wait_queue_is_empty(&queue));
    assert_int_equal(sched_run_until_idle(), 0);
    assert_int_equal(wake_count, 5);
    for (int i = 0; i < 5; i++)
        thread_join(threads[i], NULL);
}

static uint64_t timed_wait_elapsed;
static int timed_wait_result;

/* Wait with a 30 ms timeout and measure the virtual time spent. */
static void timed_waiter(void *argument)
{
    uint64_t start = clock_now_ns();
    timed_wait_result = wait_queue_wait(&queue, NULL, 30000000);
    timed_wait_elapsed = clock_now_ns() - start;
}

static void timeout_expires_exactly_in_virtual_time(void **state)
{
    wait_queue_init(&queue);
    struct thread *thread = thread_create("timed", timed_waiter, NULL);
    assert_int_equal(sched_run_until_idle(), 0);
    assert_int_equal(timed_wait_result, -ETIMEDOUT);
    assert_int_equal(timed_wait_elapsed, 30000000);
    assert_true(wait_queue_is_empty(&queue));
    thread_join(thread, NULL);
}

/* Wake the queue after 10 ms of sleep. */
static void delayed_waker(void *argument)
{
    thread_sleep_ns(10000000);
    wait_queue_wake_one(&queue);
}

static void wake_before_timeout_cancels_it(void **state)
{
    wait_queue_init(&queue);
    struct thread *waiting = thread_create("timed", timed_waiter, NULL);
    struct thread *waker = thread_create("waker", delayed_waker, NULL);
    assert_int_equal(sched_run_until_idle(), 0);
    assert_int_equal(timed_wait_result, 0);
    assert_int_equal(timed_wait_elapsed, 10000000);
    assert_false(hosted_timer_is_armed(NULL)); /* the timeout timer was cancelled */
    thread_join(waiting, NULL);
    thread_join(waker, NULL);
}

struct counter {
    struct spinlock lock;
    struct wait_queue changed;
    int value;
    int observed_lock_held;
};
static struct counter counter;

/* Wait under the lock until the value reaches 3, checking the lock is re-taken. */
static void counter_watcher(void *argument)
{
    spinlock_irq_state_t state = spin_lock_irqsave(&counter.lock);
    while (counter.value < 3)
        wait_queue_wait(&counter.changed, &counter.lock, WAIT_FOREVER);
    counter.observed_lock_held = spinlock_is_held(&counter.lock);
    spin_unlock_irqrestore(&counter.lock, state);
}

/* Bump the value three times, waking the watcher each time. */
static void counter_bumper(void *argument)
{
    for (int i = 0; i < 3; i++) {
        spinlock_irq_state_t state = spin_lock_irqsave(&counter.lock);
        counter.value++;
        wait_queue_wake_all(&counter.changed);
        spin_unlock_irqrestore(&counter.lock, state);
        thread_yield();
    }
}

static void waiting_releases_and_retakes_the_lock(void **state)
{
    spinlock_init(&counter.lock, "counter");
    wait_queue_init(&counter.changed);
    counter.value = 0;
    struct thread *watcher = thread_create("watcher", counter_watcher, NULL);
    struct thread *bumper = thread_create("bumper", counter_bumper, NULL);
    assert_int_equal(sched_run_until_idle(), 0);
    assert_int_equal(counter.value, 3);
    assert_true(counter.observed_lock_held);
    assert_false(spinlock_is_held(&counter.lock));
    thread_join(watcher, NULL);
    thread_join(bumper, NULL);
}

/* Wake the shared queue once. */
static void single_waker(void *argument) { wait_queue_wake_one(&queue); }

static void the_boot_thread_waits_while_others_run(void **state)
{
    wait_queue_init(&queue);
    struct thread *waker = thread_create("waker", single_waker, NULL);
    assert_int_equal(wait_queue_wait(&queue, NULL, WAIT_FOREVER), 0);
    assert_true(wait_queue_is_empty(&queue));
    assert_int_equal(thread_join(waker, NULL), 0);
    /* Nobody left to wake it: a timeout still ends the wait, forever is a deadlock. */
    assert_int_equal(wait_queue_wait(&queue, NULL, 1000), -ETIMEDOUT);
    assert_int_equal(wait_queue_wait(&queue, NULL, WAIT_FOREVER), -EDEADLK);
    assert_true(wait_queue_is_empty(&queue));
}

static void forgotten_waiters_are_reported_as_blocked(void **state)
{
    struct thread *threads[2];
    start_waiters(2, threads);
    assert_int_equal(sched_run_until_idle(), 2); /* nobody will ever wake them */
    wait_queue_wake_all(&queue);
    assert_int_equal(sched_run_until_idle(), 0);
    thread_join(threads[0], NULL);
    thread_join(threads[1], NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(wake_one_wakes_the_longest_waiter, boot),
        cmocka_unit_test_setup(wake_all_wakes_everyone, boot),
        cmocka_unit_test_setup(timeout_expires_exactly_in_virtual_time, boot),
        cmocka_unit_test_setup(wake_before_timeout_cancels_it, boot),
        cmocka_unit_test_setup(waiting_releases_and_retakes_the_lock, boot),
        cmocka_unit_test_setup(forgotten_waiters_are_reported_as_blocked, boot),
        cmocka_unit_test_setup(the_boot_thread_waits_while_others_run, boot),
    };
    return cmocka_run_group_tests_name("waitqueue", tests, NULL, NULL);
}
