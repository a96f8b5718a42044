/*
 * harness.c — the syscall suite's harness: fixtures, user memory, syscall
 * wrappers and helpers (see harness.h), plus the ringkernel backend (see
 * harness_backend.h). Built with -DSYSCALL_TEST_LINUX the backend part is
 * left out and harness_linux.c provides the host-Linux one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* ================================================ ringkernel backend */
#ifndef SYSCALL_TEST_LINUX

#include <rk/page_alloc.h>
#include <rk/platform.h>
#include <rk/mm.h>
#include <rk/process.h>
#include <rk/thread.h>
#include "hosted.h"

static struct process *test_process;
static paddr_t arena_frames[HARNESS_ARENA_PAGES];
static paddr_t readonly_frame = PADDR_INVALID;

const char *backend_name(void) { return "ringkernel"; }

/* Map one zeroed frame at va in the test process; returns the frame or PADDR_INVALID. */
static paddr_t map_user_page(uintptr_t va, unsigned prot)
{
    paddr_t frame = page_alloc(0);
    if (frame == PADDR_INVALID)
        return PADDR_INVALID;
    memset(platform_phys_to_virt(frame), 0, PAGE_SIZE);
    if (platform_map(&test_process->mm->space, va, frame, prot) < 0) {
        page_free(frame, 0);
        return PADDR_INVALID;
    }
    return frame;
}

int backend_setup(void)
{
    int error = hosted_test_boot("loglevel=3");
    if (error < 0)
        return error;
    test_process = process_create("test", 0, true);
    if (!test_process)
        return -ENOMEM;
    /* The test's own stack (the boot thread) issues syscalls for the process. */
    process_attach_thread(test_process, thread_current());
    const unsigned read_write = PLATFORM_PROT_READ | PLATFORM_PROT_WRITE | PLATFORM_PROT_USER;
    for (size_t i = 0; i < HARNESS_ARENA_PAGES; i++) {
        arena_frames[i] = map_user_page(HARNESS_ARENA_BASE + i * PAGE_SIZE, read_write);
        if (arena_frames[i] == PADDR_INVALID)
            return -ENOMEM;
    }
    readonly_frame = map_user_page(HARNESS_READONLY, PLATFORM_PROT_READ | PLATFORM_PROT_USER);
    if (readonly_frame == PADDR_INVALID)
        return -ENOMEM;
    return 0;
}

void backend_teardown(void)
{
    if (!test_process)
        return;
    process_attach_thread(NULL, thread_current());
    for (size_t i = 0; i < HARNESS_ARENA_PAGES; i++) {
        if (arena_frames[i] == PADDR_INVALID)
            continue;
        platform_unmap(&test_process->mm->space, HARNESS_ARENA_BASE + i * PAGE_SIZE, NULL);
        page_free(arena_frames[i], 0);
        arena_frames[i] = PADDR_INVALID;
    }
    if (readonly_frame != PADDR_INVALID) {
        platform_unmap(&test_process->mm->space, HARNESS_READONLY, NULL);
        page_free(readonly_frame, 0);
        readonly_frame = PADDR_INVALID;
    }
    process_put(test_process); /* the last reference: closes every descriptor */
    test_process = NULL;
}

long backend_syscall(unsigned long number, const uint64_t arguments[6])
{
    return syscall_dispatch(number, arguments);
}

/* The kernel's view of user address va, which must be mapped. */
static unsigned char *user_kernel_view(uintptr_t va)
{
    paddr_t frame;
    uintptr_t page = va & ~(uintptr_t)(PAGE_SIZE - 1);
    assert_int_equal(platform_translate(&test_process->mm->space, page, &frame, NULL), 0);
    return (unsigned char *)platform_phys_to_virt(frame) + (va - page);
}

void backend_user_read(void *destination, uintptr_t source, size_t length)
{
    unsigned char *out = destination;
    while (length > 0) {
        size_t room = PAGE_SIZE - (source & (PAGE_SIZE - 1));
        size_t chunk = length < room ? length : room;
        memcpy(out, user_kernel_view(source), chunk);
        out += chunk;
        source += chunk;
        length -= chunk;
    }
}

void backend_user_write(uintptr_t destination, const void *source, size_t length)
{
    const unsigned char *in = source;
    while (length > 0) {
        size_t room = PAGE_SIZE - (destination & (PAGE_SIZE - 1));
        size_t chunk = length < room ? length : room;
        memcpy(user_kernel_view(destination), in, chunk);
        in += chunk;
        destination += chunk;
        length -= chunk;
    }
}

void backend_clock_advance_ms(unsigned milliseconds)
{
    assert_int_equal(hosted_clock_advance((uint64_t)milliseconds * 1000000u), 0);
}

void *backend_thread_start(const char *name, void (*function)(void *argument), void *argument)
{
    struct thread *thread = thread_create(name, function, argument);
    if (thread)
        process_attach_thread(test_process, thread); /* before it first runs */
    return thread;
}

int backend_thread_join(void *handle)
{
    return thread_join(handle, NULL);
}

#endif /* !SYSCALL_TEST_LINUX */

/* ===================================================== fixtures */

static uintptr_t arena_next;

int syscall_test_setup(void **state)
{
    int error = backend_setup();
    if (error < 0) {
        print_error("syscall_test_setup: %s setup failed: %s\n", backend_name(), result_name(error));
        return -1;
    }
    arena_next = HARNESS_ARENA_BASE;
#ifndef SYSCALL_TEST_LINUX
    /*
     * Linux processes start with descriptors 0-2 open; so does the test
     * process (on "/"), so that descriptor numbers match Linux's.
     */
    for (int fd = 0; fd < 3; fd++) {
        long result = sys(SYS_openat, AT_FDCWD, user_string("/"), O_RDONLY | O_DIRECTORY, 0);
        if (result != fd) {
            print_error("syscall_test_setup: opening descriptor %d gave %s\n", fd, result_name(result));
            return -1;
        }
    }
    arena_next = HARNESS_ARENA_BASE; /* forget the path string */
#endif
    return 0;
}

int syscall_test_teardown(void **state)
{
    backend_teardown();
    return 0;
}

bool running_on_linux(void) { return strcmp(backend_name(), "linux") == 0; }

/* ==================================================== user memory */

uintptr_t user_alloc(size_t length)
{
    size_t rounded = (length + 15) & ~(size_t)15;
    /* The last page stays free for user_tail(). */
    if (rounded > HARNESS_ARENA_END - HARNESS_PAGE_SIZE - arena_next) {
        print_error("user_alloc(%zu): the user arena is full\n", length);
        fail();
    }
    uintptr_t address = arena_next;
    arena_next += rounded;
    static const unsigned char zeroes[256];
    for (size_t done = 0; done < rounded; done += sizeof zeroes)
        backend_user_write(address + done, zeroes,
                           rounded - done < sizeof zeroes ? rounded - done : sizeof zeroes);
    return address;
}

uintptr_t user_string(const char *text)
{
    size_t length = strlen(text) + 1;
    uintptr_t address = user_alloc(length);
    backend_user_write(address, text, length);
    return address;
}

uintptr_t user_tail(size_t length)
{
    assert_true(length <= HARNESS_PAGE_SIZE);
    return HARNESS_ARENA_END - length;
}

void user_read(void *destination, uintptr_t source, size_t length)
{
    backend_user_read(destination, source, length);
}

void user_write(uintptr_t destination, const void *source, size_t length)
{
    backend_user_write(destination, source, length);
}

void user_readonly_fill(const void *data, size_t length)
{
    assert_true(length <= HARNESS_PAGE_SIZE);
    backend_user_write(HARNESS_READONLY, data, length);
}

/* ======================================================= syscalls */

long sys_call(unsigned long number, const uint64_t arguments[6])
{
    return backend_syscall(number, arguments);
}

static const char *const errno_names[] = {
    [EPERM] = "EPERM", [ENOENT] = "ENOENT", [ESRCH] = "ESRCH", [EINTR] = "EINTR",
    [EIO] = "EIO", [ENXIO] = "ENXIO", [E2BIG] = "E2BIG", [ENOEXEC] = "ENOEXEC",
    [EBADF] = "EBADF", [ECHILD] = "ECHILD", [EAGAIN] = "EAGAIN", [ENOMEM] = "ENOMEM",
    [EACCES] = "EACCES", [EFAULT] = "EFAULT", [ENOTBLK] = "ENOTBLK", [EBUSY] = "EBUSY",
    [EEXIST] = "EEXIST", [EXDEV] = "EXDEV", [ENODEV] = "ENODEV", [ENOTDIR] = "ENOTDIR",
    [EISDIR] = "EISDIR", [EINVAL] = "EINVAL", [ENFILE] = "ENFILE", [EMFILE] = "EMFILE",
    [ENOTTY] = "ENOTTY", [ETXTBSY] = "ETXTBSY", [EFBIG] = "EFBIG", [ENOSPC] = "ENOSPC",
    [ESPIPE] = "ESPIPE", [EROFS] = "EROFS", [EMLINK] = "EMLINK", [EPIPE] = "EPIPE",
    [EDOM] = "EDOM", [ERANGE] = "ERANGE", [EDEADLK] = "EDEADLK",
    [ENAMETOOLONG] = "ENAMETOOLONG", [ENOLCK] = "ENOLCK", [ENOSYS] = "ENOSYS",
    [ENOTEMPTY] = "ENOTEMPTY", [ELOOP] = "ELOOP", [EOVERFLOW] = "EOVERFLOW",
    [EOPNOTSUPP] = "EOPNOTSUPP", [ENOTSOCK] = "ENOTSOCK",
};

const char *result_name(long value)
{
    static char text[4][48];
    static unsigned next;
    char *out = text[next++ % 4];
    if (value < 0 && -value < (long)(sizeof errno_names / sizeof errno_names[0]) &&
        errno_names[-value])
        snprintf(out, sizeof text[0], "-%s", errno_names[-value]);
    else if (value < 0 && value > -4096)
        snprintf(out, sizeof text[0], "-errno %ld", -value);
    else
        snprintf(out, sizeof text[0], "%ld", value);
    return out;
}

void check_result(long got, long expected, const char *expression, const char *file, int line)
{
    if (got == expected)
        return;
    print_error("%s:%d: %s\n    returned %s on %s, expected %s\n", file, line, expression,
                result_name(got), backend_name(), result_name(expected));
    _fail(file, line);
}

long check_success(long got, const char *expression, const char *file, int line)
{
    if (got >= 0)
        return got;
    print_error("%s:%d: %s\n    failed with %s on %s\n", file, line, expression,
                result_name(got), backend_name());
    _fail(file, line);
    return got;
}

/* ======================================================== helpers */

long open_path(const char *path, unsigned flags, unsigned mode)
{
    return sys(SYS_openat, AT_FDCWD, user_string(path), flags, mode);
}

void create_file(const char *path, const char *contents)
{
    long fd = OK(open_path(path, O_WRONLY | O_CREAT | O_TRUNC, 0644));
    size_t length = strlen(contents);
    if (length > 0)
        CHECK(write_fd((int)fd, contents, length), (long)length);
    CHECK(sys(SYS_close, fd), 0);
}

void create_directory(const char *path)
{
    CHECK(sys(SYS_mkdir, user_string(path), 0755), 0);
}

void create_symlink(const char *target, const char *path)
{
    CHECK(sys(SYS_symlink, user_string(target), user_string(path)), 0);
}

long stat_at(int dirfd, const char *path, struct test_stat *out, unsigned flags)
{
    uintptr_t buffer = user_alloc(sizeof *out);
    long result = sys(SYS_newfstatat, dirfd, user_string(path), buffer, flags);
    if (result == 0 && out)
        user_read(out, buffer, sizeof *out);
    return result;
}

long stat_path(const char *path, struct test_stat *out) { return stat_at(AT_FDCWD, path, out, 0); }

long lstat_path(const char *path, struct test_stat *out)
{
    return stat_at(AT_FDCWD, path, out, AT_SYMLINK_NOFOLLOW);
}

long fstat_fd(int fd, struct test_stat *out)
{
    uintptr_t buffer = user_alloc(sizeof *out);
    long result = sys(SYS_fstat, fd, buffer);
    if (result == 0 && out)
        user_read(out, buffer, sizeof *out);
    return result;
}

long statx_at(int dirfd, const char *path, unsigned flags, unsigned mask, struct test_statx *out)
{
    uintptr_t buffer = user_alloc(sizeof *out);
    long result = sys(SYS_statx, dirfd, user_string(path), flags, mask, buffer);
    if (result == 0 && out)
        user_read(out, buffer, sizeof *out);
    return result;
}

bool path_exists(const char *path)
{
    long result = lstat_path(path, NULL);
    if (result != 0 && result != -ENOENT) {
        print_error("path_exists(%s): %s\n", path, result_name(result));
        fail();
    }
    return result == 0;
}

uint64_t inode_of(const char *path)
{
    struct test_stat st;
    CHECK(lstat_path(path, &st), 0);
    return st.st_ino;
}

long write_fd(int fd, const void *data, size_t length)
{
    uintptr_t buffer = user_alloc(length ? length : 1);
    user_write(buffer, data, length);
    return sys(SYS_write, fd, buffer, length);
}

long write_text(int fd, const char *text) { return write_fd(fd, text, strlen(text)); }

long read_fd(int fd, void *out, size_t length)
{
    uintptr_t buffer = user_alloc(length ? length : 1);
    long result = sys(SYS_read, fd, buffer, length);
    if (result > 0)
        user_read(out, buffer, (size_t)result);
    return result;
}

long pread_fd(int fd, void *out, size_t length, int64_t offset)
{
    uintptr_t buffer = user_alloc(length ? length : 1);
    long result = sys(SYS_pread64, fd, buffer, length, offset);
    if (result > 0)
        user_read(out, buffer, (size_t)result);
    return result;
}

long pwrite_fd(int fd, const void *data, size_t length, int64_t offset)
{
    uintptr_t buffer = user_alloc(length ? length : 1);
    user_write(buffer, data, length);
    return sys(SYS_pwrite64, fd, buffer, length, offset);
}

long read_file(const char *path, char *out, size_t size)
{
    long fd = open_path(path, O_RDONLY, 0);
    if (fd < 0)
        return fd;
    uintptr_t buffer = user_alloc(size);
    size_t total = 0;
    long result = 0;
    while (total + 1 < size) {
        result = sys(SYS_read, fd, buffer + total, size - 1 - total);
        if (result <= 0)
            break;
        total += (size_t)result;
    }
    CHECK(sys(SYS_close, fd), 0);
    if (result < 0)
        return result;
    user_read(out, buffer, total);
    out[total] = '\0';
    return (long)total;
}

long readlink_path(const char *path, char *out, size_t size)
{
    uintptr_t buffer = user_alloc(size);
    long result = sys(SYS_readlink, user_string(path), buffer, size - 1);
    if (result >= 0) {
        user_read(out, buffer, (size_t)result);
        out[result] = '\0';
    }
    return result;
}

long getcwd_text(char *out, size_t size)
{
    uintptr_t buffer = user_alloc(size);
    long result = sys(SYS_getcwd, buffer, size);
    if (result > 0)
        user_read(out, buffer, (size_t)result);
    return result;
}

long getdents_fd(int fd, size_t buffer_size, struct test_dirent *records, size_t max,
                 size_t *count)
{
    uintptr_t buffer = user_alloc(buffer_size ? buffer_size : 1);
    long result = sys(SYS_getdents64, fd, buffer, buffer_size);
    *count = 0;
    if (result <= 0)
        return result;
    unsigned char *data = malloc((size_t)result);
    assert_non_null(data);
    user_read(data, buffer, (size_t)result);
    size_t position = 0;
    while (position < (size_t)result) {
        struct test_dirent record;
        memset(&record, 0, sizeof record);
        memcpy(&record.ino, data + position, 8);
        memcpy(&record.off, data + position + 8, 8);
        memcpy(&record.reclen, data + position + 16, 2);
        record.type = data[position + 18];
        assert_true(record.reclen >= 20 && position + record.reclen <= (size_t)result);
        size_t name_room = record.reclen - 19;
        size_t name_length = strnlen((const char *)data + position + 19, name_room);
        assert_true(name_length < name_room); /* NUL-terminated inside the record */
        memcpy(record.name, data + position + 19, name_length);
        if (*count < max)
            records[*count] = record;
        (*count)++;
        position += record.reclen;
    }
    free(data);
    return result;
}

static char type_letter(unsigned type)
{
    switch (type) {
    case DT_DIR: return 'd';
    case DT_REG: return 'f';
    case DT_LNK: return 'l';
    case DT_CHR: return 'c';
    case DT_BLK: return 'b';
    case DT_FIFO: return 'p';
    case DT_SOCK: return 's';
    default: return '?';
    }
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

const char *directory_listing(const char *path)
{
    static char listing[4096];
    enum { MAX_ENTRIES = 128 };
    long fd = OK(open_path(path, O_RDONLY | O_DIRECTORY, 0));
    static struct test_dirent records[MAX_ENTRIES];
    char *names[MAX_ENTRIES];
    size_t total = 0;
    for (;;) {
        size_t count;
        long result = OK(getdents_fd((int)fd, 1024, records + total, MAX_ENTRIES - total, &count));
        if (result == 0)
            break;
        total += count;
        assert_true(total < MAX_ENTRIES);
    }
    CHECK(sys(SYS_close, fd), 0);
    for (size_t i = 0; i < total; i++) {
        names[i] = malloc(strlen(records[i].name) + 3);
        assert_non_null(names[i]);
        sprintf(names[i], "%s:%c", records[i].name, type_letter(records[i].type));
    }
    qsort(names, total, sizeof names[0], compare_strings);
    listing[0] = '\0';
    for (size_t i = 0; i < total; i++) {
        if (i > 0)
            strcat(listing, " ");
        assert_true(strlen(listing) + strlen(names[i]) + 2 < sizeof listing);
        strcat(listing, names[i]);
        free(names[i]);
    }
    return listing;
}

char *long_path(size_t length)
{
    static char path[8192];
    assert_true(length < sizeof path);
    for (size_t i = 0; i < length; i++)
        path[i] = (i % 2 == 0) ? 'a' : '/';
    path[length] = '\0';
    return path;
}

void *thread_start(const char *name, void (*function)(void *argument), void *argument)
{
    void *handle = backend_thread_start(name, function, argument);
    assert_non_null(handle);
    return handle;
}

void thread_join_checked(void *handle)
{
    int result = backend_thread_join(handle);
    if (result != 0) {
        print_error("thread join: %s\n", result_name(result));
        fail();
    }
}

void clock_advance_ms(unsigned milliseconds) { backend_clock_advance_ms(milliseconds); }
