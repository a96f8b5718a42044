/*
 * family_process.c — the table of the process family: fork, clone, exit,
 * wait, ids, process groups and sessions, limits, prctl, futex.
 * clone3 is absent on purpose (ENOSYS: glibc falls back to clone).
 */
#include "process_syscalls.h"

SYSCALL_FAMILY_DEFINE(process,
    SYSCALL_ENTRY(fork), SYSCALL_ENTRY(vfork), SYSCALL_ENTRY(clone),
    SYSCALL_ENTRY(exit), SYSCALL_ENTRY(exit_group), SYSCALL_ENTRY(wait4), SYSCALL_ENTRY(waitid),
    SYSCALL_ENTRY(getpid), SYSCALL_ENTRY(getppid), SYSCALL_ENTRY(gettid),
    SYSCALL_ENTRY(set_tid_address), SYSCALL_ENTRY(setpgid), SYSCALL_ENTRY(getpgid),
    SYSCALL_ENTRY(getpgrp), SYSCALL_ENTRY(setsid), SYSCALL_ENTRY(getsid),
    SYSCALL_ENTRY(getuid), SYSCALL_ENTRY(geteuid), SYSCALL_ENTRY(getgid), SYSCALL_ENTRY(getegid),
    SYSCALL_ENTRY(setuid), SYSCALL_ENTRY(setgid), SYSCALL_ENTRY(setreuid), SYSCALL_ENTRY(setregid),
    SYSCALL_ENTRY(setresuid), SYSCALL_ENTRY(setresgid), SYSCALL_ENTRY(getresuid),
    SYSCALL_ENTRY(getresgid), SYSCALL_ENTRY(getgroups), SYSCALL_ENTRY(setgroups),
    SYSCALL_ENTRY(setfsuid), SYSCALL_ENTRY(setfsgid), SYSCALL_ENTRY(capget),
    SYSCALL_ENTRY(getrlimit), SYSCALL_ENTRY(setrlimit), SYSCALL_ENTRY(prlimit64),
    SYSCALL_ENTRY(arch_prctl), SYSCALL_ENTRY(prctl),
    SYSCALL_ENTRY(set_robust_list), SYSCALL_ENTRY(get_robust_list), SYSCALL_ENTRY(futex));
