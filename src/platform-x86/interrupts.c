/*
 * interrupts.c — interrupt flag control, idling, and the C side of every
 * interrupt: IRQs go to their device handler, exceptions become a
 * struct platform_fault for core_fault().
 */
#include "x86.h"

enum {
    VECTOR_DIVIDE = 0,
    VECTOR_NMI = 2,
    VECTOR_BREAKPOINT = 3,
    VECTOR_INVALID_OPCODE = 6,
    VECTOR_GENERAL_PROTECTION = 13,
    VECTOR_PAGE_FAULT = 14,
    VECTOR_DEBUG = 1,
    VECTOR_X87_FLOATING_POINT = 16,
    VECTOR_ALIGNMENT_CHECK = 17,
    VECTOR_SIMD_FLOATING_POINT = 19,
    EXCEPTION_COUNT = 32,
};

/* What the backend saved about a fault; platform_fault.backend_frame points here. */
struct x86_fault_record {
    const struct interrupt_frame *frame;
    uint64_t cr2;
    uint64_t cr3;
};

static const char *const exception_names[EXCEPTION_COUNT] = {
    "divide error", "debug", "non-maskable interrupt", "breakpoint", "overflow",
    "bound range exceeded", "invalid opcode", "device not available", "double fault",
    "coprocessor segment overrun", "invalid TSS", "segment not present",
    "stack-segment fault", "general protection", "page fault", "reserved",
    "x87 floating point", "alignment check", "machine check", "SIMD floating point",
    "virtualization", "control protection", "reserved", "reserved", "reserved",
    "reserved", "reserved", "reserved", "hypervisor injection", "VMM communication",
    "security", "reserved",
};

/* Disable interrupts and return the previous rflags. Any context. */
irq_flags_t platform_irq_save(void)
{
    irq_flags_t flags;
    __asm__ volatile("pushfq\n\tpopq %0\n\tcli" : "=r"(flags) : : "memory");
    return flags;
}

/*
 * Restore the interrupt flag saved by platform_irq_save(). Any context.
 * Only IF is restored (the other flags are the compiler's): sti/cli, not
 * popfq, which QEMU's TCG makes much slower.
 */
void platform_irq_restore(irq_flags_t flags)
{
    if (flags & RFLAGS_INTERRUPT_ENABLE)
        __asm__ volatile("sti" : : : "memory");
    else
        __asm__ volatile("cli" : : : "memory");
}

/* Enable interrupts. */
void platform_irq_enable(void)
{
    __asm__ volatile("sti" : : : "memory");
}

/* Disable interrupts. */
void platform_irq_disable(void)
{
    __asm__ volatile("cli" : : : "memory");
}

/* True when the interrupt flag is set. */
bool platform_irq_enabled(void)
{
    irq_flags_t flags;
    __asm__ volatile("pushfq\n\tpopq %0" : "=r"(flags) : : "memory");
    return (flags & RFLAGS_INTERRUPT_ENABLE) != 0;
}

/*
 * Wait for the next interrupt: entered and left with interrupts disabled.
 * "sti; hlt" cannot lose a wake-up (sti takes effect after hlt starts).
 * Always true: the console can always deliver input.
 */
bool platform_idle(void)
{
    __asm__ volatile("sti\n\thlt\n\tcli" : : : "memory");
    return true;
}

/* Device interrupts handled so far (platform_poll_events compares it). */
static uint64_t interrupts_delivered;

/*
 * Let pending interrupts in and out again: "sti" takes effect after the
 * next instruction, so the nop is the window. Interrupts disabled on entry
 * and exit.
 */
bool platform_poll_events(void)
{
    uint64_t before = interrupts_delivered;
    __asm__ volatile("sti\n\tnop\n\tcli" : : : "memory");
    return interrupts_delivered != before;
}

/* The platform fault kind of an exception vector. */
static enum platform_fault_kind fault_kind(uint64_t vector)
{
    switch (vector) {
    case VECTOR_PAGE_FAULT: return PLATFORM_FAULT_PAGE;
    case VECTOR_GENERAL_PROTECTION: return PLATFORM_FAULT_GENERAL_PROTECTION;
    case VECTOR_INVALID_OPCODE: return PLATFORM_FAULT_INVALID_OPCODE;
    case VECTOR_DIVIDE: return PLATFORM_FAULT_DIVIDE;
    case VECTOR_BREAKPOINT: return PLATFORM_FAULT_BREAKPOINT;
    case VECTOR_DEBUG: return PLATFORM_FAULT_DEBUG;
    case VECTOR_X87_FLOATING_POINT:
    case VECTOR_SIMD_FLOATING_POINT: return PLATFORM_FAULT_FLOATING_POINT;
    case VECTOR_ALIGNMENT_CHECK: return PLATFORM_FAULT_ALIGNMENT;
    default: return PLATFORM_FAULT_OTHER;
    }
}

/*
 * Linux's FPE_* code of a #MF or #XM from the live FPU state (the faulting
 * thread's: nothing switched it out yet): the first unmasked exception
 * raised, in Linux's order (fpu__exception_code). 0 when none is found.
 */
static int floating_point_code(uint64_t vector)
{
    unsigned raised;
    if (vector == VECTOR_X87_FLOATING_POINT) {
        uint16_t status, control;
        __asm__ volatile("fnstsw %0" : "=m"(status));
        __asm__ volatile("fnstcw %0" : "=m"(control));
        raised = status & ~(unsigned)control;
    } else if (vector == VECTOR_SIMD_FLOATING_POINT) {
        uint32_t mxcsr;
        __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
        raised = ~(mxcsr >> 7) & mxcsr;
    } else {
        return 0;
    }
    if (raised & 0x001)
        return 7; /* FPE_FLTINV */
    if (raised & 0x004)
        return 3; /* FPE_FLTDIV */
    if (raised & 0x008)
        return 4; /* FPE_FLTOVF */
    if (raised & 0x012)
        return 5; /* FPE_FLTUND */
    if (raised & 0x020)
        return 6; /* FPE_FLTRES */
    return 0;
}

/* Print the last line about a fatal exception and halt. */
static _Noreturn void fatal_exception(const struct interrupt_frame *frame, bool user_mode)
{
    console_print("x86: fatal ");
    console_print(exception_names[frame->vector]);
    console_print(user_mode ? " in user mode at rip " : " at rip ");
    console_print_hex(frame->rip, 16);
    console_print(" ");
    console_print_symbol(frame->rip);
    console_print(", halting\n");
    platform_halt();
}

/*
 * An exception in kernel mode: describe it to core_fault(); on FATAL print
 * a last line and halt, on RESUME return to retry the instruction. The
 * exceptions on IST stacks (NMI, double fault, machine check) come here
 * from user mode too; they cannot reach the Core as user faults (they are
 * not on the thread's stack), and only an NMI is survivable.
 */
static void handle_exception(struct interrupt_frame *frame)
{
    if ((frame->cs & 3) == 3) {
        if (frame->vector == VECTOR_NMI)
            return;
        fatal_exception(frame, true);
    }
    struct x86_fault_record record = {
        .frame = frame,
        .cr2 = read_cr2(),
        .cr3 = read_cr3(),
    };
    struct platform_fault fault = {
        .kind = fault_kind(frame->vector),
        .vector = (unsigned)frame->vector,
        .error_code = frame->error_code,
        .address = frame->vector == VECTOR_PAGE_FAULT ? record.cr2 : 0,
        .instruction_pointer = frame->rip,
        .stack_pointer = frame->rsp,
        /* The {rbp, rip} record interrupt_common put just below the frame:
         * the backtrace then starts with the faulting function itself. */
        .frame_pointer = (uintptr_t)frame - 2 * sizeof(uint64_t),
        .user_mode = false,
        .interrupts_were_enabled = (frame->rflags & 0x200) != 0,
        .backend_frame = &record,
    };
    if (core_fault(&fault) == PLATFORM_FAULT_RESUME)
        return;
    fatal_exception(frame, false);
}

/* See x86.h. */
void interrupt_user_exception(struct user_registers *registers, uint64_t vector,
                              uint64_t error_code)
{
    /* The register dump reads an interrupt frame: give it a copy. */
    struct interrupt_frame frame = {
        .r15 = registers->r15, .r14 = registers->r14, .r13 = registers->r13,
        .r12 = registers->r12, .r11 = registers->r11, .r10 = registers->r10,
        .r9 = registers->r9, .r8 = registers->r8, .rbp = registers->rbp,
        .rdi = registers->rdi, .rsi = registers->rsi, .rdx = registers->rdx,
        .rcx = registers->rcx, .rbx = registers->rbx, .rax = registers->rax,
        .vector = vector, .error_code = error_code,
        .rip = registers->rip, .cs = registers->cs, .rflags = registers->rflags,
        .rsp = registers->rsp, .ss = registers->ss,
    };
    struct x86_fault_record record = {
        .frame = &frame,
        .cr2 = read_cr2(),
        .cr3 = read_cr3(),
    };
    struct platform_fault fault = {
        .kind = fault_kind(vector),
        .vector = (unsigned)vector,
        .floating_point_code = floating_point_code(vector),
        .error_code = error_code,
        .address = vector == VECTOR_PAGE_FAULT ? record.cr2 : 0,
        .instruction_pointer = registers->rip,
        .stack_pointer = registers->rsp,
        /* User frames are never walked; a misaligned pointer stops a walk at
           once (0 would mean "walk the kernel stack from here"). */
        .frame_pointer = 1,
        .user_mode = true,
        .user_registers = registers,
        .backend_frame = &record,
    };
    platform_irq_enable();
    if (core_fault(&fault) == PLATFORM_FAULT_RESUME)
        return;
    fatal_exception(&frame, true);
}

/* See x86.h. */
void interrupt_handle_irq(uint64_t vector)
{
    unsigned irq = (unsigned)vector - IRQ_VECTOR_BASE;
    if (irq >= IRQ_COUNT || !pic_irq_is_real(irq))
        return;
    interrupts_delivered++;
    if (irq == IRQ_TIMER || irq == IRQ_SERIAL) {
        pic_end_of_interrupt(irq);
        if (irq == IRQ_TIMER)
            clock_handle_timer_interrupt();
        else
            serial_handle_interrupt();
        return;
    }
    /* A level-triggered PCI line: ack the devices (lowering it) before the EOI. */
    virtio_pci_handle_interrupt(irq);
    pic_end_of_interrupt(irq);
}

/* Clock time of the previous watchdog tick. */
static uint64_t last_watchdog_tick_ns;

/* Give the Core's service watchdog the interrupted kernel state (rk/platform.h). */
static void watchdog_tick(struct interrupt_frame *frame)
{
    uint64_t now = platform_clock_ns();
    uint64_t elapsed = now - last_watchdog_tick_ns;
    last_watchdog_tick_ns = now;
    struct x86_fault_record record = {.frame = frame, .cr2 = 0, .cr3 = read_cr3()};
    struct platform_fault tick = {
        .kind = PLATFORM_FAULT_WATCHDOG,
        .vector = (unsigned)frame->vector,
        .instruction_pointer = frame->rip,
        .stack_pointer = frame->rsp,
        .frame_pointer = frame->rbp,
        .user_mode = false,
        .interrupts_were_enabled = (frame->rflags & 0x200) != 0,
        .backend_frame = &record,
    };
    core_watchdog_tick(&tick, elapsed);
}

/* Called by interrupt_common for every vector 0..47 taken in kernel mode, interrupts disabled. */
void x86_interrupt_dispatch(struct interrupt_frame *frame)
{
    if (frame->vector < EXCEPTION_COUNT) {
        handle_exception(frame);
    } else {
        core_interrupt_enter();
        interrupt_handle_irq(frame->vector);
        core_interrupt_leave();
        watchdog_tick(frame);
    }
}

/* See rk/platform.h: ticks come with interrupts only. */
bool platform_watchdog_ticks_by_itself(void) { return false; }

/* See rk/platform.h: the saved frame resumes at recovery, interrupts off. */
void platform_fault_resume_at(const struct platform_fault *fault,
                              const struct gate_recovery *recovery, long value)
{
    const struct x86_fault_record *record = fault->backend_frame;
    struct interrupt_frame *frame = (struct interrupt_frame *)record->frame;
    frame->rbx = recovery->registers[0];
    frame->rbp = recovery->registers[1];
    frame->r12 = recovery->registers[2];
    frame->r13 = recovery->registers[3];
    frame->r14 = recovery->registers[4];
    frame->r15 = recovery->registers[5];
    frame->rsp = recovery->registers[6];
    frame->rip = recovery->registers[7];
    frame->rax = value != 0 ? (uint64_t)value : 1;
    frame->rflags &= ~(uint64_t)0x200; /* IF */
}

/* In gate_recovery.S. */
_Noreturn void gate_recovery_jump(const struct gate_recovery *recovery, long value);

/* See rk/platform.h. */
_Noreturn void platform_recovery_resume(const struct gate_recovery *recovery, long value)
{
    gate_recovery_jump(recovery, value);
}

/* Print "name value" with a 16-digit hexadecimal value. */
static void print_register(const char *name, uint64_t value)
{
    console_print(name);
    console_print(" ");
    console_print_hex(value, 16);
}

/* Print the full register state of a fault. Any context. */
void platform_fault_dump(const struct platform_fault *fault)
{
    const struct x86_fault_record *record = fault->backend_frame;
    const struct interrupt_frame *frame = record->frame;
    console_print("register dump: vector ");
    console_print_decimal(frame->vector);
    console_print(" (");
    console_print(frame->vector < EXCEPTION_COUNT ? exception_names[frame->vector] : "interrupt");
    console_print(") error ");
    console_print_hex(frame->error_code, 1);
    if (frame->vector == VECTOR_PAGE_FAULT) {
        console_print((frame->error_code & 1) ? " [protection" : " [not-present");
        console_print((frame->error_code & 2) ? " write" : " read");
        console_print((frame->error_code & 4) ? " user" : " kernel");
        if (frame->error_code & 8)
            console_print(" reserved-bit");
        if (frame->error_code & 16)
            console_print(" instruction-fetch");
        console_print("]");
    }
    console_print(fault->user_mode ? " in user mode\n" : " in kernel mode\n");
    print_register("  rip", frame->rip);
    console_print(" ");
    console_print_symbol(frame->rip);
    console_print("\n");
    print_register("  rsp", frame->rsp);
    print_register("  rflags", frame->rflags);
    print_register("  cs", frame->cs);
    print_register("  ss", frame->ss);
    console_print("\n");
    print_register("  cr2", record->cr2);
    print_register("  cr3", record->cr3);
    console_print("\n");
    print_register("  rax", frame->rax);
    print_register("  rbx", frame->rbx);
    print_register("  rcx", frame->rcx);
    console_print("\n");
    print_register("  rdx", frame->rdx);
    print_register("  rsi", frame->rsi);
    print_register("  rdi", frame->rdi);
    console_print("\n");
    print_register("  rbp", frame->rbp);
    print_register("  r8 ", frame->r8);
    print_register("  r9 ", frame->r9);
    console_print("\n");
    print_register("  r10", frame->r10);
    print_register("  r11", frame->r11);
    print_register("  r12", frame->r12);
    console_print("\n");
    print_register("  r13", frame->r13);
    print_register("  r14", frame->r14);
    print_register("  r15", frame->r15);
    console_print("\n");
}
