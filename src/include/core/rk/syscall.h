/*
 * rk/syscall.h — the syscall dispatch entry. User mode (x86 SYSCALL, a
 * later issue) and the hosted test threads enter the kernel here with the
 * Linux x86_64 syscall number and six raw arguments; the result is what
 * Linux returns (a value or a negative errno).
 */
#ifndef RK_SYSCALL_H
#define RK_SYSCALL_H

#include <stdint.h>

#define SYSCALL_ARGUMENTS 6

/*
 * Run syscall number for the running thread's process. Unknown or
 * unimplemented numbers return -ENOSYS and log one line naming them.
 */
long syscall_dispatch(unsigned long number, const uint64_t arguments[SYSCALL_ARGUMENTS]);

/* Convenience for kernel callers and tests: syscall_dispatch with loose arguments. */
long syscall6(unsigned long number, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
              uint64_t a4, uint64_t a5);
#define syscall3(number, a0, a1, a2) syscall6((number), (uint64_t)(a0), (uint64_t)(a1), (uint64_t)(a2), 0, 0, 0)

/* Name of a syscall number ("?" when unknown). */
const char *syscall_name(unsigned long number);

/* Every handler has this shape: the six raw arguments in, Linux's result out. */
typedef long (*syscall_handler)(const uint64_t arguments[SYSCALL_ARGUMENTS]);

/* Linux x86_64 numbers of the syscalls implemented so far. */
enum syscall_number {
    SYS_read = 0, SYS_write = 1, SYS_open = 2, SYS_close = 3, SYS_stat = 4, SYS_fstat = 5,
    SYS_lstat = 6, SYS_lseek = 8, SYS_ioctl = 16, SYS_pread64 = 17, SYS_pwrite64 = 18,
    SYS_readv = 19, SYS_writev = 20, SYS_access = 21, SYS_pipe = 22, SYS_dup = 32,
    SYS_dup2 = 33, SYS_getpid = 39, SYS_fcntl = 72, SYS_fsync = 74, SYS_fdatasync = 75,
    SYS_truncate = 76, SYS_ftruncate = 77, SYS_getcwd = 79, SYS_chdir = 80, SYS_fchdir = 81,
    SYS_rename = 82, SYS_mkdir = 83, SYS_rmdir = 84, SYS_creat = 85, SYS_link = 86,
    SYS_unlink = 87, SYS_symlink = 88, SYS_readlink = 89, SYS_chmod = 90, SYS_fchmod = 91,
    SYS_umask = 95, SYS_mknod = 133, SYS_sync = 162, SYS_mount = 165, SYS_umount2 = 166,
    SYS_getdents64 = 217, SYS_openat = 257, SYS_mkdirat = 258, SYS_mknodat = 259,
    SYS_newfstatat = 262, SYS_unlinkat = 263, SYS_renameat = 264, SYS_linkat = 265,
    SYS_symlinkat = 266, SYS_readlinkat = 267, SYS_fchmodat = 268, SYS_faccessat = 269,
    SYS_dup3 = 292, SYS_pipe2 = 293, SYS_renameat2 = 316, SYS_statx = 332,
    SYS_faccessat2 = 439,
    SYSCALL_COUNT = 440,
};

#endif
