/*
 * rk/spinlock.h — locks for a uniprocessor kernel: taking a spinlock
 * disables interrupts; the owner is recorded to catch recursion.
 * Never sleep while holding one.
 */
#ifndef RK_SPINLOCK_H
#define RK_SPINLOCK_H

#include <stdbool.h>

typedef unsigned long spinlock_irq_state_t;

struct spinlock {
    const char *name;
    void *owner;      /* the thread that holds it, NULL when free */
    bool locked;
};

#define SPINLOCK_INIT(lock_name) { .name = (lock_name), .owner = 0, .locked = false }

void spinlock_init(struct spinlock *lock, const char *name);
/* Disable interrupts, take the lock, return the previous interrupt state. */
spinlock_irq_state_t spin_lock_irqsave(struct spinlock *lock);
/* Release the lock and restore the interrupt state from spin_lock_irqsave(). */
void spin_unlock_irqrestore(struct spinlock *lock, spinlock_irq_state_t state);
bool spinlock_is_held(const struct spinlock *lock);
/* Take / release without touching the interrupt state (interrupts already disabled). */
void spin_lock_raw(struct spinlock *lock);
void spin_unlock_raw(struct spinlock *lock);

#endif
