/*
 * fault.c — host signals as CPU faults.
 *
 * SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGTRAP are caught on a sigaltstack
 * (so a kernel stack overflow is still reported), turned into a struct
 * platform_fault from the signal's ucontext and handed to core_fault() in
 * interrupt context. RESUME returns from the handler (the instruction is
 * retried); FATAL prints a last line and halts with status 70. A fault
 * while handling a fault halts at once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include "hosted.h"
#include "hosted_internal.h"

#define ALTERNATE_STACK_SIZE (128 * 1024)

static const int fault_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP};
#define FAULT_SIGNAL_COUNT (sizeof(fault_signals) / sizeof(fault_signals[0]))

static void *alternate_stack;
static bool handlers_installed;
static struct sigaction previous_actions[FAULT_SIGNAL_COUNT];
static volatile sig_atomic_t fault_depth;

/* See hosted_internal.h. */
bool hosted_in_fault_handler(void)
{
    return fault_depth > 0;
}

/* The platform fault kind a host signal stands for. */
static enum platform_fault_kind fault_kind_of(int signal_number)
{
    switch (signal_number) {
    case SIGSEGV: return PLATFORM_FAULT_PAGE;
    case SIGBUS: return PLATFORM_FAULT_GENERAL_PROTECTION;
    case SIGILL: return PLATFORM_FAULT_INVALID_OPCODE;
    case SIGFPE: return PLATFORM_FAULT_DIVIDE;
    case SIGTRAP: return PLATFORM_FAULT_BREAKPOINT;
    default: return PLATFORM_FAULT_OTHER;
    }
}

/* The signal handler: report to the Core, then resume or halt. */
static void fault_signal_handler(int signal_number, siginfo_t *information, void *context_pointer)
{
    ucontext_t *context = context_pointer;
    if (fault_depth > 0) {
        hosted_write_text("hosted: fault while handling a fault, halting\n");
        _exit(HOSTED_HALT_STATUS);
    }
    fault_depth++;

    const greg_t *registers = context->uc_mcontext.gregs;
    struct platform_fault fault = {
        .kind = fault_kind_of(signal_number),
        .vector = (unsigned)signal_number,
        .error_code = (uint64_t)registers[REG_ERR],
        .address = (signal_number == SIGSEGV || signal_number == SIGBUS)
                       ? (uintptr_t)information->si_addr
                       : 0,
        .instruction_pointer = (uintptr_t)registers[REG_RIP],
        .stack_pointer = (uintptr_t)registers[REG_RSP],
        .frame_pointer = (uintptr_t)registers[REG_RBP],
        .user_mode = false,
        .interrupts_were_enabled = hosted_interrupts_enabled,
        .backend_frame = context,
    };

    irq_flags_t flags = platform_irq_save();
    enum platform_fault_action action = core_fault(&fault);
    platform_irq_restore(flags);

    if (action == PLATFORM_FAULT_RESUME) {
        fault_depth--;
        return;
    }
    hosted_write_text("hosted: fatal fault, halting\n");
    platform_halt();
}

/* See hosted.h. */
int hosted_faults_install(void)
{
    if (alternate_stack == NULL) {
        alternate_stack = malloc(ALTERNATE_STACK_SIZE);
        if (alternate_stack == NULL)
            return -ENOMEM;
    }
    stack_t stack = {.ss_sp = alternate_stack, .ss_size = ALTERNATE_STACK_SIZE, .ss_flags = 0};
    if (sigaltstack(&stack, NULL) != 0)
        return -errno;
    hosted_alternate_stack_register((uintptr_t)alternate_stack, ALTERNATE_STACK_SIZE);

    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_sigaction = fault_signal_handler;
    /* NODEFER: a fault inside the handler reaches it (and halts) instead of killing us. */
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    for (size_t index = 0; index < FAULT_SIGNAL_COUNT; index++) {
        struct sigaction *previous = handlers_installed ? NULL : &previous_actions[index];
        if (sigaction(fault_signals[index], &action, previous) != 0)
            return -errno;
    }
    handlers_installed = true;
    return hosted_watchdog_install();
}

/*
 * See hosted.h. Puts back the handlers that were there before
 * hosted_faults_install() and forgets an unfinished fault (a test that
 * longjmp'ed out of the handler).
 */
void hosted_faults_remove(void)
{
    if (handlers_installed) {
        for (size_t index = 0; index < FAULT_SIGNAL_COUNT; index++)
            sigaction(fault_signals[index], &previous_actions[index], NULL);
        handlers_installed = false;
    }
    fault_depth = 0;
    hosted_watchdog_remove();
}

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HOSTED_FAULT_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define HOSTED_FAULT_ASAN 1
#endif
#ifdef HOSTED_FAULT_ASAN
#include <sanitizer/asan_interface.h>
#endif

/* In gate_recovery.S. */
_Noreturn void gate_recovery_jump(const struct gate_recovery *recovery, long value);

/*
 * See rk/platform.h. The signal's saved context resumes at recovery when
 * the handler returns; the skipped stack frames lose their sanitizer
 * poisoning (they are gone).
 */
void platform_fault_resume_at(const struct platform_fault *fault,
                              const struct gate_recovery *recovery, long value)
{
    ucontext_t *context = (ucontext_t *)fault->backend_frame;
    greg_t *registers = context->uc_mcontext.gregs;
#ifdef HOSTED_FAULT_ASAN
    uintptr_t interrupted_stack = (uintptr_t)registers[REG_RSP];
    if (recovery->registers[6] > interrupted_stack)
        __asan_unpoison_memory_region((void *)interrupted_stack,
                                      recovery->registers[6] - interrupted_stack);
#endif
    registers[REG_RBX] = (greg_t)recovery->registers[0];
    registers[REG_RBP] = (greg_t)recovery->registers[1];
    registers[REG_R12] = (greg_t)recovery->registers[2];
    registers[REG_R13] = (greg_t)recovery->registers[3];
    registers[REG_R14] = (greg_t)recovery->registers[4];
    registers[REG_R15] = (greg_t)recovery->registers[5];
    registers[REG_RSP] = (greg_t)recovery->registers[6];
    registers[REG_RIP] = (greg_t)recovery->registers[7];
    registers[REG_RAX] = (greg_t)(value != 0 ? value : 1);
    hosted_interrupts_enabled = false;
}

/* See rk/platform.h. */
_Noreturn void platform_recovery_resume(const struct gate_recovery *recovery, long value)
{
#ifdef HOSTED_FAULT_ASAN
    __asan_handle_no_return();
#endif
    gate_recovery_jump(recovery, value);
}

/* Append "name value" to line. */
static void append_register(char *line, const char *name, uint64_t value)
{
    char hex[19];
    strcat(line, " ");
    strcat(line, name);
    strcat(line, "=");
    strcat(line, hosted_format_hex(hex, value));
}

/* Print one line of up to four registers. */
static void print_registers(const char *const names[4], const uint64_t values[4], size_t count)
{
    char line[160] = " ";
    for (size_t index = 0; index < count; index++)
        append_register(line, names[index], values[index]);
    strcat(line, "\n");
    hosted_write_text(line);
}

/* See rk/platform.h. Any context (no allocation, no stdio). */
void platform_fault_dump(const struct platform_fault *fault)
{
    char number[21];
    hosted_write_text("hosted fault: signal ");
    hosted_write_text(hosted_format_decimal(number, fault->vector));
    hosted_write_text(fault->user_mode ? " (user)\n" : " (kernel)\n");
    {
        static const char *const names[4] = {"rip", "rsp", "rbp", "address"};
        const uint64_t values[4] = {fault->instruction_pointer, fault->stack_pointer,
                                    fault->frame_pointer, fault->address};
        print_registers(names, values, 4);
    }
    const ucontext_t *context = fault->backend_frame;
    if (context == NULL)
        return;
    const greg_t *registers = context->uc_mcontext.gregs;
    static const char *const names[][4] = {
        {"rax", "rbx", "rcx", "rdx"}, {"rsi", "rdi", "r8", "r9"},
        {"r10", "r11", "r12", "r13"}, {"r14", "r15", "eflags", "error"},
        {"trapno", "cr2", "csgsfs", "oldmask"},
    };
    static const int indices[][4] = {
        {REG_RAX, REG_RBX, REG_RCX, REG_RDX}, {REG_RSI, REG_RDI, REG_R8, REG_R9},
        {REG_R10, REG_R11, REG_R12, REG_R13}, {REG_R14, REG_R15, REG_EFL, REG_ERR},
        {REG_TRAPNO, REG_CR2, REG_CSGSFS, REG_OLDMASK},
    };
    for (size_t row = 0; row < sizeof(indices) / sizeof(indices[0]); row++) {
        uint64_t values[4];
        for (size_t column = 0; column < 4; column++)
            values[column] = (uint64_t)registers[indices[row][column]];
        print_registers(names[row], values, 4);
    }
}
