/*
 * process_syscalls.h — the handlers of the process family (family_process.c),
 * one group per file: process_lifecycle.c (fork, clone, exit, wait),
 * process_identity.c (pids, groups, sessions, uids), process_control.c
 * (limits, prctl, arch_prctl, robust lists, futex).
 */
#ifndef RK_CORE_PROCESS_SYSCALLS_H
#define RK_CORE_PROCESS_SYSCALLS_H

#include "syscall_support.h"

#define PROCESS_SYSCALL(name) long sys_##name(const uint64_t arguments[6])

PROCESS_SYSCALL(fork);
PROCESS_SYSCALL(vfork);
PROCESS_SYSCALL(clone);
PROCESS_SYSCALL(exit);
PROCESS_SYSCALL(exit_group);
PROCESS_SYSCALL(wait4);
PROCESS_SYSCALL(waitid);

PROCESS_SYSCALL(getpid);
PROCESS_SYSCALL(getppid);
PROCESS_SYSCALL(gettid);
PROCESS_SYSCALL(set_tid_address);
PROCESS_SYSCALL(setpgid);
PROCESS_SYSCALL(getpgid);
PROCESS_SYSCALL(getpgrp);
PROCESS_SYSCALL(setsid);
PROCESS_SYSCALL(getsid);
PROCESS_SYSCALL(getuid);
PROCESS_SYSCALL(geteuid);
PROCESS_SYSCALL(getgid);
PROCESS_SYSCALL(getegid);
PROCESS_SYSCALL(setuid);
PROCESS_SYSCALL(setgid);
PROCESS_SYSCALL(setreuid);
PROCESS_SYSCALL(setregid);
PROCESS_SYSCALL(setresuid);
PROCESS_SYSCALL(setresgid);
PROCESS_SYSCALL(getresuid);
PROCESS_SYSCALL(getresgid);
PROCESS_SYSCALL(getgroups);
PROCESS_SYSCALL(setgroups);
PROCESS_SYSCALL(setfsuid);
PROCESS_SYSCALL(setfsgid);
PROCESS_SYSCALL(capget);

PROCESS_SYSCALL(getrlimit);
PROCESS_SYSCALL(setrlimit);
PROCESS_SYSCALL(prlimit64);
PROCESS_SYSCALL(arch_prctl);
PROCESS_SYSCALL(prctl);
PROCESS_SYSCALL(set_robust_list);
PROCESS_SYSCALL(get_robust_list);
PROCESS_SYSCALL(futex);

#endif
