/*
 * rk/sched.h — the scheduler: mechanism here, policy behind sched_policy_ops.
 *
 * The policy only orders runnable threads; the mechanism (blocking, waking,
 * switching, the idle loop) lives in src/core/sched.c. All policy calls are
 * made with interrupts disabled.
 */
#ifndef RK_SCHED_H
#define RK_SCHED_H

#include <stdbool.h>
#include <stdint.h>
#include <rk/spinlock.h>
#include <rk/thread.h>

struct sched_policy_ops {
    const char *name;
    /* Forget all threads (boot, tests). */
    void (*reset)(void);
    /* Add a runnable thread. thread->run_link is the policy's to use. */
    void (*enqueue)(struct thread *thread);
    /* Remove and return the next thread to run, NULL when none is runnable. */
    struct thread *(*pick_next)(void);
    /* Remove a thread that was enqueued and not picked. */
    void (*remove)(struct thread *thread);
};

/* Round-robin: FIFO order (the default). */
extern const struct sched_policy_ops sched_policy_round_robin;
/* Seeded: a pseudo-random runnable thread, reproducible from the seed. */
extern const struct sched_policy_ops sched_policy_seeded;
void sched_policy_seeded_set_seed(uint64_t seed);

/*
 * Initialise the scheduler with policy and make the running context the
 * boot thread (which later serves as the idle thread).
 */
void sched_init(const struct sched_policy_ops *policy);
const struct sched_policy_ops *sched_policy(void);

/* Make a BLOCKED (or new) thread RUNNABLE. Any context. Returns false when it was not blocked. */
bool sched_wake(struct thread *thread);

/*
 * Block the running thread and switch away until sched_wake(). When lock is
 * not NULL it is held (with interrupts disabled) and released only once the
 * thread is marked blocked, so no wake-up is lost; it is NOT re-taken.
 * Called with interrupts disabled.
 */
void sched_block(struct spinlock *lock);

/* Switch to the next runnable thread, if any (the current one stays runnable). */
void sched_yield(void);

/* Ask for a reschedule at the next yield point (timer interrupt). */
void sched_request_reschedule(void);

/*
 * Run as the idle thread: switch to runnable threads, sleep in
 * platform_idle() when none is. Never returns.
 */
RK_NORETURN void sched_idle_loop(void);

/*
 * Run threads (the caller acts as the idle thread) until no thread is
 * runnable, no event is pending and no timer is armed. Returns the number of threads still
 * blocked (0 when everything finished). For tests and self-tests.
 */
unsigned sched_run_until_idle(void);

/* Context switches so far. */
uint64_t sched_switch_count(void);

#endif
