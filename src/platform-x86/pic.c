/*
 * pic.c — the two 8259A interrupt controllers, remapped to vectors 32..47.
 * Only IRQ0 (PIT) and IRQ4 (COM1) are unmasked.
 */
#include "x86.h"

enum {
    MASTER_COMMAND = 0x20,
    MASTER_DATA = 0x21,
    SLAVE_COMMAND = 0xa0,
    SLAVE_DATA = 0xa1,
    ICW1_INITIALIZE_WITH_ICW4 = 0x11,
    ICW4_8086_MODE = 0x01,
    OCW3_READ_IN_SERVICE = 0x0b,
    END_OF_INTERRUPT = 0x20,
    SLAVE_CASCADE_IRQ = 2,
};

/* A short delay between 8259 programming steps (a write to the POST port). */
static void io_delay(void)
{
    port_write_byte(0x80, 0);
}

/* Remap both controllers to IRQ_VECTOR_BASE and mask all but the timer and COM1. Boot only. */
void pic_initialize(void)
{
    port_write_byte(MASTER_COMMAND, ICW1_INITIALIZE_WITH_ICW4);
    io_delay();
    port_write_byte(SLAVE_COMMAND, ICW1_INITIALIZE_WITH_ICW4);
    io_delay();
    port_write_byte(MASTER_DATA, IRQ_VECTOR_BASE);
    io_delay();
    port_write_byte(SLAVE_DATA, IRQ_VECTOR_BASE + 8);
    io_delay();
    port_write_byte(MASTER_DATA, 1u << SLAVE_CASCADE_IRQ); /* slave on IRQ2 */
    io_delay();
    port_write_byte(SLAVE_DATA, SLAVE_CASCADE_IRQ);        /* its cascade identity */
    io_delay();
    port_write_byte(MASTER_DATA, ICW4_8086_MODE);
    io_delay();
    port_write_byte(SLAVE_DATA, ICW4_8086_MODE);
    io_delay();
    port_write_byte(MASTER_DATA, (uint8_t)~((1u << IRQ_TIMER) | (1u << IRQ_SERIAL)));
    port_write_byte(SLAVE_DATA, 0xff);
}

/* In-service register of the controller at command_port. */
static uint8_t read_in_service(uint16_t command_port)
{
    port_write_byte(command_port, OCW3_READ_IN_SERVICE);
    return port_read_byte(command_port);
}

/*
 * Acknowledge irq: false for a spurious IRQ7/IRQ15 (not in service; only
 * the master gets an EOI for a spurious IRQ15), else send the EOI(s) and
 * return true. Interrupt context.
 */
bool pic_acknowledge(unsigned irq)
{
    if (irq == 7 && !(read_in_service(MASTER_COMMAND) & 0x80))
        return false;
    if (irq == 15 && !(read_in_service(SLAVE_COMMAND) & 0x80)) {
        port_write_byte(MASTER_COMMAND, END_OF_INTERRUPT);
        return false;
    }
    if (irq >= 8)
        port_write_byte(SLAVE_COMMAND, END_OF_INTERRUPT);
    port_write_byte(MASTER_COMMAND, END_OF_INTERRUPT);
    return true;
}
