/*
 * boot.c — the namespace at boot: a tmpfs root, the initrd unpacked into it
 * by the loader service, then proc on /proc and devtmpfs on /dev.
 */
#include <rk/errno.h>
#include <rk/gate.h>
#include <rk/kernel.h>
#include <rk/klog.h>
#include <rk/path.h>
#include <rk/services.h>

#include "vfs_internal.h"

/* Mount type on the directory path (created when missing). */
static void mount_on(const char *type, const char *source, const char *path)
{
    int error = vfs_kernel_mkdir(path, 0755);
    if (error < 0 && error != -EEXIST) {
        klog(KLOG_WARNING, "boot: cannot create %s: %s", path, errno_name(error));
        return;
    }
    struct path_entry *entry;
    error = path_resolve(NULL, AT_FDCWD, path, RESOLVE_FOLLOW | RESOLVE_DIRECTORY, &entry);
    if (error == 0) {
        error = mount_filesystem(type, source, entry, "");
        path_put(entry);
    }
    if (error < 0)
        klog(KLOG_WARNING, "boot: cannot mount %s on %s: %s", type, path, errno_name(error));
}

int vfs_boot(const struct boot_info *info)
{
    int error = mount_filesystem("tmpfs", "rootfs", NULL, "");
    if (error < 0) {
        klog(KLOG_ERROR, "boot: no root filesystem (tmpfs: %s)", errno_name(error));
        return error;
    }
    if (info->initrd_size > 0) {
        struct service *loader = services_lookup(SERVICE_LOADER, "initramfs");
        if (!loader) {
            klog(KLOG_ERROR, "boot: an initrd was given but no initramfs loader is registered");
        } else {
            const void *archive = platform_phys_to_virt(info->initrd_base);
            error = SERVICE_CALL(loader, struct loader_ops, unpack, archive, info->initrd_size);
            if (error < 0)
                klog(KLOG_ERROR, "boot: initrd rejected (%s); keeping what was unpacked",
                     errno_name(error));
        }
    }
    mount_on("proc", "proc", "/proc");
    mount_on("devtmpfs", "devtmpfs", "/dev");
    return 0;
}
