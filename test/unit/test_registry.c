/* test_registry.c — the service registry and the service gate. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <rk/errno.h>
#include <rk/gate.h>
#include <rk/services.h>
#include "hosted.h"

static int boot(void **state)
{
    assert_int_equal(hosted_test_boot("loglevel=3"), 0);
    return 0;
}

/* A filesystem-kind test service: ops with one method that reports where it runs. */
struct probe_ops {
    int (*where)(struct service **inside);
    int (*nested)(struct service *other, struct service **inner, struct service **after);
    int (*unregister_self)(struct service *self);
};

static int probe_where(struct service **inside)
{
    *inside = gate_current_service();
    return 11;
}

static int probe_nested(struct service *other, struct service **inner, struct service **after)
{
    int result = SERVICE_CALL(other, struct probe_ops, where, inner);
    *after = gate_current_service();
    return result;
}

static int probe_unregister_self(struct service *self) { return services_unregister(self); }

static const struct probe_ops probe_ops = {
    .where = probe_where,
    .nested = probe_nested,
    .unregister_self = probe_unregister_self,
};

static int start_calls, stop_calls, start_result;
static int probe_start(struct service *service)
{
    start_calls++;
    service->state = &start_calls;
    return start_result;
}
static void probe_stop(struct service *service)
{
    stop_calls++;
    service->state = NULL;
}

static struct service make_service(const char *name, enum service_kind kind)
{
    return (struct service){ .name = name, .kind = kind, .ops = &probe_ops,
                             .start = probe_start, .stop = probe_stop };
}

static void register_and_look_up(void **state)
{
    static struct service alpha, beta;
    alpha = make_service("alphafs", SERVICE_DRIVER);
    beta = make_service("betafs", SERVICE_DRIVER);
    start_calls = stop_calls = start_result = 0;
    assert_int_equal(services_register(&alpha), 0);
    assert_int_equal(services_register(&beta), 0);
    assert_int_equal(start_calls, 2);
    assert_ptr_equal(alpha.state, &start_calls);
    assert_int_equal(alpha.generation, 1);
    assert_ptr_equal(services_lookup(SERVICE_DRIVER, "alphafs"), &alpha);
    assert_ptr_equal(services_lookup(SERVICE_DRIVER, "betafs"), &beta);
    assert_null(services_lookup(SERVICE_DRIVER, "ext4"));
    assert_null(services_lookup(SERVICE_FILESYSTEM, "alphafs"));
    assert_null(services_lookup(SERVICE_KIND_COUNT, "alphafs"));
    /* After the built-in drivers (the tty service), in registration order. */
    struct service *listed[8];
    size_t builtin = services_list(SERVICE_DRIVER, listed, 8) - 2;
    assert_int_equal(services_list(SERVICE_DRIVER, listed, 8), builtin + 2);
    assert_ptr_equal(listed[builtin], &alpha);
    assert_ptr_equal(listed[builtin + 1], &beta);
    assert_int_equal(services_list(SERVICE_DRIVER, listed, 1), builtin + 2);
    /* The built-in network stack. */
    assert_int_equal(services_list(SERVICE_NETWORK_STACK, listed, 4), 1);
}

static void duplicates_and_bad_services_are_refused(void **state)
{
    static struct service first, second, other_kind, nameless, no_ops, bad_kind;
    first = make_service("gammafs", SERVICE_FILESYSTEM);
    second = make_service("gammafs", SERVICE_FILESYSTEM);
    other_kind = make_service("gammafs", SERVICE_DRIVER);
    nameless = make_service("", SERVICE_DRIVER);
    no_ops = make_service("x", SERVICE_DRIVER);
    no_ops.ops = NULL;
    bad_kind = make_service("y", SERVICE_KIND_COUNT);
    start_result = 0;
    assert_int_equal(services_register(&first), 0);
    assert_int_equal(services_register(&second), -EEXIST);
    assert_int_equal(services_register(&first), -EINVAL); /* already registered */
    assert_int_equal(services_register(&other_kind), 0);
    assert_int_equal(services_register(&nameless), -EINVAL);
    assert_int_equal(services_register(&no_ops), -EINVAL);
    assert_int_equal(services_register(&bad_kind), -EINVAL);
    assert_int_equal(services_register(NULL), -EINVAL);
}

static void failing_start_leaves_nothing_registered(void **state)
{
    static struct service broken;
    broken = make_service("broken", SERVICE_DRIVER);
    start_result = -ENODEV;
    assert_int_equal(services_register(&broken), -ENODEV);
    assert_null(services_lookup(SERVICE_DRIVER, "broken"));
    start_result = 0;
    assert_int_equal(services_register(&broken), 0);
}

static int fake_tcp(struct file **out)
{
    *out = (struct file *)0x1234;
    return 0;
}

static const struct network_stack_ops fake_network_stack_ops = {
    .create_tcp_socket = fake_tcp,
    .create_udp_socket = service_stub_create_socket_enosys,
    .create_unix_socket = service_stub_create_unix_socket_enosys,
    .process_packets = service_stub_void,
    .render_table = service_stub_render_table_enosys,
};

static void one_network_stack_through_the_gate(void **state)
{
    static struct service lwip, second;
    lwip = (struct service){ .name = "lwip", .kind = SERVICE_NETWORK_STACK, .ops = &fake_network_stack_ops };
    second = (struct service){ .name = "other", .kind = SERVICE_NETWORK_STACK, .ops = &fake_network_stack_ops };
    /* The built-in stack steps aside: one stack at a time. */
    struct service *builtin = services_network_stack();
    assert_non_null(builtin);
    assert_int_equal(services_unregister(builtin), 0);
    assert_null(services_network_stack());
    assert_int_equal(services_register_network_stack(&lwip), 0);
    assert_int_equal(services_register_network_stack(&second), -EEXIST);
    struct service *filesystem = &second;
    filesystem->kind = SERVICE_FILESYSTEM;
    assert_int_equal(services_register_network_stack(filesystem), -EINVAL);
    struct service *net = services_network_stack();
    assert_ptr_equal(net, &lwip);
    struct file *file = NULL;
    assert_int_equal(SERVICE_CALL(net, struct network_stack_ops, create_tcp_socket, &file), 0);
    assert_ptr_equal(file, (struct file *)0x1234);
    assert_int_equal(SERVICE_CALL(net, struct network_stack_ops, create_udp_socket, &file), -ENOSYS);
    assert_int_equal(SERVICE_CALL(net, struct network_stack_ops, create_unix_socket, 1, &file), -ENOSYS);
    SERVICE_CALL_VOID(net, struct network_stack_ops, process_packets);
    assert_int_equal(lwip.calls, 4);
    assert_int_equal(lwip.active_calls, 0);
}

static void gate_records_nested_crossings(void **state)
{
    static struct service outer, inner;
    outer = make_service("outer", SERVICE_DRIVER);
    inner = make_service("inner", SERVICE_DRIVER);
    assert_int_equal(services_register(&outer), 0);
    assert_int_equal(services_register(&inner), 0);
    struct service *seen_inner = NULL, *seen_after = NULL;
    assert_null(gate_current_service());
    int result = SERVICE_CALL(&outer, struct probe_ops, nested, &inner, &seen_inner, &seen_after);
    assert_int_equal(result, 11);
    assert_ptr_equal(seen_inner, &inner);
    assert_ptr_equal(seen_after, &outer);
    assert_null(gate_current_service());
    assert_int_equal(outer.calls, 2); /* its start hook ran in a crossing too */
    assert_int_equal(inner.calls, 2);
}

static void unregister_checks_state(void **state)
{
    static struct service busy;
    busy = make_service("busy", SERVICE_DRIVER);
    start_result = 0;
    stop_calls = 0;
    assert_int_equal(services_unregister(&busy), -ENOENT);
    assert_int_equal(services_register(&busy), 0);
    /* A service cannot be unregistered while a call is inside it. */
    assert_int_equal(SERVICE_CALL(&busy, struct probe_ops, unregister_self, &busy), -EBUSY);
    assert_int_equal(services_unregister(&busy), 0);
    assert_int_equal(stop_calls, 1);
    assert_null(busy.state);
    assert_null(services_lookup(SERVICE_DRIVER, "busy"));
    assert_int_equal(services_unregister(&busy), -ENOENT);
}

static void kind_names_and_stubs(void **state)
{
    assert_string_equal(service_kind_name(SERVICE_NETWORK_STACK), "network-stack");
    assert_string_equal(service_kind_name(SERVICE_FILESYSTEM), "filesystem");
    assert_string_equal(service_kind_name(SERVICE_DRIVER), "driver");
    assert_string_equal(service_kind_name(SERVICE_KIND_COUNT), "unknown");
    assert_int_equal(service_stub_enosys(), -ENOSYS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(register_and_look_up, boot),
        cmocka_unit_test_setup(duplicates_and_bad_services_are_refused, boot),
        cmocka_unit_test_setup(failing_start_leaves_nothing_registered, boot),
        cmocka_unit_test_setup(one_network_stack_through_the_gate, boot),
        cmocka_unit_test_setup(gate_records_nested_crossings, boot),
        cmocka_unit_test_setup(unregister_checks_state, boot),
        cmocka_unit_test_setup(kind_names_and_stubs, boot),
    };
    return cmocka_run_group_tests_name("registry", tests, NULL, NULL);
}
