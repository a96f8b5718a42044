/*
 * boot.S — Multiboot v1 entry: from 32-bit protected mode (paging off) to
 * 64-bit long mode in the higher half, then x86_boot_main().
 *
 * The kernel is linked at KERNEL_VIRTUAL_BASE + physical and loaded at
 * physical 1 MiB. The header uses the "a.out kludge" address fields (flag
 * bit 16) because QEMU's multiboot loader refuses ELF64 images otherwise;
 * linker.ld lays the file out so that file offsets follow physical
 * addresses from the header on.
 *
 * Early page tables (6 frames in .bss): one PML4 whose entries 0 and 511
 * both point to one PDPT; PDPT[0..3] identity-map 0..4 GiB and PDPT[510..511]
 * map KERNEL_VIRTUAL_BASE..+2 GiB to physical 0..2 GiB, all with 2 MiB pages.
 * paging.c replaces them before the Core runs.
 */

#define KERNEL_VIRTUAL_BASE 0xffffffff80000000
#define PHYSICAL(symbol) ((symbol) - KERNEL_VIRTUAL_BASE)

#define MULTIBOOT_HEADER_MAGIC 0x1BADB002
/* bit 0: page-align modules, bit 1: memory information, bit 16: address fields */
#define MULTIBOOT_HEADER_FLAGS 0x00010003

#define CR0_PROTECTED_MODE (1 << 0)
#define CR0_WRITE_PROTECT (1 << 16)
#define CR0_PAGING (1 << 31)
#define CR4_PHYSICAL_ADDRESS_EXTENSION (1 << 5)
#define MSR_EFER 0xC0000080
#define EFER_LONG_MODE_ENABLE (1 << 8)
#define EFER_NO_EXECUTE_ENABLE (1 << 11)
#define EARLY_LARGE_PAGE 0x83 /* present, writable, 2 MiB */
#define EARLY_TABLE 0x03      /* present, writable */
#define EARLY_TABLE_FRAMES 6
#define BOOT_STACK_SIZE 32768
#define COM1 0x3f8

/* ------------------------------------------------------------ header */
    .section .multiboot_header, "a"
    .balign 4
multiboot_header:
    .long MULTIBOOT_HEADER_MAGIC
    .long MULTIBOOT_HEADER_FLAGS
    .long -(MULTIBOOT_HEADER_MAGIC + MULTIBOOT_HEADER_FLAGS)
    .long PHYSICAL(multiboot_header)   /* header_addr */
    .long PHYSICAL(kernel_image_start) /* load_addr */
    .long PHYSICAL(kernel_load_end)    /* load_end_addr: end of .data */
    .long PHYSICAL(kernel_image_end)   /* bss_end_addr */
    .long PHYSICAL(multiboot_entry)    /* entry_addr */

/* ------------------------------------------------------- 32-bit entry */
    .section .boot.text, "ax"
    .code32
    .globl multiboot_entry
    .type multiboot_entry, @function
/* Entered by the loader: EAX = 0x2BADB002, EBX = physical multiboot info. */
multiboot_entry:
    cli
    cld
    movl %eax, PHYSICAL(boot_multiboot_magic)
    movl %ebx, PHYSICAL(boot_multiboot_info)
    movl $PHYSICAL(boot_stack_top), %esp

    /* Long mode available? (CPUID 0x80000001, EDX bit 29) */
    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb no_long_mode
    movl $0x80000001, %eax
    cpuid
    testl $(1 << 29), %edx
    jz no_long_mode

    /* Zero the early tables. */
    movl $PHYSICAL(early_page_tables), %edi
    xorl %eax, %eax
    movl $(EARLY_TABLE_FRAMES * 4096 / 4), %ecx
    rep stosl

    /* PML4[0] and PML4[511] -> the PDPT. */
    movl $PHYSICAL(early_pdpt), %eax
    orl $EARLY_TABLE, %eax
    movl %eax, PHYSICAL(early_pml4)
    movl %eax, PHYSICAL(early_pml4) + 511 * 8

    /* PDPT[0..3] -> directories 0..3; PDPT[510..511] -> directories 0..1. */
    movl $PHYSICAL(early_page_directories), %eax
    orl $EARLY_TABLE, %eax
    movl %eax, PHYSICAL(early_pdpt) + 0 * 8
    movl %eax, PHYSICAL(early_pdpt) + 510 * 8
    addl $4096, %eax
    movl %eax, PHYSICAL(early_pdpt) + 1 * 8
    movl %eax, PHYSICAL(early_pdpt) + 511 * 8
    addl $4096, %eax
    movl %eax, PHYSICAL(early_pdpt) + 2 * 8
    addl $4096, %eax
    movl %eax, PHYSICAL(early_pdpt) + 3 * 8

    /* 2048 directory entries: 2 MiB pages covering 0..4 GiB. */
    movl $PHYSICAL(early_page_directories), %edi
    movl $EARLY_LARGE_PAGE, %eax
    movl $2048, %ecx
1:  movl %eax, (%edi)
    addl $0x200000, %eax
    addl $8, %edi
    loop 1b

    /* PAE, the PML4, long mode + NX, then paging and write protection. */
    movl %cr4, %eax
    orl $CR4_PHYSICAL_ADDRESS_EXTENSION, %eax
    movl %eax, %cr4
    movl $PHYSICAL(early_pml4), %eax
    movl %eax, %cr3
    movl $MSR_EFER, %ecx
    rdmsr
    orl $(EFER_LONG_MODE_ENABLE | EFER_NO_EXECUTE_ENABLE), %eax
    wrmsr
    movl %cr0, %eax
    orl $(CR0_PAGING | CR0_WRITE_PROTECT | CR0_PROTECTED_MODE), %eax
    movl %eax, %cr0

    lgdt PHYSICAL(early_gdt_pointer)
    ljmp $0x08, $PHYSICAL(long_mode_entry)

/* No 64-bit CPU: say so on COM1 and stop. */
no_long_mode:
    movl $PHYSICAL(no_long_mode_message), %esi
    movw $COM1, %dx
2:  lodsb
    testb %al, %al
    jz 3f
    outb %al, %dx
    jmp 2b
3:  cli
    hlt
    jmp 3b
    .size multiboot_entry, . - multiboot_entry

    .code64
/* 64-bit code still running at its physical (identity-mapped) address. */
long_mode_entry:
    movl $0x10, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    xorl %eax, %eax
    movl %eax, %fs
    movl %eax, %gs
    movabsq $higher_half_entry, %rax
    jmp *%rax

/* ----------------------------------------------------- higher half */
    .text
    .type higher_half_entry, @function
higher_half_entry:
    movabsq $boot_stack_top, %rsp
    xorl %ebp, %ebp
    movl boot_multiboot_magic(%rip), %edi
    movl boot_multiboot_info(%rip), %esi
    call x86_boot_main
4:  cli
    hlt
    jmp 4b
    .size higher_half_entry, . - higher_half_entry

/* -------------------------------------------------------------- data */
    .section .rodata
    .balign 8
early_gdt:
    .quad 0
    .quad 0x00af9a000000ffff /* 0x08: 64-bit kernel code */
    .quad 0x00cf92000000ffff /* 0x10: kernel data */
early_gdt_end:
early_gdt_pointer:
    .word early_gdt_end - early_gdt - 1
    .long PHYSICAL(early_gdt)
no_long_mode_message:
    .asciz "ringkernel: this CPU has no 64-bit long mode\r\n"

    .data
    .balign 4
boot_multiboot_magic:
    .long 0
boot_multiboot_info:
    .long 0

    .section .bss.early_page_tables, "aw", @nobits
    .balign 4096
early_page_tables:
early_pml4:
    .skip 4096
early_pdpt:
    .skip 4096
early_page_directories:
    .skip 4 * 4096

    .section .bss.boot_stack, "aw", @nobits
    .balign 4096
    .globl boot_stack_bottom, boot_stack_top
boot_stack_bottom:
    .skip BOOT_STACK_SIZE
boot_stack_top:
