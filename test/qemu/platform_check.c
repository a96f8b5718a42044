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
 * chains. Prints "platform-check summary: N passed, M failed" and powers off
 * with the failure count.
 */
#include <rk/errno.h>
#include <rk/platform.h>
#include <rk/string.h>

#define EXPECTED_COMMAND_LINE "console=ttyS0 rk.platform-check=1"
#define INITRD_MAGIC "RKINITRD"
#define INITRD_SIZE 5000
#define USER_PAGE 0x400000ul
#define KERNEL_AREA_PAGE 0xffffc90000042000ul
#define CONTEXT_STACK_SIZE 16384
#define MILLISECOND 1000000ull

static unsigned checks_passed, checks_failed;

/* Write a string to the console. */
static void print(const char *text)
{
    platform_console_write(text, strlen(text));
}

/* Write an unsigned number in decimal. */
static void print_number(uint64_t value)
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
static void check(bool condition, const char *expression, int line)
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
#define CHECK(condition) check((condition), #condition, __LINE__)

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

void core_timer_interrupt(void)
{
    timer_interrupts++;
    timer_interrupt_time = platform_clock_ns();
}

void core_console_input(void)
{
}

/* The context a fault test runs in, and where core_fault() returns to. */
static struct platform_context main_context, fault_context;
static struct platform_fault last_fault;
static unsigned faults_seen;
static uint8_t fault_stack[CONTEXT_STACK_SIZE] __attribute__((aligned(16)));

/*
 * Record the fault. A breakpoint resumes (int3 is a trap); anything else
 * abandons the faulting context and resumes the check's main context.
 */
enum platform_fault_action core_fault(const struct platform_fault *fault)
{
    last_fault = *fault;
    faults_seen++;
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
    *(volatile uint32_t *)USER_PAGE = 0xfeedface;
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

_Noreturn void kernel_main(const struct boot_info *info)
{
    print("platform-check: starting\n");
    check_boot_information(info);
    check_interrupt_flag();
    check_clock_and_timer();
    check_contexts();
    check_address_spaces();
    check_faults();
    check_backtraces();
    char buffer[4];
    CHECK(platform_console_read(buffer, sizeof(buffer)) == 0);
    print("platform-check summary: ");
    print_number(checks_passed);
    print(" passed, ");
    print_number(checks_failed);
    print(" failed\n");
    platform_power_off(checks_failed > 100 ? 100 : (int)checks_failed);
}
