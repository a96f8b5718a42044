/*
 * family_system.c — the table of the system family (placeholder until its
 * syscalls land).
 */
#include "syscall_support.h"

const struct syscall_family syscall_family_system = { NULL, 0 };
