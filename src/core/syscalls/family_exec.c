/*
 * family_exec.c — the table of the exec family (placeholder until its
 * syscalls land).
 */
#include "syscall_support.h"

const struct syscall_family syscall_family_exec = { NULL, 0 };
