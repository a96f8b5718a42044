/*
 * socket_option.c — setsockopt and getsockopt.
 *
 * setsockopt: a negative optlen is -EINVAL before the descriptor is
 * looked at (Linux's __sys_setsockopt); up to SOCKET_OPTION_MAX bytes of
 * the value are copied in (-EFAULT when they cannot be read: a deviation
 * from Linux, which reads the value inside each option's handler, so an
 * unknown option with a bad pointer is -ENOPROTOOPT there) and the whole
 * option goes to the service.
 *
 * getsockopt: the descriptor, then the int at optlen (-EFAULT) and its
 * sign (-EINVAL). SO_TYPE, SO_DOMAIN and SO_PROTOCOL are answered here
 * from the socket's ops (family, get_type); everything else asks the
 * service with a kernel buffer of min(optlen, SOCKET_OPTION_MAX) bytes.
 * min(optlen, result length) bytes are copied out and that count is
 * stored at optlen, as Linux.
 */
#include <rk/klog.h>
#include <rk/string.h>

#include "socket_support.h"

/* setsockopt(fd, level, name, value, length). */
long sys_setsockopt(const uint64_t arguments[6])
{
    int length = ARGUMENT_INT(4);
    if (length < 0)
        return -EINVAL;
    struct file *file;
    int error = socket_lookup(ARGUMENT_INT(0), &file);
    if (error < 0)
        return error;
    unsigned char value[SOCKET_OPTION_MAX];
    unsigned copied = (unsigned)length < SOCKET_OPTION_MAX ? (unsigned)length : SOCKET_OPTION_MAX;
    if (copied > 0 && copy_from_user(value, ARGUMENT_ADDRESS(3), copied) < 0)
        error = -EFAULT;
    else
        error = SOCKET_CALL(file, set_option, ARGUMENT_INT(1), ARGUMENT_INT(2), value, copied);
    file_put(file);
    return error > 0 ? -EIO : error;
}

/*
 * The options the Core answers itself: 0 with an int in *value, or
 * -ENOPROTOOPT when the option is the service's.
 */
static int generic_option(struct file *file, int level, int name, int *value)
{
    if (level != SOL_SOCKET)
        return -ENOPROTOOPT;
    int type, protocol;
    switch (name) {
    case SO_TYPE:
        socket_type(file, &type, &protocol);
        *value = type;
        return 0;
    case SO_PROTOCOL:
        socket_type(file, &type, &protocol);
        *value = protocol;
        return 0;
    case SO_DOMAIN:
        *value = file->ops->socket->family;
        return 0;
    default:
        return -ENOPROTOOPT;
    }
}

/* getsockopt(fd, level, name, value, length pointer). */
long sys_getsockopt(const uint64_t arguments[6])
{
    struct file *file;
    int error = socket_lookup(ARGUMENT_INT(0), &file);
    if (error < 0)
        return error;
    int level = ARGUMENT_INT(1), name = ARGUMENT_INT(2);
    uintptr_t value_address = ARGUMENT_ADDRESS(3), length_address = ARGUMENT_ADDRESS(4);
    int length;
    if (copy_from_user(&length, length_address, sizeof length) < 0) {
        file_put(file);
        return -EFAULT;
    }
    if (length < 0) {
        file_put(file);
        return -EINVAL;
    }
    unsigned char value[SOCKET_OPTION_MAX];
    memset(value, 0, sizeof value);
    unsigned capacity = (unsigned)length < SOCKET_OPTION_MAX ? (unsigned)length : SOCKET_OPTION_MAX;
    unsigned result_length;
    int generic;
    if (generic_option(file, level, name, &generic) == 0) {
        memcpy(value, &generic, sizeof generic);
        result_length = sizeof generic;
    } else {
        result_length = capacity;
        error = SOCKET_CALL(file, get_option, level, name, value, &result_length);
        if (error > 0)
            error = -EIO;
        if (error == 0 && result_length > capacity) {
            klog(KLOG_ERROR, "getsockopt: service %s returned %u bytes for %u: EIO",
                 file->service ? file->service->name : "core", result_length, capacity);
            error = -EIO;
        }
    }
    file_put(file);
    if (error < 0)
        return error;
    if (result_length > (unsigned)length)
        result_length = (unsigned)length;
    if (result_length > 0 && copy_to_user(value_address, value, result_length) < 0)
        return -EFAULT;
    int written = (int)result_length;
    if (copy_to_user(length_address, &written, sizeof written) < 0)
        return -EFAULT;
    return 0;
}
