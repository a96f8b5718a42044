/*
 * network.c — the network stack service: its ops table (the seed's
 * NetworkStackService) and its registration. The parts are described in
 * network_internal.h.
 */
#include <rk/errno.h>
#include <rk/services.h>
#include <rk/system.h>

#include "network.h"
#include "network_internal.h"

/* See network_internal.h. */
bool network_caller_is_privileged(void)
{
    int pid = system_current_pid();
    if (pid == 0)
        return true;
    struct process_info info;
    if (system_process_info(pid, &info) < 0)
        return false;
    return info.euid == 0;
}

/* /proc/net tables: each part renders its own. */
static long network_render_table(enum network_table table, char *buffer, size_t size)
{
    switch (table) {
    case NETWORK_TABLE_DEV:
    case NETWORK_TABLE_ROUTE:
        return network_stack_render_table(table, buffer, size);
    case NETWORK_TABLE_TCP:
    case NETWORK_TABLE_UDP:
        return inet_render_table(table, buffer, size);
    case NETWORK_TABLE_UNIX:
        return unix_render_table(buffer, size);
    default:
        return -EINVAL;
    }
}

static const struct network_stack_ops network_ops = {
    .create_tcp_socket = inet_tcp_socket_create,
    .create_udp_socket = inet_udp_socket_create,
    .create_unix_socket = unix_socket_create,
    .process_packets = network_stack_process_packets,
    .render_table = network_render_table,
    .driver_restarted = network_stack_driver_restarted,
};

/*
 * Service start: lwIP and its interfaces. After a fault no stop ran: each
 * part forgets what the previous instance left (never walking it) and
 * starts afresh; lwIP's lists are cleared by network_stack_start.
 */
static int network_service_start(struct service *service)
{
    inet_sockets_reset();
    unix_sockets_start();
    return network_stack_start();
}

/* Service stop: every socket and interface is dropped. */
static void network_service_stop(struct service *service)
{
    unix_sockets_reset();
    network_stack_stop();
}

struct service network_service = {
    .name = "network",
    .kind = SERVICE_NETWORK_STACK,
    .ops = &network_ops,
    .start = network_service_start,
    .stop = network_service_stop,
};

/* See network.h. */
int network_service_register(void)
{
    return services_register_network_stack(&network_service);
}
