/*
 * panic.c — panic(), WARN() and symbolized backtraces.
 */
#include <rk/format.h>
#include <rk/klog.h>
#include <rk/panic.h>
#include <rk/platform.h>

#define BACKTRACE_DEPTH 24

static unsigned long warnings;
static int panic_depth;

void backtrace_print(uintptr_t frame_pointer)
{
    uintptr_t frames[BACKTRACE_DEPTH];
    size_t count = platform_backtrace(frame_pointer, frames, BACKTRACE_DEPTH);
    console_printf("backtrace:\n");
    for (size_t i = 0; i < count; i++) {
        uintptr_t offset = 0;
        const char *name = platform_symbolize(frames[i], &offset);
        if (name)
            console_printf("  #%zu %p %s+0x%lx\n", i, (void *)frames[i], name, (unsigned long)offset);
        else
            console_printf("  #%zu %p ?\n", i, (void *)frames[i]);
    }
}

void panic(const char *format, ...)
{
    platform_irq_disable();
    if (++panic_depth > 1) {
        console_printf("\nnested panic, halting\n");
        platform_halt();
    }
    char message[256];
    va_list arguments;
    va_start(arguments, format);
    rk_vsnprintf(message, sizeof message, format, arguments);
    va_end(arguments);
    console_printf("\nKERNEL PANIC: %s\n", message);
    backtrace_print(0);
    platform_halt();
}

void warn_at(const char *file, int line, const char *format, ...)
{
    char message[200];
    va_list arguments;
    va_start(arguments, format);
    rk_vsnprintf(message, sizeof message, format, arguments);
    va_end(arguments);
    warnings++;
    klog(KLOG_WARNING, "WARNING at %s:%d: %s", file, line, message);
    if (klog_console_level() >= KLOG_WARNING)
        backtrace_print(0);
}

unsigned long warning_count(void) { return warnings; }
