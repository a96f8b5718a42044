/*
 * klog.c — the kernel log ring. Fixed-size records in a ring of
 * KLOG_RING_RECORDS; the oldest is overwritten when full. Appends are
 * serialised by disabling interrupts (uniprocessor), so klog() works in any
 * context, including interrupt handlers and panic().
 */
#include <rk/format.h>
#include <rk/errno.h>
#include <rk/klog.h>
#include <rk/platform.h>
#include <rk/string.h>

#define KLOG_RING_RECORDS 256

static struct klog_record klog_ring[KLOG_RING_RECORDS];
static uint64_t klog_next;   /* sequence of the next record */
static enum klog_level klog_console = KLOG_INFO;

static const char *const klog_level_tags[] = {
    "EMERG", "ALERT", "CRIT", "ERROR", "WARN", "NOTICE", "INFO", "DEBUG",
};

/* Print one record on the console as "[seconds.micros] LEVEL text". */
static void klog_print_record(const struct klog_record *record)
{
    char line[300];
    uint64_t microseconds = record->timestamp_ns / 1000;
    int length = rk_snprintf(line, sizeof line, "[%5llu.%06llu] %s%s%s\n",
                             (unsigned long long)(microseconds / 1000000),
                             (unsigned long long)(microseconds % 1000000),
                             record->level <= KLOG_WARNING ? klog_level_tags[record->level] : "",
                             record->level <= KLOG_WARNING ? ": " : "", record->text);
    if (length > (int)sizeof line - 1)
        length = sizeof line - 1;
    platform_console_write(line, (size_t)length);
}

void klog_va(enum klog_level level, const char *format, va_list arguments)
{
    if ((unsigned)level > KLOG_DEBUG)
        level = KLOG_DEBUG;
    irq_flags_t flags = platform_irq_save();
    struct klog_record *record = &klog_ring[klog_next % KLOG_RING_RECORDS];
    record->sequence = klog_next++;
    record->timestamp_ns = platform_clock_ns();
    record->level = level;
    rk_vsnprintf(record->text, sizeof record->text, format, arguments);
    size_t length = strlen(record->text);
    while (length > 0 && record->text[length - 1] == '\n')
        record->text[--length] = '\0';
    if (level <= klog_console)
        klog_print_record(record);
    platform_irq_restore(flags);
}

void klog(enum klog_level level, const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    klog_va(level, format, arguments);
    va_end(arguments);
}

void klog_set_console_level(enum klog_level level)
{
    klog_console = level > KLOG_DEBUG ? KLOG_DEBUG : level;
}

enum klog_level klog_console_level(void) { return klog_console; }

void console_printf(const char *format, ...)
{
    char line[512];
    va_list arguments;
    va_start(arguments, format);
    int length = rk_vsnprintf(line, sizeof line, format, arguments);
    va_end(arguments);
    if (length > (int)sizeof line - 1)
        length = sizeof line - 1;
    platform_console_write(line, (size_t)length);
}

int klog_read(uint64_t *sequence, struct klog_record *record)
{
    irq_flags_t flags = platform_irq_save();
    uint64_t oldest = klog_next > KLOG_RING_RECORDS ? klog_next - KLOG_RING_RECORDS : 0;
    uint64_t wanted = *sequence < oldest ? oldest : *sequence;
    int result = -EAGAIN;
    if (wanted < klog_next) {
        *record = klog_ring[wanted % KLOG_RING_RECORDS];
        *sequence = wanted + 1;
        result = 0;
    }
    platform_irq_restore(flags);
    return result;
}

uint64_t klog_next_sequence(void) { return klog_next; }

void klog_reset(void)
{
    irq_flags_t flags = platform_irq_save();
    klog_next = 0;
    memset(klog_ring, 0, sizeof klog_ring);
    platform_irq_restore(flags);
}
