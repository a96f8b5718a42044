/*
 * test_signal_frame.c — handler delivery: the rt_sigframe read back from
 * the process's user memory (Linux x86_64 layout), rt_sigreturn, masks,
 * SA_NODEFER/SA_RESETHAND/SA_ONSTACK, syscall restart vs EINTR, and the
 * SIGSEGV that replaces an unbuildable frame.
 */
#include <asm/sigcontext.h>

#include "signal_fixture.h"

#define HANDLER 0x401000
#define RESTORER 0x402000
#define OTHER_HANDLER 0x403000
#define INTERRUPTED_RIP 0x400500

/* The kernel's ucontext (asm/ucontext.h) as it sits in the frame. */
struct frame_ucontext {
    uint64_t flags, link;
    uint64_t stack_sp;
    int32_t stack_flags, padding;
    uint64_t stack_size;
    struct sigcontext mcontext;
    uint64_t sigmask;
};
struct frame {
    uint64_t pretcode;
    struct frame_ucontext uc;
    unsigned char info[128];
};

_Static_assert(sizeof(struct sigcontext) == 256, "host sigcontext");
_Static_assert(offsetof(struct frame, info) == 312, "siginfo follows the ucontext");

/* Deliver on the test's own thread with registers as its saved user state. */
static void deliver(struct user_registers *registers)
{
    thread_current()->user_registers = registers;
    signal_deliver(registers);
}

static struct frame read_frame(uintptr_t address)
{
    struct frame frame;
    assert_int_equal(copy_from_user(&frame, address, sizeof frame), 0);
    return frame;
}

/* What the handler's final ret and the restorer's syscall do: rt_sigreturn. */
static long return_from_handler(struct user_registers *registers)
{
    registers->rsp += 8; /* ret popped pretcode */
    registers->orig_rax = SYS_rt_sigreturn;
    thread_current()->user_registers = registers;
    long result = syscall6(SYS_rt_sigreturn, 0, 0, 0, 0, 0, 0);
    registers->rax = (uint64_t)result; /* as core_syscall stores it */
    return result;
}

static void handler_frame_matches_linux(void **state)
{
    install_handler(SIGUSR1, HANDLER, SA_SIGINFO | SA_RESTORER, SIGNAL_BIT(SIGUSR2), RESTORER);
    thread_current()->signals.blocked = SIGNAL_BIT(SIGHUP);
    assert_int_equal(call(SYS_kill, (uint64_t)test_process->pid, SIGUSR1, 0, 0), 0);
    uintptr_t user_sp = stack_top() - 1000;
    struct user_registers registers = sample_registers(INTERRUPTED_RIP, user_sp);
    const struct user_registers before = registers;
    deliver(&registers);

    assert_int_equal(registers.rip, HANDLER);
    assert_int_equal(registers.rdi, SIGUSR1);
    assert_int_equal(registers.rax, 0);
    assert_int_equal((registers.rsp + 8) % 16, 0);
    assert_true(registers.rsp + sizeof(struct frame) + 512 <= user_sp - 128); /* red zone skipped */
    assert_int_equal(registers.rsi, registers.rsp + offsetof(struct frame, info));
    assert_int_equal(registers.rdx, registers.rsp + offsetof(struct frame, uc));
    assert_int_equal(registers.rflags & 0x400, 0); /* DF cleared for the handler */
    assert_int_equal(registers.cs, 0x33);
    assert_int_equal(registers.fs_base, 0x7777);

    struct frame frame = read_frame(registers.rsp);
    assert_int_equal(frame.pretcode, RESTORER);
    assert_int_equal(frame.uc.flags, 0x6); /* UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS */
    assert_int_equal(frame.uc.link, 0);
    assert_int_equal(frame.uc.stack_flags, SS_DISABLE);
    const struct sigcontext *context = &frame.uc.mcontext;
    assert_int_equal(context->r8, 8);
    assert_int_equal(context->r15, 15);
    assert_int_equal(context->rdi, 0xd1d1);
    assert_int_equal(context->rsi, 0x5151);
    assert_int_equal(context->rbp, 0x5555);
    assert_int_equal(context->rbx, 0xbb);
    assert_int_equal(context->rdx, 0xdddd);
    assert_int_equal(context->rax, 0xaaaa);
    assert_int_equal(context->rcx, 0xcccc);
    assert_int_equal(context->rsp, user_sp);
    assert_int_equal(context->rip, INTERRUPTED_RIP);
    assert_int_equal(context->eflags, before.rflags);
    assert_int_equal(context->cs, 0x33);
    assert_int_equal(context->ss, 0x2b);
    assert_int_equal(context->oldmask, SIGNAL_BIT(SIGHUP));
    assert_int_equal(frame.uc.sigmask, SIGNAL_BIT(SIGHUP));
    uintptr_t fpstate = (uintptr_t)context->fpstate;
    assert_int_not_equal(fpstate, 0);
    assert_int_equal(fpstate % 64, 0);
    assert_true(fpstate >= registers.rsp + sizeof frame);
    assert_true(fpstate + 512 <= user_sp - 128);
    int32_t info[6];
    memcpy(info, frame.info, sizeof info);
    assert_int_equal(info[0], SIGUSR1);
    assert_int_equal(info[2], SI_USER);
    assert_int_equal(info[4], test_process->pid); /* si_pid */

    /* During the handler: the old mask, sa_mask and the signal itself. */
    assert_int_equal(thread_current()->signals.blocked,
                     SIGNAL_BIT(SIGHUP) | SIGNAL_BIT(SIGUSR2) | SIGNAL_BIT(SIGUSR1));

    /* The handler clobbers registers; rt_sigreturn brings everything back. */
    registers.rbx = 0x1234;
    registers.r12 = 0x999;
    registers.cs = 0x33;
    assert_int_equal(return_from_handler(&registers), 0xaaaa);
    struct user_registers expected = before;
    expected.orig_rax = (uint64_t)-1;
    assert_memory_equal(&registers, &expected, sizeof expected);
    assert_int_equal(thread_current()->signals.blocked, SIGNAL_BIT(SIGHUP));
}

static void sigreturn_takes_only_user_changeable_flags_and_mask(void **state)
{
    install_handler(SIGUSR1, HANDLER, SA_RESTORER, 0, RESTORER);
    assert_int_equal(call(SYS_kill, (uint64_t)test_process->pid, SIGUSR1, 0, 0), 0);
    struct user_registers registers = sample_registers(INTERRUPTED_RIP, stack_top() - 256);
    deliver(&registers);
    uintptr_t frame_address = registers.rsp;
    /* The handler edits its ucontext: IOPL and IF bits, SIGKILL in the mask, a new rip. */
    struct frame frame = read_frame(frame_address);
    frame.uc.mcontext.eflags = 0x3000 | 0x200 | 0x1 | 0x40000; /* IOPL=3, IF, CF, AC */
    frame.uc.mcontext.rip = 0x400800;
    frame.uc.sigmask = SIGNAL_BIT(SIGKILL) | SIGNAL_BIT(SIGSTOP) | SIGNAL_BIT(SIGTERM);
    assert_int_equal(copy_to_user(frame_address, &frame, sizeof frame), 0);
    return_from_handler(&registers);
    assert_int_equal(registers.rip, 0x400800);
    assert_int_equal(registers.rflags & 0x3000, 0); /* IOPL stays 0 */
    assert_int_equal(registers.rflags & 0x40001, 0x40001);
    assert_int_equal(thread_current()->signals.blocked, SIGNAL_BIT(SIGTERM));
}

static void bad_sigreturn_frame_forces_sigsegv(void **state)
{
    install_handler(SIGSEGV, OTHER_HANDLER, SA_RESTORER, 0, RESTORER);
    struct user_registers registers = sample_registers(INTERRUPTED_RIP, user_base + 40 * PAGE_SIZE);
    assert_int_equal(return_from_handler(&registers), 0);
    assert_true(thread_current()->signals.pending & SIGNAL_BIT(SIGSEGV));
}

static void nodefer_and_resethand(void **state)
{
    install_handler(SIGUSR1, HANDLER, SA_RESTORER | SA_NODEFER | SA_RESETHAND, 0, RESTORER);
    assert_int_equal(call(SYS_kill, (uint64_t)test_process->pid, SIGUSR1, 0, 0), 0);
    struct user_registers registers = sample_registers(INTERRUPTED_RIP, stack_top() - 256);
    deliver(&registers);
    assert_int_equal(registers.rip, HANDLER);
    assert_int_equal(thread_current()->signals.blocked, 0); /* SA_NODEFER */
    assert_int_equal(signal_action_of(test_process, SIGUSR1)->handler, SIG_DFL); /* one shot */
}

static void missing_restorer_becomes_sigsegv(void **state)
{
    install_handler(SIGUSR1, HANDLER, 0, 0, 0); /* no SA_RESTORER: x86_64 cannot return */
    install_handler(SIGSEGV, OTHER_HANDLER, SA_RESTORER | SA_SIGINFO, 0, RESTORER);
    assert_int_equal(call(SYS_kill, (uint64_t)test_process->pid, SIGUSR1, 0, 0), 0);
    struct user_registers registers = sample_registers(INTERRUPTED_RIP, stack_top() - 256);
    deliver(&registers);
    assert_int_equal(registers.rip, OTHER_HANDLER);
    assert_int_equal(registers.rdi, SIGSEGV);
}

static void unwritable_stack_becomes_sigsegv(void **state)
{
    install_handler(SIGUSR1, HANDLER, SA_RESTORER, 0, RESTORER);
    install_handler(SIGSEGV, OTHER_HANDLER, SA_RESTORER | SA_ONSTACK, 0, RESTORER);
    /* SIGSEGV's handler runs on an alternate stack since the normal one is gone. */
    struct user_registers registers = sample_registers(INTERRUPTED_RIP, user_base + 40 * PAGE_SIZE);
    thread_current()->user_registers = &registers;
    struct thread_signals *signals = &thread_current()->signals;
    signals->alternate_stack = user_base + 10 * PAGE_SIZE;
    signals->alternate_stack_size = 2 * PAGE_SIZE;
    signals->alternate_stack_flags = 0;
    assert_int_equal(call(SYS_kill, (uint64_t)test_process->pid, SIGUSR1, 0, 0), 0);
    deliver(&registers);
    assert_int_equal(registers.rip, OTHER_HANDLER);
    assert_int_equal(registers.rdi, SIGSEGV);
    assert_true(registers.rsp > user_base + 10 * PAGE_SIZE);
    assert_true(registers.rsp < user_base + 12 * PAGE_SIZE);
    struct frame frame = read_frame(registers.rsp);
    assert_int_equal(frame.uc.stack_sp, user_base + 10 * PAGE_SIZE);
    assert_int_equal(frame.uc.stack_size, 2 * PAGE_SIZE);
    assert_int_equal(frame.uc.stack_flags, 0); /* not on it when interrupted */
    assert_int_equal(frame.uc.mcontext.rsp, user_base + 40 * PAGE_SIZE);
}

static void several_pending_signals_stack_their_frames(void **state)
{
    install_handler(SIGUSR1, HANDLER, SA_RESTORER, 0, RESTORER);
    install_handler(SIGUSR2, OTHER_HANDLER, SA_RESTORER, 0, RESTORER);
    assert_int_equal(call(SYS_kill, (uint64_t)test_process->pid, SIGUSR2, 0, 0), 0);
    assert_int_equal(call(SYS_kill, (uint64_t)test_process->pid, SIGUSR1, 0, 0), 0);
    struct user_registers registers = sample_registers(INTERRUPTED_RIP, stack_top() - 256);
    deliver(&registers);
    /* SIGUSR1 (lower) first, then SIGUSR2's frame on top: SIGUSR2's handler runs first. */
    assert_int_equal(registers.rip, OTHER_HANDLER);
    struct frame top = read_frame(registers.rsp);
    assert_int_equal(top.uc.mcontext.rip, HANDLER);
    assert_int_equal(top.uc.sigmask, SIGNAL_BIT(SIGUSR1));
    struct frame below = read_frame(top.uc.mcontext.rsp);
    assert_int_equal(below.uc.mcontext.rip, INTERRUPTED_RIP);
    assert_int_equal(below.uc.sigmask, 0);
}

/* Registers of a syscall that came back with result. */
static struct user_registers syscall_registers(long result, unsigned long number)
{
    struct user_registers registers = sample_registers(INTERRUPTED_RIP, stack_top() - 256);
    registers.orig_rax = number;
    registers.rax = (uint64_t)result;
    return registers;
}

static void interrupted_syscall_restarts_or_fails_with_eintr(void **state)
{
    /* No handler runs (nothing pending): the syscall is restarted. */
    struct user_registers registers = syscall_registers(-ERESTARTSYS, SYS_read);
    deliver(&registers);
    assert_int_equal(registers.rip, INTERRUPTED_RIP - 2);
    assert_int_equal(registers.rax, SYS_read);
    /* A handler with SA_RESTART: the frame resumes at the syscall again. */
    install_handler(SIGUSR1, HANDLER, SA_RESTORER | SA_RESTART, 0, RESTORER);
    assert_int_equal(call(SYS_kill, (uint64_t)test_process->pid, SIGUSR1, 0, 0), 0);
    registers = syscall_registers(-ERESTARTSYS, SYS_read);
    deliver(&registers);
    struct frame frame = read_frame(registers.rsp);
    assert_int_equal(frame.uc.mcontext.rip, INTERRUPTED_RIP - 2);
    assert_int_equal(frame.uc.mcontext.rax, SYS_read);
    return_from_handler(&registers);
    /* Without SA_RESTART: EINTR. */
    install_handler(SIGUSR1, HANDLER, SA_RESTORER, 0, RESTORER);
    assert_int_equal(call(SYS_kill, (uint64_t)test_process->pid, SIGUSR1, 0, 0), 0);
    registers = syscall_registers(-ERESTARTSYS, SYS_read);
    deliver(&registers);
    frame = read_frame(registers.rsp);
    assert_int_equal(frame.uc.mcontext.rip, INTERRUPTED_RIP);
    assert_int_equal((int64_t)frame.uc.mcontext.rax, -EINTR);
    return_from_handler(&registers);
    assert_int_equal((int64_t)registers.rax, -EINTR);
    /* ERESTARTNOHAND: EINTR even with SA_RESTART... */
    install_handler(SIGUSR1, HANDLER, SA_RESTORER | SA_RESTART, 0, RESTORER);
    assert_int_equal(call(SYS_kill, (uint64_t)test_process->pid, SIGUSR1, 0, 0), 0);
    registers = syscall_registers(-ERESTARTNOHAND, SYS_pause);
    deliver(&registers);
    frame = read_frame(registers.rsp);
    assert_int_equal((int64_t)frame.uc.mcontext.rax, -EINTR);
    /* ...and a restart when no handler runs. */
    registers = syscall_registers(-ERESTARTNOHAND, SYS_pause);
    deliver(&registers);
    assert_int_equal(registers.rax, SYS_pause);
    assert_int_equal(registers.rip, INTERRUPTED_RIP - 2);
    /* Not a syscall (orig_rax -1): rax is left alone. */
    registers = syscall_registers(-ERESTARTSYS, (unsigned long)-1);
    deliver(&registers);
    assert_int_equal((int64_t)registers.rax, -ERESTARTSYS);
    assert_int_equal(registers.rip, INTERRUPTED_RIP);
}

static void sigsuspend_mask_is_restored_after_the_handler(void **state)
{
    install_handler(SIGUSR1, HANDLER, SA_RESTORER, 0, RESTORER);
    thread_current()->signals.blocked = SIGNAL_BIT(SIGUSR1) | SIGNAL_BIT(SIGHUP);
    assert_int_equal(call(SYS_kill, (uint64_t)test_process->pid, SIGUSR1, 0, 0), 0);
    uint64_t temporary = SIGNAL_BIT(SIGHUP);
    assert_int_equal(copy_to_user(data_page(), &temporary, sizeof temporary), 0);
    /* SIGUSR1 is already pending and unblocked by the temporary mask: returns at once. */
    long result = call(SYS_rt_sigsuspend, data_page(), 8, 0, 0);
    assert_int_equal(result, -ERESTARTNOHAND);
    struct user_registers registers = syscall_registers(result, SYS_rt_sigsuspend);
    deliver(&registers);
    struct frame frame = read_frame(registers.rsp);
    assert_int_equal((int64_t)frame.uc.mcontext.rax, -EINTR);
    assert_int_equal(frame.uc.sigmask, SIGNAL_BIT(SIGUSR1) | SIGNAL_BIT(SIGHUP)); /* the saved mask */
    return_from_handler(&registers);
    assert_int_equal(thread_current()->signals.blocked, SIGNAL_BIT(SIGUSR1) | SIGNAL_BIT(SIGHUP));
    assert_int_equal(call(SYS_rt_sigsuspend, data_page(), 4, 0, 0), -EINVAL);
    assert_int_equal(call(SYS_rt_sigsuspend, user_base + 40 * PAGE_SIZE, 8, 0, 0), -EFAULT);
}

static void ignored_and_default_ignore_signals_do_nothing(void **state)
{
    /* Blocked when sent (so queued), then unblocked with SIG_DFL ignore: dropped at delivery. */
    thread_current()->signals.blocked = SIGNAL_BIT(SIGCHLD);
    assert_int_equal(call(SYS_kill, (uint64_t)test_process->pid, SIGCHLD, 0, 0), 0);
    thread_current()->signals.blocked = 0;
    struct user_registers registers = sample_registers(INTERRUPTED_RIP, stack_top() - 256);
    const struct user_registers before = registers;
    deliver(&registers);
    assert_memory_equal(&registers, &before, sizeof before);
    assert_false(signal_pending_current());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define FRAME_TEST(name) cmocka_unit_test_setup_teardown(name, boot_with_process, drop_process)
        FRAME_TEST(handler_frame_matches_linux),
        FRAME_TEST(sigreturn_takes_only_user_changeable_flags_and_mask),
        FRAME_TEST(bad_sigreturn_frame_forces_sigsegv),
        FRAME_TEST(nodefer_and_resethand),
        FRAME_TEST(missing_restorer_becomes_sigsegv),
        FRAME_TEST(unwritable_stack_becomes_sigsegv),
        FRAME_TEST(several_pending_signals_stack_their_frames),
        FRAME_TEST(interrupted_syscall_restarts_or_fails_with_eintr),
        FRAME_TEST(sigsuspend_mask_is_restored_after_the_handler),
        FRAME_TEST(ignored_and_default_ignore_signals_do_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
