/*
 * events.c — the hosted "interrupt controller": clock, one-shot timer,
 * console input, virtio device work and platform_idle().
 *
 * A libuv loop is the source of events: a uv_timer for the one-shot timer
 * (real clock), a uv_poll on stdin and uv_polls on device fds (tap, see
 * virtio_net_device.c). Events are delivered only inside platform_idle()
 * and platform_poll_events(), in interrupt context (interrupts.c); the
 * virtio devices do their pending work there too (hosted_virtio_poll()),
 * so frames in flight count as events and never look like a deadlock.
 *
 * Virtual clock (tests, rk.test=): platform_clock_ns() only moves when the
 * machine idles. platform_idle() first delivers what is pending without
 * blocking (injected or polled console input, an expired timer); when
 * nothing is, it jumps the clock to the armed deadline and fires the timer;
 * with no timer it waits for stdin or a polled device fd when one is on, and otherwise
 * returns false (no event can ever come: the Core reports a deadlock).
 *
 * Real clock: CLOCK_MONOTONIC since boot; platform_idle() blocks in
 * uv_run(UV_RUN_ONCE) until an event was delivered.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "hosted.h"
#include "hosted_internal.h"

enum stdin_source {
    STDIN_NONE,     /* no console input from the host */
    STDIN_POLLED,   /* terminal, pipe or socket: uv_poll tells when it is readable */
    STDIN_FILE,     /* regular file: always readable, read in chunks while idle */
};

static struct {
    bool loop_ready;
    uv_loop_t loop;
    uv_timer_t timer_handle;
    uv_poll_t stdin_handle;
    bool stdin_handle_ready;
    bool stdin_polling;            /* uv_poll_start() is in effect */
    enum stdin_source stdin_source;

    bool virtual_clock;
    uint64_t virtual_now_ns;
    uint64_t real_boot_ns;         /* CLOCK_MONOTONIC at boot */

    bool timer_armed;
    uint64_t timer_deadline_ns;

    uint64_t deliveries;           /* events delivered so far */
    uint64_t idle_count;
    uint64_t busy_tick_ns;         /* virtual time each platform_poll_events() adds (hosted_set_busy_tick) */
} events;

/* CLOCK_MONOTONIC in nanoseconds. */
static uint64_t monotonic_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

/* See rk/platform.h. Any context. */
uint64_t platform_clock_ns(void)
{
    if (events.virtual_clock)
        return events.virtual_now_ns;
    return monotonic_ns() - events.real_boot_ns;
}

/* Disarm and run the timer upcall. */
static void fire_timer(void)
{
    events.timer_armed = false;
    if (!events.virtual_clock)
        uv_timer_stop(&events.timer_handle);
    events.deliveries++;
    hosted_deliver_timer_interrupt();
}

/* Start the uv timer for the armed deadline (real clock). */
static void start_real_timer(void);

/* uv timer callback: fire if the deadline really passed, else wait for the rest. */
static void real_timer_expired(uv_timer_t *handle)
{
    (void)handle;
    if (!events.timer_armed)
        return;
    if (platform_clock_ns() < events.timer_deadline_ns) {
        start_real_timer();
        return;
    }
    fire_timer();
}

/* libuv counts whole milliseconds: round up, real_timer_expired() checks the rest. */
static void start_real_timer(void)
{
    uint64_t now = platform_clock_ns();
    uint64_t remaining = events.timer_deadline_ns > now ? events.timer_deadline_ns - now : 0;
    uint64_t milliseconds = (remaining + 999999) / 1000000;
    uv_update_time(&events.loop);
    uv_timer_start(&events.timer_handle, real_timer_expired, milliseconds, 0);
}

/* See rk/platform.h. */
void platform_timer_arm(uint64_t deadline_ns)
{
    events.timer_armed = true;
    events.timer_deadline_ns = deadline_ns;
    if (!events.virtual_clock && events.loop_ready)
        start_real_timer();
}

/* See rk/platform.h. */
void platform_timer_disarm(void)
{
    events.timer_armed = false;
    if (!events.virtual_clock && events.loop_ready)
        uv_timer_stop(&events.timer_handle);
}

/* Stop reading stdin for good (end of file or error). */
static void stdin_close_source(void)
{
    if (events.stdin_polling)
        uv_poll_stop(&events.stdin_handle);
    events.stdin_polling = false;
    events.stdin_source = STDIN_NONE;
}

/*
 * Read what stdin has (one read(2), known not to block) into the console
 * ring and deliver the console upcall. Pauses polling while the ring is full.
 */
static void stdin_read_once(void)
{
    char chunk[1024];
    size_t space = hosted_console_input_space();
    if (space == 0) {
        if (events.stdin_polling)
            uv_poll_stop(&events.stdin_handle);
        events.stdin_polling = false;
        return;
    }
    ssize_t count = read(STDIN_FILENO, chunk, space < sizeof(chunk) ? space : sizeof(chunk));
    if (count < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (count <= 0) {
        stdin_close_source();
        return;
    }
    hosted_console_input_push(chunk, (size_t)count);
    events.deliveries++;
    hosted_deliver_console_interrupt();
}

/* uv_poll callback: stdin is readable (or failed: stop reading it). */
static void stdin_readable(uv_poll_t *handle, int status, int event_mask)
{
    (void)handle;
    (void)event_mask;
    if (status < 0) {
        stdin_close_source();
        return;
    }
    stdin_read_once();
}

/* See hosted_internal.h. */
void hosted_events_console_space_available(void)
{
    if (events.stdin_source == STDIN_POLLED && !events.stdin_polling &&
        hosted_console_input_space() > 0) {
        uv_poll_start(&events.stdin_handle, UV_READABLE, stdin_readable);
        events.stdin_polling = true;
    }
}

/* Choose how stdin feeds the console and start polling it. */
static void stdin_open_source(void)
{
    struct stat status;
    if (fstat(STDIN_FILENO, &status) != 0)
        return;
    if (S_ISREG(status.st_mode)) {
        events.stdin_source = STDIN_FILE;
        return;
    }
    if (!events.stdin_handle_ready) {
        if (uv_poll_init(&events.loop, &events.stdin_handle, STDIN_FILENO) != 0)
            return; /* e.g. /dev/null: epoll refuses it, and it has no input anyway */
        events.stdin_handle_ready = true;
    }
    events.stdin_source = STDIN_POLLED;
    uv_poll_start(&events.stdin_handle, UV_READABLE, stdin_readable);
    events.stdin_polling = true;
}

/* See hosted_internal.h. */
int hosted_events_init(bool virtual_clock, bool stdin_input)
{
    if (!events.loop_ready) {
        int error = uv_loop_init(&events.loop);
        if (error != 0)
            return error; /* libuv errors are negative errnos on Linux */
        uv_timer_init(&events.loop, &events.timer_handle);
        events.loop_ready = true;
    }
    uv_timer_stop(&events.timer_handle);
    stdin_close_source();

    events.virtual_clock = virtual_clock;
    events.virtual_now_ns = 0;
    events.real_boot_ns = monotonic_ns();
    events.timer_armed = false;
    events.timer_deadline_ns = 0;
    events.deliveries = 0;
    events.idle_count = 0;
    events.busy_tick_ns = 0;
    if (stdin_input)
        stdin_open_source();
    return 0;
}

/* See hosted_internal.h. */
struct uv_loop_s *hosted_events_loop(void)
{
    return events.loop_ready ? &events.loop : NULL;
}

/* True when a uv_poll source (stdin or a device fd) may have input. */
static bool loop_sources_polled(void)
{
    return events.stdin_polling || hosted_virtio_input_polled();
}

/* The virtio devices' pending work; each thing they did counts as a delivery. */
static void deliver_device_work(void)
{
    events.deliveries += hosted_virtio_poll();
}

/* Deliver whatever is pending without blocking or moving the clock. */
static void deliver_pending(void)
{
    if (hosted_console_notification_pending()) {
        events.deliveries++;
        hosted_deliver_console_interrupt();
    }
    if (events.stdin_source == STDIN_FILE)
        stdin_read_once();
    if (loop_sources_polled())
        uv_run(&events.loop, UV_RUN_NOWAIT);
    deliver_device_work();
    if (events.timer_armed && platform_clock_ns() >= events.timer_deadline_ns)
        fire_timer();
}

/* platform_idle() on the virtual clock; interrupts are enabled. */
static bool idle_virtual(void)
{
    uint64_t before = events.deliveries;
    deliver_pending();
    if (events.deliveries != before)
        return true;
    if (events.timer_armed) {
        if (events.timer_deadline_ns > events.virtual_now_ns)
            events.virtual_now_ns = events.timer_deadline_ns;
        fire_timer();
        return true;
    }
    while (events.deliveries == before && loop_sources_polled()) {
        uv_run(&events.loop, UV_RUN_ONCE);
        deliver_device_work();
    }
    return events.deliveries != before;
}

/* platform_idle() on the real clock; interrupts are enabled. */
static bool idle_real(void)
{
    uint64_t before = events.deliveries;
    for (;;) {
        deliver_pending();
        if (events.deliveries != before)
            return true;
        /* A regular-file stdin was just read: nothing more can come from it now. */
        if (!events.timer_armed && !loop_sources_polled())
            return false;
        uv_run(&events.loop, UV_RUN_ONCE);
        deliver_device_work();
        if (events.deliveries != before)
            return true;
    }
}

/* See rk/platform.h. */
bool platform_idle(void)
{
    events.idle_count++;
    hosted_interrupts_enabled = true;
    bool delivered = events.virtual_clock ? idle_virtual() : idle_real();
    hosted_interrupts_enabled = false;
    return delivered;
}

/* See rk/platform.h. On the virtual clock, first adds the busy tick (hosted_set_busy_tick). */
bool platform_poll_events(void)
{
    if (events.virtual_clock)
        events.virtual_now_ns += events.busy_tick_ns;
    uint64_t before = events.deliveries;
    hosted_interrupts_enabled = true;
    deliver_pending();
    hosted_interrupts_enabled = false;
    return events.deliveries != before;
}

/* See hosted.h. */
bool hosted_clock_is_virtual(void)
{
    return events.virtual_clock;
}

/* See hosted.h. */
int hosted_clock_advance(uint64_t nanoseconds)
{
    if (!events.virtual_clock)
        return -EINVAL;
    events.virtual_now_ns += nanoseconds;
    return 0;
}

/* See hosted.h. */
void hosted_set_busy_tick(uint64_t nanoseconds)
{
    events.busy_tick_ns = nanoseconds;
}

/* See hosted.h. */
bool hosted_timer_is_armed(uint64_t *deadline_ns)
{
    if (events.timer_armed && deadline_ns != NULL)
        *deadline_ns = events.timer_deadline_ns;
    return events.timer_armed;
}

/* See hosted.h. */
uint64_t hosted_idle_count(void)
{
    return events.idle_count;
}
