/*
 * test_process.c — processes: exit and wait status round trips, zombies
 * and reaping, orphans re-parented to init, WNOHANG, ECHILD, waitid's
 * siginfo, process groups and sessions with Linux's errors, credentials,
 * resource limits, and thread exits (clear_child_tid, exit_group).
 */
#include "test_process_fixture.h"

#include <rk/futex.h>

#define WAIT_NOHANG 1
#define WAIT_EXITED 4
#define WAIT_NOWAIT 0x01000000
#define ID_ALL 0
#define ID_PID 1
#define ID_PGID 2

static long wait4_call(int pid, uintptr_t status, int options)
{
    return syscall6(SYS_wait4, (uint64_t)(int64_t)pid, status, (uint64_t)options, 0, 0, 0);
}

static void exit_status_round_trip(void **state)
{
    struct process *child = child_create(init_process, false);
    int pid = child->pid;
    process_run(child, body_exit_group, (void *)7);
    uintptr_t status = user_word(0);
    assert_int_equal(wait4_call(pid, status, 0), pid);
    assert_int_equal(read_u32(status), 7 << 8);
    assert_null(process_find(pid));
    assert_int_equal(wait4_call(pid, status, 0), -ECHILD);
    assert_int_equal(wait4_call(-1, status, 0), -ECHILD);
}

static void zombie_stays_until_waited_for(void **state)
{
    struct process *child = child_create(init_process, false);
    int pid = child->pid;
    process_run(child, body_exit_group, (void *)0);
    sched_run_until_idle();
    assert_non_null(process_find(pid));
    assert_int_equal(child->state, PROCESS_ZOMBIE);
    struct process_info info;
    assert_int_equal(system_process_info(pid, &info), 0);
    assert_int_equal(info.state, 'Z');
    assert_int_equal(info.parent_pid, 1);
    assert_int_equal(wait4_call(-1, 0, WAIT_NOHANG), pid);
    assert_null(process_find(pid));
    assert_int_equal(system_process_info(pid, &info), -ESRCH);
}

/* Body: sleep a virtual millisecond, then exit_group(argument). */
static void body_sleep_then_exit(void *argument)
{
    thread_sleep_ns(1000000);
    body_exit_group(argument);
}

static void wnohang_reports_nothing_while_the_child_lives(void **state)
{
    struct process *child = child_create(init_process, false);
    int pid = child->pid;
    process_run(child, body_sleep_then_exit, (void *)3);
    uintptr_t status = user_word(0);
    write_u32(status, 0xdead);
    assert_int_equal(wait4_call(pid, status, WAIT_NOHANG), 0);
    assert_int_equal(read_u32(status), 0xdead);
    assert_int_equal(wait4_call(pid, status, 0), pid);
    assert_int_equal(read_u32(status), 3 << 8);
}

static void bad_wait_arguments(void **state)
{
    assert_int_equal(wait4_call(-1, 0, 0x100), -EINVAL);
    assert_int_equal(wait4_call(INT32_MIN, 0, 0), -ESRCH);
    assert_int_equal(syscall6(SYS_waitid, ID_ALL, 0, 0, 0, 0, 0), -EINVAL);   /* no WEXITED... */
    assert_int_equal(syscall6(SYS_waitid, ID_PID, 0, 0, WAIT_EXITED, 0, 0), -EINVAL);
    assert_int_equal(syscall6(SYS_waitid, 7, 0, 0, WAIT_EXITED, 0, 0), -EINVAL);
    assert_int_equal(syscall6(SYS_waitid, ID_ALL, 0, 0, WAIT_EXITED, 0, 0), -ECHILD);
    /* A bad status pointer is EFAULT (the child is reaped, as on Linux). */
    struct process *child = child_create(init_process, false);
    process_run(child, body_exit_group, (void *)1);
    assert_int_equal(wait4_call(child->pid, 16, 0), -EFAULT);
}

/* Body of a middle child: make a grandchild that outlives it, then exit 1. */
static struct process *grandchild;
static int grandchild_parent_seen;
static void body_grandchild(void *argument)
{
    thread_sleep_ns(5000000);
    grandchild_parent_seen = (int)syscall6(SYS_getppid, 0, 0, 0, 0, 0, 0);
    body_exit_group((void *)3);
}
static void body_middle(void *argument)
{
    grandchild = child_create(process_current(), false);
    process_run(grandchild, body_grandchild, NULL);
    body_exit_group((void *)1);
}

static void orphans_are_reparented_to_init(void **state)
{
    struct process *middle = child_create(init_process, false);
    int middle_pid = middle->pid;
    process_run(middle, body_middle, NULL);
    uintptr_t status = user_word(0);
    assert_int_equal(wait4_call(middle_pid, status, 0), middle_pid);
    assert_int_equal(read_u32(status), 1 << 8);
    assert_non_null(grandchild);
    int grandchild_pid = grandchild->pid;
    assert_ptr_equal(grandchild->parent, init_process);
    assert_int_equal(grandchild->parent_pid, 1);
    assert_int_equal(wait4_call(-1, status, 0), grandchild_pid);
    assert_int_equal(read_u32(status), 3 << 8);
    assert_int_equal(grandchild_parent_seen, 1);
}

static void waitid_fills_siginfo_and_wnowait_keeps_the_zombie(void **state)
{
    struct process *child = child_create(init_process, false);
    int pid = child->pid;
    process_run(child, body_exit_group, (void *)5);
    uintptr_t info = user_word(4);
    assert_int_equal(syscall6(SYS_waitid, ID_PID, (uint64_t)pid, info, WAIT_EXITED | WAIT_NOWAIT, 0, 0), 0);
    int32_t fields[7];
    assert_int_equal(copy_from_user(fields, info, sizeof fields), 0);
    assert_int_equal(fields[0], SIGCHLD);
    assert_int_equal(fields[1], 0);
    assert_int_equal(fields[2], CLD_EXITED);
    assert_int_equal(fields[4], pid);
    assert_int_equal(fields[5], 0);
    assert_int_equal(fields[6], 5);
    assert_non_null(process_find(pid));
    assert_int_equal(syscall6(SYS_waitid, ID_ALL, 0, info, WAIT_EXITED, 0, 0), 0);
    assert_int_equal(read_u32(info + 16), (uint32_t)pid);
    assert_null(process_find(pid));
}

/* Body: end the group as a fatal SIGTERM does. */
static void body_killed_by_sigterm(void *argument)
{
    process_exit_group(WAIT_STATUS_SIGNALED(SIGTERM, false));
}

static void killed_child_reports_the_signal(void **state)
{
    struct process *child = child_create(init_process, false);
    int pid = child->pid;
    process_run(child, body_killed_by_sigterm, NULL);
    uintptr_t info = user_word(4);
    assert_int_equal(syscall6(SYS_waitid, ID_PID, (uint64_t)pid, info, WAIT_EXITED | WAIT_NOWAIT, 0, 0), 0);
    assert_int_equal(read_u32(info + 8), CLD_KILLED);
    assert_int_equal(read_u32(info + 24), SIGTERM);
    uintptr_t status = user_word(0);
    assert_int_equal(wait4_call(pid, status, 0), pid);
    assert_int_equal(read_u32(status), SIGTERM);
}

static void waitid_wnohang_with_nothing_to_report_zeroes_siginfo(void **state)
{
    struct process *child = child_create(init_process, false);
    int pid = child->pid;
    process_run(child, body_sleep_then_exit, (void *)0);
    uintptr_t info = user_word(4);
    write_u32(info, 99);
    write_u32(info + 16, 99);
    assert_int_equal(syscall6(SYS_waitid, ID_ALL, 0, info, WAIT_EXITED | WAIT_NOHANG, 0, 0), 0);
    assert_int_equal(read_u32(info), 0);
    assert_int_equal(read_u32(info + 16), 0);
    assert_int_equal(wait4_call(pid, 0, 0), pid);
}

static void wait_selects_by_process_group(void **state)
{
    struct process *first = child_create(init_process, false);
    struct process *second = child_create(init_process, false);
    int first_pid = first->pid, second_pid = second->pid;
    assert_int_equal(syscall6(SYS_setpgid, (uint64_t)second_pid, 0, 0, 0, 0, 0), 0);
    process_run(first, body_exit_group, (void *)0);
    process_run(second, body_exit_group, (void *)0);
    sched_run_until_idle();
    assert_int_equal(wait4_call(-second_pid, 0, WAIT_NOHANG), second_pid);
    assert_int_equal(wait4_call(-second_pid, 0, WAIT_NOHANG), -ECHILD);
    assert_int_equal(syscall6(SYS_waitid, ID_PGID, 0, 0, WAIT_EXITED, 0, 0), 0);
    assert_null(process_find(first_pid));
}

static void process_groups_and_sessions_follow_linux(void **state)
{
    /* init (pid 1) leads its own session: it cannot move or make another. */
    assert_int_equal(syscall6(SYS_getsid, 0, 0, 0, 0, 0, 0), 1);
    assert_int_equal(syscall6(SYS_getpgrp, 0, 0, 0, 0, 0, 0), 1);
    assert_int_equal(syscall6(SYS_setpgid, 0, 0, 0, 0, 0, 0), -EPERM);
    assert_int_equal(syscall6(SYS_setsid, 0, 0, 0, 0, 0, 0), -EPERM);
    assert_int_equal(syscall6(SYS_setpgid, 0, (uint64_t)-1, 0, 0, 0, 0), -EINVAL);
    assert_int_equal(syscall6(SYS_setpgid, 4242, 0, 0, 0, 0, 0), -ESRCH);
    assert_int_equal(syscall6(SYS_getpgid, 4242, 0, 0, 0, 0, 0), -ESRCH);
    assert_int_equal(syscall6(SYS_getsid, 4242, 0, 0, 0, 0, 0), -ESRCH);

    struct process *child = child_create(init_process, false);
    struct process *other = child_create(init_process, false);
    int pid = child->pid;
    assert_int_equal(syscall6(SYS_getpgid, (uint64_t)pid, 0, 0, 0, 0, 0), 1);
    assert_int_equal(syscall6(SYS_setpgid, (uint64_t)pid, 0, 0, 0, 0, 0), 0);
    assert_int_equal(child->process_group, pid);
    assert_int_equal(syscall6(SYS_setpgid, (uint64_t)pid, 1, 0, 0, 0, 0), 0);   /* back to init's */
    assert_int_equal(syscall6(SYS_setpgid, (uint64_t)pid, 777, 0, 0, 0, 0), -EPERM); /* no group 777 */
    /* Into the group of a sibling. */
    assert_int_equal(syscall6(SYS_setpgid, (uint64_t)other->pid, 0, 0, 0, 0, 0), 0);
    assert_int_equal(syscall6(SYS_setpgid, (uint64_t)pid, (uint64_t)other->pid, 0, 0, 0, 0), 0);
    assert_int_equal(child->process_group, other->pid);
    /* A child that exec'd: EACCES; a child in another session: EPERM. */
    child->has_execed = true;
    assert_int_equal(syscall6(SYS_setpgid, (uint64_t)pid, 0, 0, 0, 0, 0), -EACCES);
    child->has_execed = false;
    child->session = 555;
    assert_int_equal(syscall6(SYS_setpgid, (uint64_t)pid, 0, 0, 0, 0, 0), -EPERM);
    child->session = 1;
    /* Not my child: ESRCH (a grandchild, seen from init, is not a child). */
    struct process *grand = child_create(child, false);
    assert_int_equal(syscall6(SYS_setpgid, (uint64_t)grand->pid, 0, 0, 0, 0, 0), -ESRCH);

    /* setsid from the child: a group leader may not, a member may. */
    struct thread *self = thread_current();
    process_attach_thread(other, self);  /* act as "other", which leads its group */
    assert_int_equal(syscall6(SYS_setsid, 0, 0, 0, 0, 0, 0), -EPERM);
    process_attach_thread(grand, self);  /* grand is in group 1, no group of its pid */
    assert_int_equal(syscall6(SYS_setsid, 0, 0, 0, 0, 0, 0), grand->pid);
    assert_int_equal(grand->session, grand->pid);
    assert_int_equal(grand->process_group, grand->pid);
    /* A session leader cannot change its group. */
    assert_int_equal(syscall6(SYS_setpgid, 0, 0, 0, 0, 0, 0), -EPERM);
    process_attach_thread(init_process, self);
}

static void credentials_follow_linux_for_root_and_others(void **state)
{
    assert_int_equal(syscall6(SYS_getuid, 0, 0, 0, 0, 0, 0), 0);
    assert_int_equal(syscall6(SYS_geteuid, 0, 0, 0, 0, 0, 0), 0);
    assert_int_equal(syscall6(SYS_setgid, 100, 0, 0, 0, 0, 0), 0);
    assert_int_equal(syscall6(SYS_getegid, 0, 0, 0, 0, 0, 0), 100);
    assert_int_equal(syscall6(SYS_setgroups, 2, user_word(0), 0, 0, 0, 0), 0);
    assert_int_equal(syscall6(SYS_getgroups, 0, 0, 0, 0, 0, 0), 2);
    assert_int_equal(syscall6(SYS_getgroups, 1, user_word(2), 0, 0, 0, 0), -EINVAL);
    assert_int_equal(syscall6(SYS_setresuid, 1000, 1001, 1002, 0, 0, 0), 0);
    uintptr_t ids = user_word(8);
    assert_int_equal(syscall6(SYS_getresuid, ids, ids + 4, ids + 8, 0, 0, 0), 0);
    assert_int_equal(read_u32(ids), 1000);
    assert_int_equal(read_u32(ids + 4), 1001);
    assert_int_equal(read_u32(ids + 8), 1002);
    /* No longer privileged: only the three ids are allowed. */
    assert_int_equal(syscall6(SYS_setuid, 0, 0, 0, 0, 0, 0), -EPERM);
    assert_int_equal(syscall6(SYS_setuid, 1002, 0, 0, 0, 0, 0), 0);
    assert_int_equal(syscall6(SYS_geteuid, 0, 0, 0, 0, 0, 0), 1002);
    assert_int_equal(syscall6(SYS_getuid, 0, 0, 0, 0, 0, 0), 1000);
    assert_int_equal(syscall6(SYS_setgroups, 0, 0, 0, 0, 0, 0), -EPERM);
    assert_int_equal(syscall6(SYS_setfsuid, (uint64_t)-1, 0, 0, 0, 0, 0), 1002);
    assert_int_equal(syscall6(SYS_getresuid, 8, 0, 0, 0, 0, 0), -EFAULT);
}

static void resource_limits_have_linux_defaults_and_rules(void **state)
{
    uintptr_t limit = user_word(0);
    uint64_t values[2];
    assert_int_equal(syscall6(SYS_getrlimit, RLIMIT_STACK, limit, 0, 0, 0, 0), 0);
    assert_int_equal(copy_from_user(values, limit, sizeof values), 0);
    assert_true(values[0] == 8ull << 20 && values[1] == RLIM_INFINITY);
    assert_int_equal(syscall6(SYS_getrlimit, RLIMIT_NOFILE, limit, 0, 0, 0, 0), 0);
    assert_int_equal(copy_from_user(values, limit, sizeof values), 0);
    assert_true(values[0] == 1024 && values[1] == 1024);
    assert_int_equal(syscall6(SYS_getrlimit, 16, limit, 0, 0, 0, 0), -EINVAL);
    assert_int_equal(syscall6(SYS_getrlimit, RLIMIT_STACK, 8, 0, 0, 0, 0), -EFAULT);

    values[0] = 100;
    values[1] = 50;
    assert_int_equal(copy_to_user(limit, values, sizeof values), 0);
    assert_int_equal(syscall6(SYS_setrlimit, RLIMIT_NOFILE, limit, 0, 0, 0, 0), -EINVAL);
    values[0] = 100;
    values[1] = 4096;
    assert_int_equal(copy_to_user(limit, values, sizeof values), 0);
    assert_int_equal(syscall6(SYS_setrlimit, RLIMIT_NOFILE, limit, 0, 0, 0, 0), -EPERM);
    values[1] = 512;
    assert_int_equal(copy_to_user(limit, values, sizeof values), 0);
    uintptr_t old = user_word(4);
    assert_int_equal(syscall6(SYS_prlimit64, 0, RLIMIT_NOFILE, limit, old, 0, 0), 0);
    assert_int_equal(copy_from_user(values, old, sizeof values), 0);
    assert_true(values[0] == 1024 && values[1] == 1024);
    assert_int_equal(init_process->limits[RLIMIT_NOFILE].current, 100);
    assert_int_equal(syscall6(SYS_prlimit64, 4242, RLIMIT_NOFILE, 0, old, 0, 0), -ESRCH);

    /* A child inherits the limits. */
    struct process *child = child_create(init_process, false);
    assert_int_equal(child->limits[RLIMIT_STACK].current, 8ull << 20);
}

/* A thread that exits with clear_child_tid set: the word becomes 0 and a futex waiter wakes. */
static long cleartid_wait_result = 1;
static void body_wait_on_tid_word(void *argument)
{
    uintptr_t word = (uintptr_t)argument;
    uint32_t expected = read_u32(word);
    cleartid_wait_result = syscall6(SYS_futex, word, FUTEX_WAIT, expected, 0, 0, 0);
}
static void body_exit_thread_with_cleartid(void *argument)
{
    uintptr_t word = (uintptr_t)argument;
    assert_int_equal(syscall6(SYS_set_tid_address, word, 0, 0, 0, 0, 0), thread_current()->tid);
    thread_sleep_ns(1000000);
    syscall6(SYS_exit, 0, 0, 0, 0, 0, 0);
}

static void thread_exit_clears_child_tid_and_wakes(void **state)
{
    uintptr_t word = user_word(6);
    struct thread *exiting = process_run(init_process, body_exit_thread_with_cleartid, (void *)word);
    assert_true(exiting->tid > 1);
    write_u32(word, (uint32_t)exiting->tid);
    process_run(init_process, body_wait_on_tid_word, (void *)word);
    assert_int_equal(init_process->thread_count, 3);
    sched_run_until_idle();
    assert_int_equal(read_u32(word), 0);
    assert_int_equal(cleartid_wait_result, 0);
    assert_int_equal(init_process->thread_count, 1);  /* the process lives on */
    assert_int_equal(init_process->state, PROCESS_RUNNING);
}

/* exit_group from one thread takes a sleeping sibling thread down with it. */
static struct wait_queue never_woken;
static int sleeper_wait_result;
static void body_sleeper(void *argument)
{
    sleeper_wait_result = wait_queue_wait(&never_woken, NULL, WAIT_FOREVER);
    struct user_registers registers = { 0 };
    core_return_to_user(&registers);  /* the way back to user mode: the thread leaves here */
    sleeper_wait_result = 12345;      /* never reached */
}

static void exit_group_ends_every_thread(void **state)
{
    wait_queue_init(&never_woken);
    struct process *child = child_create(init_process, true);
    int pid = child->pid;
    process_run(child, body_sleeper, NULL);
    process_run(child, body_sleeper, NULL);
    sched_run_until_idle();
    assert_int_equal(child->thread_count, 2);
    process_run(child, body_exit_group, (void *)9);
    uintptr_t status = user_word(0);
    assert_int_equal(wait4_call(pid, status, 0), pid);
    assert_int_equal(read_u32(status), 9 << 8);
    assert_int_equal(sleeper_wait_result, -ERESTARTSYS);
}

static void ids_of_the_caller(void **state)
{
    assert_int_equal(syscall6(SYS_getpid, 0, 0, 0, 0, 0, 0), 1);
    assert_int_equal(syscall6(SYS_gettid, 0, 0, 0, 0, 0, 0), 1);
    assert_int_equal(syscall6(SYS_getppid, 0, 0, 0, 0, 0, 0), 0);
    assert_ptr_equal(process_find_thread(1), thread_current());
    struct process *child = child_create(init_process, false);
    assert_int_equal(child->parent_pid, 1);
    assert_null(process_find_thread(child->pid));  /* no thread yet */
    assert_int_equal(syscall6(SYS_prctl, 15, 0, 0, 0, 0, 0), -EFAULT);
    assert_int_equal(copy_to_user(user_word(0), "renamed-process-long", 21), 0);
    assert_int_equal(syscall6(SYS_prctl, 15, user_word(0), 0, 0, 0, 0), 0);
    assert_string_equal(init_process->name, "renamed-process");
    assert_int_equal(syscall6(SYS_prctl, 3, 0, 0, 0, 0, 0), 1);
    assert_int_equal(syscall6(SYS_prctl, 4, 2, 0, 0, 0, 0), -EINVAL);
    assert_int_equal(syscall6(SYS_prctl, 1, 65, 0, 0, 0, 0), -EINVAL);
    assert_int_equal(syscall6(SYS_prctl, 9999, 0, 0, 0, 0, 0), -EINVAL);
    assert_int_equal(syscall6(SYS_set_robust_list, user_word(0), 23, 0, 0, 0, 0), -EINVAL);
    assert_int_equal(syscall6(SYS_set_robust_list, user_word(0), 24, 0, 0, 0, 0), 0);
    assert_int_equal(syscall6(SYS_get_robust_list, 0, user_word(2), user_word(3), 0, 0, 0), 0);
    uint64_t head;
    assert_int_equal(copy_from_user(&head, user_word(2), sizeof head), 0);
    assert_int_equal(head, user_word(0));
    assert_int_equal(syscall6(SYS_get_robust_list, 4242, user_word(2), user_word(3), 0, 0, 0), -ESRCH);
    thread_current()->robust_list = 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(exit_status_round_trip, boot_with_init, drop_init),
        cmocka_unit_test_setup_teardown(zombie_stays_until_waited_for, boot_with_init, drop_init),
        cmocka_unit_test_setup_teardown(wnohang_reports_nothing_while_the_child_lives, boot_with_init, drop_init),
        cmocka_unit_test_setup_teardown(bad_wait_arguments, boot_with_init, drop_init),
        cmocka_unit_test_setup_teardown(orphans_are_reparented_to_init, boot_with_init, drop_init),
        cmocka_unit_test_setup_teardown(waitid_fills_siginfo_and_wnowait_keeps_the_zombie, boot_with_init, drop_init),
        cmocka_unit_test_setup_teardown(killed_child_reports_the_signal, boot_with_init, drop_init),
        cmocka_unit_test_setup_teardown(waitid_wnohang_with_nothing_to_report_zeroes_siginfo, boot_with_init, drop_init),
        cmocka_unit_test_setup_teardown(wait_selects_by_process_group, boot_with_init, drop_init),
        cmocka_unit_test_setup_teardown(process_groups_and_sessions_follow_linux, boot_with_init, drop_init),
        cmocka_unit_test_setup_teardown(credentials_follow_linux_for_root_and_others, boot_with_init, drop_init),
        cmocka_unit_test_setup_teardown(resource_limits_have_linux_defaults_and_rules, boot_with_init, drop_init),
        cmocka_unit_test_setup_teardown(thread_exit_clears_child_tid_and_wakes, boot_with_init, drop_init),
        cmocka_unit_test_setup_teardown(exit_group_ends_every_thread, boot_with_init, drop_init),
        cmocka_unit_test_setup_teardown(ids_of_the_caller, boot_with_init, drop_init),
    };
    return cmocka_run_group_tests_name("process", tests, NULL, NULL);
}
