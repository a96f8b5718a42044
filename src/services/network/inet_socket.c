/* inet_socket.c — placeholder until the lwIP sockets land (the inet part of network_internal.h). */
#include <rk/errno.h>
#include "network_internal.h"

int inet_tcp_socket_create(struct file **out) { return -EAFNOSUPPORT; }
int inet_udp_socket_create(struct file **out) { return -EAFNOSUPPORT; }
long inet_render_table(enum network_table table, char *buffer, size_t size) { return -ENOSYS; }
