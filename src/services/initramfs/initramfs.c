/* initramfs.c — placeholder until the service lands: registers nothing. */
#include <rk/errno.h>

#include "initramfs.h"

int initramfs_service_register(void) { return 0; }
