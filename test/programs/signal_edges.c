/* signal_edges: behaviours once found different from Linux — a 1 us
 * ITIMER_REAL does not stall the machine, sigtimedwait takes a SIGCHLD
 * (default: ignore), kill on a zombie succeeds, an orphaned process group
 * with a stopped member gets SIGHUP + SIGCONT, sleeps survive stop and
 * continue, a growsdown area near the bottom faults with SIGSEGV, and x87
 * and single-step traps become SIGFPE and SIGTRAP with Linux's codes. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdint.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

#include "common.h"

static volatile long alarms;
static void on_alarm(int signo) { (void)signo; alarms++; }

static void itimer_storm(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_alarm;
    sigaction(SIGALRM, &action, NULL);
    struct itimerval fast = { { 0, 1 }, { 0, 1 } };
    setitimer(ITIMER_REAL, &fast, NULL);
    volatile unsigned long sum = 0;
    for (unsigned long i = 0; i < 3000000; i++)
        sum += i;
    struct itimerval off;
    memset(&off, 0, sizeof off);
    setitimer(ITIMER_REAL, &off, NULL);
    signal(SIGALRM, SIG_DFL);
    fact("1 us itimer: finished with alarms", alarms > 0);
}

static void sigwait_child_and_kill_zombie(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, NULL);
    pid_t child = fork();
    if (child == 0) {
        usleep(100000);
        _exit(3);
    }
    struct timespec timeout = { 5, 0 };
    siginfo_t info;
    int signo = sigtimedwait(&set, &info, &timeout);
    show("sigtimedwait SIGCHLD", signo);
    fact("  si_code CLD_EXITED, si_pid the child", signo > 0 && info.si_code == CLD_EXITED &&
                                                     info.si_pid == child);
    /* The child is a zombie until waited for. */
    show("kill(zombie, 0)", kill(child, 0));
    show("kill(zombie, SIGTERM)", kill(child, SIGTERM));
    int status;
    waitpid(child, &status, 0);
    fact("  exit status 3 (SIGTERM dropped)", WIFEXITED(status) && WEXITSTATUS(status) == 3);
    show("kill(reaped, 0)", kill(child, 0));
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* The middle process forks C into its own group, C stops, the middle exits. */
static void orphaned_stopped_group(void)
{
    int channel[2];
    if (pipe(channel) < 0)
        return;
    pid_t middle = fork();
    if (middle == 0) {
        pid_t stopped = fork();
        if (stopped == 0) {
            setpgid(0, 0);
            raise(SIGSTOP);
            _exit(0); /* SIGHUP kills it first */
        }
        int status;
        waitpid(stopped, &status, WUNTRACED);
        if (write(channel[1], &stopped, sizeof stopped) != sizeof stopped)
            _exit(1);
        _exit(0);
    }
    pid_t stopped = 0;
    if (read(channel[0], &stopped, sizeof stopped) != sizeof stopped)
        return;
    int status;
    waitpid(middle, &status, 0);
    /* init reaps it once SIGHUP killed it: wait for ESRCH (up to 15 s, room
       for a loaded host; the runner's case timeout is 20 s). */
    int gone = 0;
    for (int i = 0; i < 1500 && !gone; i++) {
        gone = kill(stopped, 0) < 0 && errno == ESRCH;
        if (!gone)
            usleep(10000);
    }
    fact("orphaned stopped group: member killed by SIGHUP and reaped", gone);
    if (!gone)
        kill(stopped, SIGKILL);
    close(channel[0]);
    close(channel[1]);
}

/* A child sleeping in nanosleep then a timed futex wait is stopped and continued. */
static void sleeps_survive_stop_and_continue(void)
{
    pid_t child = fork();
    if (child == 0) {
        struct timespec request = { 0, 600000000 }, remain;
        int result = nanosleep(&request, &remain);
        printf("  child nanosleep: %d %s\n", result, errno_symbol(result < 0 ? errno : 0));
        static int word;
        struct timespec timeout = { 0, 600000000 };
        long wait = syscall(SYS_futex, &word, 128 /* FUTEX_WAIT_PRIVATE */, 0, &timeout, 0, 0);
        printf("  child futex wait: %ld %s\n", wait, errno_symbol(wait < 0 ? errno : 0));
        _exit(0);
    }
    int status;
    for (int round = 0; round < 2; round++) {
        usleep(300000);
        kill(child, SIGSTOP);
        waitpid(child, &status, WUNTRACED);
        kill(child, SIGCONT);
        usleep(400000);
    }
    waitpid(child, &status, 0);
    fact("sleeps after stop/continue: child exited 0", WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static sigjmp_buf back;
static volatile int seen_signal, seen_code;
static void on_fault(int signo, siginfo_t *info, void *context)
{
    (void)context;
    seen_signal = signo;
    seen_code = info->si_code;
    siglongjmp(back, 1);
}

static void faults(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_fault;
    action.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGFPE, &action, NULL);
    sigaction(SIGTRAP, &action, NULL);
    sigaction(SIGSEGV, &action, NULL);
    sigaction(SIGBUS, &action, NULL);
    void *low = mmap((void *)0x20000, 4096, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_GROWSDOWN, -1, 0);
    fact("growsdown area at 0x20000", low == (void *)0x20000);
    seen_signal = 0;
    volatile uintptr_t below = 0x100;
    if (!sigsetjmp(back, 1))
        *(volatile char *)below = 1;
    printf("write below it, at 0x100: signal %d code %d\n", seen_signal, seen_code);
    seen_signal = 0;
    if (!sigsetjmp(back, 1)) {
        unsigned short control = 0x037f & ~0x4; /* zero-divide unmasked */
        volatile double one = 1.0, zero = 0.0, result;
        __asm__ volatile("fninit; fldcw %0" : : "m"(control));
        __asm__ volatile("fldl %1; fdivl %2; fstpl %0; fwait" : "=m"(result) : "m"(one), "m"(zero));
    }
    __asm__ volatile("fninit");
    printf("x87 divide by zero: signal %d code %d\n", seen_signal, seen_code);
    seen_signal = 0;
    if (!sigsetjmp(back, 1))
        __asm__ volatile("pushfq; orq $0x100, (%%rsp); popfq; nop; nop" : : : "memory", "cc");
    printf("single step: signal %d code %d\n", seen_signal, seen_code);
}

int main(void)
{
    program_start();
    itimer_storm();
    sigwait_child_and_kill_zombie();
    orphaned_stopped_group();
    sleeps_survive_stop_and_continue();
    faults();
    return 0;
}
