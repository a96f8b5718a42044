/*
 * memory.c — the hosted "physical memory" and the map of walkable memory.
 *
 * Physical memory is one anonymous mmap (the arena) that appears at
 * HOSTED_PHYSICAL_BASE in a fake physical address space; the direct map is
 * plain pointer arithmetic. The backtrace walker asks hosted_region_find()
 * before it reads a frame, so it only ever touches the arena, the boot
 * stack, the signal stack and stacks given to platform_context_create().
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "hosted.h"
#include "hosted_internal.h"

struct memory_range {
    uintptr_t start;
    uintptr_t end; /* one past the last byte; start == end means unused */
};

#define REGISTERED_STACK_SLOTS 256

static uint8_t *arena_base;
static uint64_t arena_size;

static struct memory_range boot_stack;
static struct memory_range alternate_stack;
static struct memory_range registered_stacks[REGISTERED_STACK_SLOTS];
static size_t next_stack_slot;

/* See hosted_internal.h. */
int hosted_memory_init(uint64_t size_bytes)
{
    size_bytes &= ~(uint64_t)(PAGE_SIZE - 1);
    if (size_bytes < HOSTED_MINIMUM_MEMORY_BYTES)
        return -EINVAL;
    if (arena_base != NULL) {
        munmap(arena_base, arena_size);
        arena_base = NULL;
        arena_size = 0;
    }
    void *mapping = mmap(NULL, size_bytes, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mapping == MAP_FAILED)
        return -ENOMEM;
    arena_base = mapping;
    arena_size = size_bytes;
    return 0;
}

/* See hosted_internal.h. */
int hosted_memory_reuse(uint64_t size_bytes)
{
    size_bytes &= ~(uint64_t)(PAGE_SIZE - 1);
    if (arena_base == NULL || arena_size != size_bytes)
        return hosted_memory_init(size_bytes);
    memset(arena_base, 0, PAGE_SIZE); /* frame 0: the kernel space's page-table root */
    return 0;
}

/* See hosted_internal.h. */
uint8_t *hosted_memory_arena_base(void)
{
    return arena_base;
}

/* See hosted_internal.h. */
uint64_t hosted_memory_arena_size(void)
{
    return arena_size;
}

/* See hosted.h. */
void *hosted_memory_arena(void)
{
    return arena_base;
}

/* See hosted.h. */
uint64_t hosted_memory_size(void)
{
    return arena_size;
}

/* See rk/platform.h. NULL for addresses outside the arena. Any context. */
void *platform_phys_to_virt(paddr_t physical_address)
{
    if (physical_address < HOSTED_PHYSICAL_BASE ||
        physical_address - HOSTED_PHYSICAL_BASE >= arena_size)
        return NULL;
    return arena_base + (physical_address - HOSTED_PHYSICAL_BASE);
}

/*
 * See rk/platform.h. Only the arena has physical addresses: the hosted
 * "kernel image" is the host executable, which is not in physical memory.
 */
paddr_t platform_virt_to_phys(const void *virtual_address)
{
    uintptr_t address = (uintptr_t)virtual_address;
    uintptr_t base = (uintptr_t)arena_base;
    if (arena_base == NULL || address < base || address - base >= arena_size)
        return PADDR_INVALID;
    return HOSTED_PHYSICAL_BASE + (address - base);
}

/* See hosted_internal.h. Reads the main thread's stack bounds from glibc. */
void hosted_stacks_init(void)
{
    if (boot_stack.end != 0)
        return;
    pthread_attr_t attributes;
    if (pthread_getattr_np(pthread_self(), &attributes) != 0)
        return;
    void *stack_address = NULL;
    size_t stack_size = 0;
    if (pthread_attr_getstack(&attributes, &stack_address, &stack_size) == 0) {
        boot_stack.start = (uintptr_t)stack_address;
        boot_stack.end = (uintptr_t)stack_address + stack_size;
    }
    pthread_attr_destroy(&attributes);
}

/* See hosted_internal.h. */
void hosted_boot_stack_bounds(uintptr_t *bottom, size_t *size)
{
    hosted_stacks_init();
    *bottom = boot_stack.start;
    *size = boot_stack.end - boot_stack.start;
}

/* See hosted_internal.h. Reuses the slot of the same base, else the oldest slot. */
void hosted_stack_register(uintptr_t base, size_t size)
{
    for (size_t index = 0; index < REGISTERED_STACK_SLOTS; index++) {
        if (registered_stacks[index].start == base) {
            registered_stacks[index].end = base + size;
            return;
        }
    }
    registered_stacks[next_stack_slot].start = base;
    registered_stacks[next_stack_slot].end = base + size;
    next_stack_slot = (next_stack_slot + 1) % REGISTERED_STACK_SLOTS;
}

/* See hosted_internal.h. */
void hosted_stack_unregister(uintptr_t base)
{
    for (size_t index = 0; index < REGISTERED_STACK_SLOTS; index++)
        if (registered_stacks[index].start == base)
            registered_stacks[index].start = registered_stacks[index].end = 0;
}

/* See hosted_internal.h. */
void hosted_alternate_stack_register(uintptr_t base, size_t size)
{
    alternate_stack.start = base;
    alternate_stack.end = base + size;
}

/* True when [address, address + length) is inside range; stores the bounds. */
static bool range_holds(const struct memory_range *range, uintptr_t address, size_t length,
                        uintptr_t *region_start, uintptr_t *region_end)
{
    if (range->start == range->end || address < range->start || address >= range->end ||
        length > range->end - address)
        return false;
    *region_start = range->start;
    *region_end = range->end;
    return true;
}

/* See hosted_internal.h. Any context: reads only the tables above. */
bool hosted_region_find(uintptr_t address, size_t length, uintptr_t *region_start,
                        uintptr_t *region_end, bool *may_be_unmapped)
{
    struct memory_range arena = {(uintptr_t)arena_base, (uintptr_t)arena_base + arena_size};
    *may_be_unmapped = false;
    if (range_holds(&arena, address, length, region_start, region_end) ||
        range_holds(&boot_stack, address, length, region_start, region_end) ||
        range_holds(&alternate_stack, address, length, region_start, region_end))
        return true;
    /* A registered stack may have been freed (and unmapped) since. */
    *may_be_unmapped = true;
    for (size_t index = 0; index < REGISTERED_STACK_SLOTS; index++) {
        if (range_holds(&registered_stacks[index], address, length, region_start, region_end))
            return true;
    }
    return false;
}

/*
 * See hosted_internal.h. Copies through process_vm_readv() on ourselves,
 * which fails with EFAULT instead of faulting; when the kernel refuses the
 * call itself (seccomp, ENOSYS) the read is done directly.
 */
bool hosted_memory_read_safely(uintptr_t address, void *out, size_t length)
{
    struct iovec local = {.iov_base = out, .iov_len = length};
    struct iovec remote = {.iov_base = (void *)address, .iov_len = length};
    ssize_t copied = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
    if (copied == (ssize_t)length)
        return true;
    if (copied < 0 && (errno == ENOSYS || errno == EPERM)) {
        memcpy(out, (const void *)address, length);
        return true;
    }
    return false;
}
