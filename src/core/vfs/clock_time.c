/*
 * clock_time.c — wall-clock time (rk/clock.h) and file timestamps: the
 * monotonic clock counted from a fixed boot epoch plus an offset that
 * settimeofday/clock_settime(CLOCK_REALTIME) adjust.
 */
#include <rk/clock.h>
#include <rk/platform.h>
#include <rk/timer.h>
#include <rk/vfs.h>

#define NANOSECONDS_PER_SECOND 1000000000ll

/* realtime = offset + monotonic; guarded by disabled interrupts. */
static int64_t realtime_offset_ns = CLOCK_BOOT_EPOCH_SECONDS * NANOSECONDS_PER_SECOND;

int64_t clock_realtime_ns(void)
{
    irq_flags_t flags = platform_irq_save();
    int64_t now = realtime_offset_ns + (int64_t)clock_now_ns();
    platform_irq_restore(flags);
    return now;
}

void clock_realtime_set_ns(int64_t nanoseconds_since_epoch)
{
    irq_flags_t flags = platform_irq_save();
    realtime_offset_ns = nanoseconds_since_epoch - (int64_t)clock_now_ns();
    platform_irq_restore(flags);
}

void clock_realtime_reset(void)
{
    irq_flags_t flags = platform_irq_save();
    realtime_offset_ns = CLOCK_BOOT_EPOCH_SECONDS * NANOSECONDS_PER_SECOND;
    platform_irq_restore(flags);
}

struct kernel_time time_now(void)
{
    int64_t now = clock_realtime_ns();
    int64_t seconds = now / NANOSECONDS_PER_SECOND;
    int64_t nanoseconds = now % NANOSECONDS_PER_SECOND;
    if (nanoseconds < 0) {
        seconds--;
        nanoseconds += NANOSECONDS_PER_SECOND;
    }
    return (struct kernel_time){ .seconds = seconds, .nanoseconds = nanoseconds };
}
