/*
 * test_exec_fixture.h — ELF64 images built in memory for the exec and ELF
 * tests: a small static executable (three PT_LOAD segments and
 * PT_GNU_STACK) whose fields each test can break, and its static-PIE twin.
 */
#ifndef TEST_EXEC_FIXTURE_H
#define TEST_EXEC_FIXTURE_H

#include <stdint.h>
#include <string.h>

#include "../../src/core/exec/exec_internal.h"

#define IMAGE_CAPACITY (4 * 4096)

/* The layout of the test executable. */
#define IMAGE_TEXT_ADDRESS 0x401000ul
#define IMAGE_ENTRY (IMAGE_TEXT_ADDRESS + 0x10)
#define IMAGE_DATA_OFFSET 0x2010ul
#define IMAGE_DATA_ADDRESS 0x403010ul
#define IMAGE_DATA_SIZE 0x20ul
#define IMAGE_BSS_SIZE 0x3000ul         /* memsz of the data segment */
#define IMAGE_FILE_SIZE 0x3000ul        /* junk after the data, in the same page, must read as 0 */
#define IMAGE_PROGRAM_HEADERS 4

struct test_image {
    unsigned char bytes[IMAGE_CAPACITY];
    size_t size;
};

static inline struct elf64_header *image_header(struct test_image *image)
{
    return (struct elf64_header *)image->bytes;
}

static inline struct elf64_program_header *image_segment(struct test_image *image, unsigned index)
{
    return (struct elf64_program_header *)(image->bytes + 64) + index;
}

/*
 * A valid static x86-64 executable: headers in a read-only PT_LOAD at
 * 0x400000, text (R X) at 0x401000, data (RW) at 0x403010 with bss up to
 * 0x406010, PT_GNU_STACK RW. With position_independent: ET_DYN linked at 0.
 */
static inline void image_build(struct test_image *image, bool position_independent)
{
    memset(image, 0, sizeof *image);
    uint64_t base = position_independent ? 0 : 0x400000ul;
    struct elf64_header *header = image_header(image);
    memcpy(header->identification, "\177ELF", 4);
    header->identification[4] = ELF_CLASS_64;
    header->identification[5] = ELF_DATA_LITTLE;
    header->identification[6] = ELF_VERSION_CURRENT;
    header->type = position_independent ? ELF_TYPE_DYNAMIC : ELF_TYPE_EXECUTABLE;
    header->machine = ELF_MACHINE_X86_64;
    header->version = ELF_VERSION_CURRENT;
    header->entry = IMAGE_ENTRY - 0x400000ul + base;
    header->program_header_offset = 64;
    header->header_size = 64;
    header->program_header_size = sizeof(struct elf64_program_header);
    header->program_header_count = IMAGE_PROGRAM_HEADERS;

    *image_segment(image, 0) = (struct elf64_program_header){
        .type = ELF_SEGMENT_LOAD, .flags = ELF_FLAG_READ, .offset = 0, .virtual_address = base,
        .file_size = 64 + IMAGE_PROGRAM_HEADERS * 56, .memory_size = 64 + IMAGE_PROGRAM_HEADERS * 56,
        .alignment = 0x1000 };
    *image_segment(image, 1) = (struct elf64_program_header){
        .type = ELF_SEGMENT_LOAD, .flags = ELF_FLAG_READ | ELF_FLAG_EXECUTE, .offset = 0x1000,
        .virtual_address = base + 0x1000, .file_size = 0x100, .memory_size = 0x100,
        .alignment = 0x1000 };
    *image_segment(image, 2) = (struct elf64_program_header){
        .type = ELF_SEGMENT_LOAD, .flags = ELF_FLAG_READ | ELF_FLAG_WRITE, .offset = IMAGE_DATA_OFFSET,
        .virtual_address = IMAGE_DATA_ADDRESS - 0x400000ul + base, .file_size = IMAGE_DATA_SIZE,
        .memory_size = IMAGE_BSS_SIZE, .alignment = 0x1000 };
    *image_segment(image, 3) = (struct elf64_program_header){
        .type = ELF_SEGMENT_GNU_STACK, .flags = ELF_FLAG_READ | ELF_FLAG_WRITE, .alignment = 16 };

    for (size_t i = 0; i < 0x100; i++)
        image->bytes[0x1000 + i] = (unsigned char)(0x90 + (i % 7));
    for (size_t i = 0; i < IMAGE_DATA_SIZE; i++)
        image->bytes[IMAGE_DATA_OFFSET + i] = (unsigned char)(i + 1);
    /* Junk after the data in the same page: the loader must not let the image see it. */
    memset(image->bytes + IMAGE_DATA_OFFSET + IMAGE_DATA_SIZE, 0xaa,
           IMAGE_FILE_SIZE - IMAGE_DATA_OFFSET - IMAGE_DATA_SIZE);
    image->size = IMAGE_FILE_SIZE;
}

/* ------------------------------------------------ malformations */

/* One malformation: a name, how to apply it, and a word its reason must contain. */
struct malformation {
    const char *name;
    void (*apply)(struct test_image *image);
    const char *reason_word;
};

static void bad_magic(struct test_image *image) { image->bytes[1] = 'X'; }
static void bad_class(struct test_image *image) { image->bytes[4] = 1; }
static void bad_data(struct test_image *image) { image->bytes[5] = 2; }
static void bad_identification_version(struct test_image *image) { image->bytes[6] = 0; }
static void bad_version(struct test_image *image) { image_header(image)->version = 2; }
static void relocatable(struct test_image *image) { image_header(image)->type = 1; }
static void core_file(struct test_image *image) { image_header(image)->type = 4; }
static void wrong_machine(struct test_image *image) { image_header(image)->machine = 3; }
static void short_phentsize(struct test_image *image) { image_header(image)->program_header_size = 32; }
static void no_program_headers(struct test_image *image) { image_header(image)->program_header_count = 0; }
static void too_many_program_headers(struct test_image *image)
{
    image_header(image)->program_header_count = 1171;   /* > 65536 / 56 */
}
static void program_headers_past_end(struct test_image *image)
{
    image_header(image)->program_header_offset = IMAGE_FILE_SIZE - 100;
}
static void program_headers_offset_huge(struct test_image *image)
{
    image_header(image)->program_header_offset = ~0ull - 10;
}
static void truncated(struct test_image *image) { image->size = 40; }
static void filesz_over_memsz(struct test_image *image)
{
    image_segment(image, 2)->file_size = IMAGE_BSS_SIZE + 1;
}
static void data_past_file(struct test_image *image) { image_segment(image, 1)->offset = 0x2f80; }
static void data_offset_huge(struct test_image *image) { image_segment(image, 1)->offset = ~0ull - 0x10; }
static void incongruent(struct test_image *image) { image_segment(image, 2)->virtual_address += 8; }
static void kernel_address(struct test_image *image)
{
    image_segment(image, 1)->virtual_address = 0xffff800000001000ull;
}
static void wrapping(struct test_image *image)
{
    image_segment(image, 2)->virtual_address = 0x7ffffffff010ull;
    image_segment(image, 2)->memory_size = ~0ull - 0x1000;
}
static void below_minimum(struct test_image *image) { image_segment(image, 0)->virtual_address = 0x1000; }
static void over_stack(struct test_image *image)
{
    image_segment(image, 2)->virtual_address = EXEC_STACK_TOP - 0x100000 + 0x10;
}
static void past_user_end(struct test_image *image)
{
    image_segment(image, 2)->virtual_address = 0x800000000010ull;
}
static void entry_outside(struct test_image *image) { image_header(image)->entry = 0x500000; }
static void entry_zero(struct test_image *image) { image_header(image)->entry = 0; }
static void interpreter(struct test_image *image)
{
    image_segment(image, 3)->type = ELF_SEGMENT_INTERPRETER;
    image_segment(image, 3)->offset = 0x2000;
    image_segment(image, 3)->file_size = 8;
}
static void no_load(struct test_image *image)
{
    for (unsigned i = 0; i < 3; i++)
        image_segment(image, i)->type = 6;   /* PT_PHDR */
}

static const struct malformation malformations[] = {
    { "bad magic", bad_magic, "ELF" },
    { "32-bit class", bad_class, "64-bit" },
    { "big-endian", bad_data, "little-endian" },
    { "EI_VERSION", bad_identification_version, "version" },
    { "e_version", bad_version, "version" },
    { "ET_REL", relocatable, "e_type" },
    { "ET_CORE", core_file, "e_type" },
    { "e_machine", wrong_machine, "e_machine" },
    { "e_phentsize", short_phentsize, "e_phentsize" },
    { "e_phnum 0", no_program_headers, "e_phnum" },
    { "e_phnum too big", too_many_program_headers, "e_phnum" },
    { "phdrs past the end", program_headers_past_end, "outside the file" },
    { "phdrs offset huge", program_headers_offset_huge, "outside the file" },
    { "truncated", truncated, "too short" },
    { "filesz > memsz", filesz_over_memsz, "p_filesz" },
    { "data past the file", data_past_file, "outside the file" },
    { "data offset huge", data_offset_huge, "outside the file" },
    { "offset/vaddr incongruent", incongruent, "modulo" },
    { "kernel address", kernel_address, "range" },
    { "wrapping", wrapping, "wraps" },
    { "below mmap_min_addr", below_minimum, "range" },
    { "over the stack", over_stack, "stack" },
    { "past the user end", past_user_end, "range" },
    { "entry outside", entry_outside, "entry" },
    { "entry zero", entry_zero, "entry" },
    { "PT_INTERP", interpreter, "PT_INTERP" },
    { "no PT_LOAD", no_load, "PT_LOAD" },
};

#endif
