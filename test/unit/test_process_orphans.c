/*
 * test_process_orphans.c — a process group that an exit orphans while one
 * of its members is stopped gets SIGHUP then SIGCONT (POSIX, Linux's
 * kill_orphaned_pgrp); one without stopped members, or still attached to
 * its session through another parent, gets nothing.
 */
#include "test_process_fixture.h"

static long wait4_call(int pid, uintptr_t status, int options)
{
    return syscall6(SYS_wait4, (uint64_t)(int64_t)pid, status, (uint64_t)options, 0, 0, 0);
}

/* A child of parent leading its own process group in parent's session, in state. */
static struct process *group_leader_child(struct process *parent, enum process_state state)
{
    struct process *child = child_create(parent, false);
    child->process_group = child->pid;
    child->state = state;
    return child;
}

/* Let member run again and exit, and reap it as init. */
static void finish_member(struct process *member)
{
    int pid = member->pid;
    member->state = PROCESS_RUNNING;
    process_run(member, body_exit_group, (void *)0);
    assert_int_equal(wait4_call(pid, user_word(0), 0), pid);
}

/* Its parent exits: the group it leads is orphaned with a stopped member. */
static void orphaned_group_with_a_stopped_member_gets_hangup_and_continue(void **state)
{
    struct process *middle = child_create(init_process, false);
    int middle_pid = middle->pid;
    struct process *stopped = group_leader_child(middle, PROCESS_STOPPED);
    process_run(middle, body_exit_group, (void *)0);
    assert_int_equal(wait4_call(middle_pid, user_word(0), 0), middle_pid);
    assert_ptr_equal(stopped->parent, init_process);
    assert_true(stopped->signals.pending & SIGNAL_BIT(SIGHUP));
    assert_int_equal(stopped->signals.info[SIGHUP - 1].code, SI_KERNEL);
    assert_int_equal(stopped->state, PROCESS_RUNNING); /* SIGCONT resumed it */
    finish_member(stopped);
}

/* Orphaned without a stopped member: no signal. */
static void orphaned_group_without_stopped_members_is_left_alone(void **state)
{
    struct process *middle = child_create(init_process, false);
    int middle_pid = middle->pid;
    struct process *running = group_leader_child(middle, PROCESS_RUNNING);
    process_run(middle, body_exit_group, (void *)0);
    assert_int_equal(wait4_call(middle_pid, user_word(0), 0), middle_pid);
    assert_false(running->signals.pending & SIGNAL_BIT(SIGHUP));
    finish_member(running);
}

/*
 * Still attached: another member's parent (not init, not the one exiting)
 * is in another group of the session, so the group is not orphaned.
 */
static void group_still_attached_elsewhere_is_left_alone(void **state)
{
    struct process *middle = child_create(init_process, false);
    int middle_pid = middle->pid;
    struct process *other_parent = child_create(init_process, false);
    struct process *stopped = group_leader_child(middle, PROCESS_STOPPED);
    struct process *sibling = child_create(other_parent, false);
    sibling->process_group = stopped->pid;
    process_run(middle, body_exit_group, (void *)0);
    assert_int_equal(wait4_call(middle_pid, user_word(0), 0), middle_pid);
    assert_false(stopped->signals.pending & SIGNAL_BIT(SIGHUP));
    assert_int_equal(stopped->state, PROCESS_STOPPED);
    /* The link goes away: other_parent exits and the group is orphaned now. */
    int other_pid = other_parent->pid;
    process_run(other_parent, body_exit_group, (void *)0);
    assert_int_equal(wait4_call(other_pid, user_word(0), 0), other_pid);
    assert_true(stopped->signals.pending & SIGNAL_BIT(SIGHUP));
    assert_true(sibling->signals.pending & SIGNAL_BIT(SIGHUP));
    assert_int_equal(stopped->state, PROCESS_RUNNING);
    finish_member(stopped);
    finish_member(sibling);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(orphaned_group_with_a_stopped_member_gets_hangup_and_continue,
                                        boot_with_init, drop_init),
        cmocka_unit_test_setup_teardown(orphaned_group_without_stopped_members_is_left_alone,
                                        boot_with_init, drop_init),
        cmocka_unit_test_setup_teardown(group_still_attached_elsewhere_is_left_alone, boot_with_init,
                                        drop_init),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
