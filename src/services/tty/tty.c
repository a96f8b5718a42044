/*
 * tty.c — the tty service: registration, and the device numbers it serves
 * from its start hook (rk/chardev.h): ttyS0 4:64, tty 5:0 and console
 * 5:1, all the one console tty (tty_device.c).
 */
#include <rk/chardev.h>
#include <rk/errno.h>
#include <rk/services.h>
#include <rk/vfs.h>

#include "tty.h"
#include "tty_internal.h"

/* service start hook: a fresh tty, then serve its numbers (all or none). */
static int tty_start(struct service *service)
{
    tty_reset(&tty_console);
    int error = chardev_register(device_number(TTY_MAJOR_SERIAL, TTY_MINOR_SERIAL0), 1,
                                 &tty_driver_ops, service);
    if (error < 0)
        return error;
    error = chardev_register(device_number(TTY_MAJOR_ALTERNATE, TTY_MINOR_CURRENT), 2,
                             &tty_driver_ops, service);
    if (error < 0)
        chardev_unregister_all(service);
    return error;
}

/* service stop hook: stop serving (open descriptions then fail with -EIO). */
static void tty_stop(struct service *service) { chardev_unregister_all(service); }

static struct service tty_service = {
    .name = "tty",
    .kind = SERVICE_DRIVER,
    .ops = &tty_driver_ops,
    .start = tty_start,
    .stop = tty_stop,
};

/* See tty.h. */
int tty_service_register(void) { return services_register(&tty_service); }
