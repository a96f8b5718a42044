/*
 * syscall_support.h — helpers shared by the syscall families: fetching
 * paths from user memory, looking descriptors up, unpacking arguments.
 */
#ifndef RK_CORE_SYSCALL_SUPPORT_H
#define RK_CORE_SYSCALL_SUPPORT_H

#include <rk/errno.h>
#include <rk/file.h>
#include <rk/path.h>
#include <rk/process.h>
#include <rk/syscall.h>
#include <rk/usercopy.h>

#include "../vfs/vfs_internal.h"

/*
 * Copy the user path at address into a new kernel buffer (PATH_MAX bytes).
 * Returns the buffer (free with kfree) or an error pointer: -EFAULT,
 * -ENAMETOOLONG.
 */
char *user_path_copy(uintptr_t address);

/* Copy a user path and resolve it with RESOLVE_* flags; 0 and a referenced *entry, or -errno. */
long user_path_resolve(int dirfd, uintptr_t address, unsigned resolve, struct path_entry **entry);

/* A resolved parent directory plus the last component of a user path. */
struct parent_name {
    char *path;                 /* kernel copy, owns name */
    struct path_entry *parent;  /* referenced */
    const char *name;           /* the last component, inside path */
    size_t length;
    bool trailing_slash;
};

/* Fill target from a user path relative to dirfd. Returns 0 or -errno (nothing held then). */
long parent_name_get(int dirfd, uintptr_t path_address, struct parent_name *target);
/* Release what parent_name_get() took. */
void parent_name_put(struct parent_name *target);

/* True for "." (1) and ".." (2 characters). */
static inline bool is_dot(const char *name, size_t length) { return length == 1 && name[0] == '.'; }
static inline bool is_dot_dot(const char *name, size_t length)
{
    return length == 2 && name[0] == '.' && name[1] == '.';
}
static inline bool is_dot_or_dot_dot(const char *name, size_t length)
{
    return is_dot(name, length) || is_dot_dot(name, length);
}

/* rmdir of a user path relative to dirfd (rmdir and unlinkat(AT_REMOVEDIR)). */
long vfs_remove_directory(int dirfd, uintptr_t path_address);

/* The running process's umask (022 for a kernel thread without a process). */
static inline uint32_t process_umask(void)
{
    struct process *process = process_current();
    return process ? process->umask : 022;
}

/* The running process's file at fd with a reference, or NULL. */
static inline struct file *syscall_file(int fd) { return fd_get(process_current(), fd); }

/* A syscall argument as an int, an unsigned and a user address. */
#define ARGUMENT_INT(index) ((int)arguments[index])
#define ARGUMENT_UNSIGNED(index) ((unsigned)arguments[index])
#define ARGUMENT_ADDRESS(index) ((uintptr_t)arguments[index])

/* One row of a family's table. */
struct syscall_entry {
    unsigned number;            /* SYS_* */
    const char *name;
    syscall_handler handler;
};
#define SYSCALL_ENTRY(name) { SYS_##name, #name, sys_##name }

/* A family: the syscalls one area of the Core implements (dispatch.c merges them). */
struct syscall_family {
    const struct syscall_entry *entries;
    size_t count;
};
#define SYSCALL_FAMILY_DEFINE(family, ...)                                                     \
    static const struct syscall_entry family##_entries[] = { __VA_ARGS__ };                    \
    const struct syscall_family syscall_family_##family = {                                    \
        family##_entries, sizeof family##_entries / sizeof family##_entries[0] }

extern const struct syscall_family syscall_family_files;    /* families_files.c: VFS, fds, pipes */
extern const struct syscall_family syscall_family_memory;   /* mm/: mmap, brk... */
extern const struct syscall_family syscall_family_exec;     /* exec/: execve */
extern const struct syscall_family syscall_family_process;  /* fork, clone, wait, ids, futex... */
extern const struct syscall_family syscall_family_signal;   /* rt_sig*, kill... */
extern const struct syscall_family syscall_family_system;   /* time, poll, uname, reboot... */
extern const struct syscall_family syscall_family_network;  /* sockets, epoll */

/* Handlers of every family (one syscall family per file). */
long sys_read(const uint64_t arguments[6]);
long sys_write(const uint64_t arguments[6]);
long sys_pread64(const uint64_t arguments[6]);
long sys_pwrite64(const uint64_t arguments[6]);
long sys_readv(const uint64_t arguments[6]);
long sys_writev(const uint64_t arguments[6]);
long sys_lseek(const uint64_t arguments[6]);
long sys_open(const uint64_t arguments[6]);
long sys_openat(const uint64_t arguments[6]);
long sys_creat(const uint64_t arguments[6]);
long sys_close(const uint64_t arguments[6]);
long sys_stat(const uint64_t arguments[6]);
long sys_fstat(const uint64_t arguments[6]);
long sys_lstat(const uint64_t arguments[6]);
long sys_newfstatat(const uint64_t arguments[6]);
long sys_statx(const uint64_t arguments[6]);
long sys_mkdir(const uint64_t arguments[6]);
long sys_mkdirat(const uint64_t arguments[6]);
long sys_mknod(const uint64_t arguments[6]);
long sys_mknodat(const uint64_t arguments[6]);
long sys_rmdir(const uint64_t arguments[6]);
long sys_getdents64(const uint64_t arguments[6]);
long sys_chdir(const uint64_t arguments[6]);
long sys_fchdir(const uint64_t arguments[6]);
long sys_getcwd(const uint64_t arguments[6]);
long sys_unlink(const uint64_t arguments[6]);
long sys_unlinkat(const uint64_t arguments[6]);
long sys_link(const uint64_t arguments[6]);
long sys_linkat(const uint64_t arguments[6]);
long sys_symlink(const uint64_t arguments[6]);
long sys_symlinkat(const uint64_t arguments[6]);
long sys_readlink(const uint64_t arguments[6]);
long sys_readlinkat(const uint64_t arguments[6]);
long sys_rename(const uint64_t arguments[6]);
long sys_renameat(const uint64_t arguments[6]);
long sys_renameat2(const uint64_t arguments[6]);
long sys_dup(const uint64_t arguments[6]);
long sys_dup2(const uint64_t arguments[6]);
long sys_dup3(const uint64_t arguments[6]);
long sys_fcntl(const uint64_t arguments[6]);
long sys_ioctl(const uint64_t arguments[6]);
long sys_chmod(const uint64_t arguments[6]);
long sys_fchmod(const uint64_t arguments[6]);
long sys_fchmodat(const uint64_t arguments[6]);
long sys_umask(const uint64_t arguments[6]);
long sys_access(const uint64_t arguments[6]);
long sys_faccessat(const uint64_t arguments[6]);
long sys_faccessat2(const uint64_t arguments[6]);
long sys_truncate(const uint64_t arguments[6]);
long sys_ftruncate(const uint64_t arguments[6]);
long sys_fsync(const uint64_t arguments[6]);
long sys_fdatasync(const uint64_t arguments[6]);
long sys_sync(const uint64_t arguments[6]);
long sys_mount(const uint64_t arguments[6]);
long sys_umount2(const uint64_t arguments[6]);
long sys_pipe(const uint64_t arguments[6]);
long sys_pipe2(const uint64_t arguments[6]);
/* ownership.c, times.c, sendfile.c. */
long sys_chown(const uint64_t arguments[6]);
long sys_fchown(const uint64_t arguments[6]);
long sys_lchown(const uint64_t arguments[6]);
long sys_fchownat(const uint64_t arguments[6]);
long sys_utimensat(const uint64_t arguments[6]);
long sys_utimes(const uint64_t arguments[6]);
long sys_futimesat(const uint64_t arguments[6]);
long sys_utime(const uint64_t arguments[6]);
long sys_sendfile(const uint64_t arguments[6]);
long sys_copy_file_range(const uint64_t arguments[6]);
/* The memory family (memory.c). */
long sys_mmap(const uint64_t arguments[6]);
long sys_munmap(const uint64_t arguments[6]);
long sys_mprotect(const uint64_t arguments[6]);
long sys_mremap(const uint64_t arguments[6]);
long sys_madvise(const uint64_t arguments[6]);
long sys_brk(const uint64_t arguments[6]);
long sys_msync(const uint64_t arguments[6]);
long sys_mincore(const uint64_t arguments[6]);
long sys_mlock(const uint64_t arguments[6]);
long sys_mlock2(const uint64_t arguments[6]);
long sys_munlock(const uint64_t arguments[6]);
long sys_mlockall(const uint64_t arguments[6]);
long sys_munlockall(const uint64_t arguments[6]);

/*
 * The deadline of an optional user timespec (ppoll, pselect6,
 * epoll_pwait2): WAIT_FOREVER for address 0, else now + the timespec.
 * Returns 0, -EFAULT, or -EINVAL for an invalid timespec.
 */
int syscall_deadline_from_timespec(uintptr_t address, uint64_t *deadline);
/*
 * The temporary signal mask of ppoll, pselect6 and epoll_pwait(2)
 * (Linux's set_user_sigmask): none when address is 0; -EINVAL unless size
 * is 8; -EFAULT. The old mask is kept in saved_blocked with
 * restore_saved_blocked set (poll.c).
 */
int syscall_signal_mask_install(uintptr_t address, uint64_t size);
/*
 * After the wait: unless a signal is about to be delivered (-EINTR,
 * -ERESTARTNOHAND: delivery restores the mask after the handler), put the
 * caller's mask back now.
 */
void syscall_signal_mask_finish(long result);

#endif
