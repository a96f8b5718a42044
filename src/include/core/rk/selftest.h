/*
 * rk/selftest.h — in-kernel self-tests, the same on both backends.
 * Selected with "rk.test=all" or "rk.test=name1,name2" on the command line;
 * the kernel runs them after boot and powers off with the failure count.
 */
#ifndef RK_SELFTEST_H
#define RK_SELFTEST_H

#include <stdbool.h>
#include <rk/klog.h>

struct selftest {
    const char *name;
    /* Returns 0 on success, or a negative number on failure (after logging why). */
    int (*run)(void);
};

/* Every self-test, NULL-terminated by count. */
extern const struct selftest selftests[];
extern const unsigned selftest_count;

/*
 * Run the comma-separated tests in selection ("all" for every one).
 * Prints "selftest NAME: PASS|FAIL" per test and a summary line
 * "selftest summary: N passed, M failed". Returns the failure count,
 * or -1 when selection names an unknown test.
 */
int selftest_run(const char *selection);

/* Log a failed check inside a self-test and make it return -1. */
#define SELFTEST_CHECK(condition)                                              \
    do {                                                                       \
        if (!(condition)) {                                                    \
            klog(KLOG_ERROR, "selftest check failed: %s (%s:%d)", #condition,  \
                 __FILE__, __LINE__);                                          \
            return -1;                                                         \
        }                                                                      \
    } while (0)

#endif
