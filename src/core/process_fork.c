/*
 * process_fork.c — fork, vfork and clone: a new thread in the caller's
 * process (CLONE_THREAD) or a new process that copies or shares the
 * caller's address space, descriptors, fs facts and signal handlers.
 *
 * Every user thread is a kernel thread (detached: the reaper frees it)
 * that starts in user_thread_start(), which switches to the process's
 * address space, restores the parent's FPU state and enters user mode with
 * a copy of the parent's user registers (rax = 0).
 *
 * Locking: uniprocessor, cooperative: nothing here yields until the child
 * is complete, so the child cannot run half made.
 */
#include <rk/errno.h>
#include <rk/heap.h>
#include <rk/klog.h>
#include <rk/mm.h>
#include <rk/path.h>
#include <rk/signal.h>
#include <rk/string.h>
#include <rk/usercopy.h>

#include "process_internal.h"

/* What a new user thread needs to start (kmalloc'ed, freed by the thread). */
struct user_thread_start {
    struct user_registers registers;
    uintptr_t set_child_tid;                                  /* CLONE_CHILD_SETTID, or 0 */
    unsigned char fpu[PLATFORM_FPU_STATE_SIZE + 16];          /* 16-byte aligned inside */
};

/* The 16-byte aligned FPU image inside start. */
static void *start_fpu(struct user_thread_start *start)
{
    return (void *)(((uintptr_t)start->fpu + 15) & ~(uintptr_t)15);
}

/* First code of a forked or cloned thread: become the user thread it was made to be. */
static void user_thread_start(void *argument)
{
    struct user_thread_start *start = argument;
    struct thread *thread = thread_current();
    struct user_registers registers = start->registers;
    mm_activate(thread->process->mm);
    platform_fpu_restore(start_fpu(start));
    if (start->set_child_tid) {
        int tid = thread->tid;
        (void)copy_to_user(start->set_child_tid, &tid, sizeof tid); /* Linux ignores a fault here */
    }
    kfree(start);
    thread->user_registers = &registers;
    thread->accounting_mark_ns = 0;
    core_return_to_user(&registers);
    platform_user_enter(&registers);
}

/* Linux's checks of clone's flags (copy_process). Returns 0 or -EINVAL. */
static int clone_flags_check(const struct clone_request *request, struct process *parent)
{
    uint64_t flags = request->flags;
    if ((flags & (CLONE_NEWNS | CLONE_FS)) == (CLONE_NEWNS | CLONE_FS))
        return -EINVAL;
    if ((flags & (CLONE_NEWUSER | CLONE_FS)) == (CLONE_NEWUSER | CLONE_FS))
        return -EINVAL;
    if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
        return -EINVAL;
    if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
        return -EINVAL;
    if ((flags & CLONE_PARENT) && parent->pid == 1)
        return -EINVAL;
    if ((flags & CLONE_PIDFD) && (flags & CLONE_PARENT_SETTID))
        return -EINVAL;
    if (request->exit_signal < 0 || request->exit_signal > SIGNAL_COUNT)
        return -EINVAL;
    if (flags & (CLONE_NAMESPACES | CLONE_PIDFD)) {
        klog(KLOG_WARNING, "clone: flags %#llx (namespaces, pidfd) not supported: EINVAL",
             (unsigned long long)(flags & (CLONE_NAMESPACES | CLONE_PIDFD)));
        return -EINVAL;
    }
    return 0;
}

/* Copy a kmalloc'ed byte string (NULL stays NULL). Returns false on ENOMEM. */
static bool copy_bytes(char **target, const char *source, size_t length)
{
    *target = NULL;
    if (!source)
        return true;
    *target = kmalloc(length + 1);
    if (!*target)
        return false;
    memcpy(*target, source, length);
    (*target)[length] = '\0';
    return true;
}

/*
 * A new process for clone without CLONE_THREAD: everything the child
 * inherits, copied or shared as flags say. Returns it (published in the
 * table, one reference: the table's) or NULL on ENOMEM.
 */
static struct process *process_duplicate(struct process *parent, const struct clone_request *request)
{
    uint64_t flags = request->flags;
    struct process *child = process_allocate(parent->name);
    if (!child)
        return NULL;
    bool ok = true;
    if (flags & CLONE_VM) {
        child->mm = parent->mm;
        if (child->mm)
            mm_get(child->mm);
    } else if (parent->mm) {
        child->mm = mm_fork(parent->mm);
        ok = child->mm != NULL;
    }
    if (ok && (flags & CLONE_FILES)) {
        child->fds = parent->fds;
        child->fds->users++;
    } else if (ok) {
        child->fds = fd_table_copy(parent->fds);
        ok = child->fds != NULL;
    }
    if (ok && (flags & CLONE_SIGHAND)) {
        child->signals.handlers = parent->signals.handlers;
        signal_handlers_get(child->signals.handlers);
    } else if (ok) {
        child->signals.handlers = signal_handlers_copy(parent->signals.handlers);
        ok = child->signals.handlers != NULL;
    }
    ok = ok && copy_bytes(&child->command_line, parent->command_line, parent->command_line_length);
    ok = ok && copy_bytes(&child->environment, parent->environment, parent->environment_length);
    ok = ok && copy_bytes(&child->executable_path, parent->executable_path,
                          parent->executable_path ? strlen(parent->executable_path) : 0);
    if (ok && parent->group_count > 0) {
        child->groups = kmalloc(parent->group_count * sizeof *child->groups);
        ok = child->groups != NULL;
        if (ok) {
            memcpy(child->groups, parent->groups, parent->group_count * sizeof *child->groups);
            child->group_count = parent->group_count;
        }
    }
    if (!ok) {
        process_put(child);
        return NULL;
    }
    child->command_line_length = parent->command_line_length;
    child->environment_length = parent->environment_length;
    child->cwd = parent->cwd;
    if (child->cwd)
        path_get(child->cwd);
    child->root = parent->root;
    if (child->root)
        path_get(child->root);
    child->umask = parent->umask;
    child->process_group = parent->process_group;
    child->session = parent->session;
    child->has_controlling_terminal = parent->has_controlling_terminal;
    child->exit_signal = request->exit_signal;
    child->uid = parent->uid;
    child->euid = parent->euid;
    child->suid = parent->suid;
    child->gid = parent->gid;
    child->egid = parent->egid;
    child->sgid = parent->sgid;
    child->fsuid = parent->fsuid;
    child->fsgid = parent->fsgid;
    child->dumpable = parent->dumpable;
    memcpy(child->limits, parent->limits, sizeof child->limits);
    child->vfork_pending = (flags & CLONE_VFORK) != 0;
    child->table_reference = true;

    struct process *new_parent = (flags & CLONE_PARENT) && parent->parent ? parent->parent : parent;
    if ((flags & CLONE_PARENT) && !parent->parent) {
        /* A child of a parentless process: no parent either (Linux: the idle task). */
        new_parent = NULL;
    }
    process_publish(child, new_parent);
    return child;
}

/* Undo process_duplicate before the child ever ran. */
static void process_discard(struct process *child)
{
    irq_flags_t flags = platform_irq_save();
    child->reaped = true;
    list_remove(&child->link);
    list_remove(&child->sibling_link);
    platform_irq_restore(flags);
    process_put(child);
}

/* True when the running thread's group is being killed (exit_group, SIGKILL). */
static bool fatal_signal_pending(void)
{
    struct thread *thread = thread_current();
    return process_exiting_current() || (thread->signals.pending & SIGNAL_BIT(SIGKILL)) ||
           (thread->process->signals.pending & SIGNAL_BIT(SIGKILL));
}

/*
 * Sleep until the vfork child released its parent (exec or exit). Killable
 * only (Linux's wait_for_vfork_done): an ordinary signal stays pending; once
 * one is pending the wait polls every 10 ms for a fatal one.
 */
static void vfork_wait(struct process *child)
{
    process_get(child);
    while (child->vfork_pending && !fatal_signal_pending()) {
        int error = wait_queue_wait(&child->vfork_done, NULL, WAIT_FOREVER);
        if (error == -ERESTARTSYS && child->vfork_pending && !fatal_signal_pending())
            error = wait_queue_wait_uninterruptible(&child->vfork_done, NULL, 10000000);
        if (error < 0 && error != -ERESTARTSYS && error != -ETIMEDOUT)
            break;
    }
    process_put(child);
}

long process_clone(const struct clone_request *request)
{
    struct thread *parent_thread = thread_current();
    struct process *parent = parent_thread->process;
    if (!parent || !parent_thread->user_registers)
        return -EINVAL;
    int error = clone_flags_check(request, parent);
    if (error < 0)
        return error;
    if ((request->flags & CLONE_SETTLS) && !process_user_base_valid(request->tls))
        return -EPERM;

    struct user_thread_start *start = kmalloc(sizeof *start);
    if (!start)
        return -ENOMEM;
    start->registers = *parent_thread->user_registers;
    start->registers.rax = 0;
    if (request->stack)
        start->registers.rsp = request->stack;
    if (request->flags & CLONE_SETTLS)
        start->registers.fs_base = request->tls;
    start->set_child_tid = (request->flags & CLONE_CHILD_SETTID) ? request->child_tid : 0;
    platform_fpu_save(start_fpu(start));

    bool new_thread = (request->flags & CLONE_THREAD) != 0;
    struct process *child = new_thread ? parent : process_duplicate(parent, request);
    if (!child) {
        kfree(start);
        return -ENOMEM;
    }
    struct thread *thread = thread_create(parent_thread->name, user_thread_start, start);
    if (!thread) {
        kfree(start);
        if (!new_thread)
            process_discard(child);
        return -ENOMEM;
    }
    /* Nothing below yields: the new thread runs only once the parent blocks or yields. */
    process_attach_thread(child, thread);
    rk_strlcpy(thread->name, child->name, sizeof thread->name);
    thread_detach(thread);
    thread->signals.blocked = parent_thread->signals.blocked;
    if (!((request->flags & CLONE_VM) && !(request->flags & CLONE_VFORK))) {
        thread->signals.alternate_stack = parent_thread->signals.alternate_stack;
        thread->signals.alternate_stack_size = parent_thread->signals.alternate_stack_size;
        thread->signals.alternate_stack_flags = parent_thread->signals.alternate_stack_flags;
    } else {
        thread->signals.alternate_stack_flags = SS_DISABLE; /* Linux clears it for CLONE_VM threads */
    }
    if (request->flags & CLONE_CHILD_CLEARTID)
        thread->clear_child_tid = request->child_tid;
    int tid = thread->tid;
    if (request->flags & CLONE_PARENT_SETTID)
        (void)copy_to_user(request->parent_tid, &tid, sizeof tid);
    if (!new_thread && (request->flags & CLONE_VFORK))
        vfork_wait(child);
    return tid;
}
