/* procfs.h — registration of the procfs service (called by src/services/builtin.c). */
#ifndef RK_SERVICE_PROCFS_H
#define RK_SERVICE_PROCFS_H

/* Register the procfs service. Returns 0 or a negative errno. */
int procfs_service_register(void);

#endif
