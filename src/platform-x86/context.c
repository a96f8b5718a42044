/*
 * context.c — creating kernel contexts (the switch itself is in
 * context_switch.S).
 */
#include "x86.h"

/*
 * Build the initial frame of a new context at the top of its stack so that
 * the first platform_context_switch() into it "returns" into
 * context_start_trampoline with entry in r12 and argument in r13. The two
 * zero quadwords at the very top end the frame chain and keep the stack
 * 16-byte aligned at the trampoline's call.
 */
void platform_context_create(struct platform_context *context, void *stack_base,
                             size_t stack_size, platform_context_entry_fn entry,
                             void *argument)
{
    uintptr_t top = ((uintptr_t)stack_base + stack_size) & ~(uintptr_t)15;
    uint64_t *stack = (uint64_t *)top;
    *--stack = 0;
    *--stack = 0;
    *--stack = (uint64_t)(uintptr_t)context_start_trampoline; /* return address */
    *--stack = 0;                                             /* rbp: end of chain */
    *--stack = 0;                                             /* rbx */
    *--stack = (uint64_t)(uintptr_t)entry;                    /* r12 */
    *--stack = (uint64_t)(uintptr_t)argument;                 /* r13 */
    *--stack = 0;                                             /* r14 */
    *--stack = 0;                                             /* r15 */
    *--stack = 0x2;                                           /* rflags: interrupts off */
    context->stack_pointer = (uintptr_t)stack;
    context->backend = NULL;
}

/* See rk/platform.h: nothing to forget on x86 (backtraces check bounds per frame). */
void platform_context_destroy(struct platform_context *context, void *stack_base,
                              size_t stack_size)
{
    context->stack_pointer = 0;
    context->backend = NULL;
}
