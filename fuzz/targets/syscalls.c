/*
 * syscalls.c — the syscall-program fuzz target: each input is decoded into
 * a program (program.h) and run on a freshly booted kernel through the
 * real syscall entry. With RK_FUZZ_VERBOSE set (tools/rk fuzz-repro) the
 * program is printed as C with its results.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "fuzz_kernel.h"
#include "program.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct program program;
    static struct program_outcome outcome;
    program_decode(data, size, &program);
    if (fuzz_verbose())
        program_print(&program, NULL, stderr);
    program_run(&program, &outcome);
    if (fuzz_verbose()) {
        fputs("---- after the run ----\n", stderr);
        program_print(&program, &outcome, stderr);
    }
    return 0;
}
