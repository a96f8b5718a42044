/*
 * context.c — kernel execution contexts on the hosted backend.
 *
 * Creation uses ucontext: makecontext() a trampoline on the new stack and
 * swapcontext() into it once. The trampoline immediately saves itself in
 * the fast-switch format (hosted_context_save_and_leave) and returns to the
 * creator with setcontext(). Every later switch is the assembly
 * hosted_context_switch_stacks(), which costs no syscall; the first switch
 * into a new context resumes the trampoline, which enables interrupts and
 * calls entry(argument).
 *
 * The bookkeeping record (entry, argument, the creation ucontext) lives at
 * the top of the context's own stack, as platform.h allows.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

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
    ucontext_t creation_context;     /* only used while creating */
    const ucontext_t *creator;       /* only valid while creating */
    struct platform_context *context;
    platform_context_entry_fn entry;
    void *argument;
    uintptr_t stack_base;
    size_t stack_size;
    struct user_registers user_registers; /* the thread's user state (user_mode.c) */
} __attribute__((aligned(64)));

/* Smallest stack we accept: the record plus room for the trampoline. */
#define HOSTED_CONTEXT_MINIMUM_STACK (sizeof(struct hosted_context_record) + 2048)

/* The record of the context being created (makecontext passes only ints). */
static struct hosted_context_record *record_being_created;
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
 * First code on a new stack. Saves itself for the fast switch and goes back
 * to the creator; resumed by the first switch into the context.
 */
static void context_trampoline(void)
{
    struct hosted_context_record *record = record_being_created;

    hosted_context_save_and_leave(&record->context->stack_pointer, record->creator);

    /* Resumed: the switch that got here ran with interrupts disabled. */
#ifdef HOSTED_ADDRESS_SANITIZER
    __sanitizer_finish_switch_fiber(NULL, NULL, NULL);
#endif
    hosted_interrupts_enabled = true;
    record->entry(record->argument);
    context_fatal("a context entry function returned");
}

/* See rk/platform.h. Not reentrant (the hosted machine has one CPU). */
void platform_context_create(struct platform_context *context, void *stack_base,
                             size_t stack_size, platform_context_entry_fn entry,
                             void *argument)
{
    if (context == NULL || stack_base == NULL || entry == NULL)
        context_fatal("platform_context_create: NULL argument");
    if (stack_size < HOSTED_CONTEXT_MINIMUM_STACK)
        context_fatal("platform_context_create: stack too small");

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

    ucontext_t creator;
    if (getcontext(&record->creation_context) != 0)
        context_fatal("getcontext failed");
    record->creation_context.uc_stack.ss_sp = stack_base;
    record->creation_context.uc_stack.ss_size = record_address - base;
    record->creation_context.uc_link = NULL;
    makecontext(&record->creation_context, context_trampoline, 0);
    /* End the frame-pointer chain in the trampoline, not in the creator's stack. */
    record->creation_context.uc_mcontext.gregs[REG_RBP] = 0;
    record->creator = &creator;

    record_being_created = record;
    if (swapcontext(&creator, &record->creation_context) != 0)
        context_fatal("swapcontext failed");
    record_being_created = NULL;
    record->creator = NULL;

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
 * See rk/platform.h. Host memory of its own (not the arena), with the page
 * below the stack made inaccessible, so an overflow is a SIGSEGV that the
 * fault handler (on its alternate stack) reports.
 */
void *platform_kernel_stack_alloc(size_t size)
{
    if (size == 0 || size % PAGE_SIZE != 0 || size > PLATFORM_KERNEL_STACK_MAX)
        return NULL;
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

/* See rk/platform.h. */
void platform_kernel_stack_free(void *stack, size_t size)
{
    if (stack)
        munmap((char *)stack - PAGE_SIZE, size + PAGE_SIZE);
}
