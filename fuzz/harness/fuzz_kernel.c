/*
 * fuzz_kernel.c — booting the hosted kernel once per fuzz input and giving
 * the boot thread a process (see fuzz_kernel.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rk/errno.h>
#include <rk/mm.h>
#include <rk/process.h>
#include <rk/sched.h>
#include <rk/syscall.h>
#include <rk/thread.h>
#include <rk/usercopy.h>
#include "hosted.h"

#include "fuzz_kernel.h"

/* See fuzz_kernel.h. */
bool fuzz_verbose(void)
{
    static int verbose = -1;
    if (verbose < 0)
        verbose = getenv("RK_FUZZ_VERBOSE") != NULL;
    return verbose != 0;
}

/* See fuzz_kernel.h. */
void fuzz_finding(const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    fprintf(stderr, "==FUZZ FINDING== ");
    vfprintf(stderr, format, arguments);
    fprintf(stderr, "\n");
    va_end(arguments);
    size_t length = 0;
    const char *console = hosted_console_captured(&length);
    if (length > 0)
        fprintf(stderr, "---- kernel console (last %zu bytes) ----\n%s\n", length,
                console + (length > 4096 ? length - 4096 : 0));
    abort();
}

/* The machine powered off or halted in the middle of an input: a finding. */
static void unexpected_power_off(int status)
{
    fuzz_finding("the kernel powered off or halted (status %d)", status);
}

/* See fuzz_kernel.h. */
void fuzz_kernel_boot(const char *extra_options, uint64_t seed)
{
    char command_line[512];
    snprintf(command_line, sizeof command_line, "loglevel=%d hosted.memory=%s sched=seeded rk.containment=panic %s",
             fuzz_verbose() ? 7 : 3, FUZZ_MEMORY, extra_options ? extra_options : "");
    int error = hosted_fuzz_boot(command_line);
    if (error < 0)
        fuzz_finding("boot failed: %d", error);
    sched_policy_seeded_set_seed(seed);
    hosted_set_exit_handler(unexpected_power_off);
    hosted_console_capture_begin(fuzz_verbose());
}

int LLVMFuzzerInitialize(int *argument_count, char ***arguments);

/*
 * Called once by the fuzzing engine before the first input: one boot, so
 * that what the first boot allocates for good on the host (the symbol
 * table) is not taken for a leak of the first input (libFuzzer would run
 * it a second time to check).
 */
int LLVMFuzzerInitialize(int *argument_count, char ***arguments)
{
    (void)argument_count;
    (void)arguments;
    fuzz_kernel_boot(NULL, 0);
    return 0;
}

/* pid 1 ended: nothing to do (the next input boots again). */
static void init_exited(int wait_status)
{
    (void)wait_status;
}

/* Map one zeroed page at address with prot; aborts on failure. */
static void map_user(struct process *process, uintptr_t address, size_t length, unsigned protection)
{
    long mapped = mm_map(process->mm, address, length, protection,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);
    if (mapped != (long)address)
        fuzz_finding("mapping the fuzz user memory failed: %ld", mapped);
}

/* See fuzz_kernel.h. */
struct process *fuzz_init_create(void)
{
    process_set_init_exit_handler(init_exited);
    struct process *init = process_create("init", 0, true);
    if (!init || init->pid != 1)
        fuzz_finding("cannot create pid 1");
    process_attach_thread(init, thread_current());
    process_put(init); /* the thread's reference keeps it */
    mm_activate(init->mm);
    map_user(init, FUZZ_USER_BASE, FUZZ_USER_SIZE, PROT_READ | PROT_WRITE);
    map_user(init, FUZZ_USER_READONLY, 4096, PROT_READ);
    return init;
}

/* See fuzz_kernel.h. */
bool fuzz_user_write(uintptr_t address, const void *data, size_t length)
{
    return copy_to_user(address, data, length) == 0;
}

/* See fuzz_kernel.h. */
bool fuzz_user_read(void *out, uintptr_t address, size_t length)
{
    return copy_from_user(out, address, length) == 0;
}

/* See fuzz_kernel.h. */
long fuzz_syscall(long number, long a0, long a1, long a2, long a3, long a4, long a5)
{
    const uint64_t arguments[SYSCALL_ARGUMENTS] = {
        (uint64_t)a0, (uint64_t)a1, (uint64_t)a2, (uint64_t)a3, (uint64_t)a4, (uint64_t)a5,
    };
    return syscall_dispatch((unsigned long)number, arguments);
}
