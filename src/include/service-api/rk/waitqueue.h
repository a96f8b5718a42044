/*
 * rk/waitqueue.h — threads sleeping until a condition holds.
 *
 * Pattern (the condition is re-checked after every wake-up):
 *     while (!condition)
 *         if ((error = wait_queue_wait(&queue, lock_or_NULL, timeout)) < 0) break;
 */
#ifndef RK_WAITQUEUE_H
#define RK_WAITQUEUE_H

#include <stdint.h>
#include <rk/list.h>
#include <rk/spinlock.h>

struct wait_queue {
    struct list_node waiters;   /* struct thread wait_link, FIFO */
};

#define WAIT_FOREVER UINT64_MAX

void wait_queue_init(struct wait_queue *queue);

/*
 * Put the running thread to sleep on queue until woken or until timeout_ns
 * of clock time have passed (WAIT_FOREVER: no timeout). When lock is not
 * NULL it must be held (taken with spin_lock_irqsave); it is released while
 * sleeping and taken again before returning. Returns 0 when woken,
 * -ETIMEDOUT on timeout. Not in interrupt context. The boot thread (which
 * has nothing to switch back to) runs the other threads meanwhile, and gets
 * -EDEADLK when nothing can ever wake it.
 *
 * Signals: in a thread of a user process the wait is interruptible: it
 * returns -ERESTARTSYS (512, Core-internal) at once when a signal is
 * pending (or the process is exiting), or when one arrives while it
 * sleeps. The caller gives up and returns that error; the Core turns it
 * into a restart or -EINTR. Kernel threads are never interrupted.
 */
int wait_queue_wait(struct wait_queue *queue, struct spinlock *lock, uint64_t timeout_ns);

/*
 * wait_queue_wait() that no signal interrupts (short waits that must
 * complete, a stopped thread's park). Returns 0, -ETIMEDOUT or -EDEADLK.
 */
int wait_queue_wait_uninterruptible(struct wait_queue *queue, struct spinlock *lock,
                                    uint64_t timeout_ns);

/* Wake the longest waiter. Returns how many were woken (0 or 1). Any context. */
int wait_queue_wake_one(struct wait_queue *queue);
/* Wake every waiter. Returns how many were woken. Any context. */
int wait_queue_wake_all(struct wait_queue *queue);
/* True when nobody waits. */
bool wait_queue_is_empty(const struct wait_queue *queue);

#endif
