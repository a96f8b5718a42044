/* rk/panic.h — fatal errors and warnings. */
#ifndef RK_PANIC_H
#define RK_PANIC_H

#include <stdint.h>
#include <rk/compiler.h>

/*
 * Print the message and a symbolized backtrace on the console, then halt
 * the machine. Never returns. Any context.
 */
RK_NORETURN void panic(const char *format, ...) RK_PRINTF(1, 2);

/*
 * Log a warning with file, line and a symbolized backtrace, then go on
 * (Linux's WARN: recover where recovery is possible).
 */
void warn_at(const char *file, int line, const char *format, ...) RK_PRINTF(3, 4);

#define WARN(...) warn_at(__FILE__, __LINE__, __VA_ARGS__)
#define WARN_ON(condition)                                                  \
    ({                                                                      \
        int warn_on_condition_ = !!(condition);                             \
        if (RK_UNLIKELY(warn_on_condition_))                                \
            warn_at(__FILE__, __LINE__, "WARN_ON(%s)", #condition);         \
        warn_on_condition_;                                                 \
    })
#define ASSERT(condition)                                                   \
    do {                                                                    \
        if (RK_UNLIKELY(!(condition)))                                      \
            panic("assertion failed: %s at %s:%d", #condition, __FILE__, __LINE__); \
    } while (0)

/* Print a symbolized backtrace starting at frame_pointer (0 = here). */
void backtrace_print(uintptr_t frame_pointer);

/* Number of WARN()s so far (tests assert on it). */
unsigned long warning_count(void);

/* ------------------------------------------------- service faults (rk/gate.h) */

/*
 * A service declares itself broken: a service fault of kind "panic" with
 * the message in the log line. Inside a crossing it unwinds to the
 * recovery point and never returns; outside any crossing it is a kernel
 * panic.
 */
RK_NORETURN void service_panic(const char *format, ...) RK_PRINTF(1, 2);
/* A failed service assertion (kind "assertion"); see service_panic(). */
RK_NORETURN void service_assertion_failed(const char *condition, const char *file, int line);

#define SERVICE_ASSERT(condition)                                                       \
    do {                                                                                \
        if (RK_UNLIKELY(!(condition)))                                                  \
            service_assertion_failed(#condition, __FILE__, __LINE__);                   \
    } while (0)

/*
 * Inside a service library (compiled with RK_SERVICE_BUILD) panic() and
 * ASSERT are service faults: the service is contained, not the kernel.
 */
#ifdef RK_SERVICE_BUILD
#undef ASSERT
#define ASSERT(condition) SERVICE_ASSERT(condition)
#define panic(...) service_panic(__VA_ARGS__)
#endif

#endif
