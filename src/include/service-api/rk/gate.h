/*
 * rk/gate.h — the service gate: the one place every Core -> Service (and
 * Service -> Service) call crosses, and the containment boundary.
 *
 * A crossing records the service instance it enters and a recovery point
 * on the caller's stack. A service fault inside the crossing (an explicit
 * service_panic(), a failed service assertion, a CPU exception or signal
 * while the service runs, a watchdog timeout) unwinds to the recovery
 * point: the call yields its fallback value (-EIO), one klog line names
 * the service, operation, fault kind and address, the instance is marked
 * dead and the Core restarts the service (docs/containment.md).
 *
 * Callers name the operation (for the log line and for fault injection)
 * and, when they hold a Core object made by one instance (an open file, a
 * superblock), that instance: a call into an instance that is no longer
 * the running one yields the fallback without entering.
 */
#ifndef RK_GATE_H
#define RK_GATE_H

#include <stdbool.h>
#include <stdint.h>
#include <rk/compiler.h>
#include <rk/errno.h>
#include <rk/panic.h>
#include <rk/services.h>

struct service_instance;

/* Callee-saved registers, stack and instruction pointers (x86_64 SysV). */
struct gate_recovery {
    uint64_t registers[8];
};

/*
 * Save the caller's registers in recovery and return 0; a later unwind to
 * recovery returns again from this call with a non-zero value. Provided by
 * the platform (it is a few instructions of assembly).
 */
__attribute__((returns_twice)) long gate_recovery_save(struct gate_recovery *recovery);

/* One crossing, on the caller's stack. Fields are the gate's. */
struct gate_frame {
    struct service *service;
    struct service_instance *instance; /* the instance entered (pinned while inside) */
    struct gate_frame *outer;          /* the crossing this one is nested in */
    const char *operation;             /* "read", "create_tcp_socket", ... */
    unsigned long interrupt_state;     /* the interrupt state at entry, restored on unwind */
    bool interrupts_were_enabled;      /* at entry: a fault with them off since is in a Core section */
    unsigned spinlocks_held;           /* the thread's count at entry */
    unsigned interrupt_depth;          /* the Core's interrupt nesting at entry */
    int faulted;                       /* set when the crossing was unwound */
    struct gate_recovery recovery;
};

/*
 * Enter service's running instance on behalf of the running thread; when
 * instance is not NULL it must be that running instance. Returns 0 (the
 * frame is pushed: gate_exit() must follow) or -EIO (the service is dead,
 * restarting, given up or the instance is stale; nothing was pushed).
 */
int gate_enter(struct gate_frame *frame, struct service *service,
               struct service_instance *instance, const char *operation);
/* Leave the crossing started by gate_enter(frame, ...); frames nest LIFO. */
void gate_exit(struct gate_frame *frame);
/* Called once the recovery point is armed: raises an injected fault when a rule matches. */
void gate_armed(struct gate_frame *frame);
/* The innermost service the running thread is inside, NULL in Core code. */
struct service *gate_current_service(void);
/* The innermost instance the running thread is inside, NULL in Core code. */
struct service_instance *gate_current_instance(void);

/*
 * Evaluate expression (a call into service's code) inside a crossing of
 * instance (NULL: the running one) named operation, and yield its value,
 * or fallback when the instance cannot be entered or the service faulted.
 */
#define GATE_CROSS(service, instance, operation, fallback, expression)                  \
    ({                                                                                  \
        struct gate_frame gate_frame_;                                                  \
        __typeof__(expression) gate_result_;                                            \
        if (gate_enter(&gate_frame_, (service), (instance), (operation)) < 0) {         \
            gate_result_ = (__typeof__(expression))(fallback);                          \
        } else {                                                                        \
            if (gate_recovery_save(&gate_frame_.recovery) == 0) {                       \
                gate_armed(&gate_frame_);                                               \
                gate_result_ = (expression);                                            \
            } else {                                                                    \
                gate_result_ = (__typeof__(expression))(fallback);                      \
            }                                                                           \
            gate_exit(&gate_frame_);                                                    \
        }                                                                               \
        gate_result_;                                                                   \
    })

/* GATE_CROSS for expressions of type void; yields 0, or -EIO when not completed. */
#define GATE_CROSS_VOID(service, instance, operation, expression)                       \
    ({                                                                                  \
        struct gate_frame gate_frame_;                                                  \
        int gate_status_ = gate_enter(&gate_frame_, (service), (instance), (operation)); \
        if (gate_status_ == 0) {                                                        \
            if (gate_recovery_save(&gate_frame_.recovery) == 0) {                       \
                gate_armed(&gate_frame_);                                               \
                (expression);                                                           \
            } else {                                                                    \
                gate_status_ = -EIO;                                            \
            }                                                                           \
            gate_exit(&gate_frame_);                                                    \
        }                                                                               \
        gate_status_;                                                                   \
    })

/*
 * Call ops_type method of service's running instance and yield its result
 * (-EIO when the service faulted or is not running):
 *     int error = SERVICE_CALL(net, struct network_stack_ops, create_tcp_socket, &file);
 */
#define SERVICE_CALL(target, ops_type, method, ...)                                     \
    ({                                                                                  \
        struct service *service_call_service_ = (target);                              \
        GATE_CROSS(service_call_service_, NULL, #method, -EIO,                  \
                   ((const ops_type *)service_call_service_->ops)->method(__VA_ARGS__)); \
    })

/* The same for methods that return nothing. */
#define SERVICE_CALL_VOID(target, ops_type, method, ...)                                \
    ({                                                                                  \
        struct service *service_call_service_ = (target);                              \
        GATE_CROSS_VOID(service_call_service_, NULL, #method,                           \
                        ((const ops_type *)service_call_service_->ops)->method(__VA_ARGS__)); \
    })

/*
 * Evaluate expression inside a crossing of service's running instance,
 * for ops tables that are not service->ops; yields -EIO on a fault:
 *     long count = GATE_CALL(device, "transmit", ops->transmit(device, frame, length));
 */
#define GATE_CALL(service, operation, expression)                                       \
    GATE_CROSS((service), NULL, (operation), -EIO, expression)

/* GATE_CALL for expressions of type void (yields 0 or -EIO). */
#define GATE_CALL_VOID(service, operation, expression)                                  \
    GATE_CROSS_VOID((service), NULL, (operation), expression)

/* service_panic() and SERVICE_ASSERT are in rk/panic.h. */

#endif
