/*
 * rk/chardev.h — character devices by device number (Linux's cdev model):
 * a driver service registers the numbers it serves; opening a character
 * device node on any filesystem reaches the driver through the Core.
 */
#ifndef RK_CHARDEV_H
#define RK_CHARDEV_H

#include <stdint.h>
#include <rk/file.h>

#endif
