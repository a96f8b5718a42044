/*
 * campaign_support.c — what the hosted campaign's steps share (campaign.h):
 * user memory of pid 1, syscalls through the dispatch entry, recording a
 * step's first failure, bounded waits and checked data exchanges.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rk/errno.h>
#include <rk/poll.h>
#include <rk/syscall.h>
#include <rk/usercopy.h>

#include "campaign.h"

static uintptr_t user_next;
unsigned long current_step;

/* Forget every user allocation (at the start of a step). */
void user_reset(void) { user_next = USER_BASE; }

/* length bytes of user memory (16-aligned), filled from data when not NULL. */
uintptr_t user_put(const void *data, size_t length)
{
    size_t rounded = (length + 15) & ~(size_t)15;
    if (user_next + rounded > USER_BASE + USER_SIZE) {
        fprintf(stderr, "campaign: user memory exhausted\n");
        exit(3);
    }
    uintptr_t address = user_next;
    user_next += rounded;
    if (data && copy_to_user(address, data, length) != 0) {
        fprintf(stderr, "campaign: copy_to_user failed\n");
        exit(3);
    }
    return address;
}

/* A NUL-terminated copy of text in user memory. */
uintptr_t user_text(const char *text) { return user_put(text, strlen(text) + 1); }

/* Copy length bytes of user memory at address into out. */
void user_get(void *out, uintptr_t address, size_t length)
{
    if (copy_from_user(out, address, length) != 0) {
        fprintf(stderr, "campaign: copy_from_user failed\n");
        exit(3);
    }
}

/* A syscall through the dispatch entry: the result or a negative errno. */
static long call6(long number, long a0, long a1, long a2, long a3, long a4, long a5)
{
    const uint64_t arguments[SYSCALL_ARGUMENTS] = {(uint64_t)a0, (uint64_t)a1, (uint64_t)a2,
                                                   (uint64_t)a3, (uint64_t)a4, (uint64_t)a5};
    return syscall_dispatch((unsigned long)number, arguments);
}
/* call()'s function: up to six arguments, the rest zero. */
long call_array(long number, const long a[6])
{
    return call6(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* ------------------------------------------------------- step bookkeeping */

/*
 * Record a failed check in result (the first one wins) and return false,
 * so that steps read: if (!expect(...)) goto done;
 */
bool fail(struct step_result *result, enum outcome outcome, long error, const char *format,
                 ...)
{
    if (result->outcome != OUTCOME_OK)
        return false;
    result->outcome = outcome;
    result->error = error;
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(result->detail, sizeof result->detail, format, arguments);
    va_end(arguments);
    return false;
}

/* A call that must succeed: true, or the failure recorded. */
bool succeeded(struct step_result *result, long value, const char *what)
{
    if (value >= 0)
        return true;
    return fail(result, value == -ETIMEDOUT ? OUTCOME_TIMEOUT : OUTCOME_ERROR, value, "%s", what);
}

/* A call that must return exactly expected. */
bool returned(struct step_result *result, long value, long expected, const char *what)
{
    if (value == expected)
        return true;
    if (value < 0)
        return succeeded(result, value, what);
    return fail(result, OUTCOME_MISMATCH, value, "%s gave %ld, not %ld", what, value, expected);
}

/* Long-lived state the "keep" step checks across restarts: a file, an open descriptor of it, pairs. */
long keep_file = -1, keep_pair[2] = {-1, -1}, keep_tcp[2] = {-1, -1};

/* True when fd is one of the long-lived descriptors. */
bool kept(long fd)
{
    return fd == keep_file || fd == keep_pair[0] || fd == keep_pair[1] || fd == keep_tcp[0] ||
           fd == keep_tcp[1];
}

/* Close every descriptor above 2 but the long-lived ones (a step's leftovers after a failure). */
void close_leftovers(void)
{
    for (long fd = 3; fd < 64; fd++)
        if (!kept(fd))
            call(SYS_close, fd);
}

/* Wait until fd is ready for events (bounded): true, or a timeout recorded. */
bool wait_ready(struct step_result *result, long fd, short events, const char *what)
{
    struct {
        int fd;
        short events;
        short revents;
    } poll_entry = {(int)fd, events, 0};
    uintptr_t entry = user_put(&poll_entry, sizeof poll_entry);
    long ready = call(SYS_poll, (long)entry, 1, 2000);
    if (ready < 0)
        return succeeded(result, ready, what);
    if (ready == 0)
        return fail(result, OUTCOME_TIMEOUT, -ETIMEDOUT, "%s: poll timed out", what);
    return true;
}

/* A pattern of length bytes that depends on the step and salt. */
void fill_pattern(unsigned char *out, size_t length, unsigned salt)
{
    uint32_t x = (uint32_t)(current_step * 2654435761u) ^ salt;
    for (size_t i = 0; i < length; i++) {
        x = x * 1103515245u + 12345u;
        out[i] = (unsigned char)(x >> 16);
    }
}

/* Write length bytes of pattern to fd and read them back from reader: compared. */
bool exchange(struct step_result *result, long writer, long reader, size_t length,
                     unsigned salt, bool poll_first, const char *what)
{
    static unsigned char sent[BUFFER_SIZE], got[BUFFER_SIZE];
    fill_pattern(sent, length, salt);
    uintptr_t out = user_put(sent, length);
    uintptr_t in = user_put(NULL, length);
    if (!returned(result, call(SYS_write, writer, (long)out, (long)length), (long)length, what))
        return false;
    size_t received = 0;
    while (received < length) {
        if (poll_first && !wait_ready(result, reader, POLLIN, what))
            return false;
        long count = call(SYS_read, reader, (long)(in + received), (long)(length - received));
        if (count == 0)
            return fail(result, OUTCOME_MISMATCH, 0, "%s: end of file after %zu bytes", what,
                        received);
        if (!succeeded(result, count, what))
            return false;
        received += (size_t)count;
    }
    user_get(got, in, length);
    if (memcmp(sent, got, length) != 0)
        return fail(result, OUTCOME_MISMATCH, 0, "%s: data differs", what);
    return true;
}
