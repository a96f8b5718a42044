/*
 * rk/timer.h — one-shot kernel timers on the monotonic clock, and sleeping.
 * Callbacks run in interrupt context with interrupts disabled: they may wake
 * threads and re-arm timers but must not sleep.
 */
#ifndef RK_TIMER_H
#define RK_TIMER_H

#include <stdbool.h>
#include <stdint.h>
#include <rk/list.h>

struct timer;
struct service_instance;
typedef void (*timer_callback_fn)(struct timer *timer, void *argument);

struct timer {
    struct list_node link;     /* in the pending list, sorted by deadline */
    uint64_t deadline_ns;
    timer_callback_fn callback;
    void *argument;
    bool pending;
    /* Core: the service instance that initialized it (its callback runs in a crossing), or NULL. */
    struct service_instance *owner;
};

/* Monotonic nanoseconds since boot. */
uint64_t clock_now_ns(void);

/*
 * Initialize timer. Inside a service (a crossing) the timer becomes the
 * instance's: its callback runs in a crossing, and the instance's death
 * cancels it.
 */
void timer_init(struct timer *timer, timer_callback_fn callback, void *argument);
/* Arm (or re-arm) timer to fire at deadline_ns. Any context. */
void timer_arm(struct timer *timer, uint64_t deadline_ns);
/* Disarm; returns true when it was pending. Any context. */
bool timer_cancel(struct timer *timer);
bool timer_is_pending(const struct timer *timer);

/*
 * Sleep the running thread for at least duration_ns (the boot thread runs
 * the other threads meanwhile). Not in interrupt context.
 */
void thread_sleep_ns(uint64_t duration_ns);

#endif
