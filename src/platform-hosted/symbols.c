/*
 * symbols.c — symbolizing addresses and walking frame pointers.
 *
 * At boot the running executable (/proc/self/exe) is read once and its
 * .symtab function symbols (static ones included) are copied into a table
 * sorted by address, relocated by the PIE load bias from dl_iterate_phdr().
 * After that, platform_symbolize() only does a binary search: no
 * allocation, no locks. Addresses in shared libraries fall back to
 * dladdr() (dynamic symbols only).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hosted_internal.h"

struct symbol_entry {
    uintptr_t address;      /* run-time address */
    uintptr_t size;         /* bytes; estimated at load when the symbol table says 0 */
    uintptr_t section_end;  /* run-time end of the symbol's section */
    uint32_t name_offset;   /* into symbol_names */
    uint8_t binding;        /* STB_LOCAL, STB_GLOBAL, STB_WEAK */
};

/* Where the executable is loaded. */
struct executable_layout {
    uintptr_t bias;
    uintptr_t start;
    uintptr_t end;
};

static bool symbols_loaded;
static int symbols_load_error;   /* a failed load is not retried at every boot */
static struct symbol_entry *symbol_table;
static size_t symbol_count;
static char *symbol_names;
static struct executable_layout executable;

/* dl_iterate_phdr callback: the first object is the executable itself. */
static int find_executable(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    struct executable_layout *layout = data;
    layout->bias = info->dlpi_addr;
    layout->start = UINTPTR_MAX;
    layout->end = 0;
    for (size_t index = 0; index < info->dlpi_phnum; index++) {
        const ElfW(Phdr) *header = &info->dlpi_phdr[index];
        if (header->p_type != PT_LOAD)
            continue;
        uintptr_t start = info->dlpi_addr + header->p_vaddr;
        if (start < layout->start)
            layout->start = start;
        if (start + header->p_memsz > layout->end)
            layout->end = start + header->p_memsz;
    }
    return 1; /* stop after the first object */
}

/* Read the whole file at path into a malloc'ed buffer. Returns 0 or a negative errno. */
static int read_file(const char *path, uint8_t **contents, size_t *length)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    struct stat status;
    if (fstat(fd, &status) != 0 || status.st_size <= 0) {
        close(fd);
        return -EIO;
    }
    size_t size = (size_t)status.st_size;
    uint8_t *buffer = malloc(size);
    if (buffer == NULL) {
        close(fd);
        return -ENOMEM;
    }
    size_t done = 0;
    while (done < size) {
        ssize_t count = read(fd, buffer + done, size - done);
        if (count < 0 && errno == EINTR)
            continue;
        if (count <= 0) {
            free(buffer);
            close(fd);
            return -EIO;
        }
        done += (size_t)count;
    }
    close(fd);
    *contents = buffer;
    *length = size;
    return 0;
}

/* Order by address; at one address the global symbol sorts last (it wins the search). */
static int compare_symbols(const void *left_pointer, const void *right_pointer)
{
    const struct symbol_entry *left = left_pointer, *right = right_pointer;
    if (left->address != right->address)
        return left->address < right->address ? -1 : 1;
    return (int)left->binding - (int)right->binding;
}

/* True when [offset, offset + length) lies inside a file of file_size bytes. */
static bool file_range_valid(uint64_t offset, uint64_t length, size_t file_size)
{
    return offset <= file_size && length <= file_size - offset;
}

/*
 * Give size-less symbols (_init, _fini, hand-written assembly) the room up
 * to the next symbol or the end of their section, whichever comes first.
 */
static void symbols_estimate_sizes(void)
{
    for (size_t index = 0; index < symbol_count; index++) {
        struct symbol_entry *entry = &symbol_table[index];
        if (entry->size != 0)
            continue;
        uintptr_t limit = entry->section_end;
        for (size_t next = index + 1; next < symbol_count; next++) {
            if (symbol_table[next].address > entry->address) {
                if (symbol_table[next].address < limit)
                    limit = symbol_table[next].address;
                break;
            }
        }
        entry->size = limit > entry->address ? limit - entry->address : 1;
    }
}

/* Build the symbol table from an ELF image in memory. Returns 0 or a negative errno. */
static int symbols_parse(const uint8_t *image, size_t size)
{
    const Elf64_Ehdr *header = (const Elf64_Ehdr *)image;
    if (size < sizeof(*header) || memcmp(header->e_ident, ELFMAG, SELFMAG) != 0 ||
        header->e_ident[EI_CLASS] != ELFCLASS64 || header->e_shentsize != sizeof(Elf64_Shdr) ||
        !file_range_valid(header->e_shoff, (uint64_t)header->e_shnum * sizeof(Elf64_Shdr), size))
        return -ENOEXEC;
    const Elf64_Shdr *sections = (const Elf64_Shdr *)(image + header->e_shoff);
    const Elf64_Shdr *symtab = NULL;
    for (size_t index = 0; index < header->e_shnum; index++) {
        if (sections[index].sh_type == SHT_SYMTAB) {
            symtab = &sections[index];
            break;
        }
    }
    if (symtab == NULL || symtab->sh_link >= header->e_shnum ||
        symtab->sh_entsize != sizeof(Elf64_Sym) ||
        !file_range_valid(symtab->sh_offset, symtab->sh_size, size))
        return -ENOENT; /* stripped */
    const Elf64_Shdr *strtab = &sections[symtab->sh_link];
    if (!file_range_valid(strtab->sh_offset, strtab->sh_size, size) || strtab->sh_size == 0 ||
        strtab->sh_size > UINT32_MAX)
        return -ENOEXEC;

    const Elf64_Sym *symbols = (const Elf64_Sym *)(image + symtab->sh_offset);
    size_t total = symtab->sh_size / sizeof(Elf64_Sym);
    symbol_table = calloc(total, sizeof(*symbol_table));
    symbol_names = malloc(strtab->sh_size + 1);
    if (symbol_table == NULL || symbol_names == NULL)
        return -ENOMEM;
    memcpy(symbol_names, image + strtab->sh_offset, strtab->sh_size);
    symbol_names[strtab->sh_size] = '\0';

    symbol_count = 0;
    for (size_t index = 0; index < total; index++) {
        const Elf64_Sym *symbol = &symbols[index];
        if (ELF64_ST_TYPE(symbol->st_info) != STT_FUNC || symbol->st_shndx == SHN_UNDEF ||
            symbol->st_value == 0 || symbol->st_name >= strtab->sh_size)
            continue;
        struct symbol_entry *entry = &symbol_table[symbol_count++];
        entry->address = symbol->st_value + executable.bias;
        entry->size = symbol->st_size;
        entry->name_offset = symbol->st_name;
        entry->binding = ELF64_ST_BIND(symbol->st_info);
        entry->section_end = executable.end;
        if (symbol->st_shndx < header->e_shnum) {
            const Elf64_Shdr *section = &sections[symbol->st_shndx];
            entry->section_end = section->sh_addr + section->sh_size + executable.bias;
        }
    }
    qsort(symbol_table, symbol_count, sizeof(*symbol_table), compare_symbols);
    symbols_estimate_sizes();
    return 0;
}

/* See hosted_internal.h. Boot only (allocates). */
int hosted_symbols_load(void)
{
    if (symbols_loaded)
        return 0;
    if (symbols_load_error != 0)
        return symbols_load_error;
    dl_iterate_phdr(find_executable, &executable);
    uint8_t *image = NULL;
    size_t size = 0;
    int error = read_file("/proc/self/exe", &image, &size);
    if (error == 0) {
        error = symbols_parse(image, size);
        free(image);
    }
    if (error != 0) {
        free(symbol_table);
        free(symbol_names);
        symbol_table = NULL;
        symbol_names = NULL;
        symbol_count = 0;
        symbols_load_error = error;
        return error;
    }
    symbols_loaded = true;
    return 0;
}

/* See rk/platform.h. Any context after boot. */
const char *platform_symbolize(uintptr_t address, uintptr_t *offset)
{
    if (symbol_count > 0 && address >= executable.start && address < executable.end) {
        /* The last symbol whose address is <= address. */
        size_t low = 0, high = symbol_count;
        while (low < high) {
            size_t middle = low + (high - low) / 2;
            if (symbol_table[middle].address <= address)
                low = middle + 1;
            else
                high = middle;
        }
        if (low == 0)
            return NULL;
        const struct symbol_entry *entry = &symbol_table[low - 1];
        /* offset == size: the return address of a call that ends the function (noreturn). */
        if (address - entry->address > entry->size)
            return NULL; /* in a gap between functions */
        if (offset != NULL)
            *offset = address - entry->address;
        return symbol_names + entry->name_offset;
    }
    Dl_info information;
    if (dladdr((void *)address, &information) != 0 && information.dli_sname != NULL &&
        information.dli_saddr != NULL) {
        if (offset != NULL)
            *offset = address - (uintptr_t)information.dli_saddr;
        return information.dli_sname;
    }
    return NULL;
}

/*
 * Read the two words of the frame at frame (saved rbp, return address) when
 * the frame lies in known memory; false otherwise.
 */
static bool frame_read(uintptr_t frame, uintptr_t words[2], uintptr_t *region_start,
                       uintptr_t *region_end)
{
    bool may_be_unmapped = false;
    if (!hosted_region_find(frame, 2 * sizeof(uintptr_t), region_start, region_end,
                            &may_be_unmapped))
        return false;
    if (may_be_unmapped)
        return hosted_memory_read_safely(frame, words, 2 * sizeof(uintptr_t));
    memcpy(words, (const void *)frame, 2 * sizeof(uintptr_t));
    return true;
}

/*
 * See rk/platform.h. Follows saved rbp values while they stay inside one
 * known stack (or the arena), are 8-byte aligned and strictly increase.
 */
size_t platform_backtrace(uintptr_t frame_pointer, uintptr_t *out, size_t max)
{
    uintptr_t frame = frame_pointer != 0 ? frame_pointer : (uintptr_t)__builtin_frame_address(0);
    uintptr_t region_start = 0, region_end = 0;
    size_t count = 0;
    while (count < max && frame != 0 && (frame & 7) == 0) {
        uintptr_t words[2], start, end;
        if (!frame_read(frame, words, &start, &end))
            break;
        if (count > 0 && (start != region_start || end != region_end))
            break; /* the chain left the stack it started on */
        region_start = start;
        region_end = end;
        if (words[1] == 0)
            break;
        out[count++] = words[1];
        if (words[0] <= frame)
            break;
        frame = words[0];
    }
    return count;
}
