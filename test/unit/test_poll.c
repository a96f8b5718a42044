/*
 * test_poll.c — poll, ppoll, select and pselect6 on pipes through
 * syscall_dispatch(): readiness, timeouts on the virtual clock, POLLHUP,
 * POLLERR, POLLNVAL, EBADF, EINVAL and EFAULT, select's time write-back,
 * and nanosleep on the virtual clock.
 */
#include "pipe_fixture.h"

#include <rk/poll.h>
#include <rk/timer.h>

struct pollfd_layout {
    int32_t fd;
    int16_t events;
    int16_t revents;
};

static int read_fd, write_fd;

static int setup(void **state)
{
    boot_with_process(state);
    assert_int_equal(syscall6(SYS_pipe, user_page, 0, 0, 0, 0, 0), 0);
    memcpy(&read_fd, user_page_kernel, sizeof read_fd);
    memcpy(&write_fd, user_page_kernel + 4, sizeof write_fd);
    return 0;
}

/* Put count pollfd entries at the start of the user page. */
static void set_entries(const struct pollfd_layout *entries, size_t count)
{
    memcpy(user_page_kernel, entries, count * sizeof *entries);
}

static int16_t revents_of(size_t index)
{
    struct pollfd_layout entry;
    memcpy(&entry, user_page_kernel + index * sizeof entry, sizeof entry);
    return entry.revents;
}

static void write_byte(int fd)
{
    user_page_kernel[2048] = 'x';
    assert_int_equal(syscall6(SYS_write, (uint64_t)fd, user_page + 2048, 1, 0, 0, 0), 1);
}

static void an_empty_pipe_is_writable_not_readable(void **state)
{
    struct pollfd_layout entries[2] = { { read_fd, POLLIN, 77 }, { write_fd, POLLOUT, 77 } };
    set_entries(entries, 2);
    assert_int_equal(syscall6(SYS_poll, user_page, 2, 0, 0, 0, 0), 1);
    assert_int_equal(revents_of(0), 0);
    assert_int_equal(revents_of(1), POLLOUT);
    write_byte(write_fd);
    assert_int_equal(syscall6(SYS_poll, user_page, 2, 0, 0, 0, 0), 2);
    assert_int_equal(revents_of(0), POLLIN);
}

static void a_timeout_passes_on_the_virtual_clock(void **state)
{
    struct pollfd_layout entries[1] = { { read_fd, POLLIN, 0 } };
    set_entries(entries, 1);
    uint64_t before = clock_now_ns();
    assert_int_equal(syscall6(SYS_poll, user_page, 1, 250, 0, 0, 0), 0);
    assert_true(clock_now_ns() - before >= 250000000ull);
    assert_int_equal(revents_of(0), 0);
}

static void hang_up_error_and_bad_descriptors(void **state)
{
    struct pollfd_layout entries[4] = {
        { read_fd, POLLIN, 0 }, { 999, POLLIN, 0 }, { -1, POLLIN, 55 }, { write_fd, 0, 0 },
    };
    set_entries(entries, 4);
    assert_int_equal(syscall6(SYS_close, (uint64_t)write_fd, 0, 0, 0, 0, 0), 0);
    entries[3].fd = -5;
    set_entries(entries, 4);
    assert_int_equal(syscall6(SYS_poll, user_page, 4, 0, 0, 0, 0), 2);
    assert_int_equal(revents_of(0), POLLHUP);   /* reported even though only POLLIN was asked */
    assert_int_equal(revents_of(1), POLLNVAL);
    assert_int_equal(revents_of(2), 0);         /* negative fds are skipped, revents cleared */
}

static void a_lost_reader_is_pollerr(void **state)
{
    assert_int_equal(syscall6(SYS_close, (uint64_t)read_fd, 0, 0, 0, 0, 0), 0);
    struct pollfd_layout entries[1] = { { write_fd, POLLOUT, 0 } };
    set_entries(entries, 1);
    assert_int_equal(syscall6(SYS_poll, user_page, 1, 0, 0, 0, 0), 1);
    assert_int_equal(revents_of(0), POLLOUT | POLLERR);
}

static void poll_argument_errors(void **state)
{
    assert_int_equal(syscall6(SYS_poll, unmapped_user_address(), 1, 0, 0, 0, 0), -EFAULT);
    assert_int_equal(syscall6(SYS_poll, user_page, 100000, 0, 0, 0, 0), -EINVAL);
    assert_int_equal(syscall6(SYS_poll, 0, 0, 0, 0, 0, 0), 0);
    /* ppoll: a bad timespec, a bad mask size. */
    struct { int64_t seconds, nanoseconds; } bad = { 0, 1000000000 };
    memcpy(user_page_kernel + 1024, &bad, sizeof bad);
    struct pollfd_layout entries[1] = { { read_fd, POLLIN, 0 } };
    set_entries(entries, 1);
    assert_int_equal(syscall6(SYS_ppoll, user_page, 1, user_page + 1024, 0, 8, 0), -EINVAL);
    struct { int64_t seconds, nanoseconds; } zero = { 0, 0 };
    memcpy(user_page_kernel + 1024, &zero, sizeof zero);
    assert_int_equal(syscall6(SYS_ppoll, user_page, 1, user_page + 1024, user_page + 1100, 4, 0),
                     -EINVAL);
    assert_int_equal(syscall6(SYS_ppoll, user_page, 1, user_page + 1024, 0, 0, 0), 0);
}

static void select_reports_sets_and_writes_the_time_back(void **state)
{
    uint64_t *read_set = (uint64_t *)(user_page_kernel + 512);
    uint64_t *write_set = (uint64_t *)(user_page_kernel + 576);
    *read_set = 1ull << read_fd;
    *write_set = 1ull << write_fd;
    struct { int64_t seconds, microseconds; } timeout = { 1, 500000 };
    memcpy(user_page_kernel + 640, &timeout, sizeof timeout);
    int nfds = (read_fd > write_fd ? read_fd : write_fd) + 1;
    assert_int_equal(syscall6(SYS_select, (uint64_t)nfds, user_page + 512, user_page + 576, 0,
                              user_page + 640, 0), 1);
    assert_int_equal(*read_set, 0);
    assert_int_equal(*write_set, 1ull << write_fd);
    /* Nothing readable: the whole timeout passes and the timeval reads 0. */
    *read_set = 1ull << read_fd;
    memcpy(user_page_kernel + 640, &timeout, sizeof timeout);
    assert_int_equal(syscall6(SYS_select, (uint64_t)nfds, user_page + 512, 0, 0, user_page + 640, 0), 0);
    memcpy(&timeout, user_page_kernel + 640, sizeof timeout);
    assert_int_equal(timeout.seconds, 0);
    assert_int_equal(timeout.microseconds, 0);
    /* A bit for a closed descriptor is EBADF; a negative nfds EINVAL. */
    *read_set = 1ull << 9;
    assert_int_equal(syscall6(SYS_select, 10, user_page + 512, 0, 0, 0, 0), -EBADF);
    assert_int_equal(syscall6(SYS_select, (uint64_t)-1, user_page + 512, 0, 0, 0, 0), -EINVAL);
    assert_int_equal(syscall6(SYS_select, 10, unmapped_user_address(), 0, 0, 0, 0), -EFAULT);
    /* pselect6 with a zero timespec polls once. */
    *read_set = 1ull << read_fd;
    struct { int64_t seconds, nanoseconds; } zero = { 0, 0 };
    memcpy(user_page_kernel + 640, &zero, sizeof zero);
    assert_int_equal(syscall6(SYS_pselect6, (uint64_t)nfds, user_page + 512, 0, 0, user_page + 640, 0), 0);
}

static void nanosleep_sleeps_on_the_virtual_clock(void **state)
{
    struct { int64_t seconds, nanoseconds; } request = { 2, 5000 };
    memcpy(user_page_kernel, &request, sizeof request);
    uint64_t before = clock_now_ns();
    assert_int_equal(syscall6(SYS_nanosleep, user_page, 0, 0, 0, 0, 0), 0);
    assert_true(clock_now_ns() - before >= 2000005000ull);
    request.nanoseconds = -1;
    memcpy(user_page_kernel, &request, sizeof request);
    assert_int_equal(syscall6(SYS_nanosleep, user_page, 0, 0, 0, 0, 0), -EINVAL);
    assert_int_equal(syscall6(SYS_nanosleep, unmapped_user_address(), 0, 0, 0, 0, 0), -EFAULT);
    /* clock_nanosleep: absolute on the monotonic clock, a deadline in the past returns at once. */
    request.seconds = 0;
    request.nanoseconds = 1;
    memcpy(user_page_kernel, &request, sizeof request);
    assert_int_equal(syscall6(SYS_clock_nanosleep, 1, 1, user_page, 0, 0, 0), 0);
    assert_int_equal(syscall6(SYS_clock_nanosleep, 3, 0, user_page, 0, 0, 0), -EOPNOTSUPP);
    assert_int_equal(syscall6(SYS_clock_nanosleep, 99, 0, user_page, 0, 0, 0), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(an_empty_pipe_is_writable_not_readable, setup, drop_process),
        cmocka_unit_test_setup_teardown(a_timeout_passes_on_the_virtual_clock, setup, drop_process),
        cmocka_unit_test_setup_teardown(hang_up_error_and_bad_descriptors, setup, drop_process),
        cmocka_unit_test_setup_teardown(a_lost_reader_is_pollerr, setup, drop_process),
        cmocka_unit_test_setup_teardown(poll_argument_errors, setup, drop_process),
        cmocka_unit_test_setup_teardown(select_reports_sets_and_writes_the_time_back, setup,
                                        drop_process),
        cmocka_unit_test_setup_teardown(nanosleep_sleeps_on_the_virtual_clock, setup, drop_process),
    };
    return cmocka_run_group_tests_name("poll", tests, NULL, NULL);
}
