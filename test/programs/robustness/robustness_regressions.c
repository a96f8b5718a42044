/*
 * robustness_regressions — deterministic reproductions of the kernel bugs
 * robustness_fuzz found, each reduced to a few syscalls.
 *
 * 1. init could be killed or stopped by any process (fuzz seeds 1, 2, 3, 5:
 *    a child did setpgid(0, 1), joining init's group, then kill(0, SIGPWR)
 *    or a stop signal: QEMU powered off with "init (pid 1) exited with
 *    status 0x1e", or init stayed stopped and the run hung). Linux drops
 *    every sent signal init has no handler for (SIGNAL_UNKILLABLE).
 * 2. A running executable could be truncated or written (fuzz seeds 114,
 *    152: a child did truncate("/proc/self/exe", 0) and the fuzzer's parent
 *    died with SIGBUS on its next text page fault past the new end of
 *    file). Linux refuses writers of a running image, and exec of a file
 *    open for writing, with ETXTBSY.
 * 3. Huge sparse areas were walked page by page (fuzz seed 101: a child's
 *    mmap of terabytes, touched in a few pages, hung the guest at its exit
 *    unmapping 2^35 absent pages one by one; mremap moving such an area
 *    still did after that was fixed). Each operation here must skip the
 *    missing page tables; a regression shows as the run's timeout.
 *
 * Prints "robustness_regressions: kernel alive" when init survived.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE_SIZE_BYTES 4096UL

/* The state letter of /proc/1/stat ('S', 'R', 'T' stopped...), or '?'. */
static char init_state(void)
{
    char buffer[256] = { 0 };
    int fd = open("/proc/1/stat", O_RDONLY);
    if (fd < 0)
        return '?';
    ssize_t count = read(fd, buffer, sizeof buffer - 1);
    close(fd);
    const char *end = count > 0 ? strrchr(buffer, ')') : NULL;
    return end && end[1] == ' ' ? end[2] : '?';
}

static void pause_briefly(void)
{
    struct timespec pause_time = { 0, 100 * 1000 * 1000 };
    nanosleep(&pause_time, NULL);
}

/* 1 when result is -1 with errno ETXTBSY (printing what happened otherwise). */
static int text_busy(const char *what, long result)
{
    if (result == -1 && errno == ETXTBSY)
        return 1;
    printf("%s: %ld (%s), not ETXTBSY\n", what, result, result == -1 ? strerror(errno) : "success");
    return 0;
}

/* Case 2: the running image refuses writers; exec refuses a file open for writing. */
static int text_busy_failures(const char *self)
{
    int failures = 0;
    struct stat before, after;
    if (stat("/proc/self/exe", &before) != 0)
        return 1;
    pid_t child = fork();
    if (child == 0) {
        int ok = text_busy("truncate(/proc/self/exe)", truncate("/proc/self/exe", 0));
        ok &= text_busy("open(/proc/self/exe, O_WRONLY)", open("/proc/self/exe", O_WRONLY));
        ok &= text_busy("open(/proc/self/exe, O_RDONLY | O_TRUNC)", open("/proc/self/exe", O_RDONLY | O_TRUNC));
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    waitpid(child, &status, 0);
    failures += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    failures += stat("/proc/self/exe", &after) != 0 || after.st_size != before.st_size;

    /* A copy of this program, still open for writing, must not run. */
    int source = open(self, O_RDONLY);
    int copy = open("/tmp/robustness_text_busy", O_CREAT | O_TRUNC | O_RDWR, 0755);
    char buffer[4096];
    ssize_t count;
    while (source >= 0 && copy >= 0 && (count = read(source, buffer, sizeof buffer)) > 0)
        write(copy, buffer, (size_t)count);
    close(source);
    child = fork();
    if (child == 0) {
        char *argv[] = { "robustness_text_busy", "exec-child", NULL };
        execv("/tmp/robustness_text_busy", argv);
        _exit(text_busy("execv of a file open for writing", -1) ? 0 : 1);
    }
    waitpid(child, &status, 0);
    failures += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    close(copy);
    /* Closed: it runs now. */
    child = fork();
    if (child == 0) {
        char *argv[] = { "robustness_text_busy", "exec-child", NULL };
        execv("/tmp/robustness_text_busy", argv);
        _exit(1);
    }
    waitpid(child, &status, 0);
    failures += !WIFEXITED(status) || WEXITSTATUS(status) != 42;
    unlink("/tmp/robustness_text_busy");
    printf("running image against writers: %s\n", failures ? "HIT" : "ETXTBSY");
    return failures;
}

/* Case 3: 16 TiB, three pages touched, through mprotect, fork, mremap (moved), madvise, munmap, exit. */
static int huge_sparse_area_failures(void)
{
    size_t size = 1UL << 44;
    char *area = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (area == MAP_FAILED) {
        printf("huge sparse area: mmap failed\n");
        return 1;
    }
    area[0] = 1;
    area[size / 2] = 2;
    area[size - 1] = 3;
    int failures = mprotect(area, size, PROT_READ) != 0;
    pid_t child = fork();
    if (child == 0)
        _exit(area[size / 2]); /* exits with the whole area mapped */
    int status = 0;
    waitpid(child, &status, 0);
    failures += !WIFEXITED(status) || WEXITSTATUS(status) != 2;
    /* A page just above forces the growing mremap to move the area. */
    mmap(area + size, PAGE_SIZE_BYTES, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    char *moved = mremap(area, size, size + PAGE_SIZE_BYTES, MREMAP_MAYMOVE);
    if (moved == MAP_FAILED || moved == area || moved[0] != 1 || moved[size / 2] != 2 || moved[size - 1] != 3) {
        failures++;
    } else {
        munmap(area + size, PAGE_SIZE_BYTES);
        area = moved;
        size += PAGE_SIZE_BYTES;
    }
    failures += madvise(area, size, MADV_DONTNEED) != 0 || area[0] != 0;
    failures += munmap(area, size) != 0;
    printf("huge sparse area: %s\n", failures ? "HIT" : "quick");
    return failures;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "exec-child") == 0)
        return 42;
    setvbuf(stdout, NULL, _IONBF, 0);
    int failures = 0;

    /* Signals sent straight to pid 1. */
    const int direct[] = { SIGPWR, SIGTERM, SIGSTOP, SIGTSTP, SIGKILL, SIGILL, SIGUSR2 };
    for (size_t i = 0; i < sizeof direct / sizeof direct[0]; i++)
        kill(1, direct[i]);
    pause_briefly();
    char state = init_state();
    printf("init after kill(1, ...) of 7 signals: %s\n", state != 'T' && state != 'Z' && state != '?' ? "alive" : "HIT");
    failures += state == 'T' || state == 'Z' || state == '?';

    /* (Joining init's group and signalling the group also reaches the shell
     * that runs this program, stopping or hanging it up as on Linux, so that
     * form of the fuzzer's reproduction is left to robustness_fuzz.) */
    kill(1, SIGCONT); /* in case a stop got through: the run goes on */

    failures += text_busy_failures("/proc/self/exe");
    failures += huge_sparse_area_failures();
    if (failures) {
        printf("robustness_regressions: FAILED\n");
        return 1;
    }
    printf("robustness_regressions: kernel alive\n");
    return 0;
}
