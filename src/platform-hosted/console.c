/*
 * console.c — the hosted console (stdout / stdin), test capture, and power.
 *
 * Output goes to stdout with unbuffered write(2), so it interleaves
 * correctly with anything else and is safe from a signal handler. Input
 * arrives through events.c (stdin) or hosted_console_inject() (tests) into
 * a ring that platform_console_read() drains.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "hosted.h"
#include "hosted_internal.h"

#define INPUT_RING_SIZE 4096
#define CAPTURE_SIZE (64 * 1024)

static char input_ring[INPUT_RING_SIZE];
static size_t input_start;   /* index of the oldest byte */
static size_t input_count;
static bool notification_pending;

static bool capture_active;
static bool capture_echo;
static char capture_buffer[CAPTURE_SIZE + 1];
static size_t capture_length;

static bool tty_saved;
static struct termios tty_original;

static hosted_exit_handler_fn exit_handler;

/*
 * write(2) all of buffer to fd, retrying after EINTR and short writes, and
 * waiting when someone made the descriptor non-blocking.
 */
static void write_all(int fd, const char *buffer, size_t length)
{
    while (length > 0) {
        ssize_t written = write(fd, buffer, length);
        if (written < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN) {
                struct pollfd writable = {.fd = fd, .events = POLLOUT};
                poll(&writable, 1, -1);
                continue;
            }
            return;
        }
        buffer += written;
        length -= (size_t)written;
    }
}

/* See rk/platform.h. Any context. */
void platform_console_write(const char *buffer, size_t length)
{
    if (capture_active) {
        size_t room = CAPTURE_SIZE - capture_length;
        size_t copied = length < room ? length : room;
        memcpy(capture_buffer + capture_length, buffer, copied);
        capture_length += copied;
        capture_buffer[capture_length] = '\0';
        if (!capture_echo)
            return;
    }
    write_all(STDOUT_FILENO, buffer, length);
}

/* See rk/platform.h. Any context. */
size_t platform_console_read(char *buffer, size_t length)
{
    size_t copied = 0;
    while (copied < length && input_count > 0) {
        buffer[copied++] = input_ring[input_start];
        input_start = (input_start + 1) % INPUT_RING_SIZE;
        input_count--;
    }
    if (copied > 0)
        hosted_events_console_space_available();
    return copied;
}

/* See hosted_internal.h. */
void hosted_console_reset(void)
{
    input_start = 0;
    input_count = 0;
    notification_pending = false;
    capture_active = false;
    capture_echo = false;
    capture_length = 0;
    capture_buffer[0] = '\0';
    exit_handler = NULL;
}

/* See hosted_internal.h. */
size_t hosted_console_input_push(const char *bytes, size_t length)
{
    size_t pushed = 0;
    while (pushed < length && input_count < INPUT_RING_SIZE) {
        input_ring[(input_start + input_count) % INPUT_RING_SIZE] = bytes[pushed++];
        input_count++;
    }
    return pushed;
}

/* See hosted_internal.h. */
size_t hosted_console_input_space(void)
{
    return INPUT_RING_SIZE - input_count;
}

/* See hosted_internal.h. */
bool hosted_console_notification_pending(void)
{
    return notification_pending;
}

/* See hosted_internal.h. */
void hosted_console_notification_clear(void)
{
    notification_pending = false;
}

/* See hosted.h. */
size_t hosted_console_inject(const char *bytes, size_t length)
{
    size_t pushed = hosted_console_input_push(bytes, length);
    if (pushed > 0)
        notification_pending = true;
    return pushed;
}

/* See hosted.h. */
void hosted_console_capture_begin(bool echo)
{
    capture_active = true;
    capture_echo = echo;
    capture_length = 0;
    capture_buffer[0] = '\0';
}

/* See hosted.h. */
const char *hosted_console_captured(size_t *length)
{
    if (length != NULL)
        *length = capture_length;
    return capture_buffer;
}

/* See hosted.h. */
void hosted_console_capture_end(void)
{
    capture_active = false;
}

/* Put the terminal back the way it was (atexit and before exiting). */
static void tty_restore(void)
{
    if (tty_saved) {
        tcsetattr(STDIN_FILENO, TCSANOW, &tty_original);
        tty_saved = false;
    }
}

/*
 * See hosted_internal.h. Like a serial line: no echo, no line editing, no
 * CR/NL translation of input. Ctrl-C still ends the process (ISIG kept)
 * and output keeps the host's NL -> CR NL.
 */
void hosted_tty_make_raw(void)
{
    if (tty_saved || !isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &tty_original) != 0)
        return;
    struct termios raw = tty_original;
    raw.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    raw.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | IEXTEN);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0) {
        tty_saved = true;
        atexit(tty_restore);
    }
}

/* See hosted.h. */
void hosted_set_exit_handler(hosted_exit_handler_fn handler)
{
    exit_handler = handler;
}

/* End the process with status (or hand it to the test's exit handler). */
static _Noreturn void machine_exit(int status)
{
    if (exit_handler != NULL)
        exit_handler(status);
    if (capture_active && !capture_echo) /* do not lose the last words */
        write_all(STDOUT_FILENO, capture_buffer, capture_length);
    tty_restore();
    if (hosted_in_fault_handler())
        _exit(status); /* stdio may be what faulted */
    fflush(NULL);
    exit(status);
}

/* See rk/platform.h. Any context. */
_Noreturn void platform_power_off(int status)
{
    machine_exit(status);
}

/* See rk/platform.h. Any context. */
_Noreturn void platform_halt(void)
{
    machine_exit(HOSTED_HALT_STATUS);
}

/* See hosted_internal.h. */
void hosted_write_text(const char *text)
{
    platform_console_write(text, strlen(text));
}

/* See hosted_internal.h. */
char *hosted_format_hex(char *buffer, uint64_t value)
{
    static const char digits[] = "0123456789abcdef";
    buffer[0] = '0';
    buffer[1] = 'x';
    for (int index = 0; index < 16; index++)
        buffer[2 + index] = digits[(value >> (60 - 4 * index)) & 0xf];
    buffer[18] = '\0';
    return buffer;
}

/* See hosted_internal.h. */
char *hosted_format_decimal(char *buffer, uint64_t value)
{
    char reversed[21];
    size_t length = 0;
    do {
        reversed[length++] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    for (size_t index = 0; index < length; index++)
        buffer[index] = reversed[length - 1 - index];
    buffer[length] = '\0';
    return buffer;
}
