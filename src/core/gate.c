/*
 * gate.c — the service gate. Each crossing pushes a frame on the running
 * thread's chain, so the Core always knows which service it is inside.
 * Containment (catching a fault inside the service, returning -EIO and
 * restarting it) will hook in here.
 */
#include <rk/gate.h>
#include <rk/panic.h>
#include <rk/platform.h>
#include <rk/thread.h>

void gate_enter(struct gate_frame *frame, struct service *service)
{
    struct thread *thread = thread_current();
    irq_flags_t flags = platform_irq_save();
    frame->service = service;
    frame->outer = thread->gate_frames;
    thread->gate_frames = frame;
    service->calls++;
    service->active_calls++;
    platform_irq_restore(flags);
}

void gate_exit(struct gate_frame *frame)
{
    struct thread *thread = thread_current();
    irq_flags_t flags = platform_irq_save();
    if (thread->gate_frames != frame)
        panic("gate_exit: frame %p is not the innermost crossing of %s", (void *)frame, thread->name);
    thread->gate_frames = frame->outer;
    frame->service->active_calls--;
    platform_irq_restore(flags);
}

struct service *gate_current_service(void)
{
    struct thread *thread = thread_current();
    return thread && thread->gate_frames ? thread->gate_frames->service : NULL;
}
