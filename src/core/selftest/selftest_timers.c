/*
 * selftest_timers.c — timers, sleeping and timeouts on the backend's clock.
 */
#include <rk/errno.h>
#include <rk/klog.h>
#include <rk/sched.h>
#include <rk/selftest.h>
#include <rk/timer.h>

#include "selftests.h"

#define TIMER_COUNT 5
static unsigned fired_order[TIMER_COUNT];
static unsigned fired_count;
static uint64_t fired_late_ns[TIMER_COUNT];

static void record_firing(struct timer *timer, void *argument)
{
    unsigned number = (unsigned)(uintptr_t)argument;
    fired_late_ns[fired_count] = clock_now_ns() - timer->deadline_ns;
    fired_order[fired_count++] = number;
}

/* Timers armed out of order fire in deadline order, never early; a cancelled one never fires. */
int selftest_timers(void)
{
    static struct timer timers[TIMER_COUNT + 1];
    static const unsigned delays_ms[TIMER_COUNT] = { 30, 10, 50, 20, 40 };
    fired_count = 0;
    uint64_t start = clock_now_ns();
    for (unsigned i = 0; i < TIMER_COUNT; i++) {
        timer_init(&timers[i], record_firing, (void *)(uintptr_t)delays_ms[i]);
        timer_arm(&timers[i], start + delays_ms[i] * 1000000ull);
    }
    timer_init(&timers[TIMER_COUNT], record_firing, (void *)(uintptr_t)999);
    timer_arm(&timers[TIMER_COUNT], start + 25 * 1000000ull);
    SELFTEST_CHECK(timer_cancel(&timers[TIMER_COUNT]));
    SELFTEST_CHECK(!timer_cancel(&timers[TIMER_COUNT]));
    SELFTEST_CHECK(sched_run_until_idle() == 0);
    SELFTEST_CHECK(fired_count == TIMER_COUNT);
    for (unsigned i = 0; i < TIMER_COUNT; i++) {
        SELFTEST_CHECK(fired_order[i] == (i + 1) * 10);
        SELFTEST_CHECK(fired_late_ns[i] < (1ull << 63)); /* not early */
    }
    SELFTEST_CHECK(clock_now_ns() - start >= 50 * 1000000ull);
    return 0;
}

static uint64_t woke_after_ns[3];
static int timeout_result;

/* Sleep for argument milliseconds and record how long it took. */
static void sleeper(void *argument)
{
    unsigned milliseconds = (unsigned)(uintptr_t)argument;
    uint64_t start = clock_now_ns();
    thread_sleep_ns(milliseconds * 1000000ull);
    woke_after_ns[milliseconds / 10 - 1] = clock_now_ns() - start;
}

/* Wait on a queue nobody wakes, with a timeout. */
static void timeout_waiter(void *argument)
{
    struct wait_queue queue;
    wait_queue_init(&queue);
    timeout_result = wait_queue_wait(&queue, NULL, 15 * 1000000ull);
}

/* Sleeps last at least as asked; a wait with a timeout returns -ETIMEDOUT. */
int selftest_sleep(void)
{
    struct thread *threads[4];
    threads[0] = thread_create("sleep30", sleeper, (void *)(uintptr_t)30);
    threads[1] = thread_create("sleep10", sleeper, (void *)(uintptr_t)10);
    threads[2] = thread_create("sleep20", sleeper, (void *)(uintptr_t)20);
    threads[3] = thread_create("timeout", timeout_waiter, NULL);
    timeout_result = 1;
    SELFTEST_CHECK(sched_run_until_idle() == 0);
    for (unsigned i = 0; i < 4; i++)
        SELFTEST_CHECK(thread_join(threads[i], NULL) == 0);
    for (unsigned i = 0; i < 3; i++)
        SELFTEST_CHECK(woke_after_ns[i] >= (i + 1) * 10 * 1000000ull);
    SELFTEST_CHECK(timeout_result == -ETIMEDOUT);
    return 0;
}
