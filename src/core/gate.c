/*
 * gate.c — the service gate: crossings into service instances, and the
 * containment of a fault inside one (rk/gate.h, docs/containment.md).
 *
 * Each crossing pushes a frame on the running thread's chain with a
 * recovery point (armed by the GATE_CROSS macro in the caller's frame). A
 * service fault unwinds the innermost crossing: software faults jump to it
 * (platform_recovery_resume), CPU faults and the watchdog redirect the
 * interrupted state to it (platform_fault_resume_at). A fault is the
 * service's only while the thread holds no spinlock it did not hold at the
 * crossing (services take none; the Core's locks guard Core state that an
 * unwind would leave half-changed) and no Core interrupt work started
 * inside the crossing; anything else is a kernel panic, as is a fault
 * while a fault is being contained.
 */
#include <stdarg.h>

#include <rk/containment.h>
#include <rk/errno.h>
#include <rk/fault_injection.h>
#include <rk/format.h>
#include <rk/kernel.h>
#include <rk/gate.h>
#include <rk/klog.h>
#include <rk/panic.h>
#include <rk/platform.h>
#include <rk/sched.h>
#include <rk/thread.h>

#include "containment/containment_internal.h"

unsigned core_interrupt_depth;

/* Set while a fault is being contained: a fault then is the Core's. */
static bool containing;
/* Tests: make the next containment fault inside the recovery path itself. */
static bool break_recovery_for_test;

void containment_test_break_recovery(void) { break_recovery_for_test = true; }

/* Watchdog: what it saw at the previous tick. */
static struct thread *watched_thread;
static uint64_t watched_progress;
static uint64_t stalled_ns;
static uint64_t gate_progress;     /* crossings entered and left */
/*
 * Keeps interrupts coming while a thread runs inside a crossing, so the
 * backends' watchdog ticks happen (x86 has no periodic tick otherwise).
 * Armed from gate_enter when not pending; the callback re-arms it only
 * while the interrupted thread is inside a crossing.
 */
static struct timer watchdog_timer;

/* The watchdog timer's period: a quarter of the timeout. */
static uint64_t watchdog_period_ns(void) { return containment_watchdog_ns / 4; }

/*
 * Timer callback (interrupt context): keep ticking while the interrupted
 * thread runs inside a crossing. A thread that slept inside one arms it
 * again when it wakes (gate_watchdog_resume), so threads merely sleeping
 * in a service (a shell's tty read) cost no periodic interrupt.
 */
static void watchdog_timer_expired(struct timer *timer, void *argument)
{
    struct thread *thread = thread_current();
    if (containment_watchdog_ns && thread && thread->gate_frames)
        timer_arm(timer, clock_now_ns() + watchdog_period_ns());
}

/* Arm the watchdog timer unless it is pending or the backend ticks by itself. Interrupts disabled. */
static void watchdog_timer_ensure(void)
{
    static int ticks_by_itself = -1; /* asked once: a property of the backend */
    if (ticks_by_itself < 0)
        ticks_by_itself = platform_watchdog_ticks_by_itself();
    if (ticks_by_itself || containment_watchdog_ns == 0 || watchdog_timer.pending)
        return;
    core_timer_init(&watchdog_timer, watchdog_timer_expired, NULL);
    timer_arm(&watchdog_timer, clock_now_ns() + watchdog_period_ns());
}

int gate_enter(struct gate_frame *frame, struct service *service,
               struct service_instance *instance, const char *operation)
{
    /* Code of a dead instance still running (an interrupt killed it meanwhile) stops here. */
    if (RK_UNLIKELY(containment_any_death))
        gate_unwind_if_dead();
    struct thread *thread = thread_current();
    bool interrupts_were_enabled = platform_irq_enabled();
    irq_flags_t flags = platform_irq_save();
    struct service_instance *running = service->instance;
    bool enterable = running != NULL && running->alive &&
                     (service->status == SERVICE_RUNNING || service->status == SERVICE_STARTING) &&
                     (instance == NULL || instance == running);
    if (!enterable) {
        containment_statistics.dead_calls++;
        platform_irq_restore(flags);
        return -EIO;
    }
    frame->service = service;
    frame->instance = running;
    frame->operation = operation;
    frame->interrupt_state = flags;
    frame->interrupts_were_enabled = interrupts_were_enabled;
    frame->spinlocks_held = thread->spinlocks_held;
    frame->interrupt_depth = core_interrupt_depth;
    frame->faulted = 0;
    frame->outer = thread->gate_frames;
    thread->gate_frames = frame;
    service->calls++;
    service->active_calls++;
    running->active_calls++;
    gate_progress++;
    watchdog_timer_ensure();
    platform_irq_restore(flags);
    return 0;
}

void gate_exit(struct gate_frame *frame)
{
    struct thread *thread = thread_current();
    irq_flags_t flags = platform_irq_save();
    if (thread->gate_frames != frame)
        panic("gate_exit: frame %p is not the innermost crossing of %s", (void *)frame, thread->name);
    thread->gate_frames = frame->outer;
    struct service *service = frame->service;
    struct service_instance *instance = frame->instance;
    service->active_calls--;
    instance->active_calls--;
    gate_progress++;
    if (frame->faulted) {
        flags = frame->interrupt_state; /* the unwind left interrupts off */
    } else if (instance->alive && service->status == SERVICE_RUNNING) {
        instance->completed_call = true;
        service->consecutive_faults = 0;
    }
    bool reclaimable = !instance->alive && instance->active_calls == 0;
    platform_irq_restore(flags);
    if (reclaimable)
        containment_supervisor_kick();
}

void gate_watchdog_resume(void)
{
    irq_flags_t flags = platform_irq_save();
    watchdog_timer_ensure();
    platform_irq_restore(flags);
}

void core_interrupt_enter(void) { core_interrupt_depth++; }

void core_interrupt_leave(void) { core_interrupt_depth--; }

struct service *gate_current_service(void)
{
    struct thread *thread = thread_current();
    return thread && thread->gate_frames ? thread->gate_frames->service : NULL;
}

struct service_instance *gate_current_instance(void)
{
    struct thread *thread = thread_current();
    return thread && thread->gate_frames ? thread->gate_frames->instance : NULL;
}

void gate_armed(struct gate_frame *frame)
{
    if (fault_injection_active)
        fault_injection_check(frame);
}

/*
 * Why the innermost crossing of thread cannot take a fault as its
 * service's, or NULL when it can. interrupts_enabled: the interrupt flag of
 * the faulting code (off since an entry with them on: a Core section).
 */
static const char *uncontainable_reason(const struct thread *thread, bool interrupts_enabled)
{
    const struct gate_frame *frame = thread ? thread->gate_frames : NULL;
    if (!frame)
        return "not inside a service";
    if (!containment_enabled)
        return "containment is off (rk.containment=panic)";
    if (containing)
        return "fault while containing a fault";
    if (frame->faulted)
        return "fault while unwinding";
    if (thread->spinlocks_held > frame->spinlocks_held)
        return "a Core lock is held";
    if (core_interrupt_depth != frame->interrupt_depth)
        return "in Core interrupt work";
    if (frame->interrupts_were_enabled && !interrupts_enabled)
        return "in a Core section with interrupts off";
    return NULL;
}

/*
 * Record a contained fault of the innermost crossing of the running thread
 * and end its instance. Interrupts disabled.
 */
static struct gate_frame *contain(enum service_fault_kind kind, uintptr_t address,
                                  uintptr_t instruction_pointer, const char *detail)
{
    struct thread *thread = thread_current();
    struct gate_frame *frame = thread->gate_frames;
    containing = true;
    if (break_recovery_for_test) {
        break_recovery_for_test = false;
        platform_fault_load(0); /* a fault in the gate's own recovery path: the kernel's */
    }
    frame->faulted = 1;
    thread->spinlocks_held = frame->spinlocks_held;
    bool injected = fault_injection_take_in_flight(frame);
    struct service *service = frame->service;
    uintptr_t offset = 0;
    const char *function = platform_symbolize(instruction_pointer, &offset);
    klog(KLOG_ERROR,
         "service fault: %s/%s operation=%s kind=%s address=%#lx at %s+%#lx%s%s%s",
         service_kind_name(service->kind), service->name, frame->operation ? frame->operation : "?",
         service_fault_kind_name(kind), (unsigned long)address, function ? function : "?",
         (unsigned long)offset, injected ? " (injected)" : "", detail ? ": " : "", detail ? detail : "");
    containment_statistics.contained++;
    if (injected)
        containment_statistics.manifested++;
    service->counters.faults++;
    if (injected)
        service->counters.injected++;
    containment_instance_fault(frame->instance);
    containing = false;
    return frame;
}

RK_NORETURN void gate_service_fault(enum service_fault_kind kind, uintptr_t address,
                                    const char *detail)
{
    bool interrupts_enabled = platform_irq_enabled();
    platform_irq_save();
    struct thread *thread = thread_current();
    const char *reason = uncontainable_reason(thread, interrupts_enabled);
    if (reason)
        panic("%s outside containment (%s)%s%s", service_fault_kind_name(kind), reason,
              detail ? ": " : "", detail ? detail : "");
    struct gate_frame *frame =
        contain(kind, address, (uintptr_t)__builtin_return_address(0), detail);
    platform_recovery_resume(&frame->recovery, 1);
}

/* The service fault kind of a platform fault. */
static enum service_fault_kind kind_of(enum platform_fault_kind kind)
{
    switch (kind) {
    case PLATFORM_FAULT_PAGE: return SERVICE_FAULT_PAGE;
    case PLATFORM_FAULT_GENERAL_PROTECTION: return SERVICE_FAULT_GENERAL_PROTECTION;
    case PLATFORM_FAULT_INVALID_OPCODE: return SERVICE_FAULT_INVALID_OPCODE;
    case PLATFORM_FAULT_DIVIDE: return SERVICE_FAULT_DIVIDE;
    case PLATFORM_FAULT_WATCHDOG: return SERVICE_FAULT_WATCHDOG;
    default: return SERVICE_FAULT_OTHER;
    }
}

bool gate_contain_cpu_fault(const struct platform_fault *fault)
{
    struct thread *thread = thread_current();
    if (fault->user_mode || uncontainable_reason(thread, fault->interrupts_were_enabled))
        return false;
    struct gate_frame *frame =
        contain(kind_of(fault->kind), fault->address, fault->instruction_pointer, NULL);
    platform_fault_resume_at(fault, &frame->recovery, 1);
    return true;
}

void core_watchdog_tick(const struct platform_fault *interrupted, uint64_t elapsed_ns)
{
    struct thread *thread = thread_current();
    uint64_t progress = gate_progress + sched_switch_count();
    if (!thread || !thread->gate_frames || thread != watched_thread || progress != watched_progress) {
        watched_thread = thread;
        watched_progress = progress;
        stalled_ns = 0;
        return;
    }
    stalled_ns += elapsed_ns;
    if (containment_watchdog_ns == 0 || stalled_ns < containment_watchdog_ns ||
        uncontainable_reason(thread, interrupted->interrupts_were_enabled))
        return;
    stalled_ns = 0;
    char detail[48];
    rk_snprintf(detail, sizeof detail, "no progress for %llu ms",
                (unsigned long long)(containment_watchdog_ns / 1000000));
    struct gate_frame *frame =
        contain(SERVICE_FAULT_WATCHDOG, 0, interrupted->instruction_pointer, detail);
    platform_fault_resume_at(interrupted, &frame->recovery, 1);
}

/*
 * The outermost crossing of the running thread, entered at the current
 * interrupt level (never one an interrupt handler interrupted), into an
 * instance that died; NULL when none.
 */
static struct gate_frame *outermost_dead_crossing(void)
{
    struct thread *thread = thread_current();
    struct gate_frame *outermost_dead = NULL;
    for (struct gate_frame *frame = thread ? thread->gate_frames : NULL;
         frame && frame->interrupt_depth == core_interrupt_depth; frame = frame->outer)
        if (!frame->instance->alive)
            outermost_dead = frame;
    return outermost_dead;
}

bool gate_thread_in_dead_instance(void)
{
    return outermost_dead_crossing() != NULL;
}

void gate_unwind_if_dead(void)
{
    struct thread *thread = thread_current();
    struct gate_frame *outermost_dead = outermost_dead_crossing();
    if (!outermost_dead)
        return;
    /* A Core lock taken inside the crossing is held: unwinding would leave it held. */
    if (thread->spinlocks_held > outermost_dead->spinlocks_held)
        return;
    platform_irq_save();
    /* Leave the crossings inside the dead one as if they had returned. */
    while (thread->gate_frames != outermost_dead) {
        struct gate_frame *inner = thread->gate_frames;
        thread->gate_frames = inner->outer;
        inner->service->active_calls--;
        inner->instance->active_calls--;
    }
    outermost_dead->faulted = 1;
    thread->spinlocks_held = outermost_dead->spinlocks_held;
    containment_statistics.unwound_sleepers++;
    platform_recovery_resume(&outermost_dead->recovery, 1);
}

RK_NORETURN void service_panic(const char *format, ...)
{
    char message[160];
    va_list arguments;
    va_start(arguments, format);
    rk_vsnprintf(message, sizeof message, format, arguments);
    va_end(arguments);
    gate_service_fault(SERVICE_FAULT_PANIC, 0, message);
}

RK_NORETURN void service_assertion_failed(const char *condition, const char *file, int line)
{
    char message[160];
    rk_snprintf(message, sizeof message, "%s at %s:%d", condition, file, line);
    gate_service_fault(SERVICE_FAULT_ASSERTION, 0, message);
}
