/* dup_fcntl: dup, dup2, dup3, F_DUPFD(_CLOEXEC), FD_CLOEXEC, O_NONBLOCK via
 * F_SETFL, the offset shared by duplicates (not by separate opens), and the
 * errors for bad descriptors. */
#define _GNU_SOURCE
#include <fcntl.h>

#include "common.h"

int main(void)
{
    program_start();
    int file = open("/tmp/dup_test", O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (write(file, "abcdefghij", 10) != 10)
        return 1;
    lseek(file, 0, SEEK_SET);
    int copy = dup(file);
    fact("dup gives the lowest free number above 2", copy > file);
    char byte;
    if (read(file, &byte, 1) != 1)
        return 1;
    printf("offset shared by dup: %ld\n", (long)lseek(copy, 0, SEEK_CUR));
    int separate = open("/tmp/dup_test", O_RDONLY);
    printf("separate open's offset: %ld\n", (long)lseek(separate, 0, SEEK_CUR));

    show("dup2 to 10", dup2(file, 10));
    show("dup2 to itself", dup2(file, file));
    show("dup3 to itself", dup3(file, file, 0));
    show("dup3 O_CLOEXEC to 11", dup3(file, 11, O_CLOEXEC));
    show("FD_CLOEXEC of 11", fcntl(11, F_GETFD));
    show("FD_CLOEXEC of 10", fcntl(10, F_GETFD));
    show("F_SETFD", fcntl(10, F_SETFD, FD_CLOEXEC));
    show("FD_CLOEXEC of 10 after F_SETFD", fcntl(10, F_GETFD));
    show("F_DUPFD from 20", fcntl(file, F_DUPFD, 20));
    show("F_DUPFD from 20 again", fcntl(file, F_DUPFD, 20));
    show("F_DUPFD_CLOEXEC from 30", fcntl(file, F_DUPFD_CLOEXEC, 30));
    show("FD_CLOEXEC of 30", fcntl(30, F_GETFD));
    int flags = fcntl(file, F_GETFL);
    printf("access mode O_RDWR: %s\n", (flags & O_ACCMODE) == O_RDWR ? "yes" : "no");
    show("F_SETFL O_NONBLOCK|O_APPEND", fcntl(file, F_SETFL, flags | O_NONBLOCK | O_APPEND));
    flags = fcntl(copy, F_GETFL);
    printf("the duplicate sees O_NONBLOCK %s O_APPEND %s\n", flags & O_NONBLOCK ? "yes" : "no",
           flags & O_APPEND ? "yes" : "no");
    show("dup of a bad fd", dup(99));
    show("dup2 of a bad fd", dup2(99, 5));
    show("dup2 to a negative fd", dup2(file, -1));
    show("dup3 with bad flags", dup3(file, 12, 0x1234));
    show("fcntl bad command", fcntl(file, 9999));
    show("close", close(10));
    show("close again", close(10));
    show("F_GETFD of a closed fd", fcntl(10, F_GETFD));
    unlink("/tmp/dup_test");
    return 0;
}
