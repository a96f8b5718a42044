/*
 * supervisor.c — restarting dead services (rk/containment.h): the restart
 * policy from rk.restart=, exponential backoff, giving up, and the
 * supervisor thread that does the restarts and reclaims dead instances.
 *
 * rk.restart=RULE[,RULE...], RULE = NAME:on|off[:MAX[:BACKOFF_MS]] where
 * NAME is a service name or "all"; later rules win. Defaults: on, 5
 * consecutive faulting instances, 10 ms first delay (doubled per
 * consecutive fault, at most 5 s). rk.watchdog_ms=N (0: off; default
 * 20000): a crossing that runs N ms without entering or leaving any
 * crossing and without a context switch is a watchdog fault.
 * rk.containment=on|panic (default on): panic makes every service fault a
 * kernel panic.
 */
#include <rk/cmdline.h>
#include <rk/containment.h>
#include <rk/errno.h>
#include <rk/fault_injection.h>
#include <rk/kernel.h>
#include <rk/klog.h>
#include <rk/sched.h>
#include <rk/string.h>
#include <rk/thread.h>
#include <rk/waitqueue.h>

#include "containment_internal.h"

#define DEFAULT_MAX_RESTARTS 5
#define DEFAULT_BACKOFF_MS 10
#define MAX_BACKOFF_MS 5000
#define DEFAULT_WATCHDOG_MS 20000   /* Linux's soft-lockup threshold */
#define RESTART_RULES_MAX 16

struct restart_rule {
    char name[32];                 /* "" for all */
    struct service_restart_policy policy;
};

uint64_t containment_watchdog_ns = (uint64_t)DEFAULT_WATCHDOG_MS * 1000000;
bool containment_enabled = true;
static struct restart_rule restart_rules[RESTART_RULES_MAX];
static size_t restart_rule_count;

static struct thread *supervisor_thread;
static struct wait_queue supervisor_queue;
static bool supervisor_work;       /* kicked since it last looked */
/* Dead services waiting for their restart (service->dead_link), in death order. */
static struct list_node dead_services = LIST_HEAD_INIT(dead_services);

/* The default policy. */
static struct service_restart_policy default_policy(void)
{
    return (struct service_restart_policy){
        .enabled = true, .max_restarts = DEFAULT_MAX_RESTARTS, .backoff_ms = DEFAULT_BACKOFF_MS};
}

/* See containment_internal.h. */
void service_policy_apply(struct service *service)
{
    service->policy = default_policy();
    for (size_t i = 0; i < restart_rule_count; i++)
        if (!restart_rules[i].name[0] || strcmp(restart_rules[i].name, service->name) == 0)
            service->policy = restart_rules[i].policy;
}

/* Parse one rk.restart= rule of length bytes; 0 or -EINVAL. */
static int parse_restart_rule(const char *text, size_t length, struct restart_rule *rule)
{
    char copy[96];
    if (length == 0 || length >= sizeof copy)
        return -EINVAL;
    memcpy(copy, text, length);
    copy[length] = '\0';
    char *fields[4] = {copy, NULL, NULL, NULL};
    size_t count = 1;
    for (char *cursor = copy; *cursor; cursor++) {
        if (*cursor == ':') {
            if (count == 4)
                return -EINVAL;
            *cursor = '\0';
            fields[count++] = cursor + 1;
        }
    }
    if (count < 2 || strlen(fields[0]) >= sizeof rule->name)
        return -EINVAL;
    rk_strlcpy(rule->name, strcmp(fields[0], "all") == 0 ? "" : fields[0], sizeof rule->name);
    rule->policy = default_policy();
    if (strcmp(fields[1], "on") == 0)
        rule->policy.enabled = true;
    else if (strcmp(fields[1], "off") == 0)
        rule->policy.enabled = false;
    else
        return -EINVAL;
    uint64_t value;
    if (count > 2) {
        if (containment_parse_decimal(fields[2], strlen(fields[2]), &value) < 0 || value > 1000000)
            return -EINVAL;
        rule->policy.max_restarts = (unsigned)value;
    }
    if (count > 3) {
        if (containment_parse_decimal(fields[3], strlen(fields[3]), &value) < 0 || value > MAX_BACKOFF_MS)
            return -EINVAL;
        rule->policy.backoff_ms = (unsigned)value;
    }
    return 0;
}

/* Apply rk.restart=. */
static void configure_restart(const char *text)
{
    while (text && *text) {
        const char *end = strchr(text, ',');
        size_t length = end ? (size_t)(end - text) : strlen(text);
        struct restart_rule rule;
        if (restart_rule_count == RESTART_RULES_MAX || parse_restart_rule(text, length, &rule) < 0)
            klog(KLOG_WARNING, "rk.restart: cannot use \"%.*s\" (NAME:on|off[:MAX[:BACKOFF_MS]])",
                 (int)length, text);
        else
            restart_rules[restart_rule_count++] = rule;
        text = end ? end + 1 : NULL;
    }
}

void containment_configure(const struct cmdline *cmdline)
{
    configure_restart(cmdline_get(cmdline, "rk.restart"));
    const char *mode = cmdline_get(cmdline, "rk.containment");
    if (mode && strcmp(mode, "panic") == 0)
        containment_enabled = false;
    else if (mode && strcmp(mode, "on") != 0)
        klog(KLOG_WARNING, "rk.containment=%s: not on or panic, keeping on", mode);
    uint64_t value;
    if (cmdline_has(cmdline, "rk.watchdog_ms")) {
        if (cmdline_get_u64(cmdline, "rk.watchdog_ms", &value) < 0 || value > 3600000)
            klog(KLOG_WARNING, "rk.watchdog_ms: not a number of milliseconds, keeping %llu",
                 (unsigned long long)(containment_watchdog_ns / 1000000));
        else
            containment_watchdog_ns = value * 1000000;
    }
    const char *seed = cmdline_get(cmdline, "rk.fault_seed");
    if (seed) {
        char command[40] = "seed ";
        rk_strlcpy(command + 5, seed, sizeof command - 5);
        if (fault_injection_command(command, strlen(command)) < 0)
            klog(KLOG_WARNING, "rk.fault_seed: not a number");
    }
    const char *rules = cmdline_get(cmdline, "rk.inject");
    if (rules && fault_injection_command(rules, strlen(rules)) < 0)
        klog(KLOG_WARNING, "rk.inject: rules not applied");
}

void containment_reset(void)
{
    restart_rule_count = 0;
    containment_enabled = true;
    containment_watchdog_ns = (uint64_t)DEFAULT_WATCHDOG_MS * 1000000;
    memset(&containment_statistics, 0, sizeof containment_statistics);
    fault_injection_reset();
    service_instances_reset();
    list_init(&dead_services);
    wait_queue_init(&supervisor_queue);
    supervisor_thread = NULL;
    supervisor_work = false;
}

void containment_supervisor_kick(void)
{
    supervisor_work = true;
    wait_queue_wake_all(&supervisor_queue);
}

/* The delay before the next restart of service, from its consecutive faults. */
static uint64_t backoff_ns(const struct service *service)
{
    unsigned shift = service->consecutive_faults > 0 ? service->consecutive_faults - 1 : 0;
    uint64_t milliseconds = service->policy.backoff_ms;
    milliseconds = shift >= 20 ? MAX_BACKOFF_MS : milliseconds << shift;
    if (milliseconds > MAX_BACKOFF_MS)
        milliseconds = MAX_BACKOFF_MS;
    return milliseconds * 1000000;
}

/* Give service up: it stays failed until rebooted. Interrupts disabled or not. */
static void give_up(struct service *service, const char *why)
{
    service->status = SERVICE_FAILED;
    service->counters.given_up++;
    containment_statistics.given_up++;
    klog(KLOG_ERROR, "service %s/%s: given up (%s); its calls fail with EIO",
         service_kind_name(service->kind), service->name, why);
}

void containment_instance_fault(struct service_instance *instance)
{
    struct service *service = instance->service;
    bool current = service->instance == instance;
    service_instance_kill(instance);
    /* A first start that faults is a failed registration (services_register says so), not a restart. */
    if (!current || service->status == SERVICE_UNREGISTERED || !service->registered)
        return;
    service->consecutive_faults++;
    if (!service->policy.enabled) {
        give_up(service, "restart is off");
        return;
    }
    if (service->consecutive_faults > service->policy.max_restarts) {
        give_up(service, "too many faults in a row");
        return;
    }
    bool listed = service->status == SERVICE_DEAD;
    service->status = SERVICE_DEAD;
    service->restart_due_ns = clock_now_ns() + backoff_ns(service);
    if (!listed)
        list_push_back(&dead_services, &service->dead_link);
    klog(KLOG_NOTICE, "service %s/%s: restart in %llu ms (fault %u in a row)",
         service_kind_name(service->kind), service->name,
         (unsigned long long)(backoff_ns(service) / 1000000), service->consecutive_faults);
    containment_supervisor_kick();
}

int service_restart(struct service *service)
{
    irq_flags_t flags = platform_irq_save();
    if (service->status != SERVICE_DEAD) {
        platform_irq_restore(flags);
        return -EINVAL;
    }
    list_remove(&service->dead_link);
    platform_irq_restore(flags);

    service->generation++;
    struct service_instance *instance = service_instance_create(service);
    if (!instance) {
        klog(KLOG_ERROR, "service %s: no memory for a new instance", service->name);
        service->consecutive_faults++;
        containment_statistics.failed_restarts++;
        service->counters.failed_restarts++;
        service->status = SERVICE_DEAD;
        service->restart_due_ns = clock_now_ns() + backoff_ns(service);
        list_push_back(&dead_services, &service->dead_link);
        return -EAGAIN;
    }
    service->instance = instance;
    service->status = SERVICE_STARTING;
    int error = service->start
                    ? GATE_CROSS(service, instance, "start", -EIO, service->start(service))
                    : 0;
    if (!instance->alive) {
        /* Its start faulted: the fault scheduled the next attempt (or gave up). */
        containment_statistics.failed_restarts++;
        service->counters.failed_restarts++;
        return -EAGAIN;
    }
    if (error < 0) {
        klog(KLOG_ERROR, "service %s: restart failed: %s", service->name, errno_name(error));
        containment_statistics.failed_restarts++;
        service->counters.failed_restarts++;
        flags = platform_irq_save();
        containment_instance_fault(instance);
        platform_irq_restore(flags);
        return -EAGAIN;
    }
    service->status = SERVICE_RUNNING;
    service->counters.restarts++;
    containment_statistics.restarts++;
    klog(KLOG_NOTICE, "service %s/%s: restarted (instance %u)", service_kind_name(service->kind),
         service->name, instance->generation);
    containment_reattach(service);
    return 0;
}

int service_wait_running(struct service *service, uint64_t timeout_ns)
{
    uint64_t deadline = clock_now_ns() + timeout_ns;
    while (service->status == SERVICE_DEAD || service->status == SERVICE_STARTING) {
        uint64_t now = clock_now_ns();
        if (now >= deadline)
            return -ETIMEDOUT;
        uint64_t step = deadline - now < 1000000 ? deadline - now : 1000000;
        thread_sleep_ns(step);
    }
    return 0;
}

/* Restart what is due; returns the earliest future due time (UINT64_MAX when none). */
static uint64_t restart_due_services(void)
{
    for (;;) {
        uint64_t now = clock_now_ns();
        uint64_t earliest = UINT64_MAX;
        struct service *due = NULL;
        irq_flags_t flags = platform_irq_save();
        list_for_each(node, &dead_services) {
            struct service *service = list_entry(node, struct service, dead_link);
            if (service->restart_due_ns <= now) {
                due = service;
                break;
            }
            if (service->restart_due_ns < earliest)
                earliest = service->restart_due_ns;
        }
        platform_irq_restore(flags);
        if (!due)
            return earliest;
        service_restart(due);
    }
}

/* The supervisor thread: restarts and reclamation, forever. */
static void supervisor_main(void *argument)
{
    (void)argument;
    for (;;) {
        supervisor_work = false;
        service_instances_reclaim();
        uint64_t next = restart_due_services();
        service_instances_reclaim();
        if (supervisor_work)
            continue;
        uint64_t now = clock_now_ns();
        uint64_t timeout = next == UINT64_MAX ? WAIT_FOREVER : (next > now ? next - now : 0);
        if (timeout == 0)
            continue;
        wait_queue_wait(&supervisor_queue, NULL, timeout);
    }
}

int service_supervisor_start(void)
{
    if (supervisor_thread)
        return 0;
    supervisor_thread = thread_create("supervisor", supervisor_main, NULL);
    if (!supervisor_thread)
        return -ENOMEM;
    supervisor_thread->service_daemon = true;
    thread_detach(supervisor_thread);
    return 0;
}
