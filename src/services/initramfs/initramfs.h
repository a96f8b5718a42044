/* initramfs.h — registration of the initramfs service (called by src/services/builtin.c). */
#ifndef RK_SERVICE_INITRAMFS_H
#define RK_SERVICE_INITRAMFS_H

/* Register the initramfs service. Returns 0 or a negative errno. */
int initramfs_service_register(void);

#endif
