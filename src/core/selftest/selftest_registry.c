/*
 * selftest_registry.c — the service registry and the gate on the real backend.
 */
#include <rk/errno.h>
#include <rk/gate.h>
#include <rk/selftest.h>
#include <rk/services.h>

#include "selftests.h"

static struct service *seen_inside;

static int probe_create_socket(struct file **out)
{
    seen_inside = gate_current_service();
    *out = NULL;
    return -EAFNOSUPPORT;
}

static const struct network_stack_ops probe_network_stack_ops = {
    .create_tcp_socket = probe_create_socket,
    .create_udp_socket = service_stub_create_socket_enosys,
    .create_unix_socket = service_stub_create_unix_socket_enosys,
    .process_packets = service_stub_void,
    .render_table = service_stub_render_table_enosys,
};

/* Register a network stack, find it, call it through the gate, unregister it. */
int selftest_registry(void)
{
    static struct service probe = {
        .name = "selftest-net", .kind = SERVICE_NETWORK_STACK, .ops = &probe_network_stack_ops,
    };
    /* The built-in stack steps aside for the probe (one stack at a time). */
    struct service *builtin = services_network_stack();
    if (builtin)
        SELFTEST_CHECK(services_unregister(builtin) == 0);
    SELFTEST_CHECK(services_register_network_stack(&probe) == 0);
    SELFTEST_CHECK(services_network_stack() == &probe);
    struct file *file = (struct file *)1;
    seen_inside = NULL;
    int result = SERVICE_CALL(&probe, struct network_stack_ops, create_tcp_socket, &file);
    SELFTEST_CHECK(result == -EAFNOSUPPORT && file == NULL);
    SELFTEST_CHECK(seen_inside == &probe);
    SELFTEST_CHECK(gate_current_service() == NULL);
    SELFTEST_CHECK(probe.calls == 1 && probe.active_calls == 0);
    result = SERVICE_CALL(&probe, struct network_stack_ops, create_udp_socket, &file);
    SELFTEST_CHECK(result == -ENOSYS);
    SELFTEST_CHECK(services_unregister(&probe) == 0);
    SELFTEST_CHECK(services_network_stack() == NULL);
    if (builtin)
        SELFTEST_CHECK(services_register_network_stack(builtin) == 0);
    return 0;
}
