/*
 * system_info.c — uname, sethostname, setdomainname, getrandom and
 * sysinfo: what the system says about itself, in Linux's layouts.
 */
#include <rk/heap.h>
#include <rk/kernel.h>
#include <rk/page_alloc.h>
#include <rk/process.h>
#include <rk/spinlock.h>
#include <rk/string.h>
#include <rk/system.h>
#include <rk/timer.h>

#include "syscall_support.h"
#include "system_support.h"

#define UTS_LENGTH 65   /* __NEW_UTS_LEN + 1 */
#define UTS_NAME_MAX 64

/* struct new_utsname. */
struct user_utsname {
    char sysname[UTS_LENGTH];
    char nodename[UTS_LENGTH];
    char release[UTS_LENGTH];
    char version[UTS_LENGTH];
    char machine[UTS_LENGTH];
    char domainname[UTS_LENGTH];
};

/* The names sethostname/setdomainname set; "(none)" until then, as Linux. Guarded by names_lock. */
static char host_name[UTS_LENGTH] = "(none)";
static char domain_name[UTS_LENGTH] = "(none)";
static struct spinlock names_lock = SPINLOCK_INIT("uts names");

/* uname(utsname *). */
long sys_uname(const uint64_t arguments[6])
{
    struct user_utsname names;
    memset(&names, 0, sizeof names);
    rk_strlcpy(names.sysname, "Linux", sizeof names.sysname);
    rk_strlcpy(names.release, "6.1.0-ringkernel", sizeof names.release);
    rk_strlcpy(names.version, "#1 ringkernel " RINGKERNEL_VERSION, sizeof names.version);
    rk_strlcpy(names.machine, "x86_64", sizeof names.machine);
    spinlock_irq_state_t state = spin_lock_irqsave(&names_lock);
    memcpy(names.nodename, host_name, sizeof names.nodename);
    memcpy(names.domainname, domain_name, sizeof names.domainname);
    spin_unlock_irqrestore(&names_lock, state);
    return copy_to_user(ARGUMENT_ADDRESS(0), &names, sizeof names) < 0 ? -EFAULT : 0;
}

/*
 * Set one of the names from length bytes at address: -EINVAL when length
 * is negative or above 64, -EFAULT when the bytes cannot be read. The
 * name need not be NUL-terminated; it is stored with a terminator.
 */
static long name_set(char *name, uintptr_t address, int64_t length)
{
    if (length < 0 || length > UTS_NAME_MAX)
        return -EINVAL;
    char copy[UTS_LENGTH];
    if (copy_from_user(copy, address, (size_t)length) < 0)
        return -EFAULT;
    spinlock_irq_state_t state = spin_lock_irqsave(&names_lock);
    memset(name, 0, UTS_LENGTH);
    memcpy(name, copy, (size_t)length);
    spin_unlock_irqrestore(&names_lock, state);
    return 0;
}

/* sethostname(name, length): everyone is root (no EPERM). */
long sys_sethostname(const uint64_t arguments[6])
{
    return name_set(host_name, ARGUMENT_ADDRESS(0), (int64_t)(int)arguments[1]);
}

/* setdomainname(name, length). */
long sys_setdomainname(const uint64_t arguments[6])
{
    return name_set(domain_name, ARGUMENT_ADDRESS(0), (int64_t)(int)arguments[1]);
}

#define GRND_NONBLOCK 0x0001
#define GRND_RANDOM 0x0002
#define GRND_INSECURE 0x0004
#define GETRANDOM_CHUNK 256
#define READ_WRITE_LIMIT 0x7ffff000u   /* Linux's MAX_RW_COUNT */

/*
 * getrandom(buffer, length, flags): unknown flags and GRND_RANDOM with
 * GRND_INSECURE are -EINVAL; the pool is always "ready" so no flag ever
 * blocks. Returns the bytes written (at most MAX_RW_COUNT), or -EFAULT
 * when the first chunk cannot be written.
 */
long sys_getrandom(const uint64_t arguments[6])
{
    unsigned flags = ARGUMENT_UNSIGNED(2);
    if (flags & ~(unsigned)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
        return -EINVAL;
    if ((flags & (GRND_RANDOM | GRND_INSECURE)) == (GRND_RANDOM | GRND_INSECURE))
        return -EINVAL;
    size_t length = arguments[1] > READ_WRITE_LIMIT ? READ_WRITE_LIMIT : (size_t)arguments[1];
    uintptr_t address = ARGUMENT_ADDRESS(0);
    unsigned char bytes[GETRANDOM_CHUNK];
    size_t written = 0;
    while (written < length) {
        size_t chunk = length - written < sizeof bytes ? length - written : sizeof bytes;
        system_random_bytes(bytes, chunk);
        if (copy_to_user(address + written, bytes, chunk) < 0)
            return written > 0 ? (long)written : -EFAULT;
        written += chunk;
    }
    return (long)written;
}

/* struct sysinfo on x86_64 (112 bytes). */
struct user_sysinfo {
    int64_t uptime;
    uint64_t loads[3];
    uint64_t total_ram;
    uint64_t free_ram;
    uint64_t shared_ram;
    uint64_t buffer_ram;
    uint64_t total_swap;
    uint64_t free_swap;
    uint16_t processes;
    uint16_t padding;
    uint32_t padding2;
    uint64_t total_high;
    uint64_t free_high;
    uint32_t memory_unit;
    char reserved[4];
};
_Static_assert(sizeof(struct user_sysinfo) == 112, "struct sysinfo is 112 bytes on x86_64");

/* sysinfo(info): uptime in whole seconds (rounded up as Linux), memory in bytes (unit 1). */
long sys_sysinfo(const uint64_t arguments[6])
{
    struct system_memory_info memory;
    system_memory_info(&memory);
    struct user_sysinfo info;
    memset(&info, 0, sizeof info);
    uint64_t uptime = clock_now_ns();
    info.uptime = (int64_t)(uptime / 1000000000u + (uptime % 1000000000u ? 1 : 0));
    info.total_ram = memory.total_bytes;
    info.free_ram = memory.free_bytes;
    size_t processes = system_process_list(NULL, 0);
    info.processes = processes > 0xffff ? 0xffff : (uint16_t)processes;
    info.memory_unit = 1;
    return copy_to_user(ARGUMENT_ADDRESS(0), &info, sizeof info) < 0 ? -EFAULT : 0;
}
