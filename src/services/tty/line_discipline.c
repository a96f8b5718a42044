/*
 * line_discipline.c — Linux's n_tty for the console tty: input flags
 * (ISTRIP, INLCR, IGNCR, ICRNL, IXON), signal characters (ISIG), canonical
 * editing (ERASE, KILL, WERASE, LNEXT, REPRINT, EOF, EOL, EOL2) with echo
 * (ECHO, ECHOE, ECHOK, ECHOKE, ECHONL, ECHOCTL), and output processing
 * (OPOST, ONLCR, OCRNL, ONOCR, ONLRET). Character values 0 in c_cc are
 * disabled (_POSIX_VDISABLE).
 */
#include <rk/poll.h>
#include <rk/system.h>
#include <rk/terminal.h>
#include <rk/vfs.h>

#include "tty_internal.h"

#define TTY_OUTPUT_CHUNK 256

/* True when c is the enabled special character at index. */
static bool is_special(const struct tty *tty, unsigned char c, unsigned index)
{
    unsigned char special = tty->termios.c_cc[index];
    return special != 0 && c == special;
}

/* The ring index of the position-th byte (0 = the oldest). */
static size_t ring_index(const struct tty *tty, size_t position)
{
    return (tty->head + position) % TTY_BUFFER_SIZE;
}

/* Advance column over one output byte c as the terminal moves its cursor. */
static void column_advance(struct tty *tty, unsigned char c)
{
    if (c == '\n' || c == '\r')
        tty->column = 0;
    else if (c == '\b')
        tty->column = tty->column > 0 ? tty->column - 1 : 0;
    else if (c == '\t')
        tty->column = (tty->column | 7u) + 1;
    else if (c >= 32 && c != 127)
        tty->column++;
}

/* See tty_internal.h. Output without sleeping; the console write is polled. */
void tty_output(struct tty *tty, const unsigned char *bytes, size_t length)
{
    const struct tty_termios *termios = &tty->termios;
    unsigned char out[TTY_OUTPUT_CHUNK + 2];
    size_t used = 0;
    for (size_t i = 0; i < length; i++) {
        unsigned char c = bytes[i];
        if (termios->c_oflag & OPOST) {
            if (c == '\n') {
                if (termios->c_oflag & ONLCR)
                    out[used++] = '\r';
                if (termios->c_oflag & (ONLCR | ONLRET))
                    tty->column = 0;   /* else the cursor only moves down */
            } else if (c == '\r') {
                if ((termios->c_oflag & ONOCR) && tty->column == 0)
                    continue;
                if (termios->c_oflag & OCRNL) {
                    c = '\n';
                    if (termios->c_oflag & ONLRET)
                        tty->column = 0;
                } else {
                    tty->column = 0;
                }
            } else {
                column_advance(tty, c);
            }
        } else {
            column_advance(tty, c);
        }
        out[used++] = c;
        if (used >= TTY_OUTPUT_CHUNK) {
            system_console_write((const char *)out, used);
            used = 0;
        }
    }
    if (used > 0)
        system_console_write((const char *)out, used);
}

/* Echo one byte as typed: control characters as ^X with ECHOCTL (tab and newline as they are). */
static void echo_char(struct tty *tty, unsigned char c)
{
    if ((tty->termios.c_lflag & ECHOCTL) && (c < 32 || c == 127) && c != '\t' && c != '\n') {
        unsigned char shown[2] = { '^', (unsigned char)(c ^ 0100) };
        tty_output(tty, shown, 2);
    } else {
        tty_output(tty, &c, 1);
    }
}

/* Echo raw bytes (erase sequences), through output processing. */
static void echo_text(struct tty *tty, const char *text, size_t length)
{
    tty_output(tty, (const unsigned char *)text, length);
}

/* Something became readable: wake readers and pollers. */
static void input_ready(struct tty *tty)
{
    wait_queue_wake_all(&tty->readers);
    poll_notify();
}

/*
 * Append c with mark to the ring. Canonical mode keeps one byte free for
 * the line end; a full ring drops the byte. Returns true when stored.
 */
static bool buffer_put(struct tty *tty, unsigned char c, uint8_t mark)
{
    bool canonical = tty->termios.c_lflag & ICANON;
    size_t limit = canonical && mark == 0 ? TTY_BUFFER_SIZE - 1 : TTY_BUFFER_SIZE;
    if (tty->count >= limit)
        return false;
    if (tty->count == tty->readable)
        tty->line_start_column = tty->column;
    size_t index = ring_index(tty, tty->count);
    tty->buffer[index] = c;
    tty->marks[index] = mark;
    tty->count++;
    return true;
}

/* The display width of the edited line's bytes from its start up to (not including) position end. */
static unsigned line_width(const struct tty *tty, size_t end)
{
    unsigned column = tty->line_start_column;
    for (size_t position = tty->readable; position < end; position++) {
        unsigned char c = tty->buffer[ring_index(tty, position)];
        if (c == '\t')
            column = (column | 7u) + 1;
        else if (c < 32 || c == 127)
            column += (tty->termios.c_lflag & ECHOCTL) ? 2 : 0;
        else
            column++;
    }
    return column;
}

/* Rub out the last byte of the edited line on the screen (ECHOE): back over its width. */
static void echo_rub_out(struct tty *tty, unsigned char c)
{
    if (c == '\t') {
        unsigned before = line_width(tty, tty->count);   /* the byte is already removed */
        unsigned after_tab = tty->column;
        for (unsigned i = before; i < after_tab; i++)
            echo_text(tty, "\b", 1);
        return;
    }
    unsigned width = (c < 32 || c == 127) ? ((tty->termios.c_lflag & ECHOCTL) ? 2 : 0) : 1;
    for (unsigned i = 0; i < width; i++)
        echo_text(tty, "\b \b", 3);
}

enum erase_kind { ERASE_CHARACTER, ERASE_WORD, ERASE_LINE };

/* True for the bytes of a word for WERASE (Linux: alphanumerics and '_'). */
static bool word_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/* ERASE, WERASE or KILL (c is the character typed) on the line being edited, with its echo. */
static void erase(struct tty *tty, unsigned char c, enum erase_kind kind)
{
    const struct tty_termios *termios = &tty->termios;
    if (tty->count == tty->readable)
        return;
    bool echo = termios->c_lflag & ECHO;
    if (kind == ERASE_LINE) {
        if (!echo) {
            tty->count = tty->readable;
            return;
        }
        if (!(termios->c_lflag & ECHOK) || !(termios->c_lflag & ECHOKE) ||
            !(termios->c_lflag & ECHOE)) {
            tty->count = tty->readable;
            echo_char(tty, c);
            if (termios->c_lflag & ECHOK)
                echo_text(tty, "\n", 1);
            return;
        }
    }
    bool seen_word = false;
    while (tty->count > tty->readable) {
        unsigned char last = tty->buffer[ring_index(tty, tty->count - 1)];
        if (kind == ERASE_WORD) {
            if (word_byte(last))
                seen_word = true;
            else if (seen_word)
                break;
        }
        tty->count--;
        if (echo) {
            if (termios->c_lflag & ECHOE)
                echo_rub_out(tty, last);
            else if (kind == ERASE_CHARACTER)
                echo_char(tty, c);
        }
        if (kind == ERASE_CHARACTER)
            break;
    }
}

/* REPRINT: the line being edited again on a new line. */
static void reprint(struct tty *tty, unsigned char c)
{
    echo_char(tty, c);
    echo_text(tty, "\n", 1);
    size_t start = tty->readable;
    tty->line_start_column = tty->column;
    for (size_t position = start; position < tty->count; position++)
        echo_char(tty, tty->buffer[ring_index(tty, position)]);
}

/* See tty_internal.h. */
void tty_flush_input(struct tty *tty)
{
    tty->head = 0;
    tty->count = 0;
    tty->readable = 0;
    tty->literal_next = false;
    poll_notify();
}

/* ISIG: signal the foreground group, flush unless NOFLSH, restart output, echo the character. */
static void signal_character(struct tty *tty, unsigned char c, int signal)
{
    if (!(tty->termios.c_lflag & NOFLSH))
        tty_flush_input(tty);
    if (tty->foreground_group > 0)
        (void)terminal_signal_process_group(tty->foreground_group, signal);
    if (tty->termios.c_iflag & IXON) {
        tty->output_stopped = false;
        wait_queue_wake_all(&tty->writers);
    }
    if (tty->termios.c_lflag & ECHO)
        echo_char(tty, c);
}

/* A complete canonical line (or EOF) ends at the byte just stored. */
static void commit_line(struct tty *tty)
{
    tty->readable = tty->count;
    input_ready(tty);
}

/* One byte of canonical input after the input flags and signal characters. */
static void receive_canonical(struct tty *tty, unsigned char c)
{
    const struct tty_termios *termios = &tty->termios;
    bool echo = termios->c_lflag & ECHO;
    bool extended = termios->c_lflag & IEXTEN;
    if (is_special(tty, c, VERASE)) {
        erase(tty, c, ERASE_CHARACTER);
        return;
    }
    if (is_special(tty, c, VKILL)) {
        erase(tty, c, ERASE_LINE);
        return;
    }
    if (extended && is_special(tty, c, VWERASE)) {
        erase(tty, c, ERASE_WORD);
        return;
    }
    if (extended && is_special(tty, c, VLNEXT)) {
        tty->literal_next = true;
        if (echo && (termios->c_lflag & ECHOCTL))
            echo_text(tty, "^\b", 2);
        return;
    }
    if (extended && echo && is_special(tty, c, VREPRINT)) {
        reprint(tty, c);
        return;
    }
    if (c == '\n') {
        if (echo || (termios->c_lflag & ECHONL))
            echo_text(tty, "\n", 1);
        if (buffer_put(tty, c, TTY_MARK_LINE_END))
            commit_line(tty);
        return;
    }
    if (is_special(tty, c, VEOF)) {
        if (buffer_put(tty, c, TTY_MARK_END_OF_FILE))
            commit_line(tty);
        return;
    }
    if (is_special(tty, c, VEOL) || (extended && is_special(tty, c, VEOL2))) {
        if (echo)
            echo_char(tty, c);
        if (buffer_put(tty, c, TTY_MARK_LINE_END))
            commit_line(tty);
        return;
    }
    if (buffer_put(tty, c, 0) && echo)
        echo_char(tty, c);
}

/* One byte of input: see tty_receive. */
static void receive_byte(struct tty *tty, unsigned char c)
{
    const struct tty_termios *termios = &tty->termios;
    bool canonical = termios->c_lflag & ICANON;
    if (termios->c_iflag & ISTRIP)
        c &= 0x7f;
    if (tty->literal_next) {
        tty->literal_next = false;
        if (tty->count > tty->readable || canonical) {
            if (buffer_put(tty, c, 0) && (termios->c_lflag & ECHO)) {
                echo_text(tty, "\b", 1);
                echo_char(tty, c);
            }
            return;
        }
    }
    if (termios->c_iflag & IXON) {
        if (is_special(tty, c, VSTART)) {
            tty->output_stopped = false;
            wait_queue_wake_all(&tty->writers);
            poll_notify();
            return;
        }
        if (is_special(tty, c, VSTOP)) {
            tty->output_stopped = true;
            return;
        }
        if (tty->output_stopped && (termios->c_iflag & IXANY)) {
            tty->output_stopped = false;
            wait_queue_wake_all(&tty->writers);
        }
    }
    if (termios->c_lflag & ISIG) {
        if (is_special(tty, c, VINTR)) {
            signal_character(tty, c, SIGINT);
            return;
        }
        if (is_special(tty, c, VQUIT)) {
            signal_character(tty, c, SIGQUIT);
            return;
        }
        if (is_special(tty, c, VSUSP)) {
            signal_character(tty, c, SIGTSTP);
            return;
        }
    }
    if (c == '\r') {
        if (termios->c_iflag & IGNCR)
            return;
        if (termios->c_iflag & ICRNL)
            c = '\n';
    } else if (c == '\n' && (termios->c_iflag & INLCR)) {
        c = '\r';
    }
    if (canonical) {
        receive_canonical(tty, c);
        return;
    }
    if (!buffer_put(tty, c, 0))
        return;
    if (termios->c_lflag & ECHO)
        echo_char(tty, c);
    else if (c == '\n' && (termios->c_lflag & ECHONL))
        echo_text(tty, "\n", 1);
    tty->readable = tty->count;
    input_ready(tty);
}

/* See tty_internal.h. */
void tty_receive(struct tty *tty, const unsigned char *bytes, size_t length)
{
    for (size_t i = 0; i < length; i++)
        receive_byte(tty, bytes[i]);
}

/* See tty_internal.h. */
void tty_receive_pending_console_input(struct tty *tty)
{
    unsigned char bytes[64];
    size_t length;
    while ((length = system_console_read((char *)bytes, sizeof bytes, false)) > 0)
        tty_receive(tty, bytes, length);
}

/* See tty_internal.h. */
bool tty_input_available(const struct tty *tty, bool min_one)
{
    if (tty->termios.c_lflag & ICANON)
        return tty->readable > 0;
    /* poll uses VMIN when VTIME is 0 (Linux's input_available_p); a read wants a byte. */
    bool one = min_one || tty->termios.c_cc[VMIN] == 0 || tty->termios.c_cc[VTIME] != 0;
    size_t wanted = one ? 1 : tty->termios.c_cc[VMIN];
    return tty->readable >= wanted;
}

/* See tty_internal.h. */
size_t tty_input_ready_count(const struct tty *tty)
{
    if (!(tty->termios.c_lflag & ICANON))
        return tty->readable;
    size_t count = 0;
    for (size_t position = 0; position < tty->readable; position++)
        if (!(tty->marks[ring_index(tty, position)] & TTY_MARK_END_OF_FILE))
            count++;
    return count;
}

/* Drop the oldest byte. */
static void consume_one(struct tty *tty)
{
    tty->head = (tty->head + 1) % TTY_BUFFER_SIZE;
    tty->count--;
    tty->readable--;
    if (tty->count == 0)
        tty->head = 0;
}

/* See tty_internal.h. */
size_t tty_take_input(struct tty *tty, struct io_cursor *cursor, size_t limit, bool *end_of_file,
                      int *error)
{
    bool canonical = tty->termios.c_lflag & ICANON;
    size_t copied = 0;
    *end_of_file = false;
    *error = 0;
    while (tty->readable > 0 && copied < limit) {
        size_t index = tty->head;
        uint8_t mark = tty->marks[index];
        if (canonical && (mark & TTY_MARK_END_OF_FILE)) {
            if (copied == 0) {
                consume_one(tty);
                *end_of_file = true;
            }
            break;   /* an EOF after some bytes ends this read; the next one sees it */
        }
        int copy_error = io_copy_out(cursor, &tty->buffer[index], 1);
        if (copy_error < 0) {
            *error = copy_error;
            break;
        }
        consume_one(tty);
        copied++;
        if (canonical && (mark & TTY_MARK_LINE_END))
            break;
    }
    if (copied > 0 || *end_of_file)
        poll_notify();
    return copied;
}

/* See tty_internal.h. */
void tty_termios_changed(struct tty *tty, const struct tty_termios *old)
{
    bool was_canonical = old->c_lflag & ICANON;
    bool canonical = tty->termios.c_lflag & ICANON;
    if (was_canonical && !canonical) {
        tty->readable = tty->count;
        tty->literal_next = false;
        if (tty->count > 0)
            input_ready(tty);
    } else if (!was_canonical && canonical) {
        /* Linux: what was typed raw is one line being edited; complete lines stay readable. */
        size_t lines = 0;
        for (size_t position = 0; position < tty->count; position++)
            if (tty->marks[ring_index(tty, position)])
                lines = position + 1;
        tty->readable = lines;
        tty->line_start_column = tty->column;
    }
    if ((old->c_iflag & IXON) && !(tty->termios.c_iflag & IXON)) {
        tty->output_stopped = false;
        wait_queue_wake_all(&tty->writers);
    }
    poll_notify();
}
