/* kill_group: process groups and sessions: setpgid, getpgid, setsid,
 * getsid, kill(-pgid) reaching every member and nobody else, killpg with
 * signal 0, EPERM/ESRCH cases. */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/wait.h>

#include "common.h"

static pid_t member(pid_t group)
{
    pid_t child = fork();
    if (child == 0) {
        setpgid(0, group);
        for (;;)
            pause();
    }
    setpgid(child, group); /* both sides, as shells do, so there is no race */
    return child;
}

int main(void)
{
    program_start();
    fact("getpgid(0) == getpgrp()", getpgid(0) == getpgrp());
    pid_t leader = member(0);
    pid_t second = member(leader);
    pid_t third = member(leader);
    pid_t outsider = member(0);
    fact("leader leads its group", getpgid(leader) == leader);
    fact("second joined the group", getpgid(second) == leader);
    fact("outsider has its own group", getpgid(outsider) == outsider);
    show("killpg signal 0", killpg(leader, 0));
    show("kill(-group, SIGTERM)", kill(-leader, SIGTERM));
    pid_t members[] = {leader, second, third};
    for (int i = 0; i < 3; i++) {
        int status;
        waitpid(members[i], &status, 0);
        printf("member %d: %s\n", i, WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM ? "terminated" : "other");
    }
    int status;
    fact("outsider still running", waitpid(outsider, &status, WNOHANG) == 0);
    kill(outsider, SIGKILL);
    waitpid(outsider, &status, 0);
    show("kill an empty group", kill(-leader, SIGTERM));

    int channel[2];
    if (pipe(channel) < 0)
        return 1;
    pid_t child = fork();
    if (child == 0) {
        char answers[5];
        pid_t session = setsid();
        answers[0] = session == getpid() ? 'y' : 'n';
        answers[1] = getsid(0) == getpid() ? 'y' : 'n';
        answers[2] = getpgrp() == getpid() ? 'y' : 'n';
        answers[3] = setsid() < 0 && errno == EPERM ? 'y' : 'n';
        answers[4] = setpgid(0, getppid()) < 0 && errno == EPERM ? 'y' : 'n';
        if (write(channel[1], answers, 5) != 5)
            _exit(1);
        _exit(0);
    }
    char answers[6] = {0};
    if (read(channel[0], answers, 5) != 5)
        return 1;
    waitpid(child, NULL, 0);
    printf("setsid: new session %c, getsid %c, own group %c, second setsid EPERM %c, setpgid across sessions EPERM %c\n",
           answers[0], answers[1], answers[2], answers[3], answers[4]);
    show("setpgid of a nonexistent child", setpgid(999999, 0));
    show("setpgid negative", setpgid(0, -1));
    show("getpgid of nonexistent", getpgid(999999));
    show("getsid of nonexistent", getsid(999999));
    return 0;
}
