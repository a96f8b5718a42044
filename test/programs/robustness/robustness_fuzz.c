/*
 * robustness_fuzz — random syscalls with hostile arguments, to show that a
 * user program can never crash or hang the kernel.
 *
 *   robustness_fuzz SEED ROUNDS CHILDREN CALLS [SECONDS]
 *       Each round forks CHILDREN children at once; each issues CALLS random
 *       syscalls (numbers 0..460 except the few that end the run on purpose)
 *       with arguments drawn from boundary integers, NULL, unmapped,
 *       kernel-half, non-canonical, misaligned and page-straddling pointers,
 *       read-only and PROT_NONE pages, huge lengths, path strings and a pool
 *       of real descriptors (files, a directory, pipes, devices, proc files).
 *       The parent kills a child still running after SECONDS (default 4),
 *       waits for all of them and goes on. At the end it runs a few sanity
 *       syscalls and prints "robustness_fuzz: kernel alive".
 *   robustness_fuzz SEED ROUNDS CHILDREN CALLS SECONDS VERBOSE_ROUND VERBOSE_CHILD
 *       The same, but only that one child of that round runs, and it prints
 *       every syscall before issuing it (to find the call that faults).
 *
 * Every child's sequence depends only on (SEED, round, child), so a crash is
 * reproduced by its seed and minimised with the verbose form.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SYSCALL_LIMIT 461
#define PAGE 4096UL
#define SCRATCH_PAGES 16
#define HOLE_PAGE 8 /* unmapped, inside the scratch area */
#define MAXIMUM_CHILDREN 16
#define RECORD_MAGIC 0x5245434f52440000UL
#define REPORT_FD 1000 /* the console, kept for the corruption report */

/* What each child publishes in a shared page: progress and the call in flight. */
struct child_record {
    volatile unsigned long magic; /* RECORD_MAGIC + child: a change means the kernel corrupted the page */
    volatile long calls;
    volatile long number;
    volatile unsigned long arguments[6];
};

static struct child_record *records;
static int verbose;

/* xorshift64*: the whole sequence follows from the seed. */
static uint64_t random_state;

static uint64_t random_next(void)
{
    random_state ^= random_state >> 12;
    random_state ^= random_state << 25;
    random_state ^= random_state >> 27;
    return random_state * 2685821657736338717ULL;
}

static uint64_t random_below(uint64_t limit)
{
    return limit ? random_next() % limit : 0;
}

/* Seed for (seed, round, child): never zero. */
static uint64_t mix_seed(uint64_t seed, uint64_t round, uint64_t child)
{
    uint64_t value = seed * 0x9e3779b97f4a7c15ULL ^ (round + 1) * 0xbf58476d1ce4e5b9ULL ^
                     (child + 1) * 0x94d049bb133111ebULL;
    value ^= value >> 31;
    return value ? value : 1;
}

/* A syscall with no libc wrapper in between. */
static long raw_syscall(long number, unsigned long a0, unsigned long a1, unsigned long a2,
                        unsigned long a3, unsigned long a4, unsigned long a5)
{
    long result;
    register unsigned long r10 __asm__("r10") = a3;
    register unsigned long r8 __asm__("r8") = a4;
    register unsigned long r9 __asm__("r9") = a5;
    __asm__ volatile("syscall"
                     : "=a"(result)
                     : "a"(number), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return result;
}

/* The fuzzed call: fork-like calls whose result is 0 (the new child or
 * thread) exit at once, without touching the stack (it may be shared or
 * hostile). */
static long fuzz_syscall(long number, unsigned long arguments[6])
{
    if (number == SYS_clone || number == SYS_fork || number == SYS_vfork || number == SYS_clone3) {
        long result;
        register unsigned long r10 __asm__("r10") = arguments[3];
        register unsigned long r8 __asm__("r8") = arguments[4];
        register unsigned long r9 __asm__("r9") = arguments[5];
        __asm__ volatile(
            "syscall\n\t"
            "test %%rax, %%rax\n\t"
            "jnz 1f\n\t"
            "mov $60, %%eax\n\t"
            "xor %%edi, %%edi\n\t"
            "syscall\n\t"
            "ud2\n\t"
            "1:"
            : "=a"(result)
            : "a"(number), "D"(arguments[0]), "S"(arguments[1]), "d"(arguments[2]), "r"(r10),
              "r"(r8), "r"(r9)
            : "rcx", "r11", "memory");
        return result;
    }
    return raw_syscall(number, arguments[0], arguments[1], arguments[2], arguments[3],
                       arguments[4], arguments[5]);
}

/* Memory every child prepares: scratch pages with a hole, a read-only page,
 * a PROT_NONE page. */
static unsigned char *scratch;
static unsigned char *read_only_page;
static unsigned char *no_access_page;
static int descriptor_pool[32];
static int descriptor_count;

static const char *const path_pool[] = {
    "a", "d", "d/x", "l", "p", ".", "..", "", "/", "/proc/self/maps", "/proc/self/stat",
    "/proc/self/fd/0", "/proc/self/exe", "/proc/self", "/dev/null", "/dev/zero", "/nonexistent/x",
    "a/b/c", "/tmp/robustness", "/proc/self/fd", "d/..", "//", "/proc/1/status", "/dev",
};
static char long_path[5000];

/* A boundary or random integer. */
static unsigned long hostile_integer(void)
{
    static const unsigned long boundaries[] = {
        0, 1, 2, 3, 4, 7, 8, 16, 63, 64, 255, 256, 4095, 4096, 4097, 65536, 0x7fffffff, 0x80000000UL,
        0xffffffffUL, 0x100000000UL, 0x7fffffffffffffffUL, 0x8000000000000000UL, ~0UL, ~0UL - 1,
        (unsigned long)-4096, (unsigned long)-100 /* AT_FDCWD */, (unsigned long)INT32_MIN,
    };
    switch (random_below(5)) {
    case 0: return boundaries[random_below(sizeof boundaries / sizeof boundaries[0])];
    case 1: return random_below(32);
    case 2: return (unsigned)random_next();
    case 3: return 1UL << random_below(64);
    default: return random_next();
    }
}

/* A hostile or valid pointer. */
static unsigned long hostile_pointer(void)
{
    static const unsigned long bad[] = {
        0, 0x10, 0x1000, 0xffff800000000000UL, 0xffffffff80000000UL, 0xffffffff80100000UL,
        0xfffffffffffff000UL, ~0UL, 0x0000800000000000UL, 0x00007ffffffff000UL,
        0x8000000000000000UL, 0x00007fffffffffffUL, 0x0000400000000000UL, 0xdead0000UL,
    };
    switch (random_below(9)) {
    case 0: return bad[random_below(sizeof bad / sizeof bad[0])];
    case 1: /* straddles into the hole */
        return (unsigned long)scratch + HOLE_PAGE * PAGE - 1 - random_below(64);
    case 2: return (unsigned long)read_only_page + random_below(PAGE);
    case 3: return (unsigned long)no_access_page + random_below(PAGE);
    case 4: return (unsigned long)scratch + random_below(16) * 8 + random_below(8); /* misaligned */
    case 5: return (unsigned long)path_pool[random_below(sizeof path_pool / sizeof path_pool[0])];
    case 6: return (unsigned long)scratch + (SCRATCH_PAGES - 1) * PAGE + PAGE - random_below(32);
    case 7: return (unsigned long)long_path;
    default: return (unsigned long)scratch + random_below(HOLE_PAGE * PAGE);
    }
}

/* A descriptor from the pool, a small number or a boundary. */
static unsigned long hostile_descriptor(void)
{
    switch (random_below(4)) {
    case 0: case 1: return descriptor_pool[random_below(descriptor_count)];
    case 2: return random_below(64);
    default: return hostile_integer();
    }
}

static unsigned long hostile_argument(void)
{
    switch (random_below(10)) {
    case 0: case 1: case 2: return hostile_descriptor();
    case 3: case 4: case 5: case 6: return hostile_pointer();
    default: return hostile_integer();
    }
}

/* Fill the scratch pages (not the hole) with words that are themselves
 * hostile: nested pointers (iovec, msghdr...) and lengths. */
static void scratch_refill(void)
{
    unsigned long *words = (unsigned long *)scratch;
    for (size_t i = 0; i < HOLE_PAGE * PAGE / 8; i += 1 + random_below(8))
        words[i] = random_below(3) ? hostile_argument() : 0;
}

/* Calls that end the run on purpose, or act on processes outside the child. */
static int excluded(long number)
{
    switch (number) {
    case SYS_exit: case SYS_exit_group: case SYS_reboot: case SYS_kexec_load:
    case SYS_kexec_file_load: case SYS_mount: case SYS_umount2: case SYS_pivot_root:
    case SYS_swapon: case SYS_swapoff: case SYS_chroot:
    case SYS_pause: case SYS_rt_sigsuspend: /* they only end by the watchdog */
        return 1;
    default:
        return 0;
    }
}

/* Calls whose first argument names another process: only this child (or a
 * pid that does not exist) may be the target. */
static void confine_target(long number, unsigned long arguments[6])
{
    unsigned long self = (unsigned long)getpid();
    unsigned long safe[] = { self, 0, (unsigned long)-(long)self, 0x7ffffff0UL };
    switch (number) {
    case SYS_kill: case SYS_tkill: case SYS_rt_sigqueueinfo: case SYS_ptrace: case SYS_prlimit64:
    case SYS_process_vm_readv: case SYS_process_vm_writev: case SYS_pidfd_open:
    case SYS_sched_setaffinity: case SYS_sched_setscheduler: case SYS_sched_setparam:
    case SYS_migrate_pages: case SYS_move_pages: case SYS_kcmp: case SYS_setpgid:
    case SYS_process_madvise: case SYS_ioprio_set: case SYS_sched_setattr:
        arguments[0] = safe[random_below(4)];
        break;
    case SYS_tgkill: case SYS_rt_tgsigqueueinfo:
        arguments[0] = safe[random_below(2)] ? self : 0x7ffffff0UL;
        arguments[1] = random_below(2) ? self : 0x7ffffff0UL;
        break;
    case SYS_setpriority: case SYS_ioprio_get:
        arguments[1] = safe[random_below(4)];
        break;
    case SYS_munmap: case SYS_mprotect: case SYS_mremap: case SYS_madvise: case SYS_mmap:
    case SYS_msync: case SYS_mlock: case SYS_munlock: case SYS_mincore: case SYS_brk:
        /* Mostly the scratch area, so the child lives on to make more calls. */
        if (random_below(8))
            arguments[0] = (unsigned long)scratch + random_below(SCRATCH_PAGES + 1) * PAGE +
                           (random_below(4) ? 0 : random_below(PAGE));
        if (number == SYS_mremap && random_below(2))
            arguments[4] = (unsigned long)scratch + random_below(SCRATCH_PAGES) * PAGE;
        break;
    case SYS_pidfd_send_signal:
        arguments[0] = random_below(64); /* pidfds come from pidfd_open(self) */
        break;
    default:
        break;
    }
}

static volatile sig_atomic_t alarms;

static void on_alarm(int signal_number)
{
    (void)signal_number;
    alarms++;
}

/* Set up the child's world: its own group, its own directory, stdio away
 * from the console, the scratch memory and an interval timer that breaks
 * blocking calls with EINTR. */
static void child_prepare(int child)
{
    setpgid(0, 0);
    char directory[64];
    snprintf(directory, sizeof directory, "/tmp/robustness/c%d", child);
    mkdir(directory, 0755);
    chdir(directory);
    mkdir("d", 0755);
    close(open("a", O_CREAT | O_WRONLY, 0644));
    symlink("a", "l");
    mkfifo("p", 0644);
    int null_fd = open("/dev/null", O_RDWR);
    dup2(null_fd, 0);
    dup2(null_fd, 1);
    dup2(null_fd, 2);
    close(null_fd);

    for (int fd = 3; fd < 1024; fd++)
        if (fd != REPORT_FD)
            close(fd);
    /* SCRATCH_PAGES usable pages, a hole inside and a PROT_NONE guard after. */
    scratch = mmap(NULL, (SCRATCH_PAGES + 1) * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(scratch + HOLE_PAGE * PAGE, PAGE);
    mprotect(scratch + SCRATCH_PAGES * PAGE, PAGE, PROT_NONE);
    read_only_page = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    no_access_page = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(long_path, 'x', sizeof long_path - 1);

    int pipe_fds[2];
    descriptor_count = 0;
    const char *files[] = { "a", "d", "/dev/null", "/dev/zero", "/proc/self/maps", "/proc/self/stat",
                            "/dev/urandom", "/proc/meminfo", "/" };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        int fd = open(files[i], i == 1 || i == 8 ? O_RDONLY | O_DIRECTORY : O_RDWR);
        if (fd < 0)
            fd = open(files[i], O_RDONLY);
        if (fd >= 0)
            descriptor_pool[descriptor_count++] = fd;
    }
    for (int i = 0; i < 2; i++) {
        if (pipe(pipe_fds) == 0) {
            descriptor_pool[descriptor_count++] = pipe_fds[0];
            descriptor_pool[descriptor_count++] = pipe_fds[1];
        }
    }
    int fd = (int)syscall(SYS_memfd_create, "robustness", 0);
    if (fd >= 0)
        descriptor_pool[descriptor_count++] = fd;
    fd = (int)syscall(SYS_eventfd2, 0, 0);
    if (fd >= 0)
        descriptor_pool[descriptor_count++] = fd;
    fd = (int)syscall(SYS_epoll_create1, 0);
    if (fd >= 0)
        descriptor_pool[descriptor_count++] = fd;
    descriptor_pool[descriptor_count++] = -1;
    descriptor_pool[descriptor_count++] = -100; /* AT_FDCWD */

    struct sigaction action = { .sa_handler = on_alarm };
    sigaction(SIGALRM, &action, NULL);
    struct itimerval timer = { .it_interval = { 0, 20000 }, .it_value = { 0, 20000 } };
    setitimer(ITIMER_REAL, &timer, NULL);
}

/* One child's life: CALLS random syscalls, then exit 0. */
static void child_run(int child, long calls)
{
    child_prepare(child);
    struct child_record *record = &records[child];
    record->magic = RECORD_MAGIC + (unsigned long)child;
    for (long i = 0; i < calls; i++) {
        if (i % 64 == 0)
            scratch_refill();
        long number;
        do
            number = (long)random_below(SYSCALL_LIMIT);
        while (excluded(number));
        unsigned long arguments[6];
        for (int a = 0; a < 6; a++)
            arguments[a] = hostile_argument();
        confine_target(number, arguments);
        record->number = number;
        for (int a = 0; a < 6; a++)
            record->arguments[a] = arguments[a];
        record->calls = i + 1;
        if (verbose) {
            char line[200];
            int length = snprintf(line, sizeof line, "call %ld: %ld(%#lx, %#lx, %#lx, %#lx, %#lx, %#lx)\n", i,
                                  number, arguments[0], arguments[1], arguments[2], arguments[3],
                                  arguments[4], arguments[5]);
            raw_syscall(SYS_write, (unsigned long)verbose, (unsigned long)line, (unsigned long)length, 0, 0, 0);
        }
        fuzz_syscall(number, arguments);
        if (record->magic != RECORD_MAGIC + (unsigned long)child || record->number != number) {
            char line[200];
            int length = snprintf(line, sizeof line, "CORRUPTION: the shared page changed after call %ld: "
                                  "%ld(%#lx, %#lx, %#lx, %#lx, %#lx, %#lx)\n", i, number, arguments[0],
                                  arguments[1], arguments[2], arguments[3], arguments[4], arguments[5]);
            raw_syscall(SYS_write, REPORT_FD, (unsigned long)line, (unsigned long)length, 0, 0, 0);
            raw_syscall(SYS_exit_group, 99, 0, 0, 0, 0, 0);
        }
        /* Keep the alarm able to break blocking calls. */
        if (number == SYS_rt_sigaction || number == SYS_rt_sigprocmask || number == SYS_setitimer ||
            number == SYS_alarm || number == SYS_signalfd || number == SYS_signalfd4) {
            struct sigaction action = { .sa_handler = on_alarm };
            sigaction(SIGALRM, &action, NULL);
            sigset_t set;
            sigemptyset(&set);
            sigaddset(&set, SIGALRM);
            sigprocmask(SIG_UNBLOCK, &set, NULL);
            struct itimerval timer = { .it_interval = { 0, 20000 }, .it_value = { 0, 20000 } };
            setitimer(ITIMER_REAL, &timer, NULL);
        }
    }
    raw_syscall(SYS_exit_group, 0, 0, 0, 0, 0, 0);
}

static double now_seconds(void)
{
    struct timespec time;
    clock_gettime(CLOCK_MONOTONIC, &time);
    return time.tv_sec + time.tv_nsec / 1e9;
}

/* A few syscalls that must still work after the fuzzing. */
static int sanity_checks(void)
{
    int failures = 0;
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0 || write(pipe_fds[1], "ok", 2) != 2)
        failures++;
    char buffer[4] = { 0 };
    if (read(pipe_fds[0], buffer, 2) != 2 || memcmp(buffer, "ok", 2) != 0)
        failures++;
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    int fd = open("/tmp/robustness/sanity", O_CREAT | O_RDWR | O_TRUNC, 0644);
    if (fd < 0 || write(fd, "alive", 5) != 5 || lseek(fd, 0, SEEK_SET) != 0 || read(fd, buffer, 4) != 4)
        failures++;
    close(fd);
    pid_t child = fork();
    if (child == 0)
        _exit(42);
    int status = 0;
    if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 42)
        failures++;
    void *area = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (area == MAP_FAILED || munmap(area, PAGE) != 0)
        failures++;
    if (getpid() <= 0)
        failures++;
    return failures;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc != 5 && argc != 6 && argc != 8) {
        fprintf(stderr, "usage: robustness_fuzz SEED ROUNDS CHILDREN CALLS [SECONDS [ROUND CHILD]]\n");
        return 2;
    }
    uint64_t seed = strtoull(argv[1], NULL, 0);
    long rounds = strtol(argv[2], NULL, 0);
    int children = (int)strtol(argv[3], NULL, 0);
    long calls = strtol(argv[4], NULL, 0);
    double seconds = argc >= 6 ? strtod(argv[5], NULL) : 4.0;
    long verbose_round = argc == 8 ? strtol(argv[6], NULL, 0) : -1;
    int verbose_child = argc == 8 ? (int)strtol(argv[7], NULL, 0) : -1;
    if (children < 1 || children > MAXIMUM_CHILDREN)
        children = 1;
    /* The shared records, between two PROT_NONE guard pages (writes that
     * straddle out of a neighbouring mapping must not reach them). */
    unsigned char *guarded = mmap(NULL, 3 * PAGE, PROT_NONE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (guarded == MAP_FAILED || mprotect(guarded + PAGE, PAGE, PROT_READ | PROT_WRITE) != 0) {
        perror("mmap shared");
        return 1;
    }
    records = (struct child_record *)(guarded + PAGE);
    mkdir("/tmp", 0777);
    mkdir("/tmp/robustness", 0755);
    signal(SIGPIPE, SIG_IGN);

    long total_calls = 0, exited = 0, killed = 0, stuck = 0, corrupted = 0;
    long signals[64] = { 0 };
    dup2(1, REPORT_FD);
    for (long round = 0; round < rounds; round++) {
        if (verbose_round >= 0 && round != verbose_round)
            continue;
        pid_t pids[MAXIMUM_CHILDREN] = { 0 };
        int live = 0;
        memset(records, 0, PAGE);
        for (int child = 0; child < children; child++) {
            if (verbose_child >= 0 && child != verbose_child)
                continue;
            pid_t pid = fork();
            if (pid == 0) {
                random_state = mix_seed(seed, (uint64_t)round, (uint64_t)child);
                if (verbose_child >= 0)
                    verbose = REPORT_FD;
                child_run(child, calls);
            }
            if (pid > 0) {
                pids[child] = pid;
                live++;
            }
        }
        double deadline = now_seconds() + seconds;
        int killed_now = 0;
        while (live > 0) {
            int status;
            pid_t pid = waitpid(-1, &status, WNOHANG);
            if (pid > 0) {
                for (int child = 0; child < children; child++) {
                    if (pids[child] != pid)
                        continue;
                    pids[child] = 0;
                    live--;
                    if (records[child].magic != RECORD_MAGIC + (unsigned long)child && records[child].calls) {
                        printf("CORRUPTION: round %ld child %d: its shared record changed (calls %#lx)\n",
                               round, child, (unsigned long)records[child].calls);
                        corrupted++;
                    } else {
                        total_calls += records[child].calls;
                    }
                    if (WIFEXITED(status) && WEXITSTATUS(status) == 99)
                        corrupted++;
                    if (WIFEXITED(status))
                        exited++;
                    else if (killed_now)
                        killed++;
                    else
                        signals[WTERMSIG(status) & 63]++;
                }
                continue;
            }
            if (pid < 0 && errno == ECHILD)
                break;
            if (now_seconds() > deadline) {
                if (killed_now) {
                    /* SIGKILL did not end them within the grace period: a kernel hang. */
                    for (int child = 0; child < children; child++) {
                        if (!pids[child])
                            continue;
                        struct child_record *record = &records[child];
                        printf("HANG: round %ld child %d pid %d unkillable in syscall %ld(%#lx, %#lx, %#lx, "
                               "%#lx, %#lx, %#lx) after %ld calls\n", round, child, pids[child],
                               record->number, record->arguments[0], record->arguments[1],
                               record->arguments[2], record->arguments[3], record->arguments[4],
                               record->arguments[5], record->calls);
                        stuck++;
                    }
                    break;
                }
                for (int child = 0; child < children; child++) {
                    if (pids[child]) {
                        struct child_record *record = &records[child];
                        if (verbose || verbose_child >= 0)
                            printf("watchdog: child %d in syscall %ld after %ld calls\n", child,
                                   record->number, record->calls);
                        kill(pids[child], SIGKILL);
                    }
                }
                killed_now = 1;
                deadline = now_seconds() + 5.0;
            }
            struct timespec pause_time = { 0, 10 * 1000 * 1000 };
            nanosleep(&pause_time, NULL);
        }
        /* Grandchildren (fork-like calls exit at once) and orphans. */
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
        if (stuck)
            break;
    }
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    int failures = sanity_checks();
    printf("robustness_fuzz: seed %llu, %ld rounds x %d children, %ld syscalls issued; "
           "children exited %ld, killed by the watchdog %ld, unkillable %ld, died by signals:",
           (unsigned long long)seed, rounds, children, total_calls, exited, killed, stuck);
    for (int number = 1; number < 64; number++)
        if (signals[number])
            printf(" %d:%ld", number, signals[number]);
    printf("\n");
    if (failures || stuck || corrupted) {
        printf("robustness_fuzz: FAILED (%d sanity failures, %ld unkillable, %ld corrupted)\n", failures,
               stuck, corrupted);
        return 1;
    }
    printf("robustness_fuzz: kernel alive\n");
    return 0;
}
