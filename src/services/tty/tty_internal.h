/*
 * tty_internal.h — the console terminal: one tty (the serial console,
 * reached as /dev/ttyS0 4:64, /dev/console 5:1 and, for the processes
 * whose controlling terminal it is, /dev/tty 5:0) with Linux's n_tty line
 * discipline and termios.
 *
 * Locking: none. The kernel is uniprocessor and cooperative, and the tty
 * is touched only in thread context (the input worker, readers, writers,
 * ioctls), never from an interrupt; state is re-checked after every
 * sleep.
 */
#ifndef TTY_INTERNAL_H
#define TTY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rk/chardev.h>
#include <rk/services.h>
#include <rk/waitqueue.h>

/* ------------------------------------------------- termios (Linux x86) */

#define TTY_NCCS 19

/* The kernel's struct termios, as TCGETS/TCSETS move it (36 bytes). */
struct tty_termios {
    uint32_t c_iflag;
    uint32_t c_oflag;
    uint32_t c_cflag;
    uint32_t c_lflag;
    uint8_t c_line;
    uint8_t c_cc[TTY_NCCS];
};

/* c_cc indices */
#define VINTR 0
#define VQUIT 1
#define VERASE 2
#define VKILL 3
#define VEOF 4
#define VTIME 5
#define VMIN 6
#define VSWTC 7
#define VSTART 8
#define VSTOP 9
#define VSUSP 10
#define VEOL 11
#define VREPRINT 12
#define VDISCARD 13
#define VWERASE 14
#define VLNEXT 15
#define VEOL2 16

/* c_iflag */
#define IGNBRK 0000001u
#define BRKINT 0000002u
#define ISTRIP 0000040u
#define INLCR 0000100u
#define IGNCR 0000200u
#define ICRNL 0000400u
#define IUCLC 0001000u
#define IXON 0002000u
#define IXANY 0004000u
#define IXOFF 0010000u
#define IMAXBEL 0020000u
#define IUTF8 0040000u

/* c_oflag */
#define OPOST 0000001u
#define OLCUC 0000002u
#define ONLCR 0000004u
#define OCRNL 0000010u
#define ONOCR 0000020u
#define ONLRET 0000040u

/* c_cflag */
#define B115200 0010002u
#define CS8 0000060u
#define CREAD 0000200u
#define HUPCL 0002000u
#define CLOCAL 0004000u

/* c_lflag */
#define ISIG 0000001u
#define ICANON 0000002u
#define ECHO 0000010u
#define ECHOE 0000020u
#define ECHOK 0000040u
#define ECHONL 0000100u
#define NOFLSH 0000200u
#define TOSTOP 0000400u
#define ECHOCTL 0001000u
#define ECHOPRT 0002000u
#define ECHOKE 0004000u
#define IEXTEN 0100000u

/* struct winsize */
struct tty_window_size {
    uint16_t rows;
    uint16_t columns;
    uint16_t x_pixels;
    uint16_t y_pixels;
};

/* ioctl commands */
#define TCGETS 0x5401u
#define TCSETS 0x5402u
#define TCSETSW 0x5403u
#define TCSETSF 0x5404u
#define TCSBRK 0x5409u
#define TCXONC 0x540Au
#define TCFLSH 0x540Bu
#define TIOCSCTTY 0x540Eu
#define TIOCGPGRP 0x540Fu
#define TIOCSPGRP 0x5410u
#define TIOCOUTQ 0x5411u
#define TIOCGWINSZ 0x5413u
#define TIOCSWINSZ 0x5414u
#define FIONREAD 0x541B
#define TIOCNOTTY 0x5422u
#define TIOCGSID 0x5429u
#define TIOCGPTN 0x80045430u
#define TCSBRKP 0x5425u

#define TCIFLUSH 0
#define TCOFLUSH 1
#define TCIOFLUSH 2
#define TCOOFF 0
#define TCOON 1
#define TCIOFF 2
#define TCION 3

/* ------------------------------------------------------------- the tty */

#define TTY_BUFFER_SIZE 4096u          /* Linux's N_TTY_BUF_SIZE */
#define TTY_MARK_LINE_END 1u           /* the byte ends a canonical line (delivered) */
#define TTY_MARK_END_OF_FILE 2u        /* the byte is an EOF marker (ends a line, not delivered) */

/* Device numbers. */
#define TTY_MAJOR_SERIAL 4u
#define TTY_MINOR_SERIAL0 64u
#define TTY_MAJOR_ALTERNATE 5u
#define TTY_MINOR_CURRENT 0u           /* /dev/tty */
#define TTY_MINOR_CONSOLE 1u           /* /dev/console */

struct tty {
    struct tty_termios termios;
    struct tty_window_size window;

    /* Input: a ring of bytes; readable = the first `readable` of them. */
    unsigned char buffer[TTY_BUFFER_SIZE];
    uint8_t marks[TTY_BUFFER_SIZE];
    size_t head;                       /* index of the oldest byte */
    size_t count;                      /* bytes in the ring (readable + the line being edited) */
    size_t readable;                   /* canonical: complete lines; raw: everything */
    bool literal_next;                 /* the previous byte was VLNEXT */
    struct wait_queue readers;         /* readers waiting for input */

    /* Output. */
    unsigned column;                   /* where the cursor is, for erasing tabs */
    unsigned line_start_column;        /* the column where the line being edited began */
    bool output_stopped;               /* ^S (IXON) until ^Q */
    struct wait_queue writers;         /* writers waiting for ^Q */

    /* Job control. */
    int session;                       /* the session whose controlling terminal this is, 0 = none */
    int foreground_group;              /* its foreground process group, 0 = none */

    /* The input worker (a kernel thread while any description is open). */
    unsigned opens;
    bool worker_running;
    bool worker_stop;
};

/* The one console tty and its driver, for every number the service serves (tty_device.c). */
extern struct tty tty_console;
extern const struct chardev_ops tty_driver_ops;

/* Reset tty to Linux's serial-console defaults with empty buffers and no session. */
void tty_reset(struct tty *tty);

/* ---------------------------------------------------- line discipline */

/*
 * Feed length bytes of raw input through the line discipline: input
 * flags, signals (ISIG: sent from here, thread context), canonical
 * editing, echo. Wakes readers and pollers when something became
 * readable.
 */
void tty_receive(struct tty *tty, const unsigned char *bytes, size_t length);
/* Move whatever raw console input is pending through tty_receive (never sleeps). */
void tty_receive_pending_console_input(struct tty *tty);
/*
 * Write length bytes to the console with output processing (OPOST,
 * ONLCR, OCRNL, ONOCR, ONLRET), keeping the column. Never sleeps.
 */
void tty_output(struct tty *tty, const unsigned char *bytes, size_t length);
/* True when a read would not wait for input now (non-canonical: VMIN bytes, or 1 when min_one). */
bool tty_input_available(const struct tty *tty, bool min_one);
/*
 * Copy readable input into the cursor: canonical, at most up to the end
 * of the first line (an EOF marker ends it and is consumed, not copied);
 * raw, up to limit bytes. Returns the bytes copied; *end_of_file is set
 * when an EOF marker was consumed; *error gets a copy fault.
 */
size_t tty_take_input(struct tty *tty, struct io_cursor *cursor, size_t limit, bool *end_of_file,
                      int *error);
/* Bytes a read could take now (FIONREAD): canonical, the complete lines; raw, everything. */
size_t tty_input_ready_count(const struct tty *tty);
/* Drop all input (TCIFLUSH, ISIG without NOFLSH, TCSETSF). */
void tty_flush_input(struct tty *tty);
/* New termios took effect: switching canonical mode off makes the line being edited readable. */
void tty_termios_changed(struct tty *tty, const struct tty_termios *old);

/* -------------------------------------------------------- job control */

/*
 * The caller's access check before reading (signal SIGTTIN) or changing
 * the terminal/writing with TOSTOP (SIGTTOU), for a caller whose
 * controlling terminal this is and whose group is in the background.
 * Returns 0 (go ahead), -EIO (the signal is ignored for reads / the group
 * is orphaned) or -ERESTARTSYS after sending the signal to the caller's
 * group.
 */
int tty_check_background(struct tty *tty, int signal);
/* True when the running process has this tty as controlling terminal. */
bool tty_is_callers_controlling(const struct tty *tty);
/* The session leader gives the terminal up: SIGHUP and SIGCONT to the foreground, no session. */
void tty_disassociate(struct tty *tty);

/* ioctl(2) of any of the tty's descriptions (tty_ioctl.c). */
long tty_ioctl(struct tty *tty, struct chardev_file *handle, unsigned command, uintptr_t argument);

#endif
