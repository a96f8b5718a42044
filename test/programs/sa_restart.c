/* sa_restart: a read blocked on an empty pipe is interrupted by a signal:
 * EINTR without SA_RESTART, transparently restarted with it; also
 * nanosleep (never restarted, EINTR) and wait4. */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "common.h"

static volatile sig_atomic_t handled;

static void handler(int signo)
{
    (void)signo;
    handled++;
}

/* A child that signals us once we sleep in the syscall (at least 100 ms
 * after the fork) and writes "x" 200 ms later. */
static pid_t poke_later(int write_end, int do_write)
{
    pid_t child = fork();
    if (child == 0) {
        usleep(100000);
        if (wait_until_sleeping(getppid()) < 0)
            _exit(1);
        kill(getppid(), SIGUSR1);
        usleep(200000);
        if (do_write && write(write_end, "x", 1) != 1)
            _exit(1);
        _exit(0);
    }
    return child;
}

static void try_read(int flags)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    action.sa_flags = flags;
    sigaction(SIGUSR1, &action, NULL);
    int channel[2];
    if (pipe(channel) < 0)
        return;
    handled = 0;
    pid_t child = poke_later(channel[1], 1);
    char byte = 0;
    ssize_t result = read(channel[0], &byte, 1);
    int saved = errno;
    printf("%s: read %zd%s%s, handled %d\n", flags & SA_RESTART ? "SA_RESTART" : "no SA_RESTART", result,
           result < 0 ? " " : "", result < 0 ? errno_symbol(saved) : "", (int)handled);
    waitpid(child, NULL, 0);
    close(channel[0]);
    close(channel[1]);
}

int main(void)
{
    program_start();
    try_read(0);
    try_read(SA_RESTART);

    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    action.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &action, NULL);
    handled = 0;
    pid_t child = poke_later(-1, 0);
    struct timespec request = {.tv_sec = 5}, remaining = {0};
    int result = nanosleep(&request, &remaining);
    printf("nanosleep: %d %s, remaining between 4 and 5 s: %s\n", result, errno_symbol(errno),
           remaining.tv_sec >= 4 && remaining.tv_sec < 5 ? "yes" : "no");
    waitpid(child, NULL, 0);

    /* wait4 restarted under SA_RESTART: returns the child, not EINTR. */
    handled = 0;
    child = poke_later(-1, 0);
    int status;
    pid_t waited = waitpid(child, &status, 0);
    printf("waitpid with SA_RESTART: child %s, handled %d\n", waited == child ? "reaped" : errno_symbol(errno),
           (int)handled);

    action.sa_flags = 0;
    sigaction(SIGUSR1, &action, NULL);
    handled = 0;
    child = poke_later(-1, 0);
    waited = waitpid(child, &status, 0);
    printf("waitpid without SA_RESTART: %s\n", waited == child ? "reaped" : errno_symbol(errno));
    if (waited != child)
        waitpid(child, &status, 0);
    return 0;
}
