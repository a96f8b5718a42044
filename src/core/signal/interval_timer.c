/*
 * interval_timer.c — ITIMER_REAL (setitimer, alarm): a Core timer per
 * process that sends SIGALRM (SI_KERNEL, as Linux's it_real_fn) and
 * re-arms itself with the interval.
 *
 * The timer lives in its own allocation and finds its process by pid, so
 * a process freed without signal_process_release() leaks it at worst,
 * never leaves a dangling timer behind.
 */
#include <rk/errno.h>
#include <rk/heap.h>
#include <rk/timer.h>

#include "interval_timer.h"
#include "signal_internal.h"

struct signal_real_timer {
    struct timer timer;
    int pid;
    uint64_t interval_ns;
};

/*
 * The shortest period the timer really re-arms with: a smaller interval (as
 * small as 1 us is legal) would keep the CPU in timer interrupts. getitimer
 * still reports the interval that was set.
 */
#define REAL_TIMER_MINIMUM_INTERVAL_NS 100000ull

/*
 * The next deadline of a periodic timer that expired at deadline_ns: the
 * first deadline + k * interval after now (k >= 1), as Linux's
 * hrtimer_forward — expirations missed meanwhile collapse into the one
 * signal just sent instead of firing one by one. UINT64_MAX - 1 on overflow.
 */
uint64_t interval_timer_next_deadline(uint64_t deadline_ns, uint64_t interval_ns, uint64_t now_ns)
{
    if (interval_ns < REAL_TIMER_MINIMUM_INTERVAL_NS)
        interval_ns = REAL_TIMER_MINIMUM_INTERVAL_NS;
    uint64_t periods = deadline_ns < now_ns ? (now_ns - deadline_ns) / interval_ns + 1 : 1;
    if (periods > (UINT64_MAX - 1 - deadline_ns) / interval_ns)
        return UINT64_MAX - 1;
    return deadline_ns + periods * interval_ns;
}

/* Timer callback: SIGALRM for the process, then re-arm past now. Interrupt context. */
static void real_timer_expired(struct timer *timer, void *argument)
{
    struct signal_real_timer *real = argument;
    struct process *process = process_find(real->pid);
    if (!process || process->signals.real_timer != real)
        return;
    const struct signal_info info = { .signal = SIGALRM, .code = SI_KERNEL };
    signal_send_process(process, SIGALRM, &info);
    if (real->interval_ns)
        timer_arm(timer, interval_timer_next_deadline(timer->deadline_ns, real->interval_ns,
                                                      clock_now_ns()));
}

/* The process's timer, created on first use; NULL on ENOMEM. */
static struct signal_real_timer *real_timer_of(struct process *process, bool create)
{
    if (process->signals.real_timer || !create)
        return process->signals.real_timer;
    struct signal_real_timer *real = kzalloc(sizeof *real);
    if (!real)
        return NULL;
    real->pid = process->pid;
    timer_init(&real->timer, real_timer_expired, real);
    process->signals.real_timer = real;
    return real;
}

void interval_timer_get(struct process *process, uint64_t *value_ns, uint64_t *interval_ns)
{
    *value_ns = 0;
    *interval_ns = 0;
    struct signal_real_timer *real = real_timer_of(process, false);
    if (!real)
        return;
    irq_flags_t flags = platform_irq_save();
    if (timer_is_pending(&real->timer)) {
        uint64_t now = clock_now_ns();
        uint64_t deadline = real->timer.deadline_ns;
        *value_ns = deadline > now ? deadline - now : 1000; /* Linux reports at least 1 us */
        *interval_ns = real->interval_ns;
    }
    platform_irq_restore(flags);
}

int interval_timer_set(struct process *process, uint64_t value_ns, uint64_t interval_ns,
                       uint64_t *old_value_ns, uint64_t *old_interval_ns)
{
    uint64_t old_value, old_interval;
    interval_timer_get(process, &old_value, &old_interval);
    struct signal_real_timer *real = real_timer_of(process, value_ns != 0);
    if (value_ns && !real)
        return -ENOMEM;
    if (real) {
        irq_flags_t flags = platform_irq_save();
        timer_cancel(&real->timer);
        real->interval_ns = value_ns ? interval_ns : 0;
        if (value_ns) {
            uint64_t now = clock_now_ns();
            timer_arm(&real->timer, value_ns > UINT64_MAX - now ? UINT64_MAX - 1 : now + value_ns);
        }
        platform_irq_restore(flags);
    }
    if (old_value_ns)
        *old_value_ns = old_value;
    if (old_interval_ns)
        *old_interval_ns = old_interval;
    return 0;
}

void signal_process_release(struct process *process)
{
    if (!process)
        return;
    struct signal_real_timer *real = process->signals.real_timer;
    if (!real)
        return;
    irq_flags_t flags = platform_irq_save();
    timer_cancel(&real->timer);
    process->signals.real_timer = NULL;
    platform_irq_restore(flags);
    kfree(real);
}
