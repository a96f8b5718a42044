/* test_sched.c — threads and the scheduler policies, on the virtual clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <rk/errno.h>
#include <rk/heap.h>
#include <rk/sched.h>
#include <rk/timer.h>
#include <rk/waitqueue.h>
#include "hosted.h"

static int boot(void **state)
{
    assert_int_equal(hosted_test_boot("loglevel=3"), 0);
    return 0;
}

static int trace[64];
static int trace_length;

/* Append the thread's number to the trace, yield, append it again. */
static void tracer(void *argument)
{
    trace[trace_length++] = (int)(intptr_t)argument;
    thread_yield();
    trace[trace_length++] = (int)(intptr_t)argument;
}

/* Start count tracers, run until idle, join them; returns the blocked count. */
static unsigned run_tracers(int count)
{
    struct thread *threads[16];
    trace_length = 0;
    for (int i = 0; i < count; i++)
        threads[i] = thread_create("tracer", tracer, (void *)(intptr_t)i);
    unsigned blocked = sched_run_until_idle();
    for (int i = 0; i < count; i++)
        assert_int_equal(thread_join(threads[i], NULL), 0);
    return blocked;
}

static void round_robin_runs_in_fifo_order(void **state)
{
    sched_init(&sched_policy_round_robin);
    assert_int_equal(run_tracers(3), 0);
    static const int expected[] = { 0, 1, 2, 0, 1, 2 };
    assert_int_equal(trace_length, 6);
    assert_memory_equal(trace, expected, sizeof expected);
}

static void seeded_policy_is_reproducible(void **state)
{
    int first[64], second[64];
    sched_policy_seeded_set_seed(7);
    sched_init(&sched_policy_seeded);
    assert_int_equal(run_tracers(8), 0);
    memcpy(first, trace, sizeof first);
    sched_policy_seeded_set_seed(7);
    sched_init(&sched_policy_seeded);
    assert_int_equal(run_tracers(8), 0);
    memcpy(second, trace, sizeof second);
    assert_memory_equal(first, second, 16 * sizeof(int));
}

static void seeds_explore_different_orders(void **state)
{
    int orders[6][16];
    for (int seed = 0; seed < 6; seed++) {
        sched_policy_seeded_set_seed((uint64_t)seed + 100);
        sched_init(&sched_policy_seeded);
        assert_int_equal(run_tracers(8), 0);
        memcpy(orders[seed], trace, sizeof orders[seed]);
    }
    int distinct = 0;
    for (int seed = 1; seed < 6; seed++)
        if (memcmp(orders[0], orders[seed], sizeof orders[0]) != 0)
            distinct++;
    assert_true(distinct > 0);
}

static void policy_remove_takes_a_thread_out(void **state)
{
    static struct thread a, b, c;
    const struct sched_policy_ops *policies[] = { &sched_policy_round_robin, &sched_policy_seeded };
    for (int p = 0; p < 2; p++) {
        const struct sched_policy_ops *policy = policies[p];
        policy->reset();
        policy->enqueue(&a);
        policy->enqueue(&b);
        policy->enqueue(&c);
        policy->remove(&b);
        struct thread *first = policy->pick_next();
        struct thread *second = policy->pick_next();
        assert_true((first == &a && second == &c) || (first == &c && second == &a));
        assert_null(policy->pick_next());
    }
    sched_init(&sched_policy_round_robin);
}

static int exit_value;
static void returns_value(void *argument) { thread_exit((int)(intptr_t)argument); }

static void join_returns_the_exit_code_and_frees(void **state)
{
    struct heap_statistics before, after;
    heap_get_statistics(&before);
    unsigned threads_before = thread_count();
    struct thread *thread = thread_create("exit", returns_value, (void *)(intptr_t)42);
    assert_non_null(thread);
    assert_int_equal(thread_count(), threads_before + 1);
    assert_int_equal(sched_run_until_idle(), 0);
    assert_int_equal(thread->state, THREAD_DEAD);
    assert_int_equal(thread_join(thread, &exit_value), 0);
    assert_int_equal(exit_value, 42);
    assert_int_equal(thread_count(), threads_before);
    heap_get_statistics(&after);
    assert_int_equal(after.bytes_in_use, before.bytes_in_use);
}

static void detached_threads_are_reaped(void **state)
{
    unsigned threads_before = thread_count();
    for (int i = 0; i < 5; i++)
        thread_detach(thread_create("detached", tracer, (void *)(intptr_t)i));
    assert_int_equal(sched_run_until_idle(), 0);
    assert_int_equal(thread_count(), threads_before);
}

static struct thread *joined_target;
static int joiner_saw;
static int joiner_result = -1;

/* Join joined_target from a kernel thread (no CMocka asserts off the test's stack). */
static void joiner(void *argument) { joiner_result = thread_join(joined_target, &joiner_saw); }
static void slow_exit(void *argument)
{
    for (int i = 0; i < 3; i++)
        thread_yield();
    thread_exit(9);
}

static void a_thread_can_join_another(void **state)
{
    joined_target = thread_create("target", slow_exit, NULL);
    struct thread *waiting = thread_create("joiner", joiner, NULL);
    assert_int_equal(sched_run_until_idle(), 0);
    assert_int_equal(joiner_result, 0);
    assert_int_equal(joiner_saw, 9);
    assert_int_equal(thread_join(waiting, NULL), 0);
}

static void invalid_joins_are_refused(void **state)
{
    assert_int_equal(thread_join(thread_current(), NULL), -EINVAL);
    struct thread *thread = thread_create("detach-me", tracer, NULL);
    thread_detach(thread);
    assert_int_equal(thread_join(thread, NULL), -EINVAL);
    assert_int_equal(sched_run_until_idle(), 0);
}

static void the_boot_thread_can_join_directly(void **state)
{
    struct thread *thread = thread_create("exit", returns_value, (void *)(intptr_t)5);
    int code = 0;
    assert_int_equal(thread_join(thread, &code), 0); /* runs it meanwhile */
    assert_int_equal(code, 5);
}

static struct wait_queue never_woken;
static void waits_for_ever(void *argument)
{
    wait_queue_wait(&never_woken, NULL, WAIT_FOREVER);
}

static void joining_a_thread_blocked_for_ever_is_a_deadlock(void **state)
{
    wait_queue_init(&never_woken);
    struct thread *thread = thread_create("stuck", waits_for_ever, NULL);
    assert_int_equal(thread_join(thread, NULL), -EDEADLK);
    assert_int_equal(thread->state, THREAD_BLOCKED);
    wait_queue_wake_all(&never_woken);
    assert_int_equal(thread_join(thread, NULL), 0);
}

static bool timer_fired;
static void note_firing(struct timer *timer, void *argument) { timer_fired = true; }
static unsigned yields_until_fired;

/* Spin on thread_yield() until the timer fired (gives up after a million tries). */
static void yield_until_fired(void *argument)
{
    yields_until_fired = 0;
    while (!timer_fired && yields_until_fired < 1000000) {
        thread_yield();
        yields_until_fired++;
    }
}

static void a_yield_delivers_an_expired_timer(void **state)
{
    static struct timer expired;
    timer_fired = false;
    struct thread *spinner = thread_create("spinner", yield_until_fired, NULL);
    timer_init(&expired, note_firing, NULL);
    timer_arm(&expired, clock_now_ns()); /* already due */
    assert_int_equal(sched_run_until_idle(), 0);
    assert_true(timer_fired);
    assert_true(yields_until_fired <= 1);
    assert_int_equal(thread_join(spinner, NULL), 0);
}

static void set_policy_keeps_runnable_threads(void **state)
{
    struct thread *threads[3];
    trace_length = 0;
    for (int i = 0; i < 3; i++)
        threads[i] = thread_create("tracer", tracer, (void *)(intptr_t)i);
    sched_set_policy(&sched_policy_seeded);
    assert_ptr_equal(sched_policy(), &sched_policy_seeded);
    assert_int_equal(sched_run_until_idle(), 0);
    assert_int_equal(trace_length, 6);
    for (int i = 0; i < 3; i++)
        assert_int_equal(thread_join(threads[i], NULL), 0);
    sched_set_policy(&sched_policy_round_robin);
}

static void switches_are_counted(void **state)
{
    uint64_t before = sched_switch_count();
    assert_int_equal(run_tracers(2), 0);
    /* idle->0, 0->1, 1->0, 0->1, 1->idle at least */
    assert_true(sched_switch_count() - before >= 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(round_robin_runs_in_fifo_order, boot),
        cmocka_unit_test_setup(seeded_policy_is_reproducible, boot),
        cmocka_unit_test_setup(seeds_explore_different_orders, boot),
        cmocka_unit_test_setup(policy_remove_takes_a_thread_out, boot),
        cmocka_unit_test_setup(join_returns_the_exit_code_and_frees, boot),
        cmocka_unit_test_setup(detached_threads_are_reaped, boot),
        cmocka_unit_test_setup(a_thread_can_join_another, boot),
        cmocka_unit_test_setup(invalid_joins_are_refused, boot),
        cmocka_unit_test_setup(switches_are_counted, boot),
        cmocka_unit_test_setup(the_boot_thread_can_join_directly, boot),
        cmocka_unit_test_setup(joining_a_thread_blocked_for_ever_is_a_deadlock, boot),
        cmocka_unit_test_setup(a_yield_delivers_an_expired_timer, boot),
        cmocka_unit_test_setup(set_policy_keeps_runnable_threads, boot),
    };
    return cmocka_run_group_tests_name("sched", tests, NULL, NULL);
}
