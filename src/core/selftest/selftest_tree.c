/*
 * selftest_tree.c — the namespace after boot: list the tree on the console
 * (the initrd's files, /proc and /dev) and check the mounts are in place.
 */
#include <rk/errno.h>
#include <rk/heap.h>
#include <rk/klog.h>
#include <rk/path.h>
#include <rk/selftest.h>
#include <rk/string.h>

#include "../vfs/vfs_internal.h"
#include "selftests.h"

#define TREE_DEPTH_LIMIT 8
#define TREE_ENTRY_LIMIT 400

struct tree_walk {
    unsigned entries;
    char names[64][NAME_MAX + 1];   /* one directory's names, collected before descending */
    unsigned name_count;
};

/* Collect entry names of one directory (skipping "." and ".."). */
static int collect_name(struct directory_sink *sink, const char *name, size_t length,
                        uint64_t inode_number, unsigned type, uint64_t next_cookie)
{
    struct tree_walk *walk = sink->context;
    if ((length == 1 && name[0] == '.') || (length == 2 && name[0] == '.' && name[1] == '.'))
        return 0;
    if (walk->name_count == 64)
        return 1;
    memcpy(walk->names[walk->name_count], name, length);
    walk->names[walk->name_count][length] = '\0';
    walk->name_count++;
    return 0;
}

/* True for names made only of digits (the /proc/PID directories). */
static bool all_digits(const char *name)
{
    for (; *name; name++)
        if (*name < '0' || *name > '9')
            return false;
    return true;
}

/* Print directory entry and recurse (depth-first, bounded). */
static void list_directory(struct tree_walk *walk, struct path_entry *directory, unsigned depth)
{
    struct tree_walk *local = kzalloc(sizeof *local);
    if (!local)
        return;
    struct directory_sink sink = { .emit = collect_name, .context = local };
    uint64_t cookie = 0;
    VNODE_CALL(directory->vnode, readdir, &cookie, &sink);
    char *path = kmalloc(PATH_MAX);
    for (unsigned i = 0; path && i < local->name_count && walk->entries < TREE_ENTRY_LIMIT; i++) {
        struct path_entry *child;
        if (path_lookup_child(directory, local->names[i], strlen(local->names[i]), &child) < 0)
            continue;
        walk->entries++;
        path_format(child, path, PATH_MAX);
        struct vnode_attributes attributes;
        memset(&attributes, 0, sizeof attributes);
        vfs_getattr(child->vnode, &attributes, NULL);
        char kind = S_ISDIR(attributes.mode) ? 'd' : S_ISLNK(attributes.mode) ? 'l'
                  : S_ISCHR(attributes.mode) ? 'c' : S_ISREG(attributes.mode) ? '-' : '?';
        console_printf("tree: %c %04o %8llu %s\n", kind, attributes.mode & 07777,
                       (unsigned long long)attributes.size, path);
        bool skip = all_digits(local->names[i]) && child->mount && strcmp(child->mount->type, "proc") == 0;
        if (S_ISDIR(child->vnode->type) && depth < TREE_DEPTH_LIMIT && !skip)
            list_directory(walk, child, depth + 1);
        path_put(child);
    }
    kfree(path);
    kfree(local);
}

/* True when path resolves to the root of a mount of type. */
static bool mounted_at(const char *path, const char *type)
{
    struct path_entry *entry;
    if (path_resolve(NULL, AT_FDCWD, path, RESOLVE_FOLLOW, &entry) < 0)
        return false;
    bool mounted = entry->mount && entry->vnode == entry->mount->root &&
                   strcmp(entry->mount->type, type) == 0;
    path_put(entry);
    return mounted;
}

int selftest_tree(void)
{
    struct path_entry *root = path_root();
    SELFTEST_CHECK(root != NULL);
    struct tree_walk *walk = kzalloc(sizeof *walk);
    SELFTEST_CHECK(walk != NULL);
    list_directory(walk, root, 0);
    console_printf("tree: %u entries\n", walk->entries);
    kfree(walk);
    path_put(root);
    SELFTEST_CHECK(mounted_at("/", "tmpfs"));
    SELFTEST_CHECK(mounted_at("/proc", "proc"));
    SELFTEST_CHECK(mounted_at("/dev", "devtmpfs"));
    return 0;
}
