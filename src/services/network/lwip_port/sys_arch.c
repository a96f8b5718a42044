/*
 * sys_arch.c — what lwIP (NO_SYS=1) asks of its platform: the millisecond
 * clock, diagnostics, assertions and random numbers, from the Core's
 * service API.
 */
#include <stdarg.h>
#include <stdbool.h>

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
 * LWIP_PLATFORM_ASSERT: a failed lwIP assertion is a warning with a
 * backtrace; lwIP then goes on (its checks are followed by recovery code
 * in most places), as Linux's WARN.
 */
void lwip_port_assert(const char *message, int line, const char *file)
{
    warn_at(file, line, "lwIP assertion failed: %s", message);
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
