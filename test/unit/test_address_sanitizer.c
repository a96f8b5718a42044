/*
 * test_address_sanitizer.c — the Core's KASAN (rk/address_sanitizer.h): in
 * AddressSanitizer builds, freed heap objects and pages, and the bytes past
 * a kmalloc'ed size, are poisoned; a child process that touches them dies
 * with ASan's report. What must stay quiet: ksize'd objects, free memory
 * after a reboot, reused stacks of threads that died or were abandoned.
 * Other builds skip every test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rk/address_sanitizer.h>
#include <rk/heap.h>
#include <rk/page_alloc.h>
#include <rk/sched.h>
#include <rk/thread.h>
#include "hosted.h"

/* From <sys/wait.h>, which cannot be included with rk/signal.h (same names). */
pid_t waitpid(pid_t pid, int *status, int options);

#if RK_ADDRESS_SANITIZER
#include <sanitizer/asan_interface.h>
#endif

#define BOOT_LINE "loglevel=3 hosted.memory=4M"

static int boot(void **state)
{
    assert_int_equal(hosted_test_boot(BOOT_LINE), 0);
    return 0;
}

/* Skip the calling test unless this is an AddressSanitizer build. */
#define REQUIRE_ADDRESS_SANITIZER()                                                       \
    do {                                                                                  \
        if (!RK_ADDRESS_SANITIZER) {                                                      \
            print_message("not an AddressSanitizer build: kernel memory is not poisoned\n"); \
            skip();                                                                       \
        }                                                                                 \
    } while (0)

/* Whether ASan reports an access to the byte at address (false in other builds). */
static bool poisoned(const void *address)
{
#if RK_ADDRESS_SANITIZER
    return __asan_address_is_poisoned(address) != 0;
#else
    (void)address;
    return false;
#endif
}

/* An instrumented one-byte load (the access ASan checks). */
static __attribute__((noinline)) char read_byte(const volatile char *address)
{
    return *address;
}

/*
 * The child's side of assert_bad_read_is_reported(): boot, make the bad
 * access named by what, and exit 0 if ASan let it pass.
 */
static _Noreturn void bad_read_child(const char *what)
{
    if (hosted_test_boot(BOOT_LINE) != 0)
        _exit(2);
    if (strcmp(what, "freed-object") == 0) {
        char *object = kmalloc(40);
        kfree(object);
        read_byte(object);
    } else if (strcmp(what, "past-size") == 0) {
        char *object = kmalloc(13);
        read_byte(object + 12);
        read_byte(object + 13);
    } else if (strcmp(what, "freed-page") == 0) {
        char *page = page_alloc_virtual(1, true);
        page_free_virtual(page, 1);
        read_byte(page + PAGE_SIZE);
    } else {
        _exit(3);
    }
    _exit(0);
}

/*
 * Run this program again as a child that makes the bad read named by what
 * (bad_read_child); assert that it died of ASan's report, a one-byte read
 * named use-after-poison. The child runs without symbolization (fast).
 */
static void assert_bad_read_is_reported(const char *what)
{
    int pipe_ends[2];
    assert_int_equal(pipe(pipe_ends), 0);
    fflush(NULL);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        dup2(pipe_ends[1], STDOUT_FILENO);
        dup2(pipe_ends[1], STDERR_FILENO);
        close(pipe_ends[0]);
        static char options[1024];
        const char *inherited = getenv("ASAN_OPTIONS");
        snprintf(options, sizeof options, "%s%ssymbolize=0", inherited ? inherited : "",
                 inherited && *inherited ? ":" : "");
        setenv("ASAN_OPTIONS", options, 1);
        execl("/proc/self/exe", "test-address_sanitizer", "--bad-read", what, (char *)NULL);
        _exit(127);
    }
    close(pipe_ends[1]);
    static char report[65536];
    size_t length = 0;
    ssize_t count;
    while ((count = read(pipe_ends[0], report + length, sizeof report - 1 - length)) > 0)
        length += (size_t)count;
    report[length] = '\0';
    close(pipe_ends[0]);
    int status = 0;
    assert_int_equal(waitpid(child, &status, 0), child);
    if (status == 0 || strstr(report, "use-after-poison") == NULL)
        fail_msg("%s: no use-after-poison report (status %#x); the child wrote:\n%s", what,
                 (unsigned)status, report);
    assert_non_null(strstr(report, "READ of size 1"));
}

static void a_freed_object_is_poisoned(void **state)
{
    REQUIRE_ADDRESS_SANITIZER();
    char *object = kmalloc(40);
    assert_non_null(object);
    memset(object, 1, 40);
    kfree(object);
    for (size_t offset = 0; offset < 64; offset++)
        assert_true(poisoned(object + offset));
    assert_bad_read_is_reported("freed-object");
}

static void kmalloc_unpoisons_exactly_the_requested_bytes(void **state)
{
    REQUIRE_ADDRESS_SANITIZER();
    char *object = kmalloc(13);
    assert_non_null(object);
    for (size_t offset = 0; offset < 13; offset++)
        assert_false(poisoned(object + offset));
    for (size_t offset = 13; offset < 16; offset++)
        assert_true(poisoned(object + offset));
    memset(object, 2, 13);
    assert_bad_read_is_reported("past-size");

    unsigned char *zeroed = kzalloc(13); /* clears the 13 bytes, leaves the rest poisoned */
    assert_non_null(zeroed);
    for (size_t offset = 0; offset < 13; offset++)
        assert_int_equal(zeroed[offset], 0);
    assert_true(poisoned(zeroed + 13));
    kfree(zeroed);
    kfree(object);
}

static void ksize_makes_the_whole_object_usable(void **state)
{
    REQUIRE_ADDRESS_SANITIZER();
    char *object = kmalloc(100);
    assert_non_null(object);
    assert_true(poisoned(object + 100));
    size_t usable = ksize(object);
    assert_int_equal(usable, 128);
    assert_false(poisoned(object + 127));
    memset(object, 3, usable); /* no report */
    kfree(object);
    assert_true(poisoned(object));
}

static void large_allocations_are_bounded_by_their_size(void **state)
{
    REQUIRE_ADDRESS_SANITIZER();
    char *block = kmalloc(5000);
    assert_non_null(block);
    assert_false(poisoned(block));
    assert_false(poisoned(block + 4999));
    assert_true(poisoned(block + 5000));
    assert_true(poisoned(block + 2 * PAGE_SIZE - 1));
    memset(block, 4, 5000);
    kfree(block);
    assert_true(poisoned(block));
    assert_true(poisoned(block + 4999));
}

static void a_page_is_poisoned_when_its_last_reference_goes(void **state)
{
    REQUIRE_ADDRESS_SANITIZER();
    char *page = page_alloc_virtual(1, true);
    assert_non_null(page);
    assert_false(poisoned(page));
    assert_false(poisoned(page + 2 * PAGE_SIZE - 1));
    paddr_t frame = platform_virt_to_phys(page);
    page_frame_get(frame);
    page_free_virtual(page, 1); /* one reference left: still in use */
    assert_false(poisoned(page));
    page_frame_put(frame);
    assert_true(poisoned(page));
    assert_true(poisoned(page + 2 * PAGE_SIZE - 1));
    assert_bad_read_is_reported("freed-page");
    /* Its struct page is metadata, never poisoned. */
    struct page *metadata = page_from_physical(frame);
    assert_non_null(metadata);
    assert_false(poisoned(metadata));
}

/*
 * Poison much of the memory, reboot with boot_function, and check that all
 * free memory of the new boot is addressable.
 */
static void poison_and_reboot(int (*boot_function)(const char *command_line))
{
    enum { OBJECTS = 200 };
    static char *objects[OBJECTS];
    for (int index = 0; index < OBJECTS; index++)
        objects[index] = kmalloc(1 + (size_t)index * 37 % 3000);
    for (int index = 0; index < OBJECTS; index++)
        kfree(objects[index]);
    char *page = page_alloc_virtual(3, false);
    page_free_virtual(page, 3);
    assert_true(poisoned(page));
    assert_true(poisoned(objects[0]));

    assert_int_equal(boot_function(BOOT_LINE), 0);
    /* The old poison is gone: outside the new boot's slabs, nothing is poisoned yet. */
    size_t checked = 0;
    for (int index = 0; index < OBJECTS; index++) {
        struct page *frame = page_from_virtual(objects[index]);
        assert_non_null(frame);
        if (!(frame->flags & PAGE_FLAG_SLAB)) {
            assert_false(poisoned(objects[index]));
            checked++;
        }
    }
    assert_true(checked > OBJECTS / 2);
    /* Every frame of the new boot can be handed out and written. */
    static paddr_t frames[2048];
    size_t count = 0;
    while (count < 2048 && (frames[count] = page_alloc(0)) != PADDR_INVALID) {
        memset(platform_phys_to_virt(frames[count]), 5, PAGE_SIZE);
        count++;
    }
    assert_true(count > 512);
    for (size_t index = 0; index < count; index++)
        page_free(frames[index], 0);
}

static void a_reboot_leaves_free_memory_addressable(void **state)
{
    REQUIRE_ADDRESS_SANITIZER();
    poison_and_reboot(hosted_test_boot); /* a fresh arena, likely at the same address */
    poison_and_reboot(hosted_fuzz_boot); /* the same arena, not cleared */
}

/* A frame with locals ASan guards (their address escapes), left without returning. */
static __attribute__((noinline)) void leave_from_a_guarded_frame(bool exit_thread)
{
    volatile char guarded[200];
    memset((char *)guarded, 6, sizeof guarded);
    if (exit_thread)
        thread_exit(0);
    irq_flags_t flags = platform_irq_save();
    sched_block(NULL); /* never woken: abandoned at the next boot */
    platform_irq_restore(flags);
}

static void exit_from_a_guarded_frame(void *argument)
{
    leave_from_a_guarded_frame(true);
}

static void block_in_a_guarded_frame(void *argument)
{
    leave_from_a_guarded_frame(false);
}

/* An instrumented one-byte store (the access ASan checks). */
static __attribute__((noinline)) void write_byte(volatile char *address, char value)
{
    *address = value;
}

/*
 * Fill most of the stack through instrumented stores. The frame itself is
 * not instrumented (like libc's or the context switch's frames), so its
 * prologue does not rewrite the shadow: stale poison from an earlier
 * thread's frames would be reported.
 */
static __attribute__((no_sanitize_address, noinline)) void fill_the_stack(void *argument)
{
    volatile char filler[10 * 1024];
    for (size_t index = 0; index < sizeof filler; index++)
        write_byte(&filler[index], 7);
    *(int *)argument = filler[sizeof filler - 1];
}

/* Run fill_the_stack on a new thread; returns what it stored. */
static int run_stack_filler(void)
{
    int result = 0;
    struct thread *thread = thread_create("filler", fill_the_stack, &result);
    assert_non_null(thread);
    sched_run_until_idle();
    assert_int_equal(thread_join(thread, NULL), 0);
    return result;
}

static void stacks_of_dead_and_abandoned_threads_are_reused_quietly(void **state)
{
    REQUIRE_ADDRESS_SANITIZER();
    struct thread *exited = thread_create("exits", exit_from_a_guarded_frame, NULL);
    assert_non_null(exited);
    sched_run_until_idle();
    assert_int_equal(thread_join(exited, NULL), 0);
    assert_int_equal(run_stack_filler(), 7);

    assert_non_null(thread_create("abandoned", block_in_a_guarded_frame, NULL));
    assert_int_equal(sched_run_until_idle(), 1);
    assert_int_equal(hosted_test_boot(BOOT_LINE), 0);
    assert_int_equal(run_stack_filler(), 7);
}

int main(int argument_count, char **arguments)
{
    if (argument_count == 3 && strcmp(arguments[1], "--bad-read") == 0)
        bad_read_child(arguments[2]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(a_freed_object_is_poisoned, boot),
        cmocka_unit_test_setup(kmalloc_unpoisons_exactly_the_requested_bytes, boot),
        cmocka_unit_test_setup(ksize_makes_the_whole_object_usable, boot),
        cmocka_unit_test_setup(large_allocations_are_bounded_by_their_size, boot),
        cmocka_unit_test_setup(a_page_is_poisoned_when_its_last_reference_goes, boot),
        cmocka_unit_test_setup(a_reboot_leaves_free_memory_addressable, boot),
        cmocka_unit_test_setup(stacks_of_dead_and_abandoned_threads_are_reused_quietly, boot),
    };
    return cmocka_run_group_tests_name("address_sanitizer", tests, NULL, NULL);
}
