/*
 * virtio_net.h — the virtio-net driver service (Ethernet class): one
 * SERVICE_DRIVER service "virtio-netN" per virtio network device, whose
 * ops is a const struct ethernet_driver_ops (interface ethN).
 */
#ifndef VIRTIO_NET_SERVICE_H
#define VIRTIO_NET_SERVICE_H

/*
 * Register a driver service for each virtio network device of the
 * machine (builtin.c, before the network stack). A device that fails to
 * initialise is logged and skipped. Returns 0 or the first error.
 */
int virtio_net_service_register(void);

#endif
