/*
 * family_network.c — the table of the network family: the socket
 * syscalls (socket*.c) and epoll (epoll.c).
 */
#include "socket_support.h"

SYSCALL_FAMILY_DEFINE(network,
    SYSCALL_ENTRY(socket), SYSCALL_ENTRY(socketpair), SYSCALL_ENTRY(bind), SYSCALL_ENTRY(listen),
    SYSCALL_ENTRY(accept), SYSCALL_ENTRY(accept4), SYSCALL_ENTRY(connect), SYSCALL_ENTRY(shutdown),
    SYSCALL_ENTRY(getsockname), SYSCALL_ENTRY(getpeername), SYSCALL_ENTRY(sendto),
    SYSCALL_ENTRY(recvfrom), SYSCALL_ENTRY(sendmsg), SYSCALL_ENTRY(recvmsg),
    SYSCALL_ENTRY(sendmmsg), SYSCALL_ENTRY(recvmmsg), SYSCALL_ENTRY(setsockopt), SYSCALL_ENTRY(getsockopt),
    SYSCALL_ENTRY(epoll_create), SYSCALL_ENTRY(epoll_create1), SYSCALL_ENTRY(epoll_ctl),
    SYSCALL_ENTRY(epoll_wait), SYSCALL_ENTRY(epoll_pwait), SYSCALL_ENTRY(epoll_pwait2));
