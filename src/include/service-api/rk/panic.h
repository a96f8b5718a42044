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

#endif
