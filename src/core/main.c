/*
 * main.c — bringing the Core up (core_init) and the kernel's first thread
 * of control (kernel_main), plus the fault upcall.
 */
#include <rk/containment.h>
#include <rk/clock.h>
#include <rk/cmdline.h>
#include <rk/errno.h>
#include <rk/exec.h>
#include <rk/heap.h>
#include <rk/kernel.h>
#include <rk/klog.h>
#include <rk/epoll.h>
#include <rk/network.h>
#include <rk/page_alloc.h>
#include <rk/path.h>
#include <rk/pipe.h>
#include <rk/process.h>
#include <rk/panic.h>
#include <rk/sched.h>
#include <rk/selftest.h>
#include <rk/services.h>
#include <rk/signal.h>
#include <rk/string.h>
#include <rk/syscall.h>

static struct cmdline kernel_command_line;

const struct cmdline *kernel_cmdline(void) { return &kernel_command_line; }

/* Pick the scheduler policy from "sched=" and "rk.seed=". */
static const struct sched_policy_ops *choose_policy(const struct cmdline *cmdline)
{
    uint64_t seed = 0;
    bool seeded = cmdline_get_u64(cmdline, "rk.seed", &seed) == 0;
    const char *name = cmdline_get(cmdline, "sched");
    if (name && strcmp(name, "round-robin") == 0)
        return &sched_policy_round_robin;
    if ((name && strcmp(name, "seeded") == 0) || seeded) {
        sched_policy_seeded_set_seed(seed);
        return &sched_policy_seeded;
    }
    if (name)
        klog(KLOG_WARNING, "sched=%s: unknown policy, using round-robin", name);
    return &sched_policy_round_robin;
}

/* Apply "loglevel=N" and "quiet" to the console log level. */
static void apply_log_level(const struct cmdline *cmdline)
{
    uint64_t level;
    if (cmdline_has(cmdline, "quiet"))
        klog_set_console_level(KLOG_WARNING);
    if (cmdline_get_u64(cmdline, "loglevel", &level) == 0)
        klog_set_console_level(level > KLOG_DEBUG ? KLOG_DEBUG : (enum klog_level)level);
}

int core_init(const struct boot_info *info)
{
    klog_reset(); /* a boot again (hosted tests, fuzzing) starts with an empty log */
    int cmdline_error = cmdline_parse(&kernel_command_line, info->command_line);
    const struct cmdline *cmdline = kernel_cmdline();
    apply_log_level(cmdline);
    if (cmdline_error < 0)
        klog(KLOG_WARNING, "command line: %s, keeping the options before the problem",
             errno_name(cmdline_error));

    int error = page_allocator_init(info->memory, info->memory_count);
    if (error < 0)
        return error;
    heap_init();
    timers_reset();
    console_input_reset();
    poll_reset();
    clock_realtime_reset();
    sched_init(choose_policy(cmdline));
    syscall_table_build();
    containment_reset();
    containment_configure(cmdline);
    services_reset();
    processes_reset();
    mounts_reset();
    chardev_registry_reset();
    pipes_reset();
    network_reset();
    epoll_reset();
    system_info_set(info);
    if (services_register_builtin() < 0)
        klog(KLOG_WARNING, "some built-in services did not register");
    if (service_supervisor_start() < 0)
        klog(KLOG_WARNING, "no service supervisor: faulting services will not restart");
    vfs_boot(info);
    network_boot();

    struct page_allocator_statistics pages;
    page_allocator_get_statistics(&pages);
    klog(KLOG_INFO, "memory: %llu KiB free of %llu KiB in %zu region(s), scheduler %s",
         (unsigned long long)(pages.free_pages * PAGE_SIZE / 1024),
         (unsigned long long)(info->total_memory_bytes / 1024), info->memory_count,
         sched_policy()->name);
    return 0;
}

void core_print_banner(const struct boot_info *info)
{
    console_printf("ringkernel %s (%s) booting\n", RINGKERNEL_VERSION, info->platform_name);
    console_printf("command line: %s\n", info->command_line);
    const struct cmdline *cmdline = kernel_cmdline();
    for (size_t i = 0; i < cmdline->option_count; i++)
        console_printf("  option %s = \"%s\"\n", cmdline->options[i].key, cmdline->options[i].value);
    if (cmdline->init_arguments[0])
        console_printf("  init arguments: %s\n", cmdline->init_arguments);
}

/* Recurse until the stack runs out (rk.crash=stack-overflow); *limit keeps GCC from proving it endless. */
static unsigned overflow_the_stack(unsigned depth, const volatile unsigned *limit)
{
    volatile char frame[512];
    frame[0] = (char)depth;
    if (depth >= *limit)
        return frame[0];
    return overflow_the_stack(depth + 1, limit) + frame[0];
}

/* Thread body for rk.crash=stack-overflow. */
static void stack_overflow_thread(void *argument)
{
    klog(KLOG_NOTICE, "rk.crash=stack-overflow: recursing on a %zu-byte kernel stack",
         (size_t)(PAGE_SIZE << THREAD_STACK_ORDER));
    static const volatile unsigned no_limit = ~0u;
    overflow_the_stack(0, &no_limit);
}

void core_crash_on_request(const char *kind)
{
    if (strcmp(kind, "stack-overflow") == 0) {
        struct thread *thread = thread_create("overflow", stack_overflow_thread, NULL);
        if (thread)
            sched_run_until_idle(); /* the guard page stops it: a fault, then halt */
    }
    if (strcmp(kind, "page-fault") == 0) {
        klog(KLOG_NOTICE, "rk.crash=page-fault: writing to address 0x8");
        volatile uint64_t *volatile target = (volatile uint64_t *)8;
        *target = 1;
    } else if (strcmp(kind, "panic") == 0) {
        panic("rk.crash=panic requested");
    }
    klog(KLOG_WARNING, "rk.crash=%s: unknown kind, ignored", kind);
}

static const char *const fault_kind_names[] = {
    [PLATFORM_FAULT_PAGE] = "page fault",
    [PLATFORM_FAULT_GENERAL_PROTECTION] = "general protection fault",
    [PLATFORM_FAULT_INVALID_OPCODE] = "invalid opcode",
    [PLATFORM_FAULT_DIVIDE] = "divide error",
    [PLATFORM_FAULT_BREAKPOINT] = "breakpoint",
    [PLATFORM_FAULT_OTHER] = "exception",
};

enum platform_fault_action core_fault(const struct platform_fault *fault)
{
    /* User mode: a signal for the process, delivered on the way out (rk/signal.h). */
    if (fault->user_mode && signal_user_fault(fault) == PLATFORM_FAULT_RESUME)
        return PLATFORM_FAULT_RESUME;
    /* Kernel mode inside a service: contained, the call returns EIO (rk/gate.h). */
    if (!fault->user_mode && gate_contain_cpu_fault(fault))
        return PLATFORM_FAULT_RESUME;
    uintptr_t offset = 0;
    const char *function = platform_symbolize(fault->instruction_pointer, &offset);
    const char *kind = (unsigned)fault->kind < sizeof fault_kind_names / sizeof fault_kind_names[0]
                           ? fault_kind_names[fault->kind]
                           : "exception";
    console_printf("\nKERNEL FAULT: %s (vector %u) in %s mode at %p %s+0x%lx, address %p\n", kind,
                   fault->vector, fault->user_mode ? "user" : "kernel",
                   (void *)fault->instruction_pointer, function ? function : "?",
                   (unsigned long)offset, (void *)fault->address);
    struct thread *thread = thread_current();
    if (thread)
        console_printf("thread %llu (%s)\n", (unsigned long long)thread->id, thread->name);
    platform_fault_dump(fault);
    backtrace_print(fault->frame_pointer);
    return PLATFORM_FAULT_FATAL;
}

void kernel_main(const struct boot_info *info)
{
    int error = core_init(info);
    if (error < 0)
        panic("core_init failed: %s", errno_name(error));
    core_print_banner(info);

    const struct cmdline *cmdline = kernel_cmdline();
    const char *crash = cmdline_get(cmdline, "rk.crash");
    if (crash)
        core_crash_on_request(crash);

    const char *tests = cmdline_get(cmdline, "rk.test");
    if (tests) {
        int failures = selftest_run(tests);
        platform_power_off(failures < 0 ? 127 : (failures > 100 ? 100 : failures));
    }
    /* pid 1 (rdinit=, init=, the usual paths); its thread powers off when none can run. */
    error = exec_start_init();
    if (error < 0) {
        klog(KLOG_EMERGENCY, "cannot start init: %s: powering off", errno_name(error));
        platform_power_off(1);
    }
    sched_idle_loop();
}
