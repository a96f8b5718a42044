/*
 * elf_load.c — mapping a validated ELF image's PT_LOAD segments into a new
 * address space, and writing into an address space that is not active yet
 * (the bss tail, the initial stack), so that the old image stays intact
 * until the point of no return.
 */
#include <rk/errno.h>
#include <rk/mm.h>
#include <rk/string.h>

#include "exec_internal.h"

#define PAGE_MASK_LOW ((uintptr_t)PAGE_SIZE - 1)

/* Visit [address, address + length) of mm page by page through the direct map. */
static int mm_access(struct mm *mm, uintptr_t address, void *buffer, const void *data,
                     size_t length, bool write)
{
    unsigned access = write ? MM_ACCESS_WRITE : MM_ACCESS_READ;
    while (length > 0) {
        uintptr_t page = address & ~PAGE_MASK_LOW;
        size_t chunk = PAGE_SIZE - (address - page);
        if (chunk > length)
            chunk = length;
        int error = mm_fault_in(mm, page, PAGE_SIZE, access);
        if (error < 0)
            return error;
        paddr_t frame;
        if (platform_translate(&mm->space, page, &frame, NULL) < 0)
            return -EFAULT;
        char *kernel = (char *)platform_phys_to_virt(frame) + (address - page);
        if (!write)
            memcpy(buffer, kernel, chunk);
        else if (data)
            memcpy(kernel, data, chunk);
        else
            memset(kernel, 0, chunk);
        if (buffer)
            buffer = (char *)buffer + chunk;
        if (data)
            data = (const char *)data + chunk;
        address += chunk;
        length -= chunk;
    }
    return 0;
}

int exec_mm_write(struct mm *mm, uintptr_t address, const void *data, size_t length)
{
    return mm_access(mm, address, NULL, data, length, true);
}

int exec_mm_read(struct mm *mm, uintptr_t address, void *data, size_t length)
{
    return mm_access(mm, address, data, NULL, length, false);
}

/* PROT_* of a segment's p_flags. */
static unsigned segment_protection(const struct elf64_program_header *segment)
{
    unsigned protection = 0;
    if (segment->flags & ELF_FLAG_READ)
        protection |= PROT_READ;
    if (segment->flags & ELF_FLAG_WRITE)
        protection |= PROT_WRITE;
    if (segment->flags & ELF_FLAG_EXECUTE)
        protection |= PROT_EXEC;
    return protection;
}

/*
 * Map one PT_LOAD (as Linux's elf_load): the file part MAP_PRIVATE from
 * the page holding p_vaddr, the rest of the last file page cleared when
 * bss follows, anonymous zero pages up to p_vaddr + p_memsz.
 */
static int map_segment(struct mm *mm, const struct elf64_program_header *segment, uintptr_t bias,
                       struct file *file)
{
    unsigned protection = segment_protection(segment);
    uintptr_t address = segment->virtual_address + bias;
    uintptr_t start = address & ~PAGE_MASK_LOW;
    uintptr_t file_end = address + segment->file_size;
    uintptr_t memory_end = address + segment->memory_size;
    uintptr_t file_pages_end = (file_end + PAGE_MASK_LOW) & ~PAGE_MASK_LOW;
    uintptr_t memory_pages_end = (memory_end + PAGE_MASK_LOW) & ~PAGE_MASK_LOW;
    const unsigned fixed = MAP_FIXED | MAP_PRIVATE;

    if (segment->file_size > 0) {
        bool clear_tail = memory_end > file_end && (file_end & PAGE_MASK_LOW) != 0;
        /* Writable for the moment the tail is cleared (a private copy), then the real protection. */
        unsigned first = clear_tail ? protection | PROT_WRITE : protection;
        long mapped = mm_map(mm, start, file_pages_end - start, first, fixed, file,
                             segment->offset - (address - start));
        if (mapped < 0)
            return (int)mapped;
        if (clear_tail) {
            int error = exec_mm_write(mm, file_end, NULL, file_pages_end - file_end);
            if (error == 0 && first != protection)
                error = mm_protect(mm, start, file_pages_end - start, protection);
            if (error < 0)
                return error;
        }
    } else {
        file_pages_end = start;
    }
    if (memory_pages_end > file_pages_end) {
        long mapped = mm_map(mm, file_pages_end, memory_pages_end - file_pages_end, protection,
                             fixed | MAP_ANONYMOUS, NULL, 0);
        if (mapped < 0)
            return (int)mapped;
    }
    return 0;
}

int elf_map_segments(struct mm *mm, const struct elf_image *image, struct file *file)
{
    for (unsigned i = 0; i < image->header.program_header_count; i++) {
        const struct elf64_program_header *segment = &image->program_headers[i];
        if (segment->type != ELF_SEGMENT_LOAD || segment->memory_size == 0)
            continue;
        int error = map_segment(mm, segment, image->load_bias, file);
        if (error < 0)
            return error;
    }
    return 0;
}
