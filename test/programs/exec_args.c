/* exec_args: execve passes argv and envp, #! scripts, ENOENT/ENOEXEC/
 * EACCES, close-on-exec, and the exit status through exec. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "common.h"

extern char **environ;

static int run(char *const argv[], char *const envp[])
{
    pid_t child = fork();
    if (child == 0) {
        execve(argv[0], argv, envp);
        printf("execve %s: %s\n", argv[0], errno_symbol(errno));
        _exit(127);
    }
    int status;
    waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
    program_start();
    if (argc > 1 && strcmp(argv[1], "child") == 0) {
        printf("child argc %d:", argc);
        for (int i = 1; i < argc; i++)
            printf(" [%s]", argv[i]);
        printf("\n");
        for (char **variable = environ; *variable; variable++)
            printf("child env %s\n", *variable);
        printf("child fd 5 open: %s\n", fcntl(5, F_GETFD) >= 0 ? "yes" : "no");
        printf("child fd 6 open: %s\n", fcntl(6, F_GETFD) >= 0 ? "yes" : "no");
        return 42;
    }
    char self[256];
    ssize_t length = readlink("/proc/self/exe", self, sizeof self - 1);
    if (length <= 0)
        strcpy(self, "/rk/cases.d/programs/exec_args");
    else
        self[length] = '\0';

    int keep = open("/dev/null", O_RDONLY);
    int closed = open("/dev/null", O_RDONLY | O_CLOEXEC);
    dup2(keep, 5);
    dup3(closed, 6, O_CLOEXEC);
    char *child_argv[] = {self, "child", "one", "two words", "", NULL};
    char *child_envp[] = {"ALPHA=1", "BETA=two", NULL};
    printf("exit status through exec: %d\n", run(child_argv, child_envp));

    int script = open("/tmp/exec_args_script", O_WRONLY | O_CREAT | O_TRUNC, 0755);
    const char text[] = "#!/bin/sh -e\necho script \"$0\" \"$@\"\nexit 3\n";
    if (write(script, text, sizeof text - 1) < 0)
        return 1;
    close(script);
    char *script_argv[] = {"/tmp/exec_args_script", "a", "b", NULL};
    printf("script status: %d\n", run(script_argv, child_envp));

    char *missing_argv[] = {"/nonexistent/program", NULL};
    printf("missing status: %d\n", run(missing_argv, child_envp));

    int junk = open("/tmp/exec_args_junk", O_WRONLY | O_CREAT | O_TRUNC, 0755);
    if (write(junk, "this is not an executable\n", 26) < 0)
        return 1;
    close(junk);
    char *junk_argv[] = {"/tmp/exec_args_junk", NULL};
    printf("junk status: %d\n", run(junk_argv, child_envp));

    int plain = open("/tmp/exec_args_plain", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    close(plain);
    chmod("/tmp/exec_args_plain", 0644);
    char *plain_argv[] = {"/tmp/exec_args_plain", NULL};
    printf("not executable status: %d\n", run(plain_argv, child_envp));

    char *directory_argv[] = {"/tmp", NULL};
    printf("directory status: %d\n", run(directory_argv, child_envp));
    return 0;
}
