/*
 * tty_ioctl.c — the console tty's ioctls with Linux's rules (tty_ioctl,
 * tty_jobctrl, n_tty_ioctl): termios (TCGETS, TCSETS, TCSETSW, TCSETSF),
 * the window size (TIOCGWINSZ, TIOCSWINSZ with SIGWINCH), job control
 * (TIOCGPGRP, TIOCSPGRP, TIOCSCTTY, TIOCNOTTY, TIOCGSID), queues
 * (FIONREAD, TIOCOUTQ, TCFLSH, TCXONC, TCSBRK). Anything else is -ENOTTY.
 */
#include <rk/errno.h>
#include <rk/file.h>
#include <rk/poll.h>
#include <rk/string.h>
#include <rk/terminal.h>
#include <rk/usercopy.h>

#include "tty_internal.h"

/* TCSETS*: background callers get SIGTTOU; TCSETSF also drops pending input. */
static long set_termios(struct tty *tty, unsigned command, uintptr_t argument)
{
    int error = tty_check_background(tty, SIGTTOU);
    if (error < 0)
        return error;
    struct tty_termios termios;
    if (copy_from_user(&termios, argument, sizeof termios) < 0)
        return -EFAULT;
    /* Output is written synchronously, so TCSETSW and TCSETSF have nothing to drain. */
    if (command == TCSETSF)
        tty_flush_input(tty);
    struct tty_termios old = tty->termios;
    tty->termios = termios;
    tty_termios_changed(tty, &old);
    return 0;
}

/* TIOCSWINSZ: store it; a change sends SIGWINCH to the foreground group. */
static long set_window_size(struct tty *tty, uintptr_t argument)
{
    struct tty_window_size size;
    if (copy_from_user(&size, argument, sizeof size) < 0)
        return -EFAULT;
    if (memcmp(&size, &tty->window, sizeof size) == 0)
        return 0;
    tty->window = size;
    if (tty->foreground_group > 0)
        (void)terminal_signal_process_group(tty->foreground_group, SIGWINCH);
    return 0;
}

/* Store an int at a user address: 0 or -EFAULT. */
static long put_int(uintptr_t address, int value)
{
    return copy_to_user(address, &value, sizeof value) < 0 ? -EFAULT : 0;
}

/*
 * TIOCSPGRP (Linux's tiocspgrp): the background check, -ENOTTY unless
 * this is the caller's controlling terminal, -EFAULT, -EINVAL for a
 * negative group, -ESRCH for a group that does not exist, -EPERM for a
 * group of another session.
 */
static long set_foreground_group(struct tty *tty, uintptr_t argument)
{
    int error = tty_check_background(tty, SIGTTOU);
    if (error < 0)
        return error;
    struct terminal_caller caller;
    if (terminal_caller(&caller) < 0 || !tty_is_callers_controlling(tty))
        return -ENOTTY;
    int group;
    if (copy_from_user(&group, argument, sizeof group) < 0)
        return -EFAULT;
    if (group < 0)
        return -EINVAL;
    if (!terminal_process_group_in_session(group, caller.session))
        return terminal_process_group_exists(group) ? -EPERM : -ESRCH;
    tty->foreground_group = group;
    return 0;
}

/*
 * TIOCSCTTY (Linux's tiocsctty): a session leader without a controlling
 * terminal takes this one. Already its own: 0. Not a leader, or one with
 * a terminal: -EPERM. The tty belongs to another session: -EPERM unless
 * argument is 1 (steal; everyone is root). A description that cannot
 * read: -EPERM for non-root (never here).
 */
static long set_controlling(struct tty *tty, uintptr_t argument)
{
    struct terminal_caller caller;
    if (terminal_caller(&caller) < 0)
        return -EPERM;
    if (caller.session_leader && tty->session == caller.session && tty->session != 0)
        return 0;
    if (!caller.session_leader || caller.has_controlling_terminal)
        return -EPERM;
    if (tty->session != 0) {
        if (argument != 1)
            return -EPERM;
        terminal_session_set_controlling(tty->session, false);
    }
    tty->session = caller.session;
    tty->foreground_group = caller.process_group;
    terminal_session_set_controlling(caller.session, true);
    return 0;
}

/* TIOCNOTTY: -ENOTTY unless it is the caller's controlling terminal; a leader releases it for the session. */
static long drop_controlling(struct tty *tty)
{
    struct terminal_caller caller;
    if (terminal_caller(&caller) < 0 || !tty_is_callers_controlling(tty))
        return -ENOTTY;
    if (caller.session_leader)
        tty_disassociate(tty);
    else
        terminal_caller_drop_controlling();
    return 0;
}

/* See tty_internal.h. */
long tty_ioctl(struct tty *tty, struct chardev_file *handle, unsigned command, uintptr_t argument)
{
    switch (command) {
    case TCGETS:
        return copy_to_user(argument, &tty->termios, sizeof tty->termios) < 0 ? -EFAULT : 0;
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
        return set_termios(tty, command, argument);
    case TIOCGWINSZ:
        return copy_to_user(argument, &tty->window, sizeof tty->window) < 0 ? -EFAULT : 0;
    case TIOCSWINSZ:
        return set_window_size(tty, argument);
    case TIOCGPGRP:
        if (!tty_is_callers_controlling(tty))
            return -ENOTTY;
        return put_int(argument, tty->foreground_group);
    case TIOCSPGRP:
        return set_foreground_group(tty, argument);
    case TIOCGSID:
        if (!tty_is_callers_controlling(tty))
            return -ENOTTY;
        return put_int(argument, tty->session);
    case TIOCSCTTY:
        return set_controlling(tty, argument);
    case TIOCNOTTY:
        return drop_controlling(tty);
    case FIONREAD:
        tty_receive_pending_console_input(tty);
        return put_int(argument, (int)tty_input_ready_count(tty));
    case TIOCOUTQ:
        return put_int(argument, 0);
    case TCFLSH: {
        int error = tty_check_background(tty, SIGTTOU);
        if (error < 0)
            return error;
        if (argument != TCIFLUSH && argument != TCOFLUSH && argument != TCIOFLUSH)
            return -EINVAL;
        if (argument != TCOFLUSH)
            tty_flush_input(tty);
        return 0;
    }
    case TCXONC: {
        int error = tty_check_background(tty, SIGTTOU);
        if (error < 0)
            return error;
        switch (argument) {
        case TCOOFF:
            tty->output_stopped = true;
            return 0;
        case TCOON:
            tty->output_stopped = false;
            wait_queue_wake_all(&tty->writers);
            poll_notify();
            return 0;
        case TCIOFF:
        case TCION:
            return 0;   /* no flow control towards the console */
        default:
            return -EINVAL;
        }
    }
    case TCSBRK:
    case TCSBRKP:
        return 0;   /* tcdrain / tcsendbreak: output is already out */
    default:
        return -ENOTTY;   /* TIOCGPTN included: this is not a pseudo-terminal */
    }
}
