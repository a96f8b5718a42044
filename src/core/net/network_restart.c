/*
 * network_restart.c — the network stack or an Ethernet driver restarted
 * after a fault: attach them again (rk/containment.h).
 *
 * The stack: its start hook (run by the supervisor in a crossing of the
 * new instance) already found the Ethernet drivers, made their netifs and
 * applied ip= and lo again, as at boot; the Core makes sure the network
 * thread exists and runs it once (frames that arrived while the stack was
 * dead, timers). A driver: the stack's driver_restarted op re-attaches
 * the driver's interfaces (brings up what was up), then the thread runs.
 */
#include <rk/containment.h>
#include <rk/ethernet.h>
#include <rk/gate.h>
#include <rk/klog.h>
#include <rk/network.h>

/* See rk/services.h: a stack without the slot has nothing to re-attach. */
void service_stub_driver_restarted(struct service *driver) { (void)driver; }

/* See rk/containment.h. Thread context (the supervisor, or a test's service_restart). */
void network_service_restarted(struct service *service)
{
    if (service->kind == SERVICE_DRIVER) {
        if (service->driver_class != DRIVER_CLASS_ETHERNET)
            return;
        struct service *stack = services_network_stack();
        const struct network_stack_ops *ops = stack ? stack->ops : NULL;
        if (ops && ops->driver_restarted) {
            int error = SERVICE_CALL_VOID(stack, struct network_stack_ops, driver_restarted, service);
            if (error < 0)
                klog(KLOG_WARNING, "network: %s restarted but the stack could not re-attach it",
                     service->name);
        }
        network_request_processing();
        return;
    }
    if (service->kind != SERVICE_NETWORK_STACK)
        return;
    int error = network_start();
    if (error < 0)
        klog(KLOG_ERROR, "network: no processing thread after the restart: %s", errno_name(error));
    network_request_processing();
}
