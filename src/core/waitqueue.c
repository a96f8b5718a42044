/*
 * waitqueue.c — FIFO queues of sleeping threads, with optional timeouts.
 * A thread waits on at most one queue, linked through its wait_link.
 * Waits of user processes' threads are interruptible by signals
 * (rk/waitqueue.h, rk/signal.h).
 */
#include <rk/containment.h>
#include <rk/errno.h>
#include <rk/kernel.h>
#include <rk/process.h>
#include <rk/sched.h>
#include <rk/signal.h>
#include <rk/timer.h>
#include <rk/waitqueue.h>

#include "signal/signal_internal.h"

void wait_queue_init(struct wait_queue *queue) { list_init(&queue->waiters); }

bool wait_queue_is_empty(const struct wait_queue *queue) { return list_is_empty(&queue->waiters); }

/* Timer callback: the wait of argument (a thread) timed out. Interrupt context. */
static void wait_timeout_expired(struct timer *timer, void *argument)
{
    struct thread *thread = argument;
    if (list_is_empty(&thread->wait_link))
        return; /* woken in the same instant */
    list_remove(&thread->wait_link);
    thread->wait_timed_out = true;
    sched_wake(thread);
}

/* True once thread left the wait queue (woken or timed out). */
static bool left_the_queue(void *argument)
{
    struct thread *thread = argument;
    return list_is_empty(&thread->wait_link);
}

/* Take thread off its queue because a signal came; true when it was waiting interruptibly. */
bool wait_queue_interrupt(struct thread *thread)
{
    irq_flags_t flags = platform_irq_save();
    bool interrupted = thread->interruptible && !list_is_empty(&thread->wait_link);
    if (interrupted) {
        list_remove(&thread->wait_link);
        thread->wait_interrupted = true;
        sched_wake(thread);
    }
    platform_irq_restore(flags);
    return interrupted;
}

/* The wait itself; interruptible when allowed and the thread is a user process's. */
static int wait_on(struct wait_queue *queue, struct spinlock *lock, uint64_t timeout_ns,
                   bool may_interrupt)
{
    struct thread *thread = thread_current();
    if (thread && thread->gate_frames && !lock)
        gate_unwind_if_dead(); /* about to sleep inside a service that died meanwhile: EIO instead */
    irq_flags_t flags = platform_irq_save();
    bool interruptible = may_interrupt && signal_thread_is_user(thread);
    if (interruptible && signal_pending(thread)) {
        platform_irq_restore(flags);
        return -ERESTARTSYS; /* the lock, if any, is still held */
    }
    thread->wait_timed_out = false;
    thread->wait_interrupted = false;
    thread->interruptible = interruptible;
    list_push_back(&queue->waiters, &thread->wait_link);
    if (timeout_ns != WAIT_FOREVER) {
        uint64_t now = clock_now_ns();
        uint64_t deadline = timeout_ns > UINT64_MAX - now ? UINT64_MAX - 1 : now + timeout_ns;
        core_timer_init(&thread->wait_timer, wait_timeout_expired, thread);
        timer_arm(&thread->wait_timer, deadline);
    }
    int result = 0;
    if (sched_is_boot_thread()) {
        /* The boot thread cannot block: it runs the others until it is woken. */
        if (lock)
            spin_unlock_raw(lock);
        if (!sched_boot_thread_wait(left_the_queue, thread))
            result = -EDEADLK;
    } else {
        sched_block(lock);
    }
    if (timeout_ns != WAIT_FOREVER)
        timer_cancel(&thread->wait_timer);
    list_remove(&thread->wait_link);
    thread->interruptible = false;
    if (lock)
        spin_lock_raw(lock);
    platform_irq_restore(flags);
    if (result == 0 && thread->wait_interrupted)
        result = -ERESTARTSYS;
    else if (result == 0 && thread->wait_timed_out)
        result = -ETIMEDOUT;
    thread->wait_interrupted = false;
    if (thread->gate_frames) {
        gate_unwind_if_dead(); /* the service it slept in died: the call yields EIO */
        gate_watchdog_resume();
    }
    return result;
}

int wait_queue_wait(struct wait_queue *queue, struct spinlock *lock, uint64_t timeout_ns)
{
    return wait_on(queue, lock, timeout_ns, true);
}

int wait_queue_wait_uninterruptible(struct wait_queue *queue, struct spinlock *lock,
                                    uint64_t timeout_ns)
{
    return wait_on(queue, lock, timeout_ns, false);
}

/* Wake the first waiter of queue. Interrupts disabled. */
static bool wake_first(struct wait_queue *queue)
{
    struct list_node *node = list_pop_front(&queue->waiters);
    if (!node)
        return false;
    sched_wake(list_entry(node, struct thread, wait_link));
    return true;
}

/*
 * The wakes first look at the queue without touching the interrupt flag:
 * only threads join a queue (never an interrupt handler), so a queue seen
 * empty by the running thread stays empty until it sleeps or returns.
 */
int wait_queue_wake_one(struct wait_queue *queue)
{
    if (list_is_empty(&queue->waiters))
        return 0;
    irq_flags_t flags = platform_irq_save();
    int woken = wake_first(queue) ? 1 : 0;
    platform_irq_restore(flags);
    return woken;
}

int wait_queue_wake_all(struct wait_queue *queue)
{
    if (list_is_empty(&queue->waiters))
        return 0; /* see wait_queue_wake_one */
    irq_flags_t flags = platform_irq_save();
    int woken = 0;
    while (wake_first(queue))
        woken++;
    platform_irq_restore(flags);
    return woken;
}
