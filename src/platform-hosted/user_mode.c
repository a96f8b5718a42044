/*
 * user_mode.c — the user-mode half of the platform API on the hosted
 * backend, where no user code runs: platform_user_enter() calls the test's
 * installed program (hosted.h), which makes its syscalls through
 * hosted_user_syscall() — the same core_syscall() / core_return_to_user()
 * sequence as the x86 SYSCALL path. The FPU calls have per-call no-op
 * semantics (the context switch already keeps MXCSR and the x87 control
 * word per context), and a restart ends the process.
 */
#include <string.h>

#include "hosted.h"
#include "hosted_internal.h"

#define USER_CODE_SELECTOR 0x2bu   /* the x86 backend's 64-bit user code, RPL 3 */
#define USER_DATA_SELECTOR 0x23u   /* its user data, RPL 3 */
#define USER_INITIAL_RFLAGS 0x202u /* IF and the always-one bit */
#define SYSCALL_EXIT_GROUP 231
#define FXSAVE_CONTROL_WORD_DEFAULT 0x037fu
#define FXSAVE_MXCSR_DEFAULT 0x1f80u
#define FXSAVE_MXCSR_OFFSET 24
#define FXSAVE_MXCSR_MASK_OFFSET 28
#define FXSAVE_MXCSR_MASK 0xffffu

static hosted_user_program installed_program;
/* The user frame of a context without a record (the boot context). */
static struct user_registers boot_user_registers;

/* Report a broken contract and stop the machine (exit status 70 or the exit handler). */
static _Noreturn void user_mode_fatal(const char *message)
{
    hosted_write_text("hosted: ");
    hosted_write_text(message);
    hosted_write_text("\n");
    platform_halt();
}

/* See hosted_internal.h. */
void hosted_user_mode_reset(void)
{
    installed_program = NULL;
}

/* See hosted.h. */
void hosted_set_user_program(hosted_user_program program)
{
    installed_program = program;
}

/* See hosted.h. */
long hosted_user_syscall_array(struct user_registers *registers, const long call[7])
{
    registers->rax = (uint64_t)call[0];
    registers->orig_rax = (uint64_t)call[0];
    registers->rdi = (uint64_t)call[1];
    registers->rsi = (uint64_t)call[2];
    registers->rdx = (uint64_t)call[3];
    registers->r10 = (uint64_t)call[4];
    registers->r8 = (uint64_t)call[5];
    registers->r9 = (uint64_t)call[6];
    registers->rcx = registers->rip;
    registers->r11 = registers->rflags;
    platform_irq_enable();
    core_syscall(registers);
    core_return_to_user(registers);
    platform_irq_enable();
    return (long)registers->rax;
}

/* The "user mode" of a thread: its program, then exit_group(0). Never returns. */
static void user_mode_run(void *argument)
{
    struct user_registers *registers = argument;
    hosted_user_program program = installed_program;
    platform_irq_enable();
    program(registers);
    hosted_user_syscall(registers, SYSCALL_EXIT_GROUP, 0);
    user_mode_fatal("exit_group returned to a user program that had finished");
}

/*
 * See rk/platform.h and hosted.h. On a context created by
 * platform_context_create() the registers go into its record and the
 * stack restarts just below it; the boot context keeps its stack.
 */
_Noreturn void platform_user_enter(const struct user_registers *registers)
{
    if (installed_program == NULL)
        user_mode_fatal("platform_user_enter: no user program installed "
                        "(the hosted backend runs none; tests use hosted_set_user_program)");
    if (hosted_in_interrupt())
        user_mode_fatal("platform_user_enter in interrupt context");
    struct user_registers *frame = hosted_context_user_frame();
    if (frame == NULL) {
        boot_user_registers = *registers;
        user_mode_run(&boot_user_registers);
    }
    memmove(frame, registers, sizeof(*frame));
    hosted_context_restart_stack(user_mode_run, frame);
}

/* See rk/platform.h: as on x86. */
void platform_user_registers_init(struct user_registers *registers,
                                  uintptr_t instruction_pointer, uintptr_t stack_pointer)
{
    memset(registers, 0, sizeof(*registers));
    registers->rip = instruction_pointer;
    registers->rsp = stack_pointer;
    registers->cs = USER_CODE_SELECTOR;
    registers->ss = USER_DATA_SELECTOR;
    registers->rflags = USER_INITIAL_RFLAGS;
}

/* See rk/platform.h. Hosted: no user FPU state exists; the image is a clean one. */
void platform_fpu_save(void *buffer)
{
    uint8_t *image = buffer;
    memset(image, 0, PLATFORM_FPU_STATE_SIZE);
    uint16_t control_word = FXSAVE_CONTROL_WORD_DEFAULT;
    uint32_t mxcsr = FXSAVE_MXCSR_DEFAULT, mxcsr_mask = FXSAVE_MXCSR_MASK;
    memcpy(image, &control_word, sizeof(control_word));
    memcpy(image + FXSAVE_MXCSR_OFFSET, &mxcsr, sizeof(mxcsr));
    memcpy(image + FXSAVE_MXCSR_MASK_OFFSET, &mxcsr_mask, sizeof(mxcsr_mask));
}

/* See rk/platform.h. Hosted: nothing to load. */
void platform_fpu_restore(const void *buffer)
{
    (void)buffer;
}

/* See rk/platform.h. Hosted: nothing to reset. */
void platform_fpu_reset(void)
{
}

/* See rk/platform.h. Hosted: the process exits with status 0 (or the test's exit handler runs). */
_Noreturn void platform_restart(void)
{
    platform_power_off(0);
}
