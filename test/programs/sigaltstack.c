/* sigaltstack: a handler with SA_ONSTACK runs on the alternate stack
 * (SS_ONSTACK inside, disabled changes refused with EPERM), and a stack
 * overflow's SIGSEGV is handled there. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>

#include "common.h"

static char alternate[65536] __attribute__((aligned(16)));
static volatile int on_alternate, flags_inside, change_errno;
static sigjmp_buf recovery;

static void handler(int signo)
{
    (void)signo;
    char local;
    uintptr_t address = (uintptr_t)&local;
    on_alternate = address >= (uintptr_t)alternate && address < (uintptr_t)alternate + sizeof alternate;
    stack_t current;
    sigaltstack(NULL, &current);
    flags_inside = current.ss_flags;
    stack_t replacement = {.ss_sp = alternate, .ss_size = sizeof alternate};
    change_errno = sigaltstack(&replacement, NULL) < 0 ? errno : 0;
}

static void overflow_handler(int signo)
{
    (void)signo;
    char local;
    uintptr_t address = (uintptr_t)&local;
    on_alternate = address >= (uintptr_t)alternate && address < (uintptr_t)alternate + sizeof alternate;
    siglongjmp(recovery, 1);
}

static volatile int keep_going = 1;

/* Recurses until the stack runs out (keep_going stays 1). */
static int recurse(volatile char *previous)
{
    volatile char buffer[4096];
    buffer[0] = previous ? previous[0] + 1 : 0;
    if (!keep_going)
        return 0;
    return recurse(buffer) + buffer[100];
}

int main(void)
{
    program_start();
    stack_t stack = {.ss_sp = alternate, .ss_size = sizeof alternate, .ss_flags = 0};
    show("sigaltstack", sigaltstack(&stack, NULL));
    stack_t small = {.ss_sp = alternate, .ss_size = 1024};
    show("sigaltstack too small", sigaltstack(&small, NULL));
    stack_t bad_flags = {.ss_sp = alternate, .ss_size = sizeof alternate, .ss_flags = 0x1234};
    show("sigaltstack bad flags", sigaltstack(&bad_flags, NULL));

    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    action.sa_flags = SA_ONSTACK;
    sigaction(SIGUSR1, &action, NULL);
    raise(SIGUSR1);
    printf("SA_ONSTACK handler on the alternate stack: %s, SS_ONSTACK inside: %s, change inside: %s\n",
           on_alternate ? "yes" : "no", flags_inside & SS_ONSTACK ? "yes" : "no", errno_symbol(change_errno));
    stack_t after;
    sigaltstack(NULL, &after);
    printf("after the handler: SS_ONSTACK %s, size %zu\n", after.ss_flags & SS_ONSTACK ? "yes" : "no", after.ss_size);

    action.sa_flags = 0;
    sigaction(SIGUSR1, &action, NULL);
    raise(SIGUSR1);
    printf("handler without SA_ONSTACK on the alternate stack: %s\n", on_alternate ? "yes" : "no");

    action.sa_handler = overflow_handler;
    action.sa_flags = SA_ONSTACK | SA_NODEFER;
    sigaction(SIGSEGV, &action, NULL);
    if (sigsetjmp(recovery, 1) == 0) {
        recurse(NULL);
        printf("recursion returned?\n");
    } else {
        printf("stack overflow caught on the alternate stack: %s\n", on_alternate ? "yes" : "no");
    }

    stack_t disable = {.ss_flags = SS_DISABLE};
    show("sigaltstack disable", sigaltstack(&disable, NULL));
    sigaltstack(NULL, &after);
    printf("disabled: %s\n", after.ss_flags & SS_DISABLE ? "yes" : "no");
    return 0;
}
