/*
 * remount.c — a filesystem service restarted after a fault: its mounts
 * come back (rk/containment.h, docs/containment.md).
 */
#include <rk/containment.h>
#include <rk/klog.h>

void vfs_service_restarted(struct service *service)
{
    klog(KLOG_WARNING, "vfs: %s restarted; its mounts are not re-attached yet", service->name);
}
