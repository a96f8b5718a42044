/* bad_pointers: syscalls given unmapped, kernel or misaligned user pointers
 * fail with EFAULT (never crash anything), and partial reads or writes
 * behave as Linux's do. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>

#include "common.h"

#define KERNEL_POINTER ((void *)0xffffffff80100000UL)
#define LOW_POINTER ((void *)0x10)

int main(void)
{
    program_start();
    int null_fd = open("/dev/zero", O_RDONLY);
    show("read into NULL", syscall(SYS_read, null_fd, NULL, 16));
    show("read into a kernel address", syscall(SYS_read, null_fd, KERNEL_POINTER, 16));
    show("write from a low address", syscall(SYS_write, 1, LOW_POINTER, 4));
    show("open with a bad path", syscall(SYS_open, KERNEL_POINTER, O_RDONLY));
    show("stat into a bad buffer", syscall(SYS_stat, "/", LOW_POINTER));
    show("uname into a bad buffer", syscall(SYS_uname, KERNEL_POINTER));
    show("clock_gettime into a bad buffer", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, LOW_POINTER));
    show("pipe into a bad buffer", syscall(SYS_pipe, KERNEL_POINTER));
    show("rt_sigaction with a bad pointer", syscall(SYS_rt_sigaction, SIGUSR1, LOW_POINTER, NULL, 8));
    show("poll with a bad array", syscall(SYS_poll, LOW_POINTER, 1, 0));
    show("nanosleep with a bad request", syscall(SYS_nanosleep, LOW_POINTER, NULL));
    struct iovec vectors[2] = {{.iov_base = "ok\n", .iov_len = 3}, {.iov_base = LOW_POINTER, .iov_len = 4}};
    show("writev with a bad second vector", syscall(SYS_writev, 1, vectors, 2));
    show("execve with a bad argv", syscall(SYS_execve, "/bin/true", LOW_POINTER, NULL));

    /* A read that crosses into an unmapped page copies the part before it. */
    long page = sysconf(_SC_PAGESIZE);
    char *area = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(area + page, page);
    int file = open("bad_pointers.data", O_RDWR | O_CREAT | O_TRUNC, 0644);
    char data[64];
    memset(data, 'd', sizeof data);
    show("write 64 bytes", write(file, data, sizeof data));
    lseek(file, 0, SEEK_SET);
    long partial = syscall(SYS_read, file, area + page - 16, 64);
    printf("read across into an unmapped page: %s\n",
           partial == 16 ? "16 bytes" : partial < 0 ? errno_symbol(errno) : "other count");
    show("write from a buffer crossing into an unmapped page", syscall(SYS_write, file, area + page - 8, 64));
    unlink("bad_pointers.data");
    printf("still alive\n");
    return 0;
}
