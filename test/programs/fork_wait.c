/* fork_wait: fork children with distinct exit codes, reap them with
 * waitpid (by pid and any), WNOHANG, ECHILD, orphan reparenting. */
#define _GNU_SOURCE
#include <sys/wait.h>

#include "common.h"

int main(void)
{
    program_start();
    pid_t children[4];
    for (int i = 0; i < 4; i++) {
        children[i] = fork();
        if (children[i] == 0)
            _exit(10 + i);
    }
    for (int i = 3; i >= 0; i--) {
        int status = 0;
        pid_t got = waitpid(children[i], &status, 0);
        printf("child %d: waited own pid %s, exited %d, code %d\n", i, got == children[i] ? "yes" : "no",
               WIFEXITED(status), WEXITSTATUS(status));
    }
    show("wait with no children", wait(NULL));

    /* The slow child runs until the parent has looked (it reads the pipe's end). */
    int gate[2];
    if (pipe(gate) < 0)
        return 1;
    pid_t slow = fork();
    if (slow == 0) {
        char byte;
        close(gate[1]);
        ssize_t ignored = read(gate[0], &byte, 1);
        (void)ignored;
        _exit(0);
    }
    close(gate[0]);
    show("waitpid WNOHANG while running", waitpid(slow, NULL, WNOHANG));
    close(gate[1]);
    int status;
    fact("waitpid blocks until exit", waitpid(-1, &status, 0) == slow && WIFEXITED(status));

    /* A grandchild whose parent exits is re-parented (getppid changes). */
    int channel[2];
    if (pipe(channel) < 0)
        return 1;
    pid_t middle = fork();
    if (middle == 0) {
        pid_t before = getpid();
        pid_t grandchild = fork();
        if (grandchild == 0) {
            while (getppid() == before)
                usleep(10000);
            char answer = getppid() == 1 ? 'y' : 'n';
            if (write(channel[1], &answer, 1) != 1)
                _exit(1);
            _exit(0);
        }
        _exit(0);
    }
    waitpid(middle, NULL, 0);
    char answer = '?';
    if (read(channel[0], &answer, 1) != 1)
        answer = '!';
    printf("orphan re-parented to init: %c\n", answer);
    fact("getpid differs from the child's", getpid() != middle);
    return 0;
}
