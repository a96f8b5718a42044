/*
 * process_wait.c — waiting for children (wait4, waitid): which children a
 * request selects, what a child has to report (exit, stop, continue),
 * reaping, and sleeping on child_events until something happens.
 *
 * Locking: uniprocessor, cooperative; the children list is read with
 * interrupts disabled and nothing yields between the scan and the sleep,
 * so no event is lost (events come from threads, never from interrupts).
 */
#include <rk/errno.h>
#include <rk/signal.h>

#include "process_internal.h"

/* True when request selects child (pid or group, and __WCLONE/__WALL). */
static bool child_selected(const struct process *child, const struct wait_request *request)
{
    if (request->id_type == P_PID && child->pid != request->id)
        return false;
    if (request->id_type == P_PGID && child->process_group != request->id)
        return false;
    if (!(request->options & __WALL)) {
        bool clone_child = child->exit_signal != SIGCHLD;
        if (clone_child != ((request->options & __WCLONE) != 0))
            return false;
    }
    return true;
}

/* Fill result with child's identity and CPU times. */
static void result_fill(const struct process *child, struct wait_result *result, int code,
                        int status, int signal_or_code)
{
    result->pid = child->pid;
    result->code = code;
    result->status = status;
    result->signal_or_code = signal_or_code;
    result->uid = child->uid;
    result->user_time_ns = child->user_time_ns + child->children_user_time_ns;
    result->system_time_ns = child->system_time_ns + child->children_system_time_ns;
}

/*
 * What child has to report to request, if anything. Reaps a zombie (unless
 * WNOWAIT) and consumes stop/continue reports. Returns true when result
 * was filled.
 */
static bool child_report(struct process *parent, struct process *child,
                         const struct wait_request *request, struct wait_result *result)
{
    int options = request->options;
    bool consume = !(options & WNOWAIT);
    if (child->state == PROCESS_ZOMBIE) {
        if (!(options & WEXITED))
            return false;
        result_fill(child, result, child->exit_code_kind, child->wait_status,
                    child->exit_code_or_signal);
        if (consume) {
            parent->children_user_time_ns += result->user_time_ns;
            parent->children_system_time_ns += result->system_time_ns;
            process_reap(child);
        }
        return true;
    }
    if ((options & WSTOPPED) && child->stop_report_pending && child->state == PROCESS_STOPPED) {
        result_fill(child, result, CLD_STOPPED, WAIT_STATUS_STOPPED(child->stop_signal),
                    child->stop_signal);
        if (consume)
            child->stop_report_pending = false;
        return true;
    }
    if ((options & WCONTINUED) && child->continue_report_pending) {
        result_fill(child, result, CLD_CONTINUED, WAIT_STATUS_CONTINUED, SIGCONT);
        if (consume)
            child->continue_report_pending = false;
        return true;
    }
    return false;
}

/*
 * One pass over parent's children. Returns 1 when result was filled, 0
 * when some selected child exists but has nothing to report, -ECHILD when
 * none is selected.
 */
static int scan_children(struct process *parent, const struct wait_request *request,
                         struct wait_result *result)
{
    bool any = false;
    list_for_each_safe(node, &parent->children) {
        struct process *child = list_entry(node, struct process, sibling_link);
        if (!child_selected(child, request))
            continue;
        any = true;
        if (child_report(parent, child, request, result))
            return 1;
    }
    return any ? 0 : -ECHILD;
}

int process_wait(const struct wait_request *request, struct wait_result *result)
{
    struct process *parent = process_current();
    *result = (struct wait_result){ 0 };
    if (!parent)
        return -ECHILD;
    for (;;) {
        int found = scan_children(parent, request, result);
        if (found < 0)
            return found;
        if (found > 0)
            return 0;
        if (request->options & WNOHANG)
            return 0;
        int error = wait_queue_wait(&parent->child_events, NULL, WAIT_FOREVER);
        if (error < 0 && error != -ETIMEDOUT)
            return error;
    }
}
