/*
 * rk/terminal.h — what a terminal service (the tty) asks of the Core about
 * processes: the caller's identity and session, process groups, signals
 * to a group, the session's controlling terminal, and a kernel thread
 * for its input. The Core answers from struct process (src/core/
 * system_terminal.c). None of these may be called from interrupt context.
 *
 * There is one terminal (the console tty), so a process's controlling
 * terminal is a flag: struct process.has_controlling_terminal means "its
 * session's controlling terminal is the console tty". The tty service
 * keeps which session owns it and its foreground process group.
 */
#ifndef RK_TERMINAL_H
#define RK_TERMINAL_H

#include <stdbool.h>

/* The signals a terminal sends (Linux's numbers, the same as rk/signal.h's). */
#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGCONT 18
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGWINCH 28

/* An interrupted wait (rk/waitqueue.h): the Core restarts the call or makes it -EINTR. */
#define ERESTARTSYS 512

/* The running process as a terminal sees it. */
struct terminal_caller {
    int pid;
    int process_group;
    int session;
    bool session_leader;            /* pid == session */
    bool has_controlling_terminal;  /* its session's controlling terminal is the console tty */
};

/* Fill caller for the running process. Returns 0, or -ESRCH for a kernel thread without one. */
int terminal_caller(struct terminal_caller *caller);

/* True when a live (not zombie) process of process_group belongs to session. */
bool terminal_process_group_in_session(int process_group, int session);

/* True when a live (not zombie) process belongs to process_group. */
bool terminal_process_group_exists(int process_group);

/*
 * True when process_group is orphaned (POSIX: no live member has a parent
 * in another process group of the same session), or has no live member.
 */
bool terminal_process_group_orphaned(int process_group);

/* Send signal to every process of process_group (SI_KERNEL). Returns 0 or -ESRCH. */
int terminal_signal_process_group(int process_group, int signal);

/* True when the running thread blocks signal or its process ignores it (SIG_IGN). */
bool terminal_caller_ignores_signal(int signal);

/*
 * Mark every process of session as having (value true) or not having the
 * console tty as controlling terminal. Returns how many processes changed.
 */
int terminal_session_set_controlling(int session, bool value);

/* Clear the flag of the running process only (TIOCNOTTY by a non-leader). */
void terminal_caller_drop_controlling(void);

/*
 * Start a detached kernel thread named name running function(argument)
 * inside the gate of the service the caller is in (the caller must be
 * inside a service's gate). Returns 0 or -ENOMEM.
 */
int terminal_thread_start(const char *name, void (*function)(void *argument), void *argument);

#endif
