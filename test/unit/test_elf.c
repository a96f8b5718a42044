/*
 * test_elf.c — the ELF64 decoder and the #! line parser on their own (pure
 * functions, no kernel needed beyond the platform's user range): valid
 * static and static-PIE images, every malformation rejected with -ENOEXEC
 * and its reason, Linux's binfmt_script rules, and a seeded mutation loop
 * whose accepted images must still satisfy every invariant the loader
 * relies on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include <string.h>

#include <rk/errno.h>
#include <rk/platform.h>
#include "hosted.h"
#include "test_exec_fixture.h"

#define STACK_BOTTOM (EXEC_STACK_TOP - EXEC_STACK_SIZE_DEFAULT)

/* An aligned copy of image's program header table, as the kernel's kmalloc'ed one. */
static struct elf64_program_header *aligned_table(struct test_image *image, const struct elf64_header *header)
{
    static struct elf64_program_header table[ELF_PROGRAM_HEADERS_MAX];
    memcpy(table, image->bytes + header->program_header_offset,
           (size_t)header->program_header_count * sizeof table[0]);
    return table;
}

/* Run both checks on image; returns the result and the reason in *reason. */
static int check_image(struct test_image *image, struct elf_image *decoded, const char **reason)
{
    *reason = NULL;
    memset(decoded, 0, sizeof *decoded);
    memcpy(&decoded->header, image->bytes, sizeof decoded->header);
    int error = elf_check_header(&decoded->header, image->size, reason);
    if (error < 0)
        return error;
    decoded->program_headers = aligned_table(image, &decoded->header);
    return elf_check_program_headers(decoded, image->size, STACK_BOTTOM, reason);
}

static void test_valid_static_image(void **state)
{
    struct test_image image;
    image_build(&image, false);
    struct elf_image decoded;
    const char *reason;
    assert_int_equal(check_image(&image, &decoded, &reason), 0);
    assert_int_equal(decoded.load_bias, 0);
    assert_int_equal(decoded.entry, IMAGE_ENTRY);
    assert_int_equal(decoded.program_headers_address, 0x400040);
    assert_int_equal(decoded.image_end, 0x407000);   /* page end of 0x403010 + 0x3000 */
    assert_false(decoded.executable_stack);
}

static void test_valid_position_independent_image(void **state)
{
    struct test_image image;
    image_build(&image, true);
    struct elf_image decoded;
    const char *reason;
    assert_int_equal(check_image(&image, &decoded, &reason), 0);
    assert_int_equal(decoded.load_bias, 0x555555554000ul);
    assert_int_equal(decoded.entry, 0x555555554000ul + 0x1010);
    assert_int_equal(decoded.program_headers_address, 0x555555554040ul);
    assert_int_equal(decoded.image_end, 0x555555554000ul + 0x7000);
}

static void test_position_independent_alignment(void **state)
{
    /* A 2 MiB p_align moves the base down to a 2 MiB boundary, as Linux's maximum_alignment. */
    struct test_image image;
    image_build(&image, true);
    image_segment(&image, 1)->alignment = 0x200000;
    struct elf_image decoded;
    const char *reason;
    assert_int_equal(check_image(&image, &decoded, &reason), 0);
    assert_int_equal(decoded.load_bias, 0x555555400000ul);
}

static void test_executable_stack_flag(void **state)
{
    struct test_image image;
    image_build(&image, false);
    image_segment(&image, 3)->flags |= ELF_FLAG_EXECUTE;
    struct elf_image decoded;
    const char *reason;
    assert_int_equal(check_image(&image, &decoded, &reason), 0);
    assert_true(decoded.executable_stack);
}

static void test_every_malformation_is_rejected(void **state)
{
    for (size_t i = 0; i < sizeof malformations / sizeof malformations[0]; i++) {
        struct test_image image;
        image_build(&image, false);
        malformations[i].apply(&image);
        struct elf_image decoded;
        const char *reason;
        int result = check_image(&image, &decoded, &reason);
        if (result != -ENOEXEC || !reason || !strstr(reason, malformations[i].reason_word)) {
            print_error("%s: result %d, reason \"%s\" (wanted a reason with \"%s\")\n",
                        malformations[i].name, result, reason ? reason : "(none)",
                        malformations[i].reason_word);
            fail();
        }
    }
}

/* xorshift64*: the mutation loop's deterministic generator. */
static uint64_t next_random(uint64_t *seed)
{
    *seed ^= *seed >> 12;
    *seed ^= *seed << 25;
    *seed ^= *seed >> 27;
    return *seed * 0x2545f4914f6cdd1dull;
}

/* What an accepted image must satisfy for the loader to map it safely. */
static void assert_accepted_image_is_sane(struct test_image *image, const struct elf_image *decoded)
{
    bool entry_inside = false;
    for (unsigned i = 0; i < decoded->header.program_header_count; i++) {
        const struct elf64_program_header *segment = &decoded->program_headers[i];
        assert_int_not_equal(segment->type, ELF_SEGMENT_INTERPRETER);
        if (segment->type != ELF_SEGMENT_LOAD || segment->memory_size == 0)
            continue;
        uint64_t start = segment->virtual_address + decoded->load_bias;
        uint64_t end = start + segment->memory_size;
        assert_true(end > start);
        assert_true(start >= platform_user_address_lowest());
        assert_true(end <= STACK_BOTTOM);
        assert_true(segment->file_size <= segment->memory_size);
        assert_true(segment->offset + segment->file_size <= image->size);
        assert_int_equal((segment->offset - segment->virtual_address) % 4096, 0);
        if (decoded->entry >= start && decoded->entry < end)
            entry_inside = true;
    }
    assert_true(entry_inside);
    assert_true(decoded->image_end <= STACK_BOTTOM);
}

static void test_seeded_mutations(void **state)
{
    uint64_t seed = 0x5eed0e1full;
    unsigned accepted = 0, rejected = 0;
    for (unsigned round = 0; round < 20000; round++) {
        struct test_image image;
        image_build(&image, (round & 1) != 0);
        unsigned changes = 1 + (unsigned)(next_random(&seed) % 6);
        for (unsigned change = 0; change < changes; change++) {
            uint64_t random = next_random(&seed);
            size_t offset = (size_t)(random % (64 + IMAGE_PROGRAM_HEADERS * 56));
            unsigned kind = (unsigned)((random >> 32) % 4);
            if (kind == 0)
                image.bytes[offset] = (unsigned char)(random >> 40);
            else if (kind == 1)
                image.bytes[offset] ^= (unsigned char)(1u << ((random >> 40) % 8));
            else if (kind == 2 && offset + 8 <= sizeof image.bytes)
                memset(image.bytes + offset, (random >> 48) & 1 ? 0xff : 0, 8);
            else
                image.size = (size_t)((random >> 20) % (IMAGE_FILE_SIZE + 1));
        }
        /* Keep the program header table inside the buffer this test hands over. */
        struct elf64_header *header = image_header(&image);
        struct elf_image decoded;
        const char *reason = NULL;
        memset(&decoded, 0, sizeof decoded);
        memcpy(&decoded.header, image.bytes, sizeof decoded.header);
        int result = elf_check_header(&decoded.header, image.size, &reason);
        if (result == 0) {
            assert_true(header->program_header_offset +
                        (uint64_t)header->program_header_count * 56 <= image.size);
            decoded.program_headers = aligned_table(&image, &decoded.header);
            result = elf_check_program_headers(&decoded, image.size, STACK_BOTTOM, &reason);
        }
        if (result == 0) {
            accepted++;
            assert_accepted_image_is_sane(&image, &decoded);
        } else {
            rejected++;
            assert_int_equal(result, -ENOEXEC);
            assert_non_null(reason);
        }
    }
    /* Both outcomes happen, or the loop tested nothing. */
    assert_true(accepted > 100);
    assert_true(rejected > 1000);
}

/* ------------------------------------------------------------ #! lines */

/* Parse text; returns the result, with the interpreter and argument (or "-" when none). */
static int parse_script(const char *text, size_t length, char *interpreter, char *argument)
{
    char line[EXEC_SCRIPT_LINE_MAX + 1];
    const char *name = NULL, *optional = NULL;
    int result = exec_script_parse(text, length, line, &name, &optional);
    if (result == 0) {
        strcpy(interpreter, name);
        strcpy(argument, optional ? optional : "-");
    }
    return result;
}

static void test_script_lines(void **state)
{
    static const struct {
        const char *text;
        int result;
        const char *interpreter, *argument;
    } cases[] = {
        { "#!/bin/sh\necho hi\n", 0, "/bin/sh", "-" },
        { "#!/bin/sh", 0, "/bin/sh", "-" },
        { "#! /bin/sh -e\n", 0, "/bin/sh", "-e" },
        { "#!\t/usr/bin/env  python3 -u  \t\nx", 0, "/usr/bin/env", "python3 -u" },
        { "#!/bin/awk -f \n", 0, "/bin/awk", "-f" },
        { "#!/bin/sh\r\n", 0, "/bin/sh\r", "-" },
        { "#!\n", -ENOEXEC, NULL, NULL },
        { "#!   \t \n", -ENOEXEC, NULL, NULL },
        { "#!", 0, "", "-" },                     /* Linux then opens "": EACCES */
        { "#!  ", 0, "", "-" },
        { "#/bin/sh\n", -ENOEXEC, NULL, NULL },
        { "!#/bin/sh\n", -ENOEXEC, NULL, NULL },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char interpreter[300] = "", argument[300] = "";
        int result = parse_script(cases[i].text, strlen(cases[i].text), interpreter, argument);
        assert_int_equal(result, cases[i].result);
        if (result == 0) {
            assert_string_equal(interpreter, cases[i].interpreter);
            assert_string_equal(argument, cases[i].argument);
        }
    }
}

static void test_script_long_lines(void **state)
{
    char text[400];
    char interpreter[300], argument[300];
    /* A name running past 256 bytes without a newline may be cut off: ENOEXEC. */
    memset(text, 'a', sizeof text);
    memcpy(text, "#!/", 3);
    assert_int_equal(parse_script(text, sizeof text, interpreter, argument), -ENOEXEC);
    /* A name that ends inside the 256 bytes, with a long argument cut at 255: accepted. */
    memset(text, 'b', sizeof text);
    memcpy(text, "#!/bin/x ", 9);
    assert_int_equal(parse_script(text, sizeof text, interpreter, argument), 0);
    assert_string_equal(interpreter, "/bin/x");
    assert_int_equal(strlen(argument), 255 - 9);
    /* A newline past the first 256 bytes does not count. */
    memset(text, ' ', sizeof text);
    memcpy(text, "#!/bin/y", 8);
    text[300] = '\n';
    assert_int_equal(parse_script(text, sizeof text, interpreter, argument), 0);
    assert_string_equal(interpreter, "/bin/y");
    assert_string_equal(argument, "-");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_static_image),
        cmocka_unit_test(test_valid_position_independent_image),
        cmocka_unit_test(test_position_independent_alignment),
        cmocka_unit_test(test_executable_stack_flag),
        cmocka_unit_test(test_every_malformation_is_rejected),
        cmocka_unit_test(test_seeded_mutations),
        cmocka_unit_test(test_script_lines),
        cmocka_unit_test(test_script_long_lines),
    };
    /* Boot although the decoder needs no kernel: the script tests reach the Core's klog and heap. */
    if (hosted_test_boot("loglevel=3") < 0)
        return 1;
    return cmocka_run_group_tests_name("elf", tests, NULL, NULL);
}
