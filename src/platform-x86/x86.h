/*
 * x86.h — private interfaces of the x86_64 backend (Ring 0). Nothing outside
 * src/platform-x86 includes this header.
 *
 * Memory layout (virtual):
 *   [0x10000, 0x7ffffffff000)                 user space (per address space)
 *   0xffff888000000000 + physical             direct map of RAM (2 MiB pages, NX)
 *   0xffffc90000000000 .. +512 GiB            kernel mapping area (platform_map on
 *                                             the kernel address space)
 *   0xffffffff80000000 + physical             the kernel image (4 KiB pages, W^X)
 */
#ifndef RK_PLATFORM_X86_H
#define RK_PLATFORM_X86_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rk/platform.h>

#define KERNEL_VIRTUAL_BASE 0xffffffff80000000ull
#define DIRECT_MAP_BASE 0xffff888000000000ull
#define KERNEL_MAPPING_AREA_BASE 0xffffc90000000000ull
#define KERNEL_MAPPING_AREA_SIZE (1ull << 39)
/* The upper half of the mapping area holds kernel stacks (kernel_stacks.c), not Core mappings. */
#define KERNEL_STACK_AREA_BASE (KERNEL_MAPPING_AREA_BASE + KERNEL_MAPPING_AREA_SIZE / 2)
/* RAM above this physical address is neither direct-mapped nor handed out (boot pool size). */
#define DIRECT_MAP_LIMIT (32ull << 30)

/* GDT selectors (the order SYSCALL/SYSRET need: STAR[47:32] = kernel code,
 * STAR[63:48] = user 32-bit code, so user data = +8 and user 64-bit code = +16). */
#define SELECTOR_KERNEL_CODE 0x08
#define SELECTOR_KERNEL_DATA 0x10
#define SELECTOR_USER_CODE32 0x18
#define SELECTOR_USER_DATA 0x20
#define SELECTOR_USER_CODE64 0x28
#define SELECTOR_TSS 0x30

#define RFLAGS_CARRY (1ull << 0)
#define RFLAGS_ALWAYS_ONE (1ull << 1)
#define RFLAGS_PARITY (1ull << 2)
#define RFLAGS_ADJUST (1ull << 4)
#define RFLAGS_ZERO (1ull << 6)
#define RFLAGS_SIGN (1ull << 7)
#define RFLAGS_TRAP (1ull << 8)
#define RFLAGS_INTERRUPT_ENABLE (1ull << 9)
#define RFLAGS_DIRECTION (1ull << 10)
#define RFLAGS_OVERFLOW (1ull << 11)
#define RFLAGS_IO_PRIVILEGE (3ull << 12)
#define RFLAGS_NESTED_TASK (1ull << 14)
#define RFLAGS_RESUME (1ull << 16)
#define RFLAGS_ALIGNMENT_CHECK (1ull << 18)
#define RFLAGS_ID (1ull << 21)

/*
 * The registers the interrupt entry stubs save, lowest address first.
 * Just below it, interrupt_common leaves a frame record {interrupted rbp,
 * interrupted rip} that rbp points to while the handler runs.
 */
struct interrupt_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector;
    uint64_t error_code;
    /* pushed by the CPU */
    uint64_t rip, cs, rflags, rsp, ss;
};

/* ------------------------------------------------------------ port I/O */

static inline void port_write_byte(uint16_t port, uint8_t value)
{
    __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port) : "memory");
}

static inline void port_write_word(uint16_t port, uint16_t value)
{
    __asm__ volatile("outw %0, %1" : : "a"(value), "Nd"(port) : "memory");
}

static inline void port_write_long(uint16_t port, uint32_t value)
{
    __asm__ volatile("outl %0, %1" : : "a"(value), "Nd"(port) : "memory");
}

static inline uint8_t port_read_byte(uint16_t port)
{
    uint8_t value;
    __asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port) : "memory");
    return value;
}

static inline uint16_t port_read_word(uint16_t port)
{
    uint16_t value;
    __asm__ volatile("inw %1, %0" : "=a"(value) : "Nd"(port) : "memory");
    return value;
}

static inline uint32_t port_read_long(uint16_t port)
{
    uint32_t value;
    __asm__ volatile("inl %1, %0" : "=a"(value) : "Nd"(port) : "memory");
    return value;
}

/* ------------------------------------------------------ CPU registers */

static inline uint64_t read_cr2(void)
{
    uint64_t value;
    __asm__ volatile("mov %%cr2, %0" : "=r"(value));
    return value;
}

static inline uint64_t read_cr3(void)
{
    uint64_t value;
    __asm__ volatile("mov %%cr3, %0" : "=r"(value));
    return value;
}

static inline void write_cr3(uint64_t value)
{
    __asm__ volatile("mov %0, %%cr3" : : "r"(value) : "memory");
}

static inline void invalidate_page(uintptr_t virtual_address)
{
    __asm__ volatile("invlpg (%0)" : : "r"(virtual_address) : "memory");
}

static inline uint64_t read_cr0(void)
{
    uint64_t value;
    __asm__ volatile("mov %%cr0, %0" : "=r"(value));
    return value;
}

static inline void write_cr0(uint64_t value)
{
    __asm__ volatile("mov %0, %%cr0" : : "r"(value) : "memory");
}

static inline uint64_t read_cr4(void)
{
    uint64_t value;
    __asm__ volatile("mov %%cr4, %0" : "=r"(value));
    return value;
}

static inline void write_cr4(uint64_t value)
{
    __asm__ volatile("mov %0, %%cr4" : : "r"(value) : "memory");
}

static inline uint64_t read_msr(uint32_t msr)
{
    uint32_t low, high;
    __asm__ volatile("rdmsr" : "=a"(low), "=d"(high) : "c"(msr));
    return ((uint64_t)high << 32) | low;
}

static inline void write_msr(uint32_t msr, uint64_t value)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
                     : "memory");
}

#define MSR_EFER 0xc0000080u
#define MSR_STAR 0xc0000081u
#define MSR_LSTAR 0xc0000082u
#define MSR_CSTAR 0xc0000083u
#define MSR_FMASK 0xc0000084u
#define MSR_FS_BASE 0xc0000100u
#define MSR_GS_BASE 0xc0000101u
#define MSR_KERNEL_GS_BASE 0xc0000102u
#define EFER_SYSCALL_ENABLE (1ull << 0)

/* True when address is canonical (bits 63..47 all equal). */
static inline bool address_is_canonical(uint64_t address)
{
    return (uint64_t)((int64_t)(address << 16) >> 16) == address;
}

static inline uint64_t read_time_stamp_counter(void)
{
    uint32_t low, high;
    __asm__ volatile("rdtsc" : "=a"(low), "=d"(high));
    return ((uint64_t)high << 32) | low;
}

/* ---------------------------------------- linker-script symbols (virtual) */

extern char kernel_image_start[], kernel_image_end[];
extern char kernel_text_start[], kernel_text_end[];
extern char kernel_rodata_start[], kernel_rodata_end[];
extern char kernel_data_start[], kernel_data_end[];

/* Physical address of a kernel-image symbol. */
static inline paddr_t kernel_image_physical(const void *virtual_address)
{
    return (paddr_t)((uintptr_t)virtual_address - KERNEL_VIRTUAL_BASE);
}

/* ------------------------------------------------- backend internals */

/* boot_main.c: C entry from boot.S, on the boot stack, interrupts off. */
_Noreturn void x86_boot_main(uint32_t multiboot_magic, uint32_t multiboot_info_physical);

/* serial.c: set up COM1 (polled output); enable its receive interrupt. */
void serial_initialize(void);
void serial_enable_receive_interrupt(void);
/* IRQ4 handler: drain the UART into the input buffer, tell the Core. */
void serial_handle_interrupt(void);

/* console_print.c: minimal formatting straight to the console (fault paths). */
void console_print(const char *text);
void console_print_hex(uint64_t value, unsigned digits);
void console_print_decimal(uint64_t value);
void console_print_symbol(uintptr_t address);

/* descriptors.c: load the GDT, TSS and IDT. */
void descriptors_initialize(void);
/* Stack the CPU switches to on an interrupt from user mode. */
void descriptors_set_kernel_stack(uintptr_t stack_top);

/* interrupts.c: the C side of every interrupt and exception stub. */
void x86_interrupt_dispatch(struct interrupt_frame *frame);

/* pic.c: the 8259 pair, remapped to vectors 32..47. */
#define IRQ_VECTOR_BASE 32
#define IRQ_COUNT 16
#define IRQ_TIMER 0
#define IRQ_SERIAL 4
void pic_initialize(void);
/*
 * True when the IRQ is real (a spurious IRQ7/IRQ15 is not); a real one then
 * needs pic_end_of_interrupt(), after its device was acknowledged when the
 * line is level-triggered.
 */
bool pic_irq_is_real(unsigned irq);
void pic_end_of_interrupt(unsigned irq);
/* Unmask / mask irq (the cascade line follows for the slave's). Interrupts off. */
void pic_unmask(unsigned irq);
void pic_mask(unsigned irq);
/* Make irq level-triggered in the ELCR (PCI INTx lines); true when it was edge-triggered. */
bool pic_set_level_triggered(unsigned irq);

/* pci.c: PCI configuration mechanism #1 and enumeration. Boot only unless noted. */
struct pci_function {
    uint8_t bus, device, function;
    uint16_t vendor_id, device_id;
    uint16_t subsystem_id;
    uint8_t class_code, subclass;
    uint8_t interrupt_line;  /* config 0x3C as the firmware routed it; 0xff = none */
};
uint32_t pci_config_read_long(uint8_t bus, uint8_t device, uint8_t function, uint8_t offset);
uint16_t pci_config_read_word(uint8_t bus, uint8_t device, uint8_t function, uint8_t offset);
uint8_t pci_config_read_byte(uint8_t bus, uint8_t device, uint8_t function, uint8_t offset);
void pci_config_write_long(uint8_t bus, uint8_t device, uint8_t function, uint8_t offset,
                           uint32_t value);
void pci_config_write_word(uint8_t bus, uint8_t device, uint8_t function, uint8_t offset,
                           uint16_t value);
/* Call found(function) for every function on bus 0 and the buses behind its bridges. */
void pci_enumerate(void (*found)(const struct pci_function *function));
/*
 * BAR index of function: *base receives the I/O port base, *size the
 * decoded size. Returns false when the BAR is absent or not an I/O BAR.
 */
bool pci_io_bar(const struct pci_function *function, unsigned index, uint16_t *base,
                uint16_t *size);
/* Set the command register's I/O space and bus master bits. */
void pci_enable_io_and_bus_master(const struct pci_function *function);

/* virtio_pci.c: find the legacy virtio-pci devices (after pic_initialize). */
void virtio_pci_initialize(void);
/* Ack every virtio device on irq and run the handlers whose ISR was set; true when one was. */
bool virtio_pci_handle_interrupt(unsigned irq);

/* clock.c: TSC calibration and the PIT one-shot timer. */
void clock_initialize(void);
void clock_handle_timer_interrupt(void);

/* paging.c: the kernel page tables. */
void paging_initialize(const struct boot_memory_region *ram, size_t ram_count);
/* Take page-table frames from core_frame_alloc() from now on; returns the unused boot pool. */
struct boot_memory_region paging_enable_core_frames(void);
/* A zeroed page-table frame (boot pool or Core), PADDR_INVALID when none. */
paddr_t paging_frame_alloc(void);
void paging_frame_free(paddr_t frame);
/* Kernel-virtual address of a page-table frame. */
uint64_t *paging_table(paddr_t frame);
/* Root of the kernel page tables. */
paddr_t paging_kernel_root(void);
/* True when [address, address + length) is mapped kernel memory (image or direct map). */
bool paging_kernel_range_is_mapped(uintptr_t address, size_t length);

/* Page-table entry bits. */
#define PTE_PRESENT (1ull << 0)
#define PTE_WRITABLE (1ull << 1)
#define PTE_USER (1ull << 2)
#define PTE_LARGE (1ull << 7)
#define PTE_MAPPED (1ull << 9)   /* software: a mapping exists, even without access */
#define PTE_READABLE (1ull << 10) /* software: mapped with PLATFORM_PROT_READ */
#define PTE_NO_EXECUTE (1ull << 63)
#define PTE_ADDRESS_MASK 0x000ffffffffff000ull

/* context_switch.S: first code of a new context (entry in r12, argument in r13). */
void context_start_trampoline(void);
/*
 * context_switch.S: push the callee-saved registers and rflags, store the
 * stack pointer in *save_stack_pointer, load next_stack_pointer and pop the
 * same frame there. Returns when someone switches back.
 */
void context_switch_stacks(uintptr_t *save_stack_pointer, uintptr_t next_stack_pointer);

/*
 * The bookkeeping of a context created by platform_context_create(), at
 * the top of its stack (platform_context.backend points to it). Just below
 * it lies the thread's struct user_registers frame: the top of the kernel
 * stack for entries from user mode (TSS.rsp0 and the SYSCALL stack point
 * at its fs_base field, so the CPU's interrupt frame lands on the rip..ss
 * fields), and below that the kernel stack proper.
 */
struct context_record {
    uint8_t fpu_state[PLATFORM_FPU_STATE_SIZE]; /* FXSAVE image while not loaded */
} __attribute__((aligned(64)));

/* The user-register frame just below record. */
static inline struct user_registers *context_record_user_frame(struct context_record *record)
{
    return (struct user_registers *)record - 1;
}

/* What TSS.rsp0 and the SYSCALL entry load for record's thread (16-byte aligned). */
static inline uintptr_t context_record_kernel_stack_top(struct context_record *record)
{
    return (uintptr_t)&context_record_user_frame(record)->fs_base;
}

/* context.c: the record of the running context, NULL for one created elsewhere (boot). */
struct context_record *context_running_record(void);

/* cpu.c: control registers (FPU/SSE, SMEP/SMAP), FPU, SYSCALL. Boot, interrupts off. */
void cpu_initialize(void);
/* cpu.c: SMAP is on (clac/stac exist). */
extern bool cpu_smap_enabled;

/* fpu.c: the FPU/SSE state of contexts (lazy: the registers belong to one record at a time). */
void fpu_initialize(void);
/* Give record a clean image (new context); forget it if its old incarnation owned the registers. */
void fpu_context_prepare(struct context_record *record);
/* Make the registers hold next's state (saving the current owner's first). Interrupts off. */
void fpu_switch_to(struct context_record *next);
/* record is going away: the registers no longer belong to anyone. */
void fpu_context_forget(struct context_record *record);

/* user_mode.c: SYSCALL MSRs and segment bases. Boot, interrupts off. */
void user_mode_initialize(void);
/* Stack the SYSCALL entry switches to (the running user thread's frame). */
void user_mode_set_kernel_stack(uintptr_t stack_top);
/*
 * The fs_base/gs_base the CPU runs with now, stored in registers on every
 * entry from user mode (also notices a user that loaded a segment selector).
 */
void user_mode_capture_segment_bases(struct user_registers *registers);
/*
 * The common way back to user mode for registers (the thread's frame):
 * calls core_return_to_user() first when call_core is true (interrupts on),
 * reports a state the CPU cannot load (non-canonical rip, fs_base or
 * gs_base) as a general-protection fault, sanitises rflags and selectors,
 * loads the segment bases and returns with interrupts disabled; true when
 * SYSRET can resume exactly registers.
 */
bool user_mode_return_prepare(struct user_registers *registers, bool call_core);

/*
 * interrupts.c: an exception taken in user mode (vector < 32): describe it
 * to core_fault() (user_mode, user_registers = registers) with interrupts
 * enabled; returns on RESUME with interrupts enabled, halts on FATAL.
 * Called with interrupts off.
 */
void interrupt_user_exception(struct user_registers *registers, uint64_t vector,
                              uint64_t error_code);
/* interrupts.c: deliver IRQ vector to its device handler. Interrupts off. */
void interrupt_handle_irq(uint64_t vector);

/* user_entry.S */
void syscall_entry(void);
void syscall_compat_entry(void);
_Noreturn void user_enter_frame(struct user_registers *frame);

/* The table generated by tools/gen_ksyms.py (kernel_symbols.S). */
extern const uint64_t kernel_symbol_addresses[];
extern const uint32_t kernel_symbol_name_offsets[];
extern const char kernel_symbol_names[];
extern const uint64_t kernel_symbol_count;

#endif
