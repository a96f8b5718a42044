/* test_timer.c — kernel timers and sleeping on the virtual clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <rk/kernel.h>
#include <rk/sched.h>
#include <rk/timer.h>
#include "hosted.h"

static int boot(void **state)
{
    assert_int_equal(hosted_test_boot("loglevel=3"), 0);
    return 0;
}

static uint64_t fired_at[8];
static int fired_id[8];
static int fired_count;

static void record(struct timer *timer, void *argument)
{
    fired_at[fired_count] = clock_now_ns();
    fired_id[fired_count++] = (int)(intptr_t)argument;
}

static void timers_fire_in_deadline_order_exactly_on_time(void **state)
{
    static struct timer timers[4];
    static const uint64_t deadlines[] = { 3000, 1000, 4000, 2000 };
    fired_count = 0;
    uint64_t start = clock_now_ns();
    for (int i = 0; i < 4; i++) {
        timer_init(&timers[i], record, (void *)(intptr_t)i);
        timer_arm(&timers[i], start + deadlines[i]);
    }
    uint64_t armed_for = 0;
    assert_true(hosted_timer_is_armed(&armed_for));
    assert_int_equal(armed_for, start + 1000);
    assert_int_equal(sched_run_until_idle(), 0);
    static const int expected[] = { 1, 3, 0, 2 };
    assert_int_equal(fired_count, 4);
    assert_memory_equal(fired_id, expected, sizeof expected);
    for (int i = 0; i < 4; i++)
        assert_int_equal(fired_at[i], start + (uint64_t)(i + 1) * 1000);
    assert_false(hosted_timer_is_armed(NULL));
}

static void cancel_and_rearm(void **state)
{
    static struct timer first, second;
    fired_count = 0;
    uint64_t start = clock_now_ns();
    timer_init(&first, record, (void *)1);
    timer_init(&second, record, (void *)2);
    timer_arm(&first, start + 100);
    timer_arm(&second, start + 200);
    assert_true(timer_is_pending(&first));
    assert_true(timer_cancel(&first));
    assert_false(timer_is_pending(&first));
    uint64_t armed_for = 0;
    assert_true(hosted_timer_is_armed(&armed_for));
    assert_int_equal(armed_for, start + 200); /* reprogrammed to the new head */
    timer_arm(&second, start + 500);          /* re-arm moves it */
    assert_int_equal(sched_run_until_idle(), 0);
    assert_int_equal(fired_count, 1);
    assert_int_equal(fired_id[0], 2);
    assert_int_equal(fired_at[0], start + 500);
    assert_false(timer_cancel(&second));
}

static void rearming_the_first_timer_later_reprograms_the_platform(void **state)
{
    static struct timer first, second;
    uint64_t start = clock_now_ns();
    timer_init(&first, record, (void *)1);
    timer_init(&second, record, (void *)2);
    timer_arm(&first, start + 100);
    timer_arm(&second, start + 200);
    timer_arm(&first, start + 500); /* no longer the head */
    uint64_t armed_for = 0;
    assert_true(hosted_timer_is_armed(&armed_for));
    assert_int_equal(armed_for, start + 200);
    fired_count = 0;
    assert_int_equal(sched_run_until_idle(), 0);
    assert_int_equal(fired_count, 2);
    assert_int_equal(fired_at[0], start + 200);
    assert_int_equal(fired_at[1], start + 500);
}

static void the_boot_thread_can_sleep(void **state)
{
    uint64_t start = clock_now_ns();
    thread_sleep_ns(7000000);
    assert_int_equal(clock_now_ns() - start, 7000000);
}

static void past_deadline_fires_at_next_idle(void **state)
{
    static struct timer late;
    fired_count = 0;
    assert_int_equal(hosted_clock_advance(1000000), 0);
    timer_init(&late, record, (void *)7);
    timer_arm(&late, 10);
    assert_int_equal(fired_count, 0); /* not from inside timer_arm */
    assert_int_equal(sched_run_until_idle(), 0);
    assert_int_equal(fired_count, 1);
    assert_int_equal(fired_id[0], 7);
}

static int periodic_remaining;

/* Re-arm itself 1 ms later until the count runs out. */
static void periodic(struct timer *timer, void *argument)
{
    record(timer, argument);
    if (--periodic_remaining > 0)
        timer_arm(timer, timer->deadline_ns + 1000000);
}

static void callbacks_may_rearm_their_timer(void **state)
{
    static struct timer tick;
    fired_count = 0;
    periodic_remaining = 3;
    uint64_t start = clock_now_ns();
    timer_init(&tick, periodic, (void *)3);
    timer_arm(&tick, start + 1000000);
    assert_int_equal(sched_run_until_idle(), 0);
    assert_int_equal(fired_count, 3);
    assert_int_equal(fired_at[2], start + 3000000);
}

static uint64_t slept_for[3];

static void sleeper(void *argument)
{
    int index = (int)(intptr_t)argument;
    uint64_t start = clock_now_ns();
    thread_sleep_ns((uint64_t)(index + 1) * 5000000);
    slept_for[index] = clock_now_ns() - start;
}

static void sleeps_take_exactly_their_time(void **state)
{
    struct thread *threads[3];
    uint64_t start = clock_now_ns();
    for (int i = 0; i < 3; i++)
        threads[i] = thread_create("sleeper", sleeper, (void *)(intptr_t)i);
    assert_int_equal(sched_run_until_idle(), 0);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(slept_for[i], (uint64_t)(i + 1) * 5000000);
        thread_join(threads[i], NULL);
    }
    assert_int_equal(clock_now_ns() - start, 15000000);
}

static void reset_forgets_pending_timers(void **state)
{
    static struct timer forgotten;
    fired_count = 0;
    timer_init(&forgotten, record, NULL);
    timer_arm(&forgotten, clock_now_ns() + 1000);
    assert_true(timers_pending());
    timers_reset();
    assert_false(timers_pending());
    assert_false(timer_is_pending(&forgotten));
    assert_false(hosted_timer_is_armed(NULL));
    assert_int_equal(sched_run_until_idle(), 0);
    assert_int_equal(fired_count, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(timers_fire_in_deadline_order_exactly_on_time, boot),
        cmocka_unit_test_setup(cancel_and_rearm, boot),
        cmocka_unit_test_setup(past_deadline_fires_at_next_idle, boot),
        cmocka_unit_test_setup(callbacks_may_rearm_their_timer, boot),
        cmocka_unit_test_setup(sleeps_take_exactly_their_time, boot),
        cmocka_unit_test_setup(reset_forgets_pending_timers, boot),
        cmocka_unit_test_setup(rearming_the_first_timer_later_reprograms_the_platform, boot),
        cmocka_unit_test_setup(the_boot_thread_can_sleep, boot),
    };
    return cmocka_run_group_tests_name("timer", tests, NULL, NULL);
}
