/*
 * procfs_net.c — /proc/net: dev, route, tcp, udp and unix, each rendered
 * at read time by the registered network stack service (render_table,
 * through the gate). Without a stack, or when it cannot render a table,
 * the file holds Linux's header line(s) only. tcp6 and udp6 hold only
 * their header lines (no IPv6).
 */
#include <rk/errno.h>
#include <rk/gate.h>
#include <rk/services.h>
#include <rk/string.h>
#include <rk/vfs.h>

#include "procfs_internal.h"

/* Inode numbers: the directory, then its entries (the root's are below). */
#define PROCFS_NET_INODE 0x200u
/* Renders that still did not fit after this many tries give -EAGAIN. */
#define PROCFS_NET_RENDER_TRIES 4

/*
 * Linux's header line(s), for when no stack answers: the text, padded with
 * blanks to width (0: as is).
 */
static const struct {
    int width;
    const char *text;
} procfs_net_headers[NETWORK_TABLE_COUNT] = {
    [NETWORK_TABLE_DEV] = { 0, "Inter-|   Receive                                                |  Transmit\n"
                               " face |bytes    packets errs drop fifo frame compressed multicast|"
                               "bytes    packets errs drop fifo colls carrier compressed" },
    [NETWORK_TABLE_TCP] = { 149, "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
                                 "retrnsmt   uid  timeout inode" },
    [NETWORK_TABLE_UDP] = { 127, "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
                                 "retrnsmt   uid  timeout inode ref pointer drops" },
    [NETWORK_TABLE_UNIX] = { 0, "Num       RefCount Protocol Flags    Type St Inode Path" },
    [NETWORK_TABLE_ROUTE] = { 127, "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask"
                                   "\t\tMTU\tWindow\tIRTT" },
};

/*
 * Render table into text by asking the network stack, growing the buffer
 * until the whole table fits. Returns 0 or -ENOMEM/-EAGAIN.
 */
static int procfs_render_net_table(struct procfs_text *text, enum network_table table)
{
    struct service *stack = services_network_stack();
    size_t room = 4096;
    for (int try = 0; stack && try < PROCFS_NET_RENDER_TRIES; try++) {
        if (procfs_text_reserve(text, room) < 0)
            return text->error;
        size_t size = text->capacity - text->length;
        long length = SERVICE_CALL(stack, struct network_stack_ops, render_table, table,
                                   text->data + text->length, size);
        if (length < 0)
            break;   /* the stack cannot render it: the header only */
        if ((size_t)length < size) {
            text->length += (size_t)length;
            text->data[text->length] = '\0';
            return 0;
        }
        room = (size_t)length + 1;
    }
    if (stack && text->error == 0 && room > 4096)
        return -EAGAIN;
    procfs_text_printf(text, "%-*s\n", procfs_net_headers[table].width, procfs_net_headers[table].text);
    return 0;
}

/* The renderers of the entries (pid unused). */
static int procfs_render_net_dev(struct procfs_text *text, int pid)
{
    return procfs_render_net_table(text, NETWORK_TABLE_DEV);
}
static int procfs_render_net_route(struct procfs_text *text, int pid)
{
    return procfs_render_net_table(text, NETWORK_TABLE_ROUTE);
}
static int procfs_render_net_tcp(struct procfs_text *text, int pid)
{
    return procfs_render_net_table(text, NETWORK_TABLE_TCP);
}
static int procfs_render_net_udp(struct procfs_text *text, int pid)
{
    return procfs_render_net_table(text, NETWORK_TABLE_UDP);
}
static int procfs_render_net_unix(struct procfs_text *text, int pid)
{
    return procfs_render_net_table(text, NETWORK_TABLE_UNIX);
}
/*
 * tcp6 and udp6: Linux's header line only (there is no IPv6 here), so
 * that netstat, which reads them next to tcp and udp, finds them.
 */
static int procfs_render_net_tcp6(struct procfs_text *text, int pid)
{
    procfs_text_printf(text, "  sl  local_address                         remote_address"
                             "                        st tx_queue rx_queue tr tm->when retrnsmt"
                             "   uid  timeout inode\n");
    return 0;
}
static int procfs_render_net_udp6(struct procfs_text *text, int pid)
{
    procfs_text_printf(text, "  sl  local_address                         remote_address"
                             "                        st tx_queue rx_queue tr tm->when retrnsmt"
                             "   uid  timeout inode ref pointer drops\n");
    return 0;
}

#define NET_FILE(name, render) { name, PROCFS_SYSTEM_FILE, S_IFREG | 0444, render, NULL, -EIO }

static const struct procfs_entry procfs_net_entries[] = {
    NET_FILE("dev", procfs_render_net_dev),
    NET_FILE("route", procfs_render_net_route),
    NET_FILE("tcp", procfs_render_net_tcp),
    NET_FILE("udp", procfs_render_net_udp),
    NET_FILE("unix", procfs_render_net_unix),
    NET_FILE("tcp6", procfs_render_net_tcp6),
    NET_FILE("udp6", procfs_render_net_udp6),
};

#define PROCFS_NET_ENTRY_COUNT RK_ARRAY_SIZE(procfs_net_entries)

/* vnode_ops.lookup of /proc/net: one of the table files, else -ENOENT. */
static int procfs_net_lookup(struct vnode *directory, const char *name, size_t length,
                             struct vnode **result)
{
    return procfs_table_lookup(directory, name, length, procfs_net_entries,
                               PROCFS_NET_ENTRY_COUNT, PROCFS_NET_INODE, &procfs_system_file_ops,
                               result);
}

/* vnode_ops.readdir of /proc/net: ".", "..", then the files (cookie = position). */
static int procfs_net_readdir(struct vnode *directory, uint64_t *cookie,
                              struct directory_sink *sink)
{
    return procfs_table_readdir(cookie, sink, procfs_net_entries, PROCFS_NET_ENTRY_COUNT,
                                PROCFS_NET_INODE, PROCFS_ROOT_INODE);
}

/* vnode_ops.getattr of /proc/net: dr-xr-xr-x root root. */
static int procfs_net_getattr(struct vnode *vnode, struct vnode_attributes *attributes)
{
    procfs_fill_attributes(vnode, S_IFDIR | 0555, 0, 0, attributes);
    return 0;
}

const struct vnode_ops procfs_net_directory_ops = {
    VNODE_OPS_STUBS,
    .lookup = procfs_net_lookup,
    .create = procfs_refuse_create,
    .mkdir = procfs_refuse_mkdir,
    .symlink = procfs_refuse_symlink,
    .link = procfs_refuse_link,
    .readdir = procfs_net_readdir,
    .getattr = procfs_net_getattr,
    .release = procfs_release,
};
