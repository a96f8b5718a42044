/* test_klog.c — the kernel log ring, levels and console echo. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <rk/errno.h>
#include <rk/klog.h>
#include "hosted.h"

static int boot(void **state)
{
    assert_int_equal(hosted_test_boot("loglevel=6"), 0);
    klog_reset();
    return 0;
}

static void records_come_back_in_order(void **state)
{
    klog_reset();
    klog(KLOG_INFO, "first %d", 1);
    klog(KLOG_ERROR, "second\n");
    uint64_t sequence = 0;
    struct klog_record record;
    assert_int_equal(klog_read(&sequence, &record), 0);
    assert_int_equal(record.sequence, 0);
    assert_int_equal(record.level, KLOG_INFO);
    assert_string_equal(record.text, "first 1");
    assert_int_equal(klog_read(&sequence, &record), 0);
    assert_string_equal(record.text, "second"); /* trailing newline dropped */
    assert_int_equal(record.level, KLOG_ERROR);
    assert_int_equal(klog_read(&sequence, &record), -EAGAIN);
    assert_int_equal(klog_next_sequence(), 2);
}

static void wrap_around_keeps_the_newest(void **state)
{
    klog_reset();
    klog_set_console_level(KLOG_ERROR);
    for (int i = 0; i < 1000; i++)
        klog(KLOG_DEBUG, "line %d", i);
    klog_set_console_level(KLOG_INFO);
    uint64_t sequence = 0;
    struct klog_record record;
    assert_int_equal(klog_read(&sequence, &record), 0);
    assert_true(record.sequence > 0); /* the oldest were overwritten */
    uint64_t first = record.sequence;
    unsigned count = 1;
    while (klog_read(&sequence, &record) == 0)
        count++;
    assert_int_equal(first + count, 1000);
    assert_string_equal(record.text, "line 999");
}

static void console_echo_follows_the_level(void **state)
{
    klog_set_console_level(KLOG_WARNING);
    hosted_console_capture_begin(false);
    klog(KLOG_INFO, "quiet line");
    klog(KLOG_ERROR, "loud line");
    hosted_console_capture_end();
    const char *text = hosted_console_captured(NULL);
    assert_null(strstr(text, "quiet line"));
    assert_non_null(strstr(text, "ERROR: loud line"));
    klog_set_console_level(KLOG_INFO);
}

static void long_messages_are_truncated(void **state)
{
    klog_reset();
    char long_text[600];
    memset(long_text, 'a', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    klog_set_console_level(KLOG_ERROR);
    klog(KLOG_INFO, "%s", long_text);
    klog_set_console_level(KLOG_INFO);
    uint64_t sequence = 0;
    struct klog_record record;
    assert_int_equal(klog_read(&sequence, &record), 0);
    assert_int_equal(strlen(record.text), sizeof record.text - 1);
}

static void timestamps_follow_the_clock(void **state)
{
    klog_reset();
    klog(KLOG_INFO, "at start");
    assert_int_equal(hosted_clock_advance(5000000), 0);
    klog(KLOG_INFO, "later");
    uint64_t sequence = 0;
    struct klog_record first, second;
    assert_int_equal(klog_read(&sequence, &first), 0);
    assert_int_equal(klog_read(&sequence, &second), 0);
    assert_int_equal(second.timestamp_ns - first.timestamp_ns, 5000000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(records_come_back_in_order),
        cmocka_unit_test(wrap_around_keeps_the_newest),
        cmocka_unit_test(console_echo_follows_the_level),
        cmocka_unit_test(long_messages_are_truncated),
        cmocka_unit_test(timestamps_follow_the_clock),
    };
    return cmocka_run_group_tests_name("klog", tests, boot, NULL);
}
