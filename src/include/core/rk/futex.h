/*
 * rk/futex.h — fast user-space mutexes (futex(2)): threads sleep on a
 * 32-bit user word until another thread wakes that word.
 *
 * Keys: a private futex (FUTEX_PRIVATE_FLAG) is (address space, address).
 * A shared one is the physical frame and offset when the word lies in a
 * MAP_SHARED area (so processes sharing the page meet), else (address
 * space, address) as well — Linux does the same for private anonymous
 * memory, where a shared futex can only be met by the same mm anyway.
 *
 * Locking: uniprocessor, cooperative; the tables change with interrupts
 * disabled. Waits are interruptible (-ERESTARTSYS).
 */
#ifndef RK_FUTEX_H
#define RK_FUTEX_H

#include <stdint.h>

struct thread;

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_FD 2
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_LOCK_PI 6
#define FUTEX_UNLOCK_PI 7
#define FUTEX_TRYLOCK_PI 8
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_WAIT_REQUEUE_PI 11
#define FUTEX_CMP_REQUEUE_PI 12
#define FUTEX_LOCK_PI2 13
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_COMMAND_MASK (~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu
#define FUTEX_WAITERS 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
#define FUTEX_TID_MASK 0x3fffffffu

/*
 * futex(2) for the running process: operation (with flags), the word at
 * address, value, timeout (a user timespec address, or the count val2 for
 * requeue and wake-op), address2 and value3. Returns what Linux returns.
 */
long futex_operation(uintptr_t address, int operation, uint32_t value, uintptr_t timeout,
                     uintptr_t address2, uint32_t value3);

/* Wake up to count waiters of the (shared-keyed) word at address of the running process. */
int futex_wake_address(uintptr_t address, int count);

/*
 * The running thread exits: walk its robust list (set_robust_list) and
 * mark each futex it still owns FUTEX_OWNER_DIED, waking one waiter.
 */
void futex_exit_robust_list(struct thread *thread);

/* Forget every waiter (core_init through processes_reset). */
void futex_reset(void);

/* Number of threads waiting on futexes (tests). */
unsigned futex_waiter_count(void);

#endif
