/*
 * test_fifo.c — named pipes (FIFOs made with mknod S_IFIFO), after fifo(7):
 * one pipe per FIFO node, made at the first open and freed with the last
 * close; blocking and O_NONBLOCK opens of either side; O_RDWR; the
 * description's attributes (the node's own); end of file and EPIPE; and
 * nothing left behind (pipe_count(), the heap, vnode references).
 *
 * Most cases call pipe_open_fifo() on an entry resolved in the boot tmpfs
 * root; the wake-up cases run kernel threads attached to a test process
 * that open, read, write and close through the syscalls (openat goes
 * through vfs_open_entry to pipe_open_fifo). Threads record what they saw
 * in plain variables; every assertion runs on the test's own (boot) thread.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rk/compiler.h>
#include <rk/errno.h>
#include <rk/file.h>
#include <rk/heap.h>
#include <rk/page_alloc.h>
#include <rk/path.h>
#include <rk/pipe.h>
#include <rk/mm.h>
#include <rk/process.h>
#include <rk/sched.h>
#include <rk/syscall.h>
#include <rk/thread.h>
#include "hosted.h"

#define AT_FDCWD_ARGUMENT ((uint64_t)(int64_t)AT_FDCWD)

/* ------------------------------------------------------------ fixtures */

static struct process *test_process;
static paddr_t user_frame = PADDR_INVALID;
static uintptr_t user_page;             /* one read-write user page of test_process */
static unsigned char *user_page_kernel; /* the same page seen by the kernel */

/* Boot (a tmpfs root), forget FIFOs of earlier boots, make /fifo. */
static int boot(void **state)
{
    assert_int_equal(hosted_test_boot("loglevel=3"), 0);
    pipes_reset();
    assert_int_equal(vfs_kernel_mknod("/fifo", S_IFIFO | 0600, 0), 0);
    return 0;
}

/* boot, then a process with one mapped user page (for the syscall threads). */
static int boot_with_process(void **state)
{
    boot(state);
    test_process = process_create("fifo-test", 0, true);
    assert_non_null(test_process);
    user_frame = page_alloc(0);
    assert_true(user_frame != PADDR_INVALID);
    user_page = platform_user_address_lowest() + 16 * PAGE_SIZE;
    assert_int_equal(platform_map(&test_process->mm->space, user_page, user_frame,
                                  PLATFORM_PROT_READ | PLATFORM_PROT_WRITE | PLATFORM_PROT_USER),
                     0);
    user_page_kernel = platform_phys_to_virt(user_frame);
    memset(user_page_kernel, 0, PAGE_SIZE);
    return 0;
}

/* Undo boot_with_process: unmap and drop the process (closing its descriptors). */
static int drop_process(void **state)
{
    paddr_t old;
    assert_int_equal(platform_unmap(&test_process->mm->space, user_page, &old), 0);
    page_free(user_frame, 0);
    user_frame = PADDR_INVALID;
    process_attach_thread(NULL, thread_current()); /* when a test ran in the process */
    process_put(test_process);
    test_process = NULL;
    return 0;
}

/* ------------------------------------------------------------- helpers */

/* The entry of an existing path (referenced; path_put it). */
static struct path_entry *entry_of(const char *path)
{
    struct path_entry *entry = NULL;
    assert_int_equal(path_resolve(NULL, AT_FDCWD, path, 0, &entry), 0);
    assert_non_null(entry);
    return entry;
}

/* pipe_open_fifo on path: the description, or NULL with *error set. */
static struct file *try_open(const char *path, unsigned flags, int *error)
{
    struct path_entry *entry = entry_of(path);
    struct file *file = NULL;
    *error = pipe_open_fifo(entry, flags, &file);
    path_put(entry);
    if (*error < 0)
        assert_null(file);
    return file;
}

/* pipe_open_fifo on path, which must succeed. */
static struct file *open_fifo(const char *path, unsigned flags)
{
    int error;
    struct file *file = try_open(path, flags, &error);
    assert_int_equal(error, 0);
    assert_non_null(file);
    return file;
}

/* Write length bytes of kernel memory through the file's ops. */
static long write_bytes(struct file *file, const void *data, size_t length)
{
    struct io_segment segment;
    struct io_cursor cursor;
    io_cursor_kernel(&cursor, &segment, (void *)data, length);
    return file->ops->write(file, &cursor, &file->offset);
}

/* Read up to length bytes into kernel memory through the file's ops. */
static long read_bytes(struct file *file, void *data, size_t length)
{
    struct io_segment segment;
    struct io_cursor cursor;
    io_cursor_kernel(&cursor, &segment, data, length);
    return file->ops->read(file, &cursor, &file->offset);
}

static unsigned long references_of(const char *path)
{
    struct path_entry *entry = entry_of(path);
    unsigned long references = entry->vnode->references;
    path_put(entry);
    return references;
}

/* -------------------------------------------- threads using syscalls */

/* User-page layout for the syscall threads. */
#define PATH_OFFSET 0        /* "/fifo" */
#define WRITE_OFFSET 256     /* what writers send */
#define READ_OFFSET 1024     /* where readers receive (one area per reader) */

/*
 * One thread's script: open the FIFO with flags, then (when it opened)
 * write `message`, or read up to 64 bytes twice (data then end of file),
 * then close — each step's result recorded.
 */
struct fifo_job {
    unsigned flags;
    bool writing;
    const char *message;        /* for writers */
    unsigned read_slot;         /* readers: which 64-byte area of READ_OFFSET */
    bool keep_open;             /* do not close (the test closes it through the table) */
    long open_result;
    long io_result;
    long second_read;           /* readers: the read after the data */
    long close_result;
    bool opened;                /* open returned (success or not) */
    bool done;
};

/* Thread body: run job's script through syscall_dispatch in the test process. */
static void fifo_job_run(void *argument)
{
    struct fifo_job *job = argument;
    job->open_result = syscall6(SYS_openat, AT_FDCWD_ARGUMENT, user_page + PATH_OFFSET,
                                job->flags, 0, 0, 0);
    job->opened = true;
    if (job->open_result >= 0) {
        int fd = (int)job->open_result;
        if (job->writing) {
            size_t length = strlen(job->message);
            memcpy(user_page_kernel + WRITE_OFFSET, job->message, length);
            job->io_result = syscall3(SYS_write, fd, user_page + WRITE_OFFSET, length);
        } else {
            uintptr_t into = user_page + READ_OFFSET + job->read_slot * 64;
            job->io_result = syscall3(SYS_read, fd, into, 64);
            job->second_read = syscall3(SYS_read, fd, into, 64);
        }
        if (!job->keep_open)
            job->close_result = syscall3(SYS_close, fd, 0, 0);
    }
    job->done = true;
}

/* Start a thread running job inside test_process. */
static struct thread *start_job(struct fifo_job *job)
{
    job->opened = job->done = false;
    struct thread *thread = thread_create(job->writing ? "fifo-writer" : "fifo-reader",
                                          fifo_job_run, job);
    assert_non_null(thread);
    process_attach_thread(test_process, thread);
    return thread;
}

/* Join thread (detaching it from its process first). */
static void finish_job(struct thread *thread)
{
    process_attach_thread(NULL, thread);
    assert_int_equal(thread_join(thread, NULL), 0);
}

/* The received bytes of a reader job, as a string. */
static const char *received(const struct fifo_job *job)
{
    return (const char *)user_page_kernel + READ_OFFSET + job->read_slot * 64;
}

static void put_path_in_user_memory(void)
{
    memcpy(user_page_kernel + PATH_OFFSET, "/fifo", sizeof "/fifo");
}

/* --------------------------------------------------------------- tests */

static void o_rdwr_round_trip_on_one_description(void **state)
{
    unsigned long pipes = pipe_count();
    struct file *file = open_fifo("/fifo", O_RDWR | O_CREAT | O_TRUNC | O_LARGEFILE);
    assert_true(file_is_pipe(file));
    assert_true(file_is_fifo(file));
    assert_int_equal(file->flags, O_RDWR | O_LARGEFILE); /* creation flags dropped */
    assert_int_equal(pipe_count(), pipes + 1);
    assert_int_equal(write_bytes(file, "named", 5), 5);
    char text[8] = { 0 };
    assert_int_equal(read_bytes(file, text, sizeof text), 5);
    assert_string_equal(text, "named");
    /* The description holds the node and its entry: fstat is the node's own. */
    struct path_entry *entry = entry_of("/fifo");
    assert_ptr_equal(file->vnode, entry->vnode);
    assert_non_null(file->path);
    assert_ptr_equal(file->path->vnode, entry->vnode);
    struct vnode_attributes attributes;
    assert_int_equal(file->ops->stat(file, &attributes), 0);
    assert_int_equal(attributes.mode, S_IFIFO | 0600);
    assert_int_equal(attributes.inode_number, entry->vnode->inode_number);
    assert_int_equal(attributes.size, 0);
    path_put(entry);
    /* The one description is its own reader: empty and O_NONBLOCK is EAGAIN, not end of file. */
    file->flags |= O_NONBLOCK;
    assert_int_equal(read_bytes(file, text, sizeof text), -EAGAIN);
    file_put(file);
    assert_int_equal(pipe_count(), pipes);
}

static void nonblocking_read_open_succeeds_without_a_writer(void **state)
{
    unsigned long pipes = pipe_count();
    struct file *reader = open_fifo("/fifo", O_RDONLY | O_NONBLOCK);
    assert_int_equal(reader->flags & O_ACCMODE, O_RDONLY);
    assert_int_equal(pipe_count(), pipes + 1);
    char text[8];
    /* No writer has ever opened: end of file, also for a blocking read. */
    assert_int_equal(read_bytes(reader, text, sizeof text), 0);
    reader->flags &= ~(unsigned)O_NONBLOCK;
    assert_int_equal(read_bytes(reader, text, sizeof text), 0);
    /* A writer opens (the reader exists, so O_NONBLOCK succeeds): now empty means EAGAIN. */
    struct file *writer = open_fifo("/fifo", O_WRONLY | O_NONBLOCK);
    assert_int_equal(pipe_count(), pipes + 1); /* the same pipe */
    reader->flags |= O_NONBLOCK;
    assert_int_equal(read_bytes(reader, text, sizeof text), -EAGAIN);
    assert_int_equal(write_bytes(writer, "abc", 3), 3);
    assert_int_equal(read_bytes(reader, text, sizeof text), 3);
    assert_memory_equal(text, "abc", 3);
    /* Blocking read open with a writer present does not wait either. */
    struct file *second_reader = open_fifo("/fifo", O_RDONLY);
    file_put(second_reader);
    file_put(writer);
    file_put(reader);
    assert_int_equal(pipe_count(), pipes);
}

static void nonblocking_write_open_without_a_reader_is_enxio(void **state)
{
    unsigned long pipes = pipe_count();
    struct heap_statistics before, after;
    heap_get_statistics(&before);
    int error;
    assert_null(try_open("/fifo", O_WRONLY | O_NONBLOCK, &error));
    assert_int_equal(error, -ENXIO);
    assert_int_equal(pipe_count(), pipes);
    heap_get_statistics(&after);
    assert_int_equal(after.bytes_in_use, before.bytes_in_use);
    /* With a reader it works; once the reader is gone it is ENXIO again. */
    struct file *reader = open_fifo("/fifo", O_RDONLY | O_NONBLOCK);
    struct file *writer = open_fifo("/fifo", O_WRONLY | O_NONBLOCK);
    file_put(reader);
    /* The pipe lives on (a writer), but it has no reader. */
    assert_int_equal(pipe_count(), pipes + 1);
    assert_null(try_open("/fifo", O_WRONLY | O_NONBLOCK, &error));
    assert_int_equal(error, -ENXIO);
    assert_int_equal(write_bytes(writer, "x", 1), -EPIPE);
    file_put(writer);
    assert_int_equal(pipe_count(), pipes);
    /* O_RDWR | O_NONBLOCK is a reader itself: never ENXIO. */
    struct file *both = open_fifo("/fifo", O_RDWR | O_NONBLOCK);
    file_put(both);
    /* Access mode 3 is refused (as Linux's fifo_open). */
    assert_null(try_open("/fifo", O_ACCMODE, &error));
    assert_int_equal(error, -EINVAL);
    assert_int_equal(pipe_count(), pipes);
    heap_get_statistics(&after);
    assert_int_equal(after.bytes_in_use, before.bytes_in_use);
}

static void a_blocked_reader_open_is_woken_by_a_writer_open(void **state)
{
    put_path_in_user_memory();
    unsigned long pipes = pipe_count();
    struct fifo_job reader = { .flags = O_RDONLY };
    struct thread *reader_thread = start_job(&reader);
    assert_int_equal(sched_run_until_idle(), 1); /* asleep in open */
    assert_false(reader.opened);
    assert_int_equal(pipe_count(), pipes + 1);
    /* The waiting open counts as a reader: a non-blocking writer open succeeds at once. */
    struct fifo_job writer = { .flags = O_WRONLY | O_NONBLOCK, .writing = true,
                               .message = "wake up" };
    struct thread *writer_thread = start_job(&writer);
    assert_int_equal(sched_run_until_idle(), 0);
    assert_true(writer.done && reader.done);
    assert_true(writer.open_result >= 0);
    assert_int_equal(writer.io_result, 7);
    assert_int_equal(writer.close_result, 0);
    assert_true(reader.open_result >= 0);
    assert_int_equal(reader.io_result, 7);
    assert_string_equal(received(&reader), "wake up");
    assert_int_equal(reader.second_read, 0); /* the writer closed: end of file */
    assert_int_equal(reader.close_result, 0);
    finish_job(reader_thread);
    finish_job(writer_thread);
    assert_int_equal(pipe_count(), pipes);
}

static void a_blocked_writer_open_is_woken_by_a_reader_open(void **state)
{
    put_path_in_user_memory();
    unsigned long pipes = pipe_count();
    struct fifo_job writer = { .flags = O_WRONLY, .writing = true, .message = "to the reader" };
    struct thread *writer_thread = start_job(&writer);
    assert_int_equal(sched_run_until_idle(), 1);
    assert_false(writer.opened);
    /* A waiting writer is no reader: a non-blocking write open is still ENXIO. */
    int error;
    assert_null(try_open("/fifo", O_WRONLY | O_NONBLOCK, &error));
    assert_int_equal(error, -ENXIO);
    struct fifo_job reader = { .flags = O_RDONLY, .read_slot = 1 };
    struct thread *reader_thread = start_job(&reader);
    assert_int_equal(sched_run_until_idle(), 0);
    assert_true(writer.done && reader.done);
    assert_int_equal(writer.io_result, 13);
    assert_int_equal(reader.io_result, 13);
    assert_string_equal(received(&reader), "to the reader");
    assert_int_equal(reader.second_read, 0);
    finish_job(reader_thread);
    finish_job(writer_thread);
    assert_int_equal(pipe_count(), pipes);
}

static void a_writer_that_opened_and_closed_still_wakes_the_reader_open(void **state)
{
    /*
     * Linux counts opens, not open writers: the writer opens, writes and
     * closes before the woken reader runs; the reader's open still
     * succeeds and it reads the data, then end of file.
     */
    put_path_in_user_memory();
    unsigned long pipes = pipe_count();
    struct fifo_job reader = { .flags = O_RDONLY, .read_slot = 2 };
    struct thread *reader_thread = start_job(&reader);
    assert_int_equal(sched_run_until_idle(), 1);
    struct file *writer = open_fifo("/fifo", O_WRONLY); /* the boot thread: a reader exists */
    assert_int_equal(write_bytes(writer, "brief", 5), 5);
    file_put(writer);
    assert_false(reader.opened); /* woken, not run yet */
    assert_int_equal(pipe_count(), pipes + 1); /* the waiting reader keeps the pipe */
    assert_int_equal(sched_run_until_idle(), 0);
    assert_true(reader.open_result >= 0);
    assert_int_equal(reader.io_result, 5);
    assert_string_equal(received(&reader), "brief");
    assert_int_equal(reader.second_read, 0);
    finish_job(reader_thread);
    assert_int_equal(pipe_count(), pipes);
}

static void the_boot_thread_blocks_in_open_until_a_thread_opens_the_other_side(void **state)
{
    put_path_in_user_memory();
    unsigned long pipes = pipe_count();
    /* The thread starts first but runs only once the boot thread waits in its open. */
    struct fifo_job reader = { .flags = O_RDONLY, .read_slot = 3 };
    struct thread *reader_thread = start_job(&reader);
    struct file *writer = open_fifo("/fifo", O_WRONLY);
    assert_true(reader.opened);
    assert_true(reader.open_result >= 0);
    assert_false(reader.done); /* reading an empty pipe, a writer exists */
    assert_int_equal(write_bytes(writer, "from boot", 9), 9);
    file_put(writer);
    assert_int_equal(sched_run_until_idle(), 0);
    assert_int_equal(reader.io_result, 9);
    assert_string_equal(received(&reader), "from boot");
    assert_int_equal(reader.second_read, 0);
    finish_job(reader_thread);
    assert_int_equal(pipe_count(), pipes);
}

static void a_blocking_open_nothing_can_wake_is_edeadlk_and_undone(void **state)
{
    unsigned long pipes = pipe_count();
    unsigned long references = references_of("/fifo");
    struct heap_statistics before, after;
    heap_get_statistics(&before);
    int error;
    assert_null(try_open("/fifo", O_RDONLY, &error));
    assert_int_equal(error, -EDEADLK);
    assert_null(try_open("/fifo", O_WRONLY, &error));
    assert_int_equal(error, -EDEADLK);
    assert_int_equal(pipe_count(), pipes);
    assert_int_equal(references_of("/fifo"), references);
    heap_get_statistics(&after);
    assert_int_equal(after.bytes_in_use, before.bytes_in_use);
    /* A failed open while another reader holds the pipe leaves that reader's pipe alone. */
    struct file *reader = open_fifo("/fifo", O_RDONLY | O_NONBLOCK);
    assert_null(try_open("/fifo", O_RDONLY, &error));
    assert_int_equal(error, -EDEADLK);
    assert_int_equal(pipe_count(), pipes + 1);
    struct file *writer = open_fifo("/fifo", O_WRONLY | O_NONBLOCK); /* one reader left */
    assert_int_equal(write_bytes(writer, "ok", 2), 2);
    char text[4];
    assert_int_equal(read_bytes(reader, text, sizeof text), 2);
    file_put(writer);
    file_put(reader);
    assert_int_equal(pipe_count(), pipes);
}

static void data_does_not_survive_the_last_close(void **state)
{
    unsigned long pipes = pipe_count();
    struct file *both = open_fifo("/fifo", O_RDWR | O_NONBLOCK);
    assert_int_equal(write_bytes(both, "stale", 5), 5);
    file_put(both);
    assert_int_equal(pipe_count(), pipes);
    both = open_fifo("/fifo", O_RDWR | O_NONBLOCK);
    char text[8];
    assert_int_equal(read_bytes(both, text, sizeof text), -EAGAIN); /* a new, empty pipe */
    /* While any end stays open the data does stay: the reader goes, a new one finds it. */
    struct file *writer = open_fifo("/fifo", O_WRONLY | O_NONBLOCK);
    assert_int_equal(write_bytes(writer, "kept", 4), 4);
    file_put(both);
    assert_int_equal(pipe_count(), pipes + 1);
    struct file *reader = open_fifo("/fifo", O_RDONLY | O_NONBLOCK);
    assert_int_equal(read_bytes(reader, text, sizeof text), 4);
    assert_memory_equal(text, "kept", 4);
    file_put(reader);
    file_put(writer);
    assert_int_equal(pipe_count(), pipes);
}

static void end_of_file_after_the_writer_closes(void **state)
{
    struct file *reader = open_fifo("/fifo", O_RDONLY | O_NONBLOCK);
    struct file *writer = open_fifo("/fifo", O_WRONLY);
    struct file *second_writer = open_fifo("/fifo", O_WRONLY | O_NONBLOCK);
    assert_int_equal(write_bytes(writer, "last words", 10), 10);
    file_put(writer);
    char text[16];
    assert_int_equal(read_bytes(reader, text, 4), 4);
    /* One writer is left: still no end of file. */
    assert_int_equal(read_bytes(reader, text, sizeof text), 6);
    assert_int_equal(read_bytes(reader, text, sizeof text), -EAGAIN);
    file_put(second_writer);
    assert_int_equal(read_bytes(reader, text, sizeof text), 0);
    reader->flags &= ~(unsigned)O_NONBLOCK;
    assert_int_equal(read_bytes(reader, text, sizeof text), 0);
    file_put(reader);
}

static void two_fifos_are_independent(void **state)
{
    assert_int_equal(vfs_kernel_mknod("/other", S_IFIFO | 0644, 0), 0);
    unsigned long pipes = pipe_count();
    struct file *first = open_fifo("/fifo", O_RDWR | O_NONBLOCK);
    struct file *second_reader = open_fifo("/other", O_RDONLY | O_NONBLOCK);
    assert_int_equal(pipe_count(), pipes + 2);
    /* /other has a reader, /fifo does too (O_RDWR), but a writer of /other cannot reach /fifo. */
    struct file *second_writer = open_fifo("/other", O_WRONLY | O_NONBLOCK);
    assert_int_equal(write_bytes(first, "one", 3), 3);
    assert_int_equal(write_bytes(second_writer, "two!", 4), 4);
    char text[8] = { 0 };
    assert_int_equal(read_bytes(second_reader, text, sizeof text), 4);
    assert_memory_equal(text, "two!", 4);
    assert_int_equal(read_bytes(second_reader, text, sizeof text), -EAGAIN);
    assert_int_equal(read_bytes(first, text, sizeof text), 3);
    assert_memory_equal(text, "one", 3);
    struct vnode_attributes a, b;
    assert_int_equal(first->ops->stat(first, &a), 0);
    assert_int_equal(second_reader->ops->stat(second_reader, &b), 0);
    assert_true(a.inode_number != b.inode_number);
    assert_int_equal(b.mode, S_IFIFO | 0644);
    /* Closing one FIFO's ends leaves the other's pipe alone. */
    file_put(second_writer);
    file_put(second_reader);
    assert_int_equal(pipe_count(), pipes + 1);
    assert_int_equal(write_bytes(first, "still", 5), 5);
    assert_int_equal(read_bytes(first, text, sizeof text), 5);
    file_put(first);
    assert_int_equal(pipe_count(), pipes);
}

static void hard_links_share_one_pipe(void **state)
{
    assert_int_equal(vfs_kernel_link("/fifo", "/alias"), 0);
    unsigned long pipes = pipe_count();
    struct file *reader = open_fifo("/alias", O_RDONLY | O_NONBLOCK);
    struct file *writer = open_fifo("/fifo", O_WRONLY | O_NONBLOCK);
    assert_int_equal(pipe_count(), pipes + 1);
    assert_int_equal(write_bytes(writer, "linked", 6), 6);
    char text[8];
    assert_int_equal(read_bytes(reader, text, sizeof text), 6);
    assert_memory_equal(text, "linked", 6);
    file_put(reader);
    file_put(writer);
    assert_int_equal(pipe_count(), pipes);
}

static void an_unlinked_fifo_keeps_working_for_its_openers(void **state)
{
    unsigned long pipes = pipe_count();
    struct file *reader = open_fifo("/fifo", O_RDONLY | O_NONBLOCK);
    struct file *writer = open_fifo("/fifo", O_WRONLY | O_NONBLOCK);
    struct path_entry *root = path_root();
    assert_non_null(root);
    assert_int_equal(root->vnode->ops->unlink(root->vnode, "fifo", 4), 0);
    path_put(root);
    assert_int_equal(write_bytes(writer, "orphan", 6), 6);
    char text[8];
    assert_int_equal(read_bytes(reader, text, sizeof text), 6);
    struct vnode_attributes attributes;
    assert_int_equal(reader->ops->stat(reader, &attributes), 0);
    assert_int_equal(attributes.link_count, 0);
    file_put(reader);
    file_put(writer); /* the last references on the node: the filesystem frees it */
    assert_int_equal(pipe_count(), pipes);
    /* A new FIFO of the same name is a new node and a new pipe. */
    assert_int_equal(vfs_kernel_mknod("/fifo", S_IFIFO | 0600, 0), 0);
    struct file *both = open_fifo("/fifo", O_RDWR | O_NONBLOCK);
    assert_int_equal(read_bytes(both, text, sizeof text), -EAGAIN);
    file_put(both);
}

static void fifo_descriptors_through_the_syscalls(void **state)
{
    /* open, fstat (the node: inode, st_dev, size 0), FIONREAD, read, write, lseek. */
    put_path_in_user_memory();
    process_attach_thread(test_process, thread_current());
    long fd = syscall6(SYS_openat, AT_FDCWD_ARGUMENT, user_page + PATH_OFFSET,
                       O_RDWR | O_NONBLOCK | O_CLOEXEC, 0, 0, 0);
    assert_true(fd >= 0);
    memcpy(user_page_kernel + WRITE_OFFSET, "via syscalls", 12);
    assert_int_equal(syscall3(SYS_write, fd, user_page + WRITE_OFFSET, 12), 12);
    uintptr_t stat_buffer = user_page + 2048;
    assert_int_equal(syscall3(SYS_fstat, fd, stat_buffer, 0), 0);
    uint64_t device, inode, size;
    uint32_t mode;
    memcpy(&device, user_page_kernel + 2048 + 0, sizeof device);
    memcpy(&inode, user_page_kernel + 2048 + 8, sizeof inode);
    memcpy(&mode, user_page_kernel + 2048 + 24, sizeof mode);
    memcpy(&size, user_page_kernel + 2048 + 48, sizeof size);
    assert_int_equal(mode, S_IFIFO | 0600);
    assert_int_equal(size, 0); /* the node's size, not the bytes buffered (as Linux) */
    struct path_entry *entry = entry_of("/fifo");
    assert_int_equal(inode, entry->vnode->inode_number);
    assert_int_equal(device, entry->vnode->superblock->device);
    path_put(entry);
    assert_int_equal(syscall3(SYS_ioctl, fd, FIONREAD, stat_buffer), 0);
    int ready;
    memcpy(&ready, user_page_kernel + 2048, sizeof ready);
    assert_int_equal(ready, 12);
    assert_int_equal(syscall3(SYS_read, fd, user_page + READ_OFFSET, 64), 12);
    assert_memory_equal(user_page_kernel + READ_OFFSET, "via syscalls", 12);
    assert_int_equal(syscall3(SYS_read, fd, user_page + READ_OFFSET, 64), -EAGAIN);
    /* O_WRONLY | O_NONBLOCK through openat: a reader exists (the O_RDWR one). */
    long writer = syscall6(SYS_openat, AT_FDCWD_ARGUMENT, user_page + PATH_OFFSET,
                           O_WRONLY | O_NONBLOCK, 0, 0, 0);
    assert_true(writer >= 0);
    assert_int_equal(syscall3(SYS_close, writer, 0, 0), 0);
    assert_int_equal(syscall3(SYS_close, fd, 0, 0), 0);
    assert_int_equal(syscall6(SYS_openat, AT_FDCWD_ARGUMENT, user_page + PATH_OFFSET,
                              O_WRONLY | O_NONBLOCK, 0, 0, 0),
                     -ENXIO);
}

static void release_frees_everything(void **state)
{
    struct heap_statistics before, after;
    unsigned long pipes = pipe_count();
    unsigned long references = references_of("/fifo");
    heap_get_statistics(&before);
    /* Many descriptions of both kinds, with a dup, closed in a mixed order. */
    struct file *reader = open_fifo("/fifo", O_RDONLY | O_NONBLOCK);
    struct file *writer = open_fifo("/fifo", O_WRONLY);
    struct file *both = open_fifo("/fifo", O_RDWR);
    assert_int_equal(pipe_count(), pipes + 1);
    /* The table's one, and each description's two (its vnode and its path entry's). */
    assert_int_equal(references_of("/fifo"), references + 1 + 3 * 2);
    static unsigned char big[PIPE_CAPACITY];
    memset(big, 'q', sizeof big);
    writer->flags |= O_NONBLOCK;
    assert_int_equal(write_bytes(writer, big, sizeof big), PIPE_CAPACITY);
    both->flags |= O_NONBLOCK; /* opened blocking: O_RDWR never waits in open */
    assert_int_equal(write_bytes(both, "x", 1), -EAGAIN); /* full */
    file_get(reader);
    file_put(reader);
    file_put(writer);
    file_put(reader);
    assert_int_equal(pipe_count(), pipes + 1);
    file_put(both); /* the last end: 64 KiB of data go with the pipe */
    assert_int_equal(pipe_count(), pipes);
    assert_int_equal(references_of("/fifo"), references);
    heap_get_statistics(&after);
    assert_int_equal(after.bytes_in_use, before.bytes_in_use);
    assert_int_equal(after.allocations - before.allocations, after.frees - before.frees);
    assert_int_equal(after.double_frees, before.double_frees);
    assert_int_equal(after.invalid_frees, before.invalid_frees);
}

static void a_write_sets_the_node_modification_time(void **state)
{
    struct file *both = open_fifo("/fifo", O_RDWR | O_NONBLOCK);
    struct vnode_attributes made, written, read_back;
    assert_int_equal(both->ops->stat(both, &made), 0);
    assert_int_equal(hosted_clock_advance(5000000), 0);
    char text[4];
    assert_int_equal(read_bytes(both, text, sizeof text), -EAGAIN); /* moved nothing */
    assert_int_equal(write_bytes(both, "", 0), 0);
    struct vnode_attributes unchanged;
    assert_int_equal(both->ops->stat(both, &unchanged), 0);
    assert_memory_equal(&unchanged.modify_time, &made.modify_time, sizeof made.modify_time);
    assert_int_equal(write_bytes(both, "t", 1), 1);
    assert_int_equal(both->ops->stat(both, &written), 0);
    assert_true(written.modify_time.seconds * 1000000000 + written.modify_time.nanoseconds >=
                made.modify_time.seconds * 1000000000 + made.modify_time.nanoseconds + 5000000);
    assert_memory_equal(&written.change_time, &written.modify_time, sizeof written.change_time);
    /* Reading changes neither (the access time is not kept for FIFOs yet). */
    assert_int_equal(hosted_clock_advance(5000000), 0);
    assert_int_equal(read_bytes(both, text, sizeof text), 1);
    assert_int_equal(both->ops->stat(both, &read_back), 0);
    assert_memory_equal(&read_back.modify_time, &written.modify_time, sizeof written.modify_time);
    assert_memory_equal(&read_back.change_time, &written.change_time, sizeof written.change_time);
    file_put(both);
}

static void writes_without_a_reader_are_epipe_and_pipe_buf_is_atomic(void **state)
{
    struct file *both = open_fifo("/fifo", O_RDWR | O_NONBLOCK);
    struct file *writer = open_fifo("/fifo", O_WRONLY | O_NONBLOCK);
    static unsigned char big[PIPE_CAPACITY];
    memset(big, 'p', sizeof big);
    assert_int_equal(write_bytes(writer, big, PIPE_CAPACITY - 100), PIPE_CAPACITY - 100);
    assert_int_equal(write_bytes(writer, big, 101), -EAGAIN);  /* atomic: all or nothing */
    assert_int_equal(write_bytes(writer, big, 100), 100);
    file_put(both); /* the only reader */
    assert_int_equal(write_bytes(writer, "x", 1), -EPIPE);
    file_put(writer);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(o_rdwr_round_trip_on_one_description, boot),
        cmocka_unit_test_setup(nonblocking_read_open_succeeds_without_a_writer, boot),
        cmocka_unit_test_setup(nonblocking_write_open_without_a_reader_is_enxio, boot),
        cmocka_unit_test_setup_teardown(a_blocked_reader_open_is_woken_by_a_writer_open,
                                        boot_with_process, drop_process),
        cmocka_unit_test_setup_teardown(a_blocked_writer_open_is_woken_by_a_reader_open,
                                        boot_with_process, drop_process),
        cmocka_unit_test_setup_teardown(a_writer_that_opened_and_closed_still_wakes_the_reader_open,
                                        boot_with_process, drop_process),
        cmocka_unit_test_setup_teardown(
            the_boot_thread_blocks_in_open_until_a_thread_opens_the_other_side,
            boot_with_process, drop_process),
        cmocka_unit_test_setup(a_blocking_open_nothing_can_wake_is_edeadlk_and_undone, boot),
        cmocka_unit_test_setup(data_does_not_survive_the_last_close, boot),
        cmocka_unit_test_setup(end_of_file_after_the_writer_closes, boot),
        cmocka_unit_test_setup(two_fifos_are_independent, boot),
        cmocka_unit_test_setup(hard_links_share_one_pipe, boot),
        cmocka_unit_test_setup(an_unlinked_fifo_keeps_working_for_its_openers, boot),
        cmocka_unit_test_setup_teardown(fifo_descriptors_through_the_syscalls, boot_with_process,
                                        drop_process),
        cmocka_unit_test_setup(release_frees_everything, boot),
        cmocka_unit_test_setup(a_write_sets_the_node_modification_time, boot),
        cmocka_unit_test_setup(writes_without_a_reader_are_epipe_and_pipe_buf_is_atomic, boot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
