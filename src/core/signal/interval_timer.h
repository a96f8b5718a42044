/*
 * interval_timer.h — ITIMER_REAL of a process (setitimer, getitimer, alarm).
 */
#ifndef RK_CORE_SIGNAL_INTERVAL_TIMER_H
#define RK_CORE_SIGNAL_INTERVAL_TIMER_H

#include <stdint.h>
#include <rk/process.h>

/* The time left and the interval of process's ITIMER_REAL (0, 0 when disarmed). */
void interval_timer_get(struct process *process, uint64_t *value_ns, uint64_t *interval_ns);
/*
 * Arm ITIMER_REAL to fire after value_ns and then every interval_ns (0 = once);
 * value_ns 0 disarms. The previous setting goes to *old_* (may be NULL).
 * Returns 0 or -ENOMEM.
 */
int interval_timer_set(struct process *process, uint64_t value_ns, uint64_t interval_ns,
                       uint64_t *old_value_ns, uint64_t *old_interval_ns);
/*
 * The deadline after deadline_ns of a periodic timer of interval_ns (raised
 * to a 100 us floor) that is first past now_ns: missed periods are skipped.
 */
uint64_t interval_timer_next_deadline(uint64_t deadline_ns, uint64_t interval_ns, uint64_t now_ns);

#endif
