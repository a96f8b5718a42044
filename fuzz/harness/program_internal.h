/*
 * program_internal.h — what the files of the syscall-program runner share.
 */
#ifndef FUZZ_PROGRAM_INTERNAL_H
#define FUZZ_PROGRAM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "program.h"

/*
 * Place call's arguments in the running process's user memory, in the
 * scratch area [scratch_base, scratch_base + scratch_size) (reused by the
 * next call), and compute the six register values into values. Results of
 * earlier calls come from outcome. Copies into user memory that fault are
 * ignored: the kernel then sees whatever the address holds.
 */
void program_arguments_build(const struct program_outcome *outcome, const struct program_call *call,
                             uintptr_t scratch_base, size_t scratch_size, uint64_t values[6]);

#endif
