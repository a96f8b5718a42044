/*
 * rk/gate.h — the service gate: the one place every Core -> Service call
 * crosses. Today it records which service the running thread is inside
 * (nested calls form a stack) and counts calls; fault containment (a
 * faulting service makes the call return -EIO and is restarted) plugs in
 * here later without touching any caller.
 */
#ifndef RK_GATE_H
#define RK_GATE_H

#include <rk/services.h>

/* One crossing, on the caller's stack. */
struct gate_frame {
    struct service *service;
    struct gate_frame *outer;   /* the crossing this one is nested in */
};

/* Enter service on behalf of the running thread. */
void gate_enter(struct gate_frame *frame, struct service *service);
/* Leave the crossing started by gate_enter(frame, ...); frames nest LIFO. */
void gate_exit(struct gate_frame *frame);
/* The innermost service the running thread is inside, NULL in Core code. */
struct service *gate_current_service(void);

/*
 * Call ops_type method of service through the gate and yield its result:
 *     int error = SERVICE_CALL(net, struct network_stack_ops, create_tcp_socket, &file);
 */
#define SERVICE_CALL(service, ops_type, method, ...)                              \
    ({                                                                            \
        struct gate_frame service_call_frame_;                                    \
        gate_enter(&service_call_frame_, (service));                              \
        __auto_type service_call_result_ =                                        \
            ((const ops_type *)(service)->ops)->method(__VA_ARGS__);              \
        gate_exit(&service_call_frame_);                                          \
        service_call_result_;                                                     \
    })

/*
 * Evaluate expression (a call into service's code) inside a crossing and
 * yield its value, for ops tables that are not service->ops (vnode ops):
 *     long count = GATE_CALL(node->superblock->service, node->ops->read(node, &cursor, 0));
 */
#define GATE_CALL(service, expression)                                            \
    ({                                                                            \
        struct gate_frame gate_call_frame_;                                       \
        gate_enter(&gate_call_frame_, (service));                                 \
        __auto_type gate_call_result_ = (expression);                             \
        gate_exit(&gate_call_frame_);                                             \
        gate_call_result_;                                                        \
    })

/* GATE_CALL for expressions of type void. */
#define GATE_CALL_VOID(service, expression)                                       \
    do {                                                                          \
        struct gate_frame gate_call_frame_;                                       \
        gate_enter(&gate_call_frame_, (service));                                 \
        (expression);                                                             \
        gate_exit(&gate_call_frame_);                                             \
    } while (0)

/* The same for methods that return nothing. */
#define SERVICE_CALL_VOID(service, ops_type, method, ...)                         \
    do {                                                                          \
        struct gate_frame service_call_frame_;                                    \
        gate_enter(&service_call_frame_, (service));                              \
        ((const ops_type *)(service)->ops)->method(__VA_ARGS__);                  \
        gate_exit(&service_call_frame_);                                          \
    } while (0)

#endif
