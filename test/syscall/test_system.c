/*
 * test_system.c — the system family's argument checks and results, the
 * same on ringkernel and on Linux: uname, clocks, getrandom, sysinfo,
 * reboot's magic, sched_* and poll/select errors.
 */
#include <string.h>

#include "harness.h"

static void uname_says_linux_x86_64(void **state)
{
    uintptr_t names = user_alloc(390);
    CHECK(sys(SYS_uname, names), 0);
    char copy[390];
    user_read(copy, names, sizeof copy);
    assert_string_equal(copy, "Linux");
    assert_string_equal(copy + 4 * 65, "x86_64");
    CHECK(sys(SYS_uname, 0), -EFAULT);
}

static void sethostname_checks_the_length(void **state)
{
    CHECK(sys(SYS_sethostname, U("x"), 65), -EINVAL);
    CHECK(sys(SYS_sethostname, U("x"), -1), -EINVAL);
    CHECK(sys(SYS_setdomainname, U("x"), 65), -EINVAL);
    CHECK(sys(SYS_sethostname, 0, 4), -EFAULT);
}

static void clocks_and_their_errors(void **state)
{
    uintptr_t time = user_alloc(16);
    CHECK(sys(SYS_clock_gettime, 0, time), 0);
    CHECK(sys(SYS_clock_gettime, 1, time), 0);
    CHECK(sys(SYS_clock_gettime, 7, time), 0);
    CHECK(sys(SYS_clock_gettime, 2, time), 0);
    CHECK(sys(SYS_clock_gettime, 3, time), 0);
    CHECK(sys(SYS_clock_gettime, 100, time), -EINVAL);
    CHECK(sys(SYS_clock_gettime, 1, 0), -EFAULT);
    CHECK(sys(SYS_clock_getres, 1, time), 0);
    int64_t resolution[2];
    user_read(resolution, time, sizeof resolution);
    CHECK(resolution[0], 0);
    CHECK(resolution[1], 1);
    CHECK(sys(SYS_clock_getres, 1, 0), 0);
    CHECK(sys(SYS_clock_getres, 100, 0), -EINVAL);
    CHECK(sys(SYS_gettimeofday, 0, 0), 0);
    CHECK(sys(SYS_gettimeofday, 8, 0), -EFAULT);
    struct { int64_t seconds, nanoseconds; } bad = { 0, -1 };
    user_write(time, &bad, sizeof bad);
    CHECK(sys(SYS_nanosleep, time, 0), -EINVAL);
    CHECK(sys(SYS_clock_nanosleep, 100, 0, time, 0), -EINVAL);
    CHECK(sys(SYS_clock_nanosleep, 3, 0, time, 0), -EOPNOTSUPP);
    CHECK(sys(SYS_clock_settime, 1, time), -EINVAL);
}

/*
 * Times the realtime clock cannot hold are refused before any change (found
 * by the syscall fuzzer: the conversion to nanoseconds overflowed). Linux's
 * limit is 30 years before 2^63 ns; both values are past it.
 */
static void setting_the_clock_past_its_limit_is_einval(void **state)
{
    uintptr_t time = user_alloc(16);
    struct { int64_t seconds, fraction; } far = { 7234017283807681435ll, 0 };
    user_write(time, &far, sizeof far);
    CHECK(sys(SYS_clock_settime, 0, time), -EINVAL);
    CHECK(sys(SYS_settimeofday, time, 0), -EINVAL);
    far.seconds = 9000000000ll;
    user_write(time, &far, sizeof far);
    CHECK(sys(SYS_clock_settime, 0, time), -EINVAL);
    CHECK(sys(SYS_settimeofday, time, 0), -EINVAL);
}

static void getrandom_flags(void **state)
{
    uintptr_t buffer = user_alloc(64);
    CHECK(sys(SYS_getrandom, buffer, 64, 0), 64);
    CHECK(sys(SYS_getrandom, buffer, 16, 0x0001), 16);
    CHECK(sys(SYS_getrandom, buffer, 16, 0x0004), 16);
    CHECK(sys(SYS_getrandom, buffer, 16, 0x0006), -EINVAL);
    CHECK(sys(SYS_getrandom, buffer, 16, 0x0008), -EINVAL);
    CHECK(sys(SYS_getrandom, 0, 16, 0), -EFAULT);
    CHECK(sys(SYS_getrandom, buffer, 0, 0), 0);
}

static void sysinfo_and_usage(void **state)
{
    uintptr_t info = user_alloc(144);
    CHECK(sys(SYS_sysinfo, info), 0);
    CHECK(sys(SYS_sysinfo, 0), -EFAULT);
    CHECK(sys(SYS_getrusage, 0, info), 0);
    CHECK(sys(SYS_getrusage, -1, info), 0);
    CHECK(sys(SYS_getrusage, 1, info), 0);
    CHECK(sys(SYS_getrusage, 2, info), -EINVAL);
    CHECK(sys(SYS_getrusage, 0, 0), -EFAULT);
    assert_true(sys(SYS_times, 0) >= 0);
}

static void reboot_wants_its_magic(void **state)
{
    CHECK(sys(SYS_reboot, 0, 672274793, 0x4321FEDC, 0), -EINVAL);
    CHECK(sys(SYS_reboot, 0xfee1dead, 1, 0x4321FEDC, 0), -EINVAL);
    CHECK(sys(SYS_reboot, 0xfee1dead, 672274793, 0x12345678, 0), -EINVAL);
}

static void scheduling_calls(void **state)
{
    uintptr_t mask = user_alloc(128);
    assert_true(sys(SYS_sched_getaffinity, 0, 128, mask) >= 8);
    CHECK(sys(SYS_sched_getaffinity, 0, 0, mask), -EINVAL);
    CHECK(sys(SYS_sched_getaffinity, 0, 12, mask), -EINVAL);
    CHECK(sys(SYS_sched_getaffinity, 0, 128, 0), -EFAULT);
    CHECK(sys(SYS_sched_getaffinity, 999999, 128, mask), -ESRCH);
    uint64_t none = 0;
    user_write(mask, &none, sizeof none);
    CHECK(sys(SYS_sched_setaffinity, 0, 8, mask), -EINVAL);
    CHECK(sys(SYS_sched_getscheduler, 0), 0);
    CHECK(sys(SYS_sched_getscheduler, -1), -EINVAL);
    CHECK(sys(SYS_sched_getparam, 0, 0), -EINVAL);
    CHECK(sys(SYS_sched_get_priority_max, 1), 99);
    CHECK(sys(SYS_sched_get_priority_min, 1), 1);
    CHECK(sys(SYS_sched_get_priority_max, 0), 0);
    CHECK(sys(SYS_sched_get_priority_max, 42), -EINVAL);
    CHECK(sys(SYS_sched_yield), 0);
    CHECK(sys(SYS_getcpu, mask, 0, 0), 0);
}

static void poll_and_select_errors(void **state)
{
    uintptr_t entries = user_alloc(16);
    int32_t entry[2] = { 500, 1 };   /* fd 500, POLLIN */
    user_write(entries, entry, sizeof entry);
    CHECK(sys(SYS_poll, entries, 1, 0), 1);
    int16_t revents;
    user_read(&revents, entries + 6, sizeof revents);
    CHECK(revents, 0x20);   /* POLLNVAL */
    CHECK(sys(SYS_poll, 0, 1, 0), -EFAULT);
    CHECK(sys(SYS_poll, entries, 1u << 20, 0), -EINVAL);
    uintptr_t set = user_alloc(128);
    uint64_t bits = 1ull << 60;
    user_write(set, &bits, sizeof bits);
    CHECK(sys(SYS_select, 61, set, 0, 0, 0), -EBADF);
    CHECK(sys(SYS_select, -1, 0, 0, 0, 0), -EINVAL);
    uintptr_t timeout = user_alloc(16);
    int64_t negative[2] = { -1, 0 };
    user_write(timeout, negative, sizeof negative);
    CHECK(sys(SYS_select, 0, 0, 0, 0, timeout), -EINVAL);
    CHECK(sys(SYS_ppoll, entries, 1, timeout, 0, 8), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYSCALL_TEST(uname_says_linux_x86_64),
        SYSCALL_TEST(sethostname_checks_the_length),
        SYSCALL_TEST(clocks_and_their_errors),
        SYSCALL_TEST(setting_the_clock_past_its_limit_is_einval),
        SYSCALL_TEST(getrandom_flags),
        SYSCALL_TEST(sysinfo_and_usage),
        SYSCALL_TEST(reboot_wants_its_magic),
        SYSCALL_TEST(scheduling_calls),
        SYSCALL_TEST(poll_and_select_errors),
    };
    return RUN_SYSCALL_TESTS("system", tests);
}
