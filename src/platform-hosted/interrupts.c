/*
 * interrupts.c — the virtual interrupt flag and interrupt delivery.
 *
 * There are no asynchronous interrupts on the hosted backend: events are
 * delivered only inside platform_idle() (events.c), which calls the
 * helpers below. They run the Core's upcall "in interrupt context": the
 * flag is off and the nesting depth is counted. Tests may replace the
 * upcalls with their own handlers (hosted.h).
 */
#include "hosted.h"
#include "hosted_internal.h"

bool hosted_interrupts_enabled;

static unsigned interrupt_depth;
static hosted_interrupt_handler_fn timer_handler_override;
static hosted_interrupt_handler_fn console_handler_override;

/* See rk/platform.h. */
irq_flags_t platform_irq_save(void)
{
    irq_flags_t previous = hosted_interrupts_enabled ? 1 : 0;
    hosted_interrupts_enabled = false;
    return previous;
}

/* See rk/platform.h. */
void platform_irq_restore(irq_flags_t flags)
{
    hosted_interrupts_enabled = flags != 0;
}

/* See rk/platform.h. */
void platform_irq_enable(void)
{
    hosted_interrupts_enabled = true;
}

/* See rk/platform.h. */
void platform_irq_disable(void)
{
    hosted_interrupts_enabled = false;
}

/* See rk/platform.h. */
bool platform_irq_enabled(void)
{
    return hosted_interrupts_enabled;
}

/* Disable interrupts, drop overrides and any interrupt nesting. Boot and test boot. */
void hosted_interrupts_reset(void)
{
    hosted_interrupts_enabled = false;
    interrupt_depth = 0;
    timer_handler_override = NULL;
    console_handler_override = NULL;
}

/* Run handler in interrupt context and restore the previous interrupt state. */
static void deliver_interrupt(hosted_interrupt_handler_fn handler)
{
    bool was_enabled = hosted_interrupts_enabled;
    hosted_interrupts_enabled = false;
    interrupt_depth++;
    core_interrupt_enter();
    handler();
    core_interrupt_leave();
    interrupt_depth--;
    hosted_interrupts_enabled = was_enabled;
}

/* The one-shot timer expired (the caller has already disarmed it). */
void hosted_deliver_timer_interrupt(void)
{
    deliver_interrupt(timer_handler_override ? timer_handler_override : core_timer_interrupt);
}

/* Console input is pending. */
void hosted_deliver_console_interrupt(void)
{
    hosted_console_notification_clear();
    deliver_interrupt(console_handler_override ? console_handler_override : core_console_input);
}

/* A virtio device interrupts (virtio.c): its driver's handler, with the same bookkeeping. */
void hosted_deliver_device_interrupt(void (*handler)(void *argument), void *argument)
{
    bool was_enabled = hosted_interrupts_enabled;
    hosted_interrupts_enabled = false;
    interrupt_depth++;
    handler(argument);
    interrupt_depth--;
    hosted_interrupts_enabled = was_enabled;
}

/* See hosted.h. */
void hosted_set_timer_handler(hosted_interrupt_handler_fn handler)
{
    timer_handler_override = handler;
}

/* See hosted.h. */
void hosted_set_console_handler(hosted_interrupt_handler_fn handler)
{
    console_handler_override = handler;
}

/* See hosted.h. */
bool hosted_in_interrupt(void)
{
    return interrupt_depth > 0;
}
