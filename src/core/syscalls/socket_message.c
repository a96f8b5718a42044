/*
 * socket_message.c — sendto, recvfrom, sendmsg, recvmsg, sendmmsg and
 * recvmmsg.
 *
 * Linux's order (net/socket.c): sendto/recvfrom check the buffer's range
 * first (-EFAULT before -EBADF), then the descriptor, then the address;
 * sendmsg/recvmsg check the descriptor, then copy the msghdr (-EFAULT),
 * its msg_namelen (< 0: -EINVAL; above 128 it is clamped), msg_iovlen (>
 * UIO_MAXIOV: -EMSGSIZE) and the iovecs (negative length -EINVAL, range
 * -EFAULT; the total is cut at MAX_RW_COUNT), then msg_control
 * (socket_control.c). O_NONBLOCK on the description adds MSG_DONTWAIT.
 *
 * Destination addresses: a datagram socket's is decoded with the
 * SOCKET_ADDRESS_SEND_DATAGRAM rules; a stream socket's is not decoded
 * (TCP ignores it, AF_UNIX streams refuse any): the service gets a
 * socket_address of the socket's family with nothing else set when the
 * user gave a non-empty one; seqpacket sockets ignore it, as Linux.
 */
#include <rk/heap.h>
#include <rk/klog.h>
#include <rk/platform.h>
#include <rk/string.h>
#include <rk/timer.h>

#include "socket_support.h"
#include "system_support.h"

/* struct msghdr (x86_64, 56 bytes). */
struct user_msghdr {
    uint64_t name;
    int32_t name_length;
    uint32_t padding;
    uint64_t iov;
    uint64_t iov_length;
    uint64_t control;
    uint64_t control_length;
    int32_t flags;
    uint32_t padding2;
};

/* struct mmsghdr (64 bytes). */
struct user_mmsghdr {
    struct user_msghdr header;
    uint32_t length;
    uint32_t padding;
};

#define MSG_CMSG_COMPAT 0x80000000u
#define MSG_BATCH 0x40000
#define MSG_WAITFORONE 0x10000
#define RESULT_FLAGS (MSG_OOB | MSG_TRUNC | MSG_CTRUNC | MSG_EOR)

/* access_ok(): the range lies in user space. */
static bool user_range_ok(uintptr_t base, size_t length)
{
    uintptr_t end;
    return !__builtin_add_overflow(base, length, &end) && end <= platform_user_address_end();
}

/* ------------------------------------------------------------ sending */

/*
 * Send data (a cursor) on file to the raw destination (NULL: none) with
 * control's rights and credentials (NULL: none). Decodes the destination
 * for the socket's type, checks the service's count, raises SIGPIPE.
 */
static long socket_send(struct file *file, struct io_cursor *data,
                        const struct socket_address_buffer *raw, struct socket_control *control,
                        int flags)
{
    const struct socket_ops *socket = file->ops->socket;
    struct socket_address address;
    struct socket_address *destination = NULL;
    if (raw) {
        int type, protocol;
        socket_type(file, &type, &protocol);
        if (type == SOCK_DGRAM) {
            int error = socket_address_decode(socket->family, SOCKET_ADDRESS_SEND_DATAGRAM, raw,
                                              &address);
            if (error < 0)
                return error;
            if (address.family != AF_UNSPEC)
                destination = &address;
        } else if (type == SOCK_STREAM && raw->length > 0) {
            memset(&address, 0, sizeof address);
            address.family = (uint16_t)socket->family;
            destination = &address;
        }
    }
    if (file->flags & O_NONBLOCK)
        flags |= MSG_DONTWAIT;
    struct socket_message message = {
        .data = data,
        .address = destination,
        .rights = control && control->rights_count ? control->rights : NULL,
        .rights_count = control ? control->rights_count : 0,
        .credentials = control && control->has_credentials ? &control->credentials : NULL,
    };
    size_t requested = io_remaining(data);
    long result = SOCKET_CALL(file, send, &message, flags);
    result = socket_check_count(file, result, requested, "send");
    socket_send_finish(result, flags);
    return result;
}

/* sendto(fd, buffer, length, flags, address, address_length). */
long sys_sendto(const uint64_t arguments[6])
{
    uintptr_t buffer = ARGUMENT_ADDRESS(1);
    size_t length = arguments[2];
    if (length > SOCKET_TRANSFER_MAX)
        length = SOCKET_TRANSFER_MAX;
    if (!user_range_ok(buffer, length))
        return -EFAULT;
    struct file *file;
    int error = socket_lookup(ARGUMENT_INT(0), &file);
    if (error < 0)
        return error;
    struct socket_address_buffer raw;
    bool has_address = ARGUMENT_ADDRESS(4) != 0;
    if (has_address)
        error = socket_address_copy_in(ARGUMENT_ADDRESS(4), (long)ARGUMENT_INT(5), &raw);
    long result = error;
    if (error == 0) {
        struct io_segment segment = { .base = buffer, .length = length };
        struct io_cursor cursor = { .segments = &segment, .segment_count = 1, .user = true };
        result = socket_send(file, &cursor, has_address ? &raw : NULL, NULL, ARGUMENT_INT(3));
    }
    file_put(file);
    return result;
}

/* ---------------------------------------------------------- receiving */

/*
 * Receive on file into data; source (NULL: not wanted) gets the sender;
 * control (NULL: recvfrom) gets the rights and credentials. Returns the
 * byte count (checked) or -errno; *result_flags gets MSG_TRUNC etc.
 */
static long socket_receive(struct file *file, struct io_cursor *data, struct socket_address *source,
                           struct socket_control_output *control, int flags, unsigned *result_flags)
{
    struct file **rights = kzalloc(SOCKET_RIGHTS_MAX * sizeof *rights);
    if (!rights)
        return -ENOMEM;
    struct socket_credentials credentials = { 0 };
    if (file->flags & O_NONBLOCK)
        flags |= MSG_DONTWAIT;
    if (source) {
        memset(source, 0, sizeof *source);
        source->family = AF_UNSPEC;
    }
    struct socket_message message = {
        .data = data,
        .address = source,
        .rights = rights,
        .rights_capacity = SOCKET_RIGHTS_MAX,
        .credentials = &credentials,
    };
    size_t requested = io_remaining(data);
    long result = SOCKET_CALL(file, receive, &message, flags);
    /*
     * recv(MSG_TRUNC) on a datagram or seqpacket socket returns the real
     * length of the record, larger than the buffer (Linux); the bound is a
     * record's largest size, far above any socket's buffer.
     */
    if ((flags & MSG_TRUNC) && socket_is_record_based(file))
        requested = SOCKET_RECORD_MAX;
    result = socket_check_count(file, result, requested, "receive");
    unsigned rights_count = message.rights_count;
    if (rights_count > SOCKET_RIGHTS_MAX) {
        klog(KLOG_ERROR, "socket receive: service %s returned %u rights: EIO",
             file->service ? file->service->name : "core", rights_count);
        rights_count = 0;   /* cannot tell which are real: leak rather than put garbage */
        result = -EIO;
    }
    if (result >= 0 && source && source->family != AF_UNSPEC &&
        source->family != file->ops->socket->family) {
        klog(KLOG_ERROR, "socket receive: service %s returned an address of family %u: EIO",
             file->service ? file->service->name : "core", source->family);
        result = -EIO;
    }
    *result_flags = message.result_flags & RESULT_FLAGS;
    if (control && result >= 0) {
        socket_control_encode(control, message.received_credentials ? &credentials : NULL, rights,
                              rights_count, (flags & MSG_CMSG_CLOEXEC) != 0);
    } else {
        if (rights_count > 0)
            *result_flags |= MSG_CTRUNC;
        for (unsigned i = 0; i < rights_count; i++)
            file_put(rights[i]);
    }
    kfree(rights);
    return result;
}

/* recvfrom(fd, buffer, length, flags, address, address_length). */
long sys_recvfrom(const uint64_t arguments[6])
{
    uintptr_t buffer = ARGUMENT_ADDRESS(1);
    size_t length = arguments[2];
    if (length > SOCKET_TRANSFER_MAX)
        length = SOCKET_TRANSFER_MAX;
    if (!user_range_ok(buffer, length))
        return -EFAULT;
    struct file *file;
    int error = socket_lookup(ARGUMENT_INT(0), &file);
    if (error < 0)
        return error;
    struct io_segment segment = { .base = buffer, .length = length };
    struct io_cursor cursor = { .segments = &segment, .segment_count = 1, .user = true };
    struct socket_address source;
    uintptr_t user_address = ARGUMENT_ADDRESS(4);
    unsigned result_flags;
    long result = socket_receive(file, &cursor, user_address ? &source : NULL, NULL,
                                 ARGUMENT_INT(3), &result_flags);
    if (result >= 0 && user_address) {
        error = socket_address_to_user(&source, user_address, ARGUMENT_ADDRESS(5));
        if (error < 0)
            result = error;
    }
    file_put(file);
    return result;
}

/* -------------------------------------------------------------- msghdr */

/* A msghdr copied in and checked (copy_msghdr_from_user + import_iovec). */
struct message_header {
    struct user_msghdr user;
    struct io_segment *segments;     /* kmalloc'ed, NULL when there are none */
    struct io_cursor cursor;
    struct socket_address_buffer address;
    bool has_address;
};

/*
 * Copy the msghdr at address in and check it; for a send also copy its
 * address in. Returns 0 (free with message_header_release) or -errno.
 */
static int message_header_import(uintptr_t address, bool send, struct message_header *header)
{
    memset(header, 0, sizeof *header);
    if (copy_from_user(&header->user, address, sizeof header->user) < 0)
        return -EFAULT;
    struct user_msghdr *user = &header->user;
    if (!user->name)
        user->name_length = 0;
    if (user->name_length < 0)
        return -EINVAL;
    if (user->name_length > (int32_t)SOCKET_ADDRESS_STORAGE_SIZE)
        user->name_length = SOCKET_ADDRESS_STORAGE_SIZE;
    if (send && user->name && user->name_length) {
        int error = socket_address_copy_in(user->name, user->name_length, &header->address);
        if (error < 0)
            return error;
        header->has_address = true;
    }
    if (user->iov_length > SOCKET_IOV_MAX)
        return -EMSGSIZE;
    size_t count = (size_t)user->iov_length;
    if (count > 0) {
        header->segments = kmalloc(count * sizeof *header->segments);
        if (!header->segments)
            return -ENOMEM;
        if (copy_from_user(header->segments, user->iov, count * sizeof *header->segments) < 0)
            return -EFAULT;
        for (size_t i = 0; i < count; i++)
            if ((int64_t)header->segments[i].length < 0)
                return -EINVAL;
        size_t total = 0;
        for (size_t i = 0; i < count; i++) {
            if (!user_range_ok(header->segments[i].base, header->segments[i].length))
                return -EFAULT;
            if (header->segments[i].length > SOCKET_TRANSFER_MAX - total)
                header->segments[i].length = SOCKET_TRANSFER_MAX - total;
            total += header->segments[i].length;
        }
    }
    header->cursor = (struct io_cursor){ .segments = header->segments, .segment_count = count,
                                         .user = true };
    return 0;
}

static void message_header_release(struct message_header *header)
{
    kfree(header->segments);
    header->segments = NULL;
}

/* One sendmsg on file (referenced by the caller). Returns the count or -errno. */
static long send_message(struct file *file, uintptr_t address, int flags)
{
    struct message_header header;
    long result = message_header_import(address, true, &header);
    if (result < 0) {
        message_header_release(&header);
        return result;
    }
    if (header.user.control_length > INT32_MAX) {
        message_header_release(&header);
        return -ENOBUFS;
    }
    struct socket_control *control = kmalloc(sizeof *control);
    if (!control) {
        message_header_release(&header);
        return -ENOMEM;
    }
    result = socket_control_decode(file->ops->socket->family, header.user.control,
                                   (size_t)header.user.control_length, control);
    if (result == 0) {
        result = socket_send(file, &header.cursor, header.has_address ? &header.address : NULL,
                             control, flags);
        socket_control_release(control);
    }
    kfree(control);
    message_header_release(&header);
    return result;
}

/* sendmsg(fd, msghdr, flags). */
long sys_sendmsg(const uint64_t arguments[6])
{
    int flags = ARGUMENT_INT(2);
    if ((unsigned)flags & MSG_CMSG_COMPAT)
        return -EINVAL;
    struct file *file;
    int error = socket_lookup(ARGUMENT_INT(0), &file);
    if (error < 0)
        return error;
    long result = send_message(file, ARGUMENT_ADDRESS(1), flags);
    file_put(file);
    return result;
}

/*
 * sendmmsg(fd, mmsghdr vector, count, flags): sendmsg for each entry (at
 * most UIO_MAXIOV) with its count stored in msg_len; stops at the first
 * error. Returns how many were sent, or the first entry's error.
 */
long sys_sendmmsg(const uint64_t arguments[6])
{
    int flags = ARGUMENT_INT(3);
    if ((unsigned)flags & MSG_CMSG_COMPAT)
        return -EINVAL;
    struct file *file;
    int error = socket_lookup(ARGUMENT_INT(0), &file);
    if (error < 0)
        return error;
    unsigned count = ARGUMENT_UNSIGNED(2);
    if (count > SOCKET_IOV_MAX)
        count = SOCKET_IOV_MAX;
    uintptr_t vector = ARGUMENT_ADDRESS(1);
    long result = 0;
    unsigned sent = 0;
    for (; sent < count; sent++) {
        uintptr_t entry = vector + sent * sizeof(struct user_mmsghdr);
        result = send_message(file, entry, flags | MSG_BATCH);
        if (result < 0)
            break;
        uint32_t length = (uint32_t)result;
        if (copy_to_user(entry + offsetof(struct user_mmsghdr, length), &length, sizeof length) < 0) {
            result = -EFAULT;
            break;
        }
    }
    file_put(file);
    return sent > 0 ? (long)sent : result;
}

/*
 * One recvmsg into the msghdr at address on file (referenced by the
 * caller): data, then the control messages, the source address
 * (msg_name/msg_namelen), msg_flags and msg_controllen written back, in
 * Linux's order. *message_flags gets the msg_flags written (MSG_OOB ends a
 * recvmmsg). Returns the byte count or -errno.
 */
static long receive_message(struct file *file, uintptr_t address, int flags, unsigned *message_flags)
{
    struct message_header header;
    long result = message_header_import(address, false, &header);
    *message_flags = 0;
    if (result == 0) {
        struct socket_control_output control = {
            .address = header.user.control,
            .remaining = (size_t)header.user.control_length,
        };
        struct socket_address source;
        unsigned result_flags = 0;
        result = socket_receive(file, &header.cursor, header.user.name ? &source : NULL, &control,
                                flags, &result_flags);
        if (result >= 0 && header.user.name) {
            int error = socket_address_to_user(&source, header.user.name,
                                               address + offsetof(struct user_msghdr, name_length));
            if (error < 0)
                result = error;
        }
        if (result >= 0) {
            *message_flags = result_flags | control.flags | ((unsigned)flags & MSG_CMSG_CLOEXEC);
            int32_t written_flags = (int32_t)*message_flags;
            uint64_t control_used = control.used;
            if (copy_to_user(address + offsetof(struct user_msghdr, flags), &written_flags,
                             sizeof written_flags) < 0 ||
                copy_to_user(address + offsetof(struct user_msghdr, control_length), &control_used,
                             sizeof control_used) < 0)
                result = -EFAULT;
        }
    }
    message_header_release(&header);
    return result;
}

/* recvmsg(fd, msghdr, flags). */
long sys_recvmsg(const uint64_t arguments[6])
{
    int flags = ARGUMENT_INT(2);
    if ((unsigned)flags & MSG_CMSG_COMPAT)
        return -EINVAL;
    struct file *file;
    int error = socket_lookup(ARGUMENT_INT(0), &file);
    if (error < 0)
        return error;
    unsigned message_flags;
    long result = receive_message(file, ARGUMENT_ADDRESS(1), flags, &message_flags);
    file_put(file);
    return result;
}

/*
 * recvmmsg(fd, mmsghdr vector, count, flags, timespec or NULL): recvmsg
 * into each entry with its count in msg_len, until count, an error, MSG_OOB
 * data, or the timeout (checked between messages, as Linux: it does not
 * cut a wait short); MSG_WAITFORONE turns on MSG_DONTWAIT after the first.
 * The time left is written back. Returns how many were received, or the
 * first entry's error. (Linux also keeps a later entry's error as the
 * socket's pending SO_ERROR; here it is dropped.)
 */
long sys_recvmmsg(const uint64_t arguments[6])
{
    int flags = ARGUMENT_INT(3);
    if ((unsigned)flags & MSG_CMSG_COMPAT)
        return -EINVAL;
    uintptr_t timeout_address = ARGUMENT_ADDRESS(4);
    uint64_t deadline = 0;
    if (timeout_address) {
        struct user_timespec timeout;
        if (copy_from_user(&timeout, timeout_address, sizeof timeout) < 0)
            return -EFAULT;
        if (!timespec_valid(&timeout))
            return -EINVAL;
        uint64_t now = clock_now_ns(), length = timespec_to_ns(&timeout);
        deadline = length > UINT64_MAX / 2 - now ? UINT64_MAX / 2 : now + length;
    }
    struct file *file;
    int error = socket_lookup(ARGUMENT_INT(0), &file);
    if (error < 0)
        return error;
    unsigned count = ARGUMENT_UNSIGNED(2);
    uintptr_t vector = ARGUMENT_ADDRESS(1);
    long result = 0;
    unsigned received = 0;
    while (received < count) {
        uintptr_t entry = vector + received * sizeof(struct user_mmsghdr);
        unsigned message_flags;
        result = receive_message(file, entry, flags & ~MSG_WAITFORONE, &message_flags);
        if (result < 0)
            break;
        uint32_t length = (uint32_t)result;
        if (copy_to_user(entry + offsetof(struct user_mmsghdr, length), &length, sizeof length) < 0) {
            result = -EFAULT;
            break;
        }
        received++;
        if (flags & MSG_WAITFORONE)
            flags |= MSG_DONTWAIT;
        if (timeout_address && clock_now_ns() >= deadline)
            break;
        if (message_flags & MSG_OOB)
            break;
    }
    file_put(file);
    if (received == 0 && result < 0)
        return result;
    if (timeout_address && received > 0) {
        uint64_t now = clock_now_ns();
        struct user_timespec left = timespec_from_ns(deadline > now ? (int64_t)(deadline - now) : 0);
        if (copy_to_user(timeout_address, &left, sizeof left) < 0)
            return -EFAULT;
    }
    return (long)received;
}
