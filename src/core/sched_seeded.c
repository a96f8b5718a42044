/*
 * sched_seeded.c — a policy that picks a pseudo-random runnable thread from
 * a seeded generator, so tests explore interleavings reproducibly: the same
 * seed gives the same schedule. Called with interrupts disabled.
 */
#include <rk/sched.h>

static struct list_node seeded_queue = LIST_HEAD_INIT(seeded_queue);
static unsigned seeded_count;
static uint64_t seeded_state = 0x9e3779b97f4a7c15ull;

void sched_policy_seeded_set_seed(uint64_t seed)
{
    seeded_state = seed ? seed : 0x9e3779b97f4a7c15ull;
}

/* xorshift64*: the next pseudo-random number. */
static uint64_t seeded_next_random(void)
{
    seeded_state ^= seeded_state >> 12;
    seeded_state ^= seeded_state << 25;
    seeded_state ^= seeded_state >> 27;
    return seeded_state * 0x2545f4914f6cdd1dull;
}

static void seeded_reset(void)
{
    list_init(&seeded_queue);
    seeded_count = 0;
}

static void seeded_enqueue(struct thread *thread)
{
    list_push_back(&seeded_queue, &thread->run_link);
    seeded_count++;
}

static struct thread *seeded_pick_next(void)
{
    if (seeded_count == 0)
        return NULL;
    uint64_t skip = seeded_next_random() % seeded_count;
    struct list_node *node = seeded_queue.next;
    while (skip--)
        node = node->next;
    list_remove(node);
    seeded_count--;
    return list_entry(node, struct thread, run_link);
}

static void seeded_remove(struct thread *thread)
{
    list_remove(&thread->run_link);
    seeded_count--;
}

const struct sched_policy_ops sched_policy_seeded = {
    .name = "seeded",
    .reset = seeded_reset,
    .enqueue = seeded_enqueue,
    .pick_next = seeded_pick_next,
    .remove = seeded_remove,
};
