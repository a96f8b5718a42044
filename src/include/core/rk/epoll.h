/*
 * rk/epoll.h — epoll instances (src/core/epoll.c): sets of watched files
 * whose readiness (file_ops.poll, asked through the owner's gate) is
 * collected by epoll_wait. The syscalls are src/core/syscalls/epoll.c.
 *
 * A watch is keyed by (file, fd) as Linux's, holds no reference on the
 * file, and disappears when the file's last reference goes
 * (epoll_file_released, called by file_put). Waiting uses the global poll
 * queue (rk/poll.h). Uniprocessor and not preempted: no locks.
 */
#ifndef RK_EPOLL_H
#define RK_EPOLL_H

#include <stdbool.h>
#include <stdint.h>

struct file;

#define EPOLLIN 0x001u
#define EPOLLPRI 0x002u
#define EPOLLOUT 0x004u
#define EPOLLERR 0x008u
#define EPOLLHUP 0x010u
#define EPOLLRDHUP 0x2000u
#define EPOLLEXCLUSIVE (1u << 28)
#define EPOLLWAKEUP (1u << 29)
#define EPOLLONESHOT (1u << 30)
#define EPOLLET (1u << 31)

#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3

/* Linux's EP_MAX_NESTS: how deep epoll instances may watch each other. */
#define EPOLL_MAX_NESTS 4

/* One ready watch as epoll_wait reports it. */
struct epoll_report {
    uint32_t events;
    uint64_t data;
};

/* The readiness mask of file through its owner's gate; POLLNVAL for O_PATH (syscalls/poll.c). */
unsigned file_poll_mask(struct file *file);

/* A new epoll instance's file with one reference in *out. Returns 0 or -ENOMEM. */
int epoll_create_file(struct file **out);
/* True when file is an epoll instance. */
bool file_is_epoll(const struct file *file);

/*
 * epoll_ctl's work on instance epoll (an epoll file) for target at fd,
 * after the syscall checked descriptors: ADD (-EEXIST, -ELOOP for a cycle
 * or nesting deeper than EPOLL_MAX_NESTS, -ENOMEM), MOD and DEL (-ENOENT
 * when not watched), MOD of an EPOLLEXCLUSIVE watch -EINVAL. events
 * already has EPOLLERR|EPOLLHUP added for ADD and MOD.
 */
int epoll_control(struct file *epoll, int operation, struct file *target, int fd, uint32_t events,
                  uint64_t data);

/*
 * One scan: up to max ready watches into reports (level-triggered ones
 * move to the back, one-shot ones disarm, edge-triggered ones are marked
 * reported). generation is poll_generation() read before the scan.
 * Returns how many were stored.
 */
int epoll_collect(struct file *epoll, struct epoll_report *reports, int max, uint64_t generation);

/* Watches in instance epoll (a bound for the report buffer). */
unsigned epoll_watch_count(struct file *epoll);

/*
 * file's last reference is going: remove its watches (file->epoll_watches)
 * from their instances. Called by file_put.
 */
void epoll_file_released(struct file *file);

/* A new boot in the same process (hosted tests): forget the nesting depth. */
void epoll_reset(void);

#endif
