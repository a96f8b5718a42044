/*
 * host_operations.c — the same operations as bench/syscall_path.c's
 * ringkernel side, on the host's Linux kernel (tmpfs at /dev/shm).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "host_operations.h"

#define BENCH_FILE "/dev/shm/ringkernel-bench"

static int pipe_fds[2] = { -1, -1 };
static int file_fd = -1;
static char buffer[4096];

uint64_t host_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

int host_operations_setup(void)
{
    file_fd = open(BENCH_FILE, O_CREAT | O_RDWR | O_TRUNC, 0644);
    if (file_fd < 0)
        return -1;
    return pipe(pipe_fds);
}

void host_operations_teardown(void)
{
    close(file_fd);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    unlink(BENCH_FILE);
}

void host_open_close(unsigned iterations)
{
    for (unsigned i = 0; i < iterations; i++)
        close(open(BENCH_FILE, O_RDONLY));
}

void host_stat(unsigned iterations)
{
    struct stat status;
    for (unsigned i = 0; i < iterations; i++)
        stat(BENCH_FILE, &status);
}

void host_pipe_round_trip(unsigned iterations)
{
    for (unsigned i = 0; i < iterations; i++)
        if (write(pipe_fds[1], buffer, sizeof buffer) != sizeof buffer ||
            read(pipe_fds[0], buffer, sizeof buffer) != sizeof buffer)
            abort();
}

void host_sequential_write(unsigned iterations)
{
    lseek(file_fd, 0, SEEK_SET);
    for (unsigned i = 0; i < iterations; i++)
        if (write(file_fd, buffer, sizeof buffer) != sizeof buffer)
            abort();
}
