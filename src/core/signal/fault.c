/*
 * fault.c — CPU faults taken in user mode become signals: page faults the
 * memory manager cannot resolve (SIGSEGV, SIGBUS, or SIGKILL when memory
 * ran out), #GP, #UD, #DE, #BP, #DB, #MF/#XM and #AC. Delivery happens on the way back to
 * user mode (core_return_to_user), like Linux's force_sig_fault.
 */
#include <rk/errno.h>
#include <rk/klog.h>
#include <rk/mm.h>

#include "signal_internal.h"

/* x86 page-fault error code bits */
#define PAGE_FAULT_WRITE (1u << 1)
#define PAGE_FAULT_INSTRUCTION (1u << 4)

/* Force signal on the running thread with the fault's facts. */
static void force_fault(int signal, int code, uintptr_t address, const struct platform_fault *fault)
{
    struct thread *thread = thread_current();
    if (!thread || !thread->process)
        return;
    struct signal_info info = { .signal = signal, .code = code, .address = address };
    if (fault) {
        info.trap_number = (int)fault->vector;
        info.error_code = fault->error_code;
    }
    signal_force(thread, signal, &info);
}

void signal_force_fault(int signal, int code, uintptr_t address)
{
    force_fault(signal, code, address, NULL);
}

/* The signal a page fault the memory manager refused becomes. */
static void page_fault_signal(const struct platform_fault *fault, int error)
{
    switch (error) {
    case -EACCES:
        force_fault(SIGSEGV, SEGV_ACCERR, fault->address, fault);
        break;
    case -EIO:
        force_fault(SIGBUS, BUS_ADRERR, fault->address, fault);
        break;
    case -ENOMEM:
        klog(KLOG_WARNING, "pid %d: out of memory at a page fault: killed",
             process_current() ? process_current()->pid : 0);
        force_fault(SIGKILL, SI_KERNEL, 0, fault);
        break;
    default: /* -EFAULT and anything unexpected */
        force_fault(SIGSEGV, SEGV_MAPERR, fault->address, fault);
        break;
    }
}

enum platform_fault_action signal_user_fault(const struct platform_fault *fault)
{
    struct process *process = process_current();
    if (!process || !process->mm)
        return PLATFORM_FAULT_FATAL;
    switch (fault->kind) {
    case PLATFORM_FAULT_PAGE: {
        unsigned access = MM_ACCESS_READ;
        if (fault->error_code & PAGE_FAULT_WRITE)
            access = MM_ACCESS_WRITE;
        else if (fault->error_code & PAGE_FAULT_INSTRUCTION)
            access = MM_ACCESS_EXECUTE;
        int error = mm_handle_fault(process->mm, fault->address, access);
        if (error < 0)
            page_fault_signal(fault, error);
        break;
    }
    case PLATFORM_FAULT_GENERAL_PROTECTION:
        force_fault(SIGSEGV, SI_KERNEL, 0, fault);
        break;
    case PLATFORM_FAULT_INVALID_OPCODE:
        force_fault(SIGILL, ILL_ILLOPN, fault->instruction_pointer, fault);
        break;
    case PLATFORM_FAULT_DIVIDE:
        force_fault(SIGFPE, FPE_INTDIV, fault->instruction_pointer, fault);
        break;
    case PLATFORM_FAULT_BREAKPOINT:
        force_fault(SIGTRAP, SI_KERNEL, 0, fault);
        break;
    case PLATFORM_FAULT_DEBUG: /* Linux: single step (TF) is the usual cause */
        force_fault(SIGTRAP, TRAP_TRACE, fault->instruction_pointer, fault);
        break;
    case PLATFORM_FAULT_FLOATING_POINT:
        force_fault(SIGFPE, fault->floating_point_code, fault->instruction_pointer, fault);
        break;
    case PLATFORM_FAULT_ALIGNMENT:
        force_fault(SIGBUS, BUS_ADRALN, 0, fault);
        break;
    default:
        force_fault(SIGSEGV, SI_KERNEL, 0, fault);
        break;
    }
    return PLATFORM_FAULT_RESUME;
}
