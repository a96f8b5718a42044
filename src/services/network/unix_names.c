/*
 * unix_names.c — AF_UNIX names: the table of bound sockets (abstract
 * names per socket type, as Linux hashes them; pathnames by their socket
 * node), bind and autobind, finding the socket behind an address,
 * unix_sockets_reset, and /proc/net/unix.
 */
#include <rk/errno.h>
#include <rk/format.h>
#include <rk/heap.h>
#include <rk/string.h>

#include "network_internal.h"
#include "unix_internal.h"

/* Sockets that own a binding (bound_link), and every socket (all_link). */
static struct list_node bound_sockets = LIST_HEAD_INIT(bound_sockets);
static struct list_node all_sockets = LIST_HEAD_INIT(all_sockets);
static unsigned next_autobind_name;

void unix_socket_list_add(struct unix_socket *socket)
{
    list_push_back(&all_sockets, &socket->all_link);
}

void unix_socket_list_remove(struct unix_socket *socket)
{
    list_remove(&socket->all_link);
}

struct list_node *unix_socket_list(void) { return &all_sockets; }

void unix_name_put(struct unix_name *name)
{
    if (!name || --name->references > 0)
        return;
    vfs_socket_node_put(name->node); /* NULL for abstract names */
    kfree(name);
}

void unix_name_to_address(const struct unix_name *name, struct socket_address *address)
{
    if (name) {
        *address = name->address;
        return;
    }
    memset(address, 0, sizeof *address);
    address->family = AF_UNIX;
    address->local.kind = SOCKET_ADDRESS_LOCAL_UNNAMED;
}

/* A new name for address (node: referenced, taken over), or NULL. */
static struct unix_name *unix_name_create(const struct socket_address *address, struct vnode *node)
{
    struct unix_name *name = kzalloc(sizeof *name);
    if (!name)
        return NULL;
    name->references = 1;
    name->address = *address;
    name->node = node;
    return name;
}

/* True when abstract names a and b are the same bytes. */
static bool unix_abstract_equal(const struct socket_address *a, const struct socket_address *b)
{
    return a->local.length == b->local.length && memcmp(a->local.name, b->local.name, a->local.length) == 0;
}

/* The socket bound to abstract address with type, or NULL (not referenced). */
static struct unix_socket *unix_find_abstract(const struct socket_address *address, int type)
{
    list_for_each(node, &bound_sockets) {
        struct unix_socket *socket = list_entry(node, struct unix_socket, bound_link);
        const struct socket_address *bound = &socket->name->address;
        if (socket->type == type && bound->local.kind == SOCKET_ADDRESS_LOCAL_ABSTRACT &&
            unix_abstract_equal(bound, address))
            return socket;
    }
    return NULL;
}

/* The socket bound at socket node vnode, or NULL (not referenced). */
static struct unix_socket *unix_find_node(const struct vnode *vnode)
{
    list_for_each(node, &bound_sockets) {
        struct unix_socket *socket = list_entry(node, struct unix_socket, bound_link);
        const struct vnode *bound = socket->name->node;
        if (bound && bound->superblock == vnode->superblock &&
            bound->inode_number == vnode->inode_number)
            return socket;
    }
    return NULL;
}

/* Enter socket in the table under name (a reference taken over). */
static void unix_bind_name(struct unix_socket *socket, struct unix_name *name)
{
    socket->name = name;
    socket->owns_binding = true;
    list_push_back(&bound_sockets, &socket->bound_link);
}

void unix_unbind(struct unix_socket *socket)
{
    if (!socket->owns_binding)
        return;
    list_remove(&socket->bound_link);
    socket->owns_binding = false;
}

int unix_autobind(struct unix_socket *socket)
{
    if (socket->name)
        return 0;
    struct socket_address address = { .family = AF_UNIX };
    address.local.kind = SOCKET_ADDRESS_LOCAL_ABSTRACT;
    address.local.length = 6;
    for (unsigned tries = 0; tries < UNIX_AUTOBIND_NAMES; tries++) {
        unsigned number = next_autobind_name++ % UNIX_AUTOBIND_NAMES;
        char text[8];
        rk_snprintf(text, sizeof text, "%05x", number);
        address.local.name[0] = '\0';
        memcpy(address.local.name + 1, text, 5);
        if (unix_find_abstract(&address, socket->type))
            continue;
        struct unix_name *name = unix_name_create(&address, NULL);
        if (!name)
            return -ENOMEM;
        unix_bind_name(socket, name);
        return 0;
    }
    return -ENOSPC;
}

int unix_bind(struct unix_socket *socket, const struct socket_address *address)
{
    if (address->family != AF_UNIX)
        return -EINVAL;
    switch (address->local.kind) {
    case SOCKET_ADDRESS_LOCAL_UNNAMED:
        return unix_autobind(socket);
    case SOCKET_ADDRESS_LOCAL_ABSTRACT: {
        if (socket->name)
            return -EINVAL;
        if (unix_find_abstract(address, socket->type))
            return -EADDRINUSE;
        struct unix_name *name = unix_name_create(address, NULL);
        if (!name)
            return -ENOMEM;
        unix_bind_name(socket, name);
        return 0;
    }
    case SOCKET_ADDRESS_LOCAL_PATHNAME: {
        /* Linux makes the node first, so a bound socket gets EADDRINUSE for a taken path. */
        if (socket->name) {
            int error = vfs_socket_bind(address->local.name, NULL);
            return error < 0 ? error : -EINVAL;
        }
        struct vnode *node = NULL;
        int error = vfs_socket_bind(address->local.name, &node);
        if (error < 0)
            return error;
        struct unix_name *name = unix_name_create(address, node);
        if (!name) {
            vfs_socket_node_put(node);
            return -ENOMEM;
        }
        unix_bind_name(socket, name);
        return 0;
    }
    }
    return -EINVAL;
}

struct unix_socket *unix_find(const struct socket_address *address, int type)
{
    if (address->family != AF_UNIX)
        return error_pointer(-EINVAL);
    struct unix_socket *socket = NULL;
    switch (address->local.kind) {
    case SOCKET_ADDRESS_LOCAL_ABSTRACT:
        socket = unix_find_abstract(address, type);
        if (!socket)
            return error_pointer(-ECONNREFUSED);
        break;
    case SOCKET_ADDRESS_LOCAL_PATHNAME: {
        struct vnode *node;
        int error = vfs_socket_lookup(address->local.name, &node);
        if (error < 0)
            return error_pointer(error);
        socket = unix_find_node(node);
        vfs_socket_node_put(node);
        if (!socket)
            return error_pointer(-ECONNREFUSED);
        if (socket->type != type)
            return error_pointer(-EPROTOTYPE);
        break;
    }
    default:
        return error_pointer(-EINVAL);
    }
    unix_socket_get(socket);
    return socket;
}

/*
 * Service stop: every name is unbound (connect and sendto find nobody) and
 * every socket leaves the table of /proc/net/unix; the sockets themselves
 * live on with their files and stay connected.
 */
void unix_sockets_reset(void)
{
    while (!list_is_empty(&bound_sockets))
        unix_unbind(list_entry(bound_sockets.next, struct unix_socket, bound_link));
    while (!list_is_empty(&all_sockets))
        list_remove(all_sockets.next);
    next_autobind_name = 0;
}

/*
 * Service start: empty tables. After a stop they are empty already; after
 * a new boot they may still point at the previous boot's memory, which is
 * forgotten without being touched.
 */
void unix_sockets_start(void)
{
    list_init(&bound_sockets);
    list_init(&all_sockets);
    next_autobind_name = 0;
    unix_inode_numbers_reset();
    unix_gc_reset();
    unix_rights_reset();
}

/* Append formatted text at *used in buffer (size bytes), counting what did not fit too. */
static void unix_table_append(char *buffer, size_t size, size_t *used, const char *format, ...)
    RK_PRINTF(4, 5);
static void unix_table_append(char *buffer, size_t size, size_t *used, const char *format, ...)
{
    char line[160];
    va_list arguments;
    va_start(arguments, format);
    int length = rk_vsnprintf(line, sizeof line, format, arguments);
    va_end(arguments);
    if (length < 0)
        return;
    size_t count = RK_MIN((size_t)length, sizeof line - 1);
    for (size_t i = 0; i < count; i++, (*used)++)
        if (*used < size)
            buffer[*used] = line[i];
}

/* The name of a bound socket as /proc/net/unix shows it: a path, or "@" and NULs as "@". */
static void unix_table_name(char *text, size_t size, const struct unix_name *name)
{
    const struct socket_address *address = &name->address;
    size_t length = 0;
    if (address->local.kind == SOCKET_ADDRESS_LOCAL_PATHNAME) {
        length = rk_strlcpy(text, address->local.name, size);
        return;
    }
    for (size_t i = 0; i < address->local.length && length + 1 < size; i++)
        text[length++] = address->local.name[i] ? address->local.name[i] : '@';
    text[length] = '\0';
}

long unix_render_table(char *buffer, size_t size)
{
    size_t used = 0;
    unix_table_append(buffer, size, &used, "Num       RefCount Protocol Flags    Type St Inode Path\n");
    list_for_each(node, &all_sockets) {
        struct unix_socket *socket = list_entry(node, struct unix_socket, all_link);
        if (socket->released)
            continue;
        unsigned state;
        if (socket->file)
            state = socket->state == UNIX_CONNECTED ? 3 : 1;      /* SS_CONNECTED, SS_UNCONNECTED */
        else
            state = socket->state == UNIX_CONNECTED ? 2 : 4;      /* SS_CONNECTING, SS_DISCONNECTING */
        unix_table_append(buffer, size, &used, "0000000000000000: %08lX %08X %08X %04X %02X %5lu",
                          socket->references + 1, 0u,
                          socket->state == UNIX_LISTENING ? 0x10000u : 0u, (unsigned)socket->type,
                          state, (unsigned long)socket->inode_number);
        if (socket->name) {
            char text[SOCKET_ADDRESS_UNIX_PATH_MAX + 2];
            unix_table_name(text, sizeof text, socket->name);
            unix_table_append(buffer, size, &used, " %s", text);
        }
        unix_table_append(buffer, size, &used, "\n");
    }
    return (long)used;
}
