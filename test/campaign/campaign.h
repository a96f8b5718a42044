/*
 * campaign.h — the hosted fault campaign's driver (campaign_hosted.c), its
 * workload steps (campaign_steps.c) and what they share (campaign_support.c):
 * user memory of pid 1, syscalls through syscall_dispatch(), results.
 */
#ifndef CAMPAIGN_H
#define CAMPAIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define USER_BASE ((uintptr_t)0x20000000)
#define USER_SIZE ((size_t)256 * 1024)
#define BUFFER_SIZE 8192

#define CAMPAIGN_AF_UNIX 1
#define CAMPAIGN_AF_INET 2
#define CAMPAIGN_TCGETS 0x5401
#define CAMPAIGN_EBADMSG 74   /* data came back different */

/* What one step saw. */
enum outcome { OUTCOME_OK, OUTCOME_ERROR, OUTCOME_MISMATCH, OUTCOME_TIMEOUT };

struct step_result {
    enum outcome outcome;
    long error;            /* the first failing call's result (negative errno) */
    char detail[240];      /* which call or check failed */
};

/* One kind of workload step. */
struct step {
    const char *name;
    void (*run)(struct step_result *result);
};

extern const struct step campaign_steps[];
extern const size_t campaign_step_kinds;
/* The running step's number (patterns and names depend on it). */
extern unsigned long current_step;
/* The keep step's long-lived descriptors (-1 when not open): close_leftovers() spares them. */
extern long keep_file, keep_pair[2], keep_tcp[2];

/* Forget every user allocation (at the start of a step). */
void user_reset(void);
/* length bytes of user memory (16-aligned), filled from data when not NULL; exits when full. */
uintptr_t user_put(const void *data, size_t length);
/* A NUL-terminated copy of text in user memory. */
uintptr_t user_text(const char *text);
/* Copy length bytes of user memory at address into out. */
void user_get(void *out, uintptr_t address, size_t length);

/* call(SYS_x, a0, ...): a syscall through the dispatch entry; the result or a negative errno. */
#define call(number, ...) call_array((number), (const long[6]){__VA_ARGS__})
long call_array(long number, const long arguments[6]);

/* Record a failed check in result (the first one wins); returns false. */
bool fail(struct step_result *result, enum outcome outcome, long error, const char *format, ...)
    __attribute__((format(printf, 4, 5)));
/* A call that must succeed: true, or the failure recorded. */
bool succeeded(struct step_result *result, long value, const char *what);
/* A call that must return exactly expected: true, or the failure recorded. */
bool returned(struct step_result *result, long value, long expected, const char *what);
/* True when fd is one of the keep step's descriptors. */
bool kept(long fd);
/* Close every descriptor above 2 but the kept ones. */
void close_leftovers(void);
/* Wait (2 s at most) until fd is ready for events: true, or a timeout recorded. */
bool wait_ready(struct step_result *result, long fd, short events, const char *what);
/* A pattern of length bytes that depends on current_step and salt. */
void fill_pattern(unsigned char *out, size_t length, unsigned salt);
/* Write length pattern bytes to writer, read them back from reader, compare: true or recorded. */
bool exchange(struct step_result *result, long writer, long reader, size_t length, unsigned salt,
              bool poll_first, const char *what);

#endif
