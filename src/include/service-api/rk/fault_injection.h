/*
 * rk/fault_injection.h — injecting service faults on purpose, to prove
 * containment (docs/containment.md). Rules come from the command line
 * (rk.inject=RULE,RULE...) or at run time from /proc/sys/kernel/fault_inject
 * (procfs calls these); a rule is
 *
 *     SERVICE:OPERATION:KIND:TRIGGER
 *
 * SERVICE and OPERATION are names as the log line prints them ("*" for
 * any operation); OPERATION "kmalloc" means each allocation the service
 * makes inside any operation (a fault in the middle of one); KIND is panic, assert, null, wild, ud, divide, hang or random;
 * TRIGGER is nth=N (the Nth matching crossing, once), every=N (each Nth)
 * or p=PERCENT (each matching crossing with that probability, a decimal
 * like 0.5; drawn from the seeded generator, rk.fault_seed=), optionally
 * followed by /max=N (at most N injections by this rule). The fault is
 * raised inside the crossing, before the operation runs.
 */
#ifndef RK_FAULT_INJECTION_H
#define RK_FAULT_INJECTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Apply one command (text, length bytes, a trailing newline allowed):
 * a rule to add, "clear" (remove every rule), "seed N" (reseed), or
 * several of them separated by commas or newlines. Returns 0, -EINVAL
 * (nothing applied, one log line says why), -ENOSPC (too many rules) or
 * -EPERM for a rule while containment is off (rk.containment=panic).
 */
int fault_injection_command(const char *text, size_t length);
/*
 * Write the rules, one a line with how often each matched and fired, into
 * buffer (at most size bytes) and return the full length.
 */
long fault_injection_render(char *buffer, size_t size);
/*
 * Write the containment counters (one "name value" a line: injected,
 * manifested, contained, restarts, ...; then one line per service with its
 * state and counters) and return the full length.
 */
long containment_render_statistics(char *buffer, size_t size);

#endif
