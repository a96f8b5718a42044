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
/* Switch to policy while threads live: the runnable ones move to it in their old order. */
void sched_set_policy(const struct sched_policy_ops *policy);

/* Make a BLOCKED (or new) thread RUNNABLE. Any context. Returns false when it was not blocked. */
bool sched_wake(struct thread *thread);

/*
 * Block the running thread and switch away until sched_wake(). When lock is
 * not NULL it is held (with interrupts disabled) and released only once the
 * thread is marked blocked, so no wake-up is lost; it is NOT re-taken.
 * Called with interrupts disabled.
 */
void sched_block(struct spinlock *lock);

/*
 * Switch to the next runnable thread, if any (the current one stays
 * runnable). A yield point: pending events (expired timers, console input)
 * are delivered first. (Not named sched_yield: in the hosted process that
 * would replace libc's, which LeakSanitizer calls at exit.)
 */
void sched_yield_current(void);


/*
 * Run as the idle thread: switch to runnable threads, sleep in
 * platform_idle() when none is. Never returns: when no event can ever
 * arrive it powers off (status 0) if no thread is blocked, else panics.
 */
RK_NORETURN void sched_idle_loop(void);

/* True when the running context is the boot/idle thread. */
bool sched_is_boot_thread(void);

/*
 * For the boot thread, which has no stack of its own to block on: run the
 * other threads, deliver events and idle until done(argument) is true
 * (checked with interrupts disabled). Returns false when no thread is
 * runnable and the platform says no event can ever arrive (deadlock).
 */
bool sched_boot_thread_wait(bool (*done)(void *argument), void *argument);

/*
 * Run threads (the caller acts as the idle thread) until no thread is
 * runnable, no event is pending and no timer is armed. Returns the number of threads still
 * blocked (0 when everything finished). For tests and self-tests.
 */
unsigned sched_run_until_idle(void);

/* Context switches so far. */
uint64_t sched_switch_count(void);

#endif
