/*
 * services.c — the service registry: one list of registered services per
 * kind. Registration and lookup happen at boot and on (later) restarts, not
 * on hot paths, so a linear search is fine.
 */
#include <rk/chardev.h>
#include <rk/containment.h>
#include <rk/gate.h>
#include <rk/errno.h>
#include <rk/kernel.h>
#include <rk/klog.h>
#include <rk/services.h>
#include <rk/spinlock.h>
#include <rk/string.h>

#include "containment/containment_internal.h"

static struct list_node registered[SERVICE_KIND_COUNT];
static bool registry_ready;
static struct spinlock registry_lock = SPINLOCK_INIT("services");

static const char *const kind_names[SERVICE_KIND_COUNT] = {
    [SERVICE_NETWORK_STACK] = "network-stack",
    [SERVICE_FILESYSTEM] = "filesystem",
    [SERVICE_DRIVER] = "driver",
    [SERVICE_LOADER] = "loader",
};

const char *service_kind_name(enum service_kind kind)
{
    return (unsigned)kind < SERVICE_KIND_COUNT ? kind_names[kind] : "unknown";
}

void services_reset(void)
{
    for (unsigned kind = 0; kind < SERVICE_KIND_COUNT; kind++) {
        if (registry_ready) {
            list_for_each_safe(node, &registered[kind])
            {
                struct service *service = list_entry(node, struct service, registry_link);
                service->registered = 0;
                service->status = SERVICE_UNREGISTERED;
                service->instance = NULL; /* the heap it lived in was reset with the boot */
            }
        }
        list_init(&registered[kind]);
    }
    registry_ready = true;
}

/* The registered service of kind named name. registry_lock held. */
static struct service *find_locked(enum service_kind kind, const char *name)
{
    list_for_each(node, &registered[kind]) {
        struct service *service = list_entry(node, struct service, registry_link);
        if (!name || strcmp(service->name, name) == 0)
            return service;
    }
    return NULL;
}

int services_register(struct service *service)
{
    if (!registry_ready)
        services_reset();
    if (!service || !service->name || !service->name[0] || !service->ops ||
        (unsigned)service->kind >= SERVICE_KIND_COUNT || service->registered)
        return -EINVAL;

    spinlock_irq_state_t state = spin_lock_irqsave(&registry_lock);
    bool taken = service->kind == SERVICE_NETWORK_STACK
                     ? !list_is_empty(&registered[SERVICE_NETWORK_STACK])
                     : find_locked(service->kind, service->name) != NULL;
    spin_unlock_irqrestore(&registry_lock, state);
    if (taken)
        return -EEXIST;

    service->calls = 0;
    service->active_calls = 0;
    service->generation = 1;
    service->consecutive_faults = 0;
    service->restart_due_ns = 0;
    memset(&service->counters, 0, sizeof service->counters);
    list_init(&service->dead_link);
    service_policy_apply(service);
    struct service_instance *instance = service_instance_create(service);
    if (!instance)
        return -ENOMEM;
    service->instance = instance;
    service->status = SERVICE_STARTING;
    if (service->start) {
        /* In a crossing of the first instance: what start allocates is the instance's. */
        int error = GATE_CROSS(service, instance, "start", -EIO, service->start(service));
        if (error < 0 || !instance->alive) {
            klog(KLOG_ERROR, "service %s/%s failed to start: %s", service_kind_name(service->kind),
                 service->name, errno_name(error < 0 ? error : -EIO));
            service->status = SERVICE_UNREGISTERED;
            service_instance_kill(instance);
            return error < 0 ? error : -EIO;
        }
    }
    service->status = SERVICE_RUNNING;
    state = spin_lock_irqsave(&registry_lock);
    list_push_back(&registered[service->kind], &service->registry_link);
    service->registered = 1;
    spin_unlock_irqrestore(&registry_lock, state);
    klog(KLOG_INFO, "service %s/%s registered", service_kind_name(service->kind), service->name);
    return 0;
}

int services_unregister(struct service *service)
{
    spinlock_irq_state_t state = spin_lock_irqsave(&registry_lock);
    if (!service || !service->registered) {
        spin_unlock_irqrestore(&registry_lock, state);
        return -ENOENT;
    }
    if (service->active_calls > 0) {
        spin_unlock_irqrestore(&registry_lock, state);
        return -EBUSY;
    }
    list_remove(&service->registry_link);
    service->registered = 0;
    enum service_state previous = service->status;
    service->status = SERVICE_UNREGISTERED;
    if (previous == SERVICE_DEAD)
        list_remove(&service->dead_link);
    spin_unlock_irqrestore(&registry_lock, state);
    struct service_instance *instance = service->instance;
    if (service->stop && instance && instance->alive) {
        /* The stop hook runs in a crossing too; a fault in it is contained like any other. */
        service->status = SERVICE_RUNNING;
        GATE_CROSS_VOID(service, instance, "stop", service->stop(service));
        service->status = SERVICE_UNREGISTERED;
    }
    /* What the stop hook left in the arena is reclaimed with the instance. */
    service_instance_kill(instance);
    service_instances_reclaim();
    chardev_unregister_all(service); /* numbers the stop hook forgot stop being served */
    return 0;
}

struct service *services_lookup(enum service_kind kind, const char *name)
{
    if ((unsigned)kind >= SERVICE_KIND_COUNT || !name || !registry_ready)
        return NULL;
    spinlock_irq_state_t state = spin_lock_irqsave(&registry_lock);
    struct service *service = find_locked(kind, name);
    spin_unlock_irqrestore(&registry_lock, state);
    return service;
}

size_t services_list(enum service_kind kind, struct service **out, size_t max)
{
    if ((unsigned)kind >= SERVICE_KIND_COUNT || !registry_ready)
        return 0;
    size_t count = 0;
    spinlock_irq_state_t state = spin_lock_irqsave(&registry_lock);
    list_for_each(node, &registered[kind]) {
        if (count < max)
            out[count] = list_entry(node, struct service, registry_link);
        count++;
    }
    spin_unlock_irqrestore(&registry_lock, state);
    return count;
}

int services_register_network_stack(struct service *service)
{
    if (!service || service->kind != SERVICE_NETWORK_STACK)
        return -EINVAL;
    return services_register(service);
}

struct service *services_network_stack(void)
{
    if (!registry_ready)
        return NULL;
    spinlock_irq_state_t state = spin_lock_irqsave(&registry_lock);
    struct service *service = find_locked(SERVICE_NETWORK_STACK, NULL);
    spin_unlock_irqrestore(&registry_lock, state);
    return service;
}

int service_stub_enosys(void) { return -ENOSYS; }
int service_stub_create_socket_enosys(struct file **out) { return -ENOSYS; }
int service_stub_create_unix_socket_enosys(int type, struct file **out) { return -ENOSYS; }
void service_stub_void(void) {}

/* See rk/services.h: a network stack without /proc/net tables. */
long service_stub_render_table_enosys(enum network_table table, char *buffer, size_t size)
{
    return -ENOSYS;
}
