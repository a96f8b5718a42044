/*
 * cpu.c — processor features the kernel turns on at boot: x87/SSE for user
 * code (fpu.c), SYSCALL/SYSRET (user_mode.c), and SMEP/SMAP when CPUID
 * leaf 7 reports them. The Core never touches user memory through user
 * addresses (user copies go through platform_translate() and the direct
 * map), so SMAP needs no stac/clac anywhere: any kernel access to a user
 * page is a bug and faults.
 */
#include "x86.h"

#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)
#define CPUID_LEAF7_EBX_SMEP (1u << 7)
#define CPUID_LEAF7_EBX_SMAP (1u << 20)

/* CPUID leaf with sub-leaf 0; returns ebx (0 when the leaf does not exist). */
static uint32_t cpuid_ebx(uint32_t leaf)
{
    uint32_t eax, ebx, ecx, edx;
    __asm__ volatile("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(0), "c"(0));
    if (eax < leaf)
        return 0;
    __asm__ volatile("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(leaf), "c"(0));
    return ebx;
}

/* See x86.h. */
bool cpu_smap_enabled;

/* Turn SMEP/SMAP on when present and print one line saying which. */
static void enable_supervisor_protections(void)
{
    uint32_t features = cpuid_ebx(7);
    uint64_t cr4 = read_cr4();
    bool smep = (features & CPUID_LEAF7_EBX_SMEP) != 0;
    bool smap = (features & CPUID_LEAF7_EBX_SMAP) != 0;
    if (smep)
        cr4 |= CR4_SMEP;
    if (smap)
        cr4 |= CR4_SMAP;
    write_cr4(cr4);
    cpu_smap_enabled = smap;
    console_print("x86: SMEP ");
    console_print(smep ? "on" : "not available");
    console_print(", SMAP ");
    console_print(smap ? "on" : "not available");
    console_print("\n");
}

/* See x86.h. Boot, interrupts off, after the descriptors are loaded. */
void cpu_initialize(void)
{
    fpu_initialize();
    user_mode_initialize();
    enable_supervisor_protections();
}
