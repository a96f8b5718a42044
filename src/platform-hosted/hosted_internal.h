/*
 * hosted_internal.h — what the files of the hosted backend share.
 * Only the files of src/platform-hosted include it; tests use hosted.h.
 *
 * The hosted machine is single-threaded: every function here runs on the
 * one host thread (kernel contexts are ucontext/asm coroutines on it), so
 * no locking is needed beyond the virtual interrupt flag.
 */
#ifndef HOSTED_INTERNAL_H
#define HOSTED_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rk/platform.h>

/* Where the arena ("physical memory") starts in the fake physical address space. */
#define HOSTED_PHYSICAL_BASE ((paddr_t)0x100000)
#define HOSTED_DEFAULT_MEMORY_BYTES ((uint64_t)64 << 20)
#define HOSTED_MINIMUM_MEMORY_BYTES ((uint64_t)1 << 20)
#define HOSTED_HALT_STATUS 70
#define HOSTED_COMMAND_LINE_LENGTH 4096

/* ------------------------------------------------------------ boot.c */

/* The executable's boot path: parse argv, bring the backend up, call kernel_main(). */
_Noreturn void hosted_boot(int argument_count, char **arguments);

/* ----------------------------------------------------------- memory.c */

/* Map a fresh zeroed arena of size bytes (replacing any earlier one). Returns 0 or -ENOMEM. */
int hosted_memory_init(uint64_t size_bytes);
/*
 * Keep the arena of the last boot when it has size_bytes (else as
 * hosted_memory_init): only frame 0 is zeroed, the rest keeps whatever the
 * last boot left there (the Core zeroes what it relies on). Returns 0 or -ENOMEM.
 */
int hosted_memory_reuse(uint64_t size_bytes);
/* The arena's host address and size (NULL/0 before hosted_memory_init). */
uint8_t *hosted_memory_arena_base(void);
uint64_t hosted_memory_arena_size(void);

/* Record the boot (main thread) stack and the signal stack as walkable memory. Idempotent. */
void hosted_stacks_init(void);
/* Lowest address and size of the boot (main thread) stack. */
void hosted_boot_stack_bounds(uintptr_t *bottom, size_t *size);
/* Record [base, base + size) as a kernel stack that backtraces may walk. */
void hosted_stack_register(uintptr_t base, size_t size);
/* Record the signal alternate stack. */
void hosted_alternate_stack_register(uintptr_t base, size_t size);
/* Forget the context stack registered at base (its memory is being freed). */
void hosted_stack_unregister(uintptr_t base);
/*
 * When [address, address + length) lies inside one known region (arena,
 * boot stack, signal stack, a registered stack), store the region's bounds
 * and return true; *may_be_unmapped is set for registered stacks, which
 * may have been freed since. Never touches the memory itself.
 */
bool hosted_region_find(uintptr_t address, size_t length, uintptr_t *region_start,
                        uintptr_t *region_end, bool *may_be_unmapped);
/* Copy length bytes from address into out without faulting; false when unreadable. */
bool hosted_memory_read_safely(uintptr_t address, void *out, size_t length);

/* ----------------------------------------------------------- paging.c */

/* Forget all address spaces; kernel_root is a zeroed frame the backend reserved. */
void hosted_paging_init(paddr_t kernel_root);

/* -------------------------------------------------------- interrupts.c */

/* The virtual interrupt flag: true when "interrupts" are enabled. */
extern bool hosted_interrupts_enabled;

/* Disable interrupts, forget handler overrides, leave interrupt context. */
void hosted_interrupts_reset(void);
/* Run the timer / console upcall in interrupt context (flag off, depth counted). */
void hosted_deliver_timer_interrupt(void);
void hosted_deliver_console_interrupt(void);
/* Run a virtio device's handler(argument) in interrupt context (virtio.c). */
void hosted_deliver_device_interrupt(void (*handler)(void *argument), void *argument);

/* ------------------------------------------------------------ events.c */

/*
 * (Re)initialise the event source: libuv loop, one-shot timer, the clock
 * (virtual: starts at 0; real: CLOCK_MONOTONIC from now), and stdin polling
 * when stdin_input is true. Returns 0 or a negative errno.
 */
int hosted_events_init(bool virtual_clock, bool stdin_input);
/* Console input was drained: resume reading stdin if it was paused for space. */
void hosted_events_console_space_available(void);
/* The libuv loop (device fds are polled on it); NULL before the first hosted_events_init(). */
struct uv_loop_s *hosted_events_loop(void);

/* ------------------------------------------------------------ virtio.c */

/*
 * A new boot: forget the last boot's virtio devices and build this one's
 * (hosted_virtio_net_add's and those of net_option, the hosted.net= value,
 * may be NULL). After hosted_events_init(). Returns 0 or -errno.
 */
int hosted_virtio_boot(const char *net_option);
/*
 * Let every device do its pending work (event loop, interrupts enabled):
 * returns how much happened (0: nothing could be done).
 */
unsigned hosted_virtio_poll(void);
/* True when a device waits for host input through the loop (idle may block for it). */
bool hosted_virtio_input_polled(void);

/* ----------------------------------------------------------- console.c */

/* Empty the input ring and drop pending notifications and capture. */
void hosted_console_reset(void);
/* Append up to length bytes to the input ring; returns how many fitted. */
size_t hosted_console_input_push(const char *bytes, size_t length);
/* Free space in the input ring. */
size_t hosted_console_input_space(void);
/* True when injected input still has to be announced with core_console_input(). */
bool hosted_console_notification_pending(void);
void hosted_console_notification_clear(void);
/* Put a terminal stdin into raw mode until exit (hosted.tty=raw). */
void hosted_tty_make_raw(void);

/* ----------------------------------------------------------- symbols.c */

/* Load the executable's function symbols once. Returns 0 or a negative errno. */
int hosted_symbols_load(void);

/* ------------------------------------------------------------- fault.c */

/* True while a fault signal is being handled (exit paths avoid stdio then). */
bool hosted_in_fault_handler(void);

/*
 * The service watchdog's tick (watchdog.c): SIGVTALRM every 100 ms of CPU
 * time calls core_watchdog_tick(). Installed and removed together with the
 * fault handlers. install returns 0 or -errno.
 */
int hosted_watchdog_install(void);
void hosted_watchdog_remove(void);

/* ----------------------------------------------------------- context.c */

/*
 * A new boot: every kernel stack the previous kernel still held (its
 * threads are forgotten) goes back to the pool of free stacks.
 */
void hosted_kernel_stacks_reclaim(void);

/*
 * The running context's user-register frame (in the record at the top of
 * its stack); NULL for a context without a record (the boot context).
 */
struct user_registers *hosted_context_user_frame(void);
/*
 * Abandon everything on the running context's stack and call
 * function(argument) on it again from just below its record. The running
 * context must have a record. Never returns.
 */
_Noreturn void hosted_context_restart_stack(void (*function)(void *), void *argument);
/* Forget which context runs (a test boot: the caller is the boot context). */
void hosted_context_reset(void);

/* -------------------------------------------------------- user_mode.c */

/* Forget the installed user program. Boot and test boot. */
void hosted_user_mode_reset(void);

/* --------------------------------------------------- context_switch.S */

/*
 * Push the callee-saved registers, MXCSR and the x87 control word, store
 * the stack pointer in *save_stack_pointer, load next_stack_pointer and pop
 * the same frame from there. Returns when someone switches back.
 */
void hosted_context_switch_stacks(uintptr_t *save_stack_pointer, uintptr_t next_stack_pointer);
/*
 * Where a new context's first switch returns to (context.c builds the
 * frame): calls r12(rbx) on a 16-byte aligned stack with rbp = 0. Not
 * callable from C.
 */
void hosted_context_first_entry(void);
/*
 * Reset the stack pointer to stack_top (16-byte aligned) and call
 * function(argument) there with rbp = 0; function must not return.
 */
_Noreturn void hosted_run_on_stack(uintptr_t stack_top, void (*function)(void *),
                                   void *argument);

/* ----------------------------------------------------------- output */

/* Write text straight to stdout with write(2); safe in a signal handler. */
void hosted_write_text(const char *text);
/* Format value as 0x%016lx into buffer (at least 19 bytes); returns buffer. */
char *hosted_format_hex(char *buffer, uint64_t value);
/* Format value in decimal into buffer (at least 21 bytes); returns buffer. */
char *hosted_format_decimal(char *buffer, uint64_t value);

#endif /* HOSTED_INTERNAL_H */
