/*
 * tty.c — fuzz target for the tty line discipline (src/services/tty): on a
 * fresh kernel pid 1 opens the console (/dev/console, /dev/ttyS0 — which
 * becomes its controlling terminal — or /dev/tty) twice, non-blocking and
 * blocking, then runs fuzzed operations: termios set through TCSETS,
 * TCSETSW or TCSETSF (raw flag words and control characters from the
 * input), console input injected and moved through the line discipline,
 * reads, writes and the other ioctls. Input comes in chunks the Core's
 * 256-byte console buffer holds (more at once would be dropped there).
 *
 * Invariants, with the ring inspected through tty_internal.h:
 *  - TCGETS gives back exactly what TCSETS* set; TIOCGWINSZ what
 *    TIOCSWINSZ set.
 *  - The ring: count <= TTY_BUFFER_SIZE, readable <= count, head inside;
 *    in canonical mode the last readable byte ends a line (a line or EOF
 *    mark); FIONREAD is the readable bytes (canonical: without EOF marks).
 *  - A read never returns more than asked and returns exactly what the
 *    ring held: canonical, the bytes up to and including the first line
 *    end, stopping before an EOF mark (a leading EOF mark is a 0 return);
 *    raw, min(asked, readable). With nothing to take it gives -EAGAIN
 *    (non-blocking) or, VMIN and VTIME both 0, 0; a blocking read that has
 *    to wait gets -EDEADLK from the boot thread's wait (nothing can wake
 *    it; 0 after VTIME when VMIN is 0) or -ERESTARTSYS when a signal the
 *    line discipline sent is pending.
 *  - A write takes every byte (or -EAGAIN / -EDEADLK while output is
 *    stopped) and what reaches the console is the bytes themselves without
 *    OPOST, with "\r\n" for "\n" under OPOST|ONLCR alone, and never more
 *    than twice the bytes.
 *  - Input echoes nothing when neither ECHO nor ECHONL is set.
 *  - Every error is one Linux gives for that call.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rk/errno.h>
#include <rk/file.h>
#include <rk/path.h>
#include <rk/sched.h>
#include <rk/signal.h>

#include "fuzz_kernel.h"
#include "hosted.h"
#include "input.h"
#include "target_user.h"
#include "tty/tty_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_OPERATIONS 24
#define MAX_TRANSFER 600

/* The two descriptors of the terminal. */
static int nonblocking_fd, blocking_fd;

/* --------------------------------------------------------------- checks */

/* The ring's own invariants and FIONREAD against it (FIONREAD first drains pending input). */
static void check_ring(void)
{
    uintptr_t mark = user_next;
    uintptr_t count = user_alloc(sizeof(int));
    long result = fuzz_syscall(SYS_ioctl, nonblocking_fd, FIONREAD, (long)count, 0, 0, 0);
    int value = -1;
    if (result == 0)
        user_read(&value, count, sizeof value);
    user_next = mark;

    const struct tty *tty = &tty_console;
    if (tty->count > TTY_BUFFER_SIZE || tty->readable > tty->count || tty->head >= TTY_BUFFER_SIZE)
        fuzz_finding("tty ring: head %zu count %zu readable %zu", tty->head, tty->count, tty->readable);
    bool canonical = tty->termios.c_lflag & ICANON;
    if (canonical && tty->readable > 0 &&
        tty->marks[(tty->head + tty->readable - 1) % TTY_BUFFER_SIZE] == 0)
        fuzz_finding("canonical tty: the last readable byte ends no line");
    size_t ready = 0;
    for (size_t i = 0; i < tty->readable; i++)
        if (!canonical || !(tty->marks[(tty->head + i) % TTY_BUFFER_SIZE] & TTY_MARK_END_OF_FILE))
            ready++;
    if (result != 0 || (size_t)value != ready)
        fuzz_finding("FIONREAD gave %ld / %d, the ring has %zu readable bytes", result, value, ready);
}

/* ------------------------------------------------------------ operations */

/* TCSETS, TCSETSW or TCSETSF of the current termios with one field fuzzed; TCGETS reads it back. */
static void operation_set_termios(struct fuzz_input *input)
{
    static const unsigned commands[] = { TCSETS, TCSETSW, TCSETSF };
    uintptr_t mark = user_next;
    uintptr_t buffer = user_alloc(sizeof(struct tty_termios));
    struct tty_termios termios;
    if (fuzz_syscall(SYS_ioctl, nonblocking_fd, TCGETS, (long)buffer, 0, 0, 0) != 0)
        fuzz_finding("TCGETS failed");
    user_read(&termios, buffer, sizeof termios);
    uint8_t what = fuzz_input_u8(input);
    switch (what % 6) {
    case 0: termios.c_iflag = fuzz_input_u32(input); break;
    case 1: termios.c_oflag = fuzz_input_u32(input); break;
    case 2: termios.c_lflag = fuzz_input_u32(input); break;
    case 3: termios.c_lflag ^= 1u << (fuzz_input_u8(input) % 16); break;
    case 4: termios.c_oflag ^= 1u << (fuzz_input_u8(input) % 8); termios.c_iflag ^= 1u << (fuzz_input_u8(input) % 16); break;
    default: {
        uint8_t index = fuzz_input_u8(input) % TTY_NCCS;
        termios.c_cc[index] = fuzz_input_u8(input);
        break;
    }
    }
    if (!fuzz_user_write(buffer, &termios, sizeof termios))
        fuzz_finding("cannot stage termios");
    long result = fuzz_syscall(SYS_ioctl, nonblocking_fd, commands[(what >> 4) % 3], (long)buffer, 0, 0, 0);
    if (result != 0)
        fuzz_finding("TCSETS* gave %ld", result);
    struct tty_termios back;
    if (fuzz_syscall(SYS_ioctl, nonblocking_fd, TCGETS, (long)buffer, 0, 0, 0) != 0)
        fuzz_finding("TCGETS failed");
    user_read(&back, buffer, sizeof back);
    user_next = mark;
    if (memcmp(&back, &termios, sizeof back) != 0)
        fuzz_finding("TCGETS does not give back what TCSETS set");
}

/* Console input (up to 64 fuzzed bytes, or 1200 of them repeated) through the line discipline. */
static void operation_input(struct fuzz_input *input)
{
    uint8_t choice = fuzz_input_u8(input);
    size_t taken;
    const uint8_t *bytes = fuzz_input_bytes(input, (choice & 63) + 1, &taken);
    static uint8_t repeated[1200];
    if ((choice & 0x40) && taken > 0) {
        /* Much input at once: the bytes repeated (fills the 4096-byte ring in a few operations). */
        for (size_t i = 0; i < sizeof repeated; i++)
            repeated[i] = bytes[i % taken];
        bytes = repeated;
        taken = sizeof repeated;
    }
    bool silent = !(tty_console.termios.c_lflag & (ECHO | ECHONL));
    hosted_console_capture_begin(fuzz_verbose());
    /* In chunks the Core's 256-byte console input buffer holds, each moved through the line discipline. */
    for (size_t done = 0; done < taken;) {
        size_t chunk = taken - done < 128 ? taken - done : 128;
        size_t fitted = hosted_console_inject((const char *)bytes + done, chunk);
        if (fitted > chunk)
            fuzz_finding("hosted_console_inject took %zu of %zu bytes", fitted, chunk);
        sched_run_until_idle();
        done += chunk;
    }
    size_t echoed = 0;
    hosted_console_captured(&echoed);
    /* A termios change is the only thing that turns echo on, and none ran. */
    if (silent && echoed != 0)
        fuzz_finding("input echoed %zu bytes with ECHO and ECHONL off", echoed);
}

/*
 * What a read of wanted bytes must give from the ring as it is now (the
 * caller drained pending input): fills expected and returns the count, or
 * -1 when the read has nothing to take (then the caller knows the rules).
 */
static long expected_read(size_t wanted, uint8_t *expected)
{
    const struct tty *tty = &tty_console;
    bool canonical = tty->termios.c_lflag & ICANON;
    size_t copied = 0;
    for (size_t i = 0; i < tty->readable && copied < wanted; i++) {
        size_t index = (tty->head + i) % TTY_BUFFER_SIZE;
        if (canonical && (tty->marks[index] & TTY_MARK_END_OF_FILE))
            return copied == 0 && i == 0 ? 0 : (long)copied;
        expected[copied++] = tty->buffer[index];
        if (canonical && (tty->marks[index] & TTY_MARK_LINE_END))
            break;
    }
    return copied > 0 ? (long)copied : -1;
}

/* A read (non-blocking or blocking) of a fuzzed size, checked against the ring (see the file comment). */
static void operation_read(struct fuzz_input *input)
{
    static const size_t sizes[] = { 0, 1, 2, 7, 64, 255, 4096 + 8 };
    uint8_t choice = fuzz_input_u8(input);
    size_t wanted = sizes[(choice & 0x7f) % 7];
    bool blocking = choice & 0x80;
    static uint8_t expected[TTY_BUFFER_SIZE + 16], got[TTY_BUFFER_SIZE + 16];
    const struct tty *tty = &tty_console;
    check_ring();   /* drains pending input (FIONREAD) */
    long model = wanted == 0 ? 0 : expected_read(wanted, expected);
    bool canonical = tty->termios.c_lflag & ICANON;
    unsigned minimum = tty->termios.c_cc[VMIN], time = tty->termios.c_cc[VTIME];
    bool signal_waiting = signal_pending_current();

    uintptr_t mark = user_next;
    uintptr_t buffer = user_alloc(wanted + 1);
    long result = fuzz_syscall(SYS_read, blocking ? blocking_fd : nonblocking_fd, (long)buffer,
                               (long)wanted, 0, 0, 0);
    if (result > 0)
        user_read(got, buffer, (size_t)result);
    user_next = mark;
    if (fuzz_verbose())
        fprintf(stderr, "tty: %s read of %zu: %ld (the ring held %ld)\n", blocking ? "blocking" : "non-blocking",
                wanted, result, model);
    if (result > (long)wanted)
        fuzz_finding("read returned %ld for %zu bytes asked", result, wanted);
    if (model >= 0) {
        if (result != model || (result > 0 && memcmp(got, expected, (size_t)result) != 0))
            fuzz_finding("%s read of %zu gave %ld, the ring held %ld", canonical ? "canonical" : "raw",
                         wanted, result, model);
        return;
    }
    /* Nothing to take. */
    bool allowed;
    if (!canonical && minimum == 0 && time == 0)
        allowed = result == 0;
    else if (!blocking)
        allowed = result == -EAGAIN;
    else if (!canonical && minimum == 0)
        allowed = result == 0 || result == -ERESTARTSYS;
    else
        allowed = result == -EDEADLK || (result == -ERESTARTSYS && signal_waiting);
    if (!allowed)
        fuzz_finding("%s %s read with nothing to take (VMIN %u VTIME %u) gave %ld",
                     blocking ? "blocking" : "non-blocking", canonical ? "canonical" : "raw", minimum,
                     time, result);
}

/* A write of fuzzed bytes, checked against what reaches the console (see the file comment). */
static void operation_write(struct fuzz_input *input)
{
    uint8_t choice = fuzz_input_u8(input);
    size_t taken;
    const uint8_t *bytes = fuzz_input_bytes(input, (choice & 0x3f) % 48, &taken);
    bool blocking = choice & 0x80;
    static uint8_t repeated[MAX_TRANSFER];
    if (choice & 0x40) {
        /* A longer write: the bytes repeated (crosses the on-stack buffer and the 256-byte chunks). */
        for (size_t i = 0; i < sizeof repeated; i++)
            repeated[i] = taken ? bytes[i % taken] : '\n';
        bytes = repeated;
        taken = sizeof repeated;
    }
    unsigned output_flags = tty_console.termios.c_oflag;
    bool stopped = tty_console.output_stopped;
    uintptr_t mark = user_next;
    uintptr_t buffer = user_bytes(bytes, taken);
    hosted_console_capture_begin(fuzz_verbose());
    long result = fuzz_syscall(SYS_write, blocking ? blocking_fd : nonblocking_fd, (long)buffer,
                               (long)taken, 0, 0, 0);
    user_next = mark;
    size_t length = 0;
    const char *output = hosted_console_captured(&length);
    if (fuzz_verbose())
        fprintf(stderr, "tty: write of %zu: %ld, %zu bytes out\n", taken, result, length);
    if (stopped && taken > 0) {
        if (result != (blocking ? -EDEADLK : -EAGAIN) && !(blocking && result == -ERESTARTSYS))
            fuzz_finding("write while output is stopped gave %ld", result);
        return;
    }
    if (result != (long)taken)
        fuzz_finding("write of %zu bytes gave %ld", taken, result);
    if (length > 2 * taken)
        fuzz_finding("%zu bytes written became %zu on the console", taken, length);
    if (!(output_flags & OPOST) && (length != taken || memcmp(output, bytes, taken) != 0))
        fuzz_finding("without OPOST the console shows other bytes than written");
    if ((output_flags & (OPOST | ONLCR | OCRNL | ONOCR | ONLRET)) == (OPOST | ONLCR)) {
        size_t at = 0;
        for (size_t i = 0; i < taken; i++) {
            if (bytes[i] == '\n' && (at >= length || output[at++] != '\r'))
                fuzz_finding("ONLCR: no carriage return before the newline written at %zu", i);
            if (at >= length || (uint8_t)output[at++] != bytes[i])
                fuzz_finding("OPOST|ONLCR: byte %zu written is not on the console", i);
        }
        if (at != length)
            fuzz_finding("OPOST|ONLCR: %zu extra bytes on the console", length - at);
    }
}

/* Errors the terminal ioctls may give. */
static bool ioctl_error_allowed(long result)
{
    return result == 0 || result == -ENOTTY || result == -EINVAL || result == -EPERM ||
           result == -ESRCH || result == -EFAULT || result == -EIO || result == -ERESTARTSYS;
}

/* One of the other terminal ioctls with a fuzzed argument; TIOCSWINSZ and TCFLSH are checked. */
static void operation_ioctl(struct fuzz_input *input)
{
    static const unsigned commands[] = {
        TIOCSWINSZ, TCFLSH, TCXONC, TIOCOUTQ, TIOCSCTTY, TIOCNOTTY, TIOCGPGRP, TIOCSPGRP, TIOCGSID,
        TCSBRK, TCSBRKP, TIOCGPTN, 0x5499 /* unknown */, FIONREAD,
    };
    unsigned command = commands[fuzz_input_u8(input) % (sizeof commands / sizeof commands[0])];
    uint32_t value = fuzz_input_u32(input);
    uintptr_t mark = user_next;
    uintptr_t buffer = user_alloc(16);
    long argument = (long)buffer;
    if (command == TIOCSWINSZ || command == TIOCSPGRP) {
        uint64_t words[2] = { value | (uint64_t)value << 32, 0 };
        if (command == TIOCSPGRP)
            words[0] = value % 4;   /* 0..3: pid 1's own group among them */
        if (!fuzz_user_write(buffer, words, sizeof words))
            fuzz_finding("cannot stage an ioctl argument");
    } else if (command == TCFLSH || command == TCXONC || command == TIOCSCTTY || command == TCSBRK ||
               command == TCSBRKP) {
        argument = value % 5;
    }
    long result = fuzz_syscall(SYS_ioctl, nonblocking_fd, command, argument, 0, 0, 0);
    if (fuzz_verbose())
        fprintf(stderr, "tty: ioctl %#x (%ld): %ld\n", command, argument, result);
    if (!ioctl_error_allowed(result))
        fuzz_finding("ioctl %#x gave %ld", command, result);
    if (command == TIOCSWINSZ && result == 0) {
        struct tty_window_size set, back;
        user_read(&set, buffer, sizeof set);
        if (fuzz_syscall(SYS_ioctl, nonblocking_fd, TIOCGWINSZ, (long)buffer + 8, 0, 0, 0) != 0)
            fuzz_finding("TIOCGWINSZ failed");
        user_read(&back, buffer + 8, sizeof back);
        if (memcmp(&set, &back, sizeof set) != 0)
            fuzz_finding("TIOCGWINSZ does not give back what TIOCSWINSZ set");
    }
    if (command == TCFLSH && result == 0 && argument != TCOFLUSH && tty_console.count != 0)
        fuzz_finding("TCFLSH(%ld) left %zu bytes in the ring", argument, tty_console.count);
    user_next = mark;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_input input = fuzz_input_make(data, size);
    uint8_t setup = fuzz_input_u8(&input);
    fuzz_kernel_boot(NULL, setup);
    fuzz_init_create();
    user_reset();
    static const char *const devices[] = { "/dev/console", "/dev/ttyS0", "/dev/ttyS0", "/dev/tty" };
    const char *device = devices[setup % 4];
    unsigned no_controlling = (setup % 4) == 2 ? O_NOCTTY : 0;
    long fd = fuzz_syscall(SYS_openat, AT_FDCWD, (long)user_string(device),
                           O_RDWR | O_NONBLOCK | no_controlling, 0, 0, 0);
    if (setup % 4 == 3) {
        if (fd != -ENXIO)
            fuzz_finding("/dev/tty without a controlling terminal gave %ld", fd);
        fd = fuzz_syscall(SYS_openat, AT_FDCWD, (long)user_string("/dev/ttyS0"), O_RDWR | O_NONBLOCK, 0, 0, 0);
        if (fd >= 0)
            fd = fuzz_syscall(SYS_openat, AT_FDCWD, (long)user_string("/dev/tty"), O_RDWR | O_NONBLOCK, 0, 0, 0);
    }
    if (fd < 0)
        fuzz_finding("cannot open %s: %ld", device, fd);
    nonblocking_fd = (int)fd;
    fd = fuzz_syscall(SYS_openat, AT_FDCWD, (long)user_string(device), O_RDWR | no_controlling, 0, 0, 0);
    if (fd < 0)
        fuzz_finding("cannot open %s again: %ld", device, fd);
    blocking_fd = (int)fd;

    unsigned operations = 0;
    while (fuzz_input_remaining(&input) > 0 && operations++ < MAX_OPERATIONS) {
        user_reset();
        uint8_t operation = fuzz_input_u8(&input);
        if (fuzz_verbose())
            fprintf(stderr, "tty: operation %u (ring: head %zu count %zu readable %zu)\n", operation % 8,
                    tty_console.head, tty_console.count, tty_console.readable);
        switch (operation % 8) {
        case 0: operation_set_termios(&input); break;
        case 1: case 2: operation_input(&input); break;
        case 3: case 4: operation_read(&input); break;
        case 5: operation_write(&input); break;
        default: operation_ioctl(&input); break;
        }
        check_ring();
    }
    return 0;
}
