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
 * void platform_context_switch(struct platform_context *from (rdi),
 *                              struct platform_context *to (rsi))
 * Saves the callee-saved registers and rflags of the running context on its
 * stack, stores its stack pointer in from, and resumes to.
 */
    .globl platform_context_switch
    .type platform_context_switch, @function
platform_context_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    pushfq
    movq %rsp, (%rdi)
    movq (%rsi), %rsp
    popfq
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size platform_context_switch, . - platform_context_switch

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
