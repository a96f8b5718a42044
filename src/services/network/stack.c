/* stack.c — placeholder until lwIP is wired in (the stack part of network_internal.h). */
#include <rk/errno.h>
#include "network_internal.h"

int network_stack_start(void) { return 0; }
void network_stack_stop(void) {}
void network_stack_process_packets(void) {}
long network_stack_render_table(enum network_table table, char *buffer, size_t size)
{
    return -ENOSYS;
}
