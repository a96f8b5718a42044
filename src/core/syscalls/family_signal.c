/*
 * family_signal.c — the table of the signal family: dispositions and
 * masks, waiting for signals, sending them, ITIMER_REAL.
 */
#include "signal_syscalls.h"

SYSCALL_FAMILY_DEFINE(signal,
    SYSCALL_ENTRY(rt_sigaction),
    SYSCALL_ENTRY(rt_sigprocmask),
    SYSCALL_ENTRY(rt_sigpending),
    SYSCALL_ENTRY(rt_sigreturn),
    SYSCALL_ENTRY(sigaltstack),
    SYSCALL_ENTRY(rt_sigsuspend),
    SYSCALL_ENTRY(rt_sigtimedwait),
    SYSCALL_ENTRY(pause),
    SYSCALL_ENTRY(restart_syscall),
    SYSCALL_ENTRY(kill),
    SYSCALL_ENTRY(tkill),
    SYSCALL_ENTRY(tgkill),
    SYSCALL_ENTRY(rt_sigqueueinfo),
    SYSCALL_ENTRY(rt_tgsigqueueinfo),
    SYSCALL_ENTRY(alarm),
    SYSCALL_ENTRY(setitimer),
    SYSCALL_ENTRY(getitimer),
);
