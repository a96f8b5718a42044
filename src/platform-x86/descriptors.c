/*
 * descriptors.c — the GDT, the TSS (with IST stacks for double fault, NMI and
 * machine check) and the IDT with gates for the 32 exceptions and 16 IRQs.
 */
#include "x86.h"

enum {
    INTERRUPT_STUB_COUNT = 48,
    IDT_ENTRY_COUNT = 256,
    IST_STACK_SIZE = 8192,
    IST_DOUBLE_FAULT = 1,
    IST_NMI = 2,
    IST_MACHINE_CHECK = 3,
    GATE_INTERRUPT_KERNEL = 0x8e, /* present, DPL 0, 64-bit interrupt gate */
    GATE_INTERRUPT_USER = 0xee,   /* present, DPL 3: user code may "int3" */
    VECTOR_BREAKPOINT = 3,
};

/* The 64-bit TSS (Intel SDM vol. 3, "Task-State Segment"). */
struct task_state_segment {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t io_map_base;
} __attribute__((packed));

struct idt_entry {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attributes;
    uint16_t offset_middle;
    uint32_t offset_high;
    uint32_t reserved;
} __attribute__((packed));

struct descriptor_pointer {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

/* interrupt_entry.S: one stub per vector 0..47. */
extern const uint64_t interrupt_stub_table[INTERRUPT_STUB_COUNT];

/*
 * GDT: null, kernel code, kernel data, user code (32-bit, for SYSRET's
 * base), user data, user code (64-bit), then the 16-byte TSS descriptor.
 */
static uint64_t global_descriptor_table[8] __attribute__((aligned(16))) = {
    0,
    0x00af9a000000ffffull, /* 0x08 kernel code: L, P, DPL 0, execute/read */
    0x00cf92000000ffffull, /* 0x10 kernel data: P, DPL 0, read/write */
    0x00cffa000000ffffull, /* 0x18 user code 32-bit: D, P, DPL 3 */
    0x00cff2000000ffffull, /* 0x20 user data: P, DPL 3 */
    0x00affa000000ffffull, /* 0x28 user code 64-bit: L, P, DPL 3 */
    0,                     /* 0x30 TSS low (filled at boot) */
    0,                     /* 0x38 TSS high */
};

static struct task_state_segment task_state_segment __attribute__((aligned(16)));
static struct idt_entry interrupt_descriptor_table[IDT_ENTRY_COUNT] __attribute__((aligned(16)));
static uint8_t ist_stacks[3][IST_STACK_SIZE] __attribute__((aligned(16)));

/* Fill the two GDT slots of the 64-bit available-TSS descriptor. */
static void install_task_state_segment(void)
{
    uint64_t base = (uint64_t)(uintptr_t)&task_state_segment;
    uint64_t limit = sizeof(task_state_segment) - 1;
    uint64_t low = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
                   (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    global_descriptor_table[6] = low;
    global_descriptor_table[7] = base >> 32;

    task_state_segment.ist[IST_DOUBLE_FAULT - 1] = (uint64_t)(uintptr_t)(ist_stacks[0] + IST_STACK_SIZE);
    task_state_segment.ist[IST_NMI - 1] = (uint64_t)(uintptr_t)(ist_stacks[1] + IST_STACK_SIZE);
    task_state_segment.ist[IST_MACHINE_CHECK - 1] = (uint64_t)(uintptr_t)(ist_stacks[2] + IST_STACK_SIZE);
    task_state_segment.io_map_base = sizeof(task_state_segment); /* no I/O bitmap */
}

/* Load the GDT, reload every segment register and load the task register. */
static void load_global_descriptor_table(void)
{
    struct descriptor_pointer pointer = {
        .limit = sizeof(global_descriptor_table) - 1,
        .base = (uint64_t)(uintptr_t)global_descriptor_table,
    };
    __asm__ volatile("lgdt %0\n\t"
                     "pushq %1\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "movl %2, %%eax\n\t"
                     "movl %%eax, %%ds\n\t"
                     "movl %%eax, %%es\n\t"
                     "movl %%eax, %%ss\n\t"
                     "xorl %%eax, %%eax\n\t"
                     "movl %%eax, %%fs\n\t"
                     "movl %%eax, %%gs\n\t"
                     "ltr %w3"
                     :
                     : "m"(pointer), "i"(SELECTOR_KERNEL_CODE), "i"(SELECTOR_KERNEL_DATA),
                       "r"((uint16_t)SELECTOR_TSS)
                     : "rax", "memory");
}

/*
 * Point IDT entry vector at handler with the given IST index (0 = none).
 * Only the breakpoint gate may be raised by user code with an int
 * instruction (int3, as on Linux); any other "int n" from user mode is a
 * general-protection fault.
 */
static void set_gate(unsigned vector, uint64_t handler, unsigned ist)
{
    struct idt_entry *entry = &interrupt_descriptor_table[vector];
    entry->offset_low = handler & 0xffff;
    entry->selector = SELECTOR_KERNEL_CODE;
    entry->ist = ist & 7;
    entry->type_attributes = vector == VECTOR_BREAKPOINT ? GATE_INTERRUPT_USER
                                                        : GATE_INTERRUPT_KERNEL;
    entry->offset_middle = (handler >> 16) & 0xffff;
    entry->offset_high = handler >> 32;
    entry->reserved = 0;
}

/* Fill and load the IDT: exceptions 0..31, IRQs 32..47; the rest not present. */
static void load_interrupt_descriptor_table(void)
{
    for (unsigned vector = 0; vector < INTERRUPT_STUB_COUNT; vector++) {
        unsigned ist = 0;
        if (vector == 8)
            ist = IST_DOUBLE_FAULT;
        else if (vector == 2)
            ist = IST_NMI;
        else if (vector == 18)
            ist = IST_MACHINE_CHECK;
        set_gate(vector, interrupt_stub_table[vector], ist);
    }
    struct descriptor_pointer pointer = {
        .limit = sizeof(interrupt_descriptor_table) - 1,
        .base = (uint64_t)(uintptr_t)interrupt_descriptor_table,
    };
    __asm__ volatile("lidt %0" : : "m"(pointer) : "memory");
}

/* Install GDT, TSS and IDT. Boot only, interrupts disabled. */
void descriptors_initialize(void)
{
    install_task_state_segment();
    load_global_descriptor_table();
    load_interrupt_descriptor_table();
}

/* Set TSS.RSP0, the stack used for interrupts and exceptions from user mode. */
void descriptors_set_kernel_stack(uintptr_t stack_top)
{
    task_state_segment.rsp[0] = stack_top;
}
