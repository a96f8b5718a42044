/*
 * platform_check.h — what the parts of the platform-check test kernel
 * share: the check counter, console output, and the per-area checks kept in
 * their own files.
 */
#ifndef RK_PLATFORM_CHECK_H
#define RK_PLATFORM_CHECK_H

#include <stdbool.h>
#include <stdint.h>

/* Count one check; print the failing expression and line. */
void check(bool condition, const char *expression, int line);
#define CHECK(condition) check((condition), #condition, __LINE__)
/* Write a string / an unsigned decimal number to the console. */
void print(const char *text);
void print_number(uint64_t value);

/*
 * platform_check_virtio.c: the virtio transport on the first virtio
 * network device (QEMU -device virtio-net-pci on user networking): status,
 * features, config, queues, and an ARP exchange with the user network's
 * gateway completed by interrupts. Without a device, checks that there is
 * none and prints so. Interrupts off on entry and exit.
 */
void check_virtio(void);

#endif
