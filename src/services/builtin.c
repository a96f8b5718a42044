/*
 * builtin.c — the services compiled into the kernel, registered at boot.
 * Each service exposes one registration function in its own header.
 */
#include <rk/errno.h>
#include <rk/klog.h>
#include <rk/services.h>

#include "devfs/devfs.h"
#include "initramfs/initramfs.h"
#include "network/network.h"
#include "procfs/procfs.h"
#include "tmpfs/tmpfs.h"
#include "tty/tty.h"
#include "virtio_net/virtio_net.h"

static int (*const builtin_registrations[])(void) = {
    tmpfs_service_register,
    devfs_service_register,
    procfs_service_register,
    initramfs_service_register,
    tty_service_register,
    /* Ethernet drivers register here, before the stack that finds them. */
    virtio_net_service_register,
    network_service_register,
};

int services_register_builtin(void)
{
    int first_error = 0;
    for (size_t i = 0; i < sizeof builtin_registrations / sizeof builtin_registrations[0]; i++) {
        int error = builtin_registrations[i]();
        if (error < 0) {
            klog(KLOG_ERROR, "built-in service %zu failed to register: %s", i, errno_name(error));
            if (first_error == 0)
                first_error = error;
        }
    }
    return first_error;
}
