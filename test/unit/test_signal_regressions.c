/*
 * test_signal_regressions.c — signal behaviours once found wrong against
 * Linux: a periodic ITIMER_REAL that falls behind, sigtimedwait on a
 * signal whose default is to ignore, kill on a zombie, sleeps that a
 * signal without handler interrupts (restart_syscall), and the signals of
 * the #DB, #MF/#XM and #AC faults.
 */
#include "signal_fixture.h"

#include <rk/futex.h>
#include <rk/timer.h>

#include "../../src/core/signal/interval_timer.h"

struct user_timespec {
    int64_t seconds, nanoseconds;
};

struct user_itimerval {
    int64_t interval_seconds, interval_microseconds, value_seconds, value_microseconds;
};

static long set_mask(int how, uint64_t set)
{
    assert_int_equal(copy_to_user(data_page() + 512, &set, sizeof set), 0);
    return call(SYS_rt_sigprocmask, (uint64_t)how, data_page() + 512, 0, 8);
}

/* The next deadline skips the periods already missed and respects the 100 us floor. */
static void interval_timer_forwards_past_now(void **state)
{
    assert_int_equal(interval_timer_next_deadline(1000000, 1000000, 500000), 2000000);
    assert_int_equal(interval_timer_next_deadline(1000000, 1000000, 1000000), 2000000);
    assert_int_equal(interval_timer_next_deadline(1000000, 1000000, 5500000), 6000000);
    /* 1 us asked: 100 us periods, the first one after now. */
    assert_int_equal(interval_timer_next_deadline(1000, 1000, 1000000000), 1000001000);
    assert_true(interval_timer_next_deadline(UINT64_MAX - 10, 1000000, UINT64_MAX - 5) == UINT64_MAX - 1);
}

/*
 * A 1 us ITIMER_REAL whose process fell far behind: one timer interrupt
 * sends one SIGALRM and re-arms past now (it used to fire once per missed
 * microsecond, for ever).
 */
static void periodic_real_timer_does_not_storm(void **state)
{
    assert_int_equal(set_mask(SIG_BLOCK, SIGNAL_BIT(SIGALRM)), 0);
    struct user_itimerval wanted = { .interval_microseconds = 1, .value_microseconds = 1 };
    assert_int_equal(copy_to_user(data_page(), &wanted, sizeof wanted), 0);
    assert_int_equal(call(SYS_setitimer, 0, data_page(), 0, 0), 0);
    assert_int_equal(hosted_clock_advance(1000ull * 1000000000ull), 0); /* 10^9 periods missed */
    core_timer_interrupt();
    assert_true(test_process->signals.pending & SIGNAL_BIT(SIGALRM));
    uint64_t deadline;
    assert_true(hosted_timer_is_armed(&deadline));
    uint64_t now = clock_now_ns();
    assert_true(deadline > now);
    assert_true(deadline - now <= 100000);
    /* getitimer still reports the interval that was set. */
    assert_int_equal(call(SYS_getitimer, 0, data_page() + 128, 0, 0), 0);
    struct user_itimerval current;
    assert_int_equal(copy_from_user(&current, data_page() + 128, sizeof current), 0);
    assert_int_equal(current.interval_microseconds, 1);
    assert_int_equal(call(SYS_setitimer, 0, 0, 0, 0), 0);
}

/*
 * sigtimedwait for SIGCHLD (default: ignore) blocked beforehand: a SIGCHLD
 * sent during the wait is taken, not dropped (Linux's real_blocked).
 */
static void sigtimedwait_takes_a_signal_whose_default_is_ignore(void **state)
{
    uint64_t set = SIGNAL_BIT(SIGCHLD);
    assert_int_equal(set_mask(SIG_BLOCK, set), 0);
    struct thread *self = thread_current();
    /* While waiting (mask replaced, real_blocked kept), a send must queue it. */
    self->signals.real_blocked = self->signals.blocked;
    self->signals.blocked &= ~set;
    const struct signal_info info = { .signal = SIGCHLD, .code = CLD_EXITED, .pid = 77 };
    assert_int_equal(signal_send_process(test_process, SIGCHLD, &info), 0);
    assert_true(test_process->signals.pending & SIGNAL_BIT(SIGCHLD));
    self->signals.blocked = self->signals.real_blocked;
    self->signals.real_blocked = 0;
    /* Through the syscall: the pending one is returned with its facts. */
    assert_int_equal(copy_to_user(data_page() + 1024, &set, sizeof set), 0);
    assert_int_equal(call(SYS_rt_sigtimedwait, data_page() + 1024, data_page() + 2048, 0, 8), SIGCHLD);
    int32_t linux_info[4];
    assert_int_equal(copy_from_user(linux_info, data_page() + 2048, sizeof linux_info), 0);
    assert_int_equal(linux_info[2], CLD_EXITED);
    assert_int_equal(self->signals.real_blocked, 0);
    /* Not waiting and not blocked: still dropped at send time. */
    assert_int_equal(set_mask(SIG_UNBLOCK, set), 0);
    assert_int_equal(signal_send_process(test_process, SIGCHLD, &info), 0);
    assert_false(test_process->signals.pending & SIGNAL_BIT(SIGCHLD));
}

/*
 * sigtimedwait never takes a SIGKILL (found by the syscall fuzzer: a thread
 * waiting for other signals took the harness's SIGKILL as its result and
 * the process could not be killed). It returns EINTR and leaves SIGKILL
 * pending, which ends the process on its way back to user mode.
 */
static void sigtimedwait_does_not_consume_sigkill(void **state)
{
    uint64_t set = SIGNAL_BIT(SIGUSR1);
    assert_int_equal(copy_to_user(data_page(), &set, sizeof set), 0);
    struct user_timespec zero = { 0, 0 };
    assert_int_equal(copy_to_user(data_page() + 64, &zero, sizeof zero), 0);
    assert_int_equal(call(SYS_rt_sigtimedwait, data_page(), 0, data_page() + 64, 8), -EAGAIN);
    assert_int_equal(signal_send_process(test_process, SIGKILL, NULL), 0);
    assert_int_equal(call(SYS_rt_sigtimedwait, data_page(), 0, data_page() + 64, 8), -EINTR);
    assert_int_equal(call(SYS_rt_sigtimedwait, data_page(), 0, 0, 8), -EINTR);
    assert_true(test_process->signals.pending & SIGNAL_BIT(SIGKILL));
    test_process->signals.pending = 0;
}

/*
 * A long sendfile is a preemption point between chunks and stops at a
 * pending signal, reporting what it moved (found by the syscall fuzzer: 2
 * GiB from /dev/full to the console ran for minutes without one).
 */
static void long_sendfile_stops_at_a_pending_signal(void **state)
{
    assert_int_equal(copy_to_user(data_page(), "/dev/zero", 10), 0);
    assert_int_equal(copy_to_user(data_page() + 16, "/dev/null", 10), 0);
    long in = call(SYS_openat, (uint64_t)-100, data_page(), 0 /* O_RDONLY */, 0);
    long out = call(SYS_openat, (uint64_t)-100, data_page() + 16, 1 /* O_WRONLY */, 0);
    assert_true(in >= 0 && out >= 0);
    const uint64_t mebibyte = 1u << 20;
    assert_int_equal(call(SYS_sendfile, (uint64_t)out, (uint64_t)in, 0, mebibyte), (long)mebibyte);
    assert_int_equal(signal_send_process(test_process, SIGUSR1, NULL), 0);
    long moved = call(SYS_sendfile, (uint64_t)out, (uint64_t)in, 0, mebibyte);
    assert_true(moved > 0 && moved < (long)mebibyte);
    test_process->signals.pending = 0;
}

/* kill and rt_sigqueueinfo on an unreaped zombie: 0 (Linux), the signal dropped. */
static void kill_on_a_zombie_succeeds(void **state)
{
    struct process *zombie = process_create("zombie", test_process->pid, false);
    assert_non_null(zombie);
    zombie->state = PROCESS_ZOMBIE;
    assert_int_equal(call(SYS_kill, (uint64_t)zombie->pid, 0, 0, 0), 0);
    assert_int_equal(call(SYS_kill, (uint64_t)zombie->pid, SIGTERM, 0, 0), 0);
    assert_false(zombie->signals.pending & SIGNAL_BIT(SIGTERM));
    unsigned char linux_info[128] = { 0 };
    int32_t code = -1; /* SI_QUEUE */
    memcpy(linux_info + 8, &code, sizeof code);
    assert_int_equal(copy_to_user(data_page(), linux_info, sizeof linux_info), 0);
    assert_int_equal(call(SYS_rt_sigqueueinfo, (uint64_t)zombie->pid, SIGUSR1, data_page(), 0), 0);
    /* A kernel process (no address space, alive) is still ESRCH. */
    zombie->state = PROCESS_RUNNING;
    assert_int_equal(call(SYS_kill, (uint64_t)zombie->pid, 0, 0, 0), -ESRCH);
    process_put(zombie);
}

/* Make a SIGWINCH with a handler pending, so the next interruptible wait ends at once. */
static void make_a_signal_pending(void)
{
    install_handler(SIGWINCH, 0x401000, SA_RESTORER, 0, 0x402000);
    assert_int_equal(call(SYS_kill, (uint64_t)test_process->pid, SIGWINCH, 0, 0), 0);
    assert_true(signal_pending_current());
}

static void clear_pending(void)
{
    test_process->signals.pending = 0;
    thread_current()->signals.pending = 0;
}

/*
 * An interrupted relative nanosleep: remain written, -ERESTART_RESTARTBLOCK
 * (user mode sees EINTR only when a handler runs); restart_syscall sleeps
 * on to the same deadline. Absolute sleeps just restart.
 */
static void interrupted_nanosleep_resumes_through_restart_syscall(void **state)
{
    struct user_timespec request = { 1, 0 };
    assert_int_equal(copy_to_user(data_page() + 1024, &request, sizeof request), 0);
    make_a_signal_pending();
    uint64_t start = clock_now_ns();
    assert_int_equal(call(SYS_nanosleep, data_page() + 1024, data_page() + 64, 0, 0), -ERESTART_RESTARTBLOCK);
    struct user_timespec remain;
    assert_int_equal(copy_from_user(&remain, data_page() + 64, sizeof remain), 0);
    assert_true(remain.seconds * 1000000000ll + remain.nanoseconds > 0);
    assert_non_null(thread_current()->signals.restart.resume);
    clear_pending();
    assert_int_equal(call(SYS_restart_syscall, 0, 0, 0, 0), 0);
    assert_true(clock_now_ns() >= start + 1000000000ull);
    assert_null(thread_current()->signals.restart.resume);
    /* Nothing to resume: EINTR. */
    assert_int_equal(call(SYS_restart_syscall, 0, 0, 0, 0), -EINTR);
    /* clock_nanosleep TIMER_ABSTIME: a plain restart. */
    assert_int_equal(call(SYS_clock_gettime, 1 /* MONOTONIC */, data_page() + 1024, 0, 0), 0);
    struct user_timespec deadline;
    assert_int_equal(copy_from_user(&deadline, data_page() + 1024, sizeof deadline), 0);
    deadline.seconds += 5;
    assert_int_equal(copy_to_user(data_page() + 1024, &deadline, sizeof deadline), 0);
    make_a_signal_pending();
    assert_int_equal(call(SYS_clock_nanosleep, 1 /* MONOTONIC */, 1 /* TIMER_ABSTIME */, data_page() + 1024, 0),
                     -ERESTARTNOHAND);
    clear_pending();
}

/* A timed FUTEX_WAIT a signal interrupts resumes with its deadline; an untimed one restarts. */
static void interrupted_timed_futex_wait_resumes(void **state)
{
    uintptr_t word = data_page() + 256;
    uint32_t value = 5;
    assert_int_equal(copy_to_user(word, &value, sizeof value), 0);
    struct user_timespec timeout = { 0, 50000000 };
    assert_int_equal(copy_to_user(data_page() + 1024, &timeout, sizeof timeout), 0);
    make_a_signal_pending();
    uint64_t start = clock_now_ns();
    assert_int_equal(syscall6(SYS_futex, word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 5, data_page() + 1024, 0, 0),
                     -ERESTART_RESTARTBLOCK);
    clear_pending();
    assert_int_equal(call(SYS_restart_syscall, 0, 0, 0, 0), -ETIMEDOUT);
    assert_true(clock_now_ns() >= start + 50000000ull);
    /* The word changed meanwhile: the resumed wait says EAGAIN. */
    make_a_signal_pending();
    assert_int_equal(syscall6(SYS_futex, word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 5, data_page() + 1024, 0, 0),
                     -ERESTART_RESTARTBLOCK);
    clear_pending();
    value = 6;
    assert_int_equal(copy_to_user(word, &value, sizeof value), 0);
    assert_int_equal(call(SYS_restart_syscall, 0, 0, 0, 0), -EAGAIN);
    /* Untimed: an ordinary restart. */
    make_a_signal_pending();
    assert_int_equal(syscall6(SYS_futex, word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 6, 0, 0, 0), -ERESTARTSYS);
    clear_pending();
}

/* Delivery resolves -ERESTART_RESTARTBLOCK: restart_syscall without a handler, EINTR with one. */
static void restart_block_result_is_resolved_at_delivery(void **state)
{
    struct user_registers registers = sample_registers(0x400000, stack_top() - 64);
    thread_current()->user_registers = &registers;
    registers.orig_rax = SYS_nanosleep;
    registers.rax = (uint64_t)(int64_t)-ERESTART_RESTARTBLOCK;
    signal_deliver(&registers);
    assert_int_equal(registers.rax, SYS_restart_syscall);
    assert_int_equal(registers.rip, 0x400000 - 2);
    /* With a handler about to run: EINTR. */
    registers = sample_registers(0x400000, stack_top() - 64);
    registers.orig_rax = SYS_nanosleep;
    registers.rax = (uint64_t)(int64_t)-ERESTART_RESTARTBLOCK;
    install_handler(SIGUSR1, 0x401000, SA_RESTART | SA_RESTORER, 0, 0x402000);
    assert_int_equal(call(SYS_kill, (uint64_t)test_process->pid, SIGUSR1, 0, 0), 0);
    signal_deliver(&registers);
    assert_int_equal(registers.rip, 0x401000);
    uint64_t saved_rax;
    /* The frame's saved rax (uc_mcontext.rax) is -EINTR. */
    uintptr_t frame = registers.rsp;
    assert_int_equal(copy_from_user(&saved_rax, frame + 8 + 40 + 13 * 8, sizeof saved_rax), 0);
    assert_int_equal((int64_t)saved_rax, -EINTR);
}

/* The info of the forced signal, taken off the thread. */
static struct signal_info take_forced(int expected_signal)
{
    struct thread *self = thread_current();
    assert_true(self->signals.pending & SIGNAL_BIT(expected_signal));
    struct signal_info info = self->signals.info[expected_signal - 1];
    self->signals.pending = 0;
    return info;
}

/* #DB, #MF/#XM and #AC in user mode: SIGTRAP, SIGFPE and SIGBUS with Linux's codes. */
static void debug_floating_point_and_alignment_faults_map_like_linux(void **state)
{
    struct user_registers registers = sample_registers(0x400000, stack_top() - 64);
    struct platform_fault fault = { .kind = PLATFORM_FAULT_DEBUG, .vector = 1,
                                    .instruction_pointer = 0x400123, .user_mode = true,
                                    .user_registers = &registers };
    assert_int_equal(signal_user_fault(&fault), PLATFORM_FAULT_RESUME);
    struct signal_info info = take_forced(SIGTRAP);
    assert_int_equal(info.code, TRAP_TRACE);
    assert_int_equal(info.address, 0x400123);
    fault.kind = PLATFORM_FAULT_FLOATING_POINT;
    fault.vector = 19;
    fault.floating_point_code = 3; /* FPE_FLTDIV */
    assert_int_equal(signal_user_fault(&fault), PLATFORM_FAULT_RESUME);
    info = take_forced(SIGFPE);
    assert_int_equal(info.code, 3);
    assert_int_equal(info.address, 0x400123);
    assert_int_equal(info.trap_number, 19);
    fault.kind = PLATFORM_FAULT_ALIGNMENT;
    fault.vector = 17;
    assert_int_equal(signal_user_fault(&fault), PLATFORM_FAULT_RESUME);
    info = take_forced(SIGBUS);
    assert_int_equal(info.code, BUS_ADRALN);
    assert_int_equal(info.address, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define SIGNAL_TEST(name) cmocka_unit_test_setup_teardown(name, boot_with_process, drop_process)
        SIGNAL_TEST(interval_timer_forwards_past_now),
        SIGNAL_TEST(periodic_real_timer_does_not_storm),
        SIGNAL_TEST(sigtimedwait_takes_a_signal_whose_default_is_ignore),
        SIGNAL_TEST(sigtimedwait_does_not_consume_sigkill),
        SIGNAL_TEST(long_sendfile_stops_at_a_pending_signal),
        SIGNAL_TEST(kill_on_a_zombie_succeeds),
        SIGNAL_TEST(interrupted_nanosleep_resumes_through_restart_syscall),
        SIGNAL_TEST(interrupted_timed_futex_wait_resumes),
        SIGNAL_TEST(restart_block_result_is_resolved_at_delivery),
        SIGNAL_TEST(debug_floating_point_and_alignment_faults_map_like_linux),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
