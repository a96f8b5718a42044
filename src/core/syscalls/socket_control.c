/*
 * socket_control.c — control messages (struct cmsghdr) of sendmsg and
 * recvmsg: SCM_RIGHTS (descriptors become referenced files and back) and
 * SCM_CREDENTIALS (struct ucred, checked as Linux's scm_check_creds).
 *
 * Layout (x86_64): a cmsghdr is { size_t len; int level; int type; }
 * (16 bytes), its data follows, and the next header starts at the
 * previous one plus CMSG_ALIGN(len) (8-byte alignment). Linux's rules
 * (net/core/scm.c __scm_send, put_cmsg, scm_detach_fds): a header that
 * does not fit whole ends the list; a length below 16 or past the end of
 * msg_control is -EINVAL; headers of a level other than SOL_SOCKET are
 * skipped; at SOL_SOCKET only SCM_RIGHTS and SCM_CREDENTIALS exist, and
 * only for AF_UNIX sockets (an AF_INET socket's sock_cmsg_send refuses
 * them with -EINVAL, like every unknown type).
 */
#include <rk/heap.h>
#include <rk/string.h>

#include "socket_support.h"

struct user_cmsghdr {
    uint64_t length;
    int32_t level;
    int32_t type;
};

#define CMSG_HEADER_SIZE sizeof(struct user_cmsghdr)
#define CMSG_ALIGN(length) (((length) + 7) & ~(size_t)7)
#define CMSG_LENGTH(data) (CMSG_HEADER_SIZE + (data))
#define CMSG_SPACE(data) (CMSG_HEADER_SIZE + CMSG_ALIGN(data))
#define UID_INVALID 0xffffffffu

void socket_control_release(struct socket_control *control)
{
    for (unsigned i = 0; i < control->rights_count; i++)
        file_put(control->rights[i]);
    control->rights_count = 0;
}

/* Append the descriptors of one SCM_RIGHTS message (count ints at data). */
static int decode_rights(struct socket_control *control, const int32_t *data, size_t count)
{
    if (count == 0)
        return 0;
    if (count > SOCKET_RIGHTS_MAX || control->rights_count + count > SOCKET_RIGHTS_MAX)
        return -EINVAL;
    struct process *process = process_current();
    for (size_t i = 0; i < count; i++) {
        /* fget_raw: any open description, O_PATH ones included. */
        struct file *file = data[i] < 0 || !process ? NULL : fd_get(process, data[i]);
        if (!file)
            return -EBADF;
        control->rights[control->rights_count++] = file;
    }
    return 0;
}

/*
 * scm_check_creds and the checks after it: ids of -1 are -EINVAL; then own
 * pid and own ids (-EPERM), root may pass any; a pid that does not exist
 * is -ESRCH.
 */
static int decode_credentials(struct socket_control *control, const struct socket_credentials *given)
{
    struct process *process = process_current();
    if (!process)
        return -EPERM;
    if (given->uid == UID_INVALID || given->gid == UID_INVALID)
        return -EINVAL;
    bool privileged = process->euid == 0;
    bool pid_ok = given->pid == process->pid || privileged;
    bool uid_ok = given->uid == process->uid || given->uid == process->euid ||
                  given->uid == process->suid || privileged;
    bool gid_ok = given->gid == process->gid || given->gid == process->egid ||
                  given->gid == process->sgid || privileged;
    if (!pid_ok || !uid_ok || !gid_ok)
        return -EPERM;
    if (given->pid != process->pid && (given->pid <= 0 || !process_find(given->pid)))
        return -ESRCH;
    control->credentials = *given;
    control->has_credentials = true;
    return 0;
}

/* One SOL_SOCKET message of length bytes (header included) at buffer. */
static int decode_message(int family, const unsigned char *message, struct socket_control *control)
{
    struct user_cmsghdr header;
    memcpy(&header, message, sizeof header);
    size_t data_length = header.length - CMSG_HEADER_SIZE;
    if (family != AF_UNIX)
        return -EINVAL;
    switch (header.type) {
    case SCM_RIGHTS: {
        size_t count = data_length / sizeof(int32_t);
        if (count > SOCKET_RIGHTS_MAX)
            return -EINVAL;
        int32_t descriptors[SOCKET_RIGHTS_MAX];
        memcpy(descriptors, message + CMSG_HEADER_SIZE, count * sizeof(int32_t));
        return decode_rights(control, descriptors, count);
    }
    case SCM_CREDENTIALS: {
        if (header.length != CMSG_LENGTH(sizeof(struct socket_credentials)))
            return -EINVAL;
        struct socket_credentials given;
        memcpy(&given, message + CMSG_HEADER_SIZE, sizeof given);
        return decode_credentials(control, &given);
    }
    default:
        return -EINVAL;
    }
}

int socket_control_decode(int family, uintptr_t control_address, size_t control_length,
                          struct socket_control *control)
{
    control->rights_count = 0;
    control->has_credentials = false;
    if (control_length == 0)
        return 0;
    if (control_length > SOCKET_CONTROL_MAX)
        return -ENOBUFS;
    unsigned char *buffer = kmalloc(control_length);
    if (!buffer)
        return -ENOBUFS;
    int error = copy_from_user(buffer, control_address, control_length) < 0 ? -EFAULT : 0;
    size_t offset = 0;
    /* for_each_cmsghdr: a header must fit whole. */
    while (error == 0 && control_length - offset >= CMSG_HEADER_SIZE) {
        struct user_cmsghdr header;
        memcpy(&header, buffer + offset, sizeof header);
        if (header.length < CMSG_HEADER_SIZE || header.length > control_length - offset) {
            error = -EINVAL;    /* !CMSG_OK */
            break;
        }
        if (header.level == SOL_SOCKET)
            error = decode_message(family, buffer + offset, control);
        size_t step = CMSG_ALIGN(header.length);
        if (step > control_length - offset)
            break;
        offset += step;
    }
    kfree(buffer);
    if (error < 0)
        socket_control_release(control);
    return error;
}

/*
 * put_cmsg: one message of data_length bytes, truncated (MSG_CTRUNC) to
 * what is left; nothing when not even a header fits. Returns 0 or -EFAULT.
 */
static int put_message(struct socket_control_output *output, int type, const void *data,
                       size_t data_length)
{
    if (!output->address || output->remaining < CMSG_HEADER_SIZE) {
        output->flags |= MSG_CTRUNC;
        return 0;
    }
    size_t length = CMSG_LENGTH(data_length);
    if (output->remaining < length) {
        output->flags |= MSG_CTRUNC;
        length = output->remaining;
    }
    struct user_cmsghdr header = { .length = length, .level = SOL_SOCKET, .type = type };
    if (copy_to_user(output->address, &header, sizeof header) < 0 ||
        copy_to_user(output->address + CMSG_HEADER_SIZE, data, length - CMSG_HEADER_SIZE) < 0)
        return -EFAULT;
    size_t space = CMSG_SPACE(data_length);
    if (space > output->remaining)
        space = output->remaining;
    output->address += space;
    output->remaining -= space;
    output->used += space;
    return 0;
}

/* scm_detach_fds: install what fits, drop the rest (MSG_CTRUNC). */
static void put_rights(struct socket_control_output *output, struct file **rights,
                       unsigned count, bool cloexec)
{
    size_t room = output->address && output->remaining > CMSG_HEADER_SIZE
                      ? (output->remaining - CMSG_HEADER_SIZE) / sizeof(int32_t)
                      : 0;
    unsigned installed = 0;
    struct process *process = process_current();
    for (unsigned i = 0; i < count; i++) {
        struct file *file = rights[i];
        rights[i] = NULL;
        if (i != installed || installed >= room || installed >= SOCKET_RIGHTS_MAX || !process) {
            file_put(file);
            continue;
        }
        int fd = fd_install(process, file, 0, cloexec);
        if (fd < 0) {
            file_put(file);
            continue;
        }
        if (copy_to_user(output->address + CMSG_HEADER_SIZE + installed * sizeof(int32_t), &fd,
                         sizeof fd) < 0) {
            fd_close(process, fd);
            continue;
        }
        installed++;
    }
    if (installed > 0) {
        struct user_cmsghdr header = { .length = CMSG_LENGTH(installed * sizeof(int32_t)),
                                       .level = SOL_SOCKET, .type = SCM_RIGHTS };
        if (copy_to_user(output->address, &header, sizeof header) == 0) {
            size_t space = CMSG_SPACE(installed * sizeof(int32_t));
            if (space > output->remaining)
                space = output->remaining;
            output->address += space;
            output->remaining -= space;
            output->used += space;
        }
    }
    if (installed < count)
        output->flags |= MSG_CTRUNC;
}

void socket_control_encode(struct socket_control_output *output,
                           const struct socket_credentials *credentials, struct file **rights,
                           unsigned rights_count, bool cloexec)
{
    if (credentials)
        (void)put_message(output, SCM_CREDENTIALS, credentials, sizeof *credentials);
    if (rights_count > 0)
        put_rights(output, rights, rights_count, cloexec);
}
