/*
 * tty.h — the tty service: the serial console as a terminal with Linux's
 * line discipline, serving /dev/ttyS0 (4:64), /dev/tty (5:0) and
 * /dev/console (5:1).
 */
#ifndef TTY_SERVICE_H
#define TTY_SERVICE_H

/* Register the tty service (builtin.c). Returns 0 or services_register()'s error. */
int tty_service_register(void);

#endif
