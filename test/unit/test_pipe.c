/*
 * test_pipe.c — pipes (Core): data, end of file, broken pipes, O_NONBLOCK,
 * the 64 KiB capacity, PIPE_BUF atomicity under seeded interleavings,
 * blocking and waking, fstat, user buffers, release, and pipe/pipe2.
 *
 * Threads record what they saw in plain variables; every assertion runs on
 * the test's own (boot) thread.
 */
#include "pipe_fixture.h"

/* --------------------------------------------------------------- tests */

static void write_then_read_returns_the_same_bytes(void **state)
{
    struct file *read_end, *write_end;
    make_pipe(0, &read_end, &write_end);
    assert_int_equal(write_bytes(write_end, "hello, ", 7), 7);
    assert_int_equal(write_bytes(write_end, "pipe", 4), 4);
    assert_int_equal(buffered(read_end), 11);
    char text[32] = { 0 };
    assert_int_equal(read_bytes(read_end, text, sizeof text), 11);
    assert_string_equal(text, "hello, pipe");
    assert_int_equal(buffered(write_end), 0);
    file_put(read_end);
    file_put(write_end);
}

static void zero_length_requests_return_zero_at_once(void **state)
{
    struct file *read_end, *write_end;
    make_pipe(0, &read_end, &write_end);
    char byte = 'x';
    /* Empty pipe with a writer: a blocking zero-length read must not wait. */
    assert_int_equal(read_bytes(read_end, &byte, 0), 0);
    assert_int_equal(write_bytes(write_end, &byte, 0), 0);
    assert_int_equal(buffered(read_end), 0);
    file_put(read_end);
    /* No reader: a zero-length write is still 0, not EPIPE. */
    assert_int_equal(write_bytes(write_end, &byte, 0), 0);
    file_put(write_end);
}

static void reads_see_end_of_file_after_the_writer_closes(void **state)
{
    struct file *read_end, *write_end;
    make_pipe(0, &read_end, &write_end);
    assert_int_equal(write_bytes(write_end, "abc", 3), 3);
    file_put(write_end);
    char text[8];
    assert_int_equal(read_bytes(read_end, text, sizeof text), 3); /* buffered data first */
    assert_memory_equal(text, "abc", 3);
    assert_int_equal(read_bytes(read_end, text, sizeof text), 0);
    assert_int_equal(read_bytes(read_end, text, sizeof text), 0);
    /* O_NONBLOCK does not turn end of file into EAGAIN. */
    read_end->flags |= O_NONBLOCK;
    assert_int_equal(read_bytes(read_end, text, sizeof text), 0);
    file_put(read_end);
}

static void writes_without_a_reader_fail_with_epipe(void **state)
{
    struct file *read_end, *write_end;
    make_pipe(0, &read_end, &write_end);
    file_put(read_end);
    assert_int_equal(test_process->broken_pipe_count, 0);
    assert_int_equal(write_bytes(write_end, "x", 1), -EPIPE);
    assert_int_equal(test_process->broken_pipe_count, 1);
    assert_int_equal(write_bytes(write_end, big, 100000), -EPIPE);
    assert_int_equal(test_process->broken_pipe_count, 2);
    file_put(write_end);
}

static void wrong_direction_is_ebadf(void **state)
{
    struct file *read_end, *write_end;
    make_pipe(0, &read_end, &write_end);
    char byte = 0;
    assert_int_equal(write_bytes(read_end, "x", 1), -EBADF);
    assert_int_equal(read_bytes(write_end, &byte, 1), -EBADF);
    assert_int_equal(buffered(read_end), 0);
    file_put(read_end);
    file_put(write_end);
}

static void nonblocking_read_of_an_empty_pipe_is_eagain(void **state)
{
    struct file *read_end, *write_end;
    make_pipe(O_NONBLOCK, &read_end, &write_end);
    assert_true(read_end->flags & O_NONBLOCK);
    assert_true(write_end->flags & O_NONBLOCK);
    assert_int_equal(read_end->flags & O_ACCMODE, O_RDONLY);
    assert_int_equal(write_end->flags & O_ACCMODE, O_WRONLY);
    char text[4];
    assert_int_equal(read_bytes(read_end, text, sizeof text), -EAGAIN);
    assert_int_equal(write_bytes(write_end, "ok", 2), 2);
    assert_int_equal(read_bytes(read_end, text, sizeof text), 2);
    assert_int_equal(read_bytes(read_end, text, sizeof text), -EAGAIN);
    file_put(read_end);
    file_put(write_end);
}

static void nonblocking_writes_to_a_full_pipe(void **state)
{
    struct file *read_end, *write_end;
    make_pipe(O_NONBLOCK, &read_end, &write_end);
    memset(big, 'f', sizeof big);
    /* Larger than PIPE_BUF: a partial write of exactly the capacity. */
    assert_int_equal(write_bytes(write_end, big, PIPE_CAPACITY + 5000), PIPE_CAPACITY);
    assert_int_equal(buffered(read_end), PIPE_CAPACITY);
    assert_int_equal(write_bytes(write_end, big, 1), -EAGAIN);
    assert_int_equal(write_bytes(write_end, big, 10000), -EAGAIN);
    char text[100];
    assert_int_equal(read_bytes(read_end, text, sizeof text), 100);
    /* 100 bytes of room: an atomic write that does not fit entirely is refused... */
    assert_int_equal(write_bytes(write_end, big, 101), -EAGAIN);
    assert_int_equal(write_bytes(write_end, big, PIPE_BUF), -EAGAIN);
    assert_int_equal(buffered(read_end), PIPE_CAPACITY - 100);
    /* ...one that fits goes in whole, and a large one writes what fits. */
    assert_int_equal(write_bytes(write_end, big, 60), 60);
    assert_int_equal(write_bytes(write_end, big, PIPE_BUF + 1), 40);
    assert_int_equal(buffered(read_end), PIPE_CAPACITY);
    file_put(read_end);
    file_put(write_end);
}

static void capacity_is_exactly_64_kib(void **state)
{
    struct file *read_end, *write_end;
    make_pipe(0, &read_end, &write_end);
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (unsigned char)(i * 7 + i / 251);
    /* Blocking 1 KiB writes: 64 fit without anyone reading. */
    for (int i = 0; i < 64; i++)
        assert_int_equal(write_bytes(write_end, big + i * 1024, 1024), 1024);
    assert_int_equal(buffered(read_end), 65536);
    write_end->flags |= O_NONBLOCK; /* as fcntl(F_SETFL) would */
    assert_int_equal(write_bytes(write_end, big, 1), -EAGAIN);
    write_end->flags &= ~(unsigned)O_NONBLOCK;
    /* A blocking write on the boot thread that nothing can drain reports the deadlock. */
    assert_int_equal(write_bytes(write_end, big, 1), -EDEADLK);
    /* Everything comes back in order, across reads of odd sizes. */
    static unsigned char out[PIPE_CAPACITY];
    size_t total = 0;
    while (total < PIPE_CAPACITY) {
        long got = read_bytes(read_end, out + total, RK_MIN((size_t)3001, PIPE_CAPACITY - total));
        assert_true(got > 0);
        total += (size_t)got;
    }
    assert_memory_equal(out, big, PIPE_CAPACITY);
    assert_int_equal(buffered(read_end), 0);
    /* The ring wraps: fill again from a non-zero head. */
    assert_int_equal(write_bytes(write_end, big, 10), 10);
    assert_int_equal(read_bytes(read_end, out, 7), 7);
    write_end->flags |= O_NONBLOCK;
    assert_int_equal(write_bytes(write_end, big, sizeof big), PIPE_CAPACITY - 3);
    assert_int_equal(read_bytes(read_end, out, 3), 3);
    assert_memory_equal(out, big + 7, 3);
    assert_int_equal(read_bytes(read_end, out, PIPE_CAPACITY), PIPE_CAPACITY - 3);
    assert_memory_equal(out, big, PIPE_CAPACITY - 3);
    file_put(read_end);
    file_put(write_end);
}

static void reads_return_what_is_there(void **state)
{
    struct file *read_end, *write_end;
    make_pipe(0, &read_end, &write_end);
    assert_int_equal(write_bytes(write_end, "0123456789", 10), 10);
    char text[100] = { 0 };
    assert_int_equal(read_bytes(read_end, text, 4), 4);
    assert_memory_equal(text, "0123", 4);
    assert_int_equal(buffered(read_end), 6);
    assert_int_equal(read_bytes(read_end, text, sizeof text), 6); /* asks 100, gets 6, no wait */
    assert_memory_equal(text, "456789", 6);
    file_put(read_end);
    file_put(write_end);
}

static void a_blocked_reader_is_woken_by_a_writer_thread(void **state)
{
    struct file *read_end, *write_end;
    make_pipe(0, &read_end, &write_end);
    unsigned char received[64] = { 0 };
    struct io_job reader = { .file = read_end, .length = sizeof received, .data = received };
    struct thread *reader_thread = start_job(&reader, NULL);
    assert_int_equal(sched_run_until_idle(), 1); /* the reader sleeps on the empty pipe */
    assert_false(reader.done);
    struct io_job writer = { .file = write_end, .writing = true, .length = 4,
                             .data = (unsigned char *)"ping" };
    struct thread *writer_thread = start_job(&writer, NULL);
    assert_int_equal(sched_run_until_idle(), 0);
    assert_true(reader.done && writer.done);
    assert_int_equal(writer.result, 4);
    assert_int_equal(reader.result, 4);
    assert_memory_equal(received, "ping", 4);
    finish_job(reader_thread);
    finish_job(writer_thread);
    file_put(read_end);
    file_put(write_end);
}

static void a_blocked_reader_sees_end_of_file_when_the_writer_closes(void **state)
{
    struct file *read_end, *write_end;
    make_pipe(0, &read_end, &write_end);
    unsigned char received[8];
    struct io_job reader = { .file = read_end, .length = sizeof received, .data = received };
    struct thread *reader_thread = start_job(&reader, NULL);
    assert_int_equal(sched_run_until_idle(), 1);
    file_put(write_end);
    assert_int_equal(sched_run_until_idle(), 0);
    assert_true(reader.done);
    assert_int_equal(reader.result, 0);
    finish_job(reader_thread);
    file_put(read_end);
}

static void a_blocked_writer_is_woken_by_a_reader(void **state)
{
    struct file *read_end, *write_end;
    make_pipe(0, &read_end, &write_end);
    memset(big, 'a', PIPE_CAPACITY);
    assert_int_equal(write_bytes(write_end, big, PIPE_CAPACITY - 10), PIPE_CAPACITY - 10);
    /* An atomic 100-byte write does not fit in 10 bytes of room: it waits, writing nothing. */
    static unsigned char message[100];
    memset(message, 'b', sizeof message);
    struct io_job writer = { .file = write_end, .writing = true, .length = sizeof message,
                             .data = message };
    struct thread *writer_thread = start_job(&writer, NULL);
    assert_int_equal(sched_run_until_idle(), 1);
    assert_false(writer.done);
    assert_int_equal(buffered(read_end), PIPE_CAPACITY - 10);
    /* Draining 50 bytes is still not enough room (60 < 100): the writer goes back to sleep. */
    static unsigned char drained[PIPE_CAPACITY];
    struct io_job reader = { .file = read_end, .length = 50, .data = drained };
    struct thread *reader_thread = start_job(&reader, NULL);
    assert_int_equal(sched_run_until_idle(), 1);
    assert_int_equal(reader.result, 50);
    assert_false(writer.done);
    finish_job(reader_thread);
    reader = (struct io_job){ .file = read_end, .length = 4096, .data = drained };
    reader_thread = start_job(&reader, NULL);
    assert_int_equal(sched_run_until_idle(), 0);
    assert_int_equal(reader.result, 4096);
    assert_true(writer.done);
    assert_int_equal(writer.result, 100);
    assert_int_equal(buffered(read_end), PIPE_CAPACITY - 10 - 50 - 4096 + 100);
    finish_job(reader_thread);
    finish_job(writer_thread);
    /* The message sits after the older data, whole. */
    assert_int_equal(read_bytes(read_end, drained, PIPE_CAPACITY),
                     PIPE_CAPACITY - 10 - 50 - 4096 + 100);
    assert_memory_equal(drained + PIPE_CAPACITY - 10 - 50 - 4096, message, 100);
    file_put(read_end);
    file_put(write_end);
}

static void blocked_writers_get_epipe_when_the_reader_goes(void **state)
{
    struct file *read_end, *write_end;
    make_pipe(0, &read_end, &write_end);
    memset(big, 'z', sizeof big);
    assert_int_equal(write_bytes(write_end, big, PIPE_CAPACITY - 100), PIPE_CAPACITY - 100);
    /* A large write fills the 100 bytes and waits; an atomic one waits without writing. */
    struct io_job large = { .file = write_end, .writing = true, .length = 5000, .data = big };
    struct io_job small = { .file = write_end, .writing = true, .length = 200, .data = big };
    struct thread *large_thread = start_job(&large, test_process);
    struct thread *small_thread = start_job(&small, test_process);
    assert_int_equal(sched_run_until_idle(), 2);
    assert_int_equal(buffered(read_end), PIPE_CAPACITY);
    assert_int_equal(test_process->broken_pipe_count, 0);
    file_put(read_end);
    assert_int_equal(sched_run_until_idle(), 0);
    assert_int_equal(large.result, 100); /* what it wrote before the reader went */
    assert_int_equal(small.result, -EPIPE);
    assert_int_equal(test_process->broken_pipe_count, 2);
    finish_job(large_thread);
    finish_job(small_thread);
    file_put(write_end);
}

static void fstat_reports_a_fifo(void **state)
{
    struct file *read_end, *write_end, *other_read, *other_write;
    make_pipe(0, &read_end, &write_end);
    make_pipe(0, &other_read, &other_write);
    struct vnode_attributes read_attributes, write_attributes, other_attributes;
    assert_int_equal(write_bytes(write_end, "12345", 5), 5);
    assert_int_equal(read_end->ops->stat(read_end, &read_attributes), 0);
    assert_int_equal(write_end->ops->stat(write_end, &write_attributes), 0);
    assert_int_equal(other_read->ops->stat(other_read, &other_attributes), 0);
    assert_int_equal(read_attributes.mode, S_IFIFO | 0600);
    assert_true(S_ISFIFO(write_attributes.mode));
    assert_int_equal(read_attributes.size, 5);
    assert_int_equal(write_attributes.size, 5);
    assert_int_equal(other_attributes.size, 0);
    assert_int_equal(read_attributes.link_count, 1);
    assert_int_equal(read_attributes.inode_number, write_attributes.inode_number);
    assert_true(read_attributes.inode_number != other_attributes.inode_number);
    assert_true(file_is_pipe(read_end) && file_is_pipe(other_write));
    assert_null(read_end->vnode);
    file_put(read_end);
    file_put(write_end);
    file_put(other_read);
    file_put(other_write);
}

static void fionread_counts_buffered_bytes(void **state)
{
    struct file *read_end, *write_end;
    make_pipe(0, &read_end, &write_end);
    assert_int_equal(write_bytes(write_end, "abcdefg", 7), 7);
    assert_int_equal(read_end->ops->ioctl(read_end, FIONREAD, user_page), 0);
    int count;
    memcpy(&count, user_page_kernel, sizeof count);
    assert_int_equal(count, 7);
    assert_int_equal(read_end->ops->ioctl(read_end, FIONREAD, unmapped_user_address()), -EFAULT);
    assert_int_equal(read_end->ops->ioctl(read_end, 0x5401 /* TCGETS */, user_page), -ENOTTY);
    file_put(read_end);
    file_put(write_end);
}

static void user_buffers_move_data_and_fault_cleanly(void **state)
{
    struct file *read_end, *write_end;
    make_pipe(0, &read_end, &write_end);
    memcpy(user_page_kernel, "from user memory", 16);
    struct io_segment from_user = { user_page, 16 };
    assert_int_equal(user_io(write_end, true, &from_user, 1), 16);
    /* A bad source: -EFAULT, nothing buffered. */
    struct io_segment bad = { unmapped_user_address(), 16 };
    assert_int_equal(user_io(write_end, true, &bad, 1), -EFAULT);
    assert_int_equal(buffered(read_end), 16);
    /* A bad destination: -EFAULT, the data stays for the next read. */
    assert_int_equal(user_io(read_end, false, &bad, 1), -EFAULT);
    assert_int_equal(buffered(read_end), 16);
    /*
     * readv with a good segment then a bad one: as on Linux, a fault inside
     * a page's worth of data gives none of it (-EFAULT); it all stays.
     */
    struct io_segment segments[2] = { { user_page + 1024, 5 }, { unmapped_user_address(), 11 } };
    assert_int_equal(user_io(read_end, false, segments, 2), -EFAULT);
    assert_int_equal(buffered(read_end), 16);
    /* writev likewise: a fault in the first page writes nothing. */
    struct io_segment write_segments[2] = { { user_page, 4 }, { unmapped_user_address(), 4 } };
    assert_int_equal(user_io(write_end, true, write_segments, 2), -EFAULT);
    char text[32] = { 0 };
    assert_int_equal(read_bytes(read_end, text, sizeof text), 16);
    assert_string_equal(text, "from user memory");
    /* A fault after a whole page: the page counts, the piece after it does not. */
    struct io_segment long_write[2] = { { user_page, 4096 }, { unmapped_user_address(), 4 } };
    assert_int_equal(user_io(write_end, true, long_write, 2), 4096);
    assert_int_equal(buffered(read_end), 4096);
    file_put(read_end);
    file_put(write_end);
}

static void release_frees_everything(void **state)
{
    struct heap_statistics before, after;
    unsigned long pipes = pipe_count();
    heap_get_statistics(&before);
    struct file *read_end, *write_end;
    make_pipe(0, &read_end, &write_end);
    assert_int_equal(pipe_count(), pipes + 1);
    assert_int_equal(write_bytes(write_end, "data", 4), 4);
    /* Writer first, then the reader. */
    file_put(write_end);
    assert_int_equal(pipe_count(), pipes + 1);
    file_put(read_end);
    assert_int_equal(pipe_count(), pipes);
    heap_get_statistics(&after);
    assert_int_equal(after.bytes_in_use, before.bytes_in_use);
    assert_int_equal(after.allocations - before.allocations, after.frees - before.frees);
    /* Reader first, and an extra reference (a dup) that outlives the first put. */
    make_pipe(O_NONBLOCK, &read_end, &write_end);
    file_get(read_end);
    file_put(read_end);
    assert_int_equal(write_bytes(write_end, "x", 1), 1); /* the reader is still open */
    file_put(read_end);
    file_put(write_end);
    assert_int_equal(pipe_count(), pipes);
    heap_get_statistics(&after);
    assert_int_equal(after.bytes_in_use, before.bytes_in_use);
    assert_int_equal(after.double_frees, before.double_frees);
    assert_int_equal(after.invalid_frees, before.invalid_frees);
}

static void pipe_create_refuses_unknown_flags(void **state)
{
    struct file *read_end = NULL, *write_end = NULL;
    unsigned long pipes = pipe_count();
    assert_int_equal(pipe_create(O_CLOEXEC, &read_end, &write_end), -EINVAL);
    assert_int_equal(pipe_create(O_DIRECT, &read_end, &write_end), -EINVAL);
    assert_null(read_end);
    assert_null(write_end);
    assert_int_equal(pipe_count(), pipes);
}

/* ---------------------------------------------- PIPE_BUF atomicity */

/*
 * Two writer threads send framed messages of 4..PIPE_BUF bytes:
 * [writer][sequence][length low][length high] then length - 4 bytes of
 * (writer + sequence). A reader thread drains the pipe in random-sized
 * pieces, yielding between reads so the pipe fills and writers block. The
 * stream must parse as whole messages in each writer's order.
 */
#define WRITERS 2
#define MESSAGES_PER_WRITER 120

struct atomic_writer {
    struct file *file;
    unsigned id;
    uint32_t random_state;
    unsigned contended;    /* writes issued when the message did not fit */
    long error;            /* first unexpected result, 0 when none */
};

static unsigned char stream[WRITERS * MESSAGES_PER_WRITER * PIPE_BUF];
static size_t stream_length;
static long reader_error;

static uint32_t next_random(uint32_t *state)
{
    *state = *state * 1103515245u + 12345u;
    return *state >> 8;
}

/* Thread body: send MESSAGES_PER_WRITER framed messages. */
static void atomic_writer_run(void *argument)
{
    struct atomic_writer *writer = argument;
    static unsigned char message[WRITERS][PIPE_BUF];
    unsigned char *bytes = message[writer->id - 1];
    for (unsigned sequence = 0; sequence < MESSAGES_PER_WRITER; sequence++) {
        uint32_t choice = next_random(&writer->random_state);
        size_t length = choice % 4 == 0 ? PIPE_BUF : 4 + choice % (PIPE_BUF - 3);
        bytes[0] = (unsigned char)writer->id;
        bytes[1] = (unsigned char)sequence;
        bytes[2] = (unsigned char)(length & 0xff);
        bytes[3] = (unsigned char)(length >> 8);
        memset(bytes + 4, (unsigned char)(writer->id + sequence), length - 4);
        struct vnode_attributes attributes;
        writer->file->ops->stat(writer->file, &attributes);
        if (attributes.size + length > PIPE_CAPACITY)
            writer->contended++;
        long result = write_bytes(writer->file, bytes, length);
        if (result != (long)length && writer->error == 0)
            writer->error = result == 0 ? -1 : result;
        if (choice % 3 == 0)
            thread_yield();
    }
}

/* Thread body: read until end of file in random pieces, yielding between reads. */
static void atomic_reader_run(void *argument)
{
    struct file *file = argument;
    uint32_t random_state = 99;
    for (;;) {
        size_t want = 1 + next_random(&random_state) % 6000;
        if (want > sizeof stream - stream_length)
            want = sizeof stream - stream_length;
        long got = read_bytes(file, stream + stream_length, want);
        if (got == 0)
            return;
        if (got < 0 || want == 0) {
            reader_error = got < 0 ? got : -1;
            return;
        }
        stream_length += (size_t)got;
        thread_yield();
    }
}

/*
 * Parse stream as framed messages. Returns the number of complete, intact
 * messages, or -1 at the first torn or out-of-order one.
 */
static int parse_stream(void)
{
    unsigned next_sequence[WRITERS + 1] = { 0 };
    size_t position = 0;
    int messages = 0;
    while (position < stream_length) {
        if (stream_length - position < 4)
            return -1;
        unsigned id = stream[position];
        unsigned sequence = stream[position + 1];
        size_t length = stream[position + 2] | (size_t)stream[position + 3] << 8;
        if (id < 1 || id > WRITERS || length < 4 || length > PIPE_BUF ||
            sequence != (next_sequence[id] & 0xff) || stream_length - position < length)
            return -1;
        for (size_t i = 4; i < length; i++)
            if (stream[position + i] != (unsigned char)(id + sequence))
                return -1;
        next_sequence[id]++;
        position += length;
        messages++;
    }
    return messages;
}

/* One run of the two writers and the reader under the seeded scheduler. */
static void run_atomicity_round(uint64_t seed, unsigned *contended)
{
    char command_line[64];
    snprintf(command_line, sizeof command_line, "loglevel=3 rk.seed=%llu", (unsigned long long)seed);
    assert_int_equal(hosted_test_boot(command_line), 0);
    assert_ptr_equal(sched_policy(), &sched_policy_seeded);
    struct file *read_end, *write_end;
    make_pipe(0, &read_end, &write_end);
    stream_length = 0;
    reader_error = 0;
    struct atomic_writer writers[WRITERS];
    struct thread *threads[WRITERS + 1];
    for (unsigned i = 0; i < WRITERS; i++) {
        writers[i] = (struct atomic_writer){ .file = write_end, .id = i + 1,
                                             .random_state = (uint32_t)(seed * 31 + i) };
        threads[i] = thread_create("atomic-writer", atomic_writer_run, &writers[i]);
        assert_non_null(threads[i]);
    }
    threads[WRITERS] = thread_create("atomic-reader", atomic_reader_run, read_end);
    assert_non_null(threads[WRITERS]);
    /* Writers finish; the reader waits on the empty pipe until the write end closes. */
    assert_int_equal(sched_run_until_idle(), 1);
    file_put(write_end);
    assert_int_equal(sched_run_until_idle(), 0);
    for (unsigned i = 0; i <= WRITERS; i++)
        assert_int_equal(thread_join(threads[i], NULL), 0);
    assert_int_equal(reader_error, 0);
    for (unsigned i = 0; i < WRITERS; i++) {
        assert_int_equal(writers[i].error, 0);
        *contended += writers[i].contended;
    }
    assert_int_equal(parse_stream(), WRITERS * MESSAGES_PER_WRITER);
    file_put(read_end);
}

static void small_writes_are_atomic_under_seeded_interleavings(void **state)
{
    unsigned contended = 0;
    for (uint64_t seed = 1; seed <= 8; seed++)
        run_atomicity_round(seed, &contended);
    /* The runs did make writers wait for room (where a torn write would happen). */
    assert_true(contended > 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(write_then_read_returns_the_same_bytes, boot),
        cmocka_unit_test_setup(zero_length_requests_return_zero_at_once, boot),
        cmocka_unit_test_setup(reads_see_end_of_file_after_the_writer_closes, boot),
        cmocka_unit_test_setup_teardown(writes_without_a_reader_fail_with_epipe,
                                        boot_with_process, drop_process),
        cmocka_unit_test_setup(wrong_direction_is_ebadf, boot),
        cmocka_unit_test_setup(nonblocking_read_of_an_empty_pipe_is_eagain, boot),
        cmocka_unit_test_setup(nonblocking_writes_to_a_full_pipe, boot),
        cmocka_unit_test_setup(capacity_is_exactly_64_kib, boot),
        cmocka_unit_test_setup(reads_return_what_is_there, boot),
        cmocka_unit_test_setup(a_blocked_reader_is_woken_by_a_writer_thread, boot),
        cmocka_unit_test_setup(a_blocked_reader_sees_end_of_file_when_the_writer_closes, boot),
        cmocka_unit_test_setup(a_blocked_writer_is_woken_by_a_reader, boot),
        cmocka_unit_test_setup_teardown(blocked_writers_get_epipe_when_the_reader_goes,
                                        boot_with_process, drop_process),
        cmocka_unit_test_setup(fstat_reports_a_fifo, boot),
        cmocka_unit_test_setup_teardown(fionread_counts_buffered_bytes, boot_with_process,
                                        drop_process),
        cmocka_unit_test_setup_teardown(user_buffers_move_data_and_fault_cleanly,
                                        boot_with_process, drop_process),
        cmocka_unit_test_setup(release_frees_everything, boot),
        cmocka_unit_test_setup(pipe_create_refuses_unknown_flags, boot),
        cmocka_unit_test(small_writes_are_atomic_under_seeded_interleavings),
    };
    return cmocka_run_group_tests_name("pipe", tests, NULL, NULL);
}
