/*
 * user_entry.c — where user mode enters the Core: syscalls and the last
 * step before every return to user mode (rk/platform.h upcalls).
 */
#include <rk/platform.h>
#include <rk/syscall.h>
#include <rk/thread.h>

/* Upcall: a SYSCALL from user mode (see rk/platform.h). */
void core_syscall(struct user_registers *registers)
{
    struct thread *thread = thread_current();
    thread->user_registers = registers;
    const uint64_t arguments[SYSCALL_ARGUMENTS] = {
        registers->rdi, registers->rsi, registers->rdx,
        registers->r10, registers->r8, registers->r9,
    };
    registers->rax = (uint64_t)syscall_dispatch(registers->orig_rax, arguments);
}

/* Upcall: the last Core step before user mode resumes (see rk/platform.h). */
void core_return_to_user(struct user_registers *registers)
{
    (void)registers;
}
