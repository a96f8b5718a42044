/* network.h — registration of the network stack service (builtin.c). */
#ifndef SERVICE_NETWORK_H
#define SERVICE_NETWORK_H

/* Register the network stack service. 0 or -errno. */
int network_service_register(void);

#endif
