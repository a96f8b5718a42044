/*
 * kernel_stacks.c — kernel stacks with guard pages: each stack lives in a
 * slot of the kernel stack area (the upper half of the kernel mapping
 * window, kept out of the window the Core may use) whose first page is
 * never mapped. An overflow touches the guard page; the page fault cannot
 * push its frame there either, so it becomes a double fault, which runs on
 * its own IST stack and reports the overflow.
 */
#include <rk/errno.h>

#include "x86.h"

#define STACK_SLOT_PAGES (1 + PLATFORM_KERNEL_STACK_MAX / PAGE_SIZE) /* guard + stack */
#define STACK_SLOT_COUNT 4096
#define STACK_AREA_BASE KERNEL_STACK_AREA_BASE

static uint64_t slot_used[STACK_SLOT_COUNT / 64];

/* Claim a free slot; -1 when all are taken. Interrupts disabled by the caller. */
static int slot_claim(void)
{
    for (unsigned word = 0; word < STACK_SLOT_COUNT / 64; word++) {
        if (slot_used[word] == ~0ull)
            continue;
        unsigned bit = (unsigned)__builtin_ctzll(~slot_used[word]);
        slot_used[word] |= 1ull << bit;
        return (int)(word * 64 + bit);
    }
    return -1;
}

/* Unmap the first pages of the stack at base and give their frames back. */
static void stack_unmap(uintptr_t base, size_t pages)
{
    struct platform_address_space *kernel = platform_address_space_kernel();
    for (size_t i = 0; i < pages; i++) {
        paddr_t frame;
        if (platform_unmap(kernel, base + i * PAGE_SIZE, &frame) == 0)
            core_frame_free(frame);
    }
}

/* See rk/platform.h. */
void *platform_kernel_stack_alloc(size_t size)
{
    if (size == 0 || size % PAGE_SIZE != 0 || size > PLATFORM_KERNEL_STACK_MAX)
        return NULL;
    irq_flags_t flags = platform_irq_save();
    int slot = slot_claim();
    platform_irq_restore(flags);
    if (slot < 0)
        return NULL;
    uintptr_t base = STACK_AREA_BASE + ((uintptr_t)slot * STACK_SLOT_PAGES + 1) * PAGE_SIZE;
    size_t pages = size / PAGE_SIZE;
    struct platform_address_space *kernel = platform_address_space_kernel();
    for (size_t i = 0; i < pages; i++) {
        paddr_t frame = core_frame_alloc();
        if (frame == PADDR_INVALID ||
            platform_map(kernel, base + i * PAGE_SIZE, frame,
                         PLATFORM_PROT_READ | PLATFORM_PROT_WRITE) < 0) {
            if (frame != PADDR_INVALID)
                core_frame_free(frame);
            stack_unmap(base, i);
            flags = platform_irq_save();
            slot_used[slot / 64] &= ~(1ull << (slot % 64));
            platform_irq_restore(flags);
            return NULL;
        }
    }
    return (void *)base;
}

/* See rk/platform.h. */
void platform_kernel_stack_free(void *stack, size_t size)
{
    uintptr_t base = (uintptr_t)stack;
    if (!stack || base < STACK_AREA_BASE)
        return;
    size_t slot = (base - STACK_AREA_BASE) / PAGE_SIZE / STACK_SLOT_PAGES;
    stack_unmap(base, size / PAGE_SIZE);
    irq_flags_t flags = platform_irq_save();
    slot_used[slot / 64] &= ~(1ull << (slot % 64));
    platform_irq_restore(flags);
}
