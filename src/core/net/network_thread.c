/*
 * network_thread.c — the Core's deferred network processing: one kernel
 * thread that runs the network stack's process_packets (through the gate)
 * whenever a driver or a timer asked for it with
 * network_request_processing(). Interrupt handlers never enter the stack.
 *
 * The thread is made when networking is first needed (network_start():
 * at boot when an Ethernet driver is registered, else at the first
 * socket), so a kernel without sockets or NICs (most hosted tests) has no
 * extra thread to schedule. Requests made before it exists are kept.
 */
#include <rk/errno.h>
#include <rk/ethernet.h>
#include <rk/gate.h>
#include <rk/kernel.h>
#include <rk/klog.h>
#include <rk/network.h>
#include <rk/platform.h>
#include <rk/services.h>
#include <rk/spinlock.h>
#include <rk/thread.h>
#include <rk/waitqueue.h>

static struct spinlock network_lock = SPINLOCK_INIT("network");
static struct wait_queue network_waiting;
static struct thread *network_thread;
static bool processing_requested;
static uint64_t processing_runs;

/* The thread: sleep until requested, then run the stack's deferred work. */
static void network_thread_main(void *argument)
{
    for (;;) {
        spinlock_irq_state_t state = spin_lock_irqsave(&network_lock);
        while (!processing_requested)
            wait_queue_wait_uninterruptible(&network_waiting, &network_lock, WAIT_FOREVER);
        processing_requested = false;
        spin_unlock_irqrestore(&network_lock, state);

        struct service *stack = services_network_stack();
        if (stack) {
            SERVICE_CALL_VOID(stack, struct network_stack_ops, process_packets);
            processing_runs++;
        }
    }
}

/* See rk/ethernet.h. Any context. */
void network_request_processing(void)
{
    spinlock_irq_state_t state = spin_lock_irqsave(&network_lock);
    processing_requested = true;
    if (network_thread)
        wait_queue_wake_all(&network_waiting);
    spin_unlock_irqrestore(&network_lock, state);
}

/* See rk/network.h. */
int network_start(void)
{
    if (network_thread)
        return 0;
    if (!services_network_stack())
        return -EAFNOSUPPORT;
    struct thread *thread = thread_create("network", network_thread_main, NULL);
    if (!thread)
        return -ENOMEM;
    thread->service_daemon = true;
    thread_detach(thread);
    network_thread = thread;
    return 0;
}

/* See rk/network.h. */
void network_boot(void)
{
    struct service *drivers[16];
    size_t count = services_list(SERVICE_DRIVER, drivers, 16);
    bool ethernet = false;
    for (size_t i = 0; i < count && i < 16; i++)
        ethernet |= drivers[i]->driver_class == DRIVER_CLASS_ETHERNET;
    if (!ethernet || !services_network_stack())
        return;
    int error = network_start();
    if (error < 0)
        klog(KLOG_ERROR, "network: no processing thread: %s", errno_name(error));
}

/* See rk/network.h. */
void network_reset(void)
{
    wait_queue_init(&network_waiting);
    network_thread = NULL;
    processing_requested = false;
    processing_runs = 0;
    virtio_bindings_reset();
}

/* See rk/network.h. */
uint64_t network_processing_runs(void) { return processing_runs; }
