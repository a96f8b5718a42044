/*
 * context.c — creating and switching kernel contexts (the register switch
 * itself is context_switch_stacks in context_switch.S).
 *
 * Each context made by platform_context_create() keeps a struct
 * context_record at the top of its stack (its FXSAVE image) with the
 * thread's user-register frame just below; the switch points TSS.rsp0 and
 * the SYSCALL stack at the incoming context's frame and hands it the FPU.
 * Contexts not created here (the boot context) have no record and leave
 * both alone.
 */
#include <rk/string.h>

#include "x86.h"

/* The record of the running context (NULL: the boot context or another without one). */
static struct context_record *running_record;

/* See x86.h. */
struct context_record *context_running_record(void)
{
    return running_record;
}

/*
 * Lay out the top of the stack (record, zeroed user-register frame) and
 * build below it the initial frame of a new context so that the first
 * platform_context_switch() into it "returns" into context_start_trampoline
 * with entry in r12 and argument in r13. The two zero quadwords at the top
 * of that frame end the frame chain and keep the stack 16-byte aligned at
 * the trampoline's call.
 */
void platform_context_create(struct platform_context *context, void *stack_base,
                             size_t stack_size, platform_context_entry_fn entry,
                             void *argument)
{
    uintptr_t record_address = ((uintptr_t)stack_base + stack_size -
                                sizeof(struct context_record)) &
                               ~(uintptr_t)(_Alignof(struct context_record) - 1);
    struct context_record *record = (struct context_record *)record_address;
    fpu_context_prepare(record);
    struct user_registers *frame = context_record_user_frame(record);
    memset(frame, 0, sizeof(*frame));

    uintptr_t top = (uintptr_t)frame & ~(uintptr_t)15;
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
    context->backend = record;
}

/*
 * See rk/platform.h. Called with interrupts disabled. For a context with a
 * record: its FPU state goes into the registers (lazily: nothing moves
 * when it already owns them) and entries from user mode land on its frame.
 */
void platform_context_switch(struct platform_context *from, struct platform_context *to)
{
    struct context_record *next = to->backend;
    if (next != NULL) {
        fpu_switch_to(next);
        uintptr_t stack_top = context_record_kernel_stack_top(next);
        descriptors_set_kernel_stack(stack_top);
        user_mode_set_kernel_stack(stack_top);
    }
    running_record = next;
    context_switch_stacks(&from->stack_pointer, to->stack_pointer);
}

/* See rk/platform.h: the registers must not be saved into the stack once it is freed. */
void platform_context_destroy(struct platform_context *context, void *stack_base,
                              size_t stack_size)
{
    if (context->backend != NULL)
        fpu_context_forget(context->backend);
    context->stack_pointer = 0;
    context->backend = NULL;
}
