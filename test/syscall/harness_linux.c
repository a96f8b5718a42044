/*
 * harness_linux.c — the reference backend: the syscall suite's cases run on
 * the host's Linux kernel (see harness_backend.h and run-on-linux.sh).
 *
 * Every setup mounts a fresh tmpfs ("rootfs") on a temporary directory,
 * creates and mounts proc on /proc and devtmpfs on /dev inside it, and
 * chroots there, so "/" looks like ringkernel's boot namespace. Teardown
 * closes every descriptor from 3 up, leaves the chroot through a saved
 * descriptor of the real root and detaches the tree. Needs root.
 *
 * The user arena is mapped at the same fixed address as on ringkernel, the
 * gap page after it is PROT_NONE and the page after that read-only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "harness_backend.h"

#define REAL_ROOT_FD 4000   /* above the test's descriptor limit, out of its way */

static char root_directory[64];

const char *backend_name(void) { return "linux"; }

static int map_fixed(uintptr_t address, size_t length, int prot)
{
    void *mapped = mmap((void *)address, length, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    return mapped == (void *)address ? 0 : -errno;
}

int backend_setup(void)
{
    static int mapped;
    if (!mapped) {
        signal(SIGPIPE, SIG_IGN);   /* EPIPE, as ringkernel until signals exist */
        struct rlimit limit = { .rlim_cur = 8192, .rlim_max = 8192 };
        if (setrlimit(RLIMIT_NOFILE, &limit) < 0)
            return -errno;
        int root = open("/", O_PATH | O_DIRECTORY);
        if (root < 0 || dup2(root, REAL_ROOT_FD) < 0)
            return -errno;
        close(root);
        mapped = 1;
    }
    int error = map_fixed(HARNESS_ARENA_BASE, HARNESS_ARENA_PAGES * HARNESS_PAGE_SIZE,
                          PROT_READ | PROT_WRITE);
    if (!error)
        error = map_fixed(HARNESS_UNMAPPED, HARNESS_PAGE_SIZE, PROT_NONE);
    if (!error)
        error = map_fixed(HARNESS_READONLY, HARNESS_PAGE_SIZE, PROT_READ);
    if (error)
        return error;

    strcpy(root_directory, "/tmp/rk-syscall-XXXXXX");
    if (!mkdtemp(root_directory))
        return -errno;
    char path[128];
    if (mount("rootfs", root_directory, "tmpfs", 0, NULL) < 0)
        return -errno;
    snprintf(path, sizeof path, "%s/proc", root_directory);
    if (mkdir(path, 0755) < 0 || mount("proc", path, "proc", 0, NULL) < 0)
        return -errno;
    snprintf(path, sizeof path, "%s/dev", root_directory);
    if (mkdir(path, 0755) < 0 || mount("devtmpfs", path, "devtmpfs", 0, NULL) < 0)
        return -errno;
    if (chroot(root_directory) < 0 || chdir("/") < 0)
        return -errno;
    umask(022);
    struct rlimit limit = { .rlim_cur = 1024, .rlim_max = 8192 };
    if (setrlimit(RLIMIT_NOFILE, &limit) < 0)
        return -errno;
    return 0;
}

void backend_teardown(void)
{
    for (int fd = 3; fd < 2048; fd++)
        close(fd);
    if (fchdir(REAL_ROOT_FD) < 0 || chroot(".") < 0 || chdir("/") < 0) {
        perror("harness_linux: leaving the chroot");
        exit(70);
    }
    struct rlimit limit = { .rlim_cur = 8192, .rlim_max = 8192 };
    setrlimit(RLIMIT_NOFILE, &limit);
    if (umount2(root_directory, MNT_DETACH) < 0)
        perror("harness_linux: umount2");
    rmdir(root_directory);
}

long backend_syscall(unsigned long number, const uint64_t a[6])
{
    long result = syscall((long)number, a[0], a[1], a[2], a[3], a[4], a[5]);
    return result == -1 ? -errno : result;
}

static int in_readonly(uintptr_t address)
{
    return address >= HARNESS_READONLY && address < HARNESS_READONLY + HARNESS_PAGE_SIZE;
}

void backend_user_read(void *destination, uintptr_t source, size_t length)
{
    memcpy(destination, (const void *)source, length);
}

void backend_user_write(uintptr_t destination, const void *source, size_t length)
{
    if (in_readonly(destination))
        mprotect((void *)HARNESS_READONLY, HARNESS_PAGE_SIZE, PROT_READ | PROT_WRITE);
    memcpy((void *)destination, source, length);
    if (in_readonly(destination))
        mprotect((void *)HARNESS_READONLY, HARNESS_PAGE_SIZE, PROT_READ);
}

void backend_clock_advance_ms(unsigned milliseconds)
{
    struct timespec delay = { .tv_sec = milliseconds / 1000,
                              .tv_nsec = (long)(milliseconds % 1000) * 1000000 };
    /* Linux stamps files with the coarse clock: make sure a tick passes. */
    if (delay.tv_sec == 0 && delay.tv_nsec < 20000000)
        delay.tv_nsec = 20000000;
    nanosleep(&delay, NULL);
}

struct thread_start {
    void (*function)(void *argument);
    void *argument;
};

static void *thread_trampoline(void *argument)
{
    struct thread_start start = *(struct thread_start *)argument;
    free(argument);
    start.function(start.argument);
    return NULL;
}

void *backend_thread_start(const char *name, void (*function)(void *argument), void *argument)
{
    struct thread_start *start = malloc(sizeof *start);
    pthread_t *thread = malloc(sizeof *thread);
    if (!start || !thread)
        return NULL;
    start->function = function;
    start->argument = argument;
    if (pthread_create(thread, NULL, thread_trampoline, start) != 0) {
        free(start);
        free(thread);
        return NULL;
    }
    return thread;
}

int backend_thread_join(void *handle)
{
    pthread_t *thread = handle;
    int error = pthread_join(*thread, NULL);
    free(thread);
    return -error;
}
