/*
 * sched_round_robin.c — the default policy: runnable threads in FIFO order.
 * Called with interrupts disabled (see rk/sched.h).
 */
#include <rk/sched.h>

static struct list_node round_robin_queue = LIST_HEAD_INIT(round_robin_queue);

static void round_robin_reset(void) { list_init(&round_robin_queue); }

static void round_robin_enqueue(struct thread *thread)
{
    list_push_back(&round_robin_queue, &thread->run_link);
}

static struct thread *round_robin_pick_next(void)
{
    struct list_node *node = list_pop_front(&round_robin_queue);
    return node ? list_entry(node, struct thread, run_link) : NULL;
}

static void round_robin_remove(struct thread *thread) { list_remove(&thread->run_link); }

const struct sched_policy_ops sched_policy_round_robin = {
    .name = "round-robin",
    .reset = round_robin_reset,
    .enqueue = round_robin_enqueue,
    .pick_next = round_robin_pick_next,
    .remove = round_robin_remove,
};
