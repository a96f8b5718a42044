/*
 * serial.c — the console on the 16550 UART at COM1: polled output at
 * 115200 8N1, input through IRQ4 into a ring buffer that
 * platform_console_read() drains without blocking.
 */
#include "x86.h"

enum {
    COM1 = 0x3f8,
    UART_DATA = 0,             /* receive / transmit holding; divisor low with DLAB */
    UART_INTERRUPT_ENABLE = 1, /* divisor high with DLAB */
    UART_FIFO_CONTROL = 2,
    UART_LINE_CONTROL = 3,
    UART_MODEM_CONTROL = 4,
    UART_LINE_STATUS = 5,
    LINE_STATUS_DATA_READY = 0x01,
    LINE_STATUS_TRANSMIT_EMPTY = 0x20,
    LINE_CONTROL_DIVISOR_LATCH = 0x80,
    LINE_CONTROL_8N1 = 0x03,
    FIFO_ENABLE_CLEAR_TRIGGER_1 = 0x07,
    MODEM_DTR_RTS_OUT2 = 0x0b, /* OUT2 gates the UART interrupt to the PIC */
    INTERRUPT_RECEIVED_DATA = 0x01,
    INPUT_BUFFER_SIZE = 1024,  /* a power of two */
    TRANSMIT_SPIN_LIMIT = 100000,
};

static char input_buffer[INPUT_BUFFER_SIZE];
static size_t input_head; /* next byte to read */
static size_t input_tail; /* next free slot */

/* Program COM1: 115200 baud (divisor 1), 8N1, FIFOs on, interrupts off. Boot only. */
void serial_initialize(void)
{
    port_write_byte(COM1 + UART_INTERRUPT_ENABLE, 0);
    port_write_byte(COM1 + UART_LINE_CONTROL, LINE_CONTROL_DIVISOR_LATCH);
    port_write_byte(COM1 + UART_DATA, 1);
    port_write_byte(COM1 + UART_INTERRUPT_ENABLE, 0);
    port_write_byte(COM1 + UART_LINE_CONTROL, LINE_CONTROL_8N1);
    port_write_byte(COM1 + UART_FIFO_CONTROL, FIFO_ENABLE_CLEAR_TRIGGER_1);
    port_write_byte(COM1 + UART_MODEM_CONTROL, MODEM_DTR_RTS_OUT2);
}

/* Raise IRQ4 on received data. Boot only, after the PIC is set up. */
void serial_enable_receive_interrupt(void)
{
    port_write_byte(COM1 + UART_INTERRUPT_ENABLE, INTERRUPT_RECEIVED_DATA);
}

/* Send one byte, waiting (bounded) for the transmitter. */
static void transmit(char character)
{
    for (unsigned spin = 0; spin < TRANSMIT_SPIN_LIMIT; spin++)
        if (port_read_byte(COM1 + UART_LINE_STATUS) & LINE_STATUS_TRANSMIT_EMPTY)
            break;
    port_write_byte(COM1 + UART_DATA, (uint8_t)character);
}

/* The last byte sent, so a "\r\n" that arrives already translated (the tty's ONLCR) stays as it is. */
static char last_transmitted;

/*
 * Write bytes in order, a bare "\n" as "\r\n" (kernel messages); a "\n"
 * that follows "\r" goes out unchanged. Any context.
 */
void platform_console_write(const char *buffer, size_t length)
{
    for (size_t index = 0; index < length; index++) {
        if (buffer[index] == '\n' && last_transmitted != '\r')
            transmit('\r');
        transmit(buffer[index]);
        last_transmitted = buffer[index];
    }
}

/* Move every byte the UART holds into the ring (oldest kept when full). Interrupts off. */
static size_t drain_receiver(void)
{
    size_t received = 0;
    while (port_read_byte(COM1 + UART_LINE_STATUS) & LINE_STATUS_DATA_READY) {
        char character = (char)port_read_byte(COM1 + UART_DATA);
        if (input_tail - input_head < INPUT_BUFFER_SIZE) {
            input_buffer[input_tail % INPUT_BUFFER_SIZE] = character;
            input_tail++;
        }
        received++;
    }
    return received;
}

/* IRQ4: buffer the new bytes and tell the Core. Interrupt context. */
void serial_handle_interrupt(void)
{
    if (drain_receiver() > 0)
        core_console_input();
}

/* Copy up to length pending input bytes into buffer; 0 when none. Any context. */
size_t platform_console_read(char *buffer, size_t length)
{
    irq_flags_t flags = platform_irq_save();
    drain_receiver();
    size_t count = 0;
    while (count < length && input_head != input_tail) {
        buffer[count++] = input_buffer[input_head % INPUT_BUFFER_SIZE];
        input_head++;
    }
    platform_irq_restore(flags);
    return count;
}
