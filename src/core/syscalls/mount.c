/*
 * mount.c — mount(2) and umount2(2) for the in-memory filesystem types
 * (tmpfs, proc, devtmpfs). Remounts, bind mounts and propagation flags are
 * refused with -EINVAL for now.
 */
#include <rk/heap.h>
#include <rk/string.h>

#include "syscall_support.h"

#define MS_RDONLY 1
#define MS_NOSUID 2
#define MS_NODEV 4
#define MS_NOEXEC 8
#define MS_REMOUNT 32
#define MS_BIND 4096
#define MS_MOVE 8192
#define MS_SILENT 32768
#define MS_PROPAGATION (0x100000 | 0x20000 | 0x40000 | 0x80000)
#define MNT_FORCE 1
#define MNT_DETACH 2
#define MNT_EXPIRE 4
#define UMOUNT_NOFOLLOW 8

/* Copy a short user string (type, options); NULL address gives "". */
static char *user_text(uintptr_t address, size_t size)
{
    char *text = kzalloc(size);
    if (!text)
        return error_pointer(-ENOMEM);
    if (address) {
        long length = copy_string_from_user(text, address, size);
        if (length < 0) {
            kfree(text);
            return error_pointer(length == -ENAMETOOLONG ? -EINVAL : length);
        }
    }
    return text;
}

long sys_mount(const uint64_t arguments[6])
{
    unsigned long flags = arguments[3];
    if (flags & (MS_REMOUNT | MS_BIND | MS_MOVE | MS_PROPAGATION))
        return -EINVAL;
    char *source = user_text(ARGUMENT_ADDRESS(0), 64);
    if (is_error_pointer(source))
        return pointer_error(source);
    char *type = user_text(ARGUMENT_ADDRESS(2), 32);
    char *options = is_error_pointer(type) ? NULL : user_text(ARGUMENT_ADDRESS(4), 256);
    long result = 0;
    if (is_error_pointer(type))
        result = pointer_error(type);
    else if (is_error_pointer(options))
        result = pointer_error(options);
    struct path_entry *target = NULL;
    if (result == 0) {
        char *path = user_path_copy(ARGUMENT_ADDRESS(1));
        if (is_error_pointer(path)) {
            result = pointer_error(path);
        } else {
            result = path_resolve(process_current(), AT_FDCWD, path, RESOLVE_FOLLOW, &target);
            kfree(path);
        }
    }
    if (result == 0)
        result = mount_filesystem(type, source[0] ? source : "none", target, options);
    if (result == 0 && (flags & MS_RDONLY))
        target->vnode->mounted_here->read_only = true;
    if (target)
        path_put(target);
    if (!is_error_pointer(options))
        kfree(options);
    if (!is_error_pointer(type))
        kfree(type);
    kfree(source);
    return result;
}

long sys_umount2(const uint64_t arguments[6])
{
    unsigned flags = ARGUMENT_UNSIGNED(1);
    if (flags & ~(unsigned)(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
        return -EINVAL;
    char *path = user_path_copy(ARGUMENT_ADDRESS(0));
    if (is_error_pointer(path))
        return pointer_error(path);
    struct path_entry *entry;
    long result = path_resolve(process_current(), AT_FDCWD, path,
                               (flags & UMOUNT_NOFOLLOW) ? 0 : RESOLVE_FOLLOW, &entry);
    kfree(path);
    if (result < 0)
        return result;
    return mount_remove(entry, flags);
}
