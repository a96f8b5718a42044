/*
 * attachments.c — what the Core attached a service to: dropped when an
 * instance dies, put back when the service restarts (rk/containment.h).
 */
#include <rk/chardev.h>
#include <rk/containment.h>
#include <rk/kernel.h>

#include "containment_internal.h"

void containment_release_registrations(struct service_instance *instance)
{
    struct service *service = instance->service;
    /* Only when no newer instance registered its own in the meantime. */
    if (service->instance == NULL)
        chardev_unregister_all(service);
    virtio_release_instance(instance);
    irq_flags_t flags = platform_irq_save();
    timers_cancel_owned_by(instance); /* armed again after the death by code still running */
    platform_irq_restore(flags);
}

void containment_reattach(struct service *service)
{
    switch (service->kind) {
    case SERVICE_FILESYSTEM:
        vfs_service_restarted(service);
        break;
    case SERVICE_DRIVER:
    case SERVICE_NETWORK_STACK:
        network_service_restarted(service);
        break;
    default:
        break;
    }
}
