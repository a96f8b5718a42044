/*
 * address_space.c — the address-space half of the platform API on 4-level
 * x86_64 page tables.
 *
 * A user space owns the tables of PML4 entries 0..255 and shares entries
 * 256..511 (the kernel half, copied at creation and never changed at that
 * level afterwards). As on the hosted backend, a kernel-half address means
 * the kernel space whichever space is given: it can be looked up anywhere
 * in the kernel half, and mapped, unmapped or protected inside the kernel
 * mapping area only, whose PDPT exists from boot, so every user space sees
 * kernel mappings made later.
 *
 * Leaf encoding: PTE_MAPPED marks a mapping even without access rights
 * (protection 0 keeps the frame with the present bit clear) and
 * PTE_READABLE records PROT_READ, so platform_translate() returns exactly
 * the protection that was set. The hardware cannot express write-only or
 * execute-only pages: such pages are also readable.
 * Locking: none inside; the Core serialises changes to one space.
 */
#include <rk/errno.h>
#include "x86.h"

#define USER_ADDRESS_LOWEST 0x10000ull
#define USER_ADDRESS_END 0x00007ffffffff000ull
#define KERNEL_HALF_START 0xffff800000000000ull
#define PROTECTION_ALL \
    (PLATFORM_PROT_READ | PLATFORM_PROT_WRITE | PLATFORM_PROT_EXEC | PLATFORM_PROT_USER)

enum { KERNEL_HALF_FIRST_ENTRY = 256, TABLE_ENTRIES = 512 };

static struct platform_address_space kernel_space;

/* The kernel's own address space (valid once paging is initialised). */
struct platform_address_space *platform_address_space_kernel(void)
{
    kernel_space.root = paging_kernel_root();
    return &kernel_space;
}

/* Lowest user virtual address (keeps the first 64 KiB unmapped, like Linux's mmap_min_addr). */
uintptr_t platform_user_address_lowest(void)
{
    return USER_ADDRESS_LOWEST;
}

/* One past the highest user page (below the canonical hole, one guard page short). */
uintptr_t platform_user_address_end(void)
{
    return USER_ADDRESS_END;
}

/* True for the kernel's own address space. */
static bool is_kernel_space(const struct platform_address_space *space)
{
    return space->root == paging_kernel_root();
}

/* True when space is the one loaded in CR3. */
static bool is_active(const struct platform_address_space *space)
{
    return (read_cr3() & PTE_ADDRESS_MASK) == space->root;
}

/* See rk/platform.h. */
uintptr_t platform_kernel_mapping_lowest(void)
{
    return KERNEL_MAPPING_AREA_BASE;
}

/* See rk/platform.h. */
uintptr_t platform_kernel_mapping_end(void)
{
    return KERNEL_STACK_AREA_BASE; /* the upper half is the backend's stack area */
}

/* True for an address in the kernel half (shared by every space). */
static bool is_kernel_address(uintptr_t va)
{
    return va >= KERNEL_HALF_START;
}

/* True when va may be mapped, unmapped or protected through space. */
static bool address_is_mappable(const struct platform_address_space *space, uintptr_t va)
{
    if (is_kernel_address(va))
        return va >= KERNEL_MAPPING_AREA_BASE &&
               va < KERNEL_MAPPING_AREA_BASE + KERNEL_MAPPING_AREA_SIZE;
    return !is_kernel_space(space) && va >= USER_ADDRESS_LOWEST && va < USER_ADDRESS_END;
}

/* True when va may be looked up through space. */
static bool address_is_translatable(const struct platform_address_space *space, uintptr_t va)
{
    if (is_kernel_address(va))
        return true;
    return !is_kernel_space(space) && va >= USER_ADDRESS_LOWEST && va < USER_ADDRESS_END;
}

/* Create an empty user space sharing the kernel half. Returns 0 or -ENOMEM. */
int platform_address_space_create(struct platform_address_space *space)
{
    paddr_t root = paging_frame_alloc();
    if (root == PADDR_INVALID)
        return -ENOMEM;
    uint64_t *table = paging_table(root);
    const uint64_t *kernel_table = paging_table(paging_kernel_root());
    for (unsigned index = 0; index < KERNEL_HALF_FIRST_ENTRY; index++)
        table[index] = 0;
    for (unsigned index = KERNEL_HALF_FIRST_ENTRY; index < TABLE_ENTRIES; index++)
        table[index] = kernel_table[index];
    space->root = root;
    return 0;
}

/* Free the tables under entry (level 3 = PDPT, 2 = directory, 1 = page table). */
static void free_table_tree(uint64_t entry, unsigned level)
{
    paddr_t frame = entry & PTE_ADDRESS_MASK;
    if (level > 1) {
        const uint64_t *table = paging_table(frame);
        for (unsigned index = 0; index < TABLE_ENTRIES; index++)
            if ((table[index] & PTE_PRESENT) && !(table[index] & PTE_LARGE))
                free_table_tree(table[index], level - 1);
    }
    paging_frame_free(frame);
}

/*
 * Free every page-table frame of the user half and the root (the mapped
 * frames are the caller's). The kernel space is never destroyed. When
 * space is still active the CPU is first moved to the kernel tables.
 */
void platform_address_space_destroy(struct platform_address_space *space)
{
    if (space->root == 0 || space->root == PADDR_INVALID || is_kernel_space(space))
        return;
    if (is_active(space))
        write_cr3(paging_kernel_root());
    const uint64_t *table = paging_table(space->root);
    for (unsigned index = 0; index < KERNEL_HALF_FIRST_ENTRY; index++)
        if (table[index] & PTE_PRESENT)
            free_table_tree(table[index], 3);
    paging_frame_free(space->root);
    space->root = PADDR_INVALID;
}

/* Load space's root into CR3 (skipped when already loaded). */
void platform_address_space_activate(struct platform_address_space *space)
{
    if (!is_active(space))
        write_cr3(space->root);
}

/*
 * Find the entry that maps va: walks PML4 -> PDPT -> directory -> table.
 * Kernel-half addresses are walked from the kernel root. With create,
 * missing tables are allocated (user flags below the kernel half).
 * Returns the entry and its page size, or NULL with *error set to -ENOENT
 * (not mapped) or -ENOMEM (no frame for a table).
 */
static uint64_t *find_entry(struct platform_address_space *space, uintptr_t va, bool create,
                            uint64_t *page_size, int *error)
{
    bool kernel = is_kernel_address(va);
    uint64_t table_flags = PTE_PRESENT | PTE_WRITABLE | (kernel ? 0 : PTE_USER);
    uint64_t *table = paging_table(kernel ? paging_kernel_root() : space->root);
    for (unsigned shift = 39; shift > 12; shift -= 9) {
        uint64_t *entry = &table[(va >> shift) & 511];
        if ((*entry & PTE_PRESENT) && (*entry & PTE_LARGE) && shift != 39) {
            *page_size = 1ull << shift;
            return entry;
        }
        if (!(*entry & PTE_PRESENT)) {
            if (!create) {
                *error = -ENOENT;
                return NULL;
            }
            paddr_t frame = paging_frame_alloc();
            if (frame == PADDR_INVALID) {
                *error = -ENOMEM;
                return NULL;
            }
            *entry = frame | table_flags;
        }
        table = paging_table(*entry & PTE_ADDRESS_MASK);
    }
    *page_size = PAGE_SIZE;
    return &table[(va >> 12) & 511];
}

/* Leaf bits for a protection. */
static uint64_t leaf_flags(unsigned prot)
{
    uint64_t flags = PTE_MAPPED;
    if (prot & (PLATFORM_PROT_READ | PLATFORM_PROT_WRITE | PLATFORM_PROT_EXEC))
        flags |= PTE_PRESENT;
    if (prot & PLATFORM_PROT_READ)
        flags |= PTE_READABLE;
    if (prot & PLATFORM_PROT_WRITE)
        flags |= PTE_WRITABLE;
    if (!(prot & PLATFORM_PROT_EXEC))
        flags |= PTE_NO_EXECUTE;
    if (prot & PLATFORM_PROT_USER)
        flags |= PTE_USER;
    return flags;
}

/* The protection a leaf entry was given. */
static unsigned entry_protection(uint64_t entry)
{
    unsigned prot = 0;
    if (entry & PTE_READABLE)
        prot |= PLATFORM_PROT_READ;
    if (entry & PTE_WRITABLE)
        prot |= PLATFORM_PROT_WRITE;
    if (!(entry & PTE_NO_EXECUTE))
        prot |= PLATFORM_PROT_EXEC;
    if (entry & PTE_USER)
        prot |= PLATFORM_PROT_USER;
    return prot;
}

/* True when a leaf entry holds a mapping (with or without access rights). */
static bool entry_is_mapped(uint64_t entry)
{
    return (entry & (PTE_PRESENT | PTE_MAPPED)) != 0;
}

/* Drop any cached translation of va when it can be in the TLB. */
static void flush_page(const struct platform_address_space *space, uintptr_t va)
{
    if (is_kernel_address(va) || is_active(space))
        invalidate_page(va);
}

/* Check the arguments shared by map, unmap and protect. */
static int check_mappable(const struct platform_address_space *space, uintptr_t va, unsigned prot)
{
    if ((va & (PAGE_SIZE - 1)) != 0 || !address_is_mappable(space, va))
        return -EINVAL;
    if ((prot & ~PROTECTION_ALL) != 0)
        return -EINVAL;
    if (is_kernel_address(va) && (prot & PLATFORM_PROT_USER))
        return -EINVAL;
    return 0;
}

/* Map the page at va to pa. Returns 0, -EINVAL, -EEXIST or -ENOMEM. */
int platform_map(struct platform_address_space *space, uintptr_t va, paddr_t pa, unsigned prot)
{
    int error = check_mappable(space, va, prot);
    if (error < 0)
        return error;
    if ((pa & ~PTE_ADDRESS_MASK) != 0)
        return -EINVAL;
    uint64_t page_size;
    uint64_t *entry = find_entry(space, va, true, &page_size, &error);
    if (entry == NULL)
        return error;
    if (page_size != PAGE_SIZE || entry_is_mapped(*entry))
        return -EEXIST;
    *entry = pa | leaf_flags(prot);
    flush_page(space, va);
    return 0;
}

/* Unmap the page at va, reporting its frame in *old_pa. Returns 0, -EINVAL or -ENOENT. */
int platform_unmap(struct platform_address_space *space, uintptr_t va, paddr_t *old_pa)
{
    int error = check_mappable(space, va, 0);
    if (error < 0)
        return error;
    uint64_t page_size;
    uint64_t *entry = find_entry(space, va, false, &page_size, &error);
    if (entry == NULL)
        return error;
    if (page_size != PAGE_SIZE)
        return -EINVAL;
    if (!entry_is_mapped(*entry))
        return -ENOENT;
    if (old_pa != NULL)
        *old_pa = *entry & PTE_ADDRESS_MASK;
    *entry = 0;
    flush_page(space, va);
    return 0;
}

/* Change the protection of the page at va. Returns 0, -EINVAL or -ENOENT. */
int platform_protect(struct platform_address_space *space, uintptr_t va, unsigned prot)
{
    int error = check_mappable(space, va, prot);
    if (error < 0)
        return error;
    uint64_t page_size;
    uint64_t *entry = find_entry(space, va, false, &page_size, &error);
    if (entry == NULL)
        return error;
    if (page_size != PAGE_SIZE)
        return -EINVAL;
    if (!entry_is_mapped(*entry))
        return -ENOENT;
    *entry = (*entry & PTE_ADDRESS_MASK) | leaf_flags(prot);
    flush_page(space, va);
    return 0;
}

/* paging_table() inline, for the user-copy walk below. */
static inline uint64_t *table_at(paddr_t frame)
{
    /* Branch-free (a branch ends a translation block under TCG). */
    uint64_t in_image = -(uint64_t)((frame >= kernel_image_physical(kernel_image_start)) &
                                    (frame < kernel_image_physical(kernel_image_end)));
    uint64_t base = (KERNEL_VIRTUAL_BASE & in_image) | (DIRECT_MAP_BASE & ~in_image);
    return (uint64_t *)(uintptr_t)(base + frame);
}

/*
 * The common lookup of user copies: a user-half va mapped by a 4 KiB page.
 * Walks without calls; returns the leaf entry, or NULL when a level is
 * absent or a large page is met (the caller then takes find_entry's way).
 */
static inline const uint64_t *find_user_leaf(const struct platform_address_space *space,
                                             uintptr_t va)
{
    const uint64_t *table = table_at(space->root);
    uint64_t unusable = 0; /* a level absent or large: checked once, after the walk */
#pragma GCC unroll 3
    for (unsigned shift = 39; shift > 12; shift -= 9) {
        uint64_t entry = table[(va >> shift) & 511];
        unusable |= (entry & (PTE_PRESENT | PTE_LARGE)) ^ PTE_PRESENT;
        if (__builtin_expect(unusable != 0, 0))
            return NULL;
        table = table_at(entry & PTE_ADDRESS_MASK);
    }
    return &table[(va >> 12) & 511];
}

/* Look up the page at va (4 KiB, or inside a 2 MiB / 1 GiB page). Returns 0, -EINVAL or -ENOENT. */
int platform_translate(struct platform_address_space *space, uintptr_t va, paddr_t *pa,
                       unsigned *prot)
{
    if (!address_is_translatable(space, va))
        return -EINVAL;
    if (!is_kernel_address(va)) {
        const uint64_t *leaf = find_user_leaf(space, va);
        if (__builtin_expect(leaf != NULL, 1)) {
            if (!entry_is_mapped(*leaf))
                return -ENOENT;
            if (pa != NULL)
                *pa = *leaf & PTE_ADDRESS_MASK & ~(uint64_t)(PAGE_SIZE - 1);
            if (prot != NULL)
                *prot = entry_protection(*leaf);
            return 0;
        }
    }
    uint64_t page_size;
    int error = 0;
    uint64_t *entry = find_entry(space, va, false, &page_size, &error);
    if (entry == NULL)
        return error;
    if (!entry_is_mapped(*entry))
        return -ENOENT;
    if (pa != NULL) {
        paddr_t base = *entry & PTE_ADDRESS_MASK & ~(page_size - 1);
        *pa = base + ((va & (page_size - 1)) & ~(uint64_t)(PAGE_SIZE - 1));
    }
    if (prot != NULL)
        *prot = entry_protection(*entry);
    return 0;
}

/*
 * See rk/platform.h: walks from the root and stops at the first missing
 * table, whose whole coverage from va on is unmapped. Kernel-half and
 * out-of-range addresses get 0.
 */
size_t platform_unmapped_span(struct platform_address_space *space, uintptr_t va)
{
    if (is_kernel_address(va) || !address_is_translatable(space, va))
        return 0;
    const uint64_t *table = paging_table(space->root);
    for (unsigned shift = 39; shift > 12; shift -= 9) {
        uint64_t entry = table[(va >> shift) & 511];
        if (!(entry & PTE_PRESENT)) {
            uintptr_t coverage_end = (va | ((1ull << shift) - 1)) + 1;
            return coverage_end - (va & ~(uintptr_t)(PAGE_SIZE - 1));
        }
        if (entry & PTE_LARGE)
            return 0;
        table = paging_table(entry & PTE_ADDRESS_MASK);
    }
    return 0;
}
