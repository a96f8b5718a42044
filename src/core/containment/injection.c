/*
 * injection.c — fault injection rules (rk/fault_injection.h): which
 * crossing gets which fault, and the code that really raises it (a NULL
 * dereference is a real page fault / SIGSEGV, a division by zero a real
 * #DE / SIGFPE), inside the crossing, so containment is tested against
 * the same events a buggy service would cause.
 *
 * Rules and counters change with interrupts disabled; the generator is a
 * seeded xorshift64* so a campaign with the same seed and the same
 * workload injects at the same crossings.
 */
#include <rk/containment.h>
#include <rk/errno.h>
#include <rk/fault_injection.h>
#include <rk/format.h>
#include <rk/klog.h>
#include <rk/panic.h>
#include <rk/string.h>
#include <rk/thread.h>

#include "containment_internal.h"

#define RULES_MAX 16
#define NAME_MAX_LENGTH 32
#define DEFAULT_SEED 0x9e3779b97f4a7c15ull

enum injected_kind {
    INJECT_PANIC,
    INJECT_ASSERT,
    INJECT_NULL,
    INJECT_WILD,
    INJECT_INVALID_OPCODE,
    INJECT_DIVIDE,
    INJECT_HANG,
    INJECT_RANDOM,      /* one of the kinds above but hang, drawn per injection */
    INJECT_KIND_COUNT,
};

static const char *const injected_kind_names[INJECT_KIND_COUNT] = {
    [INJECT_PANIC] = "panic",   [INJECT_ASSERT] = "assert", [INJECT_NULL] = "null",
    [INJECT_WILD] = "wild",     [INJECT_INVALID_OPCODE] = "ud", [INJECT_DIVIDE] = "divide",
    [INJECT_HANG] = "hang",     [INJECT_RANDOM] = "random",
};

enum trigger { TRIGGER_NTH, TRIGGER_EVERY, TRIGGER_PROBABILITY };

struct injection_rule {
    char service[NAME_MAX_LENGTH];     /* "*" for any */
    char operation[NAME_MAX_LENGTH];   /* "*" for any */
    enum injected_kind kind;
    enum trigger trigger;
    uint64_t value;                    /* N of nth/every; parts per million for p */
    uint64_t max;                      /* injections at most (0: no limit) */
    uint64_t matched;
    uint64_t fired;
};

bool fault_injection_active;
static struct injection_rule rules[RULES_MAX];
static size_t rule_count;
static uint64_t generator_state = DEFAULT_SEED;
static const struct gate_frame *in_flight;

/* The next number of the seeded generator (xorshift64*). Interrupts disabled. */
static uint64_t next_random(void)
{
    uint64_t x = generator_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    generator_state = x;
    return x * 0x2545f4914f6cdd1dull;
}

void fault_injection_reset(void)
{
    rule_count = 0;
    fault_injection_active = false;
    generator_state = DEFAULT_SEED;
    in_flight = NULL;
}

/* True when pattern ("*" or a name) matches name. */
static bool name_matches(const char *pattern, const char *name)
{
    return strcmp(pattern, "*") == 0 || (name && strcmp(pattern, name) == 0);
}

/* Whether rule fires for this matching crossing (counts it). Interrupts disabled. */
static bool rule_fires(struct injection_rule *rule)
{
    if (rule->max != 0 && rule->fired >= rule->max)
        return false;
    rule->matched++;
    switch (rule->trigger) {
    case TRIGGER_NTH: return rule->matched == rule->value;
    case TRIGGER_EVERY: return rule->matched % rule->value == 0;
    case TRIGGER_PROBABILITY: return next_random() % 1000000 < rule->value;
    }
    return false;
}

/* Really raise a fault of kind in the running crossing. Returns only for an unknown kind. */
static void raise_fault(enum injected_kind kind)
{
    switch (kind) {
    case INJECT_PANIC:
        service_panic("injected panic");
    case INJECT_ASSERT:
        service_assertion_failed("injected assertion", __FILE__, __LINE__);
    /* The platform's assembly: in C the sanitizers would report a NULL load or a division by zero instead. */
    case INJECT_NULL:
        platform_fault_load(0);
        break;
    case INJECT_WILD:
        platform_fault_load(0xdead00000000beefull); /* not canonical: #GP */
        break;
    case INJECT_INVALID_OPCODE:
        platform_fault_invalid_opcode();
        break;
    case INJECT_DIVIDE:
        platform_fault_divide();
        break;
    case INJECT_HANG:
        platform_spin_forever();
    default:
        break;
    }
}

/*
 * Raise an injected fault in the crossing of frame when a rule matches its
 * service and the point (the operation's name, or "kmalloc"); returns when
 * none fires.
 */
static void check_point(struct gate_frame *frame, const char *point)
{
    irq_flags_t flags = platform_irq_save();
    enum injected_kind kind = INJECT_KIND_COUNT;
    for (size_t i = 0; i < rule_count && kind == INJECT_KIND_COUNT; i++) {
        struct injection_rule *rule = &rules[i];
        /* "*" matches the operations only: allocation points are asked for by name. */
        bool point_matches = point == frame->operation ? name_matches(rule->operation, point)
                                                        : strcmp(rule->operation, point) == 0;
        if (!name_matches(rule->service, frame->service->name) || !point_matches ||
            !rule_fires(rule))
            continue;
        rule->fired++;
        kind = rule->kind;
        if (kind == INJECT_RANDOM)
            kind = (enum injected_kind)(next_random() % INJECT_HANG);
        /* Entered with interrupts off (a timer or device interrupt): no watchdog tick can come. */
        if (kind == INJECT_HANG && !frame->interrupts_were_enabled)
            kind = INJECT_PANIC;
    }
    if (kind == INJECT_KIND_COUNT) {
        platform_irq_restore(flags);
        return;
    }
    containment_statistics.injected++;
    in_flight = frame;
    platform_irq_restore(flags);
    raise_fault(kind);
    /* Not reached for the kinds above: each one faults. */
    in_flight = NULL;
}

void fault_injection_check(struct gate_frame *frame)
{
    check_point(frame, frame->operation);
}

void fault_injection_check_allocation(void)
{
    struct thread *thread = thread_current();
    if (thread && thread->gate_frames)
        check_point(thread->gate_frames, "kmalloc");
}

bool fault_injection_take_in_flight(struct gate_frame *frame)
{
    if (in_flight != frame)
        return false;
    in_flight = NULL;
    return true;
}

/* Copy text[0..length) into a NUL-terminated name; 0 or -EINVAL. */
static int copy_name(char *name, const char *text, size_t length)
{
    if (length == 0 || length >= NAME_MAX_LENGTH)
        return -EINVAL;
    memcpy(name, text, length);
    name[length] = '\0';
    return 0;
}

/* Parse "p=0.25" style percent into parts per million; 0 or -EINVAL. */
static int parse_percent(const char *text, size_t length, uint64_t *parts_per_million)
{
    size_t dot = 0;
    while (dot < length && text[dot] != '.')
        dot++;
    uint64_t whole = 0, fraction = 0;
    if (containment_parse_decimal(text, dot, &whole) < 0 || whole > 100)
        return -EINVAL;
    size_t digits = dot < length ? length - dot - 1 : 0;
    if (dot < length && (digits == 0 || digits > 4 ||
                         containment_parse_decimal(text + dot + 1, digits, &fraction) < 0))
        return -EINVAL;
    for (size_t i = digits; i < 4; i++)
        fraction *= 10;
    *parts_per_million = whole * 10000 + fraction;
    return *parts_per_million <= 1000000 ? 0 : -EINVAL;
}

/* Parse one rule SERVICE:OPERATION:KIND:TRIGGER[/max=N]; 0 or -EINVAL. */
static int parse_rule(const char *text, size_t length, struct injection_rule *rule)
{
    const char *fields[4];
    size_t lengths[4];
    size_t count = 0, start = 0;
    for (size_t i = 0; i <= length; i++) {
        if (i == length || text[i] == ':') {
            if (count == 4)
                return -EINVAL;
            fields[count] = text + start;
            lengths[count++] = i - start;
            start = i + 1;
        }
    }
    if (count != 4)
        return -EINVAL;
    memset(rule, 0, sizeof *rule);
    if (copy_name(rule->service, fields[0], lengths[0]) < 0 ||
        copy_name(rule->operation, fields[1], lengths[1]) < 0)
        return -EINVAL;
    rule->kind = INJECT_KIND_COUNT;
    for (unsigned kind = 0; kind < INJECT_KIND_COUNT; kind++)
        if (strlen(injected_kind_names[kind]) == lengths[2] &&
            memcmp(injected_kind_names[kind], fields[2], lengths[2]) == 0)
            rule->kind = (enum injected_kind)kind;
    if (rule->kind == INJECT_KIND_COUNT)
        return -EINVAL;
    const char *trigger = fields[3];
    size_t trigger_length = lengths[3];
    for (size_t i = 0; i < trigger_length; i++) {
        if (trigger[i] == '/') {
            if (trigger_length - i - 1 < 5 || memcmp(trigger + i + 1, "max=", 4) != 0 ||
                containment_parse_decimal(trigger + i + 5, trigger_length - i - 5, &rule->max) < 0)
                return -EINVAL;
            trigger_length = i;
            break;
        }
    }
    if (trigger_length > 4 && memcmp(trigger, "nth=", 4) == 0) {
        rule->trigger = TRIGGER_NTH;
        return containment_parse_decimal(trigger + 4, trigger_length - 4, &rule->value) < 0 ||
                       rule->value == 0 ? -EINVAL : 0;
    }
    if (trigger_length > 6 && memcmp(trigger, "every=", 6) == 0) {
        rule->trigger = TRIGGER_EVERY;
        return containment_parse_decimal(trigger + 6, trigger_length - 6, &rule->value) < 0 ||
                       rule->value == 0 ? -EINVAL : 0;
    }
    if (trigger_length > 2 && memcmp(trigger, "p=", 2) == 0) {
        rule->trigger = TRIGGER_PROBABILITY;
        return parse_percent(trigger + 2, trigger_length - 2, &rule->value);
    }
    return -EINVAL;
}

/* Apply one command of length bytes (no separators inside), or only check it; 0 or -errno. */
static int apply_command(const char *text, size_t length, bool check_only)
{
    if (length == 5 && memcmp(text, "clear", 5) == 0) {
        if (check_only)
            return 0;
        irq_flags_t flags = platform_irq_save();
        rule_count = 0;
        fault_injection_active = false;
        platform_irq_restore(flags);
        return 0;
    }
    if (length > 5 && memcmp(text, "seed ", 5) == 0) {
        uint64_t seed;
        if (containment_parse_decimal(text + 5, length - 5, &seed) < 0)
            return -EINVAL;
        if (!check_only)
            generator_state = seed ? seed : DEFAULT_SEED;
        return 0;
    }
    struct injection_rule rule;
    if (!containment_enabled)
        return -EPERM; /* with containment off an injected fault would be a kernel panic on request */
    if (parse_rule(text, length, &rule) < 0) {
        klog(KLOG_WARNING, "fault injection: cannot use \"%.*s\" "
             "(SERVICE:OPERATION:KIND:nth=N|every=N|p=PERCENT[/max=N])", (int)length, text);
        return -EINVAL;
    }
    if (check_only)
        return 0;
    irq_flags_t flags = platform_irq_save();
    if (rule_count == RULES_MAX) {
        platform_irq_restore(flags);
        return -ENOSPC;
    }
    rules[rule_count++] = rule;
    fault_injection_active = true;
    platform_irq_restore(flags);
    klog(KLOG_NOTICE, "fault injection: rule %.*s", (int)length, text);
    return 0;
}

/* Apply (or only check) every command of text; the first error. */
static int for_each_command(const char *text, size_t length, bool check_only)
{
    size_t start = 0;
    for (size_t i = 0; i <= length; i++) {
        if (i < length && text[i] != ',' && text[i] != '\n' && text[i] != '\0')
            continue;
        size_t end = i;
        while (end > start && (text[end - 1] == ' ' || text[end - 1] == '\t'))
            end--;
        while (start < end && (text[start] == ' ' || text[start] == '\t'))
            start++;
        if (end > start) {
            int error = apply_command(text + start, end - start, check_only);
            if (error < 0)
                return error;
        }
        if (i < length && text[i] == '\0')
            break;
        start = i + 1;
    }
    return 0;
}

int fault_injection_command(const char *text, size_t length)
{
    /* All or nothing: a bad command anywhere leaves the rules as they were. */
    int error = for_each_command(text, length, true);
    return error < 0 ? error : for_each_command(text, length, false);
}

/* The trigger of rule as text. */
static void format_trigger(const struct injection_rule *rule, char *buffer, size_t size)
{
    if (rule->trigger == TRIGGER_PROBABILITY)
        rk_snprintf(buffer, size, "p=%llu.%04llu", (unsigned long long)(rule->value / 10000),
                    (unsigned long long)(rule->value % 10000));
    else
        rk_snprintf(buffer, size, "%s=%llu", rule->trigger == TRIGGER_NTH ? "nth" : "every",
                    (unsigned long long)rule->value);
}

long fault_injection_render(char *buffer, size_t size)
{
    size_t length = 0;
    for (size_t i = 0; i < rule_count; i++) {
        const struct injection_rule *rule = &rules[i];
        char trigger[32];
        format_trigger(rule, trigger, sizeof trigger);
        char max[32] = "";
        if (rule->max)
            rk_snprintf(max, sizeof max, "/max=%llu", (unsigned long long)rule->max);
        int written = rk_snprintf(length < size ? buffer + length : NULL,
                                  length < size ? size - length : 0,
                                  "%s:%s:%s:%s%s matched=%llu fired=%llu\n", rule->service,
                                  rule->operation, injected_kind_names[rule->kind], trigger, max,
                                  (unsigned long long)rule->matched, (unsigned long long)rule->fired);
        length += (size_t)written;
    }
    return (long)length;
}
