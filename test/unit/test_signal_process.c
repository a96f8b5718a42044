/*
 * test_signal_process.c — signals against whole processes and sleeping
 * threads: default actions end a process with the right wait status,
 * stop/continue, interruptible waits (a blocking pipe read gets EINTR or
 * is restarted with SA_RESTART, end to end through core_syscall and
 * core_return_to_user), CPU faults turned into signals by core_fault.
 */
#include <rk/file.h>
#include <rk/pipe.h>

#include "signal_fixture.h"

#define HANDLER 0x401000
#define RESTORER 0x402000
#define INTERRUPTED_RIP 0x400500

/* ------------------------------------------------ a victim process */

struct victim {
    struct process *process;
    struct thread *thread;
    struct user_registers registers;
    bool returned;          /* signal delivery came back (the process did not end) */
    bool fault;             /* raise a page fault through core_fault first */
    int fault_result;
};

/* Thread body: as if returning to user mode (after a fault when asked). */
static void victim_body(void *argument)
{
    struct victim *victim = argument;
    thread_current()->user_registers = &victim->registers;
    if (victim->fault) {
        struct platform_fault fault = {
            .kind = PLATFORM_FAULT_PAGE, .vector = 14, .error_code = 0x6,
            .address = user_base + 40 * PAGE_SIZE, .instruction_pointer = INTERRUPTED_RIP,
            .user_mode = true, .user_registers = &victim->registers,
        };
        victim->fault_result = core_fault(&fault);
    }
    core_return_to_user(&victim->registers);
    victim->returned = true;
}

/* A child of the test process with one thread (not yet run). */
static void victim_create(struct victim *victim)
{
    memset(victim, 0, sizeof *victim);
    victim->process = process_create("victim", test_process->pid, true);
    assert_non_null(victim->process);
    victim->registers = sample_registers(INTERRUPTED_RIP, stack_top() - 256);
    victim->thread = thread_create("victim", victim_body, victim);
    assert_non_null(victim->thread);
    process_attach_thread(victim->process, victim->thread);
}

static void victim_finish(struct victim *victim)
{
    assert_int_equal(sched_run_until_idle(), 0);
    assert_int_equal(thread_join(victim->thread, NULL), 0);
    process_put(victim->process);
}

static void default_terminate_ends_the_process_with_the_signal(void **state)
{
    thread_current()->signals.blocked = SIGNAL_BIT(SIGCHLD); /* keep the parent's SIGCHLD */
    struct victim victim;
    victim_create(&victim);
    assert_int_equal(call(SYS_kill, (uint64_t)victim.process->pid, SIGTERM, 0, 0), 0);
    assert_int_equal(sched_run_until_idle(), 0);
    assert_false(victim.returned);
    assert_int_equal(victim.process->state, PROCESS_ZOMBIE);
    assert_int_equal(victim.process->wait_status, SIGTERM); /* WIFSIGNALED, no core flag */
    assert_true(test_process->signals.pending & SIGNAL_BIT(SIGCHLD));
    victim_finish(&victim);
}

static void sigkill_ends_a_process_that_blocks_everything(void **state)
{
    struct victim victim;
    victim_create(&victim);
    victim.thread->signals.blocked = ~0ull;
    assert_int_equal(victim.thread->signals.blocked, ~0ull);
    assert_int_equal(call(SYS_kill, (uint64_t)victim.process->pid, SIGUSR1, 0, 0), 0);
    assert_int_equal(call(SYS_kill, (uint64_t)victim.process->pid, SIGKILL, 0, 0), 0);
    assert_int_equal(sched_run_until_idle(), 0);
    assert_false(victim.returned);
    assert_int_equal(victim.process->wait_status, SIGKILL);
    victim_finish(&victim);
}

static void core_signal_from_a_page_fault_ends_the_process(void **state)
{
    struct victim victim;
    victim_create(&victim);
    victim.fault = true;
    victim.thread->signals.blocked = SIGNAL_BIT(SIGSEGV); /* forced: unblocked */
    assert_int_equal(sched_run_until_idle(), 0);
    assert_int_equal(victim.fault_result, PLATFORM_FAULT_RESUME);
    assert_false(victim.returned);
    assert_int_equal(victim.process->state, PROCESS_ZOMBIE);
    assert_int_equal(victim.process->wait_status, SIGSEGV); /* RLIMIT_CORE 0: no 0x80 */
    victim_finish(&victim);
}

static void stop_and_continue(void **state)
{
    thread_current()->signals.blocked = SIGNAL_BIT(SIGCHLD);
    struct victim victim;
    victim_create(&victim);
    assert_int_equal(call(SYS_kill, (uint64_t)victim.process->pid, SIGSTOP, 0, 0), 0);
    assert_int_equal(sched_run_until_idle(), 1); /* parked */
    assert_false(victim.returned);
    assert_int_equal(victim.process->state, PROCESS_STOPPED);
    assert_true(victim.process->stop_report_pending);
    assert_int_equal(victim.process->stop_signal, SIGSTOP);
    assert_true(test_process->signals.pending & SIGNAL_BIT(SIGCHLD));
    assert_int_equal(test_process->signals.info[SIGCHLD - 1].code, CLD_STOPPED);
    test_process->signals.pending = 0;
    /* While stopped, other signals wait; SIGCONT resumes. */
    assert_int_equal(call(SYS_kill, (uint64_t)victim.process->pid, SIGWINCH, 0, 0), 0);
    assert_int_equal(call(SYS_kill, (uint64_t)victim.process->pid, SIGCONT, 0, 0), 0);
    assert_int_equal(victim.process->state, PROCESS_RUNNING);
    assert_true(victim.process->continue_report_pending);
    assert_int_equal(test_process->signals.info[SIGCHLD - 1].code, CLD_CONTINUED);
    assert_int_equal(sched_run_until_idle(), 0);
    assert_true(victim.returned);
    assert_int_equal(victim.registers.rip, INTERRUPTED_RIP); /* SIGCONT and SIGWINCH: ignored */
    victim_finish(&victim);
}

static void sigkill_ends_a_stopped_process(void **state)
{
    struct victim victim;
    victim_create(&victim);
    assert_int_equal(call(SYS_kill, (uint64_t)victim.process->pid, SIGTSTP, 0, 0), 0);
    assert_int_equal(sched_run_until_idle(), 1);
    assert_int_equal(victim.process->state, PROCESS_STOPPED);
    assert_int_equal(call(SYS_kill, (uint64_t)victim.process->pid, SIGKILL, 0, 0), 0);
    assert_int_equal(sched_run_until_idle(), 0);
    assert_false(victim.returned);
    assert_int_equal(victim.process->wait_status, SIGKILL);
    victim_finish(&victim);
}

static void stop_and_continue_cancel_each_other_while_pending(void **state)
{
    struct process *process = process_create("pending", test_process->pid, true);
    assert_non_null(process);
    struct signal_action handled = { .handler = HANDLER, .flags = SA_RESTORER, .restorer = RESTORER };
    process->signals.handlers->actions[SIGCONT - 1] = handled;
    process->signals.handlers->actions[SIGTSTP - 1] = handled;
    assert_int_equal(signal_send_process(process, SIGTSTP, NULL), 0);
    assert_int_equal(signal_send_process(process, SIGCONT, NULL), 0);
    assert_int_equal(process->signals.pending, SIGNAL_BIT(SIGCONT));
    assert_int_equal(signal_send_process(process, SIGTTOU, NULL), 0);
    assert_int_equal(process->signals.pending, SIGNAL_BIT(SIGTTOU));
    assert_int_equal(signal_send_process(process, 65, NULL), -EINVAL);
    process_put(process);
}

/* ------------------------------------------- interrupted pipe reads */

struct reader {
    struct user_registers registers;
    long syscall_result;
    bool done;
};

/* Thread body: read(fd 0) through the real syscall entry and exit path. */
static void reader_body(void *argument)
{
    struct reader *reader = argument;
    reader->registers.orig_rax = SYS_read;
    reader->registers.rax = SYS_read;
    reader->registers.rdi = 0;
    reader->registers.rsi = data_page() + 2048;
    reader->registers.rdx = 16;
    core_syscall(&reader->registers);
    reader->syscall_result = (long)reader->registers.rax;
    core_return_to_user(&reader->registers);
    reader->done = true;
}

/* Block in read on an empty pipe in another thread, then send SIGUSR1 to the process. */
static void interrupt_a_pipe_read(struct reader *reader, struct file **write_end)
{
    struct file *read_end;
    assert_int_equal(pipe_create(0, &read_end, write_end), 0);
    assert_int_equal(fd_install(test_process, read_end, 0, false), 0);
    memset(reader, 0, sizeof *reader);
    reader->registers = sample_registers(INTERRUPTED_RIP, stack_top() - 256);
    struct thread *thread = thread_create("reader", reader_body, reader);
    assert_non_null(thread);
    process_attach_thread(test_process, thread);
    thread_detach(thread);
    assert_int_equal(sched_run_until_idle(), 1); /* asleep in the read */
    /* The test thread blocks SIGUSR1, so the process-directed signal goes to the reader. */
    thread_current()->signals.blocked = SIGNAL_BIT(SIGUSR1);
    assert_int_equal(call(SYS_kill, (uint64_t)test_process->pid, SIGUSR1, 0, 0), 0);
    assert_int_equal(sched_run_until_idle(), 0);
    assert_true(reader->done);
    assert_int_equal(reader->syscall_result, -ERESTARTSYS);
}

static void blocking_pipe_read_gets_eintr(void **state)
{
    install_handler(SIGUSR1, HANDLER, SA_RESTORER, 0, RESTORER);
    struct reader reader;
    struct file *write_end;
    interrupt_a_pipe_read(&reader, &write_end);
    assert_int_equal(reader.registers.rip, HANDLER);
    struct sigcontext_view {
        uint64_t r8_to_rsp[16];
        uint64_t rip;
    } context;
    assert_int_equal(copy_from_user(&context, reader.registers.rdx + 40, sizeof context), 0);
    assert_int_equal((int64_t)context.r8_to_rsp[13], -EINTR); /* sigcontext.rax */
    assert_int_equal(context.rip, INTERRUPTED_RIP);
    file_put(write_end);
}

static void blocking_pipe_read_restarts_with_sa_restart(void **state)
{
    install_handler(SIGUSR1, HANDLER, SA_RESTORER | SA_RESTART, 0, RESTORER);
    struct reader reader;
    struct file *write_end;
    interrupt_a_pipe_read(&reader, &write_end);
    assert_int_equal(reader.registers.rip, HANDLER);
    struct {
        uint64_t r8_to_rsp[16];
        uint64_t rip;
    } context;
    assert_int_equal(copy_from_user(&context, reader.registers.rdx + 40, sizeof context), 0);
    assert_int_equal(context.r8_to_rsp[13], SYS_read); /* rax = the syscall number again */
    assert_int_equal(context.rip, INTERRUPTED_RIP - 2);
    file_put(write_end);
}

static struct wait_queue sleep_queue;
static int sleep_result = 1;

/* Thread body: sleep on sleep_queue once. */
static void sleeper_body(void *argument)
{
    (void)argument;
    sleep_result = wait_queue_wait(&sleep_queue, NULL, WAIT_FOREVER);
}

static void waits_of_kernel_threads_are_not_interrupted(void **state)
{
    wait_queue_init(&sleep_queue);
    /* A user thread with an unblocked signal pending: -ERESTARTSYS at once. */
    thread_current()->signals.pending = SIGNAL_BIT(SIGUSR2);
    assert_int_equal(wait_queue_wait(&sleep_queue, NULL, WAIT_FOREVER), -ERESTARTSYS);
    assert_int_equal(wait_queue_wait_uninterruptible(&sleep_queue, NULL, 1000), -ETIMEDOUT);
    assert_int_equal(call(SYS_pause, 0, 0, 0, 0), -ERESTARTNOHAND);
    thread_current()->signals.pending = 0;
    /* A thread of a process without an address space is a kernel thread: not interrupted. */
    struct process *kernel_process = process_create("kernel", 0, false);
    assert_non_null(kernel_process);
    struct thread *thread = thread_create("sleeper", sleeper_body, NULL);
    assert_non_null(thread);
    process_attach_thread(kernel_process, thread);
    assert_int_equal(sched_run_until_idle(), 1);
    assert_int_equal(signal_send_thread(thread, SIGUSR1, NULL), 0);
    signal_wake_thread(thread);
    assert_int_equal(sched_run_until_idle(), 1); /* still asleep */
    assert_int_equal(wait_queue_wake_all(&sleep_queue), 1);
    assert_int_equal(sched_run_until_idle(), 0);
    assert_int_equal(sleep_result, 0);
    process_attach_thread(NULL, thread);
    assert_int_equal(thread_join(thread, NULL), 0);
    process_put(kernel_process);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define PROCESS_TEST(name) cmocka_unit_test_setup_teardown(name, boot_with_process, drop_process)
        PROCESS_TEST(default_terminate_ends_the_process_with_the_signal),
        PROCESS_TEST(sigkill_ends_a_process_that_blocks_everything),
        PROCESS_TEST(core_signal_from_a_page_fault_ends_the_process),
        PROCESS_TEST(stop_and_continue),
        PROCESS_TEST(sigkill_ends_a_stopped_process),
        PROCESS_TEST(stop_and_continue_cancel_each_other_while_pending),
        PROCESS_TEST(blocking_pipe_read_gets_eintr),
        PROCESS_TEST(blocking_pipe_read_restarts_with_sa_restart),
        PROCESS_TEST(waits_of_kernel_threads_are_not_interrupted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
