/*
 * pci.c — PCI configuration space through configuration mechanism #1
 * (address port 0xcf8, data port 0xcfc), enumeration of bus 0 and the
 * buses behind PCI-to-PCI bridges, and the I/O BAR and command register
 * helpers the virtio-pci transport needs. The firmware (SeaBIOS) has
 * already assigned BARs and routed INTx lines; nothing is reassigned here.
 */
#include "x86.h"

enum {
    CONFIG_ADDRESS = 0xcf8,
    CONFIG_DATA = 0xcfc,
    CONFIG_ENABLE = 0x80000000u,
    BUS_COUNT = 256,
    DEVICE_COUNT = 32,
    FUNCTION_COUNT = 8,
    VENDOR_NONE = 0xffff,
    /* configuration space offsets */
    OFFSET_VENDOR = 0x00,
    OFFSET_DEVICE = 0x02,
    OFFSET_COMMAND = 0x04,
    OFFSET_SUBCLASS = 0x0a,
    OFFSET_CLASS = 0x0b,
    OFFSET_HEADER_TYPE = 0x0e,
    OFFSET_BAR0 = 0x10,
    OFFSET_SECONDARY_BUS = 0x19,
    OFFSET_SUBSYSTEM_ID = 0x2e,
    OFFSET_INTERRUPT_LINE = 0x3c,
    OFFSET_INTERRUPT_PIN = 0x3d,
    HEADER_TYPE_MASK = 0x7f,
    HEADER_MULTIFUNCTION = 0x80,
    HEADER_TYPE_BRIDGE = 0x01,
    CLASS_BRIDGE = 0x06,
    SUBCLASS_PCI_BRIDGE = 0x04,
    COMMAND_IO_SPACE = 1u << 0,
    COMMAND_MEMORY_SPACE = 1u << 1,
    COMMAND_BUS_MASTER = 1u << 2,
    BAR_IO_SPACE = 1u << 0,
    BAR_LIMIT = 6,
};

/* Select the aligned long at offset of bus:device.function; the caller holds interrupts off. */
static void select_register(uint8_t bus, uint8_t device, uint8_t function, uint8_t offset)
{
    port_write_long(CONFIG_ADDRESS, CONFIG_ENABLE | (uint32_t)bus << 16 |
                                        (uint32_t)(device & 31) << 11 |
                                        (uint32_t)(function & 7) << 8 | (offset & 0xfc));
}

/* The long at offset (rounded down to 4). Any context. */
uint32_t pci_config_read_long(uint8_t bus, uint8_t device, uint8_t function, uint8_t offset)
{
    irq_flags_t flags = platform_irq_save();
    select_register(bus, device, function, offset);
    uint32_t value = port_read_long(CONFIG_DATA);
    platform_irq_restore(flags);
    return value;
}

/* The word at offset (rounded down to 2). Any context. */
uint16_t pci_config_read_word(uint8_t bus, uint8_t device, uint8_t function, uint8_t offset)
{
    irq_flags_t flags = platform_irq_save();
    select_register(bus, device, function, offset);
    uint16_t value = port_read_word((uint16_t)(CONFIG_DATA + (offset & 2)));
    platform_irq_restore(flags);
    return value;
}

/* The byte at offset. Any context. */
uint8_t pci_config_read_byte(uint8_t bus, uint8_t device, uint8_t function, uint8_t offset)
{
    irq_flags_t flags = platform_irq_save();
    select_register(bus, device, function, offset);
    uint8_t value = port_read_byte((uint16_t)(CONFIG_DATA + (offset & 3)));
    platform_irq_restore(flags);
    return value;
}

/* Write the long at offset (rounded down to 4). Any context. */
void pci_config_write_long(uint8_t bus, uint8_t device, uint8_t function, uint8_t offset,
                           uint32_t value)
{
    irq_flags_t flags = platform_irq_save();
    select_register(bus, device, function, offset);
    port_write_long(CONFIG_DATA, value);
    platform_irq_restore(flags);
}

/* Write the word at offset (rounded down to 2). Any context. */
void pci_config_write_word(uint8_t bus, uint8_t device, uint8_t function, uint8_t offset,
                           uint16_t value)
{
    irq_flags_t flags = platform_irq_save();
    select_register(bus, device, function, offset);
    port_write_word((uint16_t)(CONFIG_DATA + (offset & 2)), value);
    platform_irq_restore(flags);
}

/* Buses already scanned (a bridge loop cannot recurse forever). */
static uint8_t scanned_buses[BUS_COUNT / 8];

static void scan_bus(uint8_t bus, void (*found)(const struct pci_function *function));

/*
 * Describe bus:device.function (present: its vendor is not 0xffff), report
 * it, and scan the secondary bus of a PCI-to-PCI bridge.
 */
static void scan_function(uint8_t bus, uint8_t device, uint8_t function,
                          void (*found)(const struct pci_function *function))
{
    uint8_t header_type = pci_config_read_byte(bus, device, function, OFFSET_HEADER_TYPE) &
                          HEADER_TYPE_MASK;
    struct pci_function description = {
        .bus = bus,
        .device = device,
        .function = function,
        .vendor_id = pci_config_read_word(bus, device, function, OFFSET_VENDOR),
        .device_id = pci_config_read_word(bus, device, function, OFFSET_DEVICE),
        .class_code = pci_config_read_byte(bus, device, function, OFFSET_CLASS),
        .subclass = pci_config_read_byte(bus, device, function, OFFSET_SUBCLASS),
        .interrupt_line = 0xff,
    };
    if (header_type == 0) {
        description.subsystem_id =
            pci_config_read_word(bus, device, function, OFFSET_SUBSYSTEM_ID);
        if (pci_config_read_byte(bus, device, function, OFFSET_INTERRUPT_PIN) != 0)
            description.interrupt_line =
                pci_config_read_byte(bus, device, function, OFFSET_INTERRUPT_LINE);
    }
    found(&description);
    if (header_type == HEADER_TYPE_BRIDGE && description.class_code == CLASS_BRIDGE &&
        description.subclass == SUBCLASS_PCI_BRIDGE) {
        uint8_t secondary = pci_config_read_byte(bus, device, function, OFFSET_SECONDARY_BUS);
        if (secondary != 0)
            scan_bus(secondary, found);
    }
}

/* Report every function on bus (once per bus). */
static void scan_bus(uint8_t bus, void (*found)(const struct pci_function *function))
{
    if (scanned_buses[bus / 8] & (1u << (bus % 8)))
        return;
    scanned_buses[bus / 8] |= (uint8_t)(1u << (bus % 8));
    for (uint8_t device = 0; device < DEVICE_COUNT; device++) {
        if (pci_config_read_word(bus, device, 0, OFFSET_VENDOR) == VENDOR_NONE)
            continue;
        uint8_t functions =
            (pci_config_read_byte(bus, device, 0, OFFSET_HEADER_TYPE) & HEADER_MULTIFUNCTION)
                ? FUNCTION_COUNT
                : 1;
        for (uint8_t function = 0; function < functions; function++)
            if (pci_config_read_word(bus, device, function, OFFSET_VENDOR) != VENDOR_NONE)
                scan_function(bus, device, function, found);
    }
}

/* See x86.h. Boot only. */
void pci_enumerate(void (*found)(const struct pci_function *function))
{
    for (size_t index = 0; index < sizeof scanned_buses; index++)
        scanned_buses[index] = 0;
    scan_bus(0, found);
}

/*
 * See x86.h. Sizes the BAR the standard way (all ones written, decoding
 * off meanwhile, everything restored). Boot only.
 */
bool pci_io_bar(const struct pci_function *function, unsigned index, uint16_t *base,
                uint16_t *size)
{
    if (index >= BAR_LIMIT)
        return false;
    uint8_t offset = (uint8_t)(OFFSET_BAR0 + 4 * index);
    uint8_t bus = function->bus, device = function->device, number = function->function;
    uint32_t original = pci_config_read_long(bus, device, number, offset);
    if (!(original & BAR_IO_SPACE) || (original & 0xfffc) == 0)
        return false;
    uint16_t command = pci_config_read_word(bus, device, number, OFFSET_COMMAND);
    pci_config_write_word(bus, device, number, OFFSET_COMMAND,
                          command & (uint16_t)~(COMMAND_IO_SPACE | COMMAND_MEMORY_SPACE));
    pci_config_write_long(bus, device, number, offset, 0xffffffffu);
    uint32_t probe = pci_config_read_long(bus, device, number, offset);
    pci_config_write_long(bus, device, number, offset, original);
    pci_config_write_word(bus, device, number, OFFSET_COMMAND, command);
    uint16_t mask = (uint16_t)(probe & 0xfffc);
    if (mask == 0)
        return false;
    *base = (uint16_t)(original & 0xfffc);
    *size = (uint16_t)(~mask + 1);
    return true;
}

/* See x86.h. */
void pci_enable_io_and_bus_master(const struct pci_function *function)
{
    uint16_t command =
        pci_config_read_word(function->bus, function->device, function->function, OFFSET_COMMAND);
    pci_config_write_word(function->bus, function->device, function->function, OFFSET_COMMAND,
                          command | COMMAND_IO_SPACE | COMMAND_BUS_MASTER);
}
