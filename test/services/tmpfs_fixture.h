/*
 * tmpfs_fixture.h — the fixture and helpers shared by the tmpfs unit tests
 * (test_tmpfs.c and test_tmpfs_rename.c): boot, mount an instance, call its
 * vnode operations directly, unmount and check the heap came back.
 */
#ifndef TMPFS_FIXTURE_H
#define TMPFS_FIXTURE_H

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

#define RK_FIXTURE __attribute__((unused))
#define PAGE 4096u
#define GIB (1ull << 30)
#define TIB (1ull << 40)
#define MAX_FILE_SIZE ((uint64_t)INT64_MAX) /* Linux's MAX_LFS_FILESIZE */
#ifndef SEEK_DATA /* stdio.h has SET, CUR and END; DATA and HOLE only with _GNU_SOURCE */
#define SEEK_DATA 3
#define SEEK_HOLE 4
#endif

static struct service *tmpfs;
static const struct filesystem_ops *filesystem;
static struct superblock superblock;
static struct vnode *root;
static struct heap_statistics before_mount;

/* ------------------------------------------------------------ fixture */

/* Boot with command_line, register and find tmpfs, note the heap, mount with options. */
static inline RK_FIXTURE void boot_and_mount(const char *command_line, const char *options)
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

static inline RK_FIXTURE int setup(void **state)
{
    boot_and_mount("loglevel=3", "");
    return 0;
}

/* A small machine, so that the heap runs out (no tmpfs limits). */
static inline RK_FIXTURE int setup_small_memory(void **state)
{
    boot_and_mount("loglevel=3 hosted.memory=8M", "size=0,nr_inodes=0");
    return 0;
}

/* A small machine with Linux's default limits (half of RAM). */
static inline RK_FIXTURE int setup_small_memory_default_limits(void **state)
{
    boot_and_mount("loglevel=3 hosted.memory=8M", "");
    return 0;
}

/* The Core drops the root, unmounts; the heap must be back where it was. */
static inline RK_FIXTURE int teardown(void **state)
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

/*
 * What one page of a tmpfs file or index costs the heap: the page and the
 * record that links it into the instance's arena (a 64-byte heap object).
 */
#define PAGE_COST (PAGE + 64)

static inline RK_FIXTURE uint64_t heap_in_use(void)
{
    struct heap_statistics statistics;
    heap_get_statistics(&statistics);
    return statistics.bytes_in_use;
}

static inline RK_FIXTURE struct vnode *create_node(struct vnode *directory, const char *name, uint32_t mode,
                                 uint64_t device)
{
    struct vnode *node = NULL;
    assert_int_equal(directory->ops->create(directory, name, strlen(name), mode, device, &node), 0);
    assert_non_null(node);
    return node;
}

static inline RK_FIXTURE struct vnode *create_file(struct vnode *directory, const char *name)
{
    return create_node(directory, name, S_IFREG | 0644, 0);
}

static inline RK_FIXTURE struct vnode *make_directory(struct vnode *directory, const char *name)
{
    struct vnode *node = NULL;
    assert_int_equal(directory->ops->mkdir(directory, name, strlen(name), 0755, &node), 0);
    assert_non_null(node);
    return node;
}

/* Create, drop the reference (the entry keeps the node). */
static inline RK_FIXTURE void touch_file(struct vnode *directory, const char *name)
{
    vnode_put(create_file(directory, name));
}

static inline RK_FIXTURE void touch_directory(struct vnode *directory, const char *name)
{
    vnode_put(make_directory(directory, name));
}

static inline RK_FIXTURE int lookup_error(struct vnode *directory, const char *name)
{
    struct vnode *node = NULL;
    int error = directory->ops->lookup(directory, name, strlen(name), &node);
    if (error == 0)
        vnode_put(node);
    return error;
}

static inline RK_FIXTURE struct vnode *lookup(struct vnode *directory, const char *name)
{
    struct vnode *node = NULL;
    assert_int_equal(directory->ops->lookup(directory, name, strlen(name), &node), 0);
    return node;
}

static inline RK_FIXTURE long write_at(struct vnode *node, const void *data, size_t length, uint64_t offset)
{
    struct io_segment segment;
    struct io_cursor cursor;
    io_cursor_kernel(&cursor, &segment, (void *)data, length);
    return node->ops->write(node, &cursor, offset);
}

static inline RK_FIXTURE long read_at(struct vnode *node, void *buffer, size_t length, uint64_t offset)
{
    struct io_segment segment;
    struct io_cursor cursor;
    io_cursor_kernel(&cursor, &segment, buffer, length);
    return node->ops->read(node, &cursor, offset);
}

/* lseek through node's seek op, from file offset current (whence 3 = SEEK_DATA, 4 = SEEK_HOLE). */
static inline RK_FIXTURE int64_t seek_from(struct vnode *node, uint64_t current, int64_t offset,
                                           int whence)
{
    return node->ops->seek(node, current, offset, whence);
}

/* Resize node through setattr (VNODE_SET_SIZE alone); returns setattr's result. */
static inline RK_FIXTURE int resize(struct vnode *node, uint64_t size)
{
    struct vnode_attributes request = { .size = size };
    return node->ops->setattr(node, &request, VNODE_SET_SIZE);
}

static inline RK_FIXTURE struct vnode_attributes attributes_of(struct vnode *node)
{
    struct vnode_attributes attributes;
    memset(&attributes, 0xa5, sizeof attributes);
    assert_int_equal(node->ops->getattr(node, &attributes), 0);
    return attributes;
}

static inline RK_FIXTURE int rename_entry(struct vnode *old_directory, const char *old_name,
                        struct vnode *new_directory, const char *new_name, unsigned flags)
{
    return old_directory->ops->rename(old_directory, old_name, strlen(old_name), new_directory,
                                      new_name, strlen(new_name), flags);
}

static inline RK_FIXTURE int unlink_entry(struct vnode *directory, const char *name)
{
    return directory->ops->unlink(directory, name, strlen(name));
}

static inline RK_FIXTURE int remove_directory(struct vnode *directory, const char *name)
{
    return directory->ops->rmdir(directory, name, strlen(name));
}

static inline RK_FIXTURE bool is_all(const unsigned char *buffer, size_t length, unsigned char value)
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

static inline RK_FIXTURE int collect_entry(struct directory_sink *sink, const char *name, size_t length,
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
static inline RK_FIXTURE int list_directory(struct vnode *directory, uint64_t *cookie, size_t capacity,
                          struct listing *listing)
{
    memset(listing, 0, sizeof *listing);
    listing->capacity = capacity;
    struct directory_sink sink = { .emit = collect_entry, .context = listing };
    return directory->ops->readdir(directory, cookie, &sink);
}

/* Index of name in listing, -1 when absent. */
static inline RK_FIXTURE int find_listed(const struct listing *listing, const char *name)
{
    for (size_t i = 0; i < listing->count; i++)
        if (strcmp(listing->names[i], name) == 0)
            return (int)i;
    return -1;
}

static inline RK_FIXTURE bool time_after(struct kernel_time later, struct kernel_time earlier)
{
    return later.seconds > earlier.seconds ||
           (later.seconds == earlier.seconds && later.nanoseconds > earlier.nanoseconds);
}

static inline RK_FIXTURE bool time_equal(struct kernel_time left, struct kernel_time right)
{
    return left.seconds == right.seconds && left.nanoseconds == right.nanoseconds;
}


#endif
