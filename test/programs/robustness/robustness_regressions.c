/*
 * robustness_regressions — deterministic reproductions of the kernel bugs
 * robustness_fuzz found, each reduced to a few syscalls.
 *
 * 1. init could be killed or stopped by any process (fuzz seeds 1, 2, 3, 5:
 *    a child did setpgid(0, 1), joining init's group, then kill(0, SIGPWR)
 *    or a stop signal: QEMU powered off with "init (pid 1) exited with
 *    status 0x1e", or init stayed stopped and the run hung). Linux drops
 *    every sent signal init has no handler for (SIGNAL_UNKILLABLE).
 *
 * Prints "robustness_regressions: kernel alive" when init survived.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

int main(void)
{
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
    if (failures) {
        printf("robustness_regressions: FAILED\n");
        return 1;
    }
    printf("robustness_regressions: kernel alive\n");
    return 0;
}
