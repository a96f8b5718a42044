/* tmpfs.c — placeholder until the service lands: registers nothing. */
#include <rk/errno.h>

#include "tmpfs.h"

int tmpfs_service_register(void) { return 0; }
