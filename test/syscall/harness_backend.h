/*
 * harness_backend.h — what the syscall-suite harness needs from the system
 * under test. Two backends implement it:
 *
 *   harness.c        ringkernel, hosted: the whole kernel booted in-process,
 *                    a test process whose user memory is a real (software)
 *                    address space, syscalls through syscall_dispatch();
 *   harness_linux.c  the host's Linux kernel (the reference): the same
 *                    cases run natively, chrooted into a fresh tmpfs with
 *                    proc and devtmpfs mounted, the same user-memory layout
 *                    (see run-on-linux.sh; needs root).
 *
 * Only plain C types here: harness_linux.c includes this file next to the
 * host's system headers, which the ringkernel headers would clash with.
 *
 * User memory layout (identical on both backends):
 *   [ARENA_BASE, ARENA_END)        read-write, zeroed at every setup
 *   [ARENA_END, ARENA_END + 4 KiB) not accessible (EFAULT)
 *   [READONLY, READONLY + 4 KiB)   read-only
 */
#ifndef SYSCALL_HARNESS_BACKEND_H
#define SYSCALL_HARNESS_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#define HARNESS_PAGE_SIZE ((size_t)4096)
#define HARNESS_ARENA_BASE ((uintptr_t)0x10000000)
#define HARNESS_ARENA_PAGES 64
#define HARNESS_ARENA_END (HARNESS_ARENA_BASE + HARNESS_ARENA_PAGES * HARNESS_PAGE_SIZE)
#define HARNESS_UNMAPPED HARNESS_ARENA_END
#define HARNESS_READONLY (HARNESS_ARENA_END + HARNESS_PAGE_SIZE)
/* An address in the kernel half: never user memory on either backend. */
#define HARNESS_KERNEL_ADDRESS ((uintptr_t)0xffff800000001000ull)

/*
 * A fresh system for one test: ringkernel boots again; Linux gets a new
 * tmpfs root. Either way: cwd "/", umask 022, descriptors 0-2 open and 3
 * up free, a descriptor limit of 1024, /proc and /dev mounted when the
 * system has them. Returns 0 or a negative errno.
 */
int backend_setup(void);
void backend_teardown(void);

/* Issue a syscall; returns the result or a negative errno (Linux's convention). */
long backend_syscall(unsigned long number, const uint64_t arguments[6]);

/* Move bytes between the test and user memory (writes reach the read-only page too). */
void backend_user_read(void *destination, uintptr_t source, size_t length);
void backend_user_write(uintptr_t destination, const void *source, size_t length);

/* Let wall-clock time pass (virtual clock on ringkernel; a short sleep on Linux). */
void backend_clock_advance_ms(unsigned milliseconds);

/* Name of the system under test ("ringkernel" or "linux"). */
const char *backend_name(void);

/*
 * A second thread in the test process (shares descriptors, cwd and user
 * memory). It runs when the test thread blocks (ringkernel) or at once
 * (Linux). Returns a handle, NULL on failure.
 */
void *backend_thread_start(const char *name, void (*function)(void *argument), void *argument);
/* Wait for it to finish. Returns 0 or a negative errno. */
int backend_thread_join(void *handle);

#endif
