/*
 * syscall_descriptions.c — the typed description of every syscall the
 * fuzzer issues: argument types (how program_decode chooses values) and
 * what the result is (descriptors, pids and addresses feed later calls).
 * Numbers are Linux x86_64's (rk/syscall.h). reboot is left out: powering
 * the machine off ends the input, it finds nothing.
 */
#include <rk/syscall.h>

#include "program.h"

#define SET(name, ...)                                                                   \
    static const struct named_value name##_values[] = { __VA_ARGS__ };                   \
    static const struct value_set name = { name##_values, sizeof name##_values / sizeof name##_values[0] }
#define V(name) { #name, name }
#define NV(name, value) { name, value }

/* Flag values by their Linux names (x86_64). */
#define O_WRONLY 01
#define O_RDWR 02
#define O_CREAT 0100
#define O_EXCL 0200
#define O_NOCTTY 0400
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_NONBLOCK 04000
#define O_DSYNC 010000
#define O_DIRECT 040000
#define O_LARGEFILE 0100000
#define O_DIRECTORY 0200000
#define O_NOFOLLOW 0400000
#define O_NOATIME 01000000
#define O_CLOEXEC 02000000
#define O_SYNC 04010000
#define O_PATH 010000000
#define O_TMPFILE 020200000

SET(open_flags, V(O_WRONLY), V(O_RDWR), V(O_CREAT), V(O_EXCL), V(O_NOCTTY), V(O_TRUNC), V(O_APPEND),
    V(O_NONBLOCK), V(O_DSYNC), V(O_DIRECT), V(O_LARGEFILE), V(O_DIRECTORY), V(O_NOFOLLOW), V(O_NOATIME),
    V(O_CLOEXEC), V(O_SYNC), V(O_PATH), V(O_TMPFILE));
SET(at_flags, NV("AT_SYMLINK_NOFOLLOW", 0x100), NV("AT_REMOVEDIR", 0x200), NV("AT_SYMLINK_FOLLOW", 0x400),
    NV("AT_NO_AUTOMOUNT", 0x800), NV("AT_EMPTY_PATH", 0x1000), NV("AT_STATX_DONT_SYNC", 0x4000));
SET(access_modes, NV("R_OK", 4), NV("W_OK", 2), NV("X_OK", 1));
SET(seek_whence, NV("SEEK_SET", 0), NV("SEEK_CUR", 1), NV("SEEK_END", 2), NV("SEEK_DATA", 3),
    NV("SEEK_HOLE", 4));
SET(fcntl_commands, NV("F_DUPFD", 0), NV("F_GETFD", 1), NV("F_SETFD", 2), NV("F_GETFL", 3),
    NV("F_SETFL", 4), NV("F_GETLK", 5), NV("F_SETLK", 6), NV("F_SETLKW", 7), NV("F_SETOWN", 8),
    NV("F_GETOWN", 9), NV("F_SETSIG", 10), NV("F_GETSIG", 11), NV("F_DUPFD_CLOEXEC", 1030),
    NV("F_SETPIPE_SZ", 1031), NV("F_GETPIPE_SZ", 1032), NV("F_ADD_SEALS", 1033), NV("F_GET_SEALS", 1034),
    NV("F_OFD_GETLK", 36), NV("F_SETLEASE", 1024), NV("F_NOTIFY", 1026));
SET(ioctl_requests, NV("TCGETS", 0x5401), NV("TCSETS", 0x5402), NV("TCSETSW", 0x5403),
    NV("TCSETSF", 0x5404), NV("TCSBRK", 0x5409), NV("TCXONC", 0x540a), NV("TCFLSH", 0x540b),
    NV("TIOCSCTTY", 0x540e), NV("TIOCGPGRP", 0x540f), NV("TIOCSPGRP", 0x5410), NV("TIOCOUTQ", 0x5411),
    NV("TIOCSTI", 0x5412), NV("TIOCGWINSZ", 0x5413), NV("TIOCSWINSZ", 0x5414), NV("FIONREAD", 0x541b),
    NV("TIOCNOTTY", 0x5422), NV("FIONBIO", 0x5421), NV("TIOCGSID", 0x5429), NV("FIONCLEX", 0x5450),
    NV("FIOCLEX", 0x5451), NV("FIOASYNC", 0x5452), NV("TCGETS2", 0x802c542a), NV("FIGETBSZ", 2),
    NV("TIOCGPTN", 0x80045430), NV("TIOCEXCL", 0x540c), NV("TIOCNXCL", 0x540d));
SET(protections, NV("PROT_READ", 1), NV("PROT_WRITE", 2), NV("PROT_EXEC", 4), NV("PROT_SEM", 8),
    NV("PROT_GROWSDOWN", 0x01000000), NV("PROT_GROWSUP", 0x02000000));
SET(map_flags, NV("MAP_SHARED", 1), NV("MAP_PRIVATE", 2), NV("MAP_FIXED", 0x10), NV("MAP_ANONYMOUS", 0x20),
    NV("MAP_32BIT", 0x40), NV("MAP_GROWSDOWN", 0x100), NV("MAP_DENYWRITE", 0x800),
    NV("MAP_EXECUTABLE", 0x1000), NV("MAP_LOCKED", 0x2000), NV("MAP_NORESERVE", 0x4000),
    NV("MAP_POPULATE", 0x8000), NV("MAP_NONBLOCK", 0x10000), NV("MAP_STACK", 0x20000),
    NV("MAP_HUGETLB", 0x40000), NV("MAP_FIXED_NOREPLACE", 0x100000), NV("MAP_SHARED_VALIDATE", 3));
SET(remap_flags, NV("MREMAP_MAYMOVE", 1), NV("MREMAP_FIXED", 2), NV("MREMAP_DONTUNMAP", 4));
SET(advice, NV("MADV_NORMAL", 0), NV("MADV_RANDOM", 1), NV("MADV_SEQUENTIAL", 2), NV("MADV_WILLNEED", 3),
    NV("MADV_DONTNEED", 4), NV("MADV_FREE", 8), NV("MADV_REMOVE", 9), NV("MADV_DONTFORK", 10),
    NV("MADV_DOFORK", 11), NV("MADV_MERGEABLE", 12), NV("MADV_HUGEPAGE", 14), NV("MADV_DONTDUMP", 16),
    NV("MADV_COLD", 20), NV("MADV_PAGEOUT", 21));
SET(sync_flags, NV("MS_ASYNC", 1), NV("MS_INVALIDATE", 2), NV("MS_SYNC", 4));
SET(lock_flags, NV("MCL_CURRENT", 1), NV("MCL_FUTURE", 2), NV("MCL_ONFAULT", 4));
SET(clone_flags, NV("SIGCHLD", 17), NV("CLONE_VM", 0x100), NV("CLONE_FS", 0x200), NV("CLONE_FILES", 0x400),
    NV("CLONE_SIGHAND", 0x800), NV("CLONE_PIDFD", 0x1000), NV("CLONE_PTRACE", 0x2000),
    NV("CLONE_VFORK", 0x4000), NV("CLONE_PARENT", 0x8000), NV("CLONE_THREAD", 0x10000),
    NV("CLONE_NEWNS", 0x20000), NV("CLONE_SYSVSEM", 0x40000), NV("CLONE_SETTLS", 0x80000),
    NV("CLONE_PARENT_SETTID", 0x100000), NV("CLONE_CHILD_CLEARTID", 0x200000),
    NV("CLONE_DETACHED", 0x400000), NV("CLONE_UNTRACED", 0x800000), NV("CLONE_CHILD_SETTID", 0x1000000),
    NV("SIGUSR1", 10));
SET(wait_options, NV("WNOHANG", 1), NV("WUNTRACED", 2), NV("WEXITED", 4), NV("WCONTINUED", 8),
    NV("WNOWAIT", 0x01000000), NV("__WNOTHREAD", 0x20000000), NV("__WALL", 0x40000000),
    NV("__WCLONE", 0x80000000));
SET(id_types, NV("P_ALL", 0), NV("P_PID", 1), NV("P_PGID", 2), NV("P_PIDFD", 3));
SET(mask_how, NV("SIG_BLOCK", 0), NV("SIG_UNBLOCK", 1), NV("SIG_SETMASK", 2));
SET(timer_kinds, NV("ITIMER_REAL", 0), NV("ITIMER_VIRTUAL", 1), NV("ITIMER_PROF", 2));
SET(clocks, NV("CLOCK_REALTIME", 0), NV("CLOCK_MONOTONIC", 1), NV("CLOCK_PROCESS_CPUTIME_ID", 2),
    NV("CLOCK_THREAD_CPUTIME_ID", 3), NV("CLOCK_MONOTONIC_RAW", 4), NV("CLOCK_REALTIME_COARSE", 5),
    NV("CLOCK_MONOTONIC_COARSE", 6), NV("CLOCK_BOOTTIME", 7), NV("CLOCK_TAI", 11));
SET(sleep_flags, NV("TIMER_ABSTIME", 1));
SET(futex_operations, NV("FUTEX_WAKE", 1), NV("FUTEX_FD", 2), NV("FUTEX_REQUEUE_BIT", 4),
    NV("FUTEX_LOCK_PI_BIT", 8), NV("FUTEX_PRIVATE_FLAG", 128), NV("FUTEX_CLOCK_REALTIME", 256));
SET(prctl_options, NV("PR_SET_PDEATHSIG", 1), NV("PR_GET_PDEATHSIG", 2), NV("PR_GET_DUMPABLE", 3),
    NV("PR_SET_DUMPABLE", 4), NV("PR_SET_KEEPCAPS", 8), NV("PR_SET_NAME", 15), NV("PR_GET_NAME", 16),
    NV("PR_CAPBSET_READ", 23), NV("PR_SET_TIMERSLACK", 29), NV("PR_GET_TIMERSLACK", 30),
    NV("PR_SET_CHILD_SUBREAPER", 36), NV("PR_GET_CHILD_SUBREAPER", 37), NV("PR_SET_NO_NEW_PRIVS", 38),
    NV("PR_GET_NO_NEW_PRIVS", 39), NV("PR_SET_MM", 35), NV("PR_GET_TID_ADDRESS", 40));
SET(arch_prctl_codes, NV("ARCH_SET_GS", 0x1001), NV("ARCH_SET_FS", 0x1002), NV("ARCH_GET_FS", 0x1003),
    NV("ARCH_GET_GS", 0x1004), NV("ARCH_GET_CPUID", 0x1011), NV("ARCH_SET_CPUID", 0x1012));
SET(filesystem_types, NV("tmpfs", 0), NV("proc", 0), NV("devtmpfs", 0), NV("ramfs", 0), NV("sysfs", 0),
    NV("ext4", 0), NV("", 0));
SET(mount_options, NV("size=64k", 0), NV("mode=0700", 0), NV("nr_inodes=4", 0), NV("size=0", 0),
    NV("uid=0,gid=0", 0), NV("", 0), NV("size=1g,mode=1777", 0), NV("bogus", 0));
SET(mount_flags, NV("MS_RDONLY", 1), NV("MS_NOSUID", 2), NV("MS_NODEV", 4), NV("MS_NOEXEC", 8),
    NV("MS_SYNCHRONOUS", 16), NV("MS_REMOUNT", 32), NV("MS_MANDLOCK", 64), NV("MS_DIRSYNC", 128),
    NV("MS_NOATIME", 1024), NV("MS_NODIRATIME", 2048), NV("MS_BIND", 4096), NV("MS_MOVE", 8192),
    NV("MS_REC", 16384), NV("MS_SILENT", 32768), NV("MS_PRIVATE", 1 << 18), NV("MS_SLAVE", 1 << 19),
    NV("MS_SHARED", 1 << 20), NV("MS_LAZYTIME", 1 << 25));
SET(unmount_flags, NV("MNT_FORCE", 1), NV("MNT_DETACH", 2), NV("MNT_EXPIRE", 4), NV("UMOUNT_NOFOLLOW", 8));
SET(rename_flags, NV("RENAME_NOREPLACE", 1), NV("RENAME_EXCHANGE", 2), NV("RENAME_WHITEOUT", 4));
SET(statx_mask, NV("STATX_TYPE", 1), NV("STATX_MODE", 2), NV("STATX_NLINK", 4), NV("STATX_UID", 8),
    NV("STATX_SIZE", 0x200), NV("STATX_BLOCKS", 0x400), NV("STATX_BASIC_STATS", 0x7ff),
    NV("STATX_BTIME", 0x800), NV("STATX__RESERVED", 0x80000000));
SET(pipe_flags, NV("O_CLOEXEC", O_CLOEXEC), NV("O_NONBLOCK", O_NONBLOCK), NV("O_DIRECT", O_DIRECT),
    NV("O_EXCL", O_EXCL));
SET(random_flags, NV("GRND_NONBLOCK", 1), NV("GRND_RANDOM", 2), NV("GRND_INSECURE", 4));
SET(usage_who, NV("RUSAGE_SELF", 0), NV("RUSAGE_CHILDREN", (uint64_t)-1), NV("RUSAGE_THREAD", 1));
SET(lock2_flags, NV("MLOCK_ONFAULT", 1));
SET(scheduling_policies, NV("SCHED_OTHER", 0), NV("SCHED_FIFO", 1), NV("SCHED_RR", 2),
    NV("SCHED_BATCH", 3), NV("SCHED_IDLE", 5), NV("SCHED_DEADLINE", 6));
SET(resources, NV("RLIMIT_CPU", 0), NV("RLIMIT_FSIZE", 1), NV("RLIMIT_DATA", 2), NV("RLIMIT_STACK", 3),
    NV("RLIMIT_CORE", 4), NV("RLIMIT_NPROC", 6), NV("RLIMIT_NOFILE", 7), NV("RLIMIT_MEMLOCK", 8),
    NV("RLIMIT_AS", 9), NV("RLIMIT_SIGPENDING", 11), NV("RLIMIT_RTTIME", 15), NV("RLIMIT_NLIMITS", 16));

SET(socket_families, NV("AF_UNSPEC", 0), NV("AF_UNIX", 1), NV("AF_INET", 2), NV("AF_INET6", 10),
    NV("AF_NETLINK", 16), NV("AF_PACKET", 17));
SET(socket_types, NV("SOCK_STREAM", 1), NV("SOCK_DGRAM", 2), NV("SOCK_SEQPACKET", 5),
    NV("SOCK_NONBLOCK", O_NONBLOCK), NV("SOCK_CLOEXEC", O_CLOEXEC));
SET(socket_protocols, NV("IPPROTO_IP", 0), NV("PF_UNIX", 1), NV("IPPROTO_TCP", 6), NV("IPPROTO_UDP", 17),
    NV("IPPROTO_MAX", 263));
SET(socket_flags, NV("SOCK_NONBLOCK", O_NONBLOCK), NV("SOCK_CLOEXEC", O_CLOEXEC));
SET(message_flags, NV("MSG_OOB", 1), NV("MSG_PEEK", 2), NV("MSG_TRUNC", 0x20), NV("MSG_DONTWAIT", 0x40),
    NV("MSG_EOR", 0x80), NV("MSG_WAITALL", 0x100), NV("MSG_NOSIGNAL", 0x4000), NV("MSG_MORE", 0x8000),
    NV("MSG_CMSG_CLOEXEC", 0x40000000));
SET(shutdown_how, NV("SHUT_RD", 0), NV("SHUT_WR", 1), NV("SHUT_RDWR", 2), NV("3", 3));
SET(option_levels, NV("SOL_IP", 0), NV("SOL_SOCKET", 1), NV("SOL_TCP", 6), NV("SOL_UDP", 17));
SET(option_names, NV("TCP_NODELAY", 1), NV("SO_REUSEADDR", 2), NV("SO_TYPE", 3), NV("SO_ERROR", 4),
    NV("SO_SNDBUF", 7), NV("SO_RCVBUF", 8), NV("SO_KEEPALIVE", 9), NV("SO_LINGER", 13),
    NV("SO_PASSCRED", 16), NV("SO_PEERCRED", 17), NV("SO_RCVTIMEO", 20), NV("SO_SNDTIMEO", 21),
    NV("SO_ACCEPTCONN", 30), NV("SO_PROTOCOL", 38), NV("SO_DOMAIN", 39));
SET(epoll_operations, NV("EPOLL_CTL_ADD", 1), NV("EPOLL_CTL_DEL", 2), NV("EPOLL_CTL_MOD", 3), NV("0", 0));
SET(epoll_create_flags, NV("EPOLL_CLOEXEC", O_CLOEXEC), NV("O_NONBLOCK", O_NONBLOCK));

/* Argument constructors: name, then what the type needs. */
#define INT(name) { name, TYPE_INTEGER, NULL, 0, 0 }
#define FD(name) { name, TYPE_FD, NULL, 0, 0 }
#define DIRFD(name) { name, TYPE_DIRFD, NULL, 0, 0 }
#define PID(name) { name, TYPE_PID, NULL, 0, 0 }
#define SIGNAL(name) { name, TYPE_SIGNAL, NULL, 0, 0 }
#define PATH(name) { name, TYPE_PATH, NULL, 0, 0 }
#define FLAGS(name, set) { name, TYPE_FLAGS, &set, 0, 0 }
#define CHOICE(name, set) { name, TYPE_CHOICE, &set, 0, 0 }
#define STRING(name, set) { name, TYPE_STRING, &set, 0, 0 }
#define MODE(name) { name, TYPE_MODE, NULL, 0, 0 }
#define LENGTH(name) { name, TYPE_LENGTH, NULL, 0, 0 }
#define LENGTH_OF(name, index) { name, TYPE_LENGTH, NULL, 0, (index) + 1 }
#define IN(name, size) { name, TYPE_BUFFER_IN, NULL, size, 0 }
#define OUT(name, size) { name, TYPE_BUFFER_OUT, NULL, size, 0 }
#define IOVEC(name, size) { name, TYPE_IOVEC, NULL, size, 0 }
#define ADDRESS(name) { name, TYPE_ADDRESS, NULL, 0, 0 }
#define POINTER(name, size) { name, TYPE_POINTER, NULL, size, 0 }
#define TIMESPEC(name) { name, TYPE_TIMESPEC, NULL, 0, 0 }
#define TIMEVAL(name) { name, TYPE_TIMEVAL, NULL, 0, 0 }
#define ITIMERVAL(name) { name, TYPE_ITIMERVAL, NULL, 0, 0 }
#define SIGACTION(name) { name, TYPE_SIGACTION, NULL, 0, 0 }

#define ARGUMENT_COUNT(...) \
    (sizeof((struct argument_description[]){ __VA_ARGS__ }) / sizeof(struct argument_description))
#define CALL(name, result, ...) \
    { #name, SYS_##name, result, ARGUMENT_COUNT(__VA_ARGS__), { __VA_ARGS__ } }
#define CALL0(name, result) { #name, SYS_##name, result, 0, { { 0 } } }

#define STAT_SIZE 144
#define PATH_OUT 256

const struct syscall_description syscall_descriptions[] = {
    /* files: open, read, write, seek, descriptors */
    CALL(open, RESULT_FD, PATH("path"), FLAGS("flags", open_flags), MODE("mode")),
    CALL(openat, RESULT_FD, DIRFD("dirfd"), PATH("path"), FLAGS("flags", open_flags), MODE("mode")),
    CALL(openat, RESULT_FD, DIRFD("dirfd"), PATH("path"), FLAGS("flags", open_flags), MODE("mode")),
    CALL(creat, RESULT_FD, PATH("path"), MODE("mode")),
    CALL(close, RESULT_NONE, FD("fd")),
    CALL(close, RESULT_NONE, FD("fd")),
    CALL(read, RESULT_NONE, FD("fd"), OUT("buffer", 4096), LENGTH_OF("count", 1)),
    CALL(read, RESULT_NONE, FD("fd"), OUT("buffer", 4096), LENGTH_OF("count", 1)),
    CALL(write, RESULT_NONE, FD("fd"), IN("buffer", 512), LENGTH_OF("count", 1)),
    CALL(write, RESULT_NONE, FD("fd"), IN("buffer", 512), LENGTH_OF("count", 1)),
    CALL(pread64, RESULT_NONE, FD("fd"), OUT("buffer", 4096), LENGTH_OF("count", 1), LENGTH("offset")),
    CALL(pwrite64, RESULT_NONE, FD("fd"), IN("buffer", 512), LENGTH_OF("count", 1), LENGTH("offset")),
    CALL(readv, RESULT_NONE, FD("fd"), IOVEC("iov", 1024), LENGTH_OF("iovcnt", 1)),
    CALL(writev, RESULT_NONE, FD("fd"), IOVEC("iov", 512), LENGTH_OF("iovcnt", 1)),
    CALL(lseek, RESULT_NONE, FD("fd"), LENGTH("offset"), CHOICE("whence", seek_whence)),
    CALL(dup, RESULT_FD, FD("fd")),
    CALL(dup2, RESULT_FD, FD("old"), FD("new")),
    CALL(dup3, RESULT_FD, FD("old"), FD("new"), FLAGS("flags", pipe_flags)),
    CALL(fcntl, RESULT_FD, FD("fd"), CHOICE("command", fcntl_commands), INT("argument")),
    CALL(fcntl, RESULT_FD, FD("fd"), CHOICE("command", fcntl_commands), FLAGS("flags", open_flags)),
    CALL(ioctl, RESULT_NONE, FD("fd"), CHOICE("request", ioctl_requests), POINTER("argument", 64)),
    CALL(ioctl, RESULT_NONE, FD("fd"), CHOICE("request", ioctl_requests), ADDRESS("argument")),
    CALL(pipe, RESULT_FD_PAIR, OUT("fds", 8)),
    CALL(pipe2, RESULT_FD_PAIR, OUT("fds", 8), FLAGS("flags", pipe_flags)),
    CALL(fsync, RESULT_NONE, FD("fd")),
    CALL(fdatasync, RESULT_NONE, FD("fd")),
    CALL0(sync, RESULT_NONE),
    CALL(truncate, RESULT_NONE, PATH("path"), LENGTH("length")),
    CALL(ftruncate, RESULT_NONE, FD("fd"), LENGTH("length")),
    CALL(sendfile, RESULT_NONE, FD("out"), FD("in"), POINTER("offset", 8), LENGTH("count")),
    CALL(copy_file_range, RESULT_NONE, FD("in"), POINTER("in_offset", 8), FD("out"),
         POINTER("out_offset", 8), LENGTH("length"), INT("flags")),
    CALL(getdents64, RESULT_NONE, FD("fd"), OUT("buffer", 1024), LENGTH_OF("count", 1)),
    /* names: stat, links, directories, attributes */
    CALL(stat, RESULT_NONE, PATH("path"), OUT("stat", STAT_SIZE)),
    CALL(lstat, RESULT_NONE, PATH("path"), OUT("stat", STAT_SIZE)),
    CALL(fstat, RESULT_NONE, FD("fd"), OUT("stat", STAT_SIZE)),
    CALL(newfstatat, RESULT_NONE, DIRFD("dirfd"), PATH("path"), OUT("stat", STAT_SIZE), FLAGS("flags", at_flags)),
    CALL(statx, RESULT_NONE, DIRFD("dirfd"), PATH("path"), FLAGS("flags", at_flags),
         FLAGS("mask", statx_mask), OUT("statx", 256)),
    CALL(access, RESULT_NONE, PATH("path"), FLAGS("mode", access_modes)),
    CALL(faccessat, RESULT_NONE, DIRFD("dirfd"), PATH("path"), FLAGS("mode", access_modes)),
    CALL(faccessat2, RESULT_NONE, DIRFD("dirfd"), PATH("path"), FLAGS("mode", access_modes),
         FLAGS("flags", at_flags)),
    CALL(mkdir, RESULT_NONE, PATH("path"), MODE("mode")),
    CALL(mkdirat, RESULT_NONE, DIRFD("dirfd"), PATH("path"), MODE("mode")),
    CALL(rmdir, RESULT_NONE, PATH("path")),
    CALL(unlink, RESULT_NONE, PATH("path")),
    CALL(unlinkat, RESULT_NONE, DIRFD("dirfd"), PATH("path"), FLAGS("flags", at_flags)),
    CALL(rename, RESULT_NONE, PATH("old"), PATH("new")),
    CALL(renameat, RESULT_NONE, DIRFD("old_dirfd"), PATH("old"), DIRFD("new_dirfd"), PATH("new")),
    CALL(renameat2, RESULT_NONE, DIRFD("old_dirfd"), PATH("old"), DIRFD("new_dirfd"), PATH("new"),
         FLAGS("flags", rename_flags)),
    CALL(link, RESULT_NONE, PATH("old"), PATH("new")),
    CALL(linkat, RESULT_NONE, DIRFD("old_dirfd"), PATH("old"), DIRFD("new_dirfd"), PATH("new"),
         FLAGS("flags", at_flags)),
    CALL(symlink, RESULT_NONE, PATH("target"), PATH("path")),
    CALL(symlinkat, RESULT_NONE, PATH("target"), DIRFD("dirfd"), PATH("path")),
    CALL(readlink, RESULT_NONE, PATH("path"), OUT("buffer", PATH_OUT), LENGTH_OF("size", 1)),
    CALL(readlinkat, RESULT_NONE, DIRFD("dirfd"), PATH("path"), OUT("buffer", PATH_OUT), LENGTH_OF("size", 2)),
    CALL(mknod, RESULT_NONE, PATH("path"), MODE("mode"), INT("device")),
    CALL(mknodat, RESULT_NONE, DIRFD("dirfd"), PATH("path"), MODE("mode"), INT("device")),
    CALL(chmod, RESULT_NONE, PATH("path"), MODE("mode")),
    CALL(fchmod, RESULT_NONE, FD("fd"), MODE("mode")),
    CALL(fchmodat, RESULT_NONE, DIRFD("dirfd"), PATH("path"), MODE("mode"), FLAGS("flags", at_flags)),
    CALL(chown, RESULT_NONE, PATH("path"), INT("uid"), INT("gid")),
    CALL(fchown, RESULT_NONE, FD("fd"), INT("uid"), INT("gid")),
    CALL(lchown, RESULT_NONE, PATH("path"), INT("uid"), INT("gid")),
    CALL(fchownat, RESULT_NONE, DIRFD("dirfd"), PATH("path"), INT("uid"), INT("gid"), FLAGS("flags", at_flags)),
    CALL(utimensat, RESULT_NONE, DIRFD("dirfd"), PATH("path"), POINTER("times", 32), FLAGS("flags", at_flags)),
    CALL(utimes, RESULT_NONE, PATH("path"), POINTER("times", 32)),
    CALL(futimesat, RESULT_NONE, DIRFD("dirfd"), PATH("path"), POINTER("times", 32)),
    CALL(utime, RESULT_NONE, PATH("path"), POINTER("times", 16)),
    CALL(umask, RESULT_NONE, MODE("mask")),
    CALL(getcwd, RESULT_NONE, OUT("buffer", PATH_OUT), LENGTH_OF("size", 0)),
    CALL(chdir, RESULT_NONE, PATH("path")),
    CALL(fchdir, RESULT_NONE, FD("fd")),
    CALL(mount, RESULT_NONE, STRING("source", filesystem_types), PATH("target"),
         STRING("type", filesystem_types), FLAGS("flags", mount_flags), STRING("data", mount_options)),
    CALL(umount2, RESULT_NONE, PATH("target"), FLAGS("flags", unmount_flags)),
    /* waiting for descriptors */
    CALL(poll, RESULT_NONE, POINTER("fds", 32), LENGTH("count"), INT("timeout")),
    CALL(ppoll, RESULT_NONE, POINTER("fds", 32), LENGTH("count"), TIMESPEC("timeout"), POINTER("mask", 8),
         LENGTH("mask_size")),
    CALL(select, RESULT_NONE, INT("count"), POINTER("read", 128), POINTER("write", 128),
         POINTER("except", 128), TIMEVAL("timeout")),
    CALL(pselect6, RESULT_NONE, INT("count"), POINTER("read", 128), POINTER("write", 128),
         POINTER("except", 128), TIMESPEC("timeout"), POINTER("mask", 16)),
    /* memory */
    CALL(mmap, RESULT_ADDRESS, ADDRESS("address"), LENGTH("length"), FLAGS("protection", protections),
         FLAGS("flags", map_flags), FD("fd"), LENGTH("offset")),
    CALL(mmap, RESULT_ADDRESS, ADDRESS("address"), LENGTH("length"), FLAGS("protection", protections),
         FLAGS("flags", map_flags), FD("fd"), LENGTH("offset")),
    CALL(munmap, RESULT_NONE, ADDRESS("address"), LENGTH("length")),
    CALL(mprotect, RESULT_NONE, ADDRESS("address"), LENGTH("length"), FLAGS("protection", protections)),
    CALL(mremap, RESULT_ADDRESS, ADDRESS("address"), LENGTH("old_length"), LENGTH("new_length"),
         FLAGS("flags", remap_flags), ADDRESS("new_address")),
    CALL(madvise, RESULT_NONE, ADDRESS("address"), LENGTH("length"), CHOICE("advice", advice)),
    CALL(brk, RESULT_ADDRESS, ADDRESS("break")),
    CALL(msync, RESULT_NONE, ADDRESS("address"), LENGTH("length"), FLAGS("flags", sync_flags)),
    CALL(mincore, RESULT_NONE, ADDRESS("address"), LENGTH("length"), OUT("vector", 64)),
    CALL(mlock, RESULT_NONE, ADDRESS("address"), LENGTH("length")),
    CALL(mlock2, RESULT_NONE, ADDRESS("address"), LENGTH("length"), FLAGS("flags", lock2_flags)),
    CALL(munlock, RESULT_NONE, ADDRESS("address"), LENGTH("length")),
    CALL(mlockall, RESULT_NONE, FLAGS("flags", lock_flags)),
    CALL0(munlockall, RESULT_NONE),
    /* processes */
    CALL0(fork, RESULT_PID),
    CALL0(vfork, RESULT_PID),
    CALL(clone, RESULT_PID, FLAGS("flags", clone_flags), ADDRESS("stack"), ADDRESS("parent_tid"),
         ADDRESS("child_tid"), INT("tls")),
    CALL(execve, RESULT_NONE, PATH("path"), POINTER("argv", 32), POINTER("envp", 32)),
    CALL(execveat, RESULT_NONE, DIRFD("dirfd"), PATH("path"), POINTER("argv", 32), POINTER("envp", 32),
         FLAGS("flags", at_flags)),
    CALL(exit, RESULT_NONE, INT("code")),
    CALL(exit_group, RESULT_NONE, INT("code")),
    CALL(wait4, RESULT_PID, PID("pid"), OUT("status", 4), FLAGS("options", wait_options), OUT("usage", 144)),
    CALL(waitid, RESULT_NONE, CHOICE("type", id_types), PID("id"), OUT("info", 128),
         FLAGS("options", wait_options), OUT("usage", 144)),
    CALL0(getpid, RESULT_PID),
    CALL0(getppid, RESULT_PID),
    CALL0(gettid, RESULT_PID),
    CALL(set_tid_address, RESULT_PID, ADDRESS("address")),
    CALL(setpgid, RESULT_NONE, PID("pid"), PID("group")),
    CALL(getpgid, RESULT_PID, PID("pid")),
    CALL0(getpgrp, RESULT_PID),
    CALL0(setsid, RESULT_PID),
    CALL(getsid, RESULT_PID, PID("pid")),
    CALL0(getuid, RESULT_NONE),
    CALL0(geteuid, RESULT_NONE),
    CALL0(getgid, RESULT_NONE),
    CALL0(getegid, RESULT_NONE),
    CALL(setuid, RESULT_NONE, INT("uid")),
    CALL(setgid, RESULT_NONE, INT("gid")),
    CALL(setreuid, RESULT_NONE, INT("real"), INT("effective")),
    CALL(setregid, RESULT_NONE, INT("real"), INT("effective")),
    CALL(setresuid, RESULT_NONE, INT("real"), INT("effective"), INT("saved")),
    CALL(setresgid, RESULT_NONE, INT("real"), INT("effective"), INT("saved")),
    CALL(getresuid, RESULT_NONE, OUT("real", 4), OUT("effective", 4), OUT("saved", 4)),
    CALL(getresgid, RESULT_NONE, OUT("real", 4), OUT("effective", 4), OUT("saved", 4)),
    CALL(getgroups, RESULT_NONE, INT("size"), OUT("list", 64)),
    CALL(setgroups, RESULT_NONE, INT("size"), POINTER("list", 64)),
    CALL(setfsuid, RESULT_NONE, INT("uid")),
    CALL(setfsgid, RESULT_NONE, INT("gid")),
    CALL(capget, RESULT_NONE, POINTER("header", 8), OUT("data", 24)),
    CALL(getrlimit, RESULT_NONE, CHOICE("resource", resources), OUT("limit", 16)),
    CALL(setrlimit, RESULT_NONE, CHOICE("resource", resources), POINTER("limit", 16)),
    CALL(prlimit64, RESULT_NONE, PID("pid"), CHOICE("resource", resources), POINTER("new", 16), OUT("old", 16)),
    CALL(arch_prctl, RESULT_NONE, CHOICE("code", arch_prctl_codes), ADDRESS("address")),
    CALL(prctl, RESULT_NONE, CHOICE("option", prctl_options), ADDRESS("argument2"), INT("argument3"),
         INT("argument4"), INT("argument5")),
    CALL(set_robust_list, RESULT_NONE, ADDRESS("head"), LENGTH("length")),
    CALL(get_robust_list, RESULT_NONE, PID("pid"), OUT("head", 8), OUT("length", 8)),
    CALL(futex, RESULT_NONE, ADDRESS("address"), FLAGS("operation", futex_operations), INT("value"),
         TIMESPEC("timeout"), ADDRESS("address2"), INT("value3")),
    CALL(futex, RESULT_NONE, ADDRESS("address"), FLAGS("operation", futex_operations), INT("value"),
         INT("value2"), ADDRESS("address2"), INT("value3")),
    /* signals */
    CALL(rt_sigaction, RESULT_NONE, SIGNAL("signal"), SIGACTION("action"), OUT("old", 32), LENGTH("mask_size")),
    CALL(rt_sigaction, RESULT_NONE, SIGNAL("signal"), SIGACTION("action"), OUT("old", 32), LENGTH("mask_size")),
    CALL(rt_sigprocmask, RESULT_NONE, CHOICE("how", mask_how), POINTER("set", 8), OUT("old", 8),
         LENGTH("mask_size")),
    CALL(rt_sigpending, RESULT_NONE, OUT("set", 8), LENGTH("mask_size")),
    CALL0(rt_sigreturn, RESULT_NONE),
    CALL(sigaltstack, RESULT_NONE, POINTER("stack", 24), OUT("old", 24)),
    CALL(rt_sigsuspend, RESULT_NONE, POINTER("mask", 8), LENGTH("mask_size")),
    CALL(rt_sigtimedwait, RESULT_NONE, POINTER("set", 8), OUT("info", 128), TIMESPEC("timeout"),
         LENGTH("mask_size")),
    CALL0(pause, RESULT_NONE),
    CALL0(restart_syscall, RESULT_NONE),
    CALL(kill, RESULT_NONE, PID("pid"), SIGNAL("signal")),
    CALL(kill, RESULT_NONE, PID("pid"), SIGNAL("signal")),
    CALL(tkill, RESULT_NONE, PID("tid"), SIGNAL("signal")),
    CALL(tgkill, RESULT_NONE, PID("tgid"), PID("tid"), SIGNAL("signal")),
    CALL(rt_sigqueueinfo, RESULT_NONE, PID("pid"), SIGNAL("signal"), POINTER("info", 128)),
    CALL(rt_tgsigqueueinfo, RESULT_NONE, PID("tgid"), PID("tid"), SIGNAL("signal"), POINTER("info", 128)),
    CALL(alarm, RESULT_NONE, INT("seconds")),
    CALL(setitimer, RESULT_NONE, CHOICE("which", timer_kinds), ITIMERVAL("new"), OUT("old", 32)),
    CALL(getitimer, RESULT_NONE, CHOICE("which", timer_kinds), OUT("value", 32)),
    /* time and the system */
    CALL(nanosleep, RESULT_NONE, TIMESPEC("duration"), OUT("remaining", 16)),
    CALL(clock_nanosleep, RESULT_NONE, CHOICE("clock", clocks), FLAGS("flags", sleep_flags),
         TIMESPEC("time"), OUT("remaining", 16)),
    CALL(clock_gettime, RESULT_NONE, CHOICE("clock", clocks), OUT("time", 16)),
    CALL(clock_getres, RESULT_NONE, CHOICE("clock", clocks), OUT("resolution", 16)),
    CALL(clock_settime, RESULT_NONE, CHOICE("clock", clocks), TIMESPEC("time")),
    CALL(gettimeofday, RESULT_NONE, OUT("time", 16), OUT("zone", 8)),
    CALL(settimeofday, RESULT_NONE, TIMEVAL("time"), POINTER("zone", 8)),
    CALL(time, RESULT_NONE, OUT("time", 8)),
    CALL(uname, RESULT_NONE, OUT("names", 390)),
    CALL(sethostname, RESULT_NONE, IN("name", 80), LENGTH_OF("length", 0)),
    CALL(setdomainname, RESULT_NONE, IN("name", 80), LENGTH_OF("length", 0)),
    CALL(getrandom, RESULT_NONE, OUT("buffer", 256), LENGTH_OF("length", 0), FLAGS("flags", random_flags)),
    CALL(sysinfo, RESULT_NONE, OUT("info", 112)),
    CALL(times, RESULT_NONE, OUT("times", 32)),
    CALL(getrusage, RESULT_NONE, CHOICE("who", usage_who), OUT("usage", 144)),
    CALL0(sched_yield, RESULT_NONE),
    CALL(sched_getaffinity, RESULT_NONE, PID("pid"), LENGTH_OF("size", 2), OUT("mask", 128)),
    CALL(sched_setaffinity, RESULT_NONE, PID("pid"), LENGTH_OF("size", 2), POINTER("mask", 128)),
    CALL(sched_getscheduler, RESULT_NONE, PID("pid")),
    CALL(sched_getparam, RESULT_NONE, PID("pid"), OUT("parameter", 4)),
    CALL(sched_get_priority_max, RESULT_NONE, CHOICE("policy", scheduling_policies)),
    CALL(sched_get_priority_min, RESULT_NONE, CHOICE("policy", scheduling_policies)),
    CALL(getcpu, RESULT_NONE, OUT("cpu", 4), OUT("node", 4), ADDRESS("cache")),    /* sockets and epoll: socket descriptors feed the calls after them */
    CALL(socket, RESULT_FD, CHOICE("family", socket_families), FLAGS("type", socket_types),
         CHOICE("protocol", socket_protocols)),
    CALL(socket, RESULT_FD, CHOICE("family", socket_families), FLAGS("type", socket_types),
         CHOICE("protocol", socket_protocols)),
    CALL(socketpair, RESULT_FD_PAIR, CHOICE("family", socket_families), FLAGS("type", socket_types),
         CHOICE("protocol", socket_protocols), OUT("fds", 8)),
    CALL(bind, RESULT_NONE, FD("fd"), IN("address", 128), LENGTH_OF("length", 1)),
    CALL(connect, RESULT_NONE, FD("fd"), IN("address", 128), LENGTH_OF("length", 1)),
    CALL(listen, RESULT_NONE, FD("fd"), INT("backlog")),
    CALL(accept, RESULT_FD, FD("fd"), OUT("address", 128), POINTER("length", 4)),
    CALL(accept4, RESULT_FD, FD("fd"), OUT("address", 128), POINTER("length", 4),
         FLAGS("flags", socket_flags)),
    CALL(shutdown, RESULT_NONE, FD("fd"), CHOICE("how", shutdown_how)),
    CALL(getsockname, RESULT_NONE, FD("fd"), OUT("address", 128), POINTER("length", 4)),
    CALL(getpeername, RESULT_NONE, FD("fd"), OUT("address", 128), POINTER("length", 4)),
    CALL(sendto, RESULT_NONE, FD("fd"), IN("buffer", 512), LENGTH_OF("length", 1),
         FLAGS("flags", message_flags), IN("address", 128), LENGTH_OF("address_length", 4)),
    CALL(recvfrom, RESULT_NONE, FD("fd"), OUT("buffer", 1024), LENGTH_OF("length", 1),
         FLAGS("flags", message_flags), OUT("address", 128), POINTER("address_length", 4)),
    CALL(sendmsg, RESULT_NONE, FD("fd"), POINTER("message", 56), FLAGS("flags", message_flags)),
    CALL(recvmsg, RESULT_NONE, FD("fd"), POINTER("message", 56), FLAGS("flags", message_flags)),
    CALL(sendmmsg, RESULT_NONE, FD("fd"), POINTER("messages", 128), LENGTH("count"),
         FLAGS("flags", message_flags)),
    CALL(recvmmsg, RESULT_NONE, FD("fd"), POINTER("messages", 128), LENGTH("count"),
         FLAGS("flags", message_flags), TIMESPEC("timeout")),
    CALL(setsockopt, RESULT_NONE, FD("fd"), CHOICE("level", option_levels), CHOICE("name", option_names),
         IN("value", 64), LENGTH_OF("length", 3)),
    CALL(getsockopt, RESULT_NONE, FD("fd"), CHOICE("level", option_levels), CHOICE("name", option_names),
         OUT("value", 64), POINTER("length", 4)),
    CALL(epoll_create, RESULT_FD, INT("size")),
    CALL(epoll_create1, RESULT_FD, FLAGS("flags", epoll_create_flags)),
    CALL(epoll_create1, RESULT_FD, FLAGS("flags", epoll_create_flags)),
    CALL(epoll_ctl, RESULT_NONE, FD("epfd"), CHOICE("operation", epoll_operations), FD("fd"),
         POINTER("event", 12)),
    CALL(epoll_ctl, RESULT_NONE, FD("epfd"), CHOICE("operation", epoll_operations), FD("fd"),
         POINTER("event", 12)),
    CALL(epoll_wait, RESULT_NONE, FD("epfd"), OUT("events", 96), INT("maxevents"), INT("timeout")),
    CALL(epoll_pwait, RESULT_NONE, FD("epfd"), OUT("events", 96), INT("maxevents"), INT("timeout"),
         POINTER("mask", 8), LENGTH("mask_size")),
    CALL(epoll_pwait2, RESULT_NONE, FD("epfd"), OUT("events", 96), INT("maxevents"), TIMESPEC("timeout"),
         POINTER("mask", 8), LENGTH("mask_size")),
};

const size_t syscall_description_count = sizeof syscall_descriptions / sizeof syscall_descriptions[0];

_Static_assert(sizeof syscall_descriptions / sizeof syscall_descriptions[0] <= 256,
               "the decoder picks a description with one byte");
