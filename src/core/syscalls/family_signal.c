/*
 * family_signal.c — the table of the signal family (placeholder until its
 * syscalls land).
 */
#include "syscall_support.h"

const struct syscall_family syscall_family_signal = { NULL, 0 };
