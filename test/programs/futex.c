/* futex: raw FUTEX_WAIT/FUTEX_WAKE: EAGAIN on a changed value, ETIMEDOUT
 * after a relative timeout, wake counts, a waiter woken by another thread,
 * EFAULT on a bad address, CLONE_CHILD_CLEARTID-style wake at thread exit
 * (pthread_join relies on it). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>

#include "common.h"

/* From linux/futex.h (musl's include path has no kernel headers). */
#define FUTEX_WAIT_PRIVATE (0 | 128)
#define FUTEX_WAKE_PRIVATE (1 | 128)
#define FUTEX_CMP_REQUEUE_PRIVATE (4 | 128)

static long futex(uint32_t *address, int operation, uint32_t value, const struct timespec *timeout)
{
    return syscall(SYS_futex, address, operation, value, timeout, NULL, 0);
}

/* How many threads wait on address (holding value): requeued onto the
 * same word they stay where they are, and the count comes back. */
static long waiters_on(uint32_t *address, uint32_t value)
{
    return syscall(SYS_futex, address, FUTEX_CMP_REQUEUE_PRIVATE, 0, (long)INT32_MAX, address, value);
}

static uint32_t word;
static volatile int woke;

static void *waiter(void *argument)
{
    (void)argument;
    while (__atomic_load_n(&word, __ATOMIC_SEQ_CST) == 0)
        futex(&word, FUTEX_WAIT_PRIVATE, 0, NULL);
    woke = 1;
    return NULL;
}

int main(void)
{
    program_start();
    uint32_t value = 5;
    show("wait with a different value", futex(&value, FUTEX_WAIT_PRIVATE, 4, NULL));
    struct timespec short_timeout = {.tv_nsec = 50 * 1000 * 1000};
    show("wait with a timeout", futex(&value, FUTEX_WAIT_PRIVATE, 5, &short_timeout));
    show("wake without waiters", futex(&value, FUTEX_WAKE_PRIVATE, 1, NULL));
    struct timespec bad = {.tv_nsec = 2000000000L};
    show("wait with an invalid timeout", futex(&value, FUTEX_WAIT_PRIVATE, 5, &bad));
    show("wait on a bad address", futex((uint32_t *)8, FUTEX_WAIT_PRIVATE, 0, NULL));
    show("wait on an unaligned address", futex((uint32_t *)((char *)&value + 1), FUTEX_WAIT_PRIVATE, 0, NULL));
    show("unknown operation", futex(&value, 99, 0, NULL));

    pthread_t thread;
    pthread_create(&thread, NULL, waiter, NULL);
    usleep(100000);
    __atomic_store_n(&word, 1, __ATOMIC_SEQ_CST);
    long woken = futex(&word, FUTEX_WAKE_PRIVATE, 10, NULL);
    pthread_join(thread, NULL);
    printf("woke the waiter: %s (wake returned at most 1: %s)\n", woke ? "yes" : "no", woken <= 1 ? "yes" : "no");

    /* Many waiters, wake them in two steps. */
    word = 0;
    woke = 0;
    pthread_t many[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&many[i], NULL, waiter, NULL);
    while (waiters_on(&word, 0) < 3)  /* all three asleep, not a guess at how long that takes */
        sched_yield();
    __atomic_store_n(&word, 1, __ATOMIC_SEQ_CST);
    long first = futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL);
    long rest = futex(&word, FUTEX_WAKE_PRIVATE, 100, NULL);
    for (int i = 0; i < 3; i++)
        pthread_join(many[i], NULL);
    printf("wake 1 then the rest: %ld + %ld\n", first, rest);
    return 0;
}
