/* devfs.c — placeholder until the service lands: registers nothing. */
#include <rk/errno.h>

#include "devfs.h"

int devfs_service_register(void) { return 0; }
