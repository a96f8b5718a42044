/*
 * arguments.c — copying argv and envp out of the old image (or from
 * kernel arrays for init) into packed kernel strings, held to Linux's
 * limits: MAX_ARG_STRLEN per string and, for all of them, a quarter of
 * RLIMIT_STACK (at least ARG_MAX, at most 6 MiB) less the pointers.
 */
#include <rk/errno.h>
#include <rk/heap.h>
#include <rk/process.h>
#include <rk/string.h>
#include <rk/usercopy.h>

#include "exec_internal.h"

#define COPY_CHUNK 1024

void exec_arguments_release(struct exec_arguments *arguments)
{
    kfree(arguments->argv.data);
    kfree(arguments->envp.data);
    kfree(arguments->filename);
    *arguments = (struct exec_arguments){ 0 };
}

size_t exec_arguments_size(const struct exec_arguments *arguments)
{
    size_t filename = arguments->filename ? strlen(arguments->filename) + 1 : 0;
    return filename + arguments->argv.length + arguments->envp.length;
}

/* Make room for extra more bytes in strings. Returns 0 or -ENOMEM. */
static int strings_reserve(struct exec_strings *strings, size_t extra)
{
    if (strings->length + extra <= strings->capacity)
        return 0;
    size_t capacity = strings->capacity ? strings->capacity : 256;
    while (capacity < strings->length + extra)
        capacity *= 2;
    char *data = kmalloc(capacity);
    if (!data)
        return -ENOMEM;
    if (strings->length)
        memcpy(data, strings->data, strings->length);
    kfree(strings->data);
    strings->data = data;
    strings->capacity = capacity;
    return 0;
}

int exec_strings_append(struct exec_strings *strings, const char *text, size_t length)
{
    if (length + 1 > EXEC_ARGUMENT_STRING_MAX)
        return -E2BIG;
    int error = strings_reserve(strings, length + 1);
    if (error < 0)
        return error;
    memcpy(strings->data + strings->length, text, length);
    strings->data[strings->length + length] = '\0';
    strings->length += length + 1;
    strings->count++;
    return 0;
}

int exec_strings_prepend(struct exec_strings *strings, const char *text, size_t length)
{
    if (length + 1 > EXEC_ARGUMENT_STRING_MAX)
        return -E2BIG;
    int error = strings_reserve(strings, length + 1);
    if (error < 0)
        return error;
    if (strings->length)
        memmove(strings->data + length + 1, strings->data, strings->length);
    memcpy(strings->data, text, length);
    strings->data[length] = '\0';
    strings->length += length + 1;
    strings->count++;
    return 0;
}

void exec_strings_remove_first(struct exec_strings *strings)
{
    if (strings->count == 0)
        return;
    size_t first = strlen(strings->data) + 1;
    memmove(strings->data, strings->data + first, strings->length - first);
    strings->length -= first;
    strings->count--;
}

/*
 * Count the entries of source before its NULL. Returns the count, -EFAULT
 * for an unreadable user array, -E2BIG past MAX_ARG_STRINGS.
 */
static long strings_count(const struct exec_string_source *source)
{
    long count = 0;
    if (source->kernel_array) {
        while (source->kernel_array[count])
            count++;
        return count;
    }
    if (!source->user_array)
        return 0;
    for (;;) {
        uint64_t pointer;
        if (copy_from_user(&pointer, source->user_array + (uintptr_t)count * 8, 8) < 0)
            return -EFAULT;
        if (!pointer)
            return count;
        if (++count > EXEC_STRINGS_MAX)
            return -E2BIG;
    }
}

/*
 * Copy the user string at address onto the end of strings. Returns 0,
 * -EFAULT, -E2BIG (over MAX_ARG_STRLEN, or *room exhausted) or -ENOMEM.
 * *room is the byte budget left; it shrinks by what was added.
 */
static int strings_append_user(struct exec_strings *strings, uintptr_t address, size_t *room)
{
    size_t start = strings->length;
    int error = 0;
    for (;;) {
        error = strings_reserve(strings, COPY_CHUNK);
        if (error < 0)
            break;
        long copied = copy_string_from_user(strings->data + strings->length, address, COPY_CHUNK);
        if (copied == -EFAULT) {
            error = -EFAULT;
            break;
        }
        /* A string longer than the chunk: keep its first COPY_CHUNK - 1 bytes and go on. */
        size_t got = copied >= 0 ? (size_t)copied + 1 : COPY_CHUNK - 1;
        strings->length += got;
        address += got;
        size_t total = strings->length - start;
        if (total > EXEC_ARGUMENT_STRING_MAX || total > *room) {
            error = -E2BIG;
            break;
        }
        if (copied >= 0) {
            *room -= total;
            strings->count++;
            return 0;
        }
    }
    strings->length = start;
    return error;
}

/*
 * Copy count strings of source onto strings within *room bytes.
 * Returns 0 or -errno.
 */
static int strings_copy(struct exec_strings *strings, const struct exec_string_source *source,
                        long count, size_t *room)
{
    for (long i = 0; i < count; i++) {
        int error;
        if (source->kernel_array) {
            size_t length = strlen(source->kernel_array[i]);
            if (length + 1 > *room)
                return -E2BIG;
            error = exec_strings_append(strings, source->kernel_array[i], length);
            if (error == 0)
                *room -= length + 1;
        } else {
            uint64_t pointer;
            if (copy_from_user(&pointer, source->user_array + (uintptr_t)i * 8, 8) < 0)
                return -EFAULT;
            error = strings_append_user(strings, (uintptr_t)pointer, room);
        }
        if (error < 0)
            return error;
    }
    return 0;
}

/* Linux's bprm_stack_limits(): the bytes all strings and pointers may take. */
static size_t arguments_limit(struct process *process)
{
    uint64_t stack_limit = EXEC_STACK_SIZE_DEFAULT;
    if (process && process->limits[RLIMIT_STACK].current != 0)
        stack_limit = process->limits[RLIMIT_STACK].current;
    uint64_t limit = EXEC_ARGUMENTS_MAXIMUM;
    if (stack_limit / 4 < limit)
        limit = stack_limit / 4;
    if (limit < EXEC_ARGUMENTS_MINIMUM)
        limit = EXEC_ARGUMENTS_MINIMUM;
    return (size_t)limit;
}

int exec_arguments_collect(struct exec_arguments *arguments, const struct exec_request *request,
                           const char *filename, struct process *process)
{
    *arguments = (struct exec_arguments){ 0 };
    long argument_count = strings_count(&request->arguments);
    if (argument_count < 0)
        return (int)argument_count;
    long environment_count = strings_count(&request->environment);
    if (environment_count < 0)
        return (int)environment_count;

    size_t limit = arguments_limit(process);
    size_t pointers = ((argument_count > 0 ? (size_t)argument_count : 1) + (size_t)environment_count) * 8;
    if (limit <= pointers)
        return -E2BIG;
    limit -= pointers;
    arguments->limit = limit;

    size_t filename_length = strlen(filename);
    if (filename_length + 1 > EXEC_ARGUMENT_STRING_MAX || filename_length + 1 > limit)
        return -E2BIG;
    arguments->filename = kmalloc(filename_length + 1);
    if (!arguments->filename)
        return -ENOMEM;
    memcpy(arguments->filename, filename, filename_length + 1);
    size_t room = limit - (filename_length + 1);

    int error = strings_copy(&arguments->envp, &request->environment, environment_count, &room);
    if (error == 0)
        error = strings_copy(&arguments->argv, &request->arguments, argument_count, &room);
    if (error == 0 && arguments->argv.count == 0) {
        /* Linux 5.18+: a NULL or empty argv runs with argv = {""}. */
        error = room >= 1 ? exec_strings_append(&arguments->argv, "", 0) : -E2BIG;
    }
    if (error < 0)
        exec_arguments_release(arguments);
    return error;
}
