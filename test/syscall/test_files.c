/*
 * test_files.c — open, openat, creat, close, umask: creation and its
 * flags (O_CREAT, O_EXCL, O_TRUNC, O_DIRECTORY, O_NOFOLLOW, O_PATH,
 * O_CLOEXEC), descriptor numbering, EMFILE, and the path errors open sees.
 */
#include <string.h>

#include "harness.h"

static void open_creates_a_file_with_the_umask_applied(void **state)
{
    long fd = OK(open_path("/new", O_WRONLY | O_CREAT, 0666));
    CHECK(sys(SYS_close, fd), 0);
    struct test_stat st;
    CHECK(stat_path("/new", &st), 0);
    CHECK(st.st_mode, S_IFREG | 0644);
    CHECK(st.st_size, 0);
    CHECK(st.st_nlink, 1);
}

static void umask_returns_the_previous_mask_and_masks_creation(void **state)
{
    CHECK(sys(SYS_umask, 077), 022);
    CHECK(sys(SYS_mkdir, U("/private"), 0777), 0);
    CHECK(sys(SYS_close, OK(open_path("/secret", O_CREAT | O_WRONLY, 0666))), 0);
    CHECK(sys(SYS_umask, 0), 077);
    CHECK(sys(SYS_close, OK(open_path("/open", O_CREAT | O_WRONLY, 0777))), 0);
    CHECK(sys(SYS_umask, 01777), 0); /* only the permission bits are kept */
    CHECK(sys(SYS_umask, 022), 0777);
    struct test_stat st;
    CHECK(stat_path("/private", &st), 0);
    CHECK(st.st_mode, S_IFDIR | 0700);
    CHECK(stat_path("/secret", &st), 0);
    CHECK(st.st_mode, S_IFREG | 0600);
    CHECK(stat_path("/open", &st), 0);
    CHECK(st.st_mode, S_IFREG | 0777);
}

static void open_missing_file_without_o_creat_is_enoent(void **state)
{
    CHECK(open_path("/missing", O_RDONLY, 0), -ENOENT);
    CHECK(open_path("/missing/child", O_RDWR | O_CREAT, 0644), -ENOENT);
    CHECK(open_path("", O_RDONLY, 0), -ENOENT);
}

static void o_excl_fails_on_an_existing_name(void **state)
{
    create_file("/file", "x");
    CHECK(open_path("/file", O_WRONLY | O_CREAT | O_EXCL, 0644), -EEXIST);
    create_directory("/dir");
    CHECK(open_path("/dir", O_RDONLY | O_CREAT | O_EXCL, 0644), -EEXIST);
    long fd = OK(open_path("/fresh", O_WRONLY | O_CREAT | O_EXCL, 0644));
    CHECK(sys(SYS_close, fd), 0);
    CHECK(path_exists("/fresh"), true);
}

static void o_excl_does_not_follow_a_dangling_symlink(void **state)
{
    create_symlink("/target", "/link");
    CHECK(open_path("/link", O_WRONLY | O_CREAT | O_EXCL, 0644), -EEXIST);
    CHECK(path_exists("/target"), false);
}

static void o_creat_through_a_dangling_symlink_creates_the_target(void **state)
{
    create_symlink("/target", "/link");
    long fd = OK(open_path("/link", O_WRONLY | O_CREAT, 0600));
    CHECK(write_text((int)fd, "via link"), 8);
    CHECK(sys(SYS_close, fd), 0);
    struct test_stat st;
    CHECK(lstat_path("/target", &st), 0);
    CHECK(st.st_mode, S_IFREG | 0600);
    CHECK(st.st_size, 8);
}

static void o_creat_on_an_existing_file_opens_it_unchanged(void **state)
{
    create_file("/file", "keep");
    long fd = OK(open_path("/file", O_RDWR | O_CREAT, 0600));
    char text[8] = { 0 };
    CHECK(read_fd((int)fd, text, sizeof text), 4);
    assert_string_equal(text, "keep");
    CHECK(sys(SYS_close, fd), 0);
    struct test_stat st;
    CHECK(stat_path("/file", &st), 0);
    CHECK(st.st_mode, S_IFREG | 0644); /* the mode of O_CREAT is not applied */
}

static void opening_a_directory_for_writing_is_eisdir(void **state)
{
    create_directory("/dir");
    CHECK(open_path("/dir", O_WRONLY, 0), -EISDIR);
    CHECK(open_path("/dir", O_RDWR, 0), -EISDIR);
    CHECK(open_path("/", O_RDWR, 0), -EISDIR);
    CHECK(open_path("/dir", O_WRONLY | O_TRUNC, 0), -EISDIR);
    long fd = OK(open_path("/dir", O_RDONLY, 0));
    CHECK(sys(SYS_close, fd), 0);
}

static void o_creat_on_an_existing_directory_is_eisdir(void **state)
{
    create_directory("/dir");
    CHECK(open_path("/dir", O_RDONLY | O_CREAT, 0644), -EISDIR);
    CHECK(open_path("/", O_RDONLY | O_CREAT, 0644), -EISDIR);
    create_symlink("/dir", "/dirlink");
    CHECK(open_path("/dirlink", O_RDONLY | O_CREAT, 0644), -EISDIR);
}

static void trailing_slash_rules_of_open(void **state)
{
    create_file("/file", "x");
    create_directory("/dir");
    CHECK(open_path("/file/", O_RDONLY, 0), -ENOTDIR);
    CHECK(open_path("/new/", O_WRONLY | O_CREAT, 0644), -EISDIR);
    CHECK(open_path("/file/", O_WRONLY | O_CREAT, 0644), -EISDIR);
    CHECK(path_exists("/new"), false);
    long fd = OK(open_path("/dir/", O_RDONLY, 0));
    CHECK(sys(SYS_close, fd), 0);
}

static void o_directory_requires_a_directory(void **state)
{
    create_file("/file", "x");
    create_directory("/dir");
    CHECK(open_path("/file", O_RDONLY | O_DIRECTORY, 0), -ENOTDIR);
    long fd = OK(open_path("/dir", O_RDONLY | O_DIRECTORY, 0));
    CHECK(sys(SYS_close, fd), 0);
    create_symlink("/dir", "/dirlink");
    fd = OK(open_path("/dirlink", O_RDONLY | O_DIRECTORY, 0));
    CHECK(sys(SYS_close, fd), 0);
}

static void o_creat_with_o_directory_is_einval(void **state)
{
    /* Linux 6.4+ refuses the combination outright, creating nothing. */
    create_directory("/dir");
    CHECK(open_path("/created", O_RDWR | O_CREAT | O_DIRECTORY, 0644), -EINVAL);
    CHECK(open_path("/dir", O_RDONLY | O_CREAT | O_DIRECTORY, 0644), -EINVAL);
    CHECK(path_exists("/created"), false);
}

static void o_nofollow_refuses_a_final_symlink_with_eloop(void **state)
{
    create_file("/file", "x");
    create_symlink("/file", "/link");
    CHECK(open_path("/link", O_RDONLY | O_NOFOLLOW, 0), -ELOOP);
    CHECK(open_path("/link", O_WRONLY | O_CREAT | O_NOFOLLOW, 0644), -ELOOP);
    create_directory("/dir");
    create_symlink("/dir", "/dirlink");
    create_file("/dir/inner", "y");
    /* Only the last component is concerned. */
    long fd = OK(open_path("/dirlink/inner", O_RDONLY | O_NOFOLLOW, 0));
    CHECK(sys(SYS_close, fd), 0);
}

static void o_path_gives_a_descriptor_without_io(void **state)
{
    create_file("/file", "data");
    long fd = OK(open_path("/file", O_PATH, 0));
    char byte;
    CHECK(read_fd((int)fd, &byte, 1), -EBADF);
    CHECK(write_text((int)fd, "z"), -EBADF);
    struct test_stat st;
    CHECK(fstat_fd((int)fd, &st), 0);
    CHECK(st.st_mode, S_IFREG | 0644);
    CHECK(st.st_size, 4);
    CHECK(sys(SYS_fcntl, fd, F_GETFL), O_PATH | O_RDONLY);
    CHECK(sys(SYS_close, fd), 0);
}

static void o_path_with_o_nofollow_opens_the_symlink_itself(void **state)
{
    create_symlink("/nowhere", "/link");
    long fd = OK(open_path("/link", O_PATH | O_NOFOLLOW, 0));
    struct test_stat st;
    CHECK(fstat_fd((int)fd, &st), 0);
    CHECK(st.st_mode, S_IFLNK | 0777);
    CHECK(st.st_size, 8);
    /* readlinkat with an empty path reads the link of the descriptor. */
    uintptr_t buffer = user_alloc(32);
    CHECK(sys(SYS_readlinkat, fd, U(""), buffer, 32), 8);
    char text[9] = { 0 };
    user_read(text, buffer, 8);
    assert_string_equal(text, "/nowhere");
    CHECK(sys(SYS_close, fd), 0);
}

static void o_path_directory_works_as_a_dirfd(void **state)
{
    create_directory("/dir");
    create_file("/dir/file", "hello");
    long dirfd = OK(open_path("/dir", O_PATH | O_DIRECTORY, 0));
    long fd = OK(sys(SYS_openat, dirfd, U("file"), O_RDONLY, 0));
    char text[8] = { 0 };
    CHECK(read_fd((int)fd, text, sizeof text), 5);
    assert_string_equal(text, "hello");
    size_t count;
    struct test_dirent record;
    CHECK(getdents_fd((int)dirfd, 512, &record, 1, &count), -EBADF);
}

static void o_trunc_empties_an_existing_file(void **state)
{
    create_file("/file", "some contents");
    long fd = OK(open_path("/file", O_WRONLY | O_TRUNC, 0));
    struct test_stat st;
    CHECK(fstat_fd((int)fd, &st), 0);
    CHECK(st.st_size, 0);
    CHECK(write_text((int)fd, "ab"), 2);
    CHECK(sys(SYS_close, fd), 0);
    char text[32];
    CHECK(read_file("/file", text, sizeof text), 2);
    assert_string_equal(text, "ab");
}

static void o_trunc_with_o_rdonly_still_truncates(void **state)
{
    create_file("/file", "contents");
    long fd = OK(open_path("/file", O_RDONLY | O_TRUNC, 0));
    struct test_stat st;
    CHECK(fstat_fd((int)fd, &st), 0);
    CHECK(st.st_size, 0);
    CHECK(sys(SYS_close, fd), 0);
}

static void o_append_writes_at_the_end_whatever_the_offset(void **state)
{
    create_file("/log", "12345");
    long fd = OK(open_path("/log", O_RDWR | O_APPEND, 0));
    CHECK(sys(SYS_lseek, fd, 0, SEEK_SET), 0);
    CHECK(write_text((int)fd, "ab"), 2);
    CHECK(sys(SYS_lseek, fd, 0, SEEK_CUR), 7);
    /* pwrite on an O_APPEND descriptor appends too (Linux's documented bug). */
    CHECK(pwrite_fd((int)fd, "C", 1, 0), 1);
    char text[16];
    CHECK(read_file("/log", text, sizeof text), 8);
    assert_string_equal(text, "12345abC");
    CHECK(sys(SYS_close, fd), 0);
}

static void o_cloexec_sets_the_descriptor_flag(void **state)
{
    create_file("/file", "x");
    long plain = OK(open_path("/file", O_RDONLY, 0));
    long closing = OK(open_path("/file", O_RDONLY | O_CLOEXEC, 0));
    CHECK(sys(SYS_fcntl, plain, F_GETFD), 0);
    CHECK(sys(SYS_fcntl, closing, F_GETFD), FD_CLOEXEC);
    /* O_CLOEXEC is a descriptor flag, not a status flag. */
    CHECK(sys(SYS_fcntl, closing, F_GETFL), O_RDONLY | O_LARGEFILE);
}

static void creat_creates_truncates_and_opens_write_only(void **state)
{
    uintptr_t path = U("/made");
    long fd = OK(sys(SYS_creat, path, 0640));
    CHECK(write_text((int)fd, "first"), 5);
    char byte;
    CHECK(read_fd((int)fd, &byte, 1), -EBADF);
    CHECK(sys(SYS_fcntl, fd, F_GETFL), O_WRONLY | O_LARGEFILE);
    CHECK(sys(SYS_close, fd), 0);
    fd = OK(sys(SYS_creat, path, 0600));
    CHECK(sys(SYS_close, fd), 0);
    struct test_stat st;
    CHECK(stat_path("/made", &st), 0);
    CHECK(st.st_size, 0);
    CHECK(st.st_mode, S_IFREG | 0640);
    create_directory("/dir");
    CHECK(sys(SYS_creat, U("/dir"), 0644), -EISDIR);
}

static void open_uses_the_lowest_free_descriptor(void **state)
{
    create_file("/file", "x");
    long first = OK(open_path("/file", O_RDONLY, 0));
    long second = OK(open_path("/file", O_RDONLY, 0));
    long third = OK(open_path("/file", O_RDONLY, 0));
    CHECK(first, 3);
    CHECK(second, 4);
    CHECK(third, 5);
    CHECK(sys(SYS_close, second), 0);
    CHECK(open_path("/file", O_RDONLY, 0), 4);
    CHECK(open_path("/file", O_RDONLY, 0), 6);
}

static void close_of_a_bad_descriptor_is_ebadf(void **state)
{
    create_file("/file", "x");
    long fd = OK(open_path("/file", O_RDONLY, 0));
    CHECK(sys(SYS_close, fd), 0);
    CHECK(sys(SYS_close, fd), -EBADF);
    CHECK(sys(SYS_close, -1), -EBADF);
    CHECK(sys(SYS_close, 77), -EBADF);
    CHECK(sys(SYS_close, FD_LIMIT), -EBADF);
    CHECK(sys(SYS_close, 1u << 30), -EBADF);
}

static void filling_the_descriptor_table_gives_emfile(void **state)
{
    create_file("/file", "x");
    uintptr_t path = U("/file");
    long last = -1;
    for (int fd = 3; fd < FD_LIMIT; fd++) {
        last = sys(SYS_openat, AT_FDCWD, path, O_RDONLY, 0);
        CHECK(last, fd);
    }
    CHECK(last, FD_LIMIT - 1);
    CHECK(sys(SYS_openat, AT_FDCWD, path, O_RDONLY, 0), -EMFILE);
    CHECK(sys(SYS_openat, AT_FDCWD, U("/other"), O_RDWR | O_CREAT, 0644), -EMFILE);
    CHECK(sys(SYS_dup, 3), -EMFILE);
    CHECK(sys(SYS_close, 500), 0);
    CHECK(sys(SYS_openat, AT_FDCWD, path, O_RDONLY, 0), 500);
}

static void openat_resolves_relative_to_the_directory_descriptor(void **state)
{
    create_directory("/dir");
    create_file("/dir/file", "in dir");
    create_file("/file", "at root");
    long dirfd = OK(open_path("/dir", O_RDONLY | O_DIRECTORY, 0));
    long fd = OK(sys(SYS_openat, dirfd, U("file"), O_RDONLY, 0));
    char text[16] = { 0 };
    CHECK(read_fd((int)fd, text, sizeof text), 6);
    assert_string_equal(text, "in dir");
    CHECK(sys(SYS_close, fd), 0);
    fd = OK(sys(SYS_openat, dirfd, U("created"), O_WRONLY | O_CREAT, 0644));
    CHECK(sys(SYS_close, fd), 0);
    CHECK(path_exists("/dir/created"), true);
    /* An absolute path ignores dirfd, even a bad one. */
    fd = OK(sys(SYS_openat, 999, U("/file"), O_RDONLY, 0));
    CHECK(sys(SYS_close, fd), 0);
}

static void openat_with_a_bad_dirfd(void **state)
{
    create_file("/file", "x");
    long filefd = OK(open_path("/file", O_RDONLY, 0));
    CHECK(sys(SYS_openat, filefd, U("x"), O_RDONLY, 0), -ENOTDIR);
    CHECK(sys(SYS_openat, 999, U("x"), O_RDONLY, 0), -EBADF);
    CHECK(sys(SYS_openat, -1, U("x"), O_RDONLY, 0), -EBADF);
    CHECK(sys(SYS_openat, 999, U(""), O_RDONLY, 0), -ENOENT);
}

static void open_with_a_bad_path_pointer_is_efault(void **state)
{
    CHECK(sys(SYS_open, HARNESS_UNMAPPED, O_RDONLY, 0), -EFAULT);
    CHECK(sys(SYS_open, HARNESS_KERNEL_ADDRESS, O_RDONLY, 0), -EFAULT);
    CHECK(sys(SYS_open, 0, O_RDONLY, 0), -EFAULT);
    CHECK(sys(SYS_openat, AT_FDCWD, HARNESS_UNMAPPED, O_RDWR | O_CREAT, 0644), -EFAULT);
    CHECK(sys(SYS_creat, HARNESS_UNMAPPED, 0644), -EFAULT);
    /* A path running into the unmapped page without a NUL. */
    uintptr_t tail = user_tail(8);
    user_write(tail, "/abcdefg", 8);
    CHECK(sys(SYS_open, tail, O_RDONLY, 0), -EFAULT);
    /* A path in read-only memory is fine. */
    create_file("/ro", "r");
    user_readonly_fill("/ro", 4);
    long fd = OK(sys(SYS_open, HARNESS_READONLY, O_RDONLY, 0));
    CHECK(sys(SYS_close, fd), 0);
}

static void open_with_overlong_names_is_enametoolong(void **state)
{
    char name[300];
    name[0] = '/';
    memset(name + 1, 'n', 256);
    name[257] = '\0';
    CHECK(open_path(name, O_RDONLY, 0), -ENAMETOOLONG);
    CHECK(open_path(name, O_WRONLY | O_CREAT, 0644), -ENAMETOOLONG);
    name[256] = '\0'; /* 255 characters: allowed */
    long fd = OK(open_path(name, O_WRONLY | O_CREAT, 0644));
    CHECK(sys(SYS_close, fd), 0);
    CHECK(open_path(long_path(4096), O_RDONLY, 0), -ENAMETOOLONG);
    CHECK(open_path(long_path(5000), O_RDONLY, 0), -ENAMETOOLONG);
    CHECK(open_path(long_path(4095), O_RDONLY, 0), -ENOENT);
}

static void unknown_open_flags_are_ignored(void **state)
{
    create_file("/file", "x");
    long fd = OK(open_path("/file", O_RDONLY | 040000000u, 0));
    CHECK(sys(SYS_fcntl, fd, F_GETFL), O_RDONLY | O_LARGEFILE);
}

static void mknod_makes_regular_files_and_fifos(void **state)
{
    CHECK(sys(SYS_mknod, U("/plain"), S_IFREG | 0666, 0), 0);
    CHECK(sys(SYS_mknod, U("/zero-type"), 0600, 0), 0);
    CHECK(sys(SYS_mknodat, AT_FDCWD, U("/fifo"), S_IFIFO | 0644, 0), 0);
    struct test_stat st;
    CHECK(stat_path("/plain", &st), 0);
    CHECK(st.st_mode, S_IFREG | 0644);
    CHECK(stat_path("/zero-type", &st), 0);
    CHECK(st.st_mode, S_IFREG | 0600);
    CHECK(stat_path("/fifo", &st), 0);
    CHECK(st.st_mode, S_IFIFO | 0644);
    CHECK(sys(SYS_mknod, U("/plain"), S_IFREG | 0644, 0), -EEXIST);
}

static void mknod_device_nodes_record_the_device_number(void **state)
{
    CHECK(sys(SYS_mknod, U("/null"), S_IFCHR | 0666, device_number(1, 3)), 0);
    CHECK(sys(SYS_mknod, U("/disk"), S_IFBLK | 0600, device_number(8, 300)), 0);
    struct test_stat st;
    CHECK(stat_path("/null", &st), 0);
    CHECK(st.st_mode, S_IFCHR | 0644);
    CHECK(st.st_rdev, device_number(1, 3));
    CHECK(stat_path("/disk", &st), 0);
    CHECK(st.st_mode, S_IFBLK | 0600);
    CHECK(st.st_rdev, device_number(8, 300));
    CHECK(st.st_size, 0);
}

static void mknod_refuses_directories_and_unknown_types(void **state)
{
    CHECK(sys(SYS_mknod, U("/dir"), S_IFDIR | 0755, 0), -EPERM);
    CHECK(sys(SYS_mknod, U("/odd"), 0170000 | 0644, 0), -EINVAL);
    CHECK(sys(SYS_mknod, U("/missing/node"), S_IFREG | 0644, 0), -ENOENT);
    CHECK(sys(SYS_mknod, HARNESS_UNMAPPED, S_IFREG | 0644, 0), -EFAULT);
    CHECK(path_exists("/dir"), false);
}

static void access_mode_three_allows_neither_reading_nor_writing(void **state)
{
    create_file("/file", "data");
    long fd = OK(open_path("/file", O_ACCMODE, 0));
    char byte;
    CHECK(read_fd((int)fd, &byte, 1), -EBADF);
    CHECK(write_text((int)fd, "x"), -EBADF);
    CHECK(sys(SYS_fcntl, fd, F_GETFL), O_ACCMODE | O_LARGEFILE);
    char text[8];
    CHECK(read_file("/file", text, sizeof text), 4);
}

static void o_path_descriptors_refuse_lseek_and_keep_o_directory(void **state)
{
    create_directory("/dir");
    create_file("/file", "x");
    long fd = OK(open_path("/file", O_PATH, 0));
    CHECK(sys(SYS_lseek, fd, 0, SEEK_SET), -EBADF);
    long dirfd = OK(open_path("/dir", O_PATH | O_DIRECTORY, 0));
    CHECK(sys(SYS_fcntl, dirfd, F_GETFL), O_PATH | O_DIRECTORY);
    CHECK(sys(SYS_fchdir, dirfd), 0);
    CHECK(path_exists("../file"), true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYSCALL_TEST(open_creates_a_file_with_the_umask_applied),
        SYSCALL_TEST(umask_returns_the_previous_mask_and_masks_creation),
        SYSCALL_TEST(open_missing_file_without_o_creat_is_enoent),
        SYSCALL_TEST(o_excl_fails_on_an_existing_name),
        SYSCALL_TEST(o_excl_does_not_follow_a_dangling_symlink),
        SYSCALL_TEST(o_creat_through_a_dangling_symlink_creates_the_target),
        SYSCALL_TEST(o_creat_on_an_existing_file_opens_it_unchanged),
        SYSCALL_TEST(opening_a_directory_for_writing_is_eisdir),
        SYSCALL_TEST(o_creat_on_an_existing_directory_is_eisdir),
        SYSCALL_TEST(trailing_slash_rules_of_open),
        SYSCALL_TEST(o_directory_requires_a_directory),
        SYSCALL_TEST(o_creat_with_o_directory_is_einval),
        SYSCALL_TEST(o_nofollow_refuses_a_final_symlink_with_eloop),
        SYSCALL_TEST(o_path_gives_a_descriptor_without_io),
        SYSCALL_TEST(o_path_with_o_nofollow_opens_the_symlink_itself),
        SYSCALL_TEST(o_path_directory_works_as_a_dirfd),
        SYSCALL_TEST(o_trunc_empties_an_existing_file),
        SYSCALL_TEST(o_trunc_with_o_rdonly_still_truncates),
        SYSCALL_TEST(o_append_writes_at_the_end_whatever_the_offset),
        SYSCALL_TEST(o_cloexec_sets_the_descriptor_flag),
        SYSCALL_TEST(creat_creates_truncates_and_opens_write_only),
        SYSCALL_TEST(open_uses_the_lowest_free_descriptor),
        SYSCALL_TEST(close_of_a_bad_descriptor_is_ebadf),
        SYSCALL_TEST(filling_the_descriptor_table_gives_emfile),
        SYSCALL_TEST(openat_resolves_relative_to_the_directory_descriptor),
        SYSCALL_TEST(openat_with_a_bad_dirfd),
        SYSCALL_TEST(open_with_a_bad_path_pointer_is_efault),
        SYSCALL_TEST(open_with_overlong_names_is_enametoolong),
        SYSCALL_TEST(unknown_open_flags_are_ignored),
        SYSCALL_TEST(access_mode_three_allows_neither_reading_nor_writing),
        SYSCALL_TEST(o_path_descriptors_refuse_lseek_and_keep_o_directory),
        SYSCALL_TEST(mknod_makes_regular_files_and_fifos),
        SYSCALL_TEST(mknod_device_nodes_record_the_device_number),
        SYSCALL_TEST(mknod_refuses_directories_and_unknown_types),
    };
    return RUN_SYSCALL_TESTS("syscall-files", tests);
}
