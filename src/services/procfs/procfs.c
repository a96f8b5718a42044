/* procfs.c — placeholder until the service lands: registers nothing. */
#include <rk/errno.h>

#include "procfs.h"

int procfs_service_register(void) { return 0; }
