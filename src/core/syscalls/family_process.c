/*
 * family_process.c — the table of the process family.
 */
#include "syscall_support.h"

/* getpid(2): the thread group id of the caller (0 for a kernel thread). */
static long sys_getpid(const uint64_t arguments[6])
{
    struct process *process = process_current();
    return process ? process->pid : 0;
}

SYSCALL_FAMILY_DEFINE(process, SYSCALL_ENTRY(getpid));
