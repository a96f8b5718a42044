/*
 * sys_arch.c — what lwIP (NO_SYS=1) asks of its platform: the millisecond
 * clock, diagnostics, assertions and random numbers, from the Core's
 * service API.
 */
#include <stdarg.h>
#include <stdbool.h>

#include <rk/compiler.h>
#include <rk/klog.h>
#include <rk/panic.h>
#include <rk/system.h>
#include <rk/timer.h>

#include "lwip/opt.h"
#include "lwip/sys.h"

/* lwIP's clock: milliseconds of the monotonic clock (wraps after 49 days, as lwIP expects). */
u32_t sys_now(void)
{
    return (u32_t)(clock_now_ns() / 1000000u);
}

/* LWIP_PLATFORM_DIAG: one debug record in the kernel log. Any context. */
void lwip_port_diagnostic(const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    klog_va(KLOG_DEBUG, format, arguments);
    va_end(arguments);
}

/*
 * LWIP_PLATFORM_ASSERT: a failed lwIP assertion is a service fault of kind
 * "assertion" (docs/containment.md): the crossing that ran lwIP unwinds
 * with EIO, the network service's instance is dropped and restarted. A
 * peer that could trigger one per packet costs a restart (with backoff),
 * never the kernel; going on past a broken lwIP invariant could.
 */
void lwip_port_assert(const char *message, int line, const char *file)
{
    service_assertion_failed(message, file, line);
}

/* LWIP_RAND: 32 random bits from the Core (ports, ISNs, DHCP xids). */
uint32_t lwip_port_random(void)
{
    uint32_t value;
    system_random_bytes(&value, sizeof value);
    return value;
}

/*
 * atoi for lwIP (libc/stdlib.h maps it here): optional blanks and sign,
 * then decimal digits; 0 when there are none. Saturates instead of
 * overflowing.
 */
int lwip_port_atoi(const char *text)
{
    while (*text == ' ' || (*text >= '\t' && *text <= '\r'))
        text++;
    bool negative = *text == '-';
    if (*text == '-' || *text == '+')
        text++;
    long value = 0;
    for (; *text >= '0' && *text <= '9'; text++) {
        if (value < __INT_MAX__)
            value = value * 10 + (*text - '0');
    }
    if (value > __INT_MAX__)
        value = __INT_MAX__;
    return (int)(negative ? -value : value);
}
