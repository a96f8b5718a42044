/*
 * times.c — utimensat, utimes, futimesat, utime: a file's access and
 * modification times (the change time becomes now). Linux's order of
 * checks: the times are copied in first (-EFAULT), two UTIME_OMIT entries
 * end the call before the path is even looked at, then the path or
 * descriptor is resolved, then the nanoseconds are checked (-EINVAL).
 */
#include "attribute_target.h"

#define UTIME_NOW ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)
#define NANOSECONDS_PER_SECOND 1000000000l

/* struct timespec, struct timeval and struct utimbuf as x86_64 lays them out. */
struct linux_timespec {
    int64_t seconds;
    int64_t nanoseconds;
};
struct linux_timeval {
    int64_t seconds;
    int64_t microseconds;
};
struct linux_utimbuf {
    int64_t access_seconds;
    int64_t modify_seconds;
};

/* A tv_nsec utimensat accepts: a real value or one of the two markers. */
static bool nanoseconds_valid(int64_t nanoseconds)
{
    return nanoseconds == UTIME_NOW || nanoseconds == UTIME_OMIT ||
           (nanoseconds >= 0 && nanoseconds < NANOSECONDS_PER_SECOND);
}

/*
 * Stamp the target with times (NULL: both now), like Linux's vfs_utimes.
 * All times that are "now" and the change time share one instant. Returns
 * 0, -EINVAL for a bad tv_nsec, -EROFS, or the filesystem's error.
 */
static long set_times(const struct attribute_target *target, const struct linux_timespec *times)
{
    if (times && (!nanoseconds_valid(times[0].nanoseconds) ||
                  !nanoseconds_valid(times[1].nanoseconds)))
        return -EINVAL;
    struct kernel_time now = time_now();
    struct vnode_attributes attributes = { .access_time = now, .modify_time = now,
                                           .change_time = now };
    unsigned mask = VNODE_SET_ACCESS_TIME | VNODE_SET_MODIFY_TIME | VNODE_SET_CHANGE_TIME;
    if (times) {
        if (times[0].nanoseconds == UTIME_OMIT)
            mask &= ~(unsigned)VNODE_SET_ACCESS_TIME;
        else if (times[0].nanoseconds != UTIME_NOW)
            attributes.access_time = (struct kernel_time){ times[0].seconds, times[0].nanoseconds };
        if (times[1].nanoseconds == UTIME_OMIT)
            mask &= ~(unsigned)VNODE_SET_MODIFY_TIME;
        else if (times[1].nanoseconds != UTIME_NOW)
            attributes.modify_time = (struct kernel_time){ times[1].seconds, times[1].nanoseconds };
    }
    return attribute_target_set(target, &attributes, mask);
}

/*
 * Linux's do_utimes: a NULL path with a descriptor other than AT_FDCWD is
 * the descriptor form (futimens: no flag allowed, O_PATH refused);
 * otherwise the path is resolved per at_flags. times may be NULL (now).
 */
static long change_times(int dirfd, uintptr_t path_address, const struct linux_timespec *times,
                         unsigned at_flags)
{
    struct attribute_target target;
    long result;
    if (path_address == 0 && dirfd != AT_FDCWD) {
        if (at_flags)
            return -EINVAL;
        result = attribute_target_descriptor(dirfd, &target);
    } else {
        if (at_flags & ~(unsigned)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
            return -EINVAL;
        result = attribute_target_path(dirfd, path_address, at_flags, &target);
    }
    if (result < 0)
        return result;
    result = set_times(&target, times);
    attribute_target_put(&target);
    return result;
}

long sys_utimensat(const uint64_t arguments[6])
{
    struct linux_timespec times[2];
    uintptr_t times_address = ARGUMENT_ADDRESS(2);
    if (times_address) {
        long error = copy_from_user(times, times_address, sizeof times);
        if (error < 0)
            return error;
        if (times[0].nanoseconds == UTIME_OMIT && times[1].nanoseconds == UTIME_OMIT)
            return 0; /* nothing to do: Linux does not even check the path */
    }
    return change_times(ARGUMENT_INT(0), ARGUMENT_ADDRESS(1), times_address ? times : NULL,
                        ARGUMENT_UNSIGNED(3));
}

/*
 * utimes and futimesat: struct timeval pairs (NULL: now). The microseconds
 * are checked before the path (-EINVAL beyond [0, 999999]).
 */
static long change_times_microseconds(int dirfd, uintptr_t path_address, uintptr_t times_address)
{
    if (!times_address)
        return change_times(dirfd, path_address, NULL, 0);
    struct linux_timeval values[2];
    long error = copy_from_user(values, times_address, sizeof values);
    if (error < 0)
        return error;
    struct linux_timespec times[2];
    for (int i = 0; i < 2; i++) {
        if (values[i].microseconds < 0 || values[i].microseconds >= 1000000)
            return -EINVAL;
        times[i] = (struct linux_timespec){ values[i].seconds, values[i].microseconds * 1000 };
    }
    return change_times(dirfd, path_address, times, 0);
}

long sys_utimes(const uint64_t arguments[6])
{
    return change_times_microseconds(AT_FDCWD, ARGUMENT_ADDRESS(0), ARGUMENT_ADDRESS(1));
}

long sys_futimesat(const uint64_t arguments[6])
{
    return change_times_microseconds(ARGUMENT_INT(0), ARGUMENT_ADDRESS(1), ARGUMENT_ADDRESS(2));
}

/* utime: whole seconds from a struct utimbuf (NULL: now). */
long sys_utime(const uint64_t arguments[6])
{
    uintptr_t times_address = ARGUMENT_ADDRESS(1);
    if (!times_address)
        return change_times(AT_FDCWD, ARGUMENT_ADDRESS(0), NULL, 0);
    struct linux_utimbuf value;
    long error = copy_from_user(&value, times_address, sizeof value);
    if (error < 0)
        return error;
    struct linux_timespec times[2] = { { value.access_seconds, 0 }, { value.modify_seconds, 0 } };
    return change_times(AT_FDCWD, ARGUMENT_ADDRESS(0), times, 0);
}
