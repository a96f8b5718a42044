/*
 * paging.c — software page tables with the x86_64 shape.
 *
 * Four levels of 512-entry tables, each in a 4 KiB frame from
 * core_frame_alloc() (reached through the direct map). Entries use the x86
 * bits where x86 has them (present, writable, user, no-execute, address in
 * bits 12..51) plus a software bit for "readable", so PROT_NONE mappings
 * and read-less protections survive a round trip through
 * platform_translate(). Nothing in the host process uses these tables: the
 * user-copy helpers translate hosted "user memory" through them.
 *
 * The kernel space owns the upper half (PML4 entries 256..511); every user
 * space covers [platform_user_address_lowest, platform_user_address_end)
 * and shares the kernel half: an operation on a kernel-half address through
 * a user space acts on the kernel space.
 *
 * Locking: none needed (one CPU, never called from interrupt handlers that
 * could run during a walk: events only arrive in platform_idle()).
 */
#include <errno.h>
#include <string.h>

#include "hosted.h"
#include "hosted_internal.h"

#define ENTRY_PRESENT ((uint64_t)1 << 0)
#define ENTRY_WRITABLE ((uint64_t)1 << 1)
#define ENTRY_USER ((uint64_t)1 << 2)
#define ENTRY_READABLE ((uint64_t)1 << 9) /* software bit (x86: available) */
#define ENTRY_NO_EXECUTE ((uint64_t)1 << 63)
#define ENTRY_ADDRESS_MASK ((uint64_t)0x000ffffffffff000)
#define TABLE_ENTRIES 512
#define KERNEL_HALF_FIRST_INDEX 256

#define USER_ADDRESS_LOWEST ((uintptr_t)0x10000)
#define USER_ADDRESS_END ((uintptr_t)0x00007ffffffff000)
#define KERNEL_ADDRESS_LOWEST ((uintptr_t)0xffff800000000000)
/* The same window as the x86 backend's, so the Core sees one contract. */
#define KERNEL_MAPPING_LOWEST ((uintptr_t)0xffffc90000000000)
#define KERNEL_MAPPING_END (KERNEL_MAPPING_LOWEST + ((uintptr_t)1 << 38)) /* x86 keeps the upper half for stacks */
#define PHYSICAL_ADDRESS_LIMIT ((paddr_t)1 << 52)

#define ALL_PROTECTIONS \
    (PLATFORM_PROT_READ | PLATFORM_PROT_WRITE | PLATFORM_PROT_EXEC | PLATFORM_PROT_USER)

static struct platform_address_space kernel_space;
static struct platform_address_space *active_space;
static long table_frames_in_use;

/* See hosted_internal.h. */
void hosted_paging_init(paddr_t kernel_root)
{
    kernel_space.root = kernel_root;
    active_space = &kernel_space;
    table_frames_in_use = 0;
}

/* See rk/platform.h. */
struct platform_address_space *platform_address_space_kernel(void)
{
    return &kernel_space;
}

/* See rk/platform.h. */
uintptr_t platform_user_address_lowest(void)
{
    return USER_ADDRESS_LOWEST;
}

/* See rk/platform.h. */
uintptr_t platform_user_address_end(void)
{
    return USER_ADDRESS_END;
}

/* See rk/platform.h. */
uintptr_t platform_kernel_mapping_lowest(void)
{
    return KERNEL_MAPPING_LOWEST;
}

/* See rk/platform.h. */
uintptr_t platform_kernel_mapping_end(void)
{
    return KERNEL_MAPPING_END;
}

/*
 * True when va may be given prot through platform_map()/protect(): the user
 * half, or the kernel mapping window without PLATFORM_PROT_USER.
 */
static bool address_is_changeable(uintptr_t va, unsigned prot)
{
    if (va < KERNEL_ADDRESS_LOWEST)
        return true;
    return va >= KERNEL_MAPPING_LOWEST && va < KERNEL_MAPPING_END && !(prot & PLATFORM_PROT_USER);
}

/* The table in frame, NULL when the frame is not RAM. */
static uint64_t *table_at(paddr_t frame)
{
    return platform_phys_to_virt(frame);
}

/* True when address is a multiple of PAGE_SIZE. */
static bool is_page_aligned(uint64_t address)
{
    return (address & (PAGE_SIZE - 1)) == 0;
}

/* Index of va in the table of level (3 = PML4 ... 0 = page table). */
static unsigned table_index(uintptr_t va, unsigned level)
{
    return (unsigned)((va >> (PAGE_SHIFT + 9 * level)) & (TABLE_ENTRIES - 1));
}

/*
 * The space whose tables hold va: kernel-half addresses belong to the
 * kernel space whichever space is given. NULL when va is outside.
 */
static struct platform_address_space *space_for(struct platform_address_space *space,
                                                uintptr_t va)
{
    if (space == NULL)
        return NULL;
    if (va >= KERNEL_ADDRESS_LOWEST)
        return &kernel_space;
    if (space == &kernel_space)
        return NULL;
    if (va < USER_ADDRESS_LOWEST || va >= USER_ADDRESS_END)
        return NULL;
    return space;
}

/* A zeroed table frame from the Core, PADDR_INVALID when memory is exhausted. */
static paddr_t table_frame_alloc(void)
{
    paddr_t frame = core_frame_alloc();
    if (frame == PADDR_INVALID || table_at(frame) == NULL)
        return PADDR_INVALID;
    memset(table_at(frame), 0, PAGE_SIZE);
    table_frames_in_use++;
    return frame;
}

/* Give a table frame back to the Core. */
static void table_frame_free(paddr_t frame)
{
    table_frames_in_use--;
    core_frame_free(frame);
}

/*
 * The level-0 entry for va in space, creating missing tables when create is
 * true. NULL when a table is missing (and not created) or no frame is left
 * (*error = -ENOMEM).
 */
static uint64_t *entry_for(struct platform_address_space *space, uintptr_t va, bool create,
                           int *error)
{
    uint64_t *table = table_at(space->root);
    *error = -ENOENT;
    if (table == NULL)
        return NULL;
    for (unsigned level = 3; level > 0; level--) {
        uint64_t *entry = &table[table_index(va, level)];
        if (!(*entry & ENTRY_PRESENT)) {
            if (!create)
                return NULL;
            paddr_t frame = table_frame_alloc();
            if (frame == PADDR_INVALID) {
                *error = -ENOMEM;
                return NULL;
            }
            *entry = frame | ENTRY_PRESENT | ENTRY_WRITABLE | ENTRY_USER;
        }
        table = table_at(*entry & ENTRY_ADDRESS_MASK);
        if (table == NULL)
            return NULL;
    }
    return &table[table_index(va, 0)];
}

/* Entry bits for a protection (without the frame). */
static uint64_t entry_bits(unsigned prot)
{
    uint64_t bits = ENTRY_PRESENT;
    if (prot & PLATFORM_PROT_READ)
        bits |= ENTRY_READABLE;
    if (prot & PLATFORM_PROT_WRITE)
        bits |= ENTRY_WRITABLE;
    if (prot & PLATFORM_PROT_USER)
        bits |= ENTRY_USER;
    if (!(prot & PLATFORM_PROT_EXEC))
        bits |= ENTRY_NO_EXECUTE;
    return bits;
}

/* The protection an entry grants. */
static unsigned entry_protection(uint64_t entry)
{
    unsigned prot = 0;
    if (entry & ENTRY_READABLE)
        prot |= PLATFORM_PROT_READ;
    if (entry & ENTRY_WRITABLE)
        prot |= PLATFORM_PROT_WRITE;
    if (entry & ENTRY_USER)
        prot |= PLATFORM_PROT_USER;
    if (!(entry & ENTRY_NO_EXECUTE))
        prot |= PLATFORM_PROT_EXEC;
    return prot;
}

/* See rk/platform.h. */
int platform_address_space_create(struct platform_address_space *space)
{
    paddr_t root = table_frame_alloc();
    if (root == PADDR_INVALID)
        return -ENOMEM;
    space->root = root;
    return 0;
}

/* Free the table in frame and, below level 0, every table it points to. */
static void table_free_recursive(paddr_t frame, unsigned level)
{
    uint64_t *table = table_at(frame);
    if (table != NULL && level > 0) {
        for (unsigned index = 0; index < TABLE_ENTRIES; index++) {
            if (table[index] & ENTRY_PRESENT)
                table_free_recursive(table[index] & ENTRY_ADDRESS_MASK, level - 1);
        }
    }
    table_frame_free(frame);
}

/*
 * See rk/platform.h. Frees the user half's tables and the root; the kernel
 * half is shared and stays. Destroying the kernel space is refused.
 */
void platform_address_space_destroy(struct platform_address_space *space)
{
    if (space == NULL || space == &kernel_space || space->root == PADDR_INVALID)
        return;
    if (active_space != NULL && active_space->root == space->root) {
        hosted_write_text("hosted: destroying the active address space; "
                          "activating the kernel space\n");
        active_space = &kernel_space;
    }
    uint64_t *root = table_at(space->root);
    if (root != NULL) {
        for (unsigned index = 0; index < KERNEL_HALF_FIRST_INDEX; index++) {
            if (root[index] & ENTRY_PRESENT)
                table_free_recursive(root[index] & ENTRY_ADDRESS_MASK, 2);
        }
    }
    table_frame_free(space->root);
    space->root = PADDR_INVALID;
}

/* See rk/platform.h. Records space; hosted "hardware" has nothing to reload. */
void platform_address_space_activate(struct platform_address_space *space)
{
    active_space = space != NULL ? space : &kernel_space;
}

/* See rk/platform.h. */
int platform_map(struct platform_address_space *space, uintptr_t va, paddr_t pa,
                 unsigned prot)
{
    struct platform_address_space *owner = space_for(space, va);
    if (owner == NULL || !address_is_changeable(va, prot) || !is_page_aligned(va) ||
        !is_page_aligned(pa) || pa >= PHYSICAL_ADDRESS_LIMIT || (prot & ~ALL_PROTECTIONS) != 0)
        return -EINVAL;
    int error;
    uint64_t *entry = entry_for(owner, va, true, &error);
    if (entry == NULL)
        return error;
    if (*entry & ENTRY_PRESENT)
        return -EEXIST;
    *entry = pa | entry_bits(prot);
    return 0;
}

/* See rk/platform.h. Empty tables are kept until the space is destroyed. */
int platform_unmap(struct platform_address_space *space, uintptr_t va, paddr_t *old_pa)
{
    struct platform_address_space *owner = space_for(space, va);
    if (owner == NULL || !address_is_changeable(va, 0) || !is_page_aligned(va))
        return -EINVAL;
    int error;
    uint64_t *entry = entry_for(owner, va, false, &error);
    if (entry == NULL || !(*entry & ENTRY_PRESENT))
        return -ENOENT;
    if (old_pa != NULL)
        *old_pa = *entry & ENTRY_ADDRESS_MASK;
    *entry = 0;
    return 0;
}

/* See rk/platform.h. */
int platform_protect(struct platform_address_space *space, uintptr_t va, unsigned prot)
{
    struct platform_address_space *owner = space_for(space, va);
    if (owner == NULL || !address_is_changeable(va, prot) || !is_page_aligned(va) ||
        (prot & ~ALL_PROTECTIONS) != 0)
        return -EINVAL;
    int error;
    uint64_t *entry = entry_for(owner, va, false, &error);
    if (entry == NULL || !(*entry & ENTRY_PRESENT))
        return -ENOENT;
    *entry = (*entry & ENTRY_ADDRESS_MASK) | entry_bits(prot);
    return 0;
}

/* See rk/platform.h. va need not be page aligned; *pa gets the frame. */
int platform_translate(struct platform_address_space *space, uintptr_t va, paddr_t *pa,
                       unsigned *prot)
{
    struct platform_address_space *owner = space_for(space, va);
    if (owner == NULL)
        return -EINVAL;
    int error;
    uint64_t *entry = entry_for(owner, va & ~(uintptr_t)(PAGE_SIZE - 1), false, &error);
    if (entry == NULL || !(*entry & ENTRY_PRESENT))
        return -ENOENT;
    if (pa != NULL)
        *pa = *entry & ENTRY_ADDRESS_MASK;
    if (prot != NULL)
        *prot = entry_protection(*entry);
    return 0;
}

/* See rk/platform.h. The span a missing table covers, as on x86. */
size_t platform_unmapped_span(struct platform_address_space *space, uintptr_t va)
{
    if (va >= KERNEL_ADDRESS_LOWEST || space_for(space, va) != space)
        return 0;
    const uint64_t *table = table_at(space->root);
    for (unsigned level = 3; level > 0 && table != NULL; level--) {
        uint64_t entry = table[table_index(va, level)];
        if (!(entry & ENTRY_PRESENT)) {
            unsigned shift = PAGE_SHIFT + 9 * level;
            uintptr_t coverage_end = (va | (((uintptr_t)1 << shift) - 1)) + 1;
            return coverage_end - (va & ~(uintptr_t)(PAGE_SIZE - 1));
        }
        table = table_at(entry & ENTRY_ADDRESS_MASK);
    }
    return 0;
}

/* Tables of level (and below) reachable from the table in frame, itself included. */
static size_t table_count_recursive(paddr_t frame, unsigned level)
{
    uint64_t *table = table_at(frame);
    size_t count = 1;
    if (table == NULL || level == 0)
        return count;
    for (unsigned index = 0; index < TABLE_ENTRIES; index++) {
        if (table[index] & ENTRY_PRESENT)
            count += table_count_recursive(table[index] & ENTRY_ADDRESS_MASK, level - 1);
    }
    return count;
}

/* See hosted.h. */
size_t hosted_address_space_table_frames(const struct platform_address_space *space)
{
    if (space == NULL || space->root == PADDR_INVALID)
        return 0;
    uint64_t *root = table_at(space->root);
    if (root == NULL)
        return 0;
    size_t count = 1;
    for (unsigned index = 0; index < KERNEL_HALF_FIRST_INDEX; index++) {
        if (root[index] & ENTRY_PRESENT)
            count += table_count_recursive(root[index] & ENTRY_ADDRESS_MASK, 2);
    }
    return count;
}

/* See hosted.h. */
long hosted_page_table_frames_in_use(void)
{
    return table_frames_in_use;
}

/* See hosted.h. */
struct platform_address_space *hosted_active_address_space(void)
{
    return active_space;
}
