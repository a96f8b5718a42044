/* devfs.h — registration of the devfs service (called by src/services/builtin.c). */
#ifndef RK_SERVICE_DEVFS_H
#define RK_SERVICE_DEVFS_H

/* Register the devfs service. Returns 0 or a negative errno. */
int devfs_service_register(void);

#endif
