/*
 * stack_ioctl.c — the SIOC* interface and route ioctls BusyBox ifconfig
 * and route use, on any socket of the network service (Linux's
 * net/core/dev_ioctl.c, net/ipv4/devinet.c, net/ipv4/fib_frontend.c as
 * the reference for what is returned).
 *
 * Every argument is a user pointer: the request is copied in whole first,
 * then checked, then acted on, then copied back (Linux copies the whole
 * struct ifreq back for the "get" requests). Routes: lwIP has no routing
 * table, only each interface's subnet and one default interface with its
 * gateway, so SIOCADDRT/SIOCDELRT handle the default route (and report an
 * interface's own subnet route as existing); other routes are refused
 * with -EOPNOTSUPP.
 */
#include <rk/errno.h>
#include <rk/gate.h>
#include <rk/string.h>
#include <rk/usercopy.h>

#include "lwip/ip4_addr.h"
#include "lwip/netif.h"

#include "network_internal.h"
#include "stack_internal.h"

/* Request numbers (linux/sockios.h). */
#define SIOCADDRT 0x890B
#define SIOCDELRT 0x890C
#define SIOCGIFNAME 0x8910
#define SIOCGIFCONF 0x8912
#define SIOCGIFFLAGS 0x8913
#define SIOCSIFFLAGS 0x8914
#define SIOCGIFADDR 0x8915
#define SIOCSIFADDR 0x8916
#define SIOCGIFDSTADDR 0x8917
#define SIOCSIFDSTADDR 0x8918
#define SIOCGIFBRDADDR 0x8919
#define SIOCSIFBRDADDR 0x891a
#define SIOCGIFNETMASK 0x891b
#define SIOCSIFNETMASK 0x891c
#define SIOCGIFMETRIC 0x891d
#define SIOCSIFMETRIC 0x891e
#define SIOCGIFMTU 0x8921
#define SIOCSIFMTU 0x8922
#define SIOCGIFHWADDR 0x8927
#define SIOCGIFINDEX 0x8933
#define SIOCGIFTXQLEN 0x8942
#define SIOCGIFMAP 0x8970

#define LINUX_AF_INET 2
#define ARPHRD_ETHER 1
#define ARPHRD_LOOPBACK 772
#define INTERFACE_TRANSMIT_QUEUE_LENGTH 1000   /* what Linux reports for lo and virtio-net */
#define INTERFACE_MTU_MIN 68

#define RTF_UP 0x0001
#define RTF_GATEWAY 0x0002
#define RTF_HOST 0x0004

/* struct sockaddr / sockaddr_in as x86_64 Linux lays them out. */
struct linux_sockaddr {
    uint16_t family;
    uint8_t data[14];
};
struct linux_sockaddr_in {
    uint16_t family;
    uint16_t port;
    uint32_t address;        /* network byte order */
    uint8_t zero[8];
};

/* struct ifmap. */
struct linux_ifmap {
    uint64_t memory_start;
    uint64_t memory_end;
    uint16_t base_address;
    uint8_t irq;
    uint8_t dma;
    uint8_t port;
};

/* struct ifreq (40 bytes). */
struct linux_ifreq {
    char name[16];
    union {
        struct linux_sockaddr address;
        int16_t flags;
        int32_t value;               /* ifindex, metric, mtu, qlen */
        struct linux_ifmap map;
    };
};
_Static_assert(sizeof(struct linux_ifreq) == 40, "struct ifreq is 40 bytes");

/* struct ifconf (16 bytes). */
struct linux_ifconf {
    int32_t length;
    uint32_t padding;
    uint64_t buffer;         /* user pointer to struct ifreq[] */
};
_Static_assert(sizeof(struct linux_ifconf) == 16, "struct ifconf is 16 bytes");

/* struct rtentry (120 bytes). */
struct linux_rtentry {
    uint64_t padding1;
    struct linux_sockaddr destination;
    struct linux_sockaddr gateway;
    struct linux_sockaddr genmask;
    uint16_t flags;
    int16_t padding2;
    uint64_t padding3;
    uint64_t padding4;
    int16_t metric;
    uint64_t device;         /* user pointer to a name, 0 when none */
    uint64_t mtu;
    uint64_t window;
    uint16_t initial_rtt;
};
_Static_assert(sizeof(struct linux_rtentry) == 120, "struct rtentry is 120 bytes");

/* The IPv4 address of a sockaddr (family not checked). */
static uint32_t sockaddr_ipv4(const struct linux_sockaddr *address)
{
    struct linux_sockaddr_in in;
    memcpy(&in, address, sizeof in);
    return in.address;
}

/* Store an AF_INET sockaddr with address (network byte order). */
static void sockaddr_set_ipv4(struct linux_sockaddr *address, uint32_t value)
{
    struct linux_sockaddr_in in = { .family = LINUX_AF_INET, .address = value };
    memcpy(address, &in, sizeof in);
}

/* Linux's bad_mask(): mask not contiguous, or address has bits outside it. */
static bool netmask_is_bad(uint32_t mask, uint32_t address)
{
    return !stack_netmask_is_valid(mask) || (address & ~mask) != 0;
}

/* The interface request->name names (terminated here), NULL when none. */
static struct stack_interface *request_interface(struct linux_ifreq *request)
{
    request->name[sizeof request->name - 1] = '\0';
    return stack_interface_find(request->name);
}

/*
 * SIOCGIFCONF: one struct ifreq (name and AF_INET address) per interface
 * with an IPv4 address, as many as fit whole; ifc_len becomes the bytes
 * written, or the bytes needed when ifc_buf is NULL.
 */
static long interface_configuration(uintptr_t argument)
{
    struct linux_ifconf configuration;
    if (copy_from_user(&configuration, argument, sizeof configuration) < 0)
        return -EFAULT;
    size_t room = configuration.length > 0 ? (size_t)configuration.length : 0;
    size_t total = 0;
    for (size_t i = 0; i < stack_interface_count; i++) {
        const struct stack_interface *interface = stack_interfaces[i];
        uint32_t address = ip4_addr_get_u32(netif_ip4_addr(interface->netif));
        if (address == 0)
            continue;
        if (configuration.buffer) {
            if (room - total < sizeof(struct linux_ifreq))
                break;
            struct linux_ifreq entry;
            memset(&entry, 0, sizeof entry);
            rk_strlcpy(entry.name, interface->name, sizeof entry.name);
            sockaddr_set_ipv4(&entry.address, address);
            if (copy_to_user(configuration.buffer + total, &entry, sizeof entry) < 0)
                return -EFAULT;
        }
        total += sizeof(struct linux_ifreq);
    }
    configuration.length = (int32_t)total;
    if (copy_to_user(argument, &configuration.length, sizeof configuration.length) < 0)
        return -EFAULT;
    return 0;
}

/*
 * SIOCSIFADDR: the interface's address with the class's netmask (Linux
 * does the same); 0.0.0.0 removes it. The interface stays up or down.
 */
static long interface_set_address(struct stack_interface *interface, uint32_t address)
{
    ip4_addr_t new_address, netmask;
    ip4_addr_set_u32(&new_address, address);
    ip4_addr_set_u32(&netmask, address ? stack_classful_netmask(address) : 0);
    if (ip4_addr_get_u32(netif_ip4_addr(interface->netif)) == address)
        return 0;
    netif_set_addr(interface->netif, &new_address, &netmask, netif_ip4_gw(interface->netif));
    return 0;
}

/* SIOCSIFMTU: within [68, the device's MTU]; lo keeps its 65536. */
static long interface_set_mtu(struct stack_interface *interface, int32_t mtu)
{
    if (!interface->device)
        return mtu == (int32_t)STACK_LOOPBACK_MTU ? 0 : -EINVAL;
    struct ethernet_info info;
    const struct ethernet_driver_ops *ops = interface->device->ops;
    struct service *device = interface->device;
    int error = GATE_CALL(device, "get_info", ops->get_info(device, &info));
    if (error < 0)
        return error;
    unsigned limit = info.mtu ? info.mtu : ETHERNET_MTU;
    if (mtu < INTERFACE_MTU_MIN || (unsigned)mtu > limit)
        return -EINVAL;
    interface->netif->mtu = (u16_t)mtu;
    return 0;
}

/*
 * The struct ifreq requests on one interface: request is the copied-in
 * struct; *copy_back is set when the (changed) struct goes back to the user.
 */
static long interface_request(unsigned command, struct linux_ifreq *request, bool *copy_back)
{
    if (command == SIOCGIFNAME) {
        struct stack_interface *interface = stack_interface_by_index(request->value);
        if (!interface)
            return -ENODEV;
        rk_strlcpy(request->name, interface->name, sizeof request->name);
        *copy_back = true;
        return 0;
    }
    struct stack_interface *interface = request_interface(request);
    if (!interface)
        return -ENODEV;
    const struct netif *netif = interface->netif;
    uint32_t address = ip4_addr_get_u32(netif_ip4_addr(netif));
    uint32_t netmask = ip4_addr_get_u32(netif_ip4_netmask(netif));
    *copy_back = true;
    switch (command) {
    case SIOCGIFFLAGS:
        request->flags = (int16_t)stack_interface_flags(interface);
        return 0;
    case SIOCGIFADDR:
    case SIOCGIFDSTADDR:
    case SIOCGIFNETMASK:
    case SIOCGIFBRDADDR: {
        if (address == 0)
            return -EADDRNOTAVAIL;
        uint32_t value = address;
        if (command == SIOCGIFNETMASK)
            value = netmask;
        else if (command == SIOCGIFBRDADDR)
            value = interface->device ? (address | ~netmask) : 0;
        memset(&request->address, 0, sizeof request->address);
        sockaddr_set_ipv4(&request->address, value);
        return 0;
    }
    case SIOCGIFHWADDR:
        memset(&request->address, 0, sizeof request->address);
        request->address.family = interface->device ? ARPHRD_ETHER : ARPHRD_LOOPBACK;
        if (interface->device)
            memcpy(request->address.data, netif->hwaddr, ETHERNET_ADDRESS_LENGTH);
        return 0;
    case SIOCGIFINDEX:
        request->value = interface->index;
        return 0;
    case SIOCGIFMTU:
        request->value = (int32_t)stack_interface_mtu(interface);
        return 0;
    case SIOCGIFMETRIC:
        request->value = 0;
        return 0;
    case SIOCGIFTXQLEN:
        request->value = INTERFACE_TRANSMIT_QUEUE_LENGTH;
        return 0;
    case SIOCGIFMAP:
        memset(&request->map, 0, sizeof request->map);
        return 0;
    }

    *copy_back = false;
    switch (command) {
    case SIOCSIFFLAGS: {
        bool up = (request->flags & IFF_UP) != 0;
        if (up == (netif_is_up(netif) != 0))
            return 0;
        return stack_interface_set_up(interface, up);
    }
    case SIOCSIFMTU:
        return interface_set_mtu(interface, request->value);
    case SIOCSIFMETRIC:
        return -EOPNOTSUPP;   /* as Linux */
    }

    /* The address setters: AF_INET only; all but SIOCSIFADDR need an address already. */
    if (request->address.family != LINUX_AF_INET)
        return -EINVAL;
    uint32_t value = sockaddr_ipv4(&request->address);
    if (command != SIOCSIFADDR && address == 0)
        return -EADDRNOTAVAIL;
    switch (command) {
    case SIOCSIFADDR:
        return interface_set_address(interface, value);
    case SIOCSIFNETMASK: {
        if (netmask_is_bad(value, 0))
            return -EINVAL;
        ip4_addr_t mask;
        ip4_addr_set_u32(&mask, value);
        netif_set_netmask(interface->netif, &mask);
        return 0;
    }
    case SIOCSIFBRDADDR:
    case SIOCSIFDSTADDR:
        return 0;   /* lwIP derives the broadcast address from the netmask */
    }
    return -ENOTTY;
}

/* The up Ethernet interface whose subnet holds address (network order), NULL when none. */
static struct stack_interface *interface_for_gateway(uint32_t gateway)
{
    for (size_t i = 0; i < stack_interface_count; i++) {
        struct stack_interface *interface = stack_interfaces[i];
        const struct netif *netif = interface->netif;
        uint32_t address = ip4_addr_get_u32(netif_ip4_addr(netif));
        uint32_t mask = ip4_addr_get_u32(netif_ip4_netmask(netif));
        if (interface->device && netif_is_up(netif) && address &&
            (address & mask) == (gateway & mask))
            return interface;
    }
    return NULL;
}

/* Is there a default route (a default interface with a gateway)? */
static bool default_route_exists(void)
{
    return netif_default && ip4_addr_get_u32(netif_ip4_gw(netif_default)) != 0;
}

/* SIOCADDRT / SIOCDELRT (see the file comment). */
static long route_request(unsigned command, uintptr_t argument)
{
    struct linux_rtentry route;
    if (copy_from_user(&route, argument, sizeof route) < 0)
        return -EFAULT;
    if (route.destination.family != LINUX_AF_INET)
        return -EAFNOSUPPORT;
    uint32_t destination = sockaddr_ipv4(&route.destination);
    uint32_t mask = 0;
    if (route.flags & RTF_HOST)
        mask = UINT32_MAX;
    else if (route.genmask.family == LINUX_AF_INET)
        mask = sockaddr_ipv4(&route.genmask);
    else if (route.genmask.family != 0)
        return -EAFNOSUPPORT;
    if (netmask_is_bad(mask, destination))
        return -EINVAL;
    struct stack_interface *interface = NULL;
    if (route.device) {
        char name[STACK_INTERFACE_NAME_LENGTH];
        long length = copy_string_from_user(name, route.device, sizeof name);
        if (length == -EFAULT)
            return -EFAULT;
        if (length < 0 || !(interface = stack_interface_find(name)))
            return -ENODEV;
    }
    uint32_t gateway = 0;
    if ((route.flags & RTF_GATEWAY) && route.gateway.family == LINUX_AF_INET)
        gateway = sockaddr_ipv4(&route.gateway);

    if (mask != 0 || destination != 0) {
        /* Only an interface's own subnet route exists; lwIP keeps no others. */
        for (size_t i = 0; i < stack_interface_count; i++) {
            const struct netif *netif = stack_interfaces[i]->netif;
            uint32_t address = ip4_addr_get_u32(netif_ip4_addr(netif));
            uint32_t netmask = ip4_addr_get_u32(netif_ip4_netmask(netif));
            if (stack_interfaces[i]->device && netif_is_up(netif) && address &&
                netmask == mask && (address & netmask) == destination && !gateway)
                return command == SIOCADDRT ? -EEXIST : -EOPNOTSUPP;
        }
        return command == SIOCADDRT ? -EOPNOTSUPP : -ESRCH;
    }

    if (command == SIOCDELRT) {
        if (!default_route_exists() || (gateway && ip4_addr_get_u32(netif_ip4_gw(netif_default)) != gateway) ||
            (interface && interface->netif != netif_default))
            return -ESRCH;
        netif_set_gw(netif_default, IP4_ADDR_ANY4);
        netif_set_default(NULL);
        return 0;
    }
    if (default_route_exists())
        return -EEXIST;
    if (gateway) {
        struct stack_interface *through = interface_for_gateway(gateway);
        if (!through || (interface && interface != through))
            return -ENETUNREACH;
        interface = through;
    }
    if (!interface || !interface->device)
        return -ENETUNREACH;
    ip4_addr_t gateway_address;
    ip4_addr_set_u32(&gateway_address, gateway);
    netif_set_gw(interface->netif, &gateway_address);
    netif_set_default(interface->netif);
    return 0;
}

/* True for the SIOCSIF* requests that change an interface. */
static bool interface_command_sets(unsigned command)
{
    switch (command) {
    case SIOCSIFFLAGS: case SIOCSIFADDR: case SIOCSIFDSTADDR: case SIOCSIFBRDADDR:
    case SIOCSIFNETMASK: case SIOCSIFMETRIC: case SIOCSIFMTU:
        return true;
    default:
        return false;
    }
}

/* See network_internal.h. */
long network_stack_interface_ioctl(unsigned command, uintptr_t argument)
{
    switch (command) {
    case SIOCGIFCONF:
        return interface_configuration(argument);
    case SIOCADDRT:
    case SIOCDELRT:
        if (!network_caller_is_privileged())
            return -EPERM;      /* Linux's ip_rt_ioctl checks CAP_NET_ADMIN before reading */
        return route_request(command, argument);
    case SIOCGIFNAME: case SIOCGIFFLAGS: case SIOCSIFFLAGS: case SIOCGIFADDR: case SIOCSIFADDR:
    case SIOCGIFDSTADDR: case SIOCSIFDSTADDR: case SIOCGIFBRDADDR: case SIOCSIFBRDADDR:
    case SIOCGIFNETMASK: case SIOCSIFNETMASK: case SIOCGIFMETRIC: case SIOCSIFMETRIC:
    case SIOCGIFMTU: case SIOCSIFMTU: case SIOCGIFHWADDR: case SIOCGIFINDEX: case SIOCGIFTXQLEN:
    case SIOCGIFMAP:
        break;
    default:
        return -ENOTTY;
    }
    struct linux_ifreq request;
    if (copy_from_user(&request, argument, sizeof request) < 0)
        return -EFAULT;
    if (interface_command_sets(command) && !network_caller_is_privileged())
        return -EPERM;          /* Linux: CAP_NET_ADMIN, checked after reading the request */
    bool copy_back = false;
    long result = interface_request(command, &request, &copy_back);
    if (result == 0 && copy_back && copy_to_user(argument, &request, sizeof request) < 0)
        return -EFAULT;
    return result;
}
