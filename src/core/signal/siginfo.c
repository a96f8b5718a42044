/*
 * siginfo.c — struct signal_info to and from Linux's 128-byte siginfo_t
 * (x86_64 layout: si_signo, si_errno, si_code, then a union at offset 16
 * chosen by si_code as Linux's siginfo_layout() does).
 */
#include <rk/string.h>

#include "signal_internal.h"

/* Store value (size bytes) at offset of buffer. */
static void put(unsigned char *buffer, size_t offset, const void *value, size_t size)
{
    memcpy(buffer + offset, value, size);
}

/* True when code selects the signal-specific layout of signal (fault or SIGCHLD codes). */
static bool specific_code(int signal, int code)
{
    if (code <= SI_USER || code >= SI_KERNEL)
        return false;
    switch (signal) {
    case SIGILL: case SIGFPE: case SIGSEGV: case SIGBUS: case SIGTRAP: case SIGCHLD:
        return true;
    default:
        return false;
    }
}

void signal_info_to_linux(const struct signal_info *info, unsigned char out[SIGNAL_INFO_SIZE])
{
    memset(out, 0, SIGNAL_INFO_SIZE);
    int32_t signal = info->signal, error = info->error, code = info->code;
    put(out, 0, &signal, 4);
    put(out, 4, &error, 4);
    put(out, 8, &code, 4);
    if (specific_code(info->signal, info->code) && info->signal != SIGCHLD) {
        uint64_t address = info->address;
        put(out, 16, &address, 8); /* si_addr */
        return;
    }
    int32_t pid = info->pid;
    uint32_t uid = info->uid;
    put(out, 16, &pid, 4);
    put(out, 20, &uid, 4);
    if (specific_code(info->signal, info->code)) { /* SIGCHLD */
        int32_t status = info->status;
        put(out, 24, &status, 4); /* si_status; si_utime/si_stime (32, 40) stay 0 */
    } else if (info->code < 0) {
        uint64_t value = info->value;
        put(out, 24, &value, 8); /* si_value */
    }
}

void signal_info_from_linux(const unsigned char in[SIGNAL_INFO_SIZE], struct signal_info *info)
{
    int32_t signal, error, code, pid;
    uint32_t uid;
    uint64_t value;
    memcpy(&signal, in, 4);
    memcpy(&error, in + 4, 4);
    memcpy(&code, in + 8, 4);
    memcpy(&pid, in + 16, 4);
    memcpy(&uid, in + 20, 4);
    memcpy(&value, in + 24, 8);
    *info = (struct signal_info){
        .signal = signal, .error = error, .code = code, .pid = pid, .uid = uid, .value = value,
    };
}
