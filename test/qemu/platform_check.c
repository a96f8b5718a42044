/*
 * platform_check.c — a test kernel for the x86_64 backend alone.
 *
 * Linked with the backend instead of the Core (it implements kernel_main
 * and the upcalls itself), booted in QEMU by run_qemu_test.sh with
 * -initrd and a fixed command line, it checks the platform API contract on
 * real paging, interrupts and timers: boot information, interrupt flag
 * control, clock and one-shot timer, contexts, address spaces, W^X and the
 * absence of an identity map (each fault is provoked in its own context;
 * core_fault() records it and switches back), and backtraces of corrupt
 * chains; then user mode (platform_check_user.S): SYSCALL arguments and
 * results, the SYSRET and IRET returns, FS base and FPU state across
 * context switches, user faults, and a timer interrupt taken in user mode;
 * then the virtio transport (platform_check_virtio.c).
 * Prints "platform-check summary: N passed, M failed" and powers off with
 * the failure count.
 */
#include <rk/errno.h>
#include <rk/platform.h>
#include <rk/string.h>

#include "platform_check.h"

#define EXPECTED_COMMAND_LINE "console=ttyS0 rk.platform-check=1"
#define INITRD_MAGIC "RKINITRD"
#define INITRD_SIZE 5000
#define USER_PAGE 0x400000ul
#define KERNEL_AREA_PAGE 0xffffc90000042000ul
#define CONTEXT_STACK_SIZE 16384
#define MILLISECOND 1000000ull

static unsigned checks_passed, checks_failed;

/* Write a string to the console. */
void print(const char *text)
{
    platform_console_write(text, strlen(text));
}

/* Write an unsigned number in decimal. */
void print_number(uint64_t value)
{
    char text[21];
    unsigned position = sizeof(text) - 1;
    text[position] = '\0';
    do {
        text[--position] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    print(&text[position]);
}

/* Count one check; print the failing expression and line. */
void check(bool condition, const char *expression, int line)
{
    if (condition) {
        checks_passed++;
        return;
    }
    checks_failed++;
    print("platform-check FAILED at line ");
    print_number((uint64_t)line);
    print(": ");
    print(expression);
    print("\n");
}

/* ------------------------------------------------- upcalls (the "Core") */

static paddr_t frame_next, frame_end;
static paddr_t freed_frames[64];
static unsigned freed_frame_count;
static long frames_in_use;

/* Bump allocator over the largest free region, with a small reuse list. */
paddr_t core_frame_alloc(void)
{
    paddr_t frame;
    if (freed_frame_count > 0) {
        frame = freed_frames[--freed_frame_count];
    } else {
        if (frame_next >= frame_end)
            return PADDR_INVALID;
        frame = frame_next;
        frame_next += PAGE_SIZE;
    }
    memset(platform_phys_to_virt(frame), 0, PAGE_SIZE);
    frames_in_use++;
    return frame;
}

void core_frame_free(paddr_t frame)
{
    frames_in_use--;
    if (freed_frame_count < sizeof(freed_frames) / sizeof(freed_frames[0]))
        freed_frames[freed_frame_count++] = frame;
}

static volatile unsigned timer_interrupts;
static volatile uint64_t timer_interrupt_time;

static volatile bool spin_waiting_for_timer;

/*
 * Count the interrupt. While the user-mode timer check waits for a tick
 * that lands in user mode, re-arm: a tick may also land in the kernel.
 */
void core_timer_interrupt(void)
{
    timer_interrupts++;
    timer_interrupt_time = platform_clock_ns();
    if (spin_waiting_for_timer)
        platform_timer_arm(timer_interrupt_time + 2 * MILLISECOND);
}

void core_console_input(void)
{
}

/* The context a fault test runs in, and where core_fault() returns to. */
static struct platform_context main_context, fault_context;
static struct platform_fault last_fault;
static unsigned faults_seen;
static uint8_t fault_stack[CONTEXT_STACK_SIZE] __attribute__((aligned(16)));

static enum platform_fault_action user_fault(const struct platform_fault *fault);

/*
 * Record the fault. A user-mode fault goes to user_fault(). A breakpoint
 * resumes (int3 is a trap); anything else abandons the faulting context
 * and resumes the check's main context.
 */
/* The service gate's recovery point for check_fault_recovery(), and whether the next fault goes there. */
static struct gate_recovery check_recovery;
static bool recover_next_fault;
static unsigned watchdog_ticks;

void core_interrupt_enter(void) {}
void core_interrupt_leave(void) {}

/* The kernel's gate keeps a timer armed for the ticks; this check arms its own. */
void core_watchdog_tick(const struct platform_fault *interrupted, uint64_t elapsed_ns)
{
    (void)interrupted;
    (void)elapsed_ns;
    watchdog_ticks++;
}

enum platform_fault_action core_fault(const struct platform_fault *fault)
{
    if (fault->user_mode)
        return user_fault(fault);
    last_fault = *fault;
    faults_seen++;
    if (recover_next_fault) {
        recover_next_fault = false;
        platform_fault_resume_at(fault, &check_recovery, 42);
        return PLATFORM_FAULT_RESUME;
    }
    if (fault->kind == PLATFORM_FAULT_BREAKPOINT)
        return PLATFORM_FAULT_RESUME;
    uintptr_t trace[4];
    size_t depth = platform_backtrace(fault->frame_pointer, trace, 4);
    if (depth == 0 || trace[0] != fault->instruction_pointer) {
        print("platform-check: the fault backtrace does not start at the faulting instruction\n");
        checks_failed++;
    }
    platform_context_switch(&fault_context, &main_context);
    platform_halt(); /* never resumed */
}

/* ------------------------------------------------------------ checks */

extern char kernel_image_start[], kernel_image_end[], kernel_load_end[];
extern char boot_stack_bottom[], boot_stack_top[];
static uint8_t thread_stack[CONTEXT_STACK_SIZE] __attribute__((aligned(16)));

/* True when physical [start, end) overlaps the kernel-image object [object, object + size). */
static bool overlaps_object(paddr_t start, paddr_t end, const void *object, size_t size)
{
    paddr_t object_start = platform_virt_to_phys(object);
    return start < object_start + size && object_start < end;
}

/*
 * A free region may lie inside the kernel image only in its .bss (the
 * unused boot page-table pool) and must miss every live .bss object.
 */
static bool region_respects_image(paddr_t start, paddr_t end)
{
    paddr_t image_start = platform_virt_to_phys(kernel_image_start);
    paddr_t image_end = image_start + ((uintptr_t)kernel_image_end - (uintptr_t)kernel_image_start);
    if (end <= image_start || start >= image_end)
        return true;
    return start >= platform_virt_to_phys(kernel_load_end) && end <= image_end &&
           !overlaps_object(start, end, boot_stack_bottom,
                            (uintptr_t)boot_stack_top - (uintptr_t)boot_stack_bottom) &&
           !overlaps_object(start, end, thread_stack, sizeof(thread_stack)) &&
           !overlaps_object(start, end, fault_stack, sizeof(fault_stack)) &&
           !overlaps_object(start, end, &checks_passed, sizeof(checks_passed));
}
extern char kernel_text_start[], kernel_rodata_start[], kernel_data_start[];

/* Boot information: name, command line, free regions, initrd. */
static void check_boot_information(const struct boot_info *info)
{
    CHECK(strcmp(info->platform_name, "x86_64") == 0);
    CHECK(strcmp(info->command_line, EXPECTED_COMMAND_LINE) == 0);
    CHECK(info->memory_count > 0);
    CHECK(info->total_memory_bytes > 200ull << 20 && info->total_memory_bytes <= 256ull << 20);
    CHECK(platform_virt_to_phys(kernel_image_start) == 0x100000);
    for (size_t index = 0; index < info->memory_count; index++) {
        const struct boot_memory_region *region = &info->memory[index];
        paddr_t end = region->base + region->length;
        CHECK(region->type == BOOT_MEMORY_USABLE);
        CHECK(region->length > 0 && region->base % PAGE_SIZE == 0 && region->length % PAGE_SIZE == 0);
        CHECK(region->base >= 0x100000);
        CHECK(region_respects_image(region->base, end));
        CHECK(end <= info->initrd_base || region->base >= info->initrd_base + info->initrd_size);
        if (region->length > frame_end - frame_next) {
            frame_next = region->base;
            frame_end = end;
        }
    }
    CHECK(info->initrd_size == INITRD_SIZE);
    const char *initrd = platform_phys_to_virt(info->initrd_base);
    CHECK(info->initrd_size >= 8 && memcmp(initrd, INITRD_MAGIC, 8) == 0);
}

/* Interrupt flag control. */
static void check_interrupt_flag(void)
{
    CHECK(!platform_irq_enabled());
    irq_flags_t outer = platform_irq_save();
    CHECK(!platform_irq_enabled());
    platform_irq_enable();
    CHECK(platform_irq_enabled());
    irq_flags_t inner = platform_irq_save();
    CHECK(!platform_irq_enabled());
    platform_irq_restore(inner);
    CHECK(platform_irq_enabled());
    platform_irq_restore(outer);
    CHECK(!platform_irq_enabled());
}

/* Arm for delay_ns from now, idle until the timer fires; it fires once, never early. */
static void check_timer_delay(uint64_t delay_ns)
{
    timer_interrupts = 0;
    uint64_t deadline = platform_clock_ns() + delay_ns;
    platform_timer_arm(deadline);
    for (unsigned idles = 0; timer_interrupts == 0 && idles < 100000; idles++)
        CHECK(platform_idle());
    CHECK(timer_interrupts == 1);
    CHECK(timer_interrupt_time >= deadline);
    CHECK(timer_interrupt_time < deadline + 250 * MILLISECOND); /* generous: loaded hosts */
}

/* Clock monotonic; timers short, long (several PIT chunks), past; disarm. */
static void check_clock_and_timer(void)
{
    uint64_t first = platform_clock_ns();
    uint64_t second = platform_clock_ns();
    CHECK(second >= first);
    check_timer_delay(0);
    check_timer_delay(MILLISECOND);
    check_timer_delay(30 * MILLISECOND);
    check_timer_delay(150 * MILLISECOND);

    timer_interrupts = 0;
    platform_timer_arm(platform_clock_ns() + 2 * MILLISECOND);
    platform_timer_disarm();
    uint64_t later = platform_clock_ns() + 20 * MILLISECOND;
    platform_timer_arm(later + 200 * MILLISECOND); /* an event source for platform_idle() */
    while (platform_clock_ns() < later)
        platform_idle();
    platform_timer_disarm();
    CHECK(timer_interrupts == 0);
    CHECK(platform_clock_ns() - first >= 200 * MILLISECOND);
}

static struct platform_context thread_context;
static volatile uintptr_t thread_argument;
static volatile bool thread_interrupts_enabled, thread_frame_aligned;
static volatile unsigned thread_resumptions;

/* Entry of the test context: records what it saw, then ping-pongs with main. */
static void thread_entry(void *argument)
{
    thread_argument = (uintptr_t)argument;
    thread_interrupts_enabled = platform_irq_enabled();
    thread_frame_aligned = ((uintptr_t)__builtin_frame_address(0) & 15) == 0;
    platform_irq_disable();
    for (;;) {
        thread_resumptions++;
        platform_context_switch(&thread_context, &main_context);
    }
}

/* Context creation and switching. */
static void check_contexts(void)
{
    platform_context_create(&thread_context, thread_stack, sizeof(thread_stack), thread_entry,
                            (void *)0x1234);
    platform_context_switch(&main_context, &thread_context);
    CHECK(thread_argument == 0x1234);
    CHECK(thread_interrupts_enabled);
    CHECK(thread_frame_aligned);
    CHECK(thread_resumptions == 1);
    CHECK(!platform_irq_enabled());
    platform_context_switch(&main_context, &thread_context);
    CHECK(thread_resumptions == 2);
}

#define CR4_SMEP (1ul << 20)
#define CR4_SMAP (1ul << 21)

/* The CPU's CR4 (SMEP/SMAP state). */
static uint64_t read_cr4(void)
{
    uint64_t value;
    __asm__ volatile("mov %%cr4, %0" : "=r"(value));
    return value;
}

/* Allow kernel access to user pages while SMAP is on (only this test does that). */
static void user_access_begin(void)
{
    if (read_cr4() & CR4_SMAP)
        __asm__ volatile("stac" : : : "memory");
}

/* End of user_access_begin(). */
static void user_access_end(void)
{
    if (read_cr4() & CR4_SMAP)
        __asm__ volatile("clac" : : : "memory");
}

/* Map, translate, protect, unmap and their errors in a user space and the kernel area. */
static void check_address_spaces(void)
{
    struct platform_address_space *kernel = platform_address_space_kernel();
    const unsigned read_write_user = PLATFORM_PROT_READ | PLATFORM_PROT_WRITE | PLATFORM_PROT_USER;
    long frames_before = frames_in_use;
    struct platform_address_space space;
    CHECK(platform_address_space_create(&space) == 0);
    paddr_t frame = core_frame_alloc();
    paddr_t pa = 0, old_pa = 0;
    unsigned prot = 0;

    CHECK(platform_map(&space, USER_PAGE, frame, read_write_user) == 0);
    CHECK(platform_map(&space, USER_PAGE, frame, PLATFORM_PROT_READ) == -EEXIST);
    CHECK(platform_map(&space, USER_PAGE + 8, frame, PLATFORM_PROT_READ) == -EINVAL);
    CHECK(platform_map(&space, USER_PAGE + PAGE_SIZE, frame + 8, PLATFORM_PROT_READ) == -EINVAL);
    CHECK(platform_map(&space, 0, frame, PLATFORM_PROT_READ) == -EINVAL);
    CHECK(platform_map(&space, platform_user_address_end(), frame, PLATFORM_PROT_READ) == -EINVAL);
    CHECK(platform_map(&space, USER_PAGE + PAGE_SIZE, frame, 1u << 7) == -EINVAL);
    CHECK(platform_translate(&space, USER_PAGE + 0x123, &pa, &prot) == 0);
    CHECK(pa == frame && prot == read_write_user);
    CHECK(platform_translate(&space, USER_PAGE + PAGE_SIZE, NULL, NULL) == -ENOENT);
    CHECK(platform_translate(&space, platform_user_address_end(), NULL, NULL) == -EINVAL);

    platform_address_space_activate(&space);
    user_access_begin();
    *(volatile uint32_t *)USER_PAGE = 0xfeedface;
    user_access_end();
    CHECK(*(volatile uint32_t *)platform_phys_to_virt(frame) == 0xfeedface);
    CHECK(platform_protect(&space, USER_PAGE, PLATFORM_PROT_WRITE | PLATFORM_PROT_USER) == 0);
    CHECK(platform_translate(&space, USER_PAGE, NULL, &prot) == 0);
    CHECK(prot == (PLATFORM_PROT_WRITE | PLATFORM_PROT_USER));
    CHECK(platform_protect(&space, USER_PAGE, 0) == 0);
    CHECK(platform_translate(&space, USER_PAGE, &pa, &prot) == 0 && pa == frame && prot == 0);
    CHECK(platform_protect(&space, USER_PAGE + PAGE_SIZE, PLATFORM_PROT_READ) == -ENOENT);
    CHECK(platform_unmap(&space, USER_PAGE, &old_pa) == 0 && old_pa == frame);
    CHECK(platform_unmap(&space, USER_PAGE, NULL) == -ENOENT);
    CHECK(platform_unmap(&space, USER_PAGE + 1, NULL) == -EINVAL);

    /* The kernel mapping area, reached through either space. */
    CHECK(platform_map(kernel, KERNEL_AREA_PAGE, frame, PLATFORM_PROT_READ | PLATFORM_PROT_WRITE) == 0);
    CHECK(*(volatile uint32_t *)KERNEL_AREA_PAGE == 0xfeedface);
    CHECK(platform_translate(&space, KERNEL_AREA_PAGE, &pa, NULL) == 0 && pa == frame);
    CHECK(platform_map(kernel, KERNEL_AREA_PAGE + PAGE_SIZE, frame,
                       PLATFORM_PROT_READ | PLATFORM_PROT_USER) == -EINVAL);
    CHECK(platform_map(kernel, USER_PAGE, frame, PLATFORM_PROT_READ) == -EINVAL);
    CHECK(platform_unmap(&space, KERNEL_AREA_PAGE, NULL) == 0);

    platform_address_space_activate(kernel);
    platform_address_space_destroy(&space);
    core_frame_free(frame);
    CHECK(frames_in_use == frames_before + 2); /* the kernel area's directory and table stay */

    /* The kernel image and the direct map. */
    CHECK(platform_translate(kernel, (uintptr_t)kernel_text_start, NULL, &prot) == 0);
    CHECK(prot == (PLATFORM_PROT_READ | PLATFORM_PROT_EXEC));
    CHECK(platform_translate(kernel, (uintptr_t)kernel_rodata_start, NULL, &prot) == 0);
    CHECK(prot == PLATFORM_PROT_READ);
    CHECK(platform_translate(kernel, (uintptr_t)kernel_data_start, NULL, &prot) == 0);
    CHECK(prot == (PLATFORM_PROT_READ | PLATFORM_PROT_WRITE));
    CHECK(platform_translate(kernel, (uintptr_t)platform_phys_to_virt(0x345000), &pa, &prot) == 0);
    CHECK(pa == 0x345000 && prot == (PLATFORM_PROT_READ | PLATFORM_PROT_WRITE));
    CHECK(platform_virt_to_phys(platform_phys_to_virt(0x345678)) == 0x345678);
    CHECK(platform_virt_to_phys((const void *)0x100000) == PADDR_INVALID);
    CHECK(platform_translate(kernel, 0x100000, NULL, NULL) == -EINVAL);
}

typedef void (*fault_action_fn)(void);
static volatile uint32_t writable_word;
static const uint32_t read_only_word = 7;

static void read_null(void) { (void)*(volatile uint64_t *volatile)(uintptr_t)0; }
static void read_low_identity(void) { (void)*(volatile uint64_t *volatile)(uintptr_t)0x100000; }
static void write_text(void) { *(volatile uint8_t *volatile)(uintptr_t)read_null = 0xc3; }
static void write_rodata(void) { *(volatile uint32_t *volatile)(uintptr_t)&read_only_word = 1; }
static void execute_data(void)
{
    writable_word = 0xc3c3c3c3; /* ret */
    ((void (*volatile)(void))(uintptr_t)&writable_word)();
}
static void execute_direct_map(void) { ((void (*volatile)(void))platform_phys_to_virt(0x200000))(); }
static void invalid_opcode(void) { __asm__ volatile("ud2"); }
static void divide_by_zero(void)
{
    unsigned zero = 0;
    __asm__ volatile("movl $1, %%eax\n\txorl %%edx, %%edx\n\tdivl %0" : : "r"(zero) : "eax", "edx");
}

static fault_action_fn fault_action;

/* Entry of a fault context: run the action; reaching the end means no fault. */
static void fault_entry(void *argument)
{
    (void)argument;
    fault_action();
    platform_irq_disable();
    platform_context_switch(&fault_context, &main_context);
}

/* Run action in a fresh context; returns true when it faulted (last_fault describes it). */
static bool provoke(fault_action_fn action)
{
    unsigned before = faults_seen;
    fault_action = action;
    platform_context_create(&fault_context, fault_stack, sizeof(fault_stack), fault_entry, NULL);
    platform_context_switch(&main_context, &fault_context);
    CHECK(!platform_irq_enabled());
    return faults_seen == before + 1;
}

/* Page-fault error-code bits. */
#define PAGE_FAULT_PRESENT 0x1
#define PAGE_FAULT_WRITE 0x2
#define PAGE_FAULT_INSTRUCTION_FETCH 0x10

/* Expect a kernel page fault at address with exactly the given error-code bits set. */
static void check_page_fault(fault_action_fn action, uintptr_t address, uint64_t error_bits)
{
    CHECK(provoke(action));
    CHECK(last_fault.kind == PLATFORM_FAULT_PAGE && last_fault.vector == 14);
    CHECK(last_fault.address == address);
    CHECK((last_fault.error_code & 0x1f) == error_bits);
    CHECK(!last_fault.user_mode);
}

/* No identity map, W^X, exception kinds, breakpoint resume. */
static void check_faults(void)
{
    check_page_fault(read_null, 0, 0);
    check_page_fault(read_low_identity, 0x100000, 0);
    check_page_fault(write_text, (uintptr_t)read_null, PAGE_FAULT_PRESENT | PAGE_FAULT_WRITE);
    check_page_fault(write_rodata, (uintptr_t)&read_only_word, PAGE_FAULT_PRESENT | PAGE_FAULT_WRITE);
    check_page_fault(execute_data, (uintptr_t)&writable_word,
                     PAGE_FAULT_PRESENT | PAGE_FAULT_INSTRUCTION_FETCH);
    check_page_fault(execute_direct_map, (uintptr_t)platform_phys_to_virt(0x200000),
                     PAGE_FAULT_PRESENT | PAGE_FAULT_INSTRUCTION_FETCH);
    CHECK(provoke(invalid_opcode));
    CHECK(last_fault.kind == PLATFORM_FAULT_INVALID_OPCODE && last_fault.vector == 6);
    CHECK(last_fault.instruction_pointer >= (uintptr_t)invalid_opcode &&
          last_fault.instruction_pointer < (uintptr_t)invalid_opcode + 16);
    CHECK(provoke(divide_by_zero));
    CHECK(last_fault.kind == PLATFORM_FAULT_DIVIDE && last_fault.vector == 0);

    unsigned before = faults_seen;
    __asm__ volatile("int3");
    CHECK(faults_seen == before + 1 && last_fault.kind == PLATFORM_FAULT_BREAKPOINT);
}

/*
 * The gate's recovery point (rk/gate.h): a page fault redirected by
 * platform_fault_resume_at() comes back out of gate_recovery_save() with
 * the value given, interrupts off, callee-saved registers intact; so does
 * platform_recovery_resume().
 */
static void check_fault_recovery(void)
{
    volatile uint64_t kept = 0x1234;
    recover_next_fault = true;
    platform_irq_enable();
    long value = gate_recovery_save(&check_recovery);
    if (value == 0) {
        volatile uint64_t *volatile target = (volatile uint64_t *)0x10;
        *target = kept; /* faults: resumes above with 42 */
        __asm__ volatile("" : : : "memory"); /* nothing of the CHECK may move above the fault */
        CHECK(!"the page fault did not happen");
    }
    CHECK(value == 42);
    CHECK(!platform_irq_enabled());
    CHECK(last_fault.kind == PLATFORM_FAULT_PAGE && last_fault.address == 0x10);
    CHECK(kept == 0x1234);
    platform_irq_disable();

    value = gate_recovery_save(&check_recovery);
    if (value == 0)
        platform_recovery_resume(&check_recovery, 7);
    CHECK(value == 7);
    value = gate_recovery_save(&check_recovery);
    if (value == 0)
        platform_recovery_resume(&check_recovery, 0);
    CHECK(value == 1); /* 0 cannot be told from the first return */

    /* Interrupts taken in kernel mode reach the watchdog tick. */
    unsigned ticks = watchdog_ticks;
    check_timer_delay(2 * MILLISECOND);
    CHECK(watchdog_ticks > ticks);
}

/* Backtraces: a real chain, and corrupt chains that must not fault. */
static void check_backtraces(void)
{
    uintptr_t trace[8];
    CHECK(platform_backtrace(0, trace, 8) >= 2);
    uintptr_t looping[2] = {0, 0x1234};
    looping[0] = (uintptr_t)looping;
    CHECK(platform_backtrace((uintptr_t)looping, trace, 8) == 1);
    CHECK(platform_backtrace(0x10, trace, 8) == 0);
    CHECK(platform_backtrace(0xffff900000000000ul, trace, 8) == 0);
    CHECK(platform_backtrace((uintptr_t)looping + 3, trace, 8) == 0);
    CHECK(platform_backtrace(0, trace, 0) == 0);
}

/* ------------------------------------------------------------ user mode */

#define USER_CODE 0x400000ul
#define USER_STACK_BASE 0x500000ul
#define USER_STACK_PAGES 4
#define USER_STACK_TOP_A 0x502000ul
#define USER_STACK_TOP_B 0x504000ul
#define USER_DATA 0x600000ul
#define USER_LAZY_PAGE 0x700000ul
#define USER_TLS_A (USER_DATA + 0x100)
#define USER_TLS_B (USER_DATA + 0x200)
#define USER_PATTERN_A (USER_DATA + 0x400)
#define USER_PATTERN_B (USER_DATA + 0x440)
#define USER_CODE_SELECTOR 0x2bu
#define USER_DATA_SELECTOR 0x23u
#define NON_CANONICAL 0x0000800000000000ul
#define RFLAGS_INTERRUPT_ENABLE 0x200u
#define FXSAVE_MXCSR 24
#define FXSAVE_XMM0 160
#define FXSAVE_XMM_END 416
#define PAGE_FAULT_USER 0x4
#define USER_FAULT_RECORDS 16

/* The test Core's syscall numbers (platform_check_user.S uses the same). */
enum {
    SYSCALL_ARCH_PRCTL = 158,
    ARCH_SET_FS = 0x1002,
    SYSCALL_REPORT = 1000,
    SYSCALL_ECHO = 1001,
    SYSCALL_REDIRECT = 1002,
    SYSCALL_UNLOADABLE = 1003,
    SYSCALL_YIELD = 1004,
    SYSCALL_FPU_EXCHANGE = 1005,
    SYSCALL_FPU_RESET = 1006,
    SYSCALL_NOTHING = 1007,
    NOTHING_ROUNDS = 100000, /* platform_check_user.S's user_nothing_program */
};

/* platform_check_user.S */
extern const char user_programs_start[], user_programs_end[];
extern const char user_syscall_program[], user_syscall_return[], user_redirect_program[];
extern const char user_switch_program[], user_spin_program[], user_spin_loop[];
extern const char user_spin_loop_end[], user_fault_program[], user_fault_write[];
extern const char user_fault_invalid_opcode[], user_fault_after_breakpoint[];
extern const char user_nothing_program[];

/* A kernel context that enters user mode with start. */
struct user_thread {
    struct platform_context context;
    struct user_registers start;
    bool reported;
    uint64_t report;
};

static uint8_t user_kernel_stacks[2][CONTEXT_STACK_SIZE] __attribute__((aligned(16)));
static struct user_thread user_threads[2];
static struct user_thread *running_user_thread;
static struct platform_address_space user_space;
static paddr_t user_data_frame;

/* What the test Core saw. */
static struct user_registers echo_first, preempted_registers;
static unsigned echo_count, syscalls_with_interrupts_off, fpu_exchange_result;
static unsigned return_to_user_count, returns_with_interrupts_off;
static struct platform_fault user_faults[USER_FAULT_RECORDS];
static struct user_registers user_fault_registers[USER_FAULT_RECORDS];
static unsigned user_fault_count, user_faults_with_interrupts_off;
static bool resumed_after_preemption;

/* The user address of a label in platform_check_user.S. */
static uintptr_t user_address(const char *label)
{
    return USER_CODE + (uintptr_t)(label - user_programs_start);
}

/* Kernel-side address of the user data page's byte at user address. */
static uint8_t *user_data(uintptr_t address)
{
    return (uint8_t *)platform_phys_to_virt(user_data_frame) + (address - USER_DATA);
}

/* Entry of a user thread's kernel context. */
static void user_thread_entry(void *argument)
{
    struct user_thread *thread = argument;
    platform_user_enter(&thread->start);
}

/* Prepare thread index to run program with the given stack and rdi/rsi/rdx. */
static struct user_thread *user_thread_start(unsigned index, const char *program,
                                             uintptr_t stack_top, uint64_t rdi, uint64_t rsi,
                                             uint64_t rdx)
{
    struct user_thread *thread = &user_threads[index];
    memset(thread, 0, sizeof(*thread));
    platform_user_registers_init(&thread->start, user_address(program), stack_top);
    thread->start.rdi = rdi;
    thread->start.rsi = rsi;
    thread->start.rdx = rdx;
    platform_context_create(&thread->context, user_kernel_stacks[index], CONTEXT_STACK_SIZE,
                            user_thread_entry, thread);
    return thread;
}

/* Run thread until it reports, yields or is preempted. */
static void user_thread_run(struct user_thread *thread)
{
    running_user_thread = thread;
    platform_context_switch(&main_context, &thread->context);
    running_user_thread = NULL;
    CHECK(!platform_irq_enabled());
}

/* From the running user thread's kernel side: back to main until it resumes us. */
static void user_thread_pause(void)
{
    struct user_thread *thread = running_user_thread;
    irq_flags_t flags = platform_irq_save();
    platform_context_switch(&thread->context, &main_context);
    platform_irq_restore(flags);
}

/* The thread reported success; otherwise print the number of its failing user check. */
static void check_report(const struct user_thread *thread, int line)
{
    check(thread->reported && thread->report == 0, "user program reported success", line);
    if (thread->reported && thread->report != 0) {
        print("platform-check: user check ");
        print_number(thread->report);
        print(" failed\n");
    }
}

/* Save the live FPU state, check it against the thread's pattern, load a changed one. */
static unsigned fpu_exchange(const struct user_registers *registers)
{
    uint8_t image[PLATFORM_FPU_STATE_SIZE] __attribute__((aligned(16)));
    uint8_t unaligned[PLATFORM_FPU_STATE_SIZE + 16] __attribute__((aligned(16)));
    const uint8_t *pattern = user_data(registers->rdi);
    uint32_t mxcsr;
    platform_fpu_save(image);
    platform_fpu_save(unaligned + 1);
    memcpy(&mxcsr, image + FXSAVE_MXCSR, sizeof(mxcsr));
    if (memcmp(image + FXSAVE_XMM0, pattern, 16) != 0)
        return 1;
    if (mxcsr != registers->rsi)
        return 2;
    if (memcmp(unaligned + 1, image, FXSAVE_XMM_END) != 0)
        return 3;
    memcpy(image + FXSAVE_XMM0 + 2 * 16, pattern + 16, 16); /* xmm2 */
    mxcsr |= 0xffff0000u;                                     /* reserved: would #GP */
    memcpy(image + FXSAVE_MXCSR, &mxcsr, sizeof(mxcsr));
    platform_fpu_restore(image);
    return 0;
}

/* Upcall: the test Core's syscalls. */
void core_syscall(struct user_registers *registers)
{
    if (!platform_irq_enabled())
        syscalls_with_interrupts_off++;
    switch (registers->orig_rax) {
    case SYSCALL_REPORT:
        running_user_thread->reported = true;
        running_user_thread->report = registers->rdi;
        user_thread_pause();
        platform_halt(); /* never resumed */
    case SYSCALL_ECHO:
        if (echo_count++ == 0)
            echo_first = *registers;
        registers->rax = 0x123456789aul;
        break;
    case SYSCALL_REDIRECT: /* what a signal delivery does */
        registers->rip = registers->rdi;
        registers->rax = 77;
        registers->rcx = 0x1111;
        registers->r11 = 0x2222;
        registers->rflags = 0x3001; /* IOPL 3, IF clear, CF: must be made safe */
        break;
    case SYSCALL_UNLOADABLE:
        registers->rip = NON_CANONICAL;
        registers->fs_base = NON_CANONICAL + PAGE_SIZE;
        break;
    case SYSCALL_ARCH_PRCTL:
        if (registers->rdi == ARCH_SET_FS) {
            registers->fs_base = registers->rsi;
            registers->rax = 0;
        } else {
            registers->rax = (uint64_t)-EINVAL;
        }
        break;
    case SYSCALL_YIELD:
        user_thread_pause();
        registers->rax = 0;
        break;
    case SYSCALL_FPU_EXCHANGE:
        fpu_exchange_result = fpu_exchange(registers);
        registers->rax = fpu_exchange_result;
        break;
    case SYSCALL_FPU_RESET:
        platform_fpu_reset();
        registers->rax = 0;
        break;
    case SYSCALL_NOTHING:
        registers->rax = 0;
        break;
    default:
        registers->rax = (uint64_t)-ENOSYS;
        break;
    }
}

/*
 * Upcall: before every return to user mode. The first return from an
 * interrupt after the spin test armed the timer sets rax (ending the
 * spin) and preempts the thread: main runs, then resumes it.
 */
void core_return_to_user(struct user_registers *registers)
{
    return_to_user_count++;
    if (!platform_irq_enabled())
        returns_with_interrupts_off++;
    if (spin_waiting_for_timer && timer_interrupts > 0 && registers->orig_rax == (uint64_t)-1) {
        spin_waiting_for_timer = false;
        preempted_registers = *registers;
        registers->rax = 1;
        user_thread_pause();
        resumed_after_preemption = true;
    }
}

/*
 * A fault in user mode: record it; map the lazy page and retry, resume
 * after a breakpoint, and resume anything else at r12 (as a signal handler
 * would), clearing an unloadable fs_base.
 */
static enum platform_fault_action user_fault(const struct platform_fault *fault)
{
    unsigned index = user_fault_count++;
    if (!platform_irq_enabled())
        user_faults_with_interrupts_off++;
    if (index < USER_FAULT_RECORDS) {
        user_faults[index] = *fault;
        if (fault->user_registers != NULL)
            user_fault_registers[index] = *fault->user_registers;
    }
    struct user_registers *registers = fault->user_registers;
    if (registers == NULL)
        return PLATFORM_FAULT_FATAL;
    if (fault->kind == PLATFORM_FAULT_PAGE && fault->address == USER_LAZY_PAGE) {
        paddr_t frame = core_frame_alloc();
        if (frame == PADDR_INVALID ||
            platform_map(&user_space, USER_LAZY_PAGE, frame,
                         PLATFORM_PROT_READ | PLATFORM_PROT_WRITE | PLATFORM_PROT_USER) != 0)
            return PLATFORM_FAULT_FATAL;
        return PLATFORM_FAULT_RESUME;
    }
    if (fault->kind == PLATFORM_FAULT_BREAKPOINT)
        return PLATFORM_FAULT_RESUME;
    registers->rip = registers->r12;
    if (!((registers->fs_base >> 47) == 0 || (registers->fs_base >> 47) == 0x1ffff))
        registers->fs_base = 0;
    return PLATFORM_FAULT_RESUME;
}

/* The initial user state. */
static void check_user_registers_init(void)
{
    struct user_registers registers;
    memset(&registers, 0xff, sizeof(registers));
    platform_user_registers_init(&registers, 0x401000, 0x7ff000);
    CHECK(registers.rip == 0x401000 && registers.rsp == 0x7ff000);
    CHECK(registers.cs == USER_CODE_SELECTOR && registers.ss == USER_DATA_SELECTOR);
    CHECK(registers.rflags == 0x202);
    CHECK(registers.rax == 0 && registers.rdi == 0 && registers.r15 == 0 && registers.orig_rax == 0);
    CHECK(registers.fs_base == 0 && registers.gs_base == 0 && registers.gs == 0);
}

/* Arguments, result, rcx/r11 as on Linux, preserved registers (the SYSRET path). */
static void check_user_syscalls(void)
{
    unsigned returns_before = return_to_user_count;
    struct user_thread *thread =
        user_thread_start(0, user_syscall_program, USER_STACK_TOP_A, 0, 0, 0);
    user_thread_run(thread);
    check_report(thread, __LINE__);
    CHECK(echo_count == 2);
    CHECK(echo_first.orig_rax == SYSCALL_ECHO && echo_first.rax == SYSCALL_ECHO);
    CHECK(echo_first.rdi == 11 && echo_first.rsi == 12 && echo_first.rdx == 13);
    CHECK(echo_first.r10 == 14 && echo_first.r8 == 15 && echo_first.r9 == 16);
    CHECK(echo_first.rbx == 0x0b0b0b0b && echo_first.rbp == 0x0c0c0c0c);
    CHECK(echo_first.r13 == 0x0d0d0d0d && echo_first.r14 == 0x0e0e0e0e && echo_first.r15 == 0x0f0f0f0f);
    CHECK(echo_first.rip == user_address(user_syscall_return));
    CHECK(echo_first.rcx == echo_first.rip);
    CHECK(echo_first.r11 == echo_first.rflags && (echo_first.rflags & RFLAGS_INTERRUPT_ENABLE));
    CHECK(echo_first.r11 == echo_first.r12); /* the user's own pushfq */
    CHECK(echo_first.cs == USER_CODE_SELECTOR && echo_first.ss == USER_DATA_SELECTOR);
    CHECK(echo_first.rsp == USER_STACK_TOP_A);
    CHECK(echo_first.fs_base == 0 && echo_first.gs_base == 0);
    CHECK(return_to_user_count == returns_before + 2); /* the report never returns */
    CHECK(syscalls_with_interrupts_off == 0 && returns_with_interrupts_off == 0);
}

/* Registers changed by the Core (IRET path), and a state the CPU cannot load. */
static void check_user_redirect(void)
{
    unsigned first_fault = user_fault_count;
    struct user_thread *thread =
        user_thread_start(0, user_redirect_program, USER_STACK_TOP_A, 0, 0, 0);
    user_thread_run(thread);
    check_report(thread, __LINE__);
    CHECK(user_fault_count == first_fault + 1);
    const struct platform_fault *fault = &user_faults[first_fault];
    CHECK(fault->kind == PLATFORM_FAULT_GENERAL_PROTECTION && fault->vector == 13);
    CHECK(fault->user_mode && fault->instruction_pointer == NON_CANONICAL);
}

/* FS base and FPU state of two user threads across context switches. */
static void check_user_context_switches(void)
{
    *(uint64_t *)user_data(USER_TLS_A) = USER_TLS_A;
    *(uint64_t *)user_data(USER_TLS_B) = USER_TLS_B;
    for (unsigned index = 0; index < 16; index++) {
        user_data(USER_PATTERN_A)[index] = (uint8_t)(0x10 + index);
        user_data(USER_PATTERN_A)[16 + index] = 0x5a;
        user_data(USER_PATTERN_B)[index] = (uint8_t)(0x80 + index);
        user_data(USER_PATTERN_B)[16 + index] = (uint8_t)(0xc0 ^ index);
    }
    struct user_thread *first = user_thread_start(0, user_switch_program, USER_STACK_TOP_A,
                                                  USER_TLS_A, USER_PATTERN_A, 0x7f80);
    struct user_thread *second = user_thread_start(1, user_switch_program, USER_STACK_TOP_B,
                                                   USER_TLS_B, USER_PATTERN_B, 0x3f80);
    user_thread_run(first);  /* sets FS and FPU, yields */
    CHECK(!first->reported);
    user_thread_run(second); /* starts clean, sets its own, yields */
    CHECK(!second->reported);
    user_thread_run(first);
    check_report(first, __LINE__);
    user_thread_run(second);
    check_report(second, __LINE__);
    CHECK(fpu_exchange_result == 0);
}

/* Page faults, invalid opcode, breakpoint, no-execute, #GP: all reach core_fault as user faults. */
static void check_user_faults(void)
{
    unsigned first = user_fault_count;
    unsigned returns_before = return_to_user_count;
    struct user_thread *thread =
        user_thread_start(0, user_fault_program, USER_STACK_TOP_A, 0, 0, 0);
    user_thread_run(thread);
    check_report(thread, __LINE__);
    CHECK(user_fault_count == first + 6);
    CHECK(return_to_user_count == returns_before + 6);
    CHECK(user_faults_with_interrupts_off == 0);
    if (user_fault_count != first + 6 || first + 6 > USER_FAULT_RECORDS)
        return;
    const struct platform_fault *fault = &user_faults[first];
    const struct user_registers *registers = &user_fault_registers[first];
    CHECK(fault->kind == PLATFORM_FAULT_PAGE && fault->vector == 14);
    CHECK(fault->user_mode && fault->user_registers != NULL);
    CHECK(fault->address == USER_LAZY_PAGE);
    CHECK((fault->error_code & 0x1f) == (PAGE_FAULT_USER | PAGE_FAULT_WRITE));
    CHECK(fault->instruction_pointer == user_address(user_fault_write));
    CHECK(fault->stack_pointer == USER_STACK_TOP_A);
    CHECK(registers->rip == user_address(user_fault_write) && registers->rbx == USER_LAZY_PAGE);
    CHECK(registers->orig_rax == (uint64_t)-1);
    CHECK(registers->cs == USER_CODE_SELECTOR && registers->ss == USER_DATA_SELECTOR);
    CHECK(registers->rsp == USER_STACK_TOP_A && (registers->rflags & RFLAGS_INTERRUPT_ENABLE));

    fault = &user_faults[first + 1];
    CHECK(fault->kind == PLATFORM_FAULT_INVALID_OPCODE && fault->vector == 6 && fault->user_mode);
    CHECK(fault->instruction_pointer == user_address(user_fault_invalid_opcode));
    fault = &user_faults[first + 2];
    CHECK(fault->kind == PLATFORM_FAULT_BREAKPOINT && fault->vector == 3 && fault->user_mode);
    CHECK(fault->instruction_pointer == user_address(user_fault_after_breakpoint));
    fault = &user_faults[first + 3];
    CHECK(fault->kind == PLATFORM_FAULT_PAGE && fault->address == USER_DATA && fault->user_mode);
    CHECK((fault->error_code & 0x1f) ==
          (PAGE_FAULT_PRESENT | PAGE_FAULT_USER | PAGE_FAULT_INSTRUCTION_FETCH));
    fault = &user_faults[first + 4];
    CHECK(fault->kind == PLATFORM_FAULT_GENERAL_PROTECTION && fault->user_mode);
    fault = &user_faults[first + 5];
    CHECK(fault->kind == PLATFORM_FAULT_GENERAL_PROTECTION && fault->user_mode);
}

/* A timer interrupt in user mode reaches core_return_to_user, which may switch threads. */
static void check_user_timer(void)
{
    struct user_thread *thread =
        user_thread_start(0, user_spin_program, USER_STACK_TOP_A, 0, 0, 0);
    timer_interrupts = 0;
    resumed_after_preemption = false;
    spin_waiting_for_timer = true;
    platform_timer_arm(platform_clock_ns() + 2 * MILLISECOND);
    user_thread_run(thread); /* returns when core_return_to_user preempts it */
    spin_waiting_for_timer = false;
    platform_timer_disarm();
    CHECK(!thread->reported);
    CHECK(timer_interrupts >= 1);
    CHECK(preempted_registers.orig_rax == (uint64_t)-1);
    CHECK(preempted_registers.rip >= user_address(user_spin_loop) &&
          preempted_registers.rip < user_address(user_spin_loop_end));
    CHECK(preempted_registers.cs == USER_CODE_SELECTOR &&
          preempted_registers.ss == USER_DATA_SELECTOR);
    CHECK(preempted_registers.rsp == USER_STACK_TOP_A);
    CHECK(preempted_registers.rflags & RFLAGS_INTERRUPT_ENABLE);
    if (thread->reported)
        return;
    user_thread_run(thread);
    CHECK(resumed_after_preemption);
    check_report(thread, __LINE__);
}

/*
 * Print the cost of an empty syscall round trip, the best of a few runs
 * (information for tuning, not a check: the host's load shows in it).
 */
static void measure_user_syscalls(void)
{
    uint64_t best = UINT64_MAX;
    for (unsigned run = 0; run < 5; run++) {
        struct user_thread *thread =
            user_thread_start(0, user_nothing_program, USER_STACK_TOP_A, 0, 0, 0);
        uint64_t start = platform_clock_ns();
        user_thread_run(thread);
        uint64_t elapsed = platform_clock_ns() - start;
        check_report(thread, __LINE__);
        if (elapsed < best)
            best = elapsed;
    }
    print("platform-check: empty syscall round trip ");
    print_number(best / NOTHING_ROUNDS);
    print(" ns\n");
}

static void execute_user_page(void) { ((void (*volatile)(void))USER_CODE)(); }
static void read_user_page(void) { (void)*(volatile uint64_t *volatile)USER_DATA; }

/* With SMEP/SMAP on, the kernel can neither run nor touch user pages. */
static void check_supervisor_protections(void)
{
    uint64_t cr4 = read_cr4();
    print((cr4 & CR4_SMEP) ? "platform-check: SMEP on\n" : "platform-check: no SMEP\n");
    print((cr4 & CR4_SMAP) ? "platform-check: SMAP on\n" : "platform-check: no SMAP\n");
    if (cr4 & CR4_SMEP)
        check_page_fault(execute_user_page, USER_CODE,
                         PAGE_FAULT_PRESENT | PAGE_FAULT_INSTRUCTION_FETCH);
    if (cr4 & CR4_SMAP)
        check_page_fault(read_user_page, USER_DATA, PAGE_FAULT_PRESENT);
}

/* Map page va to a fresh frame in the user space; returns the frame. */
static paddr_t user_page_map(uintptr_t va, unsigned prot)
{
    paddr_t frame = core_frame_alloc();
    CHECK(frame != PADDR_INVALID);
    CHECK(platform_map(&user_space, va, frame, prot | PLATFORM_PROT_USER) == 0);
    return frame;
}

/* Unmap page va from the user space and free its frame. */
static void user_page_unmap(uintptr_t va)
{
    paddr_t frame = PADDR_INVALID;
    CHECK(platform_unmap(&user_space, va, &frame) == 0);
    if (frame != PADDR_INVALID)
        core_frame_free(frame);
}

/* User mode on real hardware paths: every check above in one user address space. */
static void check_user_mode(void)
{
    long frames_before = frames_in_use;
    size_t program_size = (size_t)(user_programs_end - user_programs_start);
    CHECK(program_size > 0 && program_size <= PAGE_SIZE);
    CHECK(platform_address_space_create(&user_space) == 0);
    paddr_t code = user_page_map(USER_CODE, PLATFORM_PROT_READ | PLATFORM_PROT_EXEC);
    memcpy(platform_phys_to_virt(code), user_programs_start, program_size);
    for (unsigned page = 0; page < USER_STACK_PAGES; page++)
        user_page_map(USER_STACK_BASE + page * PAGE_SIZE, PLATFORM_PROT_READ | PLATFORM_PROT_WRITE);
    user_data_frame = user_page_map(USER_DATA, PLATFORM_PROT_READ | PLATFORM_PROT_WRITE);
    platform_address_space_activate(&user_space);

    check_user_registers_init();
    check_user_syscalls();
    check_user_redirect();
    check_user_context_switches();
    check_user_faults();
    check_user_timer();
    check_supervisor_protections();
    measure_user_syscalls();

    platform_address_space_activate(platform_address_space_kernel());
    user_page_unmap(USER_CODE);
    for (unsigned page = 0; page < USER_STACK_PAGES; page++)
        user_page_unmap(USER_STACK_BASE + page * PAGE_SIZE);
    user_page_unmap(USER_DATA);
    user_page_unmap(USER_LAZY_PAGE);
    platform_address_space_destroy(&user_space);
    CHECK(frames_in_use == frames_before);
}

_Noreturn void kernel_main(const struct boot_info *info)
{
    print("platform-check: starting\n");
    check_boot_information(info);
    check_interrupt_flag();
    check_clock_and_timer();
    check_contexts();
    check_address_spaces();
    check_faults();
    check_fault_recovery();
    check_backtraces();
    check_user_mode();
    check_virtio();
    char buffer[4];
    CHECK(platform_console_read(buffer, sizeof(buffer)) == 0);
    print("platform-check summary: ");
    print_number(checks_passed);
    print(" passed, ");
    print_number(checks_failed);
    print(" failed\n");
    platform_power_off(checks_failed > 100 ? 100 : (int)checks_failed);
}
