/*
 * program_run.c — executing a syscall program on a freshly booted kernel.
 *
 * The program's process P (pid 2, child of the harness's pid 1) has up to
 * three threads. Each runs the interpreter below as its "user code": the
 * hosted backend calls it from platform_user_enter(), and it issues the
 * program's calls through hosted_user_syscall(), i.e. core_syscall() and
 * core_return_to_user() exactly as the x86 SYSCALL path does, so signals
 * are delivered, handlers run and syscalls restart as on real hardware.
 *
 * The interpreter keeps its program counter in rip: code_address(thread,
 * index) means "continue with the thread's calls from index". A signal
 * handler is PROGRAM_HANDLER_ADDRESS, whose code is rt_sigreturn; a
 * restarted syscall comes back as rip - 2 (the SYSCALL instruction again).
 * A forked or cloned child starts in the interpreter with a copy of the
 * registers and a marker in rbx: it exits at once. Any other rip (a
 * fuzzed handler address, garbage from a forged sigreturn, a successful
 * execve) ends the process as a fault would.
 *
 * The boot thread (pid 1) waits for P to become a zombie. A timer sends P
 * SIGKILL when its virtual time budget is spent: when every thread blocks,
 * idle jumps the clock to it at once, and busy kernel code moves the clock
 * at its yield points (hosted_set_busy_tick). A process that SIGKILL does
 * not end (nothing can run, it is not a zombie) is a finding.
 */
#include <stdio.h>
#include <string.h>

#include <rk/errno.h>
#include <rk/file.h>
#include <rk/path.h>
#include <rk/mm.h>
#include <rk/process.h>
#include <rk/sched.h>
#include <rk/signal.h>
#include <rk/syscall.h>
#include <rk/thread.h>
#include <rk/timer.h>
#include <rk/usercopy.h>
#include "hosted.h"

#include "fuzz_kernel.h"
#include "program.h"
#include "program_internal.h"

#define CODE_BASE 0x400000u
#define CODE_THREAD_STRIDE 0x1000u
#define CODE_CALL_STRIDE 16u
#define SYSCALL_INSTRUCTION_LENGTH 2u
#define CHILD_MARK 0x4b1d000000000000ull   /* rbx of a thread inside a call: a fork copy starts with it */
#define SCRATCH_PER_THREAD 0x4000u         /* each thread's argument area in FUZZ_USER memory */
#define STACK_BASE 0x10100000u             /* three 16 KiB user stacks (signal frames go there) */
#define STACK_SIZE 0x4000u
#define STEP_LIMIT (4 * PROGRAM_MAX_CALLS) /* syscalls one thread may issue (sigreturn can jump back) */
#define TIME_BUDGET_NS (10ull * 1000000000u) /* virtual time before the harness kills the process */
#define BUSY_TICK_NS 10000000u               /* virtual time each yield point of busy kernel code takes */
#define FAULT_EXIT_STATUS (128 + 11)

static struct {
    const struct program *program;
    struct program_outcome *outcome;
    struct process *process;
    unsigned steps[PROGRAM_MAX_THREADS];
} run;

/* The rip that means "thread continues with its calls from index". */
static uintptr_t code_address(unsigned thread, unsigned index)
{
    return CODE_BASE + thread * CODE_THREAD_STRIDE + index * CODE_CALL_STRIDE;
}

/*
 * Decode rip: true when it is interpreter code; *restart when it points at
 * the SYSCALL instruction of call *index (which is then to be re-issued).
 */
static bool code_decode(uint64_t rip, unsigned *thread, unsigned *index, bool *restart)
{
    if (rip < CODE_BASE || rip >= CODE_BASE + PROGRAM_MAX_THREADS * CODE_THREAD_STRIDE)
        return false;
    uint64_t offset = rip - CODE_BASE;
    *thread = (unsigned)(offset / CODE_THREAD_STRIDE);
    uint64_t within = offset % CODE_THREAD_STRIDE;
    *restart = within % CODE_CALL_STRIDE == CODE_CALL_STRIDE - SYSCALL_INSTRUCTION_LENGTH;
    if (*restart)
        within += SYSCALL_INSTRUCTION_LENGTH;
    else if (within % CODE_CALL_STRIDE != 0)
        return false;
    *index = (unsigned)(within / CODE_CALL_STRIDE);
    if (*thread >= run.program->thread_count || *index > PROGRAM_MAX_CALLS)
        return false;
    if (*restart && *index == 0)
        return false;
    if (*restart)
        *index -= 1; /* the call whose SYSCALL this is */
    return true;
}

/* --------------------------------------------------------- interpreter */

/* End the process as an unhandled fault would (the fuzz "CPU" cannot run this rip). */
static void fault_exit(struct user_registers *registers)
{
    hosted_user_syscall(registers, SYS_exit_group, FAULT_EXIT_STATUS);
}

/*
 * Run the code of signal handlers while rip is the handler: its "ret"
 * pops the restorer address, the restorer makes rt_sigreturn. Returns
 * false when the thread's step budget ran out.
 */
static bool run_handlers(struct user_registers *registers, unsigned thread)
{
    while (registers->rip == PROGRAM_HANDLER_ADDRESS) {
        if (run.steps[thread]++ >= STEP_LIMIT)
            return false;
        registers->rsp += 8;
        hosted_user_syscall(registers, SYS_rt_sigreturn);
    }
    return true;
}

/* The argument a RESULT_FD_PAIR call writes its int[2] at: the one named "fds" (0 when none is). */
static unsigned pair_argument(const struct syscall_description *description)
{
    for (unsigned i = 0; i < description->argument_count; i++) {
        const char *name = description->arguments[i].name;
        if (name[0] == 'f' && name[1] == 'd' && name[2] == 's' && name[3] == '\0')
            return i;
    }
    return 0;
}

/* Record what call index returned (and the pair of fds a pipe or socketpair call wrote). */
static void record_result(unsigned index, long result, const uint64_t arguments[6])
{
    const struct program_call *call = &run.program->calls[index];
    run.outcome->ran[index] = true;
    run.outcome->results[index][0] = result;
    run.outcome->results[index][1] = -1;
    if (call->description->result == RESULT_FD_PAIR && result == 0) {
        int fds[2];
        if (copy_from_user(fds, arguments[pair_argument(call->description)], sizeof fds) == 0) {
            run.outcome->results[index][0] = fds[0];
            run.outcome->results[index][1] = fds[1];
        } else {
            run.outcome->results[index][0] = -1;
        }
    }
}

/* The first call at or after index that belongs to thread, or call_count. */
static unsigned next_call(unsigned thread, unsigned index)
{
    while (index < run.program->call_count && run.program->calls[index].thread != thread)
        index++;
    return index;
}

/* The user program of every thread of P (see the top of the file). */
static void interpreter(struct user_registers *registers)
{
    if ((registers->rbx & 0xffff000000000000ull) == CHILD_MARK) {
        /* A fork/vfork/clone child resuming after the call: it leaves at once. */
        hosted_user_syscall(registers, SYS_exit, 0);
        return;
    }
    for (;;) {
        unsigned thread, index;
        bool restart;
        if (!code_decode(registers->rip, &thread, &index, &restart)) {
            fault_exit(registers);
            return;
        }
        if (run.steps[thread]++ >= STEP_LIMIT)
            break;
        uint64_t arguments[6] = { registers->rdi, registers->rsi, registers->rdx,
                                  registers->r10, registers->r8, registers->r9 };
        if (restart) {
            /* The kernel rewound rip to the SYSCALL: execute it again with the registers as they are. */
            registers->rip += SYSCALL_INSTRUCTION_LENGTH;
            hosted_user_syscall(registers, (long)registers->rax, (long)registers->rdi, (long)registers->rsi,
                                (long)registers->rdx, (long)registers->r10, (long)registers->r8,
                                (long)registers->r9);
        } else {
            index = next_call(thread, index);
            if (index >= run.program->call_count)
                break;
            const struct program_call *call = &run.program->calls[index];
            uint64_t values[6];
            program_arguments_build(run.outcome, call, FUZZ_USER_BASE + thread * SCRATCH_PER_THREAD,
                                    SCRATCH_PER_THREAD, values);
            for (unsigned i = 0; i < 6; i++)
                arguments[i] = values[i];
            registers->rip = code_address(thread, index + 1);
            registers->rbx = CHILD_MARK | index;
            hosted_user_syscall(registers, call->description->number, (long)values[0], (long)values[1],
                                (long)values[2], (long)values[3], (long)values[4], (long)values[5]);
        }
        if (!run_handlers(registers, thread))
            break;
        registers->rbx = 0;
        unsigned resumed_thread, resumed_index;
        bool resumed_restart;
        if (code_decode(registers->rip, &resumed_thread, &resumed_index, &resumed_restart) &&
            !resumed_restart && resumed_index == index + 1) {
            record_result(index, (long)registers->rax, arguments);
            if (run.program->calls[index].yield_after) {
                hosted_user_syscall(registers, SYS_sched_yield);
                if (!run_handlers(registers, thread))
                    break;
            }
        }
    }
    hosted_user_syscall(registers, SYS_exit, 0);
}

/* Body of P's threads: enter "user mode" at the thread's first call. */
static void thread_enter_user(void *argument)
{
    unsigned thread = (unsigned)(uintptr_t)argument;
    struct user_registers registers;
    platform_user_registers_init(&registers, code_address(thread, 0),
                                 STACK_BASE + (thread + 1) * STACK_SIZE - 64);
    mm_activate(process_current()->mm);
    platform_user_enter(&registers);
}

/* ------------------------------------------------------------- process */

/* Map length bytes at address in process; a failure is a finding (the kernel is fresh). */
static void map_fixed(struct process *process, uintptr_t address, size_t length, unsigned protection)
{
    long mapped = mm_map(process->mm, address, length, protection,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);
    if (mapped != (long)address)
        fuzz_finding("mapping the program's memory failed: %ld", mapped);
}

/* A copy of text in pid 1's user memory at *cursor (advanced past it). */
static long user_text(uintptr_t *cursor, const char *text)
{
    uintptr_t address = *cursor;
    size_t length = strlen(text) + 1;
    fuzz_user_write(address, text, length);
    *cursor += (length + 15) & ~(size_t)15;
    return (long)address;
}

/*
 * What every program finds, made by pid 1: /file0 (a line of text),
 * /dir0/, /link0 -> file0, /fifo0, /mnt0/ (to mount on), and pid 1's
 * descriptor 0 on /dev/console (lent to the program as 0, 1 and 2).
 */
static void files_create(void)
{
    uintptr_t cursor = FUZZ_USER_BASE;
    static const char contents[] = "hello, fuzzer\n";
    long fd = fuzz_syscall(SYS_openat, AT_FDCWD, user_text(&cursor, "/file0"), O_RDWR | O_CREAT, 0644, 0, 0);
    fuzz_syscall(SYS_write, fd, user_text(&cursor, contents), sizeof contents - 1, 0, 0, 0);
    fuzz_syscall(SYS_close, fd, 0, 0, 0, 0, 0);
    fuzz_syscall(SYS_mkdirat, AT_FDCWD, user_text(&cursor, "/dir0"), 0755, 0, 0, 0);
    fuzz_syscall(SYS_symlinkat, user_text(&cursor, "file0"), AT_FDCWD, user_text(&cursor, "/link0"), 0, 0, 0);
    fuzz_syscall(SYS_mknodat, AT_FDCWD, user_text(&cursor, "/fifo0"), 0010644, 0, 0, 0);
    fuzz_syscall(SYS_mkdirat, AT_FDCWD, user_text(&cursor, "/mnt0"), 0755, 0, 0, 0);
    if (fuzz_syscall(SYS_openat, AT_FDCWD, user_text(&cursor, "/dev/console"), O_RDWR, 0, 0, 0) != 0)
        fuzz_finding("pid 1 cannot open /dev/console as descriptor 0");
}

/* Give process descriptors 0-2 on init's descriptor 0 (the console), as a login would. */
static void standard_descriptors_lend(struct process *init, struct process *process)
{
    for (int fd = 0; fd < 3; fd++) {
        struct file *console = fd_get(init, 0);
        if (!console || fd_install_at(process, console, fd, false) != fd)
            fuzz_finding("cannot give the program descriptor %d", fd);
    }
}

/* P: a child of init in init's group and session, owned by the process table, with its memory. */
static struct process *program_process_create(struct process *init)
{
    struct process *process = process_create("fuzz", init->pid, true);
    if (!process)
        fuzz_finding("cannot create the program's process");
    process->process_group = init->process_group;
    process->session = init->session;
    process->table_reference = true;
    map_fixed(process, FUZZ_USER_BASE, FUZZ_USER_SIZE, PROT_READ | PROT_WRITE);
    map_fixed(process, FUZZ_USER_READONLY, 4096, PROT_READ);
    map_fixed(process, STACK_BASE, PROGRAM_MAX_THREADS * STACK_SIZE, PROT_READ | PROT_WRITE);
    standard_descriptors_lend(init, process);
    return process;
}

/* Has P ended? (sched_boot_thread_wait's condition.) */
static bool process_finished(void *argument)
{
    (void)argument;
    return run.process->state == PROCESS_ZOMBIE;
}

/* Wait on the boot thread until P ends. False when nothing can run and no event can come. */
static bool wait_for_process(void)
{
    irq_flags_t flags = platform_irq_save();
    bool done = sched_boot_thread_wait(process_finished, NULL);
    platform_irq_restore(flags);
    return done;
}

/*
 * The time budget ran out (interrupt context): SIGKILL for P. When every
 * thread blocks, idle jumps the virtual clock here at once; busy kernel
 * code gets here through the busy tick.
 */
static void budget_expired(struct timer *timer, void *argument)
{
    (void)timer;
    (void)argument;
    run.outcome->killed = true;
    signal_send_process(run.process, SIGKILL, NULL);
}

/* Print what each of process's threads is doing (for a finding). */
static void threads_describe(struct process *process)
{
    fprintf(stderr, "process %d: pending signals %#llx, group exiting %d\n", process->pid,
            (unsigned long long)process->signals.pending, process->group_exiting);
    list_for_each(node, &process->threads) {
        struct thread *left = list_entry(node, struct thread, process_link);
        fprintf(stderr, "  thread %d: state %d interruptible %d exiting %d pending %#llx blocked %#llx\n",
                left->tid, (int)left->state, left->interruptible, left->exiting,
                (unsigned long long)left->signals.pending, (unsigned long long)left->signals.blocked);
    }
}

/* See program.h. */
void program_run(const struct program *program, struct program_outcome *outcome)
{
    struct program_outcome ignored;
    if (!outcome)
        outcome = &ignored;
    memset(outcome, 0, sizeof *outcome);
    memset(&run, 0, sizeof run);
    run.program = program;
    run.outcome = outcome;

    fuzz_kernel_boot(NULL, program->seed);
    hosted_set_busy_tick(BUSY_TICK_NS);
    struct process *init = fuzz_init_create();
    files_create();
    hosted_set_user_program(interpreter);
    run.process = program_process_create(init);
    process_get(run.process); /* ours, so that its state stays readable after reaping */
    for (unsigned thread = 0; thread < program->thread_count; thread++) {
        struct thread *body = thread_create("fuzz", thread_enter_user, (void *)(uintptr_t)thread);
        if (!body)
            fuzz_finding("cannot create thread %u of the program", thread);
        process_attach_thread(run.process, body);
        thread_detach(body);
    }
    struct timer budget;
    timer_init(&budget, budget_expired, NULL);
    timer_arm(&budget, platform_clock_ns() + TIME_BUDGET_NS);

    bool finished = wait_for_process();
    timer_cancel(&budget);
    if (!finished || run.process->state != PROCESS_ZOMBIE) {
        threads_describe(run.process);
        fuzz_finding("the program's process is stuck: nothing can run, it is not a zombie, "
                     "SIGKILL %s (%u live threads, state %d)",
                     outcome->killed ? "was sent" : "was not sent yet", run.process->thread_count,
                     (int)run.process->state);
    }
    outcome->wait_status = run.process->wait_status;
    /* Reap every child of init: exercises the exit paths to the end. */
    while (fuzz_syscall(SYS_wait4, -1, 0, 1 /* WNOHANG */ | 0x40000000 /* __WALL */, 0, 0, 0) > 0)
        ;
    process_put(run.process);
    run.process = NULL;
}
