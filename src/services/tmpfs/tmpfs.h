/* tmpfs.h — registration of the tmpfs service (called by src/services/builtin.c). */
#ifndef RK_SERVICE_TMPFS_H
#define RK_SERVICE_TMPFS_H

/* Register the tmpfs service. Returns 0 or a negative errno. */
int tmpfs_service_register(void);

#endif
