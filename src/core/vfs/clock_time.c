/*
 * clock_time.c — wall-clock time for file timestamps: the monotonic clock
 * counted from the epoch until an RTC driver sets a boot time.
 */
#include <rk/timer.h>
#include <rk/vfs.h>

static int64_t boot_wall_seconds;

struct kernel_time time_now(void)
{
    uint64_t now = clock_now_ns();
    return (struct kernel_time){
        .seconds = boot_wall_seconds + (int64_t)(now / 1000000000u),
        .nanoseconds = (int64_t)(now % 1000000000u),
    };
}
