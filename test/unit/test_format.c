/* test_format.c — rk_vsnprintf against the host's snprintf. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include <rk/format.h>

/* Format with both engines and compare text and returned length. */
#define CHECK_SAME(format, ...)                                                   \
    do {                                                                          \
        char ours[128], theirs[128];                                              \
        int our_length = rk_snprintf(ours, sizeof ours, format, __VA_ARGS__);     \
        int their_length = snprintf(theirs, sizeof theirs, format, __VA_ARGS__);  \
        assert_string_equal(ours, theirs);                                        \
        assert_int_equal(our_length, their_length);                               \
    } while (0)

static void integers(void **state)
{
    CHECK_SAME("%d %i %u", -42, 17, 4000000000u);
    CHECK_SAME("%ld %lld %lu", -1234567890123L, -9223372036854775807LL - 1, 18446744073709551615UL);
    /* Truncation to char/short on purpose; variables, as clang's -Wformat rejects such constants. */
    volatile int three_hundred = 300, seventy_thousand = 70000, five_hundred_eleven = 511;
    CHECK_SAME("%hhd %hd %hhu", three_hundred, seventy_thousand, five_hundred_eleven);
    CHECK_SAME("%zu %zd", (size_t)123456, (ssize_t)-5);
    CHECK_SAME("%d", 0);
}

static void hexadecimal_and_octal(void **state)
{
    CHECK_SAME("%x %X %#x %#X", 0xbeefu, 0xbeefu, 255u, 255u);
    CHECK_SAME("%o %#o %#x", 8u, 8u, 0u);
    CHECK_SAME("%016llx", 0x1234ULL);
    CHECK_SAME("%lx", 0xffffffffffffffffUL);
}

static void width_precision_and_flags(void **state)
{
    CHECK_SAME("[%5d] [%-5d] [%05d] [%+d] [% d]", 42, 42, 42, 42, 42);
    CHECK_SAME("[%.3d] [%8.3d] [%-8.3d]", 7, 7, 7);
    CHECK_SAME("[%*d] [%-*d] [%.*s]", 6, 9, 6, 9, 2, "abcdef");
    CHECK_SAME("[%05d] [%-6d]", -42, -42);
    CHECK_SAME("[%.0d]", 0);
}

static void strings_and_characters(void **state)
{
    CHECK_SAME("%s|%10s|%-10s|%.2s", "abc", "abc", "abc", "abc");
    CHECK_SAME("%c%c%5c", 'x', 'y', 'z');
    CHECK_SAME("100%% %s", "done");
}

/* rk_vsnprintf without the printf format check, for deliberately odd arguments. */
static int format_unchecked(char *buffer, size_t size, const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    int length = rk_vsnprintf(buffer, size, format, arguments);
    va_end(arguments);
    return length;
}

static void null_string_prints_null(void **state)
{
    char buffer[32];
    const char *nothing = NULL;
    format_unchecked(buffer, sizeof buffer, "%s", nothing);
    assert_string_equal(buffer, "(null)");
}

static void pointers(void **state)
{
    char buffer[32];
    rk_snprintf(buffer, sizeof buffer, "%p", (void *)0xdeadbeef);
    assert_string_equal(buffer, "0xdeadbeef");
}

static void truncation_reports_full_length(void **state)
{
    char buffer[8];
    memset(buffer, 'z', sizeof buffer);
    assert_int_equal(rk_snprintf(buffer, sizeof buffer, "%s-%d", "abcdef", 12345), 12);
    assert_string_equal(buffer, "abcdef-");
    assert_int_equal(rk_snprintf(buffer, 0, "%d", 123), 3);
    assert_int_equal(buffer[0], 'a');
    assert_int_equal(rk_snprintf(buffer, 1, "%d", 123), 3);
    assert_string_equal(buffer, "");
}

static void unknown_conversion_is_printed(void **state)
{
    char buffer[16];
    format_unchecked(buffer, sizeof buffer, "%q%");
    assert_string_equal(buffer, "%q");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(integers),
        cmocka_unit_test(hexadecimal_and_octal),
        cmocka_unit_test(width_precision_and_flags),
        cmocka_unit_test(strings_and_characters),
        cmocka_unit_test(null_string_prints_null),
        cmocka_unit_test(pointers),
        cmocka_unit_test(truncation_reports_full_length),
        cmocka_unit_test(unknown_conversion_is_printed),
    };
    return cmocka_run_group_tests_name("format", tests, NULL, NULL);
}
