/*
 * rk/services.h — the service registry (the seed's services.rs, in C).
 *
 * A Ring 2 service is a named instance of a kind, with a const ops table and
 * state that the service owns. Boot code registers the concrete services;
 * the Core looks them up by kind (and name) and calls them only through the
 * service gate (rk/gate.h).
 */
#ifndef RK_SERVICES_H
#define RK_SERVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rk/list.h>

enum service_kind {
    SERVICE_NETWORK_STACK, /* ops: struct network_stack_ops; at most one registered */
    SERVICE_FILESYSTEM,    /* ops: the filesystem type ops (VFS issue); one per type name */
    SERVICE_DRIVER,        /* ops: the driver-class ops (e.g. Ethernet); one per device */
    SERVICE_LOADER,        /* ops: struct loader_ops (boot archives: initramfs) */
    SERVICE_KIND_COUNT,
};

struct service;
struct service_instance;

/* Where a registered service is in its life (the Core's view). */
enum service_state {
    SERVICE_UNREGISTERED,  /* not in the registry */
    SERVICE_STARTING,      /* its start hook runs */
    SERVICE_RUNNING,       /* calls enter it */
    SERVICE_DEAD,          /* faulted: calls fail with EIO until the supervisor restarts it */
    SERVICE_FAILED,        /* given up after too many faults in a row (or restart off) */
};

/* Restart policy of one service (rk.restart=, docs/containment.md). */
struct service_restart_policy {
    bool enabled;              /* restart after a fault (default on) */
    unsigned max_restarts;     /* consecutive faulting instances before giving up (default 5) */
    unsigned backoff_ms;       /* first delay; doubled per consecutive fault (default 10 ms) */
};

/* What happened to a service so far (kept across restarts). */
struct service_fault_counters {
    uint64_t faults;           /* service faults contained */
    uint64_t injected;         /* of which injected (rk/gate.h fault injection) */
    uint64_t restarts;         /* successful restarts */
    uint64_t failed_restarts;  /* start hook faulted or failed */
    uint64_t given_up;         /* times it went SERVICE_FAILED */
};

/*
 * Creates the service's state (at registration and after a restart), in a
 * crossing of the new instance: everything it allocates is the instance's.
 * After a fault the previous instance's memory is gone (or quarantined)
 * and no stop hook ran: start must set every static of the service afresh,
 * never walk what a previous instance left there. Returns 0 or a negative
 * errno; on error the service is not registered (at registration) or the
 * restart counts as failed.
 */
typedef int (*service_start_fn)(struct service *service);
/*
 * Drops the service's state at an orderly unregistration. Never called for
 * a dead instance (the Core reclaims its arena instead).
 */
typedef void (*service_stop_fn)(struct service *service);

struct service {
    /* Filled by the service before registration. */
    const char *name;            /* unique within its kind, e.g. "tmpfs", "lwip" */
    enum service_kind kind;
    const void *ops;             /* kind-specific const ops table, never NULL */
    service_start_fn start;      /* optional */
    service_stop_fn stop;        /* optional */
    void *state;                 /* the service's own state, set by start */
    unsigned driver_class;       /* SERVICE_DRIVER: DRIVER_CLASS_* (rk/ethernet.h), 0 when none */

    /* Owned by the Core (registry, gate, supervisor); zero before registration. */
    struct list_node registry_link;
    uint64_t calls;              /* gate entries so far */
    unsigned active_calls;       /* calls in progress (nested gates count) */
    unsigned generation;         /* incremented on every (re)start */
    int registered;
    enum service_state status;
    struct service_instance *instance;   /* the running (or starting) instance, NULL when none */
    struct service_restart_policy policy; /* from rk.restart= (docs/containment.md) */
    struct service_fault_counters counters;
    unsigned consecutive_faults; /* faults since a call last completed: the backoff exponent */
    uint64_t restart_due_ns;     /* SERVICE_DEAD: when the supervisor restarts it */
    struct list_node dead_link;  /* SERVICE_DEAD: in the supervisor's list */
};

/*
 * Register service: runs service->start (when set) and makes it findable.
 * Returns 0, -EINVAL (no name, bad kind, no ops), -EEXIST (same kind and
 * name already registered, or a second network stack), or start's error.
 * The registry keeps a pointer: service must outlive its registration.
 */
int services_register(struct service *service);
/*
 * Remove service from the registry and run its stop hook. Returns 0,
 * -ENOENT when not registered, -EBUSY while a call is inside it.
 */
int services_unregister(struct service *service);
/* The registered service of kind with name, or NULL. */
struct service *services_lookup(enum service_kind kind, const char *name);
/*
 * Store up to max registered services of kind in out, in registration
 * order. Returns how many are registered in total.
 */
size_t services_list(enum service_kind kind, struct service **out, size_t max);
/* Name of a kind ("network-stack", "filesystem", "driver"). */
const char *service_kind_name(enum service_kind kind);

/* ------------------------------------------------ the network stack kind */

struct file;

/* The tables a network stack renders for /proc/net. */
enum network_table {
    NETWORK_TABLE_DEV,      /* /proc/net/dev */
    NETWORK_TABLE_TCP,      /* /proc/net/tcp */
    NETWORK_TABLE_UDP,      /* /proc/net/udp */
    NETWORK_TABLE_UNIX,     /* /proc/net/unix */
    NETWORK_TABLE_ROUTE,    /* /proc/net/route */
    NETWORK_TABLE_COUNT,
};

/*
 * The seed's NetworkStackService. Every slot is non-NULL (use the stubs).
 * create_*: a new unbound socket file with one reference for the caller
 * (the Core installs it), or -errno (-ENOMEM, -ENOBUFS). type is
 * SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET (checked by the Core).
 * process_packets: the deferred work (received frames, timers), run by
 * the Core's network thread after network_request_processing().
 * render_table: write table in Linux's format into buffer (at most size
 * bytes, NUL not required) and return its full length (a caller with a
 * smaller buffer asks again with a larger one), or -errno.
 */
struct network_stack_ops {
    int (*create_tcp_socket)(struct file **out);
    int (*create_udp_socket)(struct file **out);
    int (*create_unix_socket)(int type, struct file **out);
    void (*process_packets)(void);
    long (*render_table)(enum network_table table, char *buffer, size_t size);
    /*
     * The Ethernet driver service driver restarted after a fault (a new
     * instance, the same service and device): attach its interfaces again
     * (bring up what was up, same address and configuration). Called by
     * the Core after the driver's start; NULL or the stub: nothing.
     */
    void (*driver_restarted)(struct service *driver);
};

/* The seed's register_network_stack(): kind must be SERVICE_NETWORK_STACK. */
int services_register_network_stack(struct service *service);
/* The seed's network_stack(): the registered network stack or NULL. */
struct service *services_network_stack(void);

/* ---------------------------------------------------- the loader kind */

/* Unpacks a boot archive into the namespace (initramfs: cpio newc). */
struct loader_ops {
    /*
     * Unpack the archive (kernel memory, length bytes) into the root
     * filesystem. Returns 0, or -EINVAL for a malformed archive (after a
     * one-line log naming the offset and the reason; what came before the
     * bad entry stays unpacked).
     */
    int (*unpack)(const void *archive, size_t length);
};

/* ------------------------------------------------- built-in services */

/*
 * Register every service compiled into the kernel (src/services/builtin.c).
 * Called once by the Core at boot. Returns 0 or the first error.
 */
int services_register_builtin(void);

/* Shared stubs for unimplemented slots. */
int service_stub_enosys(void);
int service_stub_create_socket_enosys(struct file **out);
int service_stub_create_unix_socket_enosys(int type, struct file **out);
void service_stub_void(void);
long service_stub_render_table_enosys(enum network_table table, char *buffer, size_t size);
void service_stub_driver_restarted(struct service *driver);

#endif
