/*
 * boot_main.c — the C side of boot: read the Multiboot v1 information
 * (command line, memory map, first module = initrd), bring up descriptors,
 * paging, the PIC, the clock, the console and the virtio-pci devices,
 * describe the free RAM in a struct boot_info and call kernel_main().
 */
#include "x86.h"

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002u
#define MULTIBOOT_INFO_MEMORY (1u << 0)
#define MULTIBOOT_INFO_COMMAND_LINE (1u << 2)
#define MULTIBOOT_INFO_MODULES (1u << 3)
#define MULTIBOOT_INFO_MEMORY_MAP (1u << 6)
#define MULTIBOOT_MEMORY_AVAILABLE 1u
#define MULTIBOOT_MEMORY_ACPI_RECLAIMABLE 3u
#define MULTIBOOT_MEMORY_ACPI_NVS 4u
#define LOW_MEMORY_END 0x100000ull

enum {
    COMMAND_LINE_SIZE = 4096,
    RAM_RANGE_LIMIT = 64,
    RESERVED_RANGE_LIMIT = 40,
    WORKING_REGION_LIMIT = 2 * BOOT_MAX_MEMORY_REGIONS,
};

/* The Multiboot v1 information structure, as far as it is used here. */
struct multiboot_info {
    uint32_t flags;
    uint32_t memory_lower_kib;
    uint32_t memory_upper_kib;
    uint32_t boot_device;
    uint32_t command_line;
    uint32_t module_count;
    uint32_t module_address;
    uint32_t symbols[4];
    uint32_t memory_map_length;
    uint32_t memory_map_address;
} __attribute__((packed));

struct multiboot_module {
    uint32_t start;
    uint32_t end;
    uint32_t string;
    uint32_t reserved;
} __attribute__((packed));

/* One memory-map entry; size counts the bytes after itself. */
struct multiboot_memory_map_entry {
    uint32_t size;
    uint64_t base;
    uint64_t length;
    uint32_t type;
} __attribute__((packed));

struct reserved_range {
    paddr_t start;
    paddr_t end;
};

extern char boot_stack_top[];

static char command_line[COMMAND_LINE_SIZE];
static struct boot_info boot_information;
static struct boot_memory_region ram_ranges[RAM_RANGE_LIMIT];   /* all RAM, for the direct map */
static size_t ram_range_count;
static struct boot_memory_region usable_ranges[RAM_RANGE_LIMIT]; /* type "available" */
static size_t usable_range_count;
static struct reserved_range reserved_ranges[RESERVED_RANGE_LIMIT];
static size_t reserved_range_count;
static struct boot_memory_region working_regions[WORKING_REGION_LIMIT];

/* Print a boot failure and stop. */
static _Noreturn void boot_failure(const char *message)
{
    console_print("x86: boot failed: ");
    console_print(message);
    console_print("\n");
    platform_halt();
}

/* Remember physical [start, end) as not free. */
static void reserve(paddr_t start, paddr_t end)
{
    if (end <= start)
        return;
    if (reserved_range_count == RESERVED_RANGE_LIMIT)
        boot_failure("too many reserved ranges");
    reserved_ranges[reserved_range_count++] = (struct reserved_range){start, end};
}

/* strlen() for boot code that must not depend on the Core's library. */
static size_t string_length(const char *text)
{
    size_t length = 0;
    while (text[length] != '\0')
        length++;
    return length;
}

/*
 * Copy the command line into a static buffer without its first word: the
 * loader passes "KERNEL-PATH ARGUMENTS" (GRUB and QEMU both do).
 */
static void collect_command_line(const struct multiboot_info *multiboot)
{
    command_line[0] = '\0';
    if (!(multiboot->flags & MULTIBOOT_INFO_COMMAND_LINE) || multiboot->command_line == 0)
        return;
    const char *text = (const char *)(uintptr_t)multiboot->command_line;
    reserve(multiboot->command_line, multiboot->command_line + string_length(text) + 1);
    while (*text == ' ')
        text++;
    while (*text != ' ' && *text != '\0')
        text++;
    while (*text == ' ')
        text++;
    size_t length = 0;
    while (text[length] != '\0' && length < COMMAND_LINE_SIZE - 1) {
        command_line[length] = text[length];
        length++;
    }
    command_line[length] = '\0';
}

/* Record the RAM ranges from the memory map (or the basic upper-memory size). */
static void collect_memory_map(const struct multiboot_info *multiboot)
{
    if (multiboot->flags & MULTIBOOT_INFO_MEMORY_MAP) {
        uintptr_t cursor = multiboot->memory_map_address;
        uintptr_t end = cursor + multiboot->memory_map_length;
        reserve(cursor, end);
        while (cursor + sizeof(struct multiboot_memory_map_entry) <= end) {
            const struct multiboot_memory_map_entry *entry = (const void *)cursor;
            cursor += entry->size + sizeof(entry->size);
            struct boot_memory_region range = {entry->base, entry->length, entry->type};
            if (entry->length == 0)
                continue;
            if (entry->type == MULTIBOOT_MEMORY_AVAILABLE && usable_range_count < RAM_RANGE_LIMIT)
                usable_ranges[usable_range_count++] = range;
            if ((entry->type == MULTIBOOT_MEMORY_AVAILABLE ||
                 entry->type == MULTIBOOT_MEMORY_ACPI_RECLAIMABLE ||
                 entry->type == MULTIBOOT_MEMORY_ACPI_NVS) &&
                ram_range_count < RAM_RANGE_LIMIT)
                ram_ranges[ram_range_count++] = range;
        }
    } else if (multiboot->flags & MULTIBOOT_INFO_MEMORY) {
        struct boot_memory_region range = {LOW_MEMORY_END,
                                           (uint64_t)multiboot->memory_upper_kib * 1024,
                                           MULTIBOOT_MEMORY_AVAILABLE};
        usable_ranges[usable_range_count++] = range;
        ram_ranges[ram_range_count++] = range;
    }
    if (usable_range_count == 0)
        boot_failure("the loader gave no memory map");
}

/* Record the first module as the initrd and reserve every module and its string. */
static void collect_modules(const struct multiboot_info *multiboot)
{
    if (!(multiboot->flags & MULTIBOOT_INFO_MODULES) || multiboot->module_count == 0)
        return;
    const struct multiboot_module *modules = (const void *)(uintptr_t)multiboot->module_address;
    reserve(multiboot->module_address,
            multiboot->module_address + multiboot->module_count * sizeof(*modules));
    for (uint32_t index = 0; index < multiboot->module_count; index++) {
        reserve(modules[index].start, modules[index].end);
        if (modules[index].string != 0) {
            const char *string = (const char *)(uintptr_t)modules[index].string;
            reserve(modules[index].string, modules[index].string + string_length(string) + 1);
        }
    }
    boot_information.initrd_base = modules[0].start;
    boot_information.initrd_size = modules[0].end - modules[0].start;
}

/* Remove page-rounded-out [start, end) from the working regions (splitting when needed). */
static void subtract_range(size_t *count, paddr_t start, paddr_t end)
{
    start &= ~(paddr_t)(PAGE_SIZE - 1);
    end = (end + PAGE_SIZE - 1) & ~(paddr_t)(PAGE_SIZE - 1);
    size_t original_count = *count;
    for (size_t index = 0; index < original_count; index++) {
        struct boot_memory_region *region = &working_regions[index];
        paddr_t region_end = region->base + region->length;
        if (region->length == 0 || end <= region->base || start >= region_end)
            continue;
        if (start > region->base && end < region_end && *count < WORKING_REGION_LIMIT)
            working_regions[(*count)++] =
                (struct boot_memory_region){end, region_end - end, BOOT_MEMORY_USABLE};
        if (start > region->base) {
            region->length = start - region->base;
        } else if (end < region_end) {
            region->base = end;
            region->length = region_end - end;
        } else {
            region->length = 0;
        }
    }
}

/*
 * Fill boot_information.memory: usable RAM above 1 MiB, mapped, minus
 * everything reserved (the kernel image includes the boot page-table pool;
 * its unused frames are added back by the caller).
 */
static void build_free_regions(void)
{
    size_t count = 0;
    for (size_t index = 0; index < usable_range_count; index++) {
        const struct boot_memory_region *range = &usable_ranges[index];
        boot_information.total_memory_bytes += range->length;
        paddr_t start = range->base < LOW_MEMORY_END ? LOW_MEMORY_END : range->base;
        paddr_t end = range->base + range->length;
        if (end > DIRECT_MAP_LIMIT)
            end = DIRECT_MAP_LIMIT;
        start = (start + PAGE_SIZE - 1) & ~(paddr_t)(PAGE_SIZE - 1);
        end &= ~(paddr_t)(PAGE_SIZE - 1);
        if (start < end && count < WORKING_REGION_LIMIT)
            working_regions[count++] = (struct boot_memory_region){start, end - start,
                                                                   BOOT_MEMORY_USABLE};
    }
    for (size_t index = 0; index < reserved_range_count; index++)
        subtract_range(&count, reserved_ranges[index].start, reserved_ranges[index].end);
    for (size_t index = 0; index < count; index++) {
        if (working_regions[index].length == 0)
            continue;
        if (boot_information.memory_count == BOOT_MAX_MEMORY_REGIONS)
            break;
        boot_information.memory[boot_information.memory_count++] = working_regions[index];
    }
}

/* Print how much RAM the Core gets. */
static void print_memory_summary(void)
{
    uint64_t free_bytes = 0;
    for (size_t index = 0; index < boot_information.memory_count; index++)
        free_bytes += boot_information.memory[index].length;
    console_print("x86: RAM ");
    console_print_decimal(boot_information.total_memory_bytes >> 10);
    console_print(" KiB, free ");
    console_print_decimal(free_bytes >> 10);
    console_print(" KiB in ");
    console_print_decimal(boot_information.memory_count);
    console_print(" regions");
    if (boot_information.initrd_size != 0) {
        console_print(", initrd ");
        console_print_decimal(boot_information.initrd_size);
        console_print(" bytes at ");
        console_print_hex(boot_information.initrd_base, 1);
    }
    console_print("\n");
}

/*
 * Entered from boot.S on the boot stack, interrupts disabled, early page
 * tables (identity 0..4 GiB, so the Multiboot structures are reachable at
 * their physical addresses until paging_initialize()).
 */
_Noreturn void x86_boot_main(uint32_t multiboot_magic, uint32_t multiboot_info_physical)
{
    serial_initialize();
    descriptors_initialize();
    descriptors_set_kernel_stack((uintptr_t)boot_stack_top);
    if (multiboot_magic != MULTIBOOT_BOOTLOADER_MAGIC)
        boot_failure("not started by a Multiboot v1 loader");

    const struct multiboot_info *multiboot =
        (const struct multiboot_info *)(uintptr_t)multiboot_info_physical;
    reserve(multiboot_info_physical, multiboot_info_physical + sizeof(*multiboot));
    reserve(kernel_image_physical(kernel_image_start), kernel_image_physical(kernel_image_end));
    collect_command_line(multiboot);
    collect_memory_map(multiboot);
    collect_modules(multiboot);

    paging_initialize(ram_ranges, ram_range_count);
    build_free_regions();
    struct boot_memory_region unused_pool = paging_enable_core_frames();
    if (unused_pool.length > 0 && boot_information.memory_count < BOOT_MAX_MEMORY_REGIONS)
        boot_information.memory[boot_information.memory_count++] = unused_pool;
    if (boot_information.memory_count == 0)
        boot_failure("no free RAM");

    pic_initialize();
    clock_initialize();
    cpu_initialize();
    serial_enable_receive_interrupt();
    virtio_pci_initialize();

    boot_information.platform_name = "x86_64";
    boot_information.command_line = command_line;
    print_memory_summary();
    kernel_main(&boot_information);
}
