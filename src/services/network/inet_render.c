/*
 * inet_render.c — /proc/net/tcp and /proc/net/udp in Linux's format
 * (net/ipv4/tcp_ipv4.c tcp4_seq_show, net/ipv4/udp.c udp4_seq_show), from
 * lwIP's pcb lists: listeners, connections (SYN_RCVD included) and
 * TIME_WAIT for TCP (pcbs only bound are not shown, as Linux), every UDP
 * pcb. Addresses are the raw network-order words in hex as Linux prints
 * them, ports host order; the inode is the socket's number (0 without a
 * socket: TIME_WAIT, closed sockets' remains, connections not accepted
 * yet show their own socket's). Timers, uid and the pointer are 0.
 */
#include <rk/errno.h>
#include <rk/format.h>
#include <rk/string.h>

#include "lwip/priv/tcp_priv.h"

#include "inet_internal.h"
#include "network_internal.h"

#define TCP_LINE_WIDTH 149      /* TMPSZ - 1 */
#define UDP_LINE_WIDTH 127

/* Output so far: written into buffer up to size, length counts everything. */
struct inet_render {
    char *buffer;
    size_t size;
    size_t length;
};

/* Append one line padded with spaces to width, then a newline. */
static void inet_render_line(struct inet_render *render, const char *line, int width)
{
    char padded[256];
    int count = rk_snprintf(padded, sizeof padded, "%-*s\n", width, line);
    if (count < 0)
        return;
    size_t length = RK_MIN((size_t)count, sizeof padded - 1);
    if (render->length < render->size)
        memcpy(render->buffer + render->length, padded, RK_MIN(length, render->size - render->length));
    render->length += length;
}

/* Linux's TCP state number (include/net/tcp_states.h) for an lwIP state. */
static int inet_linux_tcp_state(enum tcp_state state)
{
    switch (state) {
    case ESTABLISHED: return 1;
    case SYN_SENT: return 2;
    case SYN_RCVD: return 3;
    case FIN_WAIT_1: return 4;
    case FIN_WAIT_2: return 5;
    case TIME_WAIT: return 6;
    case CLOSED: return 7;
    case CLOSE_WAIT: return 8;
    case LAST_ACK: return 9;
    case LISTEN: return 10;
    case CLOSING: return 11;
    default: return 7;
    }
}

/* The raw network-order word of an lwIP address, as Linux prints it. */
static uint32_t inet_raw_address(const ip_addr_t *address)
{
    return ip4_addr_get_u32(ip_2_ip4(address));
}

/* One connection (or TIME_WAIT) line. */
static void inet_render_tcp_pcb(struct inet_render *render, int index, const struct tcp_pcb *pcb)
{
    char line[256];
    int state = inet_linux_tcp_state(pcb->state);
    if (pcb->state == TIME_WAIT) {
        rk_snprintf(line, sizeof line,
                    "%4d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5d %8d %d %d %s",
                    index, inet_raw_address(&pcb->local_ip), pcb->local_port,
                    inet_raw_address(&pcb->remote_ip), pcb->remote_port, state, 0, 0, 3, 0ul, 0, 0,
                    0, 0, 3, "0000000000000000");
        inet_render_line(render, line, TCP_LINE_WIDTH);
        return;
    }
    /* SYN_RCVD pcbs still carry their listener's argument: no socket of their own yet. */
    const struct inet_socket *socket =
        pcb->state != SYN_RCVD && pcb->recv == inet_tcp_received ? pcb->callback_arg : NULL;
    unsigned transmit = (unsigned)(pcb->snd_lbb - pcb->lastack);
    unsigned receive = socket ? (unsigned)socket->tcp.receive_count : 0;
    rk_snprintf(line, sizeof line,
                "%4d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu %d %s "
                "%lu %lu %u %u %d",
                index, inet_raw_address(&pcb->local_ip), pcb->local_port,
                inet_raw_address(&pcb->remote_ip), pcb->remote_port, state, transmit, receive, 0,
                0ul, 0, 0u, 0, socket ? socket->id : 0ul, 1, "0000000000000000", 20ul, 4ul, 0u,
                (unsigned)pcb->cwnd / RK_MAX(1u, (unsigned)pcb->mss), -1);
    inet_render_line(render, line, TCP_LINE_WIDTH);
}

/* One listener line: rx_queue is the accept queue (sk_ack_backlog), as Linux. */
static void inet_render_tcp_listener(struct inet_render *render, int index,
                                     const struct tcp_pcb_listen *pcb)
{
    char line[256];
    const struct inet_socket *socket = pcb->accept == inet_tcp_accepted ? pcb->callback_arg : NULL;
    rk_snprintf(line, sizeof line,
                "%4d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu %d %s "
                "%lu %lu %u %u %d",
                index, inet_raw_address(&pcb->local_ip), pcb->local_port, 0u, 0, 10, 0u,
                socket ? socket->tcp.accept_count : 0u, 0, 0ul, 0, 0u, 0,
                socket ? socket->id : 0ul, 1, "0000000000000000", 20ul, 0ul, 0u, 10u, 0);
    inet_render_line(render, line, TCP_LINE_WIDTH);
}

/* /proc/net/tcp. */
static void inet_render_tcp(struct inet_render *render)
{
    inet_render_line(render,
                     "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt"
                     "   uid  timeout inode",
                     TCP_LINE_WIDTH);
    int index = 0;
    for (struct tcp_pcb_listen *pcb = tcp_listen_pcbs.listen_pcbs; pcb; pcb = pcb->next)
        inet_render_tcp_listener(render, index++, pcb);
    for (struct tcp_pcb *pcb = tcp_active_pcbs; pcb; pcb = pcb->next)
        inet_render_tcp_pcb(render, index++, pcb);
    for (struct tcp_pcb *pcb = tcp_tw_pcbs; pcb; pcb = pcb->next)
        inet_render_tcp_pcb(render, index++, pcb);
}

/* /proc/net/udp: connected sockets are ESTABLISHED (01), the others CLOSE (07). */
static void inet_render_udp(struct inet_render *render)
{
    inet_render_line(render,
                     "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt"
                     "   uid  timeout inode ref pointer drops",
                     UDP_LINE_WIDTH);
    int index = 0;
    for (struct udp_pcb *pcb = udp_pcbs; pcb; pcb = pcb->next) {
        const struct inet_socket *socket = pcb->recv == inet_udp_received ? pcb->recv_arg : NULL;
        bool connected = pcb->flags & UDP_FLAGS_CONNECTED;
        char line[256];
        rk_snprintf(line, sizeof line,
                    "%5d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu %d %s %u",
                    index++, inet_raw_address(&pcb->local_ip), pcb->local_port,
                    connected ? inet_raw_address(&pcb->remote_ip) : 0u,
                    connected ? pcb->remote_port : 0, connected ? 1 : 7, 0u,
                    socket ? (unsigned)socket->udp.queued_bytes : 0u, 0, 0ul, 0, 0u, 0,
                    socket ? socket->id : 0ul, 2, "0000000000000000", socket ? socket->udp.drops : 0u);
        inet_render_line(render, line, UDP_LINE_WIDTH);
    }
}

/* See network_internal.h: the table's full length; at most size bytes written. */
long inet_render_table(enum network_table table, char *buffer, size_t size)
{
    struct inet_render render = { .buffer = buffer, .size = size };
    if (table == NETWORK_TABLE_TCP)
        inet_render_tcp(&render);
    else if (table == NETWORK_TABLE_UDP)
        inet_render_udp(&render);
    else
        return -EINVAL;
    return (long)render.length;
}
