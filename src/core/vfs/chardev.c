/*
 * chardev.c — opening character and block device nodes through the
 * registry of device numbers (rk/chardev.h).
 */
#include <rk/chardev.h>
#include <rk/errno.h>

#include "vfs_internal.h"

int chardev_open(struct path_entry *entry, unsigned flags, struct file **result)
{
    return -ENODEV; /* no registry yet: the node's own operations serve it */
}
