/*
 * sched.c — the scheduler mechanism: the current thread, blocking, waking,
 * switching, the idle loop and reaping of exited threads. Which runnable
 * thread goes next is the policy's business (struct sched_policy_ops).
 *
 * Uniprocessor and cooperative inside the kernel: every function here runs
 * with interrupts disabled while it touches scheduler state.
 */
#include <rk/containment.h>
#include <rk/errno.h>
#include <rk/heap.h>
#include <rk/kernel.h>
#include <rk/klog.h>
#include <rk/page_alloc.h>
#include <rk/panic.h>
#include <rk/sched.h>
#include <rk/string.h>

#include "process_internal.h"
#include "sched_internal.h"

static const struct sched_policy_ops *policy = &sched_policy_round_robin;
static struct thread boot_thread;           /* the context that ran sched_init(); the idle thread */
struct thread *sched_running_thread; /* see rk/thread.h */
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
    thread_ids_reset();
    list_push_back(thread_list(), &boot_thread.all_link);
    list_init(&dead_threads);
    sched_running_thread = &boot_thread;
    switches = 0;
    platform_irq_restore(flags);
}

const struct sched_policy_ops *sched_policy(void) { return policy; }

void sched_set_policy(const struct sched_policy_ops *new_policy)
{
    irq_flags_t flags = platform_irq_save();
    struct list_node runnable = LIST_HEAD_INIT(runnable);
    struct thread *thread;
    while ((thread = policy->pick_next()) != NULL)
        list_push_back(&runnable, &thread->run_link);
    policy = new_policy;
    policy->reset();
    struct list_node *node;
    while ((node = list_pop_front(&runnable)) != NULL)
        policy->enqueue(list_entry(node, struct thread, run_link));
    platform_irq_restore(flags);
}

/* Free detached threads that exited, except the running one. Interrupts disabled. */
static void reap_dead_threads(void)
{
    list_for_each_safe(node, &dead_threads) {
        struct thread *thread = list_entry(node, struct thread, run_link);
        if (thread == sched_running_thread)
            continue;
        list_remove(&thread->run_link);
        thread_free(thread);
    }
}

/* Switch from the running thread to next. Interrupts disabled. */
static void switch_to(struct thread *next)
{
    struct thread *previous = sched_running_thread;
    if (next == previous) {
        next->state = THREAD_RUNNING;
        return;
    }
    sched_running_thread = next;
    next->state = THREAD_RUNNING;
    next->switches_in++;
    switches++;
    process_switch_hook(previous, next); /* time accounting, the next thread's address space */
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
    struct thread *thread = sched_running_thread;
    if (thread == &boot_thread)
        panic("sched_block: the idle thread must never block");
    thread->state = THREAD_BLOCKED;
    if (lock)
        spin_unlock_raw(lock);
    switch_to(next_or_idle());
}

void sched_yield_current(void)
{
    irq_flags_t flags = platform_irq_save();
    platform_poll_events(); /* a yield point: let pending interrupts in (hosted needs it) */
    struct thread *thread = sched_running_thread;
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

void thread_yield(void) { sched_yield_current(); }

/* Called by thread_exit(): mark dead, queue for reaping when detached, never return. */
void sched_exit_current(void)
{
    struct thread *thread = sched_running_thread;
    thread->state = THREAD_DEAD;
    if (thread->detached)
        list_push_back(&dead_threads, &thread->run_link);
    switch_to(next_or_idle());
    panic("thread %s ran after exit", thread->name);
}

/* Number of threads blocked for now. Interrupts disabled. */
static unsigned blocked_thread_count(void)
{
    unsigned blocked = 0;
    list_for_each(node, thread_list()) {
        struct thread *thread = list_entry(node, struct thread, all_link);
        if (thread->state == THREAD_BLOCKED && !thread->service_daemon)
            blocked++;
    }
    return blocked;
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
        if (platform_idle())
            continue;
        if (blocked_thread_count() > 0)
            panic("idle: %u thread(s) blocked for ever: no event can arrive", blocked_thread_count());
        klog(KLOG_NOTICE, "idle: nothing left to run and no event can arrive: powering off");
        containment_report();
        platform_power_off(0);
    }
}

/*
 * The boot thread's scheduler loop: run runnable threads, deliver pending
 * events and sleep in platform_idle() until done(argument) holds. With
 * until_quiet, also stop once nothing is runnable, pending or armed.
 * Returns true when done(argument) holds. Interrupts disabled.
 */
static bool boot_thread_run(bool (*done)(void *argument), void *argument, bool until_quiet)
{
    if (sched_running_thread != &boot_thread)
        panic("only the boot thread may drive the scheduler");
    for (;;) {
        if (done && done(argument))
            return true;
        struct thread *next = policy->pick_next();
        if (next) {
            switch_to(next);
            continue;
        }
        reap_dead_threads();
        if (platform_poll_events())
            continue;
        if (until_quiet && !timers_pending())
            return false;
        if (!platform_idle())
            return false;
    }
}

bool sched_boot_thread_wait(bool (*done)(void *argument), void *argument)
{
    return boot_thread_run(done, argument, false);
}

bool sched_is_boot_thread(void) { return sched_running_thread == &boot_thread; }

unsigned sched_run_until_idle(void)
{
    irq_flags_t flags = platform_irq_save();
    boot_thread_run(NULL, NULL, true);
    unsigned blocked = blocked_thread_count();
    platform_irq_restore(flags);
    return blocked;
}

uint64_t sched_switch_count(void) { return switches; }
