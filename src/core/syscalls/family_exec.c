/*
 * family_exec.c — the exec family: execve(2) and execveat(2), thin
 * wrappers over exec_replace() (src/core/exec/).
 */
#include <rk/exec.h>
#include <rk/heap.h>
#include <rk/thread.h>

#include "syscall_support.h"

long exec_from_user(int dirfd, uintptr_t path, uintptr_t argv, uintptr_t envp, int flags)
{
    char *kernel_path = user_path_copy(path);
    if (is_error_pointer(kernel_path))
        return pointer_error(kernel_path);
    const struct exec_request request = {
        .dirfd = dirfd,
        .path = kernel_path,
        .flags = (unsigned)flags,
        .arguments = { .user_array = argv },
        .environment = { .user_array = envp },
    };
    struct thread *thread = thread_current();
    struct user_registers scratch;
    struct user_registers *registers = thread->user_registers ? thread->user_registers : &scratch;
    int error = exec_replace(&request, registers);
    kfree(kernel_path);
    return error;
}

/* execve(path, argv, envp). */
static long sys_execve(const uint64_t arguments[6])
{
    return exec_from_user(AT_FDCWD, ARGUMENT_ADDRESS(0), ARGUMENT_ADDRESS(1), ARGUMENT_ADDRESS(2), 0);
}

/* execveat(dirfd, path, argv, envp, flags). */
static long sys_execveat(const uint64_t arguments[6])
{
    return exec_from_user(ARGUMENT_INT(0), ARGUMENT_ADDRESS(1), ARGUMENT_ADDRESS(2),
                          ARGUMENT_ADDRESS(3), ARGUMENT_INT(4));
}

SYSCALL_FAMILY_DEFINE(exec, SYSCALL_ENTRY(execve), SYSCALL_ENTRY(execveat));
