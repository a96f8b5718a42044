/*
 * family_memory.c — the table of the memory family (placeholder until its
 * syscalls land).
 */
#include "syscall_support.h"

const struct syscall_family syscall_family_memory = { NULL, 0 };
