/*
 * reboot.c — reboot(2): the magic numbers, then power off, halt (which
 * powers off too: a halted QEMU is of no use), restart, and the
 * Ctrl-Alt-Del switches (accepted, nothing to do).
 */
#include <rk/containment.h>
#include <rk/klog.h>
#include <rk/platform.h>

#include "syscall_support.h"
#include "system_support.h"

#define REBOOT_MAGIC1 0xfee1deadu
#define REBOOT_MAGIC2 672274793u
#define REBOOT_MAGIC2A 85072278u
#define REBOOT_MAGIC2B 369367448u
#define REBOOT_MAGIC2C 537993216u

#define REBOOT_CMD_RESTART 0x01234567u
#define REBOOT_CMD_HALT 0xCDEF0123u
#define REBOOT_CMD_CAD_ON 0x89ABCDEFu
#define REBOOT_CMD_CAD_OFF 0x00000000u
#define REBOOT_CMD_POWER_OFF 0x4321FEDCu
#define REBOOT_CMD_RESTART2 0xA1B2C3D4u
#define REBOOT_CMD_SW_SUSPEND 0xD000FCE2u
#define REBOOT_CMD_KEXEC 0x45584543u

/* Print Linux's last line on the console. */
static void reboot_say(const char *text)
{
    console_printf("reboot: %s\n", text);
}

/*
 * reboot(magic1, magic2, command, argument): -EINVAL for wrong magic or an
 * unknown command; software suspend is -ENOSYS (no hibernation), kexec
 * -EINVAL (nothing loaded), as on a Linux built without them.
 */
long sys_reboot(const uint64_t arguments[6])
{
    unsigned magic1 = ARGUMENT_UNSIGNED(0), magic2 = ARGUMENT_UNSIGNED(1);
    unsigned command = ARGUMENT_UNSIGNED(2);
    if (magic1 != REBOOT_MAGIC1 ||
        (magic2 != REBOOT_MAGIC2 && magic2 != REBOOT_MAGIC2A && magic2 != REBOOT_MAGIC2B &&
         magic2 != REBOOT_MAGIC2C))
        return -EINVAL;
    switch (command) {
    case REBOOT_CMD_CAD_ON:
    case REBOOT_CMD_CAD_OFF:
        return 0;
    case REBOOT_CMD_POWER_OFF:
    case REBOOT_CMD_HALT:
        reboot_say("Power down");
        containment_report();
        platform_power_off(0);
    case REBOOT_CMD_RESTART:
    case REBOOT_CMD_RESTART2:
        reboot_say("Restarting system");
        containment_report();
        platform_restart();
    case REBOOT_CMD_SW_SUSPEND:
        return -ENOSYS;
    case REBOOT_CMD_KEXEC:
        return -EINVAL;
    default:
        return -EINVAL;
    }
}
