/*
 * test_user_mode.c — the hosted backend's user-mode hook: the installed
 * program runs with a copy of the registers (on the thread's reset kernel
 * stack), hosted_user_syscall() goes through core_syscall() and
 * core_return_to_user() with the Linux register conventions (signal
 * delivery included), the initial registers, the FPU no-op semantics and
 * the halt without a program.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <rk/errno.h>
#include <rk/mm.h>
#include <rk/page_alloc.h>
#include <rk/process.h>
#include <rk/signal.h>
#include <rk/syscall.h>
#include <rk/thread.h>
#include <rk/usercopy.h>

#include "hosted.h"

#define USER_PAGES 4
#define HANDLER 0x401000
#define RESTORER 0x402000
#define PROGRAM_RIP 0x400500
#define UNKNOWN_SYSCALL 5000

static struct process *test_process;
static uintptr_t user_base;
static paddr_t user_frames[USER_PAGES];
static jmp_buf program_done;

/* User stack: the first three pages; its top three pages up. */
static uintptr_t user_stack_top(void) { return user_base + 3 * PAGE_SIZE; }
/* A data page above the stack. */
static uintptr_t user_data_page(void) { return user_base + 3 * PAGE_SIZE; }

/* Boot, make a process with a few user pages and attach the boot thread to it. */
static int group_setup(void **state)
{
    (void)state;
    if (hosted_test_boot("loglevel=3") != 0)
        return -1;
    test_process = process_create("user-mode-test", 0, true);
    if (test_process == NULL)
        return -1;
    process_attach_thread(test_process, thread_current());
    user_base = platform_user_address_lowest() + 64 * PAGE_SIZE;
    for (int index = 0; index < USER_PAGES; index++) {
        user_frames[index] = page_alloc(0);
        if (user_frames[index] == PADDR_INVALID)
            return -1;
        memset(platform_phys_to_virt(user_frames[index]), 0, PAGE_SIZE);
        if (platform_map(&test_process->mm->space, user_base + (uintptr_t)index * PAGE_SIZE,
                         user_frames[index],
                         PLATFORM_PROT_READ | PLATFORM_PROT_WRITE | PLATFORM_PROT_USER) != 0)
            return -1;
    }
    return 0;
}

/* Every test starts with no program and interrupts disabled, like the boot thread. */
static int test_setup(void **state)
{
    (void)state;
    hosted_set_user_program(NULL);
    platform_irq_disable();
    return 0;
}

/* Leave the boot thread as the Core expects it after a program was abandoned. */
static int test_teardown(void **state)
{
    (void)state;
    thread_current()->user_registers = NULL;
    hosted_set_exit_handler(NULL);
    hosted_console_capture_end();
    platform_irq_disable();
    return 0;
}

/* The initial user state, as on x86. */
static void registers_init_matches_x86(void **state)
{
    (void)state;
    struct user_registers registers;
    memset(&registers, 0xff, sizeof(registers));
    platform_user_registers_init(&registers, 0x401000, 0x7ff000);
    assert_int_equal(registers.rip, 0x401000);
    assert_int_equal(registers.rsp, 0x7ff000);
    assert_int_equal(registers.cs, 0x2b);
    assert_int_equal(registers.ss, 0x23);
    assert_int_equal(registers.rflags, 0x202);
    assert_int_equal(registers.rax, 0);
    assert_int_equal(registers.orig_rax, 0);
    assert_int_equal(registers.r15, 0);
    assert_int_equal(registers.fs_base, 0);
    assert_int_equal(registers.gs_base, 0);
}

static int exit_status;

/* platform_halt's replacement: back into the test. */
static void exit_to_test(int status)
{
    exit_status = status;
    longjmp(program_done, 1);
}

/* Without a program, entering user mode halts with a message naming the hook. */
static void enter_without_program_halts(void **state)
{
    (void)state;
    struct user_registers registers;
    platform_user_registers_init(&registers, PROGRAM_RIP, user_stack_top());
    exit_status = -1;
    hosted_console_capture_begin(false);
    hosted_set_exit_handler(exit_to_test);
    if (setjmp(program_done) == 0)
        platform_user_enter(&registers);
    assert_int_equal(exit_status, 70);
    assert_non_null(strstr(hosted_console_captured(NULL), "no user program installed"));
}

/* What the syscall program saw. */
static struct user_registers *program_registers;
static struct user_registers program_start, after_getpid, after_unknown;
static bool program_interrupts_enabled;
static long getpid_result, unknown_result;

/* Two syscalls "from user mode", then back into the test. */
static void syscall_program(struct user_registers *registers)
{
    program_registers = registers;
    program_start = *registers;
    program_interrupts_enabled = platform_irq_enabled();
    getpid_result = hosted_user_syscall(registers, SYS_getpid);
    after_getpid = *registers;
    unknown_result = hosted_user_syscall(registers, UNKNOWN_SYSCALL, 1, 2, 3, 4, 5, 6);
    after_unknown = *registers;
    longjmp(program_done, 1);
}

/* The program gets a copy of the registers; syscalls fill the Linux registers and return rax. */
static void program_makes_syscalls(void **state)
{
    (void)state;
    struct user_registers registers;
    platform_user_registers_init(&registers, PROGRAM_RIP, user_stack_top());
    registers.rax = 42;
    registers.rbx = 0xbbbb;
    hosted_set_user_program(syscall_program);
    if (setjmp(program_done) == 0)
        platform_user_enter(&registers);

    assert_ptr_not_equal(program_registers, &registers);
    assert_memory_equal(&program_start, &registers, sizeof(registers));
    assert_true(program_interrupts_enabled);

    assert_int_equal(getpid_result, test_process->pid);
    assert_int_equal(after_getpid.orig_rax, SYS_getpid);
    assert_int_equal(after_getpid.rax, (uint64_t)test_process->pid);
    assert_int_equal(after_getpid.rcx, PROGRAM_RIP); /* rcx = rip, r11 = rflags, as SYSCALL */
    assert_int_equal(after_getpid.r11, 0x202);
    assert_int_equal(after_getpid.rip, PROGRAM_RIP);
    assert_int_equal(after_getpid.rbx, 0xbbbb);

    assert_int_equal(unknown_result, -ENOSYS);
    assert_int_equal(after_unknown.orig_rax, UNKNOWN_SYSCALL);
    assert_int_equal(after_unknown.rax, (uint64_t)-ENOSYS);
    assert_int_equal(after_unknown.rdi, 1);
    assert_int_equal(after_unknown.rsi, 2);
    assert_int_equal(after_unknown.rdx, 3);
    assert_int_equal(after_unknown.r10, 4);
    assert_int_equal(after_unknown.r8, 5);
    assert_int_equal(after_unknown.r9, 6);
}

/* What the signal program saw. */
static struct user_registers in_handler, after_sigreturn;
static long kill_result, sigreturn_result;

/*
 * kill(getpid(), SIGUSR1) with a handler installed: the return from the
 * syscall lands in the handler (core_return_to_user delivered it); the
 * "handler" returns through the restorer's rt_sigreturn, which brings back
 * the state of the kill syscall's return.
 */
static void signal_program(struct user_registers *registers)
{
    struct signal_action action = {
        .handler = HANDLER, .flags = SA_RESTORER, .restorer = RESTORER, .mask = 0,
    };
    memcpy(platform_phys_to_virt(user_frames[3]), &action, sizeof(action));
    long error = hosted_user_syscall(registers, SYS_rt_sigaction, SIGUSR1, (long)user_data_page(),
                                     0, 8);
    if (error != 0)
        fail_msg("rt_sigaction: %ld", error);
    long pid = hosted_user_syscall(registers, SYS_getpid);
    kill_result = hosted_user_syscall(registers, SYS_kill, pid, SIGUSR1);
    in_handler = *registers;
    if (registers->rip == HANDLER) {
        registers->rsp += 8; /* the handler's ret popped the restorer's address */
        registers->rip = RESTORER;
        sigreturn_result = hosted_user_syscall(registers, SYS_rt_sigreturn);
        after_sigreturn = *registers;
    }
    longjmp(program_done, 1);
}

/* Signal delivery happens on the way back from hosted_user_syscall. */
static void syscall_return_delivers_signals(void **state)
{
    (void)state;
    struct user_registers registers;
    platform_user_registers_init(&registers, PROGRAM_RIP, user_stack_top());
    memset(&in_handler, 0, sizeof(in_handler));
    hosted_set_user_program(signal_program);
    if (setjmp(program_done) == 0)
        platform_user_enter(&registers);

    assert_int_equal(in_handler.rip, HANDLER);
    assert_int_equal(in_handler.rdi, SIGUSR1);
    assert_true(in_handler.rsp < user_stack_top());
    uint64_t return_address = 0;
    assert_int_equal(copy_from_user(&return_address, in_handler.rsp, sizeof(return_address)), 0);
    assert_int_equal(return_address, RESTORER);

    assert_int_equal(sigreturn_result, 0); /* kill's own result comes back */
    assert_int_equal(after_sigreturn.rip, PROGRAM_RIP);
    assert_int_equal(after_sigreturn.rsp, user_stack_top());
    assert_int_equal(after_sigreturn.rax, 0);
    assert_int_equal(kill_result, 0);
}

/* What the stack program saw. */
static uintptr_t deepest_frame, program_frame, thread_stack_bottom;
static struct user_registers stack_program_registers;

/* Notes where it runs and ends the thread from "user mode". */
static void stack_program(struct user_registers *registers)
{
    volatile char marker = 0;
    program_frame = (uintptr_t)&marker;
    thread_stack_bottom = (uintptr_t)thread_current()->stack;
    stack_program_registers = *registers;
    thread_exit(0);
}

static void enter_deeply(int depth);
/* Called through a pointer: the recursion ends in platform_user_enter, which never returns. */
static void (*volatile enter_deeply_again)(int depth) = enter_deeply;

/* Enter user mode from depth frames of 512 bytes each (9 deep: ASan frames are larger; the 16 KiB stack must hold them). */
static void enter_deeply(int depth)
{
    volatile char buffer[512];
    buffer[0] = (char)depth;
    if (depth > 0) {
        enter_deeply_again(depth - 1);
        buffer[1] = buffer[0]; /* no tail call */
        return;
    }
    deepest_frame = (uintptr_t)buffer;
    struct user_registers registers;
    platform_user_registers_init(&registers, PROGRAM_RIP, user_stack_top());
    registers.rax = 7;
    platform_user_enter(&registers);
}

static void deep_thread(void *argument)
{
    (void)argument;
    enter_deeply(9);
}

/* On a thread of its own, the program runs at the top of the reset kernel stack. */
static void enter_resets_the_kernel_stack(void **state)
{
    (void)state;
    program_frame = 0;
    hosted_set_user_program(stack_program);
    struct thread *thread = thread_create("user-stack", deep_thread, NULL);
    assert_non_null(thread);
    int exit_code = -1;
    assert_int_equal(thread_join(thread, &exit_code), 0);
    assert_int_equal(exit_code, 0);
    size_t stack_size = PAGE_SIZE << THREAD_STACK_ORDER;
    assert_true(program_frame > deepest_frame + 4096);
    assert_true(program_frame > thread_stack_bottom + stack_size - 2048);
    assert_true(program_frame < thread_stack_bottom + stack_size);
    assert_int_equal(stack_program_registers.rax, 7);
    assert_int_equal(stack_program_registers.rip, PROGRAM_RIP);
}

/* Hosted FPU calls: a clean FXSAVE image, restore and reset do nothing. */
static void fpu_calls_are_per_call_no_ops(void **state)
{
    (void)state;
    _Alignas(16) uint8_t image[PLATFORM_FPU_STATE_SIZE];
    memset(image, 0xee, sizeof(image));
    platform_fpu_save(image);
    uint16_t control_word;
    uint32_t mxcsr;
    memcpy(&control_word, image, sizeof(control_word));
    memcpy(&mxcsr, image + 24, sizeof(mxcsr));
    assert_int_equal(control_word, 0x37f);
    assert_int_equal(mxcsr, 0x1f80);
    assert_int_equal(image[160], 0); /* xmm0 */
    assert_int_equal(image[PLATFORM_FPU_STATE_SIZE - 1], 0);
    memset(image + 160, 0x5a, 16);
    platform_fpu_restore(image);
    platform_fpu_reset();
    platform_fpu_save(image);
    assert_int_equal(image[160], 0);
}

/* A restart ends the hosted process with status 0. */
static void restart_exits_with_status_zero(void **state)
{
    (void)state;
    exit_status = -1;
    hosted_set_exit_handler(exit_to_test);
    if (setjmp(program_done) == 0)
        platform_restart();
    assert_int_equal(exit_status, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(registers_init_matches_x86, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(enter_without_program_halts, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(program_makes_syscalls, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(syscall_return_delivers_signals, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(enter_resets_the_kernel_stack, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(fpu_calls_are_per_call_no_ops, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(restart_exits_with_status_zero, test_setup, test_teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
