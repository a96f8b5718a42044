/*
 * superblock.c — the Core's records of mounted filesystem instances: each
 * superblock pins the service instance that mounted it and is referenced
 * by its mount, by every path entry on one of its vnodes and by every
 * running image denying writes to one of its files (docs/containment.md:
 * pins and quarantine). A dead instance's vnodes thus stay valid memory
 * while the Core still points at them; every call into them yields EIO.
 *
 * The last reference drops the pin at once (the supervisor thread reclaims
 * a dead arena later) but frees the record only at the next superblock_put
 * or superblock_create, because the caller dropping it may still read the
 * vnode it came from (mm_put allows writes, then puts the vnode).
 */
#include <rk/containment.h>
#include <rk/heap.h>
#include <rk/platform.h>
#include <rk/string.h>

#include "vfs_internal.h"

/* The Core's record around a superblock (mount.c and remount.c allocate only these). */
struct superblock_record {
    struct superblock superblock;
    unsigned long references;
    char options[SUPERBLOCK_OPTIONS_MAX];  /* the mount data, for a remount after a restart */
    struct list_node retired_link;
};

/* Records whose last reference is gone, freed at the next put or create. */
static struct list_node retired = LIST_HEAD_INIT(retired);

/* The record of superblock. */
static struct superblock_record *record_of(struct superblock *superblock)
{
    return (struct superblock_record *)((char *)superblock -
                                        offsetof(struct superblock_record, superblock));
}

/* Free every retired record and drop its pin. Thread context. */
static void retired_collect(void)
{
    /* Looked at without the interrupt flag first: the common case is an empty list. */
    if (list_is_empty(&retired))
        return;
    for (;;) {
        irq_flags_t flags = platform_irq_save();
        struct list_node *node = list_pop_front(&retired);
        platform_irq_restore(flags);
        if (!node)
            return;
        kfree(list_entry(node, struct superblock_record, retired_link));
    }
}

void superblocks_reset(void) { list_init(&retired); }

struct superblock *superblock_create(struct service *service, const char *source,
                                     const char *options)
{
    retired_collect();
    struct superblock_record *record = kzalloc(sizeof *record);
    if (!record)
        return NULL;
    record->superblock.instance = service_pin_running(service);
    if (!record->superblock.instance) {
        kfree(record);
        return NULL;
    }
    record->superblock.service = service;
    record->superblock.source = source;
    record->references = 1;
    rk_strlcpy(record->options, options ? options : "", sizeof record->options);
    list_init(&record->retired_link);
    return &record->superblock;
}

const char *superblock_options(struct superblock *superblock)
{
    return record_of(superblock)->options;
}

/* One atomic read-modify-write (like file_get): no interrupt-flag work on every path step. */
void superblock_get(struct superblock *superblock)
{
    __atomic_fetch_add(&record_of(superblock)->references, 1, __ATOMIC_RELAXED);
}

void superblock_put(struct superblock *superblock)
{
    if (!superblock)
        return;
    retired_collect();
    struct superblock_record *record = record_of(superblock);
    bool last = __atomic_sub_fetch(&record->references, 1, __ATOMIC_ACQ_REL) == 0;
    if (last) {
        irq_flags_t flags = platform_irq_save();
        list_push_back(&retired, &record->retired_link);
        platform_irq_restore(flags);
    }
    /*
     * The pin goes now: a dead instance's arena is reclaimed by the
     * supervisor thread later, never under the caller still reading a vnode.
     */
    if (last)
        service_instance_unpin(superblock->instance);
}

bool superblock_is_dead(const struct superblock *superblock)
{
    return superblock->instance && !service_instance_is_running(superblock->instance);
}
