/*
 * user_frame.h — numbers shared by user_entry.S and the C side (plain
 * #defines only, so assembly can include it; user_mode.c checks them
 * against struct user_registers and the GDT selectors in x86.h).
 */
#ifndef RK_PLATFORM_X86_USER_FRAME_H
#define RK_PLATFORM_X86_USER_FRAME_H

/* Byte offsets in struct user_registers (rk/platform.h). */
#define USER_FRAME_ORIG_RAX 120
#define USER_FRAME_RSP 152
#define USER_FRAME_FS_BASE 168
/* The selectors SYSCALL's frame records: 64-bit user code and user data, RPL 3. */
#define USER_FRAME_CODE_SELECTOR 0x2b
#define USER_FRAME_DATA_SELECTOR 0x23
/* -ENOSYS, what a SYSCALL from 32-bit code gets. */
#define USER_FRAME_ENOSYS 38

#endif
