/*
 * program_print.c — a syscall program as C, for tools/rk fuzz-repro and
 * crash reports: one line per call, results named r<index>, buffers as
 * string literals, flags by name, and (after a run) what each call returned.
 */
#include <inttypes.h>
#include <string.h>

#include "program.h"

static const char *const bad_pointer_names[BAD_POINTER_COUNT] = {
    [BAD_POINTER_NULL] = "NULL",
    [BAD_POINTER_UNMAPPED] = "UNMAPPED_ADDRESS",
    [BAD_POINTER_KERNEL] = "KERNEL_ADDRESS",
    [BAD_POINTER_READ_ONLY] = "READ_ONLY_ADDRESS",
    [BAD_POINTER_LAST_BYTE] = "LAST_MAPPED_BYTE",
    [BAD_POINTER_NONCANONICAL] = "NONCANONICAL_ADDRESS",
};

/* bytes as a C string literal (at most 48 bytes shown, then the total). */
static void print_bytes(FILE *out, const uint8_t *bytes, size_t length, size_t total)
{
    fputc('"', out);
    size_t shown = length < 48 ? length : 48;
    for (size_t i = 0; i < shown; i++) {
        uint8_t byte = bytes[i];
        if (byte == '"' || byte == '\\')
            fprintf(out, "\\%c", byte);
        else if (byte >= 0x20 && byte < 0x7f)
            fputc(byte, out);
        else if (byte == '\n')
            fputs("\\n", out);
        else
            fprintf(out, "\\x%02x", byte);
    }
    fputc('"', out);
    if (shown < length || length < total)
        fprintf(out, "/* %zu bytes */", total);
}

/* value as an OR of the set's names, with any bits left over in hex. */
static void print_flags(FILE *out, const struct value_set *set, uint64_t value)
{
    bool first = true;
    uint64_t rest = value;
    for (size_t i = 0; i < set->count; i++) {
        uint64_t flag = set->values[i].value;
        if (flag != 0 && (rest & flag) == flag) {
            fprintf(out, "%s%s", first ? "" : "|", set->values[i].name);
            rest &= ~flag;
            first = false;
        }
    }
    if (rest != 0 || first)
        fprintf(out, "%s%#" PRIx64, first ? "" : "|", rest);
}

/* value as the set's name for it, else in hex. */
static void print_choice(FILE *out, const struct value_set *set, uint64_t value)
{
    for (size_t i = 0; i < set->count; i++) {
        if (set->values[i].value == value) {
            fputs(set->values[i].name, out);
            return;
        }
    }
    fprintf(out, "%#" PRIx64, value);
}

/* A plain value the way its type reads best. */
static void print_value(FILE *out, const struct argument_description *type, uint64_t value)
{
    switch (type->type) {
    case TYPE_FLAGS:
        print_flags(out, type->values, value);
        return;
    case TYPE_CHOICE:
        print_choice(out, type->values, value);
        return;
    case TYPE_MODE:
        fprintf(out, "0%" PRIo64, value);
        return;
    case TYPE_DIRFD:
    case TYPE_FD:
        if ((int64_t)value == -100) {
            fputs("AT_FDCWD", out);
            return;
        }
        fprintf(out, "%" PRId64, (int64_t)value);
        return;
    case TYPE_ADDRESS:
    case TYPE_POINTER:
    case TYPE_TIMESPEC:
    case TYPE_TIMEVAL:
    case TYPE_ITIMERVAL:
    case TYPE_SIGACTION:
        fprintf(out, value ? "%#" PRIx64 : "NULL", value);
        return;
    default:
        if ((int64_t)value < 0 && (int64_t)value > -65536)
            fprintf(out, "%" PRId64, (int64_t)value);
        else if (value > 0xffff)
            fprintf(out, "%#" PRIx64, value);
        else
            fprintf(out, "%" PRIu64, value);
    }
}

/* Argument position of call as C: a value, r<N> for a result, a literal for a buffer, a bad pointer's name. */
static void print_argument(FILE *out, const struct program_call *call, unsigned position)
{
    const struct argument_description *type = &call->description->arguments[position];
    const struct program_argument *argument = &call->arguments[position];
    switch (argument->kind) {
    case ARGUMENT_VALUE:
        print_value(out, type, argument->value);
        return;
    case ARGUMENT_RESULT:
        fprintf(out, "r%u", argument->reference);
        if (argument->slot)
            fputs("[1]", out);
        else if (call->description->result == RESULT_FD_PAIR)
            fputs("[0]", out);
        return;
    case ARGUMENT_DATA:
    case ARGUMENT_STRING:
        print_bytes(out, argument->data, argument->data_length,
                    argument->length + (argument->kind == ARGUMENT_STRING ? 0u : 0u));
        return;
    case ARGUMENT_BYTES:
        fprintf(out, "&(struct %s)", type->type == TYPE_SIGACTION ? "sigaction" : "time");
        print_bytes(out, argument->bytes, argument->length, argument->length);
        return;
    case ARGUMENT_OUTPUT:
        fprintf(out, "out[%u]", argument->length);
        return;
    case ARGUMENT_IOVEC:
        fprintf(out, "iovec[%u x ", argument->count);
        print_bytes(out, argument->data, argument->data_length, argument->length);
        fputc(']', out);
        return;
    case ARGUMENT_BAD_POINTER:
        fputs(argument->value < BAD_POINTER_COUNT ? bad_pointer_names[argument->value] : "BAD", out);
        return;
    case ARGUMENT_LENGTH_OF:
        fprintf(out, "sizeof(%s)", call->description->arguments[argument->reference].name);
        return;
    }
}

/* See program.h. */
void program_print(const struct program *program, const struct program_outcome *outcome, FILE *out)
{
    fprintf(out, "/* %u call(s) on %u thread(s), scheduler seed %#x */\n", program->call_count,
            program->thread_count, program->seed);
    for (unsigned index = 0; index < program->call_count; index++) {
        const struct program_call *call = &program->calls[index];
        if (call->description->result != RESULT_NONE)
            fprintf(out, "r%u = ", index);
        fprintf(out, "%s(", call->description->name);
        for (unsigned position = 0; position < call->description->argument_count; position++) {
            if (position)
                fputs(", ", out);
            print_argument(out, call, position);
        }
        fprintf(out, ");  /* thread %u%s", call->thread, call->yield_after ? ", then yield" : "");
        if (outcome && outcome->ran[index]) {
            fprintf(out, ": %ld", outcome->results[index][0]);
            if (call->description->result == RESULT_FD_PAIR && outcome->results[index][0] >= 0)
                fprintf(out, " %ld", outcome->results[index][1]);
        } else if (outcome) {
            fputs(": not completed", out);
        }
        fputs(" */\n", out);
    }
    if (outcome)
        fprintf(out, "/* process ended with wait status %#x%s */\n", outcome->wait_status,
                outcome->killed ? ", killed by the harness when its time budget ran out" : "");
}
