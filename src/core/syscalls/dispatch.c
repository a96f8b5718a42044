/*
 * dispatch.c — the syscall table and the dispatch entry.
 */
#include <rk/errno.h>
#include <rk/heap.h>
#include <rk/klog.h>
#include <rk/string.h>

#include "syscall_support.h"

struct syscall_entry {
    const char *name;
    syscall_handler handler;
};

#define ENTRY(name) [SYS_##name] = { #name, sys_##name }

static const struct syscall_entry syscall_table[SYSCALL_COUNT] = {
    ENTRY(read), ENTRY(write), ENTRY(open), ENTRY(close), ENTRY(stat), ENTRY(fstat),
    ENTRY(lstat), ENTRY(lseek), ENTRY(ioctl), ENTRY(pread64), ENTRY(pwrite64), ENTRY(readv),
    ENTRY(writev), ENTRY(access), ENTRY(pipe), ENTRY(dup), ENTRY(dup2), ENTRY(getpid),
    ENTRY(fcntl), ENTRY(fsync), ENTRY(fdatasync), ENTRY(truncate), ENTRY(ftruncate),
    ENTRY(getcwd), ENTRY(chdir), ENTRY(fchdir), ENTRY(rename), ENTRY(mkdir), ENTRY(rmdir),
    ENTRY(creat), ENTRY(link), ENTRY(unlink), ENTRY(symlink), ENTRY(readlink), ENTRY(chmod),
    ENTRY(fchmod), ENTRY(umask), ENTRY(mknod), ENTRY(sync), ENTRY(mount), ENTRY(umount2),
    ENTRY(getdents64), ENTRY(openat), ENTRY(mkdirat), ENTRY(mknodat), ENTRY(newfstatat),
    ENTRY(unlinkat), ENTRY(renameat), ENTRY(linkat), ENTRY(symlinkat), ENTRY(readlinkat),
    ENTRY(fchmodat), ENTRY(faccessat), ENTRY(dup3), ENTRY(pipe2), ENTRY(renameat2),
    ENTRY(statx), ENTRY(faccessat2),
};

/* Every Linux x86_64 syscall name (generated from asm/unistd_64.h). */
extern const unsigned linux_syscall_name_count;
extern const char *const linux_syscall_names[];

const char *syscall_name(unsigned long number)
{
    if (number < SYSCALL_COUNT && syscall_table[number].name)
        return syscall_table[number].name;
    if (number < linux_syscall_name_count && linux_syscall_names[number])
        return linux_syscall_names[number];
    return "unknown";
}

long syscall_dispatch(unsigned long number, const uint64_t arguments[SYSCALL_ARGUMENTS])
{
    if (number >= SYSCALL_COUNT || !syscall_table[number].handler) {
        klog(KLOG_WARNING, "syscall %lu (%s) not implemented: ENOSYS", number, syscall_name(number));
        return -ENOSYS;
    }
    return syscall_table[number].handler(arguments);
}

long syscall6(unsigned long number, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
              uint64_t a4, uint64_t a5)
{
    const uint64_t arguments[SYSCALL_ARGUMENTS] = { a0, a1, a2, a3, a4, a5 };
    return syscall_dispatch(number, arguments);
}

char *user_path_copy(uintptr_t address)
{
    char *path = kmalloc(PATH_MAX);
    if (!path)
        return error_pointer(-ENOMEM);
    long length = copy_string_from_user(path, address, PATH_MAX);
    if (length < 0) {
        kfree(path);
        return error_pointer(length);
    }
    return path;
}

long user_path_resolve(int dirfd, uintptr_t address, unsigned resolve, struct path_entry **entry)
{
    char *path = user_path_copy(address);
    if (is_error_pointer(path))
        return pointer_error(path);
    long result = path_resolve(process_current(), dirfd, path, resolve, entry);
    kfree(path);
    return result;
}

long parent_name_get(int dirfd, uintptr_t path_address, struct parent_name *target)
{
    target->path = user_path_copy(path_address);
    if (is_error_pointer(target->path))
        return pointer_error(target->path);
    long result = path_resolve_parent(process_current(), dirfd, target->path, &target->parent,
                                      &target->name, &target->length, &target->trailing_slash);
    if (result < 0)
        kfree(target->path);
    return result;
}

void parent_name_put(struct parent_name *target)
{
    path_put(target->parent);
    kfree(target->path);
}

long sys_getpid(const uint64_t arguments[6])
{
    struct process *process = process_current();
    return process ? process->pid : 0;
}
