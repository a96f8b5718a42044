/*
 * pipe_fixture.h — boot, process and thread helpers shared by the pipe
 * unit tests (test_pipe.c and test_pipe_syscalls.c).
 */
#ifndef PIPE_FIXTURE_H
#define PIPE_FIXTURE_H

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
#include <rk/pipe.h>
#include <rk/mm.h>
#include <rk/process.h>
#include <rk/sched.h>
#include <rk/syscall.h>
#include <rk/thread.h>
#include "hosted.h"

#define PIPE_FIXTURE __attribute__((unused))

/* ------------------------------------------------------------ fixtures */

static struct process *test_process;
static PIPE_FIXTURE paddr_t user_frame = PADDR_INVALID;
static PIPE_FIXTURE uintptr_t user_page;          /* one read-write user page of test_process */
static PIPE_FIXTURE unsigned char *user_page_kernel; /* the same page seen by the kernel */

static inline PIPE_FIXTURE int boot(void **state)
{
    assert_int_equal(hosted_test_boot("loglevel=3"), 0);
    return 0;
}

/* Boot, make a process with one mapped user page and run the test thread in it. */
static inline PIPE_FIXTURE int boot_with_process(void **state)
{
    boot(state);
    test_process = process_create("pipe-test", 0, true);
    assert_non_null(test_process);
    process_attach_thread(test_process, thread_current());
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

/* Undo boot_with_process: unmap, detach and drop the process (closing its descriptors). */
static inline PIPE_FIXTURE int drop_process(void **state)
{
    paddr_t old;
    assert_int_equal(platform_unmap(&test_process->mm->space, user_page, &old), 0);
    page_free(user_frame, 0);
    user_frame = PADDR_INVALID;
    process_attach_thread(NULL, thread_current());
    process_put(test_process);
    test_process = NULL;
    return 0;
}

/* An address in the user half that nothing maps. */
static inline PIPE_FIXTURE uintptr_t unmapped_user_address(void) { return user_page + 64 * PAGE_SIZE; }

/* ------------------------------------------------------------- helpers */

/* Write length bytes of kernel memory through the file's ops. */
static inline PIPE_FIXTURE long write_bytes(struct file *file, const void *data, size_t length)
{
    struct io_segment segment;
    struct io_cursor cursor;
    io_cursor_kernel(&cursor, &segment, (void *)data, length);
    return file->ops->write(file, &cursor, &file->offset);
}

/* Read up to length bytes into kernel memory through the file's ops. */
static inline PIPE_FIXTURE long read_bytes(struct file *file, void *data, size_t length)
{
    struct io_segment segment;
    struct io_cursor cursor;
    io_cursor_kernel(&cursor, &segment, data, length);
    return file->ops->read(file, &cursor, &file->offset);
}

/* A read or write over user segments of the running process. */
static inline PIPE_FIXTURE long user_io(struct file *file, bool writing, const struct io_segment *segments, size_t count)
{
    struct io_cursor cursor = { .segments = segments, .segment_count = count, .user = true };
    return writing ? file->ops->write(file, &cursor, &file->offset)
                   : file->ops->read(file, &cursor, &file->offset);
}

static inline PIPE_FIXTURE uint64_t buffered(struct file *file)
{
    struct vnode_attributes attributes;
    assert_int_equal(file->ops->stat(file, &attributes), 0);
    return attributes.size;
}

static inline PIPE_FIXTURE void make_pipe(unsigned flags, struct file **read_end, struct file **write_end)
{
    assert_int_equal(pipe_create(flags, read_end, write_end), 0);
    assert_non_null(*read_end);
    assert_non_null(*write_end);
}

static PIPE_FIXTURE unsigned char big[PIPE_CAPACITY + 8192];

/* --------------------------------------------------- threads for tests */

struct io_job {
    struct file *file;
    bool writing;
    size_t length;
    unsigned char *data;
    long result;
    bool done;
};

/* Thread body: one read or write of job->length bytes, result recorded. */
static inline PIPE_FIXTURE void io_job_run(void *argument)
{
    struct io_job *job = argument;
    job->result = job->writing ? write_bytes(job->file, job->data, job->length)
                               : read_bytes(job->file, job->data, job->length);
    job->done = true;
}

/* Start a thread doing job; when process is not NULL the thread runs in it. */
static inline PIPE_FIXTURE struct thread *start_job(struct io_job *job, struct process *process)
{
    job->done = false;
    job->result = 0;
    struct thread *thread = thread_create(job->writing ? "pipe-writer" : "pipe-reader",
                                          io_job_run, job);
    assert_non_null(thread);
    if (process)
        process_attach_thread(process, thread);
    return thread;
}

/* Join thread (detaching its process first). */
static inline PIPE_FIXTURE void finish_job(struct thread *thread)
{
    process_attach_thread(NULL, thread);
    assert_int_equal(thread_join(thread, NULL), 0);
}


#endif
