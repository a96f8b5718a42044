/*
 * stat.c — stat, fstat, lstat, newfstatat, statx (Linux x86_64 layouts).
 */
#include <rk/heap.h>
#include <rk/string.h>

#include "syscall_support.h"

/* struct stat as the x86_64 kernel writes it (144 bytes). */
struct linux_stat {
    uint64_t device;
    uint64_t inode;
    uint64_t link_count;
    uint32_t mode;
    uint32_t uid;
    uint32_t gid;
    uint32_t padding;
    uint64_t rdev;
    int64_t size;
    int64_t block_size;
    int64_t blocks;
    int64_t access_seconds;
    uint64_t access_nanoseconds;
    int64_t modify_seconds;
    uint64_t modify_nanoseconds;
    int64_t change_seconds;
    uint64_t change_nanoseconds;
    int64_t unused[3];
};
_Static_assert(sizeof(struct linux_stat) == 144, "struct stat is 144 bytes on x86_64");

#define AT_STATX_SYNC_TYPE 0x6000
#define AT_NO_AUTOMOUNT 0x800

struct linux_statx_timestamp {
    int64_t seconds;
    uint32_t nanoseconds;
    int32_t reserved;
};

/* struct statx (256 bytes). */
struct linux_statx {
    uint32_t mask;
    uint32_t block_size;
    uint64_t attributes;
    uint32_t link_count;
    uint32_t uid;
    uint32_t gid;
    uint16_t mode;
    uint16_t spare0;
    uint64_t inode;
    uint64_t size;
    uint64_t blocks;
    uint64_t attributes_mask;
    struct linux_statx_timestamp access_time;
    struct linux_statx_timestamp birth_time;
    struct linux_statx_timestamp change_time;
    struct linux_statx_timestamp modify_time;
    uint32_t rdev_major;
    uint32_t rdev_minor;
    uint32_t device_major;
    uint32_t device_minor;
    uint64_t spare[14];
};
_Static_assert(sizeof(struct linux_statx) == 256, "struct statx is 256 bytes");

#define STATX_BASIC_STATS 0x7ffu

/* Attributes of node with its device. */
static int node_attributes(struct vnode *node, struct vnode_attributes *attributes, uint64_t *device)
{
    memset(attributes, 0, sizeof *attributes);
    return vfs_getattr(node, attributes, device);
}

/* Fill and copy out a struct stat. */
static long put_stat(const struct vnode_attributes *attributes, uint64_t device, uintptr_t buffer)
{
    struct linux_stat out = {
        .device = device,
        .inode = attributes->inode_number,
        .link_count = attributes->link_count,
        .mode = attributes->mode,
        .uid = attributes->uid,
        .gid = attributes->gid,
        .rdev = attributes->device,
        .size = (int64_t)attributes->size,
        .block_size = attributes->block_size ? attributes->block_size : 4096,
        .blocks = (int64_t)attributes->blocks,
        .access_seconds = attributes->access_time.seconds,
        .access_nanoseconds = (uint64_t)attributes->access_time.nanoseconds,
        .modify_seconds = attributes->modify_time.seconds,
        .modify_nanoseconds = (uint64_t)attributes->modify_time.nanoseconds,
        .change_seconds = attributes->change_time.seconds,
        .change_nanoseconds = (uint64_t)attributes->change_time.nanoseconds,
    };
    return copy_to_user(buffer, &out, sizeof out);
}

/* Resolve a user path (per AT_* flags) and take its attributes. */
static long path_attributes(int dirfd, uintptr_t path_address, unsigned at_flags,
                            struct vnode_attributes *attributes, uint64_t *device)
{
    char *path = user_path_copy(path_address);
    if (is_error_pointer(path))
        return pointer_error(path);
    unsigned resolve = (at_flags & AT_SYMLINK_NOFOLLOW) ? 0 : RESOLVE_FOLLOW;
    if (at_flags & AT_EMPTY_PATH)
        resolve |= RESOLVE_EMPTY_PATH;
    struct path_entry *entry;
    long result;
    if (path[0] == '\0' && (at_flags & AT_EMPTY_PATH) && dirfd != AT_FDCWD) {
        struct file *file = syscall_file(dirfd);
        if (!file) {
            result = -EBADF;
        } else if (!file->vnode) {
            result = file_call_stat(file, attributes);
            *device = 0;
            file_put(file);
        } else {
            result = node_attributes(file->vnode, attributes, device);
            file_put(file);
        }
        kfree(path);
        return result;
    }
    struct file *jumped = NULL;
    result = path_resolve_or_file(process_current(), dirfd, path, resolve, &entry, &jumped);
    kfree(path);
    if (result < 0)
        return result;
    if (jumped) { /* /proc/self/fd/N of a pipe: the pipe's own attributes */
        memset(attributes, 0, sizeof *attributes);
        *device = 0;
        result = file_call_stat(jumped, attributes);
        file_put(jumped);
        return result;
    }
    result = node_attributes(entry->vnode, attributes, device);
    path_put(entry);
    return result;
}

/* stat-family common tail. */
static long stat_path(int dirfd, uintptr_t path, unsigned at_flags, uintptr_t buffer)
{
    if (at_flags & ~(unsigned)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT |
                               AT_STATX_SYNC_TYPE))
        return -EINVAL;
    struct vnode_attributes attributes;
    uint64_t device = 0;
    long result = path_attributes(dirfd, path, at_flags, &attributes, &device);
    return result < 0 ? result : put_stat(&attributes, device, buffer);
}

long sys_stat(const uint64_t arguments[6])
{
    return stat_path(AT_FDCWD, ARGUMENT_ADDRESS(0), 0, ARGUMENT_ADDRESS(1));
}

long sys_lstat(const uint64_t arguments[6])
{
    return stat_path(AT_FDCWD, ARGUMENT_ADDRESS(0), AT_SYMLINK_NOFOLLOW, ARGUMENT_ADDRESS(1));
}

long sys_newfstatat(const uint64_t arguments[6])
{
    return stat_path(ARGUMENT_INT(0), ARGUMENT_ADDRESS(1), ARGUMENT_UNSIGNED(3), ARGUMENT_ADDRESS(2));
}

long sys_fstat(const uint64_t arguments[6])
{
    struct file *file = syscall_file(ARGUMENT_INT(0));
    if (!file)
        return -EBADF;
    struct vnode_attributes attributes;
    memset(&attributes, 0, sizeof attributes);
    uint64_t device = 0;
    long result = file->vnode ? vfs_getattr(file->vnode, &attributes, &device)
                              : file_call_stat(file, &attributes);
    file_put(file);
    return result < 0 ? result : put_stat(&attributes, device, ARGUMENT_ADDRESS(1));
}

/* A statx timestamp from a kernel time. */
static struct linux_statx_timestamp statx_time(struct kernel_time time)
{
    return (struct linux_statx_timestamp){ .seconds = time.seconds,
                                           .nanoseconds = (uint32_t)time.nanoseconds };
}

long sys_statx(const uint64_t arguments[6])
{
    int dirfd = ARGUMENT_INT(0);
    unsigned at_flags = ARGUMENT_UNSIGNED(2);
    unsigned mask = ARGUMENT_UNSIGNED(3);
    uintptr_t buffer = ARGUMENT_ADDRESS(4);
    if (at_flags & ~(unsigned)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT |
                               AT_STATX_SYNC_TYPE))
        return -EINVAL;
    if ((at_flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE || (mask & 0x80000000u))
        return -EINVAL;
    struct vnode_attributes attributes;
    uint64_t device = 0;
    long result = path_attributes(dirfd, ARGUMENT_ADDRESS(1), at_flags, &attributes, &device);
    if (result < 0)
        return result;
    struct linux_statx out = {
        .mask = STATX_BASIC_STATS,
        .block_size = attributes.block_size ? attributes.block_size : 4096,
        .link_count = attributes.link_count,
        .uid = attributes.uid,
        .gid = attributes.gid,
        .mode = (uint16_t)attributes.mode,
        .inode = attributes.inode_number,
        .size = attributes.size,
        .blocks = attributes.blocks,
        .access_time = statx_time(attributes.access_time),
        .change_time = statx_time(attributes.change_time),
        .modify_time = statx_time(attributes.modify_time),
        .rdev_major = device_major(attributes.device),
        .rdev_minor = device_minor(attributes.device),
        .device_major = device_major(device),
        .device_minor = device_minor(device),
    };
    return copy_to_user(buffer, &out, sizeof out);
}
