/*
 * clock.c — the monotonic clock (the TSC, calibrated against PIT channel 2
 * at boot) and the one-shot timer (PIT channel 0 in mode 0, IRQ0).
 *
 * Calibration reads channel 2's counter together with the TSC at both ends
 * of the interval rather than waiting for the channel's output, so a vCPU
 * preempted at the wrong moment (QEMU on a busy host) cannot skew it.
 *
 * The PIT counts at 1.193182 MHz with a 16-bit counter, so one arming lasts
 * at most ~55 ms: longer deadlines are reached in chunks, and the Core's
 * core_timer_interrupt() runs only once the clock has reached the deadline.
 */
#include "x86.h"

enum {
    PIT_FREQUENCY_HZ = 1193182,
    PIT_CHANNEL0_DATA = 0x40,
    PIT_CHANNEL2_DATA = 0x42,
    PIT_COMMAND = 0x43,
    PIT_CHANNEL0_ONE_SHOT = 0x30, /* channel 0, low then high byte, mode 0, binary */
    PIT_CHANNEL2_ONE_SHOT = 0xb0, /* channel 2, low then high byte, mode 0, binary */
    PIT_CHANNEL2_LATCH = 0x80,    /* channel 2, latch the count */
    PIT_MAXIMUM_COUNT = 0xffff,
    SYSTEM_CONTROL_PORT_B = 0x61,
    PORT_B_CHANNEL2_GATE = 0x01,
    PORT_B_SPEAKER_ENABLE = 0x02,
    CALIBRATION_COUNT = 11932,    /* 10 ms of PIT ticks */
    CALIBRATION_POLL_LIMIT = 1000000,
    SAMPLE_ATTEMPTS = 3,
};

#define NANOSECONDS_PER_SECOND 1000000000ull
#define FALLBACK_TSC_HZ 1000000000ull

static uint64_t boot_time_stamp;       /* TSC at clock zero */
static uint64_t nanoseconds_per_tick_q32; /* ns per TSC tick, 32.32 fixed point */
static uint64_t time_stamp_hz;
static bool timer_armed;
static uint64_t timer_deadline_ns;

/* Current count of PIT channel 2 (latched, then read low and high byte). */
static uint16_t read_channel2_count(void)
{
    port_write_byte(PIT_COMMAND, PIT_CHANNEL2_LATCH);
    uint8_t low = port_read_byte(PIT_CHANNEL2_DATA);
    uint8_t high = port_read_byte(PIT_CHANNEL2_DATA);
    return (uint16_t)(low | (high << 8));
}

/*
 * Read channel 2's count together with the TSC. The pair is taken a few
 * times and the tightest one kept, so a vCPU preempted between the two
 * reads (QEMU on a loaded host) does not skew the calibration.
 */
static void sample_counters(uint64_t *time_stamp, uint16_t *count)
{
    uint64_t best_window = UINT64_MAX;
    for (unsigned attempt = 0; attempt < SAMPLE_ATTEMPTS; attempt++) {
        uint64_t before = read_time_stamp_counter();
        uint16_t value = read_channel2_count();
        uint64_t after = read_time_stamp_counter();
        if (after - before < best_window) {
            best_window = after - before;
            *time_stamp = before + (after - before) / 2;
            *count = value;
        }
    }
}

/*
 * Measure the TSC frequency against PIT channel 2 counting down from
 * 0xffff (gate on, speaker off): TSC ticks over CALIBRATION_COUNT PIT
 * ticks (~10 ms). Returns 0 when the PIT does not count.
 */
static uint64_t measure_time_stamp_hz(void)
{
    uint8_t port_b = port_read_byte(SYSTEM_CONTROL_PORT_B);
    port_b = (uint8_t)((port_b & ~PORT_B_SPEAKER_ENABLE) | PORT_B_CHANNEL2_GATE);
    port_write_byte(SYSTEM_CONTROL_PORT_B, port_b);
    port_write_byte(PIT_COMMAND, PIT_CHANNEL2_ONE_SHOT);
    port_write_byte(PIT_CHANNEL2_DATA, PIT_MAXIMUM_COUNT & 0xff);
    port_write_byte(PIT_CHANNEL2_DATA, PIT_MAXIMUM_COUNT >> 8);

    uint64_t start_stamp, end_stamp;
    uint16_t start_count, end_count;
    sample_counters(&start_stamp, &start_count);
    for (unsigned poll = 0; poll < CALIBRATION_POLL_LIMIT; poll++) {
        sample_counters(&end_stamp, &end_count);
        if (end_count > start_count)
            return 0; /* wrapped: preempted for most of 55 ms, or a broken PIT */
        uint64_t pit_ticks = start_count - end_count;
        if (pit_ticks >= CALIBRATION_COUNT)
            return (end_stamp - start_stamp) * PIT_FREQUENCY_HZ / pit_ticks;
    }
    return 0;
}

/* Calibrate the clock, start it at zero, and stop PIT channel 0. Boot only. */
void clock_initialize(void)
{
    boot_time_stamp = read_time_stamp_counter();
    time_stamp_hz = measure_time_stamp_hz();
    if (time_stamp_hz == 0) {
        console_print("x86: TSC calibration failed (PIT channel 2 not counting); assuming 1 GHz\n");
        time_stamp_hz = FALLBACK_TSC_HZ;
    }
    nanoseconds_per_tick_q32 = (NANOSECONDS_PER_SECOND << 32) / time_stamp_hz;
    /* Writing the mode without a count stops channel 0 until the first arming. */
    port_write_byte(PIT_COMMAND, PIT_CHANNEL0_ONE_SHOT);
    console_print("x86: TSC ");
    console_print_decimal(time_stamp_hz / 1000);
    console_print(" kHz\n");
}

/* Monotonic nanoseconds since clock_initialize(). Any context. */
uint64_t platform_clock_ns(void)
{
    uint64_t ticks = read_time_stamp_counter() - boot_time_stamp;
    return (uint64_t)(((unsigned __int128)ticks * nanoseconds_per_tick_q32) >> 32);
}

/* Start channel 0 for the rest of the wait (at most one PIT range, at least one tick). */
static void program_next_chunk(void)
{
    uint64_t now = platform_clock_ns();
    uint64_t count = 1;
    if (timer_deadline_ns > now) {
        uint64_t remaining = timer_deadline_ns - now;
        if (remaining >= NANOSECONDS_PER_SECOND)
            count = PIT_MAXIMUM_COUNT;
        else
            count = (remaining * PIT_FREQUENCY_HZ + NANOSECONDS_PER_SECOND - 1) /
                    NANOSECONDS_PER_SECOND;
        if (count < 1)
            count = 1;
        if (count > PIT_MAXIMUM_COUNT)
            count = PIT_MAXIMUM_COUNT;
    }
    port_write_byte(PIT_COMMAND, PIT_CHANNEL0_ONE_SHOT);
    port_write_byte(PIT_CHANNEL0_DATA, count & 0xff);
    port_write_byte(PIT_CHANNEL0_DATA, (count >> 8) & 0xff);
}

/* Arm the one-shot timer for deadline_ns, replacing any arming. Interrupts disabled. */
void platform_timer_arm(uint64_t deadline_ns)
{
    timer_deadline_ns = deadline_ns;
    timer_armed = true;
    program_next_chunk();
}

/* Cancel the timer; a stale IRQ0 already pending is ignored. Interrupts disabled. */
void platform_timer_disarm(void)
{
    timer_armed = false;
    port_write_byte(PIT_COMMAND, PIT_CHANNEL0_ONE_SHOT);
}

/* IRQ0: fire the Core's timer once the deadline has passed, else wait another chunk. */
void clock_handle_timer_interrupt(void)
{
    if (!timer_armed)
        return;
    if (platform_clock_ns() < timer_deadline_ns) {
        program_next_chunk();
        return;
    }
    timer_armed = false;
    core_timer_interrupt();
}
