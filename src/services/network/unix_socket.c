/* unix_socket.c — placeholder until AF_UNIX lands (the unix part of network_internal.h). */
#include <rk/errno.h>
#include "network_internal.h"

int unix_socket_create(int type, struct file **out) { return -EAFNOSUPPORT; }
void unix_sockets_reset(void) {}
long unix_render_table(char *buffer, size_t size) { return -ENOSYS; }
