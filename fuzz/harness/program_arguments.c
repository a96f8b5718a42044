/*
 * program_arguments.c — turning a call's argument recipes into register
 * values: buffers, strings, structs and iovec arrays are written into the
 * running thread's scratch area of user memory, results of earlier calls
 * are looked up, bad pointers are the addresses fuzz_kernel.h names.
 */
#include <string.h>

#include <rk/usercopy.h>

#include "fuzz_kernel.h"
#include "program.h"
#include "program_internal.h"


struct scratch {
    uintptr_t next;
    uintptr_t end;
};

/* length bytes of the thread's scratch area (16-byte aligned); the unmapped page when full. */
static uintptr_t scratch_take(struct scratch *scratch, size_t length)
{
    uintptr_t address = scratch->next;
    size_t rounded = (length + 15) & ~(size_t)15;
    if (rounded > scratch->end - scratch->next)
        return FUZZ_USER_UNMAPPED;
    scratch->next += rounded;
    return address;
}

/* Write data (data_length bytes) then zeroes up to length at address; faults are ignored. */
static void user_fill(uintptr_t address, const uint8_t *data, size_t data_length, size_t length)
{
    static const uint8_t zeroes[512];
    if (data_length > 0)
        copy_to_user(address, data, data_length);
    for (size_t done = data_length; done < length;) {
        size_t chunk = length - done < sizeof zeroes ? length - done : sizeof zeroes;
        copy_to_user(address + done, zeroes, chunk);
        done += chunk;
    }
}

/* The address a bad-pointer argument stands for (enum bad_pointer). */
static uint64_t bad_pointer_value(uint64_t which)
{
    switch (which) {
    case BAD_POINTER_NULL: return 0;
    case BAD_POINTER_UNMAPPED: return FUZZ_USER_UNMAPPED;
    case BAD_POINTER_KERNEL: return FUZZ_KERNEL_ADDRESS;
    case BAD_POINTER_READ_ONLY: return FUZZ_USER_READONLY;
    case BAD_POINTER_LAST_BYTE: return FUZZ_USER_UNMAPPED - 1;
    default: return 0x0000800000000000ull;
    }
}

/* A result of an earlier call, or the argument's fallback when that call has none (yet). */
static uint64_t result_value(const struct program_outcome *outcome, const struct program_argument *argument)
{
    unsigned call = argument->reference;
    long value = outcome->results[call][argument->slot];
    if (!outcome->ran[call] || (value < 0 && value > -4096))
        return argument->value;
    return (uint64_t)value;
}

/* See program_internal.h. */
void program_arguments_build(const struct program_outcome *outcome, const struct program_call *call,
                             uintptr_t scratch_base, size_t scratch_size, uint64_t values[6])
{
    struct scratch scratch = { .next = scratch_base, .end = scratch_base + scratch_size };
    uint64_t lengths[PROGRAM_MAX_ARGUMENTS] = { 0 };
    memset(values, 0, 6 * sizeof values[0]);
    for (unsigned i = 0; i < call->description->argument_count; i++) {
        const struct program_argument *argument = &call->arguments[i];
        uintptr_t address;
        switch (argument->kind) {
        case ARGUMENT_VALUE:
            values[i] = argument->value;
            break;
        case ARGUMENT_RESULT:
            values[i] = result_value(outcome, argument);
            break;
        case ARGUMENT_DATA:
            address = scratch_take(&scratch, argument->length);
            user_fill(address, argument->data, argument->data_length, argument->length);
            values[i] = address;
            lengths[i] = argument->length;
            break;
        case ARGUMENT_STRING:
            address = scratch_take(&scratch, argument->length + 1u);
            user_fill(address, argument->data, argument->data_length, argument->length + 1u);
            values[i] = address;
            lengths[i] = argument->length + 1u;
            break;
        case ARGUMENT_OUTPUT:
            values[i] = scratch_take(&scratch, argument->length);
            lengths[i] = argument->length;
            break;
        case ARGUMENT_BYTES:
            address = scratch_take(&scratch, argument->length);
            user_fill(address, argument->bytes, argument->length, argument->length);
            values[i] = address;
            lengths[i] = argument->length;
            break;
        case ARGUMENT_IOVEC: {
            uint64_t vectors[2 * PROGRAM_MAX_IOVECS];
            for (unsigned v = 0; v < argument->count; v++) {
                vectors[2 * v] = scratch_take(&scratch, argument->length);
                vectors[2 * v + 1] = argument->length;
                user_fill(vectors[2 * v], argument->data, argument->data_length, argument->length);
            }
            address = scratch_take(&scratch, argument->count * 16u);
            user_fill(address, (const uint8_t *)vectors, argument->count * 16u, argument->count * 16u);
            values[i] = address;
            lengths[i] = argument->count;
            break;
        }
        case ARGUMENT_BAD_POINTER:
            values[i] = bad_pointer_value(argument->value);
            break;
        case ARGUMENT_LENGTH_OF:
            break; /* below, once every buffer has its length */
        }
    }
    for (unsigned i = 0; i < call->description->argument_count; i++)
        if (call->arguments[i].kind == ARGUMENT_LENGTH_OF &&
            call->arguments[i].reference < PROGRAM_MAX_ARGUMENTS)
            values[i] = lengths[call->arguments[i].reference];
}
