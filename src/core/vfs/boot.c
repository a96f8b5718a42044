/*
 * boot.c — the namespace at boot: a tmpfs root, the initrd unpacked into it
 * by the loader service (or, when the boot loader gave none, the BusyBox
 * initramfs embedded in the kernel image), then proc on /proc and devtmpfs
 * on /dev.
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

/*
 * The default initramfs linked into the kernel image (tools/initramfs.py
 * writes the .S that defines these two symbols; the x86 image links it).
 * Weak references: an image without it (the hosted build) sees both NULL.
 */
extern const unsigned char embedded_initramfs_start[] __attribute__((weak));
extern const unsigned char embedded_initramfs_end[] __attribute__((weak));

/* Size in bytes of the embedded initramfs, 0 when the image has none. */
static size_t embedded_initramfs_size(void)
{
    if (!embedded_initramfs_start || !embedded_initramfs_end)
        return 0;
    return (size_t)(embedded_initramfs_end - embedded_initramfs_start);
}

/* Unpack a cpio (newc) archive into the root through the loader service;
 * a rejected archive keeps what was unpacked before the problem. */
static void unpack_archive(const void *archive, size_t size)
{
    struct service *loader = services_lookup(SERVICE_LOADER, "initramfs");
    if (!loader) {
        klog(KLOG_ERROR, "boot: an initramfs to unpack but no initramfs loader is registered");
        return;
    }
    int error = SERVICE_CALL(loader, struct loader_ops, unpack, archive, size);
    if (error < 0)
        klog(KLOG_ERROR, "boot: initrd rejected (%s); keeping what was unpacked", errno_name(error));
}

/* The archive the root was filled from (kept for a root restart), NULL when none. */
static const void *boot_archive;
static size_t boot_archive_size;

int vfs_boot_archive_unpack(void)
{
    if (!boot_archive)
        return -ENOENT;
    unpack_archive(boot_archive, boot_archive_size);
    return 0;
}

int vfs_boot(const struct boot_info *info)
{
    boot_archive = NULL;
    boot_archive_size = 0;
    int error = mount_filesystem("tmpfs", "rootfs", NULL, "");
    if (error < 0) {
        klog(KLOG_ERROR, "boot: no root filesystem (tmpfs: %s)", errno_name(error));
        return error;
    }
    if (info->initrd_size > 0) {
        /* The boot loader's module stays reserved: a root restart unpacks it again. */
        boot_archive = platform_phys_to_virt(info->initrd_base);
        boot_archive_size = info->initrd_size;
        unpack_archive(boot_archive, boot_archive_size);
    } else if (embedded_initramfs_size() > 0) {
        klog(KLOG_INFO, "boot: no initrd given, unpacking the built-in BusyBox initramfs (%zu KiB)",
             embedded_initramfs_size() / 1024);
        boot_archive = embedded_initramfs_start;
        boot_archive_size = embedded_initramfs_size();
        unpack_archive(boot_archive, boot_archive_size);
    }
    mount_on("proc", "proc", "/proc");
    mount_on("devtmpfs", "devtmpfs", "/dev");
    return 0;
}
