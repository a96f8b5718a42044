/*
 * test_mm_syscalls.c — the memory family through syscall_dispatch():
 * mmap of files (private copies, shared tmpfs pages), every mmap errno,
 * mprotect EACCES, brk, msync, mincore, mlock, and user copies into
 * pages never touched before (read()/write() fault them in).
 */
#include <rk/vfs.h>

#include "mm_fixture.h"

#define AT_FDCWD -100
#define SEEK_CUR 1

static const char file_text[] = "page zero of the mapped file";

/* Fresh anonymous memory through mmap(2). */
static uintptr_t sys_mmap_anonymous(size_t length, unsigned protection)
{
    long address = syscall6(SYS_mmap, 0, length, protection, MAP_PRIVATE | MAP_ANONYMOUS,
                            (uint64_t)-1, 0);
    assert_true(address > 0);
    return (uintptr_t)address;
}

/* A NUL-terminated copy of text in new user memory. */
static uintptr_t user_string(const char *text)
{
    uintptr_t address = sys_mmap_anonymous(PAGE_SIZE, PROT_READ | PROT_WRITE);
    assert_int_equal(copy_to_user(address, text, strlen(text) + 1), 0);
    return address;
}

static long sys_open(const char *path, unsigned flags)
{
    return syscall6(SYS_openat, (uint64_t)AT_FDCWD, user_string(path), flags, 0644, 0, 0);
}

/* /data: one page of text then a second page of 'b' (8 KiB + 100 bytes). */
static int boot_with_file(void **state)
{
    assert_int_equal(hosted_test_boot("loglevel=3"), 0);
    static char contents[2 * 4096 + 100];
    memset(contents, 0, sizeof contents);
    memcpy(contents, file_text, sizeof file_text);
    memset(contents + 4096, 'b', 4096);
    memset(contents + 8192, 'c', 100);
    assert_int_equal(vfs_kernel_write_file("/data", 0100644, contents, sizeof contents), 0);
    assert_int_equal(vfs_kernel_mkdir("/directory", 040755), 0);
    /* The file's pages stay: count from here. */
    start_process();
    return 0;
}

static void read_and_write_fault_in_untouched_pages(void **state)
{
    long fd = sys_open("/data", O_RDWR);
    assert_true(fd >= 0);
    uintptr_t buffer = sys_mmap_anonymous(2 * PAGE_SIZE, PROT_READ | PROT_WRITE);
    uint64_t resident = test_mm->resident_pages;
    /* read() straddling two never-touched pages. */
    uintptr_t target = buffer + PAGE_SIZE - 10;
    assert_int_equal(syscall6(SYS_pread64, fd, target, 20, 0, 0, 0), 20);
    assert_int_equal(test_mm->resident_pages, resident + 2);
    char text[21] = { 0 };
    assert_int_equal(copy_from_user(text, target, 20), 0);
    assert_memory_equal(text, file_text, 20);
    /* write() from a never-touched page writes zeros. */
    uintptr_t zeros = sys_mmap_anonymous(PAGE_SIZE, PROT_READ);
    assert_int_equal(syscall6(SYS_pwrite64, fd, zeros, 4, 0, 0, 0), 4);
    assert_int_equal(syscall6(SYS_pread64, fd, target, 8, 0, 0, 0), 8);
    assert_int_equal(copy_from_user(text, target, 8), 0);
    assert_memory_equal(text, "\0\0\0\0 zer", 8);
    /* A read into read-only memory or a hole is EFAULT. */
    assert_int_equal(syscall6(SYS_pread64, fd, zeros, 4, 0, 0, 0), -EFAULT);
    assert_int_equal(syscall6(SYS_munmap, zeros, PAGE_SIZE, 0, 0, 0, 0), 0);
    assert_int_equal(syscall6(SYS_pread64, fd, zeros, 4, 0, 0, 0), -EFAULT);
    assert_int_equal(syscall6(SYS_close, fd, 0, 0, 0, 0, 0), 0);
}

static void private_file_mapping_copies_the_file(void **state)
{
    long fd = sys_open("/data", O_RDONLY);
    assert_true(fd >= 0);
    long address = syscall6(SYS_mmap, 0, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE,
                            (uint64_t)fd, 0);
    assert_true(address > 0);
    uintptr_t base = (uintptr_t)address;
    char text[sizeof file_text];
    assert_int_equal(copy_from_user(text, base, sizeof text), 0);
    assert_string_equal(text, file_text);
    assert_int_equal(user_load(test_mm, base + PAGE_SIZE + 7), 'b');
    assert_int_equal(user_load(test_mm, base + 2 * PAGE_SIZE + 99), 'c');
    assert_int_equal(user_load(test_mm, base + 2 * PAGE_SIZE + 100), 0);  /* past the end: zero */
    /* Private writes never reach the file; the file offset never moved. */
    assert_int_equal(copy_to_user(base, "PRIVATE", 7), 0);
    assert_int_equal(clear_user(base + PAGE_SIZE, 16), 0);
    assert_int_equal(syscall6(SYS_lseek, fd, 0, SEEK_CUR, 0, 0, 0), 0);
    uintptr_t buffer = sys_mmap_anonymous(PAGE_SIZE, PROT_READ | PROT_WRITE);
    assert_int_equal(syscall6(SYS_pread64, fd, buffer, 7, 0, 0, 0), 7);
    assert_int_equal(copy_from_user(text, buffer, 7), 0);
    assert_memory_equal(text, file_text, 7);
    /* Offset into the file; a page wholly past the end is SIGBUS (-EIO). */
    long second = syscall6(SYS_mmap, 0, 2 * PAGE_SIZE, PROT_READ, MAP_PRIVATE, (uint64_t)fd,
                           2 * PAGE_SIZE);
    assert_true(second > 0);
    assert_int_equal(user_load(test_mm, (uintptr_t)second), 'c');
    assert_int_equal(mm_handle_fault(test_mm, (uintptr_t)second + PAGE_SIZE, MM_ACCESS_READ), -EIO);
    /* /proc/PID/maps names the file. */
    char maps[1024];
    long length = system_process_maps(test_process->pid, maps, sizeof maps - 1);
    assert_true(length > 0 && length < (long)sizeof maps);
    maps[length] = '\0';
    assert_non_null(strstr(maps, " r--p 00002000 "));
    assert_non_null(strstr(maps, " /data\n"));
    assert_int_equal(syscall6(SYS_munmap, base, 3 * PAGE_SIZE, 0, 0, 0, 0), 0);
    assert_int_equal(syscall6(SYS_munmap, second, 2 * PAGE_SIZE, 0, 0, 0, 0), 0);
    assert_int_equal(syscall6(SYS_close, fd, 0, 0, 0, 0, 0), 0);
}

static void shared_file_mapping_is_the_file(void **state)
{
    long fd = sys_open("/data", O_RDWR);
    assert_true(fd >= 0);
    long address = syscall6(SYS_mmap, 0, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
                            (uint64_t)fd, 0);
    assert_true(address > 0);
    uintptr_t base = (uintptr_t)address;
    /* Stores through the mapping are the file's bytes. */
    assert_int_equal(copy_to_user(base + 5, "STORE", 5), 0);
    uintptr_t buffer = sys_mmap_anonymous(PAGE_SIZE, PROT_READ | PROT_WRITE);
    assert_int_equal(syscall6(SYS_pread64, fd, buffer, 10, 0, 0, 0), 10);
    char text[16] = { 0 };
    assert_int_equal(copy_from_user(text, buffer, 10), 0);
    assert_memory_equal(text, "page STORE", 10);
    /* write() shows through the mapping. */
    assert_int_equal(copy_to_user(buffer, "WRITE", 5), 0);
    assert_int_equal(syscall6(SYS_pwrite64, fd, buffer, 5, PAGE_SIZE, 0, 0), 5);
    assert_int_equal(copy_from_user(text, base + PAGE_SIZE, 6), 0);
    assert_memory_equal(text, "WRITEb", 6);
    /* A fork child maps the same page. */
    struct mm *child = mm_fork(test_mm);
    assert_non_null(child);
    assert_int_equal(user_store(child, base, 'P'), 0);
    assert_int_equal(user_load(test_mm, base), 'P');
    mm_put(child);
    /* The page outlives the file's own reference when the file shrinks under the mapping. */
    assert_int_equal(syscall6(SYS_munmap, base, 2 * PAGE_SIZE, 0, 0, 0, 0), 0);
    assert_int_equal(syscall6(SYS_close, fd, 0, 0, 0, 0, 0), 0);
}

static void mapping_errors_follow_linux(void **state)
{
    long read_only = sys_open("/data", O_RDONLY);
    long write_only = sys_open("/data", O_WRONLY);
    long directory = sys_open("/directory", O_RDONLY | O_DIRECTORY);
    assert_true(read_only >= 0 && write_only >= 0 && directory >= 0);
    uint64_t rw = PROT_READ | PROT_WRITE;
    assert_int_equal(syscall6(SYS_mmap, 0, PAGE_SIZE, PROT_READ, MAP_PRIVATE, 99, 0), -EBADF);
    assert_int_equal(syscall6(SYS_mmap, 0, PAGE_SIZE, PROT_READ, MAP_PRIVATE, 99, 1), -EINVAL);
    assert_int_equal(syscall6(SYS_mmap, 0, 0, PROT_READ, MAP_PRIVATE, read_only, 0), -EINVAL);
    assert_int_equal(syscall6(SYS_mmap, 0, PAGE_SIZE, PROT_READ, 0, read_only, 0), -EINVAL);
    assert_int_equal(syscall6(SYS_mmap, 0, PAGE_SIZE, rw, MAP_SHARED, read_only, 0), -EACCES);
    assert_int_equal(syscall6(SYS_mmap, 0, PAGE_SIZE, PROT_READ, MAP_PRIVATE, write_only, 0),
                     -EACCES);
    assert_int_equal(syscall6(SYS_mmap, 0, PAGE_SIZE, PROT_READ, MAP_PRIVATE, directory, 0),
                     -ENODEV);
    uintptr_t fds = sys_mmap_anonymous(PAGE_SIZE, PROT_READ | PROT_WRITE);
    assert_int_equal(syscall6(SYS_pipe, fds, 0, 0, 0, 0, 0), 0);
    int pipe_fds[2];
    assert_int_equal(copy_from_user(pipe_fds, fds, sizeof pipe_fds), 0);
    assert_int_equal(syscall6(SYS_mmap, 0, PAGE_SIZE, PROT_READ, MAP_PRIVATE, pipe_fds[0], 0),
                     -ENODEV);
    /* A shared read-only map of an O_RDONLY file cannot become writable. */
    long shared = syscall6(SYS_mmap, 0, PAGE_SIZE, PROT_READ, MAP_SHARED, read_only, 0);
    assert_true(shared > 0);
    assert_int_equal(syscall6(SYS_mprotect, shared, PAGE_SIZE, rw, 0, 0, 0), -EACCES);
    assert_int_equal(user_load(test_mm, (uintptr_t)shared), 'p');
    /* ...while a private one can. */
    long private_map = syscall6(SYS_mmap, 0, PAGE_SIZE, PROT_READ, MAP_PRIVATE, read_only, 0);
    assert_true(private_map > 0);
    assert_int_equal(syscall6(SYS_mprotect, private_map, PAGE_SIZE, rw, 0, 0, 0), 0);
    /* Out of the user range. */
    uintptr_t end = platform_user_address_end();
    assert_int_equal(syscall6(SYS_mmap, end, PAGE_SIZE, rw, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                              (uint64_t)-1, 0), -ENOMEM);
    assert_int_equal(syscall6(SYS_munmap, end, PAGE_SIZE * 2, 0, 0, 0, 0), -EINVAL);
    assert_int_equal(syscall6(SYS_mprotect, 0x30000000, PAGE_SIZE, PROT_READ, 0, 0, 0), -ENOMEM);
    assert_int_equal(syscall6(SYS_munmap, shared, PAGE_SIZE, 0, 0, 0, 0), 0);
    assert_int_equal(syscall6(SYS_munmap, private_map, PAGE_SIZE, 0, 0, 0, 0), 0);
    for (int i = 0; i < 2; i++)
        assert_int_equal(syscall6(SYS_close, pipe_fds[i], 0, 0, 0, 0, 0), 0);
    assert_int_equal(syscall6(SYS_close, read_only, 0, 0, 0, 0, 0), 0);
    assert_int_equal(syscall6(SYS_close, write_only, 0, 0, 0, 0, 0), 0);
    assert_int_equal(syscall6(SYS_close, directory, 0, 0, 0, 0, 0), 0);
}

static void brk_msync_mincore_and_mlock(void **state)
{
    test_mm->brk_start = test_mm->brk = 0x800000;
    assert_int_equal(syscall6(SYS_brk, 0, 0, 0, 0, 0, 0), 0x800000);
    assert_int_equal(syscall6(SYS_brk, 0x802000, 0, 0, 0, 0, 0), 0x802000);
    assert_int_equal(syscall6(SYS_brk, 0x100, 0, 0, 0, 0, 0), 0x802000);
    assert_int_equal(copy_to_user(0x801ff0, "heap", 4), 0);
    uintptr_t memory = sys_mmap_anonymous(4 * PAGE_SIZE, PROT_READ | PROT_WRITE);
    assert_int_equal(user_store(test_mm, memory + PAGE_SIZE, 1), 0);
    uintptr_t vector = sys_mmap_anonymous(PAGE_SIZE, PROT_READ | PROT_WRITE);
    assert_int_equal(syscall6(SYS_mincore, memory, 4 * PAGE_SIZE, vector, 0, 0, 0), 0);
    unsigned char resident[4];
    assert_int_equal(copy_from_user(resident, vector, 4), 0);
    assert_memory_equal(resident, "\0\1\0\0", 4);
    assert_int_equal(syscall6(SYS_mincore, memory + 1, PAGE_SIZE, vector, 0, 0, 0), -EINVAL);
    assert_int_equal(syscall6(SYS_mincore, 0x30000000, PAGE_SIZE, vector, 0, 0, 0), -ENOMEM);
    assert_int_equal(syscall6(SYS_msync, memory, 4 * PAGE_SIZE, 4, 0, 0, 0), 0);
    assert_int_equal(syscall6(SYS_msync, memory, PAGE_SIZE, 5, 0, 0, 0), -EINVAL);
    assert_int_equal(syscall6(SYS_msync, memory + 1, PAGE_SIZE, 4, 0, 0, 0), -EINVAL);
    assert_int_equal(syscall6(SYS_msync, 0x30000000, PAGE_SIZE, 4, 0, 0, 0), -ENOMEM);
    assert_int_equal(syscall6(SYS_mlock, memory, PAGE_SIZE, 0, 0, 0, 0), 0);
    assert_int_equal(syscall6(SYS_munlock, memory, PAGE_SIZE, 0, 0, 0, 0), 0);
    assert_int_equal(syscall6(SYS_mlockall, 0, 0, 0, 0, 0, 0), -EINVAL);
    assert_int_equal(syscall6(SYS_mlockall, 3, 0, 0, 0, 0, 0), 0);
    assert_int_equal(syscall6(SYS_madvise, memory, PAGE_SIZE, 1000, 0, 0, 0), -EINVAL);
    assert_int_equal(syscall6(SYS_madvise, memory, 2 * PAGE_SIZE, MADV_DONTNEED, 0, 0, 0), 0);
    assert_int_equal(user_load(test_mm, memory + PAGE_SIZE), 0);
    long moved = syscall6(SYS_mremap, memory, 4 * PAGE_SIZE, 8 * PAGE_SIZE, MREMAP_MAYMOVE, 0, 0);
    assert_true(moved > 0);
    assert_int_equal(syscall6(SYS_munmap, moved, 8 * PAGE_SIZE, 0, 0, 0, 0), 0);
}

/* Unmap whatever the test left and check that no page stays resident, then drop the process. */
static int check_and_drop(void **state)
{
    while (!list_is_empty(&test_mm->areas)) {
        struct vm_area *area = list_entry(test_mm->areas.next, struct vm_area, link);
        assert_int_equal(mm_unmap(test_mm, area->start, area->end - area->start), 0);
    }
    assert_int_equal(test_mm->resident_pages, 0);
    return drop_process(state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(read_and_write_fault_in_untouched_pages, boot_with_file, check_and_drop),
        cmocka_unit_test_setup_teardown(private_file_mapping_copies_the_file, boot_with_file, check_and_drop),
        cmocka_unit_test_setup_teardown(shared_file_mapping_is_the_file, boot_with_file, check_and_drop),
        cmocka_unit_test_setup_teardown(mapping_errors_follow_linux, boot_with_file, check_and_drop),
        cmocka_unit_test_setup_teardown(brk_msync_mincore_and_mlock, boot_with_file, check_and_drop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
