/*
 * sched_internal.h — what sched.c and thread.c share and nobody else uses.
 */
#ifndef RK_CORE_SCHED_INTERNAL_H
#define RK_CORE_SCHED_INTERNAL_H

#include <rk/thread.h>

/* Free a dead thread's stack and structure (not the running thread). */
void thread_free(struct thread *thread);
/* Head of the list of every live thread (linked through all_link). */
struct list_node *thread_list(void);
/* Forget the thread ids handed out (sched_init: a new boot numbers threads from 1 again). */
void thread_ids_reset(void);
/* Mark the running thread dead and switch away for ever. Interrupts disabled. */
RK_NORETURN void sched_exit_current(void);

#endif
