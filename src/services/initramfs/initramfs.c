/*
 * initramfs.c — the initramfs service: a SERVICE_LOADER whose unpack()
 * walks a cpio "newc" archive (cpio.c) and creates each member in the
 * kernel's namespace through the Core's vfs_kernel_* path operations.
 *
 * Like Linux's init/initramfs.c:
 * - "." (the root itself) only gives "/" its mode and time; an existing
 *   directory is reused.
 * - Hard links: newc stores every name of a multiply-linked file (nlink > 1)
 *   as its own member with the same (devmajor, devminor, ino, mode); GNU
 *   cpio puts the data on the LAST one. The first name is created, the
 *   later ones are linked to it, and data is written (through the new
 *   name, so into the shared inode) whenever a member carries some. The
 *   table is reset at each trailer (inode numbers are per archive).
 * - Directory modification times are set again once the walk is over,
 *   since creating entries inside a directory changes its time.
 * - A member the VFS refuses (missing parent, a name taken by another
 *   type, no space) is logged and counted; the walk goes on.
 *
 * State lives in one struct unpack for the duration of a call; the service
 * keeps nothing between calls.
 */
#include <stdbool.h>
#include <rk/errno.h>
#include <rk/heap.h>
#include <rk/klog.h>
#include <rk/services.h>
#include <rk/string.h>
#include <rk/vfs.h>

#include "cpio.h"
#include "initramfs.h"

/* The first name of a multiply-linked file, for linking the later ones. */
struct link_origin {
    uint32_t device_major;
    uint32_t device_minor;
    uint32_t inode_number;
    uint32_t mode;
    char *path;                  /* absolute, kmalloc'd */
};

/* A directory whose mode and time are applied again at the end. */
struct directory_time {
    char *path;                  /* absolute, kmalloc'd */
    uint32_t mode;
    uint32_t modify_time;
};

/* What one unpack() call counts. */
struct unpack_counts {
    size_t directories;
    size_t files;
    size_t symlinks;
    size_t devices;              /* character and block device nodes */
    size_t special_files;        /* FIFOs and sockets */
    size_t hard_links;
    size_t skipped;              /* "." members */
    size_t failed;
};

/* The state of one unpack() call. */
struct unpack {
    char path[CPIO_PATH_MAX + 1];          /* "/" + the member's normalised name */
    char symlink_target[CPIO_PATH_MAX];
    struct link_origin *links;
    size_t link_count;
    size_t link_capacity;
    size_t links_archive;                  /* archive_index the link table belongs to */
    struct directory_time *directories;
    size_t directory_count;
    size_t directory_capacity;
    struct unpack_counts counts;
    int first_error;                       /* first VFS error, 0 when none */
};

/* kmalloc'd copy of string, or NULL when memory is exhausted. */
static char *string_duplicate(const char *string)
{
    size_t size = strlen(string) + 1;
    char *copy = kmalloc(size);
    if (copy)
        memcpy(copy, string, size);
    return copy;
}

/*
 * Make room for one more element of element_size in *array (holding count
 * of *capacity). Returns 0 or -ENOMEM (the array is unchanged then).
 */
static int array_reserve(void **array, size_t count, size_t *capacity, size_t element_size)
{
    if (count < *capacity)
        return 0;
    size_t new_capacity = *capacity ? *capacity * 2 : 16;
    void *grown = kcalloc(new_capacity, element_size);
    if (!grown)
        return -ENOMEM;
    if (*array)
        memcpy(grown, *array, count * element_size);
    kfree(*array);
    *array = grown;
    *capacity = new_capacity;
    return 0;
}

/* Free the link table's entries (the table itself stays for reuse). */
static void links_clear(struct unpack *unpack)
{
    for (size_t i = 0; i < unpack->link_count; i++)
        kfree(unpack->links[i].path);
    unpack->link_count = 0;
}

/* The first name recorded for entry's (device, inode, mode), or NULL. */
static const char *link_find(const struct unpack *unpack, const struct cpio_entry *entry)
{
    for (size_t i = 0; i < unpack->link_count; i++) {
        const struct link_origin *origin = &unpack->links[i];
        if (origin->device_major == entry->device_major &&
            origin->device_minor == entry->device_minor &&
            origin->inode_number == entry->inode_number && origin->mode == entry->mode)
            return origin->path;
    }
    return NULL;
}

/* Remember unpack->path as the first name of entry's file. Returns 0 or -ENOMEM. */
static int link_remember(struct unpack *unpack, const struct cpio_entry *entry)
{
    int error = array_reserve((void **)&unpack->links, unpack->link_count, &unpack->link_capacity,
                              sizeof *unpack->links);
    char *path = error < 0 ? NULL : string_duplicate(unpack->path);
    if (!path)
        return -ENOMEM;
    unpack->links[unpack->link_count++] = (struct link_origin){
        .device_major = entry->device_major,
        .device_minor = entry->device_minor,
        .inode_number = entry->inode_number,
        .mode = entry->mode,
        .path = path,
    };
    return 0;
}

/* Remember unpack->path's final mode and time. Returns 0 or -ENOMEM. */
static int directory_remember(struct unpack *unpack, const struct cpio_entry *entry)
{
    int error = array_reserve((void **)&unpack->directories, unpack->directory_count,
                              &unpack->directory_capacity, sizeof *unpack->directories);
    char *path = error < 0 ? NULL : string_duplicate(unpack->path);
    if (!path)
        return -ENOMEM;
    unpack->directories[unpack->directory_count++] = (struct directory_time){
        .path = path,
        .mode = entry->mode & S_IALLUGO,
        .modify_time = entry->modify_time,
    };
    return 0;
}

/* Log that what failed for unpack->path, count the failure and keep the first error. */
static void note_failure(struct unpack *unpack, const char *what, int error)
{
    klog(KLOG_WARNING, "initramfs: %s %s: %s", what, unpack->path, errno_name(-error));
    unpack->counts.failed++;
    if (unpack->first_error == 0)
        unpack->first_error = error;
}

/*
 * Create a regular file or a device/FIFO/socket node for entry at
 * unpack->path, linking it to an earlier name of the same file when there
 * is one. Returns 0 (failures are noted) or -ENOMEM.
 */
static int create_linkable(struct unpack *unpack, const struct cpio_entry *entry)
{
    bool regular = S_ISREG(entry->mode);
    const char *origin = entry->link_count > 1 ? link_find(unpack, entry) : NULL;
    int error;
    if (origin) {
        error = vfs_kernel_link(origin, unpack->path);
        if (error < 0) {
            note_failure(unpack, "cannot link", error);
            return 0;
        }
        unpack->counts.hard_links++;
        if (regular && entry->data_size > 0) {
            /* The data of a linked file comes with its last name. */
            error = vfs_kernel_write_file(unpack->path, entry->mode & S_IALLUGO, entry->data,
                                          entry->data_size);
            if (error < 0)
                note_failure(unpack, "cannot write", error);
        }
        return 0;
    }

    if (regular) {
        error = vfs_kernel_write_file(unpack->path, entry->mode & S_IALLUGO, entry->data,
                                      entry->data_size);
    } else {
        uint64_t device = S_ISCHR(entry->mode) || S_ISBLK(entry->mode)
                              ? device_number(entry->rdev_major, entry->rdev_minor)
                              : 0;
        error = vfs_kernel_mknod(unpack->path, entry->mode & (S_IFMT | S_IALLUGO), device);
    }
    if (error < 0) {
        note_failure(unpack, "cannot create", error);
        return 0;
    }
    if (regular)
        unpack->counts.files++;
    else if (S_ISCHR(entry->mode) || S_ISBLK(entry->mode))
        unpack->counts.devices++;
    else
        unpack->counts.special_files++;
    return entry->link_count > 1 ? link_remember(unpack, entry) : 0;
}

/*
 * The cpio visitor: create one member (see the file comment). Returns 0,
 * or -ENOMEM to stop the walk when the loader's own bookkeeping cannot
 * allocate.
 */
static int unpack_member(const struct cpio_entry *entry, void *context)
{
    struct unpack *unpack = context;
    if (strcmp(entry->name, ".") == 0) {
        /* The root itself: it exists already; take the archive's mode for it, as Linux does. */
        unpack->counts.skipped++;
        vfs_kernel_set_attributes("/", entry->mode & S_IALLUGO, entry->modify_time);
        return 0;
    }
    if (entry->archive_index != unpack->links_archive) {
        links_clear(unpack);
        unpack->links_archive = entry->archive_index;
    }
    /* The parser bounds names to CPIO_PATH_MAX - 1 bytes, so this fits. */
    unpack->path[0] = '/';
    memcpy(unpack->path + 1, entry->name, entry->name_length + 1);

    uint32_t permissions = entry->mode & S_IALLUGO;
    int error = 0;
    switch (entry->mode & S_IFMT) {
    case S_IFDIR:
        error = vfs_kernel_mkdir(unpack->path, permissions);
        if (error < 0 && error != -EEXIST) {
            note_failure(unpack, "cannot create directory", error);
            return 0;
        }
        unpack->counts.directories++;
        error = directory_remember(unpack, entry);
        if (error < 0)
            return error;
        break;
    case S_IFLNK:
        /* The parser checked: 1 <= size < CPIO_PATH_MAX, no NUL inside. */
        memcpy(unpack->symlink_target, entry->data, entry->data_size);
        unpack->symlink_target[entry->data_size] = '\0';
        error = vfs_kernel_symlink(unpack->symlink_target, unpack->path);
        if (error < 0) {
            note_failure(unpack, "cannot create symlink", error);
            return 0;
        }
        unpack->counts.symlinks++;
        break;
    default: {
        size_t failed_before = unpack->counts.failed;
        error = create_linkable(unpack, entry);
        if (error < 0)
            return error;
        if (unpack->counts.failed != failed_before)
            return 0;
        break;
    }
    }

    error = vfs_kernel_set_attributes(unpack->path, permissions, entry->modify_time);
    if (error < 0 && S_ISLNK(entry->mode)) {
        /* Symlink permissions are fixed on Linux; a refused time is not worth a failure. */
        klog(KLOG_DEBUG, "initramfs: attributes of symlink %s not set: %s", unpack->path,
             errno_name(-error));
    } else if (error < 0) {
        note_failure(unpack, "cannot set attributes of", error);
    }
    return 0;
}

/* Set the final mode and time of every directory created, then free the list. */
static void directories_finish(struct unpack *unpack)
{
    for (size_t i = 0; i < unpack->directory_count; i++) {
        struct directory_time *directory = &unpack->directories[i];
        int error = vfs_kernel_set_attributes(directory->path, directory->mode,
                                              directory->modify_time);
        if (error < 0)
            klog(KLOG_WARNING, "initramfs: cannot set the time of %s: %s", directory->path,
                 errno_name(-error));
        kfree(directory->path);
    }
    kfree(unpack->directories);
    unpack->directories = NULL;
    unpack->directory_count = 0;
}

/* Log the one summary line of an unpack (also after a rejection). */
static void summary_log(const struct unpack *unpack, const struct cpio_summary *summary, int result)
{
    const struct unpack_counts *counts = &unpack->counts;
    size_t created = counts->directories + counts->files + counts->symlinks + counts->devices +
                     counts->special_files + counts->hard_links;
    klog(result < 0 ? KLOG_WARNING : KLOG_INFO,
         "initramfs: unpacked %zu entries (%zu dirs, %zu files, %zu symlinks, %zu devices, "
         "%zu fifos/sockets, %zu hard links, %zu failed) in %zu bytes%s",
         created, counts->directories, counts->files, counts->symlinks, counts->devices,
         counts->special_files, counts->hard_links, counts->failed, summary->bytes,
         result == -EINVAL ? " before the rejection" : "");
}

/*
 * loader_ops.unpack: create the archive's members in the kernel's
 * namespace (its root filesystem must be mounted). Returns 0; -EINVAL for a
 * malformed archive (cpio_parse logged where and why; the members before
 * the bad one stay created); -ENOMEM when the loader's bookkeeping cannot
 * allocate; otherwise, when the VFS refused some members (each logged), the
 * first such error — the rest of the archive was still unpacked.
 */
static int initramfs_unpack(const void *archive, size_t length)
{
    struct unpack *unpack = kzalloc(sizeof *unpack);
    if (!unpack)
        return -ENOMEM;
    struct cpio_summary summary;
    int result = cpio_parse(archive, length, unpack_member, unpack, &summary);
    directories_finish(unpack);
    links_clear(unpack);
    kfree(unpack->links);
    summary_log(unpack, &summary, result);
    if (result == 0)
        result = unpack->first_error;
    kfree(unpack);
    return result;
}

static const struct loader_ops initramfs_loader_ops = {
    .unpack = initramfs_unpack,
};

static struct service initramfs_service;

/*
 * Register the loader (once per boot: -EEXIST while it is registered).
 * Boot context, before the initrd is unpacked.
 */
int initramfs_service_register(void)
{
    if (services_lookup(SERVICE_LOADER, "initramfs") == &initramfs_service)
        return -EEXIST;
    /* A fresh record each time: a test reboot resets the registry, not this struct. */
    initramfs_service = (struct service){
        .name = "initramfs",
        .kind = SERVICE_LOADER,
        .ops = &initramfs_loader_ops,
    };
    return services_register(&initramfs_service);
}
