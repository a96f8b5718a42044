/*
 * paging.c — the kernel's final page tables, built at boot in place of the
 * early ones from boot.S:
 *   - a direct map of every RAM range at DIRECT_MAP_BASE (2 MiB pages, NX);
 *   - the kernel image at KERNEL_VIRTUAL_BASE with 4 KiB pages and W^X
 *     (text RX, rodata R+NX, data/bss RW+NX);
 *   - an empty PDPT for the kernel mapping area (so the kernel half that
 *     user address spaces copy never changes at the top level);
 *   - nothing else: no identity map, so a NULL dereference page-faults.
 * Page-table frames come from a static pool until the Core's allocator is
 * up (paging_enable_core_frames()), then from core_frame_alloc().
 */
#include "x86.h"

enum {
    BOOT_POOL_FRAMES = 64,
    DIRECT_MAP_RANGE_LIMIT = 32,
    TABLE_ENTRIES = 512,
};

#define LARGE_PAGE_SIZE (2ull << 20)
#define KERNEL_TABLE_FLAGS (PTE_PRESENT | PTE_WRITABLE)

struct physical_range {
    paddr_t start;
    paddr_t end;
};

static uint8_t boot_pool[BOOT_POOL_FRAMES][PAGE_SIZE] __attribute__((aligned(4096)));
static size_t boot_pool_used;
static bool core_frames_enabled;
static paddr_t kernel_root;
static struct physical_range direct_map_ranges[DIRECT_MAP_RANGE_LIMIT];
static size_t direct_map_range_count;

/*
 * From now on page-table frames come from core_frame_alloc(). Returns the
 * physical range of the boot-pool frames never used, which the caller hands
 * to the Core as free RAM. Called once, before kernel_main.
 */
struct boot_memory_region paging_enable_core_frames(void)
{
    core_frames_enabled = true;
    paddr_t start = kernel_image_physical(boot_pool[boot_pool_used]);
    paddr_t end = kernel_image_physical(boot_pool[BOOT_POOL_FRAMES]);
    return (struct boot_memory_region){start, end - start, BOOT_MEMORY_USABLE};
}

/* A zeroed frame for a page table, or PADDR_INVALID. Not in the timer interrupt. */
paddr_t paging_frame_alloc(void)
{
    if (core_frames_enabled)
        return core_frame_alloc();
    if (boot_pool_used == BOOT_POOL_FRAMES)
        return PADDR_INVALID;
    uint64_t *table = (uint64_t *)boot_pool[boot_pool_used++];
    for (unsigned index = 0; index < TABLE_ENTRIES; index++)
        table[index] = 0;
    return kernel_image_physical(table);
}

/* Give back a page-table frame; the boot pool's used frames are never reused. */
void paging_frame_free(paddr_t frame)
{
    if (frame >= kernel_image_physical(boot_pool[0]) &&
        frame < kernel_image_physical(boot_pool[boot_pool_used]))
        return;
    core_frame_free(frame);
}

/* Kernel-virtual address of a page-table frame (image for pool frames, else direct map). */
uint64_t *paging_table(paddr_t frame)
{
    if (frame >= kernel_image_physical(kernel_image_start) &&
        frame < kernel_image_physical(kernel_image_end))
        return (uint64_t *)(uintptr_t)(KERNEL_VIRTUAL_BASE + frame);
    return (uint64_t *)(uintptr_t)(DIRECT_MAP_BASE + frame);
}

/* Physical address of the kernel PML4. */
paddr_t paging_kernel_root(void)
{
    return kernel_root;
}

/* Boot failure while building the tables: report and stop. */
static _Noreturn void boot_pool_exhausted(void)
{
    console_print("x86: page-table boot pool exhausted\n");
    platform_halt();
}

/* The table under entry index of table, created (kernel flags) when missing. Boot only. */
static uint64_t *boot_next_table(uint64_t *table, unsigned index)
{
    if (!(table[index] & PTE_PRESENT)) {
        paddr_t frame = paging_frame_alloc();
        if (frame == PADDR_INVALID)
            boot_pool_exhausted();
        table[index] = frame | KERNEL_TABLE_FLAGS;
    }
    return paging_table(table[index] & PTE_ADDRESS_MASK);
}

/* Map one 2 MiB page of the direct map (kept when already mapped). Boot only. */
static void boot_map_large_page(uintptr_t virtual_address, paddr_t physical_address)
{
    uint64_t *root = paging_table(kernel_root);
    uint64_t *pdpt = boot_next_table(root, (virtual_address >> 39) & 511);
    uint64_t *directory = boot_next_table(pdpt, (virtual_address >> 30) & 511);
    uint64_t *entry = &directory[(virtual_address >> 21) & 511];
    if (!(*entry & PTE_PRESENT))
        *entry = physical_address | PTE_PRESENT | PTE_WRITABLE | PTE_LARGE | PTE_MAPPED |
                 PTE_READABLE | PTE_NO_EXECUTE;
}

/* Map one 4 KiB page of the kernel image. Boot only. */
static void boot_map_page(uintptr_t virtual_address, paddr_t physical_address, uint64_t flags)
{
    uint64_t *root = paging_table(kernel_root);
    uint64_t *pdpt = boot_next_table(root, (virtual_address >> 39) & 511);
    uint64_t *directory = boot_next_table(pdpt, (virtual_address >> 30) & 511);
    uint64_t *table = boot_next_table(directory, (virtual_address >> 21) & 511);
    table[(virtual_address >> 12) & 511] = physical_address | flags | PTE_MAPPED | PTE_READABLE;
}

/* Remember [start, end) as direct-mapped, merging with the previous range. */
static void record_direct_map_range(paddr_t start, paddr_t end)
{
    if (direct_map_range_count > 0) {
        struct physical_range *last = &direct_map_ranges[direct_map_range_count - 1];
        if (start <= last->end && end >= last->start) {
            last->start = start < last->start ? start : last->start;
            last->end = end > last->end ? end : last->end;
            return;
        }
    }
    if (direct_map_range_count < DIRECT_MAP_RANGE_LIMIT)
        direct_map_ranges[direct_map_range_count++] = (struct physical_range){start, end};
}

/* Page flags of the kernel-image page at virtual_address (W^X by section). */
static uint64_t kernel_page_flags(uintptr_t virtual_address)
{
    if (virtual_address < (uintptr_t)kernel_text_end)
        return PTE_PRESENT;
    if (virtual_address < (uintptr_t)kernel_rodata_end)
        return PTE_PRESENT | PTE_NO_EXECUTE;
    return PTE_PRESENT | PTE_WRITABLE | PTE_NO_EXECUTE;
}

/*
 * Build the final kernel page tables for the given RAM ranges (any order,
 * unaligned allowed; rounded out to 2 MiB; capped at DIRECT_MAP_LIMIT)
 * and switch to them. Boot only, interrupts disabled.
 */
void paging_initialize(const struct boot_memory_region *ram, size_t ram_count)
{
    kernel_root = paging_frame_alloc();
    if (kernel_root == PADDR_INVALID)
        boot_pool_exhausted();

    for (size_t index = 0; index < ram_count; index++) {
        paddr_t start = ram[index].base & ~(LARGE_PAGE_SIZE - 1);
        paddr_t end = (ram[index].base + ram[index].length + LARGE_PAGE_SIZE - 1) &
                      ~(LARGE_PAGE_SIZE - 1);
        if (end > DIRECT_MAP_LIMIT)
            end = DIRECT_MAP_LIMIT;
        if (start >= end)
            continue;
        for (paddr_t physical = start; physical < end; physical += LARGE_PAGE_SIZE)
            boot_map_large_page(DIRECT_MAP_BASE + physical, physical);
        record_direct_map_range(start, end);
    }

    for (uintptr_t page = (uintptr_t)kernel_image_start; page < (uintptr_t)kernel_image_end;
         page += PAGE_SIZE)
        boot_map_page(page, kernel_image_physical((const void *)page), kernel_page_flags(page));

    boot_next_table(paging_table(kernel_root), (KERNEL_MAPPING_AREA_BASE >> 39) & 511);

    write_cr3(kernel_root);
}

/* True when physical [start, end) lies inside one direct-mapped range. */
static bool direct_map_contains(paddr_t start, paddr_t end)
{
    for (size_t index = 0; index < direct_map_range_count; index++)
        if (start >= direct_map_ranges[index].start && end <= direct_map_ranges[index].end)
            return true;
    return false;
}

/* True when [address, address + length) is mapped kernel memory (image or direct map). */
bool paging_kernel_range_is_mapped(uintptr_t address, size_t length)
{
    uintptr_t end = address + length;
    if (end < address)
        return false;
    if (address >= (uintptr_t)kernel_image_start && end <= (uintptr_t)kernel_image_end)
        return true;
    if (address >= DIRECT_MAP_BASE && end <= DIRECT_MAP_BASE + DIRECT_MAP_LIMIT)
        return direct_map_contains(address - DIRECT_MAP_BASE, end - DIRECT_MAP_BASE);
    if (address >= KERNEL_MAPPING_AREA_BASE && end <= KERNEL_MAPPING_AREA_BASE + KERNEL_MAPPING_AREA_SIZE) {
        /* Kernel stacks and Core mappings: ask the page tables, page by page. */
        for (uintptr_t page = address & ~(uintptr_t)(PAGE_SIZE - 1); page < end; page += PAGE_SIZE)
            if (platform_translate(platform_address_space_kernel(), page, NULL, NULL) < 0)
                return false;
        return true;
    }
    return false;
}

/* Direct-map address of any RAM address. */
void *platform_phys_to_virt(paddr_t physical_address)
{
    return (void *)(uintptr_t)(DIRECT_MAP_BASE + physical_address);
}

/* Physical address behind a direct-map or kernel-image address, else PADDR_INVALID. */
paddr_t platform_virt_to_phys(const void *virtual_address)
{
    uintptr_t address = (uintptr_t)virtual_address;
    if (address >= (uintptr_t)kernel_image_start && address < (uintptr_t)kernel_image_end)
        return kernel_image_physical(virtual_address);
    if (address >= DIRECT_MAP_BASE && address < DIRECT_MAP_BASE + DIRECT_MAP_LIMIT &&
        direct_map_contains(address - DIRECT_MAP_BASE, address - DIRECT_MAP_BASE + 1))
        return address - DIRECT_MAP_BASE;
    return PADDR_INVALID;
}
