/* test_cmdline.c — the kernel command-line parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include <rk/cmdline.h>
#include <rk/errno.h>

static struct cmdline parsed;

static void keys_and_values(void **state)
{
    assert_int_equal(cmdline_parse(&parsed, "console=ttyS0 rk.test=all quiet"), 0);
    assert_int_equal(parsed.option_count, 3);
    assert_string_equal(cmdline_get(&parsed, "console"), "ttyS0");
    assert_string_equal(cmdline_get(&parsed, "rk.test"), "all");
    assert_string_equal(cmdline_get(&parsed, "quiet"), "");
    assert_true(cmdline_has(&parsed, "quiet"));
    assert_null(cmdline_get(&parsed, "missing"));
    assert_false(cmdline_has(&parsed, "missing"));
}

static void empty_and_whitespace(void **state)
{
    assert_int_equal(cmdline_parse(&parsed, ""), 0);
    assert_int_equal(parsed.option_count, 0);
    assert_int_equal(cmdline_parse(&parsed, "   \t\n "), 0);
    assert_int_equal(parsed.option_count, 0);
    assert_int_equal(cmdline_parse(&parsed, NULL), 0);
    assert_string_equal(parsed.init_arguments, "");
}

static void quoted_values_keep_spaces(void **state)
{
    assert_int_equal(cmdline_parse(&parsed, "init.args=\"-a b  c\" next=1"), 0);
    assert_string_equal(cmdline_get(&parsed, "init.args"), "-a b  c");
    assert_string_equal(cmdline_get(&parsed, "next"), "1");
}

static void unterminated_quote_is_rejected(void **state)
{
    assert_int_equal(cmdline_parse(&parsed, "good=1 bad=\"open"), -EINVAL);
    assert_string_equal(cmdline_get(&parsed, "good"), "1");
}

static void last_occurrence_wins_and_value_may_hold_equals(void **state)
{
    assert_int_equal(cmdline_parse(&parsed, "a=1 a=2 expr=x=y"), 0);
    assert_string_equal(cmdline_get(&parsed, "a"), "2");
    assert_string_equal(cmdline_get(&parsed, "expr"), "x=y");
}

static void double_dash_starts_init_arguments(void **state)
{
    assert_int_equal(cmdline_parse(&parsed, "rk.x=1 -- single -v"), 0);
    assert_int_equal(parsed.option_count, 1);
    assert_string_equal(parsed.init_arguments, "single -v");
    assert_int_equal(cmdline_parse(&parsed, "--x=1"), 0);
    assert_string_equal(cmdline_get(&parsed, "--x"), "1");
}

static void numbers_with_suffixes(void **state)
{
    uint64_t value = 0;
    assert_int_equal(cmdline_parse(&parsed, "a=42 b=0x1F c=64M d=2G e=4k f=12x g= h=0x"), 0);
    assert_int_equal(cmdline_get_u64(&parsed, "a", &value), 0);
    assert_int_equal(value, 42);
    assert_int_equal(cmdline_get_u64(&parsed, "b", &value), 0);
    assert_int_equal(value, 31);
    assert_int_equal(cmdline_get_u64(&parsed, "c", &value), 0);
    assert_int_equal(value, 64ull << 20);
    assert_int_equal(cmdline_get_u64(&parsed, "d", &value), 0);
    assert_int_equal(value, 2ull << 30);
    assert_int_equal(cmdline_get_u64(&parsed, "e", &value), 0);
    assert_int_equal(value, 4096);
    assert_int_equal(cmdline_get_u64(&parsed, "f", &value), -EINVAL);
    assert_int_equal(cmdline_get_u64(&parsed, "g", &value), -EINVAL);
    assert_int_equal(cmdline_get_u64(&parsed, "h", &value), -EINVAL);
    assert_int_equal(cmdline_get_u64(&parsed, "zz", &value), -ENOENT);
}

static void number_overflow_is_rejected(void **state)
{
    uint64_t value = 7;
    assert_int_equal(cmdline_parse(&parsed, "big=99999999999999999999 shifted=0xffffffffffffffffG"), 0);
    assert_int_equal(cmdline_get_u64(&parsed, "big", &value), -EINVAL);
    assert_int_equal(cmdline_get_u64(&parsed, "shifted", &value), -EINVAL);
    assert_int_equal(value, 7);
}

static void too_many_options_keeps_the_first(void **state)
{
    char text[CMDLINE_MAX_LENGTH];
    size_t used = 0;
    for (int i = 0; i < CMDLINE_MAX_OPTIONS + 5; i++)
        used += (size_t)snprintf(text + used, sizeof text - used, "k%d=%d ", i, i);
    assert_int_equal(cmdline_parse(&parsed, text), -E2BIG);
    assert_int_equal(parsed.option_count, CMDLINE_MAX_OPTIONS);
    assert_string_equal(cmdline_get(&parsed, "k0"), "0");
}

static void too_long_is_rejected(void **state)
{
    static char text[CMDLINE_MAX_LENGTH + 100];
    memset(text, 'x', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    assert_int_equal(cmdline_parse(&parsed, text), -E2BIG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keys_and_values),
        cmocka_unit_test(empty_and_whitespace),
        cmocka_unit_test(quoted_values_keep_spaces),
        cmocka_unit_test(unterminated_quote_is_rejected),
        cmocka_unit_test(last_occurrence_wins_and_value_may_hold_equals),
        cmocka_unit_test(double_dash_starts_init_arguments),
        cmocka_unit_test(numbers_with_suffixes),
        cmocka_unit_test(number_overflow_is_rejected),
        cmocka_unit_test(too_many_options_keeps_the_first),
        cmocka_unit_test(too_long_is_rejected),
    };
    return cmocka_run_group_tests_name("cmdline", tests, NULL, NULL);
}
