/*
 * sched.c — the scheduler mechanism: the current thread, blocking, waking,
 * switching, the idle loop and reaping of exited threads. Which runnable
 * thread goes next is the policy's business (struct sched_policy_ops).
 *
 * Uniprocessor and cooperative inside the kernel: every function here runs
 * with interrupts disabled while it touches scheduler state.
 */
#include <rk/errno.h>
#include <rk/heap.h>
#include <rk/kernel.h>
#include <rk/klog.h>
#include <rk/page_alloc.h>
#include <rk/panic.h>
#include <rk/sched.h>
#include <rk/string.h>

#include "sched_internal.h"

static const struct sched_policy_ops *policy = &sched_policy_round_robin;
static struct thread boot_thread;           /* the context that ran sched_init(); the idle thread */
static struct thread *current_thread;
static bool reschedule_requested;
static uint64_t switches;
static struct list_node dead_threads;       /* detached threads that exited, to be freed */


void sched_init(const struct sched_policy_ops *new_policy)
{
    irq_flags_t flags = platform_irq_save();
    policy = new_policy;
    policy->reset();
    memset(&boot_thread, 0, sizeof boot_thread);
    rk_strlcpy(boot_thread.name, "idle", sizeof boot_thread.name);
    boot_thread.state = THREAD_RUNNING;
    list_init(&boot_thread.run_link);
    list_init(&boot_thread.wait_link);
    wait_queue_init(&boot_thread.exit_waiters);
    list_init(thread_list());
    list_push_back(thread_list(), &boot_thread.all_link);
    list_init(&dead_threads);
    current_thread = &boot_thread;
    reschedule_requested = false;
    switches = 0;
    platform_irq_restore(flags);
}

const struct sched_policy_ops *sched_policy(void) { return policy; }

struct thread *thread_current(void) { return current_thread; }

/* Free detached threads that exited, except the running one. Interrupts disabled. */
static void reap_dead_threads(void)
{
    list_for_each_safe(node, &dead_threads) {
        struct thread *thread = list_entry(node, struct thread, run_link);
        if (thread == current_thread)
            continue;
        list_remove(&thread->run_link);
        thread_free(thread);
    }
}

/* Switch from the running thread to next. Interrupts disabled. */
static void switch_to(struct thread *next)
{
    struct thread *previous = current_thread;
    if (next == previous) {
        next->state = THREAD_RUNNING;
        return;
    }
    current_thread = next;
    next->state = THREAD_RUNNING;
    next->switches_in++;
    switches++;
    platform_context_switch(&previous->context, &next->context);
    reap_dead_threads();
}

/* The thread to run when the running one stops: the policy's pick or idle. */
static struct thread *next_or_idle(void)
{
    struct thread *next = policy->pick_next();
    return next ? next : &boot_thread;
}

bool sched_wake(struct thread *thread)
{
    irq_flags_t flags = platform_irq_save();
    bool woken = thread->state == THREAD_BLOCKED;
    if (woken) {
        thread->state = THREAD_RUNNABLE;
        policy->enqueue(thread);
    }
    platform_irq_restore(flags);
    return woken;
}

void sched_block(struct spinlock *lock)
{
    struct thread *thread = current_thread;
    if (thread == &boot_thread)
        panic("sched_block: the idle thread must never block");
    thread->state = THREAD_BLOCKED;
    if (lock)
        spin_unlock_raw(lock);
    switch_to(next_or_idle());
}

void sched_yield(void)
{
    irq_flags_t flags = platform_irq_save();
    reschedule_requested = false;
    struct thread *thread = current_thread;
    if (thread == &boot_thread) {
        struct thread *next = policy->pick_next();
        if (next)
            switch_to(next);
    } else {
        thread->state = THREAD_RUNNABLE;
        policy->enqueue(thread);
        switch_to(next_or_idle());
    }
    platform_irq_restore(flags);
}

void thread_yield(void) { sched_yield(); }

void sched_request_reschedule(void) { reschedule_requested = true; }

/* Called by thread_exit(): mark dead, queue for reaping when detached, never return. */
void sched_exit_current(void)
{
    struct thread *thread = current_thread;
    thread->state = THREAD_DEAD;
    if (thread->detached)
        list_push_back(&dead_threads, &thread->run_link);
    switch_to(next_or_idle());
    panic("thread %s ran after exit", thread->name);
}

void sched_idle_loop(void)
{
    for (;;) {
        platform_irq_disable();
        struct thread *next = policy->pick_next();
        if (next) {
            switch_to(next);
            continue;
        }
        reap_dead_threads();
        if (!platform_idle())
            panic("idle: every thread is blocked and no event can arrive");
    }
}

unsigned sched_run_until_idle(void)
{
    if (current_thread != &boot_thread)
        panic("sched_run_until_idle: only the boot thread may drive the scheduler");
    irq_flags_t flags = platform_irq_save();
    for (;;) {
        struct thread *next = policy->pick_next();
        if (next) {
            switch_to(next);
            continue;
        }
        reap_dead_threads();
        if (platform_poll_events())
            continue;
        if (!timers_pending() || !platform_idle())
            break;
    }
    unsigned blocked = 0;
    list_for_each(node, thread_list()) {
        struct thread *thread = list_entry(node, struct thread, all_link);
        if (thread->state == THREAD_BLOCKED)
            blocked++;
    }
    platform_irq_restore(flags);
    return blocked;
}

uint64_t sched_switch_count(void) { return switches; }
