/*
 * campaign_hosted.c — one batch of a fault-injection campaign on the
 * hosted kernel (tools/fault-campaign runs many of them as child
 * processes): boot in-process, give the boot thread a process with user
 * memory, install injection rules for the services the workload uses,
 * then run workload steps through syscall_dispatch() — files on tmpfs,
 * /proc, /dev/null and /dev/zero, the console's tty, pipes, AF_UNIX and
 * TCP/UDP loopback sockets — each checking its result against what it
 * must be.
 *
 * Every step prints one line:
 *   step N NAME outcome=ok|error|mismatch|timeout errno=E injected=+I manifested=+M recovered=0|1
 *        [detail=...]
 * and the batch ends with
 *   batch injected=.. manifested=.. contained=.. restarts=.. failed_restarts=.. given_up=.. hangs=..
 * (the kernel's counters) and "batch-end" (the tool checks that it came:
 * a Core crash or a hang ends the process before it). Between steps the
 * driver waits (bounded) for dead services to run again; one that does not
 * is reported as "hang service=NAME" and ends the batch.
 *
 * Usage: campaign-hosted --seed S --steps N --rules RULES [--watchdog-ms W]
 *                        [--wait-ms W] [--first-step K] [--restart POLICY] [--verbose]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rk/containment.h>
#include <rk/errno.h>
#include <rk/fault_injection.h>
#include <rk/file.h>
#include <rk/mm.h>
#include <rk/path.h>
#include <rk/process.h>
#include <rk/services.h>
#include <rk/syscall.h>
#include <rk/thread.h>
#include "hosted.h"

#include "campaign.h"

#define MILLISECOND 1000000ull

struct options {
    unsigned long long seed;
    unsigned long steps;
    unsigned long first_step;
    const char *rules;
    const char *restart;
    unsigned watchdog_ms;
    unsigned wait_ms;
    bool verbose;
};

static struct options options = {.seed = 1, .steps = 200, .rules = "", .restart = "",
                                  .watchdog_ms = 200, .wait_ms = 10000};

/* ------------------------------------------------------------- the batch */

static const char *const outcome_names[] = {"ok", "error", "mismatch", "timeout"};

/* The errno name of a negative result, or its number when it has none. */
static const char *errno_label(long error)
{
    static char number[24];
    static const struct {
        long error;
        const char *name;
    } network_errors[] = {{-ECONNRESET, "ECONNRESET"}, {-ECONNREFUSED, "ECONNREFUSED"},
                          {-ENOTCONN, "ENOTCONN"},     {-ECONNABORTED, "ECONNABORTED"},
                          {-EINPROGRESS, "EINPROGRESS"}, {-EADDRINUSE, "EADDRINUSE"},
                          {-CAMPAIGN_EBADMSG, "EBADMSG"}};
    for (size_t i = 0; i < sizeof network_errors / sizeof network_errors[0]; i++)
        if (network_errors[i].error == error)
            return network_errors[i].name;
    const char *name = errno_name((int)error);
    if (name && name[0] == 'E' && name[1] != '?')
        return name;
    snprintf(number, sizeof number, "%ld", error);
    return number;
}

/* Every registered service (all kinds) into out; returns how many. */
static size_t all_services(struct service **out, size_t max)
{
    size_t count = 0;
    for (unsigned kind = 0; kind < SERVICE_KIND_COUNT && count < max; kind++)
        count += services_list((enum service_kind)kind, out + count, max - count);
    return count;
}

/*
 * Wait (bounded) for every dead service to run again. Returns false after
 * printing "hang service=NAME" when one does not come back in time.
 * Given-up services are reported once each ("given-up service=NAME").
 */
static bool wait_for_services(void)
{
    static bool reported_given_up[64];
    struct service *services[64];
    size_t count = all_services(services, 64);
    for (size_t i = 0; i < count; i++) {
        struct service *service = services[i];
        if (service->status == SERVICE_DEAD &&
            service_wait_running(service, (uint64_t)options.wait_ms * MILLISECOND) < 0) {
            printf("hang service=%s status=%d\n", service->name, (int)service->status);
            return false;
        }
        if (service->status == SERVICE_FAILED && !reported_given_up[i]) {
            reported_given_up[i] = true;
            printf("given-up service=%s after step %lu\n", service->name, current_step);
        }
    }
    return true;
}

/* The kernel's counters in one line. */
static void print_counters(const char *prefix)
{
    struct containment_statistics s;
    containment_get_statistics(&s);
    printf("%s injected=%llu manifested=%llu contained=%llu restarts=%llu failed_restarts=%llu "
           "given_up=%llu dead_calls=%llu reclaimed_instances=%llu\n",
           prefix, (unsigned long long)s.injected, (unsigned long long)s.manifested,
           (unsigned long long)s.contained, (unsigned long long)s.restarts,
           (unsigned long long)s.failed_restarts, (unsigned long long)s.given_up,
           (unsigned long long)s.dead_calls, (unsigned long long)s.reclaimed_instances);
}

/* pid 1 ended: nothing to do. */
static void init_exited(int wait_status) { (void)wait_status; }

/* The machine powered off or halted mid-batch: a Core crash for the tool. */
static void unexpected_power_off(int status)
{
    printf("KERNEL POWER OFF status=%d during step %lu\n", status, current_step);
    fflush(stdout);
    _exit(status == 0 ? 71 : status);
}

/* Boot, make pid 1 on this thread with user memory, install the rules. Exits on failure. */
static void boot(void)
{
    char command_line[512];
    snprintf(command_line, sizeof command_line,
             "loglevel=%d rk.fault_seed=%llu rk.watchdog_ms=%u %s%s", options.verbose ? 6 : 4,
             options.seed, options.watchdog_ms, options.restart[0] ? "rk.restart=" : "",
             options.restart);
    int error = hosted_test_boot(command_line);
    if (error < 0) {
        fprintf(stderr, "campaign: boot failed: %d\n", error);
        exit(2);
    }
    if (hosted_faults_install() < 0) {
        fprintf(stderr, "campaign: cannot install the fault handlers\n");
        exit(2);
    }
    hosted_set_exit_handler(unexpected_power_off);
    process_set_init_exit_handler(init_exited);
    struct process *init = process_create("init", 0, true);
    if (!init) {
        fprintf(stderr, "campaign: cannot make pid 1\n");
        exit(2);
    }
    process_attach_thread(init, thread_current());
    process_put(init);
    mm_activate(init->mm);
    if (mm_map(init->mm, USER_BASE, USER_SIZE, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0) != (long)USER_BASE) {
        fprintf(stderr, "campaign: cannot map user memory\n");
        exit(2);
    }
    /* Descriptors 0-2 as a process has them: the console. */
    user_reset();
    for (int fd = 0; fd < 3; fd++)
        call(SYS_openat, AT_FDCWD, (long)user_text("/dev/console"), O_RDWR | O_NOCTTY, 0);
    if (options.rules[0]) {
        char seed_command[64];
        snprintf(seed_command, sizeof seed_command, "seed %llu", options.seed);
        if (fault_injection_command(seed_command, strlen(seed_command)) < 0 ||
            fault_injection_command(options.rules, strlen(options.rules)) < 0) {
            fprintf(stderr, "campaign: bad rules: %s\n", options.rules);
            exit(2);
        }
    }
}

/* Parse the command line into options. Exits on a bad one. */
static void parse(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *argument = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argument, "--verbose") == 0) {
            options.verbose = true;
            continue;
        }
        if (!value) {
            fprintf(stderr, "campaign: %s needs a value\n", argument);
            exit(2);
        }
        i++;
        if (strcmp(argument, "--seed") == 0)
            options.seed = strtoull(value, NULL, 0);
        else if (strcmp(argument, "--steps") == 0)
            options.steps = strtoul(value, NULL, 0);
        else if (strcmp(argument, "--first-step") == 0)
            options.first_step = strtoul(value, NULL, 0);
        else if (strcmp(argument, "--rules") == 0)
            options.rules = value;
        else if (strcmp(argument, "--restart") == 0)
            options.restart = value;
        else if (strcmp(argument, "--watchdog-ms") == 0)
            options.watchdog_ms = (unsigned)strtoul(value, NULL, 0);
        else if (strcmp(argument, "--wait-ms") == 0)
            options.wait_ms = (unsigned)strtoul(value, NULL, 0);
        else {
            fprintf(stderr, "campaign: unknown option %s\n", argument);
            exit(2);
        }
    }
}

/*
 * One batch: boot, run options.steps workload steps (one line each), wait for
 * dead services between them, print the counters and "batch-end". Exits 0
 * unless the setup failed (2, 3); a kernel panic ends the process on its own.
 */
int main(int argc, char **argv)
{
    parse(argc, argv);
    setvbuf(stdout, NULL, _IOLBF, 0);
    boot();
    struct containment_statistics before, after;
    bool recovered = false;   /* some service restarted since the batch began */
    for (unsigned long n = 0; n < options.steps; n++) {
        current_step = options.first_step + n;
        const struct step *step = &campaign_steps[current_step % campaign_step_kinds];
        struct step_result result = {.outcome = OUTCOME_OK};
        user_reset();
        containment_get_statistics(&before);
        step->run(&result);
        close_leftovers();
        containment_get_statistics(&after);
        printf("step %lu %s outcome=%s errno=%s injected=+%llu manifested=+%llu recovered=%d%s%s\n",
               current_step, step->name, outcome_names[result.outcome],
               result.error < 0 ? errno_label(result.error) : "0",
               (unsigned long long)(after.injected - before.injected),
               (unsigned long long)(after.manifested - before.manifested), recovered ? 1 : 0,
               result.outcome != OUTCOME_OK ? " detail=" : "",
               result.outcome != OUTCOME_OK ? result.detail : "");
        if (!wait_for_services()) {
            print_counters("batch");
            printf("batch-end hang\n");
            return 0;
        }
        struct containment_statistics now;
        containment_get_statistics(&now);
        if (now.restarts > 0 || now.failed_restarts > 0 || now.given_up > 0)
            recovered = true;
    }
    fault_injection_command("clear", 5);
    print_counters("batch");
    printf("batch-end ok\n");
    fflush(stdout);
    return 0;
}
