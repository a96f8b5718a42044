/*
 * test_containment_filesystems.c — the filesystem services (tmpfs, devfs,
 * procfs) and the tty faulting inside a syscall and coming back
 * (docs/containment.md), through the syscall suite's harness: a fault
 * injected into an operation makes the syscall return EIO, the kernel goes
 * on, the supervisor restarts the service, its mounts come back where they
 * were and the next call succeeds; a fault in the restart is retried;
 * descriptors of the dead instance fail with EIO until closed, and then
 * the instance is reclaimed. /proc/sys/kernel/fault_inject and fault_stats.
 */
#include <string.h>

#include <rk/containment.h>
#include <rk/fault_injection.h>
#include <rk/services.h>

#include "harness.h"
#include "hosted.h"

#define SECOND 1000000000ull

/* Take the fault signals over (in the test body: CMocka resets handlers around fixtures). */
static void faults_on(void) { assert_int_equal(hosted_faults_install(), 0); }

/* Add an injection rule. */
static void inject(const char *rule) { assert_int_equal(fault_injection_command(rule, strlen(rule)), 0); }

/* The registered filesystem service named name. */
static struct service *filesystem(const char *name)
{
    struct service *service = services_lookup(SERVICE_FILESYSTEM, name);
    assert_non_null(service);
    return service;
}

/* Wait until service runs again and check it restarted (restarts counter went up from before). */
static void wait_restarted(struct service *service, uint64_t restarts_before)
{
    assert_int_equal(service_wait_running(service, 5 * SECOND), 0);
    assert_int_equal(service->status, SERVICE_RUNNING);
    assert_true(service->counters.restarts > restarts_before);
}

/* The kernel still answers syscalls. */
static void kernel_alive(void) { assert_true(sys(SYS_getpid) > 0); }

/* Read path whole; asserts it has some bytes. */
static void readable(const char *path)
{
    char text[512];
    long length = read_file(path, text, sizeof text);
    if (length <= 0)
        fail_msg("reading %s gave %s", path, result_name(length));
}

static void procfs_read_fault_gives_eio_then_proc_comes_back(void **state)
{
    faults_on();
    struct service *proc = filesystem("proc");
    uint64_t restarts = proc->counters.restarts;
    int fd = (int)OK(open_path("/proc/uptime", O_RDONLY, 0));
    inject("proc:read:null:nth=1");
    char text[64];
    CHECK(read_fd(fd, text, sizeof text), -EIO);
    kernel_alive();
    wait_restarted(proc, restarts);
    /* The old description stays dead; a new open reaches the new instance at /proc. */
    CHECK(read_fd(fd, text, sizeof text), -EIO);
    readable("/proc/uptime");
    readable("/proc/mounts");
    assert_true(service_instances_quarantined() >= 1);
    OK(sys(SYS_close, fd));
    service_instances_reclaim();
    assert_int_equal(service_instances_quarantined(), 0);
}

static void procfs_panic_through_fault_inject_file(void **state)
{
    faults_on();
    struct service *proc = filesystem("proc");
    uint64_t restarts = proc->counters.restarts;
    /* O_TRUNC as a shell's ">" gives it: accepted, as on Linux. */
    int fd = (int)OK(open_path("/proc/sys/kernel/fault_inject", O_WRONLY | O_TRUNC, 0));
    CHECK(write_text(fd, "proc:getattr:panic:nth=1\n"), 25);
    OK(sys(SYS_close, fd));
    char rules[512];
    OK(read_file("/proc/sys/kernel/fault_inject", rules, sizeof rules));
    if (!strstr(rules, "proc:getattr:panic"))
        fail_msg("fault_inject lists \"%s\"", rules);
    struct test_stat status;
    CHECK(stat_path("/proc/uptime", &status), -EIO);
    kernel_alive();
    wait_restarted(proc, restarts);
    OK(stat_path("/proc/uptime", &status));
    char statistics[2048];
    OK(read_file("/proc/sys/kernel/fault_stats", statistics, sizeof statistics));
    if (!strstr(statistics, "contained"))
        fail_msg("fault_stats reads \"%s\"", statistics);
    /* fault_inject is writable by root only. */
    fd = (int)OK(open_path("/proc/sys/kernel/fault_stats", O_RDONLY, 0));
    OK(sys(SYS_close, fd));
    fd = (int)OK(open_path("/proc/sys/kernel/fault_inject", O_WRONLY, 0));
    CHECK(write_text(fd, "bogus"), -EINVAL);
    CHECK(write_text(fd, "clear"), 5);
    OK(sys(SYS_setresuid, 1000, 1000, 1000));
    CHECK(write_text(fd, "clear"), -EPERM);
    OK(sys(SYS_close, fd));
    /* (The Core checks no mode bits at open: the write itself refuses non-root callers.) */
    fd = (int)OK(open_path("/proc/sys/kernel/fault_inject", O_WRONLY, 0));
    CHECK(write_text(fd, "proc:read:panic:nth=1"), -EPERM);
    OK(sys(SYS_close, fd));
}

static void devfs_lookup_assertion_then_dev_null_opens_again(void **state)
{
    faults_on();
    struct service *dev = filesystem("devtmpfs");
    uint64_t restarts = dev->counters.restarts;
    inject("devtmpfs:lookup:assert:nth=1");
    CHECK(open_path("/dev/null", O_RDWR, 0), -EIO);
    kernel_alive();
    wait_restarted(dev, restarts);
    int fd = (int)OK(open_path("/dev/null", O_RDWR, 0));
    CHECK(write_text(fd, "gone"), 4);
    OK(sys(SYS_close, fd));
    readable("/dev/zero");
}

static void devfs_fault_during_restart_is_retried(void **state)
{
    faults_on();
    struct service *dev = filesystem("devtmpfs");
    uint64_t restarts = dev->counters.restarts;
    uint64_t failed = dev->counters.failed_restarts;
    inject("devtmpfs:start:panic:nth=1");
    inject("devtmpfs:getattr:null:nth=1");
    struct test_stat status;
    CHECK(stat_path("/dev/null", &status), -EIO);
    wait_restarted(dev, restarts);
    assert_true(dev->counters.failed_restarts > failed);
    OK(stat_path("/dev/null", &status));
    int fd = (int)OK(open_path("/dev/null", O_WRONLY, 0));
    CHECK(write_text(fd, "x"), 1);
    OK(sys(SYS_close, fd));
}

static void tmpfs_root_fault_then_a_fresh_root(void **state)
{
    faults_on();
    struct service *tmpfs = filesystem("tmpfs");
    uint64_t restarts = tmpfs->counters.restarts;
    create_file("/before", "old");
    int fd = (int)OK(open_path("/before", O_RDWR, 0));
    inject("tmpfs:write:null:nth=1");
    CHECK(write_text(fd, "more"), -EIO);
    kernel_alive();
    wait_restarted(tmpfs, restarts);
    /* The old file's description stays dead; the file itself is lost with the old root. */
    CHECK(write_text(fd, "more"), -EIO);
    char text[64];
    CHECK(read_file("/before", text, sizeof text), -ENOENT);
    /* A new file on the new root reads back. */
    create_file("/after", "hello");
    CHECK(read_file("/after", text, sizeof text), 5);
    assert_string_equal(text, "hello");
    /* The cwd moved to the new root; /proc and /dev are back on it. */
    CHECK(getcwd_text(text, sizeof text), 2);
    assert_string_equal(text, "/");
    readable("/proc/uptime");
    fd = (int)OK(open_path("/dev/null", O_WRONLY, 0));
    CHECK(write_text(fd, "x"), 1);
    OK(sys(SYS_close, fd));
    /* Every descriptor on the dead root closed: its instance is reclaimed. */
    for (int descriptor = 0; descriptor < 4; descriptor++)
        OK(sys(SYS_close, descriptor));
    service_instances_reclaim();
    assert_int_equal(service_instances_quarantined(), 0);
}

static void tty_write_panic_then_console_writes_again(void **state)
{
    faults_on();
    struct service *tty = services_lookup(SERVICE_DRIVER, "tty");
    assert_non_null(tty);
    uint64_t restarts = tty->counters.restarts;
    int fd = (int)OK(open_path("/dev/ttyS0", O_WRONLY | O_NOCTTY, 0));
    inject("tty:write:panic:nth=1");
    CHECK(write_text(fd, "lost\n"), -EIO);
    kernel_alive();
    wait_restarted(tty, restarts);
    CHECK(write_text(fd, "dead\n"), -EIO);
    OK(sys(SYS_close, fd));
    fd = (int)OK(open_path("/dev/ttyS0", O_WRONLY | O_NOCTTY, 0));
    CHECK(write_text(fd, "back\n"), 5);
    OK(sys(SYS_close, fd));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYSCALL_TEST(procfs_read_fault_gives_eio_then_proc_comes_back),
        SYSCALL_TEST(procfs_panic_through_fault_inject_file),
        SYSCALL_TEST(devfs_lookup_assertion_then_dev_null_opens_again),
        SYSCALL_TEST(devfs_fault_during_restart_is_retried),
        SYSCALL_TEST(tmpfs_root_fault_then_a_fresh_root),
        SYSCALL_TEST(tty_write_panic_then_console_writes_again),
    };
    int failures = RUN_SYSCALL_TESTS("containment_filesystems", tests);
    hosted_faults_remove();
    return failures;
}
