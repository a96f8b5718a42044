/*
 * rk/kernel.h — bringing the Core up, shared by kernel_main() and the
 * hosted test harness.
 */
#ifndef RK_KERNEL_H
#define RK_KERNEL_H

#include <rk/platform.h>

#define RINGKERNEL_VERSION "0.1.0"

/*
 * Initialise the Core on the running context: command line, klog level,
 * page allocator, heap, timers, scheduler (policy from "sched=" and
 * "rk.seed="), service registry. Returns 0 or a negative errno.
 * The running context becomes the boot/idle thread.
 */
int core_init(const struct boot_info *info);

/* Print the banner and the parsed command line on the console. */
void core_print_banner(const struct boot_info *info);

#endif
