/*
 * network_restart.c — the network stack or an Ethernet driver restarted
 * after a fault: attach them again (rk/containment.h).
 */
#include <rk/containment.h>
#include <rk/klog.h>

void network_service_restarted(struct service *service)
{
    klog(KLOG_WARNING, "network: %s restarted; not re-attached yet", service->name);
}
