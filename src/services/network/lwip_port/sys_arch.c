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
#include <rk/string.h>
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

/* Assertion sites reported so far (file, line); later failures there stay quiet. */
#define LWIP_PORT_ASSERT_SITES 16
static struct { const char *file; int line; } lwip_port_assert_sites[LWIP_PORT_ASSERT_SITES];
static unsigned lwip_port_assert_site_count;

/*
 * LWIP_PLATFORM_ASSERT: a failed lwIP assertion is a warning with a
 * backtrace, as Linux's WARN_ONCE: once per site, at most
 * LWIP_PORT_ASSERT_SITES sites, then one line saying more are quiet. lwIP
 * goes on (its checks are followed by recovery code in most places, and
 * stopping the kernel on a packet would let a peer stop it); the limit
 * keeps a peer that can trigger an assertion per packet from flooding
 * the log with backtraces.
 */
void lwip_port_assert(const char *message, int line, const char *file)
{
    unsigned known = RK_MIN(lwip_port_assert_site_count, LWIP_PORT_ASSERT_SITES);
    for (unsigned index = 0; index < known; index++) {
        if (lwip_port_assert_sites[index].line == line && strcmp(lwip_port_assert_sites[index].file, file) == 0)
            return;
    }
    if (lwip_port_assert_site_count >= LWIP_PORT_ASSERT_SITES) {
        if (lwip_port_assert_site_count == LWIP_PORT_ASSERT_SITES) {
            klog(KLOG_WARNING, "lwIP assertion failed: %s (%s:%d); further new sites not reported",
                 message, file, line);
            lwip_port_assert_site_count++;
        }
        return;
    }
    lwip_port_assert_sites[lwip_port_assert_site_count].file = file;
    lwip_port_assert_sites[lwip_port_assert_site_count].line = line;
    lwip_port_assert_site_count++;
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
