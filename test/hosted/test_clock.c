/* test_clock.c — the virtual clock, the one-shot timer and event delivery in platform_idle(). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <rk/platform.h>

#include "hosted.h"

#define MAXIMUM_FIRES 16

static uint64_t fire_times[MAXIMUM_FIRES];
static unsigned fire_count;
static unsigned rearm_remaining;
static uint64_t rearm_interval;
static bool handler_saw_interrupts_enabled;
static bool handler_saw_interrupt_context;
static char console_bytes[64];
static size_t console_length;

/* Timer handler: record the time, optionally re-arm. */
static void record_timer(void)
{
    handler_saw_interrupts_enabled |= platform_irq_enabled();
    handler_saw_interrupt_context = hosted_in_interrupt();
    if (fire_count < MAXIMUM_FIRES)
        fire_times[fire_count] = platform_clock_ns();
    fire_count++;
    if (rearm_remaining > 0) {
        rearm_remaining--;
        platform_timer_arm(platform_clock_ns() + rearm_interval);
    }
}

/* Console handler: drain the input. */
static void record_console(void)
{
    console_length += platform_console_read(console_bytes + console_length,
                                            sizeof(console_bytes) - 1 - console_length);
    console_bytes[console_length] = '\0';
}

/* A fresh machine per test: clock at 0, no timer, our handlers. */
static int test_setup(void **state)
{
    (void)state;
    int error = hosted_test_boot("");
    platform_timer_disarm(); /* whatever the Core armed while booting */
    hosted_set_timer_handler(record_timer);
    hosted_set_console_handler(record_console);
    fire_count = 0;
    rearm_remaining = 0;
    handler_saw_interrupts_enabled = false;
    handler_saw_interrupt_context = false;
    console_length = 0;
    console_bytes[0] = '\0';
    return error;
}

/* Busy code does not move the virtual clock. */
static void test_time_only_moves_when_idle(void **state)
{
    (void)state;
    assert_true(hosted_clock_is_virtual());
    uint64_t start = platform_clock_ns();
    volatile uint64_t sink = 0;
    for (int index = 0; index < 1000000; index++)
        sink += (uint64_t)index;
    assert_true(sink > 0);
    assert_int_equal(platform_clock_ns(), start);
    assert_int_equal(hosted_clock_advance(250), 0);
    assert_int_equal(platform_clock_ns(), start + 250);
}

/* With a busy tick, each poll moves the clock and an expired timer fires at the poll. */
static void test_busy_tick_moves_the_clock_at_polls(void **state)
{
    (void)state;
    uint64_t start = platform_clock_ns();
    hosted_set_busy_tick(1000);
    platform_timer_arm(start + 2500);
    assert_false(platform_poll_events());
    assert_int_equal(platform_clock_ns(), start + 1000);
    assert_false(platform_poll_events());
    assert_true(platform_poll_events()); /* start + 3000: past the deadline */
    assert_int_equal(fire_count, 1);
    assert_int_equal(fire_times[0], start + 3000);
    hosted_set_busy_tick(0);
    assert_false(platform_poll_events());
    assert_int_equal(platform_clock_ns(), start + 3000);
    /* A new boot turns it off. */
    hosted_set_busy_tick(1000);
    assert_int_equal(hosted_test_boot(""), 0);
    start = platform_clock_ns();
    platform_poll_events();
    assert_int_equal(platform_clock_ns(), start);
}

/* Idle jumps to the deadline and fires once, in interrupt context. */
static void test_idle_jumps_to_the_deadline(void **state)
{
    (void)state;
    platform_timer_arm(1000000);
    uint64_t deadline = 0;
    assert_true(hosted_timer_is_armed(&deadline));
    assert_int_equal(deadline, 1000000);
    assert_true(platform_idle());
    assert_int_equal(platform_clock_ns(), 1000000);
    assert_int_equal(fire_count, 1);
    assert_false(hosted_timer_is_armed(NULL));
    assert_false(handler_saw_interrupts_enabled);
    assert_true(handler_saw_interrupt_context);
    assert_false(platform_irq_enabled());
    assert_false(hosted_in_interrupt());
}

/* A handler that re-arms drives a sequence of deadlines; then idle reports no events. */
static void test_rearming_from_the_handler(void **state)
{
    (void)state;
    rearm_remaining = 3;
    rearm_interval = 500;
    platform_timer_arm(1000);
    while (platform_idle()) {
        if (fire_count > 10)
            break;
    }
    assert_int_equal(fire_count, 4);
    assert_int_equal(fire_times[0], 1000);
    assert_int_equal(fire_times[1], 1500);
    assert_int_equal(fire_times[2], 2000);
    assert_int_equal(fire_times[3], 2500);
    assert_int_equal(platform_clock_ns(), 2500);
}

/* Disarmed: nothing can happen, idle returns false and time stands still. */
static void test_disarm_makes_idle_return_false(void **state)
{
    (void)state;
    assert_false(platform_idle());
    platform_timer_arm(5000);
    platform_timer_disarm();
    assert_false(platform_idle());
    assert_int_equal(platform_clock_ns(), 0);
    assert_int_equal(fire_count, 0);
    assert_false(platform_irq_enabled());
}

/* Arming again replaces the earlier deadline (it is one timer, not a queue). */
static void test_arming_replaces_the_deadline(void **state)
{
    (void)state;
    platform_timer_arm(1000);
    platform_timer_arm(3000);
    assert_true(platform_idle());
    assert_int_equal(fire_count, 1);
    assert_int_equal(fire_times[0], 3000);
    assert_false(platform_idle());
}

/* A deadline already passed fires at the next idle without moving the clock back or forward. */
static void test_past_deadline_fires_at_once(void **state)
{
    (void)state;
    assert_int_equal(hosted_clock_advance(5000), 0);
    platform_timer_arm(1000);
    assert_true(platform_idle());
    assert_int_equal(fire_count, 1);
    assert_int_equal(platform_clock_ns(), 5000);
    /* Advancing past an armed deadline does not fire it before idle. */
    platform_timer_arm(6000);
    assert_int_equal(hosted_clock_advance(2000), 0);
    assert_int_equal(fire_count, 1);
    assert_true(platform_idle());
    assert_int_equal(fire_count, 2);
    assert_int_equal(fire_times[1], 7000);
}

/* Injected console input is a pending event: delivered before the clock jumps. */
static void test_console_input_is_delivered_first(void **state)
{
    (void)state;
    platform_timer_arm(1000);
    assert_int_equal(hosted_console_inject("ls\n", 3), 3);
    assert_true(platform_idle());
    assert_string_equal(console_bytes, "ls\n");
    assert_int_equal(fire_count, 0);
    assert_int_equal(platform_clock_ns(), 0);
    assert_true(platform_idle());
    assert_int_equal(fire_count, 1);
    char leftover[4];
    assert_int_equal(platform_console_read(leftover, sizeof(leftover)), 0);
}

/* The input buffer is bounded: injection reports what fitted and reads return it in order. */
static void test_console_input_buffer_bounds(void **state)
{
    (void)state;
    hosted_set_console_handler(NULL);
    hosted_set_console_handler(record_console);
    static char big[8192];
    memset(big, 'x', sizeof(big));
    big[0] = 'a';
    size_t accepted = hosted_console_inject(big, sizeof(big));
    assert_true(accepted > 0 && accepted < sizeof(big));
    assert_int_equal(hosted_console_inject("y", 1), 0);
    char first[2];
    assert_int_equal(platform_console_read(first, 2), 2);
    assert_memory_equal(first, "ax", 2);
    assert_int_equal(hosted_console_inject("z", 1), 1);
}

/* hosted.clock= picks the clock of an in-process boot: virtual by default, real on request. */
static void test_boot_clock_option(void **state)
{
    (void)state;
    assert_int_equal(hosted_test_boot("loglevel=3 hosted.clock=real"), 0);
    assert_false(hosted_clock_is_virtual());
    assert_int_equal(hosted_clock_advance(1), -EINVAL);
    assert_int_equal(hosted_test_boot("hosted.clock=sundial"), -EINVAL);
    assert_int_equal(hosted_test_boot("loglevel=3 hosted.clock=virtual"), 0);
    assert_true(hosted_clock_is_virtual());
    assert_int_equal(hosted_test_boot("loglevel=3"), 0);
    assert_true(hosted_clock_is_virtual());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_time_only_moves_when_idle, test_setup),
        cmocka_unit_test_setup(test_idle_jumps_to_the_deadline, test_setup),
        cmocka_unit_test_setup(test_busy_tick_moves_the_clock_at_polls, test_setup),
        cmocka_unit_test_setup(test_rearming_from_the_handler, test_setup),
        cmocka_unit_test_setup(test_disarm_makes_idle_return_false, test_setup),
        cmocka_unit_test_setup(test_arming_replaces_the_deadline, test_setup),
        cmocka_unit_test_setup(test_past_deadline_fires_at_once, test_setup),
        cmocka_unit_test_setup(test_console_input_is_delivered_first, test_setup),
        cmocka_unit_test_setup(test_console_input_buffer_bounds, test_setup),
        cmocka_unit_test(test_boot_clock_option),
    };
    return cmocka_run_group_tests_name("hosted clock", tests, NULL, NULL);
}
