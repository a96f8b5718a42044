/*
 * rk/platform.h — the Ring 0 platform API.
 *
 * This header is the ONLY way the Core reaches the machine. Each backend
 * (src/platform-hosted, src/platform-x86) implements every function below;
 * the Core implements the "upcalls" at the end, which the backend calls.
 * Services never include this header.
 *
 * Conventions: functions returning int return 0 or a negative errno
 * (Linux numbers, see rk/errno.h). "Any context" means the function may be
 * called with interrupts disabled, from interrupt context and from panic().
 */
#ifndef RK_PLATFORM_H
#define RK_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rk/gate.h>

typedef uint64_t paddr_t;
#define PADDR_INVALID ((paddr_t)-1)

#define PAGE_SHIFT 12
#define PAGE_SIZE ((size_t)1 << PAGE_SHIFT)

/* ------------------------------------------------------------------ boot */

enum boot_memory_type {
    BOOT_MEMORY_USABLE = 1, /* free RAM the Core may hand to its page allocator */
};

struct boot_memory_region {
    paddr_t base;      /* page aligned */
    uint64_t length;   /* bytes, a multiple of PAGE_SIZE */
    uint32_t type;     /* enum boot_memory_type */
};

#define BOOT_MAX_MEMORY_REGIONS 64

/*
 * What the platform tells the Core at boot. The memory regions are free
 * RAM only: the backend has already removed its own image, boot structures,
 * the initrd and anything the firmware reserved. Everything here stays valid
 * for the life of the kernel (the initrd until the Core frees its frames).
 */
struct boot_info {
    const char *platform_name;        /* "x86_64" or "hosted" */
    const char *command_line;         /* NUL-terminated, never NULL */
    struct boot_memory_region memory[BOOT_MAX_MEMORY_REGIONS];
    size_t memory_count;
    uint64_t total_memory_bytes;      /* all RAM the machine has, for reports */
    paddr_t initrd_base;              /* physical, reachable through platform_phys_to_virt */
    size_t initrd_size;               /* 0 when there is no initrd */
};

/* ------------------------------------------------------------- console */

/* Write len bytes to the console, polled, in order. Any context. */
void platform_console_write(const char *buffer, size_t length);

/*
 * Read up to length bytes of pending console input without blocking.
 * Returns the byte count (0 when nothing is pending). Any context.
 * The platform calls core_console_input() when new input arrives.
 */
size_t platform_console_read(char *buffer, size_t length);

/* ------------------------------------------------------------ contexts */

/*
 * A saved kernel execution context. The Core embeds it in its thread
 * structure and never looks inside; the backend owns both fields.
 */
struct platform_context {
    uintptr_t stack_pointer;
    void *backend;
};

typedef void (*platform_context_entry_fn)(void *argument);

/*
 * Prepare context so that the first platform_context_switch() into it runs
 * entry(argument) on the stack [stack_base, stack_base + stack_size).
 * The backend may use the top of that stack for its own bookkeeping.
 * entry must never return (the Core's thread trampoline ends in a switch
 * away that never comes back). Interrupts are enabled when entry starts.
 */
void platform_context_create(struct platform_context *context, void *stack_base,
                             size_t stack_size, platform_context_entry_fn entry,
                             void *argument);

/*
 * Save the running context into from and resume to. Returns when someone
 * switches back to from. Called with interrupts disabled; the interrupt
 * state travels with the context.
 */
void platform_context_switch(struct platform_context *from, struct platform_context *to);

/*
 * Memory for a kernel stack of size bytes (a multiple of PAGE_SIZE, at most
 * PLATFORM_KERNEL_STACK_MAX) with an inaccessible guard page just below it,
 * so an overflow faults instead of corrupting a neighbour. Returns the
 * lowest usable address, or NULL when memory is exhausted or size is
 * invalid. Not in interrupt context.
 */
#define PLATFORM_KERNEL_STACK_MAX ((size_t)64 * 1024)
void *platform_kernel_stack_alloc(size_t size);
/* Give back a stack from platform_kernel_stack_alloc() (same size); it must not be running. */
void platform_kernel_stack_free(void *stack, size_t size);

/*
 * context will never run again and its stack [stack_base, stack_base +
 * stack_size) is about to be freed; called from another context. The
 * backend forgets what it knew of that stack (backtrace bounds, sanitizer
 * state) so the memory can be reused for anything.
 */
void platform_context_destroy(struct platform_context *context, void *stack_base,
                              size_t stack_size);

/* ---------------------------------------------------------- interrupts */

typedef unsigned long irq_flags_t;

/* Disable interrupts and return the previous state. Any context. */
irq_flags_t platform_irq_save(void);
/* Restore a state returned by platform_irq_save(). Any context. */
void platform_irq_restore(irq_flags_t flags);
/* Enable interrupts unconditionally. */
void platform_irq_enable(void);
/* Disable interrupts unconditionally. */
void platform_irq_disable(void);
/* True when interrupts are enabled. */
bool platform_irq_enabled(void);

/*
 * Called by the Core's idle thread with interrupts disabled when no thread
 * is runnable. Enables interrupts, waits until at least one event has been
 * delivered (timer, console, device), and returns with interrupts disabled.
 * Returns false when the backend knows no event can ever arrive again
 * (hosted virtual clock, no timer armed, no event source): the Core then
 * reports that every thread is blocked for ever.
 */
bool platform_idle(void);

/*
 * Deliver the events that are already pending (an expired timer, buffered
 * console input) without waiting: interrupts are enabled only for that.
 * Called and returns with interrupts disabled. Returns true when at least
 * one event was delivered.
 */
bool platform_poll_events(void);

/* ------------------------------------------------------ clock and timer */

/* Monotonic nanoseconds since boot. Any context. */
uint64_t platform_clock_ns(void);

/*
 * Arm the one-shot timer to fire at deadline_ns (platform_clock_ns() time),
 * replacing any earlier arming. A deadline in the past fires as soon as
 * interrupts are enabled. On expiry the backend calls core_timer_interrupt()
 * once, in interrupt context. Called with interrupts disabled.
 */
void platform_timer_arm(uint64_t deadline_ns);
/* Cancel the one-shot timer. Called with interrupts disabled. */
void platform_timer_disarm(void);

/* ------------------------------------------------------------- memory */

/* Kernel-virtual address of physical address pa (direct map); valid for all RAM. */
void *platform_phys_to_virt(paddr_t physical_address);
/*
 * Physical address behind a kernel-virtual address that is in the direct
 * map or the kernel image; PADDR_INVALID for anything else.
 */
paddr_t platform_virt_to_phys(const void *virtual_address);

/* Protection bits for platform_map()/platform_protect(). */
enum platform_protection {
    PLATFORM_PROT_READ = 1u << 0,
    PLATFORM_PROT_WRITE = 1u << 1,
    PLATFORM_PROT_EXEC = 1u << 2,
    PLATFORM_PROT_USER = 1u << 3, /* reachable from user mode */
};

/*
 * An address space: the root of its page tables. The Core embeds it in its
 * memory-manager structures; only the backend interprets root.
 * Page-table frames come from core_frame_alloc() and go back through
 * core_frame_free().
 *
 * On x86_64 the tables are the MMU's. On the hosted backend they are the
 * same 4-level shape kept in software: a mapping is bookkeeping that
 * platform_translate() (and the Core's user-copy helpers through it) honour,
 * not host memory at that address; the Core reaches frames only through
 * platform_phys_to_virt() on both backends.
 */
struct platform_address_space {
    paddr_t root;
};

/* The kernel's own address space (all user spaces share its kernel half). */
struct platform_address_space *platform_address_space_kernel(void);

/* Lowest and one-past-highest user virtual address this backend supports. */
uintptr_t platform_user_address_lowest(void);
uintptr_t platform_user_address_end(void);

/*
 * The kernel-half window where platform_map()/unmap()/protect() may change
 * mappings (through any space: the kernel half is shared). The direct map
 * and the kernel image outside it are the backend's and cannot be changed.
 */
uintptr_t platform_kernel_mapping_lowest(void);
uintptr_t platform_kernel_mapping_end(void);

/* Create an empty user address space. Returns 0 or -ENOMEM. */
int platform_address_space_create(struct platform_address_space *space);
/*
 * Free every page-table frame of space (the frames mapped in it are the
 * caller's). space must not be active.
 */
void platform_address_space_destroy(struct platform_address_space *space);
/* Make space the active address space of the CPU. */
void platform_address_space_activate(struct platform_address_space *space);

/*
 * Map the 4 KiB page at virtual address va to frame pa with protection prot.
 * va must be in the space's user range or in the kernel mapping window
 * (where PLATFORM_PROT_USER is refused).
 * Returns 0, -EINVAL (va or pa unaligned, va outside those ranges, bad prot),
 * -EEXIST (already mapped) or -ENOMEM (no frame for a page table).
 */
int platform_map(struct platform_address_space *space, uintptr_t va, paddr_t pa,
                 unsigned prot);
/*
 * Remove the mapping of the page at va; stores the frame it mapped in
 * *old_pa when old_pa is not NULL. Returns 0, -EINVAL or -ENOENT.
 */
int platform_unmap(struct platform_address_space *space, uintptr_t va, paddr_t *old_pa);
/* Change the protection of the mapped page at va (rules of platform_map). Returns 0, -EINVAL or -ENOENT. */
int platform_protect(struct platform_address_space *space, uintptr_t va, unsigned prot);
/*
 * Look up the page at va. Returns 0 and fills *pa / *prot (either may be
 * NULL), or -ENOENT when not mapped, -EINVAL when va is outside the space.
 * Kernel-half addresses outside the mapping window are backend business
 * (x86 reports its image and direct map, hosted says -ENOENT): the Core
 * must not rely on the answer there.
 */
int platform_translate(struct platform_address_space *space, uintptr_t va, paddr_t *pa,
                       unsigned *prot);
/*
 * Bytes from the page-aligned user address va that are known to hold no
 * mapping (a missing page table covers them): a hint that lets the Core
 * skip sparse ranges. 0 when va's page table exists, or when the backend
 * does not know; never more than the truth. Changes nothing.
 */
size_t platform_unmapped_span(struct platform_address_space *space, uintptr_t va);

/* ------------------------------------------------------------ user mode */

/*
 * The user-mode register state of a thread, in the layout of Linux's
 * struct user_regs_struct (x86_64). Both backends use it; the Core reads
 * and writes it by name (syscall arguments and result, fork, execve,
 * signal frames, sigreturn). fs_base/gs_base are the segment bases the
 * thread runs with (arch_prctl changes fs_base here).
 */
struct user_registers {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    uint64_t rax, rcx, rdx, rsi, rdi, orig_rax;
    uint64_t rip, cs, rflags, rsp, ss;
    uint64_t fs_base, gs_base;
    uint64_t ds, es, fs, gs;
};

/*
 * Fill registers with the initial state of a thread that starts in user
 * mode at instruction_pointer with stack_pointer: every general register
 * zero, user code/stack selectors, interrupts enabled, fs/gs bases zero.
 */
void platform_user_registers_init(struct user_registers *registers,
                                  uintptr_t instruction_pointer, uintptr_t stack_pointer);

/*
 * Leave the kernel for user mode with exactly the state in registers (a
 * copy is taken), on the running thread: its kernel stack is reset to the
 * top, so nothing below this call may be needed again (drop locks and
 * references first). The active address space must be the thread's.
 * From then on every entry from user mode (SYSCALL, interrupt, exception)
 * comes in on the top of this thread's kernel stack and reaches the Core
 * through core_syscall(), core_fault() (user_mode true) and
 * core_return_to_user(). Not in interrupt context.
 * The hosted backend runs no user code: it calls the program installed
 * with hosted_set_user_program() (tests) or panics.
 */
_Noreturn void platform_user_enter(const struct user_registers *registers);

/*
 * FPU/SSE state. Each context created by platform_context_create() has its
 * own, saved and restored by platform_context_switch(), starting clean
 * (x87 and MXCSR defaults). The Core copies it into signal frames and into
 * a forked child through these, on the running context's live state.
 */
#define PLATFORM_FPU_STATE_SIZE 512   /* the FXSAVE image, 16-byte aligned buffers */
void platform_fpu_save(void *buffer);
/* Load buffer (from platform_fpu_save or a signal frame); reserved bits are sanitised. */
void platform_fpu_restore(const void *buffer);
/* Reset the live state to the clean defaults (execve). */
void platform_fpu_reset(void);

/* Restart the machine (reboot(2) RESTART). Any context. */
_Noreturn void platform_restart(void);

/* ----------------------------------------------------- faults, symbols */

enum platform_fault_kind {
    PLATFORM_FAULT_PAGE,                /* page fault / SIGSEGV on the hosted backend */
    PLATFORM_FAULT_GENERAL_PROTECTION,  /* #GP, SIGBUS */
    PLATFORM_FAULT_INVALID_OPCODE,      /* #UD, SIGILL */
    PLATFORM_FAULT_DIVIDE,              /* #DE, SIGFPE */
    PLATFORM_FAULT_BREAKPOINT,          /* #BP, SIGTRAP */
    PLATFORM_FAULT_OTHER,               /* any other exception */
    PLATFORM_FAULT_DEBUG,               /* #DB (single step, int1), SIGTRAP */
    PLATFORM_FAULT_FLOATING_POINT,      /* #MF (x87) or #XM (SIMD), SIGFPE with floating_point_code */
    PLATFORM_FAULT_ALIGNMENT,           /* #AC, SIGBUS BUS_ADRALN */
    PLATFORM_FAULT_WATCHDOG,            /* not a fault: the watchdog tick (core_watchdog_tick) */
};

/* A CPU fault as the backend saw it. */
struct platform_fault {
    enum platform_fault_kind kind;
    unsigned vector;                 /* x86 vector or host signal number */
    /* PLATFORM_FAULT_FLOATING_POINT: Linux's FPE_* si_code from the FPU status (0: none found) */
    int floating_point_code;
    uint64_t error_code;
    uintptr_t address;               /* faulting data address when known, else 0 */
    uintptr_t instruction_pointer;
    uintptr_t stack_pointer;
    uintptr_t frame_pointer;         /* start of the backtrace of the faulting code */
    bool user_mode;
    bool interrupts_were_enabled;    /* kernel mode: the interrupt flag of the interrupted code */
    /*
     * For a fault in user mode: the thread's saved user state, which the
     * Core may change (signal delivery) before it returns RESUME; the
     * backend calls core_return_to_user() and resumes from it. NULL for
     * kernel-mode faults.
     */
    struct user_registers *user_registers;
    const void *backend_frame;       /* the saved registers, for platform_fault_dump() */
};

enum platform_fault_action {
    PLATFORM_FAULT_FATAL,    /* backend prints a last line and halts */
    PLATFORM_FAULT_RESUME,   /* the Core fixed the cause: retry the instruction */
};

/* Print the full register dump of a fault to the console. Any context. */
void platform_fault_dump(const struct platform_fault *fault);

/*
 * Service containment (rk/gate.h). The backends provide gate_recovery_save()
 * (declared in rk/gate.h) and these:
 *
 * Change the interrupted state of fault (a kernel-mode fault or watchdog
 * tick, its backend_frame) so that when the backend resumes it, execution
 * continues at recovery with gate_recovery_save() returning value, and
 * interrupts disabled (the gate restores the state it saved). The Core
 * then returns PLATFORM_FAULT_RESUME.
 */
void platform_fault_resume_at(const struct platform_fault *fault,
                              const struct gate_recovery *recovery, long value);
/*
 * Real faults on request (fault injection and its tests): a load from
 * address (NULL: a page fault; a non-canonical one: #GP), an invalid
 * opcode, an integer division by zero; and a spin that never returns.
 * Each returns only if the fault did not happen.
 */
void platform_fault_load(uintptr_t address);
void platform_fault_invalid_opcode(void);
void platform_fault_divide(void);
_Noreturn void platform_spin_forever(void);

/* Continue at recovery now (gate_recovery_save() returns value). Any context but interrupt handlers. */
_Noreturn void platform_recovery_resume(const struct gate_recovery *recovery, long value);

/*
 * Walk the frame-pointer chain starting at frame_pointer (0 = the caller of
 * this function) and store up to max return addresses in out.
 * Returns how many were stored. Never faults on a corrupt chain.
 */
size_t platform_backtrace(uintptr_t frame_pointer, uintptr_t *out, size_t max);

/*
 * Name of the function containing address, and the offset into it.
 * Returns NULL when unknown. Any context (no allocation after boot).
 */
const char *platform_symbolize(uintptr_t address, uintptr_t *offset);

/* ------------------------------------------------------ virtio devices */

/*
 * The virtio transport: the devices the machine has, reached through the
 * legacy virtio interface (virtio 1.0 spec, "Legacy Interfaces"): 32
 * feature bits, the device config after the common registers, and each
 * virtqueue in ONE physically contiguous region with the legacy layout
 * (descriptor table, available ring, then the used ring at the next
 * 4096-byte boundary; rk/virtio.h computes it). x86_64: virtio-pci over the
 * legacy I/O BAR, INTx through the PIC. hosted: devices emulated in-process
 * (hosted.h adds them before boot), their "interrupts" raised from the
 * event loop. A driver is written once against these functions (through
 * the Core's rk/virtio.h), never against a backend.
 */
struct platform_virtio_device;   /* backend-owned, lives as long as the kernel */

/* Number of virtio devices found at boot. Any context. */
size_t platform_virtio_device_count(void);
/* Device index (< count), never NULL for a valid index. */
struct platform_virtio_device *platform_virtio_device_get(size_t index);
/* The virtio device type (1 network, 2 block, ...). */
uint32_t platform_virtio_device_type(struct platform_virtio_device *device);
/* Device status register (VIRTIO_STATUS_* bits); writing 0 resets the device. */
uint8_t platform_virtio_get_status(struct platform_virtio_device *device);
void platform_virtio_set_status(struct platform_virtio_device *device, uint8_t status);
/* The device's feature bits (legacy: 32). */
uint32_t platform_virtio_device_features(struct platform_virtio_device *device);
/* Write the features the driver accepts (a subset of the device's). */
void platform_virtio_driver_features(struct platform_virtio_device *device, uint32_t features);
/* Copy length bytes of the device-specific config at offset. */
void platform_virtio_read_config(struct platform_virtio_device *device, size_t offset,
                                 void *buffer, size_t length);
/* The size of queue index (fixed by the device: legacy), 0 when it has no such queue. */
unsigned platform_virtio_queue_size(struct platform_virtio_device *device, unsigned queue);
/*
 * Give the device queue index's ring: physical address of the legacy
 * layout (4096-aligned, contiguous, platform_virtio_queue_size entries).
 * ring 0 disables the queue. Returns 0 or -EINVAL.
 */
int platform_virtio_queue_set(struct platform_virtio_device *device, unsigned queue, paddr_t ring);
/* Tell the device that queue has new available buffers. Any context. */
void platform_virtio_queue_notify(struct platform_virtio_device *device, unsigned queue);
/*
 * Call handler(argument) in interrupt context (interrupts disabled) when the
 * device interrupts (used buffers or a config change); the backend has
 * acknowledged the interrupt before. NULL disables. Only one handler per device.
 */
typedef void (*platform_virtio_interrupt_fn)(void *argument);
void platform_virtio_set_interrupt(struct platform_virtio_device *device,
                                   platform_virtio_interrupt_fn handler, void *argument);

/* ------------------------------------------------------------- power */

/*
 * End the machine with an exit status: the hosted process exits with it;
 * on QEMU the isa-debug-exit device ends QEMU with (status << 1) | 1 when
 * present, else ACPI power-off. Any context.
 */
_Noreturn void platform_power_off(int status);

/* Stop for ever after a panic (hosted: exit status 70). Any context. */
_Noreturn void platform_halt(void);

/* -------------------------------------------- upcalls (Core implements) */

/*
 * The Core entry point. Called once on the boot stack with interrupts
 * disabled, after the console, interrupts, paging and the clock are up.
 */
_Noreturn void kernel_main(const struct boot_info *info);

/* The one-shot timer fired. Interrupt context, interrupts disabled. */
void core_timer_interrupt(void);

/*
 * The backend starts / ends handling a device or timer interrupt taken in
 * kernel mode (the Core tells interrupt work from the interrupted code's).
 */
void core_interrupt_enter(void);
void core_interrupt_leave(void);

/* Console input is pending. Interrupt context, interrupts disabled. */
void core_console_input(void);

/*
 * A CPU fault happened in kernel or user code. Interrupt context.
 * Returns what the backend should do next.
 */
enum platform_fault_action core_fault(const struct platform_fault *fault);

/*
 * The service watchdog's tick: the backend calls it periodically while
 * kernel code runs, with the interrupted kernel state as a fault of kind
 * PLATFORM_FAULT_WATCHDOG and the time since its previous tick (x86: after
 * every interrupt taken in kernel mode; hosted: a CPU-time signal). The
 * Core may redirect the state with platform_fault_resume_at(). Interrupt
 * context.
 */
void core_watchdog_tick(const struct platform_fault *interrupted, uint64_t elapsed_ns);
/*
 * True when the backend ticks the watchdog on its own (hosted: CPU time);
 * false when ticks come only with interrupts, so the Core keeps a timer
 * armed while service code runs (x86). Any context.
 */
bool platform_watchdog_ticks_by_itself(void);

/*
 * The running thread executed SYSCALL in user mode. registers holds its
 * user state as the CPU left it (rax = number, orig_rax = number too,
 * arguments in rdi, rsi, rdx, r10, r8, r9, rcx = return address, r11 =
 * rflags). The Core stores the result in rax and may change any field
 * (execve, signal frames, rt_sigreturn). Called on the thread's kernel
 * stack with interrupts enabled; the backend then calls
 * core_return_to_user(registers) and resumes exactly that state (SYSRET
 * when rcx/r11 allow it, IRET otherwise).
 */
void core_syscall(struct user_registers *registers);

/*
 * Last Core step before any return to user mode (after a syscall, an
 * interrupt or an exception taken in user mode), interrupts enabled: the
 * Core reschedules when the time slice is used up and delivers pending
 * signals by changing registers. It may never return (the thread exits).
 */
void core_return_to_user(struct user_registers *registers);

/*
 * A zeroed 4 KiB frame for page tables, or PADDR_INVALID when memory is
 * exhausted. Any context except the timer interrupt.
 */
paddr_t core_frame_alloc(void);
/* Give back a frame from core_frame_alloc(). */
void core_frame_free(paddr_t frame);

#endif /* RK_PLATFORM_H */
