/*
 * ownership.c — chown, fchown, lchown, fchownat. Owner and group go to the
 * filesystem through setattr, so stat shows them. The only user is root:
 * every change is allowed (no CAP_CHOWN check yet).
 */
#include "attribute_target.h"

#define ID_KEEP 0xffffffffu   /* (uid_t)-1 / (gid_t)-1: leave the field alone */

/*
 * Change the target's owner and group (ID_KEEP keeps one). Like Linux's
 * chown_common: the change time moves even when nothing else does, and a
 * non-directory loses S_ISUID, and S_ISGID when group execute is set too
 * (without it, S_ISGID marks mandatory locking and stays). Returns 0,
 * -EROFS, or the filesystem's error.
 */
static long change_owner(const struct attribute_target *target, uint32_t uid, uint32_t gid)
{
    struct vnode *node = attribute_target_vnode(target);
    struct vnode_attributes attributes = { 0 };
    if (node) {
        int error = vfs_getattr(node, &attributes, NULL);
        if (error < 0)
            return error;
    }
    unsigned mask = VNODE_SET_UID | VNODE_SET_GID;
    if (uid != ID_KEEP)
        attributes.uid = uid;
    if (gid != ID_KEEP)
        attributes.gid = gid;
    if (node && !S_ISDIR(attributes.mode)) {
        uint32_t mode = attributes.mode & S_IALLUGO;
        uint32_t kept = mode & ~(uint32_t)S_ISUID;
        if ((mode & (S_ISGID | 0010)) == (S_ISGID | 0010))
            kept &= ~(uint32_t)S_ISGID;
        if (kept != mode) {
            attributes.mode = kept;
            mask |= VNODE_SET_MODE;
        }
    }
    return attribute_target_set(target, &attributes, mask);
}

/* chown/lchown/fchownat: resolve, change, release. */
static long chown_path(int dirfd, uintptr_t path_address, uint32_t uid, uint32_t gid,
                       unsigned at_flags)
{
    if (at_flags & ~(unsigned)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    struct attribute_target target;
    long result = attribute_target_path(dirfd, path_address, at_flags, &target);
    if (result < 0)
        return result;
    result = change_owner(&target, uid, gid);
    attribute_target_put(&target);
    return result;
}

long sys_chown(const uint64_t arguments[6])
{
    return chown_path(AT_FDCWD, ARGUMENT_ADDRESS(0), ARGUMENT_UNSIGNED(1), ARGUMENT_UNSIGNED(2), 0);
}

long sys_lchown(const uint64_t arguments[6])
{
    return chown_path(AT_FDCWD, ARGUMENT_ADDRESS(0), ARGUMENT_UNSIGNED(1), ARGUMENT_UNSIGNED(2),
                      AT_SYMLINK_NOFOLLOW);
}

long sys_fchownat(const uint64_t arguments[6])
{
    return chown_path(ARGUMENT_INT(0), ARGUMENT_ADDRESS(1), ARGUMENT_UNSIGNED(2),
                      ARGUMENT_UNSIGNED(3), ARGUMENT_UNSIGNED(4));
}

long sys_fchown(const uint64_t arguments[6])
{
    struct attribute_target target;
    long result = attribute_target_descriptor(ARGUMENT_INT(0), &target);
    if (result < 0)
        return result;
    result = change_owner(&target, ARGUMENT_UNSIGNED(1), ARGUMENT_UNSIGNED(2));
    attribute_target_put(&target);
    return result;
}
