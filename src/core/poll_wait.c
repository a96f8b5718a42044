/*
 * poll_wait.c — the one wait queue of rk/poll.h: every poll/select sleeper
 * waits here, and every readiness change (poll_notify) wakes them all to
 * check their files again. A generation counter closes the window between
 * a poller's scan and its sleep: a notify in between makes the sleep
 * return at once. A second counter (broad_generation) counts only the
 * untargeted poll_notify() calls, for edge-triggered epoll watches; a
 * targeted change (poll_notify_changes) moves its owner's counter instead.
 */
#include <rk/errno.h>
#include <rk/kernel.h>
#include <rk/platform.h>
#include <rk/poll.h>
#include <rk/waitqueue.h>

static struct wait_queue pollers = { { &pollers.waiters, &pollers.waiters } };
static uint64_t generation;
static uint64_t broad_generation;   /* poll_notify() calls: readiness of any file may have changed */

/* See rk/poll.h. Any context: the count is one atomic step, the wake-up disables interrupts. */
void poll_notify(void)
{
    /* One read-modify-write instruction: interrupts cannot split it, so
       the interrupt flag is left alone (this runs on every pipe transfer). */
    __atomic_fetch_add(&broad_generation, 1, __ATOMIC_RELAXED);
    poll_wake();
}

/* See rk/poll.h. */
void poll_notify_changes(unsigned long *changes)
{
    if (!changes) {
        poll_notify();
        return;
    }
    __atomic_fetch_add(changes, 1, __ATOMIC_RELAXED);
    poll_wake();
}

/* See rk/poll.h: the waking half of poll_notify(). */
void poll_wake(void)
{
    __atomic_fetch_add(&generation, 1, __ATOMIC_RELAXED);
    wait_queue_wake_all(&pollers); /* returns at once when nobody polls */
}

/* See rk/poll.h. */
uint64_t poll_broad_generation(void)
{
    return __atomic_load_n(&broad_generation, __ATOMIC_RELAXED);
}

/* See rk/poll.h. */
uint64_t poll_generation(void)
{
    irq_flags_t flags = platform_irq_save();
    uint64_t value = generation;
    platform_irq_restore(flags);
    return value;
}

/*
 * See rk/poll.h. Interrupts stay disabled from the generation check until
 * the thread sleeps (wait_queue_wait keeps them so), so no notify is lost.
 */
int poll_wait_change(uint64_t seen, uint64_t timeout_ns)
{
    irq_flags_t flags = platform_irq_save();
    int result = 0;
    if (generation == seen)
        result = wait_queue_wait(&pollers, NULL, timeout_ns);
    platform_irq_restore(flags);
    return result;
}

/* See rk/kernel.h: forget the pollers of an earlier boot (their threads went with its heap). */
void poll_reset(void)
{
    wait_queue_init(&pollers);
    generation = 0;
    broad_generation = 0;
}
