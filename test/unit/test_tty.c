/*
 * test_tty.c — the console tty through its driver ops with fake console
 * input (hosted_console_inject) and captured output: canonical editing,
 * erase/kill/werase, ^D, ^C to the foreground group, echo, raw VMIN,
 * ONLCR, the controlling terminal and the ioctls' errors.
 */
#include "pipe_fixture.h"

#include <rk/chardev.h>
#include <rk/kernel.h>
#include <rk/poll.h>
#include <rk/signal.h>
#include "tty/tty_internal.h"

/* One open of a tty number, made the way chardev_open() makes it. */
struct device {
    struct file file;
    struct chardev_file handle;
};

static int device_open(struct device *device, unsigned major, unsigned minor, unsigned flags)
{
    memset(device, 0, sizeof *device);
    device->file.flags = flags;
    device->file.references = 1;
    device->handle.file = &device->file;
    device->handle.device = device_number(major, minor);
    return tty_driver_ops.open(&device->handle, flags);
}

static void device_close(struct device *device) { tty_driver_ops.release(&device->handle); }

static long device_read(struct device *device, void *buffer, size_t length)
{
    struct io_segment segment;
    struct io_cursor cursor;
    io_cursor_kernel(&cursor, &segment, buffer, length);
    return tty_driver_ops.read(&device->handle, &cursor, &device->file.offset);
}

static long device_write(struct device *device, const void *buffer, size_t length)
{
    struct io_segment segment;
    struct io_cursor cursor;
    io_cursor_kernel(&cursor, &segment, (void *)buffer, length);
    return tty_driver_ops.write(&device->handle, &cursor, &device->file.offset);
}

/* ioctl with its argument in the test process's user page. */
static long device_ioctl(struct device *device, unsigned command, uintptr_t argument)
{
    return tty_driver_ops.ioctl(&device->handle, command, argument);
}

/* Inject input and let the console upcall and the input worker run. */
static void type(const char *text)
{
    assert_int_equal(hosted_console_inject(text, strlen(text)), strlen(text));
    sched_run_until_idle();
}

static struct device console;

/* Boot with a test process (a session leader of its own group) and open /dev/console. */
static int setup(void **state)
{
    boot_with_process(state);
    test_process->process_group = test_process->pid;
    test_process->session = test_process->pid;
    assert_int_equal(device_open(&console, TTY_MAJOR_ALTERNATE, TTY_MINOR_CONSOLE, O_RDWR), 0);
    return 0;
}

static int teardown(void **state)
{
    device_close(&console);
    return drop_process(state);
}

static void canonical_read_returns_one_line_with_echo(void **state)
{
    hosted_console_capture_begin(false);
    type("hello\rworld\n");
    char buffer[32] = { 0 };
    assert_int_equal(device_read(&console, buffer, sizeof buffer), 6);
    assert_memory_equal(buffer, "hello\n", 6);   /* ICRNL */
    assert_int_equal(device_read(&console, buffer, 3), 3);
    assert_memory_equal(buffer, "wor", 3);
    assert_int_equal(device_read(&console, buffer, sizeof buffer), 3);
    assert_memory_equal(buffer, "ld\n", 3);
    hosted_console_capture_end();
    size_t length;
    const char *echo = hosted_console_captured(&length);
    assert_int_equal(length, 14);
    assert_memory_equal(echo, "hello\r\nworld\r\n", 14);   /* ECHO with ONLCR */
}

static void an_incomplete_line_is_not_readable(void **state)
{
    struct device nonblocking;
    assert_int_equal(device_open(&nonblocking, TTY_MAJOR_ALTERNATE, TTY_MINOR_CONSOLE,
                                 O_RDONLY | O_NONBLOCK), 0);
    type("partial");
    char buffer[16];
    assert_int_equal(device_read(&nonblocking, buffer, sizeof buffer), -EAGAIN);
    assert_int_equal(tty_driver_ops.poll(&nonblocking.handle) & POLLIN, 0);
    type("\n");
    assert_int_equal(tty_driver_ops.poll(&nonblocking.handle) & (POLLIN | POLLOUT), POLLIN | POLLOUT);
    assert_int_equal(device_read(&nonblocking, buffer, sizeof buffer), 8);
    device_close(&nonblocking);
}

static void erase_kill_and_word_erase_edit_the_line(void **state)
{
    hosted_console_capture_begin(false);
    type("abx\177c\n");
    hosted_console_capture_end();
    size_t length;
    const char *echo = hosted_console_captured(&length);
    assert_int_equal(length, 9);
    assert_memory_equal(echo, "abx\b \bc\r\n", 9);
    char buffer[32] = { 0 };
    assert_int_equal(device_read(&console, buffer, sizeof buffer), 4);
    assert_memory_equal(buffer, "abc\n", 4);

    type("gone\025kept two words\027\027x\n");   /* ^U kills the line, ^W erases a word */
    memset(buffer, 0, sizeof buffer);
    assert_int_equal(device_read(&console, buffer, sizeof buffer), 7);
    assert_memory_equal(buffer, "kept x\n", 7);
}

static void control_d_ends_the_file_at_line_start(void **state)
{
    char buffer[16];
    type("\004");
    assert_int_equal(device_read(&console, buffer, sizeof buffer), 0);
    type("ab\004");
    assert_int_equal(device_read(&console, buffer, sizeof buffer), 2);
    assert_memory_equal(buffer, "ab", 2);
    int count = -1;
    assert_int_equal(device_ioctl(&console, FIONREAD, user_page), 0);
    memcpy(&count, user_page_kernel, sizeof count);
    assert_int_equal(count, 0);
}

static void control_c_signals_the_foreground_group_and_echoes(void **state)
{
    struct device serial;
    assert_int_equal(device_open(&serial, TTY_MAJOR_SERIAL, TTY_MINOR_SERIAL0, O_RDWR), 0);
    /* A session leader without a terminal acquired ttyS0 as its controlling terminal. */
    assert_true(test_process->has_controlling_terminal);
    assert_int_equal(device_ioctl(&serial, TIOCGPGRP, user_page), 0);
    int group;
    memcpy(&group, user_page_kernel, sizeof group);
    assert_int_equal(group, test_process->pid);

    type("typed");
    hosted_console_capture_begin(false);
    type("\003");
    hosted_console_capture_end();
    size_t length;
    const char *echo = hosted_console_captured(&length);
    assert_int_equal(length, 2);
    assert_memory_equal(echo, "^C", 2);
    assert_true(test_process->signals.pending & SIGNAL_BIT(SIGINT) ||
                thread_current()->signals.pending & SIGNAL_BIT(SIGINT));
    /* The input was flushed (no NOFLSH). */
    assert_int_equal(tty_input_ready_count(&tty_console), 0);
    assert_int_equal(tty_console.count, 0);
    device_close(&serial);
}

static void console_never_becomes_the_controlling_terminal(void **state)
{
    assert_false(test_process->has_controlling_terminal);
    struct device current;
    assert_int_equal(device_open(&current, TTY_MAJOR_ALTERNATE, TTY_MINOR_CURRENT, O_RDWR), -ENXIO);
    assert_int_equal(device_ioctl(&console, TIOCGPGRP, user_page), -ENOTTY);
    assert_int_equal(device_ioctl(&console, TIOCGSID, user_page), -ENOTTY);
    assert_int_equal(device_ioctl(&console, TIOCNOTTY, 0), -ENOTTY);
    /* O_NOCTTY keeps ttyS0 from becoming it too. */
    struct device serial;
    assert_int_equal(device_open(&serial, TTY_MAJOR_SERIAL, TTY_MINOR_SERIAL0, O_RDWR | O_NOCTTY), 0);
    assert_false(test_process->has_controlling_terminal);
    /* TIOCSCTTY makes it so; then /dev/tty opens. */
    assert_int_equal(device_ioctl(&console, TIOCSCTTY, 0), 0);
    assert_true(test_process->has_controlling_terminal);
    assert_int_equal(device_open(&current, TTY_MAJOR_ALTERNATE, TTY_MINOR_CURRENT, O_RDWR), 0);
    assert_int_equal(device_ioctl(&current, TIOCGSID, user_page), 0);
    int session;
    memcpy(&session, user_page_kernel, sizeof session);
    assert_int_equal(session, test_process->pid);
    /* TIOCSPGRP: a negative group is EINVAL, an unknown one ESRCH. */
    int value = -1;
    memcpy(user_page_kernel, &value, sizeof value);
    assert_int_equal(device_ioctl(&current, TIOCSPGRP, user_page), -EINVAL);
    value = 99999;
    memcpy(user_page_kernel, &value, sizeof value);
    assert_int_equal(device_ioctl(&current, TIOCSPGRP, user_page), -ESRCH);
    assert_int_equal(device_ioctl(&current, TIOCSPGRP, unmapped_user_address()), -EFAULT);
    /* The leader gives it up. */
    assert_int_equal(device_ioctl(&current, TIOCNOTTY, 0), 0);
    assert_false(test_process->has_controlling_terminal);
    device_close(&current);
    device_close(&serial);
}

static void raw_mode_honours_vmin(void **state)
{
    struct tty_termios termios;
    assert_int_equal(device_ioctl(&console, TCGETS, user_page), 0);
    memcpy(&termios, user_page_kernel, sizeof termios);
    termios.c_lflag &= ~(ICANON | ECHO);
    termios.c_cc[VMIN] = 3;
    termios.c_cc[VTIME] = 0;
    memcpy(user_page_kernel, &termios, sizeof termios);
    assert_int_equal(device_ioctl(&console, TCSETS, user_page), 0);

    struct device nonblocking;
    assert_int_equal(device_open(&nonblocking, TTY_MAJOR_ALTERNATE, TTY_MINOR_CONSOLE,
                                 O_RDONLY | O_NONBLOCK), 0);
    hosted_console_capture_begin(false);
    type("ab");
    char buffer[8];
    /* poll waits for VMIN bytes; a non-blocking read takes what is there. */
    assert_int_equal(tty_driver_ops.poll(&nonblocking.handle) & POLLIN, 0);
    type("c");
    assert_int_equal(tty_driver_ops.poll(&nonblocking.handle) & POLLIN, POLLIN);
    assert_int_equal(device_read(&console, buffer, sizeof buffer), 3);
    assert_memory_equal(buffer, "abc", 3);
    type("\177");   /* no editing in raw mode */
    assert_int_equal(device_read(&nonblocking, buffer, sizeof buffer), 1);
    assert_int_equal(buffer[0], 0177);
    assert_int_equal(device_read(&nonblocking, buffer, sizeof buffer), -EAGAIN);
    hosted_console_capture_end();
    size_t length;
    hosted_console_captured(&length);
    assert_int_equal(length, 0);   /* ECHO off */
    device_close(&nonblocking);
}

static void output_maps_newlines_unless_opost_is_off(void **state)
{
    hosted_console_capture_begin(false);
    assert_int_equal(device_write(&console, "a\nb", 3), 3);
    hosted_console_capture_end();
    size_t length;
    const char *output = hosted_console_captured(&length);
    assert_int_equal(length, 4);
    assert_memory_equal(output, "a\r\nb", 4);

    struct tty_termios termios = tty_console.termios;
    termios.c_oflag &= ~OPOST;
    memcpy(user_page_kernel, &termios, sizeof termios);
    assert_int_equal(device_ioctl(&console, TCSETSW, user_page), 0);
    hosted_console_capture_begin(false);
    assert_int_equal(device_write(&console, "a\nb", 3), 3);
    hosted_console_capture_end();
    output = hosted_console_captured(&length);
    assert_int_equal(length, 3);
    assert_memory_equal(output, "a\nb", 3);
}

static void termios_defaults_are_linux_serial_consoles(void **state)
{
    struct tty_termios termios;
    assert_int_equal(sizeof termios, 36);
    assert_int_equal(device_ioctl(&console, TCGETS, user_page), 0);
    memcpy(&termios, user_page_kernel, sizeof termios);
    assert_int_equal(termios.c_iflag, 02400);      /* ICRNL | IXON */
    assert_int_equal(termios.c_oflag, 05);         /* OPOST | ONLCR */
    assert_int_equal(termios.c_cflag, 016262);     /* B115200 | CS8 | CREAD | HUPCL | CLOCAL */
    assert_int_equal(termios.c_lflag, 0105073);
    assert_int_equal(termios.c_cc[VINTR], 3);
    assert_int_equal(termios.c_cc[VERASE], 0177);
    assert_int_equal(termios.c_cc[VMIN], 1);
    assert_int_equal(device_ioctl(&console, TCGETS, unmapped_user_address()), -EFAULT);
}

static void window_size_and_queue_ioctls(void **state)
{
    struct tty_window_size size = { 1, 1, 1, 1 };
    assert_int_equal(device_ioctl(&console, TIOCGWINSZ, user_page), 0);
    memcpy(&size, user_page_kernel, sizeof size);
    assert_int_equal(size.rows, 0);
    assert_int_equal(size.columns, 0);
    size.rows = 24;
    size.columns = 80;
    memcpy(user_page_kernel, &size, sizeof size);
    assert_int_equal(device_ioctl(&console, TIOCSWINSZ, user_page), 0);
    memset(user_page_kernel, 0, sizeof size);
    assert_int_equal(device_ioctl(&console, TIOCGWINSZ, user_page), 0);
    memcpy(&size, user_page_kernel, sizeof size);
    assert_int_equal(size.rows, 24);
    assert_int_equal(size.columns, 80);

    type("queued\n");
    int count;
    assert_int_equal(device_ioctl(&console, FIONREAD, user_page), 0);
    memcpy(&count, user_page_kernel, sizeof count);
    assert_int_equal(count, 7);
    assert_int_equal(device_ioctl(&console, TCFLSH, 7), -EINVAL);
    assert_int_equal(device_ioctl(&console, TCFLSH, TCIFLUSH), 0);
    assert_int_equal(device_ioctl(&console, FIONREAD, user_page), 0);
    memcpy(&count, user_page_kernel, sizeof count);
    assert_int_equal(count, 0);
    assert_int_equal(device_ioctl(&console, TCXONC, 9), -EINVAL);
    assert_int_equal(device_ioctl(&console, TIOCGPTN, user_page), -ENOTTY);
    assert_int_equal(device_ioctl(&console, 0x1234, user_page), -ENOTTY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(canonical_read_returns_one_line_with_echo, setup, teardown),
        cmocka_unit_test_setup_teardown(an_incomplete_line_is_not_readable, setup, teardown),
        cmocka_unit_test_setup_teardown(erase_kill_and_word_erase_edit_the_line, setup, teardown),
        cmocka_unit_test_setup_teardown(control_d_ends_the_file_at_line_start, setup, teardown),
        cmocka_unit_test_setup_teardown(control_c_signals_the_foreground_group_and_echoes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(console_never_becomes_the_controlling_terminal, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(raw_mode_honours_vmin, setup, teardown),
        cmocka_unit_test_setup_teardown(output_maps_newlines_unless_opost_is_off, setup, teardown),
        cmocka_unit_test_setup_teardown(termios_defaults_are_linux_serial_consoles, setup, teardown),
        cmocka_unit_test_setup_teardown(window_size_and_queue_ioctls, setup, teardown),
    };
    return cmocka_run_group_tests_name("tty", tests, NULL, NULL);
}
