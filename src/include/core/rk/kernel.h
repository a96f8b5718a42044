/*
 * rk/kernel.h — bringing the Core up, shared by kernel_main() and the
 * hosted test harness.
 */
#ifndef RK_KERNEL_H
#define RK_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <rk/cmdline.h>
#include <rk/platform.h>
#include <rk/timer.h>

#define RINGKERNEL_VERSION "0.1.0"

/*
 * Initialise the Core on the running context: command line, klog level,
 * page allocator, heap, timers, scheduler (policy from "sched=" and
 * "rk.seed="), service registry. Returns 0 or a negative errno.
 * The running context becomes the boot/idle thread.
 */
int core_init(const struct boot_info *info);

/* The kernel's own command line, parsed by core_init(). */
const struct cmdline *kernel_cmdline(void);

/* Reset the heap to empty (core_init; forgets earlier slabs). */
void heap_init(void);
/* Forget every pending timer (core_init). */
void timers_reset(void);
/*
 * Tag the large allocation (a page run from kmalloc) at pointer with tag
 * (the service arenas' record of it): false when pointer is not the start
 * of one. heap_large_tag() returns the tag, NULL when none or not one.
 */
bool heap_large_set_tag(void *pointer, void *tag);
#define HEAP_LARGEST_SLAB_OBJECT 2048   /* larger kmalloc requests are page runs */
void *heap_large_tag(const void *pointer);
/* timer_init() for the Core's own timers: never a service's, even when set up inside a crossing. */
void core_timer_init(struct timer *timer, timer_callback_fn callback, void *argument);
/* Cancel every pending timer owned by instance (its death). Interrupts disabled. */
void timers_cancel_owned_by(struct service_instance *instance);
/* True when at least one timer is pending. */
bool timers_pending(void);
/* Forget every registered service (core_init). */
void services_reset(void);
/* Drop console input and waiters (core_init). */
void console_input_reset(void);
/* Forget every poll/select sleeper (core_init; rk/poll.h). */
void poll_reset(void);
/*
 * Copy up to length bytes of console input into buffer. When block is true
 * and nothing is pending, sleep until input arrives (not in interrupt
 * context). Returns the byte count.
 */
size_t console_input_read(char *buffer, size_t length, bool block);

/*
 * Deliberately crash as "rk.crash=" asks ("page-fault": write to address
 * 0x8; "panic": call panic(); "stack-overflow": a kernel thread recurses
 * into its stack's guard page). Used by tests of the fault path. Returns
 * only when kind is unknown.
 */
void core_crash_on_request(const char *kind);

/*
 * Build the namespace: mount a tmpfs root, unpack the initrd through the
 * loader service, mount proc on /proc and devtmpfs on /dev. Returns 0, or
 * the error of the root mount (the later steps only log their failures).
 */
int vfs_boot(const struct boot_info *info);

/* Remember the boot facts rk/system.h reports (core_init). */
void system_info_set(const struct boot_info *info);

/* Print the banner and the parsed command line on the console. */
void core_print_banner(const struct boot_info *info);

#endif
