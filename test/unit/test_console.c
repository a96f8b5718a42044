/* test_console.c — console input: the platform's input interrupt feeds readers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <rk/kernel.h>
#include <rk/sched.h>
#include "hosted.h"

static int boot(void **state)
{
    assert_int_equal(hosted_test_boot("loglevel=3"), 0);
    return 0;
}

static void nothing_pending_reads_nothing(void **state)
{
    char buffer[8];
    assert_int_equal(console_input_read(buffer, sizeof buffer, false), 0);
}

static void injected_input_arrives_in_order(void **state)
{
    char buffer[16] = { 0 };
    assert_int_equal(hosted_console_inject("hello", 5), 5);
    assert_int_equal(sched_run_until_idle(), 0); /* idle delivers the input interrupt */
    assert_int_equal(console_input_read(buffer, 3, false), 3);
    assert_memory_equal(buffer, "hel", 3);
    assert_int_equal(console_input_read(buffer, sizeof buffer, false), 2);
    assert_memory_equal(buffer, "lo", 2);
}

static char reader_buffer[16];
static size_t reader_count;

/* Block until console input arrives. */
static void blocking_reader(void *argument)
{
    reader_count = console_input_read(reader_buffer, sizeof reader_buffer, true);
}

static void a_blocked_reader_is_woken_by_input(void **state)
{
    reader_count = 0;
    struct thread *reader = thread_create("reader", blocking_reader, NULL);
    assert_int_equal(sched_run_until_idle(), 1); /* blocked: no input yet */
    assert_int_equal(hosted_console_inject("ls\n", 3), 3);
    assert_int_equal(sched_run_until_idle(), 0);
    assert_int_equal(reader_count, 3);
    assert_memory_equal(reader_buffer, "ls\n", 3);
    assert_int_equal(thread_join(reader, NULL), 0);
}

static void overflow_drops_the_excess(void **state)
{
    char flood[300];
    memset(flood, 'x', sizeof flood);
    size_t accepted = hosted_console_inject(flood, sizeof flood);
    assert_true(accepted > 0);
    assert_int_equal(sched_run_until_idle(), 0);
    char buffer[512];
    size_t read = console_input_read(buffer, sizeof buffer, false);
    assert_true(read <= 256); /* the Core's ring holds 256 bytes */
    assert_true(read == (accepted < 256 ? accepted : 256));
    assert_int_equal(console_input_read(buffer, sizeof buffer, false), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(nothing_pending_reads_nothing, boot),
        cmocka_unit_test_setup(injected_input_arrives_in_order, boot),
        cmocka_unit_test_setup(a_blocked_reader_is_woken_by_input, boot),
        cmocka_unit_test_setup(overflow_drops_the_excess, boot),
    };
    return cmocka_run_group_tests_name("console", tests, NULL, NULL);
}
