/*
 * boot.c — bringing the hosted machine up.
 *
 * hosted_boot() is the executable's path: argv[1..] joined with spaces is
 * the kernel command line; the backend reads its own "hosted.*" options
 * from it, builds the arena, the boot_info and the event loop, and calls
 * kernel_main(). hosted_test_boot() is the in-process path for tests: the
 * same machine in virtual-clock mode (real with hosted.clock=real), then
 * core_init() on the caller.
 *
 * Options (last one wins, nothing after a lone "--"):
 *   hosted.memory=SIZE     arena size, K/M/G suffixes (default 64M)
 *   hosted.initrd=PATH     load PATH into the arena as the initrd
 *   hosted.clock=virtual|real   default virtual when rk.test= is given
 *   hosted.stdin=on|off    console input from stdin (default on for the real clock)
 *   hosted.tty=raw         put a terminal stdin in raw mode
 *   hosted.net=BACKEND[,BACKEND...]   virtio-net devices (eth0, eth1... in order):
 *                          loopback (frames come back), pair (two devices wired to
 *                          each other), tap:IFNAME (the host tap IFNAME; CAP_NET_ADMIN)
 * Arena layout: frame 0 is the kernel space's page-table root, the initrd
 * sits page-aligned at the end, everything in between is usable RAM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rk/address_sanitizer.h>
#include <rk/cmdline.h>
#include <rk/kernel.h>

#include "hosted.h"
#include "hosted_internal.h"

static char command_line[HOSTED_COMMAND_LINE_LENGTH];
static struct boot_info boot_information;
static struct cmdline hosted_options;

/* Parse command_line into hosted_options (the hosted.* and rk.test options are read from it). */
static void options_parse(void)
{
    cmdline_parse(&hosted_options, command_line); /* keeps what parsed; the Core reports errors */
}

/* Value of option key, or NULL when absent. */
static const char *option_value(const char *key)
{
    return cmdline_get(&hosted_options, key);
}

/* Print "hosted: message" and exit with status 1 (a boot configuration error). */
static _Noreturn void boot_fail(const char *message, const char *detail)
{
    hosted_write_text("hosted: ");
    hosted_write_text(message);
    if (detail != NULL) {
        hosted_write_text(": ");
        hosted_write_text(detail);
    }
    hosted_write_text("\n");
    exit(1);
}

/* Arena size from hosted.memory= (default when absent); -EINVAL when malformed. */
static int memory_size_option(uint64_t *size)
{
    int error = cmdline_get_u64(&hosted_options, "hosted.memory", size);
    if (error == -ENOENT) {
        *size = HOSTED_DEFAULT_MEMORY_BYTES;
        return 0;
    }
    return error;
}

/* Copy the file at path to the end of the arena. Returns its size, or a negative errno. */
static long initrd_load(const char *path, uint64_t usable_bytes, paddr_t *initrd_base)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    struct stat status;
    if (fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {
        close(fd);
        return -EINVAL;
    }
    uint64_t size = (uint64_t)status.st_size;
    uint64_t reserved = (size + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    if (reserved + HOSTED_MINIMUM_MEMORY_BYTES > usable_bytes) {
        close(fd);
        return -E2BIG;
    }
    uint64_t offset = hosted_memory_arena_size() - reserved;
    uint8_t *destination = hosted_memory_arena_base() + offset;
    /* The last boot's Core may have left these frames poisoned (ASan builds): the initrd's now. */
    address_sanitizer_unpoison(destination, reserved);
    uint64_t done = 0;
    while (done < size) {
        ssize_t count = read(fd, destination + done, size - done);
        if (count < 0 && errno == EINTR)
            continue;
        if (count <= 0) {
            close(fd);
            return -EIO;
        }
        done += (uint64_t)count;
    }
    close(fd);
    *initrd_base = HOSTED_PHYSICAL_BASE + offset;
    return (long)size;
}

/* Load the hosted.initrd= file, if any, into the arena. Returns 0 or a negative errno. */
static int initrd_option_load(paddr_t *initrd_base, size_t *initrd_size)
{
    const char *path = option_value("hosted.initrd");
    *initrd_base = 0;
    *initrd_size = 0;
    if (!path)
        return 0;
    long loaded = initrd_load(path, hosted_memory_arena_size() - PAGE_SIZE, initrd_base);
    if (loaded < 0)
        return (int)loaded;
    *initrd_size = (size_t)loaded;
    return 0;
}

/* Fill boot_information: one usable region, the arena minus the root frame and initrd. */
static void boot_info_build(paddr_t initrd_base, size_t initrd_size)
{
    uint64_t arena_size = hosted_memory_arena_size();
    uint64_t initrd_reserved = (initrd_size + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    memset(&boot_information, 0, sizeof(boot_information));
    boot_information.platform_name = "hosted";
    boot_information.command_line = command_line;
    boot_information.memory[0].base = HOSTED_PHYSICAL_BASE + PAGE_SIZE;
    boot_information.memory[0].length = arena_size - PAGE_SIZE - initrd_reserved;
    boot_information.memory[0].type = BOOT_MEMORY_USABLE;
    boot_information.memory_count = 1;
    boot_information.total_memory_bytes = arena_size;
    boot_information.initrd_base = initrd_size > 0 ? initrd_base : 0;
    boot_information.initrd_size = initrd_size;
}

/* Everything both boot paths share once the arena exists. */
static void machine_reset(bool virtual_clock, bool stdin_input)
{
    hosted_interrupts_reset();
    hosted_context_reset();
    hosted_kernel_stacks_reclaim();
    hosted_user_mode_reset();
    hosted_console_reset();
    hosted_stacks_init();
    int error = hosted_events_init(virtual_clock, stdin_input);
    if (error != 0)
        boot_fail("cannot start the event loop", strerror(-error));
    /* Frame 0 of the arena (zeroed by the fresh mmap) is the kernel space's root. */
    hosted_paging_init(HOSTED_PHYSICAL_BASE);
}

/* Join arguments[1..] with spaces into command_line (truncated when too long). */
static void command_line_join(int argument_count, char **arguments)
{
    size_t length = 0;
    command_line[0] = '\0';
    for (int index = 1; index < argument_count; index++) {
        size_t word = strlen(arguments[index]);
        if (length + (index > 1) + word + 1 > sizeof(command_line))
            break;
        if (index > 1)
            command_line[length++] = ' ';
        memcpy(command_line + length, arguments[index], word + 1);
        length += word;
    }
}

/* See hosted_internal.h. */
_Noreturn void hosted_boot(int argument_count, char **arguments)
{
    command_line_join(argument_count, arguments);
    options_parse();

    uint64_t memory_size;
    if (memory_size_option(&memory_size) != 0)
        boot_fail("bad hosted.memory= value", NULL);
    if (hosted_memory_init(memory_size) != 0)
        boot_fail("cannot map the memory arena (hosted.memory= too small or too large)", NULL);

    bool virtual_clock = option_value("rk.test") != NULL;
    const char *clock = option_value("hosted.clock");
    if (clock) {
        if (strcmp(clock, "virtual") != 0 && strcmp(clock, "real") != 0)
            boot_fail("hosted.clock= must be virtual or real", clock);
        virtual_clock = strcmp(clock, "virtual") == 0;
    }
    bool stdin_input = !virtual_clock;
    const char *stdin_option = option_value("hosted.stdin");
    if (stdin_option)
        stdin_input = strcmp(stdin_option, "off") != 0 && strcmp(stdin_option, "0") != 0;

    paddr_t initrd_base = 0;
    size_t initrd_size = 0;
    if (initrd_option_load(&initrd_base, &initrd_size) != 0)
        boot_fail("cannot load hosted.initrd=", option_value("hosted.initrd"));

    if (hosted_symbols_load() != 0)
        hosted_write_text("hosted: no symbol table (stripped executable?): "
                          "backtraces will not be symbolized\n");
    machine_reset(virtual_clock, stdin_input);
    int net_error = hosted_virtio_boot(option_value("hosted.net"));
    if (net_error != 0)
        boot_fail("cannot make the hosted.net= devices", strerror(-net_error));
    if (hosted_faults_install() != 0)
        hosted_write_text("hosted: cannot install the fault handlers\n");
    const char *tty = option_value("hosted.tty");
    if (tty && strcmp(tty, "raw") == 0)
        hosted_tty_make_raw();

    boot_info_build(initrd_base, initrd_size);
    kernel_main(&boot_information);
}

/* hosted_test_boot() and hosted_fuzz_boot(): reuse_arena keeps the arena of the last boot. */
static int test_boot(const char *text, bool reuse_arena)
{
    size_t length = strlen(text != NULL ? text : "");
    if (length >= sizeof(command_line))
        length = sizeof(command_line) - 1;
    memcpy(command_line, text != NULL ? text : "", length);
    command_line[length] = '\0';
    options_parse();

    uint64_t memory_size;
    if (memory_size_option(&memory_size) != 0)
        return -EINVAL;
    int error = reuse_arena ? hosted_memory_reuse(memory_size) : hosted_memory_init(memory_size);
    if (error != 0)
        return error;
    paddr_t initrd_base = 0;
    size_t initrd_size = 0;
    error = initrd_option_load(&initrd_base, &initrd_size);
    if (error != 0)
        return error;
    hosted_symbols_load(); /* a stripped test binary only loses symbol names */
    /* Virtual unless hosted.clock=real (e.g. a test talking to a real tap interface). */
    const char *clock = option_value("hosted.clock");
    if (clock && strcmp(clock, "virtual") != 0 && strcmp(clock, "real") != 0)
        return -EINVAL;
    machine_reset(!clock || strcmp(clock, "real") != 0, false);
    error = hosted_virtio_boot(option_value("hosted.net"));
    if (error != 0)
        return error;
    boot_info_build(initrd_base, initrd_size);
    return core_init(&boot_information);
}

/* See hosted.h. */
int hosted_test_boot(const char *text)
{
    return test_boot(text, false);
}

/* See hosted.h. */
int hosted_fuzz_boot(const char *text)
{
    return test_boot(text, true);
}

/* See hosted.h. */
const struct boot_info *hosted_boot_info(void)
{
    return &boot_information;
}
