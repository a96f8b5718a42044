/*
 * user_bench.c — the user-space micro-benchmarks, one static binary (musl)
 * run on ringkernel and on Debian's Linux in the same QEMU: getpid,
 * fork+exit+wait, fork+exec+wait, a 4 KiB pipe write+read round trip,
 * open+close, mmap+touch+munmap of 1 MiB. Times come from the guest's
 * CLOCK_MONOTONIC; each line is "bench NAME ITERATIONS NANOSECONDS_PER_OP".
 * With the argument "exit" it exits at once (the exec target).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *self_path = "/proc/self/exe";
static char self[256];

static long long now_nanoseconds(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
}

static void report(const char *name, long iterations, long long elapsed)
{
    printf("bench %s %ld %.1f\n", name, iterations, (double)elapsed / (double)iterations);
    fflush(stdout);
}

static void bench_getpid(long iterations)
{
    long long start = now_nanoseconds();
    for (long i = 0; i < iterations; i++)
        syscall(SYS_getpid);
    report("getpid", iterations, now_nanoseconds() - start);
}

static void bench_fork_exit_wait(long iterations)
{
    long long start = now_nanoseconds();
    for (long i = 0; i < iterations; i++) {
        pid_t child = fork();
        if (child == 0)
            _exit(0);
        waitpid(child, NULL, 0);
    }
    report("fork+exit+wait", iterations, now_nanoseconds() - start);
}

static void bench_fork_exec_wait(long iterations)
{
    char *argv[] = {self, "exit", NULL};
    char *envp[] = {NULL};
    long long start = now_nanoseconds();
    for (long i = 0; i < iterations; i++) {
        pid_t child = fork();
        if (child == 0) {
            execve(self, argv, envp);
            _exit(127);
        }
        int status;
        waitpid(child, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            printf("bench fork+exec+wait: the child failed (status %#x)\n", status);
            return;
        }
    }
    report("fork+exec+wait", iterations, now_nanoseconds() - start);
}

static void bench_pipe(long iterations)
{
    int channel[2];
    if (pipe(channel) < 0)
        return;
    static char buffer[4096];
    long long start = now_nanoseconds();
    for (long i = 0; i < iterations; i++) {
        if (write(channel[1], buffer, sizeof buffer) != sizeof buffer ||
            read(channel[0], buffer, sizeof buffer) != sizeof buffer) {
            printf("bench pipe: short transfer\n");
            return;
        }
    }
    report("pipe-4KiB-write+read", iterations, now_nanoseconds() - start);
    close(channel[0]);
    close(channel[1]);
}

static void bench_open_close(long iterations)
{
    close(open("/tmp/bench_file", O_CREAT | O_WRONLY, 0644));
    long long start = now_nanoseconds();
    for (long i = 0; i < iterations; i++)
        close(open("/tmp/bench_file", O_RDONLY));
    report("open+close", iterations, now_nanoseconds() - start);
    unlink("/tmp/bench_file");
}

static void bench_mmap(long iterations)
{
    const size_t size = 1 << 20;
    long long start = now_nanoseconds();
    for (long i = 0; i < iterations; i++) {
        char *area = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (area == MAP_FAILED) {
            printf("bench mmap: failed\n");
            return;
        }
        for (size_t offset = 0; offset < size; offset += 4096)
            area[offset] = 1;
        munmap(area, size);
    }
    report("mmap+touch+munmap-1MiB", iterations, now_nanoseconds() - start);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "exit") == 0)
        return 0;
    ssize_t length = readlink(self_path, self, sizeof self - 1);
    if (length <= 0)
        snprintf(self, sizeof self, "%s", argv[0]);
    else
        self[length] = '\0';
    long scale = argc > 1 ? atol(argv[1]) : 1;
    if (scale < 1)
        scale = 1;
    bench_getpid(100000 * scale);
    bench_pipe(5000 * scale);
    bench_open_close(10000 * scale);
    bench_mmap(200 * scale);
    bench_fork_exit_wait(200 * scale);
    bench_fork_exec_wait(100 * scale);
    return 0;
}
