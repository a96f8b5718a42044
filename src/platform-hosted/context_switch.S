/*
 * context_switch.S — the hosted backend's fast context switch.
 *
 * A switched-out context is its stack pointer; the stack holds (from low
 * to high addresses) MXCSR (4 bytes), the x87 control word (2 bytes,
 * padded to 16 with the MXCSR slot), r15, r14, r13, r12, rbx, rbp and the
 * return address. Only callee-saved state is kept: the switch is an
 * ordinary function call for the compiler (System V ABI). No signal-mask
 * syscall, unlike glibc's swapcontext.
 */

/* Push the switch frame described above (callee-saved registers, MXCSR, x87 control word). */
.macro PUSH_SWITCH_FRAME
    pushq %rbp
    .cfi_adjust_cfa_offset 8
    pushq %rbx
    .cfi_adjust_cfa_offset 8
    pushq %r12
    .cfi_adjust_cfa_offset 8
    pushq %r13
    .cfi_adjust_cfa_offset 8
    pushq %r14
    .cfi_adjust_cfa_offset 8
    pushq %r15
    .cfi_adjust_cfa_offset 8
    subq $16, %rsp
    .cfi_adjust_cfa_offset 16
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
.endm

    .text

/* void hosted_context_switch_stacks(uintptr_t *save_stack_pointer, uintptr_t next_stack_pointer) */
    .globl hosted_context_switch_stacks
    .type hosted_context_switch_stacks, @function
    .p2align 4
hosted_context_switch_stacks:
    .cfi_startproc
    PUSH_SWITCH_FRAME
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $16, %rsp
    .cfi_adjust_cfa_offset -16
    popq %r15
    .cfi_adjust_cfa_offset -8
    popq %r14
    .cfi_adjust_cfa_offset -8
    popq %r13
    .cfi_adjust_cfa_offset -8
    popq %r12
    .cfi_adjust_cfa_offset -8
    popq %rbx
    .cfi_adjust_cfa_offset -8
    popq %rbp
    .cfi_adjust_cfa_offset -8
    ret
    .cfi_endproc
    .size hosted_context_switch_stacks, . - hosted_context_switch_stacks

/*
 * hosted_context_first_entry: a new context's switch frame (context.c)
 * returns here, with the context's record in rbx and its start function
 * in r12. Calls r12(rbx) on an aligned stack; that function never returns.
 */
    .globl hosted_context_first_entry
    .type hosted_context_first_entry, @function
    .p2align 4
hosted_context_first_entry:
    .cfi_startproc
    .cfi_undefined rip
    movq %rbx, %rdi
    xorl %ebp, %ebp
    andq $-16, %rsp
    call *%r12
    ud2                         /* the start function returned */
    .cfi_endproc
    .size hosted_context_first_entry, . - hosted_context_first_entry

/*
 * _Noreturn void hosted_run_on_stack(uintptr_t stack_top, void (*function)(void *),
 *                                    void *argument)
 * Abandons everything on the current stack (platform_user_enter resets the
 * thread's kernel stack this way) and calls function(argument) at the top.
 */
    .globl hosted_run_on_stack
    .type hosted_run_on_stack, @function
    .p2align 4
hosted_run_on_stack:
    .cfi_startproc
    .cfi_undefined rip
    movq %rdi, %rsp
    xorl %ebp, %ebp
    movq %rdx, %rdi
    call *%rsi
    ud2                         /* function returned */
    .cfi_endproc
    .size hosted_run_on_stack, . - hosted_run_on_stack

    .section .note.GNU-stack, "", @progbits
