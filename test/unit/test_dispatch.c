/* test_dispatch.c — the syscall dispatch entry: unknown numbers are ENOSYS with a named log line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <rk/errno.h>
#include <rk/klog.h>
#include <rk/process.h>
#include <rk/syscall.h>
#include <rk/thread.h>
#include "hosted.h"

static int boot(void **state)
{
    assert_int_equal(hosted_test_boot("loglevel=3"), 0);
    struct process *process = process_create("dispatch", 0, false);
    process_attach_thread(process, thread_current());
    process_put(process);
    return 0;
}

/* True when a klog record since sequence contains text. */
static bool logged_since(uint64_t sequence, const char *text)
{
    struct klog_record record;
    while (klog_read(&sequence, &record) == 0)
        if (strstr(record.text, text))
            return true;
    return false;
}

static void unimplemented_syscalls_are_enosys_and_named(void **state)
{
    uint64_t sequence = klog_next_sequence();
    assert_int_equal(syscall6(435, 0, 0, 0, 0, 0, 0), -ENOSYS); /* clone3: glibc falls back to clone */
    assert_true(logged_since(sequence, "syscall 435 (clone3) not implemented"));
    sequence = klog_next_sequence();
    assert_int_equal(syscall6(100000, 0, 0, 0, 0, 0, 0), -ENOSYS);
    assert_true(logged_since(sequence, "syscall 100000 (unknown) not implemented"));
}

static void each_unimplemented_number_is_logged_once_per_boot(void **state)
{
    uint64_t sequence = klog_next_sequence();
    assert_int_equal(syscall6(SYS_rseq, 0, 0, 0, 0, 0, 0), -ENOSYS);
    assert_true(logged_since(sequence, "syscall 334 (rseq) not implemented"));
    sequence = klog_next_sequence();
    assert_int_equal(syscall6(SYS_rseq, 0, 0, 0, 0, 0, 0), -ENOSYS);
    assert_false(logged_since(sequence, "(rseq) not implemented"));
    /* Another number still gets its own line. */
    assert_int_equal(syscall6(435, 0, 0, 0, 0, 0, 0), -ENOSYS);
    assert_true(logged_since(sequence, "syscall 435 (clone3) not implemented"));
}

static void names_of_implemented_and_linux_syscalls(void **state)
{
    assert_string_equal(syscall_name(SYS_openat), "openat");
    assert_string_equal(syscall_name(59), "execve");
    assert_string_equal(syscall_name(~0ul), "unknown");
}

static void getpid_answers_for_the_process(void **state)
{
    assert_true(syscall6(SYS_getpid, 0, 0, 0, 0, 0, 0) > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(unimplemented_syscalls_are_enosys_and_named, boot),
        cmocka_unit_test_setup(each_unimplemented_number_is_logged_once_per_boot, boot),
        cmocka_unit_test_setup(names_of_implemented_and_linux_syscalls, boot),
        cmocka_unit_test_setup(getpid_answers_for_the_process, boot),
    };
    return cmocka_run_group_tests_name("dispatch", tests, NULL, NULL);
}
