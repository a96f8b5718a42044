/*
 * host_operations.h — the Linux side of bench/syscall_path.c, compiled
 * apart because the host's libc headers and the kernel's rk/ headers define
 * the same Linux constants.
 */
#ifndef BENCH_HOST_OPERATIONS_H
#define BENCH_HOST_OPERATIONS_H

#include <stdint.h>

typedef void (*operation_fn)(unsigned iterations);

/* Host CLOCK_MONOTONIC in nanoseconds. */
uint64_t host_ns(void);
/* Create /dev/shm/ringkernel-bench and a pipe. Returns 0 or -1 (errno set). */
int host_operations_setup(void);
void host_operations_teardown(void);

void host_open_close(unsigned iterations);
void host_stat(unsigned iterations);
void host_pipe_round_trip(unsigned iterations);
void host_sequential_write(unsigned iterations);

#endif
