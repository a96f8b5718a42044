/*
 * rk/clock.h — the wall clock (CLOCK_REALTIME) on top of the monotonic
 * clock: realtime = boot epoch + offset + monotonic time. There is no RTC
 * driver (the Core cannot touch hardware and the platform reports no boot
 * epoch), so the clock starts at CLOCK_BOOT_EPOCH_SECONDS and
 * settimeofday/clock_settime move the offset. File timestamps (time_now)
 * read the same clock.
 */
#ifndef RK_CLOCK_H
#define RK_CLOCK_H

#include <stdint.h>

/* 2024-01-01T00:00:00Z: where the wall clock starts at boot. */
#define CLOCK_BOOT_EPOCH_SECONDS 1704067200ll

/* Nanoseconds since the Unix epoch now. Any context. */
int64_t clock_realtime_ns(void);
/* Make the wall clock read nanoseconds_since_epoch now (may be negative). Any context. */
void clock_realtime_set_ns(int64_t nanoseconds_since_epoch);
/* Back to the boot epoch (core_init of a test boot). */
void clock_realtime_reset(void);

#endif
