/*
 * test_dev_nodes.c — nodes users make in /dev through the syscalls, as on
 * Linux's devtmpfs (a tmpfs): regular files, directories, symlinks, FIFOs
 * and AF_UNIX sockets (syslogd binds /dev/log), their removal, renaming
 * and listing. On the Linux reference run /dev is the host's devtmpfs:
 * the cases only use scratch names (rk-test-*) and remove what they make.
 */
#include <string.h>

#include "harness.h"

#define AF_UNIX 1
#define SOCK_STREAM 1

/* A user copy of length bytes of data. */
static uintptr_t user_copy(const void *data, size_t length)
{
    uintptr_t address = user_alloc(length);
    user_write(address, data, length);
    return address;
}

static void a_regular_file_is_created_written_and_unlinked(void **state)
{
    long fd = OK(open_path("/dev/rk-test-file", O_RDWR | O_CREAT | O_EXCL, 0644));
    CHECK(write_text((int)fd, "hello dev"), 9);
    char back[16] = { 0 };
    CHECK(pread_fd((int)fd, back, sizeof back, 0), 9);
    assert_memory_equal(back, "hello dev", 9);
    CHECK(pwrite_fd((int)fd, "!", 1, 12), 1);      /* a gap reads as zeros */
    CHECK(pread_fd((int)fd, back, sizeof back, 8), 5);
    assert_memory_equal(back, "v\0\0\0!", 5);
    CHECK(sys(SYS_ftruncate, fd, 2), 0);
    struct test_stat st;
    CHECK(stat_path("/dev/rk-test-file", &st), 0);
    CHECK(st.st_mode & S_IFMT, S_IFREG);
    CHECK(st.st_size, 2);
    CHECK(st.st_nlink, 1);
    CHECK(open_path("/dev/rk-test-file", O_RDWR | O_CREAT | O_EXCL, 0644), -EEXIST);
    CHECK(sys(SYS_unlink, U("/dev/rk-test-file")), 0);
    CHECK(stat_path("/dev/rk-test-file", &st), -ENOENT);
    CHECK(sys(SYS_unlink, U("/dev/rk-test-file")), -ENOENT);
    /* The open description still reads the unlinked file. */
    CHECK(pread_fd((int)fd, back, sizeof back, 0), 2);
    CHECK(fstat_fd((int)fd, &st), 0);
    CHECK(st.st_nlink, 0);
}

static void directories_are_made_filled_and_removed(void **state)
{
    CHECK(sys(SYS_mkdir, U("/dev/rk-test-dir"), 0755), 0);
    CHECK(sys(SYS_mkdir, U("/dev/rk-test-dir"), 0755), -EEXIST);
    CHECK(sys(SYS_mkdir, U("/dev/null"), 0755), -EEXIST);
    CHECK(sys(SYS_mkdir, U("/dev/rk-test-dir/sub"), 0700), 0);
    create_file("/dev/rk-test-dir/file", "x");
    struct test_stat st;
    CHECK(stat_path("/dev/rk-test-dir", &st), 0);
    CHECK(st.st_mode & S_IFMT, S_IFDIR);
    CHECK(st.st_nlink, 3);
    assert_string_equal(directory_listing("/dev/rk-test-dir"), "..:d .:d file:f sub:d");
    CHECK(sys(SYS_rmdir, U("/dev/rk-test-dir")), -ENOTEMPTY);
    CHECK(sys(SYS_unlink, U("/dev/rk-test-dir")), -EISDIR);
    CHECK(sys(SYS_rmdir, U("/dev/rk-test-dir/file")), -ENOTDIR);
    CHECK(sys(SYS_rmdir, U("/dev/null")), -ENOTDIR);
    CHECK(sys(SYS_unlink, U("/dev/rk-test-dir/file")), 0);
    CHECK(sys(SYS_rmdir, U("/dev/rk-test-dir/sub")), 0);
    CHECK(sys(SYS_rmdir, U("/dev/rk-test-dir")), 0);
    CHECK(sys(SYS_rmdir, U("/dev/rk-test-dir")), -ENOENT);
    CHECK(stat_path("/dev/rk-test-dir", &st), -ENOENT);
}

static void symlinks_are_made_read_and_removed(void **state)
{
    CHECK(sys(SYS_symlink, U("../proc/self/fd/1"), U("/dev/rk-test-link")), 0);
    char target[64] = { 0 };
    CHECK(readlink_path("/dev/rk-test-link", target, sizeof target), 17);
    assert_memory_equal(target, "../proc/self/fd/1", 17);
    struct test_stat st;
    CHECK(lstat_path("/dev/rk-test-link", &st), 0);
    CHECK(st.st_mode, S_IFLNK | 0777);
    CHECK(st.st_size, 17);
    CHECK(sys(SYS_symlink, U("x"), U("/dev/rk-test-link")), -EEXIST);
    CHECK(sys(SYS_symlink, U("x"), U("/dev/null")), -EEXIST);
    CHECK(sys(SYS_unlink, U("/dev/rk-test-link")), 0);
    CHECK(lstat_path("/dev/rk-test-link", &st), -ENOENT);
}

static void a_fifo_made_with_mknod_carries_data(void **state)
{
    CHECK(sys(SYS_mknod, U("/dev/rk-test-fifo"), S_IFIFO | 0600, 0), 0);
    CHECK(sys(SYS_mknod, U("/dev/rk-test-fifo"), S_IFIFO | 0600, 0), -EEXIST);
    struct test_stat st;
    CHECK(stat_path("/dev/rk-test-fifo", &st), 0);
    CHECK(st.st_mode & S_IFMT, S_IFIFO);
    long fd = OK(open_path("/dev/rk-test-fifo", O_RDWR, 0));   /* O_RDWR never blocks */
    CHECK(write_text((int)fd, "pipe"), 4);
    char back[8];
    CHECK(read_fd((int)fd, back, sizeof back), 4);
    assert_memory_equal(back, "pipe", 4);
    CHECK(sys(SYS_unlink, U("/dev/rk-test-fifo")), 0);
}

static void renames_move_and_replace_user_nodes(void **state)
{
    create_file("/dev/rk-test-a", "aaa");
    create_file("/dev/rk-test-b", "b");
    CHECK(sys(SYS_mkdir, U("/dev/rk-test-d"), 0755), 0);
    CHECK(sys(SYS_rename, U("/dev/rk-test-a"), U("/dev/rk-test-b")), 0);
    char back[8] = { 0 };
    CHECK(read_file("/dev/rk-test-b", back, sizeof back), 3);
    CHECK(path_exists("/dev/rk-test-a"), false);
    CHECK(sys(SYS_rename, U("/dev/rk-test-b"), U("/dev/rk-test-d")), -EISDIR);
    CHECK(sys(SYS_rename, U("/dev/rk-test-d"), U("/dev/rk-test-b")), -ENOTDIR);
    CHECK(sys(SYS_rename, U("/dev/rk-test-d"), U("/dev/rk-test-d/inside")), -EINVAL);
    CHECK(sys(SYS_rename, U("/dev/rk-test-b"), U("/dev/rk-test-d/moved")), 0);
    CHECK(read_file("/dev/rk-test-d/moved", back, sizeof back), 3);
    CHECK(sys(SYS_rename, U("/dev/rk-test-missing"), U("/dev/rk-test-c")), -ENOENT);
    CHECK(sys(SYS_unlink, U("/dev/rk-test-d/moved")), 0);
    CHECK(sys(SYS_rmdir, U("/dev/rk-test-d")), 0);
}

static void readdir_of_dev_lists_user_nodes_with_their_types(void **state)
{
    create_file("/dev/rk-test-f", "");
    CHECK(sys(SYS_mkdir, U("/dev/rk-test-d"), 0755), 0);
    CHECK(sys(SYS_symlink, U("null"), U("/dev/rk-test-l")), 0);
    CHECK(sys(SYS_mknod, U("/dev/rk-test-p"), S_IFIFO | 0600, 0), 0);
    CHECK(sys(SYS_mknod, U("/dev/rk-test-s"), S_IFSOCK | 0600, 0), 0);
    const char *listing = directory_listing("/dev");
    static const char *const wanted[] = { " rk-test-d:d", " rk-test-f:f", " rk-test-l:l",
                                          " rk-test-p:p", " rk-test-s:s", " null:c" };
    for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++)
        if (!strstr(listing, wanted[i]))
            fail_msg("'%s' is not in the listing of /dev: %s", wanted[i], listing);
    CHECK(sys(SYS_unlink, U("/dev/rk-test-f")), 0);
    CHECK(sys(SYS_rmdir, U("/dev/rk-test-d")), 0);
    CHECK(sys(SYS_unlink, U("/dev/rk-test-l")), 0);
    CHECK(sys(SYS_unlink, U("/dev/rk-test-p")), 0);
    CHECK(sys(SYS_unlink, U("/dev/rk-test-s")), 0);
    listing = directory_listing("/dev");
    if (strstr(listing, " rk-test-"))
        fail_msg("a removed node is still listed: %s", listing);
}

/*
 * syslogd's socket: bind an AF_UNIX stream socket at /dev/log (on the
 * reference run a scratch name: the host's /dev/log is in use), connect to
 * it, exchange a byte; a second bind is EADDRINUSE until the node is
 * unlinked.
 */
static void an_af_unix_socket_binds_in_dev_and_accepts_a_connection(void **state)
{
    const char *path = running_on_linux() ? "/dev/rk-test-log" : "/dev/log";
    long server = sys(SYS_socket, AF_UNIX, SOCK_STREAM, 0);
    OK(server);
    struct {
        uint16_t family;
        char path[108];
    } address = { AF_UNIX, "" };
    strcpy(address.path, path);
    uint32_t length = (uint32_t)(2 + strlen(path) + 1);
    uintptr_t name = user_copy(&address, length);
    CHECK(sys(SYS_bind, server, name, length), 0);
    struct test_stat st;
    CHECK(lstat_path(path, &st), 0);
    CHECK(st.st_mode & S_IFMT, S_IFSOCK);
    CHECK(sys(SYS_listen, server, 4), 0);
    long other = OK(sys(SYS_socket, AF_UNIX, SOCK_STREAM, 0));
    CHECK(sys(SYS_bind, other, name, length), -EADDRINUSE);
    long client = OK(sys(SYS_socket, AF_UNIX, SOCK_STREAM, 0));
    CHECK(sys(SYS_connect, client, name, length), 0);
    long accepted = OK(sys(SYS_accept4, server, 0, 0, 0));
    CHECK(write_text((int)client, "<13>hi"), 6);
    char back[8];
    CHECK(read_fd((int)accepted, back, sizeof back), 6);
    assert_memory_equal(back, "<13>hi", 6);
    CHECK(sys(SYS_unlink, U(path)), 0);
    long late = OK(sys(SYS_socket, AF_UNIX, SOCK_STREAM, 0));
    CHECK(sys(SYS_connect, late, name, length), -ENOENT);
    CHECK(sys(SYS_bind, other, name, length), 0);   /* the name is free again */
    CHECK(sys(SYS_unlink, U(path)), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYSCALL_TEST(a_regular_file_is_created_written_and_unlinked),
        SYSCALL_TEST(directories_are_made_filled_and_removed),
        SYSCALL_TEST(symlinks_are_made_read_and_removed),
        SYSCALL_TEST(a_fifo_made_with_mknod_carries_data),
        SYSCALL_TEST(renames_move_and_replace_user_nodes),
        SYSCALL_TEST(readdir_of_dev_lists_user_nodes_with_their_types),
        SYSCALL_TEST(an_af_unix_socket_binds_in_dev_and_accepts_a_connection),
    };
    return RUN_SYSCALL_TESTS("syscall-dev-nodes", tests);
}
