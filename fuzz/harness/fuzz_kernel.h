/*
 * fuzz_kernel.h — a freshly booted hosted kernel for every fuzz input.
 *
 * Each input starts from the same state: the kernel boots again in
 * process (hosted_fuzz_boot: the arena is reused, the Core re-initialises
 * every module), the virtual clock starts at 0, the scheduler is the
 * seeded one, and console output is swallowed. Nothing lives on the host
 * heap, so nothing leaks from one input into the next.
 *
 * The fuzz targets run on the host's main thread, which is the kernel's
 * boot thread. fuzz_init_create() gives that thread a process (pid 1) with
 * user memory, so it can make syscalls like a user program would.
 */
#ifndef FUZZ_KERNEL_H
#define FUZZ_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct process;

/* Size of the arena the fuzzers boot with (small: a reset touches less). */
#define FUZZ_MEMORY "4M"

/* User memory of pid 1 (fuzz_init_create): read-write, then an unmapped page, then a read-only page. */
#define FUZZ_USER_BASE ((uintptr_t)0x10000000)
#define FUZZ_USER_PAGES 16
#define FUZZ_USER_SIZE ((size_t)FUZZ_USER_PAGES * 4096)
#define FUZZ_USER_UNMAPPED (FUZZ_USER_BASE + FUZZ_USER_SIZE)
#define FUZZ_USER_READONLY (FUZZ_USER_UNMAPPED + 4096)
/* An address in the kernel half. */
#define FUZZ_KERNEL_ADDRESS ((uintptr_t)0xffff800000001000ull)

/*
 * Boot the kernel for one input with "loglevel=3 hosted.memory=FUZZ_MEMORY"
 * plus extra_options (may be NULL), the seeded scheduler on seed, and the
 * console captured (discarded; echoed when RK_FUZZ_VERBOSE is set, which
 * also raises the log level). A failed boot aborts: it is a finding.
 */
void fuzz_kernel_boot(const char *extra_options, uint64_t seed);

/* True when RK_FUZZ_VERBOSE is set in the environment (replays print what they do). */
bool fuzz_verbose(void);

/*
 * pid 1 on the boot thread, with FUZZ_USER_PAGES zeroed read-write pages at
 * FUZZ_USER_BASE and a read-only page at FUZZ_USER_READONLY, its address
 * space active; cwd "/", fds 0-2 closed. The init exit handler is replaced
 * (init exiting must not power off). Aborts on failure. The process lives
 * until the next boot.
 */
struct process *fuzz_init_create(void);

/* Copy to / from the running process's user memory; false when the copy faulted. */
bool fuzz_user_write(uintptr_t address, const void *data, size_t length);
bool fuzz_user_read(void *out, uintptr_t address, size_t length);

/*
 * A syscall by the boot thread on behalf of pid 1: through
 * syscall_dispatch(), the entry user mode uses. Returns the result or a
 * negative errno.
 */
long fuzz_syscall(long number, long a0, long a1, long a2, long a3, long a4, long a5);

/* Report a finding that is not a sanitizer report (a hang, a broken invariant) and abort. */
__attribute__((noreturn, format(printf, 1, 2))) void fuzz_finding(const char *format, ...);

#endif
