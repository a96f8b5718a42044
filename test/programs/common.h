/*
 * common.h — helpers shared by the static test programs (built with
 * musl-gcc -static, run on ringkernel and on Linux in the same QEMU; the
 * outputs are compared, so everything printed must be deterministic: no
 * pids, addresses or times, only facts such as "errno ENOENT").
 */
#ifndef TEST_PROGRAMS_COMMON_H
#define TEST_PROGRAMS_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
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
    case ENOTSOCK: return "ENOTSOCK";
    case EDESTADDRREQ: return "EDESTADDRREQ";
    case EMSGSIZE: return "EMSGSIZE";
    case EPROTOTYPE: return "EPROTOTYPE";
    case ENOPROTOOPT: return "ENOPROTOOPT";
    case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EADDRINUSE: return "EADDRINUSE";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case ENETUNREACH: return "ENETUNREACH";
    case ECONNABORTED: return "ECONNABORTED";
    case ECONNRESET: return "ECONNRESET";
    case EISCONN: return "EISCONN";
    case ENOTCONN: return "ENOTCONN";
    case ECONNREFUSED: return "ECONNREFUSED";
    case EALREADY: return "EALREADY";
    case EINPROGRESS: return "EINPROGRESS";
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

/* Wait until process pid sleeps in the kernel (state S in /proc/PID/stat):
 * how a program knows its peer is blocked in a syscall, instead of hoping a
 * sleep was long enough. Returns 0, or -1 when the process is gone. */
static inline int wait_until_sleeping(pid_t pid)
{
    char path[64], text[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    for (;;) {
        int fd = open(path, O_RDONLY);
        if (fd < 0)
            return -1;
        ssize_t got = read(fd, text, sizeof text - 1);
        close(fd);
        if (got <= 0)
            return -1;
        text[got] = '\0';
        const char *end = strrchr(text, ')'); /* the state follows "(comm) " */
        if (end && end[1] == ' ' && end[2] == 'S')
            return 0;
        sched_yield();
    }
}

/* Print a yes/no fact. */
static inline void fact(const char *label, int truth)
{
    printf("%s: %s\n", label, truth ? "yes" : "no");
}

#endif
