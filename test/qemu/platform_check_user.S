/*
 * platform_check_user.S — the user-mode programs of platform_check.c.
 *
 * Position-independent 64-bit code kept in .rodata: platform_check.c copies
 * the bytes between user_programs_start and user_programs_end to a user
 * page (read + execute, user) and enters each program at its offset from
 * user_programs_start. A program ends with the test "Core"'s REPORT
 * syscall: rdi = 0 when every check in user mode passed, otherwise the
 * number of the first failing check. The syscall numbers and the layout
 * of the user data page are platform_check.c's (USER_SYSCALL_*, USER_DATA).
 */
#define SYSCALL_ARCH_PRCTL 158
#define ARCH_SET_FS 0x1002
#define SYSCALL_REPORT 1000
#define SYSCALL_ECHO 1001
#define SYSCALL_REDIRECT 1002
#define SYSCALL_UNLOADABLE 1003
#define SYSCALL_YIELD 1004
#define SYSCALL_FPU_EXCHANGE 1005
#define SYSCALL_FPU_RESET 1006
#define USER_DATA 0x600000
#define USER_LAZY_PAGE 0x700000

    .section .rodata.user_programs, "a"
    .balign 4096
    .globl user_programs_start
user_programs_start:

/* rdi = the failure number (0: passed). Never returns. */
user_report:
    movq $SYSCALL_REPORT, %rax
    syscall
    ud2

/* Leave through user_report with rdi = number. */
.macro fail_unless_equal number
    je 1f
    movq $\number, %rdi
    jmp user_report
1:
.endm

/*
 * 1. Syscall arguments reach the Core in the Linux registers; the result
 * comes back in rax; rcx = the return address and r11 = rflags afterwards,
 * every other register kept (the SYSRET path).
 */
    .globl user_syscall_program
user_syscall_program:
    movq $0x0b0b0b0b, %rbx
    movq $0x0c0c0c0c, %rbp
    movq $0x0d0d0d0d, %r13
    movq $0x0e0e0e0e, %r14
    movq $0x0f0f0f0f, %r15
    movq $11, %rdi
    movq $12, %rsi
    movq $13, %rdx
    movq $14, %r10
    movq $15, %r8
    movq $16, %r9
    movq $SYSCALL_ECHO, %rax
    pushfq
    popq %r12                  /* rflags at the SYSCALL */
    syscall
    .globl user_syscall_return
user_syscall_return:
    movabsq $0x123456789a, %rcx
    cmpq %rcx, %rax
    fail_unless_equal 1
    cmpq $11, %rdi
    fail_unless_equal 2
    cmpq $12, %rsi
    fail_unless_equal 3
    cmpq $13, %rdx
    fail_unless_equal 4
    cmpq $14, %r10
    fail_unless_equal 5
    cmpq $15, %r8
    fail_unless_equal 6
    cmpq $16, %r9
    fail_unless_equal 7
    cmpq $0x0b0b0b0b, %rbx
    fail_unless_equal 8
    cmpq $0x0c0c0c0c, %rbp
    fail_unless_equal 9
    cmpq $0x0d0d0d0d, %r13
    fail_unless_equal 10
    cmpq $0x0e0e0e0e, %r14
    fail_unless_equal 11
    cmpq $0x0f0f0f0f, %r15
    fail_unless_equal 12
    /* Linux: rcx = the instruction after SYSCALL, r11 = rflags. */
    movq $SYSCALL_ECHO, %rax
    movq $11, %rdi
    movq $12, %rsi
    movq $13, %rdx
    movq $14, %r10
    movq $15, %r8
    movq $16, %r9
    pushfq
    popq %r12
    syscall
1:  leaq 1b(%rip), %rdx
    cmpq %rdx, %rcx
    fail_unless_equal 13
    cmpq %r12, %r11
    fail_unless_equal 14
    xorl %edi, %edi
    jmp user_report

/*
 * 2. The Core changes the registers (as signal delivery and sigreturn do):
 * the IRET path resumes them exactly, with rflags made safe; then it
 * leaves a state the CPU cannot load, which comes back as a user #GP.
 */
    .globl user_redirect_program
user_redirect_program:
    leaq 2f(%rip), %rdi
    movq $SYSCALL_REDIRECT, %rax
    syscall
    movq $20, %rdi
    jmp user_report
2:  pushfq
    popq %rdx
    cmpq $77, %rax
    fail_unless_equal 21
    cmpq $0x1111, %rcx
    fail_unless_equal 22
    cmpq $0x2222, %r11
    fail_unless_equal 23
    andq $0x3201, %rdx         /* IOPL, IF, CF */
    cmpq $0x201, %rdx          /* IF forced on, IOPL forced to 0, CF kept */
    fail_unless_equal 24
    leaq 3f(%rip), %r12        /* where the Core's fault handler resumes */
    movq $SYSCALL_UNLOADABLE, %rax
    syscall
    movq $25, %rdi
    jmp user_report
3:  xorl %edi, %edi
    jmp user_report

/*
 * 3. Two threads: rdi = this thread's TLS block (its first quadword holds
 * its own address), rsi = a 32-byte pattern (16 bytes for xmm0/xmm15, 16
 * bytes the Core writes into xmm2), rdx = an MXCSR value. Each starts with
 * a clean FPU, sets FS and its FPU state, yields to the other, and checks
 * that both survived; then exchanges FPU state with the Core.
 */
    .globl user_switch_program
user_switch_program:
    movq %rdi, %r12
    movq %rsi, %r13
    movq %rdx, %r14
    subq $16, %rsp
    stmxcsr (%rsp)
    cmpl $0x1f80, (%rsp)
    fail_unless_equal 30
    fnstcw (%rsp)
    cmpw $0x37f, (%rsp)
    fail_unless_equal 31
    movq $SYSCALL_ARCH_PRCTL, %rax
    movq $ARCH_SET_FS, %rdi
    movq %r12, %rsi
    syscall
    testq %rax, %rax
    fail_unless_equal 32
    movdqu (%r13), %xmm0
    movdqu (%r13), %xmm15
    movl %r14d, (%rsp)
    ldmxcsr (%rsp)
    movq $SYSCALL_YIELD, %rax
    syscall
    movq %fs:0, %rax
    cmpq %r12, %rax
    fail_unless_equal 33
    movdqu (%r13), %xmm1
    pcmpeqb %xmm0, %xmm1
    pmovmskb %xmm1, %eax
    cmpl $0xffff, %eax
    fail_unless_equal 34
    movdqu (%r13), %xmm1
    pcmpeqb %xmm15, %xmm1
    pmovmskb %xmm1, %eax
    cmpl $0xffff, %eax
    fail_unless_equal 35
    stmxcsr (%rsp)
    cmpl %r14d, (%rsp)
    fail_unless_equal 36
    /* The Core saves (checks xmm0 and MXCSR in the image), then restores
       an image with xmm2 = the second 16 bytes and hostile MXCSR bits. */
    movq $SYSCALL_FPU_EXCHANGE, %rax
    movq %r13, %rdi
    movq %r14, %rsi
    syscall
    testq %rax, %rax
    fail_unless_equal 37
    stmxcsr (%rsp)
    cmpl %r14d, (%rsp)         /* the reserved bits were dropped */
    fail_unless_equal 38
    movdqu 16(%r13), %xmm1
    pcmpeqb %xmm2, %xmm1
    pmovmskb %xmm1, %eax
    cmpl $0xffff, %eax
    fail_unless_equal 39
    movq $SYSCALL_FPU_RESET, %rax
    syscall
    stmxcsr (%rsp)
    cmpl $0x1f80, (%rsp)
    fail_unless_equal 40
    pxor %xmm1, %xmm1
    pcmpeqb %xmm0, %xmm1
    pmovmskb %xmm1, %eax
    cmpl $0xffff, %eax
    fail_unless_equal 41
    movq %fs:0, %rax           /* FS survived the other thread's whole run */
    cmpq %r12, %rax
    fail_unless_equal 42
    xorl %edi, %edi
    jmp user_report

/*
 * 4. Spin until the Core, returning from a timer interrupt, sets rax
 * (giving up after about 2^30 rounds: failure 51).
 */
    .globl user_spin_program
user_spin_program:
    xorl %eax, %eax
    movl $0x40000000, %ecx
    .globl user_spin_loop
user_spin_loop:
    testq %rax, %rax
    jnz user_spin_loop_end
    decq %rcx
    jnz user_spin_loop
    movq $51, %rdi
    jmp user_report
    .globl user_spin_loop_end
user_spin_loop_end:
    cmpq $1, %rax
    fail_unless_equal 50
    xorl %edi, %edi
    jmp user_report

/*
 * 5. Faults in user mode. The Core's handler maps the lazy page and
 * resumes, resumes after int3, and resumes anything else at r12 (as a
 * signal handler would take over).
 */
    .globl user_fault_program
user_fault_program:
    movq $USER_LAZY_PAGE, %rbx
    .globl user_fault_write
user_fault_write:
    movq $42, (%rbx)
    cmpq $42, (%rbx)
    fail_unless_equal 60
    leaq 1f(%rip), %r12
    .globl user_fault_invalid_opcode
user_fault_invalid_opcode:
    ud2
    movq $61, %rdi
    jmp user_report
1:  int3
    .globl user_fault_after_breakpoint
user_fault_after_breakpoint:
    leaq 2f(%rip), %r12
    movq $USER_DATA, %rax
    jmpq *%rax                 /* the data page is not executable */
2:  leaq 3f(%rip), %r12
    movabsq $0x0000800000000000, %rax
    movq (%rax), %rax          /* non-canonical: #GP */
3:  leaq 4f(%rip), %r12
    cli                        /* privileged: #GP */
    movq $62, %rdi
    jmp user_report
4:  xorl %edi, %edi
    jmp user_report

/* 6. Many empty syscalls in a row (a round-trip measurement, no check). */
#define SYSCALL_NOTHING 1007
#define NOTHING_ROUNDS 100000
    .globl user_nothing_program
user_nothing_program:
    movl $NOTHING_ROUNDS, %r12d
1:  movq $SYSCALL_NOTHING, %rax
    syscall
    decq %r12
    jnz 1b
    xorl %edi, %edi
    jmp user_report

    .globl user_programs_end
user_programs_end:
