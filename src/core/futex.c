/*
 * futex.c — futex(2): WAIT, WAKE, WAIT_BITSET, WAKE_BITSET, REQUEUE,
 * CMP_REQUEUE, WAKE_OP, and robust lists at thread exit (rk/futex.h).
 *
 * Each waiter is a struct futex_waiter on the waiting thread's kernel
 * stack, hashed by key into a bucket; a wake unlinks it, marks it woken
 * and wakes its private wait queue. Requeue moves waiters to another key.
 *
 * Locking: uniprocessor, cooperative; buckets change with interrupts
 * disabled. Reading the user word and queueing happen without a yield in
 * between, so a wake cannot be lost between the check and the sleep.
 */
#include <rk/clock.h>
#include <rk/errno.h>
#include <rk/futex.h>
#include <rk/klog.h>
#include <rk/mm.h>
#include <rk/process.h>
#include <rk/signal.h>
#include <rk/thread.h>
#include <rk/timer.h>
#include <rk/usercopy.h>
#include <rk/waitqueue.h>

#define FUTEX_BUCKETS 64
#define NANOSECONDS_PER_SECOND 1000000000ll

/* What identifies a futex: an address space (NULL for a physical key) and an address. */
struct futex_key {
    const void *space;
    uintptr_t address;
};

struct futex_waiter {
    struct list_node link;     /* in its bucket */
    struct futex_key key;
    uint32_t bitset;
    bool woken;
    struct wait_queue queue;   /* the waiting thread alone */
};

static struct list_node buckets[FUTEX_BUCKETS];
static bool buckets_ready;

/* The bucket of key (set up on first use). Interrupts disabled. */
static struct list_node *bucket_of(const struct futex_key *key)
{
    if (!buckets_ready) {
        for (int i = 0; i < FUTEX_BUCKETS; i++)
            list_init(&buckets[i]);
        buckets_ready = true;
    }
    uint64_t hash = (uint64_t)key->address ^ ((uint64_t)(uintptr_t)key->space >> 4);
    hash *= 0x9e3779b97f4a7c15ull;
    return &buckets[hash >> 58];
}

static bool key_equal(const struct futex_key *a, const struct futex_key *b)
{
    return a->space == b->space && a->address == b->address;
}

/*
 * The key of the word at address for the running process. Returns 0,
 * -EINVAL (misaligned), -EFAULT (no mapping, shared keys only), -ENOSYS
 * (no address space).
 */
static int futex_key_get(uintptr_t address, bool private_futex, struct futex_key *key)
{
    if (address % sizeof(uint32_t))
        return -EINVAL;
    struct process *process = process_current();
    if (!process || !process->mm)
        return -EFAULT;
    struct mm *mm = process->mm;
    key->space = mm;
    key->address = address;
    if (private_futex)
        return 0;
    struct vm_area *area = mm_find_area(mm, address);
    if (!area || !(area->flags & MAP_SHARED)) {
        uint32_t word;  /* Linux's shared key needs the page to be there */
        return copy_from_user(&word, address, sizeof word) < 0 ? -EFAULT : 0;
    }
    if (mm_fault_in(mm, address, sizeof(uint32_t), MM_ACCESS_READ) < 0)
        return -EFAULT;
    paddr_t frame;
    if (platform_translate(&mm->space, address & ~(uintptr_t)(PAGE_SIZE - 1), &frame, NULL) < 0)
        return -EFAULT;
    key->space = NULL;
    key->address = (uintptr_t)frame + (address & (PAGE_SIZE - 1));
    return 0;
}

/* Wake up to count waiters of key whose bitset meets bitset (at least one, as Linux). */
static int wake_key(const struct futex_key *key, int count, uint32_t bitset)
{
    int woken = 0;
    irq_flags_t flags = platform_irq_save();
    struct list_node *bucket = bucket_of(key);
    list_for_each_safe(node, bucket) {
        struct futex_waiter *waiter = list_entry(node, struct futex_waiter, link);
        if (!key_equal(&waiter->key, key) || !(waiter->bitset & bitset))
            continue;
        list_remove(&waiter->link);
        waiter->woken = true;
        wait_queue_wake_all(&waiter->queue);
        if (++woken >= count)
            break;
    }
    platform_irq_restore(flags);
    return woken;
}

/* Read a timespec at address into nanoseconds. Returns 0, -EFAULT or -EINVAL. */
static int timespec_read(uintptr_t address, int64_t *nanoseconds)
{
    struct { int64_t seconds, nanoseconds; } value;
    if (copy_from_user(&value, address, sizeof value) < 0)
        return -EFAULT;
    if (value.seconds < 0 || value.nanoseconds < 0 || value.nanoseconds >= NANOSECONDS_PER_SECOND)
        return -EINVAL;
    if (value.seconds > INT64_MAX / NANOSECONDS_PER_SECOND - 1)
        *nanoseconds = INT64_MAX;
    else
        *nanoseconds = value.seconds * NANOSECONDS_PER_SECOND + value.nanoseconds;
    return 0;
}

static long futex_wait_until(uintptr_t address, bool private_futex, uint32_t value,
                             uint64_t deadline, uint32_t bitset);

/* restart_syscall's resume of a timed wait a signal without handler interrupted. */
static long futex_wait_resume(struct thread *thread)
{
    const struct signal_restart *restart = &thread->signals.restart;
    return futex_wait_until(restart->address, restart->values[2] != 0, (uint32_t)restart->values[0],
                            restart->deadline_ns, (uint32_t)restart->values[1]);
}

/*
 * Sleep while the word at address equals value, until a wake matching
 * bitset or deadline (clock_now_ns() time; WAIT_FOREVER: none). A signal
 * ends an untimed wait with -ERESTARTSYS (restarted), a timed one with
 * -ERESTART_RESTARTBLOCK (resumed to the same deadline by restart_syscall
 * when no handler runs, else -EINTR), as Linux. Returns 0 when woken,
 * -EAGAIN, -ETIMEDOUT, -EFAULT or -EINVAL.
 */
static long futex_wait_until(uintptr_t address, bool private_futex, uint32_t value,
                             uint64_t deadline, uint32_t bitset)
{
    struct futex_key key;
    int error = futex_key_get(address, private_futex, &key);
    if (error < 0)
        return error;
    uint32_t current;
    if (copy_from_user(&current, address, sizeof current) < 0)
        return -EFAULT;
    if (current != value)
        return -EAGAIN;
    bool timed = deadline != WAIT_FOREVER;
    if (timed && clock_now_ns() >= deadline)
        return -ETIMEDOUT;

    struct futex_waiter waiter = { .key = key, .bitset = bitset };
    wait_queue_init(&waiter.queue);
    irq_flags_t flags = platform_irq_save();
    list_push_back(bucket_of(&key), &waiter.link);
    long result = 0;
    while (!waiter.woken) {
        uint64_t left = WAIT_FOREVER;
        if (timed) {
            uint64_t now = clock_now_ns();
            if (now >= deadline) {
                result = -ETIMEDOUT;
                break;
            }
            left = deadline - now;
        }
        int wait_error = wait_queue_wait(&waiter.queue, NULL, left);
        if (waiter.woken)
            break;
        if (wait_error == -ETIMEDOUT) {
            result = -ETIMEDOUT;
            break;
        }
        if (wait_error < 0) {
            result = wait_error;
            break;
        }
    }
    if (!waiter.woken)
        list_remove(&waiter.link);
    platform_irq_restore(flags);
    if (waiter.woken)
        return 0;
    if (result == -ERESTARTSYS && timed) {
        struct signal_restart *restart = &thread_current()->signals.restart;
        restart->resume = futex_wait_resume;
        restart->deadline_ns = deadline;
        restart->address = address;
        restart->values[0] = value;
        restart->values[1] = bitset;
        restart->values[2] = private_futex;
        return -ERESTART_RESTARTBLOCK;
    }
    return result;
}

/*
 * FUTEX_WAIT / FUTEX_WAIT_BITSET: sleep while the word equals value, until
 * a wake matching bitset or the timeout (relative, or an absolute deadline
 * on the monotonic or realtime clock). See futex_wait_until.
 */
static long futex_wait(uintptr_t address, bool private_futex, uint32_t value, uintptr_t timeout,
                       bool absolute, bool realtime, uint32_t bitset)
{
    if (bitset == 0)
        return -EINVAL;
    uint64_t deadline = WAIT_FOREVER;
    if (timeout) {
        int64_t nanoseconds;
        int error = timespec_read(timeout, &nanoseconds);
        if (error < 0)
            return error;
        uint64_t wait_ns;
        if (absolute) {
            int64_t now = realtime ? clock_realtime_ns() : (int64_t)clock_now_ns();
            wait_ns = nanoseconds <= now ? 0 : (uint64_t)(nanoseconds - now);
        } else {
            wait_ns = (uint64_t)nanoseconds;
        }
        uint64_t now = clock_now_ns();
        deadline = wait_ns >= WAIT_FOREVER - 1 - now ? WAIT_FOREVER - 1 : now + wait_ns;
    }
    return futex_wait_until(address, private_futex, value, deadline, bitset);
}

/* The keys of the two words of a requeue or wake-op. Returns 0, -EFAULT or -EINVAL. */
static int futex_key_pair_get(uintptr_t address, uintptr_t address2, bool private_futex,
                              struct futex_key *key, struct futex_key *key2)
{
    int error = futex_key_get(address, private_futex, key);
    if (error == 0)
        error = futex_key_get(address2, private_futex, key2);
    return error;
}

/* FUTEX_REQUEUE / FUTEX_CMP_REQUEUE: wake some, move up to requeue_count others to address2. */
static long futex_requeue(uintptr_t address, bool private_futex, int wake_count, int requeue_count,
                          uintptr_t address2, bool compare, uint32_t expected)
{
    if (wake_count < 0 || requeue_count < 0)
        return -EINVAL;
    struct futex_key key, key2;
    int error = futex_key_pair_get(address, address2, private_futex, &key, &key2);
    if (error < 0)
        return error;
    if (compare) {
        uint32_t current;
        if (copy_from_user(&current, address, sizeof current) < 0)
            return -EFAULT;
        if (current != expected)
            return -EAGAIN;
    }
    int woken = 0, moved = 0;
    /* Moved waiters wait here until the walk ends: pushed straight onto
       address2's bucket, a requeue onto the same word would meet them again. */
    struct list_node requeued;
    list_init(&requeued);
    irq_flags_t flags = platform_irq_save();
    struct list_node *bucket = bucket_of(&key);
    list_for_each_safe(node, bucket) {
        struct futex_waiter *waiter = list_entry(node, struct futex_waiter, link);
        if (!key_equal(&waiter->key, &key))
            continue;
        if (woken < wake_count) {
            list_remove(&waiter->link);
            waiter->woken = true;
            wait_queue_wake_all(&waiter->queue);
            woken++;
        } else if (moved < requeue_count) {
            list_remove(&waiter->link);
            waiter->key = key2;
            list_push_back(&requeued, &waiter->link);
            moved++;
        } else {
            break;
        }
    }
    struct list_node *bucket2 = bucket_of(&key2);
    while (!list_is_empty(&requeued))
        list_push_back(bucket2, list_pop_front(&requeued));
    platform_irq_restore(flags);
    return woken + moved;
}

/* Sign-extend the 12-bit field of a FUTEX_WAKE_OP encoding. */
static int32_t twelve_bits(uint32_t value)
{
    return (int32_t)(value << 20) >> 20;
}

/* FUTEX_WAKE_OP: *address2 = op(*address2); wake on address, and on address2 when cmp holds. */
static long futex_wake_op(uintptr_t address, bool private_futex, int wake_count, int wake_count2,
                          uintptr_t address2, uint32_t encoded)
{
    unsigned op = (encoded >> 28) & 0xf;
    unsigned cmp = (encoded >> 24) & 0xf;
    int32_t argument = twelve_bits(encoded >> 12);
    int32_t compare_argument = twelve_bits(encoded);
    if (op & 8) {
        op &= 7;
        argument = (int32_t)(1u << (argument & 31));
    }
    if (op > 4 || cmp > 5)
        return -ENOSYS;
    struct futex_key key, key2;
    int error = futex_key_pair_get(address, address2, private_futex, &key, &key2);
    if (error < 0)
        return error;
    uint32_t old_value;
    if (copy_from_user(&old_value, address2, sizeof old_value) < 0)
        return -EFAULT;
    uint32_t new_value;
    switch (op) {
    case 0: new_value = (uint32_t)argument; break;
    case 1: new_value = old_value + (uint32_t)argument; break;
    case 2: new_value = old_value | (uint32_t)argument; break;
    case 3: new_value = old_value & ~(uint32_t)argument; break;
    default: new_value = old_value ^ (uint32_t)argument; break;
    }
    if (copy_to_user(address2, &new_value, sizeof new_value) < 0)
        return -EFAULT;
    int32_t old_signed = (int32_t)old_value;
    bool condition;
    switch (cmp) {
    case 0: condition = old_signed == compare_argument; break;
    case 1: condition = old_signed != compare_argument; break;
    case 2: condition = old_signed < compare_argument; break;
    case 3: condition = old_signed <= compare_argument; break;
    case 4: condition = old_signed > compare_argument; break;
    default: condition = old_signed >= compare_argument; break;
    }
    long woken = wake_key(&key, wake_count, FUTEX_BITSET_MATCH_ANY);
    if (condition)
        woken += wake_key(&key2, wake_count2, FUTEX_BITSET_MATCH_ANY);
    return woken;
}

long futex_operation(uintptr_t address, int operation, uint32_t value, uintptr_t timeout,
                     uintptr_t address2, uint32_t value3)
{
    bool private_futex = operation & FUTEX_PRIVATE_FLAG;
    bool realtime = operation & FUTEX_CLOCK_REALTIME;
    int command = operation & FUTEX_COMMAND_MASK;
    if (realtime && command != FUTEX_WAIT && command != FUTEX_WAIT_BITSET &&
        command != FUTEX_WAIT_REQUEUE_PI && command != FUTEX_LOCK_PI2)
        return -ENOSYS;
    switch (command) {
    case FUTEX_WAIT:
        return futex_wait(address, private_futex, value, timeout, false, realtime,
                          FUTEX_BITSET_MATCH_ANY);
    case FUTEX_WAIT_BITSET:
        return futex_wait(address, private_futex, value, timeout, true, realtime, value3);
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET: {
        uint32_t bitset = command == FUTEX_WAKE ? FUTEX_BITSET_MATCH_ANY : value3;
        if (bitset == 0)
            return -EINVAL;
        struct futex_key key;
        int error = futex_key_get(address, private_futex, &key);
        if (error < 0)
            return error;
        return wake_key(&key, (int)value, bitset);
    }
    case FUTEX_REQUEUE:
        return futex_requeue(address, private_futex, (int)value, (int)timeout, address2, false, 0);
    case FUTEX_CMP_REQUEUE:
        return futex_requeue(address, private_futex, (int)value, (int)timeout, address2, true,
                             value3);
    case FUTEX_WAKE_OP:
        return futex_wake_op(address, private_futex, (int)value, (int)timeout, address2, value3);
    default:
        klog(KLOG_WARNING, "futex: operation %d (PI or FD) not implemented: ENOSYS", command);
        return -ENOSYS;
    }
}

int futex_wake_address(uintptr_t address, int count)
{
    struct futex_key key;
    if (futex_key_get(address, false, &key) < 0)
        return 0;
    return wake_key(&key, count, FUTEX_BITSET_MATCH_ANY);
}

/* One robust-list entry's futex word: mark it owner-died if tid holds it; wake a waiter. */
static void robust_release(uintptr_t word_address, int tid, bool pending)
{
    uint32_t word;
    if (copy_from_user(&word, word_address, sizeof word) < 0)
        return;
    if (pending && word == 0) {
        futex_wake_address(word_address, 1);
        return;
    }
    if ((word & FUTEX_TID_MASK) != (uint32_t)tid)
        return;
    uint32_t new_word = (word & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
    if (copy_to_user(word_address, &new_word, sizeof new_word) < 0)
        return;
    if (word & FUTEX_WAITERS)
        futex_wake_address(word_address, 1);
}

void futex_exit_robust_list(struct thread *thread)
{
    struct { uint64_t list, futex_offset, pending; } head;
    if (!thread->robust_list || copy_from_user(&head, thread->robust_list, sizeof head) < 0)
        return;
    int64_t offset = (int64_t)head.futex_offset;
    uint64_t entry = head.list;
    for (int limit = 0; limit < 2048 && entry != thread->robust_list; limit++) {
        uint64_t next;
        if (copy_from_user(&next, entry & ~1ull, sizeof next) < 0)
            return;
        if ((entry & ~1ull) != (head.pending & ~1ull))
            robust_release((uintptr_t)((int64_t)(entry & ~1ull) + offset), thread->tid, false);
        entry = next;
    }
    if (head.pending)
        robust_release((uintptr_t)((int64_t)(head.pending & ~1ull) + offset), thread->tid, true);
}

void futex_reset(void)
{
    buckets_ready = false;
}

unsigned futex_waiter_count(void)
{
    unsigned count = 0;
    irq_flags_t flags = platform_irq_save();
    if (buckets_ready)
        for (int i = 0; i < FUTEX_BUCKETS; i++)
            list_for_each(node, &buckets[i])
                count++;
    platform_irq_restore(flags);
    return count;
}
