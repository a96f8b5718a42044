/*
 * test_containment.c — the gate's containment (rk/gate.h,
 * rk/containment.h): each kind of service fault inside a crossing makes
 * the call yield EIO, the kernel goes on, the supervisor restarts the
 * service and the next call succeeds; the restart policy gives a service
 * that faults on every call up; arenas are reclaimed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <rk/containment.h>
#include <rk/errno.h>
#include <rk/file.h>
#include <rk/kernel.h>
#include <rk/platform.h>
#include <rk/timer.h>
#include <rk/fault_injection.h>
#include <rk/gate.h>
#include <rk/heap.h>
#include <rk/services.h>
#include <rk/thread.h>
#include "hosted.h"

#define SECOND 1000000000ull

/*
 * Boot and take the fault signals over. In the test body: CMocka puts its
 * own handlers back around every fixture call.
 */
static int boot_with(const char *command_line)
{
    assert_int_equal(hosted_test_boot(command_line), 0);
    assert_int_equal(hosted_faults_install(), 0);
    return 0;
}


static int boot(void **state) { return 0; }

static int unboot(void **state)
{
    hosted_faults_remove();
    return 0;
}

/* A test service whose operations misbehave on request. */
enum misdeed { BEHAVE, NULL_DEREFERENCE, PANIC, ASSERTION, DIVIDE, ALLOCATE_THEN_PANIC, SPIN,
               ALLOCATE_TWICE, KILLED_UNDER_ITS_FEET };

struct probe_ops {
    long (*act)(enum misdeed misdeed);
};

static int starts;
static void *last_allocation;

/* For KILLED_UNDER_ITS_FEET: a timer whose callback faults, a static timer, a file. */
static struct timer faulting_timer, static_timer;
static struct file *made_file;
static const struct file_ops no_file_ops;
static struct service probe;
static void panicking_callback(struct timer *timer, void *argument) { service_panic("timer faults"); }
static void quiet_callback(struct timer *timer, void *argument) {}

/*
 * The instance's own timer callback faults in an interrupt taken while this
 * thread runs inside the same instance: the thread then runs on in a dead
 * instance. What it does there must not reach the Core.
 */
static long killed_under_its_feet(void)
{
    timer_init(&faulting_timer, panicking_callback, NULL);
    timer_arm(&faulting_timer, 0);
    irq_flags_t flags = platform_irq_save();
    core_interrupt_enter();
    core_timer_interrupt();
    core_interrupt_leave();
    platform_irq_restore(flags);
    timer_init(&static_timer, quiet_callback, NULL);
    timer_arm(&static_timer, clock_now_ns() + 100 * 1000000000ull); /* refused: its owner is dead */
    made_file = file_alloc(&no_file_ops, &probe, 0);                /* born dead */
    service_kmalloc(16);                                             /* unwinds here: EIO */
    return 7;
}

static long probe_act(enum misdeed misdeed)
{
    switch (misdeed) {
    case BEHAVE:
        return 7;
    case NULL_DEREFERENCE: {
        long value;
        /* A real NULL load (in C the sanitizers would report it and stop first). */
        __asm__ volatile("movq 0, %0" : "=r"(value) : : "memory");
        return value;
    }
    case PANIC:
        service_panic("probe panics on purpose");
    case ASSERTION:
        SERVICE_ASSERT(misdeed == BEHAVE);
        return 0;
    case DIVIDE:
        __asm__ volatile("xorl %%ecx, %%ecx\n\tdivl %%ecx" : : : "eax", "ecx", "edx", "cc");
        return 0;
    case ALLOCATE_THEN_PANIC:
        last_allocation = service_kmalloc(100000);
        service_panic("probe leaks on purpose");
    case ALLOCATE_TWICE: {
        void *first = service_kmalloc(64);
        void *second = service_kmalloc(64);
        service_kfree(first);
        service_kfree(second);
        return 8;
    }
    case KILLED_UNDER_ITS_FEET:
        return killed_under_its_feet();
    case SPIN:
        for (;;)
            __asm__ volatile("pause" : : : "memory");
    }
    return -EINVAL;
}

static const struct probe_ops probe_ops = {.act = probe_act};

static int probe_start(struct service *service)
{
    starts++;
    return 0;
}

static void register_probe(void)
{
    probe = (struct service){.name = "probe", .kind = SERVICE_DRIVER, .ops = &probe_ops,
                             .start = probe_start};
    starts = 0;
    assert_int_equal(services_register(&probe), 0);
    assert_int_equal(starts, 1);
}

static long act(enum misdeed misdeed)
{
    return SERVICE_CALL(&probe, struct probe_ops, act, misdeed);
}

/* Each fault kind: EIO, dead, restarted by the supervisor, the next call works. */
static void each_fault_kind_is_contained_and_restarted(void **state)
{
    boot_with("loglevel=3");
    register_probe();
    static const enum misdeed misdeeds[] = {NULL_DEREFERENCE, PANIC, ASSERTION, DIVIDE};
    for (size_t i = 0; i < sizeof misdeeds / sizeof misdeeds[0]; i++) {
        assert_int_equal(act(BEHAVE), 7);
        unsigned generation = probe.generation;
        assert_int_equal(act(misdeeds[i]), -EIO);
        assert_int_equal(probe.status, SERVICE_DEAD);
        assert_null(gate_current_service());
        /* Dead: refused without entering. */
        assert_int_equal(act(BEHAVE), -EIO);
        assert_int_equal(service_wait_running(&probe, 5 * SECOND), 0);
        assert_int_equal(probe.status, SERVICE_RUNNING);
        assert_int_equal(probe.generation, generation + 1);
        assert_int_equal(act(BEHAVE), 7);
    }
    assert_int_equal(probe.counters.faults, 4);
    assert_int_equal(probe.counters.restarts, 4);
    assert_int_equal(starts, 5);
    struct containment_statistics statistics;
    containment_get_statistics(&statistics);
    assert_int_equal(statistics.contained, 4);
    assert_int_equal(statistics.restarts, 4);
}

/* What a dead instance allocated goes back to the heap in one step. */
static void a_dead_instance_arena_is_reclaimed(void **state)
{
    boot_with("loglevel=3");
    register_probe();
    struct heap_statistics before, after;
    heap_get_statistics(&before);
    assert_int_equal(act(ALLOCATE_THEN_PANIC), -EIO);
    assert_non_null(last_allocation);
    assert_int_equal(service_wait_running(&probe, 5 * SECOND), 0);
    heap_get_statistics(&after);
    struct containment_statistics statistics;
    containment_get_statistics(&statistics);
    assert_int_equal(statistics.reclaimed_instances, 1);
    assert_true(statistics.reclaimed_bytes >= 100000);
    /* The new instance record is the only thing left over. */
    assert_true(after.bytes_in_use <= before.bytes_in_use + 256);
}

/* A service that faults on every call: backoff, then given up for good. */
static void a_service_faulting_on_every_call_is_given_up(void **state)
{
    boot_with("loglevel=3 rk.restart=probe:on:3:1");
    register_probe();
    for (int attempt = 0; attempt < 3; attempt++) {
        assert_int_equal(act(PANIC), -EIO);
        assert_int_equal(service_wait_running(&probe, 5 * SECOND), 0);
        assert_int_equal(probe.status, SERVICE_RUNNING);
    }
    assert_int_equal(act(PANIC), -EIO);
    assert_int_equal(probe.status, SERVICE_FAILED);
    assert_int_equal(act(BEHAVE), -EIO);
    assert_int_equal(probe.counters.given_up, 1);
    assert_int_equal(probe.counters.restarts, 3);
}

/* A call that completes resets the count of faults in a row. */
static void completed_calls_reset_the_backoff(void **state)
{
    boot_with("loglevel=3 rk.restart=probe:on:2:1");
    register_probe();
    for (int round = 0; round < 5; round++) {
        assert_int_equal(act(NULL_DEREFERENCE), -EIO);
        assert_int_equal(service_wait_running(&probe, 5 * SECOND), 0);
        assert_int_equal(act(BEHAVE), 7);
        assert_int_equal(probe.consecutive_faults, 0);
    }
    assert_int_equal(probe.status, SERVICE_RUNNING);
}

/* Injected faults: counted as injected and manifested, named in the rules' counters. */
static void injected_faults_are_counted(void **state)
{
    boot_with("loglevel=3");
    register_probe();
    const char rule[] = "probe:act:random:every=2";
    assert_int_equal(fault_injection_command(rule, strlen(rule)), 0);
    int errors = 0;
    for (int call = 0; call < 20; call++) {
        if (act(BEHAVE) == -EIO)
            errors++;
        assert_int_equal(service_wait_running(&probe, 5 * SECOND), 0);
    }
    assert_int_equal(errors, 10);
    struct containment_statistics statistics;
    containment_get_statistics(&statistics);
    assert_int_equal(statistics.injected, 10);
    assert_int_equal(statistics.manifested, 10);
    char text[256];
    long length = fault_injection_render(text, sizeof text);
    assert_true(length > 0);
    assert_non_null(strstr(text, "probe:act:random:every=2 matched=20 fired=10"));
    assert_int_equal(fault_injection_command("clear", 5), 0);
    assert_int_equal(fault_injection_command("probe:act:bogus:every=2", 23), -EINVAL);
}

/* Code still running in an instance that died under it cannot arm timers or make live files. */
static void code_of_a_dead_instance_is_stopped(void **state)
{
    boot_with("loglevel=3");
    register_probe();
    assert_int_equal(act(KILLED_UNDER_ITS_FEET), -EIO);
    assert_false(static_timer.pending);
    assert_non_null(made_file);
    assert_false(service_instance_is_running(made_file->instance));
    assert_int_equal(service_wait_running(&probe, 5 * SECOND), 0);
    assert_int_equal(FILE_CALL(made_file, "read", -EIO, 42L), -EIO); /* not the new instance */
    file_put(made_file);
    assert_int_equal(act(BEHAVE), 7);
}

/* A rule on "kmalloc" hits in the middle of an operation, at its second allocation. */
static void an_allocation_point_fault_hits_mid_operation(void **state)
{
    boot_with("loglevel=3 rk.inject=probe:kmalloc:null:nth=2");
    register_probe();
    assert_int_equal(act(ALLOCATE_TWICE), -EIO);
    assert_int_equal(service_wait_running(&probe, 5 * SECOND), 0);
    assert_int_equal(act(ALLOCATE_TWICE), 8);
    struct containment_statistics statistics;
    containment_get_statistics(&statistics);
    assert_int_equal(statistics.injected, 1);
    assert_int_equal(statistics.manifested, 1);
    assert_int_equal(statistics.reclaimed_instances, 1); /* with the first allocation in it */
}

/* A fault outside any crossing is the kernel's: it halts (here: the exit handler). */
static jmp_buf halted;
static void back_to_the_test(int status) { longjmp(halted, status); }

static void a_fault_outside_a_crossing_is_a_kernel_panic(void **state)
{
    boot_with("loglevel=3");
    hosted_set_exit_handler(back_to_the_test);
    int status = setjmp(halted);
    if (status == 0) {
        service_panic("Core code calling service_panic");
        fail_msg("service_panic outside a crossing returned");
    }
    hosted_set_exit_handler(NULL);
    assert_int_not_equal(status, 0);
}

/* A service that never returns: the watchdog unwinds it. */
static void the_watchdog_ends_a_spinning_call(void **state)
{
    boot_with("loglevel=3 rk.watchdog_ms=300");
    register_probe();
    assert_int_equal(act(SPIN), -EIO);
    assert_int_equal(service_wait_running(&probe, 5 * SECOND), 0);
    assert_int_equal(act(BEHAVE), 7);
    assert_int_equal(probe.counters.faults, 1);
}

/* A fault inside the gate's own recovery path is the kernel's: it halts. */
static void a_fault_in_the_recovery_path_halts(void **state)
{
    boot_with("loglevel=3");
    register_probe();
    hosted_set_exit_handler(back_to_the_test);
    int status = setjmp(halted);
    if (status == 0) {
        containment_test_break_recovery();
        act(PANIC);
        fail_msg("a fault while containing a fault was contained");
    }
    hosted_set_exit_handler(NULL);
    assert_int_equal(status, 70);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(each_fault_kind_is_contained_and_restarted, boot, unboot),
        cmocka_unit_test_setup_teardown(a_dead_instance_arena_is_reclaimed, boot, unboot),
        cmocka_unit_test_setup_teardown(a_service_faulting_on_every_call_is_given_up, boot, unboot),
        cmocka_unit_test_setup_teardown(completed_calls_reset_the_backoff, boot, unboot),
        cmocka_unit_test_setup_teardown(injected_faults_are_counted, boot, unboot),
        cmocka_unit_test_setup_teardown(a_fault_outside_a_crossing_is_a_kernel_panic, boot, unboot),
        cmocka_unit_test_setup_teardown(the_watchdog_ends_a_spinning_call, boot, unboot),
        cmocka_unit_test_setup_teardown(an_allocation_point_fault_hits_mid_operation, boot, unboot),
        cmocka_unit_test_setup_teardown(code_of_a_dead_instance_is_stopped, boot, unboot),
        cmocka_unit_test_setup_teardown(a_fault_in_the_recovery_path_halts, boot, unboot),
    };
    return cmocka_run_group_tests_name("containment", tests, NULL, NULL);
}
