/*
 * string.h for lwIP's sources only (this folder is on the include path of
 * the lwIP library alone): the kernel's string functions, so lwIP sees no
 * C library headers on either backend.
 */
#ifndef LWIP_PORT_STRING_H
#define LWIP_PORT_STRING_H

#include <rk/string.h>

#endif
