/*
 * context.c — kernel execution contexts on the hosted backend.
 *
 * Every switch is the assembly hosted_context_switch_stacks(), which costs
 * no syscall (glibc's swapcontext costs signal-mask syscalls). A new
 * context's stack starts with a switch frame built here whose return
 * address is hosted_context_first_entry, so the first switch into it calls
 * context_start(), which enables interrupts and calls entry(argument).
 *
 * The bookkeeping record (entry, argument, the thread's user registers)
 * lives at the top of the context's own stack, as platform.h allows.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "hosted.h"
#include "hosted_internal.h"

/*
 * AddressSanitizer builds (the fuzzers) are told about every stack switch,
 * so ASan knows which stack is current (no false reports, and noreturn
 * calls unpoison the right stack).
 */
#if defined(__SANITIZE_ADDRESS__)
#define HOSTED_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HOSTED_ADDRESS_SANITIZER 1
#endif
#endif
#ifdef HOSTED_ADDRESS_SANITIZER
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

/* Kept at the top of each context's stack. */
struct hosted_context_record {
    struct platform_context *context;
    platform_context_entry_fn entry;
    void *argument;
    uintptr_t stack_base;
    size_t stack_size;
    struct user_registers user_registers; /* the thread's user state (user_mode.c) */
} __attribute__((aligned(64)));

/* Smallest stack we accept: the record plus room for the trampoline. */
#define HOSTED_CONTEXT_MINIMUM_STACK (sizeof(struct hosted_context_record) + 2048)

/* The record of the running context; NULL for one created elsewhere (the boot context). */
static struct hosted_context_record *running_record;

/* Report a broken contract and stop the machine; used where the API has no error return. */
static _Noreturn void context_fatal(const char *message)
{
    hosted_write_text("hosted: ");
    hosted_write_text(message);
    hosted_write_text("\n");
    platform_halt();
}

/*
 * First C code on a new stack, reached from hosted_context_first_entry by
 * the first switch into the context (which ran with interrupts disabled).
 */
static _Noreturn void context_start(struct hosted_context_record *record)
{
#ifdef HOSTED_ADDRESS_SANITIZER
    __sanitizer_finish_switch_fiber(NULL, NULL, NULL);
#endif
    hosted_interrupts_enabled = true;
    record->entry(record->argument);
    context_fatal("a context entry function returned");
}

/* The switch frame of context_switch.S, as a new context's stack starts with it. */
struct initial_switch_frame {
    uint32_t mxcsr;
    uint16_t x87_control_word;
    uint16_t padding[5];
    uint64_t r15, r14, r13, r12, rbx, rbp;
    uint64_t return_address;
};
_Static_assert(sizeof(struct initial_switch_frame) == 72, "the frame context_switch.S pops");

#define INITIAL_MXCSR 0x1f80u            /* all exceptions masked, round to nearest */
#define INITIAL_X87_CONTROL_WORD 0x037fu /* the same for x87 */

/*
 * See rk/platform.h. The new stack gets a switch frame whose return
 * address is hosted_context_first_entry, with the record in rbx and
 * context_start in r12: no ucontext calls (each costs signal-mask syscalls).
 */
void platform_context_create(struct platform_context *context, void *stack_base,
                             size_t stack_size, platform_context_entry_fn entry,
                             void *argument)
{
    if (context == NULL || stack_base == NULL || entry == NULL)
        context_fatal("platform_context_create: NULL argument");
    if (stack_size < HOSTED_CONTEXT_MINIMUM_STACK)
        context_fatal("platform_context_create: stack too small");

#ifdef HOSTED_ADDRESS_SANITIZER
    /* Frames an earlier context left poisoned here (it never returned) are gone. */
    __asan_unpoison_memory_region(stack_base, stack_size);
#endif
    uintptr_t base = (uintptr_t)stack_base;
    uintptr_t record_address = (base + stack_size - sizeof(struct hosted_context_record)) &
                               ~(uintptr_t)63;
    struct hosted_context_record *record = (struct hosted_context_record *)record_address;
    memset(record, 0, sizeof(*record));
    record->context = context;
    record->entry = entry;
    record->argument = argument;
    record->stack_base = base;
    record->stack_size = stack_size;

    struct initial_switch_frame *frame =
        (struct initial_switch_frame *)((record_address - sizeof(*frame)) & ~(uintptr_t)15);
    memset(frame, 0, sizeof(*frame));
    frame->mxcsr = INITIAL_MXCSR;
    frame->x87_control_word = INITIAL_X87_CONTROL_WORD;
    frame->rbx = (uint64_t)record_address;
    frame->r12 = (uint64_t)(uintptr_t)context_start;
    frame->rbp = 0; /* ends the frame-pointer chain */
    frame->return_address = (uint64_t)(uintptr_t)hosted_context_first_entry;
    context->stack_pointer = (uintptr_t)frame;

    context->backend = record;
    hosted_stack_register(base, stack_size);
}

/*
 * See rk/platform.h. The interrupt flag of from is kept in this frame and
 * restored when from is resumed; a new context starts with interrupts on.
 */
void platform_context_switch(struct platform_context *from, struct platform_context *to)
{
    bool interrupts_were_enabled = hosted_interrupts_enabled;
    running_record = to->backend;
#ifdef HOSTED_ADDRESS_SANITIZER
    /* A context without a record runs on the boot stack (the boot thread, a test's main). */
    const struct hosted_context_record *record = to->backend;
    uintptr_t bottom = 0;
    size_t size = 0;
    if (record != NULL) {
        bottom = record->stack_base;
        size = record->stack_size;
    } else {
        hosted_boot_stack_bounds(&bottom, &size);
    }
    void *fake_stack = NULL;
    __sanitizer_start_switch_fiber(&fake_stack, (const void *)bottom, size);
    hosted_context_switch_stacks(&from->stack_pointer, to->stack_pointer);
    __sanitizer_finish_switch_fiber(fake_stack, NULL, NULL);
#else
    hosted_context_switch_stacks(&from->stack_pointer, to->stack_pointer);
#endif
    hosted_interrupts_enabled = interrupts_were_enabled;
}

/* See hosted_internal.h. */
struct user_registers *hosted_context_user_frame(void)
{
    return running_record != NULL ? &running_record->user_registers : NULL;
}

/*
 * See hosted_internal.h. The abandoned frames' sanitizer state is cleared
 * first (they never return), like before any noreturn call.
 */
_Noreturn void hosted_context_restart_stack(void (*function)(void *), void *argument)
{
    struct hosted_context_record *record = running_record;
    if (record == NULL)
        context_fatal("hosted_context_restart_stack on a context without its own stack");
#ifdef HOSTED_ADDRESS_SANITIZER
    __asan_unpoison_memory_region((void *)record->stack_base,
                                  (uintptr_t)record - record->stack_base);
#endif
    hosted_run_on_stack((uintptr_t)record & ~(uintptr_t)15, function, argument);
}

/* See hosted_internal.h: the boot context runs again (a new test boot). */
void hosted_context_reset(void)
{
    running_record = NULL;
}

/* See rk/platform.h: forget the stack; in ASan builds clear its stale frame poisoning. */
void platform_context_destroy(struct platform_context *context, void *stack_base,
                              size_t stack_size)
{
    hosted_stack_unregister((uintptr_t)stack_base);
#ifdef HOSTED_ADDRESS_SANITIZER
    __asan_unpoison_memory_region(stack_base, stack_size);
#endif
    context->stack_pointer = 0;
    context->backend = NULL;
}

/*
 * Kernel stacks: host memory of their own (not the arena), each with the
 * page below it inaccessible, so an overflow is a SIGSEGV that the fault
 * handler (on its alternate stack) reports. Freed stacks are kept for
 * reuse (mapping, guarding and faulting in a fresh stack costs more than
 * the thread that uses it), and a reboot takes back every stack the
 * previous kernel still had: the Core forgets its threads then.
 */
struct stack_region {
    char *stack;                 /* the usable part, above the guard page */
    size_t size;
    bool in_use;
    struct stack_region *next;   /* every region, in use or free */
};

#define STACK_POOL_KEEP 256      /* free regions kept for reuse; more are unmapped */

static struct stack_region *stack_regions;
static size_t free_stack_regions;

/* A fresh guarded mapping of size bytes; NULL when the host refuses. */
static char *stack_map(size_t size)
{
    char *region = mmap(NULL, size + PAGE_SIZE, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (region == MAP_FAILED)
        return NULL;
    if (mprotect(region, PAGE_SIZE, PROT_NONE) != 0) {
        munmap(region, size + PAGE_SIZE);
        return NULL;
    }
    return region + PAGE_SIZE;
}

/* Clear what ASan knows about a stack's old frames before it is used again. */
static void stack_forget_frames(struct stack_region *region)
{
#ifdef HOSTED_ADDRESS_SANITIZER
    __asan_unpoison_memory_region(region->stack, region->size);
#else
    (void)region;
#endif
}

/* Unmap free regions beyond STACK_POOL_KEEP. */
static void stack_pool_trim(void)
{
    for (struct stack_region **link = &stack_regions; *link && free_stack_regions > STACK_POOL_KEEP;) {
        struct stack_region *region = *link;
        if (region->in_use) {
            link = &region->next;
            continue;
        }
        *link = region->next;
        munmap(region->stack - PAGE_SIZE, region->size + PAGE_SIZE);
        free(region);
        free_stack_regions--;
    }
}

/* See rk/platform.h. */
void *platform_kernel_stack_alloc(size_t size)
{
    if (size == 0 || size % PAGE_SIZE != 0 || size > PLATFORM_KERNEL_STACK_MAX)
        return NULL;
    for (struct stack_region *region = stack_regions; region; region = region->next) {
        if (!region->in_use && region->size == size) {
            region->in_use = true;
            free_stack_regions--;
            memset(region->stack, 0, size); /* as a fresh mapping: nothing of its last thread shows */
            return region->stack;
        }
    }
    struct stack_region *region = malloc(sizeof *region);
    if (region == NULL)
        return NULL;
    region->stack = stack_map(size);
    if (region->stack == NULL) {
        free(region);
        return NULL;
    }
    region->size = size;
    region->in_use = true;
    region->next = stack_regions;
    stack_regions = region;
    return region->stack;
}

/* See rk/platform.h. */
void platform_kernel_stack_free(void *stack, size_t size)
{
    if (stack == NULL)
        return;
    for (struct stack_region **link = &stack_regions; *link; link = &(*link)->next) {
        struct stack_region *region = *link;
        if (region->stack != stack)
            continue;
        if (!region->in_use || region->size != size)
            context_fatal("platform_kernel_stack_free: a stack freed twice or with another size");
        stack_forget_frames(region);
        region->in_use = false;
        free_stack_regions++;
        stack_pool_trim();
        return;
    }
    context_fatal("platform_kernel_stack_free: not a kernel stack");
}

/* See hosted_internal.h. Called from a boot, on the host's own stack (never a pooled one). */
void hosted_kernel_stacks_reclaim(void)
{
    for (struct stack_region *region = stack_regions; region; region = region->next) {
        if (region->in_use) {
            hosted_stack_unregister((uintptr_t)region->stack);
            stack_forget_frames(region);
            region->in_use = false;
            free_stack_regions++;
        }
    }
    stack_pool_trim();
}

/* See hosted.h. */
size_t hosted_kernel_stacks_pooled(size_t *in_use)
{
    size_t all = 0, used = 0;
    for (struct stack_region *region = stack_regions; region; region = region->next) {
        all++;
        used += region->in_use;
    }
    if (in_use)
        *in_use = used;
    return all;
}
