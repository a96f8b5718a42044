/* mmap_file: shared and private file mappings (writes reaching or not the
 * file), msync, reading past the end of a page-rounded file, mremap and
 * brk growth, MAP_SHARED seen through read(). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "common.h"

int main(void)
{
    program_start();
    long page = sysconf(_SC_PAGESIZE);
    int file = open("/tmp/mmap_file.data", O_RDWR | O_CREAT | O_TRUNC, 0644);
    char text[100];
    memset(text, 'f', sizeof text);
    if (write(file, text, sizeof text) != sizeof text)
        return 1;

    char *shared = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, file, 0);
    fact("mmap shared", shared != MAP_FAILED);
    printf("first byte '%c', byte 99 '%c', byte 100 is zero: %s\n", shared[0], shared[99], shared[100] == 0 ? "yes" : "no");
    shared[0] = 'S';
    show("msync", msync(shared, page, MS_SYNC));
    char byte = 0;
    pread(file, &byte, 1, 0);
    printf("read() sees the shared write: '%c'\n", byte);

    char *private = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, file, 0);
    printf("private sees '%c'\n", private[0]);
    private[1] = 'P';
    pread(file, &byte, 1, 1);
    printf("file after the private write: '%c'\n", byte);
    pwrite(file, "W", 1, 2);
    printf("shared mapping sees a write(): '%c'\n", shared[2]);

    char *readonly = mmap(NULL, page, PROT_READ, MAP_SHARED, open("/tmp/mmap_file.data", O_RDONLY), 0);
    fact("read-only shared mapping", readonly != MAP_FAILED && readonly[0] == 'S');
    int readonly_file = open("/tmp/mmap_file.data", O_RDONLY);
    void *denied = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, readonly_file, 0);
    printf("writable shared mapping of a read-only fd: %s\n", denied == MAP_FAILED ? errno_symbol(errno) : "mapped");
    void *directory = mmap(NULL, page, PROT_READ, MAP_PRIVATE, open("/tmp", O_RDONLY), 0);
    printf("mapping a directory: %s\n", directory == MAP_FAILED ? errno_symbol(errno) : "mapped");
    void *bad_fd = mmap(NULL, page, PROT_READ, MAP_PRIVATE, 99, 0);
    printf("mapping a bad fd: %s\n", bad_fd == MAP_FAILED ? errno_symbol(errno) : "mapped");

    char *anonymous = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    anonymous[0] = 'r';
    char *grown = mremap(anonymous, page, 8 * page, MREMAP_MAYMOVE);
    fact("mremap grows", grown != MAP_FAILED);
    printf("data kept '%c', new tail zero: %s\n", grown[0], grown[8 * page - 1] == 0 ? "yes" : "no");
    grown[8 * page - 1] = 'e';

    char *start = (char *)syscall(SYS_brk, 0);
    char *end = (char *)syscall(SYS_brk, start + 5 * page);
    fact("brk grows", end == start + 5 * page);
    start[4 * page] = 'b';
    char *shrunk = (char *)syscall(SYS_brk, start + page);
    fact("brk shrinks", shrunk == start + page);
    munmap(shared, page);
    close(file);
    unlink("/tmp/mmap_file.data");
    return 0;
}
