/*
 * frame.c — Linux's x86_64 rt_sigframe: built on the user stack (or the
 * alternate stack) before a handler runs, read back by rt_sigreturn.
 *
 * Stack layout, from high to low addresses (Linux's get_sigframe):
 *   the interrupted rsp, the 128-byte red zone it may still use,
 *   the FXSAVE image (512 bytes, 64-byte aligned; sigcontext.fpstate),
 *   struct rt_sigframe { pretcode; ucontext; siginfo } with
 *   (frame + 8) % 16 == 0, so that at the handler's first instruction
 *   (rsp = frame, as if pretcode were its return address) the ABI holds.
 */
#include <stddef.h>
#include <rk/errno.h>
#include <rk/string.h>
#include <rk/usercopy.h>

#include "signal_internal.h"

/* asm/sigcontext.h: struct sigcontext (x86_64). */
struct linux_sigcontext {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp;
    uint64_t rip, eflags;
    uint16_t cs, gs, fs, ss;
    uint64_t err, trapno, oldmask, cr2;
    uint64_t fpstate;           /* user address of the FXSAVE image, 0 = none */
    uint64_t reserved1[8];
};

/* stack_t */
struct linux_stack {
    uint64_t sp;
    int32_t flags;
    int32_t padding;
    uint64_t size;
};

/* asm/ucontext.h: struct ucontext (the kernel's, sigset last). */
struct linux_ucontext {
    uint64_t flags;
    uint64_t link;
    struct linux_stack stack;
    struct linux_sigcontext mcontext;
    uint64_t sigmask;
};

/* arch/x86/include/asm/sigframe.h: struct rt_sigframe (64-bit). */
struct linux_rt_sigframe {
    uint64_t pretcode;
    struct linux_ucontext uc;
    unsigned char info[SIGNAL_INFO_SIZE];
};

_Static_assert(sizeof(struct linux_sigcontext) == 256, "sigcontext is 256 bytes");
_Static_assert(offsetof(struct linux_ucontext, mcontext) == 40, "uc_mcontext at 40");
_Static_assert(offsetof(struct linux_ucontext, sigmask) == 296, "uc_sigmask at 296");
_Static_assert(offsetof(struct linux_rt_sigframe, info) == 312, "siginfo at 312");
_Static_assert(sizeof(struct linux_rt_sigframe) == 440, "rt_sigframe is 440 bytes");

#define UC_SIGCONTEXT_SS 0x2
#define UC_STRICT_RESTORE_SS 0x4
#define RED_ZONE_SIZE 128

/* rflags bits */
#define FLAG_CF 0x1ull
#define FLAG_PF 0x4ull
#define FLAG_AF 0x10ull
#define FLAG_ZF 0x40ull
#define FLAG_SF 0x80ull
#define FLAG_TF 0x100ull
#define FLAG_DF 0x400ull
#define FLAG_OF 0x800ull
#define FLAG_NT 0x4000ull
#define FLAG_RF 0x10000ull
#define FLAG_AC 0x40000ull
/* What rt_sigreturn may change (Linux's FIX_EFLAGS). */
#define USER_CHANGEABLE_FLAGS                                                                \
    (FLAG_AC | FLAG_OF | FLAG_DF | FLAG_TF | FLAG_SF | FLAG_ZF | FLAG_AF | FLAG_PF | FLAG_CF | \
     FLAG_NT | FLAG_RF)

bool signal_on_alternate_stack(const struct thread *thread, uintptr_t sp)
{
    if (thread->signals.alternate_stack_flags & (int)SS_AUTODISARM)
        return false;
    uintptr_t base = thread->signals.alternate_stack;
    return sp > base && sp - base <= thread->signals.alternate_stack_size;
}

int signal_alternate_stack_flags(const struct thread *thread, uintptr_t sp)
{
    if (thread->signals.alternate_stack_size == 0)
        return SS_DISABLE;
    return signal_on_alternate_stack(thread, sp) ? SS_ONSTACK : 0;
}

int signal_alternate_stack_set(struct thread *thread, uintptr_t sp, uintptr_t stack_pointer,
                               int flags, size_t size)
{
    if (signal_on_alternate_stack(thread, sp))
        return -EPERM;
    int mode = flags & ~(int)SS_AUTODISARM;
    if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
        return -EINVAL;
    if (thread->signals.alternate_stack == stack_pointer &&
        thread->signals.alternate_stack_size == size && thread->signals.alternate_stack_flags == flags)
        return 0;
    if (mode == SS_DISABLE) {
        stack_pointer = 0;
        size = 0;
    } else if (size < MINSIGSTKSZ) {
        return -ENOMEM;
    }
    thread->signals.alternate_stack = stack_pointer;
    thread->signals.alternate_stack_size = size;
    thread->signals.alternate_stack_flags = flags;
    return 0;
}

/* Fill sigcontext from registers. */
static void save_registers(struct linux_sigcontext *context, const struct user_registers *registers)
{
    context->r8 = registers->r8;
    context->r9 = registers->r9;
    context->r10 = registers->r10;
    context->r11 = registers->r11;
    context->r12 = registers->r12;
    context->r13 = registers->r13;
    context->r14 = registers->r14;
    context->r15 = registers->r15;
    context->rdi = registers->rdi;
    context->rsi = registers->rsi;
    context->rbp = registers->rbp;
    context->rbx = registers->rbx;
    context->rdx = registers->rdx;
    context->rax = registers->rax;
    context->rcx = registers->rcx;
    context->rsp = registers->rsp;
    context->rip = registers->rip;
    context->eflags = registers->rflags;
    context->cs = (uint16_t)registers->cs;
    context->ss = (uint16_t)registers->ss;
}

int signal_frame_setup(struct user_registers *registers, int signal,
                       const struct signal_action *action, const struct signal_info *info,
                       uint64_t old_blocked)
{
    struct thread *thread = thread_current();
    if (!(action->flags & SA_RESTORER))
        return -EFAULT; /* x86_64 has no vDSO restorer: Linux refuses too */
    uintptr_t user_sp = registers->rsp;
    uintptr_t sp = user_sp - RED_ZONE_SIZE;
    bool switched = false;
    if ((action->flags & SA_ONSTACK) && signal_alternate_stack_flags(thread, user_sp) == 0) {
        sp = thread->signals.alternate_stack + thread->signals.alternate_stack_size;
        switched = true;
    }
    uintptr_t fpstate = (sp - PLATFORM_FPU_STATE_SIZE) & ~(uintptr_t)63;
    uintptr_t frame_address = fpstate - sizeof(struct linux_rt_sigframe);
    frame_address = ((frame_address + 8) & ~(uintptr_t)15) - 8;
    if (frame_address > sp)
        return -EFAULT; /* wrapped around */
    if (switched && !(frame_address > thread->signals.alternate_stack))
        return -EFAULT; /* the alternate stack is too small: Linux's overflow check */

    struct linux_rt_sigframe frame;
    memset(&frame, 0, sizeof frame);
    frame.pretcode = action->restorer;
    frame.uc.flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
    frame.uc.stack.sp = thread->signals.alternate_stack;
    frame.uc.stack.flags = signal_alternate_stack_flags(thread, user_sp);
    frame.uc.stack.size = thread->signals.alternate_stack_size;
    save_registers(&frame.uc.mcontext, registers);
    frame.uc.mcontext.err = info->error_code;
    frame.uc.mcontext.trapno = (uint64_t)info->trap_number;
    frame.uc.mcontext.cr2 = info->address;
    frame.uc.mcontext.oldmask = old_blocked;
    frame.uc.mcontext.fpstate = fpstate;
    frame.uc.sigmask = old_blocked;
    if (action->flags & SA_SIGINFO)
        signal_info_to_linux(info, frame.info);

    unsigned char fpu[PLATFORM_FPU_STATE_SIZE] __attribute__((aligned(64)));
    platform_fpu_save(fpu);
    if (copy_to_user(fpstate, fpu, sizeof fpu) < 0 ||
        copy_to_user(frame_address, &frame, sizeof frame) < 0)
        return -EFAULT;

    if (switched && (thread->signals.alternate_stack_flags & (int)SS_AUTODISARM)) {
        thread->signals.alternate_stack = 0;
        thread->signals.alternate_stack_size = 0;
        thread->signals.alternate_stack_flags = SS_DISABLE;
    }
    registers->rdi = (uint64_t)signal;
    registers->rsi = frame_address + offsetof(struct linux_rt_sigframe, info);
    registers->rdx = frame_address + offsetof(struct linux_rt_sigframe, uc);
    registers->rax = 0;
    registers->rsp = frame_address;
    registers->rip = action->handler;
    registers->rflags &= ~(FLAG_DF | FLAG_RF | FLAG_TF);
    platform_fpu_reset(); /* the handler starts with a clean FPU, as on Linux */
    return 0;
}

int signal_frame_restore(struct user_registers *registers)
{
    struct thread *thread = thread_current();
    uintptr_t frame_address = registers->rsp - 8; /* the handler's ret popped pretcode */
    struct linux_rt_sigframe frame;
    if (copy_from_user(&frame, frame_address, sizeof frame) < 0)
        return -EFAULT;
    const struct linux_sigcontext *context = &frame.uc.mcontext;
    unsigned char fpu[PLATFORM_FPU_STATE_SIZE] __attribute__((aligned(64)));
    if (context->fpstate) {
        if (context->fpstate & 15)
            return -EFAULT; /* FXRSTOR needs 16-byte alignment: a bad frame */
        if (copy_from_user(fpu, context->fpstate, sizeof fpu) < 0)
            return -EFAULT;
    }

    signal_set_blocked(thread, frame.uc.sigmask);
    registers->r8 = context->r8;
    registers->r9 = context->r9;
    registers->r10 = context->r10;
    registers->r11 = context->r11;
    registers->r12 = context->r12;
    registers->r13 = context->r13;
    registers->r14 = context->r14;
    registers->r15 = context->r15;
    registers->rdi = context->rdi;
    registers->rsi = context->rsi;
    registers->rbp = context->rbp;
    registers->rbx = context->rbx;
    registers->rdx = context->rdx;
    registers->rax = context->rax;
    registers->rcx = context->rcx;
    registers->rsp = context->rsp;
    registers->rip = context->rip;
    registers->rflags = (registers->rflags & ~USER_CHANGEABLE_FLAGS) |
                        (context->eflags & USER_CHANGEABLE_FLAGS);
    registers->orig_rax = (uint64_t)-1; /* no syscall restart after this */
    /* cs, ss keep the user selectors; fs_base and gs_base are not in the frame. */
    if (context->fpstate)
        platform_fpu_restore(fpu);
    else
        platform_fpu_reset();
    /* Errors other than EFAULT are ignored, as Linux's restore_altstack does. */
    signal_alternate_stack_set(thread, registers->rsp, frame.uc.stack.sp, frame.uc.stack.flags,
                               frame.uc.stack.size);
    return 0;
}
