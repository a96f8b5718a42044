/*
 * test_machine.c — symbols and backtraces, the arena's physical addresses,
 * the interrupt flag, the console, power and boot of the hosted backend.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>
#include <rk/platform.h>

#include "hosted.h"

#define PHYSICAL_BASE ((paddr_t)0x100000)

static int group_setup(void **state)
{
    (void)state;
    return hosted_test_boot("hosted.memory=16M");
}

/* A static function the symbolizer must find (it is not in the dynamic symbol table). */
static __attribute__((noinline)) int static_helper_for_symbols(int value)
{
    __asm__ volatile("" : "+r"(value));
    return value * 3 + 1;
}

static void test_symbolize_names_a_static_function(void **state)
{
    (void)state;
    assert_int_equal(static_helper_for_symbols(1), 4);
    uintptr_t offset = 99;
    const char *name = platform_symbolize((uintptr_t)static_helper_for_symbols + 3, &offset);
    assert_non_null(name);
    assert_string_equal(name, "static_helper_for_symbols");
    assert_int_equal(offset, 3);
    name = platform_symbolize((uintptr_t)test_symbolize_names_a_static_function, &offset);
    assert_non_null(name);
    assert_string_equal(name, "test_symbolize_names_a_static_function");
    assert_int_equal(offset, 0);
    /* Backend functions and the Core's upcalls are named too. */
    name = platform_symbolize((uintptr_t)platform_map + 1, NULL);
    assert_non_null(name);
    assert_string_equal(name, "platform_map");
}

static void test_symbolize_unknown_addresses(void **state)
{
    (void)state;
    assert_null(platform_symbolize(0, NULL));
    assert_null(platform_symbolize(0x10, NULL));
    static char data_object[64];
    assert_null(platform_symbolize((uintptr_t)data_object, NULL));
}

static uintptr_t walked[8];
static size_t walked_count;

static __attribute__((noinline)) void backtrace_innermost(void)
{
    walked_count = platform_backtrace(0, walked, 8);
    __asm__ volatile("" ::: "memory");
}

static __attribute__((noinline)) void backtrace_middle(void)
{
    backtrace_innermost();
    __asm__ volatile("" ::: "memory");
}

static __attribute__((noinline)) void backtrace_outer(void)
{
    backtrace_middle();
    __asm__ volatile("" ::: "memory");
}

/* The walk starts at the caller of platform_backtrace and follows the callers. */
static void test_backtrace_follows_callers(void **state)
{
    (void)state;
    backtrace_outer();
    assert_true(walked_count >= 4);
    static const char *const expected[] = {"backtrace_innermost", "backtrace_middle",
                                           "backtrace_outer",
                                           "test_backtrace_follows_callers"};
    for (size_t index = 0; index < 4; index++) {
        const char *name = platform_symbolize(walked[index], NULL);
        assert_non_null(name);
        assert_string_equal(name, expected[index]);
    }
    assert_int_equal(platform_backtrace(0, walked, 1), 1);
    assert_int_equal(platform_backtrace(0, walked, 0), 0);
}

/* Corrupt chains end the walk instead of faulting. */
static void test_backtrace_survives_corrupt_chains(void **state)
{
    (void)state;
    uintptr_t frames[8];
    /* Fake frames on this (known) stack: [saved rbp, return address]. */
    uintptr_t fake[8] __attribute__((aligned(16)));
    fake[0] = (uintptr_t)&fake[2];  /* increasing: followed */
    fake[1] = 0x1111;
    fake[2] = (uintptr_t)&fake[0];  /* decreasing: walk stops after this frame */
    fake[3] = 0x2222;
    assert_int_equal(platform_backtrace((uintptr_t)&fake[0], frames, 8), 2);
    assert_int_equal(frames[0], 0x1111);
    assert_int_equal(frames[1], 0x2222);

    fake[2] = (uintptr_t)0xdead0000beef0000; /* unmapped: never read */
    assert_int_equal(platform_backtrace((uintptr_t)&fake[0], frames, 8), 2);
    fake[2] = (uintptr_t)&fake[4] + 1;       /* misaligned */
    fake[4] = 0;
    assert_int_equal(platform_backtrace((uintptr_t)&fake[0], frames, 8), 2);
    fake[2] = (uintptr_t)&fake[4];           /* NULL return address ends the chain */
    fake[4] = (uintptr_t)&fake[6];
    fake[5] = 0;
    assert_int_equal(platform_backtrace((uintptr_t)&fake[0], frames, 8), 2);

    static uintptr_t not_a_stack[4];
    assert_int_equal(platform_backtrace((uintptr_t)not_a_stack, frames, 8), 0);
    assert_int_equal(platform_backtrace((uintptr_t)0x1000, frames, 8), 0);
}

/* Physical addresses cover exactly the arena, and convert both ways. */
static void test_physical_virtual_bounds(void **state)
{
    (void)state;
    uint8_t *arena = hosted_memory_arena();
    uint64_t size = hosted_memory_size();
    assert_int_equal(size, 16u << 20);
    assert_ptr_equal(platform_phys_to_virt(PHYSICAL_BASE), arena);
    assert_ptr_equal(platform_phys_to_virt(PHYSICAL_BASE + size - 1), arena + size - 1);
    assert_null(platform_phys_to_virt(PHYSICAL_BASE + size));
    assert_null(platform_phys_to_virt(PHYSICAL_BASE - 1));
    assert_null(platform_phys_to_virt(0));
    assert_null(platform_phys_to_virt(PADDR_INVALID));

    assert_int_equal(platform_virt_to_phys(arena), PHYSICAL_BASE);
    assert_int_equal(platform_virt_to_phys(arena + 12345), PHYSICAL_BASE + 12345);
    assert_int_equal(platform_virt_to_phys(arena + size), PADDR_INVALID);
    assert_int_equal(platform_virt_to_phys(arena - 1), PADDR_INVALID);
    static int not_ram;
    assert_int_equal(platform_virt_to_phys(&not_ram), PADDR_INVALID);

    /* The usable region lies inside the arena and leaves out the kernel root table. */
    const struct boot_info *info = hosted_boot_info();
    assert_string_equal(info->platform_name, "hosted");
    assert_string_equal(info->command_line, "hosted.memory=16M");
    assert_int_equal(info->memory_count, 1);
    assert_int_equal(info->memory[0].base, PHYSICAL_BASE + PAGE_SIZE);
    assert_int_equal(info->memory[0].base + info->memory[0].length, PHYSICAL_BASE + size);
    assert_int_equal(info->total_memory_bytes, size);
    assert_int_equal(info->initrd_size, 0);
    assert_int_equal(platform_address_space_kernel()->root, PHYSICAL_BASE);
}

/* Nested save/restore pairs give back exactly the state they found. */
static void test_interrupt_save_restore_nesting(void **state)
{
    (void)state;
    platform_irq_disable();
    assert_false(platform_irq_enabled());
    irq_flags_t disabled_state = platform_irq_save();
    assert_false(platform_irq_enabled());

    platform_irq_enable();
    irq_flags_t outer = platform_irq_save();
    assert_false(platform_irq_enabled());
    irq_flags_t inner = platform_irq_save();
    assert_false(platform_irq_enabled());
    platform_irq_restore(inner);
    assert_false(platform_irq_enabled()); /* inner found them disabled */
    platform_irq_restore(outer);
    assert_true(platform_irq_enabled());   /* outer found them enabled */

    platform_irq_restore(disabled_state);
    assert_false(platform_irq_enabled());
    assert_false(hosted_in_interrupt());
}

/* Console output can be captured (and is then not written to stdout). */
static void test_console_capture(void **state)
{
    (void)state;
    hosted_console_capture_begin(false);
    platform_console_write("hello ", 6);
    platform_console_write("world\n", 6);
    size_t length = 0;
    const char *text = hosted_console_captured(&length);
    assert_int_equal(length, 12);
    assert_string_equal(text, "hello world\n");
    hosted_console_capture_begin(false);
    assert_string_equal(hosted_console_captured(NULL), "");
    hosted_console_capture_end();
}

/* The fault dump prints the fault and every host register from the saved frame. */
static void test_fault_dump_prints_registers(void **state)
{
    (void)state;
    ucontext_t saved;
    assert_int_equal(getcontext(&saved), 0);
    saved.uc_mcontext.gregs[REG_RAX] = 0x1234abcd;
    struct platform_fault fault = {
        .kind = PLATFORM_FAULT_PAGE, .vector = 11, .address = 0x10,
        .instruction_pointer = 0x401000, .backend_frame = &saved,
    };
    hosted_console_capture_begin(false);
    platform_fault_dump(&fault);
    hosted_console_capture_end();
    const char *text = hosted_console_captured(NULL);
    assert_non_null(strstr(text, "signal 11"));
    assert_non_null(strstr(text, "rip=0x0000000000401000"));
    assert_non_null(strstr(text, "address=0x0000000000000010"));
    assert_non_null(strstr(text, "rax=0x000000001234abcd"));
    assert_non_null(strstr(text, "r15="));
}

static jmp_buf exit_jump;
static int exit_status;

static void jump_back(int status)
{
    exit_status = status;
    longjmp(exit_jump, 1);
}

/* power_off and halt end the machine with their status (here caught by the test). */
static void test_power_off_and_halt_status(void **state)
{
    (void)state;
    hosted_set_exit_handler(jump_back);
    if (setjmp(exit_jump) == 0)
        platform_power_off(3);
    assert_int_equal(exit_status, 3);
    if (setjmp(exit_jump) == 0)
        platform_halt();
    assert_int_equal(exit_status, 70);
    hosted_set_exit_handler(NULL);
}

/*
 * A real fault goes through the signal handler to core_fault(); the Core
 * declares a kernel page fault fatal and the machine halts with status 70.
 */
static void test_fault_reaches_the_core_and_halts(void **state)
{
    (void)state;
    static volatile uintptr_t bad_address = 8;
    exit_status = 0;
    assert_int_equal(hosted_faults_install(), 0);
    hosted_set_exit_handler(jump_back);
    hosted_console_capture_begin(false);
    if (setjmp(exit_jump) == 0)
        *(volatile int *)bad_address = 1;
    hosted_console_capture_end();
    hosted_set_exit_handler(NULL);
    hosted_faults_remove();
    platform_irq_disable();

    assert_int_equal(exit_status, 70);
    const char *text = hosted_console_captured(NULL);
    assert_non_null(strstr(text, "hosted fault: signal 11"));
    assert_non_null(strstr(text, "address=0x0000000000000008"));
    assert_non_null(strstr(text, "hosted: fatal fault, halting"));
}

/* Booting again gives a fresh machine: zeroed arena, clock at 0, default size. */
static void test_boot_again_is_fresh(void **state)
{
    (void)state;
    memset((uint8_t *)hosted_memory_arena() + PAGE_SIZE * 100, 0xaa, 64);
    assert_int_equal(hosted_clock_advance(1000), 0);
    assert_int_equal(hosted_test_boot(NULL), 0);
    assert_int_equal(hosted_memory_size(), 64u << 20);
    assert_int_equal(platform_clock_ns(), 0);
    assert_false(platform_irq_enabled());
    assert_string_equal(hosted_boot_info()->command_line, "");
    uint8_t zero[64] = {0};
    /* Frame 100 may now hold Core metadata; the root table frame 0 must be zero. */
    assert_memory_equal(hosted_memory_arena(), zero, sizeof(zero));
    assert_int_equal(hosted_test_boot("hosted.memory=16M"), 0);
}

/* hosted.initrd= puts the file at the end of the arena, outside the usable region. */
static void test_boot_with_an_initrd(void **state)
{
    (void)state;
    char path[] = "/tmp/rk-hosted-initrd-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    static char contents[10000];
    for (size_t index = 0; index < sizeof(contents); index++)
        contents[index] = (char)(index * 7);
    assert_int_equal(write(fd, contents, sizeof(contents)), sizeof(contents));
    close(fd);

    char command_line[128];
    snprintf(command_line, sizeof(command_line), "hosted.memory=16M hosted.initrd=%s", path);
    int error = hosted_test_boot(command_line);
    unlink(path);
    assert_int_equal(error, 0);
    const struct boot_info *info = hosted_boot_info();
    assert_int_equal(info->initrd_size, sizeof(contents));
    assert_int_equal(info->initrd_base % PAGE_SIZE, 0);
    assert_int_equal(info->initrd_base, PHYSICAL_BASE + (16u << 20) - 3 * PAGE_SIZE);
    assert_memory_equal(platform_phys_to_virt(info->initrd_base), contents, sizeof(contents));
    assert_int_equal(info->memory[0].base + info->memory[0].length, info->initrd_base);

    assert_int_equal(hosted_test_boot("hosted.initrd=/nonexistent/initrd"), -ENOENT);
    assert_int_equal(hosted_test_boot("hosted.memory=12Q"), -EINVAL);
    assert_int_equal(hosted_test_boot("hosted.memory=16M"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_symbolize_names_a_static_function),
        cmocka_unit_test(test_symbolize_unknown_addresses),
        cmocka_unit_test(test_backtrace_follows_callers),
        cmocka_unit_test(test_backtrace_survives_corrupt_chains),
        cmocka_unit_test(test_physical_virtual_bounds),
        cmocka_unit_test(test_interrupt_save_restore_nesting),
        cmocka_unit_test(test_console_capture),
        cmocka_unit_test(test_fault_dump_prints_registers),
        cmocka_unit_test(test_power_off_and_halt_status),
        cmocka_unit_test(test_fault_reaches_the_core_and_halts),
        cmocka_unit_test(test_boot_again_is_fresh),
        cmocka_unit_test(test_boot_with_an_initrd),
    };
    return cmocka_run_group_tests_name("hosted machine", tests, group_setup, NULL);
}
