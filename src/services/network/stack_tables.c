/*
 * stack_tables.c — /proc/net/dev and /proc/net/route in Linux's formats
 * (net/core/net-procfs.c dev_seq_show, net/ipv4/fib_trie.c
 * fib_route_seq_show), rendered from the interface table.
 */
#include <stdarg.h>

#include <rk/format.h>
#include <rk/string.h>

#include "lwip/ip4_addr.h"
#include "lwip/netif.h"

#include "network_internal.h"
#include "stack_internal.h"

/* Text rendered into a caller's buffer; length counts what did not fit too. */
struct table_text {
    char *buffer;
    size_t size;
    size_t length;
};

/* Append formatted text (truncated to the buffer, always NUL-terminated when size > 0). */
static void RK_PRINTF(2, 3) table_printf(struct table_text *text, const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    char *at = text->length < text->size ? text->buffer + text->length : NULL;
    size_t room = at ? text->size - text->length : 0;
    int length = rk_vsnprintf(at, room, format, arguments);
    va_end(arguments);
    if (length > 0)
        text->length += (size_t)length;
}

/* See stack_internal.h. */
long stack_render_dev(char *buffer, size_t size)
{
    struct table_text text = { buffer, size, 0 };
    if (size > 0)
        buffer[0] = '\0';
    table_printf(&text, "Inter-|   Receive                                                |  Transmit\n"
                        " face |bytes    packets errs drop fifo frame compressed multicast|"
                        "bytes    packets errs drop fifo colls carrier compressed\n");
    for (size_t i = 0; i < stack_interface_count; i++) {
        const struct stack_interface *interface = stack_interfaces[i];
        struct ethernet_statistics counters;
        stack_interface_statistics(interface, &counters);
        table_printf(&text,
                     "%6s: %7llu %7llu %4llu %4llu %4llu %5llu %10llu %9llu "
                     "%8llu %7llu %4llu %4llu %4llu %5llu %7llu %10llu\n",
                     interface->name, (unsigned long long)counters.receive_bytes,
                     (unsigned long long)counters.receive_packets,
                     (unsigned long long)counters.receive_errors,
                     (unsigned long long)counters.receive_dropped, 0ull, 0ull, 0ull, 0ull,
                     (unsigned long long)counters.transmit_bytes,
                     (unsigned long long)counters.transmit_packets,
                     (unsigned long long)counters.transmit_errors,
                     (unsigned long long)counters.transmit_dropped, 0ull, 0ull, 0ull, 0ull);
    }
    return (long)text.length;
}

/* Route flags of /proc/net/route (linux/route.h). */
#define RTF_UP 0x0001
#define RTF_GATEWAY 0x0002
/* Every line of /proc/net/route is padded with blanks to this width. */
#define ROUTE_LINE_WIDTH 127

/* One route line: addresses in network byte order printed as the host's u32, as Linux does. */
static void route_line(struct table_text *text, const char *name, uint32_t destination,
                       uint32_t gateway, unsigned flags, uint32_t mask)
{
    size_t start = text->length;
    table_printf(text, "%s\t%08X\t%08X\t%04X\t%d\t%u\t%d\t%08X\t%d\t%u\t%u", name, destination,
                 gateway, flags, 0, 0u, 0, mask, 0, 0u, 0u);
    while (text->length - start < ROUTE_LINE_WIDTH)
        table_printf(text, " ");
    table_printf(text, "\n");
}

/*
 * See stack_internal.h. The main table: the default route through the
 * default interface when it has a gateway, then each up Ethernet
 * interface's own subnet (lo's routes live in Linux's local table, which
 * this file does not show).
 */
long stack_render_route(char *buffer, size_t size)
{
    struct table_text text = { buffer, size, 0 };
    if (size > 0)
        buffer[0] = '\0';
    table_printf(&text, "%-127s\n",
                 "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT");
    struct stack_interface *default_interface =
        netif_default ? stack_interface_of_netif(netif_default) : NULL;
    if (default_interface && default_interface->device && netif_is_up(netif_default) &&
        ip4_addr_get_u32(netif_ip4_gw(netif_default)) != 0)
        route_line(&text, default_interface->name, 0, ip4_addr_get_u32(netif_ip4_gw(netif_default)),
                   RTF_UP | RTF_GATEWAY, 0);
    for (size_t i = 0; i < stack_interface_count; i++) {
        const struct stack_interface *interface = stack_interfaces[i];
        const struct netif *netif = interface->netif;
        uint32_t address = ip4_addr_get_u32(netif_ip4_addr(netif));
        if (!interface->device || !netif_is_up(netif) || address == 0)
            continue;
        uint32_t mask = ip4_addr_get_u32(netif_ip4_netmask(netif));
        route_line(&text, interface->name, address & mask, 0, RTF_UP, mask);
    }
    return (long)text.length;
}
