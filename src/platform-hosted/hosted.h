/*
 * hosted.h — the hosted backend's test harness API.
 *
 * Tests (test/hosted, the unit and syscall suites, the fuzzers and the
 * benchmarks) include this header; the Core and Services never do.
 * Everything here runs on the single host thread.
 */
#ifndef HOSTED_H
#define HOSTED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rk/platform.h>

/* ----------------------------------------------------------------- boot */

/*
 * (Re)initialise the backend for an in-process test: a fresh zeroed arena
 * (hosted.memory= from command_line, default 64 MiB), the virtual clock at
 * 0 (the real clock with hosted.clock=real, for tests that talk to a tap)
 * with no timer armed, no stdin input, interrupts disabled, Core upcalls
 * restored, console capture and the exit handler off, the virtio devices
 * built anew (hosted_virtio_net_add's and hosted.net='s: fresh registers,
 * queues, backlogs and statistics), then core_init() on the calling context
 * (the caller's stack becomes the boot/idle thread). Callable again from
 * every CMocka group setup. command_line may be NULL ("").
 * hosted.initrd=PATH loads an initrd as in the executable.
 * Returns core_init()'s result, -EINVAL for a bad hosted.memory= or
 * hosted.clock=, -ENOMEM when the arena cannot be mapped, the initrd's
 * load error, or the error of a hosted.net= backend.
 */
int hosted_test_boot(const char *command_line);

/*
 * hosted_test_boot() for the fuzzers, which boot once per input: the arena
 * of the previous boot is kept when its size is unchanged and is not zeroed
 * (frame 0, the kernel page-table root, is), which saves mapping and
 * faulting in fresh memory every time. The Core zeroes what it relies on,
 * so the booted state is the same; only the contents of free frames differ.
 * Same results as hosted_test_boot().
 */
int hosted_fuzz_boot(const char *command_line);

/*
 * Kernel stacks the backend holds (platform_kernel_stack_alloc's pool):
 * returns how many, *in_use (may be NULL) how many are handed out. A boot
 * takes every stack back; at most 256 free ones are kept.
 */
size_t hosted_kernel_stacks_pooled(size_t *in_use);

/* The boot_info the last boot handed to the Core. */
const struct boot_info *hosted_boot_info(void);

/* The arena ("physical memory"): host address and size in bytes. */
void *hosted_memory_arena(void);
uint64_t hosted_memory_size(void);

/* ---------------------------------------------------------------- clock */

/* True when platform_clock_ns() is the virtual clock. */
bool hosted_clock_is_virtual(void);
/*
 * Move the virtual clock forward by nanoseconds. A timer whose deadline
 * is passed fires at the next platform_idle(), not here.
 * Returns 0, or -EINVAL on the real clock.
 */
int hosted_clock_advance(uint64_t nanoseconds);
/*
 * Make busy kernel code take virtual time: every platform_poll_events()
 * (the Core's yield points, e.g. between chunks of a long copy) moves the
 * virtual clock forward by nanoseconds first, so timers can expire while
 * no thread idles. 0 (the default, and after every boot) turns it off.
 */
void hosted_set_busy_tick(uint64_t nanoseconds);
/* True when the one-shot timer is armed; stores its deadline in *deadline_ns (may be NULL). */
bool hosted_timer_is_armed(uint64_t *deadline_ns);
/* Number of platform_idle() calls since the last boot. */
uint64_t hosted_idle_count(void);

/* ----------------------------------------------------------- interrupts */

typedef void (*hosted_interrupt_handler_fn)(void);

/*
 * Replace the upcall platform_idle() makes on timer expiry (default
 * core_timer_interrupt) or console input (default core_console_input).
 * NULL restores the Core's upcall. Reset by hosted_test_boot().
 */
void hosted_set_timer_handler(hosted_interrupt_handler_fn handler);
void hosted_set_console_handler(hosted_interrupt_handler_fn handler);
/* True while a timer or console upcall (or a fault) is being delivered. */
bool hosted_in_interrupt(void);

/* -------------------------------------------------------------- console */

/*
 * Queue bytes as console input; the console upcall runs at the next
 * platform_idle(). Returns how many bytes fitted in the input buffer.
 */
size_t hosted_console_inject(const char *bytes, size_t length);
/*
 * Collect console output in a buffer (64 KiB, the excess is dropped)
 * instead of (echo false) or besides (echo true) writing it to stdout.
 * Starting again empties the buffer.
 */
void hosted_console_capture_begin(bool echo);
/* The captured text, NUL-terminated; *length (may be NULL) gets its length. */
const char *hosted_console_captured(size_t *length);
/* Stop capturing (the buffer stays readable until the next begin). */
void hosted_console_capture_end(void);

/* --------------------------------------------------------------- paging */

/* Number of page-table frames (root included) in the user half of space. */
size_t hosted_address_space_table_frames(const struct platform_address_space *space);
/* Page-table frames taken from core_frame_alloc() and not yet given back. */
long hosted_page_table_frames_in_use(void);
/* The space last passed to platform_address_space_activate() (the kernel's at boot). */
struct platform_address_space *hosted_active_address_space(void);

/* ------------------------------------------------------ virtio devices */

/*
 * In-process virtio-net devices (virtio_net_device.c), found by the Core
 * through the platform virtio transport. A device's backend says where
 * its transmitted frames go and where received ones come from:
 *   "loopback"    one device: every frame it transmits comes back to it
 *                 as received (a cable plugged into itself);
 *   "pair"        two devices wired to each other;
 *   "tap:IFNAME"  one device on the host tap interface IFNAME (opened
 *                 with IFF_TAP | IFF_NO_PI, created when missing; needs
 *                 CAP_NET_ADMIN), read through the libuv loop.
 * Device work (consuming transmitted buffers, filling receive buffers,
 * raising the driver's "interrupt") happens in platform_idle() and
 * platform_poll_events(), never inside a queue notification.
 * The executable and hosted_test_boot() also take hosted.net=BACKEND[,BACKEND...]
 * on the command line: devices for that boot only, after the remembered ones.
 */

/*
 * Add the device(s) of backend to every later boot (the running one is
 * unchanged) until hosted_virtio_reset(). A tap interface is opened now.
 * Returns 0, -EINVAL (unknown backend, bad interface name), -ENOSPC (more
 * than 8 devices), or the errno of opening the tap (-EPERM without
 * CAP_NET_ADMIN, -ENOENT without /dev/net/tun...).
 */
int hosted_virtio_net_add(const char *backend);
/*
 * Forget the remembered devices (their tap fds are closed) and withheld
 * features: later boots have only the devices of hosted.net=. The running boot's tap devices lose
 * their host side (their frames are dropped).
 */
void hosted_virtio_reset(void);

/*
 * Feature bits the virtio-net devices of later boots do not offer (e.g.
 * VIRTIO_NET_F_MAC (1 << 5), VIRTIO_NET_F_STATUS (1 << 16)), to test a
 * driver on a plainer device. hosted_virtio_reset() offers all again.
 */
void hosted_virtio_net_withhold_features(uint32_t features);

/* What a device did (since its boot). */
struct hosted_virtio_net_statistics {
    uint64_t transmitted;       /* frames taken from the transmit queue and sent on */
    uint64_t transmit_errors;   /* transmit buffers with a bad length (returned unsent) */
    uint64_t received;          /* frames written into receive buffers */
    uint64_t dropped;           /* frames lost: peer not live, tap write failed, backlog full,
                                   receive buffer too small, oversized tap frame */
    uint64_t interrupts;        /* "interrupts" raised */
};
/* Statistics of device number of the running boot. Returns 0 or -ENODEV. */
int hosted_virtio_net_statistics(size_t device, struct hosted_virtio_net_statistics *statistics);
/* The feature bits the driver accepted (0 before it did). Returns 0 or -ENODEV. */
int hosted_virtio_net_driver_features(size_t device, uint32_t *features);
/*
 * Set the link status bit of the device's config (VIRTIO_NET_S_LINK_UP);
 * a config-change interrupt follows at the next poll. 0 or -ENODEV.
 */
int hosted_virtio_net_set_link(size_t device, bool up);

/* A bad device, for testing what drivers do with it: one-shot faults. */
enum hosted_virtio_fault {
    HOSTED_VIRTIO_FAULT_NONE,
    HOSTED_VIRTIO_FAULT_USED_ID,      /* the next used receive element names a buffer id out of range */
    HOSTED_VIRTIO_FAULT_USED_LENGTH,  /* ... reports more bytes than its buffer holds */
    HOSTED_VIRTIO_FAULT_USED_INDEX,   /* ... moves the used index more than a ring ahead */
};
/* Arm fault on device number of the running boot. Returns 0, -ENODEV or -EINVAL. */
int hosted_virtio_net_inject_fault(size_t device, enum hosted_virtio_fault fault);

/* ---------------------------------------------------------------- power */

typedef void (*hosted_exit_handler_fn)(int status);

/*
 * Called by platform_power_off(status) and platform_halt() (status 70)
 * instead of exiting the process, e.g. to longjmp back into a test. The
 * handler must not return (if it does, the process exits). NULL restores
 * exiting; hosted_test_boot() does that too.
 */
void hosted_set_exit_handler(hosted_exit_handler_fn handler);

/* ------------------------------------------------------------ user mode */

/*
 * The hosted backend runs no user code: platform_user_enter() calls the
 * installed program instead, on the running thread (whose kernel stack it
 * resets first, as on x86), with interrupts enabled and a pointer to the
 * thread's user-register frame: a copy of what platform_user_enter() got,
 * which the program may read (rip, rax... tell it what to do) and change.
 * When the program returns, the thread makes the exit_group(0) syscall
 * through hosted_user_syscall(); if that returns, the machine halts.
 * Without a program, platform_user_enter() halts with a message.
 */
typedef void (*hosted_user_program)(struct user_registers *registers);

/* Install program for every later platform_user_enter(); NULL removes it. Reset by hosted_test_boot(). */
void hosted_set_user_program(hosted_user_program program);

/*
 * A SYSCALL "from user mode" with registers as the thread's user state:
 *   hosted_user_syscall(registers, number, arguments...)   (0 to 6 arguments, as long)
 * sets rax = orig_rax = number, the arguments in rdi, rsi, rdx, r10, r8,
 * r9, rcx = rip and r11 = rflags (what the CPU does), then calls
 * core_syscall(registers) and core_return_to_user(registers) with
 * interrupts enabled, exactly as the x86 SYSCALL path does, and returns
 * rax. The Core may have changed any field (signal delivery, sigreturn):
 * the program reads them afterwards. Interrupts are enabled on return.
 */
#define hosted_user_syscall(registers, ...) \
    hosted_user_syscall_array((registers), (const long[7]){__VA_ARGS__})
/* hosted_user_syscall()'s function: call[0] is the number, call[1..6] the arguments. */
long hosted_user_syscall_array(struct user_registers *registers, const long call[7]);

/* --------------------------------------------------------------- faults */

/*
 * Install the SIGSEGV/SIGBUS/SIGILL/SIGFPE/SIGTRAP handlers (on a
 * sigaltstack) that report faults to core_fault(). The executable does this
 * at boot; tests only when they want it (CMocka has its own handlers).
 * Returns 0 or a negative errno.
 */
int hosted_faults_install(void);
/* Put back the handlers that were installed before (e.g. CMocka's). */
void hosted_faults_remove(void);

#endif /* HOSTED_H */
