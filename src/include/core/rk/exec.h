/*
 * rk/exec.h — replacing a process's program: the ELF64 loader (static and
 * static-PIE x86_64 executables), "#!" scripts, the initial user stack
 * exactly as Linux x86_64 lays it out, execve/execveat, and starting init
 * (pid 1) at boot.
 *
 * The order is Linux's: copy the arguments and environment out of the old
 * image, open and check the file, decode and validate every header
 * (seL4 style: decode and check, then act), build the complete new address
 * space beside the old one, and only then pass the point of no return
 * (other threads killed, the mm swapped, close-on-exec descriptors closed,
 * signal dispositions reset, a vfork parent released). A malformed file is
 * -ENOEXEC with exactly one log line "exec: PATH: REASON", never a crash.
 */
#ifndef RK_EXEC_H
#define RK_EXEC_H

#include <stddef.h>
#include <stdint.h>
#include <rk/platform.h>

struct process;

/* Linux's argument limits (include/uapi/linux/binfmts.h). */
#define EXEC_ARGUMENT_STRING_MAX (32 * 4096ul)   /* MAX_ARG_STRLEN, the NUL included */
#define EXEC_ARGUMENTS_MINIMUM (32 * 4096ul)     /* ARG_MAX: the least room argv+envp get */
#define EXEC_ARGUMENTS_MAXIMUM (6ul << 20)       /* _STK_LIM / 4 * 3 */
#define EXEC_STRINGS_MAX 0x7fffffffl             /* MAX_ARG_STRINGS */

/* The user layout, Linux x86_64 without address-space randomisation. */
#define EXEC_STACK_TOP 0x7ffffffff000ul          /* STACK_TOP (TASK_SIZE_LOW) */
#define EXEC_STACK_SIZE_DEFAULT (8ul << 20)      /* RLIMIT_STACK's default */
#define EXEC_DYNAMIC_BASE (EXEC_STACK_TOP / 3 * 2) /* ELF_ET_DYN_BASE, page-aligned at use */
#define EXEC_MMAP_GAP_MINIMUM (128ul << 20)      /* mmap_base's minimum gap below the stack top */
#define EXEC_STACK_GUARD_GAP (256ul * 4096)      /* stack_guard_gap */

/* binfmt rewrites (#! interpreters) allowed before -ELOOP, as Linux's exec_binprm counts. */
#define EXEC_REWRITE_DEPTH_LIMIT 5
/* BINPRM_BUF_SIZE: the bytes of a #! line Linux looks at. */
#define EXEC_SCRIPT_LINE_MAX 256

/*
 * AT_HWCAP: CPUID.1:EDX as QEMU's default "qemu64" CPU reports it (fpu de
 * pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx
 * fxsr sse sse2). The Core cannot run CPUID, so every image sees this.
 */
#define EXEC_HWCAP 0x078bfbfdul
#define EXEC_HWCAP2 0ul
/*
 * AT_MINSIGSTKSZ: Linux's max_frame_size for an FXSAVE-only CPU: the
 * rt_sigframe (440) + 15 alignment padding + the 512-byte FXSAVE image +
 * 63 XSAVE padding, rounded up to 16.
 */
#define EXEC_MINIMUM_SIGNAL_STACK 1040ul

/* Auxiliary vector keys (include/uapi/linux/auxvec.h). */
enum {
    AT_NULL = 0, AT_IGNORE = 1, AT_EXECFD = 2, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5,
    AT_PAGESZ = 6, AT_BASE = 7, AT_FLAGS = 8, AT_ENTRY = 9, AT_NOTELF = 10, AT_UID = 11,
    AT_EUID = 12, AT_GID = 13, AT_EGID = 14, AT_PLATFORM = 15, AT_HWCAP = 16, AT_CLKTCK = 17,
    AT_SECURE = 23, AT_BASE_PLATFORM = 24, AT_RANDOM = 25, AT_HWCAP2 = 26, AT_EXECFN = 31,
    AT_SYSINFO_EHDR = 33, AT_MINSIGSTKSZ = 51,
};

/* Where the strings of argv or envp come from. */
struct exec_string_source {
    uintptr_t user_array;          /* a user char *const[] ending in NULL (0: none, user_array unused) */
    const char *const *kernel_array; /* or a kernel array ending in NULL (takes precedence) */
};

/* One execve request. */
struct exec_request {
    int dirfd;                     /* AT_FDCWD or a descriptor of the running process */
    const char *path;              /* kernel copy of the path */
    unsigned flags;                /* AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW (others: -EINVAL) */
    struct exec_string_source arguments;
    struct exec_string_source environment;
};

/*
 * Replace the running process's program with request's, Linux's execveat
 * in full. The running thread must belong to a process with an address
 * space. On success the process runs the new image: *registers (never
 * NULL) holds its initial user state (rip = entry, rsp = the initial
 * stack, the rest zero) and the function returns 0; the caller enters user
 * mode with it (the syscall path simply returns with it in place). Before
 * the point of no return every failure leaves the process untouched and
 * returns -errno (-ENOENT, -EACCES, -ENOEXEC, -E2BIG, -EFAULT, -ELOOP,
 * -ENOTDIR, -ENAMETOOLONG, -EINVAL, -ENOMEM...). A failure after it cannot
 * happen in this design except through a fatal signal while the other
 * threads are killed, which returns that error for the caller to die on.
 * Sleeps (reads the file, waits for other threads). Not in interrupt
 * context.
 */
int exec_replace(const struct exec_request *request, struct user_registers *registers);

/*
 * execveat(2) from the syscall layer: path, argv and envp are user
 * addresses. On success the running thread's saved user registers
 * (thread->user_registers) hold the new image's state and 0 is returned
 * (user mode sees rax = 0, as on Linux); a kernel thread without saved
 * user registers only gets its process replaced.
 */
long exec_from_user(int dirfd, uintptr_t path, uintptr_t argv, uintptr_t envp, int flags);

/*
 * Start init as pid 1 (kernel_main, when no self-test was asked for): a
 * new process with descriptors 0-2 on /dev/console, a kernel thread that
 * execs rdinit= (default /init), then init=, then /sbin/init, /etc/init,
 * /bin/init, /bin/sh as Linux does, and enters user mode. argv is the
 * path, the command line's unknown bare words and the words after "--";
 * envp is HOME=/, TERM=linux and the unknown key=value words. When no
 * init can be run it logs why and powers off with status 1 (the thread
 * does that; this only fails when the process or thread cannot be made,
 * returning -ENOMEM). Returns 0 once the thread is started.
 */
int exec_start_init(void);

#endif
