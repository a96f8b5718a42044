/*
 * timer.c — one-shot timers multiplexed on the platform's single one-shot
 * timer. Pending timers sit in a list sorted by deadline; the platform timer
 * is always armed for the head. All state is touched with interrupts
 * disabled.
 */
#include <rk/containment.h>
#include <rk/gate.h>
#include <rk/kernel.h>
#include <rk/platform.h>
#include <rk/sched.h>
#include <rk/timer.h>

static struct list_node pending_timers = LIST_HEAD_INIT(pending_timers);

uint64_t clock_now_ns(void) { return platform_clock_ns(); }

/* Arm the platform timer for the earliest pending timer. Interrupts disabled. */
static void reprogram_platform_timer(void)
{
    if (list_is_empty(&pending_timers)) {
        platform_timer_disarm();
        return;
    }
    struct timer *first = list_entry(pending_timers.next, struct timer, link);
    platform_timer_arm(first->deadline_ns);
}

void timer_init(struct timer *timer, timer_callback_fn callback, void *argument)
{
    list_init(&timer->link);
    timer->deadline_ns = 0;
    timer->callback = callback;
    timer->argument = argument;
    timer->pending = false;
    timer->owner = gate_current_instance();
}

/* See rk/kernel.h: a timer of the Core's own, even inside a crossing. */
void core_timer_init(struct timer *timer, timer_callback_fn callback, void *argument)
{
    timer_init(timer, callback, argument);
    timer->owner = NULL;
}

void timer_arm(struct timer *timer, uint64_t deadline_ns)
{
    /* A dead instance's timers were cancelled at its death and stay so. */
    if (timer->owner && !timer->owner->alive)
        return;
    irq_flags_t flags = platform_irq_save();
    bool was_first = timer->pending && pending_timers.next == &timer->link;
    if (timer->pending)
        list_remove(&timer->link);
    timer->deadline_ns = deadline_ns;
    timer->pending = true;
    struct list_node *position = &pending_timers;
    list_for_each(node, &pending_timers) {
        if (list_entry(node, struct timer, link)->deadline_ns > deadline_ns) {
            position = node;
            break;
        }
    }
    list_insert_before(position, &timer->link);
    if (was_first || pending_timers.next == &timer->link)
        reprogram_platform_timer();
    platform_irq_restore(flags);
}

bool timer_cancel(struct timer *timer)
{
    irq_flags_t flags = platform_irq_save();
    bool was_pending = timer->pending;
    if (was_pending) {
        bool was_first = pending_timers.next == &timer->link;
        list_remove(&timer->link);
        timer->pending = false;
        if (was_first)
            reprogram_platform_timer();
    }
    platform_irq_restore(flags);
    return was_pending;
}

bool timer_is_pending(const struct timer *timer) { return timer->pending; }

bool timers_pending(void) { return !list_is_empty(&pending_timers); }

void timers_reset(void)
{
    irq_flags_t flags = platform_irq_save();
    list_for_each_safe(node, &pending_timers) {
        list_remove(node);
        list_entry(node, struct timer, link)->pending = false;
    }
    platform_timer_disarm();
    platform_irq_restore(flags);
}

void core_timer_interrupt(void)
{
    uint64_t now = platform_clock_ns();
    while (!list_is_empty(&pending_timers)) {
        struct timer *timer = list_entry(pending_timers.next, struct timer, link);
        if (timer->deadline_ns > now)
            break;
        list_remove(&timer->link);
        timer->pending = false;
        core_interrupt_depth++;
        struct service_instance *owner = timer->owner;
        if (owner)
            GATE_CROSS_VOID(owner->service, owner, "timer", timer->callback(timer, timer->argument));
        else
            timer->callback(timer, timer->argument);
        core_interrupt_depth--;
    }
    reprogram_platform_timer();
}

/* See rk/kernel.h: cancel every pending timer of a dead instance. Interrupts disabled. */
void timers_cancel_owned_by(struct service_instance *instance)
{
    list_for_each_safe(node, &pending_timers) {
        struct timer *timer = list_entry(node, struct timer, link);
        if (timer->owner == instance) {
            list_remove(&timer->link);
            timer->pending = false;
        }
    }
    reprogram_platform_timer();
}

void thread_sleep_ns(uint64_t duration_ns)
{
    struct wait_queue queue;
    wait_queue_init(&queue);
    wait_queue_wait(&queue, NULL, duration_ns);
}
