/*
 * signal_fixture.h — a booted kernel with one user process (the test's
 * boot thread attached to it) and a few mapped user pages: a stack and a
 * data page. Shared by the test_signal*.c suites.
 */
#ifndef SIGNAL_FIXTURE_H
#define SIGNAL_FIXTURE_H

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

#define SIGNAL_FIXTURE __attribute__((unused))
#define FIXTURE_PAGES 12

static struct process *test_process;
static uintptr_t user_base;                 /* FIXTURE_PAGES mapped read-write user pages */
static paddr_t user_frames[FIXTURE_PAGES];

/* The stack occupies the first 8 pages; its top is 8 pages up. */
static inline SIGNAL_FIXTURE uintptr_t stack_top(void) { return user_base + 8 * PAGE_SIZE; }
/* A data page above the stack, for syscall arguments. */
static inline SIGNAL_FIXTURE uintptr_t data_page(void) { return user_base + 9 * PAGE_SIZE; }

/* Map FIXTURE_PAGES fresh pages at user_base in process. */
static inline SIGNAL_FIXTURE void map_user_pages(struct process *process)
{
    for (int i = 0; i < FIXTURE_PAGES; i++) {
        user_frames[i] = page_alloc(0);
        assert_true(user_frames[i] != PADDR_INVALID);
        memset(platform_phys_to_virt(user_frames[i]), 0, PAGE_SIZE);
        assert_int_equal(platform_map(&process->mm->space, user_base + (uintptr_t)i * PAGE_SIZE,
                                      user_frames[i],
                                      PLATFORM_PROT_READ | PLATFORM_PROT_WRITE | PLATFORM_PROT_USER),
                         0);
    }
}

static inline SIGNAL_FIXTURE int boot_with_process(void **state)
{
    assert_int_equal(hosted_test_boot("loglevel=3"), 0);
    test_process = process_create("signal-test", 0, true);
    assert_non_null(test_process);
    assert_non_null(test_process->signals.handlers);
    process_attach_thread(test_process, thread_current());
    user_base = platform_user_address_lowest() + 64 * PAGE_SIZE;
    map_user_pages(test_process);
    thread_current()->signals.blocked = 0;
    thread_current()->signals.pending = 0;
    return 0;
}

static inline SIGNAL_FIXTURE int drop_process(void **state)
{
    for (int i = 0; i < FIXTURE_PAGES; i++) {
        paddr_t old;
        if (platform_unmap(&test_process->mm->space, user_base + (uintptr_t)i * PAGE_SIZE, &old) == 0)
            page_free(old, 0);
    }
    struct thread *self = thread_current();
    self->user_registers = NULL;
    self->signals = (struct thread_signals){ 0 };
    process_attach_thread(NULL, self);
    process_put(test_process);
    test_process = NULL;
    return 0;
}

/* A syscall with raw arguments through the dispatch entry. */
static inline SIGNAL_FIXTURE long call(unsigned long number, uint64_t a0, uint64_t a1, uint64_t a2,
                                      uint64_t a3)
{
    return syscall6(number, a0, a1, a2, a3, 0, 0);
}

/* Install a handler for signal through rt_sigaction. */
static inline SIGNAL_FIXTURE void install_handler(int signal, uintptr_t handler, uint64_t flags,
                                                 uint64_t mask, uintptr_t restorer)
{
    struct signal_action action = { .handler = handler, .flags = flags, .restorer = restorer,
                                    .mask = mask };
    assert_int_equal(copy_to_user(data_page(), &action, sizeof action), 0);
    assert_int_equal(call(SYS_rt_sigaction, (uint64_t)signal, data_page(), 0, 8), 0);
}

/* Registers of a thread interrupted in user mode at rip with rsp, every register distinct. */
static inline SIGNAL_FIXTURE struct user_registers sample_registers(uintptr_t rip, uintptr_t rsp)
{
    struct user_registers registers = {
        .r15 = 15, .r14 = 14, .r13 = 13, .r12 = 12, .rbp = 0x5555, .rbx = 0xbb, .r11 = 0x246,
        .r10 = 10, .r9 = 9, .r8 = 8, .rax = 0xaaaa, .rcx = 0xcccc, .rdx = 0xdddd, .rsi = 0x5151,
        .rdi = 0xd1d1, .orig_rax = (uint64_t)-1, .rip = rip, .cs = 0x33, .rflags = 0x246 | 0x400,
        .rsp = rsp, .ss = 0x2b, .fs_base = 0x7777,
    };
    return registers;
}

#endif
