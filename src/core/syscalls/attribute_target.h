/*
 * attribute_target.h — the object an attribute change (chown, utimensat...)
 * acts on: a resolved path, or an open description (the descriptor forms,
 * AT_EMPTY_PATH, and magic links such as /proc/self/fd/N of a pipe).
 */
#ifndef RK_CORE_ATTRIBUTE_TARGET_H
#define RK_CORE_ATTRIBUTE_TARGET_H

#include "syscall_support.h"

struct attribute_target {
    struct path_entry *entry;   /* referenced, or NULL */
    struct file *file;          /* referenced, or NULL (exactly one of the two is set) */
};

/*
 * Resolve the user path at path_address relative to dirfd with the
 * AT_SYMLINK_NOFOLLOW and AT_EMPTY_PATH bits of at_flags (the caller has
 * rejected other bits). An empty path with AT_EMPTY_PATH and a descriptor
 * names that descriptor's file, O_PATH included. Returns 0 with target
 * filled (release with attribute_target_put), or -EFAULT, -ENOENT,
 * -ENOTDIR, -EBADF... with nothing held.
 */
long attribute_target_path(int dirfd, uintptr_t path_address, unsigned at_flags,
                           struct attribute_target *target);

/*
 * The file of descriptor fd (fchown, futimens): -EBADF when it is not open
 * or is an O_PATH descriptor (Linux's fdget refuses those here).
 */
long attribute_target_descriptor(int fd, struct attribute_target *target);

/* The target's node, NULL for a description without one (a pipe or socket). */
struct vnode *attribute_target_vnode(const struct attribute_target *target);

/*
 * Apply setattr(attributes, mask) to the target's node through the gate.
 * -EROFS on a read-only mount. A description without a node (a pipe) has
 * no attributes the Core keeps: 0, as Linux succeeds on pipefs's inode.
 */
long attribute_target_set(const struct attribute_target *target,
                          const struct vnode_attributes *attributes, unsigned mask);

/* Drop what the target holds. */
void attribute_target_put(struct attribute_target *target);

#endif
