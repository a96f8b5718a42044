/*
 * pic.c — the two 8259A interrupt controllers, remapped to vectors 32..47.
 * IRQ0 (PIT) and IRQ4 (COM1) are unmasked at boot; device lines (virtio-pci
 * INTx) are unmasked when a handler is set.
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
    ELCR_MASTER = 0x4d0,
    ELCR_SLAVE = 0x4d1,
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
 * False for a spurious IRQ7/IRQ15 (not in service; only the master gets an
 * EOI for a spurious IRQ15), true for a real one, which then needs
 * pic_end_of_interrupt(). Interrupt context.
 */
bool pic_irq_is_real(unsigned irq)
{
    if (irq == 7 && !(read_in_service(MASTER_COMMAND) & 0x80))
        return false;
    if (irq == 15 && !(read_in_service(SLAVE_COMMAND) & 0x80)) {
        port_write_byte(MASTER_COMMAND, END_OF_INTERRUPT);
        return false;
    }
    return true;
}

/* Send the end-of-interrupt(s) for a real irq. Interrupt context. */
void pic_end_of_interrupt(unsigned irq)
{
    if (irq >= 8)
        port_write_byte(SLAVE_COMMAND, END_OF_INTERRUPT);
    port_write_byte(MASTER_COMMAND, END_OF_INTERRUPT);
}

/* Let irq through; a slave line also opens the cascade. Interrupts off. */
void pic_unmask(unsigned irq)
{
    if (irq >= IRQ_COUNT)
        return;
    if (irq >= 8) {
        port_write_byte(SLAVE_DATA, port_read_byte(SLAVE_DATA) & (uint8_t)~(1u << (irq - 8)));
        irq = SLAVE_CASCADE_IRQ;
    }
    port_write_byte(MASTER_DATA, port_read_byte(MASTER_DATA) & (uint8_t)~(1u << irq));
}

/* Block irq (the cascade stays open). Interrupts off. */
void pic_mask(unsigned irq)
{
    if (irq >= IRQ_COUNT)
        return;
    if (irq >= 8)
        port_write_byte(SLAVE_DATA, port_read_byte(SLAVE_DATA) | (uint8_t)(1u << (irq - 8)));
    else
        port_write_byte(MASTER_DATA, port_read_byte(MASTER_DATA) | (uint8_t)(1u << irq));
}

/*
 * Mark irq level-triggered in the PIIX edge/level control registers (ports
 * 0x4d0/0x4d1), as a shared PCI INTx line must be. The timer, keyboard,
 * cascade, RTC and FPU lines (0, 1, 2, 8, 13) stay edge-triggered. Returns
 * true when the bit had to be set (the firmware had not). Boot only.
 */
bool pic_set_level_triggered(unsigned irq)
{
    if (irq >= IRQ_COUNT || irq <= 2 || irq == 8 || irq == 13)
        return false;
    uint16_t port = irq < 8 ? ELCR_MASTER : ELCR_SLAVE;
    uint8_t bit = (uint8_t)(1u << (irq & 7));
    uint8_t value = port_read_byte(port);
    if (value & bit)
        return false;
    port_write_byte(port, value | bit);
    return true;
}
