/*
 * statistics.c — the containment counters and their rendering for
 * /proc/sys/kernel/fault_stats (rk/fault_injection.h) and the shutdown
 * summary line the fault campaigns read.
 */
#include <rk/containment.h>
#include <rk/fault_injection.h>
#include <rk/format.h>
#include <rk/klog.h>
#include <rk/services.h>

#include "containment_internal.h"

struct containment_statistics containment_statistics;

static const char *const fault_kind_names[SERVICE_FAULT_KIND_COUNT] = {
    [SERVICE_FAULT_PANIC] = "panic",
    [SERVICE_FAULT_ASSERTION] = "assertion",
    [SERVICE_FAULT_PAGE] = "page-fault",
    [SERVICE_FAULT_GENERAL_PROTECTION] = "general-protection",
    [SERVICE_FAULT_INVALID_OPCODE] = "invalid-opcode",
    [SERVICE_FAULT_DIVIDE] = "divide-error",
    [SERVICE_FAULT_WATCHDOG] = "watchdog",
    [SERVICE_FAULT_OTHER] = "exception",
};

const char *service_fault_kind_name(enum service_fault_kind kind)
{
    return (unsigned)kind < SERVICE_FAULT_KIND_COUNT ? fault_kind_names[kind] : "exception";
}

void containment_get_statistics(struct containment_statistics *statistics)
{
    irq_flags_t flags = platform_irq_save();
    *statistics = containment_statistics;
    platform_irq_restore(flags);
}

static const char *const state_names[] = {
    [SERVICE_UNREGISTERED] = "unregistered", [SERVICE_STARTING] = "starting",
    [SERVICE_RUNNING] = "running",           [SERVICE_DEAD] = "dead",
    [SERVICE_FAILED] = "failed",
};

/* Append to buffer like snprintf, keeping the full length in *length. */
#define APPEND(buffer, size, length, ...)                                                   \
    (*(length) += (size_t)rk_snprintf(*(length) < (size) ? (buffer) + *(length) : NULL,    \
                                      *(length) < (size) ? (size) - *(length) : 0, __VA_ARGS__))

long containment_render_statistics(char *buffer, size_t size)
{
    struct containment_statistics s;
    containment_get_statistics(&s);
    size_t length = 0;
    APPEND(buffer, size, &length,
           "injected %llu\nmanifested %llu\ncontained %llu\nrestarts %llu\nfailed_restarts %llu\n"
           "given_up %llu\ndead_calls %llu\nunwound_sleepers %llu\nreclaimed_instances %llu\n"
           "reclaimed_bytes %llu\nquarantined %zu\n",
           (unsigned long long)s.injected, (unsigned long long)s.manifested,
           (unsigned long long)s.contained, (unsigned long long)s.restarts,
           (unsigned long long)s.failed_restarts, (unsigned long long)s.given_up,
           (unsigned long long)s.dead_calls, (unsigned long long)s.unwound_sleepers,
           (unsigned long long)s.reclaimed_instances, (unsigned long long)s.reclaimed_bytes,
           service_instances_quarantined());
    for (unsigned kind = 0; kind < SERVICE_KIND_COUNT; kind++) {
        struct service *services[32];
        size_t count = services_list((enum service_kind)kind, services, 32);
        for (size_t i = 0; i < count && i < 32; i++) {
            const struct service *service = services[i];
            const struct service_instance *instance = service->instance;
            APPEND(buffer, size, &length,
                   "service %s/%s state=%s generation=%u faults=%llu injected=%llu restarts=%llu "
                   "failed_restarts=%llu arena_bytes=%llu\n",
                   service_kind_name(service->kind), service->name,
                   (unsigned)service->status < sizeof state_names / sizeof state_names[0]
                       ? state_names[service->status]
                       : "?",
                   service->generation, (unsigned long long)service->counters.faults,
                   (unsigned long long)service->counters.injected,
                   (unsigned long long)service->counters.restarts,
                   (unsigned long long)service->counters.failed_restarts,
                   (unsigned long long)(instance ? instance->arena_bytes : 0));
        }
    }
    return (long)length;
}

void containment_report(void)
{
    struct containment_statistics s;
    containment_get_statistics(&s);
    if (s.injected == 0 && s.contained == 0)
        return;
    klog(KLOG_NOTICE,
         "containment: injected=%llu manifested=%llu contained=%llu restarts=%llu "
         "failed_restarts=%llu given_up=%llu dead_calls=%llu reclaimed_instances=%llu",
         (unsigned long long)s.injected, (unsigned long long)s.manifested,
         (unsigned long long)s.contained, (unsigned long long)s.restarts,
         (unsigned long long)s.failed_restarts, (unsigned long long)s.given_up,
         (unsigned long long)s.dead_calls, (unsigned long long)s.reclaimed_instances);
}
