/*
 * program_decode.c — turning fuzzer bytes into a syscall program (see
 * program.h for the layout). Each argument type reads a selector byte
 * first: most selector values pick something meaningful (an earlier
 * result, a dictionary path, a known flag), the rest take raw bits, so the
 * fuzzer reaches both the paths programs use and the error paths.
 */
#include <string.h>

#include "input.h"
#include "program.h"

#define AT_FDCWD_VALUE ((uint64_t)(int64_t)-100)
#define PROGRAM_PROCESS_PID 2   /* init is 1, the program's process the next pid on a fresh boot */

/* Paths: names the kernel has, names programs create, and the awkward ones. */
static const char *const path_dictionary[] = {
    "/", ".", "..", "file0", "file1", "dir0", "dir0/file0", "dir0/dir1", "link0", "link1",
    "fifo0", "mnt0", "mnt0/file0", "dir0/../file0", "file0/", "//file0", "dir0/link0", "",
    "/proc", "/proc/self", "/proc/self/fd", "/proc/self/fd/0", "/proc/self/fd/3", "/proc/self/fd/4",
    "/proc/self/maps", "/proc/self/cwd", "/proc/self/root", "/proc/self/exe", "/proc/self/stat",
    "/proc/self/status", "/proc/self/cmdline", "/proc/1/stat", "/proc/2/fd/3", "/proc/mounts",
    "/proc/meminfo", "/dev", "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
    "/dev/tty", "/dev/console", "/dev/ttyS0", "/dev/kmsg", "/init", "/file0", "/dir0/file0",
    "link0/", "link0/file0", "dir0/.", "./././file0", "/../../file0", "file0/..",
};
#define PATH_DICTIONARY_COUNT (sizeof path_dictionary / sizeof path_dictionary[0])

/* Two paths past the limits: a 300-byte component (ENAMETOOLONG) and a 4200-byte path. */
static char long_component[301];
static char long_path[4201];

static const uint64_t interesting_integers[] = {
    0, 1, 2, 3, 4, 7, 8, 16, 17, 31, 32, 63, 64, 100, 127, 128, 255, 256, 511, 512, 1023, 1024,
    4095, 4096, 4097, 8192, 65535, 65536, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000,
    0x7fffffffffffffff, 0x8000000000000000, (uint64_t)-1, (uint64_t)-2, (uint64_t)-4096,
};
#define INTEGER_COUNT (sizeof interesting_integers / sizeof interesting_integers[0])

static const uint64_t interesting_lengths[] = {
    0, 1, 2, 3, 7, 8, 15, 16, 31, 32, 64, 100, 255, 256, 511, 512, 4095, 4096, 4097, 8192,
    16384, 65536, 1u << 20, 0x7ffff000, 0x80000000, 0xffffffff, (uint64_t)-1, (uint64_t)-4096,
};
#define LENGTH_COUNT (sizeof interesting_lengths / sizeof interesting_lengths[0])

static const uint64_t interesting_fds[] = {
    0, 1, 2, 3, 4, 5, (uint64_t)-1, 1023, 1024, 0x7fffffff, (uint64_t)(int64_t)-100, 0x80000000,
};
#define FD_COUNT (sizeof interesting_fds / sizeof interesting_fds[0])

static const uint64_t interesting_pids[] = {
    0, 1, PROGRAM_PROCESS_PID, 3, 4, (uint64_t)-1, (uint64_t)-PROGRAM_PROCESS_PID, (uint64_t)-2,
    99999, 0x7fffffff, 0x80000000,
};
#define PID_COUNT (sizeof interesting_pids / sizeof interesting_pids[0])

static const uint64_t file_types[] = {
    0, 0100000 /* S_IFREG */, 0020000 /* S_IFCHR */, 0060000 /* S_IFBLK */,
    0010000 /* S_IFIFO */, 0140000 /* S_IFSOCK */, 0040000 /* S_IFDIR */, 0120000 /* S_IFLNK */,
};

/* User addresses a program may name (the fuzz process's layout, program_run.c). */
static const uint64_t interesting_addresses[] = {
    0, 0x10000000, 0x10004000, 0x1000f000, 0x10010000, 0x10011000, 0x10100000, 0x20000000,
    0x20001000, 0x400000, 0x7ffffffff000, 0x800000000000, 0x10000800, 4096,
};
#define ADDRESS_COUNT (sizeof interesting_addresses / sizeof interesting_addresses[0])

/* Fill the two long paths once. */
static void dictionary_init(void)
{
    if (long_component[0])
        return;
    memset(long_component, 'n', sizeof long_component - 1);
    for (size_t i = 0; i + 1 < sizeof long_path; i++)
        long_path[i] = (i % 2) ? '/' : 'd';
}

/* A value taken as raw bits: 1, 2, 4 or 8 bytes of the input. */
static uint64_t raw_value(struct fuzz_input *input, uint8_t selector)
{
    switch (selector & 3) {
    case 0: return fuzz_input_u8(input);
    case 1: return fuzz_input_u16(input);
    case 2: return fuzz_input_u32(input);
    default: return fuzz_input_u64(input);
    }
}

/* The calls before index whose result fits want (RESULT_FD also takes pairs). */
static unsigned result_candidates(const struct program *program, unsigned index,
                                  enum result_type want, uint8_t *calls, uint8_t *slots)
{
    unsigned count = 0;
    for (unsigned i = 0; i < index; i++) {
        enum result_type result = program->calls[i].description->result;
        if (result == want || (want == RESULT_FD && result == RESULT_FD_PAIR)) {
            calls[count] = (uint8_t)i;
            slots[count++] = 0;
            if (result == RESULT_FD_PAIR) {
                calls[count] = (uint8_t)i;
                slots[count++] = 1;
            }
        }
    }
    return count;
}

/* A result of an earlier call when there is one and the selector asks (true), else false. */
static bool pick_result(const struct program *program, unsigned index, enum result_type want,
                        uint8_t selector, uint64_t fallback, struct program_argument *argument)
{
    uint8_t calls[2 * PROGRAM_MAX_CALLS], slots[2 * PROGRAM_MAX_CALLS];
    unsigned count = result_candidates(program, index, want, calls, slots);
    if (count == 0 || selector >= 160)
        return false;
    unsigned choice = count - 1 - (selector % count); /* the most recent first */
    argument->kind = ARGUMENT_RESULT;
    argument->reference = calls[choice];
    argument->slot = slots[choice];
    argument->value = fallback;
    return true;
}

/* A bad pointer of the selector's choosing. */
static void bad_pointer(struct program_argument *argument, uint8_t selector)
{
    argument->kind = ARGUMENT_BAD_POINTER;
    argument->value = selector % BAD_POINTER_COUNT;
}

/* length (at most maximum) bytes of input as the contents of a user buffer of size bytes. */
static void input_data(struct fuzz_input *input, struct program_argument *argument, uint32_t size,
                       uint32_t maximum)
{
    size_t taken;
    argument->kind = ARGUMENT_DATA;
    argument->length = size;
    argument->data = fuzz_input_bytes(input, size < maximum ? size : maximum, &taken);
    argument->data_length = (uint32_t)taken;
}

/* An OR of the set's values chosen by the bits of a mask. */
static uint64_t flags_value(struct fuzz_input *input, const struct value_set *set)
{
    uint32_t mask = set->count > 16 ? fuzz_input_u32(input) : fuzz_input_u16(input);
    uint64_t value = 0;
    for (size_t i = 0; i < set->count && i < 32; i++)
        if (mask & (1u << i))
            value |= set->values[i].value;
    return value;
}

/* The dictionary path the selector picks (the two long ones included). */
static const char *dictionary_path(uint8_t selector)
{
    unsigned choice = selector % (PATH_DICTIONARY_COUNT + 2);
    if (choice == PATH_DICTIONARY_COUNT)
        return long_component;
    if (choice == PATH_DICTIONARY_COUNT + 1)
        return long_path;
    return path_dictionary[choice];
}

/*
 * A string argument: text when given (a dictionary's pick), else up to 63
 * raw bytes of the input while selector < 240, else a bad pointer.
 */
static void string_argument(struct fuzz_input *input, struct program_argument *argument, uint8_t selector,
                            const char *text)
{
    if (text) {
        argument->kind = ARGUMENT_STRING;
        argument->data = (const uint8_t *)text;
        argument->data_length = argument->length = (uint32_t)strlen(text);
    } else if (selector < 240) {
        size_t taken;
        argument->kind = ARGUMENT_STRING;
        argument->data = fuzz_input_bytes(input, fuzz_input_u8(input) % 64u, &taken);
        argument->data_length = argument->length = (uint32_t)taken;
    } else {
        bad_pointer(argument, selector);
    }
}

/* A struct built by the decoder: ARGUMENT_BYTES of length bytes. */
static void bytes_argument(struct program_argument *argument, const void *bytes, uint32_t length)
{
    argument->kind = ARGUMENT_BYTES;
    argument->length = length;
    memcpy(argument->bytes, bytes, length);
}

/* Seconds and sub-second parts that timers and timeouts treat differently. */
static const int64_t interesting_seconds[] = { 0, 0, 0, 1, 5, -1, 0, 100000, 0x7fffffffffffffff };
static const int64_t interesting_nanoseconds[] = { 0, 1, 1000000, 0, 0, 0, 999999999, 1000000000, -1 };
#define TIME_COUNT (sizeof interesting_seconds / sizeof interesting_seconds[0])

/* A timespec (or timeval: microseconds from the same table, /1000) chosen by the selector. */
static void time_pair(struct fuzz_input *input, uint8_t selector, bool microseconds, int64_t pair[2])
{
    if (selector % 16 < TIME_COUNT) {
        pair[0] = interesting_seconds[selector % 16];
        pair[1] = interesting_nanoseconds[selector % 16];
        if (microseconds && pair[1] > 0)
            pair[1] = pair[1] == 1000000000 ? 1000000 : pair[1] / 1000;
    } else {
        pair[0] = (int64_t)fuzz_input_u64(input);
        pair[1] = (int64_t)fuzz_input_u32(input);
    }
}

static const uint64_t signal_action_flags[] = {
    0x1 /* SA_NOCLDSTOP */, 0x2 /* SA_NOCLDWAIT */, 0x4 /* SA_SIGINFO */, 0x04000000 /* SA_RESTORER */,
    0x08000000 /* SA_ONSTACK */, 0x10000000 /* SA_RESTART */, 0x40000000 /* SA_NODEFER */,
    0x80000000 /* SA_RESETHAND */,
};

/* A struct sigaction (handler, flags, restorer, mask) chosen by the selector. */
static void signal_action(struct fuzz_input *input, uint8_t selector, struct program_argument *argument)
{
    uint64_t action[4];
    static const uint64_t handlers[] = { 0 /* SIG_DFL */, 1 /* SIG_IGN */, PROGRAM_HANDLER_ADDRESS,
                                         PROGRAM_HANDLER_ADDRESS, PROGRAM_HANDLER_ADDRESS };
    action[0] = selector % 8 < 5 ? handlers[selector % 8] : fuzz_input_u64(input);
    uint8_t flag_bits = fuzz_input_u8(input);
    action[1] = 0;
    for (unsigned i = 0; i < 8; i++)
        if (flag_bits & (1u << i))
            action[1] |= signal_action_flags[i];
    action[2] = PROGRAM_HANDLER_ADDRESS; /* the restorer: the handler's code returns through rt_sigreturn anyway */
    action[3] = fuzz_input_u64(input);   /* the mask */
    bytes_argument(argument, action, sizeof action);
}

/* Decode the argument at position of call index (its type from the description). */
static void decode_argument(struct fuzz_input *input, struct program *program, unsigned index,
                            unsigned position)
{
    const struct argument_description *type =
        &program->calls[index].description->arguments[position];
    struct program_argument *argument = &program->calls[index].arguments[position];
    uint8_t selector = fuzz_input_u8(input);
    memset(argument, 0, sizeof *argument);
    argument->kind = ARGUMENT_VALUE;
    switch (type->type) {
    case TYPE_INTEGER:
        if (selector < 128)
            argument->value = interesting_integers[selector % INTEGER_COUNT];
        else if (selector < 192)
            argument->value = selector - 128u;
        else
            argument->value = raw_value(input, selector);
        return;
    case TYPE_FD:
    case TYPE_DIRFD:
        if (type->type == TYPE_DIRFD && selector < 48) {
            argument->value = AT_FDCWD_VALUE;
            return;
        }
        if (pick_result(program, index, RESULT_FD, (uint8_t)(selector - (type->type == TYPE_DIRFD ? 48 : 0)),
                        (uint64_t)-1, argument))
            return;
        argument->value = selector >= 250 ? raw_value(input, selector) : interesting_fds[selector % FD_COUNT];
        return;
    case TYPE_PID:
        if (pick_result(program, index, RESULT_PID, selector, PROGRAM_PROCESS_PID, argument))
            return;
        argument->value = selector >= 250 ? raw_value(input, selector) : interesting_pids[selector % PID_COUNT];
        return;
    case TYPE_SIGNAL:
        argument->value = selector < 240 ? selector % 66u : raw_value(input, selector);
        return;
    case TYPE_PATH:
        string_argument(input, argument, selector, selector < 200 ? dictionary_path(selector) : NULL);
        return;
    case TYPE_FLAGS:
        argument->value = selector < 224 ? flags_value(input, type->values) : raw_value(input, selector);
        return;
    case TYPE_CHOICE:
        argument->value = selector < 224 && type->values->count > 0
                              ? type->values->values[selector % type->values->count].value
                              : raw_value(input, selector);
        return;
    case TYPE_MODE:
        argument->value = (fuzz_input_u16(input) & 07777u) | (selector < 128 ? 0 : file_types[selector % 8]);
        return;
    case TYPE_LENGTH:
        if (type->length_of && selector < 128) {
            argument->kind = ARGUMENT_LENGTH_OF;
            argument->reference = (uint8_t)(type->length_of - 1);
        } else if (selector < 224) {
            argument->value = interesting_lengths[selector % LENGTH_COUNT];
        } else {
            argument->value = raw_value(input, selector);
        }
        return;
    case TYPE_BUFFER_IN:
        if (selector < 224)
            input_data(input, argument, fuzz_input_u16(input) % (type->size + 1), PROGRAM_MAX_DATA);
        else
            bad_pointer(argument, selector);
        return;
    case TYPE_BUFFER_OUT:
        if (selector < 224) {
            argument->kind = ARGUMENT_OUTPUT;
            argument->length = selector < 160 ? type->size : selector % (type->size + 1);
        } else {
            bad_pointer(argument, selector);
        }
        return;
    case TYPE_IOVEC:
        if (selector < 224) {
            input_data(input, argument, fuzz_input_u16(input) % (type->size + 1), PROGRAM_MAX_DATA);
            argument->kind = ARGUMENT_IOVEC;
            argument->count = (uint8_t)(1 + selector % PROGRAM_MAX_IOVECS);
        } else {
            bad_pointer(argument, selector);
        }
        return;
    case TYPE_ADDRESS:
        if (pick_result(program, index, RESULT_ADDRESS, selector, 0, argument))
            return;
        argument->value = selector >= 240 ? raw_value(input, selector)
                                          : interesting_addresses[selector % ADDRESS_COUNT];
        return;
    case TYPE_STRING:
        string_argument(input, argument, selector,
                        selector < 200 && type->values->count > 0
                            ? type->values->values[selector % type->values->count].name
                            : NULL);
        return;
    case TYPE_TIMESPEC:
    case TYPE_TIMEVAL:
    case TYPE_ITIMERVAL:
        if (selector < 208) {
            int64_t times[4];
            time_pair(input, selector, type->type != TYPE_TIMESPEC, times);
            if (type->type == TYPE_ITIMERVAL)
                time_pair(input, fuzz_input_u8(input), true, times + 2);
            bytes_argument(argument, times, type->type == TYPE_ITIMERVAL ? 32 : 16);
        } else if (selector < 232) {
            argument->value = 0; /* NULL: block for ever, or no timer */
        } else {
            bad_pointer(argument, selector);
        }
        return;
    case TYPE_SIGACTION:
        if (selector < 208)
            signal_action(input, selector, argument);
        else if (selector < 232)
            argument->value = 0;
        else
            bad_pointer(argument, selector);
        return;
    case TYPE_POINTER:
        if (selector < 200)
            input_data(input, argument, type->size, type->size);
        else if (selector < 224)
            argument->value = 0; /* NULL is valid for most of these (an absent option) */
        else
            bad_pointer(argument, selector);
        return;
    }
}

/* See program.h. */
void program_decode(const uint8_t *data, size_t size, struct program *program)
{
    dictionary_init();
    struct fuzz_input input = fuzz_input_make(data, size);
    memset(program, 0, sizeof *program);
    program->thread_count = 1 + fuzz_input_u8(&input) % PROGRAM_MAX_THREADS;
    program->seed = fuzz_input_u32(&input);
    while (program->call_count < PROGRAM_MAX_CALLS && fuzz_input_remaining(&input) >= 2) {
        unsigned index = program->call_count;
        struct program_call *call = &program->calls[index];
        uint8_t placement = fuzz_input_u8(&input);
        call->thread = (uint8_t)((placement & 0x7f) % program->thread_count);
        call->yield_after = (placement & 0x80) != 0;
        call->description = &syscall_descriptions[fuzz_input_u8(&input) % syscall_description_count];
        program->call_count++;
        for (unsigned position = 0; position < call->description->argument_count; position++)
            decode_argument(&input, program, index, position);
    }
}
