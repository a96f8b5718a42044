/*
 * arch/cc.h — lwIP's compiler and platform port for ringkernel: the types
 * come from the compiler's freestanding headers, diagnostics go to the
 * kernel log, a failed lwIP assertion is a service fault (the network
 * service is contained and restarted, the kernel goes on), and randomness
 * comes from the Core.
 */
#ifndef LWIP_ARCH_CC_H
#define LWIP_ARCH_CC_H

#include <stddef.h>
#include <stdint.h>

#define BYTE_ORDER LITTLE_ENDIAN

/* No libc headers beyond the compiler's own: printf formats and ctype by hand. */
#define LWIP_NO_INTTYPES_H 1
#define LWIP_NO_CTYPE_H 1
#define LWIP_NO_UNISTD_H 1
#define LWIP_NO_LIMITS_H 1
#define X8_F "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "zu"

/* ssize_t (etharp_find_addr) as the kernel's ABI has it. */
#ifndef SSIZE_MAX
#define SSIZE_MAX __LONG_MAX__
#endif
typedef long ssize_t;

/* Byte swaps in one instruction. */
#define lwip_htons(x) ((u16_t)__builtin_bswap16((u16_t)(x)))
#define lwip_ntohs(x) lwip_htons(x)
#define lwip_htonl(x) ((u32_t)__builtin_bswap32((u32_t)(x)))
#define lwip_ntohl(x) lwip_htonl(x)

/* See sys_arch.c. */
void lwip_port_diagnostic(const char *format, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void lwip_port_assert(const char *message, int line, const char *file);
uint32_t lwip_port_random(void);
int lwip_port_atoi(const char *text);   /* atoi for netif_find (libc/stdlib.h) */

#define LWIP_PLATFORM_DIAG(arguments) do { lwip_port_diagnostic arguments; } while (0)
#define LWIP_PLATFORM_ASSERT(message) lwip_port_assert((message), __LINE__, __FILE__)
#define LWIP_RAND() lwip_port_random()

#endif
