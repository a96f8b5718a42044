/*
 * gate_recovery.S — the service gate's recovery point (rk/gate.h): a
 * setjmp/longjmp pair of our own for the x86_64 SysV ABI. The hosted
 * backend assembles this same file (both run x86_64 code).
 *
 * struct gate_recovery layout (8 quadwords):
 *   0 rbx, 8 rbp, 16 r12, 24 r13, 32 r14, 40 r15, 48 rsp (the caller's, after return), 56 rip (return address)
 */
    .text

/* long gate_recovery_save(struct gate_recovery *recovery (rdi)): returns 0 now, the resume value later. */
    .globl gate_recovery_save
    .type gate_recovery_save, @function
gate_recovery_save:
    movq %rbx, 0(%rdi)
    movq %rbp, 8(%rdi)
    movq %r12, 16(%rdi)
    movq %r13, 24(%rdi)
    movq %r14, 32(%rdi)
    movq %r15, 40(%rdi)
    leaq 8(%rsp), %rax          /* the caller's stack pointer once we return */
    movq %rax, 48(%rdi)
    movq (%rsp), %rax           /* the return address */
    movq %rax, 56(%rdi)
    xorl %eax, %eax
    ret
    .size gate_recovery_save, . - gate_recovery_save

/*
 * void gate_recovery_jump(const struct gate_recovery *recovery (rdi), long value (rsi)):
 * resume at recovery, gate_recovery_save() returning value (never 0: 0 becomes 1).
 */
    .globl gate_recovery_jump
    .type gate_recovery_jump, @function
gate_recovery_jump:
    movq %rsi, %rax
    testq %rax, %rax
    jnz 1f
    movl $1, %eax
1:
    movq 0(%rdi), %rbx
    movq 8(%rdi), %rbp
    movq 16(%rdi), %r12
    movq 24(%rdi), %r13
    movq 32(%rdi), %r14
    movq 40(%rdi), %r15
    movq 48(%rdi), %rsp
    jmpq *56(%rdi)
    .size gate_recovery_jump, . - gate_recovery_jump

/*
 * Real faults on request, for fault injection and its tests (rk/platform.h):
 * the Core has no assembly of its own.
 */

/* void platform_fault_load(uintptr_t address (rdi)): a real 8-byte load from address. */
    .globl platform_fault_load
    .type platform_fault_load, @function
platform_fault_load:
    movq (%rdi), %rax
    ret
    .size platform_fault_load, . - platform_fault_load

/* void platform_fault_invalid_opcode(void): #UD (SIGILL). */
    .globl platform_fault_invalid_opcode
    .type platform_fault_invalid_opcode, @function
platform_fault_invalid_opcode:
    ud2
    ret
    .size platform_fault_invalid_opcode, . - platform_fault_invalid_opcode

/* void platform_fault_divide(void): an integer division by zero, #DE (SIGFPE). */
    .globl platform_fault_divide
    .type platform_fault_divide, @function
platform_fault_divide:
    xorl %ecx, %ecx
    xorl %edx, %edx
    movl $1, %eax
    divl %ecx
    ret
    .size platform_fault_divide, . - platform_fault_divide

/* void platform_spin_forever(void): spin without yielding (the watchdog's test). */
    .globl platform_spin_forever
    .type platform_spin_forever, @function
platform_spin_forever:
1:
    pause
    jmp 1b
    .size platform_spin_forever, . - platform_spin_forever

    .section .note.GNU-stack, "", @progbits
