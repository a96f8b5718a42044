/*
 * wait.c — sleeping until a signal arrives (pause, sigsuspend,
 * rt_sigtimedwait): an interruptible wait on a queue nobody wakes.
 */
#include <rk/errno.h>

#include "signal_internal.h"

int signal_wait_for_signal(uint64_t timeout_ns)
{
    struct wait_queue nobody;
    wait_queue_init(&nobody);
    for (;;) {
        int error = wait_queue_wait(&nobody, NULL, timeout_ns);
        if (error < 0)
            return error; /* -ERESTARTSYS, -ETIMEDOUT, -EDEADLK */
    }
}
