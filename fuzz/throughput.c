/*
 * throughput.c — how many syscall programs per second the hosted kernel
 * runs, the figure issue 5 asks for: COUNT programs of exactly 8 calls,
 * decoded from seeded pseudo-random bytes (the same programs every run),
 * each on a freshly booted kernel, timed on the host's monotonic clock.
 * Built in the fuzz builds (coverage instrumentation and, in `make fuzz`'s
 * build, ASan+UBSan) without the libFuzzer driver.
 *
 *   fuzz-throughput [COUNT [SEED [CALLS]]]   (default 5000 programs, seed 1, 8 calls)
 * prints: throughput programs=N calls_per_program=C calls_completed_per_program=A seconds=S
 *         programs_per_s=R   (A: calls that returned; exit, execve or a fatal signal end a program early)
 * (CALLS 0 measures the reset alone: boot, pid 1, the files, the process.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "program.h"

#define INPUT_BYTES 512
#define CALLS_DEFAULT 8

/* xorshift64*: the byte source of the programs. */
static uint64_t next_random(uint64_t *state)
{
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return *state * 0x2545f4914f6cdd1dull;
}

/* The host's monotonic clock in seconds. */
static double seconds_now(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec * 1e-9;
}

/* Decode 64 programs of exactly the asked length, run COUNT of them in turn, print the rate. */
int main(int argument_count, char **arguments)
{
    unsigned long count = argument_count > 1 ? strtoul(arguments[1], NULL, 0) : 5000;
    uint64_t state = argument_count > 2 ? strtoull(arguments[2], NULL, 0) : 1;
    unsigned calls = argument_count > 3 ? (unsigned)strtoul(arguments[3], NULL, 0) : CALLS_DEFAULT;
    if (state == 0)
        state = 1;
    if (calls > PROGRAM_MAX_CALLS)
        calls = PROGRAM_MAX_CALLS;
    static uint8_t inputs[64][INPUT_BYTES];
    static struct program programs[64];
    /* 64 distinct programs of exactly calls calls, run in turn. */
    for (unsigned i = 0; i < 64; i++) {
        do {
            for (unsigned b = 0; b < INPUT_BYTES; b++)
                inputs[i][b] = (uint8_t)next_random(&state);
            program_decode(inputs[i], INPUT_BYTES, &programs[i]);
        } while (programs[i].call_count < calls);
        programs[i].call_count = calls; /* later calls only refer backwards */
    }
    static struct program_outcome outcome;
    unsigned long completed = 0;
    double start = seconds_now();
    for (unsigned long i = 0; i < count; i++) {
        program_run(&programs[i % 64], &outcome);
        for (unsigned call = 0; call < calls; call++)
            completed += outcome.ran[call];
    }
    double elapsed = seconds_now() - start;
    printf("throughput programs=%lu calls_per_program=%u calls_completed_per_program=%.2f seconds=%.3f "
           "programs_per_s=%.0f\n",
           count, calls, (double)completed / (double)count, elapsed, (double)count / elapsed);
    fflush(stdout);
    return 0;
}
