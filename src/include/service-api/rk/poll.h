/*
 * rk/poll.h — readiness of open files for poll(2), ppoll, select(2) and
 * pselect6: the event bits (Linux's values) and the one wait queue every
 * poller sleeps on.
 *
 * Each file answers "what is ready now" through its ops table's poll slot
 * (file_ops.poll, chardev_ops.poll): a mask of the bits below, computed
 * without sleeping. A file whose readiness can change (more data, room,
 * a hang-up) calls poll_notify() after the change, which wakes every
 * thread sleeping in poll/select so that it asks its files again. One
 * global queue is simple and correct on a uniprocessor kernel: a spurious
 * wake-up only costs a re-scan.
 */
#ifndef RK_POLL_H
#define RK_POLL_H

#include <stdint.h>

#define POLLIN 0x0001
#define POLLPRI 0x0002
#define POLLOUT 0x0004
#define POLLERR 0x0008
#define POLLHUP 0x0010
#define POLLNVAL 0x0020
#define POLLRDNORM 0x0040
#define POLLRDBAND 0x0080
#define POLLWRNORM 0x0100
#define POLLWRBAND 0x0200
#define POLLMSG 0x0400
#define POLLREMOVE 0x1000
#define POLLRDHUP 0x2000

/* What Linux reports for a file without a poll method (regular files, directories). */
#define DEFAULT_POLLMASK (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)

/*
 * Readiness of some file may have changed: wake every poller so it checks
 * again. Any context (interrupts included); never sleeps.
 */
void poll_notify(void);

/*
 * Readiness-change counters (for EPOLLET): an owner that knows which of
 * its objects changed keeps an unsigned long counter in that object,
 * points the object's files at it (file->readiness_changes, rk/file.h)
 * and calls poll_notify_changes(&counter) instead of poll_notify(): the
 * counter moves, the pollers wake, and an edge-triggered epoll watch of
 * another file is not reported again. poll_notify() stays the "anything
 * may have changed" form (a readiness change of files the caller cannot
 * name): every ready edge-triggered watch is then reported again.
 * changes NULL is poll_notify(). Any context; never sleeps.
 */
void poll_notify_changes(unsigned long *changes);

/*
 * Wake the pollers without any file's readiness changing (a new epoll
 * watch: its waiter looks again). Any context; never sleeps.
 */
void poll_wake(void);

/* How many poll_notify() calls (the "anything changed" form) there were so far. */
uint64_t poll_broad_generation(void);

/*
 * The pollers' side (the Core's poll/select, and a service thread that
 * waits for "anything changed"): poll_generation() before checking the
 * conditions, then poll_wait_change(seen, timeout_ns) sleeps unless a
 * poll_notify() came since `seen` was read. Returns 0 when woken (or a
 * notify came meanwhile), -ETIMEDOUT, or the wait's error (-ERESTARTSYS
 * for a user thread with a signal pending, -EDEADLK for the boot thread
 * when nothing can ever notify). Not in interrupt context.
 */
uint64_t poll_generation(void);
int poll_wait_change(uint64_t seen, uint64_t timeout_ns);

#endif
