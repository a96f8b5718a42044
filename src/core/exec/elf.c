/*
 * elf.c — decoding and validating ELF64 x86_64 executables before anything
 * is mapped (seL4 style: check everything, then act). Pure functions over
 * bytes already read: no allocation, no I/O, so the mutation tests can
 * throw anything at them.
 */
#include <rk/errno.h>
#include <rk/platform.h>
#include <rk/string.h>

#include "exec_internal.h"

#define PAGE_MASK_LOW ((uint64_t)PAGE_SIZE - 1)

/* page start / page end of an address (no overflow checks: callers bound the values first). */
static uint64_t page_start(uint64_t address) { return address & ~PAGE_MASK_LOW; }
static uint64_t page_end(uint64_t address) { return (address + PAGE_MASK_LOW) & ~PAGE_MASK_LOW; }

int elf_check_header(const struct elf64_header *header, uint64_t file_size, const char **reason)
{
    const unsigned char *identification = header->identification;
    if (file_size < sizeof *header) {
        *reason = "file too short for an ELF header";
        return -ENOEXEC;
    }
    if (memcmp(identification, ELF_MAGIC, 4) != 0) {
        *reason = "not an ELF file";
        return -ENOEXEC;
    }
    if (identification[4] != ELF_CLASS_64) {
        *reason = "not a 64-bit ELF file (EI_CLASS)";
        return -ENOEXEC;
    }
    if (identification[5] != ELF_DATA_LITTLE) {
        *reason = "not a little-endian ELF file (EI_DATA)";
        return -ENOEXEC;
    }
    if (identification[6] != ELF_VERSION_CURRENT || header->version != ELF_VERSION_CURRENT) {
        *reason = "unknown ELF version";
        return -ENOEXEC;
    }
    if (header->type != ELF_TYPE_EXECUTABLE && header->type != ELF_TYPE_DYNAMIC) {
        *reason = "not an executable (e_type is neither ET_EXEC nor ET_DYN)";
        return -ENOEXEC;
    }
    if (header->machine != ELF_MACHINE_X86_64) {
        *reason = "not an x86-64 executable (e_machine)";
        return -ENOEXEC;
    }
    if (header->program_header_size != sizeof(struct elf64_program_header)) {
        *reason = "bad program header size (e_phentsize)";
        return -ENOEXEC;
    }
    if (header->program_header_count == 0 ||
        header->program_header_count > ELF_PROGRAM_HEADERS_MAX) {
        *reason = "bad program header count (e_phnum)";
        return -ENOEXEC;
    }
    uint64_t table_size = (uint64_t)header->program_header_count * sizeof(struct elf64_program_header);
    if (header->program_header_offset > file_size ||
        table_size > file_size - header->program_header_offset) {
        *reason = "program headers outside the file";
        return -ENOEXEC;
    }
    return 0;
}

/* Check one PT_LOAD's own fields (no bias yet). Returns 0 or -ENOEXEC with *reason. */
static int check_load_segment(const struct elf64_program_header *segment, uint64_t file_size,
                              const char **reason)
{
    if (segment->file_size > segment->memory_size) {
        *reason = "segment's p_filesz is larger than its p_memsz";
        return -ENOEXEC;
    }
    if (segment->offset > file_size || segment->file_size > file_size - segment->offset) {
        *reason = "segment's data lies outside the file";
        return -ENOEXEC;
    }
    if (((segment->offset - segment->virtual_address) & PAGE_MASK_LOW) != 0) {
        *reason = "segment's p_offset and p_vaddr differ modulo the page size";
        return -ENOEXEC;
    }
    /* Bound the address so that page_end() and a bias of at most 2^47 cannot wrap. */
    const uint64_t address_limit = (uint64_t)1 << 48;
    if (segment->virtual_address >= address_limit ||
        segment->memory_size >= address_limit - segment->virtual_address) {
        *reason = "segment wraps around or lies outside the user address range";
        return -ENOEXEC;
    }
    return 0;
}

/* Linux's maximum_alignment(): the largest power-of-two p_align of PT_LOAD, at least a page. */
static uint64_t load_alignment(const struct elf_image *image)
{
    uint64_t alignment = PAGE_SIZE;
    for (unsigned i = 0; i < image->header.program_header_count; i++) {
        const struct elf64_program_header *segment = &image->program_headers[i];
        uint64_t align = segment->alignment;
        if (segment->type != ELF_SEGMENT_LOAD || align == 0 || (align & (align - 1)) != 0)
            continue;
        if (align > alignment && align <= ((uint64_t)1 << 30))
            alignment = align;
    }
    return alignment;
}

int elf_check_program_headers(struct elf_image *image, uint64_t file_size, uintptr_t stack_bottom,
                              const char **reason)
{
    const struct elf64_header *header = &image->header;
    const struct elf64_program_header *first_load = NULL;
    image->executable_stack = false;
    for (unsigned i = 0; i < header->program_header_count; i++) {
        const struct elf64_program_header *segment = &image->program_headers[i];
        if (segment->type == ELF_SEGMENT_INTERPRETER) {
            *reason = "dynamically linked (PT_INTERP): only static executables are supported";
            return -ENOEXEC;
        }
        if (segment->type == ELF_SEGMENT_GNU_STACK)
            image->executable_stack = (segment->flags & ELF_FLAG_EXECUTE) != 0;
        if (segment->type != ELF_SEGMENT_LOAD)
            continue;
        int error = check_load_segment(segment, file_size, reason);
        if (error < 0)
            return error;
        if (!first_load)
            first_load = segment;
    }
    if (!first_load) {
        *reason = "no loadable segment (PT_LOAD)";
        return -ENOEXEC;
    }

    /* Where it goes: ET_EXEC where linked, ET_DYN at ELF_ET_DYN_BASE (Linux without ASLR). */
    uint64_t bias = 0;
    if (header->type == ELF_TYPE_DYNAMIC) {
        uint64_t base = page_start(EXEC_DYNAMIC_BASE) & ~(load_alignment(image) - 1);
        bias = page_start(base - page_start(first_load->virtual_address));
        if (page_start(first_load->virtual_address) > base) {
            *reason = "position-independent image's first segment lies too high";
            return -ENOEXEC;
        }
    }

    uint64_t lowest = platform_user_address_lowest();
    uint64_t image_end = 0;
    bool entry_found = false;
    uint64_t entry = header->entry + bias;
    image->program_headers_address = 0;
    for (unsigned i = 0; i < header->program_header_count; i++) {
        const struct elf64_program_header *segment = &image->program_headers[i];
        if (segment->type != ELF_SEGMENT_LOAD || segment->memory_size == 0)
            continue;
        uint64_t start = page_start(segment->virtual_address + bias);
        uint64_t end = page_end(segment->virtual_address + segment->memory_size + bias);
        if (start < lowest || end > stack_bottom) {
            *reason = "segment lies outside the user address range (or over the stack)";
            return -ENOEXEC;
        }
        if (end > image_end)
            image_end = end;
        uint64_t low = segment->virtual_address + bias;
        if (header->entry + bias >= header->entry && entry >= low && entry < low + segment->memory_size)
            entry_found = true;
        /* AT_PHDR as Linux 6.1 finds it: the PT_LOAD whose file part holds the table. */
        if (segment->offset <= header->program_header_offset &&
            header->program_header_offset < segment->offset + segment->file_size)
            image->program_headers_address =
                header->program_header_offset - segment->offset + segment->virtual_address;
    }
    if (!entry_found) {
        *reason = "entry point outside every loadable segment";
        return -ENOEXEC;
    }
    image->load_bias = bias;
    image->entry = entry;
    image->program_headers_address += bias;
    image->image_end = image_end;
    return 0;
}
