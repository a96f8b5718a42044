/*
 * instance.c — service instances: their lives, the pins Core objects hold
 * on them, their death and the reclamation of their arenas
 * (rk/containment.h).
 *
 * Locking: uniprocessor; the instance fields and the quarantine list are
 * changed with interrupts disabled (a fault can kill an instance from
 * interrupt context). Reclamation (freeing memory, dropping Core
 * registrations) runs in thread context only: the supervisor thread, or
 * the thread that drops the last pin.
 */
#include <rk/containment.h>
#include <rk/heap.h>
#include <rk/kernel.h>
#include <rk/klog.h>
#include <rk/poll.h>
#include <rk/sched.h>
#include <rk/thread.h>

#include "../sched_internal.h"
#include "containment_internal.h"

bool containment_any_death;

/* Dead instances not reclaimed yet (pinned, or a thread still inside). */
static struct list_node quarantine = LIST_HEAD_INIT(quarantine);
/* Dead instances whose registrations are not released yet. */
static struct list_node unreleased = LIST_HEAD_INIT(unreleased);

struct service_instance *service_instance_create(struct service *service)
{
    struct service_instance *instance = kzalloc(sizeof *instance);
    if (!instance)
        return NULL;
    instance->service = service;
    instance->generation = service->generation;
    instance->alive = true;
    instance->pins = 1; /* the service's own, while it is service->instance */
    list_init(&instance->allocations);
    list_init(&instance->dead_link);
    return instance;
}

struct service_instance *service_instance_pin(struct service_instance *instance)
{
    if (instance) {
        irq_flags_t flags = platform_irq_save();
        instance->pins++;
        platform_irq_restore(flags);
    }
    return instance;
}

struct service_instance *service_pin_running(struct service *service)
{
    if (!service)
        return NULL;
    irq_flags_t flags = platform_irq_save();
    struct service_instance *instance = service->instance;
    if (instance && instance->alive)
        instance->pins++;
    else
        instance = NULL;
    platform_irq_restore(flags);
    return instance;
}

void service_instance_unpin(struct service_instance *instance)
{
    if (!instance)
        return;
    irq_flags_t flags = platform_irq_save();
    if (instance->pins == 0)
        panic("service instance of %s: unpinned more often than pinned", instance->service->name);
    instance->pins--;
    bool reclaim = !instance->alive && instance->pins == 0;
    platform_irq_restore(flags);
    if (reclaim)
        containment_supervisor_kick();
}

bool service_instance_is_running(const struct service_instance *instance)
{
    return instance && instance->alive && instance->service->instance == instance;
}

/* True when thread is inside a crossing of instance. */
static bool thread_inside(const struct thread *thread, const struct service_instance *instance)
{
    for (const struct gate_frame *frame = thread->gate_frames; frame; frame = frame->outer)
        if (frame->instance == instance)
            return true;
    return false;
}

/* Wake every thread sleeping inside instance: it unwinds when it runs. Interrupts disabled. */
static void wake_sleepers(struct service_instance *instance)
{
    struct thread *running = thread_current();
    list_for_each(node, thread_list()) {
        struct thread *thread = list_entry(node, struct thread, all_link);
        if (thread == running || thread->state != THREAD_BLOCKED || !thread_inside(thread, instance))
            continue;
        if (!list_is_empty(&thread->wait_link))
            list_remove(&thread->wait_link);
        timer_cancel(&thread->wait_timer);
        sched_wake(thread);
    }
}

void service_instance_kill(struct service_instance *instance)
{
    irq_flags_t flags = platform_irq_save();
    if (!instance || !instance->alive) {
        platform_irq_restore(flags);
        return;
    }
    struct service *service = instance->service;
    instance->alive = false;
    containment_any_death = true;
    bool was_current = service->instance == instance;
    if (was_current)
        service->instance = NULL;
    wake_sleepers(instance);
    timers_cancel_owned_by(instance);
    list_push_back(&unreleased, &instance->dead_link);
    platform_irq_restore(flags);
    poll_notify();
    if (was_current)
        service_instance_unpin(instance);
    containment_supervisor_kick();
}

/* Free every allocation of a dead instance's arena. Thread context. */
static void reclaim(struct service_instance *instance)
{
    uint64_t bytes = instance->arena_bytes;
    uint64_t count = instance->arena_allocations;
    arena_free_all(instance);
    containment_statistics.reclaimed_instances++;
    containment_statistics.reclaimed_bytes += bytes;
    klog(KLOG_INFO, "service %s: instance %u reclaimed (%llu allocations, %llu bytes)",
         instance->service->name, instance->generation, (unsigned long long)count,
         (unsigned long long)bytes);
    kfree(instance);
}

void service_instances_reclaim(void)
{
    for (;;) {
        /* Release the Core registrations of the newly dead (may sleep, so no interrupts off). */
        irq_flags_t flags = platform_irq_save();
        struct list_node *node = list_pop_front(&unreleased);
        platform_irq_restore(flags);
        if (!node)
            break;
        struct service_instance *instance = list_entry(node, struct service_instance, dead_link);
        containment_release_registrations(instance);
        flags = platform_irq_save();
        list_push_back(&quarantine, &instance->dead_link);
        platform_irq_restore(flags);
    }
    for (;;) {
        struct service_instance *ready = NULL;
        irq_flags_t flags = platform_irq_save();
        list_for_each(node, &quarantine) {
            struct service_instance *instance = list_entry(node, struct service_instance, dead_link);
            if (instance->pins == 0 && instance->active_calls == 0) {
                list_remove(&instance->dead_link);
                ready = instance;
                break;
            }
        }
        platform_irq_restore(flags);
        if (!ready)
            return;
        reclaim(ready);
    }
}

size_t service_instances_quarantined(void)
{
    size_t count = 0;
    irq_flags_t flags = platform_irq_save();
    list_for_each(node, &unreleased) count++;
    list_for_each(node, &quarantine) count++;
    platform_irq_restore(flags);
    return count;
}

/* Forget every dead instance (hosted test boots start from nothing). */
void service_instances_reset(void)
{
    containment_any_death = false;
    list_init(&quarantine);
    list_init(&unreleased);
}
