/*
 * elf.c — fuzz target for the ELF64 validator and loader (src/core/exec):
 * the input is an executable file.
 *
 * Validator (every input): elf_check_header and elf_check_program_headers
 * return 0 or -ENOEXEC with a reason; an accepted image satisfies what the
 * loader relies on: every non-empty PT_LOAD has p_filesz <= p_memsz, its
 * file bytes inside the file, p_offset congruent to p_vaddr modulo the
 * page size, and lies with the load bias between the lowest user address
 * and the stack; the bias is 0 for ET_EXEC and page-aligned for ET_DYN;
 * the entry lies in a segment; the break starts at the page end of the
 * highest segment; no PT_INTERP.
 *
 * Loader (inputs that start with the ELF magic): the file is written to
 * /prog in a fresh kernel's tmpfs and pid 1 execs it. A rejected image
 * gives -ENOEXEC with exactly one "exec: /prog: REASON" line naming the
 * validator's reason; an accepted one gives 0 (or -ENOMEM: the fuzz arena
 * is small) and a new address space in which: every page of every segment
 * is mapped; nothing but the segments and the stack is; a segment that
 * shares no page with another has its protection (p_flags) and its
 * contents: the file bytes (the page's bytes before p_vaddr too), zeroes
 * from p_filesz to the end of the page when a bss follows, zeroes in the
 * bss pages; the break is the validator's; the auxiliary vector on the new
 * stack has AT_ENTRY, AT_PHDR and AT_PHNUM as the validator computed.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rk/errno.h>
#include <rk/file.h>
#include <rk/klog.h>
#include <rk/list.h>
#include <rk/mm.h>
#include <rk/path.h>
#include <rk/platform.h>
#include <rk/process.h>

#include "../../src/core/exec/exec_internal.h"
#include "fuzz_kernel.h"
#include "target_user.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define STACK_BOTTOM (EXEC_STACK_TOP - EXEC_STACK_SIZE_DEFAULT)
#define PAGE_LOW_MASK ((uint64_t)PAGE_SIZE - 1)
#define PAGES_CHECKED 6            /* pages of contents checked at each end of a segment */

/* The page holding address / the end of the page holding address - 1. */
static uint64_t page_start(uint64_t address) { return address & ~PAGE_LOW_MASK; }
static uint64_t page_end(uint64_t address) { return (address + PAGE_LOW_MASK) & ~PAGE_LOW_MASK; }

/* The pages [*start, *end) segment occupies once loaded at bias. */
static void segment_pages(const struct elf64_program_header *segment, uint64_t bias, uint64_t *start,
                          uint64_t *end)
{
    *start = page_start(segment->virtual_address + bias);
    *end = page_end(segment->virtual_address + segment->memory_size + bias);
}

/* The program header table, aligned (the loader's is kmalloc'ed). */
static struct elf64_program_header table[ELF_PROGRAM_HEADERS_MAX];

/* Run the validator on the file data[0, size). Returns its result; *reason gets the reason. */
static int validate(const uint8_t *data, size_t size, struct elf_image *image, const char **reason)
{
    memset(image, 0, sizeof *image);
    *reason = NULL;
    memcpy(&image->header, data, size < sizeof image->header ? size : sizeof image->header);
    int result = elf_check_header(&image->header, size, reason);
    if (result == 0) {
        size_t table_size = (size_t)image->header.program_header_count * sizeof table[0];
        memcpy(table, data + image->header.program_header_offset, table_size);
        image->program_headers = table;
        result = elf_check_program_headers(image, size, STACK_BOTTOM, reason);
    }
    if (result != 0 && result != -ENOEXEC)
        fuzz_finding("the ELF validator returned %d", result);
    if (result == -ENOEXEC && (!*reason || !**reason))
        fuzz_finding("an ELF rejection without a reason");
    return result;
}

/* True when segment is a PT_LOAD the loader maps. */
static bool mapped_segment(const struct elf64_program_header *segment)
{
    return segment->type == ELF_SEGMENT_LOAD && segment->memory_size > 0;
}

/* Check what an accepted image promises the loader. */
static void check_accepted(const struct elf_image *image, size_t size)
{
    const struct elf64_header *header = &image->header;
    uint64_t bias = image->load_bias;
    if (header->type == ELF_TYPE_EXECUTABLE ? bias != 0 : (bias & PAGE_LOW_MASK) != 0)
        fuzz_finding("load bias %#llx for e_type %u", (unsigned long long)bias, header->type);
    if (image->entry != header->entry + bias)
        fuzz_finding("entry %#lx is not e_entry + bias", (unsigned long)image->entry);
    bool entry_inside = false;
    uint64_t highest_end = 0;
    for (unsigned i = 0; i < header->program_header_count; i++) {
        const struct elf64_program_header *segment = &image->program_headers[i];
        if (segment->type == ELF_SEGMENT_INTERPRETER)
            fuzz_finding("an image with PT_INTERP accepted");
        if (!mapped_segment(segment))
            continue;
        uint64_t start = segment->virtual_address + bias;
        uint64_t end = start + segment->memory_size;
        if (end <= start || start < platform_user_address_lowest() || page_end(end) > STACK_BOTTOM)
            fuzz_finding("segment %u [%#llx, %#llx) accepted outside the user range", i,
                         (unsigned long long)start, (unsigned long long)end);
        if (segment->file_size > segment->memory_size || segment->offset > size ||
            segment->file_size > size - segment->offset)
            fuzz_finding("segment %u: file part [%#llx + %#llx) accepted in a %zu-byte file", i,
                         (unsigned long long)segment->offset, (unsigned long long)segment->file_size, size);
        if (((segment->offset - segment->virtual_address) & PAGE_LOW_MASK) != 0)
            fuzz_finding("segment %u: offset and address differ modulo the page size", i);
        if (image->entry >= start && image->entry < end)
            entry_inside = true;
        if (page_end(end) > highest_end)
            highest_end = page_end(end);
    }
    if (!entry_inside)
        fuzz_finding("accepted entry %#lx lies in no segment", (unsigned long)image->entry);
    if (image->image_end != highest_end)
        fuzz_finding("break %#lx, the highest segment ends at %#llx", (unsigned long)image->image_end,
                     (unsigned long long)highest_end);
}

/* Write the file to /prog (mode 0755) through the syscalls. */
static void write_program(const uint8_t *data, size_t size)
{
    long fd = fuzz_syscall(SYS_openat, AT_FDCWD, (long)user_string("/prog"),
                           O_WRONLY | O_CREAT | O_TRUNC, 0755, 0, 0);
    if (fd < 0)
        fuzz_finding("cannot create /prog: %ld", fd);
    uintptr_t mark = user_next;
    const size_t chunk_size = 16384;
    uintptr_t buffer = user_alloc(chunk_size);
    for (size_t done = 0; done < size;) {
        size_t chunk = size - done < chunk_size ? size - done : chunk_size;
        if (!fuzz_user_write(buffer, data + done, chunk))
            fuzz_finding("cannot stage the file in user memory");
        long written = fuzz_syscall(SYS_write, fd, (long)buffer, (long)chunk, 0, 0, 0);
        if (written <= 0)
            fuzz_finding("writing /prog gave %ld", written);
        done += (size_t)written;
    }
    user_next = mark;
    fuzz_syscall(SYS_close, fd, 0, 0, 0, 0, 0);
}

/* The number of "exec: /prog: " lines since sequence; the last goes to *last. */
static int exec_lines(uint64_t sequence, struct klog_record *last)
{
    struct klog_record record;
    int lines = 0;
    while (klog_read(&sequence, &record) == 0) {
        if (strncmp(record.text, "exec: ", 6) != 0)
            continue;
        lines++;
        *last = record;
    }
    return lines;
}

/* True when page lies in the page range of a mapped segment other than the index-th. */
static bool shared_page(const struct elf_image *image, unsigned index, uint64_t page)
{
    for (unsigned i = 0; i < image->header.program_header_count; i++) {
        const struct elf64_program_header *segment = &image->program_headers[i];
        if (i == index || !mapped_segment(segment))
            continue;
        uint64_t start = page_start(segment->virtual_address + image->load_bias);
        uint64_t end = page_end(segment->virtual_address + segment->memory_size + image->load_bias);
        if (page >= start && page < end)
            return true;
    }
    return false;
}

/* PROT_* for a segment's p_flags. */
static unsigned protection_of(const struct elf64_program_header *segment)
{
    return ((segment->flags & ELF_FLAG_READ) ? PROT_READ : 0) |
           ((segment->flags & ELF_FLAG_WRITE) ? PROT_WRITE : 0) |
           ((segment->flags & ELF_FLAG_EXECUTE) ? PROT_EXEC : 0);
}

/* What the byte at address of segment must read as (see the file comment). */
static uint8_t expected_byte(const struct elf64_program_header *segment, uint64_t bias,
                             uint64_t address, const uint8_t *data, size_t size)
{
    uint64_t virtual_address = segment->virtual_address + bias;
    uint64_t start = page_start(virtual_address);
    uint64_t file_end = virtual_address + segment->file_size;
    if (segment->file_size == 0 || address >= page_end(file_end))
        return 0;                                     /* anonymous bss pages */
    if (address >= file_end && segment->memory_size > segment->file_size)
        return 0;                                     /* the cleared tail of the last file page */
    uint64_t file_offset = segment->offset - (virtual_address - start) + (address - start);
    return file_offset < size ? data[file_offset] : 0;
}

/* Check one page of segment's contents (the page is not shared with another segment). */
static void check_page(struct mm *mm, const struct elf64_program_header *segment, unsigned index,
                       uint64_t bias, uint64_t page, const uint8_t *data, size_t size)
{
    static uint8_t contents[PAGE_SIZE];
    /* Make it readable whatever p_flags said (the last thing done to this address space). */
    int error = mm_protect(mm, page, PAGE_SIZE, PROT_READ);
    if (error == 0)
        error = exec_mm_read(mm, page, contents, PAGE_SIZE);
    if (error == -ENOMEM)
        return;
    if (error < 0)
        fuzz_finding("segment %u: page %#llx cannot be read: %d", index, (unsigned long long)page, error);
    uint64_t end = page_end(segment->virtual_address + segment->memory_size + bias);
    for (size_t i = 0; i < PAGE_SIZE && page + i < end; i++) {
        uint8_t expected = expected_byte(segment, bias, page + i, data, size);
        if (contents[i] != expected)
            fuzz_finding("segment %u: byte at %#llx is %#x, expected %#x", index,
                         (unsigned long long)(page + i), contents[i], expected);
    }
}

/* Check the address space exec built for the accepted image. */
static void check_address_space(struct mm *mm, const struct elf_image *image, const uint8_t *data,
                                size_t size)
{
    uint64_t bias = image->load_bias;
    if (mm->brk_start != image->image_end || mm->brk != image->image_end)
        fuzz_finding("break %#lx, the image ends at %#lx", (unsigned long)mm->brk_start,
                     (unsigned long)image->image_end);
    /* Every area lies in the union of the segments' pages and the stack (adjacent areas merge). */
    for (struct list_node *node = mm->areas.next; node != &mm->areas; node = node->next) {
        const struct vm_area *area = list_entry(node, struct vm_area, link);
        uint64_t covered = area->start;
        while (covered < area->end) {
            uint64_t next = covered;
            if (covered >= STACK_BOTTOM && covered < EXEC_STACK_TOP)
                next = EXEC_STACK_TOP;
            for (unsigned i = 0; i < image->header.program_header_count; i++) {
                const struct elf64_program_header *segment = &image->program_headers[i];
                uint64_t start, end;
                segment_pages(segment, bias, &start, &end);
                if (mapped_segment(segment) && covered >= start && covered < end && end > next)
                    next = end;
            }
            if (next == covered)
                fuzz_finding("area [%#lx, %#lx) holds %#llx, which is in no segment",
                             (unsigned long)area->start, (unsigned long)area->end,
                             (unsigned long long)covered);
            covered = next;
        }
    }
    for (unsigned i = 0; i < image->header.program_header_count; i++) {
        const struct elf64_program_header *segment = &image->program_headers[i];
        if (!mapped_segment(segment))
            continue;
        uint64_t start, end;
        segment_pages(segment, bias, &start, &end);
        for (uint64_t address = start; address < end;) {
            struct vm_area *area = mm_find_area(mm, address);
            if (!area)
                fuzz_finding("segment %u: %#llx is not mapped", i, (unsigned long long)address);
            if (!shared_page(image, i, address) && area->protection != protection_of(segment))
                fuzz_finding("segment %u: protection %#x at %#llx, p_flags say %#x", i,
                             area->protection, (unsigned long long)address, protection_of(segment));
            address = area->end < end ? area->end : end;
        }
    }
    /* Contents last (they change protections). */
    for (unsigned i = 0; i < image->header.program_header_count; i++) {
        const struct elf64_program_header *segment = &image->program_headers[i];
        if (!mapped_segment(segment))
            continue;
        uint64_t start, end;
        segment_pages(segment, bias, &start, &end);
        uint64_t pages = (end - start) / PAGE_SIZE;
        for (uint64_t n = 0; n < pages; n++) {
            if (n == PAGES_CHECKED && pages > 2 * PAGES_CHECKED)
                n = pages - PAGES_CHECKED;
            uint64_t page = start + n * PAGE_SIZE;
            if (!shared_page(image, i, page))
                check_page(mm, segment, i, bias, page, data, size);
        }
    }
}

/* Find the auxiliary vector under the argument strings and check what the image put in it. */
static void check_auxiliary_vector(struct mm *mm, const struct elf_image *image)
{
    static uint64_t words[512];
    uintptr_t below = (mm->arguments_start & ~(uintptr_t)7) - sizeof words;
    if (exec_mm_read(mm, below, words, sizeof words) < 0)
        fuzz_finding("the initial stack cannot be read");
    size_t count = sizeof words / sizeof words[0];
    for (size_t i = 0; i + 1 < count; i++) {
        if (words[i] != AT_MINSIGSTKSZ || words[i + 1] != EXEC_MINIMUM_SIGNAL_STACK)
            continue;
        uint64_t entry = 0, headers = 0, header_count = 0;
        for (size_t j = i; j + 1 < count && words[j] != AT_NULL; j += 2) {
            if (words[j] == AT_ENTRY)
                entry = words[j + 1];
            else if (words[j] == AT_PHDR)
                headers = words[j + 1];
            else if (words[j] == AT_PHNUM)
                header_count = words[j + 1];
        }
        if (entry != image->entry || headers != image->program_headers_address ||
            header_count != image->header.program_header_count)
            fuzz_finding("auxv: AT_ENTRY %#llx AT_PHDR %#llx AT_PHNUM %llu, the image has %#lx %#lx %u",
                         (unsigned long long)entry, (unsigned long long)headers,
                         (unsigned long long)header_count, (unsigned long)image->entry,
                         (unsigned long)image->program_headers_address,
                         image->header.program_header_count);
        return;
    }
    fuzz_finding("no auxiliary vector below the argument strings");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool booted;
    if (!booted) {
        fuzz_kernel_boot(NULL, 1);    /* the validator needs the platform's user range only */
        booted = true;
    }
    struct elf_image image;
    const char *reason;
    int result = validate(data, size, &image, &reason);
    if (result == 0)
        check_accepted(&image, size);
    if (size < 4 || memcmp(data, ELF_MAGIC, 4) != 0)
        return 0;

    /* exec it in a fresh kernel. */
    fuzz_kernel_boot(NULL, 1);
    struct process *init = fuzz_init_create();
    user_reset();
    write_program(data, size);
    uintptr_t path = user_string("/prog");
    uintptr_t arguments[2] = { path, 0 };
    uintptr_t argv = user_bytes(arguments, sizeof arguments);
    uintptr_t envp = user_bytes(&arguments[1], sizeof arguments[1]);
    uint64_t sequence = klog_next_sequence();
    long executed = fuzz_syscall(SYS_execve, (long)path, (long)argv, (long)envp, 0, 0, 0);
    struct klog_record line;
    int lines = exec_lines(sequence, &line);
    if (fuzz_verbose())
        fprintf(stderr, "elf: validator %d (%s), execve %ld\n", result, reason ? reason : "accepted",
                executed);
    if (result != 0) {
        char expected[200];
        snprintf(expected, sizeof expected, "exec: /prog: %s", reason);
        if (executed != -ENOEXEC || lines != 1 || strcmp(line.text, expected) != 0)
            fuzz_finding("exec of a rejected image: %ld with %d lines (last \"%s\"), expected -ENOEXEC "
                         "and \"%s\"", executed, lines, lines ? line.text : "", expected);
        return 0;
    }
    if (executed == -ENOMEM)
        return 0;
    if (executed != 0 || lines != 0)
        fuzz_finding("exec of an accepted image gave %ld with %d log lines", executed, lines);
    struct mm *mm = init->mm;
    if (!mm || process_current() != init)
        fuzz_finding("pid 1 has no address space after exec");
    check_auxiliary_vector(mm, &image);
    check_address_space(mm, &image, data, size);
    return 0;
}
