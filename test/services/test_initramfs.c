/*
 * test_initramfs.c — the initramfs loader on a booted hosted kernel: each
 * test boots (the Core mounts a tmpfs root and registers the built-in
 * services), unpacks an archive built in memory through the gate, and checks
 * the tree through the Core's path resolution and the vnodes' ops.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include <string.h>
#include <unistd.h>

#include <rk/containment.h>
#include <rk/errno.h>
#include <rk/fault_injection.h>
#include <rk/gate.h>
#include <rk/klog.h>
#include <rk/path.h>
#include <rk/services.h>
#include <rk/vfs.h>
#include "hosted.h"
#include "initramfs/cpio.h"
#include "initramfs/initramfs.h"

/* ------------------------------------------------------------ the writer */

struct archive {
    unsigned char bytes[16384];
    size_t length;
};

/* One member; link_count 0 means 1. */
struct member {
    const char *name;
    uint32_t mode;
    uint32_t inode_number;
    uint32_t link_count;
    uint32_t modify_time;
    uint32_t rdev_major;
    uint32_t rdev_minor;
    const char *data;
};

/* Append length bytes, then zeros up to a multiple of 4. */
static void archive_put_padded(struct archive *archive, const void *bytes, size_t length)
{
    assert_true(archive->length + length + 3 <= sizeof archive->bytes);
    memcpy(archive->bytes + archive->length, bytes, length);
    archive->length += length;
    while (archive->length % 4)
        archive->bytes[archive->length++] = 0;
}

static void archive_add(struct archive *archive, struct member member)
{
    size_t data_size = member.data ? strlen(member.data) : 0;
    char header[CPIO_HEADER_SIZE + 1];
    snprintf(header, sizeof header, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
             member.inode_number, member.mode, 0u, 0u, member.link_count ? member.link_count : 1,
             member.modify_time, (unsigned)data_size, 0u, 1u, member.rdev_major, member.rdev_minor,
             (unsigned)strlen(member.name) + 1, 0u);
    assert_true(archive->length + CPIO_HEADER_SIZE <= sizeof archive->bytes);
    memcpy(archive->bytes + archive->length, header, CPIO_HEADER_SIZE);
    archive->length += CPIO_HEADER_SIZE;
    archive_put_padded(archive, member.name, strlen(member.name) + 1);
    if (data_size > 0)
        archive_put_padded(archive, member.data, data_size);
}

static void archive_trailer(struct archive *archive)
{
    archive_add(archive, (struct member){ .name = CPIO_TRAILER_NAME });
}

static struct archive *archive_new(void)
{
    struct archive *archive = calloc(1, sizeof *archive);
    assert_non_null(archive);
    return archive;
}

/* ------------------------------------------------------ kernel helpers */

/* The registered loader (the Core registers the built-in services at boot). */
static struct service *loader(void)
{
    struct service *service = services_lookup(SERVICE_LOADER, "initramfs");
    if (!service) {
        assert_int_equal(services_register_builtin(), 0);
        service = services_lookup(SERVICE_LOADER, "initramfs");
    }
    assert_non_null(service);
    return service;
}

/* Unpack archive through the gate, as the Core's boot does. */
static int unpack(const struct archive *archive)
{
    struct service *service = loader();
    return SERVICE_CALL(service, struct loader_ops, unpack, archive->bytes, archive->length);
}

/* getattr of path (a final symlink not followed). Returns 0 or -errno. */
static int attributes_of(const char *path, struct vnode_attributes *attributes)
{
    struct path_entry *entry;
    int error = path_resolve(NULL, AT_FDCWD, path, 0, &entry);
    if (error < 0)
        return error;
    struct vnode *node = entry->vnode;
    error = GATE_CALL(node->superblock->service, "getattr", node->ops->getattr(node, attributes));
    path_put(entry);
    return error;
}

/* Read the regular file at path into buffer (NUL-terminated). Returns the length or -errno. */
static long contents_of(const char *path, char *buffer, size_t size)
{
    struct path_entry *entry;
    int error = path_resolve(NULL, AT_FDCWD, path, 0, &entry);
    if (error < 0)
        return error;
    struct vnode *node = entry->vnode;
    struct io_segment segment;
    struct io_cursor cursor;
    io_cursor_kernel(&cursor, &segment, buffer, size - 1);
    long count = GATE_CALL(node->superblock->service, "read", node->ops->read(node, &cursor, 0));
    path_put(entry);
    buffer[count > 0 ? count : 0] = '\0';
    return count;
}

/* The target of the symlink at path (NUL-terminated). Returns its length or -errno. */
static long target_of(const char *path, char *buffer, size_t size)
{
    struct path_entry *entry;
    int error = path_resolve(NULL, AT_FDCWD, path, 0, &entry);
    if (error < 0)
        return error;
    struct vnode *node = entry->vnode;
    long length = GATE_CALL(node->superblock->service, "readlink", node->ops->readlink(node, buffer, size - 1));
    path_put(entry);
    buffer[length > 0 ? length : 0] = '\0';
    return length;
}

/* True when a klog record since sequence contains text. */
static bool logged_since(uint64_t sequence, const char *text)
{
    struct klog_record record;
    while (klog_read(&sequence, &record) == 0)
        if (strstr(record.text, text))
            return true;
    return false;
}

static int boot(void **state)
{
    assert_int_equal(hosted_test_boot("loglevel=3"), 0);
    klog_set_console_level(KLOG_CRITICAL);
    return 0;
}

/* --------------------------------------------------------------- tests */

static void the_loader_is_registered(void **state)
{
    struct service *service = loader();
    assert_int_equal(service->kind, SERVICE_LOADER);
    assert_string_equal(service->name, "initramfs");
    assert_non_null(((const struct loader_ops *)service->ops)->unpack);
    assert_int_equal(initramfs_service_register(), -EEXIST); /* registered once per boot */
}

static void every_member_type_is_created(void **state)
{
    struct archive *archive = archive_new();
    archive_add(archive, (struct member){ .name = ".", .mode = S_IFDIR | 0755 });
    archive_add(archive, (struct member){ .name = "bin", .mode = S_IFDIR | 0750,
                                          .modify_time = 1600000000 });
    archive_add(archive, (struct member){ .name = "bin/hello", .mode = S_IFREG | 04755,
                                          .modify_time = 1700000000, .data = "hello, world\n" });
    archive_add(archive, (struct member){ .name = "bin/sh", .mode = S_IFLNK | 0777,
                                          .data = "hello" });
    archive_add(archive, (struct member){ .name = "devices", .mode = S_IFDIR | 0755 });
    archive_add(archive, (struct member){ .name = "devices/null", .mode = S_IFCHR | 0666,
                                          .rdev_major = 1, .rdev_minor = 3 });
    archive_add(archive, (struct member){ .name = "devices/disk", .mode = S_IFBLK | 0660,
                                          .rdev_major = 8, .rdev_minor = 300 });
    archive_add(archive, (struct member){ .name = "devices/pipe", .mode = S_IFIFO | 0640 });
    archive_add(archive, (struct member){ .name = "first", .mode = S_IFREG | 0600,
                                          .inode_number = 9, .link_count = 2 });
    archive_add(archive, (struct member){ .name = "/second", .mode = S_IFREG | 0600,
                                          .inode_number = 9, .link_count = 2, .data = "shared" });
    archive_trailer(archive);

    uint64_t sequence = klog_next_sequence();
    assert_int_equal(unpack(archive), 0);
    assert_true(logged_since(sequence, "initramfs: unpacked 9 entries (2 dirs, 2 files, 1 symlinks, "
                                       "2 devices, 1 fifos/sockets, 1 hard links, 0 failed) in"));

    struct vnode_attributes attributes;
    char buffer[64];
    assert_int_equal(attributes_of("/bin", &attributes), 0);
    assert_int_equal(attributes.mode, S_IFDIR | 0750);
    assert_int_equal(attributes.modify_time.seconds, 1600000000); /* after bin/hello was made */
    assert_int_equal(attributes_of("/bin/hello", &attributes), 0);
    assert_int_equal(attributes.mode, S_IFREG | 04755);
    assert_int_equal(attributes.size, 13);
    assert_int_equal(attributes.modify_time.seconds, 1700000000);
    assert_int_equal(contents_of("/bin/hello", buffer, sizeof buffer), 13);
    assert_string_equal(buffer, "hello, world\n");
    assert_int_equal(attributes_of("/bin/sh", &attributes), 0);
    assert_true(S_ISLNK(attributes.mode));
    assert_int_equal(target_of("/bin/sh", buffer, sizeof buffer), 5);
    assert_string_equal(buffer, "hello");
    assert_int_equal(attributes_of("/devices/null", &attributes), 0);
    assert_int_equal(attributes.mode, S_IFCHR | 0666);
    assert_int_equal(attributes.device, device_number(1, 3));
    assert_int_equal(attributes_of("/devices/disk", &attributes), 0);
    assert_int_equal(attributes.mode, S_IFBLK | 0660);
    assert_int_equal(device_major(attributes.device), 8);
    assert_int_equal(device_minor(attributes.device), 300);
    assert_int_equal(attributes_of("/devices/pipe", &attributes), 0);
    assert_int_equal(attributes.mode, S_IFIFO | 0640);

    struct vnode_attributes second;
    assert_int_equal(attributes_of("/first", &attributes), 0);
    assert_int_equal(attributes_of("/second", &second), 0);
    assert_int_equal(attributes.inode_number, second.inode_number);
    assert_int_equal(attributes.link_count, 2);
    assert_int_equal(contents_of("/first", buffer, sizeof buffer), 6);
    assert_string_equal(buffer, "shared");
    free(archive);
}

static void an_existing_directory_is_reused(void **state)
{
    assert_int_equal(vfs_kernel_mkdir("/etc", 0700), 0);
    struct archive *archive = archive_new();
    archive_add(archive, (struct member){ .name = "etc", .mode = S_IFDIR | 0755,
                                          .modify_time = 1234 });
    archive_add(archive, (struct member){ .name = "etc/motd", .mode = S_IFREG | 0644,
                                          .data = "welcome" });
    archive_trailer(archive);
    assert_int_equal(unpack(archive), 0);
    struct vnode_attributes attributes;
    assert_int_equal(attributes_of("/etc", &attributes), 0);
    assert_int_equal(attributes.mode, S_IFDIR | 0755);
    assert_int_equal(attributes.modify_time.seconds, 1234);
    char buffer[32];
    assert_int_equal(contents_of("/etc/motd", buffer, sizeof buffer), 7);
    free(archive);
}

static void a_malformed_archive_keeps_what_came_before(void **state)
{
    struct archive *archive = archive_new();
    archive_add(archive, (struct member){ .name = "good", .mode = S_IFDIR | 0755 });
    size_t bad_offset = archive->length;
    archive_add(archive, (struct member){ .name = "../evil", .mode = S_IFREG | 0644,
                                          .data = "pwned" });
    archive_add(archive, (struct member){ .name = "after", .mode = S_IFDIR | 0755 });
    archive_trailer(archive);

    uint64_t sequence = klog_next_sequence();
    assert_int_equal(unpack(archive), -EINVAL);
    char expected[64];
    snprintf(expected, sizeof expected, "initramfs: rejected at offset %zu: ",
             bad_offset + CPIO_HEADER_SIZE);
    assert_true(logged_since(sequence, expected));
    struct vnode_attributes attributes;
    assert_int_equal(attributes_of("/good", &attributes), 0);
    assert_int_equal(attributes_of("/evil", &attributes), -ENOENT);
    assert_int_equal(attributes_of("/after", &attributes), -ENOENT);
    free(archive);
}

static void refused_members_are_counted_and_the_rest_unpacked(void **state)
{
    struct archive *archive = archive_new();
    archive_add(archive, (struct member){ .name = "no/parent/here", .mode = S_IFREG | 0644,
                                          .data = "x" });
    archive_add(archive, (struct member){ .name = "later", .mode = S_IFREG | 0644, .data = "y" });
    archive_trailer(archive);
    uint64_t sequence = klog_next_sequence();
    assert_int_equal(unpack(archive), -ENOENT);
    assert_true(logged_since(sequence, "initramfs: cannot create /no/parent/here: ENOENT"));
    assert_true(logged_since(sequence, "1 files, 0 symlinks, 0 devices, 0 fifos/sockets, "
                                       "0 hard links, 1 failed)"));
    struct vnode_attributes attributes;
    assert_int_equal(attributes_of("/later", &attributes), 0);
    free(archive);
}

static void inode_numbers_restart_in_each_concatenated_archive(void **state)
{
    struct archive *archive = archive_new();
    archive_add(archive, (struct member){ .name = "one", .mode = S_IFREG | 0644,
                                          .inode_number = 5, .link_count = 2, .data = "first" });
    archive_trailer(archive);
    /* The same inode number in the next archive is another file. */
    archive_add(archive, (struct member){ .name = "two", .mode = S_IFREG | 0644,
                                          .inode_number = 5, .link_count = 2, .data = "second" });
    archive_trailer(archive);
    assert_int_equal(unpack(archive), 0);
    char buffer[32];
    assert_int_equal(contents_of("/one", buffer, sizeof buffer), 5);
    assert_string_equal(buffer, "first");
    assert_int_equal(contents_of("/two", buffer, sizeof buffer), 6);
    struct vnode_attributes one, two;
    assert_int_equal(attributes_of("/one", &one), 0);
    assert_int_equal(attributes_of("/two", &two), 0);
    assert_int_not_equal(one.inode_number, two.inode_number);
    free(archive);
}

static void the_boot_initrd_is_unpacked(void **state)
{
    struct archive *archive = archive_new();
    archive_add(archive, (struct member){ .name = ".", .mode = S_IFDIR | 0755 });
    archive_add(archive, (struct member){ .name = "init", .mode = S_IFREG | 0755,
                                          .data = "#!/bin/sh\n" });
    archive_trailer(archive);
    char path[] = "/tmp/test-initramfs-XXXXXX";
    int descriptor = mkstemp(path);
    assert_true(descriptor >= 0);
    assert_int_equal(write(descriptor, archive->bytes, archive->length), (ssize_t)archive->length);
    close(descriptor);

    char command_line[128];
    snprintf(command_line, sizeof command_line, "loglevel=3 hosted.initrd=%s", path);
    assert_int_equal(hosted_test_boot(command_line), 0);
    unlink(path);
    struct vnode_attributes attributes;
    assert_int_equal(attributes_of("/init", &attributes), 0);
    assert_int_equal(attributes.mode, S_IFREG | 0755);
    assert_int_equal(attributes.size, 10);
    assert_true(logged_since(0, "initramfs: unpacked 1 entries"));
    free(archive);
}

/*
 * The loader kind contained: a panic, a NULL dereference and a failed
 * assertion injected into unpack each make the call EIO; the kernel goes
 * on, the loader restarts, and the next unpack builds the tree.
 */
static void a_faulting_unpack_is_contained_and_the_loader_restarts(void **state)
{
    assert_int_equal(hosted_faults_install(), 0);
    struct archive *archive = archive_new();
    archive_add(archive, (struct member){ .name = "contained", .mode = S_IFREG | 0644,
                                          .data = "after the fault\n" });
    archive_trailer(archive);
    static const char *const rules[] = {"initramfs:unpack:panic:nth=1",
                                        "initramfs:unpack:null:nth=1",
                                        "initramfs:unpack:assert:nth=1"};
    struct service *service = loader();
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        unsigned generation = service->generation;
        assert_int_equal(fault_injection_command("clear", 5), 0);
        assert_int_equal(fault_injection_command(rules[i], strlen(rules[i])), 0);
        assert_int_equal(unpack(archive), -EIO);
        assert_int_equal(service_wait_running(service, 5000000000ull), 0);
        assert_int_equal(service->generation, generation + 1);
        assert_int_equal(unpack(archive), 0);
        struct vnode_attributes attributes;
        assert_int_equal(attributes_of("/contained", &attributes), 0);
        assert_int_equal(attributes.size, 16);
    }
    assert_int_equal(service->counters.faults, 3);
    assert_int_equal(service->counters.restarts, 3);
    hosted_faults_remove();
    free(archive);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(the_loader_is_registered, boot),
        cmocka_unit_test_setup(every_member_type_is_created, boot),
        cmocka_unit_test_setup(an_existing_directory_is_reused, boot),
        cmocka_unit_test_setup(a_malformed_archive_keeps_what_came_before, boot),
        cmocka_unit_test_setup(refused_members_are_counted_and_the_rest_unpacked, boot),
        cmocka_unit_test_setup(inode_numbers_restart_in_each_concatenated_archive, boot),
        cmocka_unit_test_setup(the_boot_initrd_is_unpacked, boot),
        cmocka_unit_test_setup(a_faulting_unpack_is_contained_and_the_loader_restarts, boot),
    };
    return cmocka_run_group_tests_name("initramfs", tests, NULL, NULL);
}
