/*
 * signal_syscalls.h — handlers of the signal family (family_signal.c
 * lists them; signal_*.c implement them).
 */
#ifndef RK_CORE_SIGNAL_SYSCALLS_H
#define RK_CORE_SIGNAL_SYSCALLS_H

#include "syscall_support.h"

/* The kernel's sigset_t on x86_64 is 8 bytes: the sigsetsize argument. */
#define SIGNAL_SET_SIZE 8

long sys_rt_sigaction(const uint64_t arguments[6]);
long sys_rt_sigprocmask(const uint64_t arguments[6]);
long sys_rt_sigpending(const uint64_t arguments[6]);
long sys_rt_sigreturn(const uint64_t arguments[6]);
long sys_sigaltstack(const uint64_t arguments[6]);
long sys_rt_sigsuspend(const uint64_t arguments[6]);
long sys_rt_sigtimedwait(const uint64_t arguments[6]);
long sys_pause(const uint64_t arguments[6]);
long sys_restart_syscall(const uint64_t arguments[6]);
long sys_kill(const uint64_t arguments[6]);
long sys_tkill(const uint64_t arguments[6]);
long sys_tgkill(const uint64_t arguments[6]);
long sys_rt_sigqueueinfo(const uint64_t arguments[6]);
long sys_rt_tgsigqueueinfo(const uint64_t arguments[6]);
long sys_alarm(const uint64_t arguments[6]);
long sys_setitimer(const uint64_t arguments[6]);
long sys_getitimer(const uint64_t arguments[6]);

#endif
