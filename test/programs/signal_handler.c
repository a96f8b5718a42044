/* signal_handler: sigaction handlers with siginfo (si_signo, si_code,
 * si_pid), SA_RESETHAND, SA_NODEFER, sa_mask while in a handler, and the
 * interrupted computation continuing correctly after sigreturn. */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>

#include "common.h"

static volatile sig_atomic_t count;
static volatile int last_code;
static volatile int last_signo;
static volatile int pid_matches;
static volatile int usr2_blocked_inside;
static volatile int depth, max_depth;

static void info_handler(int signo, siginfo_t *info, void *context)
{
    (void)context;
    count++;
    last_signo = info->si_signo == signo ? signo : -1;
    last_code = info->si_code;
    pid_matches = info->si_pid == getpid();
    sigset_t current;
    sigprocmask(SIG_BLOCK, NULL, &current);
    usr2_blocked_inside = sigismember(&current, SIGUSR2);
}

static volatile int calls;

/* Raises its own signal until it has run three times: without SA_NODEFER
 * each raise waits for the handler's return (depth stays 1), with it the
 * handler nests (depth 3). */
static void nested_handler(int signo)
{
    calls++;
    depth++;
    if (depth > max_depth)
        max_depth = depth;
    if (calls < 3)
        raise(signo);
    depth--;
}

static const char *code_name(int code)
{
    switch (code) {
    case SI_USER: return "SI_USER";
    case SI_TKILL: return "SI_TKILL";
    case SI_QUEUE: return "SI_QUEUE";
    default: return "other";
    }
}

int main(void)
{
    program_start();
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = info_handler;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    sigaddset(&action.sa_mask, SIGUSR2);
    show("sigaction SIGUSR1", sigaction(SIGUSR1, &action, NULL));

    kill(getpid(), SIGUSR1);
    printf("kill: count %d signo ok %s code %s pid matches %s usr2 blocked inside %s\n", (int)count,
           last_signo == SIGUSR1 ? "yes" : "no", code_name(last_code), pid_matches ? "yes" : "no",
           usr2_blocked_inside ? "yes" : "no");
    syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1);
    printf("tgkill: count %d code %s\n", (int)count, code_name(last_code));
    union sigval value = {.sival_int = 5};
    sigqueue(getpid(), SIGUSR1, value);
    printf("sigqueue: count %d code %s\n", (int)count, code_name(last_code));
    sigset_t after;
    sigprocmask(SIG_BLOCK, NULL, &after);
    printf("usr2 blocked after the handler: %s\n", sigismember(&after, SIGUSR2) ? "yes" : "no");

    /* SA_RESETHAND: the second delivery gets the default action (ignored for SIGCHLD-like? use SIGURG). */
    action.sa_flags = SA_SIGINFO | SA_RESETHAND;
    sigaction(SIGURG, &action, NULL);
    raise(SIGURG);
    struct sigaction now;
    sigaction(SIGURG, NULL, &now);
    printf("SA_RESETHAND: count %d, handler reset to default: %s\n", (int)count,
           now.sa_handler == SIG_DFL ? "yes" : "no");

    /* Without SA_NODEFER a signal raised in its own handler waits; with it, it nests. */
    struct sigaction nested;
    memset(&nested, 0, sizeof nested);
    nested.sa_handler = nested_handler;
    sigaction(SIGUSR2, &nested, NULL);
    depth = max_depth = calls = 0;
    raise(SIGUSR2);
    printf("without SA_NODEFER: max depth %d, calls %d\n", max_depth, calls);
    nested.sa_flags = SA_NODEFER;
    sigaction(SIGUSR2, &nested, NULL);
    depth = max_depth = calls = 0;
    raise(SIGUSR2);
    printf("with SA_NODEFER: max depth %d, calls %d\n", max_depth, calls);

    /* A computation interrupted many times by signals still gets its result. */
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGUSR1, &action, NULL);
    count = 0;
    volatile unsigned long sum = 0;
    double floating = 0.0;
    for (unsigned long i = 1; i <= 200000; i++) {
        sum += i;
        floating += 0.5;
        if (i % 1000 == 0)
            kill(getpid(), SIGUSR1);
    }
    printf("sum %lu float %.1f signals %d\n", sum, floating, (int)count);

    show("sigaction SIGKILL", sigaction(SIGKILL, &action, NULL));
    show("sigaction signal 0", sigaction(0, &action, NULL));
    show("sigaction signal 65", sigaction(65, &action, NULL));
    show("kill signal 99", kill(getpid(), 99));
    show("kill no such pid", kill(999999, 0));
    return 0;
}
