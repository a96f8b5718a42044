/*
 * virtio_pci.c — the platform's virtio transport (rk/platform.h) on x86_64:
 * legacy virtio-pci (virtio 1.0, 4.1.4.8 "Legacy Interfaces: A Note on PCI
 * Device Layout"). Each device's registers are BAR0's I/O ports; MSI-X is
 * never enabled, so the device config starts at offset 20. Interrupts are
 * the INTx line the firmware routed (config 0x3c) through the 8259 pair,
 * level-triggered and possibly shared: reading a device's ISR register
 * acknowledges it (and lowers its line), so the interrupt path reads the
 * ISR of every device on the line before the end-of-interrupt and calls
 * the handler of each device whose ISR was set.
 *
 * Transitional devices (ids 0x1000..0x103f) are driven; modern-only ones
 * (0x1040 and up) have no legacy interface and are skipped with a line.
 */
#include <rk/errno.h>

#include "x86.h"

enum {
    VIRTIO_VENDOR = 0x1af4,
    TRANSITIONAL_FIRST = 0x1000,
    TRANSITIONAL_LAST = 0x103f,
    MODERN_FIRST = 0x1040,
    MODERN_LAST = 0x107f,
    DEVICE_LIMIT = 16,
    /* legacy register block (BAR0, I/O space) */
    REGISTER_DEVICE_FEATURES = 0,  /* 32 bits, read-only */
    REGISTER_DRIVER_FEATURES = 4,  /* 32 bits */
    REGISTER_QUEUE_PFN = 8,        /* 32 bits: ring physical address >> 12 */
    REGISTER_QUEUE_SIZE = 12,      /* 16 bits, read-only */
    REGISTER_QUEUE_SELECT = 14,    /* 16 bits */
    REGISTER_QUEUE_NOTIFY = 16,    /* 16 bits */
    REGISTER_STATUS = 18,          /* 8 bits; 0 resets */
    REGISTER_ISR = 19,             /* 8 bits; reading acknowledges */
    REGISTER_CONFIG = 20,          /* device config (no MSI-X) */
    QUEUE_PFN_SHIFT = 12,
    QUEUE_SELECT_LIMIT = 0x10000,
    /* consecutive interrupts on a line that no device claims before it is masked */
    UNCLAIMED_LIMIT = 100000,
};

/* One legacy virtio-pci device; lives as long as the kernel. */
struct platform_virtio_device {
    struct pci_function pci;
    uint16_t io_base;
    uint16_t io_size;                     /* bytes of BAR0 */
    uint8_t irq;                          /* 0xff: no usable INTx line */
    uint32_t type;                        /* VIRTIO_DEVICE_* */
    platform_virtio_interrupt_fn handler; /* NULL: interrupts acknowledged only */
    void *argument;
};

static struct platform_virtio_device devices[DEVICE_LIMIT];
static size_t device_count;
/* Interrupts in a row on each line that no device's ISR explained. */
static unsigned unclaimed_interrupts[IRQ_COUNT];

/* The name of a virtio device type for the boot log, NULL when unknown. */
static const char *type_name(uint32_t type)
{
    switch (type) {
    case 1: return "network";
    case 2: return "block";
    case 3: return "console";
    case 4: return "entropy";
    case 5: return "balloon";
    case 8: return "scsi";
    case 9: return "9p";
    default: return NULL;
    }
}

/* The device type of a transitional device id without a subsystem id (spec 4.1.2.3). */
static uint32_t transitional_type(uint16_t device_id)
{
    static const uint8_t types[] = {1, 2, 5, 3, 8, 4, 0, 0, 0, 9};
    unsigned index = device_id - TRANSITIONAL_FIRST;
    return index < sizeof types ? types[index] : 0;
}

/* Write value as exactly digits lowercase hexadecimal digits, no prefix. */
static void print_hex_digits(uint32_t value, unsigned digits)
{
    char text[9];
    for (unsigned index = 0; index < digits && index < 8; index++)
        text[index] = "0123456789abcdef"[(value >> (4 * (digits - 1 - index))) & 0xf];
    text[digits < 8 ? digits : 8] = '\0';
    console_print(text);
}

/* Write "virtio: 0000:BB:DD.F " for function. */
static void print_prefix(const struct pci_function *function)
{
    console_print("virtio: 0000:");
    print_hex_digits(function->bus, 2);
    console_print(":");
    print_hex_digits(function->device, 2);
    console_print(".");
    print_hex_digits(function->function, 1);
    console_print(" ");
}

/* Remember a transitional device, enable it, reset it and log it. Boot only. */
static void add_device(const struct pci_function *function)
{
    uint16_t io_base, io_size;
    if (!pci_io_bar(function, 0, &io_base, &io_size) || io_size < REGISTER_CONFIG) {
        print_prefix(function);
        console_print("has no legacy I/O BAR0, skipped\n");
        return;
    }
    if (device_count == DEVICE_LIMIT) {
        print_prefix(function);
        console_print("skipped: too many virtio devices\n");
        return;
    }
    struct platform_virtio_device *device = &devices[device_count++];
    device->pci = *function;
    device->io_base = io_base;
    device->io_size = io_size;
    device->type = function->subsystem_id != 0 ? function->subsystem_id
                                                : transitional_type(function->device_id);
    uint8_t line = function->interrupt_line;
    device->irq = (line < IRQ_COUNT && line != IRQ_TIMER && line != 2) ? line : 0xff;
    pci_enable_io_and_bus_master(function);
    port_write_byte((uint16_t)(io_base + REGISTER_STATUS), 0); /* reset */
    bool made_level = device->irq != 0xff && pic_set_level_triggered(device->irq);

    print_prefix(function);
    if (type_name(device->type)) {
        console_print(type_name(device->type));
    } else {
        console_print("type ");
        console_print_decimal(device->type);
    }
    if (device->irq != 0xff) {
        console_print(", irq ");
        console_print_decimal(device->irq);
        console_print(made_level ? " (set level-triggered)" : "");
    } else {
        console_print(", no irq");
    }
    console_print(", io ");
    console_print_hex(io_base, 4);
    console_print("-");
    console_print_hex((uint32_t)io_base + io_size - 1, 4);
    console_print(", features ");
    console_print_hex(port_read_long((uint16_t)(io_base + REGISTER_DEVICE_FEATURES)), 8);
    console_print("\n");
}

/* pci_enumerate callback: keep the virtio devices with a legacy interface. */
static void found_function(const struct pci_function *function)
{
    if (function->vendor_id != VIRTIO_VENDOR)
        return;
    if (function->device_id >= TRANSITIONAL_FIRST && function->device_id <= TRANSITIONAL_LAST) {
        add_device(function);
    } else if (function->device_id >= MODERN_FIRST && function->device_id <= MODERN_LAST) {
        print_prefix(function);
        console_print("modern-only device ");
        console_print_hex(function->device_id, 4);
        console_print(" has no legacy interface, skipped\n");
    }
}

/* See x86.h. Boot, interrupts off, after pic_initialize(). */
void virtio_pci_initialize(void)
{
    pci_enumerate(found_function);
}

/* See x86.h. Interrupt context, interrupts off, before the end-of-interrupt. */
bool virtio_pci_handle_interrupt(unsigned irq)
{
    bool claimed = false;
    for (size_t index = 0; index < device_count; index++) {
        struct platform_virtio_device *device = &devices[index];
        if (device->irq != irq)
            continue;
        uint8_t status = port_read_byte((uint16_t)(device->io_base + REGISTER_ISR));
        if (status == 0)
            continue;
        claimed = true;
        if (device->handler)
            device->handler(device->argument);
    }
    if (irq < IRQ_COUNT) {
        if (claimed) {
            unclaimed_interrupts[irq] = 0;
        } else if (++unclaimed_interrupts[irq] == UNCLAIMED_LIMIT) {
            pic_mask(irq);
            console_print("virtio: irq ");
            console_print_decimal(irq);
            console_print(" keeps firing for no virtio device: line masked\n");
        }
    }
    return claimed;
}

/* The I/O port of register offset of device. */
static uint16_t register_port(const struct platform_virtio_device *device, unsigned offset)
{
    return (uint16_t)(device->io_base + offset);
}

/* See rk/platform.h. */
size_t platform_virtio_device_count(void)
{
    return device_count;
}

/* See rk/platform.h: NULL past the end. */
struct platform_virtio_device *platform_virtio_device_get(size_t index)
{
    return index < device_count ? &devices[index] : NULL;
}

/* See rk/platform.h. */
uint32_t platform_virtio_device_type(struct platform_virtio_device *device)
{
    return device->type;
}

/* See rk/platform.h. */
uint8_t platform_virtio_get_status(struct platform_virtio_device *device)
{
    return port_read_byte(register_port(device, REGISTER_STATUS));
}

/*
 * See rk/platform.h. Writing 0 resets the device: its queue addresses,
 * features and ISR are cleared (the device lowers its line).
 */
void platform_virtio_set_status(struct platform_virtio_device *device, uint8_t status)
{
    port_write_byte(register_port(device, REGISTER_STATUS), status);
}

/* See rk/platform.h. */
uint32_t platform_virtio_device_features(struct platform_virtio_device *device)
{
    return port_read_long(register_port(device, REGISTER_DEVICE_FEATURES));
}

/* See rk/platform.h. */
void platform_virtio_driver_features(struct platform_virtio_device *device, uint32_t features)
{
    port_write_long(register_port(device, REGISTER_DRIVER_FEATURES), features);
}

/*
 * See rk/platform.h. Aligned fields are read at their natural width (a
 * legacy device has no config generation, so a 16- or 32-bit field must
 * not be torn); bytes past the end of the I/O BAR read as 0.
 */
void platform_virtio_read_config(struct platform_virtio_device *device, size_t offset,
                                 void *buffer, size_t length)
{
    uint8_t *output = buffer;
    size_t config_size = device->io_size - REGISTER_CONFIG;
    while (length > 0) {
        if (offset >= config_size) {
            *output++ = 0;
            offset++;
            length--;
            continue;
        }
        uint16_t port = register_port(device, (unsigned)(REGISTER_CONFIG + offset));
        size_t available = config_size - offset;
        if (offset % 4 == 0 && length >= 4 && available >= 4) {
            uint32_t value = port_read_long(port);
            for (unsigned index = 0; index < 4; index++)
                output[index] = (uint8_t)(value >> (8 * index));
            output += 4, offset += 4, length -= 4;
        } else if (offset % 2 == 0 && length >= 2 && available >= 2) {
            uint16_t value = port_read_word(port);
            output[0] = (uint8_t)value;
            output[1] = (uint8_t)(value >> 8);
            output += 2, offset += 2, length -= 2;
        } else {
            *output++ = port_read_byte(port);
            offset++, length--;
        }
    }
}

/* See rk/platform.h. The select/read pair runs with interrupts off. */
unsigned platform_virtio_queue_size(struct platform_virtio_device *device, unsigned queue)
{
    if (queue >= QUEUE_SELECT_LIMIT)
        return 0;
    irq_flags_t flags = platform_irq_save();
    port_write_word(register_port(device, REGISTER_QUEUE_SELECT), (uint16_t)queue);
    unsigned size = port_read_word(register_port(device, REGISTER_QUEUE_SIZE));
    platform_irq_restore(flags);
    return size;
}

/*
 * See rk/platform.h. -EINVAL for a queue the device lacks, a ring that is
 * not 4096-aligned, or one whose page number does not fit the legacy
 * register's 32 bits (16 TiB).
 */
int platform_virtio_queue_set(struct platform_virtio_device *device, unsigned queue, paddr_t ring)
{
    if (queue >= QUEUE_SELECT_LIMIT)
        return -EINVAL;
    if (ring % (1u << QUEUE_PFN_SHIFT) != 0 || (ring >> QUEUE_PFN_SHIFT) > 0xffffffffull)
        return -EINVAL;
    irq_flags_t flags = platform_irq_save();
    port_write_word(register_port(device, REGISTER_QUEUE_SELECT), (uint16_t)queue);
    int result = -EINVAL;
    if (port_read_word(register_port(device, REGISTER_QUEUE_SIZE)) != 0) {
        port_write_long(register_port(device, REGISTER_QUEUE_PFN),
                        (uint32_t)(ring >> QUEUE_PFN_SHIFT));
        result = 0;
    }
    platform_irq_restore(flags);
    return result;
}

/* See rk/platform.h. Any context (one port write, no queue select). */
void platform_virtio_queue_notify(struct platform_virtio_device *device, unsigned queue)
{
    port_write_word(register_port(device, REGISTER_QUEUE_NOTIFY), (uint16_t)queue);
}

/* True when another device on device's line has a handler. */
static bool line_has_other_handler(const struct platform_virtio_device *device)
{
    for (size_t index = 0; index < device_count; index++)
        if (&devices[index] != device && devices[index].irq == device->irq &&
            devices[index].handler != NULL)
            return true;
    return false;
}

/*
 * See rk/platform.h. The line is unmasked while some device on it has a
 * handler; a device without an INTx line never calls its handler.
 */
void platform_virtio_set_interrupt(struct platform_virtio_device *device,
                                   platform_virtio_interrupt_fn handler, void *argument)
{
    irq_flags_t flags = platform_irq_save();
    device->handler = handler;
    device->argument = argument;
    if (device->irq != 0xff) {
        if (handler) {
            unclaimed_interrupts[device->irq] = 0;
            pic_unmask(device->irq);
        } else if (!line_has_other_handler(device)) {
            pic_mask(device->irq);
        }
    }
    platform_irq_restore(flags);
}
