/*
 * thread.c — creating, joining, detaching and ending kernel threads.
 * Ownership: thread_create() returns the caller's reference; thread_join()
 * consumes it and frees the thread; thread_detach() hands it to the reaper.
 */
#include <rk/errno.h>
#include <rk/heap.h>
#include <rk/klog.h>
#include <rk/page_alloc.h>
#include <rk/panic.h>
#include <rk/process.h>
#include <rk/sched.h>
#include <rk/string.h>

#include "sched_internal.h"

static struct list_node all_threads = LIST_HEAD_INIT(all_threads);
static uint64_t next_thread_id = 1;

struct list_node *thread_list(void) { return &all_threads; }

void thread_ids_reset(void) { next_thread_id = 1; }

/* First code of every new thread: run the function, then exit with 0. */
static void thread_start(void *argument)
{
    struct thread *thread = argument;
    thread->function(thread->argument);
    thread_exit(0);
}

struct thread *thread_create(const char *name, thread_function function, void *argument)
{
    struct thread *thread = kzalloc(sizeof *thread);
    if (!thread)
        return NULL;
    thread->stack = platform_kernel_stack_alloc(PAGE_SIZE << THREAD_STACK_ORDER);
    if (!thread->stack) {
        kfree(thread);
        return NULL;
    }
    rk_strlcpy(thread->name, name, sizeof thread->name);
    thread->function = function;
    thread->argument = argument;
    thread->state = THREAD_BLOCKED;
    list_init(&thread->run_link);
    list_init(&thread->wait_link);
    wait_queue_init(&thread->exit_waiters);
    platform_context_create(&thread->context, thread->stack, PAGE_SIZE << THREAD_STACK_ORDER,
                            thread_start, thread);

    irq_flags_t flags = platform_irq_save();
    thread->id = next_thread_id++;
    list_push_back(&all_threads, &thread->all_link);
    platform_irq_restore(flags);
    sched_wake(thread);
    return thread;
}

void thread_free(struct thread *thread)
{
    if (thread->process)
        process_attach_thread(NULL, thread);
    list_remove(&thread->all_link);
    platform_context_destroy(&thread->context, thread->stack, PAGE_SIZE << THREAD_STACK_ORDER);
    platform_kernel_stack_free(thread->stack, PAGE_SIZE << THREAD_STACK_ORDER);
    kfree(thread);
}

int thread_join(struct thread *thread, int *exit_code)
{
    if (thread == thread_current() || thread->detached || !thread->stack)
        return -EINVAL;
    irq_flags_t flags = platform_irq_save();
    while (thread->state != THREAD_DEAD) {
        int error = wait_queue_wait(&thread->exit_waiters, NULL, WAIT_FOREVER);
        if (error < 0) {
            platform_irq_restore(flags);
            return error;
        }
    }
    if (exit_code)
        *exit_code = thread->exit_code;
    thread_free(thread);
    platform_irq_restore(flags);
    return 0;
}

void thread_detach(struct thread *thread)
{
    irq_flags_t flags = platform_irq_save();
    if (thread->state == THREAD_DEAD)
        thread_free(thread);
    else
        thread->detached = true;
    platform_irq_restore(flags);
}

void thread_exit(int exit_code)
{
    platform_irq_disable();
    struct thread *thread = thread_current();
    if (!thread->stack)
        panic("thread_exit: the boot thread cannot exit");
    thread->exit_code = exit_code;
    wait_queue_wake_all(&thread->exit_waiters);
    sched_exit_current();
}

unsigned thread_count(void)
{
    unsigned count = 0;
    irq_flags_t flags = platform_irq_save();
    list_for_each(node, &all_threads)
        count++;
    platform_irq_restore(flags);
    return count;
}
