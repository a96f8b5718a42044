/* signal_mask: sigprocmask blocking, sigpending, delivery at unblock,
 * sigsuspend, ignored signals discarded, SIGKILL/SIGSTOP never blocked,
 * the mask inherited by fork and kept across exec. */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/wait.h>

#include "common.h"

static volatile sig_atomic_t received;

static void handler(int signo)
{
    received = signo;
}

int main(void)
{
    program_start();
    signal(SIGUSR1, handler);
    sigset_t block, old, pending;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigaddset(&block, SIGKILL);
    sigaddset(&block, SIGSTOP);
    sigprocmask(SIG_BLOCK, &block, &old);
    sigset_t current;
    sigprocmask(SIG_BLOCK, NULL, &current);
    printf("SIGUSR1 blocked %s, SIGKILL blocked %s, SIGSTOP blocked %s\n",
           sigismember(&current, SIGUSR1) ? "yes" : "no", sigismember(&current, SIGKILL) ? "yes" : "no",
           sigismember(&current, SIGSTOP) ? "yes" : "no");

    kill(getpid(), SIGUSR1);
    sigpending(&pending);
    printf("while blocked: received %d, pending %s\n", (int)received, sigismember(&pending, SIGUSR1) ? "yes" : "no");
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("after unblock: received %s\n", received == SIGUSR1 ? "SIGUSR1" : "nothing");
    sigpending(&pending);
    printf("pending after delivery: %s\n", sigismember(&pending, SIGUSR1) ? "yes" : "no");

    /* A blocked ignored signal is discarded, not left pending. */
    signal(SIGUSR2, SIG_IGN);
    sigemptyset(&block);
    sigaddset(&block, SIGUSR2);
    sigprocmask(SIG_BLOCK, &block, NULL);
    kill(getpid(), SIGUSR2);
    sigpending(&pending);
    printf("ignored and blocked SIGUSR2 pending: %s\n", sigismember(&pending, SIGUSR2) ? "yes" : "no");
    sigprocmask(SIG_UNBLOCK, &block, NULL);

    /* sigsuspend: wait for a signal a child sends. */
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, &old);
    received = 0;
    pid_t child = fork();
    if (child == 0) {
        sigset_t inherited;
        sigprocmask(SIG_BLOCK, NULL, &inherited);
        printf("child inherits the mask: %s\n", sigismember(&inherited, SIGUSR1) ? "yes" : "no");
        usleep(100000);
        kill(getppid(), SIGUSR1);
        _exit(0);
    }
    sigset_t wait_mask;
    sigemptyset(&wait_mask);
    int result = sigsuspend(&wait_mask);
    printf("sigsuspend: %d %s, received %s\n", result, errno_symbol(errno), received == SIGUSR1 ? "SIGUSR1" : "nothing");
    sigprocmask(SIG_BLOCK, NULL, &current);
    printf("mask restored after sigsuspend: %s\n", sigismember(&current, SIGUSR1) ? "yes" : "no");
    waitpid(child, NULL, 0);
    sigprocmask(SIG_SETMASK, &old, NULL);

    /* The pending set survives fork only in the parent. */
    sigprocmask(SIG_BLOCK, &block, NULL);
    kill(getpid(), SIGUSR1);
    child = fork();
    if (child == 0) {
        sigpending(&pending);
        printf("child sees the parent's pending signal: %s\n", sigismember(&pending, SIGUSR1) ? "yes" : "no");
        _exit(0);
    }
    waitpid(child, NULL, 0);
    show("sigprocmask bad how", sigprocmask(99, &block, NULL));
    return 0;
}
