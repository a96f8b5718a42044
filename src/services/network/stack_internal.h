/*
 * stack_internal.h — what the stack_*.c files (the lwIP glue of the
 * network service) share. Includes lwIP's headers; the rest of the service
 * uses network_internal.h.
 *
 * The stack keeps one struct stack_interface per interface: lo (lwIP's own
 * loopback netif) first, then one per Ethernet driver service, in the
 * order services_list() gave them. Interface indexes are Linux's: lo 1,
 * then 2, 3... Everything runs in the network service's context (the
 * network thread or a socket call); no locks (kernel code is not
 * preempted, interrupt handlers never enter the stack).
 */
#ifndef STACK_INTERNAL_H
#define STACK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rk/ethernet.h>

#include "lwip/ip4_addr.h"
#include "lwip/netif.h"

#define STACK_INTERFACES_MAX 8
#define STACK_INTERFACE_NAME_LENGTH 16
/* What lo reports as its MTU (Linux's); lwIP's loopback has none. */
#define STACK_LOOPBACK_MTU 65536u

struct stack_interface {
    char name[STACK_INTERFACE_NAME_LENGTH];  /* "lo", "eth0" */
    int index;                               /* Linux ifindex: lo 1, then 2... */
    struct netif *netif;                     /* lwIP's (lo: lwIP's loop_netif) */
    struct service *device;                  /* the Ethernet driver, NULL for lo */
    struct netif ethernet_netif;             /* netif's storage for Ethernet */
    bool dhcp;                               /* lwIP's DHCP client runs on it */
    uint32_t reported_address;               /* last address logged (DHCP), network order */
};

/* The interfaces (stack.c); count is 0 while the stack is stopped. */
extern struct stack_interface *stack_interfaces[STACK_INTERFACES_MAX];
extern size_t stack_interface_count;

/* The interface called name (NUL-terminated), NULL when none. */
struct stack_interface *stack_interface_find(const char *name);
/* The interface with Linux index index, NULL when none. */
struct stack_interface *stack_interface_by_index(int index);
/* The interface whose lwIP netif is netif, NULL when none. */
struct stack_interface *stack_interface_of_netif(const struct netif *netif);
/* The first Ethernet interface, NULL when there is none. */
struct stack_interface *stack_interface_first_ethernet(void);

/*
 * Bring interface up (the driver started, lwIP's netif up, its link as
 * the driver reports it) or down. Returns 0 or -errno from the driver.
 */
int stack_interface_set_up(struct stack_interface *interface, bool up);
/* Linux IFF_* flags of interface (IFF_UP, IFF_RUNNING, IFF_LOOPBACK...). */
unsigned stack_interface_flags(const struct stack_interface *interface);
/* The interface's MTU as Linux reports it. */
unsigned stack_interface_mtu(const struct stack_interface *interface);
/* Counters for /proc/net/dev: the driver's, or lwIP's for lo. */
void stack_interface_statistics(const struct stack_interface *interface,
                                struct ethernet_statistics *statistics);
/*
 * Start lwIP's DHCP client on interface (bringing it up). Returns 0,
 * -ENOMEM, or the driver's error.
 */
int stack_interface_start_dhcp(struct stack_interface *interface);
/* Stop the DHCP client of interface (if any) and free its state. */
void stack_interface_stop_dhcp(struct stack_interface *interface);

/* Linux's interface flags (linux/if.h). */
#define IFF_UP 0x1
#define IFF_BROADCAST 0x2
#define IFF_LOOPBACK 0x8
#define IFF_RUNNING 0x40
#define IFF_MULTICAST 0x1000

/* ------------------------------------------------------------ timers */

/*
 * stack_timers.c: the earliest deadline (clock_now_ns) among the lwIP
 * timers that matter now (TCP's while it has PCBs, the others while
 * ethernet_active), UINT64_MAX when none does.
 */
uint64_t stack_timers_next_deadline_ns(bool ethernet_active);
/* stack_timers.c: free the pending one-shot lwIP timeouts (stop). */
void stack_timers_stop(void);
/* stack_timers.c: forget them without freeing (their heap is gone: a new boot). */
void stack_timers_forget(void);
/*
 * lwip_port/lwip_state.c: forget lwIP's PCB lists, interfaces, ARP table,
 * reassembly and DHCP state without touching what they point to.
 */
void lwip_port_forget_state(void);

/* ------------------------------------------------- configuration: ip= */

enum stack_ip_mode {
    STACK_IP_NONE,      /* no ip= given: Ethernet interfaces stay down */
    STACK_IP_OFF,       /* ip=off / ip=none */
    STACK_IP_DHCP,      /* ip=dhcp (or a static form whose autoconf field asks for DHCP) */
    STACK_IP_STATIC,    /* ip=<client>:<server>:<gateway>:<netmask>:<host>:<device>:off */
};

struct stack_ip_config {
    enum stack_ip_mode mode;
    uint32_t address;           /* network byte order; STACK_IP_STATIC */
    uint32_t netmask;           /* network byte order; classful default when not given */
    uint32_t gateway;           /* network byte order; 0 when none */
    char device[STACK_INTERFACE_NAME_LENGTH];   /* "" = the first Ethernet interface */
};

/*
 * Parse an ip= value (Linux's nfsroot syntax, the subset above) into
 * config. NULL value means the option is absent (STACK_IP_NONE). Returns 0,
 * or -EINVAL for a malformed value (config is then STACK_IP_OFF).
 */
int stack_ip_option_parse(const char *value, struct stack_ip_config *config);
/*
 * Apply config to the interfaces (at start): static addresses, DHCP, and
 * one log line saying what was done. Returns 0, -ENODEV (no such or no
 * Ethernet device: logged, nothing is brought up), or the driver's error.
 */
int stack_ip_config_apply(const struct stack_ip_config *config);
/* Parse a dotted quad into *address (network byte order). True when well formed. */
bool stack_parse_ipv4(const char *text, size_t length, uint32_t *address);
/* True when netmask (network byte order) is contiguous ones then zeros. */
bool stack_netmask_is_valid(uint32_t netmask);
/* Linux's classful default netmask of address (network byte order). */
uint32_t stack_classful_netmask(uint32_t address);

/* ------------------------------------------------------ /proc/net tables */

/* /proc/net/dev into buffer (size bytes). Returns the full length. */
long stack_render_dev(char *buffer, size_t size);
/* /proc/net/route into buffer (size bytes). Returns the full length. */
long stack_render_route(char *buffer, size_t size);

#endif
