/*
 * containment_internal.h — what the containment files of the Core share
 * (gate.c and the files of containment/). See rk/containment.h.
 */
#ifndef RK_CORE_CONTAINMENT_INTERNAL_H
#define RK_CORE_CONTAINMENT_INTERNAL_H

#include <rk/containment.h>
#include <rk/errno.h>

/* The decimal number in text[0..length), 0 or -EINVAL (empty, not a digit, overflow). */
static inline int containment_parse_decimal(const char *text, size_t length, uint64_t *value)
{
    uint64_t result = 0;
    if (length == 0)
        return -EINVAL;
    for (size_t i = 0; i < length; i++) {
        if (text[i] < '0' || text[i] > '9' || __builtin_mul_overflow(result, 10, &result) ||
            __builtin_add_overflow(result, (uint64_t)(text[i] - '0'), &result))
            return -EINVAL;
    }
    *value = result;
    return 0;
}

/* An instance has died since boot: crossings then check for code of dead instances (instance.c). */
extern bool containment_any_death;

/* The counters (statistics.c). */
extern struct containment_statistics containment_statistics;
/* false with rk.containment=panic: every service fault is a kernel panic (fuzzing: a finding). */
extern bool containment_enabled;
/* The watchdog timeout, 0 when off (rk.watchdog_ms=, supervisor.c). */
extern uint64_t containment_watchdog_ns;

/* Some rule may fire (injection.c). */
extern bool fault_injection_active;
/*
 * Raise an injected fault in the crossing of frame when a rule matches its
 * service and operation; returns when none fires.
 */
void fault_injection_check(struct gate_frame *frame);
/*
 * The running service allocates (service_kmalloc): raise an injected fault
 * there when a rule names the operation "kmalloc" — a fault in the middle
 * of an operation, with some of its changes made.
 */
void fault_injection_check_allocation(void);
/* True (once) when the fault now being contained in frame was injected. */
bool fault_injection_take_in_flight(struct gate_frame *frame);
/* Forget every rule and counter. */
void fault_injection_reset(void);

/*
 * The running crossing's instance faulted (gate.c, interrupts disabled):
 * kill it and schedule the service's restart per its policy.
 */
void containment_instance_fault(struct service_instance *instance);
/* Wake the supervisor (a dead instance may be reclaimable). Any context. */
void containment_supervisor_kick(void);
/* Free every allocation in a dead instance's arena (arena.c). Thread context. */
void arena_free_all(struct service_instance *instance);
/* Apply the rk.restart= rules to service's policy (supervisor.c; at registration). */
void service_policy_apply(struct service *service);
/*
 * After service restarted: put it back where the Core had attached it
 * (reattach.c: filesystems at their mount points, drivers under the
 * network stack). Thread context, outside any crossing.
 */
void containment_reattach(struct service *service);

/* Forget the dead instances (instance.c; hosted test boots). */
void service_instances_reset(void);

#endif
