/*
 * test_stacks.c — the hosted backend's kernel-stack pool and the arena a
 * fuzz boot keeps: stacks are reused (cleared), taken back at every boot,
 * never handed out twice; hosted_fuzz_boot() keeps the arena and zeroes
 * the kernel page-table root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <rk/platform.h>
#include <rk/thread.h>

#include "hosted.h"

#define STACK_BYTES ((size_t)16 * 1024)

static jmp_buf halted;

/* The exit handler of the misuse test: back into the test. */
static void back_to_the_test(int status)
{
    longjmp(halted, status);
}

static int boot(void **state)
{
    (void)state;
    return hosted_test_boot("loglevel=3");
}

/* A freed stack is handed out again, cleared; two live stacks are never the same one. */
static void test_freed_stacks_are_reused_and_cleared(void **state)
{
    (void)state;
    char *first = platform_kernel_stack_alloc(STACK_BYTES);
    char *second = platform_kernel_stack_alloc(STACK_BYTES);
    assert_non_null(first);
    assert_non_null(second);
    assert_ptr_not_equal(first, second);
    memset(first, 0x5a, STACK_BYTES);
    platform_kernel_stack_free(first, STACK_BYTES);
    char *again = platform_kernel_stack_alloc(STACK_BYTES);
    assert_ptr_equal(again, first);
    for (size_t i = 0; i < STACK_BYTES; i++)
        assert_int_equal(again[i], 0);
    platform_kernel_stack_free(again, STACK_BYTES);
    platform_kernel_stack_free(second, STACK_BYTES);
}

/* A stack of another size is not taken for a request. */
static void test_sizes_are_not_mixed(void **state)
{
    (void)state;
    char *small = platform_kernel_stack_alloc(STACK_BYTES);
    platform_kernel_stack_free(small, STACK_BYTES);
    char *large = platform_kernel_stack_alloc(2 * STACK_BYTES);
    assert_ptr_not_equal(large, small);
    large[2 * STACK_BYTES - 1] = 1; /* all of it is usable */
    platform_kernel_stack_free(large, 2 * STACK_BYTES);
    assert_null(platform_kernel_stack_alloc(0));
    assert_null(platform_kernel_stack_alloc(STACK_BYTES + 1));
    assert_null(platform_kernel_stack_alloc(PLATFORM_KERNEL_STACK_MAX + PAGE_SIZE));
}

/* A boot takes back the stacks the previous kernel never freed. */
static void test_a_boot_takes_every_stack_back(void **state)
{
    (void)state;
    for (int i = 0; i < 4; i++)
        assert_non_null(platform_kernel_stack_alloc(STACK_BYTES));
    size_t in_use = 0;
    size_t pooled = hosted_kernel_stacks_pooled(&in_use);
    assert_true(in_use >= 4);
    assert_int_equal(hosted_test_boot("loglevel=3"), 0);
    assert_int_equal(hosted_kernel_stacks_pooled(&in_use), pooled);
    assert_int_equal(in_use, thread_count() - 1); /* the new boot's own threads (the supervisor), not the boot thread */
}

/* Freeing a stack twice, or a pointer that is no stack, halts the machine. */
static void test_misuse_halts(void **state)
{
    (void)state;
    hosted_set_exit_handler(back_to_the_test);
    char *stack = platform_kernel_stack_alloc(STACK_BYTES);
    platform_kernel_stack_free(stack, STACK_BYTES);
    int status = setjmp(halted);
    if (status == 0) {
        platform_kernel_stack_free(stack, STACK_BYTES);
        fail_msg("a double free did not halt");
    }
    assert_int_equal(status, 70);
    static char not_a_stack[64];
    status = setjmp(halted);
    if (status == 0) {
        platform_kernel_stack_free(not_a_stack, sizeof not_a_stack);
        fail_msg("freeing a foreign pointer did not halt");
    }
    assert_int_equal(status, 70);
    hosted_set_exit_handler(NULL);
}

/* hosted_fuzz_boot keeps the arena (the same memory, not mapped again) but zeroes frame 0. */
static void test_a_fuzz_boot_keeps_the_arena(void **state)
{
    (void)state;
    assert_int_equal(hosted_fuzz_boot("loglevel=3 hosted.memory=4M"), 0);
    unsigned char *arena = hosted_memory_arena();
    memset(arena, 0x55, PAGE_SIZE); /* frame 0: the kernel page-table root */
    assert_int_equal(hosted_fuzz_boot("loglevel=3 hosted.memory=4M"), 0);
    assert_ptr_equal(hosted_memory_arena(), arena);
    /* The root was zeroed before the Core mapped anything: its user half is still empty. */
    for (size_t i = 0; i < PAGE_SIZE / 2; i++)
        assert_int_equal(arena[i], 0);
    /* Another size maps another arena. */
    assert_int_equal(hosted_fuzz_boot("loglevel=3 hosted.memory=8M"), 0);
    assert_int_equal(hosted_memory_size(), 8u << 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_freed_stacks_are_reused_and_cleared, boot),
        cmocka_unit_test_setup(test_sizes_are_not_mixed, boot),
        cmocka_unit_test_setup(test_a_boot_takes_every_stack_back, boot),
        cmocka_unit_test_setup(test_misuse_halts, boot),
        cmocka_unit_test_setup(test_a_fuzz_boot_keeps_the_arena, boot),
    };
    return cmocka_run_group_tests_name("hosted-stacks", tests, NULL, NULL);
}
