/*
 * family_files.c — the table of the file-system family: paths, descriptors,
 * reads and writes, pipes, mounts (handlers in the files beside this one).
 */
#include "syscall_support.h"

SYSCALL_FAMILY_DEFINE(files,
    SYSCALL_ENTRY(read), SYSCALL_ENTRY(write), SYSCALL_ENTRY(open), SYSCALL_ENTRY(close),
    SYSCALL_ENTRY(stat), SYSCALL_ENTRY(fstat), SYSCALL_ENTRY(lstat), SYSCALL_ENTRY(lseek),
    SYSCALL_ENTRY(ioctl), SYSCALL_ENTRY(pread64), SYSCALL_ENTRY(pwrite64), SYSCALL_ENTRY(readv),
    SYSCALL_ENTRY(writev), SYSCALL_ENTRY(access), SYSCALL_ENTRY(pipe), SYSCALL_ENTRY(dup),
    SYSCALL_ENTRY(dup2), SYSCALL_ENTRY(fcntl), SYSCALL_ENTRY(fsync),
    SYSCALL_ENTRY(fdatasync), SYSCALL_ENTRY(truncate), SYSCALL_ENTRY(ftruncate),
    SYSCALL_ENTRY(getcwd), SYSCALL_ENTRY(chdir), SYSCALL_ENTRY(fchdir), SYSCALL_ENTRY(rename),
    SYSCALL_ENTRY(mkdir), SYSCALL_ENTRY(rmdir), SYSCALL_ENTRY(creat), SYSCALL_ENTRY(link),
    SYSCALL_ENTRY(unlink), SYSCALL_ENTRY(symlink), SYSCALL_ENTRY(readlink), SYSCALL_ENTRY(chmod),
    SYSCALL_ENTRY(fchmod), SYSCALL_ENTRY(umask), SYSCALL_ENTRY(mknod), SYSCALL_ENTRY(sync),
    SYSCALL_ENTRY(mount), SYSCALL_ENTRY(umount2), SYSCALL_ENTRY(getdents64),
    SYSCALL_ENTRY(openat), SYSCALL_ENTRY(mkdirat), SYSCALL_ENTRY(mknodat),
    SYSCALL_ENTRY(newfstatat), SYSCALL_ENTRY(unlinkat), SYSCALL_ENTRY(renameat),
    SYSCALL_ENTRY(linkat), SYSCALL_ENTRY(symlinkat), SYSCALL_ENTRY(readlinkat),
    SYSCALL_ENTRY(fchmodat), SYSCALL_ENTRY(faccessat), SYSCALL_ENTRY(dup3), SYSCALL_ENTRY(pipe2),
    SYSCALL_ENTRY(renameat2), SYSCALL_ENTRY(statx), SYSCALL_ENTRY(faccessat2),
    SYSCALL_ENTRY(chown), SYSCALL_ENTRY(fchown), SYSCALL_ENTRY(lchown), SYSCALL_ENTRY(fchownat),
    SYSCALL_ENTRY(utimensat), SYSCALL_ENTRY(utimes), SYSCALL_ENTRY(futimesat), SYSCALL_ENTRY(utime),
    SYSCALL_ENTRY(sendfile), SYSCALL_ENTRY(copy_file_range));
