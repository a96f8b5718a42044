/*
 * test_tmpfs.c — the tmpfs service on its own: mounted directly through its
 * filesystem_ops on a booted hosted kernel, exercised through its vnode
 * ops. Every test runs on a fresh mount, and the teardown checks that
 * unmount gave back every byte the mount took (heap bytes_in_use).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include <rk/errno.h>
#include <rk/heap.h>
#include <rk/services.h>
#include <rk/system.h>
#include <rk/vfs.h>
#include "hosted.h"
#include "tmpfs/tmpfs.h"

#define PAGE 4096u
#define GIB (1ull << 30)
#define TIB (1ull << 40)

static struct service *tmpfs;
static const struct filesystem_ops *filesystem;
static struct superblock superblock;
static struct vnode *root;
static struct heap_statistics before_mount;

/* ------------------------------------------------------------ fixture */

/* Boot with command_line, register and find tmpfs, note the heap, mount with options. */
static void boot_and_mount(const char *command_line, const char *options)
{
    assert_int_equal(hosted_test_boot(command_line), 0);
    int error = tmpfs_service_register();
    assert_true(error == 0 || error == -EEXIST);
    tmpfs = services_lookup(SERVICE_FILESYSTEM, "tmpfs");
    assert_non_null(tmpfs);
    assert_int_equal(tmpfs->kind, SERVICE_FILESYSTEM);
    filesystem = tmpfs->ops;
    heap_get_statistics(&before_mount);
    superblock = (struct superblock){ .service = tmpfs, .device = device_number(0, 42),
                                      .source = "none" };
    assert_int_equal(filesystem->mount(&superblock, options), 0);
    root = superblock.root;
    assert_non_null(root);
}

static int setup(void **state)
{
    boot_and_mount("loglevel=3", "");
    return 0;
}

/* A small machine, so that the heap runs out (no tmpfs limits). */
static int setup_small_memory(void **state)
{
    boot_and_mount("loglevel=3 hosted.memory=8M", "size=0,nr_inodes=0");
    return 0;
}

/* A small machine with Linux's default limits (half of RAM). */
static int setup_small_memory_default_limits(void **state)
{
    boot_and_mount("loglevel=3 hosted.memory=8M", "");
    return 0;
}

/* The Core drops the root, unmounts; the heap must be back where it was. */
static int teardown(void **state)
{
    vnode_put(root);
    filesystem->unmount(&superblock);
    struct heap_statistics after;
    heap_get_statistics(&after);
    assert_int_equal(after.bytes_in_use, before_mount.bytes_in_use);
    assert_int_equal(after.double_frees, 0);
    assert_int_equal(after.invalid_frees, 0);
    return 0;
}

/* ------------------------------------------------------------ helpers */

static uint64_t heap_in_use(void)
{
    struct heap_statistics statistics;
    heap_get_statistics(&statistics);
    return statistics.bytes_in_use;
}

static struct vnode *create_node(struct vnode *directory, const char *name, uint32_t mode,
                                 uint64_t device)
{
    struct vnode *node = NULL;
    assert_int_equal(directory->ops->create(directory, name, strlen(name), mode, device, &node), 0);
    assert_non_null(node);
    return node;
}

static struct vnode *create_file(struct vnode *directory, const char *name)
{
    return create_node(directory, name, S_IFREG | 0644, 0);
}

static struct vnode *make_directory(struct vnode *directory, const char *name)
{
    struct vnode *node = NULL;
    assert_int_equal(directory->ops->mkdir(directory, name, strlen(name), 0755, &node), 0);
    assert_non_null(node);
    return node;
}

/* Create, drop the reference (the entry keeps the node). */
static void touch_file(struct vnode *directory, const char *name)
{
    vnode_put(create_file(directory, name));
}

static void touch_directory(struct vnode *directory, const char *name)
{
    vnode_put(make_directory(directory, name));
}

static int lookup_error(struct vnode *directory, const char *name)
{
    struct vnode *node = NULL;
    int error = directory->ops->lookup(directory, name, strlen(name), &node);
    if (error == 0)
        vnode_put(node);
    return error;
}

static struct vnode *lookup(struct vnode *directory, const char *name)
{
    struct vnode *node = NULL;
    assert_int_equal(directory->ops->lookup(directory, name, strlen(name), &node), 0);
    return node;
}

static long write_at(struct vnode *node, const void *data, size_t length, uint64_t offset)
{
    struct io_segment segment;
    struct io_cursor cursor;
    io_cursor_kernel(&cursor, &segment, (void *)data, length);
    return node->ops->write(node, &cursor, offset);
}

static long read_at(struct vnode *node, void *buffer, size_t length, uint64_t offset)
{
    struct io_segment segment;
    struct io_cursor cursor;
    io_cursor_kernel(&cursor, &segment, buffer, length);
    return node->ops->read(node, &cursor, offset);
}

static struct vnode_attributes attributes_of(struct vnode *node)
{
    struct vnode_attributes attributes;
    memset(&attributes, 0xa5, sizeof attributes);
    assert_int_equal(node->ops->getattr(node, &attributes), 0);
    return attributes;
}

static int rename_entry(struct vnode *old_directory, const char *old_name,
                        struct vnode *new_directory, const char *new_name, unsigned flags)
{
    return old_directory->ops->rename(old_directory, old_name, strlen(old_name), new_directory,
                                      new_name, strlen(new_name), flags);
}

static int unlink_entry(struct vnode *directory, const char *name)
{
    return directory->ops->unlink(directory, name, strlen(name));
}

static int remove_directory(struct vnode *directory, const char *name)
{
    return directory->ops->rmdir(directory, name, strlen(name));
}

static bool is_all(const unsigned char *buffer, size_t length, unsigned char value)
{
    for (size_t i = 0; i < length; i++)
        if (buffer[i] != value)
            return false;
    return true;
}

/* A directory_sink collecting up to capacity entries. */
struct listing {
    size_t capacity;
    size_t count;
    char names[64][NAME_MAX + 1];
    uint64_t inodes[64];
    unsigned types[64];
    uint64_t next_cookies[64];
};

static int collect_entry(struct directory_sink *sink, const char *name, size_t length,
                         uint64_t inode_number, unsigned type, uint64_t next_cookie)
{
    struct listing *listing = sink->context;
    if (listing->count >= listing->capacity || listing->count >= 64)
        return 1;
    memcpy(listing->names[listing->count], name, length);
    listing->names[listing->count][length] = '\0';
    listing->inodes[listing->count] = inode_number;
    listing->types[listing->count] = type;
    listing->next_cookies[listing->count] = next_cookie;
    listing->count++;
    return 0;
}

/* Read directory from *cookie into a fresh listing of capacity entries. */
static int list_directory(struct vnode *directory, uint64_t *cookie, size_t capacity,
                          struct listing *listing)
{
    memset(listing, 0, sizeof *listing);
    listing->capacity = capacity;
    struct directory_sink sink = { .emit = collect_entry, .context = listing };
    return directory->ops->readdir(directory, cookie, &sink);
}

/* Index of name in listing, -1 when absent. */
static int find_listed(const struct listing *listing, const char *name)
{
    for (size_t i = 0; i < listing->count; i++)
        if (strcmp(listing->names[i], name) == 0)
            return (int)i;
    return -1;
}

static bool time_after(struct kernel_time later, struct kernel_time earlier)
{
    return later.seconds > earlier.seconds ||
           (later.seconds == earlier.seconds && later.nanoseconds > earlier.nanoseconds);
}

static bool time_equal(struct kernel_time left, struct kernel_time right)
{
    return left.seconds == right.seconds && left.nanoseconds == right.nanoseconds;
}

/* -------------------------------------------------- mount and the root */

static void root_directory_attributes(void **state)
{
    struct vnode_attributes root_attributes = attributes_of(root);
    assert_int_equal(root_attributes.mode, S_IFDIR | 0755);
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
    assert_int_equal(filesystem->mount(&second, "mode=1777,,uid=1000,gid=100,size=1M,"
                                                "nr_inodes=1k,noexec,whatever=3"), 0);
    struct vnode_attributes attributes = attributes_of(second.root);
    assert_int_equal(attributes.mode, S_IFDIR | 01777);
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

    /* 1 TiB is the limit: cut at it, -EFBIG at or past it. */
    assert_int_equal(write_at(file, "0123456789", 10, TIB - 2), 2);
    assert_int_equal(attributes_of(file).size, TIB);
    assert_int_equal(write_at(file, "x", 1, TIB), -EFBIG);
    assert_int_equal(write_at(file, "x", 1, UINT64_MAX - 1), -EFBIG);
    assert_int_equal(read_at(file, buffer, 8, TIB - 2), 2);
    assert_memory_equal(buffer, "01", 2);
    assert_int_equal(attributes_of(file).blocks, 24);

    /* Truncating to 0 gives every page (and index node) back. */
    struct vnode_attributes zero = { .size = 0 };
    uint64_t in_use = heap_in_use();
    assert_int_equal(file->ops->setattr(file, &zero, VNODE_SET_SIZE), 0);
    assert_true(heap_in_use() < in_use);
    assert_int_equal(attributes_of(file).blocks, 0);
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
    assert_int_equal(heap_in_use(), in_use - PAGE);

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

    /* Exactly 1 TiB is allowed, one more byte is not; a refused size changes nothing. */
    request.size = TIB;
    assert_int_equal(file->ops->setattr(file, &request, VNODE_SET_SIZE), 0);
    request.size = TIB + 1;
    request.mode = 0600;
    assert_int_equal(file->ops->setattr(file, &request, VNODE_SET_SIZE | VNODE_SET_MODE), -EFBIG);
    attributes = attributes_of(file);
    assert_int_equal(attributes.size, TIB);
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
        CASE(root_directory_attributes),
        CASE(mount_options_are_applied),
        CASE(inode_numbers_are_unique),
        CASE(write_then_read_back),
        CASE(unaligned_write_across_pages),
        CASE(read_at_and_past_end),
        CASE(sparse_file_holes_read_as_zeros),
        CASE(big_offsets_up_to_the_limit),
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
    return cmocka_run_group_tests_name("service-tmpfs", tests, NULL, NULL);
}
