/*
 * test_directories.c — mkdir(at), rmdir, unlinkat(AT_REMOVEDIR),
 * getdents64 (record layout, small buffers, resuming), chdir, fchdir,
 * getcwd.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"

static void the_root_holds_proc_and_dev(void **state)
{
    assert_string_equal(directory_listing("/"), "..:d .:d dev:d proc:d");
}

static void mkdir_creates_an_empty_directory(void **state)
{
    CHECK(sys(SYS_mkdir, U("/dir"), 0777), 0);
    struct test_stat st;
    CHECK(stat_path("/dir", &st), 0);
    CHECK(st.st_mode, S_IFDIR | 0755);
    assert_string_equal(directory_listing("/dir"), "..:d .:d");
    CHECK(sys(SYS_mkdir, U("/dir/sub/"), 0700), 0); /* a trailing slash is fine */
    CHECK(stat_path("/dir/sub", &st), 0);
    CHECK(st.st_mode, S_IFDIR | 0700);
}

static void mkdir_keeps_the_sticky_bit_and_drops_file_type_bits(void **state)
{
    CHECK(sys(SYS_mkdir, U("/sticky"), 01777), 0);
    struct test_stat st;
    CHECK(stat_path("/sticky", &st), 0);
    CHECK(st.st_mode, S_IFDIR | 01755);
}

static void mkdir_errors(void **state)
{
    create_directory("/dir");
    create_file("/file", "x");
    create_symlink("/nowhere", "/dangling");
    CHECK(sys(SYS_mkdir, U("/dir"), 0755), -EEXIST);
    CHECK(sys(SYS_mkdir, U("/file"), 0755), -EEXIST);
    CHECK(sys(SYS_mkdir, U("/dangling"), 0755), -EEXIST);
    CHECK(sys(SYS_mkdir, U("/"), 0755), -EEXIST);
    CHECK(sys(SYS_mkdir, U("/dir/."), 0755), -EEXIST);
    CHECK(sys(SYS_mkdir, U("/dir/.."), 0755), -EEXIST);
    CHECK(sys(SYS_mkdir, U("/missing/dir"), 0755), -ENOENT);
    CHECK(sys(SYS_mkdir, U("/file/dir"), 0755), -ENOTDIR);
    CHECK(sys(SYS_mkdir, U(""), 0755), -ENOENT);
    CHECK(sys(SYS_mkdir, HARNESS_UNMAPPED, 0755), -EFAULT);
    char name[300] = "/";
    memset(name + 1, 'd', 256);
    CHECK(sys(SYS_mkdir, U(name), 0755), -ENAMETOOLONG);
    CHECK(path_exists("/nowhere"), false);
}

static void mkdirat_resolves_relative_to_dirfd(void **state)
{
    create_directory("/parent");
    long dirfd = OK(open_path("/parent", O_RDONLY | O_DIRECTORY, 0));
    CHECK(sys(SYS_mkdirat, dirfd, U("child"), 0755), 0);
    CHECK(path_exists("/parent/child"), true);
    CHECK(sys(SYS_mkdirat, dirfd, U("/absolute"), 0755), 0);
    CHECK(path_exists("/absolute"), true);
    create_file("/file", "");
    long filefd = OK(open_path("/file", O_RDONLY, 0));
    CHECK(sys(SYS_mkdirat, filefd, U("x"), 0755), -ENOTDIR);
    CHECK(sys(SYS_mkdirat, 99, U("x"), 0755), -EBADF);
}

static void rmdir_removes_empty_directories(void **state)
{
    create_directory("/dir");
    CHECK(sys(SYS_rmdir, U("/dir")), 0);
    CHECK(path_exists("/dir"), false);
    create_directory("/dir2");
    CHECK(sys(SYS_rmdir, U("/dir2/")), 0);
    CHECK(path_exists("/dir2"), false);
}

static void rmdir_errors(void **state)
{
    create_directory("/dir");
    create_file("/dir/file", "");
    create_directory("/empty");
    create_symlink("/empty", "/link");
    CHECK(sys(SYS_rmdir, U("/dir")), -ENOTEMPTY);
    CHECK(sys(SYS_rmdir, U("/dir/file")), -ENOTDIR);
    CHECK(sys(SYS_rmdir, U("/missing")), -ENOENT);
    CHECK(sys(SYS_rmdir, U("/link")), -ENOTDIR);
    CHECK(sys(SYS_rmdir, U("/empty/.")), -EINVAL);
    CHECK(sys(SYS_rmdir, U("/empty/..")), -ENOTEMPTY);
    CHECK(sys(SYS_rmdir, U("/")), -EBUSY);
    CHECK(sys(SYS_rmdir, U("/dev")), -EBUSY); /* a mount point */
    CHECK(sys(SYS_rmdir, U("")), -ENOENT);
    CHECK(sys(SYS_rmdir, HARNESS_UNMAPPED), -EFAULT);
    CHECK(path_exists("/empty"), true);
}

static void unlinkat_removedir(void **state)
{
    create_directory("/dir");
    create_directory("/dir/sub");
    create_file("/dir/file", "");
    long dirfd = OK(open_path("/dir", O_RDONLY | O_DIRECTORY, 0));
    CHECK(sys(SYS_unlinkat, dirfd, U("file"), AT_REMOVEDIR), -ENOTDIR);
    CHECK(sys(SYS_unlinkat, dirfd, U("sub"), 0), -EISDIR);
    CHECK(sys(SYS_unlinkat, dirfd, U("sub"), AT_REMOVEDIR), 0);
    CHECK(sys(SYS_unlinkat, dirfd, U("file"), 0), 0);
    CHECK(sys(SYS_unlinkat, dirfd, U("file"), 0x1), -EINVAL);
    CHECK(sys(SYS_unlinkat, AT_FDCWD, U("/dir"), AT_REMOVEDIR), 0);
    CHECK(path_exists("/dir"), false);
}

static void getdents64_record_layout(void **state)
{
    create_directory("/dir");
    create_file("/dir/file", "");
    create_directory("/dir/subdirectory");
    create_symlink("file", "/dir/link");
    CHECK(sys(SYS_mknod, U("/dir/fifo"), S_IFIFO | 0644, 0), 0);
    CHECK(sys(SYS_mknod, U("/dir/chr"), S_IFCHR | 0644, device_number(1, 3)), 0);
    long fd = OK(open_path("/dir", O_RDONLY | O_DIRECTORY, 0));
    struct test_dirent records[16];
    size_t count;
    long bytes = OK(getdents_fd((int)fd, 4096, records, 16, &count));
    CHECK(count, 7);
    long total = 0;
    for (size_t i = 0; i < count; i++) {
        struct test_dirent *record = &records[i];
        CHECK(record->reclen % 8, 0);
        CHECK(record->reclen, (19 + strlen(record->name) + 1 + 7) & ~7ul);
        total += record->reclen;
        assert_true(record->ino != 0);
        char path[300];
        snprintf(path, sizeof path, "/dir/%s", record->name);
        struct test_stat st;
        CHECK(lstat_path(path, &st), 0);
        CHECK(record->ino, st.st_ino);
        CHECK(record->type, mode_to_directory_type(st.st_mode));
    }
    CHECK(bytes, total);
    assert_string_equal(directory_listing("/dir"),
                        "..:d .:d chr:c fifo:p file:f link:l subdirectory:d");
    CHECK(getdents_fd((int)fd, 4096, records, 16, &count), 0); /* the end */
}

static void getdents64_dot_dot_is_the_parent(void **state)
{
    create_directory("/dir");
    long fd = OK(open_path("/dir", O_RDONLY | O_DIRECTORY, 0));
    struct test_dirent records[4];
    size_t count;
    OK(getdents_fd((int)fd, 4096, records, 4, &count));
    CHECK(count, 2);
    for (size_t i = 0; i < count; i++) {
        if (strcmp(records[i].name, ".") == 0)
            CHECK(records[i].ino, inode_of("/dir"));
        else if (strcmp(records[i].name, "..") == 0)
            CHECK(records[i].ino, inode_of("/"));
        else
            fail_msg("unexpected entry %s", records[i].name);
        CHECK(records[i].type, DT_DIR);
    }
}

static void getdents64_buffer_too_small_for_one_entry_is_einval(void **state)
{
    create_directory("/dir");
    long fd = OK(open_path("/dir", O_RDONLY | O_DIRECTORY, 0));
    struct test_dirent records[4];
    size_t count;
    CHECK(getdents_fd((int)fd, 0, records, 4, &count), -EINVAL);
    CHECK(getdents_fd((int)fd, 1, records, 4, &count), -EINVAL);
    CHECK(getdents_fd((int)fd, 23, records, 4, &count), -EINVAL);
    CHECK(getdents_fd((int)fd, 24, records, 4, &count), 24); /* "." fits exactly */
    CHECK(count, 1);
    assert_string_equal(records[0].name, ".");
}

static void getdents64_resumes_across_calls(void **state)
{
    create_directory("/dir");
    char path[64];
    for (int i = 0; i < 20; i++) {
        snprintf(path, sizeof path, "/dir/entry-%02d", i);
        create_file(path, "");
    }
    long fd = OK(open_path("/dir", O_RDONLY | O_DIRECTORY, 0));
    bool seen[20] = { false };
    int dots = 0, calls = 0;
    for (;;) {
        struct test_dirent records[4];
        size_t count;
        long bytes = OK(getdents_fd((int)fd, 70, records, 4, &count)); /* two records at most */
        if (bytes == 0)
            break;
        calls++;
        assert_true(count >= 1 && count <= 2);
        for (size_t i = 0; i < count; i++) {
            int number;
            if (strcmp(records[i].name, ".") == 0 || strcmp(records[i].name, "..") == 0) {
                dots++;
            } else if (sscanf(records[i].name, "entry-%d", &number) == 1 && number >= 0 &&
                       number < 20) {
                if (seen[number])
                    fail_msg("%s listed twice", records[i].name);
                seen[number] = true;
            } else {
                fail_msg("unexpected entry %s", records[i].name);
            }
        }
    }
    CHECK(dots, 2);
    for (int i = 0; i < 20; i++)
        if (!seen[i])
            fail_msg("entry-%02d missing", i);
    assert_true(calls >= 11);
    /* Rewinding starts over. */
    CHECK(sys(SYS_lseek, fd, 0, SEEK_SET), 0);
    struct test_dirent records[32];
    size_t count;
    OK(getdents_fd((int)fd, 4096, records, 32, &count));
    CHECK(count, 22);
}

static void getdents64_errors(void **state)
{
    create_file("/file", "");
    create_directory("/dir");
    long filefd = OK(open_path("/file", O_RDONLY, 0));
    long dirfd = OK(open_path("/dir", O_RDONLY | O_DIRECTORY, 0));
    struct test_dirent records[4];
    size_t count;
    CHECK(getdents_fd((int)filefd, 4096, records, 4, &count), -ENOTDIR);
    CHECK(getdents_fd(99, 4096, records, 4, &count), -EBADF);
    CHECK(sys(SYS_getdents64, dirfd, HARNESS_UNMAPPED, 4096), -EFAULT);
    CHECK(sys(SYS_getdents64, dirfd, HARNESS_READONLY, 4096), -EFAULT);
    /* The failed calls consumed nothing. */
    CHECK(getdents_fd((int)dirfd, 4096, records, 4, &count), 48);
    CHECK(count, 2);
}

static void getdents64_does_not_list_removed_entries(void **state)
{
    create_directory("/dir");
    create_file("/dir/a", "");
    create_file("/dir/b", "");
    CHECK(sys(SYS_unlink, U("/dir/a")), 0);
    assert_string_equal(directory_listing("/dir"), "..:d .:d b:f");
}

static void chdir_makes_relative_paths_start_there(void **state)
{
    create_directory("/dir");
    create_file("/dir/file", "in dir");
    CHECK(sys(SYS_chdir, U("/dir")), 0);
    char text[16];
    CHECK(read_file("file", text, sizeof text), 6);
    assert_string_equal(text, "in dir");
    create_file("made-here", "");
    CHECK(path_exists("/dir/made-here"), true);
    CHECK(sys(SYS_chdir, U("..")), 0);
    CHECK(getcwd_text(text, sizeof text), 2);
    assert_string_equal(text, "/");
}

static void chdir_errors(void **state)
{
    create_file("/file", "");
    CHECK(sys(SYS_chdir, U("/file")), -ENOTDIR);
    CHECK(sys(SYS_chdir, U("/missing")), -ENOENT);
    CHECK(sys(SYS_chdir, U("")), -ENOENT);
    CHECK(sys(SYS_chdir, HARNESS_UNMAPPED), -EFAULT);
    char text[8];
    CHECK(getcwd_text(text, sizeof text), 2);
    assert_string_equal(text, "/");
}

static void chdir_through_a_symlink_reports_the_real_path(void **state)
{
    create_directory("/real");
    create_directory("/real/inner");
    create_symlink("/real/inner", "/shortcut");
    CHECK(sys(SYS_chdir, U("/shortcut")), 0);
    char text[64];
    CHECK(getcwd_text(text, sizeof text), 12);
    assert_string_equal(text, "/real/inner");
}

static void fchdir_uses_a_directory_descriptor(void **state)
{
    create_directory("/dir");
    create_directory("/dir/sub");
    create_file("/file", "");
    long dirfd = OK(open_path("/dir/sub", O_RDONLY | O_DIRECTORY, 0));
    long filefd = OK(open_path("/file", O_RDONLY, 0));
    CHECK(sys(SYS_fchdir, filefd), -ENOTDIR);
    CHECK(sys(SYS_fchdir, 99), -EBADF);
    CHECK(sys(SYS_fchdir, dirfd), 0);
    char text[64];
    CHECK(getcwd_text(text, sizeof text), 9);
    assert_string_equal(text, "/dir/sub");
    long pathfd = OK(open_path("/dir", O_PATH, 0));
    CHECK(sys(SYS_fchdir, pathfd), 0);
    CHECK(getcwd_text(text, sizeof text), 5);
    assert_string_equal(text, "/dir");
}

static void getcwd_size_rules(void **state)
{
    create_directory("/abc");
    CHECK(sys(SYS_chdir, U("/abc")), 0);
    uintptr_t buffer = user_alloc(16);
    CHECK(sys(SYS_getcwd, buffer, 5), 5); /* "/abc" and the NUL */
    char text[5];
    user_read(text, buffer, 5);
    assert_memory_equal(text, "/abc", 5);
    CHECK(sys(SYS_getcwd, buffer, 4), -ERANGE);
    CHECK(sys(SYS_getcwd, buffer, 1), -ERANGE);
    CHECK(sys(SYS_getcwd, buffer, 0), -ERANGE);
    CHECK(sys(SYS_getcwd, HARNESS_UNMAPPED, 16), -EFAULT);
    CHECK(sys(SYS_getcwd, HARNESS_READONLY, 16), -EFAULT);
}

static void getcwd_of_a_removed_directory_is_enoent(void **state)
{
    create_directory("/gone");
    CHECK(sys(SYS_chdir, U("/gone")), 0);
    CHECK(sys(SYS_rmdir, U("/gone")), 0);
    char text[64];
    CHECK(getcwd_text(text, sizeof text), -ENOENT);
    /* Creating in a removed directory fails too. */
    CHECK(open_path("new", O_WRONLY | O_CREAT, 0644), -ENOENT);
    CHECK(sys(SYS_mkdir, U("sub"), 0755), -ENOENT);
}

static void getcwd_follows_a_renamed_ancestor(void **state)
{
    create_directory("/old");
    create_directory("/old/inner");
    CHECK(sys(SYS_chdir, U("/old/inner")), 0);
    CHECK(sys(SYS_rename, U("/old"), U("/new")), 0);
    char text[64];
    CHECK(getcwd_text(text, sizeof text), 11);
    assert_string_equal(text, "/new/inner");
}

static void dot_dot_at_the_root_stays_at_the_root(void **state)
{
    create_file("/file", "root file");
    CHECK(sys(SYS_chdir, U("/../..")), 0);
    char text[16];
    CHECK(getcwd_text(text, sizeof text), 2);
    assert_string_equal(text, "/");
    CHECK(read_file("/../../file", text, sizeof text), 9);
    CHECK(inode_of("/.."), inode_of("/"));
}

static void getdents64_while_entries_are_removed(void **state)
{
    /* rm -r's pattern: remove what each call returned, then read on. */
    create_directory("/dir");
    char path[64];
    for (int i = 0; i < 30; i++) {
        snprintf(path, sizeof path, "/dir/e%02d", i);
        create_file(path, "");
    }
    long fd = OK(open_path("/dir", O_RDONLY | O_DIRECTORY, 0));
    bool seen[30] = { false };
    int calls = 0;
    for (;;) {
        struct test_dirent records[8];
        size_t count;
        long bytes = OK(getdents_fd((int)fd, 5 * 24 + 8, records, 8, &count)); /* <= 5 records */
        if (bytes == 0)
            break;
        assert_true(++calls < 40);
        for (size_t i = 0; i < count; i++) {
            int number;
            if (records[i].name[0] == '.')
                continue;
            if (sscanf(records[i].name, "e%d", &number) != 1 || number < 0 || number >= 30)
                fail_msg("unexpected entry %s", records[i].name);
            if (seen[number])
                fail_msg("entry %s returned twice", records[i].name);
            seen[number] = true;
            snprintf(path, sizeof path, "/dir/%s", records[i].name);
            CHECK(sys(SYS_unlink, U(path)), 0);
        }
    }
    for (int i = 0; i < 30; i++)
        if (!seen[i])
            fail_msg("entry e%02d was skipped", i);
    CHECK(sys(SYS_rmdir, U("/dir")), 0);
}

static void getdents64_does_not_return_entries_removed_meanwhile(void **state)
{
    create_directory("/dir");
    char path[64];
    for (int i = 0; i < 12; i++) {
        snprintf(path, sizeof path, "/dir/e%02d", i);
        create_file(path, "");
    }
    long fd = OK(open_path("/dir", O_RDONLY | O_DIRECTORY, 0));
    struct test_dirent records[16];
    size_t count;
    OK(getdents_fd((int)fd, 5 * 24 + 8, records, 16, &count)); /* <= 5 records */
    bool seen[12] = { false };
    int number;
    for (size_t i = 0; i < count; i++)
        if (sscanf(records[i].name, "e%d", &number) == 1)
            seen[number] = true;
    /* Remove every other entry not returned yet. */
    bool removed[12] = { false };
    bool keep = false;
    for (int i = 0; i < 12; i++) {
        if (seen[i])
            continue;
        if (!keep) {
            snprintf(path, sizeof path, "/dir/e%02d", i);
            CHECK(sys(SYS_unlink, U(path)), 0);
            removed[i] = true;
        }
        keep = !keep;
    }
    for (;;) {
        long bytes = OK(getdents_fd((int)fd, 5 * 24 + 8, records, 16, &count));
        if (bytes == 0)
            break;
        for (size_t i = 0; i < count; i++) {
            if (sscanf(records[i].name, "e%d", &number) != 1)
                fail_msg("%s after the first call", records[i].name);
            if (removed[number])
                fail_msg("removed entry %s returned", records[i].name);
            if (seen[number])
                fail_msg("entry %s returned twice", records[i].name);
            seen[number] = true;
        }
    }
    for (int i = 0; i < 12; i++)
        if (!seen[i] && !removed[i])
            fail_msg("entry e%02d was skipped", i);
}

static void mkdir_over_a_symlink_to_a_directory_is_eexist(void **state)
{
    create_directory("/dir");
    create_symlink("/dir", "/dirlink");
    CHECK(sys(SYS_mkdir, U("/dirlink"), 0755), -EEXIST);
    CHECK(sys(SYS_mkdir, U("/dirlink/"), 0755), -EEXIST);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYSCALL_TEST(the_root_holds_proc_and_dev),
        SYSCALL_TEST(mkdir_creates_an_empty_directory),
        SYSCALL_TEST(mkdir_keeps_the_sticky_bit_and_drops_file_type_bits),
        SYSCALL_TEST(mkdir_errors),
        SYSCALL_TEST(mkdirat_resolves_relative_to_dirfd),
        SYSCALL_TEST(rmdir_removes_empty_directories),
        SYSCALL_TEST(rmdir_errors),
        SYSCALL_TEST(unlinkat_removedir),
        SYSCALL_TEST(getdents64_record_layout),
        SYSCALL_TEST(getdents64_dot_dot_is_the_parent),
        SYSCALL_TEST(getdents64_buffer_too_small_for_one_entry_is_einval),
        SYSCALL_TEST(getdents64_resumes_across_calls),
        SYSCALL_TEST(getdents64_errors),
        SYSCALL_TEST(getdents64_does_not_list_removed_entries),
        SYSCALL_TEST(getdents64_while_entries_are_removed),
        SYSCALL_TEST(getdents64_does_not_return_entries_removed_meanwhile),
        SYSCALL_TEST(mkdir_over_a_symlink_to_a_directory_is_eexist),
        SYSCALL_TEST(chdir_makes_relative_paths_start_there),
        SYSCALL_TEST(chdir_errors),
        SYSCALL_TEST(chdir_through_a_symlink_reports_the_real_path),
        SYSCALL_TEST(fchdir_uses_a_directory_descriptor),
        SYSCALL_TEST(getcwd_size_rules),
        SYSCALL_TEST(getcwd_of_a_removed_directory_is_enoent),
        SYSCALL_TEST(getcwd_follows_a_renamed_ancestor),
        SYSCALL_TEST(dot_dot_at_the_root_stays_at_the_root),
    };
    return RUN_SYSCALL_TESTS("syscall-directories", tests);
}
