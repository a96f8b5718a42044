/*
 * test_tmpfs_rename.c — the tmpfs service on its own: rename with Linux's
 * errors, attributes and times, size and inode limits, memory exhaustion.
 */
#include "tmpfs_fixture.h"

/* ------------------------------------------------------------ rename */

static void rename_moves_an_entry(void **state)
{
    struct vnode *file = create_file(root, "old");
    assert_int_equal(rename_entry(root, "old", root, "new", 0), 0);
    assert_int_equal(lookup_error(root, "old"), -ENOENT);
    struct vnode *found = lookup(root, "new");
    assert_ptr_equal(found, file);
    vnode_put(found);
    assert_int_equal(attributes_of(file).link_count, 1);
    assert_int_equal(attributes_of(root).size, 3 * 20);
    assert_int_equal(rename_entry(root, "old", root, "other", 0), -ENOENT);
    assert_int_equal(rename_entry(root, "new", root, "x", 4), -EINVAL);
    assert_int_equal(rename_entry(root, "new", root, "x", RENAME_NOREPLACE | RENAME_EXCHANGE),
                     -EINVAL);
    vnode_put(file);
}

static void rename_over_a_file_replaces_it(void **state)
{
    struct vnode *a = create_file(root, "a");
    assert_int_equal(write_at(a, "AAAA", 4, 0), 4);
    touch_file(root, "b");
    struct vnode *b = lookup(root, "b");
    static unsigned char page[PAGE];
    assert_int_equal(write_at(b, page, sizeof page, 0), PAGE);
    vnode_put(b);
    uint64_t in_use = heap_in_use();
    assert_int_equal(rename_entry(root, "a", root, "b", 0), 0);
    assert_true(heap_in_use() <= in_use - PAGE); /* the old b is gone */
    assert_int_equal(lookup_error(root, "a"), -ENOENT);
    b = lookup(root, "b");
    assert_ptr_equal(b, a);
    char buffer[4];
    assert_int_equal(read_at(b, buffer, 4, 0), 4);
    assert_memory_equal(buffer, "AAAA", 4);
    vnode_put(b);

    /* A replaced file the Core still holds survives with no name. */
    struct vnode *held = create_file(root, "held");
    assert_int_equal(rename_entry(root, "b", root, "held", 0), 0);
    assert_int_equal(attributes_of(held).link_count, 0);
    vnode_put(held);
    vnode_put(a);

    /* Over another name of the same node: nothing happens. */
    struct vnode *node = lookup(root, "held");
    assert_int_equal(root->ops->link(root, "alias", 5, node), 0);
    assert_int_equal(rename_entry(root, "held", root, "alias", 0), 0);
    assert_int_equal(lookup_error(root, "held"), 0);
    assert_int_equal(lookup_error(root, "alias"), 0);
    assert_int_equal(attributes_of(node).link_count, 2);
    vnode_put(node);
}

static void rename_noreplace_and_exchange_errors(void **state)
{
    touch_file(root, "a");
    touch_file(root, "b");
    assert_int_equal(rename_entry(root, "a", root, "b", RENAME_NOREPLACE), -EEXIST);
    assert_int_equal(rename_entry(root, "a", root, "c", RENAME_EXCHANGE), -ENOENT);
    assert_int_equal(rename_entry(root, "a", root, "c", RENAME_NOREPLACE), 0);
    assert_int_equal(lookup_error(root, "c"), 0);
    assert_int_equal(lookup_error(root, "a"), -ENOENT);
    assert_int_equal(rename_entry(root, "zz", root, "b", RENAME_EXCHANGE), -ENOENT);
}

static void rename_exchange_swaps_and_fixes_parents(void **state)
{
    struct vnode *x = make_directory(root, "x");
    struct vnode *y = make_directory(root, "y");
    struct vnode *file = create_file(x, "file");
    struct vnode *sub = make_directory(y, "sub");
    assert_int_equal(attributes_of(x).link_count, 2);
    assert_int_equal(attributes_of(y).link_count, 3);

    assert_int_equal(rename_entry(x, "file", y, "sub", RENAME_EXCHANGE), 0);
    struct vnode *now_sub = lookup(x, "file");
    struct vnode *now_file = lookup(y, "sub");
    assert_ptr_equal(now_sub, sub);
    assert_ptr_equal(now_file, file);
    vnode_put(now_sub);
    vnode_put(now_file);
    assert_int_equal(attributes_of(x).link_count, 3);
    assert_int_equal(attributes_of(y).link_count, 2);
    uint64_t cookie = 0;
    struct listing listing;
    assert_int_equal(list_directory(sub, &cookie, 64, &listing), 0);
    assert_int_equal(listing.inodes[1], x->inode_number);

    /* Two directories in different parents: both ".." follow. */
    struct vnode *other = make_directory(y, "other");
    assert_int_equal(rename_entry(x, "file", y, "other", RENAME_EXCHANGE), 0);
    cookie = 0;
    assert_int_equal(list_directory(sub, &cookie, 64, &listing), 0);
    assert_int_equal(listing.inodes[1], y->inode_number);
    cookie = 0;
    assert_int_equal(list_directory(other, &cookie, 64, &listing), 0);
    assert_int_equal(listing.inodes[1], x->inode_number);
    assert_int_equal(attributes_of(x).link_count, 3);
    assert_int_equal(attributes_of(y).link_count, 3);
    vnode_put(other);

    /* Exchange of two files in one directory; the same name with itself. */
    touch_file(root, "p");
    touch_file(root, "q");
    struct vnode *p = lookup(root, "p");
    assert_int_equal(rename_entry(root, "p", root, "q", RENAME_EXCHANGE), 0);
    struct vnode *q = lookup(root, "q");
    assert_ptr_equal(q, p);
    vnode_put(q);
    vnode_put(p);
    assert_int_equal(rename_entry(root, "p", root, "p", RENAME_EXCHANGE), 0);
    /* Exchanging a directory with its own child is refused. */
    assert_int_equal(rename_entry(root, "x", x, "file", RENAME_EXCHANGE), -EINVAL);
    assert_int_equal(rename_entry(x, "file", root, "x", RENAME_EXCHANGE), -EINVAL);

    vnode_put(x);
    vnode_put(y);
    vnode_put(file);
    vnode_put(sub);
}

static void rename_directory_over_directory(void **state)
{
    struct vnode *a = make_directory(root, "a");
    touch_file(a, "content");
    touch_directory(root, "empty");
    touch_directory(root, "full");
    struct vnode *full = lookup(root, "full");
    touch_file(full, "x");
    assert_int_equal(attributes_of(root).link_count, 5);

    assert_int_equal(rename_entry(root, "a", root, "full", 0), -ENOTEMPTY);
    struct vnode *empty = lookup(root, "empty");
    assert_int_equal(rename_entry(root, "a", root, "empty", 0), 0);
    assert_int_equal(attributes_of(root).link_count, 4);
    assert_int_equal(attributes_of(empty).link_count, 0); /* replaced: dead */
    struct vnode *found = lookup(root, "empty");
    assert_ptr_equal(found, a);
    vnode_put(found);
    assert_int_equal(lookup_error(a, "content"), 0);
    vnode_put(empty);

    /* Across directories: into full/ over an empty subdirectory. */
    touch_directory(full, "slot");
    assert_int_equal(attributes_of(full).link_count, 3);
    assert_int_equal(rename_entry(root, "empty", full, "slot", 0), 0);
    assert_int_equal(attributes_of(full).link_count, 3);
    assert_int_equal(attributes_of(root).link_count, 3);
    uint64_t cookie = 0;
    struct listing listing;
    assert_int_equal(list_directory(a, &cookie, 64, &listing), 0);
    assert_int_equal(listing.inodes[1], full->inode_number);
    vnode_put(full);
    vnode_put(a);
}

static void rename_type_mismatches(void **state)
{
    touch_file(root, "file");
    touch_directory(root, "directory");
    assert_int_equal(rename_entry(root, "file", root, "directory", 0), -EISDIR);
    assert_int_equal(rename_entry(root, "directory", root, "file", 0), -ENOTDIR);
    assert_int_equal(rename_entry(root, "directory", root, "file", RENAME_NOREPLACE), -EEXIST);
    /* Exchange does not care about types. */
    struct vnode *directory = lookup(root, "directory");
    assert_int_equal(rename_entry(root, "file", root, "directory", RENAME_EXCHANGE), 0);
    struct vnode *found = lookup(root, "file");
    assert_ptr_equal(found, directory);
    vnode_put(found);
    vnode_put(directory);
    assert_int_equal(attributes_of(root).link_count, 3);
}

static void rename_into_own_subtree(void **state)
{
    struct vnode *a = make_directory(root, "a");
    struct vnode *b = make_directory(a, "b");
    struct vnode *c = make_directory(b, "c");
    touch_file(c, "file");
    assert_int_equal(rename_entry(root, "a", b, "a", 0), -EINVAL);
    assert_int_equal(rename_entry(root, "a", a, "x", 0), -EINVAL);
    assert_int_equal(rename_entry(a, "b", c, "b", 0), -EINVAL);
    /* The target is an ancestor of the source: Linux says ENOTEMPTY. */
    assert_int_equal(rename_entry(c, "file", root, "a", 0), -ENOTEMPTY);
    assert_int_equal(rename_entry(b, "c", root, "a", 0), -ENOTEMPTY);
    /* Moving up is fine; renaming to itself is a no-op. */
    assert_int_equal(rename_entry(b, "c", root, "c", 0), 0);
    assert_int_equal(rename_entry(root, "a", root, "a", 0), 0);
    assert_int_equal(rename_entry(root, "a", root, "a", RENAME_NOREPLACE), -EEXIST);
    assert_int_equal(attributes_of(root).link_count, 4);
    assert_int_equal(attributes_of(b).link_count, 2);
    uint64_t cookie = 0;
    struct listing listing;
    assert_int_equal(list_directory(c, &cookie, 64, &listing), 0);
    assert_int_equal(listing.inodes[1], root->inode_number);
    vnode_put(a);
    vnode_put(b);
    vnode_put(c);
}

static void rename_directory_between_parents(void **state)
{
    struct vnode *x = make_directory(root, "x");
    struct vnode *y = make_directory(root, "y");
    struct vnode *d = make_directory(x, "d");
    touch_file(d, "payload");
    assert_int_equal(attributes_of(x).link_count, 3);
    assert_int_equal(rename_entry(x, "d", y, "moved", 0), 0);
    assert_int_equal(attributes_of(x).link_count, 2);
    assert_int_equal(attributes_of(y).link_count, 3);
    assert_int_equal(attributes_of(d).link_count, 2);
    assert_int_equal(lookup_error(y, "moved"), 0);
    assert_int_equal(lookup_error(x, "d"), -ENOENT);
    uint64_t cookie = 0;
    struct listing listing;
    assert_int_equal(list_directory(d, &cookie, 64, &listing), 0);
    assert_int_equal(listing.inodes[1], y->inode_number);
    assert_int_equal(find_listed(&listing, "payload"), 2);
    /* Now x can go, y cannot. */
    assert_int_equal(remove_directory(root, "x"), 0);
    assert_int_equal(remove_directory(root, "y"), -ENOTEMPTY);
    /* A removed directory takes no new entries. */
    assert_int_equal(rename_entry(d, "payload", x, "payload", 0), -ENOENT);
    vnode_put(x);
    vnode_put(y);
    vnode_put(d);
}

/* ---------------------------------------------------- attributes, times */

static void setattr_changes_selected_fields(void **state)
{
    struct vnode *file = create_file(root, "f");
    struct vnode_attributes request = {
        .mode = S_IFDIR | S_ISUID | 0700, .uid = 1000, .gid = 2000,
        .access_time = { 1000000, 5 }, .modify_time = { 2000000, 7 },
    };
    assert_int_equal(file->ops->setattr(file, &request, VNODE_SET_MODE), 0);
    struct vnode_attributes attributes = attributes_of(file);
    assert_int_equal(attributes.mode, S_IFREG | S_ISUID | 0700); /* the type never changes */
    assert_int_equal(attributes.uid, 0);
    assert_int_equal(file->ops->setattr(file, &request, VNODE_SET_UID | VNODE_SET_GID), 0);
    attributes = attributes_of(file);
    assert_int_equal(attributes.uid, 1000);
    assert_int_equal(attributes.gid, 2000);
    assert_int_equal(file->ops->setattr(file, &request,
                                        VNODE_SET_ACCESS_TIME | VNODE_SET_MODIFY_TIME), 0);
    attributes = attributes_of(file);
    assert_int_equal(attributes.access_time.seconds, 1000000);
    assert_int_equal(attributes.access_time.nanoseconds, 5);
    assert_int_equal(attributes.modify_time.seconds, 2000000);
    assert_int_equal(attributes.modify_time.nanoseconds, 7);
    /* Attributes of directories, symlinks and device nodes change the same way. */
    struct vnode_attributes chmod = { .mode = 0700 };
    assert_int_equal(root->ops->setattr(root, &chmod, VNODE_SET_MODE), 0);
    assert_int_equal(attributes_of(root).mode, S_IFDIR | 0700);
    vnode_put(file);
}

static void times_follow_changes(void **state)
{
    struct vnode *file = create_file(root, "f");
    struct vnode_attributes created = attributes_of(file);
    struct vnode_attributes root_created = attributes_of(root);
    assert_true(time_equal(created.modify_time, created.change_time));

    assert_int_equal(hosted_clock_advance(1000000000ull), 0);
    assert_int_equal(write_at(file, "x", 1, 0), 1);
    struct vnode_attributes written = attributes_of(file);
    assert_true(time_after(written.modify_time, created.modify_time));
    assert_true(time_after(written.change_time, created.change_time));
    assert_true(time_equal(written.access_time, created.access_time));

    assert_int_equal(hosted_clock_advance(1000000000ull), 0);
    char buffer[1];
    assert_int_equal(read_at(file, buffer, 1, 0), 1); /* relatime: atime <= mtime, so updated */
    struct vnode_attributes read = attributes_of(file);
    assert_true(time_after(read.access_time, written.modify_time));
    assert_true(time_equal(read.modify_time, written.modify_time));

    assert_int_equal(hosted_clock_advance(1000000000ull), 0);
    assert_int_equal(root->ops->link(root, "g", 1, file), 0);
    struct vnode_attributes linked = attributes_of(file);
    assert_true(time_after(linked.change_time, read.change_time));
    assert_true(time_equal(linked.modify_time, read.modify_time));
    struct vnode_attributes root_after = attributes_of(root);
    assert_true(time_after(root_after.modify_time, root_created.modify_time));

    assert_int_equal(hosted_clock_advance(1000000000ull), 0);
    struct vnode_attributes chmod = { .mode = 0600 };
    assert_int_equal(file->ops->setattr(file, &chmod, VNODE_SET_MODE), 0);
    struct vnode_attributes changed = attributes_of(file);
    assert_true(time_after(changed.change_time, linked.change_time));
    assert_true(time_equal(changed.modify_time, linked.modify_time));

    assert_int_equal(hosted_clock_advance(1000000000ull), 0);
    struct vnode_attributes shrink = { .size = 0 };
    assert_int_equal(file->ops->setattr(file, &shrink, VNODE_SET_SIZE), 0);
    struct vnode_attributes truncated = attributes_of(file);
    assert_true(time_after(truncated.modify_time, changed.modify_time));
    assert_true(time_after(truncated.change_time, changed.change_time));
    /* Truncating to the size it has changes no time (truncate(2)). */
    assert_int_equal(hosted_clock_advance(1000000000ull), 0);
    assert_int_equal(file->ops->setattr(file, &shrink, VNODE_SET_SIZE), 0);
    struct vnode_attributes same = attributes_of(file);
    assert_true(time_equal(same.modify_time, truncated.modify_time));
    assert_true(time_equal(same.change_time, truncated.change_time));

    assert_int_equal(hosted_clock_advance(1000000000ull), 0);
    assert_int_equal(rename_entry(root, "g", root, "h", 0), 0);
    struct vnode_attributes renamed = attributes_of(file);
    assert_true(time_after(renamed.change_time, truncated.change_time));
    assert_true(time_after(attributes_of(root).modify_time, root_after.modify_time));
    vnode_put(file);
}

/* --------------------------------------------------- limits and memory */

static void size_and_inode_limits_give_enospc(void **state)
{
    struct superblock limited = { .service = tmpfs, .device = device_number(0, 45) };
    assert_int_equal(filesystem->mount(&limited, "size=8k,nr_inodes=3"), 0);
    struct vnode *file = create_file(limited.root, "f");
    static unsigned char data[3 * PAGE];
    assert_int_equal(write_at(file, data, sizeof data, 0), 2 * PAGE); /* short write */
    assert_int_equal(write_at(file, data, 1, 2 * PAGE), -ENOSPC);
    assert_int_equal(write_at(file, data, 10, 100), 10); /* existing pages still take data */
    assert_int_equal(attributes_of(file).size, 2 * PAGE);
    struct vnode_attributes shrink = { .size = PAGE };
    assert_int_equal(file->ops->setattr(file, &shrink, VNODE_SET_SIZE), 0);
    assert_int_equal(write_at(file, data, 1, 5 * PAGE), 1); /* the freed page is free again */

    struct vnode *second = create_file(limited.root, "g");
    struct vnode *third = NULL;
    assert_int_equal(limited.root->ops->create(limited.root, "h", 1, S_IFREG, 0, &third), -ENOSPC);
    assert_int_equal(limited.root->ops->mkdir(limited.root, "h", 1, 0755, &third), -ENOSPC);
    assert_int_equal(unlink_entry(limited.root, "g"), 0);
    vnode_put(second);
    third = create_file(limited.root, "h");
    vnode_put(third);
    vnode_put(file);
    vnode_put(limited.root);
    filesystem->unmount(&limited);
}

static void memory_exhaustion_fails_cleanly(void **state)
{
    /* Fill the 8 MiB machine with one file: a short write, then -ENOMEM. */
    struct vnode *file = create_file(root, "big");
    static unsigned char chunk[256 * 1024];
    memset(chunk, 0x11, sizeof chunk);
    uint64_t offset = 0;
    long written;
    while ((written = write_at(file, chunk, sizeof chunk, offset)) == (long)sizeof chunk)
        offset += written;
    if (written > 0) {
        assert_true(written < (long)sizeof chunk); /* a short write, then nothing */
        offset += (uint64_t)written;
        written = write_at(file, chunk, sizeof chunk, offset);
    }
    assert_int_equal(written, -ENOMEM);
    assert_true(offset > (4u << 20));
    assert_int_equal(attributes_of(file).size, offset);
    /* A page far away needs index nodes: still a clean -ENOMEM. */
    assert_int_equal(write_at(file, chunk, 1, 600 * GIB), -ENOMEM);
    assert_int_equal(attributes_of(file).size, offset);
    /*
     * Room for three pages: a write at 2^62 fails part way up the tree (it
     * needs four new tops, four index nodes and the page), and every index
     * node it added is freed again.
     */
    assert_int_equal(offset % PAGE, 0);
    offset -= 3 * PAGE;
    struct vnode_attributes cut = { .size = offset };
    assert_int_equal(file->ops->setattr(file, &cut, VNODE_SET_SIZE), 0);
    uint64_t in_use = heap_in_use();
    assert_int_equal(write_at(file, chunk, 1, 1ull << 62), -ENOMEM);
    assert_int_equal(heap_in_use(), in_use);
    assert_int_equal(attributes_of(file).size, offset);
    assert_int_equal(write_at(file, chunk, 3, offset), 3); /* the three pages are still there */
    offset += 3;

    /* Names and nodes run out cleanly too (the file holds the memory). */
    int error = 0;
    for (int i = 0; i < 1000000 && error == 0; i++) {
        char name[16];
        snprintf(name, sizeof name, "n%d", i);
        struct vnode *node = NULL;
        error = root->ops->create(root, name, strlen(name), S_IFREG | 0644, 0, &node);
        if (error == 0)
            vnode_put(node);
    }
    assert_int_equal(error, -ENOMEM);
    /* The data written is intact. */
    unsigned char back[16];
    assert_int_equal(read_at(file, back, sizeof back, offset / 2), (long)sizeof back);
    assert_true(is_all(back, sizeof back, 0x11));

    /* Freeing the file makes room again. */
    struct vnode_attributes shrink = { .size = 0 };
    assert_int_equal(file->ops->setattr(file, &shrink, VNODE_SET_SIZE), 0);
    assert_int_equal(write_at(file, chunk, sizeof chunk, 0), (long)sizeof chunk);
    vnode_put(file);
    /* teardown: unmount must give every byte back */
}

static void default_limits_are_half_of_ram(void **state)
{
    struct system_memory_info memory;
    system_memory_info(&memory);
    uint64_t ram_pages = memory.total_bytes / PAGE;
    assert_true(ram_pages > 1000);

    /* Data: half of RAM, then -ENOSPC (not -ENOMEM: the heap still has room). */
    struct vnode *file = create_file(root, "fill");
    static unsigned char chunk[64 * 1024];
    uint64_t offset = 0;
    long written;
    while ((written = write_at(file, chunk, sizeof chunk, offset)) > 0)
        offset += (uint64_t)written;
    assert_int_equal(written, -ENOSPC);
    assert_int_equal(offset, ram_pages / 2 * PAGE);
    assert_int_equal(attributes_of(file).blocks, ram_pages / 2 * 8);
    struct vnode_attributes empty = { .size = 0 };
    assert_int_equal(file->ops->setattr(file, &empty, VNODE_SET_SIZE), 0);

    /* Nodes: half of RAM in pages, the root included. */
    int error = 0;
    uint64_t created = 0;
    while (error == 0) {
        char name[16];
        snprintf(name, sizeof name, "n%llu", (unsigned long long)created);
        struct vnode *node = NULL;
        error = root->ops->mkdir(root, name, strlen(name), 0755, &node);
        if (error == 0) {
            vnode_put(node);
            created++;
        }
    }
    assert_int_equal(error, -ENOSPC);
    assert_int_equal(created + 2, ram_pages / 2); /* + the root and "fill" */
    vnode_put(file);

    /* size=N% is a share of RAM. */
    struct superblock quarter = { .service = tmpfs, .device = device_number(0, 48) };
    assert_int_equal(filesystem->mount(&quarter, "size=25%"), 0);
    struct vnode *other = create_file(quarter.root, "f");
    for (offset = 0; (written = write_at(other, chunk, sizeof chunk, offset)) > 0;)
        offset += (uint64_t)written;
    assert_int_equal(written, -ENOSPC);
    assert_int_equal(offset, ram_pages * 25 / 100 * PAGE);
    vnode_put(other);
    vnode_put(quarter.root);
    filesystem->unmount(&quarter);
}

static void unmount_frees_a_whole_tree(void **state)
{
    struct superblock second = { .service = tmpfs, .device = device_number(0, 46) };
    uint64_t in_use = heap_in_use();
    assert_int_equal(filesystem->mount(&second, "mode=700"), 0);
    struct vnode *top = second.root;
    for (int i = 0; i < 5; i++) {
        char name[8];
        snprintf(name, sizeof name, "d%d", i);
        struct vnode *directory = make_directory(top, name);
        for (int j = 0; j < 5; j++) {
            snprintf(name, sizeof name, "f%d", j);
            struct vnode *file = create_file(directory, name);
            assert_int_equal(write_at(file, "data", 4, (uint64_t)j * 7 * GIB), 4);
            assert_int_equal(top->ops->link(top, name, strlen(name), file), i == 0 ? 0 : -EEXIST);
            vnode_put(file);
        }
        struct vnode *link = NULL;
        assert_int_equal(directory->ops->symlink(directory, "up", 2, "..", &link), 0);
        vnode_put(link);
        vnode_put(create_node(directory, "fifo", S_IFIFO | 0600, 0));
        vnode_put(directory);
    }
    assert_true(heap_in_use() > in_use);
    vnode_put(top);
    filesystem->unmount(&second);
    assert_int_equal(heap_in_use(), in_use);
    assert_null(second.private);
}

static void unmount_with_a_held_node_defers_its_free(void **state)
{
    struct superblock second = { .service = tmpfs, .device = device_number(0, 47) };
    uint64_t in_use = heap_in_use();
    assert_int_equal(filesystem->mount(&second, ""), 0);
    struct vnode *directory = make_directory(second.root, "d");
    struct vnode *file = create_file(directory, "f");
    assert_int_equal(write_at(file, "still here", 10, 0), 10);
    vnode_put(directory);
    vnode_put(second.root);
    filesystem->unmount(&second);
    assert_true(heap_in_use() > in_use);
    /* The orphan is still usable until the Core lets go. */
    char buffer[10];
    assert_int_equal(read_at(file, buffer, sizeof buffer, 0), 10);
    assert_memory_equal(buffer, "still here", 10);
    vnode_put(file);
    assert_int_equal(heap_in_use(), in_use);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define CASE(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        CASE(rename_moves_an_entry),
        CASE(rename_over_a_file_replaces_it),
        CASE(rename_noreplace_and_exchange_errors),
        CASE(rename_exchange_swaps_and_fixes_parents),
        CASE(rename_directory_over_directory),
        CASE(rename_type_mismatches),
        CASE(rename_into_own_subtree),
        CASE(rename_directory_between_parents),
        CASE(setattr_changes_selected_fields),
        CASE(times_follow_changes),
        CASE(size_and_inode_limits_give_enospc),
        CASE(unmount_frees_a_whole_tree),
        CASE(unmount_with_a_held_node_defers_its_free),
        cmocka_unit_test_setup_teardown(memory_exhaustion_fails_cleanly, setup_small_memory,
                                        teardown),
        cmocka_unit_test_setup_teardown(default_limits_are_half_of_ram,
                                        setup_small_memory_default_limits, teardown),
#undef CASE
    };
    return cmocka_run_group_tests_name("service-tmpfs-rename", tests, NULL, NULL);
}
