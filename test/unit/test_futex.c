/*
 * test_futex.c — futex(2): wait/wake, EAGAIN, timeouts on the virtual
 * clock (relative and absolute), bitsets, requeue, wake-op, and errors.
 * Waiters are kernel threads of the test process (pid 1).
 */
#include "test_process_fixture.h"

#include <rk/futex.h>

#define PRIVATE(op) ((op) | FUTEX_PRIVATE_FLAG)

struct waiter {
    uintptr_t word;
    uint32_t expected;
    int operation;
    uintptr_t timeout;     /* user timespec, or 0 */
    uint32_t bitset;
    long result;
    bool done;
};

static void body_wait(void *argument)
{
    struct waiter *waiter = argument;
    waiter->result = syscall6(SYS_futex, waiter->word, (uint64_t)waiter->operation, waiter->expected,
                              waiter->timeout, 0, waiter->bitset);
    waiter->done = true;
}

static long futex_call(uintptr_t word, int operation, uint32_t value, uint64_t timeout,
                       uintptr_t word2, uint32_t value3)
{
    return syscall6(SYS_futex, word, (uint64_t)operation, value, timeout, word2, value3);
}

static void start_waiter(struct waiter *waiter)
{
    process_run(init_process, body_wait, waiter);
}

/* Let the waiters run until they block. */
static void let_them_block(void) { sched_run_until_idle(); }

static void wait_and_wake(void **state)
{
    uintptr_t word = user_word(0);
    write_u32(word, 5);
    struct waiter first = { .word = word, .expected = 5, .operation = PRIVATE(FUTEX_WAIT) };
    struct waiter second = first;
    start_waiter(&first);
    start_waiter(&second);
    let_them_block();
    assert_false(first.done);
    assert_int_equal(futex_waiter_count(), 2);
    assert_int_equal(futex_call(word, PRIVATE(FUTEX_WAKE), 1, 0, 0, 0), 1);
    let_them_block();
    assert_true(first.done);   /* FIFO */
    assert_int_equal(first.result, 0);
    assert_false(second.done);
    assert_int_equal(futex_call(word, PRIVATE(FUTEX_WAKE), 10, 0, 0, 0), 1);
    sched_run_until_idle();
    assert_int_equal(second.result, 0);
    assert_int_equal(futex_call(word, PRIVATE(FUTEX_WAKE), 10, 0, 0, 0), 0);
    assert_int_equal(futex_waiter_count(), 0);
}

static void value_mismatch_is_eagain(void **state)
{
    uintptr_t word = user_word(0);
    write_u32(word, 1);
    assert_int_equal(futex_call(word, PRIVATE(FUTEX_WAIT), 2, 0, 0, 0), -EAGAIN);
    assert_int_equal(futex_call(word, FUTEX_WAIT, 2, 0, 0, 0), -EAGAIN);
}

static void relative_timeout_expires(void **state)
{
    uintptr_t word = user_word(0);
    uintptr_t timeout = user_word(4);
    int64_t five_ms[2] = { 0, 5000000 };
    assert_int_equal(copy_to_user(timeout, five_ms, sizeof five_ms), 0);
    struct waiter waiter = { .word = word, .expected = 0, .operation = PRIVATE(FUTEX_WAIT),
                             .timeout = timeout };
    uint64_t start = clock_now_ns();
    start_waiter(&waiter);
    sched_run_until_idle();
    assert_true(waiter.done);
    assert_int_equal(waiter.result, -ETIMEDOUT);
    assert_true(clock_now_ns() - start >= 5000000);
}

static void absolute_bitset_timeout_and_bitset_matching(void **state)
{
    uintptr_t word = user_word(0);
    uintptr_t deadline = user_word(4);
    int64_t at[2] = { 0, (int64_t)clock_now_ns() + 3000000 };
    assert_int_equal(copy_to_user(deadline, at, sizeof at), 0);
    struct waiter timed = { .word = word, .operation = PRIVATE(FUTEX_WAIT_BITSET), .timeout = deadline,
                            .bitset = 0x1 };
    start_waiter(&timed);
    sched_run_until_idle();
    assert_int_equal(timed.result, -ETIMEDOUT);

    struct waiter low = { .word = word, .operation = PRIVATE(FUTEX_WAIT_BITSET), .bitset = 0x1 };
    struct waiter high = { .word = word, .operation = PRIVATE(FUTEX_WAIT_BITSET), .bitset = 0x2 };
    start_waiter(&low);
    start_waiter(&high);
    let_them_block();
    assert_int_equal(futex_call(word, PRIVATE(FUTEX_WAKE_BITSET), 10, 0, 0, 0x2), 1);
    let_them_block();
    assert_true(high.done);
    assert_false(low.done);
    assert_int_equal(futex_call(word, PRIVATE(FUTEX_WAKE), 10, 0, 0, 0), 1);
    sched_run_until_idle();
    assert_true(low.done);
    /* A past absolute deadline times out at once. */
    assert_int_equal(futex_call(word, PRIVATE(FUTEX_WAIT_BITSET), 0, user_word(6), 0, ~0u), -ETIMEDOUT);
}

static void cmp_requeue_moves_waiters(void **state)
{
    uintptr_t word = user_word(0), target = user_word(1);
    struct waiter waiters[3];
    for (int i = 0; i < 3; i++) {
        waiters[i] = (struct waiter){ .word = word, .operation = PRIVATE(FUTEX_WAIT) };
        start_waiter(&waiters[i]);
    }
    let_them_block();
    assert_int_equal(futex_call(word, PRIVATE(FUTEX_CMP_REQUEUE), 1, 1, target, 7), -EAGAIN);
    assert_int_equal(futex_call(word, PRIVATE(FUTEX_CMP_REQUEUE), 1, 1, target, 0), 2);
    let_them_block();
    assert_true(waiters[0].done);
    assert_int_equal(futex_call(word, PRIVATE(FUTEX_WAKE), 10, 0, 0, 0), 1);    /* the third */
    assert_int_equal(futex_call(target, PRIVATE(FUTEX_WAKE), 10, 0, 0, 0), 1);  /* the requeued one */
    sched_run_until_idle();
    for (int i = 0; i < 3; i++)
        assert_int_equal(waiters[i].result, 0);
    assert_int_equal(futex_call(word, PRIVATE(FUTEX_REQUEUE), (uint32_t)-1, 0, target, 0), -EINVAL);
}

/*
 * Requeueing onto the same futex moves each waiter once (Linux counts
 * three here), and FIFO order stays: the kernel must not walk the moved
 * waiters again (with an unbounded count that never ended).
 */
static void requeue_onto_the_same_word_counts_each_waiter_once(void **state)
{
    uintptr_t word = user_word(0);
    struct waiter waiters[3];
    for (int i = 0; i < 3; i++) {
        waiters[i] = (struct waiter){ .word = word, .operation = PRIVATE(FUTEX_WAIT) };
        start_waiter(&waiters[i]);
    }
    let_them_block();
    assert_int_equal(futex_call(word, PRIVATE(FUTEX_CMP_REQUEUE), 0, INT32_MAX, word, 0), 3);
    assert_int_equal(futex_call(word, PRIVATE(FUTEX_REQUEUE), 0, 10, word, 0), 3);
    assert_int_equal(futex_waiter_count(), 3);
    assert_int_equal(futex_call(word, PRIVATE(FUTEX_WAKE), 1, 0, 0, 0), 1);
    let_them_block();
    assert_true(waiters[0].done);  /* still the first in line */
    assert_false(waiters[1].done);
    assert_int_equal(futex_call(word, PRIVATE(FUTEX_WAKE), 10, 0, 0, 0), 2);
    sched_run_until_idle();
    for (int i = 0; i < 3; i++)
        assert_int_equal(waiters[i].result, 0);
}

static void wake_op_changes_the_second_word_and_wakes(void **state)
{
    uintptr_t word = user_word(0), other = user_word(1);
    write_u32(other, 5);
    struct waiter one = { .word = word, .operation = PRIVATE(FUTEX_WAIT) };
    struct waiter two = { .word = other, .expected = 5, .operation = PRIVATE(FUTEX_WAIT) };
    start_waiter(&one);
    start_waiter(&two);
    let_them_block();
    /* op ADD 1, compare old > 4: both wake. */
    uint32_t encoded = (1u << 28) | (4u << 24) | (1u << 12) | 4u;
    assert_int_equal(futex_call(word, PRIVATE(FUTEX_WAKE_OP), 1, 1, other, encoded), 2);
    assert_int_equal(read_u32(other), 6);
    sched_run_until_idle();
    assert_true(one.done && two.done);
    assert_int_equal(futex_call(word, PRIVATE(FUTEX_WAKE_OP), 1, 1, other, 7u << 28), -ENOSYS);
}

static void errors(void **state)
{
    assert_int_equal(futex_call(user_word(0) + 1, PRIVATE(FUTEX_WAIT), 0, 0, 0, 0), -EINVAL);
    assert_int_equal(futex_call(16, PRIVATE(FUTEX_WAIT), 0, 0, 0, 0), -EFAULT);
    assert_int_equal(futex_call(16, FUTEX_WAKE, 1, 0, 0, 0), -EFAULT);
    assert_int_equal(futex_call(user_word(0), PRIVATE(FUTEX_WAIT_BITSET), 0, 0, 0, 0), -EINVAL);
    assert_int_equal(futex_call(user_word(0), PRIVATE(FUTEX_WAKE_BITSET), 1, 0, 0, 0), -EINVAL);
    assert_int_equal(futex_call(user_word(0), PRIVATE(FUTEX_LOCK_PI), 0, 0, 0, 0), -ENOSYS);
    assert_int_equal(futex_call(user_word(0), FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, 0, 0, 0), -ENOSYS);
    int64_t bad[2] = { 0, 1000000000 };
    assert_int_equal(copy_to_user(user_word(4), bad, sizeof bad), 0);
    assert_int_equal(futex_call(user_word(0), PRIVATE(FUTEX_WAIT), 0, user_word(4), 0, 0), -EINVAL);
    assert_int_equal(futex_call(user_word(0), PRIVATE(FUTEX_WAIT), 0, 8, 0, 0), -EFAULT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(wait_and_wake, boot_with_init, drop_init),
        cmocka_unit_test_setup_teardown(value_mismatch_is_eagain, boot_with_init, drop_init),
        cmocka_unit_test_setup_teardown(relative_timeout_expires, boot_with_init, drop_init),
        cmocka_unit_test_setup_teardown(absolute_bitset_timeout_and_bitset_matching, boot_with_init, drop_init),
        cmocka_unit_test_setup_teardown(cmp_requeue_moves_waiters, boot_with_init, drop_init),
        cmocka_unit_test_setup_teardown(requeue_onto_the_same_word_counts_each_waiter_once, boot_with_init,
                                        drop_init),
        cmocka_unit_test_setup_teardown(wake_op_changes_the_second_word_and_wakes, boot_with_init, drop_init),
        cmocka_unit_test_setup_teardown(errors, boot_with_init, drop_init),
    };
    return cmocka_run_group_tests_name("futex", tests, NULL, NULL);
}
