/*
 * tty_device.c — the console tty's character device driver (one ops table
 * for ttyS0 4:64, tty 5:0 and console 5:1), its input worker, and the
 * job-control checks of reads and writes.
 *
 * Opens: /dev/tty is the caller's controlling terminal (-ENXIO without
 * one); /dev/ttyS0 opened without O_NOCTTY by a session leader that has
 * no controlling terminal, while the tty belongs to no session, becomes
 * its controlling terminal; /dev/console never does (as Linux).
 *
 * The input worker is a kernel thread that runs while any description is
 * open: it sleeps until something changes (poll_notify: the console's
 * input upcall notifies) and moves raw console input through the line
 * discipline, so ^C reaches the foreground group even when nobody reads.
 * Readers and pollers also drain pending input themselves first.
 */
#include <rk/errno.h>
#include <rk/file.h>
#include <rk/heap.h>
#include <rk/poll.h>
#include <rk/system.h>
#include <rk/terminal.h>
#include <rk/timer.h>
#include <rk/vfs.h>

#include "tty_internal.h"

#define TTY_WRITE_CHUNK 2048      /* Linux's n_tty write chunk: copied whole or not at all */
#define TTY_WRITE_ON_STACK 256    /* writes up to this size need no heap buffer */
#define DECISECOND_NS 100000000ull

struct tty tty_console;

/* See tty_internal.h. */
void tty_reset(struct tty *tty)
{
    *tty = (struct tty){
        .termios = {
            .c_iflag = ICRNL | IXON,
            .c_oflag = OPOST | ONLCR,
            .c_cflag = B115200 | CS8 | CREAD | HUPCL | CLOCAL,
            .c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
            .c_cc = {
                [VINTR] = 003, [VQUIT] = 034, [VERASE] = 0177, [VKILL] = 025, [VEOF] = 004,
                [VTIME] = 0, [VMIN] = 1, [VSWTC] = 0, [VSTART] = 021, [VSTOP] = 023,
                [VSUSP] = 032, [VEOL] = 0, [VREPRINT] = 022, [VDISCARD] = 017,
                [VWERASE] = 027, [VLNEXT] = 026, [VEOL2] = 0,
            },
        },
    };
    wait_queue_init(&tty->readers);
    wait_queue_init(&tty->writers);
}

/* ------------------------------------------------------- job control */

/* See tty_internal.h. */
bool tty_is_callers_controlling(const struct tty *tty)
{
    struct terminal_caller caller;
    if (terminal_caller(&caller) < 0)
        return false;
    return caller.has_controlling_terminal && tty->session != 0 && caller.session == tty->session;
}

/* See tty_internal.h (Linux's __tty_check_change and n_tty_read's job_control). */
int tty_check_background(struct tty *tty, int signal)
{
    struct terminal_caller caller;
    if (terminal_caller(&caller) < 0 || !tty_is_callers_controlling(tty))
        return 0;
    if (tty->foreground_group == 0 || caller.process_group == tty->foreground_group)
        return 0;
    if (terminal_caller_ignores_signal(signal))
        return signal == SIGTTIN ? -EIO : 0;
    if (terminal_process_group_orphaned(caller.process_group))
        return -EIO;
    (void)terminal_signal_process_group(caller.process_group, signal);
    return -ERESTARTSYS;
}

/* See tty_internal.h. */
void tty_disassociate(struct tty *tty)
{
    int group = tty->foreground_group;
    int session = tty->session;
    tty->session = 0;
    tty->foreground_group = 0;
    if (group > 0) {
        (void)terminal_signal_process_group(group, SIGHUP);
        (void)terminal_signal_process_group(group, SIGCONT);
    }
    if (session > 0)
        terminal_session_set_controlling(session, false);
}

/* ------------------------------------------------------------ worker */

/* The input worker's body: drain, sleep until notified, until told to stop. */
static void tty_worker(void *argument)
{
    struct tty *tty = argument;
    while (!tty->worker_stop) {
        uint64_t seen = poll_generation();
        tty_receive_pending_console_input(tty);
        if (tty->worker_stop)
            break;
        (void)poll_wait_change(seen, WAIT_FOREVER);
    }
    tty->worker_running = false;
}

/* ------------------------------------------------------------ driver */

/*
 * chardev_ops.open: a stream handle; /dev/tty needs a controlling
 * terminal; ttyS0 may become one. The first open starts the worker.
 */
static int tty_open(struct chardev_file *handle, unsigned flags)
{
    struct tty *tty = &tty_console;
    unsigned major = device_major(handle->device), minor = device_minor(handle->device);
    struct terminal_caller caller;
    bool has_caller = terminal_caller(&caller) == 0;
    if (major == TTY_MAJOR_ALTERNATE && minor == TTY_MINOR_CURRENT) {
        if (!tty_is_callers_controlling(tty))
            return -ENXIO;
    } else if (major == TTY_MAJOR_ALTERNATE && minor != TTY_MINOR_CONSOLE) {
        return -ENXIO;
    }
    handle->stream = true;
    bool serial = major == TTY_MAJOR_SERIAL;
    if (serial && has_caller && !(flags & O_NOCTTY) && caller.session_leader &&
        !caller.has_controlling_terminal && tty->session == 0) {
        tty->session = caller.session;
        tty->foreground_group = caller.process_group;
        terminal_session_set_controlling(caller.session, true);
    }
    if (tty->opens++ == 0) {
        tty->worker_stop = false;
        if (!tty->worker_running) {
            if (terminal_thread_start("tty-input", tty_worker, tty) == 0)
                tty->worker_running = true;
        }
    }
    return 0;
}

/* chardev_ops.release: the last one stops the worker. */
static void tty_release(struct chardev_file *handle)
{
    struct tty *tty = &tty_console;
    if (tty->opens > 0 && --tty->opens == 0 && tty->worker_running) {
        tty->worker_stop = true;
        poll_notify();
    }
}

/*
 * Wait for input on the readers queue for at most timeout_ns. Returns 0
 * (look again), -ETIMEDOUT, or the wait's error (-ERESTARTSYS).
 */
static int wait_for_input(struct tty *tty, uint64_t timeout_ns)
{
    int error = wait_queue_wait(&tty->readers, NULL, timeout_ns);
    return error;
}

/*
 * chardev_ops.read: n_tty_read. Background readers get SIGTTIN. Canonical:
 * one line (or what fits). Raw: VMIN/VTIME. O_NONBLOCK: -EAGAIN when a
 * read would wait. Interrupted waits return -ERESTARTSYS unless bytes
 * were read.
 */
static long tty_read(struct chardev_file *handle, struct io_cursor *cursor, uint64_t *offset)
{
    struct tty *tty = &tty_console;
    int error = tty_check_background(tty, SIGTTIN);
    if (error < 0)
        return error;
    size_t wanted = io_remaining(cursor);
    if (wanted == 0)
        return 0;
    bool nonblocking = handle->file->flags & O_NONBLOCK;
    size_t copied = 0;
    tty_receive_pending_console_input(tty);
    if (tty->termios.c_lflag & ICANON) {
        while (!tty_input_available(tty, true)) {
            if (nonblocking)
                return -EAGAIN;
            error = wait_for_input(tty, WAIT_FOREVER);
            if (error < 0)
                return error;
            tty_receive_pending_console_input(tty);
        }
        bool end_of_file;
        copied = tty_take_input(tty, cursor, wanted, &end_of_file, &error);
        return copied > 0 ? (long)copied : error;
    }
    /* Non-canonical: VMIN bytes (at most wanted), VTIME deciseconds (overall or between bytes). */
    size_t minimum = tty->termios.c_cc[VMIN];
    uint64_t time = tty->termios.c_cc[VTIME] * DECISECOND_NS;
    if (minimum > wanted)
        minimum = wanted;
    for (;;) {
        bool end_of_file;
        size_t taken = tty_take_input(tty, cursor, wanted - copied, &end_of_file, &error);
        copied += taken;
        if (error < 0)
            return copied > 0 ? (long)copied : error;
        if (copied >= wanted || (copied >= minimum && (minimum > 0 || copied > 0)))
            break;
        if (minimum == 0 && time == 0)
            break;
        if (nonblocking)
            return copied > 0 ? (long)copied : -EAGAIN;
        /* VTIME with VMIN 0: an overall timer; with VMIN > 0: between bytes, after the first. */
        uint64_t timeout = time == 0 || (minimum > 0 && copied == 0) ? WAIT_FOREVER : time;
        error = wait_for_input(tty, timeout);
        tty_receive_pending_console_input(tty);
        if (error == -ETIMEDOUT && tty->readable == 0)
            break;
        if (error < 0 && error != -ETIMEDOUT)
            return copied > 0 ? (long)copied : error;
    }
    return (long)copied;
}

/*
 * chardev_ops.write: TOSTOP background writers get SIGTTOU; waits while
 * output is stopped (^S); everything else goes out with output
 * processing, in chunks of TTY_WRITE_CHUNK bytes as Linux's tty layer
 * does: a chunk whose copy from the caller faults is dropped whole (so a
 * bad buffer in the first chunk writes nothing and gives -EFAULT). Writes
 * above TTY_WRITE_ON_STACK bytes use a heap buffer (-ENOMEM when there is
 * none). Returns the bytes taken, or -errno when none were.
 */
static long tty_write(struct chardev_file *handle, struct io_cursor *cursor, uint64_t *offset)
{
    struct tty *tty = &tty_console;
    if (tty->termios.c_lflag & TOSTOP) {
        int error = tty_check_background(tty, SIGTTOU);
        if (error < 0)
            return error;
    }
    unsigned char small[TTY_WRITE_ON_STACK];
    unsigned char *bytes = small;
    size_t capacity = sizeof small;
    if (io_remaining(cursor) > sizeof small) {
        bytes = kmalloc(TTY_WRITE_CHUNK);
        if (!bytes)
            return -ENOMEM;
        capacity = TTY_WRITE_CHUNK;
    }
    long result = 0;
    size_t written = 0;
    size_t remaining;
    while ((remaining = io_remaining(cursor)) > 0) {
        while (tty->output_stopped && result == 0) {
            if (handle->file->flags & O_NONBLOCK)
                result = -EAGAIN;
            else
                result = wait_queue_wait(&tty->writers, NULL, WAIT_FOREVER);
        }
        if (result < 0)
            break;
        size_t chunk = remaining < capacity ? remaining : capacity;
        result = io_copy_in(cursor, bytes, chunk);
        if (result < 0)
            break;
        tty_output(tty, bytes, chunk);
        written += chunk;
    }
    if (bytes != small)
        kfree(bytes);
    return written > 0 ? (long)written : result;
}

/* chardev_ops.poll: readable per the line discipline, writable unless ^S stopped output. */
static unsigned tty_poll(struct chardev_file *handle)
{
    struct tty *tty = &tty_console;
    tty_receive_pending_console_input(tty);
    unsigned mask = 0;
    if (tty_input_available(tty, false))
        mask |= POLLIN | POLLRDNORM;
    if (!tty->output_stopped)
        mask |= POLLOUT | POLLWRNORM;
    return mask;
}

/* chardev_ops.ioctl: see tty_ioctl.c. */
static long tty_device_ioctl(struct chardev_file *handle, unsigned command, uintptr_t argument)
{
    return tty_ioctl(&tty_console, handle, command, argument);
}

const struct chardev_ops tty_driver_ops = {
    .open = tty_open,
    .read = tty_read,
    .write = tty_write,
    .seek = chardev_seek_none,
    .ioctl = tty_device_ioctl,
    .release = tty_release,
    .poll = tty_poll,
};
