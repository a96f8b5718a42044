/*
 * syscall_path.c — the hosted kernel's file syscall path, measured against
 * the same operations on the host's Linux kernel side by side (host tmpfs
 * /dev/shm): open+close, stat, a 4 KiB pipe write+read round trip and
 * sequential 4 KiB tmpfs writes. Prints ns per operation and the ratio
 * (ringkernel / Linux; below 1 means ringkernel is faster).
 *
 * The ringkernel side runs in-process: a test process with a user arena in
 * its software address space issues syscalls through syscall_dispatch(),
 * exactly as the syscall test suite does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rk/page_alloc.h>
#include <rk/mm.h>
#include <rk/process.h>
#include <rk/syscall.h>
#include <rk/thread.h>
#include "host_operations.h"
#include "hosted.h"

#define USER_ARENA ((uintptr_t)0x10000000)
#define USER_PAGES 8
#define ROUNDS 5

static struct process *process;

/* Boot the hosted kernel and give the benchmark a process with user memory. */
static void kernel_setup(void)
{
    if (hosted_test_boot("loglevel=3 hosted.memory=128M") != 0) {
        fprintf(stderr, "syscall_path: boot failed\n");
        exit(1);
    }
    process = process_create("bench", 0, true);
    process_attach_thread(process, thread_current());
    for (unsigned i = 0; i < USER_PAGES; i++) {
        paddr_t frame = page_alloc(0);
        platform_map(&process->mm->space, USER_ARENA + i * PAGE_SIZE, frame,
                     PLATFORM_PROT_READ | PLATFORM_PROT_WRITE | PLATFORM_PROT_USER);
    }
}

/* Copy bytes into the user arena at offset (kernel side, through the frame). */
static uintptr_t user_put(size_t offset, const void *data, size_t length)
{
    paddr_t frame;
    platform_translate(&process->mm->space, USER_ARENA + offset, &frame, NULL);
    memcpy((char *)platform_phys_to_virt(frame) + (offset % PAGE_SIZE), data, length);
    return USER_ARENA + offset;
}

#define RK(number, a, b, c) syscall6((number), (uint64_t)(a), (uint64_t)(b), (uint64_t)(c), 0, 0, 0)

static uintptr_t user_path, user_buffer, user_stat, user_fds;
static int rk_pipe_fds[2], rk_file_fd;

static void rk_open_close(unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        RK(SYS_close, RK(SYS_open, user_path, O_RDONLY, 0), 0, 0);
}
static void rk_stat(unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        RK(SYS_stat, user_path, user_stat, 0);
}
static void rk_pipe_round_trip(unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        RK(SYS_write, rk_pipe_fds[1], user_buffer, 4096);
        RK(SYS_read, rk_pipe_fds[0], user_buffer, 4096);
    }
}
static void rk_sequential_write(unsigned n)
{
    RK(SYS_lseek, rk_file_fd, 0, 0);
    for (unsigned i = 0; i < n; i++)
        RK(SYS_write, rk_file_fd, user_buffer, 4096);
}

/* Median ns per operation over ROUNDS runs of iterations each. */
static double measure(operation_fn operation, unsigned iterations)
{
    double samples[ROUNDS];
    operation(iterations / 10); /* warm up */
    for (int round = 0; round < ROUNDS; round++) {
        uint64_t start = host_ns();
        operation(iterations);
        samples[round] = (double)(host_ns() - start) / iterations;
    }
    for (int i = 0; i < ROUNDS; i++)
        for (int j = i + 1; j < ROUNDS; j++)
            if (samples[j] < samples[i]) {
                double swap = samples[i];
                samples[i] = samples[j];
                samples[j] = swap;
            }
    return samples[ROUNDS / 2];
}

static void report(const char *name, operation_fn ours, operation_fn linux_side, unsigned iterations)
{
    double ours_ns = measure(ours, iterations);
    double linux_ns = measure(linux_side, iterations);
    printf("hosted syscall %-22s ringkernel %8.1f ns, host Linux %8.1f ns (ratio %.2f)\n", name,
           ours_ns, linux_ns, ours_ns / linux_ns);
}

int main(void)
{
    kernel_setup();
    user_path = user_put(0, "/bench-file", 12);
    user_stat = USER_ARENA + PAGE_SIZE;
    user_fds = USER_ARENA + 2 * PAGE_SIZE;
    user_buffer = USER_ARENA + 4 * PAGE_SIZE;
    long fd = RK(SYS_open, user_path, O_CREAT | O_RDWR, 0644);
    rk_file_fd = (int)fd;
    if (fd < 0 || RK(SYS_pipe, user_fds, 0, 0) != 0) {
        fprintf(stderr, "syscall_path: setup failed (%ld)\n", fd);
        return 1;
    }
    paddr_t frame;
    platform_translate(&process->mm->space, user_fds, &frame, NULL);
    memcpy(rk_pipe_fds, platform_phys_to_virt(frame), sizeof rk_pipe_fds);

    if (host_operations_setup() != 0) {
        perror("syscall_path: host setup");
        return 1;
    }
    report("open+close", rk_open_close, host_open_close, 100000);
    report("stat", rk_stat, host_stat, 100000);
    report("pipe 4 KiB write+read", rk_pipe_round_trip, host_pipe_round_trip, 100000);
    report("tmpfs 4 KiB write", rk_sequential_write, host_sequential_write, 4096);
    host_operations_teardown();
    return 0;
}
