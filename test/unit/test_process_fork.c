/*
 * test_process_fork.c — fork, vfork and clone with "user code": the hosted
 * backend runs a C program in place of user mode (hosted_set_user_program)
 * and its syscalls go through core_syscall like SYSCALL's. A process P,
 * child of the test's init, runs the program; a forked child runs the same
 * program from the top with a copy of P's registers (rax = 0), so the
 * program tells the two apart by a stage number it leaves in rbx.
 */
#include "test_process_fixture.h"

#include <rk/futex.h>

#define STAGE_FORKED 0x5157
#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_VFORK 0x00004000
#define CLONE_THREAD 0x00010000
#define CLONE_SYSVSEM 0x00040000
#define CLONE_SETTLS 0x00080000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_CHILD_SETTID 0x01000000

enum program { PROGRAM_FORK = 1, PROGRAM_VFORK, PROGRAM_THREAD, PROGRAM_BAD_FLAGS, PROGRAM_IGNORED_CHILD };

static uintptr_t data;                 /* P's anonymous data area */
static struct {
    long child_rax, child_pid, child_ppid, child_tid;
    long parent_result, wait_result;
    uint32_t status;
    uint32_t value_after;
    char order[8];
    size_t order_length;
    uint64_t child_fs_base;
    long errors[4];
} seen;

static void note(char event) { seen.order[seen.order_length++] = event; }

static uint32_t peek(uintptr_t address)
{
    uint32_t value = 0;
    copy_from_user(&value, address, sizeof value);
    return value;
}

static void poke(uintptr_t address, uint32_t value) { copy_to_user(address, &value, sizeof value); }

/* The "user code" every test runs; registers->rip says which program. */
static void user_program(struct user_registers *registers)
{
    bool forked = registers->rbx == STAGE_FORKED;
    switch (registers->rip) {
    case PROGRAM_FORK:
        if (forked) {
            seen.child_rax = (long)registers->rax;
            seen.child_pid = hosted_user_syscall(registers, SYS_getpid);
            seen.child_ppid = hosted_user_syscall(registers, SYS_getppid);
            poke(data, 222);  /* copy-on-write: the parent keeps 111 */
            hosted_user_syscall(registers, SYS_exit_group, 42);
            return;
        }
        poke(data, 111);
        registers->rbx = STAGE_FORKED;
        seen.parent_result = hosted_user_syscall(registers, SYS_fork);
        registers->rbx = 0;
        seen.wait_result = hosted_user_syscall(registers, SYS_wait4, seen.parent_result,
                                               (long)(data + 8), 0, 0);
        seen.status = peek(data + 8);
        seen.value_after = peek(data);
        return;
    case PROGRAM_VFORK:
        if (forked) {
            note('c');
            poke(data, 333);  /* shared memory: the parent sees it */
            hosted_user_syscall(registers, SYS_exit_group, 3);
            return;
        }
        registers->rbx = STAGE_FORKED;
        seen.parent_result = hosted_user_syscall(registers, SYS_vfork);
        registers->rbx = 0;
        note('p');
        seen.value_after = peek(data);
        seen.wait_result = hosted_user_syscall(registers, SYS_wait4, -1, (long)(data + 8), 0, 0);
        seen.status = peek(data + 8);
        return;
    case PROGRAM_THREAD:
        if (forked) {
            seen.child_rax = (long)registers->rax;
            seen.child_tid = hosted_user_syscall(registers, SYS_gettid);
            seen.child_pid = hosted_user_syscall(registers, SYS_getpid);
            seen.child_fs_base = registers->fs_base;
            hosted_user_syscall(registers, SYS_exit, 0);
            return;
        }
        registers->rbx = STAGE_FORKED;
        seen.parent_result = hosted_user_syscall(
            registers, SYS_clone,
            CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
                CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID,
            (long)(data + PAGE_SIZE), (long)(data + 20), (long)(data + 20), 0x7000);
        registers->rbx = 0;
        seen.status = peek(data + 20);  /* CLONE_PARENT_SETTID, before the thread ran */
        /* pthread_join: wait until the kernel clears the tid word. */
        for (uint32_t tid; (tid = peek(data + 20)) != 0;)
            hosted_user_syscall(registers, SYS_futex, (long)(data + 20), FUTEX_WAIT, tid, 0);
        seen.value_after = peek(data + 20);  /* cleared by the thread's exit */
        return;
    case PROGRAM_BAD_FLAGS:
        seen.errors[0] = hosted_user_syscall(registers, SYS_clone, CLONE_THREAD, 0, 0, 0, 0);
        seen.errors[1] = hosted_user_syscall(registers, SYS_clone, CLONE_SIGHAND, 0, 0, 0, 0);
        seen.errors[2] = hosted_user_syscall(registers, SYS_clone, 0x20000 | CLONE_FS, 0, 0, 0, 0);
        seen.errors[3] = hosted_user_syscall(registers, SYS_clone, CLONE_SETTLS | 17, 0, 0, 0,
                                             (long)0x800000000000ull);
        return;
    case PROGRAM_IGNORED_CHILD:
        if (forked) {
            hosted_user_syscall(registers, SYS_exit_group, 1);
            return;
        }
        {
            struct signal_action ignore = { .handler = SIG_IGN };
            copy_to_user(data + 64, &ignore, sizeof ignore);
            seen.errors[0] = hosted_user_syscall(registers, SYS_rt_sigaction, SIGCHLD, (long)(data + 64), 0, 8);
            registers->rbx = STAGE_FORKED;
            seen.parent_result = hosted_user_syscall(registers, SYS_fork);
            registers->rbx = 0;
            seen.wait_result = hosted_user_syscall(registers, SYS_wait4, -1, 0, 0, 0);
        }
        return;
    }
}

/* Body of P's first thread: enter "user mode" at program with a stack in data. */
static void enter_user(void *argument)
{
    struct user_registers registers;
    platform_user_registers_init(&registers, (uintptr_t)argument, data + 2 * PAGE_SIZE);
    mm_activate(process_current()->mm);
    platform_user_enter(&registers);
}

/* Run program in a new process P (child of init) and wait for P; returns P's wait status. */
static uint32_t run_program(enum program program)
{
    memset(&seen, 0, sizeof seen);
    hosted_set_user_program(user_program);
    struct process *parent = child_create(init_process, true);
    int pid = parent->pid;
    long address = mm_map(parent->mm, 0, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0);
    assert_true(address > 0);
    data = (uintptr_t)address;
    process_run(parent, enter_user, (void *)(uintptr_t)program);
    uintptr_t status = user_word(0);
    assert_int_equal(syscall6(SYS_wait4, (uint64_t)pid, status, 0, 0, 0, 0), pid);
    return read_u32(status);
}

static void fork_gives_the_child_zero_and_the_parent_its_status(void **state)
{
    assert_int_equal(run_program(PROGRAM_FORK), 0);
    assert_true(seen.parent_result > 0);
    assert_int_equal(seen.child_rax, 0);
    assert_int_equal(seen.child_pid, seen.parent_result);
    assert_true(seen.child_ppid > 1);
    assert_int_equal(seen.wait_result, seen.parent_result);
    assert_int_equal(seen.status, 42 << 8);
    assert_int_equal(seen.value_after, 111);
    assert_null(process_find((int)seen.parent_result));
}

static void vfork_parent_waits_for_the_child(void **state)
{
    assert_int_equal(run_program(PROGRAM_VFORK), 0);
    assert_int_equal(seen.order_length, 2);
    assert_memory_equal(seen.order, "cp", 2);
    assert_int_equal(seen.value_after, 333);
    assert_int_equal(seen.wait_result, seen.parent_result);
    assert_int_equal(seen.status, 3 << 8);
}

static void clone_thread_and_child_cleartid(void **state)
{
    assert_int_equal(run_program(PROGRAM_THREAD), 0);
    assert_true(seen.parent_result > 0);
    assert_int_equal(seen.child_rax, 0);
    assert_int_equal(seen.child_tid, seen.parent_result);
    assert_true(seen.child_pid != seen.child_tid);
    assert_int_equal(seen.child_fs_base, 0x7000);
    assert_int_equal(seen.status, (uint32_t)seen.parent_result);
    assert_int_equal(seen.value_after, 0);
}

static void clone_rejects_linux_invalid_flags(void **state)
{
    assert_int_equal(run_program(PROGRAM_BAD_FLAGS), 0);
    assert_int_equal(seen.errors[0], -EINVAL);
    assert_int_equal(seen.errors[1], -EINVAL);
    assert_int_equal(seen.errors[2], -EINVAL);
    assert_int_equal(seen.errors[3], -EPERM);
}

static void ignored_sigchld_reaps_children_at_once(void **state)
{
    assert_int_equal(run_program(PROGRAM_IGNORED_CHILD), 0);
    assert_int_equal(seen.errors[0], 0);
    assert_true(seen.parent_result > 0);
    assert_int_equal(seen.wait_result, -ECHILD);
    assert_null(process_find((int)seen.parent_result));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(fork_gives_the_child_zero_and_the_parent_its_status, boot_with_init, drop_init),
        cmocka_unit_test_setup_teardown(vfork_parent_waits_for_the_child, boot_with_init, drop_init),
        cmocka_unit_test_setup_teardown(clone_thread_and_child_cleartid, boot_with_init, drop_init),
        cmocka_unit_test_setup_teardown(clone_rejects_linux_invalid_flags, boot_with_init, drop_init),
        cmocka_unit_test_setup_teardown(ignored_sigchld_reaps_children_at_once, boot_with_init, drop_init),
    };
    return cmocka_run_group_tests_name("process_fork", tests, NULL, NULL);
}
