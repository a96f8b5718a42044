/* vfork_exec: vfork suspends the parent until the child execs or exits and
 * shares its memory until then; posix_spawn on top of it. */
#define _GNU_SOURCE
#include <spawn.h>
#include <sys/wait.h>

#include "common.h"

extern char **environ;

int main(void)
{
    program_start();
    volatile int shared = 0;
    pid_t child = vfork();
    if (child == 0) {
        shared = 42;
        _exit(3);
    }
    int status;
    waitpid(child, &status, 0);
    printf("vfork child wrote the parent's memory: %d, exit %d\n", shared, WEXITSTATUS(status));

    child = vfork();
    if (child == 0) {
        char *argv[] = {"/bin/sh", "-c", "echo from exec after vfork; exit 4", NULL};
        execve(argv[0], argv, environ);
        _exit(127);
    }
    waitpid(child, &status, 0);
    printf("exec after vfork: exit %d\n", WEXITSTATUS(status));

    char *argv[] = {"echo", "from posix_spawn", NULL};
    pid_t spawned;
    int error = posix_spawnp(&spawned, "echo", NULL, NULL, argv, environ);
    printf("posix_spawnp: %s\n", errno_symbol(error));
    waitpid(spawned, &status, 0);
    printf("spawned: exit %d\n", WEXITSTATUS(status));
    char *missing[] = {"/nonexistent", NULL};
    error = posix_spawn(&spawned, "/nonexistent", NULL, NULL, missing, environ);
    printf("posix_spawn of a missing file: %s\n", errno_symbol(error));
    if (error == 0)
        waitpid(spawned, &status, 0);
    return 0;
}
