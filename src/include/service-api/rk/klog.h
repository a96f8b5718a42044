/*
 * rk/klog.h — the kernel log: leveled records in a ring buffer, echoed to
 * the console when their level is at or below the console level.
 */
#ifndef RK_KLOG_H
#define RK_KLOG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <rk/compiler.h>

enum klog_level {
    KLOG_EMERGENCY = 0,
    KLOG_ALERT = 1,
    KLOG_CRITICAL = 2,
    KLOG_ERROR = 3,
    KLOG_WARNING = 4,
    KLOG_NOTICE = 5,
    KLOG_INFO = 6,
    KLOG_DEBUG = 7,
};

/* Append one record (a trailing newline is optional). Any context. */
void klog(enum klog_level level, const char *format, ...) RK_PRINTF(2, 3);
void klog_va(enum klog_level level, const char *format, va_list arguments);

#define pr_emergency(...) klog(KLOG_EMERGENCY, __VA_ARGS__)
#define pr_error(...) klog(KLOG_ERROR, __VA_ARGS__)
#define pr_warning(...) klog(KLOG_WARNING, __VA_ARGS__)
#define pr_notice(...) klog(KLOG_NOTICE, __VA_ARGS__)
#define pr_info(...) klog(KLOG_INFO, __VA_ARGS__)
#define pr_debug(...) klog(KLOG_DEBUG, __VA_ARGS__)

/* Records whose level is numerically <= level are printed on the console. */
void klog_set_console_level(enum klog_level level);
enum klog_level klog_console_level(void);

/*
 * Print a formatted line straight to the console, bypassing the ring
 * (panic path, banners that must appear even when the log is quiet).
 */
void console_printf(const char *format, ...) RK_PRINTF(1, 2);

/* One record as read back from the ring. */
struct klog_record {
    uint64_t sequence;      /* 0, 1, 2, ... in append order */
    uint64_t timestamp_ns;  /* platform clock at append */
    enum klog_level level;
    char text[240];         /* NUL-terminated, without trailing newline */
};

/*
 * Copy the oldest record with sequence >= *sequence into record and set
 * *sequence to the next one to read. Returns 0, or -EAGAIN when no newer
 * record exists. Records overwritten by wrap-around are skipped: compare
 * record->sequence with the value asked for to see that records were lost.
 */
int klog_read(uint64_t *sequence, struct klog_record *record);

/* Sequence number the next appended record will get. */
uint64_t klog_next_sequence(void);

/* Forget every record (tests). */
void klog_reset(void);

#endif
