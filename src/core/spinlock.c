/*
 * spinlock.c — uniprocessor spinlocks: the interrupt state is the real
 * exclusion; the locked flag catches recursion and unbalanced unlocks.
 */
#include <rk/panic.h>
#include <rk/platform.h>
#include <rk/spinlock.h>
#include <rk/thread.h>

void spinlock_init(struct spinlock *lock, const char *name)
{
    lock->name = name;
    lock->owner = NULL;
    lock->locked = false;
}

void spin_lock_raw(struct spinlock *lock)
{
    if (lock->locked)
        panic("spinlock %s: taken twice (owner %p)", lock->name, lock->owner);
    lock->locked = true;
    struct thread *thread = thread_current();
    lock->owner = thread;
    if (thread)
        thread->spinlocks_held++;
}

void spin_unlock_raw(struct spinlock *lock)
{
    if (!lock->locked)
        panic("spinlock %s: released while free", lock->name);
    struct thread *thread = lock->owner;
    lock->locked = false;
    lock->owner = NULL;
    if (thread && thread->spinlocks_held > 0)
        thread->spinlocks_held--;
}

spinlock_irq_state_t spin_lock_irqsave(struct spinlock *lock)
{
    spinlock_irq_state_t state = platform_irq_save();
    spin_lock_raw(lock);
    return state;
}

void spin_unlock_irqrestore(struct spinlock *lock, spinlock_irq_state_t state)
{
    spin_unlock_raw(lock);
    platform_irq_restore(state);
}

bool spinlock_is_held(const struct spinlock *lock) { return lock->locked; }
