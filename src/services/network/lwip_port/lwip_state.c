/*
 * lwip_state.c — lwIP's modules that keep state in file-scope statics the
 * port must be able to forget, compiled here (included from Debian's
 * source, not copied) so lwip_port_forget_state() can reach them.
 *
 * lwIP has no deinit. A service stop/start goes through the API
 * (stack.c); but a hosted test boots the kernel again without stopping
 * the service, with a new heap, and then every pointer lwIP kept points
 * into the old one: the network service's start clears them all.
 */
#include "core/raw.c"
#include "core/ipv4/dhcp.c"
#include "core/ipv4/etharp.c"
#include "core/ipv4/ip4_frag.c"

#include "lwip/priv/tcp_priv.h"
#include "lwip/udp.h"

void lwip_port_forget_state(void);

/*
 * Forget every list and table lwIP keeps, without touching what they
 * point to (it belongs to a heap that is gone): PCB lists, interfaces,
 * the ARP table, reassembly, the DHCP client's PCB.
 */
void lwip_port_forget_state(void)
{
    raw_pcbs = NULL;
    udp_pcbs = NULL;
    tcp_bound_pcbs = NULL;
    tcp_listen_pcbs.listen_pcbs = NULL;
    tcp_active_pcbs = NULL;
    tcp_tw_pcbs = NULL;
    tcp_input_pcb = NULL;
    netif_list = NULL;
    netif_default = NULL;
    memset(arp_table, 0, sizeof arp_table);
    etharp_cached_entry = 0;
    reassdatagrams = NULL;
    ip_reass_pbufcount = 0;
    dhcp_pcb = NULL;
    dhcp_pcb_refcount = 0;
}
