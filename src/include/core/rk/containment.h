/*
 * rk/containment.h — the Core's side of service containment
 * (docs/containment.md): service instances and their arenas, the pins
 * Core objects hold on them, service faults, the restart supervisor and
 * the counters the fault campaigns read.
 *
 * An instance is one life of a service, from its start hook to its fault
 * (or unregistration). Core objects that point into an instance's memory
 * (open files of a service, superblocks, path entries on its vnodes) pin
 * it: a dead instance's arena is reclaimed in one step once no thread is
 * inside it and nothing pins it; until then every call through such an
 * object fails with EIO without entering the service.
 */
#ifndef RK_CONTAINMENT_H
#define RK_CONTAINMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rk/gate.h>
#include <rk/list.h>
#include <rk/platform.h>
#include <rk/services.h>

struct cmdline;

/* One life of a service. Core memory; the fields are containment's. */
struct service_instance {
    struct service *service;
    unsigned generation;         /* service->generation when it started */
    bool alive;                  /* false once it faulted or was unregistered */
    unsigned long pins;          /* Core objects pointing into it (+1 while it is service->instance) */
    unsigned active_calls;       /* crossings into it in progress */
    bool completed_call;         /* a crossing completed without a fault since it started */
    struct list_node allocations;   /* arena: live allocations (struct arena_header) */
    uint64_t arena_bytes;        /* bytes requested by live allocations */
    uint64_t arena_allocations;  /* live allocations */
    struct list_node dead_link;  /* dead and not yet reclaimed: in the quarantine list */
};

/* ------------------------------------------------------------ instances */

/* A new live instance of service with an empty arena (generation = service->generation), or NULL. */
struct service_instance *service_instance_create(struct service *service);
/* Take a pin on instance (NULL is ignored); returns instance. Any context. */
struct service_instance *service_instance_pin(struct service_instance *instance);
/* Drop a pin; a dead instance with no pins and no threads inside is reclaimed. Any context but interrupts. */
void service_instance_unpin(struct service_instance *instance);
/* Pin the running instance of service (NULL when service is NULL or not running). */
struct service_instance *service_pin_running(struct service *service);
/* True while instance is its service's running instance. */
bool service_instance_is_running(const struct service_instance *instance);
/*
 * End instance's life (fault or unregistration): wake the threads sleeping
 * inside it (they unwind with EIO), cancel its timers, drop what it
 * registered with the Core, and reclaim its arena once unpinned. Interrupts
 * disabled or not; never sleeps.
 */
void service_instance_kill(struct service_instance *instance);
/* Reclaim every dead instance that nothing pins any more (the supervisor calls it). */
void service_instances_reclaim(void);
/* Dead instances still waiting for their pins to go (tests). */
size_t service_instances_quarantined(void);

/*
 * Called by the Core's registries when an instance dies, to drop what it
 * registered (chardevs, timers, interrupt handlers, watches). Each hook is
 * called once per death, interrupts enabled, outside any crossing.
 */
void containment_release_registrations(struct service_instance *instance);

/* The registries' hooks (each in its subsystem). */
/* Reset the devices the dead instance drove, drop its interrupt handlers and DMA memory (core/virtio.c). */
void virtio_release_instance(struct service_instance *instance);
/* A filesystem service restarted: mount fresh instances where the dead one was mounted (vfs/remount.c). */
void vfs_service_restarted(struct service *service);
/* The network stack or an Ethernet driver restarted: attach them again (net/network_restart.c). */
void network_service_restarted(struct service *service);

/* ----------------------------------------------------------- faults */

enum service_fault_kind {
    SERVICE_FAULT_PANIC,              /* service_panic() */
    SERVICE_FAULT_ASSERTION,          /* SERVICE_ASSERT / ASSERT in a service */
    SERVICE_FAULT_PAGE,               /* page fault, SIGSEGV */
    SERVICE_FAULT_GENERAL_PROTECTION, /* #GP, SIGBUS */
    SERVICE_FAULT_INVALID_OPCODE,     /* #UD, SIGILL */
    SERVICE_FAULT_DIVIDE,             /* #DE, SIGFPE */
    SERVICE_FAULT_WATCHDOG,           /* ran too long without yielding */
    SERVICE_FAULT_OTHER,              /* any other CPU exception */
    SERVICE_FAULT_KIND_COUNT,
};

/* Short name of a kind: "panic", "page-fault", ... */
const char *service_fault_kind_name(enum service_fault_kind kind);

/*
 * A service fault in the running thread's innermost crossing: log it, kill
 * the instance and unwind to the crossing's recovery point. Never returns.
 * When the fault cannot be contained (no crossing, a Core lock taken inside
 * the crossing is held, a fault while unwinding) it is a kernel panic.
 */
RK_NORETURN void gate_service_fault(enum service_fault_kind kind, uintptr_t address,
                                    const char *detail);
/*
 * A CPU fault in kernel mode (from core_fault): when it is a service fault
 * that can be contained, log it, kill the instance, redirect the fault's
 * state to the recovery point and return true (core_fault returns RESUME).
 */
bool gate_contain_cpu_fault(const struct platform_fault *fault);
/*
 * After a wait inside a crossing: when an instance the thread is inside
 * died meanwhile, unwind to the outermost crossing of that instance (the
 * call yields EIO). Returns only when nothing died.
 */
void gate_unwind_if_dead(void);
/* The running thread woke up inside a crossing: make sure the watchdog ticks again. */
void gate_watchdog_resume(void);
/* Any crossing of the running thread is into an instance that died. */
bool gate_thread_in_dead_instance(void);

/* Tests only: the next containment faults inside the gate's recovery path (a kernel fault). */
void containment_test_break_recovery(void);

/* The Core's interrupt nesting (timer callbacks, device interrupt forwarding). */
extern unsigned core_interrupt_depth;

/*
 * Call into the service instance that made file (rk/file.h) and yield the
 * expression's value, or fallback when that instance is dead or the call
 * faulted.
 */
#define FILE_CALL(file, operation, fallback, expression)                                \
    GATE_CROSS((file)->service, (file)->instance, (operation), (fallback), expression)
/* FILE_CALL for void expressions (yields 0 or -EIO). */
#define FILE_CALL_VOID(file, operation, expression)                                     \
    GATE_CROSS_VOID((file)->service, (file)->instance, (operation), expression)

/* ------------------------------------------------------- supervisor */

/*
 * Apply rk.restart=, rk.inject=, rk.fault_seed= and rk.watchdog_ms= from the
 * command line (docs/containment.md). Called once at boot, before services
 * register; errors are logged and the option ignored.
 */
void containment_configure(const struct cmdline *cmdline);
/* Reset every containment setting and counter (hosted test boots). */
void containment_reset(void);
/* Start the supervisor thread that restarts dead services. Returns 0 or -ENOMEM. */
int service_supervisor_start(void);
/*
 * Restart service now if it is dead and its policy allows (ignoring the
 * backoff delay); the supervisor does the same when the delay is over.
 * Returns 0 (running again), -EAGAIN (its start faulted or failed: still
 * dead, or given up), -EINVAL (not dead). Not in interrupt context.
 */
int service_restart(struct service *service);
/* Wait (on the kernel clock) until service is running or given up; returns 0 or -ETIMEDOUT. */
int service_wait_running(struct service *service, uint64_t timeout_ns);

/* ------------------------------------------------------------ counters */

struct containment_statistics {
    uint64_t injected;           /* faults the injector raised */
    uint64_t manifested;         /* of those, caught by the gate */
    uint64_t contained;          /* service faults contained (injected or not) */
    uint64_t restarts;           /* successful restarts */
    uint64_t failed_restarts;    /* restarts whose start faulted or failed */
    uint64_t given_up;           /* services that went SERVICE_FAILED */
    uint64_t dead_calls;         /* calls refused because the instance was dead or stale */
    uint64_t unwound_sleepers;   /* threads woken out of a dead instance */
    uint64_t reclaimed_instances;/* dead instances whose arena was freed */
    uint64_t reclaimed_bytes;
};

void containment_get_statistics(struct containment_statistics *statistics);
/*
 * Log one line with the counters when any service fault happened (at power
 * off and reboot: the fault campaigns read it from the console).
 */
void containment_report(void);

#endif
