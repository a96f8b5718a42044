/*
 * console.c — console input in the Core: the platform's input interrupt
 * moves bytes into a small ring that readers drain. The TTY line discipline
 * (a later issue) sits on top of console_input_read().
 */
#include <rk/errno.h>
#include <rk/kernel.h>
#include <rk/platform.h>
#include <rk/poll.h>
#include <rk/waitqueue.h>

#define CONSOLE_INPUT_SIZE 256

static char input_ring[CONSOLE_INPUT_SIZE];
static size_t input_head;   /* next byte to read */
static size_t input_count;
static uint64_t input_dropped;
static struct wait_queue input_waiters;

void console_input_reset(void)
{
    input_head = 0;
    input_count = 0;
    input_dropped = 0;
    wait_queue_init(&input_waiters);
}

void core_console_input(void)
{
    char buffer[64];
    size_t length;
    while ((length = platform_console_read(buffer, sizeof buffer)) > 0) {
        for (size_t i = 0; i < length; i++) {
            if (input_count == CONSOLE_INPUT_SIZE) {
                input_dropped++;
                continue;
            }
            input_ring[(input_head + input_count++) % CONSOLE_INPUT_SIZE] = buffer[i];
        }
    }
    wait_queue_wake_all(&input_waiters);
    poll_notify(); /* the tty's input worker and pollers look again */
}

size_t console_input_read(char *buffer, size_t length, bool block)
{
    irq_flags_t flags = platform_irq_save();
    while (block && input_count == 0)
        if (wait_queue_wait(&input_waiters, NULL, WAIT_FOREVER) < 0)
            break; /* a signal (user thread) or nothing left to wake the boot thread */
    size_t copied = 0;
    while (copied < length && input_count > 0) {
        buffer[copied++] = input_ring[input_head];
        input_head = (input_head + 1) % CONSOLE_INPUT_SIZE;
        input_count--;
    }
    platform_irq_restore(flags);
    return copied;
}
