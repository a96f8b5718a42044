/*
 * program.h — syscall programs for the syscalls fuzz target.
 *
 * A fuzzer input decodes (program_decode) into a short program: up to
 * PROGRAM_MAX_CALLS syscalls spread over up to PROGRAM_MAX_THREADS threads
 * of one process, each argument chosen by its type in the syscall's
 * description (syscall_descriptions.c): descriptors and pids are results of
 * earlier calls (resources, as in syzkaller), paths come from a dictionary
 * of names the programs create and the kernel has, buffers are filled from
 * the input and placed in the process's user memory, and pointers are
 * sometimes bad on purpose (NULL, unmapped, kernel, read-only).
 * program_run executes it on a freshly booted kernel through the user-mode
 * syscall entry (core_syscall / core_return_to_user: signals are delivered
 * and handlers run); program_print writes it as C.
 *
 * Input layout (every byte string decodes; see program_decode.c):
 *   u8 thread count - 1 (mod PROGRAM_MAX_THREADS), u32 scheduler seed,
 *   then per call: u8 (thread, yield-after bit), u8 description index,
 *   then each argument's bytes as its type reads them.
 */
#ifndef FUZZ_PROGRAM_H
#define FUZZ_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PROGRAM_MAX_CALLS 16
#define PROGRAM_MAX_THREADS 3
#define PROGRAM_MAX_ARGUMENTS 6
#define PROGRAM_MAX_DATA 512      /* bytes of one buffer argument taken from the input */
#define PROGRAM_MAX_IOVECS 4

/* ------------------------------------------------ syscall descriptions */

/* A named value, for flag sets and choices (and for printing). */
struct named_value {
    const char *name;
    uint64_t value;
};

struct value_set {
    const struct named_value *values;
    size_t count;
};

/* The type of an argument: how the decoder chooses its value. */
enum argument_type {
    TYPE_INTEGER,       /* an interesting integer or raw bits */
    TYPE_FD,            /* a descriptor: an earlier result, 0-2, -1, a large number */
    TYPE_DIRFD,         /* TYPE_FD or AT_FDCWD */
    TYPE_PID,           /* 0, -1, own pid, pid 1, a child's pid, a large number */
    TYPE_SIGNAL,        /* 0..65 */
    TYPE_PATH,          /* a path string in user memory (dictionary or raw bytes) */
    TYPE_FLAGS,         /* an OR of values from .values, or raw bits */
    TYPE_CHOICE,        /* one of .values, or raw bits */
    TYPE_MODE,          /* permission bits (and sometimes file type bits) */
    TYPE_LENGTH,        /* a size: 0, small, page multiples, huge */
    TYPE_BUFFER_IN,     /* user memory holding bytes from the input (.size: most bytes) */
    TYPE_BUFFER_OUT,    /* user memory for the kernel to fill (.size: its size) */
    TYPE_IOVEC,         /* an iovec array pointing at buffers (.size: bytes per buffer) */
    TYPE_ADDRESS,       /* a user address: 0, the scratch area, an earlier mmap result, a hint */
    TYPE_POINTER,       /* any pointer-typed argument the kernel reads a struct from (.size bytes of input) */
    TYPE_STRING,        /* a string in user memory: one of .values' names, or raw bytes */
    TYPE_TIMESPEC,      /* a struct timespec in user memory: zero, tiny, a second, invalid, or raw */
    TYPE_TIMEVAL,       /* the same as a struct timeval */
    TYPE_ITIMERVAL,     /* a struct itimerval (interval, value) of two such timevals */
    TYPE_SIGACTION,     /* a struct sigaction: SIG_DFL, SIG_IGN or the program's handler, SA_* flags, a mask */
};

struct argument_description {
    const char *name;
    enum argument_type type;
    const struct value_set *values;   /* TYPE_FLAGS, TYPE_CHOICE */
    uint32_t size;                    /* TYPE_BUFFER_*, TYPE_IOVEC, TYPE_POINTER */
    uint8_t length_of;                /* TYPE_LENGTH: 1 + the index of the buffer argument it measures, or 0 */
};

/* What a call's result is, so later calls can use it. */
enum result_type {
    RESULT_NONE,
    RESULT_FD,
    RESULT_PID,
    RESULT_ADDRESS,
    RESULT_FD_PAIR,   /* int[2] written at the argument named "fds" (pipe, pipe2, socketpair) */
};

struct syscall_description {
    const char *name;
    int number;
    enum result_type result;
    unsigned argument_count;
    struct argument_description arguments[PROGRAM_MAX_ARGUMENTS];
};

extern const struct syscall_description syscall_descriptions[];
extern const size_t syscall_description_count;

/* ------------------------------------------------------------ programs */

/* How the decoder built one argument; program_run turns it into a value. */
enum argument_kind {
    ARGUMENT_VALUE,           /* .value as it is */
    ARGUMENT_RESULT,          /* result .slot of call .reference; .value when that call has none */
    ARGUMENT_DATA,            /* pointer to .length bytes of .data in user memory */
    ARGUMENT_STRING,          /* pointer to .data (.length bytes) plus a NUL in user memory */
    ARGUMENT_OUTPUT,          /* pointer to .length zeroed bytes of user memory */
    ARGUMENT_IOVEC,           /* pointer to .count iovecs of .length bytes each (contents .data) */
    ARGUMENT_BAD_POINTER,     /* .value: one of the bad_pointer values */
    ARGUMENT_LENGTH_OF,       /* the length (iovec: the count) of the buffer of argument .reference of this call */
    ARGUMENT_BYTES,           /* pointer to .length bytes of .bytes (a struct the decoder built) in user memory */
};

/* The bad pointers (ARGUMENT_BAD_POINTER .value). */
enum bad_pointer {
    BAD_POINTER_NULL,
    BAD_POINTER_UNMAPPED,
    BAD_POINTER_KERNEL,
    BAD_POINTER_READ_ONLY,
    BAD_POINTER_LAST_BYTE,     /* the last mapped byte of user memory: a crossing access faults */
    BAD_POINTER_NONCANONICAL,
    BAD_POINTER_COUNT,
};

struct program_argument {
    enum argument_kind kind;
    uint64_t value;
    uint8_t reference;        /* ARGUMENT_RESULT: call index; ARGUMENT_LENGTH_OF: argument index */
    uint8_t slot;             /* ARGUMENT_RESULT: 0, or 1 for the second fd of a pair */
    uint8_t count;            /* ARGUMENT_IOVEC */
    uint32_t length;          /* bytes of user memory the argument points at */
    uint32_t data_length;     /* bytes of .data (at most .length; the rest is zero) */
    const uint8_t *data;      /* into the input or a static dictionary, both outlive the program */
    uint8_t bytes[32];        /* ARGUMENT_BYTES */
};

struct program_call {
    const struct syscall_description *description;
    uint8_t thread;
    bool yield_after;         /* sched_yield after the call: another thread may run */
    struct program_argument arguments[PROGRAM_MAX_ARGUMENTS];
};

struct program {
    unsigned thread_count;
    uint32_t seed;            /* the seeded scheduler's seed */
    unsigned call_count;
    struct program_call calls[PROGRAM_MAX_CALLS];
};

/* What running a program produced (for printing and checks). */
/* The user address of the program's signal handler (its code runs rt_sigreturn). */
#define PROGRAM_HANDLER_ADDRESS 0x500000u

struct program_outcome {
    bool ran[PROGRAM_MAX_CALLS];
    long results[PROGRAM_MAX_CALLS][2];   /* [1]: the second fd of a pair */
    bool killed;                          /* the harness SIGKILLed the process: its virtual time budget ran out */
    int wait_status;                      /* of the process, when it ended */
};

/*
 * Decode data (size bytes) into *program. Never fails: every input is a
 * program (possibly with no calls). The program points into data.
 */
void program_decode(const uint8_t *data, size_t size, struct program *program);

/*
 * Run program on a freshly booted kernel (fuzz_kernel_boot is called here).
 * Returns when the program's process has ended; aborts with a finding when
 * it cannot be ended (threads that survive SIGKILL). *outcome may be NULL.
 */
void program_run(const struct program *program, struct program_outcome *outcome);

/* Print program as C to out, with the results from outcome when not NULL. */
void program_print(const struct program *program, const struct program_outcome *outcome, FILE *out);

#endif
