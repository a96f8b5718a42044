/*
 * robustness_spin — a user program cannot hang the kernel: children that
 * spin in user mode (with every signal blocked or ignored, or in a tight
 * loop of cheap syscalls) are preempted, so the parent's sleep still ends,
 * and a kill (SIGINT as ^C sends it, SIGTERM, SIGKILL) still ends them.
 * With no arguments it runs the cases and prints "robustness_spin: kernel
 * alive"; any other argument count prints a usage line and exits 2 (used
 * by robustness_elf as a plain musl executable).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum spin_kind { SPIN_PLAIN, SPIN_BLOCKING_ALL, SPIN_IGNORING_ALL, SPIN_SYSCALLS };

static void spin(enum spin_kind kind)
{
    if (kind == SPIN_BLOCKING_ALL) {
        sigset_t all;
        sigfillset(&all);
        sigprocmask(SIG_BLOCK, &all, NULL);
    } else if (kind == SPIN_IGNORING_ALL) {
        for (int number = 1; number < 65; number++)
            signal(number, SIG_IGN);
    }
    volatile unsigned long counter = 0;
    for (;;) {
        counter++;
        if (kind == SPIN_SYSCALLS)
            syscall(SYS_getppid);
    }
}

/* Fork a spinner, sleep, send signal_number, and report how it ended. */
static int run_case(const char *label, enum spin_kind kind, int signal_number, int expected_signal)
{
    pid_t child = fork();
    if (child == 0)
        spin(kind);
    struct timespec pause_time = { 0, 300 * 1000 * 1000 };
    nanosleep(&pause_time, NULL); /* returns only because the spinner is preempted */
    int status = 0;
    pid_t done = waitpid(child, &status, WNOHANG);
    if (done != 0) {
        printf("%s: the spinner ended by itself: FAILED\n", label);
        return 1;
    }
    kill(child, signal_number);
    if (signal_number != SIGKILL) {
        /* Blocked or ignored: it keeps spinning, and SIGKILL must still work. */
        nanosleep(&pause_time, NULL);
        done = waitpid(child, &status, WNOHANG);
        if (done == 0)
            kill(child, SIGKILL);
    }
    if (done == 0)
        done = waitpid(child, &status, 0);
    int ok = done == child && WIFSIGNALED(status) &&
             (WTERMSIG(status) == expected_signal || WTERMSIG(status) == SIGKILL);
    printf("%s: ended by signal %d: %s\n", label, WIFSIGNALED(status) ? WTERMSIG(status) : 0,
           ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    (void)argv;
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc != 1) {
        fprintf(stderr, "usage: robustness_spin\n");
        return 2;
    }
    int failures = 0;
    failures += run_case("user-mode spin, SIGINT (^C)", SPIN_PLAIN, SIGINT, SIGINT);
    failures += run_case("user-mode spin, SIGTERM", SPIN_PLAIN, SIGTERM, SIGTERM);
    failures += run_case("spin with every signal blocked, SIGINT then SIGKILL", SPIN_BLOCKING_ALL, SIGINT, SIGKILL);
    failures += run_case("spin ignoring every signal, SIGTERM then SIGKILL", SPIN_IGNORING_ALL, SIGTERM, SIGKILL);
    failures += run_case("getppid loop, SIGKILL", SPIN_SYSCALLS, SIGKILL, SIGKILL);
    /* Several spinners at once, then the group goes with one kill. */
    pid_t children[4];
    for (int i = 0; i < 4; i++) {
        children[i] = fork();
        if (children[i] == 0)
            spin(SPIN_PLAIN);
    }
    struct timespec pause_time = { 0, 300 * 1000 * 1000 };
    nanosleep(&pause_time, NULL);
    int reaped = 0;
    for (int i = 0; i < 4; i++)
        kill(children[i], SIGKILL);
    for (int i = 0; i < 4; i++) {
        int status;
        if (waitpid(children[i], &status, 0) == children[i] && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
            reaped++;
    }
    printf("four spinners killed: %d\n", reaped);
    failures += reaped != 4;
    if (failures) {
        printf("robustness_spin: FAILED\n");
        return 1;
    }
    printf("robustness_spin: kernel alive\n");
    return 0;
}
