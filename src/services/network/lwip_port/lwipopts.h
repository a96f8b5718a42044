/*
 * lwipopts.h — how the network service configures lwIP (compiled from
 * Debian's source, subprojects/lwip.wrap).
 *
 * NO_SYS=1 with the raw API only: lwIP runs in the Core's network thread
 * (process_packets) and in the socket calls of the service, never in
 * interrupt context, and kernel code is not preempted, so lwIP needs no
 * locks. Memory comes from the kernel heap (kmalloc), pools included.
 * Timers are the port's (LWIP_TIMERS_CUSTOM, stack_timers.c), driven by one
 * Core timer. IPv4 only.
 */
#ifndef LWIPOPTS_H
#define LWIPOPTS_H

#include <rk/heap.h>

/* ---------------------------------------------------------------- system */
#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0        /* no preemption, no interrupt-context callers */
#define LWIP_TIMERS 1
#define LWIP_TIMERS_CUSTOM 1          /* stack_timers.c */
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define LWIP_NETIF_API 0

/* ---------------------------------------------------------------- memory */
#define MEM_LIBC_MALLOC 1
#define mem_clib_malloc kmalloc
#define mem_clib_free kfree
#define mem_clib_calloc kcalloc
#define MEMP_MEM_MALLOC 1             /* pools from mem_malloc, so from kmalloc too */
#define MEM_ALIGNMENT 8
/* One received Ethernet frame fits one pool pbuf. */
#define PBUF_POOL_BUFSIZE 1536

/* ------------------------------------------------------------- protocols */
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define ARP_QUEUEING 1                /* keep every packet sent while the ARP request is out */
#define ETHARP_SUPPORT_STATIC_ENTRIES 0
#define LWIP_ICMP 1
#define LWIP_RAW 1                    /* SOCK_RAW ICMP (ping) for the inet part */
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_IGMP 0
#define LWIP_DNS 0                    /* user space resolves names */
#define LWIP_AUTOIP 0
#define LWIP_DHCP 1
#define DHCP_DOES_ARP_CHECK 0         /* QEMU's user network: no conflicts, faster boot */
#define IP_REASSEMBLY 1
#define IP_FRAG 1
#define IP_REASS_MAX_PBUFS 48          /* a 64 KiB datagram in 1500-byte fragments */
#define IP_FORWARD 0
#define SO_REUSE 1
#define LWIP_BROADCAST_PING 0
#define LWIP_CHKSUM_ALGORITHM 3

/* ------------------------------------------------------------------- TCP */
/*
 * 8 KiB segments: the loopback interface has no MTU, so loopback TCP
 * moves 8 KiB per segment (Linux: 64 KiB); on Ethernet lwIP announces and
 * sends MTU - 40 (1460) per segment whatever this is.
 */
#define TCP_MSS 8192
#define LWIP_WND_SCALE 1
#define TCP_RCV_SCALE 2               /* windows up to 256 KiB */
#define TCP_WND (128 * 1024)
#define TCP_SND_BUF (64 * 1024)
#define TCP_SNDLOWAT (TCP_SND_BUF / 4)   /* lwIP wants it 4 MSS below 64 KiB */
#define TCP_SND_QUEUELEN ((4 * TCP_SND_BUF + 1459) / 1460)   /* counted in Ethernet-sized pbufs */
#define TCP_QUEUE_OOSEQ 1
/* Out-of-order segments a connection may hold: a window's worth, in at most ~190 KiB of pool pbufs. */
#define TCP_OOSEQ_MAX_BYTES TCP_WND
#define TCP_OOSEQ_MAX_PBUFS 128
#define TCP_MSL 30000                 /* TIME-WAIT lasts 2 MSL: 60 s, as Linux */
#define TCP_LISTEN_BACKLOG 1
#define TCP_DEFAULT_LISTEN_BACKLOG 128
#define LWIP_TCP_KEEPALIVE 1          /* TCP_KEEPIDLE/KEEPINTVL/KEEPCNT settable */
#define LWIP_TCP_TIMESTAMPS 0
#define TCP_OVERSIZE 1460
#define LWIP_CALLBACK_API 1

/* ------------------------------------------------------------ interfaces */
#define LWIP_NETIF_STATUS_CALLBACK 1  /* the DHCP result is logged */
#define LWIP_NETIF_LINK_CALLBACK 0
#define LWIP_NETIF_HOSTNAME 0
#define LWIP_NETIF_LOOPBACK 1         /* packets to a local address */
#define LWIP_HAVE_LOOPIF 1            /* lo, 127.0.0.1/8 */
#define LWIP_LOOPBACK_MAX_PBUFS 0
#define LWIP_NETIF_LOOPBACK_MULTITHREADING 0   /* process_packets polls (netif_poll_all) */
#define LWIP_NETIF_TX_SINGLE_PBUF 0
#define LWIP_SINGLE_NETIF 0

/* ------------------------------------------------------------ statistics */
/* Only the per-interface counters (SNMP MIB-2) for lo's /proc/net/dev line. */
#define LWIP_STATS 1
#define LWIP_STATS_DISPLAY 0
#define LINK_STATS 0
#define ETHARP_STATS 0
#define IP_STATS 0
#define IPFRAG_STATS 0
#define ICMP_STATS 0
#define UDP_STATS 0
#define TCP_STATS 0
#define MEM_STATS 0
#define MEMP_STATS 0
#define SYS_STATS 0
#define MIB2_STATS 1

/* LWIP_DEBUG stays undefined (lwIP tests it with #ifdef). */

#endif
