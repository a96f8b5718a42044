/*
 * user_mode.c — the C side of user mode: the SYSCALL MSRs, entering user
 * mode, the syscall and user-interrupt handlers that user_entry.S calls,
 * and the common return path (sanitising what the Core left in the
 * registers, loading FS/GS bases only when they change, choosing SYSRET or
 * IRET).
 *
 * A user thread's state lives in the struct user_registers frame at the
 * top of its kernel stack (see struct context_record in x86.h): the
 * SYSCALL entry builds it there, interrupts and exceptions from user mode
 * arrive on TSS.rsp0 so the CPU's frame lands in its rip..ss fields, and
 * every return to user mode resumes from it. Uniprocessor, no per-CPU GS:
 * the SYSCALL stack is a variable that platform_context_switch() updates.
 */
#include <rk/string.h>

#include "user_frame.h"
#include "x86.h"

/* The selectors a 64-bit user thread runs with. */
#define USER_CODE_SELECTOR ((uint64_t)SELECTOR_USER_CODE64 | 3)
#define USER_CODE32_SELECTOR ((uint64_t)SELECTOR_USER_CODE32 | 3)
#define USER_DATA_SELECTOR ((uint64_t)SELECTOR_USER_DATA | 3)
/* SYSRET needs rip below this (Linux's TASK_SIZE_MAX): the top user page is never mapped. */
#define SYSRET_RIP_LIMIT 0x00007ffffffff000ull
/* Flags user code may hold (Linux's FIX_EFLAGS); IF is forced on, IOPL to 0. */
#define USER_RFLAGS_CHANGEABLE                                                              \
    (RFLAGS_CARRY | RFLAGS_PARITY | RFLAGS_ADJUST | RFLAGS_ZERO | RFLAGS_SIGN | RFLAGS_TRAP | \
     RFLAGS_DIRECTION | RFLAGS_OVERFLOW | RFLAGS_NESTED_TASK | RFLAGS_RESUME |              \
     RFLAGS_ALIGNMENT_CHECK | RFLAGS_ID)
/* Cleared on SYSCALL entry. */
#define SYSCALL_FLAG_MASK                                                             \
    (RFLAGS_INTERRUPT_ENABLE | RFLAGS_DIRECTION | RFLAGS_TRAP | RFLAGS_ALIGNMENT_CHECK | \
     RFLAGS_NESTED_TASK)
#define VECTOR_GENERAL_PROTECTION 13

_Static_assert(sizeof(struct user_registers) == 27 * 8, "struct user_registers layout");
_Static_assert(__builtin_offsetof(struct user_registers, orig_rax) == 15 * 8, "orig_rax");
_Static_assert(__builtin_offsetof(struct user_registers, rip) == 16 * 8, "rip");
_Static_assert(__builtin_offsetof(struct user_registers, rsp) == 19 * 8, "rsp");
_Static_assert(__builtin_offsetof(struct user_registers, fs_base) == 21 * 8, "fs_base");
_Static_assert(sizeof(struct context_record) % 64 == 0, "record alignment");
_Static_assert(__builtin_offsetof(struct user_registers, orig_rax) == USER_FRAME_ORIG_RAX, "asm");
_Static_assert(__builtin_offsetof(struct user_registers, rsp) == USER_FRAME_RSP, "asm");
_Static_assert(__builtin_offsetof(struct user_registers, fs_base) == USER_FRAME_FS_BASE, "asm");
_Static_assert(USER_FRAME_CODE_SELECTOR == (SELECTOR_USER_CODE64 | 3), "asm");
_Static_assert(USER_FRAME_DATA_SELECTOR == (SELECTOR_USER_DATA | 3), "asm");

/* Read by syscall_entry (user_entry.S). */
uint64_t syscall_kernel_stack;     /* the running user thread's frame (its fs_base field) */
uint64_t syscall_saved_user_stack; /* scratch while the frame is built (interrupts off) */

/* The FS/GS bases loaded in the MSRs now. */
static uint64_t loaded_fs_base, loaded_gs_base;

/* Program SYSCALL/SYSRET and clear the segment bases. Boot, interrupts off. */
void user_mode_initialize(void)
{
    write_msr(MSR_EFER, read_msr(MSR_EFER) | EFER_SYSCALL_ENABLE);
    /* SYSCALL: CS = 0x08, SS = 0x10. SYSRET: CS = 0x18 + 16, SS = 0x18 + 8 (RPL 3). */
    write_msr(MSR_STAR, ((uint64_t)USER_CODE32_SELECTOR << 48) |
                            ((uint64_t)SELECTOR_KERNEL_CODE << 32));
    write_msr(MSR_LSTAR, (uint64_t)(uintptr_t)syscall_entry);
    write_msr(MSR_CSTAR, (uint64_t)(uintptr_t)syscall_compat_entry);
    write_msr(MSR_FMASK, SYSCALL_FLAG_MASK);
    write_msr(MSR_FS_BASE, 0);
    write_msr(MSR_GS_BASE, 0);
    write_msr(MSR_KERNEL_GS_BASE, 0);
    loaded_fs_base = 0;
    loaded_gs_base = 0;
}

/* See x86.h. Interrupts off. */
void user_mode_set_kernel_stack(uintptr_t stack_top)
{
    syscall_kernel_stack = stack_top;
}

/*
 * User code that loaded a selector into FS or GS (mov, pop) changed the
 * base behind the kernel's back: read the real bases, put null selectors
 * back (the kernel never uses FS/GS) and reload the bases, so the tracked
 * values are true again. Rare path.
 */
static void resynchronise_segment_bases(void)
{
    uint64_t fs_base = read_msr(MSR_FS_BASE);
    uint64_t gs_base = read_msr(MSR_GS_BASE);
    __asm__ volatile("movl %0, %%fs\n\tmovl %0, %%gs" : : "r"(0) : "memory");
    write_msr(MSR_FS_BASE, fs_base);
    write_msr(MSR_GS_BASE, gs_base);
    loaded_fs_base = fs_base;
    loaded_gs_base = gs_base;
}

/* user_mode_capture_segment_bases, inline for the syscall path. Interrupts off. */
static inline void capture_segment_bases(struct user_registers *registers)
{
    uint32_t fs_selector, gs_selector;
    __asm__ volatile("movl %%fs, %0\n\tmovl %%gs, %1" : "=r"(fs_selector), "=r"(gs_selector));
    if (__builtin_expect((fs_selector | gs_selector) != 0, 0))
        resynchronise_segment_bases();
    registers->fs_base = loaded_fs_base;
    registers->gs_base = loaded_gs_base;
}

/* See x86.h. Interrupts off. */
void user_mode_capture_segment_bases(struct user_registers *registers)
{
    capture_segment_bases(registers);
}

/* sti / cli without a call (platform_irq_enable/disable): these sit on every syscall's path. */
static inline void interrupts_on(void)
{
    __asm__ volatile("sti" : : : "memory");
}

static inline void interrupts_off(void)
{
    __asm__ volatile("cli" : : : "memory");
}

/*
 * True when IRET and the base MSRs can load registers without faulting in
 * the kernel. Bitwise, not short-circuit: one branch for the caller (each
 * branch ends a translation block under TCG, and this is on every return).
 */
static inline bool user_state_is_loadable(const struct user_registers *registers)
{
    uint64_t rip = registers->rip, fs_base = registers->fs_base, gs_base = registers->gs_base;
    uint64_t noncanonical = (rip ^ (uint64_t)((int64_t)(rip << 16) >> 16)) |
                            (fs_base ^ (uint64_t)((int64_t)(fs_base << 16) >> 16)) |
                            (gs_base ^ (uint64_t)((int64_t)(gs_base << 16) >> 16));
    return noncanonical == 0;
}

/* Load the FS/GS bases the frame holds where they differ from the MSRs. Interrupts off. */
static void load_segment_bases(const struct user_registers *registers)
{
    if (registers->fs_base != loaded_fs_base) {
        write_msr(MSR_FS_BASE, registers->fs_base);
        loaded_fs_base = registers->fs_base;
    }
    if (registers->gs_base != loaded_gs_base) {
        write_msr(MSR_GS_BASE, registers->gs_base);
        loaded_gs_base = registers->gs_base;
    }
}

/*
 * The end of every return to user mode, after the Core's last word (see
 * user_mode_return_prepare). The common case (a loadable frame, unchanged
 * bases) is straight-line code with two predictable branches: conditions
 * are combined with bitwise operators on purpose.
 */
static inline bool frame_finish(struct user_registers *registers)
{
    while (__builtin_expect(!user_state_is_loadable(registers), 0)) {
        /* The CPU would refuse this state in kernel mode: report the
           general-protection fault Linux's IRET takes (the Core delivers
           SIGSEGV), then let the Core have its say again. */
        interrupt_user_exception(registers, VECTOR_GENERAL_PROTECTION, 0);
        core_return_to_user(registers);
        interrupts_off();
    }
    uint64_t rflags = (registers->rflags & USER_RFLAGS_CHANGEABLE) | RFLAGS_INTERRUPT_ENABLE |
                      RFLAGS_ALWAYS_ONE;
    registers->rflags = rflags;
    uint64_t cs = registers->cs;
    uint64_t keep_cs = -(uint64_t)((cs == USER_CODE_SELECTOR) | (cs == USER_CODE32_SELECTOR));
    cs = (cs & keep_cs) | (USER_CODE_SELECTOR & ~keep_cs);
    registers->cs = cs;
    registers->ss = USER_DATA_SELECTOR;
    if (__builtin_expect(((registers->fs_base ^ loaded_fs_base) |
                          (registers->gs_base ^ loaded_gs_base)) != 0, 0))
        load_segment_bases(registers);
    return (registers->rcx == registers->rip) & (registers->r11 == rflags) &
           (registers->rip < SYSRET_RIP_LIMIT) & (cs == USER_CODE_SELECTOR) &
           ((rflags & (RFLAGS_TRAP | RFLAGS_RESUME)) == 0);
}

/* See x86.h. */
bool user_mode_return_prepare(struct user_registers *registers, bool call_core)
{
    if (call_core) {
        core_return_to_user(registers);
        interrupts_off();
    }
    return frame_finish(registers);
}

/*
 * Called by syscall_entry with the frame it built (interrupts off): the
 * Core runs the syscall and its return-to-user step with interrupts on.
 * Returns nonzero when SYSRET may resume the frame, 0 for IRET.
 */
int syscall_handle(struct user_registers *registers);
int syscall_handle(struct user_registers *registers)
{
    capture_segment_bases(registers);
    interrupts_on();
    core_syscall(registers);
    core_return_to_user(registers);
    interrupts_off();
    return frame_finish(registers);
}

/*
 * Called by user_interrupt_common for vector taken in user mode, on the
 * thread's frame, interrupts off: an exception goes to core_fault(), an
 * IRQ to its device; then core_return_to_user() with interrupts on (it may
 * switch threads). Returns with interrupts off; the caller IRETs.
 */
void user_interrupt_handle(struct user_registers *registers, uint64_t vector,
                           uint64_t error_code);
void user_interrupt_handle(struct user_registers *registers, uint64_t vector,
                           uint64_t error_code)
{
    /* The CPU keeps a user's rflags.AC on interrupt entry (SYSCALL clears
       it through FMASK): clear it, or SMAP would be off in the kernel. */
    if (cpu_smap_enabled)
        __asm__ volatile("clac" : : : "memory");
    user_mode_capture_segment_bases(registers);
    if (vector < IRQ_VECTOR_BASE)
        interrupt_user_exception(registers, vector, error_code);
    else
        interrupt_handle_irq(vector);
    platform_irq_enable();
    user_mode_return_prepare(registers, true);
}

/* Called by user_enter_frame on the thread's frame, interrupts off. */
void user_enter_prepare(struct user_registers *registers);
void user_enter_prepare(struct user_registers *registers)
{
    user_mode_return_prepare(registers, false);
}

/* See rk/platform.h. */
_Noreturn void platform_user_enter(const struct user_registers *registers)
{
    struct context_record *record = context_running_record();
    if (record == NULL) {
        console_print("x86: platform_user_enter from a context without its own stack, halting\n");
        platform_halt();
    }
    platform_irq_disable();
    struct user_registers *frame = context_record_user_frame(record);
    memmove(frame, registers, sizeof(*frame));
    user_enter_frame(frame);
}

/* See rk/platform.h. */
void platform_user_registers_init(struct user_registers *registers,
                                  uintptr_t instruction_pointer, uintptr_t stack_pointer)
{
    memset(registers, 0, sizeof(*registers));
    registers->rip = instruction_pointer;
    registers->rsp = stack_pointer;
    registers->cs = USER_CODE_SELECTOR;
    registers->ss = USER_DATA_SELECTOR;
    registers->rflags = RFLAGS_INTERRUPT_ENABLE | RFLAGS_ALWAYS_ONE;
}
