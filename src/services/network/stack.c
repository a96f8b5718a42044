/*
 * stack.c — lwIP in the network service: start and stop, one netif per
 * Ethernet driver service (plus lwIP's loopback), the deferred work
 * (received frames, loopback delivery, lwIP's timers) and the one Core
 * timer that brings it back when an lwIP timer is due.
 *
 * The Core timer is armed only while some lwIP timer matters
 * (stack_timers.c): an Ethernet interface is up, or TCP has PCBs. An idle
 * stack with only lo leaves nothing armed, so a hosted test without a NIC
 * sees no pending timer.
 */
#include <rk/errno.h>
#include <rk/ethernet.h>
#include <rk/format.h>
#include <rk/gate.h>
#include <rk/heap.h>
#include <rk/klog.h>
#include <rk/services.h>
#include <rk/string.h>
#include <rk/system.h>
#include <rk/cmdline.h>
#include <rk/timer.h>

#include "lwip/dhcp.h"
#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/snmp.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#include "network_internal.h"
#include "stack_internal.h"

/* Frames taken from one driver per run before the others get their turn. */
#define STACK_RECEIVE_BUDGET 64
/* Loopback delivery rounds per run (each may queue replies). */
#define STACK_LOOPBACK_ROUNDS 16

struct stack_interface *stack_interfaces[STACK_INTERFACES_MAX];
size_t stack_interface_count;

static bool stack_started;
static struct timer stack_timer;
/* A frame that lwIP handed over as a pbuf chain is gathered here. */
static uint8_t stack_transmit_buffer[ETHERNET_FRAME_MAX];

/* The driver's ops. */
static const struct ethernet_driver_ops *driver_ops(const struct stack_interface *interface)
{
    return interface->device->ops;
}

/* See stack_internal.h. */
struct stack_interface *stack_interface_find(const char *name)
{
    for (size_t i = 0; i < stack_interface_count; i++) {
        if (strcmp(stack_interfaces[i]->name, name) == 0)
            return stack_interfaces[i];
    }
    return NULL;
}

/* See stack_internal.h. */
struct stack_interface *stack_interface_by_index(int index)
{
    for (size_t i = 0; i < stack_interface_count; i++) {
        if (stack_interfaces[i]->index == index)
            return stack_interfaces[i];
    }
    return NULL;
}

/* See stack_internal.h. */
struct stack_interface *stack_interface_of_netif(const struct netif *netif)
{
    for (size_t i = 0; i < stack_interface_count; i++) {
        if (stack_interfaces[i]->netif == netif)
            return stack_interfaces[i];
    }
    return NULL;
}

/* See stack_internal.h. */
struct stack_interface *stack_interface_first_ethernet(void)
{
    for (size_t i = 0; i < stack_interface_count; i++) {
        if (stack_interfaces[i]->device)
            return stack_interfaces[i];
    }
    return NULL;
}

/* Is some Ethernet interface up (so ARP, DHCP and reassembly timers matter)? */
static bool stack_ethernet_active(void)
{
    for (size_t i = 0; i < stack_interface_count; i++) {
        if (stack_interfaces[i]->device && netif_is_up(stack_interfaces[i]->netif))
            return true;
    }
    return false;
}

/* Core timer callback (interrupt context): an lwIP timer is due. */
static void stack_timer_expired(struct timer *timer, void *argument)
{
    network_request_processing();
}

/* Arm the Core timer at the next lwIP timer that matters, or disarm it. */
static void stack_timer_update(void)
{
    uint64_t deadline = stack_timers_next_deadline_ns(stack_ethernet_active());
    if (deadline == UINT64_MAX)
        timer_cancel(&stack_timer);
    else if (!timer_is_pending(&stack_timer) || stack_timer.deadline_ns != deadline)
        timer_arm(&stack_timer, deadline);
}

/* See network_internal.h. */
void network_stack_kick(void)
{
    network_request_processing();
}

/*
 * netif->linkoutput of an Ethernet interface: one frame to the driver
 * (through the gate). ERR_OK, ERR_MEM when the driver's ring is full,
 * ERR_IF otherwise (lwIP's TCP retransmits either way); a frame not taken
 * counts as a transmit drop (/proc/net/dev).
 */
static err_t stack_ethernet_output(struct netif *netif, struct pbuf *packet)
{
    struct stack_interface *interface = netif->state;
    if (packet->tot_len > ETHERNET_FRAME_MAX)
        return ERR_IF;
    const void *frame = packet->payload;
    if (packet->next) {
        pbuf_copy_partial(packet, stack_transmit_buffer, packet->tot_len, 0);
        frame = stack_transmit_buffer;
    }
    struct service *device = interface->device;
    int error = GATE_CALL(device, "transmit", driver_ops(interface)->transmit(device, frame, packet->tot_len));
    if (error < 0)
        MIB2_STATS_NETIF_INC(netif, ifoutdiscards);
    if (error == -EAGAIN)
        return ERR_MEM;
    return error < 0 ? ERR_IF : ERR_OK;
}

/*
 * netif->status_callback: log the address DHCP obtained (once per
 * change), as the ip= option's result line.
 */
static void stack_netif_status_changed(struct netif *netif)
{
    struct stack_interface *interface = stack_interface_of_netif(netif);
    if (!interface || !interface->dhcp || !netif_is_up(netif))
        return;
    uint32_t address = ip4_addr_get_u32(netif_ip4_addr(netif));
    if (address == 0 || address == interface->reported_address)
        return;
    interface->reported_address = address;
    char address_text[IP4ADDR_STRLEN_MAX], netmask_text[IP4ADDR_STRLEN_MAX];
    char gateway_text[IP4ADDR_STRLEN_MAX];
    ip4addr_ntoa_r(netif_ip4_addr(netif), address_text, sizeof address_text);
    ip4addr_ntoa_r(netif_ip4_netmask(netif), netmask_text, sizeof netmask_text);
    ip4addr_ntoa_r(netif_ip4_gw(netif), gateway_text, sizeof gateway_text);
    klog(KLOG_INFO, "network: %s: %s netmask %s gateway %s (dhcp)", interface->name, address_text,
         netmask_text, gateway_text);
}

/* netif_add's init for an Ethernet interface: lwIP's view of the device. */
static err_t stack_ethernet_netif_init(struct netif *netif)
{
    struct stack_interface *interface = netif->state;
    struct ethernet_info info;
    struct service *device = interface->device;
    int error = GATE_CALL(device, "get_info", driver_ops(interface)->get_info(device, &info));
    if (error < 0)
        return ERR_IF;
    netif->name[0] = 'e';
    netif->name[1] = 't';
    netif->output = etharp_output;
    netif->linkoutput = stack_ethernet_output;
    netif->mtu = info.mtu && info.mtu <= ETHERNET_MTU ? (u16_t)info.mtu : ETHERNET_MTU;
    netif->hwaddr_len = ETHERNET_ADDRESS_LENGTH;
    memcpy(netif->hwaddr, info.address, ETHERNET_ADDRESS_LENGTH);
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    netif->status_callback = stack_netif_status_changed;
    MIB2_INIT_NETIF(netif, snmp_ifType_ethernet_csmacd, 0);
    return ERR_OK;
}

/* A new interface entry (kzalloc'ed) at the end of the table, or NULL. */
static struct stack_interface *stack_interface_append(const char *name)
{
    if (stack_interface_count == STACK_INTERFACES_MAX)
        return NULL;
    struct stack_interface *interface = kzalloc(sizeof *interface);
    if (!interface)
        return NULL;
    rk_strlcpy(interface->name, name, sizeof interface->name);
    interface->index = (int)stack_interface_count + 1;
    stack_interfaces[stack_interface_count++] = interface;
    return interface;
}

/*
 * One netif for Ethernet driver device, named as the driver says (or
 * ethN). Left down. Returns 0, -ENOSPC (too many), -ENOMEM, -EIO.
 */
static int stack_add_ethernet(struct service *device, unsigned number)
{
    const struct ethernet_driver_ops *ops = device->ops;
    struct ethernet_info info;
    int error = GATE_CALL(device, "get_info", ops->get_info(device, &info));
    if (error < 0)
        return error;
    char name[STACK_INTERFACE_NAME_LENGTH];
    if (info.name[0] && strnlen(info.name, sizeof info.name) < sizeof info.name)
        rk_strlcpy(name, info.name, sizeof name);
    else
        rk_snprintf(name, sizeof name, "eth%u", number);
    if (stack_interface_find(name))
        rk_snprintf(name, sizeof name, "eth%u", number);
    struct stack_interface *interface = stack_interface_append(name);
    if (!interface)
        return stack_interface_count == STACK_INTERFACES_MAX ? -ENOSPC : -ENOMEM;
    interface->device = device;
    interface->netif = &interface->ethernet_netif;
    if (!netif_add(interface->netif, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4, interface,
                   stack_ethernet_netif_init, ethernet_input)) {
        stack_interface_count--;
        kfree(interface);
        return -EIO;
    }
    interface->netif->num = (u8_t)(interface->index - 1);   /* lwIP's index = Linux's */
    return 0;
}

/* lwIP's loopback netif (made by lwip_init) as interface "lo". */
static int stack_add_loopback(void)
{
    struct netif *netif;
    NETIF_FOREACH(netif) {
        if (netif->name[0] == 'l' && netif->name[1] == 'o')
            break;
    }
    if (!netif)
        return -EIO;
    struct stack_interface *interface = stack_interface_append("lo");
    if (!interface)
        return -ENOMEM;
    interface->netif = netif;
    netif->num = 0;
    return 0;
}

/* See stack_internal.h. */
int stack_interface_set_up(struct stack_interface *interface, bool up)
{
    struct netif *netif = interface->netif;
    if (!interface->device) {
        if (up) {
            netif_set_link_up(netif);
            netif_set_up(netif);
        } else {
            netif_set_down(netif);
        }
        return 0;
    }
    struct service *device = interface->device;
    const struct ethernet_driver_ops *ops = driver_ops(interface);
    if (!up) {
        netif_set_down(netif);
        netif_set_link_down(netif);
        GATE_CALL(device, "set_up", ops->set_up(device, false));
        return 0;
    }
    int error = GATE_CALL(device, "set_up", ops->set_up(device, true));
    if (error < 0)
        return error;
    struct ethernet_info info;
    error = GATE_CALL(device, "get_info", ops->get_info(device, &info));
    if (error < 0)
        return error;
    netif_set_up(netif);
    if (info.link_up)
        netif_set_link_up(netif);
    else
        netif_set_link_down(netif);
    network_request_processing();   /* timers now matter */
    return 0;
}

/* See stack_internal.h. */
int stack_interface_start_dhcp(struct stack_interface *interface)
{
    int error = stack_interface_set_up(interface, true);
    if (error < 0)
        return error;
    interface->dhcp = true;
    interface->reported_address = 0;
    if (dhcp_start(interface->netif) != ERR_OK) {
        interface->dhcp = false;
        return -ENOMEM;
    }
    network_request_processing();
    return 0;
}

/* See stack_internal.h. */
void stack_interface_stop_dhcp(struct stack_interface *interface)
{
    if (!interface->netif || !netif_dhcp_data(interface->netif))
        return;
    dhcp_stop(interface->netif);
    dhcp_cleanup(interface->netif);
    interface->dhcp = false;
}

/* See stack_internal.h. */
unsigned stack_interface_flags(const struct stack_interface *interface)
{
    const struct netif *netif = interface->netif;
    unsigned flags = 0;
    if (netif_is_up(netif))
        flags |= IFF_UP;
    if (netif_is_up(netif) && netif_is_link_up(netif))
        flags |= IFF_RUNNING;
    if (interface->device)
        flags |= IFF_BROADCAST | IFF_MULTICAST;
    else
        flags |= IFF_LOOPBACK;
    return flags;
}

/* See stack_internal.h. */
unsigned stack_interface_mtu(const struct stack_interface *interface)
{
    return interface->device ? interface->netif->mtu : STACK_LOOPBACK_MTU;
}

/* See stack_internal.h. */
void stack_interface_statistics(const struct stack_interface *interface,
                                struct ethernet_statistics *statistics)
{
    memset(statistics, 0, sizeof *statistics);
    if (interface->device) {
        struct service *device = interface->device;
        GATE_CALL_VOID(device, "get_statistics", driver_ops(interface)->get_statistics(device, statistics));
        /* Frames the driver did not take (stack_ethernet_output) are counted here. */
        statistics->transmit_dropped += interface->netif->mib2_counters.ifoutdiscards;
        return;
    }
    /* lo: lwIP counts what it looped (received == sent). */
    const struct stats_mib2_netif_ctrs *counters = &interface->netif->mib2_counters;
    statistics->receive_bytes = counters->ifinoctets;
    statistics->receive_packets = counters->ifinucastpkts + counters->ifinnucastpkts;
    statistics->receive_dropped = counters->ifindiscards;
    statistics->transmit_bytes = counters->ifoutoctets;
    statistics->transmit_packets = counters->ifoutucastpkts + counters->ifoutnucastpkts;
    statistics->transmit_dropped = counters->ifoutdiscards;
}

/* Drop every interface entry and lwIP netif (stop, or a failed start). */
static void stack_interfaces_drop(void)
{
    for (size_t i = stack_interface_count; i-- > 0;) {
        struct stack_interface *interface = stack_interfaces[i];
        struct netif *netif = interface->netif;
        stack_interface_stop_dhcp(interface);
        if (netif->loop_first) {   /* loopback packets not yet delivered */
            pbuf_free(netif->loop_first);
            netif->loop_first = netif->loop_last = NULL;
        }
        if (interface->device && netif_is_up(netif))
            stack_interface_set_up(interface, false);
        netif_remove(netif);
        kfree(interface);
        stack_interfaces[i] = NULL;
    }
    stack_interface_count = 0;
}

/* The ip= option of the kernel command line, NULL when absent. */
static const char *stack_ip_option(struct cmdline *cmdline)
{
    if (cmdline_parse(cmdline, system_command_line()) < 0 && cmdline->option_count == 0)
        return NULL;
    return cmdline_get(cmdline, "ip");
}

/*
 * The kernel was booted again (hosted tests), or the previous instance
 * faulted, without stopping the service: everything the stack and lwIP
 * kept points into the previous boot's heap or the dead instance's arena.
 * Forget it all without touching it.
 */
static void stack_forget_previous_boot(void)
{
    lwip_port_forget_state();
    stack_timers_forget();
    for (size_t i = 0; i < STACK_INTERFACES_MAX; i++)
        stack_interfaces[i] = NULL;
    stack_interface_count = 0;
    stack_started = false;
}

/*
 * See network_internal.h. Started twice without a stop when the kernel
 * was booted again in the same process (hosted tests) or when the
 * previous instance faulted (docs/containment.md: no stop hook runs): the
 * old state is forgotten first, never walked.
 */
int network_stack_start(void)
{
    if (stack_started)
        stack_forget_previous_boot();
    timer_init(&stack_timer, stack_timer_expired, NULL);
    /*
     * From here lwIP's state is this instance's: a start that faults
     * midway leaves stack_started set, so the next start forgets it all.
     */
    stack_started = true;
    lwip_init();   /* also sys_timeouts_init() and the loopback netif (up, 127.0.0.1/8) */
    int error = stack_add_loopback();
    if (error < 0)
        goto failed;

    struct service *drivers[STACK_INTERFACES_MAX * 2];
    size_t count = services_list(SERVICE_DRIVER, drivers, RK_ARRAY_SIZE(drivers));
    unsigned number = 0;
    for (size_t i = 0; i < count && i < RK_ARRAY_SIZE(drivers); i++) {
        if (drivers[i]->driver_class != DRIVER_CLASS_ETHERNET)
            continue;
        error = stack_add_ethernet(drivers[i], number++);
        if (error < 0)
            klog(KLOG_ERROR, "network: Ethernet device %s left out: %s", drivers[i]->name,
                 errno_name(error));
    }

    struct cmdline *cmdline = kmalloc(sizeof *cmdline);
    if (!cmdline) {
        error = -ENOMEM;
        goto failed;
    }
    struct stack_ip_config config;
    if (stack_ip_option_parse(stack_ip_option(cmdline), &config) < 0)
        klog(KLOG_ERROR, "network: malformed ip=%s: interfaces left down",
             cmdline_get(cmdline, "ip"));
    kfree(cmdline);
    stack_ip_config_apply(&config);   /* logs its own result and errors */
    stack_timer_update();
    return 0;

failed:
    network_stack_stop();
    return error;
}

/* See network_internal.h. */
void network_stack_stop(void)
{
    if (!stack_started)
        return;
    timer_cancel(&stack_timer);
    stack_interfaces_drop();
    stack_timers_stop();
    stack_started = false;
}

/*
 * Pull up to STACK_RECEIVE_BUDGET frames from interface's driver into
 * lwIP. Returns true when the budget ran out (more may be waiting).
 */
static bool stack_receive_frames(struct stack_interface *interface)
{
    struct service *device = interface->device;
    const struct ethernet_driver_ops *ops = driver_ops(interface);
    for (int frames = 0; frames < STACK_RECEIVE_BUDGET; frames++) {
        struct pbuf *packet = pbuf_alloc(PBUF_RAW, ETHERNET_FRAME_MAX, PBUF_POOL);
        if (!packet)
            return true;   /* out of memory: try again on the next run */
        long length = -EAGAIN;
        if (!packet->next)
            length = GATE_CALL(device, "receive", ops->receive(device, packet->payload, ETHERNET_FRAME_MAX));
        if (length <= 0 || length > ETHERNET_FRAME_MAX) {
            pbuf_free(packet);
            if (length == -EAGAIN || length == -EIO)
                return false;   /* nothing waiting, or the driver is dead (the gate logged it) */
            klog(KLOG_WARNING, "network: %s: receive gave %ld", interface->name, length);
            return false;
        }
        pbuf_realloc(packet, (u16_t)length);
        if (interface->netif->input(packet, interface->netif) != ERR_OK)
            pbuf_free(packet);
    }
    return true;
}

/* Deliver queued loopback packets; true when some are still queued. */
static bool stack_deliver_loopback(void)
{
    for (int round = 0; round < STACK_LOOPBACK_ROUNDS; round++) {
        bool queued = false;
        for (size_t i = 0; i < stack_interface_count; i++)
            queued |= stack_interfaces[i]->netif->loop_first != NULL;
        if (!queued)
            return false;
        netif_poll_all();
    }
    for (size_t i = 0; i < stack_interface_count; i++) {
        if (stack_interfaces[i]->netif->loop_first)
            return true;
    }
    return false;
}

/*
 * See network_internal.h. Runs in the network thread: received frames,
 * loopback packets, due lwIP timers (which may send), loopback again, then
 * the Core timer for the next lwIP timer. Asks for another run when a
 * budget ran out.
 */
void network_stack_process_packets(void)
{
    if (!stack_started)
        return;
    bool more = false;
    for (size_t i = 0; i < stack_interface_count; i++) {
        struct stack_interface *interface = stack_interfaces[i];
        if (interface->device && netif_is_up(interface->netif))
            more |= stack_receive_frames(interface);
    }
    stack_deliver_loopback();
    sys_check_timeouts();
    more |= stack_deliver_loopback();
    stack_timer_update();
    if (more)
        network_request_processing();
}

/*
 * See network_internal.h. The driver's new instance starts with its
 * device up and an empty ring: tell it again what the netif says (up or
 * down), check that the address did not change, and run the thread for
 * what arrived meanwhile. lwIP's state (ARP cache, addresses, PCBs) was
 * never lost: segments dropped while the driver was dead are retransmitted.
 */
void network_stack_driver_restarted(struct service *driver)
{
    if (!stack_started)
        return;
    for (size_t i = 0; i < stack_interface_count; i++) {
        struct stack_interface *interface = stack_interfaces[i];
        if (interface->device != driver)
            continue;
        const struct ethernet_driver_ops *ops = driver_ops(interface);
        struct netif *netif = interface->netif;
        bool up = netif_is_up(netif);
        struct ethernet_info info;
        int error = GATE_CALL(driver, "get_info", ops->get_info(driver, &info));
        if (error == 0 && memcmp(info.address, netif->hwaddr, ETHERNET_ADDRESS_LENGTH) != 0) {
            klog(KLOG_WARNING, "network: %s: the restarted driver has another address", interface->name);
            memcpy(netif->hwaddr, info.address, ETHERNET_ADDRESS_LENGTH);
        }
        if (error == 0)
            error = GATE_CALL(driver, "set_up", ops->set_up(driver, up));
        if (error == 0 && up) {
            if (info.link_up)
                netif_set_link_up(netif);
            else
                netif_set_link_down(netif);
        }
        if (error < 0)
            klog(KLOG_ERROR, "network: %s: cannot re-attach %s: %s", interface->name, driver->name,
                 errno_name(error));
        else
            klog(KLOG_INFO, "network: %s re-attached to %s (%s)", interface->name, driver->name,
                 up ? "up" : "down");
    }
    stack_timer_update();
    network_request_processing();
}

/* See network_internal.h. */
long network_stack_render_table(enum network_table table, char *buffer, size_t size)
{
    switch (table) {
    case NETWORK_TABLE_DEV:
        return stack_render_dev(buffer, size);
    case NETWORK_TABLE_ROUTE:
        return stack_render_route(buffer, size);
    default:
        return -EINVAL;
    }
}
