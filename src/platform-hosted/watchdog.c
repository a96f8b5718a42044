/*
 * watchdog.c — the service watchdog's tick on the hosted backend: a
 * SIGVTALRM every 100 ms of the process's CPU time (a service spinning in
 * a loop burns CPU; a kernel waiting in the event loop does not), handed
 * to core_watchdog_tick() with the interrupted context. CPU time rather
 * than the kernel clock, so that it also works under the virtual clock
 * (which stands still while a thread spins); SIGVTALRM rather than
 * SIGALRM, which libFuzzer uses for its timeouts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <ucontext.h>

#include "hosted.h"
#include "hosted_internal.h"

#define WATCHDOG_TICK_US 100000

static bool watchdog_installed;
static struct sigaction previous_action;

/* SIGVTALRM: one tick, unless a fault is being handled. */
static void watchdog_signal_handler(int signal_number, siginfo_t *information, void *context_pointer)
{
    (void)signal_number;
    (void)information;
    if (hosted_in_fault_handler())
        return;
    ucontext_t *context = context_pointer;
    const greg_t *registers = context->uc_mcontext.gregs;
    struct platform_fault tick = {
        .kind = PLATFORM_FAULT_WATCHDOG,
        .vector = SIGVTALRM,
        .instruction_pointer = (uintptr_t)registers[REG_RIP],
        .stack_pointer = (uintptr_t)registers[REG_RSP],
        .frame_pointer = (uintptr_t)registers[REG_RBP],
        .user_mode = false,
        /* The Core refuses to unwind out of its own interrupts-off sections. */
        .interrupts_were_enabled = hosted_interrupts_enabled,
        .backend_frame = context,
    };
    int saved_errno = errno;
    core_watchdog_tick(&tick, (uint64_t)WATCHDOG_TICK_US * 1000);
    errno = saved_errno;
}

/* See hosted_internal.h. Returns 0 or -errno. */
int hosted_watchdog_install(void)
{
    if (watchdog_installed)
        return 0;
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_sigaction = watchdog_signal_handler;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGVTALRM, &action, &previous_action) != 0)
        return -errno;
    struct itimerval interval = {
        .it_interval = {.tv_sec = 0, .tv_usec = WATCHDOG_TICK_US},
        .it_value = {.tv_sec = 0, .tv_usec = WATCHDOG_TICK_US},
    };
    if (setitimer(ITIMER_VIRTUAL, &interval, NULL) != 0) {
        int error = errno;
        sigaction(SIGVTALRM, &previous_action, NULL);
        return -error;
    }
    watchdog_installed = true;
    return 0;
}

/* See rk/platform.h: the CPU-time signal ticks without any timer of the Core's. */
bool platform_watchdog_ticks_by_itself(void) { return true; }

/* See hosted_internal.h. */
void hosted_watchdog_remove(void)
{
    if (!watchdog_installed)
        return;
    struct itimerval off;
    memset(&off, 0, sizeof(off));
    setitimer(ITIMER_VIRTUAL, &off, NULL);
    sigaction(SIGVTALRM, &previous_action, NULL);
    watchdog_installed = false;
}
