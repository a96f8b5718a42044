/*
 * test_exec.c — exec on the hosted kernel: ELF images built in memory are
 * written into the tmpfs root and exec'd by a test process; the new
 * address space (software page tables) is read back to check the
 * mappings, the bss, the initial stack (argc, argv, envp, auxv), #!
 * scripts, every error path, execve/execveat through the syscall entry
 * with user memory, and pid 1 started by exec_start_init() running a
 * hosted user program.
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
#include <rk/exec.h>
#include <rk/file.h>
#include <rk/heap.h>
#include <rk/klog.h>
#include <rk/mm.h>
#include <rk/page_alloc.h>
#include <rk/path.h>
#include <rk/pipe.h>
#include <rk/process.h>
#include <rk/sched.h>
#include <rk/syscall.h>
#include <rk/thread.h>
#include <rk/usercopy.h>
#include <rk/vfs.h>
#include "hosted.h"
#include "test_exec_fixture.h"

static struct process *test_process;

static int setup(void **state)
{
    if (hosted_test_boot("loglevel=3") < 0)
        return -1;
    test_process = process_create("test", 0, true);
    if (!test_process)
        return -1;
    process_attach_thread(test_process, thread_current());
    if (vfs_kernel_mkdir("/bin", 0755) < 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    mm_activate(NULL);
    process_attach_thread(NULL, thread_current());
    process_put(test_process);
    test_process = NULL;
    return 0;
}

/* ------------------------------------------------------------ helpers */

static void install_image(const char *path, struct test_image *image, uint32_t mode)
{
    assert_int_equal(vfs_kernel_write_file(path, mode, image->bytes, image->size), 0);
}

static void install_text(const char *path, const char *text, uint32_t mode)
{
    assert_int_equal(vfs_kernel_write_file(path, mode, text, strlen(text)), 0);
}

/* exec_replace of path with kernel argv/envp (NULL: none), the flags and dirfd given. */
static int exec_at(int dirfd, const char *path, unsigned flags, const char *const *argv,
                   const char *const *envp, struct user_registers *registers)
{
    const struct exec_request request = {
        .dirfd = dirfd, .path = path, .flags = flags,
        .arguments = { .kernel_array = argv },
        .environment = { .kernel_array = envp },
    };
    return exec_replace(&request, registers);
}

static int run_exec(const char *path, const char *const *argv, const char *const *envp,
                    struct user_registers *registers)
{
    return exec_at(AT_FDCWD, path, 0, argv, envp, registers);
}

static void read_user(uintptr_t address, void *out, size_t length)
{
    assert_int_equal(mm_fault_in(test_process->mm, address, length, MM_ACCESS_READ), 0);
    assert_int_equal(copy_from_user(out, address, length), 0);
}

static uint64_t read_word(uintptr_t address)
{
    uint64_t word;
    read_user(address, &word, sizeof word);
    return word;
}

/* The user string at address (static buffer). */
static const char *read_string(uintptr_t address)
{
    static char text[4096];
    assert_true(copy_string_from_user(text, address, sizeof text) >= 0);
    return text;
}

/* Log lines appended since sequence that start with prefix. */
static unsigned log_lines_since(uint64_t sequence, const char *prefix, char *last, size_t size)
{
    unsigned count = 0;
    struct klog_record record;
    while (klog_read(&sequence, &record) == 0) {
        if (strncmp(record.text, prefix, strlen(prefix)) == 0) {
            count++;
            if (last)
                snprintf(last, size, "%s", record.text);
        }
    }
    return count;
}

/* The decoded initial stack. */
struct initial_stack {
    uint64_t argc;
    char argv[8][256];
    uint64_t envc;
    char envp[8][256];
    uint64_t auxv_keys[32];
    uint64_t auxv_values[32];
    unsigned auxv_count;
};

static void copy_text(char *destination, const char *source, size_t size)
{
    size_t length = strnlen(source, size - 1);
    memcpy(destination, source, length);
    destination[length] = '\0';
}

static void decode_stack(uintptr_t sp, struct initial_stack *stack)
{
    memset(stack, 0, sizeof *stack);
    stack->argc = read_word(sp);
    assert_true(stack->argc <= 8);
    uintptr_t cursor = sp + 8;
    for (uint64_t i = 0; i < stack->argc; i++, cursor += 8)
        copy_text(stack->argv[i], read_string(read_word(cursor)), sizeof stack->argv[i]);
    assert_int_equal(read_word(cursor), 0);
    cursor += 8;
    for (; read_word(cursor) != 0; cursor += 8) {
        assert_true(stack->envc < 8);
        copy_text(stack->envp[stack->envc], read_string(read_word(cursor)), sizeof stack->envp[0]);
        stack->envc++;
    }
    cursor += 8;
    for (;;) {
        assert_true(stack->auxv_count < 32);
        uint64_t key = read_word(cursor), value = read_word(cursor + 8);
        stack->auxv_keys[stack->auxv_count] = key;
        stack->auxv_values[stack->auxv_count] = value;
        stack->auxv_count++;
        cursor += 16;
        if (key == AT_NULL)
            break;
    }
}

static uint64_t auxv_value(const struct initial_stack *stack, uint64_t key)
{
    for (unsigned i = 0; i < stack->auxv_count; i++)
        if (stack->auxv_keys[i] == key)
            return stack->auxv_values[i];
    print_error("auxv key %llu missing\n", (unsigned long long)key);
    fail();
    return 0;
}

/* ------------------------------------------------------- static images */

static void test_static_image_is_mapped(void **state)
{
    struct test_image image;
    image_build(&image, false);
    install_image("/bin/prog", &image, 0755);
    struct mm *old = test_process->mm;
    struct user_registers registers;
    memset(&registers, 0x5a, sizeof registers);
    assert_int_equal(run_exec("/bin/prog", (const char *const[]){ "prog", NULL }, NULL, &registers), 0);
    assert_ptr_not_equal(test_process->mm, old);
    assert_int_equal(registers.rip, IMAGE_ENTRY);
    assert_int_equal(registers.rsp % 16, 0);
    assert_int_equal(registers.rax, 0);
    assert_int_equal(registers.rdx, 0);
    assert_int_equal(registers.fs_base, 0);

    struct mm *mm = test_process->mm;
    struct vm_area *area = mm_find_area(mm, 0x400000);
    assert_non_null(area);
    assert_int_equal(area->protection, PROT_READ);
    area = mm_find_area(mm, IMAGE_TEXT_ADDRESS);
    assert_non_null(area);
    assert_int_equal(area->protection, PROT_READ | PROT_EXEC);
    assert_non_null(area->file);
    area = mm_find_area(mm, IMAGE_DATA_ADDRESS);
    assert_non_null(area);
    assert_int_equal(area->protection, PROT_READ | PROT_WRITE);
    area = mm_find_area(mm, 0x405000);      /* the anonymous part of the bss */
    assert_non_null(area);
    assert_int_equal(area->protection, PROT_READ | PROT_WRITE);
    assert_null(area->file);
    assert_null(mm_find_area(mm, 0x402000)); /* nothing between text and data */
    assert_null(mm_find_area(mm, 0x407000));

    /* Text and data come from the file; the rest of the data page and the bss read 0. */
    unsigned char bytes[0x3000];
    read_user(IMAGE_TEXT_ADDRESS, bytes, 0x100);
    assert_memory_equal(bytes, image.bytes + 0x1000, 0x100);
    read_user(IMAGE_DATA_ADDRESS, bytes, IMAGE_BSS_SIZE);
    assert_memory_equal(bytes, image.bytes + IMAGE_DATA_OFFSET, IMAGE_DATA_SIZE);
    for (size_t i = IMAGE_DATA_SIZE; i < IMAGE_BSS_SIZE; i++)
        if (bytes[i] != 0) {
            print_error("bss byte at %#zx is %#x\n", IMAGE_DATA_ADDRESS + i, bytes[i]);
            fail();
        }
    assert_int_equal(mm->brk_start, 0x407000);
    assert_int_equal(mm->brk, 0x407000);

    /* The stack: 8 MiB below 0x7ffffffff000, named, read-write, not executable. */
    area = mm_find_area(mm, EXEC_STACK_TOP - 1);
    assert_non_null(area);
    assert_string_equal(area->name, "[stack]");
    assert_int_equal(area->end, EXEC_STACK_TOP);
    assert_int_equal(area->start, EXEC_STACK_TOP - (8u << 20));
    assert_int_equal(area->protection, PROT_READ | PROT_WRITE);
    assert_int_equal(mm->stack_start, EXEC_STACK_TOP - (8u << 20));
    assert_int_equal(mm->mmap_base, EXEC_STACK_TOP - (128u << 20));
    assert_true(registers.rsp > area->start && registers.rsp < area->end);
}

static void test_initial_stack_layout(void **state)
{
    struct test_image image;
    image_build(&image, false);
    install_image("/bin/prog", &image, 0755);
    struct user_registers registers;
    const char *const argv[] = { "prog", "one", "two", NULL };
    const char *const envp[] = { "A=1", "HOME=/root", NULL };
    assert_int_equal(run_exec("/bin/prog", argv, envp, &registers), 0);
    struct initial_stack stack;
    decode_stack(registers.rsp, &stack);
    assert_int_equal(stack.argc, 3);
    assert_string_equal(stack.argv[0], "prog");
    assert_string_equal(stack.argv[1], "one");
    assert_string_equal(stack.argv[2], "two");
    assert_int_equal(stack.envc, 2);
    assert_string_equal(stack.envp[0], "A=1");
    assert_string_equal(stack.envp[1], "HOME=/root");

    /* Linux x86_64's auxv, in Linux's order (no vDSO: no AT_SYSINFO_EHDR). */
    static const uint64_t order[] = {
        AT_MINSIGSTKSZ, AT_HWCAP, AT_PAGESZ, AT_CLKTCK, AT_PHDR, AT_PHENT, AT_PHNUM, AT_BASE,
        AT_FLAGS, AT_ENTRY, AT_UID, AT_EUID, AT_GID, AT_EGID, AT_SECURE, AT_RANDOM, AT_HWCAP2,
        AT_EXECFN, AT_PLATFORM, AT_NULL,
    };
    assert_int_equal(stack.auxv_count, sizeof order / sizeof order[0]);
    for (unsigned i = 0; i < stack.auxv_count; i++)
        assert_int_equal(stack.auxv_keys[i], order[i]);
    assert_int_equal(auxv_value(&stack, AT_PAGESZ), 4096);
    assert_int_equal(auxv_value(&stack, AT_CLKTCK), 100);
    assert_int_equal(auxv_value(&stack, AT_PHDR), 0x400040);
    assert_int_equal(auxv_value(&stack, AT_PHENT), 56);
    assert_int_equal(auxv_value(&stack, AT_PHNUM), IMAGE_PROGRAM_HEADERS);
    assert_int_equal(auxv_value(&stack, AT_BASE), 0);
    assert_int_equal(auxv_value(&stack, AT_ENTRY), IMAGE_ENTRY);
    assert_int_equal(auxv_value(&stack, AT_UID), 0);
    assert_int_equal(auxv_value(&stack, AT_SECURE), 0);
    assert_int_equal(auxv_value(&stack, AT_HWCAP), EXEC_HWCAP);
    assert_int_equal(auxv_value(&stack, AT_MINSIGSTKSZ), EXEC_MINIMUM_SIGNAL_STACK);

    /* Strings at the top: 8 zero bytes, the file name, envp, argv, as Linux copies them. */
    uintptr_t top = EXEC_STACK_TOP;
    assert_int_equal(read_word(top - 8), 0);
    uintptr_t execfn = auxv_value(&stack, AT_EXECFN);
    assert_int_equal(execfn, top - 8 - sizeof "/bin/prog");
    assert_string_equal(read_string(execfn), "/bin/prog");
    struct mm *mm = test_process->mm;
    assert_int_equal(mm->environment_end, execfn);
    assert_int_equal(mm->environment_start, execfn - sizeof "A=1" - sizeof "HOME=/root");
    assert_int_equal(mm->arguments_end, mm->environment_start);
    assert_int_equal(mm->arguments_start, mm->arguments_end - sizeof "prog" - sizeof "one" - sizeof "two");
    char arguments[32];
    read_user(mm->arguments_start, arguments, 13);
    assert_memory_equal(arguments, "prog\0one\0two\0", 13);
    assert_int_equal(read_word(registers.rsp + 8), mm->arguments_start);

    uintptr_t platform = auxv_value(&stack, AT_PLATFORM);
    assert_string_equal(read_string(platform), "x86_64");
    assert_true(platform + 7 <= (mm->arguments_start & ~15ul));
    uintptr_t random = auxv_value(&stack, AT_RANDOM);
    assert_int_equal(random + 16, platform);
    unsigned char random_bytes[16], zero[16] = { 0 };
    read_user(random, random_bytes, 16);
    assert_memory_not_equal(random_bytes, zero, 16);
    assert_true(registers.rsp < random);

    /* What /proc shows. */
    assert_string_equal(test_process->name, "prog");
    assert_int_equal(test_process->command_line_length, 13);
    assert_memory_equal(test_process->command_line, "prog\0one\0two\0", 13);
    assert_int_equal(test_process->environment_length, sizeof "A=1" + sizeof "HOME=/root");
    assert_string_equal(test_process->executable_path, "/bin/prog");
}

static void test_empty_argv_becomes_empty_string(void **state)
{
    struct test_image image;
    image_build(&image, false);
    install_image("/bin/prog", &image, 0755);
    struct user_registers registers;
    assert_int_equal(run_exec("/bin/prog", NULL, NULL, &registers), 0);
    struct initial_stack stack;
    decode_stack(registers.rsp, &stack);
    assert_int_equal(stack.argc, 1);
    assert_string_equal(stack.argv[0], "");
    assert_int_equal(stack.envc, 0);
}

static void test_position_independent_image(void **state)
{
    struct test_image image;
    image_build(&image, true);
    install_image("/bin/pie", &image, 0755);
    struct user_registers registers;
    assert_int_equal(run_exec("/bin/pie", (const char *const[]){ "pie", NULL }, NULL, &registers), 0);
    assert_int_equal(registers.rip, 0x555555554000ul + 0x1010);
    struct initial_stack stack;
    decode_stack(registers.rsp, &stack);
    assert_int_equal(auxv_value(&stack, AT_PHDR), 0x555555554040ul);
    assert_int_equal(auxv_value(&stack, AT_ENTRY), 0x555555555010ul);
    assert_int_equal(test_process->mm->brk_start, 0x55555555b000ul);
    unsigned char text[16];
    read_user(0x555555555000ul, text, sizeof text);
    assert_memory_equal(text, image.bytes + 0x1000, sizeof text);
}

static void test_executable_stack(void **state)
{
    struct test_image image;
    image_build(&image, false);
    image_segment(&image, 3)->flags |= ELF_FLAG_EXECUTE;
    install_image("/bin/prog", &image, 0755);
    struct user_registers registers;
    assert_int_equal(run_exec("/bin/prog", NULL, NULL, &registers), 0);
    struct vm_area *area = mm_find_area(test_process->mm, EXEC_STACK_TOP - 1);
    assert_non_null(area);
    assert_int_equal(area->protection, PROT_READ | PROT_WRITE | PROT_EXEC);
}

/* ------------------------------------------------------------- errors */

/* Free pages plus the pages slabs keep for reuse: unchanged when nothing leaked. */
static uint64_t pages_not_in_slabs(void)
{
    struct page_allocator_statistics pages;
    struct heap_statistics heap;
    page_allocator_get_statistics(&pages);
    heap_get_statistics(&heap);
    return pages.free_pages + heap.slab_pages;
}

static uint64_t heap_bytes_in_use(void)
{
    struct heap_statistics heap;
    heap_get_statistics(&heap);
    return heap.bytes_in_use;
}

static void test_malformed_images_are_rejected_cleanly(void **state)
{
    for (size_t i = 0; i < sizeof malformations / sizeof malformations[0]; i++) {
        struct test_image image;
        image_build(&image, false);
        malformations[i].apply(&image);
        install_image("/bin/bad", &image, 0755);
        struct mm *old = test_process->mm;
        uint64_t pages_before = pages_not_in_slabs(), heap_before = heap_bytes_in_use();
        uint64_t sequence = klog_next_sequence();
        struct user_registers registers;
        char line[256] = "";
        int result = run_exec("/bin/bad", (const char *const[]){ "bad", NULL }, NULL, &registers);
        unsigned lines = log_lines_since(sequence, "exec: ", line, sizeof line);
        uint64_t pages_after = pages_not_in_slabs(), heap_after = heap_bytes_in_use();
        if (result != -ENOEXEC || lines != 1 || strncmp(line, "exec: /bin/bad: ", 16) != 0 ||
            test_process->mm != old || pages_after != pages_before || heap_after != heap_before) {
            print_error("%s: result %d, %u log lines (last \"%s\"), mm %s, %lld pages and %lld "
                        "heap bytes lost\n", malformations[i].name, result, lines, line,
                        test_process->mm == old ? "kept" : "replaced",
                        (long long)pages_before - (long long)pages_after,
                        (long long)heap_after - (long long)heap_before);
            fail();
        }
    }
}

static void test_other_formats_are_enoexec(void **state)
{
    static const char *const contents[] = { "echo hello\n", "", "\177EL", "#!\n", "#!  \n" };
    for (size_t i = 0; i < sizeof contents / sizeof contents[0]; i++) {
        install_text("/bin/text", contents[i], 0755);
        uint64_t sequence = klog_next_sequence();
        struct user_registers registers;
        assert_int_equal(run_exec("/bin/text", NULL, NULL, &registers), -ENOEXEC);
        assert_int_equal(log_lines_since(sequence, "exec: /bin/text: ", NULL, 0), 1);
    }
}

static void test_path_and_permission_errors(void **state)
{
    struct test_image image;
    image_build(&image, false);
    install_image("/bin/prog", &image, 0755);
    install_image("/bin/plain", &image, 0644);
    install_image("/bin/other-x", &image, 0601);
    assert_int_equal(vfs_kernel_symlink("prog", "/bin/link"), 0);
    assert_int_equal(vfs_kernel_symlink("loop", "/bin/loop"), 0);
    assert_int_equal(vfs_kernel_mkdir("/bin/dir", 0755), 0);
    struct user_registers registers;
    const char *const argv[] = { "x", NULL };
    assert_int_equal(run_exec("/bin/missing", argv, NULL, &registers), -ENOENT);
    assert_int_equal(run_exec("/bin/dir", argv, NULL, &registers), -EACCES);
    assert_int_equal(run_exec("/bin/plain", argv, NULL, &registers), -EACCES);
    assert_int_equal(run_exec("/dev/null", argv, NULL, &registers), -EACCES);
    assert_int_equal(run_exec("/bin/prog/x", argv, NULL, &registers), -ENOTDIR);
    assert_int_equal(run_exec("/bin/loop", argv, NULL, &registers), -ELOOP);
    assert_int_equal(run_exec("", argv, NULL, &registers), -ENOENT);
    char long_name[300];
    memset(long_name, 'n', sizeof long_name);
    memcpy(long_name, "/bin/", 5);
    long_name[sizeof long_name - 1] = '\0';
    assert_int_equal(run_exec(long_name, argv, NULL, &registers), -ENAMETOOLONG);
    assert_int_equal(exec_at(AT_FDCWD, "/bin/link", AT_SYMLINK_NOFOLLOW, argv, NULL, &registers), -ELOOP);
    assert_int_equal(exec_at(AT_FDCWD, "/bin/prog", 0x2, argv, NULL, &registers), -EINVAL);
    assert_int_equal(exec_at(99, "prog", 0, argv, NULL, &registers), -EBADF);
    /* Root may run a file with any execute bit; a symlink is followed. */
    assert_int_equal(run_exec("/bin/other-x", argv, NULL, &registers), 0);
    assert_int_equal(run_exec("/bin/link", argv, NULL, &registers), 0);
    assert_string_equal(test_process->executable_path, "/bin/prog");
    assert_string_equal(test_process->name, "link");
}

static void test_argument_limits(void **state)
{
    struct test_image image;
    image_build(&image, false);
    install_image("/bin/prog", &image, 0755);
    struct user_registers registers;
    static char big[EXEC_ARGUMENT_STRING_MAX + 1];
    /* MAX_ARG_STRLEN counts the NUL: 131071 characters pass, 131072 do not. */
    memset(big, 'a', EXEC_ARGUMENT_STRING_MAX);
    big[EXEC_ARGUMENT_STRING_MAX - 1] = '\0';
    assert_int_equal(run_exec("/bin/prog", (const char *const[]){ "p", big, NULL }, NULL, &registers), 0);
    big[EXEC_ARGUMENT_STRING_MAX - 1] = 'a';
    big[EXEC_ARGUMENT_STRING_MAX] = '\0';
    struct mm *old = test_process->mm;
    assert_int_equal(run_exec("/bin/prog", (const char *const[]){ "p", big, NULL }, NULL, &registers),
                     -E2BIG);
    assert_int_equal(run_exec("/bin/prog", NULL, (const char *const[]){ big, NULL }, &registers), -E2BIG);
    assert_ptr_equal(test_process->mm, old);

    /* The total: a quarter of RLIMIT_STACK (8 MiB: 2 MiB) less the pointers. */
    big[100000] = '\0';
    const char *many[24];
    for (int i = 0; i < 20; i++)
        many[i] = big;
    many[20] = NULL;
    assert_int_equal(run_exec("/bin/prog", many, NULL, &registers), 0);   /* 2,000,020 bytes */
    many[20] = big;
    many[21] = big;
    many[22] = NULL;
    assert_int_equal(run_exec("/bin/prog", many, NULL, &registers), -E2BIG);
    test_process->limits[RLIMIT_STACK].current = 1u << 20;   /* 256 KiB for the strings */
    many[3] = NULL;
    assert_int_equal(run_exec("/bin/prog", many, NULL, &registers), -E2BIG);
    many[2] = NULL;
    assert_int_equal(run_exec("/bin/prog", many, NULL, &registers), 0);
    struct vm_area *area = mm_find_area(test_process->mm, EXEC_STACK_TOP - 1);
    assert_int_equal(area->start, EXEC_STACK_TOP - (1u << 20));
}

/* ------------------------------------------------------------ scripts */

static void test_script_with_argument(void **state)
{
    struct test_image image;
    image_build(&image, false);
    install_image("/bin/interp", &image, 0755);
    install_text("/bin/script", "#! /bin/interp  -x -y \t\nbody\n", 0755);
    struct user_registers registers;
    const char *const argv[] = { "script-name", "a1", "a2", NULL };
    assert_int_equal(run_exec("/bin/script", argv, NULL, &registers), 0);
    assert_int_equal(registers.rip, IMAGE_ENTRY);
    struct initial_stack stack;
    decode_stack(registers.rsp, &stack);
    assert_int_equal(stack.argc, 5);
    assert_string_equal(stack.argv[0], "/bin/interp");
    assert_string_equal(stack.argv[1], "-x -y");
    assert_string_equal(stack.argv[2], "/bin/script");
    assert_string_equal(stack.argv[3], "a1");
    assert_string_equal(stack.argv[4], "a2");
    assert_string_equal(read_string(auxv_value(&stack, AT_EXECFN)), "/bin/script");
    assert_string_equal(test_process->name, "script");
    assert_string_equal(test_process->executable_path, "/bin/interp");
}

static void test_nested_scripts_and_depth_limit(void **state)
{
    struct test_image image;
    image_build(&image, false);
    install_image("/bin/interp", &image, 0755);
    install_text("/bin/s0", "#!/bin/interp\n", 0755);
    char name[32], text[64];
    for (int i = 1; i <= 6; i++) {
        snprintf(name, sizeof name, "/bin/s%d", i);
        snprintf(text, sizeof text, "#!/bin/s%d\n", i - 1);
        install_text(name, text, 0755);
    }
    struct user_registers registers;
    const char *const argv[] = { "s", "x", NULL };
    assert_int_equal(run_exec("/bin/s1", argv, NULL, &registers), 0);
    struct initial_stack stack;
    decode_stack(registers.rsp, &stack);
    assert_int_equal(stack.argc, 4);
    assert_string_equal(stack.argv[0], "/bin/interp");
    assert_string_equal(stack.argv[1], "/bin/s0");
    assert_string_equal(stack.argv[2], "/bin/s1");
    assert_string_equal(stack.argv[3], "x");
    /* Linux (checked on 6.x): five scripts then the ELF run, six give ELOOP. */
    assert_int_equal(run_exec("/bin/s4", argv, NULL, &registers), 0);
    struct mm *old = test_process->mm;
    assert_int_equal(run_exec("/bin/s5", argv, NULL, &registers), -ELOOP);
    assert_int_equal(run_exec("/bin/s6", argv, NULL, &registers), -ELOOP);
    assert_ptr_equal(test_process->mm, old);
}

static void test_script_interpreter_errors(void **state)
{
    struct test_image image;
    image_build(&image, false);
    install_image("/bin/noexec-interp", &image, 0644);
    install_text("/bin/missing-interp", "#!/bin/nowhere\n", 0755);
    install_text("/bin/bad-interp", "#!/bin/noexec-interp\n", 0755);
    install_text("/bin/text-interp", "#!/bin/plain-text\n", 0755);
    install_text("/bin/plain-text", "hello\n", 0755);
    struct user_registers registers;
    assert_int_equal(run_exec("/bin/missing-interp", NULL, NULL, &registers), -ENOENT);
    assert_int_equal(run_exec("/bin/bad-interp", NULL, NULL, &registers), -EACCES);
    uint64_t sequence = klog_next_sequence();
    assert_int_equal(run_exec("/bin/text-interp", NULL, NULL, &registers), -ENOEXEC);
    assert_int_equal(log_lines_since(sequence, "exec: /bin/plain-text: ", NULL, 0), 1);
    /* "#!" with nothing (no newline): Linux opens the empty name, the directory: EACCES. */
    install_text("/bin/empty-interp", "#!", 0755);
    assert_int_equal(run_exec("/bin/empty-interp", NULL, NULL, &registers), -EACCES);
    install_text("/bin/empty-interp", "#!  ", 0755);
    assert_int_equal(run_exec("/bin/empty-interp", NULL, NULL, &registers), -EACCES);
}

/* ----------------------------------------------------- close-on-exec */

static void test_close_on_exec(void **state)
{
    struct test_image image;
    image_build(&image, false);
    install_image("/bin/prog", &image, 0755);
    struct file *read_end, *write_end;
    assert_int_equal(pipe_create(0, &read_end, &write_end), 0);
    assert_int_equal(fd_install(test_process, read_end, 3, false), 3);
    assert_int_equal(fd_install(test_process, write_end, 4, true), 4);
    struct user_registers registers;
    assert_int_equal(run_exec("/bin/missing", NULL, NULL, &registers), -ENOENT);
    struct file *file = fd_get(test_process, 4);
    assert_non_null(file);             /* a failed exec closes nothing */
    file_put(file);
    assert_int_equal(run_exec("/bin/prog", NULL, NULL, &registers), 0);
    file = fd_get(test_process, 3);
    assert_non_null(file);
    file_put(file);
    assert_null(fd_get(test_process, 4));
}

/* ------------------------------------------------ real static binaries */

/* The file at host path (from the environment variable name), or skip when not built. */
static bool load_host_file(const char *variable, struct test_image **out, unsigned char **bytes,
                           size_t *size)
{
    const char *path = getenv(variable);
    if (!path || !*path)
        return false;
    FILE *file = fopen(path, "rb");
    assert_non_null(file);
    assert_int_equal(fseek(file, 0, SEEK_END), 0);
    long length = ftell(file);
    assert_true(length > 64);
    rewind(file);
    *bytes = malloc((size_t)length);
    assert_non_null(*bytes);
    assert_int_equal(fread(*bytes, 1, (size_t)length, file), (size_t)length);
    fclose(file);
    *size = (size_t)length;
    (void)out;
    return true;
}

/* Exec the toolchain-built binary named by variable and check it against its own headers. */
static void check_real_binary(const char *variable, uint64_t expected_bias)
{
    unsigned char *bytes = NULL;
    size_t size = 0;
    if (!load_host_file(variable, NULL, &bytes, &size)) {
        /* tools/setup.sh installs musl-tools and gcc, so a missing guest is a broken build. */
        fail_msg("%s not set: its compiler was not found at configure time", variable);
    }
    assert_int_equal(vfs_kernel_write_file("/bin/guest", 0755, bytes, size), 0);
    struct user_registers registers;
    const char *const argv[] = { "guest", "one", NULL };
    const char *const envp[] = { "PATH=/bin", NULL };
    assert_int_equal(run_exec("/bin/guest", argv, envp, &registers), 0);

    const struct elf64_header *header = (const struct elf64_header *)bytes;
    const struct elf64_program_header *segments =
        (const struct elf64_program_header *)(bytes + header->program_header_offset);
    assert_int_equal(registers.rip, header->entry + expected_bias);
    struct initial_stack stack;
    decode_stack(registers.rsp, &stack);
    assert_int_equal(stack.argc, 2);
    assert_string_equal(stack.argv[1], "one");
    assert_string_equal(stack.envp[0], "PATH=/bin");
    assert_int_equal(auxv_value(&stack, AT_ENTRY), header->entry + expected_bias);
    assert_int_equal(auxv_value(&stack, AT_PHNUM), header->program_header_count);
    uint64_t phdr = 0, image_end = 0;
    for (unsigned i = 0; i < header->program_header_count; i++) {
        const struct elf64_program_header *segment = &segments[i];
        if (segment->type != ELF_SEGMENT_LOAD)
            continue;
        if (segment->offset <= header->program_header_offset &&
            header->program_header_offset < segment->offset + segment->file_size)
            phdr = header->program_header_offset - segment->offset + segment->virtual_address;
        uint64_t end = (segment->virtual_address + segment->memory_size + 4095) & ~4095ull;
        if (end > image_end)
            image_end = end;
        /* Every segment's file bytes are where the headers say, its bss reads zero. */
        unsigned char *loaded = malloc(segment->memory_size);
        assert_non_null(loaded);
        read_user(segment->virtual_address + expected_bias, loaded, segment->memory_size);
        assert_memory_equal(loaded, bytes + segment->offset, segment->file_size);
        for (uint64_t j = segment->file_size; j < segment->memory_size; j++)
            assert_int_equal(loaded[j], 0);
        free(loaded);
    }
    assert_int_equal(auxv_value(&stack, AT_PHDR), phdr + expected_bias);
    assert_int_equal(test_process->mm->brk_start, image_end + expected_bias);
    /* The program headers read back at AT_PHDR. */
    unsigned char table[56];
    read_user(phdr + expected_bias, table, sizeof table);
    assert_memory_equal(table, segments, sizeof table);
    free(bytes);
}

static void test_real_static_binary(void **state)
{
    check_real_binary("EXEC_GUEST_STATIC", 0);
}

static void test_real_static_pie_binary(void **state)
{
    check_real_binary("EXEC_GUEST_STATIC_PIE", 0x555555554000ul);
}

/* ------------------------------------------------------------- pid 1 */

/* What the init program saw, checked by the test after the run. */
static struct {
    bool ran;
    long pid;
    long descriptor_flags[4];
    struct initial_stack stack;
    uint64_t first_rip, first_rsp;
    long bad_path, bad_argv, bad_argv_entry, bad_envp, missing, exec_result;
    uint64_t second_rip;
    struct initial_stack second_stack;
    int exit_status;
    bool exited;
} init_run;

static void init_exit_handler(int wait_status)
{
    init_run.exited = true;
    init_run.exit_status = wait_status;
}

/* Decode the running process's initial stack (pages present: exec wrote them). */
static void decode_current_stack(uintptr_t sp, struct initial_stack *stack)
{
    struct process *saved = test_process;
    test_process = process_current();
    decode_stack(sp, stack);
    test_process = saved;
}

/* The "user program" of pid 1: look around, try execve's errors, then exec /bin/second. */
static void init_program(struct user_registers *registers)
{
    init_run.ran = true;
    init_run.first_rip = registers->rip;
    init_run.first_rsp = registers->rsp;
    decode_current_stack(registers->rsp, &init_run.stack);
    init_run.pid = hosted_user_syscall(registers, SYS_getpid);
    for (int fd = 0; fd < 4; fd++)
        init_run.descriptor_flags[fd] = hosted_user_syscall(registers, SYS_fcntl, fd, 1 /* F_GETFD */);

    /* User memory for execve's arguments: a page of the stack area, below the initial stack. */
    struct mm *mm = process_current()->mm;
    uintptr_t page = EXEC_STACK_TOP - (64u << 10);
    assert_int_equal(mm_fault_in(mm, page, 4096, MM_ACCESS_WRITE), 0);
    uintptr_t path = page, argument = page + 64, missing = page + 128, vector = page + 256;
    assert_int_equal(copy_to_user(path, "/bin/second", sizeof "/bin/second"), 0);
    assert_int_equal(copy_to_user(argument, "arg", sizeof "arg"), 0);
    assert_int_equal(copy_to_user(missing, "/bin/none", sizeof "/bin/none"), 0);
    const uint64_t argv[] = { path, argument, 0 };
    const uint64_t bad_argv[] = { path, 0x1000, 0 };
    assert_int_equal(copy_to_user(vector, argv, sizeof argv), 0);
    assert_int_equal(copy_to_user(vector + 64, bad_argv, sizeof bad_argv), 0);

    init_run.bad_path = hosted_user_syscall(registers, SYS_execve, 0x1000, vector, 0);
    init_run.bad_argv = hosted_user_syscall(registers, SYS_execve, path, 0x1000, 0);
    init_run.bad_argv_entry = hosted_user_syscall(registers, SYS_execve, path, vector + 64, 0);
    init_run.bad_envp = hosted_user_syscall(registers, SYS_execve, path, vector, 0x1000);
    init_run.missing = hosted_user_syscall(registers, SYS_execve, missing, vector, 0);
    init_run.exec_result = hosted_user_syscall(registers, SYS_execve, path, vector, 0);
    init_run.second_rip = registers->rip;
    decode_current_stack(registers->rsp, &init_run.second_stack);
    hosted_user_syscall(registers, SYS_exit_group, 7);
}

static int init_setup(void **state)
{
    memset(&init_run, 0, sizeof init_run);
    if (hosted_test_boot("loglevel=3 single FOO=bar rk.other=1 -- -a b") < 0)
        return -1;
    if (vfs_kernel_mkdir("/bin", 0755) < 0)
        return -1;
    test_process = NULL;
    return 0;
}

static int init_teardown(void **state)
{
    hosted_set_user_program(NULL);
    process_set_init_exit_handler(NULL);
    mm_activate(NULL);
    return 0;
}

static void test_init_is_pid_1_with_console_and_can_exec(void **state)
{
    struct test_image image;
    image_build(&image, false);
    install_image("/init", &image, 0755);
    image_build(&image, true);
    install_image("/bin/second", &image, 0755);
    hosted_set_user_program(init_program);
    process_set_init_exit_handler(init_exit_handler);
    assert_int_equal(exec_start_init(), 0);
    sched_run_until_idle();

    assert_true(init_run.ran);
    assert_int_equal(init_run.pid, 1);
    assert_int_equal(init_run.first_rip, IMAGE_ENTRY);
    assert_int_equal(init_run.first_rsp % 16, 0);
    assert_int_equal(init_run.stack.argc, 4);
    assert_string_equal(init_run.stack.argv[0], "/init");
    assert_string_equal(init_run.stack.argv[1], "single");
    assert_string_equal(init_run.stack.argv[2], "-a");
    assert_string_equal(init_run.stack.argv[3], "b");
    assert_int_equal(init_run.stack.envc, 3);
    assert_string_equal(init_run.stack.envp[0], "HOME=/");
    assert_string_equal(init_run.stack.envp[1], "TERM=linux");
    assert_string_equal(init_run.stack.envp[2], "FOO=bar");
    for (int fd = 0; fd < 3; fd++)
        assert_int_equal(init_run.descriptor_flags[fd], 0);
    assert_int_equal(init_run.descriptor_flags[3], -EBADF);

    assert_int_equal(init_run.bad_path, -EFAULT);
    assert_int_equal(init_run.bad_argv, -EFAULT);
    assert_int_equal(init_run.bad_argv_entry, -EFAULT);
    assert_int_equal(init_run.bad_envp, -EFAULT);
    assert_int_equal(init_run.missing, -ENOENT);
    assert_int_equal(init_run.exec_result, 0);
    assert_int_equal(init_run.second_rip, 0x555555555010ul);
    assert_int_equal(init_run.second_stack.argc, 2);
    assert_string_equal(init_run.second_stack.argv[0], "/bin/second");
    assert_string_equal(init_run.second_stack.argv[1], "arg");
    assert_int_equal(init_run.second_stack.envc, 0);

    assert_true(init_run.exited);
    assert_int_equal(init_run.exit_status, 7 << 8);
}

static int power_off_status;

/* Power-off from the init thread: note the status and end that thread (no jump across stacks). */
static void power_off_handler(int status)
{
    power_off_status = status;
    thread_exit(0);
}

static void test_no_init_powers_off_with_failure(void **state)
{
    install_text("/bin/sh", "not a program\n", 0755);   /* exists but cannot run */
    hosted_set_exit_handler(power_off_handler);
    uint64_t sequence = klog_next_sequence();
    power_off_status = -1;
    assert_int_equal(exec_start_init(), 0);
    sched_run_until_idle();
    hosted_set_exit_handler(NULL);
    assert_int_equal(power_off_status, 1);
    assert_int_equal(log_lines_since(sequence, "Starting init: /bin/sh exists but couldn't execute it",
                                     NULL, 0), 1);
    assert_int_equal(log_lines_since(sequence, "No working init found", NULL, 0), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_static_image_is_mapped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_initial_stack_layout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_argv_becomes_empty_string, setup, teardown),
        cmocka_unit_test_setup_teardown(test_position_independent_image, setup, teardown),
        cmocka_unit_test_setup_teardown(test_executable_stack, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_images_are_rejected_cleanly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_formats_are_enoexec, setup, teardown),
        cmocka_unit_test_setup_teardown(test_path_and_permission_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_argument_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_script_with_argument, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nested_scripts_and_depth_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_script_interpreter_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_on_exec, setup, teardown),
        cmocka_unit_test_setup_teardown(test_real_static_binary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_real_static_pie_binary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_init_is_pid_1_with_console_and_can_exec, init_setup,
                                        init_teardown),
        cmocka_unit_test_setup_teardown(test_no_init_powers_off_with_failure, init_setup,
                                        init_teardown),
    };
    return cmocka_run_group_tests_name("exec", tests, NULL, NULL);
}
