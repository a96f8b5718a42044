/*
 * stack.c — the initial user stack, laid out exactly as Linux x86_64's
 * exec (copy_strings + create_elf_tables, no randomisation):
 *
 *   top (0x7ffffffff000)   8 zero bytes
 *                          the file name (AT_EXECFN), envp strings, argv strings
 *   (aligned down to 16)   "x86_64" (AT_PLATFORM), 16 random bytes (AT_RANDOM)
 *                          auxv pairs ending in AT_NULL
 *                          NULL, envp pointers, NULL, argv pointers, argc
 *   rsp (16-byte aligned)
 */
#include <rk/errno.h>
#include <rk/mm.h>
#include <rk/process.h>
#include <rk/string.h>
#include <rk/system.h>

#include "exec_internal.h"

#define PLATFORM_NAME "x86_64"
#define STACK_SIZE_MINIMUM (256ul << 10)
#define STACK_SIZE_MAXIMUM (1ul << 30)
#define AUXV_PAIRS 20

size_t exec_stack_size(struct process *process)
{
    uint64_t limit = process ? process->limits[RLIMIT_STACK].current : 0;
    if (limit == 0 || limit > STACK_SIZE_MAXIMUM)
        limit = EXEC_STACK_SIZE_DEFAULT;
    if (limit < STACK_SIZE_MINIMUM)
        limit = STACK_SIZE_MINIMUM;
    return (size_t)((limit + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1));
}

/* Buffered writer of 64-bit words going up from a start address. */
struct word_writer {
    struct mm *mm;
    uintptr_t address;
    size_t used;
    int error;
    uint64_t words[64];
};

static void writer_flush(struct word_writer *writer)
{
    if (writer->used == 0 || writer->error < 0)
        return;
    writer->error = exec_mm_write(writer->mm, writer->address, writer->words, writer->used * 8);
    writer->address += writer->used * 8;
    writer->used = 0;
}

static void writer_put(struct word_writer *writer, uint64_t word)
{
    if (writer->used == sizeof writer->words / sizeof writer->words[0])
        writer_flush(writer);
    writer->words[writer->used++] = word;
}

/* Pointers to each string of strings, which starts at user address base; then NULL. */
static void writer_put_string_pointers(struct word_writer *writer, const struct exec_strings *strings,
                                       uintptr_t base)
{
    size_t offset = 0;
    for (size_t i = 0; i < strings->count; i++) {
        writer_put(writer, base + offset);
        offset += strlen(strings->data + offset) + 1;
    }
    writer_put(writer, 0);
}

int exec_build_stack(struct mm *mm, struct process *process, const struct elf_image *image,
                     const struct exec_arguments *arguments, size_t size,
                     struct exec_stack_layout *layout)
{
    const uintptr_t top = EXEC_STACK_TOP;
    size_t filename_length = strlen(arguments->filename) + 1;
    size_t strings = arguments->argv.length + arguments->envp.length + filename_length;
    size_t items = (arguments->argv.count + 1) + (arguments->envp.count + 1) + 1;
    size_t needed = 8 + strings + 16 + sizeof PLATFORM_NAME + 16 + AUXV_PAIRS * 16 + items * 8 + 16;
    if (needed + PAGE_SIZE > size)
        return -E2BIG;

    unsigned protection = PROT_READ | PROT_WRITE | (image->executable_stack ? PROT_EXEC : 0);
    long mapped = mm_map(mm, top - size, size, protection,
                         MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, NULL, 0);
    if (mapped < 0)
        return (int)mapped;
    struct vm_area *area = mm_find_area(mm, top - 1);
    if (area)
        area->name = "[stack]";

    /* The strings, in the order Linux copies them: file name at the top, then envp, then argv. */
    uintptr_t execfn = top - 8 - filename_length;
    uintptr_t environment = execfn - arguments->envp.length;
    uintptr_t argument = environment - arguments->argv.length;
    int error = exec_mm_write(mm, execfn, arguments->filename, filename_length);
    if (error == 0 && arguments->envp.length)
        error = exec_mm_write(mm, environment, arguments->envp.data, arguments->envp.length);
    if (error == 0 && arguments->argv.length)
        error = exec_mm_write(mm, argument, arguments->argv.data, arguments->argv.length);
    if (error < 0)
        return error;

    uintptr_t p = argument & ~(uintptr_t)15;
    p -= sizeof PLATFORM_NAME;
    uintptr_t platform = p;
    p -= 16;
    uintptr_t random = p;
    unsigned char random_bytes[16];
    system_random_bytes(random_bytes, sizeof random_bytes);
    error = exec_mm_write(mm, platform, PLATFORM_NAME, sizeof PLATFORM_NAME);
    if (error == 0)
        error = exec_mm_write(mm, random, random_bytes, sizeof random_bytes);
    if (error < 0)
        return error;

    const uint64_t auxv[AUXV_PAIRS][2] = {
        { AT_MINSIGSTKSZ, EXEC_MINIMUM_SIGNAL_STACK },
        { AT_HWCAP, EXEC_HWCAP },
        { AT_PAGESZ, PAGE_SIZE },
        { AT_CLKTCK, 100 },
        { AT_PHDR, image->program_headers_address },
        { AT_PHENT, sizeof(struct elf64_program_header) },
        { AT_PHNUM, image->header.program_header_count },
        { AT_BASE, 0 },
        { AT_FLAGS, 0 },
        { AT_ENTRY, image->entry },
        { AT_UID, process->uid },
        { AT_EUID, process->euid },
        { AT_GID, process->gid },
        { AT_EGID, process->egid },
        { AT_SECURE, 0 },
        { AT_RANDOM, random },
        { AT_HWCAP2, EXEC_HWCAP2 },
        { AT_EXECFN, execfn },
        { AT_PLATFORM, platform },
        { AT_NULL, 0 },
    };
    uintptr_t sp = p - sizeof auxv;
    sp = (sp - items * 8) & ~(uintptr_t)15;

    struct word_writer writer = { .mm = mm, .address = sp };
    writer_put(&writer, arguments->argv.count);
    writer_put_string_pointers(&writer, &arguments->argv, argument);
    writer_put_string_pointers(&writer, &arguments->envp, environment);
    for (size_t i = 0; i < AUXV_PAIRS; i++) {
        writer_put(&writer, auxv[i][0]);
        writer_put(&writer, auxv[i][1]);
    }
    writer_flush(&writer);
    if (writer.error < 0)
        return writer.error;

    layout->stack_pointer = sp;
    layout->arguments_start = argument;
    layout->arguments_end = environment;
    layout->environment_start = environment;
    layout->environment_end = execfn;
    return 0;
}
