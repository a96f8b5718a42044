/*
 * stack_timers.c — lwIP's timers (LWIP_TIMERS_CUSTOM): the cyclic timers
 * lwIP lists in lwip_cyclic_timers[] and the one-shot sys_timeout()s, kept
 * here in nanoseconds of the Core's monotonic clock and run by
 * sys_check_timeouts() from process_packets.
 *
 * Owning the timer list (rather than lwIP's timeouts.c) lets the stack be
 * stopped and started again (lwIP has no deinit), and tells which timers
 * matter: the TCP timer only while TCP PCBs are active or in TIME-WAIT,
 * the others (ARP, reassembly, DHCP) only while an Ethernet interface is
 * up. An idle stack with only lo asks for no timer at all.
 *
 * Everything here runs in the network service's context (the network
 * thread or a socket call); no locks (kernel code is not preempted).
 */
#include <stdbool.h>
#include <stdint.h>

#include <rk/heap.h>
#include <rk/timer.h>

#include "lwip/opt.h"
#include "lwip/timeouts.h"
#include "lwip/priv/tcp_priv.h"

#include "stack_internal.h"

#define NANOSECONDS_PER_MILLISECOND 1000000ull
#define CYCLIC_TIMERS_MAX 8

/* One pending sys_timeout(). */
struct stack_timeout {
    struct stack_timeout *next;   /* sorted by deadline, earliest first */
    uint64_t deadline_ns;
    sys_timeout_handler handler;
    void *argument;
};

static uint64_t cyclic_deadlines_ns[CYCLIC_TIMERS_MAX];
static struct stack_timeout *timeouts;

/* Is cyclic timer index lwIP's TCP timer? */
static bool cyclic_timer_is_tcp(int index)
{
    return lwip_cyclic_timers[index].handler == tcp_tmr;
}

/* Does TCP have PCBs that need its timer (retransmission, TIME-WAIT...)? */
static bool tcp_timer_needed_now(void)
{
    return tcp_active_pcbs != NULL || tcp_tw_pcbs != NULL;
}

/* Free every one-shot timeout. */
static void timeouts_clear(void)
{
    while (timeouts) {
        struct stack_timeout *timeout = timeouts;
        timeouts = timeout->next;
        kfree(timeout);
    }
}

/*
 * lwIP's hook (called by lwip_init): start the cyclic timers one interval
 * from now and forget any one-shot timeout of an earlier run.
 */
void sys_timeouts_init(void)
{
    uint64_t now = clock_now_ns();
    LWIP_ASSERT("too many lwIP cyclic timers", lwip_num_cyclic_timers <= CYCLIC_TIMERS_MAX);
    for (int i = 0; i < lwip_num_cyclic_timers && i < CYCLIC_TIMERS_MAX; i++)
        cyclic_deadlines_ns[i] = now + lwip_cyclic_timers[i].interval_ms * NANOSECONDS_PER_MILLISECOND;
    timeouts_clear();
}

/* lwIP's sys_timeout: call handler(argument) once, milliseconds from now. */
void sys_timeout(u32_t milliseconds, sys_timeout_handler handler, void *argument)
{
    struct stack_timeout *timeout = kmalloc(sizeof *timeout);
    if (!timeout) {
        LWIP_ASSERT("sys_timeout: out of memory", timeout != NULL);
        return;
    }
    timeout->deadline_ns = clock_now_ns() + milliseconds * NANOSECONDS_PER_MILLISECOND;
    timeout->handler = handler;
    timeout->argument = argument;
    struct stack_timeout **link = &timeouts;
    while (*link && (*link)->deadline_ns <= timeout->deadline_ns)
        link = &(*link)->next;
    timeout->next = *link;
    *link = timeout;
}

/* lwIP's sys_untimeout: drop the first pending timeout of (handler, argument). */
void sys_untimeout(sys_timeout_handler handler, void *argument)
{
    for (struct stack_timeout **link = &timeouts; *link; link = &(*link)->next) {
        struct stack_timeout *timeout = *link;
        if (timeout->handler == handler && timeout->argument == argument) {
            *link = timeout->next;
            kfree(timeout);
            return;
        }
    }
}

/*
 * lwIP's sys_check_timeouts: run every timer due by now. A cyclic timer
 * that was late runs once and is rescheduled one interval from now (no
 * catch-up burst); the TCP timer is skipped while TCP has nothing to time.
 */
void sys_check_timeouts(void)
{
    uint64_t now = clock_now_ns();
    for (int i = 0; i < lwip_num_cyclic_timers && i < CYCLIC_TIMERS_MAX; i++) {
        if (cyclic_deadlines_ns[i] > now)
            continue;
        uint64_t interval_ns = lwip_cyclic_timers[i].interval_ms * NANOSECONDS_PER_MILLISECOND;
        cyclic_deadlines_ns[i] += interval_ns;
        if (cyclic_deadlines_ns[i] <= now)
            cyclic_deadlines_ns[i] = now + interval_ns;
        if (!cyclic_timer_is_tcp(i) || tcp_timer_needed_now())
            lwip_cyclic_timers[i].handler();
    }
    /* One-shots due at entry only: a handler that re-arms itself for 0 ms waits for the next run. */
    while (timeouts && timeouts->deadline_ns <= now) {
        struct stack_timeout *timeout = timeouts;
        timeouts = timeout->next;
        sys_timeout_handler handler = timeout->handler;
        void *argument = timeout->argument;
        kfree(timeout);
        handler(argument);
    }
}

/* See stack_internal.h. */
uint64_t stack_timers_next_deadline_ns(bool ethernet_active)
{
    uint64_t next = timeouts ? timeouts->deadline_ns : UINT64_MAX;
    bool tcp = tcp_timer_needed_now();
    for (int i = 0; i < lwip_num_cyclic_timers && i < CYCLIC_TIMERS_MAX; i++) {
        bool needed = cyclic_timer_is_tcp(i) ? tcp : ethernet_active;
        if (needed && cyclic_deadlines_ns[i] < next)
            next = cyclic_deadlines_ns[i];
    }
    return next;
}

/* See stack_internal.h. */
void stack_timers_stop(void)
{
    timeouts_clear();
}

/* See stack_internal.h. */
void stack_timers_forget(void)
{
    timeouts = NULL;
}
