/*
 * socket.c — socket(2) and socketpair(2), and the helpers every socket
 * syscall file shares (socket_support.h).
 *
 * The Core picks the service's constructor from (family, type, protocol)
 * with Linux 6.1's rules and errnos (net/socket.c __sock_create,
 * af_unix.c unix_create, af_inet.c inet_create), for a kernel that has
 * AF_UNIX and AF_INET with TCP and UDP only: every other family (AF_INET6,
 * AF_PACKET, AF_NETLINK...) is -EAFNOSUPPORT, as Linux without it; raw and
 * other AF_INET types are -ESOCKTNOSUPPORT; other protocols of a known
 * type -EPROTONOSUPPORT (ICMP "ping" and UDP-Lite datagram sockets too).
 */
#include <rk/containment.h>
#include <rk/klog.h>
#include <rk/network.h>
#include <rk/services.h>
#include <rk/string.h>

#include "socket_support.h"

#define ADDRESS_FAMILY_LIMIT 46     /* AF_MAX (NPROTO) in Linux 6.1 */
#define SOCKET_TYPE_LIMIT 11        /* SOCK_MAX: SOCK_PACKET + 1 */
#define SOCK_PACKET 10
#define PROTOCOL_LIMIT 263          /* IPPROTO_MAX */

int socket_lookup(int fd, struct file **file)
{
    struct file *found = syscall_file(fd);
    if (!found)
        return -EBADF;
    if (found->flags & O_PATH) {
        file_put(found);
        return -EBADF;
    }
    if (!found->ops->socket) {
        file_put(found);
        return -ENOTSOCK;
    }
    *file = found;
    return 0;
}

void socket_type(struct file *file, int *type, int *protocol)
{
    *type = 0;
    *protocol = 0;
    if (file->service)
        FILE_CALL_VOID(file, "get_type", file->ops->socket->get_type(file, type, protocol));
    else
        file->ops->socket->get_type(file, type, protocol);
}

bool socket_descriptor_available(void)
{
    struct process *process = process_current();
    if (!process)
        return false;
    for (int fd = 0; fd < PROCESS_FD_LIMIT; fd++)
        if (!process->fds->files[fd])
            return true;
    return false;
}

bool socket_is_record_based(struct file *file)
{
    int type = 0, protocol = 0;
    if (file->service)
        FILE_CALL_VOID(file, "get_type", file->ops->socket->get_type(file, &type, &protocol));
    else
        file->ops->socket->get_type(file, &type, &protocol);
    return type == SOCK_DGRAM || type == SOCK_SEQPACKET;
}

long socket_check_count(struct file *file, long count, size_t requested, const char *operation)
{
    if (count > 0 && (size_t)count > requested) {
        klog(KLOG_ERROR, "socket %s: service %s returned %ld bytes for %zu: EIO", operation,
             file->service ? file->service->name : "core", count, requested);
        return -EIO;
    }
    return count;
}

/* See socket_support.h. */
long socket_dead_result(const char *operation)
{
    if (strcmp(operation, "send") == 0 || strcmp(operation, "receive") == 0)
        return -ECONNRESET;
    return -EIO;
}

void socket_send_finish(long result, int flags)
{
    if (result == -EPIPE && !(flags & MSG_NOSIGNAL))
        process_note_broken_pipe(process_current());
}

int socket_install(struct file *file, int flags)
{
    struct process *process = process_current();
    file->flags = (file->flags & ~(unsigned)(O_ACCMODE | O_NONBLOCK)) | O_RDWR |
                  ((flags & SOCK_NONBLOCK) ? O_NONBLOCK : 0);
    int fd = process ? fd_install(process, file, 0, (flags & SOCK_CLOEXEC) != 0) : -ESRCH;
    if (fd < 0)
        file_put(file);
    return fd;
}

/* A file the service made must be a socket of the family asked for. */
static int check_new_socket(struct service *stack, struct file *file, int family)
{
    if (file && file->ops && file->ops->socket && file->ops->socket->family == family)
        return 0;
    klog(KLOG_ERROR, "socket: service %s made no socket of family %d: EIO", stack->name, family);
    if (file)
        file_put(file);
    return -EIO;
}

/*
 * Make one socket of (family, type, protocol), type without its flag
 * bits, in *file (one reference). Returns 0 or -errno as Linux's
 * sock_create for this kernel's families (see the top of the file).
 */
static int socket_create(int family, int type, int protocol, struct file **file)
{
    if (family < 0 || family >= ADDRESS_FAMILY_LIMIT)
        return -EAFNOSUPPORT;
    if (type < 0 || type >= SOCKET_TYPE_LIMIT)
        return -EINVAL;
    if (family != AF_UNIX && family != AF_INET)
        return -EAFNOSUPPORT;
    if (family == AF_INET && type == SOCK_PACKET)
        return -EAFNOSUPPORT;   /* Linux turns it into AF_PACKET, which is absent */
    struct service *stack = services_network_stack();
    if (!stack)
        return -EAFNOSUPPORT;
    int error;
    *file = NULL;
    if (family == AF_UNIX) {
        if (protocol != 0 && protocol != AF_UNIX)
            return -EPROTONOSUPPORT;
        if (type == SOCK_RAW)
            type = SOCK_DGRAM;      /* "Believe it or not BSD has AF_UNIX, SOCK_RAW" */
        if (type != SOCK_STREAM && type != SOCK_DGRAM && type != SOCK_SEQPACKET)
            return -ESOCKTNOSUPPORT;
        error = network_start();
        if (error < 0)
            return error;
        error = SERVICE_CALL(stack, struct network_stack_ops, create_unix_socket, type, file);
    } else {
        if (protocol < 0 || protocol >= PROTOCOL_LIMIT)
            return -EINVAL;
        if (type != SOCK_STREAM && type != SOCK_DGRAM)
            return -ESOCKTNOSUPPORT;
        if (protocol != IPPROTO_IP && protocol != (type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP))
            return -EPROTONOSUPPORT;
        error = network_start();
        if (error < 0)
            return error;
        error = type == SOCK_STREAM
                    ? SERVICE_CALL(stack, struct network_stack_ops, create_tcp_socket, file)
                    : SERVICE_CALL(stack, struct network_stack_ops, create_udp_socket, file);
    }
    if (error < 0)
        return error;
    return check_new_socket(stack, *file, family);
}

/* Split socket(2)'s type into the type and its flags; -EINVAL for unknown flag bits. */
static int split_type(int type_and_flags, int *type, int *flags)
{
    *flags = type_and_flags & ~SOCK_TYPE_MASK;
    if (*flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
        return -EINVAL;
    *type = type_and_flags & SOCK_TYPE_MASK;
    return 0;
}

/* socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol): a new descriptor or -errno. */
long sys_socket(const uint64_t arguments[6])
{
    int type, flags;
    int error = split_type(ARGUMENT_INT(1), &type, &flags);
    if (error < 0)
        return error;
    struct file *file;
    error = socket_create(ARGUMENT_INT(0), type, ARGUMENT_INT(2), &file);
    if (error < 0)
        return error;
    return socket_install(file, flags);
}

/* The lowest free descriptor at or above minimum, or -EMFILE. */
static int free_descriptor(struct process *process, int minimum, int skip)
{
    for (int fd = minimum; fd < PROCESS_FD_LIMIT; fd++)
        if (!process->fds->files[fd] && fd != skip)
            return fd;
    return -EMFILE;
}

/*
 * socketpair(domain, type | flags, protocol, int sv[2]). Linux's order:
 * flags (-EINVAL), two free descriptors (-EMFILE), their numbers written
 * to sv (-EFAULT, before the family is even looked at), both sockets
 * made (sock_create's errnos), then connected by the service
 * (-EOPNOTSUPP for AF_INET).
 */
long sys_socketpair(const uint64_t arguments[6])
{
    int type, flags;
    int error = split_type(ARGUMENT_INT(1), &type, &flags);
    if (error < 0)
        return error;
    struct process *process = process_current();
    if (!process)
        return -ESRCH;
    int fds[2];
    fds[0] = free_descriptor(process, 0, -1);
    if (fds[0] < 0)
        return fds[0];
    fds[1] = free_descriptor(process, 0, fds[0]);
    if (fds[1] < 0)
        return fds[1];
    uintptr_t user_fds = ARGUMENT_ADDRESS(3);
    if (copy_to_user(user_fds, fds, sizeof fds) < 0)
        return -EFAULT;
    struct file *first, *second;
    error = socket_create(ARGUMENT_INT(0), type, ARGUMENT_INT(2), &first);
    if (error < 0)
        return error;
    error = socket_create(ARGUMENT_INT(0), type, ARGUMENT_INT(2), &second);
    if (error < 0) {
        file_put(first);
        return error;
    }
    error = SOCKET_CALL(first, connect_pair, second);
    if (error > 0)
        error = -EIO;
    if (error < 0) {
        file_put(first);
        file_put(second);
        return error;
    }
    fds[0] = socket_install(first, flags);
    if (fds[0] < 0) {
        file_put(second);
        return fds[0];
    }
    fds[1] = socket_install(second, flags);
    if (fds[1] < 0) {
        fd_close(process, fds[0]);
        return fds[1];
    }
    /* The numbers written first stand unless another thread took a slot meanwhile. */
    if (copy_to_user(user_fds, fds, sizeof fds) < 0) {
        fd_close(process, fds[0]);
        fd_close(process, fds[1]);
        return -EFAULT;
    }
    return 0;
}
