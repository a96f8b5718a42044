/*
 * tmpfs.c — the tmpfs service: registration, mount options, instances,
 * node allocation and lifetime, attributes, and the ops of symlinks and
 * special files (FIFOs, sockets, device nodes). Directories are in
 * tmpfs_directory.c and tmpfs_rename.c, file data in tmpfs_file.c.
 *
 * Linux's tmpfs is the reference for every behaviour. Locking: none needed
 * (see tmpfs_internal.h).
 */
#include <rk/errno.h>
#include <rk/heap.h>
#include <rk/klog.h>
#include <rk/services.h>
#include <rk/string.h>
#include <rk/system.h>

#include "tmpfs.h"
#include "tmpfs_internal.h"

/* ------------------------------------------------------------ options */

struct tmpfs_options {
    uint32_t root_mode;        /* permission bits of the root directory */
    uint32_t uid;
    uint32_t gid;
    uint64_t page_limit;       /* 0 = no limit */
    uint64_t node_limit;       /* 0 = no limit */
    uint64_t ram_pages;        /* RAM in pages, for size=N% */
};

/*
 * Parse value (length bytes, not NUL-terminated) as an unsigned number in
 * base (8 or 10; 10 also takes a 0x prefix for hex) followed by an optional
 * suffix when suffixes is true: k, m, g, t (binary multiples, either case).
 * Returns 0, or -EINVAL when malformed or above 2^64 - 1.
 */
static int parse_number(const char *value, size_t length, unsigned base, bool suffixes,
                        uint64_t *result)
{
    size_t position = 0;
    if (base == 10 && length > 2 && value[0] == '0' && (value[1] == 'x' || value[1] == 'X')) {
        base = 16;
        position = 2;
    }
    uint64_t number = 0;
    size_t digits = 0;
    for (; position < length; position++, digits++) {
        char character = value[position];
        unsigned digit;
        if (character >= '0' && character <= '9')
            digit = (unsigned)(character - '0');
        else if (base == 16 && character >= 'a' && character <= 'f')
            digit = (unsigned)(character - 'a' + 10);
        else if (base == 16 && character >= 'A' && character <= 'F')
            digit = (unsigned)(character - 'A' + 10);
        else
            break;
        if (digit >= base || number > (UINT64_MAX - digit) / base)
            return -EINVAL;
        number = number * base + digit;
    }
    if (digits == 0)
        return -EINVAL;
    if (position < length) {
        if (!suffixes || position + 1 != length)
            return -EINVAL;
        unsigned shift;
        switch (value[position]) {
        case 'k': case 'K': shift = 10; break;
        case 'm': case 'M': shift = 20; break;
        case 'g': case 'G': shift = 30; break;
        case 't': case 'T': shift = 40; break;
        default: return -EINVAL;
        }
        if (number > (UINT64_MAX >> shift))
            return -EINVAL;
        number <<= shift;
    }
    *result = number;
    return 0;
}

/* True when (key, key_length) spells word. */
static bool key_is(const char *key, size_t key_length, const char *word)
{
    return strlen(word) == key_length && memcmp(key, word, key_length) == 0;
}

/*
 * Apply one "key=value" or "key" option to options. Returns 0 (unknown
 * keys are ignored, like the generic flags rw, nosuid... the Core may pass)
 * or -EINVAL for a malformed value of a known key.
 */
static int apply_option(struct tmpfs_options *options, const char *key, size_t key_length,
                        const char *value, size_t value_length)
{
    uint64_t number;
    if (key_is(key, key_length, "mode")) {
        if (parse_number(value, value_length, 8, false, &number) < 0 || number > S_IALLUGO)
            return -EINVAL;
        options->root_mode = (uint32_t)number;
    } else if (key_is(key, key_length, "uid") || key_is(key, key_length, "gid")) {
        if (parse_number(value, value_length, 10, false, &number) < 0 || number > UINT32_MAX)
            return -EINVAL;
        *(key[0] == 'u' ? &options->uid : &options->gid) = (uint32_t)number;
    } else if (key_is(key, key_length, "size")) {
        if (value_length > 0 && value[value_length - 1] == '%') {
            /* A share of RAM, in whole pages (Linux: totalram_pages * N / 100). */
            if (parse_number(value, value_length - 1, 10, false, &number) < 0 ||
                number > UINT64_MAX / RK_MAX(options->ram_pages, 1))
                return -EINVAL;
            options->page_limit = options->ram_pages * number / 100;
            return 0;
        }
        if (parse_number(value, value_length, 10, true, &number) < 0)
            return -EINVAL;
        /* Round up to whole pages; 0 means no limit, as on Linux. */
        options->page_limit = number / TMPFS_PAGE_SIZE + (number % TMPFS_PAGE_SIZE != 0);
    } else if (key_is(key, key_length, "nr_blocks")) {
        if (parse_number(value, value_length, 10, true, &number) < 0)
            return -EINVAL;
        options->page_limit = number;
    } else if (key_is(key, key_length, "nr_inodes")) {
        if (parse_number(value, value_length, 10, true, &number) < 0)
            return -EINVAL;
        options->node_limit = number;
    } else {
        klog(KLOG_DEBUG, "tmpfs: ignoring option %.*s", (int)key_length, key);
    }
    return 0;
}

/*
 * Parse text, comma-separated "key=value" or "key" items (empty items are
 * skipped), into options (defaults already filled). Returns 0 or -EINVAL.
 */
static int parse_options(struct tmpfs_options *options, const char *text)
{
    while (text && *text) {
        const char *end = strchr(text, ',');
        size_t item_length = end ? (size_t)(end - text) : strlen(text);
        size_t key_length = 0;
        while (key_length < item_length && text[key_length] != '=')
            key_length++;
        const char *equals = key_length < item_length ? text + key_length : NULL;
        const char *value = equals ? equals + 1 : text + item_length;
        size_t value_length = item_length - key_length - (equals ? 1 : 0);
        if (item_length > 0) {
            int error = apply_option(options, text, key_length, value, value_length);
            if (error < 0) {
                klog(KLOG_WARNING, "tmpfs: bad value for option %.*s", (int)key_length, text);
                return error;
            }
        }
        text = end ? end + 1 : NULL;
    }
    return 0;
}

/* -------------------------------------------------------------- nodes */

/* The ops table for a node of mode's type. */
static const struct vnode_ops *ops_for_mode(uint32_t mode)
{
    if (S_ISDIR(mode))
        return &tmpfs_directory_ops;
    if (S_ISREG(mode))
        return &tmpfs_file_ops;
    if (S_ISLNK(mode))
        return &tmpfs_symlink_ops;
    return &tmpfs_special_ops;
}

struct tmpfs_node *tmpfs_node_new(struct tmpfs_instance *instance, uint32_t mode, int *error)
{
    if (instance->node_limit && instance->node_count >= instance->node_limit) {
        *error = -ENOSPC;
        return NULL;
    }
    struct tmpfs_node *node = kzalloc(sizeof *node);
    if (!node) {
        *error = -ENOMEM;
        return NULL;
    }
    vnode_init(&node->vnode, instance->superblock, ops_for_mode(mode), mode & S_IFMT,
               instance->next_inode_number++);
    node->instance = instance;
    node->mode = mode;
    if (S_ISDIR(mode)) {
        list_init(&node->directory.entries);
        node->directory.next_cookie = 2;
        node->directory.parent = node;
    }
    struct kernel_time now = time_now();
    node->access_time = node->modify_time = node->change_time = now;
    list_push_back(&instance->nodes, &node->instance_link);
    instance->node_count++;
    return node;
}

void tmpfs_node_free(struct tmpfs_node *node)
{
    if (S_ISREG(node->mode))
        tmpfs_file_free_pages(node);
    else if (S_ISLNK(node->mode))
        kfree(node->symlink.target);
    else if (S_ISDIR(node->mode))
        tmpfs_directory_free_entries(node);
    list_remove(&node->instance_link);
    node->instance->node_count--;
    kfree(node);
}

void tmpfs_node_unlinked(struct tmpfs_node *node)
{
    if (node->link_count == 0 && node->vnode.references == 0)
        tmpfs_node_free(node);
}

void tmpfs_touch(struct tmpfs_node *node, bool access, bool modify, bool change)
{
    struct kernel_time now = time_now();
    if (access)
        node->access_time = now;
    if (modify)
        node->modify_time = now;
    if (modify || change)
        node->change_time = now;
}

/*
 * ops->release: the Core's last reference is gone. Free the node when no
 * name is left, or when its instance was unmounted under it (then the
 * instance too once its last node goes).
 */
void tmpfs_release(struct vnode *vnode)
{
    struct tmpfs_node *node = tmpfs_node_of(vnode);
    struct tmpfs_instance *instance = node->instance;
    if (instance->unmounted) {
        tmpfs_node_free(node);
        if (instance->node_count == 0)
            kfree(instance);
        return;
    }
    tmpfs_node_unlinked(node);
}

/* --------------------------------------------------------- attributes */

/* ops->getattr: every field but st_dev (the Core adds it). Never fails. */
int tmpfs_getattr(struct vnode *vnode, struct vnode_attributes *attributes)
{
    struct tmpfs_node *node = tmpfs_node_of(vnode);
    uint64_t size = 0, blocks = 0;
    if (S_ISREG(node->mode)) {
        size = node->file.size;
        blocks = node->file.page_count * (TMPFS_PAGE_SIZE / 512);
    } else if (S_ISDIR(node->mode)) {
        size = (uint64_t)(node->directory.entry_count + 2) * TMPFS_DIRECTORY_ENTRY_SIZE;
    } else if (S_ISLNK(node->mode)) {
        size = node->symlink.length;
    }
    *attributes = (struct vnode_attributes){
        .inode_number = node->vnode.inode_number,
        .mode = node->mode,
        .link_count = node->link_count,
        .uid = node->uid,
        .gid = node->gid,
        .size = size,
        .blocks = blocks,
        .block_size = TMPFS_PAGE_SIZE,
        .device = S_ISCHR(node->mode) || S_ISBLK(node->mode) ? node->device : 0,
        .access_time = node->access_time,
        .modify_time = node->modify_time,
        .change_time = node->change_time,
    };
    return 0;
}

#define TMPFS_SETATTR_MASK                                                                  \
    (VNODE_SET_MODE | VNODE_SET_UID | VNODE_SET_GID | VNODE_SET_SIZE | VNODE_SET_ACCESS_TIME | \
     VNODE_SET_MODIFY_TIME | VNODE_SET_CHANGE_TIME)

/*
 * ops->setattr: change the fields in mask (permission checks are the
 * Core's). Checks everything before changing anything: -EINVAL for an
 * unknown mask bit or a size on a non-regular file, -EISDIR for a size on a
 * directory, -EFBIG for a size above TMPFS_MAX_FILE_SIZE (2^63 - 1, so only
 * a size the Core would not pass). The change time becomes now
 * unless the call changes nothing but a size to the size it has (Linux's
 * truncate(2); ftruncate and O_TRUNC also pass VNODE_SET_MODIFY_TIME).
 * A size change sets the modification time too (explicit times in the
 * same call are applied after it). VNODE_SET_CHANGE_TIME gives the change
 * time to use instead of now.
 */
int tmpfs_setattr(struct vnode *vnode, const struct vnode_attributes *attributes, unsigned mask)
{
    struct tmpfs_node *node = tmpfs_node_of(vnode);
    if (mask & ~(unsigned)TMPFS_SETATTR_MASK)
        return -EINVAL;
    if (mask & VNODE_SET_SIZE) {
        if (S_ISDIR(node->mode))
            return -EISDIR;
        if (!S_ISREG(node->mode))
            return -EINVAL;
        if (attributes->size > TMPFS_MAX_FILE_SIZE)
            return -EFBIG;
    }
    /* A size that does not change touches nothing (truncate(2) on Linux). */
    bool changed = (mask & ~(unsigned)VNODE_SET_SIZE) != 0;
    if ((mask & VNODE_SET_SIZE) && attributes->size != node->file.size) {
        tmpfs_file_set_size(node, attributes->size);
        tmpfs_touch(node, false, true, true);
        changed = true;
    }
    if (mask & VNODE_SET_MODE)
        node->mode = (node->mode & S_IFMT) | (attributes->mode & S_IALLUGO);
    if (mask & VNODE_SET_UID)
        node->uid = attributes->uid;
    if (mask & VNODE_SET_GID)
        node->gid = attributes->gid;
    if (mask & VNODE_SET_ACCESS_TIME)
        node->access_time = attributes->access_time;
    if (mask & VNODE_SET_MODIFY_TIME)
        node->modify_time = attributes->modify_time;
    if (mask & VNODE_SET_CHANGE_TIME)
        node->change_time = attributes->change_time;
    else if (changed)
        node->change_time = time_now();
    return 0;
}

/* ------------------------------------------------ symlinks and specials */

/* ops->readlink: copy min(size, length) bytes of the target; returns its full length. */
static long tmpfs_readlink(struct vnode *vnode, char *buffer, size_t size)
{
    struct tmpfs_node *node = tmpfs_node_of(vnode);
    size_t length = node->symlink.length;
    memcpy(buffer, node->symlink.target, RK_MIN(size, length));
    return (long)length;
}

/* read/write of a device node, FIFO or socket kept by tmpfs: no driver here (-ENXIO). */
static long tmpfs_special_read(struct vnode *vnode, struct io_cursor *cursor, uint64_t offset)
{
    return -ENXIO;
}

static long tmpfs_special_write(struct vnode *vnode, struct io_cursor *cursor, uint64_t offset)
{
    return -ENXIO;
}

const struct vnode_ops tmpfs_symlink_ops = {
    VNODE_OPS_STUBS,
    .readlink = tmpfs_readlink,
    .getattr = tmpfs_getattr,
    .setattr = tmpfs_setattr,
    .release = tmpfs_release,
};

const struct vnode_ops tmpfs_special_ops = {
    VNODE_OPS_STUBS,
    .getattr = tmpfs_getattr,
    .setattr = tmpfs_setattr,
    .read = tmpfs_special_read,
    .write = tmpfs_special_write,
    .release = tmpfs_release,
};

/* -------------------------------------------------- mount and unmount */

/*
 * filesystem_ops.mount: a new instance in superblock with an empty root
 * directory (mode= or Linux's default 01777, sticky and world-writable like
 * /tmp; owner uid=/gid=) and Linux's limits:
 * size= (bytes with k/m/g/t, or N% of RAM) or nr_blocks= pages of data,
 * nr_inodes= nodes; each defaults to half of RAM in pages, 0 lifts it.
 * Returns 0, -EINVAL for a bad option value, or -ENOMEM.
 */
static int tmpfs_mount(struct superblock *superblock, const char *options)
{
    struct system_memory_info memory;
    system_memory_info(&memory);
    uint64_t ram_pages = memory.total_bytes / TMPFS_PAGE_SIZE;
    struct tmpfs_options parsed = {
        .root_mode = 01777,     /* Linux: 0777 | S_ISVTX */
        .page_limit = ram_pages / 2,
        .node_limit = ram_pages / 2,
        .ram_pages = ram_pages,
    };
    int error = parse_options(&parsed, options);
    if (error < 0)
        return error;
    struct tmpfs_instance *instance = kzalloc(sizeof *instance);
    if (!instance)
        return -ENOMEM;
    instance->superblock = superblock;
    list_init(&instance->nodes);
    instance->next_inode_number = 1;
    instance->page_limit = parsed.page_limit;
    instance->node_limit = parsed.node_limit;

    struct tmpfs_node *root = tmpfs_node_new(instance, S_IFDIR | parsed.root_mode, &error);
    if (!root) {
        kfree(instance);
        return error;
    }
    root->link_count = 2;
    root->uid = parsed.uid;
    root->gid = parsed.gid;
    superblock->private = instance;
    superblock->root = &root->vnode;
    return 0;
}

/*
 * filesystem_ops.unmount: free every node of the instance and the instance.
 * The Core has dropped its references; a node it still holds (a bug on its
 * side, or a lazy unmount) is orphaned instead and freed by its release().
 */
static void tmpfs_unmount(struct superblock *superblock)
{
    struct tmpfs_instance *instance = superblock->private;
    if (!instance)
        return;
    /* Names first, so that no directory points at a node freed below. */
    list_for_each(link, &instance->nodes) {
        struct tmpfs_node *node = list_entry(link, struct tmpfs_node, instance_link);
        if (tmpfs_is_directory(node)) {
            tmpfs_directory_free_entries(node);
            node->directory.parent = node;
        }
    }
    list_for_each_safe(link, &instance->nodes) {
        struct tmpfs_node *node = list_entry(link, struct tmpfs_node, instance_link);
        if (node->vnode.references == 0)
            tmpfs_node_free(node);
    }
    superblock->private = NULL;
    if (instance->node_count == 0) {
        kfree(instance);
        return;
    }
    klog(KLOG_WARNING, "tmpfs: unmounted with %llu node(s) still referenced",
         (unsigned long long)instance->node_count);
    instance->unmounted = true;
}

/* ------------------------------------------------------- the service */

static const struct filesystem_ops tmpfs_filesystem_ops = {
    .mount = tmpfs_mount,
    .unmount = tmpfs_unmount,
};

static struct service tmpfs_service;

/*
 * Register the "tmpfs" filesystem service. The service structure is filled
 * afresh unless it is the one registered now (a test reboot resets the
 * registry under it). Returns services_register()'s result.
 */
int tmpfs_service_register(void)
{
    if (services_lookup(SERVICE_FILESYSTEM, "tmpfs") == &tmpfs_service)
        return -EEXIST;
    tmpfs_service = (struct service){
        .name = "tmpfs",
        .kind = SERVICE_FILESYSTEM,
        .ops = &tmpfs_filesystem_ops,
    };
    return services_register(&tmpfs_service);
}
