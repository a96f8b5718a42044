/*
 * power.c — ending the machine: QEMU's isa-debug-exit device (port 0xf4),
 * then ACPI power-off, then a halt loop; restarting it through the
 * keyboard controller, then a triple fault.
 */
#include "x86.h"

enum {
    DEBUG_EXIT_PORT = 0xf4,
    ACPI_POWER_OFF_PIIX_PORT = 0x604,  /* QEMU pc (PIIX4 PM) */
    ACPI_POWER_OFF_BOCHS_PORT = 0xb004, /* older QEMU / Bochs, q35 fallback */
    ACPI_SLEEP_ENABLE_S5 = 0x2000,
    HALT_EXIT_STATUS = 70,
    KEYBOARD_CONTROLLER_STATUS_PORT = 0x64,
    KEYBOARD_CONTROLLER_COMMAND_PORT = 0x64,
    KEYBOARD_CONTROLLER_INPUT_FULL = 0x02,
    KEYBOARD_CONTROLLER_PULSE_RESET = 0xfe,
    KEYBOARD_CONTROLLER_WAIT_LIMIT = 100000,
};

/* Stop this CPU for ever. */
static _Noreturn void halt_forever(void)
{
    for (;;)
        __asm__ volatile("cli\n\thlt" : : : "memory");
}

/*
 * End the machine with status: isa-debug-exit makes QEMU exit with
 * (status << 1) | 1; without that device, ACPI S5; else halt. Any context.
 */
_Noreturn void platform_power_off(int status)
{
    platform_irq_disable();
    port_write_long(DEBUG_EXIT_PORT, (uint32_t)status);
    port_write_word(ACPI_POWER_OFF_PIIX_PORT, ACPI_SLEEP_ENABLE_S5);
    port_write_word(ACPI_POWER_OFF_BOCHS_PORT, ACPI_SLEEP_ENABLE_S5);
    halt_forever();
}

/*
 * Stop after a panic: isa-debug-exit with 70 (QEMU exits 141), then halt.
 * No ACPI power-off, so a panic never looks like a clean exit. Any context.
 */
_Noreturn void platform_halt(void)
{
    platform_irq_disable();
    port_write_long(DEBUG_EXIT_PORT, HALT_EXIT_STATUS);
    halt_forever();
}

/*
 * Restart the machine: the keyboard controller's reset line (after waiting
 * a bounded time for its input buffer to drain), then a triple fault (an
 * empty IDT and an exception) if the machine is still running. Any context.
 */
_Noreturn void platform_restart(void)
{
    platform_irq_disable();
    for (unsigned attempt = 0; attempt < KEYBOARD_CONTROLLER_WAIT_LIMIT; attempt++) {
        if ((port_read_byte(KEYBOARD_CONTROLLER_STATUS_PORT) & KEYBOARD_CONTROLLER_INPUT_FULL) == 0)
            break;
    }
    port_write_byte(KEYBOARD_CONTROLLER_COMMAND_PORT, KEYBOARD_CONTROLLER_PULSE_RESET);
    for (unsigned attempt = 0; attempt < KEYBOARD_CONTROLLER_WAIT_LIMIT; attempt++)
        __asm__ volatile("pause");
    struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } empty_table = {0, 0};
    __asm__ volatile("lidt %0\n\tint3" : : "m"(empty_table) : "memory");
    halt_forever();
}
