/*
 * epoll.c — epoll instances: watches, readiness, and removal on close.
 *
 * Readiness is asked, never pushed: every scan polls each armed watch's
 * file (file_poll_mask) and keeps the bits the watch asked for (EPOLLERR
 * and EPOLLHUP always). Level-triggered watches are reported while ready
 * and then move to the back of the list (round robin, as Linux requeues
 * them). EPOLLONESHOT disarms a watch once reported until EPOLL_CTL_MOD.
 *
 * EPOLLET (Linux's wake-up-driven edge): an edge watch is reported when
 * it is ready and its file changed since its last report: it was seen not
 * ready since, it gained bits, its owner's readiness-change counter moved
 * (file->readiness_changes, bumped by poll_notify_changes: pipes, sockets),
 * or an untargeted poll_notify() came (poll_broad_generation: owners that
 * cannot name the changed file, and files without a counter, such as
 * ttys, keep this coarser rule, where a change of another file may report
 * a still-ready edge watch again). A watched epoll file counts every
 * wake-up (poll_generation) as a change, since what it reports follows
 * the files below it. So a new event on the file is never missed, and
 * activity on a file with a counter does not report other files' edges.
 *
 * Each file lists its watches (file->epoll_watches), so closing a file
 * removes its watches without scanning the instances.
 *
 * An epoll file is itself pollable: POLLIN while one of its watches would
 * be reported. Instances may watch instances (ELOOP for cycles and
 * nesting deeper than EPOLL_MAX_NESTS, Linux 6.1's ep_loop_check).
 */
#include <rk/epoll.h>
#include <rk/errno.h>
#include <rk/file.h>
#include <rk/heap.h>
#include <rk/list.h>
#include <rk/poll.h>

struct epoll_instance {
    struct list_node watches;       /* struct epoll_watch, report order */
    struct file *file;              /* the instance's own file (not referenced) */
    unsigned watch_count;
    unsigned loop_check_mark;       /* ep_loop_check's visited mark */
};

struct epoll_watch {
    struct list_node link;          /* in instance->watches */
    struct epoll_instance *instance;
    struct epoll_watch *file_next;  /* the file's watches (file->epoll_watches) */
    struct epoll_watch **file_previous_next;
    struct file *file;              /* not referenced: removed when it is released */
    int fd;
    uint32_t events;                /* as given, EPOLLERR|EPOLLHUP added */
    uint64_t data;
    bool disarmed;                  /* EPOLLONESHOT fired */
    bool reported;                  /* EPOLLET: reported since the last (re)arm */
    bool idle_since_report;         /* EPOLLET: seen not ready since the report */
    unsigned reported_mask;
    uint64_t reported_generation;   /* EPOLLET: the scan's wake-up generation (watched epoll files) */
    uint64_t reported_broad;        /* EPOLLET: the scan's poll_broad_generation() */
    unsigned long reported_changes; /* EPOLLET: *file->readiness_changes before the report's poll */
};

/* The generations read before a scan (see the file comment). */
struct scan_generations {
    uint64_t wake;                  /* poll_generation() */
    uint64_t broad;                 /* poll_broad_generation() */
};

static unsigned loop_check_generation;
static unsigned poll_depth;         /* nested epoll polls in progress */

#define EVENT_BITS (~(EPOLLEXCLUSIVE | EPOLLWAKEUP | EPOLLONESHOT | EPOLLET))

void epoll_reset(void)
{
    poll_depth = 0;
}

static const struct file_ops epoll_file_ops;

bool file_is_epoll(const struct file *file) { return file && file->ops == &epoll_file_ops; }

/* The watch of (file, fd) in instance, or NULL. */
static struct epoll_watch *watch_find(struct epoll_instance *instance, struct file *file, int fd)
{
    list_for_each(node, &instance->watches) {
        struct epoll_watch *watch = list_entry(node, struct epoll_watch, link);
        if (watch->file == file && watch->fd == fd)
            return watch;
    }
    return NULL;
}

static void watch_remove(struct epoll_instance *instance, struct epoll_watch *watch)
{
    *watch->file_previous_next = watch->file_next;
    if (watch->file_next)
        watch->file_next->file_previous_next = watch->file_previous_next;
    list_remove(&watch->link);
    instance->watch_count--;
    kfree(watch);
}

/* The watched file's readiness-change count now (0 when its owner keeps none). */
static unsigned long watch_changes(const struct epoll_watch *watch)
{
    const unsigned long *changes = watch->file->readiness_changes;
    return changes ? __atomic_load_n(changes, __ATOMIC_RELAXED) : 0;
}

/*
 * The events watch would report now (0: none), given the generations read
 * before the scan; *changes gets the file's change count read before its
 * poll (for watch_reported). Pure except for noting "not ready" for edge
 * watches.
 */
static unsigned watch_ready(struct epoll_watch *watch, const struct scan_generations *scan,
                            unsigned long *changes)
{
    if (watch->disarmed || !(watch->events & EVENT_BITS))
        return 0;
    *changes = watch_changes(watch);
    unsigned mask = file_poll_mask(watch->file);
    if (mask == POLLNVAL)
        mask = 0;
    mask &= watch->events & EVENT_BITS;
    if (!mask) {
        watch->idle_since_report = true;
        return 0;
    }
    if (!(watch->events & EPOLLET) || !watch->reported || watch->idle_since_report)
        return mask;
    if ((mask & ~watch->reported_mask) || scan->broad > watch->reported_broad ||
        *changes != watch->reported_changes)
        return mask;
    if (file_is_epoll(watch->file) && scan->wake > watch->reported_generation)
        return mask;
    return 0;
}

/* Record that watch was reported with mask in scan, its file's count being changes. */
static void watch_reported(struct epoll_watch *watch, unsigned mask, const struct scan_generations *scan,
                           unsigned long changes)
{
    if (watch->events & EPOLLONESHOT)
        watch->disarmed = true;
    watch->reported = true;
    watch->idle_since_report = false;
    watch->reported_mask = mask;
    watch->reported_generation = scan->wake;
    watch->reported_broad = scan->broad;
    watch->reported_changes = changes;
}

int epoll_collect(struct file *epoll, struct epoll_report *reports, int max, uint64_t generation)
{
    struct epoll_instance *instance = epoll->private;
    struct scan_generations scan = { .wake = generation, .broad = poll_broad_generation() };
    int count = 0;
    unsigned remaining = instance->watch_count;
    struct list_node *node = instance->watches.next;
    /* Each watch once; reported level-triggered ones go to the back (after the scan's end). */
    struct list_node requeue = LIST_HEAD_INIT(requeue);
    while (remaining-- > 0 && node != &instance->watches && count < max) {
        struct epoll_watch *watch = list_entry(node, struct epoll_watch, link);
        node = node->next;
        unsigned long changes = 0;
        unsigned mask = watch_ready(watch, &scan, &changes);
        if (!mask)
            continue;
        reports[count].events = mask;
        reports[count].data = watch->data;
        count++;
        watch_reported(watch, mask, &scan, changes);
        list_remove(&watch->link);
        list_push_back(&requeue, &watch->link);
    }
    while (!list_is_empty(&requeue))
        list_push_back(&instance->watches, list_pop_front(&requeue));
    return count;
}

unsigned epoll_watch_count(struct file *epoll)
{
    struct epoll_instance *instance = epoll->private;
    return instance->watch_count;
}

/*
 * ep_loop_check_proc: walk the instances below instance (depth levels
 * down); -ELOOP when inserting_into is reached or the nesting is too deep.
 */
static int loop_check(struct epoll_instance *instance, struct epoll_instance *inserting_into,
                      unsigned depth)
{
    if (instance->loop_check_mark == loop_check_generation)
        return 0;
    instance->loop_check_mark = loop_check_generation;
    list_for_each(node, &instance->watches) {
        struct epoll_watch *watch = list_entry(node, struct epoll_watch, link);
        if (!file_is_epoll(watch->file))
            continue;
        struct epoll_instance *below = watch->file->private;
        if (below == inserting_into || depth > EPOLL_MAX_NESTS)
            return -ELOOP;
        int error = loop_check(below, inserting_into, depth + 1);
        if (error < 0)
            return error;
    }
    return 0;
}

int epoll_control(struct file *epoll, int operation, struct file *target, int fd, uint32_t events,
                  uint64_t data)
{
    struct epoll_instance *instance = epoll->private;
    struct epoll_watch *watch = watch_find(instance, target, fd);
    switch (operation) {
    case EPOLL_CTL_ADD:
        if (file_is_epoll(target)) {
            loop_check_generation++;
            int error = loop_check(target->private, instance, 0);
            if (error < 0)
                return error;
        }
        if (watch)
            return -EEXIST;
        watch = kzalloc(sizeof *watch);
        if (!watch)
            return -ENOMEM;
        watch->instance = instance;
        watch->file = target;
        watch->file_next = target->epoll_watches;
        watch->file_previous_next = &target->epoll_watches;
        if (watch->file_next)
            watch->file_next->file_previous_next = &watch->file_next;
        target->epoll_watches = watch;
        watch->fd = fd;
        watch->events = events;
        watch->data = data;
        list_push_back(&instance->watches, &watch->link);
        instance->watch_count++;
        poll_wake();    /* a waiter on this instance (or one above it) looks again */
        return 0;
    case EPOLL_CTL_DEL:
        if (!watch)
            return -ENOENT;
        watch_remove(instance, watch);
        return 0;
    case EPOLL_CTL_MOD:
        if (!watch)
            return -ENOENT;
        if (watch->events & EPOLLEXCLUSIVE)
            return -EINVAL;
        watch->events = events;
        watch->data = data;
        watch->disarmed = false;
        watch->reported = false;
        watch->idle_since_report = false;
        poll_wake();
        return 0;
    default:
        return -EINVAL;
    }
}

void epoll_file_released(struct file *file)
{
    while (file->epoll_watches)
        watch_remove(file->epoll_watches->instance, file->epoll_watches);
}

/* file_ops.poll: POLLIN while a watch would be reported (nothing is consumed). */
static unsigned epoll_poll(struct file *file)
{
    struct epoll_instance *instance = file->private;
    if (poll_depth > EPOLL_MAX_NESTS)
        return 0;
    poll_depth++;
    struct scan_generations scan = { .wake = poll_generation(), .broad = poll_broad_generation() };
    unsigned mask = 0;
    list_for_each(node, &instance->watches) {
        struct epoll_watch *watch = list_entry(node, struct epoll_watch, link);
        unsigned long changes;
        if (watch_ready(watch, &scan, &changes)) {
            mask = POLLIN | POLLRDNORM;
            break;
        }
    }
    poll_depth--;
    return mask;
}

/* file_ops.release: drop every watch and the instance. */
static void epoll_release(struct file *file)
{
    struct epoll_instance *instance = file->private;
    if (!instance)
        return;
    while (!list_is_empty(&instance->watches))
        watch_remove(instance, list_entry(instance->watches.next, struct epoll_watch, link));
    file->private = NULL;
    kfree(instance);
}

/* file_ops.stat: an anonymous inode, mode 0600 with no file type, as Linux's anon_inode. */
static int epoll_stat(struct file *file, struct vnode_attributes *attributes)
{
    *attributes = (struct vnode_attributes){ .mode = 0600, .link_count = 1, .block_size = 4096 };
    return 0;
}

static const struct file_ops epoll_file_ops = {
    .read = file_stub_read,
    .write = file_stub_write,
    .stat = epoll_stat,
    .ioctl = file_stub_ioctl,
    .release = epoll_release,
    .poll = epoll_poll,
};

int epoll_create_file(struct file **out)
{
    struct epoll_instance *instance = kzalloc(sizeof *instance);
    if (!instance)
        return -ENOMEM;
    struct file *file = file_alloc(&epoll_file_ops, NULL, O_RDWR);
    if (!file) {
        kfree(instance);
        return -ENOMEM;
    }
    list_init(&instance->watches);
    instance->file = file;
    file->private = instance;
    *out = file;
    return 0;
}
