/*
 * interrupt_entry.S — the entry stubs of vectors 0..47 and their common path.
 *
 * Each stub pushes a zero error code when the CPU pushes none, then its
 * vector, and jumps to interrupt_common, which saves every general register
 * (struct interrupt_frame in x86.h) and calls x86_interrupt_dispatch(frame).
 * interrupt_common also links a frame record {interrupted rbp, interrupted
 * rip} into the rbp chain, so a backtrace taken inside a handler shows the
 * interrupted function too.
 *
 * An interrupt taken in user mode goes on to user_interrupt_common
 * (user_entry.S) instead, which saves a struct user_registers frame. The
 * vectors on IST stacks (NMI, double fault, machine check) always take the
 * kernel path: their frame is not on the thread's stack.
 */

    .text
    .type interrupt_common, @function
interrupt_common:
    testb $3, 24(%rsp)         /* the interrupted cs (above vector, error code, rip) */
    jnz user_interrupt_common
interrupt_common_kernel:
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, %rdi            /* struct interrupt_frame * */
    pushq 17 * 8(%rdi)         /* interrupted rip, as a return address */
    pushq %rbp                 /* interrupted rbp */
    movq %rsp, %rbp
    cld
    /* 24 quadwords below the CPU-aligned frame: the stack stays 16-byte aligned. */
    call x86_interrupt_dispatch
    addq $16, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp             /* vector and error code */
    iretq
    .size interrupt_common, . - interrupt_common

/* Vectors whose exceptions push an error code: 8 10 11 12 13 14 17 21 29 30. */
    .balign 16
.irp vector, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
    .balign 16
    .type interrupt_stub_\vector, @function
interrupt_stub_\vector:
    .if (\vector != 8) && (\vector != 10) && (\vector != 11) && (\vector != 12) && (\vector != 13) && (\vector != 14) && (\vector != 17) && (\vector != 21) && (\vector != 29) && (\vector != 30)
    pushq $0
    .endif
    pushq $\vector
    .if (\vector == 2) || (\vector == 8) || (\vector == 18)
    jmp interrupt_common_kernel
    .else
    jmp interrupt_common
    .endif
    .size interrupt_stub_\vector, . - interrupt_stub_\vector
.endr

    .section .rodata
    .balign 8
    .globl interrupt_stub_table
interrupt_stub_table:
.irp vector, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
    .quad interrupt_stub_\vector
.endr
