/*
 * user_entry.S — the ways in and out of user mode.
 *
 * Every entry from user mode builds a struct user_registers (rk/platform.h)
 * at the top of the running thread's kernel stack (the frame just below its
 * struct context_record, see x86.h) and calls C with a pointer to it:
 *   syscall_entry          SYSCALL: the frame is pushed by hand on
 *                          syscall_kernel_stack, then syscall_handle().
 *   user_interrupt_common  an interrupt or exception taken in user mode:
 *                          the CPU pushed rip..ss on TSS.rsp0 (the same
 *                          frame's rip..ss fields); interrupt_common jumps
 *                          here after the stub pushed error code and vector,
 *                          then user_interrupt_handle().
 * and every exit resumes exactly that frame: SYSRET when syscall_handle()
 * says it can (rcx == rip, r11 == rflags, plain 64-bit selectors), IRET
 * otherwise. The C side runs with rbp = 0 (the end of the kernel backtrace)
 * and enables interrupts itself; the stubs run with interrupts disabled.
 * No swapgs: the kernel never uses GS (uniprocessor, no per-CPU area).
 */
#include "user_frame.h"

    .text

/* Push rdx .. r15 in struct user_registers order (rdi and rsi are above them). */
.macro push_registers_from_rdx
    pushq %rdx
    pushq %rcx
    pushq %rax
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %rbx
    pushq %rbp
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
.endm

/* Pop r15 .. rdi of a struct user_registers; rsp is then at orig_rax. */
.macro pop_general_registers
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbp
    popq %rbx
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rax
    popq %rcx
    popq %rdx
    popq %rsi
    popq %rdi
.endm
/*
 * SYSCALL from 64-bit user mode: rcx = user rip, r11 = user rflags, rsp is
 * still the user's, rflags has IF/DF/TF/AC/NT cleared (FMASK).
 */
    .globl syscall_entry
    .type syscall_entry, @function
syscall_entry:
    movq %rsp, syscall_saved_user_stack(%rip)
    movq syscall_kernel_stack(%rip), %rsp
    pushq $USER_FRAME_DATA_SELECTOR         /* ss */
    pushq syscall_saved_user_stack(%rip)    /* rsp */
    pushq %r11                              /* rflags */
    pushq $USER_FRAME_CODE_SELECTOR         /* cs */
    pushq %rcx                              /* rip */
    pushq %rax                              /* orig_rax */
    pushq %rdi
    pushq %rsi
    push_registers_from_rdx
    movq %rsp, %rdi
    xorl %ebp, %ebp
    subq $8, %rsp              /* the frame starts 8 below a 16-byte boundary */
    call syscall_handle
    addq $8, %rsp
    testl %eax, %eax
    jz user_return_iret
    pop_general_registers
    /* rsp is at orig_rax; rcx == rip and r11 == rflags were checked in C. */
    movq USER_FRAME_RSP - USER_FRAME_ORIG_RAX(%rsp), %rsp
    sysretq
    .size syscall_entry, . - syscall_entry

/*
 * SYSCALL from 32-bit (compatibility mode) user code: there is no 32-bit
 * ABI, so it fails with -ENOSYS, as on a Linux without IA-32 emulation.
 * Nothing is touched but eax; the user stack is never used.
 */
    .globl syscall_compat_entry
    .type syscall_compat_entry, @function
syscall_compat_entry:
    movl $-USER_FRAME_ENOSYS, %eax
    sysretl
    .size syscall_compat_entry, . - syscall_compat_entry

/*
 * From interrupt_common when the interrupted code was in user mode; the
 * stack holds vector, error code, then the CPU frame rip..ss (the frame's
 * own fields). The vector's slot becomes rdi's and the error code's slot
 * orig_rax (-1: not a syscall, so the Core never restarts one).
 */
    .globl user_interrupt_common
    .type user_interrupt_common, @function
user_interrupt_common:
    xchgq %rdi, (%rsp)         /* rdi = vector, its slot = user rdi */
    pushq %rsi
    movq 16(%rsp), %rsi        /* error code */
    movq $-1, 16(%rsp)         /* orig_rax */
    push_registers_from_rdx
    movq %rsi, %rdx            /* error code */
    movq %rdi, %rsi            /* vector */
    movq %rsp, %rdi            /* struct user_registers * */
    xorl %ebp, %ebp
    subq $8, %rsp
    cld
    call user_interrupt_handle
    addq $8, %rsp
    jmp user_return_iret
    .size user_interrupt_common, . - user_interrupt_common

/*
 * _Noreturn void user_enter_frame(struct user_registers *frame (rdi)):
 * the frame at the top of the running thread's stack holds the state to
 * enter; the stack is reset to it (everything below is abandoned).
 */
    .globl user_enter_frame
    .type user_enter_frame, @function
user_enter_frame:
    movq %rdi, %rsp
    xorl %ebp, %ebp
    subq $8, %rsp
    call user_enter_prepare
    addq $8, %rsp
    jmp user_return_iret
    .size user_enter_frame, . - user_enter_frame

/*
 * rsp = a struct user_registers frame whose rip..ss the C side has made
 * safe to load (canonical rip, user selectors, IF set, IOPL 0): restore
 * the general registers and IRET. Interrupts disabled.
 */
    .type user_return_iret, @function
user_return_iret:
    pop_general_registers
    addq $8, %rsp              /* orig_rax */
    iretq
    .size user_return_iret, . - user_return_iret
