/*
 * init.c — starting pid 1 the way Linux's kernel_init does: the console on
 * descriptors 0-2 (console_on_rootfs), then rdinit= (default /init), then
 * init=, then /sbin/init, /etc/init, /bin/init, /bin/sh. argv and envp are
 * built from the command line as Linux's unknown_bootoption does: unknown
 * bare words become arguments, unknown key=value words environment
 * variables (words whose key holds a '.' are parameters of some part of
 * the kernel and are skipped), and everything after "--" arguments.
 */
#include <rk/cmdline.h>
#include <rk/errno.h>
#include <rk/exec.h>
#include <rk/heap.h>
#include <rk/kernel.h>
#include <rk/klog.h>
#include <rk/path.h>
#include <rk/platform.h>
#include <rk/process.h>
#include <rk/string.h>
#include <rk/thread.h>

#include "../vfs/vfs_internal.h"

#define INIT_VECTOR_MAX (CMDLINE_MAX_OPTIONS + 64)

/* Command-line keys the kernel itself understands (never handed to init). */
static const char *const known_keys[] = {
    "console", "loglevel", "quiet", "debug", "sched", "rdinit", "init", "root", "rootfstype",
    "rootwait", "rw", "ro", "panic", "earlyprintk", "nokaslr", "norandmaps", "initrd", "mem",
    "noapic", "acpi", "nosmp", "maxcpus", "ignore_loglevel", "printk.time",
};

static const char *init_argv[INIT_VECTOR_MAX + 1];
static const char *init_envp[INIT_VECTOR_MAX + 1];
static char init_words[CMDLINE_MAX_LENGTH];

static bool is_known_key(const char *key)
{
    for (size_t i = 0; i < sizeof known_keys / sizeof known_keys[0]; i++)
        if (strcmp(key, known_keys[i]) == 0)
            return true;
    return false;
}

/* Fill init_argv[1..] and init_envp from the command line. */
static void build_vectors(const struct cmdline *cmdline)
{
    static char environment_words[CMDLINE_MAX_LENGTH];
    size_t arguments = 1, environment = 0, used = 0;
    init_envp[environment++] = "HOME=/";
    init_envp[environment++] = "TERM=linux";
    for (size_t i = 0; i < cmdline->option_count; i++) {
        const struct cmdline_option *option = &cmdline->options[i];
        if (is_known_key(option->key) || strchr(option->key, '.'))
            continue;
        if (option->value[0] == '\0') {
            if (arguments < INIT_VECTOR_MAX)
                init_argv[arguments++] = option->key;
            continue;
        }
        size_t length = strlen(option->key) + 1 + strlen(option->value) + 1;
        if (environment >= INIT_VECTOR_MAX || used + length > sizeof environment_words)
            continue;
        char *word = environment_words + used;
        rk_strlcpy(word, option->key, length);
        size_t key_length = strlen(option->key);
        word[key_length] = '=';
        rk_strlcpy(word + key_length + 1, option->value, length - key_length - 1);
        used += length;
        init_envp[environment++] = word;
    }
    /* The words after "--", split on blanks. */
    rk_strlcpy(init_words, cmdline->init_arguments ? cmdline->init_arguments : "",
               sizeof init_words);
    char *cursor = init_words;
    while (*cursor) {
        while (*cursor == ' ' || *cursor == '\t')
            *cursor++ = '\0';
        if (!*cursor)
            break;
        if (arguments < INIT_VECTOR_MAX)
            init_argv[arguments++] = cursor;
        while (*cursor && *cursor != ' ' && *cursor != '\t')
            cursor++;
    }
    init_argv[arguments] = NULL;
    init_envp[environment] = NULL;
}

/* Descriptors 0, 1 and 2 on one O_RDWR description of /dev/console. */
static void open_console(struct process *process)
{
    struct path_entry *entry;
    struct file *file = NULL;
    int error = path_resolve(process, AT_FDCWD, "/dev/console", RESOLVE_FOLLOW, &entry);
    if (error == 0) {
        error = vfs_open_entry(entry, O_RDWR, &file);
        path_put(entry);
    }
    if (error < 0) {
        klog(KLOG_WARNING, "Warning: unable to open an initial console (%s)", errno_name(error));
        return;
    }
    for (int fd = 0; fd < 3; fd++) {
        if (fd > 0)
            file_get(file);
        if (fd_install(process, file, 0, false) < 0)
            file_put(file);
    }
}

/* Exec path as init. Returns 0 with *registers set, or -errno. */
static int run_init_process(const char *path, struct user_registers *registers)
{
    init_argv[0] = path;
    klog(KLOG_INFO, "Run %s as init process", path);
    const struct exec_request request = {
        .dirfd = AT_FDCWD,
        .path = path,
        .arguments = { .kernel_array = init_argv },
        .environment = { .kernel_array = init_envp },
    };
    return exec_replace(&request, registers);
}

/* try_to_run_init_process: a missing file is quiet, any other failure is reported. */
static int try_to_run_init_process(const char *path, struct user_registers *registers)
{
    int error = run_init_process(path, registers);
    if (error < 0 && error != -ENOENT)
        klog(KLOG_ERROR, "Starting init: %s exists but couldn't execute it (error %d)", path, error);
    return error;
}

/* Pick and exec init. Returns 0 with *registers set, or powers off. */
static void start_init(struct user_registers *registers)
{
    const struct cmdline *cmdline = kernel_cmdline();
    const char *ramdisk = cmdline_get(cmdline, "rdinit");
    const char *requested = cmdline_get(cmdline, "init");
    if (!ramdisk || !ramdisk[0])
        ramdisk = "/init";
    int error = run_init_process(ramdisk, registers);
    if (error == 0)
        return;
    if (error != -ENOENT)
        klog(KLOG_ERROR, "Failed to execute %s (error %d)", ramdisk, error);
    if (requested && requested[0]) {
        error = run_init_process(requested, registers);
        if (error == 0)
            return;
        klog(KLOG_EMERGENCY, "Requested init %s failed (error %d): powering off", requested, error);
        platform_power_off(1);
    }
    static const char *const defaults[] = { "/sbin/init", "/etc/init", "/bin/init", "/bin/sh" };
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
        if (try_to_run_init_process(defaults[i], registers) == 0)
            return;
    klog(KLOG_EMERGENCY, "No working init found (tried %s, /sbin/init, /etc/init, /bin/init, "
         "/bin/sh; pass rdinit= or init=): powering off", ramdisk);
    platform_power_off(1);
}

/* The thread that becomes pid 1's first user thread. */
static void init_thread_main(void *argument)
{
    (void)argument;
    open_console(process_current());
    struct user_registers registers;
    start_init(&registers);
    platform_user_enter(&registers);
}

int exec_start_init(void)
{
    build_vectors(kernel_cmdline());
    struct process *process = process_create("init", 0, true);
    if (!process)
        return -ENOMEM;
    if (process->pid != 1)
        klog(KLOG_WARNING, "init: got pid %d instead of 1", process->pid);
    process->unkillable = true; /* no user program can end init with a signal */
    struct thread *thread = thread_create("init", init_thread_main, NULL);
    if (!thread) {
        process_put(process);
        return -ENOMEM;
    }
    process_attach_thread(process, thread);   /* before it first runs */
    process->table_reference = true;          /* ours becomes the process table's, as fork's children */
    thread_detach(thread);
    return 0;
}
