/*
 * test_process_fixture.h — a booted kernel whose first process (pid 1,
 * "init") runs on the test's boot thread and has a few mapped user pages,
 * plus helpers to make child processes whose threads are kernel threads
 * (bodies written in C play the user code and issue syscalls).
 */
#ifndef TEST_PROCESS_FIXTURE_H
#define TEST_PROCESS_FIXTURE_H

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
#include <rk/sched.h>
#include <rk/signal.h>
#include <rk/syscall.h>
#include <rk/thread.h>
#include <rk/usercopy.h>
#include "hosted.h"

#define FIXTURE_UNUSED __attribute__((unused))
#define FIXTURE_PAGES 4

static struct process *init_process;
static uintptr_t user_base;
static int init_exit_status = -1;

/* Tests must not power the machine off when init ends. */
static FIXTURE_UNUSED void record_init_exit(int wait_status) { init_exit_status = wait_status; }

/* Map FIXTURE_PAGES zeroed read-write user pages at user_base in process. */
static FIXTURE_UNUSED void map_pages(struct process *process)
{
    for (int i = 0; i < FIXTURE_PAGES; i++) {
        paddr_t frame = page_alloc(0);
        assert_true(frame != PADDR_INVALID);
        memset(platform_phys_to_virt(frame), 0, PAGE_SIZE);
        assert_int_equal(platform_map(&process->mm->space, user_base + (uintptr_t)i * PAGE_SIZE, frame,
                                      PLATFORM_PROT_READ | PLATFORM_PROT_WRITE | PLATFORM_PROT_USER),
                         0);
    }
}

static FIXTURE_UNUSED int boot_with_init(void **state)
{
    assert_int_equal(hosted_test_boot("loglevel=3"), 0);
    process_set_init_exit_handler(record_init_exit);
    init_exit_status = -1;
    init_process = process_create("init", 0, true);
    assert_non_null(init_process);
    assert_int_equal(init_process->pid, 1);
    process_attach_thread(init_process, thread_current());
    user_base = platform_user_address_lowest() + 64 * PAGE_SIZE;
    map_pages(init_process);
    return 0;
}

static FIXTURE_UNUSED int drop_init(void **state)
{
    sched_run_until_idle();
    mm_activate(NULL);
    for (int i = 0; i < FIXTURE_PAGES; i++) {
        paddr_t old;
        if (platform_unmap(&init_process->mm->space, user_base + (uintptr_t)i * PAGE_SIZE, &old) == 0)
            page_free(old, 0);
    }
    thread_current()->user_registers = NULL;
    process_attach_thread(NULL, thread_current());
    process_put(init_process);
    init_process = NULL;
    return 0;
}

/* A word of user memory (index 0..) in the fixture's pages. */
static FIXTURE_UNUSED uintptr_t user_word(unsigned index) { return user_base + 8 * index; }

static FIXTURE_UNUSED uint32_t read_u32(uintptr_t address)
{
    uint32_t value;
    assert_int_equal(copy_from_user(&value, address, sizeof value), 0);
    return value;
}

static FIXTURE_UNUSED void write_u32(uintptr_t address, uint32_t value)
{
    assert_int_equal(copy_to_user(address, &value, sizeof value), 0);
}

/*
 * A child of parent, in parent's group and session, owned by the process
 * table as after fork (reaping frees it).
 */
static FIXTURE_UNUSED struct process *child_create(struct process *parent, bool with_address_space)
{
    struct process *child = process_create("child", parent->pid, with_address_space);
    assert_non_null(child);
    child->process_group = parent->process_group;
    child->session = parent->session;
    child->table_reference = true;
    return child;
}

/* Run body(argument) as a (detached) thread of process. Returns its thread. */
static FIXTURE_UNUSED struct thread *process_run(struct process *process, thread_function body,
                                                 void *argument)
{
    struct thread *thread = thread_create("body", body, argument);
    assert_non_null(thread);
    process_attach_thread(process, thread);
    thread_detach(thread);
    return thread;
}

/* Bodies: exit_group with the code in argument. */
static FIXTURE_UNUSED void body_exit_group(void *argument)
{
    syscall6(SYS_exit_group, (uint64_t)(uintptr_t)argument, 0, 0, 0, 0, 0);
}

#endif
