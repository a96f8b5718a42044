/*
 * fpu.c — the x87/SSE state of contexts (FXSAVE images, 512 bytes).
 *
 * The kernel is compiled without x87/SSE code, so the registers only ever
 * hold user state. They belong to one context record at a time (the
 * owner): switching to a context that already owns them moves nothing, so
 * a user thread that goes idle and comes back pays no save/restore; a
 * switch to another context with a record saves the owner's state into
 * its record and loads the newcomer's. The platform_fpu_* calls work on
 * the running context's live state, claiming the registers for it first.
 * Everything here runs with interrupts disabled or on the running thread
 * (uniprocessor).
 */
#include <rk/string.h>

#include "x86.h"

#define CR0_MONITOR_COPROCESSOR (1ull << 1)
#define CR0_EMULATION (1ull << 2)
#define CR0_TASK_SWITCHED (1ull << 3)
#define CR0_NUMERIC_ERROR (1ull << 5)
#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define MXCSR_DEFAULT 0x1f80u
#define MXCSR_OFFSET 24
#define MXCSR_MASK_OFFSET 28
#define MXCSR_MASK_DEFAULT 0xffbfu /* when the CPU reports 0 (SDM: FXSAVE, "MXCSR_MASK") */

/* The clean image: after fninit, MXCSR 0x1f80; captured once at boot. */
static uint8_t clean_image[PLATFORM_FPU_STATE_SIZE] __attribute__((aligned(16)));
/* MXCSR bits this CPU allows (others #GP on load). */
static uint32_t mxcsr_writable_bits = MXCSR_MASK_DEFAULT;
/* The record whose state is in the registers; NULL when nobody's (or a record-less context's). */
static struct context_record *owner;

static inline void fxsave(void *area)
{
    __asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

static inline void fxrstor(const void *area)
{
    __asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}

/*
 * Enable x87/SSE for user code (CR0.MP and NE set, EM and TS clear;
 * CR4.OSFXSR and OSXMMEXCPT set, never OSXSAVE, so user libraries stay on
 * the FXSAVE-managed SSE state) and capture the clean image. Boot only.
 */
void fpu_initialize(void)
{
    uint64_t cr0 = read_cr0();
    cr0 |= CR0_MONITOR_COPROCESSOR | CR0_NUMERIC_ERROR;
    cr0 &= ~(CR0_EMULATION | CR0_TASK_SWITCHED);
    write_cr0(cr0);
    write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);

    uint32_t mxcsr = MXCSR_DEFAULT;
    __asm__ volatile("fninit\n\tldmxcsr %0" : : "m"(mxcsr) : "memory");
    fxsave(clean_image);
    uint32_t mask;
    memcpy(&mask, clean_image + MXCSR_MASK_OFFSET, sizeof(mask));
    if (mask != 0)
        mxcsr_writable_bits = mask;
    owner = NULL;
}

/* See x86.h. */
void fpu_context_prepare(struct context_record *record)
{
    if (owner == record)
        owner = NULL;
    memcpy(record->fpu_state, clean_image, sizeof(record->fpu_state));
}

/* See x86.h. */
void fpu_switch_to(struct context_record *next)
{
    if (owner == next)
        return;
    if (owner != NULL)
        fxsave(owner->fpu_state);
    fxrstor(next->fpu_state);
    owner = next;
}

/* See x86.h. */
void fpu_context_forget(struct context_record *record)
{
    if (owner == record)
        owner = NULL;
}

/*
 * Make the live registers the running context's: a context without a
 * record (boot) takes them from the owner, after saving the owner's state.
 */
static void claim_for_running_context(void)
{
    struct context_record *running = context_running_record();
    if (owner == running)
        return;
    if (owner != NULL)
        fxsave(owner->fpu_state);
    if (running != NULL)
        fxrstor(running->fpu_state);
    owner = running;
}

/* See rk/platform.h. buffer need not be aligned (an aligned one avoids a copy). */
void platform_fpu_save(void *buffer)
{
    irq_flags_t flags = platform_irq_save();
    claim_for_running_context();
    if (((uintptr_t)buffer & 15) == 0) {
        fxsave(buffer);
    } else {
        uint8_t aligned[PLATFORM_FPU_STATE_SIZE] __attribute__((aligned(16)));
        fxsave(aligned);
        memcpy(buffer, aligned, sizeof(aligned));
    }
    platform_irq_restore(flags);
}

/*
 * See rk/platform.h. The image is copied first, so any buffer (a user
 * signal frame's contents) is fine: MXCSR bits the CPU does not allow are
 * cleared rather than letting FXRSTOR raise #GP in the kernel.
 */
void platform_fpu_restore(const void *buffer)
{
    uint8_t image[PLATFORM_FPU_STATE_SIZE] __attribute__((aligned(16)));
    memcpy(image, buffer, sizeof(image));
    uint32_t mxcsr;
    memcpy(&mxcsr, image + MXCSR_OFFSET, sizeof(mxcsr));
    mxcsr &= mxcsr_writable_bits;
    memcpy(image + MXCSR_OFFSET, &mxcsr, sizeof(mxcsr));
    irq_flags_t flags = platform_irq_save();
    claim_for_running_context();
    fxrstor(image);
    platform_irq_restore(flags);
}

/* See rk/platform.h. */
void platform_fpu_reset(void)
{
    irq_flags_t flags = platform_irq_save();
    claim_for_running_context();
    fxrstor(clean_image);
    platform_irq_restore(flags);
}
