/*
 * selftest.c — the runner for in-kernel self-tests ("rk.test=").
 */
#include <rk/klog.h>
#include <rk/selftest.h>
#include <rk/string.h>

#include "selftests.h"

/* The trivial test: the kernel booted this far. */
static int selftest_boot(void) { return 0; }

const struct selftest selftests[] = {
    { .name = "boot", .run = selftest_boot },
    { .name = "heap", .run = selftest_heap },
    { .name = "pages", .run = selftest_pages },
    { .name = "threads", .run = selftest_threads },
    { .name = "waitqueue", .run = selftest_waitqueue },
    { .name = "sched-policy", .run = selftest_sched_policy },
    { .name = "timers", .run = selftest_timers },
    { .name = "sleep", .run = selftest_sleep },
    { .name = "registry", .run = selftest_registry },
    { .name = "address-space", .run = selftest_address_space },
    { .name = "tree", .run = selftest_tree },
};
const unsigned selftest_count = sizeof selftests / sizeof selftests[0];

/* True when name appears in the comma-separated selection (or it is "all"). */
static bool selected(const char *selection, const char *name)
{
    if (strcmp(selection, "all") == 0)
        return true;
    size_t length = strlen(name);
    for (const char *cursor = selection; *cursor;) {
        const char *comma = strchr(cursor, ',');
        size_t word = comma ? (size_t)(comma - cursor) : strlen(cursor);
        if (word == length && strncmp(cursor, name, length) == 0)
            return true;
        cursor += word + (comma ? 1 : 0);
    }
    return false;
}

/* True when every word of the selection names a test. */
static bool selection_is_valid(const char *selection)
{
    if (strcmp(selection, "all") == 0)
        return true;
    for (const char *cursor = selection; *cursor;) {
        const char *comma = strchr(cursor, ',');
        size_t word = comma ? (size_t)(comma - cursor) : strlen(cursor);
        bool known = false;
        for (unsigned i = 0; i < selftest_count; i++)
            if (strlen(selftests[i].name) == word && strncmp(cursor, selftests[i].name, word) == 0)
                known = true;
        if (!known) {
            console_printf("selftest: unknown test '%.*s'\n", (int)word, cursor);
            return false;
        }
        cursor += word + (comma ? 1 : 0);
    }
    return true;
}

int selftest_run(const char *selection)
{
    if (!selection_is_valid(selection))
        return -1;
    unsigned passed = 0, failed = 0;
    for (unsigned i = 0; i < selftest_count; i++) {
        if (!selected(selection, selftests[i].name))
            continue;
        int result = selftests[i].run();
        console_printf("selftest %s: %s\n", selftests[i].name, result == 0 ? "PASS" : "FAIL");
        if (result == 0)
            passed++;
        else
            failed++;
    }
    console_printf("selftest summary: %u passed, %u failed\n", passed, failed);
    return (int)failed;
}
