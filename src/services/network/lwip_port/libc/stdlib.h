/*
 * stdlib.h for lwIP's sources only (this folder is on the include path of
 * the lwIP library alone): netif_find() parses the unit number with atoi,
 * which the port provides (sys_arch.c) under its own name.
 */
#ifndef LWIP_PORT_STDLIB_H
#define LWIP_PORT_STDLIB_H

int lwip_port_atoi(const char *text);
#define atoi lwip_port_atoi

#endif
