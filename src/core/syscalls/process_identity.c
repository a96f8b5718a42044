/*
 * process_identity.c — who a process is: pid, ppid, tid, process group and
 * session (with Linux's setpgid/setsid rules), user and group ids
 * (credentials follow Linux's rules with "privileged" = effective uid 0:
 * everyone starts as root), supplementary groups, capabilities.
 */
#include <rk/heap.h>
#include <rk/string.h>
#include <rk/thread.h>

#include "../process_internal.h"
#include "process_syscalls.h"

#define ID_UNCHANGED 0xffffffffu  /* (uid_t)-1 */
#define GROUPS_MAX 65536          /* Linux's NGROUPS_MAX */

/* getpid(2): the thread group id of the caller (0 for a kernel thread). */
long sys_getpid(const uint64_t arguments[6])
{
    (void)arguments;
    struct process *process = process_current();
    return process ? process->pid : 0;
}

/* getppid(2). */
long sys_getppid(const uint64_t arguments[6])
{
    (void)arguments;
    struct process *process = process_current();
    return process && process->parent ? process->parent->pid : 0;
}

/* gettid(2). */
long sys_gettid(const uint64_t arguments[6])
{
    (void)arguments;
    return thread_current()->tid;
}

/* set_tid_address(2): remember where to clear and wake at exit; returns the tid. */
long sys_set_tid_address(const uint64_t arguments[6])
{
    struct thread *thread = thread_current();
    thread->clear_child_tid = ARGUMENT_ADDRESS(0);
    return thread->tid;
}

/* The process pid names for getpgid/getsid (0 = the caller), or NULL. */
static struct process *process_or_self(int pid)
{
    return pid == 0 ? process_current() : process_find(pid);
}

/* getpgid(2). */
long sys_getpgid(const uint64_t arguments[6])
{
    if (ARGUMENT_INT(0) < 0)
        return -ESRCH;
    struct process *process = process_or_self(ARGUMENT_INT(0));
    return process ? process->process_group : -ESRCH;
}

/* getpgrp(2). */
long sys_getpgrp(const uint64_t arguments[6])
{
    (void)arguments;
    struct process *process = process_current();
    return process ? process->process_group : 0;
}

/* getsid(2). */
long sys_getsid(const uint64_t arguments[6])
{
    if (ARGUMENT_INT(0) < 0)
        return -ESRCH;
    struct process *process = process_or_self(ARGUMENT_INT(0));
    return process ? process->session : -ESRCH;
}

/* Visitor: is there a process whose group is *(int *)argument in session? */
struct group_probe {
    int session;        /* -1: any session */
    bool found;
};
static int group_member(struct process *process, void *argument)
{
    struct group_probe *probe = argument;
    if (probe->session < 0 || process->session == probe->session) {
        probe->found = true;
        return 1;
    }
    return 0;
}

/* setpgid(2) with Linux's checks, in Linux's order. */
long sys_setpgid(const uint64_t arguments[6])
{
    struct process *caller = process_current();
    int pid = ARGUMENT_INT(0);
    int process_group = ARGUMENT_INT(1);
    if (!caller)
        return -ESRCH;
    if (pid == 0)
        pid = caller->pid;
    if (process_group == 0)
        process_group = pid;
    if (process_group < 0)
        return -EINVAL;
    struct process *target = process_find(pid);
    if (!target)
        return -ESRCH;
    if (target->parent == caller) {
        if (target->session != caller->session)
            return -EPERM;
        if (target->has_execed)
            return -EACCES;
    } else if (target != caller) {
        return -ESRCH;
    }
    if (target->session == target->pid)
        return -EPERM;  /* a session leader */
    if (process_group != target->pid) {
        struct group_probe probe = { .session = caller->session };
        process_for_each_in_group(process_group, group_member, &probe);
        if (!probe.found)
            return -EPERM;
    }
    target->process_group = process_group;
    return 0;
}

/* setsid(2): a new session and group led by the caller; EPERM for a group leader. */
long sys_setsid(const uint64_t arguments[6])
{
    (void)arguments;
    struct process *caller = process_current();
    if (!caller)
        return -EPERM;
    struct group_probe probe = { .session = -1 };
    process_for_each_in_group(caller->pid, group_member, &probe);
    if (probe.found)
        return -EPERM;
    caller->session = caller->pid;
    caller->process_group = caller->pid;
    caller->has_controlling_terminal = false;
    return caller->pid;
}

/* ---------------------------------------------------------- credentials */

/* The caller's process, or a static root stand-in for kernel threads. */
static struct process *credentials(void)
{
    static struct process kernel_credentials;
    struct process *process = process_current();
    return process ? process : &kernel_credentials;
}

long sys_getuid(const uint64_t arguments[6]) { (void)arguments; return credentials()->uid; }
long sys_geteuid(const uint64_t arguments[6]) { (void)arguments; return credentials()->euid; }
long sys_getgid(const uint64_t arguments[6]) { (void)arguments; return credentials()->gid; }
long sys_getegid(const uint64_t arguments[6]) { (void)arguments; return credentials()->egid; }

/* True when one of the three ids is value. */
static bool one_of(uint32_t value, uint32_t a, uint32_t b, uint32_t c)
{
    return value == a || value == b || value == c;
}

/* The uid or gid triple of process, with the fs id, for the shared setters below. */
struct id_set {
    uint32_t *real, *effective, *saved, *filesystem;
};
static struct id_set user_ids(struct process *p) { return (struct id_set){ &p->uid, &p->euid, &p->suid, &p->fsuid }; }
static struct id_set group_ids(struct process *p) { return (struct id_set){ &p->gid, &p->egid, &p->sgid, &p->fsgid }; }

/* setuid/setgid: privileged sets all three, else only the effective id to the real or saved one. */
static long set_id(struct id_set ids, uint32_t id, bool privileged)
{
    if (id == ID_UNCHANGED)
        return -EINVAL;
    if (privileged) {
        *ids.real = *ids.saved = id;
    } else if (id != *ids.real && id != *ids.saved) {
        return -EPERM;
    }
    *ids.effective = *ids.filesystem = id;
    return 0;
}

/* setreuid/setregid with Linux's rules for the saved id. */
static long set_real_effective(struct id_set ids, uint32_t real, uint32_t effective, bool privileged)
{
    uint32_t old_real = *ids.real, old_effective = *ids.effective, old_saved = *ids.saved;
    if (!privileged) {
        if (real != ID_UNCHANGED && real != old_real && real != old_effective)
            return -EPERM;
        if (effective != ID_UNCHANGED && !one_of(effective, old_real, old_effective, old_saved))
            return -EPERM;
    }
    if (real != ID_UNCHANGED)
        *ids.real = real;
    if (effective != ID_UNCHANGED)
        *ids.effective = effective;
    if (real != ID_UNCHANGED || (effective != ID_UNCHANGED && effective != old_real))
        *ids.saved = *ids.effective;
    *ids.filesystem = *ids.effective;
    return 0;
}

/* setresuid/setresgid. */
static long set_three(struct id_set ids, uint32_t real, uint32_t effective, uint32_t saved,
                      bool privileged)
{
    uint32_t r = *ids.real, e = *ids.effective, s = *ids.saved;
    if (!privileged) {
        if ((real != ID_UNCHANGED && !one_of(real, r, e, s)) ||
            (effective != ID_UNCHANGED && !one_of(effective, r, e, s)) ||
            (saved != ID_UNCHANGED && !one_of(saved, r, e, s)))
            return -EPERM;
    }
    if (real != ID_UNCHANGED)
        *ids.real = real;
    if (effective != ID_UNCHANGED)
        *ids.effective = effective;
    if (saved != ID_UNCHANGED)
        *ids.saved = saved;
    *ids.filesystem = *ids.effective;
    return 0;
}

/* getresuid/getresgid: three ids out. */
static long get_three(struct id_set ids, const uint64_t arguments[6])
{
    if (copy_to_user(ARGUMENT_ADDRESS(0), ids.real, sizeof(uint32_t)) < 0 ||
        copy_to_user(ARGUMENT_ADDRESS(1), ids.effective, sizeof(uint32_t)) < 0 ||
        copy_to_user(ARGUMENT_ADDRESS(2), ids.saved, sizeof(uint32_t)) < 0)
        return -EFAULT;
    return 0;
}

/* setfsuid/setfsgid: returns the old fs id; changes it when allowed. */
static long set_filesystem_id(struct id_set ids, uint32_t id, bool privileged)
{
    uint32_t old = *ids.filesystem;
    if (id == ID_UNCHANGED)
        return old;
    if (privileged || one_of(id, *ids.real, *ids.effective, *ids.saved) || id == old)
        *ids.filesystem = id;
    return old;
}

/* Linux's CAP_SETUID / CAP_SETGID: effective uid 0 here. */
static bool privileged(void) { return credentials()->euid == 0; }

long sys_setuid(const uint64_t arguments[6])
{
    bool root = privileged();
    return set_id(user_ids(credentials()), ARGUMENT_UNSIGNED(0), root);
}
long sys_setgid(const uint64_t arguments[6])
{
    bool root = privileged();
    return set_id(group_ids(credentials()), ARGUMENT_UNSIGNED(0), root);
}
long sys_setreuid(const uint64_t arguments[6])
{
    bool root = privileged();
    return set_real_effective(user_ids(credentials()), ARGUMENT_UNSIGNED(0), ARGUMENT_UNSIGNED(1), root);
}
long sys_setregid(const uint64_t arguments[6])
{
    bool root = privileged();
    return set_real_effective(group_ids(credentials()), ARGUMENT_UNSIGNED(0), ARGUMENT_UNSIGNED(1), root);
}
long sys_setresuid(const uint64_t arguments[6])
{
    bool root = privileged();
    return set_three(user_ids(credentials()), ARGUMENT_UNSIGNED(0), ARGUMENT_UNSIGNED(1),
                     ARGUMENT_UNSIGNED(2), root);
}
long sys_setresgid(const uint64_t arguments[6])
{
    bool root = privileged();
    return set_three(group_ids(credentials()), ARGUMENT_UNSIGNED(0), ARGUMENT_UNSIGNED(1),
                     ARGUMENT_UNSIGNED(2), root);
}
long sys_getresuid(const uint64_t arguments[6]) { return get_three(user_ids(credentials()), arguments); }
long sys_getresgid(const uint64_t arguments[6]) { return get_three(group_ids(credentials()), arguments); }
long sys_setfsuid(const uint64_t arguments[6])
{
    bool root = privileged();
    return set_filesystem_id(user_ids(credentials()), ARGUMENT_UNSIGNED(0), root);
}
long sys_setfsgid(const uint64_t arguments[6])
{
    bool root = privileged();
    return set_filesystem_id(group_ids(credentials()), ARGUMENT_UNSIGNED(0), root);
}

/* getgroups(2): size 0 asks for the count; a smaller non-zero size is EINVAL. */
long sys_getgroups(const uint64_t arguments[6])
{
    struct process *process = credentials();
    int size = ARGUMENT_INT(0);
    if (size < 0)
        return -EINVAL;
    if (size == 0)
        return process->group_count;
    if ((unsigned)size < process->group_count)
        return -EINVAL;
    if (process->group_count &&
        copy_to_user(ARGUMENT_ADDRESS(1), process->groups, process->group_count * sizeof(uint32_t)) < 0)
        return -EFAULT;
    return process->group_count;
}

/* setgroups(2): privileged only; at most NGROUPS_MAX. */
long sys_setgroups(const uint64_t arguments[6])
{
    struct process *process = credentials();
    int size = ARGUMENT_INT(0);
    if (size < 0 || size > GROUPS_MAX)
        return -EINVAL;
    if (!privileged())
        return -EPERM;
    uint32_t *groups = NULL;
    if (size > 0) {
        groups = kmalloc((size_t)size * sizeof *groups);
        if (!groups)
            return -ENOMEM;
        if (copy_from_user(groups, ARGUMENT_ADDRESS(1), (size_t)size * sizeof *groups) < 0) {
            kfree(groups);
            return -EFAULT;
        }
    }
    kfree(process->groups);
    process->groups = groups;
    process->group_count = (unsigned)size;
    return 0;
}

#define CAPABILITY_VERSION_1 0x19980330u
#define CAPABILITY_VERSION_2 0x20071026u
#define CAPABILITY_VERSION_3 0x20080522u
#define CAPABILITY_LAST 40   /* CAP_CHECKPOINT_RESTORE, Linux 6.1 */

/* capget(2): root has every capability (effective and permitted), others none. */
long sys_capget(const uint64_t arguments[6])
{
    uint32_t header[2];
    if (copy_from_user(header, ARGUMENT_ADDRESS(0), sizeof header) < 0)
        return -EFAULT;
    unsigned words;
    if (header[0] == CAPABILITY_VERSION_1) {
        words = 1;
    } else if (header[0] == CAPABILITY_VERSION_2 || header[0] == CAPABILITY_VERSION_3) {
        words = 2;
    } else {
        uint32_t preferred = CAPABILITY_VERSION_3;
        if (copy_to_user(ARGUMENT_ADDRESS(0), &preferred, sizeof preferred) < 0)
            return -EFAULT;
        return -EINVAL;
    }
    if (!ARGUMENT_ADDRESS(1))
        return 0;
    int pid = (int)header[1];
    if (pid < 0)
        return -EINVAL;
    struct process *process = pid == 0 ? credentials() : process_find(pid);
    if (!process)
        return -ESRCH;
    uint32_t data[6] = { 0 };  /* { effective, permitted, inheritable } per word */
    if (process->euid == 0) {
        data[0] = data[1] = 0xffffffffu;
        data[3] = data[4] = (1u << (CAPABILITY_LAST + 1 - 32)) - 1;
    }
    if (copy_to_user(ARGUMENT_ADDRESS(1), data, words * 3 * sizeof(uint32_t)) < 0)
        return -EFAULT;
    return 0;
}
