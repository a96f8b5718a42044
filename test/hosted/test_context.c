/* test_context.c — context creation and the fast switch. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <xmmintrin.h>
#include <rk/platform.h>

#include "hosted.h"

#define STACK_SIZE (64 * 1024)
#define RING_SIZE 6

static struct platform_context main_context;
static struct platform_context contexts[RING_SIZE];
static _Alignas(16) char stacks[RING_SIZE][STACK_SIZE];

static char trace[128];
static size_t trace_length;

static void trace_add(char letter)
{
    if (trace_length + 1 < sizeof(trace)) {
        trace[trace_length++] = letter;
        trace[trace_length] = '\0';
    }
}

static int group_setup(void **state)
{
    (void)state;
    return hosted_test_boot("");
}

static int test_setup(void **state)
{
    (void)state;
    trace_length = 0;
    trace[0] = '\0';
    platform_irq_disable();
    return 0;
}

/* Appends its letter (the argument) each time it runs, then goes back to main. */
static void ping_entry(void *argument)
{
    char letter = *(const char *)argument;
    for (;;) {
        trace_add(letter);
        platform_context_switch(&contexts[letter - 'a'], &main_context);
    }
}

/* Main and two contexts take turns in the order main asks for. */
static void test_ping_pong(void **state)
{
    (void)state;
    static const char letters[] = "ab";
    platform_context_create(&contexts[0], stacks[0], STACK_SIZE, ping_entry, (void *)&letters[0]);
    platform_context_create(&contexts[1], stacks[1], STACK_SIZE, ping_entry, (void *)&letters[1]);
    assert_string_equal(trace, ""); /* creation runs nothing of entry */
    for (int round = 0; round < 3; round++) {
        trace_add('m');
        platform_context_switch(&main_context, &contexts[round % 2]);
    }
    platform_context_switch(&main_context, &contexts[1]);
    assert_string_equal(trace, "mambmab");
}

static bool entry_saw_interrupts_enabled;
static bool resume_saw_interrupts_enabled;

/* Checks the interrupt flag at entry and after being resumed. */
static void flag_entry(void *argument)
{
    (void)argument;
    entry_saw_interrupts_enabled = platform_irq_enabled();
    platform_irq_disable();
    platform_context_switch(&contexts[0], &main_context);
    resume_saw_interrupts_enabled = platform_irq_enabled();
    for (;;)
        platform_context_switch(&contexts[0], &main_context);
}

/* Entry starts with interrupts on; each context gets its own flag back when resumed. */
static void test_interrupt_flag_travels_with_the_context(void **state)
{
    (void)state;
    platform_context_create(&contexts[0], stacks[0], STACK_SIZE, flag_entry, NULL);
    assert_false(platform_irq_enabled());
    platform_context_switch(&main_context, &contexts[0]);
    assert_true(entry_saw_interrupts_enabled);
    assert_false(platform_irq_enabled());

    /* Main switches with the flag on (outside the contract, to see it travel). */
    platform_irq_enable();
    platform_context_switch(&main_context, &contexts[0]);
    assert_false(resume_saw_interrupts_enabled); /* the context's own state */
    assert_true(platform_irq_enabled());         /* main's own state */
    platform_irq_disable();
}

static unsigned context_mxcsr;

/* Sets round-toward-zero, lets main run, then reports its own MXCSR. */
static void mxcsr_entry(void *argument)
{
    (void)argument;
    _MM_SET_ROUNDING_MODE(_MM_ROUND_TOWARD_ZERO);
    platform_context_switch(&contexts[0], &main_context);
    context_mxcsr = _mm_getcsr();
    for (;;)
        platform_context_switch(&contexts[0], &main_context);
}

/* MXCSR is part of the switched state (each context keeps its rounding mode). */
static void test_mxcsr_travels_with_the_context(void **state)
{
    (void)state;
    unsigned main_mxcsr = _mm_getcsr();
    assert_int_equal(_MM_GET_ROUNDING_MODE(), _MM_ROUND_NEAREST);
    platform_context_create(&contexts[0], stacks[0], STACK_SIZE, mxcsr_entry, NULL);
    platform_context_switch(&main_context, &contexts[0]);
    assert_int_equal(_mm_getcsr(), main_mxcsr);
    platform_context_switch(&main_context, &contexts[0]);
    assert_int_equal(context_mxcsr & _MM_ROUND_MASK, _MM_ROUND_TOWARD_ZERO);
    assert_int_equal(_mm_getcsr(), main_mxcsr);
}

/* Each ring member switches straight to the next; the last one returns to main. */
static void ring_entry(void *argument)
{
    uintptr_t index = (uintptr_t)argument;
    for (;;) {
        trace_add((char)('0' + index));
        struct platform_context *next =
            index + 1 < RING_SIZE ? &contexts[index + 1] : &main_context;
        platform_context_switch(&contexts[index], next);
    }
}

/* Contexts switch among themselves, not only with main; state survives laps. */
static void test_ring_of_contexts(void **state)
{
    (void)state;
    for (uintptr_t index = 0; index < RING_SIZE; index++)
        platform_context_create(&contexts[index], stacks[index], STACK_SIZE, ring_entry,
                                (void *)index);
    platform_context_switch(&main_context, &contexts[0]);
    platform_context_switch(&main_context, &contexts[0]);
    assert_string_equal(trace, "012345012345");
}

static size_t context_frame_count;
static const char *context_frame_names[8];

static __attribute__((noinline)) void backtrace_in_context(void)
{
    uintptr_t frames[8];
    context_frame_count = platform_backtrace(0, frames, 8);
    for (size_t index = 0; index < context_frame_count; index++)
        context_frame_names[index] = platform_symbolize(frames[index], NULL);
    __asm__ volatile("" ::: "memory"); /* no tail call */
}

static void backtrace_entry(void *argument)
{
    (void)argument;
    backtrace_in_context();
    for (;;)
        platform_context_switch(&contexts[0], &main_context);
}

/* A backtrace inside a context names its functions and stops at the stack's start. */
static void test_backtrace_stays_on_the_context_stack(void **state)
{
    (void)state;
    platform_context_create(&contexts[0], stacks[0], STACK_SIZE, backtrace_entry, NULL);
    platform_context_switch(&main_context, &contexts[0]);
    /* backtrace_in_context, backtrace_entry, context_start, hosted_context_first_entry. */
    assert_int_equal(context_frame_count, 4);
    assert_non_null(context_frame_names[0]);
    assert_string_equal(context_frame_names[0], "backtrace_in_context");
    assert_non_null(context_frame_names[1]);
    assert_string_equal(context_frame_names[1], "backtrace_entry");
    assert_non_null(context_frame_names[2]);
    assert_string_equal(context_frame_names[2], "context_start");
}

/* A context can be created again on the same stack once it is no longer needed. */
static void test_recreate_on_the_same_stack(void **state)
{
    (void)state;
    static const char letters[] = "a";
    for (int round = 0; round < 3; round++) {
        platform_context_create(&contexts[0], stacks[0], STACK_SIZE, ping_entry,
                                (void *)&letters[0]);
        platform_context_switch(&main_context, &contexts[0]);
    }
    assert_string_equal(trace, "aaa");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_ping_pong, test_setup),
        cmocka_unit_test_setup(test_interrupt_flag_travels_with_the_context, test_setup),
        cmocka_unit_test_setup(test_mxcsr_travels_with_the_context, test_setup),
        cmocka_unit_test_setup(test_ring_of_contexts, test_setup),
        cmocka_unit_test_setup(test_backtrace_stays_on_the_context_stack, test_setup),
        cmocka_unit_test_setup(test_recreate_on_the_same_stack, test_setup),
    };
    return cmocka_run_group_tests_name("hosted contexts", tests, group_setup, NULL);
}
