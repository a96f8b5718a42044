/*
 * test_tmpfs.c — the tmpfs service on its own: mount, file data, names and
 * nodes, readdir, symlinks (rename, attributes and limits: test_tmpfs_rename.c).
 */
#include "tmpfs_fixture.h"

/* -------------------------------------------------- mount and the root */

static void root_directory_attributes(void **state)
{
    struct vnode_attributes root_attributes = attributes_of(root);
    /* Linux's default without mode=: sticky and world-writable, like /tmp. */
    assert_int_equal(root_attributes.mode, S_IFDIR | 01777);
    assert_int_equal(root_attributes.link_count, 2);
    assert_int_equal(root_attributes.uid, 0);
    assert_int_equal(root_attributes.gid, 0);
    assert_int_equal(root_attributes.block_size, 4096);
    assert_int_equal(root_attributes.blocks, 0);
    assert_int_equal(root_attributes.device, 0);
    assert_int_equal(root_attributes.size, 40);
    assert_int_equal(root_attributes.inode_number, root->inode_number);
    assert_int_equal(root->type, S_IFDIR);
    assert_ptr_equal(root->superblock, &superblock);
    assert_non_null(superblock.private);

    uint64_t cookie = 0;
    struct listing listing;
    assert_int_equal(list_directory(root, &cookie, 64, &listing), 0);
    assert_int_equal(listing.count, 2);
    assert_string_equal(listing.names[0], ".");
    assert_string_equal(listing.names[1], "..");
    assert_int_equal(listing.inodes[0], root->inode_number);
    assert_int_equal(listing.inodes[1], root->inode_number);
    assert_int_equal(listing.types[0], DT_DIR);
    assert_int_equal(cookie, 2);
}

static void mount_options_are_applied(void **state)
{
    struct superblock second = { .service = tmpfs, .device = device_number(0, 43) };
    assert_int_equal(filesystem->mount(&second, "mode=755,,uid=1000,gid=100,size=1M,"
                                                "nr_inodes=1k,noexec,whatever=3"), 0);
    struct vnode_attributes attributes = attributes_of(second.root);
    assert_int_equal(attributes.mode, S_IFDIR | 0755);
    assert_int_equal(attributes.uid, 1000);
    assert_int_equal(attributes.gid, 100);
    assert_int_not_equal(second.root, root);
    vnode_put(second.root);
    filesystem->unmount(&second);

    uint64_t in_use = heap_in_use();
    const char *bad[] = { "mode=999", "mode=17777", "mode=", "uid=abc", "size=12Q", "mode=07777x",
                          "gid=4294967296", "nr_inodes=-1" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct superblock refused = { .service = tmpfs };
        assert_int_equal(filesystem->mount(&refused, bad[i]), -EINVAL);
        assert_null(refused.root);
    }
    assert_int_equal(heap_in_use(), in_use);
}

static void inode_numbers_are_unique(void **state)
{
    uint64_t seen[40];
    size_t count = 0;
    seen[count++] = root->inode_number;
    struct vnode *directory = make_directory(root, "d");
    seen[count++] = directory->inode_number;
    for (int i = 0; i < 30; i++) {
        char name[8];
        snprintf(name, sizeof name, "f%d", i);
        struct vnode *node = create_file(i % 2 ? directory : root, name);
        seen[count++] = node->inode_number;
        vnode_put(node);
    }
    for (size_t i = 0; i < count; i++) {
        assert_int_not_equal(seen[i], 0);
        for (size_t j = i + 1; j < count; j++)
            assert_int_not_equal(seen[i], seen[j]);
    }
    vnode_put(directory);
}

/* -------------------------------------------------------- file data */

static void write_then_read_back(void **state)
{
    struct vnode *file = create_file(root, "file");
    assert_int_equal(file->type, S_IFREG);
    assert_int_equal(write_at(file, "hello, world", 12, 0), 12);
    char buffer[32] = { 0 };
    assert_int_equal(read_at(file, buffer, sizeof buffer, 0), 12);
    assert_memory_equal(buffer, "hello, world", 12);
    assert_int_equal(read_at(file, buffer, 5, 7), 5);
    assert_memory_equal(buffer, "world", 5);
    struct vnode_attributes attributes = attributes_of(file);
    assert_int_equal(attributes.size, 12);
    assert_int_equal(attributes.blocks, 8);
    assert_int_equal(attributes.mode, S_IFREG | 0644);
    assert_int_equal(attributes.link_count, 1);
    assert_int_equal(attributes.block_size, 4096);
    /* Overwrite in the middle keeps the size. */
    assert_int_equal(write_at(file, "W", 1, 7), 1);
    assert_int_equal(read_at(file, buffer, 12, 0), 12);
    assert_memory_equal(buffer, "hello, World", 12);
    assert_int_equal(attributes_of(file).size, 12);
    /* A zero-length write changes nothing, even far away. */
    assert_int_equal(write_at(file, "", 0, 5 * GIB), 0);
    assert_int_equal(attributes_of(file).size, 12);
    vnode_put(file);
}

static void unaligned_write_across_pages(void **state)
{
    static unsigned char pattern[10000], back[10000];
    for (size_t i = 0; i < sizeof pattern; i++)
        pattern[i] = (unsigned char)(i * 7 + 3);
    struct vnode *file = create_file(root, "spans");
    assert_int_equal(write_at(file, pattern, sizeof pattern, 4000), (long)sizeof pattern);
    struct vnode_attributes attributes = attributes_of(file);
    assert_int_equal(attributes.size, 14000);
    assert_int_equal(attributes.blocks, 4 * 8); /* pages 0..3 */
    assert_int_equal(read_at(file, back, sizeof back, 4000), (long)sizeof back);
    assert_memory_equal(back, pattern, sizeof pattern);
    /* The bytes before the write are zeros of the same first page. */
    assert_int_equal(read_at(file, back, 4000, 0), 4000);
    assert_true(is_all(back, 4000, 0));
    vnode_put(file);
}

static void read_at_and_past_end(void **state)
{
    struct vnode *file = create_file(root, "short");
    assert_int_equal(write_at(file, "abcdef", 6, 0), 6);
    char buffer[16];
    assert_int_equal(read_at(file, buffer, sizeof buffer, 6), 0);
    assert_int_equal(read_at(file, buffer, sizeof buffer, 1000), 0);
    assert_int_equal(read_at(file, buffer, sizeof buffer, 4), 2);
    assert_memory_equal(buffer, "ef", 2);
    assert_int_equal(read_at(file, buffer, 0, 0), 0);
    struct vnode *empty = create_file(root, "empty");
    assert_int_equal(read_at(empty, buffer, sizeof buffer, 0), 0);
    vnode_put(empty);
    vnode_put(file);
}

static void sparse_file_holes_read_as_zeros(void **state)
{
    struct vnode *file = create_file(root, "sparse");
    assert_int_equal(write_at(file, "X", 1, 1u << 20), 1);
    struct vnode_attributes attributes = attributes_of(file);
    assert_int_equal(attributes.size, (1u << 20) + 1);
    assert_int_equal(attributes.blocks, 8); /* one page, the rest is a hole */

    static unsigned char buffer[3 * PAGE];
    memset(buffer, 0xee, sizeof buffer);
    assert_int_equal(read_at(file, buffer, sizeof buffer, 0), (long)sizeof buffer);
    assert_true(is_all(buffer, sizeof buffer, 0));
    /* Across the hole into the data and the end. */
    memset(buffer, 0xee, sizeof buffer);
    assert_int_equal(read_at(file, buffer, 2 * PAGE, (1u << 20) - PAGE), PAGE + 1);
    assert_true(is_all(buffer, PAGE, 0));
    assert_int_equal(buffer[PAGE], 'X');
    assert_int_equal(buffer[PAGE + 1], 0xee);
    vnode_put(file);
}

static void big_offsets_up_to_the_limit(void **state)
{
    struct vnode *file = create_file(root, "huge");
    uint64_t in_use = heap_in_use();
    uint64_t far = 512 * GIB + 123;
    assert_int_equal(write_at(file, "far away", 8, far), 8);
    struct vnode_attributes attributes = attributes_of(file);
    assert_int_equal(attributes.size, far + 8);
    assert_int_equal(attributes.blocks, 8);
    char buffer[8];
    assert_int_equal(read_at(file, buffer, 8, far), 8);
    assert_memory_equal(buffer, "far away", 8);
    assert_int_equal(read_at(file, buffer, 8, 300 * GIB), 8);
    assert_true(is_all((unsigned char *)buffer, 8, 0));

    /* Near page 0 as well: both ends of the tree. */
    assert_int_equal(write_at(file, "near", 4, 10), 4);
    assert_int_equal(attributes_of(file).blocks, 16);

    /* Linux's MAX_LFS_FILESIZE (2^63 - 1) is the limit: cut at it, -EFBIG at or past it. */
    assert_int_equal(write_at(file, "0123456789", 10, MAX_FILE_SIZE - 2), 2);
    assert_int_equal(attributes_of(file).size, MAX_FILE_SIZE);
    assert_int_equal(write_at(file, "x", 1, MAX_FILE_SIZE), -EFBIG);
    assert_int_equal(write_at(file, "x", 1, UINT64_MAX - 1), -EFBIG);
    assert_int_equal(read_at(file, buffer, 8, MAX_FILE_SIZE - 2), 2);
    assert_memory_equal(buffer, "01", 2);
    assert_int_equal(read_at(file, buffer, 8, MAX_FILE_SIZE), 0);
    assert_int_equal(attributes_of(file).blocks, 24);
    assert_int_equal(read_at(file, buffer, 8, far), 8); /* the low pages survived the growth */
    assert_memory_equal(buffer, "far away", 8);

    /* Truncating to 0 gives every page and index node back. */
    assert_int_equal(resize(file, 0), 0);
    assert_int_equal(heap_in_use(), in_use);
    assert_int_equal(attributes_of(file).blocks, 0);
    vnode_put(file);
}

static void the_tree_is_as_tall_as_its_highest_page(void **state)
{
    struct vnode *file = create_file(root, "deep");
    uint64_t empty = heap_in_use();
    assert_int_equal(write_at(file, "a", 1, 0), 1);
    assert_int_equal(heap_in_use(), empty + 2 * PAGE_COST); /* one level: index node + page */
    /* Page 2^50 needs six levels: five new tops, five index nodes down, the page. */
    assert_int_equal(write_at(file, "b", 1, 1ull << 62), 1);
    assert_int_equal(heap_in_use(), empty + 13 * PAGE_COST);
    char byte = 0;
    assert_int_equal(read_at(file, &byte, 1, 0), 1);
    assert_int_equal(byte, 'a');
    assert_int_equal(read_at(file, &byte, 1, 1ull << 62), 1);
    assert_int_equal(byte, 'b');

    /* Truncating below the high page lowers the tree back to one level. */
    assert_int_equal(resize(file, PAGE), 0);
    assert_int_equal(heap_in_use(), empty + 2 * PAGE_COST);
    assert_int_equal(read_at(file, &byte, 1, 0), 1);
    assert_int_equal(byte, 'a');
    /* Page 512 needs a second level: a top, an index node, the page. */
    assert_int_equal(write_at(file, "c", 1, 512 * PAGE), 1);
    assert_int_equal(heap_in_use(), empty + 5 * PAGE_COST);
    assert_int_equal(resize(file, 0), 0);
    assert_int_equal(heap_in_use(), empty);

    /* A size of 2^63 - 1 costs nothing and reads as zeros up to its last byte. */
    assert_int_equal(resize(file, MAX_FILE_SIZE), 0);
    assert_int_equal(heap_in_use(), empty);
    byte = 1;
    assert_int_equal(read_at(file, &byte, 4, MAX_FILE_SIZE - 1), 1);
    assert_int_equal(byte, 0);
    vnode_put(file);
}

static void seek_data_and_hole_follow_the_pages(void **state)
{
    /* Every expected value below is what Linux's tmpfs answers. */
    struct vnode *file = create_file(root, "holes");
    assert_int_equal(seek_from(file, 0, 0, SEEK_DATA), -ENXIO); /* empty */
    assert_int_equal(seek_from(file, 0, 0, SEEK_HOLE), -ENXIO);
    assert_int_equal(write_at(file, "d", 1, 2 * PAGE + 5), 1); /* size 2 pages + 6 */
    assert_int_equal(seek_from(file, 0, 0, SEEK_DATA), 2 * PAGE);
    assert_int_equal(seek_from(file, 0, 2 * PAGE + 5, SEEK_DATA), 2 * PAGE + 5);
    assert_int_equal(seek_from(file, 0, 2 * PAGE + 6, SEEK_DATA), -ENXIO); /* at the end */
    assert_int_equal(seek_from(file, 0, 0, SEEK_HOLE), 0);
    assert_int_equal(seek_from(file, 0, 2 * PAGE, SEEK_HOLE), 2 * PAGE + 6); /* the size */
    assert_int_equal(seek_from(file, 0, 2 * PAGE + 6, SEEK_HOLE), -ENXIO);
    assert_int_equal(seek_from(file, 0, -1, SEEK_HOLE), -ENXIO);
    assert_int_equal(seek_from(file, 0, -1, SEEK_DATA), -ENXIO);
    /* Grown by truncate: a hole up to the new size, no data after the page. */
    assert_int_equal(resize(file, 1u << 20), 0);
    assert_int_equal(seek_from(file, 0, 2 * PAGE, SEEK_HOLE), 3 * PAGE);
    assert_int_equal(seek_from(file, 0, 3 * PAGE, SEEK_DATA), -ENXIO);
    assert_int_equal(seek_from(file, 0, 3 * PAGE, SEEK_HOLE), 3 * PAGE);
    /* A run of pages is one stretch of data. */
    assert_int_equal(write_at(file, "e", 1, 3 * PAGE), 1);
    assert_int_equal(write_at(file, "e", 1, 5 * PAGE), 1);
    assert_int_equal(seek_from(file, 0, 2 * PAGE, SEEK_HOLE), 4 * PAGE);
    assert_int_equal(seek_from(file, 0, 4 * PAGE, SEEK_DATA), 5 * PAGE);
    /* Shrunk into a page: the data stops at the size. */
    assert_int_equal(resize(file, 3 * PAGE + 10), 0);
    assert_int_equal(seek_from(file, 0, 2 * PAGE, SEEK_HOLE), 3 * PAGE + 10);
    assert_int_equal(seek_from(file, 0, 3 * PAGE + 9, SEEK_DATA), 3 * PAGE + 9);
    assert_int_equal(seek_from(file, 0, 3 * PAGE + 10, SEEK_HOLE), -ENXIO);

    /* Data running to the end of a one-level tree (512 pages) and past it. */
    assert_int_equal(resize(file, 0), 0);
    assert_int_equal(write_at(file, "ab", 2, 511 * PAGE - 1), 2); /* pages 510 and 511 */
    assert_int_equal(resize(file, 768 * PAGE), 0);
    assert_int_equal(seek_from(file, 0, 0, SEEK_DATA), 510 * PAGE);
    assert_int_equal(seek_from(file, 0, 510 * PAGE + 7, SEEK_HOLE), 512 * PAGE);
    assert_int_equal(seek_from(file, 0, 512 * PAGE, SEEK_DATA), -ENXIO);
    assert_int_equal(write_at(file, "c", 1, 600 * PAGE), 1);
    assert_int_equal(seek_from(file, 0, 510 * PAGE, SEEK_HOLE), 512 * PAGE);
    assert_int_equal(seek_from(file, 0, 512 * PAGE, SEEK_DATA), 600 * PAGE);
    assert_int_equal(seek_from(file, 0, 600 * PAGE + 1, SEEK_HOLE), 601 * PAGE);
    assert_int_equal(seek_from(file, 0, 601 * PAGE, SEEK_DATA), -ENXIO);
    assert_int_equal(seek_from(file, 0, 768 * PAGE - 1, SEEK_HOLE), 768 * PAGE - 1);

    /* Far apart in a tall tree. */
    assert_int_equal(resize(file, 0), 0);
    assert_int_equal(write_at(file, "ab", 2, PAGE - 1), 2);
    assert_int_equal(write_at(file, "z", 1, TIB), 1);
    assert_int_equal(resize(file, 1ull << 62), 0);
    assert_int_equal(seek_from(file, 0, 0, SEEK_HOLE), 2 * PAGE);
    assert_int_equal(seek_from(file, 0, PAGE + 1, SEEK_HOLE), 2 * PAGE);
    assert_int_equal(seek_from(file, 0, 5, SEEK_DATA), 5);
    assert_int_equal(seek_from(file, 0, 2 * PAGE, SEEK_DATA), (int64_t)TIB);
    assert_int_equal(seek_from(file, 0, TIB + 5, SEEK_HOLE), TIB + PAGE);
    assert_int_equal(seek_from(file, 0, TIB + PAGE, SEEK_DATA), -ENXIO);
    assert_int_equal(seek_from(file, 0, (1ll << 62) - 1, SEEK_HOLE), (1ll << 62) - 1);
    vnode_put(file);
}

static void seek_set_cur_and_end_are_the_generic_rule(void **state)
{
    struct vnode *file = create_file(root, "seek");
    assert_int_equal(write_at(file, "0123456789", 10, 0), 10);
    assert_int_equal(seek_from(file, 3, 4, SEEK_SET), 4);
    assert_int_equal(seek_from(file, 3, 4, SEEK_CUR), 7);
    assert_int_equal(seek_from(file, 3, -1, SEEK_END), 9);
    assert_int_equal(seek_from(file, 3, 100, SEEK_END), 110); /* past the end is fine */
    assert_int_equal(seek_from(file, 3, INT64_MAX, SEEK_SET), INT64_MAX);
    assert_int_equal(seek_from(file, 3, -1, SEEK_SET), -EINVAL);
    assert_int_equal(seek_from(file, 3, -4, SEEK_CUR), -EINVAL);
    assert_int_equal(seek_from(file, INT64_MAX, 1, SEEK_CUR), -EINVAL);
    assert_int_equal(seek_from(file, 3, INT64_MAX, SEEK_END), -EINVAL);
    assert_int_equal(seek_from(file, 3, 0, 5), -EINVAL);
    vnode_put(file);
}

static void truncate_down_frees_pages_and_zeroes_tail(void **state)
{
    static unsigned char data[3 * PAGE], back[3 * PAGE];
    memset(data, 0x5a, sizeof data);
    struct vnode *file = create_file(root, "shrink");
    assert_int_equal(write_at(file, data, sizeof data, 0), (long)sizeof data);
    assert_int_equal(attributes_of(file).blocks, 24);

    uint64_t in_use = heap_in_use();
    struct vnode_attributes request = { .size = PAGE + 10 };
    assert_int_equal(file->ops->setattr(file, &request, VNODE_SET_SIZE), 0);
    struct vnode_attributes attributes = attributes_of(file);
    assert_int_equal(attributes.size, PAGE + 10);
    assert_int_equal(attributes.blocks, 16);
    assert_int_equal(heap_in_use(), in_use - PAGE_COST);

    /* Grow again: the cut tail and the freed page read as zeros. */
    request.size = sizeof data;
    assert_int_equal(file->ops->setattr(file, &request, VNODE_SET_SIZE), 0);
    assert_int_equal(attributes_of(file).blocks, 16);
    assert_int_equal(read_at(file, back, sizeof back, 0), (long)sizeof back);
    assert_true(is_all(back, PAGE + 10, 0x5a));
    assert_true(is_all(back + PAGE + 10, sizeof back - PAGE - 10, 0));

    /* Truncate to a page boundary drops that page too. */
    request.size = PAGE;
    assert_int_equal(file->ops->setattr(file, &request, VNODE_SET_SIZE), 0);
    assert_int_equal(attributes_of(file).blocks, 8);
    vnode_put(file);
}

static void truncate_up_makes_a_hole(void **state)
{
    struct vnode *file = create_file(root, "grow");
    uint64_t in_use = heap_in_use();
    struct vnode_attributes request = { .size = 10ull << 20 };
    assert_int_equal(file->ops->setattr(file, &request, VNODE_SET_SIZE), 0);
    struct vnode_attributes attributes = attributes_of(file);
    assert_int_equal(attributes.size, 10ull << 20);
    assert_int_equal(attributes.blocks, 0);
    assert_int_equal(heap_in_use(), in_use);
    static unsigned char buffer[PAGE];
    memset(buffer, 1, sizeof buffer);
    assert_int_equal(read_at(file, buffer, sizeof buffer, 5 << 20), PAGE);
    assert_true(is_all(buffer, sizeof buffer, 0));

    /* Exactly 2^63 - 1 is allowed, one more byte is not; a refused size changes nothing. */
    request.size = MAX_FILE_SIZE;
    assert_int_equal(file->ops->setattr(file, &request, VNODE_SET_SIZE), 0);
    request.size = MAX_FILE_SIZE + 1;
    request.mode = 0600;
    assert_int_equal(file->ops->setattr(file, &request, VNODE_SET_SIZE | VNODE_SET_MODE), -EFBIG);
    attributes = attributes_of(file);
    assert_int_equal(attributes.size, MAX_FILE_SIZE);
    assert_int_equal(attributes.mode, S_IFREG | 0644);
    vnode_put(file);
}

static void size_and_limits_on_other_types(void **state)
{
    struct vnode *directory = make_directory(root, "d");
    struct vnode *link = NULL;
    assert_int_equal(root->ops->symlink(root, "l", 1, "d", &link), 0);
    struct vnode_attributes request = { .size = 0 };
    assert_int_equal(directory->ops->setattr(directory, &request, VNODE_SET_SIZE), -EISDIR);
    assert_int_equal(link->ops->setattr(link, &request, VNODE_SET_SIZE), -EINVAL);
    assert_int_equal(root->ops->setattr(root, &request, 1u << 20), -EINVAL);
    char buffer[4];
    assert_int_equal(read_at(directory, buffer, 4, 0), -EISDIR);
    assert_int_equal(write_at(directory, "x", 1, 0), -EISDIR);
    assert_int_equal(read_at(link, buffer, 4, 0), -EINVAL);
    /* A file is not a directory. */
    struct vnode *file = create_file(root, "f");
    struct vnode *result = NULL;
    assert_int_equal(file->ops->lookup(file, "x", 1, &result), -ENOTDIR);
    assert_int_equal(file->ops->readdir(file, &(uint64_t){ 0 }, NULL), -ENOTDIR);
    vnode_put(file);
    vnode_put(link);
    vnode_put(directory);
}

/* ------------------------------------------------------ names and nodes */

static void create_lookup_and_exists(void **state)
{
    struct vnode *file = create_file(root, "name");
    struct vnode *again = NULL;
    assert_int_equal(root->ops->create(root, "name", 4, S_IFREG | 0600, 0, &again), -EEXIST);
    assert_int_equal(root->ops->mkdir(root, "name", 4, 0755, &again), -EEXIST);
    assert_int_equal(root->ops->symlink(root, "name", 4, "x", &again), -EEXIST);
    assert_int_equal(lookup_error(root, "missing"), -ENOENT);

    unsigned long references = file->references;
    struct vnode *found = lookup(root, "name");
    assert_ptr_equal(found, file);
    assert_int_equal(file->references, references + 1);
    vnode_put(found);
    /* Type 0 creates a regular file. */
    struct vnode *plain = create_node(root, "plain", 0640, 0);
    assert_int_equal(attributes_of(plain).mode, S_IFREG | 0640);
    vnode_put(plain);
    /* Directory and symlink types belong to mkdir and symlink. */
    assert_int_equal(root->ops->create(root, "d", 1, S_IFDIR | 0755, 0, &again), -EPERM);
    assert_int_equal(root->ops->create(root, "l", 1, S_IFLNK | 0777, 0, &again), -EPERM);
    assert_int_equal(root->ops->create(root, "bad", 3, 0170000 | 0644, 0, &again), -EINVAL);
    assert_int_equal(root->ops->create(root, "", 0, S_IFREG, 0, &again), -EINVAL);
    char long_name[NAME_MAX + 2];
    memset(long_name, 'n', sizeof long_name);
    assert_int_equal(root->ops->create(root, long_name, NAME_MAX + 1, S_IFREG, 0, &again),
                     -ENAMETOOLONG);
    struct vnode *longest = NULL;
    assert_int_equal(root->ops->create(root, long_name, NAME_MAX, S_IFREG, 0, &longest), 0);
    vnode_put(longest);
    vnode_put(file);
}

static void names_are_counted_not_terminated(void **state)
{
    struct vnode *node = NULL;
    assert_int_equal(root->ops->create(root, "abcdef", 3, S_IFREG | 0644, 0, &node), 0);
    struct vnode *found = NULL;
    assert_int_equal(root->ops->lookup(root, "abcxyz", 3, &found), 0);
    assert_ptr_equal(found, node);
    vnode_put(found);
    assert_int_equal(root->ops->lookup(root, "ab", 2, &found), -ENOENT);
    assert_int_equal(root->ops->lookup(root, "abcd", 4, &found), -ENOENT);
    uint64_t cookie = 0;
    struct listing listing;
    assert_int_equal(list_directory(root, &cookie, 64, &listing), 0);
    assert_int_equal(listing.count, 3);
    assert_string_equal(listing.names[2], "abc");
    assert_int_equal(root->ops->unlink(root, "abc!!", 3), 0);
    vnode_put(node);
}

static void special_nodes_keep_type_and_device(void **state)
{
    struct vnode *fifo = create_node(root, "fifo", S_IFIFO | 0600, 0);
    struct vnode *socket = create_node(root, "socket", S_IFSOCK | 0755, 0);
    struct vnode *character = create_node(root, "null", S_IFCHR | 0666, device_number(1, 3));
    struct vnode *block = create_node(root, "disk", S_IFBLK | 0660, device_number(8, 300));
    assert_int_equal(attributes_of(fifo).mode, S_IFIFO | 0600);
    assert_int_equal(attributes_of(fifo).device, 0);
    assert_int_equal(attributes_of(socket).mode, S_IFSOCK | 0755);
    struct vnode_attributes attributes = attributes_of(character);
    assert_int_equal(attributes.mode, S_IFCHR | 0666);
    assert_int_equal(attributes.device, device_number(1, 3));
    assert_int_equal(device_major(attributes.device), 1);
    assert_int_equal(device_minor(attributes.device), 3);
    attributes = attributes_of(block);
    assert_int_equal(attributes.mode, S_IFBLK | 0660);
    assert_int_equal(device_minor(attributes.device), 300);
    assert_int_equal(attributes.size, 0);
    assert_int_equal(character->type, S_IFCHR);

    char buffer[4];
    assert_int_equal(read_at(character, buffer, 4, 0), -ENXIO);
    assert_int_equal(write_at(block, "x", 1, 0), -ENXIO);
    assert_int_equal(read_at(fifo, buffer, 4, 0), -ENXIO);

    uint64_t cookie = 0;
    struct listing listing;
    assert_int_equal(list_directory(root, &cookie, 64, &listing), 0);
    assert_int_equal(listing.types[find_listed(&listing, "fifo")], DT_FIFO);
    assert_int_equal(listing.types[find_listed(&listing, "socket")], DT_SOCK);
    assert_int_equal(listing.types[find_listed(&listing, "null")], DT_CHR);
    assert_int_equal(listing.types[find_listed(&listing, "disk")], DT_BLK);
    vnode_put(fifo);
    vnode_put(socket);
    vnode_put(character);
    vnode_put(block);
}

static void mkdir_and_rmdir_link_counts(void **state)
{
    struct vnode *a = make_directory(root, "a");
    assert_int_equal(attributes_of(a).mode, S_IFDIR | 0755);
    assert_int_equal(attributes_of(root).link_count, 3);
    assert_int_equal(attributes_of(a).link_count, 2);
    touch_directory(a, "b");
    touch_directory(a, "c");
    touch_file(a, "file");
    assert_int_equal(attributes_of(a).link_count, 4);
    assert_int_equal(attributes_of(a).size, 5 * 20);
    struct vnode *b = lookup(a, "b");
    uint64_t cookie = 0;
    struct listing listing;
    assert_int_equal(list_directory(b, &cookie, 64, &listing), 0);
    assert_int_equal(listing.inodes[1], a->inode_number);
    vnode_put(b);

    assert_int_equal(remove_directory(a, "b"), 0);
    assert_int_equal(attributes_of(a).link_count, 3);
    assert_int_equal(remove_directory(a, "c"), 0);
    assert_int_equal(attributes_of(a).link_count, 2);
    assert_int_equal(lookup_error(a, "b"), -ENOENT);
    vnode_put(a);
    assert_int_equal(attributes_of(root).link_count, 3);
    /* The mode keeps permissions and the sticky bit only. */
    struct vnode *sticky = NULL;
    assert_int_equal(root->ops->mkdir(root, "tmp", 3, S_ISUID | S_ISVTX | 0777, &sticky), 0);
    assert_int_equal(attributes_of(sticky).mode, S_IFDIR | S_ISVTX | 0777);
    vnode_put(sticky);
}

static void rmdir_and_unlink_errors(void **state)
{
    struct vnode *a = make_directory(root, "a");
    touch_file(a, "inside");
    touch_file(root, "file");
    assert_int_equal(remove_directory(root, "a"), -ENOTEMPTY);
    assert_int_equal(remove_directory(root, "file"), -ENOTDIR);
    assert_int_equal(remove_directory(root, "missing"), -ENOENT);
    assert_int_equal(unlink_entry(root, "a"), -EISDIR);
    assert_int_equal(unlink_entry(root, "missing"), -ENOENT);
    assert_int_equal(unlink_entry(a, "inside"), 0);
    assert_int_equal(unlink_entry(a, "inside"), -ENOENT);
    assert_int_equal(remove_directory(root, "a"), 0);
    assert_int_equal(attributes_of(root).link_count, 2);
    /* A removed directory is dead: nothing can be created in it, getdents says ENOENT. */
    assert_int_equal(attributes_of(a).link_count, 0);
    struct vnode *node = NULL;
    assert_int_equal(a->ops->create(a, "x", 1, S_IFREG | 0644, 0, &node), -ENOENT);
    assert_int_equal(a->ops->mkdir(a, "x", 1, 0755, &node), -ENOENT);
    assert_int_equal(list_directory(a, &(uint64_t){ 0 }, 64, &(struct listing){ 0 }), -ENOENT);
    uint64_t in_use = heap_in_use();
    vnode_put(a); /* the last reference frees the removed directory */
    assert_true(heap_in_use() < in_use);
    assert_int_equal(unlink_entry(root, "file"), 0);
}

static void hard_links_share_the_node(void **state)
{
    struct vnode *file = create_file(root, "a");
    assert_int_equal(write_at(file, "shared", 6, 0), 6);
    struct vnode *directory = make_directory(root, "d");
    assert_int_equal(directory->ops->link(directory, "b", 1, file), 0);
    assert_int_equal(attributes_of(file).link_count, 2);
    struct vnode *b = lookup(directory, "b");
    assert_ptr_equal(b, file);
    assert_int_equal(attributes_of(b).inode_number, attributes_of(file).inode_number);
    vnode_put(b);

    assert_int_equal(root->ops->link(root, "a", 1, file), -EEXIST);
    assert_int_equal(root->ops->link(root, "d2", 2, directory), -EPERM);
    assert_int_equal(unlink_entry(root, "a"), 0);
    assert_int_equal(attributes_of(file).link_count, 1);
    vnode_put(file);

    b = lookup(directory, "b");
    char buffer[8];
    assert_int_equal(read_at(b, buffer, sizeof buffer, 0), 6);
    assert_memory_equal(buffer, "shared", 6);
    vnode_put(b);

    /* The directory counts only subdirectories, not hard links. */
    assert_int_equal(attributes_of(directory).link_count, 2);
    uint64_t in_use = heap_in_use();
    assert_int_equal(unlink_entry(directory, "b"), 0); /* last name, no reference: freed now */
    assert_true(heap_in_use() <= in_use - PAGE);
    vnode_put(directory);

    /* A link from another instance is refused. */
    struct superblock other = { .service = tmpfs, .device = device_number(0, 44) };
    assert_int_equal(filesystem->mount(&other, ""), 0);
    struct vnode *foreign = create_file(other.root, "f");
    assert_int_equal(root->ops->link(root, "f", 1, foreign), -EXDEV);
    vnode_put(foreign);
    vnode_put(other.root);
    filesystem->unmount(&other);
}

static void unlinked_node_lives_while_referenced(void **state)
{
    struct vnode *file = create_file(root, "doomed");
    static unsigned char data[2 * PAGE];
    memset(data, 0x77, sizeof data);
    assert_int_equal(write_at(file, data, sizeof data, 0), (long)sizeof data);
    uint64_t in_use = heap_in_use();
    assert_int_equal(unlink_entry(root, "doomed"), 0);
    assert_int_equal(lookup_error(root, "doomed"), -ENOENT);
    assert_int_equal(attributes_of(file).link_count, 0);
    /* Still readable and writable while the Core holds it. */
    static unsigned char back[2 * PAGE];
    assert_int_equal(read_at(file, back, sizeof back, 0), (long)sizeof back);
    assert_memory_equal(back, data, sizeof data);
    assert_int_equal(write_at(file, "more", 4, sizeof data), 4);
    assert_true(heap_in_use() >= in_use);
    /* A name cannot be given back to it. */
    assert_int_equal(root->ops->link(root, "again", 5, file), -ENOENT);

    vnode_get(file);
    vnode_put(file); /* not the last reference: nothing happens */
    assert_int_equal(attributes_of(file).size, sizeof data + 4);
    vnode_put(file); /* the last: release frees pages and node */
    assert_true(heap_in_use() < in_use - 2 * PAGE);
}

static void released_linked_node_is_kept(void **state)
{
    struct vnode *file = create_file(root, "kept");
    assert_int_equal(write_at(file, "data", 4, 0), 4);
    uint64_t inode_number = file->inode_number;
    vnode_put(file); /* release: the name still holds it */
    file = lookup(root, "kept");
    assert_int_equal(file->inode_number, inode_number);
    assert_int_equal(file->references, 1);
    char buffer[4];
    assert_int_equal(read_at(file, buffer, 4, 0), 4);
    assert_memory_equal(buffer, "data", 4);
    vnode_put(file);
}

/* ----------------------------------------------------------- readdir */

static void readdir_lists_dot_dotdot_then_entries(void **state)
{
    struct vnode *directory = make_directory(root, "dir");
    touch_file(directory, "a");
    touch_directory(directory, "b");
    struct vnode *link = NULL;
    assert_int_equal(directory->ops->symlink(directory, "c", 1, "a", &link), 0);
    uint64_t cookie = 0;
    struct listing listing;
    assert_int_equal(list_directory(directory, &cookie, 64, &listing), 0);
    assert_int_equal(listing.count, 5);
    const char *expected[] = { ".", "..", "a", "b", "c" };
    const unsigned types[] = { DT_DIR, DT_DIR, DT_REG, DT_DIR, DT_LNK };
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(listing.names[i], expected[i]);
        assert_int_equal(listing.types[i], types[i]);
    }
    assert_int_equal(listing.inodes[0], directory->inode_number);
    assert_int_equal(listing.inodes[1], root->inode_number);
    assert_int_equal(listing.inodes[4], link->inode_number);
    assert_int_equal(listing.next_cookies[0], 1);
    assert_int_equal(listing.next_cookies[1], 2);
    assert_int_equal(cookie, listing.next_cookies[4]);
    /* At the end: nothing more, the cookie stays. */
    uint64_t end = cookie;
    assert_int_equal(list_directory(directory, &cookie, 64, &listing), 0);
    assert_int_equal(listing.count, 0);
    assert_int_equal(cookie, end);
    vnode_put(link);
    vnode_put(directory);
}

static void readdir_resumes_by_cookie_across_unlinks(void **state)
{
    for (int i = 0; i < 6; i++) {
        char name[4] = { 'f', (char)('0' + i), 0 };
        touch_file(root, name);
    }
    uint64_t cookie = 0;
    struct listing listing;
    /* A full sink stops readdir without counting the refused entry. */
    assert_int_equal(list_directory(root, &cookie, 4, &listing), 0);
    assert_int_equal(listing.count, 4);
    assert_string_equal(listing.names[3], "f1");
    assert_int_equal(cookie, listing.next_cookies[3]);

    /* Remove the one just read, and the one that would come next; add one. */
    assert_int_equal(unlink_entry(root, "f1"), 0);
    assert_int_equal(unlink_entry(root, "f2"), 0);
    touch_file(root, "new");
    assert_int_equal(list_directory(root, &cookie, 2, &listing), 0);
    assert_int_equal(listing.count, 2);
    assert_string_equal(listing.names[0], "f3");
    assert_string_equal(listing.names[1], "f4");
    assert_int_equal(list_directory(root, &cookie, 64, &listing), 0);
    assert_int_equal(listing.count, 2);
    assert_string_equal(listing.names[0], "f5");
    assert_string_equal(listing.names[1], "new");

    /* Restarting from the cookie of "." resumes at "..". */
    cookie = 1;
    assert_int_equal(list_directory(root, &cookie, 1, &listing), 0);
    assert_string_equal(listing.names[0], "..");
    assert_int_equal(cookie, 2);
    /* A sink with no room takes nothing and the cookie does not move. */
    cookie = 0;
    assert_int_equal(list_directory(root, &cookie, 0, &listing), 0);
    assert_int_equal(cookie, 0);
}

static int failing_sink(struct directory_sink *sink, const char *name, size_t length,
                        uint64_t inode_number, unsigned type, uint64_t next_cookie)
{
    return next_cookie > 2 ? -EFAULT : 0;
}

static void readdir_passes_sink_errors(void **state)
{
    touch_file(root, "x");
    uint64_t cookie = 0;
    struct directory_sink sink = { .emit = failing_sink };
    assert_int_equal(root->ops->readdir(root, &cookie, &sink), -EFAULT);
    assert_int_equal(cookie, 2);
}

/* ----------------------------------------------------------- symlinks */

static void symlink_and_readlink(void **state)
{
    struct vnode *link = NULL;
    assert_int_equal(root->ops->symlink(root, "link", 4, "/some/where", &link), 0);
    assert_int_equal(link->type, S_IFLNK);
    struct vnode_attributes attributes = attributes_of(link);
    assert_int_equal(attributes.mode, S_IFLNK | 0777);
    assert_int_equal(attributes.size, 11);
    assert_int_equal(attributes.link_count, 1);

    char buffer[32];
    memset(buffer, '#', sizeof buffer);
    assert_int_equal(link->ops->readlink(link, buffer, sizeof buffer), 11);
    assert_memory_equal(buffer, "/some/where", 11);
    assert_int_equal(buffer[11], '#'); /* not NUL-terminated */
    memset(buffer, '#', sizeof buffer);
    assert_int_equal(link->ops->readlink(link, buffer, 4), 11);
    assert_memory_equal(buffer, "/som####", 8);
    assert_int_equal(link->ops->readlink(link, buffer, 0), 11);

    struct vnode *other = NULL;
    assert_int_equal(root->ops->symlink(root, "empty", 5, "", &other), -ENOENT);
    static char long_target[PAGE + 1];
    memset(long_target, 'p', PAGE);
    assert_int_equal(root->ops->symlink(root, "long", 4, long_target, &other), -ENAMETOOLONG);
    long_target[PAGE - 1] = '\0';
    assert_int_equal(root->ops->symlink(root, "long", 4, long_target, &other), 0);
    assert_int_equal(other->ops->readlink(other, buffer, sizeof buffer), PAGE - 1);
    vnode_put(other);
    /* Not a symlink: readlink is refused. */
    assert_int_equal(root->ops->readlink(root, buffer, sizeof buffer), -EINVAL);
    vnode_put(link);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define CASE(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        CASE(root_directory_attributes),
        CASE(mount_options_are_applied),
        CASE(inode_numbers_are_unique),
        CASE(write_then_read_back),
        CASE(unaligned_write_across_pages),
        CASE(read_at_and_past_end),
        CASE(sparse_file_holes_read_as_zeros),
        CASE(big_offsets_up_to_the_limit),
        CASE(the_tree_is_as_tall_as_its_highest_page),
        CASE(seek_data_and_hole_follow_the_pages),
        CASE(seek_set_cur_and_end_are_the_generic_rule),
        CASE(truncate_down_frees_pages_and_zeroes_tail),
        CASE(truncate_up_makes_a_hole),
        CASE(size_and_limits_on_other_types),
        CASE(create_lookup_and_exists),
        CASE(names_are_counted_not_terminated),
        CASE(special_nodes_keep_type_and_device),
        CASE(mkdir_and_rmdir_link_counts),
        CASE(rmdir_and_unlink_errors),
        CASE(hard_links_share_the_node),
        CASE(unlinked_node_lives_while_referenced),
        CASE(released_linked_node_is_kept),
        CASE(readdir_lists_dot_dotdot_then_entries),
        CASE(readdir_resumes_by_cookie_across_unlinks),
        CASE(readdir_passes_sink_errors),
        CASE(symlink_and_readlink),
#undef CASE
    };
    return cmocka_run_group_tests_name("service-tmpfs", tests, NULL, NULL);
}
