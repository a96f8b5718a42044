/*
 * stack_config.c — the ip= kernel option (a subset of Linux's nfsroot
 * syntax, Documentation/admin-guide/nfs/nfsroot.rst):
 *
 *   ip=dhcp (also on, any, both, bootp)    lwIP's DHCP client on the first Ethernet interface
 *   ip=off / ip=none                       Ethernet interfaces stay down
 *   ip=<client>:<server>:<gateway>:<netmask>:<hostname>:<device>:<autoconf>[:...]
 *        e.g. ip=10.0.2.15::10.0.2.2:255.255.255.0::eth0:off
 *        empty fields take defaults (netmask: the address's class, device:
 *        the first Ethernet interface); autoconf off/none/"" is static,
 *        dhcp/on/any/both/bootp starts DHCP on the device instead. The
 *        server, hostname and later fields are accepted and ignored.
 *
 * Without ip= only lo is up. One log line tells the result.
 */
#include <rk/errno.h>
#include <rk/klog.h>
#include <rk/string.h>

#include "lwip/ip4_addr.h"
#include "lwip/netif.h"

#include "network_internal.h"
#include "stack_internal.h"

#define IP_OPTION_FIELDS 10

/* Does the autoconf word (length bytes) ask for DHCP? */
static bool autoconf_is_dhcp(const char *word, size_t length)
{
    static const char *const words[] = { "dhcp", "on", "any", "both", "bootp" };
    for (size_t i = 0; i < RK_ARRAY_SIZE(words); i++) {
        if (strlen(words[i]) == length && strncmp(word, words[i], length) == 0)
            return true;
    }
    return false;
}

/* Is the autoconf word (length bytes) "no autoconfiguration"? */
static bool autoconf_is_off(const char *word, size_t length)
{
    return length == 0 || (length == 3 && strncmp(word, "off", 3) == 0) ||
           (length == 4 && strncmp(word, "none", 4) == 0);
}

/* See stack_internal.h. */
bool stack_parse_ipv4(const char *text, size_t length, uint32_t *address)
{
    uint32_t value = 0;
    size_t position = 0;
    for (int part = 0; part < 4; part++) {
        if (part > 0) {
            if (position >= length || text[position] != '.')
                return false;
            position++;
        }
        size_t digits = 0;
        uint32_t number = 0;
        while (position < length && text[position] >= '0' && text[position] <= '9' && digits < 4) {
            number = number * 10 + (uint32_t)(text[position] - '0');
            position++;
            digits++;
        }
        if (digits == 0 || digits > 3 || number > 255)
            return false;
        value = value << 8 | number;
    }
    if (position != length)
        return false;
    *address = lwip_htonl(value);
    return true;
}

/* See stack_internal.h. */
bool stack_netmask_is_valid(uint32_t netmask)
{
    uint32_t host_order = lwip_ntohl(netmask);
    return (host_order | (host_order - 1)) == UINT32_MAX || host_order == 0;
}

/* See stack_internal.h. */
uint32_t stack_classful_netmask(uint32_t address)
{
    uint32_t host_order = lwip_ntohl(address);
    if ((host_order & 0x80000000u) == 0)
        return lwip_htonl(0xff000000u);      /* class A */
    if ((host_order & 0xc0000000u) == 0x80000000u)
        return lwip_htonl(0xffff0000u);      /* class B */
    return lwip_htonl(0xffffff00u);          /* class C and above */
}

/* See stack_internal.h. */
int stack_ip_option_parse(const char *value, struct stack_ip_config *config)
{
    memset(config, 0, sizeof *config);
    config->mode = STACK_IP_NONE;
    if (!value)
        return 0;
    if (strcmp(value, "off") == 0 || strcmp(value, "none") == 0) {
        config->mode = STACK_IP_OFF;
        return 0;
    }
    if (autoconf_is_dhcp(value, strlen(value))) {
        config->mode = STACK_IP_DHCP;
        return 0;
    }

    const char *fields[IP_OPTION_FIELDS] = { 0 };
    size_t lengths[IP_OPTION_FIELDS] = { 0 };
    size_t count = 0;
    const char *start = value;
    for (;;) {
        const char *colon = strchr(start, ':');
        size_t length = colon ? (size_t)(colon - start) : strlen(start);
        if (count == IP_OPTION_FIELDS)
            goto malformed;
        fields[count] = start;
        lengths[count] = length;
        count++;
        if (!colon)
            break;
        start = colon + 1;
    }

    /* 0 client, 1 server, 2 gateway, 3 netmask, 4 hostname, 5 device, 6 autoconf. */
    if (count > 6 && !autoconf_is_off(fields[6], lengths[6])) {
        if (!autoconf_is_dhcp(fields[6], lengths[6]))
            goto malformed;
        config->mode = STACK_IP_DHCP;
    }
    if (count > 5 && lengths[5] > 0) {
        if (lengths[5] >= sizeof config->device)
            goto malformed;
        memcpy(config->device, fields[5], lengths[5]);
        config->device[lengths[5]] = '\0';
    }
    if (config->mode == STACK_IP_DHCP)
        return 0;
    if (lengths[0] == 0 || !stack_parse_ipv4(fields[0], lengths[0], &config->address))
        goto malformed;
    if (count > 1 && lengths[1] > 0 && !stack_parse_ipv4(fields[1], lengths[1], &(uint32_t){ 0 }))
        goto malformed;
    if (count > 2 && lengths[2] > 0 && !stack_parse_ipv4(fields[2], lengths[2], &config->gateway))
        goto malformed;
    if (count > 3 && lengths[3] > 0) {
        if (!stack_parse_ipv4(fields[3], lengths[3], &config->netmask) ||
            !stack_netmask_is_valid(config->netmask) || config->netmask == 0)
            goto malformed;
    }
    if (config->address == 0)
        goto malformed;
    if (config->netmask == 0)
        config->netmask = stack_classful_netmask(config->address);
    config->mode = STACK_IP_STATIC;
    return 0;

malformed:
    memset(config, 0, sizeof *config);
    config->mode = STACK_IP_OFF;
    return -EINVAL;
}

/* The interface config names, or the first Ethernet one; logs and NULL when none. */
static struct stack_interface *config_interface(const struct stack_ip_config *config)
{
    struct stack_interface *interface =
        config->device[0] ? stack_interface_find(config->device) : stack_interface_first_ethernet();
    if (!interface || !interface->device) {
        if (config->device[0])
            klog(KLOG_ERROR, "network: ip=: no Ethernet device %s", config->device);
        else
            klog(KLOG_ERROR, "network: ip=: no Ethernet device");
        return NULL;
    }
    return interface;
}

/* See stack_internal.h. */
int stack_ip_config_apply(const struct stack_ip_config *config)
{
    if (config->mode == STACK_IP_NONE || config->mode == STACK_IP_OFF)
        return 0;
    struct stack_interface *interface = config_interface(config);
    if (!interface)
        return -ENODEV;
    int error;
    if (config->mode == STACK_IP_DHCP) {
        netif_set_default(interface->netif);
        error = stack_interface_start_dhcp(interface);
        if (error < 0)
            klog(KLOG_ERROR, "network: %s: DHCP not started: %s", interface->name, errno_name(error));
        else
            klog(KLOG_INFO, "network: %s: DHCP started", interface->name);
        return error;
    }
    ip4_addr_t address, netmask, gateway;
    ip4_addr_set_u32(&address, config->address);
    ip4_addr_set_u32(&netmask, config->netmask);
    ip4_addr_set_u32(&gateway, config->gateway);
    netif_set_addr(interface->netif, &address, &netmask, &gateway);
    netif_set_default(interface->netif);
    error = stack_interface_set_up(interface, true);
    if (error < 0) {
        klog(KLOG_ERROR, "network: %s: not brought up: %s", interface->name, errno_name(error));
        return error;
    }
    char address_text[IP4ADDR_STRLEN_MAX], netmask_text[IP4ADDR_STRLEN_MAX];
    char gateway_text[IP4ADDR_STRLEN_MAX];
    ip4addr_ntoa_r(&address, address_text, sizeof address_text);
    ip4addr_ntoa_r(&netmask, netmask_text, sizeof netmask_text);
    ip4addr_ntoa_r(&gateway, gateway_text, sizeof gateway_text);
    klog(KLOG_INFO, "network: %s: %s netmask %s gateway %s", interface->name, address_text,
         netmask_text, config->gateway ? gateway_text : "none");
    return 0;
}
