/*
 * common.h — helpers shared by the static test programs (built with
 * musl-gcc -static, run on ringkernel and on Linux in the same QEMU; the
 * outputs are compared, so everything printed must be deterministic: no
 * pids, addresses or times, only facts such as "errno ENOENT").
 */
#ifndef TEST_PROGRAMS_COMMON_H
#define TEST_PROGRAMS_COMMON_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Unbuffered stdout, so a fork never duplicates pending output. */
static inline void program_start(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
}

/* The symbolic name of an errno value (the ones these programs expect). */
static inline const char *errno_symbol(int number)
{
    switch (number) {
    case 0: return "0";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case EINTR: return "EINTR";
    case EIO: return "EIO";
    case E2BIG: return "E2BIG";
    case ENOEXEC: return "ENOEXEC";
    case EBADF: return "EBADF";
    case ECHILD: return "ECHILD";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case EMFILE: return "EMFILE";
    case ENOTTY: return "ENOTTY";
    case ENODEV: return "ENODEV";
    case ENXIO: return "ENXIO";
    case ESPIPE: return "ESPIPE";
    case EPIPE: return "EPIPE";
    case ERANGE: return "ERANGE";
    case ENOSYS: return "ENOSYS";
    case ENOTEMPTY: return "ENOTEMPTY";
    case ETIMEDOUT: return "ETIMEDOUT";
    default: return "E?";
    }
}

/* Print "label: result" where result is the return value when >= 0 and
 * the errno's name otherwise. */
static inline void show(const char *label, long result)
{
    if (result < 0)
        printf("%s: -1 %s\n", label, errno_symbol(errno));
    else
        printf("%s: %ld\n", label, result);
}

/* Print a yes/no fact. */
static inline void fact(const char *label, int truth)
{
    printf("%s: %s\n", label, truth ? "yes" : "no");
}

#endif
