/*
 * context_switch.S — kernel context switch and the start of a new context.
 *
 * A saved context is its stack pointer (struct platform_context's first
 * field); the stack holds, from that pointer up: rflags, r15, r14, r13,
 * r12, rbx, rbp, return address. context.c builds the same layout for a
 * new context, with the return address pointing to context_start_trampoline.
 */

    .text
/*
 * void context_switch_stacks(uintptr_t *save_stack_pointer (rdi),
 *                            uintptr_t next_stack_pointer (rsi))
 * Saves the callee-saved registers and rflags of the running context on its
 * stack, stores its stack pointer in *save_stack_pointer, and resumes the
 * context saved at next_stack_pointer (platform_context_switch in
 * context.c does the bookkeeping around it).
 */
    .globl context_switch_stacks
    .type context_switch_stacks, @function
context_switch_stacks:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    pushfq
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popfq
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size context_switch_stacks, . - context_switch_stacks

/*
 * First code of a new context: entry in r12, argument in r13, rbp = 0 (the
 * end of the frame chain). Enables interrupts and calls entry(argument),
 * which must never return: if it does, trap with ud2.
 */
    .globl context_start_trampoline
    .type context_start_trampoline, @function
context_start_trampoline:
    movq %r13, %rdi
    sti
    call *%r12
    ud2
    .size context_start_trampoline, . - context_start_trampoline
