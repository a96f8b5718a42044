/*
 * test_signal.c — the signal syscalls' semantics and errors through
 * syscall_dispatch(): rt_sigaction, rt_sigprocmask, rt_sigpending,
 * sigaltstack, kill/tkill/tgkill, rt_sigtimedwait, alarm/setitimer.
 */
#include "signal_fixture.h"

static struct signal_action read_action(int signal)
{
    assert_int_equal(call(SYS_rt_sigaction, (uint64_t)signal, 0, data_page() + 512, 8), 0);
    struct signal_action action;
    assert_int_equal(copy_from_user(&action, data_page() + 512, sizeof action), 0);
    return action;
}

static void sigaction_stores_and_reports_dispositions(void **state)
{
    struct signal_action action = read_action(SIGUSR1);
    assert_int_equal(action.handler, SIG_DFL);
    install_handler(SIGUSR1, 0x401000, SA_SIGINFO | SA_RESTORER | SA_RESTART,
                    SIGNAL_BIT(SIGUSR2) | SIGNAL_BIT(SIGKILL) | SIGNAL_BIT(SIGSTOP), 0x402000);
    action = read_action(SIGUSR1);
    assert_int_equal(action.handler, 0x401000);
    assert_int_equal(action.flags, SA_SIGINFO | SA_RESTORER | SA_RESTART);
    assert_int_equal(action.restorer, 0x402000);
    assert_int_equal(action.mask, SIGNAL_BIT(SIGUSR2)); /* KILL and STOP never enter a mask */
    assert_int_equal(signal_action_of(test_process, SIGUSR1)->handler, 0x401000);
    /* The old action comes back while a new one is set in the same call. */
    struct signal_action ignore = { .handler = SIG_IGN };
    assert_int_equal(copy_to_user(data_page(), &ignore, sizeof ignore), 0);
    assert_int_equal(call(SYS_rt_sigaction, SIGUSR1, data_page(), data_page() + 512, 8), 0);
    struct signal_action old;
    assert_int_equal(copy_from_user(&old, data_page() + 512, sizeof old), 0);
    assert_int_equal(old.handler, 0x401000);
    assert_int_equal(read_action(SIGUSR1).handler, SIG_IGN);
}

static void sigaction_rejects_bad_arguments(void **state)
{
    struct signal_action action = { .handler = 0x401000, .flags = SA_RESTORER, .restorer = 0x402000 };
    assert_int_equal(copy_to_user(data_page(), &action, sizeof action), 0);
    assert_int_equal(call(SYS_rt_sigaction, SIGUSR1, data_page(), 0, 4), -EINVAL);
    assert_int_equal(call(SYS_rt_sigaction, SIGUSR1, data_page(), 0, 16), -EINVAL);
    assert_int_equal(call(SYS_rt_sigaction, 0, data_page(), 0, 8), -EINVAL);
    assert_int_equal(call(SYS_rt_sigaction, 65, data_page(), 0, 8), -EINVAL);
    assert_int_equal(call(SYS_rt_sigaction, SIGKILL, data_page(), 0, 8), -EINVAL);
    assert_int_equal(call(SYS_rt_sigaction, SIGSTOP, data_page(), 0, 8), -EINVAL);
    /* Reading SIGKILL's action is allowed. */
    assert_int_equal(call(SYS_rt_sigaction, SIGKILL, 0, data_page() + 512, 8), 0);
    uintptr_t unmapped = user_base + 40 * PAGE_SIZE;
    assert_int_equal(call(SYS_rt_sigaction, SIGUSR1, unmapped, 0, 8), -EFAULT);
    assert_int_equal(call(SYS_rt_sigaction, SIGUSR1, 0, unmapped, 8), -EFAULT);
    assert_int_equal(read_action(SIGUSR1).handler, SIG_DFL); /* nothing changed */
}

static uint64_t read_mask(void)
{
    assert_int_equal(call(SYS_rt_sigprocmask, SIG_BLOCK, 0, data_page() + 256, 8), 0);
    uint64_t mask;
    assert_int_equal(copy_from_user(&mask, data_page() + 256, sizeof mask), 0);
    return mask;
}

static long set_mask(int how, uint64_t set)
{
    assert_int_equal(copy_to_user(data_page(), &set, sizeof set), 0);
    return call(SYS_rt_sigprocmask, (uint64_t)how, data_page(), 0, 8);
}

static void sigprocmask_blocks_unblocks_and_sets(void **state)
{
    assert_int_equal(read_mask(), 0);
    assert_int_equal(set_mask(SIG_BLOCK, SIGNAL_BIT(SIGUSR1) | SIGNAL_BIT(SIGINT)), 0);
    assert_int_equal(read_mask(), SIGNAL_BIT(SIGUSR1) | SIGNAL_BIT(SIGINT));
    assert_int_equal(set_mask(SIG_UNBLOCK, SIGNAL_BIT(SIGINT)), 0);
    assert_int_equal(read_mask(), SIGNAL_BIT(SIGUSR1));
    assert_int_equal(set_mask(SIG_SETMASK, SIGNAL_BIT(SIGTERM) | SIGNAL_BIT(SIGKILL) | SIGNAL_BIT(SIGSTOP)), 0);
    assert_int_equal(read_mask(), SIGNAL_BIT(SIGTERM)); /* KILL and STOP silently stay unblocked */
    /* The old mask is reported before the change. */
    uint64_t set = SIGNAL_BIT(SIGHUP);
    assert_int_equal(copy_to_user(data_page(), &set, sizeof set), 0);
    assert_int_equal(call(SYS_rt_sigprocmask, SIG_SETMASK, data_page(), data_page() + 8, 8), 0);
    uint64_t old;
    assert_int_equal(copy_from_user(&old, data_page() + 8, sizeof old), 0);
    assert_int_equal(old, SIGNAL_BIT(SIGTERM));
    assert_int_equal(read_mask(), SIGNAL_BIT(SIGHUP));
}

static void sigprocmask_rejects_bad_arguments(void **state)
{
    assert_int_equal(set_mask(3, SIGNAL_BIT(SIGUSR1)), -EINVAL);
    assert_int_equal(read_mask(), 0);
    /* how is not looked at without a new set. */
    assert_int_equal(call(SYS_rt_sigprocmask, 99, 0, data_page() + 8, 8), 0);
    assert_int_equal(call(SYS_rt_sigprocmask, SIG_BLOCK, data_page(), 0, 4), -EINVAL);
    uintptr_t unmapped = user_base + 40 * PAGE_SIZE;
    assert_int_equal(call(SYS_rt_sigprocmask, SIG_BLOCK, unmapped, 0, 8), -EFAULT);
    assert_int_equal(call(SYS_rt_sigprocmask, SIG_BLOCK, 0, unmapped, 8), -EFAULT);
}

static uint64_t read_pending(void)
{
    assert_int_equal(call(SYS_rt_sigpending, data_page() + 128, 8, 0, 0), 0);
    uint64_t pending;
    assert_int_equal(copy_from_user(&pending, data_page() + 128, sizeof pending), 0);
    return pending;
}

static void pending_lists_blocked_signals_that_were_sent(void **state)
{
    assert_int_equal(set_mask(SIG_BLOCK, SIGNAL_BIT(SIGUSR1) | SIGNAL_BIT(SIGCHLD)), 0);
    assert_int_equal(call(SYS_kill, (uint64_t)test_process->pid, SIGUSR1, 0, 0), 0);
    assert_int_equal(call(SYS_kill, (uint64_t)test_process->pid, SIGUSR1, 0, 0), 0); /* coalesces */
    assert_int_equal(call(SYS_kill, (uint64_t)test_process->pid, SIGCHLD, 0, 0), 0);
    assert_int_equal(read_pending(), SIGNAL_BIT(SIGUSR1) | SIGNAL_BIT(SIGCHLD));
    assert_false(signal_pending_current()); /* all blocked */
    assert_int_equal(call(SYS_rt_sigpending, data_page(), 9, 0, 0), -EINVAL);
    assert_int_equal(call(SYS_rt_sigpending, user_base + 40 * PAGE_SIZE, 8, 0, 0), -EFAULT);
    /* Setting SIG_IGN discards a pending instance. */
    install_handler(SIGUSR1, SIG_IGN, 0, 0, 0);
    assert_int_equal(read_pending(), SIGNAL_BIT(SIGCHLD));
}

static void ignored_signals_are_dropped_at_send_time(void **state)
{
    /* SIG_DFL whose default is to ignore, not blocked: dropped. */
    assert_int_equal(call(SYS_kill, (uint64_t)test_process->pid, SIGCHLD, 0, 0), 0);
    assert_int_equal(call(SYS_kill, (uint64_t)test_process->pid, SIGWINCH, 0, 0), 0);
    assert_int_equal(call(SYS_kill, (uint64_t)test_process->pid, SIGURG, 0, 0), 0);
    assert_int_equal(call(SYS_kill, (uint64_t)test_process->pid, SIGCONT, 0, 0), 0);
    install_handler(SIGUSR2, SIG_IGN, 0, 0, 0);
    assert_int_equal(call(SYS_kill, (uint64_t)test_process->pid, SIGUSR2, 0, 0), 0);
    assert_int_equal(test_process->signals.pending | thread_current()->signals.pending, 0);
    assert_false(signal_pending_current());
    /* A handled SIGCHLD is kept. */
    install_handler(SIGCHLD, 0x401000, SA_RESTORER, 0, 0x402000);
    assert_int_equal(call(SYS_kill, (uint64_t)test_process->pid, SIGCHLD, 0, 0), 0);
    assert_true(signal_pending_current());
}

static void kill_checks_targets_and_signal_numbers(void **state)
{
    assert_int_equal(call(SYS_kill, 4242, 0, 0, 0), -ESRCH);
    assert_int_equal(call(SYS_kill, 4242, SIGTERM, 0, 0), -ESRCH);
    assert_int_equal(call(SYS_kill, (uint64_t)test_process->pid, 0, 0, 0), 0); /* exists */
    assert_int_equal(call(SYS_kill, (uint64_t)test_process->pid, 65, 0, 0), -EINVAL);
    assert_int_equal(call(SYS_kill, (uint64_t)test_process->pid, (uint64_t)-1, 0, 0), -EINVAL);
    assert_int_equal(call(SYS_kill, (uint64_t)-4242, SIGTERM, 0, 0), -ESRCH);
    assert_int_equal(call(SYS_kill, (uint64_t)(int64_t)INT32_MIN, SIGTERM, 0, 0), -ESRCH);
    assert_false(signal_pending_current());
}

static void kill_reaches_process_groups(void **state)
{
    struct process *first = process_create("member-1", test_process->pid, true);
    struct process *second = process_create("member-2", test_process->pid, true);
    struct process *outsider = process_create("outsider", test_process->pid, true);
    assert_non_null(first);
    assert_non_null(second);
    assert_non_null(outsider);
    first->process_group = second->process_group = 500;
    assert_int_equal(call(SYS_kill, (uint64_t)-500, SIGUSR1, 0, 0), 0);
    assert_true(first->signals.pending & SIGNAL_BIT(SIGUSR1));
    assert_true(second->signals.pending & SIGNAL_BIT(SIGUSR1));
    assert_false(outsider->signals.pending & SIGNAL_BIT(SIGUSR1));
    assert_int_equal(first->signals.info[SIGUSR1 - 1].code, SI_USER);
    assert_int_equal(first->signals.info[SIGUSR1 - 1].pid, test_process->pid);
    assert_int_equal(call(SYS_kill, (uint64_t)-501, SIGUSR1, 0, 0), -ESRCH);
    /* 0: the caller's own group. */
    outsider->process_group = test_process->process_group;
    assert_int_equal(call(SYS_kill, 0, SIGUSR2, 0, 0), 0);
    assert_true(outsider->signals.pending & SIGNAL_BIT(SIGUSR2));
    assert_true(test_process->signals.pending & SIGNAL_BIT(SIGUSR2));
    /* -1: everyone but init (pid 1, the test process here) and the caller. */
    test_process->signals.pending = 0;
    assert_int_equal(call(SYS_kill, (uint64_t)-1, SIGHUP, 0, 0), 0);
    assert_true(first->signals.pending & SIGNAL_BIT(SIGHUP));
    assert_true(outsider->signals.pending & SIGNAL_BIT(SIGHUP));
    assert_false(test_process->signals.pending & SIGNAL_BIT(SIGHUP));
    process_put(first);
    process_put(second);
    process_put(outsider);
}

static void tkill_and_tgkill_check_their_ids(void **state)
{
    int tid = thread_current()->tid;
    assert_int_equal(call(SYS_tkill, 0, SIGUSR1, 0, 0), -EINVAL);
    assert_int_equal(call(SYS_tkill, (uint64_t)-3, SIGUSR1, 0, 0), -EINVAL);
    assert_int_equal(call(SYS_tkill, 9999, SIGUSR1, 0, 0), -ESRCH);
    assert_int_equal(call(SYS_tgkill, 0, (uint64_t)tid, SIGUSR1, 0), -EINVAL);
    assert_int_equal(call(SYS_tgkill, (uint64_t)test_process->pid, 0, SIGUSR1, 0), -EINVAL);
    assert_int_equal(call(SYS_tgkill, 9999, (uint64_t)tid, SIGUSR1, 0), -ESRCH);
    assert_int_equal(call(SYS_tgkill, (uint64_t)test_process->pid, (uint64_t)tid, 70, 0), -EINVAL);
    assert_int_equal(set_mask(SIG_BLOCK, SIGNAL_BIT(SIGUSR1)), 0);
    assert_int_equal(call(SYS_tgkill, (uint64_t)test_process->pid, (uint64_t)tid, SIGUSR1, 0), 0);
    assert_true(thread_current()->signals.pending & SIGNAL_BIT(SIGUSR1)); /* thread-directed */
    assert_int_equal(thread_current()->signals.info[SIGUSR1 - 1].code, SI_TKILL);
    assert_false(test_process->signals.pending & SIGNAL_BIT(SIGUSR1));
}

struct user_stack {
    uint64_t sp;
    int32_t flags;
    int32_t padding;
    uint64_t size;
};

static struct user_stack read_alternate_stack(void)
{
    assert_int_equal(call(SYS_sigaltstack, 0, data_page() + 64, 0, 0), 0);
    struct user_stack stack;
    assert_int_equal(copy_from_user(&stack, data_page() + 64, sizeof stack), 0);
    return stack;
}

static long set_alternate_stack(uint64_t sp, int flags, uint64_t size)
{
    struct user_stack stack = { .sp = sp, .flags = flags, .size = size };
    assert_int_equal(copy_to_user(data_page(), &stack, sizeof stack), 0);
    return call(SYS_sigaltstack, data_page(), 0, 0, 0);
}

static void sigaltstack_sets_reports_and_refuses(void **state)
{
    struct user_registers registers = sample_registers(0x400000, stack_top() - 64);
    thread_current()->user_registers = &registers;
    assert_int_equal(read_alternate_stack().flags, SS_DISABLE);
    assert_int_equal(set_alternate_stack(user_base, 0, 1024), -ENOMEM);
    assert_int_equal(set_alternate_stack(user_base, 7, 8192), -EINVAL);
    assert_int_equal(set_alternate_stack(user_base, 0, 8192), 0);
    struct user_stack stack = read_alternate_stack();
    assert_int_equal(stack.sp, user_base);
    assert_int_equal(stack.size, 8192);
    assert_int_equal(stack.flags, 0);
    /* While running on it: SS_ONSTACK reported, changes refused. */
    registers.rsp = user_base + 4096;
    assert_int_equal(read_alternate_stack().flags, SS_ONSTACK);
    assert_int_equal(set_alternate_stack(user_base, SS_DISABLE, 0), -EPERM);
    registers.rsp = stack_top() - 64;
    assert_int_equal(set_alternate_stack(0, SS_DISABLE, 0), 0);
    stack = read_alternate_stack();
    assert_int_equal(stack.flags, SS_DISABLE);
    assert_int_equal(stack.size, 0);
    assert_int_equal(call(SYS_sigaltstack, user_base + 40 * PAGE_SIZE, 0, 0, 0), -EFAULT);
}

struct user_timespec {
    int64_t seconds, nanoseconds;
};

static void sigtimedwait_takes_a_blocked_signal(void **state)
{
    uint64_t set = SIGNAL_BIT(SIGUSR1) | SIGNAL_BIT(SIGUSR2);
    assert_int_equal(set_mask(SIG_BLOCK, set), 0);
    assert_int_equal(copy_to_user(data_page() + 1024, &set, sizeof set), 0);
    struct user_timespec zero = { 0, 0 };
    assert_int_equal(copy_to_user(data_page() + 1100, &zero, sizeof zero), 0);
    /* Nothing pending and no time to wait: EAGAIN. */
    assert_int_equal(call(SYS_rt_sigtimedwait, data_page() + 1024, data_page() + 2048,
                          data_page() + 1100, 8), -EAGAIN);
    assert_int_equal(call(SYS_kill, (uint64_t)test_process->pid, SIGUSR2, 0, 0), 0);
    assert_int_equal(call(SYS_rt_sigtimedwait, data_page() + 1024, data_page() + 2048, 0, 8), SIGUSR2);
    int32_t info[4];
    assert_int_equal(copy_from_user(info, data_page() + 2048, sizeof info), 0);
    assert_int_equal(info[0], SIGUSR2);
    assert_int_equal(info[2], SI_USER);
    int32_t sender;
    assert_int_equal(copy_from_user(&sender, data_page() + 2048 + 16, sizeof sender), 0);
    assert_int_equal(sender, test_process->pid);
    assert_false(test_process->signals.pending & SIGNAL_BIT(SIGUSR2)); /* taken */
    /* A timeout in virtual time passes: EAGAIN. */
    struct user_timespec short_wait = { 0, 5000000 };
    assert_int_equal(copy_to_user(data_page() + 1100, &short_wait, sizeof short_wait), 0);
    assert_int_equal(call(SYS_rt_sigtimedwait, data_page() + 1024, 0, data_page() + 1100, 8), -EAGAIN);
    struct user_timespec bad = { 0, 1000000000 };
    assert_int_equal(copy_to_user(data_page() + 1100, &bad, sizeof bad), 0);
    assert_int_equal(call(SYS_rt_sigtimedwait, data_page() + 1024, 0, data_page() + 1100, 8), -EINVAL);
    assert_int_equal(call(SYS_rt_sigtimedwait, data_page() + 1024, 0, 0, 4), -EINVAL);
}

struct user_itimerval {
    int64_t interval_seconds, interval_microseconds, value_seconds, value_microseconds;
};

static void alarm_sends_sigalrm_in_virtual_time(void **state)
{
    assert_int_equal(set_mask(SIG_BLOCK, SIGNAL_BIT(SIGALRM)), 0);
    assert_int_equal(call(SYS_alarm, 5, 0, 0, 0), 0);
    assert_int_equal(call(SYS_alarm, 3, 0, 0, 0), 5); /* the previous alarm's seconds left */
    assert_int_equal(call(SYS_getitimer, 0, data_page(), 0, 0), 0);
    struct user_itimerval current;
    assert_int_equal(copy_from_user(&current, data_page(), sizeof current), 0);
    assert_int_equal(current.value_seconds, 3);
    assert_int_equal(current.interval_seconds, 0);
    assert_false(test_process->signals.pending & SIGNAL_BIT(SIGALRM));
    assert_int_equal(hosted_clock_advance(2000000000ull), 0);
    assert_int_equal(call(SYS_alarm, 3, 0, 0, 0), 1); /* re-armed; one second was left */
    sched_run_until_idle(); /* idle: the virtual clock jumps to the timer */
    assert_true(test_process->signals.pending & SIGNAL_BIT(SIGALRM));
    assert_int_equal(test_process->signals.info[SIGALRM - 1].code, SI_KERNEL);
    assert_int_equal(call(SYS_alarm, 0, 0, 0, 0), 0); /* nothing armed any more */
}

static void setitimer_arms_reports_and_refuses(void **state)
{
    struct user_itimerval wanted = { .interval_seconds = 1, .interval_microseconds = 500000,
                                     .value_seconds = 10, .value_microseconds = 0 };
    assert_int_equal(copy_to_user(data_page(), &wanted, sizeof wanted), 0);
    assert_int_equal(call(SYS_setitimer, 0, data_page(), data_page() + 64, 0), 0);
    struct user_itimerval old;
    assert_int_equal(copy_from_user(&old, data_page() + 64, sizeof old), 0);
    assert_int_equal(old.value_seconds, 0);
    assert_int_equal(old.value_microseconds, 0);
    assert_int_equal(call(SYS_getitimer, 0, data_page() + 128, 0, 0), 0);
    struct user_itimerval current;
    assert_int_equal(copy_from_user(&current, data_page() + 128, sizeof current), 0);
    assert_int_equal(current.value_seconds, 10);
    assert_int_equal(current.interval_seconds, 1);
    assert_int_equal(current.interval_microseconds, 500000);
    /* Not implemented: the CPU-time timers. Bad values: EINVAL. */
    assert_int_equal(call(SYS_setitimer, 1, data_page(), 0, 0), -EINVAL);
    assert_int_equal(call(SYS_setitimer, 2, data_page(), 0, 0), -EINVAL);
    assert_int_equal(call(SYS_getitimer, 1, data_page(), 0, 0), -EINVAL);
    wanted.value_microseconds = 1000000;
    assert_int_equal(copy_to_user(data_page(), &wanted, sizeof wanted), 0);
    assert_int_equal(call(SYS_setitimer, 0, data_page(), 0, 0), -EINVAL);
    assert_int_equal(call(SYS_setitimer, 0, user_base + 40 * PAGE_SIZE, 0, 0), -EFAULT);
    /* NULL new value disarms (Linux's behaviour). */
    assert_int_equal(call(SYS_setitimer, 0, 0, 0, 0), 0);
    assert_int_equal(call(SYS_getitimer, 0, data_page() + 128, 0, 0), 0);
    assert_int_equal(copy_from_user(&current, data_page() + 128, sizeof current), 0);
    assert_int_equal(current.value_seconds + current.value_microseconds, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define SIGNAL_TEST(name) cmocka_unit_test_setup_teardown(name, boot_with_process, drop_process)
        SIGNAL_TEST(sigaction_stores_and_reports_dispositions),
        SIGNAL_TEST(sigaction_rejects_bad_arguments),
        SIGNAL_TEST(sigprocmask_blocks_unblocks_and_sets),
        SIGNAL_TEST(sigprocmask_rejects_bad_arguments),
        SIGNAL_TEST(pending_lists_blocked_signals_that_were_sent),
        SIGNAL_TEST(ignored_signals_are_dropped_at_send_time),
        SIGNAL_TEST(kill_checks_targets_and_signal_numbers),
        SIGNAL_TEST(kill_reaches_process_groups),
        SIGNAL_TEST(tkill_and_tgkill_check_their_ids),
        SIGNAL_TEST(sigaltstack_sets_reports_and_refuses),
        SIGNAL_TEST(sigtimedwait_takes_a_blocked_signal),
        SIGNAL_TEST(alarm_sends_sigalrm_in_virtual_time),
        SIGNAL_TEST(setitimer_arms_reports_and_refuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
