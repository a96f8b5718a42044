/* wait_status: exit codes, deaths by signal, stops and continues through
 * waitpid (WUNTRACED, WCONTINUED) and waitid (siginfo fields). */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/wait.h>

#include "common.h"

static void describe(const char *label, int status)
{
    if (WIFEXITED(status))
        printf("%s: exited %d\n", label, WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        printf("%s: killed by %s\n", label, strsignal(WTERMSIG(status)));
    else if (WIFSTOPPED(status))
        printf("%s: stopped by %s\n", label, strsignal(WSTOPSIG(status)));
    else if (WIFCONTINUED(status))
        printf("%s: continued\n", label);
    else
        printf("%s: unknown status\n", label);
}

static pid_t sleeper(void)
{
    pid_t child = fork();
    if (child == 0) {
        for (;;)
            pause();
    }
    return child;
}

int main(void)
{
    program_start();
    int status;
    pid_t child = fork();
    if (child == 0)
        _exit(255);
    waitpid(child, &status, 0);
    describe("exit 255", status);

    child = sleeper();
    kill(child, SIGTERM);
    waitpid(child, &status, 0);
    describe("SIGTERM", status);

    child = fork();
    if (child == 0) {
        volatile int *null = NULL;
        *null = 1;
        _exit(0);
    }
    waitpid(child, &status, 0);
    describe("null write", status);
    printf("core dump flag is a bool: %s\n", (WCOREDUMP(status) == 0 || WCOREDUMP(status) == 0x80) ? "yes" : "no");

    child = sleeper();
    kill(child, SIGSTOP);
    waitpid(child, &status, WUNTRACED);
    describe("SIGSTOP", status);
    kill(child, SIGCONT);
    waitpid(child, &status, WCONTINUED);
    describe("SIGCONT", status);
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
    describe("SIGKILL", status);

    child = fork();
    if (child == 0)
        _exit(7);
    siginfo_t info;
    memset(&info, 0, sizeof info);
    show("waitid WEXITED|WNOWAIT", waitid(P_PID, child, &info, WEXITED | WNOWAIT));
    printf("waitid: signo %s code %s status %d pid matches %s\n", info.si_signo == SIGCHLD ? "SIGCHLD" : "?",
           info.si_code == CLD_EXITED ? "CLD_EXITED" : "?", info.si_status, info.si_pid == child ? "yes" : "no");
    memset(&info, 0, sizeof info);
    show("waitid again (the child was kept)", waitid(P_ALL, 0, &info, WEXITED));
    printf("waitid: status %d\n", info.si_status);

    child = sleeper();
    kill(child, SIGUSR1);
    memset(&info, 0, sizeof info);
    waitid(P_PID, child, &info, WEXITED);
    printf("waitid signal: code %s status %s\n", info.si_code == CLD_KILLED ? "CLD_KILLED" : "?",
           strsignal(info.si_status));
    show("waitid WNOHANG no children", waitid(P_ALL, 0, &info, WEXITED | WNOHANG));
    show("waitpid bad options", waitpid(-1, &status, 0x1000000));
    return 0;
}
