/*
 * file.c — open file descriptions: allocation, references, release, and
 * the stubs for unused file operations.
 */
#include <rk/containment.h>
#include <rk/epoll.h>
#include <rk/errno.h>
#include <rk/file.h>
#include <rk/gate.h>
#include <rk/heap.h>
#include <rk/panic.h>
#include <rk/path.h>
#include <rk/platform.h>
#include <rk/poll.h>

/*
 * The instance a new file of service belongs to, pinned: the one the
 * running thread is inside when it is that service's (even if it died
 * meanwhile: the file is then dead at birth), else the running one.
 */
static struct service_instance *pin_owner(struct service *service)
{
    struct service_instance *inside = gate_current_instance();
    if (inside && inside->service == service)
        return service_instance_pin(inside);
    return service_pin_running(service);
}

struct file *file_alloc(const struct file_ops *ops, struct service *service, unsigned flags)
{
    struct service_instance *instance = service ? pin_owner(service) : NULL;
    if (service && !instance)
        return NULL; /* the service is dead: no instance to make it for */
    struct file *file = kzalloc(sizeof *file);
    if (!file) {
        service_instance_unpin(instance);
        return NULL;
    }
    file->ops = ops;
    file->service = service;
    file->instance = instance;
    file->references = 1;
    file->flags = flags;
    return file;
}

/* One atomic read-modify-write: interrupts cannot split it (no interrupt-flag work per syscall). */
void file_get(struct file *file)
{
    __atomic_fetch_add(&file->references, 1, __ATOMIC_RELAXED);
}

void file_put(struct file *file)
{
    if (!file)
        return;
    /* Compare-and-swap instead of an interrupt-flag section (see file_get). */
    unsigned long references = __atomic_load_n(&file->references, __ATOMIC_RELAXED);
    do {
        if (references == 0) {
            WARN("file_put: description %p has no reference left", (void *)file);
            return;
        }
    } while (!__atomic_compare_exchange_n(&file->references, &references, references - 1, false,
                                          __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
    if (references != 1)
        return;
    epoll_file_released(file);   /* Linux's eventpoll_release: out of every epoll set */
    if (file->service)
        FILE_CALL_VOID(file, "release", file->ops->release(file));
    else
        file->ops->release(file);
    if (file->vnode && file->holds_write_access)
        vnode_write_access_put(file->vnode);
    if (file->vnode)
        vnode_put(file->vnode);
    if (file->path)
        path_put(file->path);
    service_instance_unpin(file->instance);
    kfree(file);
}

long file_stub_read(struct file *file, struct io_cursor *cursor, uint64_t *offset) { return -EINVAL; }

long file_stub_write(struct file *file, struct io_cursor *cursor, uint64_t *offset) { return -EINVAL; }

long file_stub_ioctl(struct file *file, unsigned command, uintptr_t argument) { return -ENOTTY; }

void file_stub_release(struct file *file) {}

unsigned file_stub_poll(struct file *file) { return DEFAULT_POLLMASK; }
