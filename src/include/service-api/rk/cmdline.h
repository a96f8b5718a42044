/*
 * rk/cmdline.h — option lines such as the kernel command line (and, later,
 * mount options): space-separated words, each
 * "key=value" or a bare "flag"; a value may be double-quoted to hold
 * spaces ("init.args=\"-a b\""). Everything after a lone "--" belongs to init.
 */
#ifndef RK_CMDLINE_H
#define RK_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CMDLINE_MAX_LENGTH 2048
#define CMDLINE_MAX_OPTIONS 64

struct cmdline_option {
    const char *key;
    const char *value;  /* "" for a bare flag */
};

struct cmdline {
    char storage[CMDLINE_MAX_LENGTH];
    struct cmdline_option options[CMDLINE_MAX_OPTIONS];
    size_t option_count;
    const char *init_arguments;  /* text after "--", "" when none */
};

/*
 * Parse text into cmdline (which keeps its own copy). Returns 0, -E2BIG
 * (too long or too many options; the options that fit are kept) or
 * -EINVAL (an unterminated quote; the words before it are kept).
 */
int cmdline_parse(struct cmdline *cmdline, const char *text);
/* Value of the last option named key, NULL when absent. */
const char *cmdline_get(const struct cmdline *cmdline, const char *key);
bool cmdline_has(const struct cmdline *cmdline, const char *key);
/*
 * Parse key's value as an unsigned number (decimal, 0x hex, optional
 * K/M/G suffix). Returns 0, -ENOENT when absent, -EINVAL when malformed
 * or out of range.
 */
int cmdline_get_u64(const struct cmdline *cmdline, const char *key, uint64_t *value);

#endif
