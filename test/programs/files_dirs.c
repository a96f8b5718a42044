/* files_dirs: files and directories through libc: create, O_EXCL, O_APPEND,
 * lseek (SEEK_END, holes), ftruncate, readdir (sorted), rename over files,
 * rmdir of a non-empty directory, unlink, stat sizes and types. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "common.h"

static int compare(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *path)
{
    DIR *directory = opendir(path);
    if (!directory) {
        printf("opendir %s: %s\n", path, errno_symbol(errno));
        return;
    }
    char *names[64];
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(directory)) && count < 64)
        names[count++] = strdup(entry->d_name);
    closedir(directory);
    qsort(names, count, sizeof names[0], compare);
    printf("%s:", path);
    for (int i = 0; i < count; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

int main(void)
{
    program_start();
    show("mkdir", mkdir("/tmp/fd_test", 0755));
    show("mkdir again", mkdir("/tmp/fd_test", 0755));
    show("chdir", chdir("/tmp/fd_test"));
    int file = open("a.txt", O_WRONLY | O_CREAT | O_EXCL, 0640);
    show("open O_CREAT|O_EXCL", file >= 0 ? 0 : -1);
    show("open O_EXCL existing", open("a.txt", O_WRONLY | O_CREAT | O_EXCL, 0640));
    show("write", write(file, "0123456789", 10));
    show("lseek SEEK_END", lseek(file, 0, SEEK_END));
    show("lseek past the end", lseek(file, 100, SEEK_SET));
    show("write after a hole", write(file, "end", 3));
    show("lseek negative", lseek(file, -1000, SEEK_SET));
    close(file);
    struct stat info;
    stat("a.txt", &info);
    printf("size %lld mode %o regular %s links %ld\n", (long long)info.st_size, info.st_mode & 07777,
           S_ISREG(info.st_mode) ? "yes" : "no", (long)info.st_nlink);

    file = open("a.txt", O_RDWR | O_APPEND);
    lseek(file, 0, SEEK_SET);
    show("append write", write(file, "++", 2));
    show("offset after append", lseek(file, 0, SEEK_CUR));
    show("ftruncate", ftruncate(file, 4));
    fstat(file, &info);
    printf("size after ftruncate %lld\n", (long long)info.st_size);
    char buffer[16] = {0};
    show("pread", pread(file, buffer, sizeof buffer, 0));
    printf("content '%s'\n", buffer);
    close(file);

    mkdir("sub", 0700);
    close(open("sub/inner", O_CREAT | O_WRONLY, 0600));
    close(open("b.txt", O_CREAT | O_WRONLY, 0600));
    list(".");
    show("rmdir non-empty", rmdir("sub"));
    show("rename over a file", rename("b.txt", "a.txt"));
    show("rename a file over a directory", rename("a.txt", "sub"));
    show("rename a directory into itself", rename("sub", "sub/deeper"));
    list(".");
    show("unlink a directory", unlink("sub"));
    show("unlink", unlink("sub/inner"));
    show("rmdir", rmdir("sub"));
    show("open a missing file", open("missing", O_RDONLY));
    show("open through a file", open("a.txt/x", O_RDONLY));
    show("open a directory for writing", open(".", O_WRONLY));
    show("read a directory", read(open(".", O_RDONLY), buffer, 1));
    list(".");
    char cwd[256];
    printf("getcwd %s\n", getcwd(cwd, sizeof cwd) ? cwd : errno_symbol(errno));
    show("getcwd too small", getcwd(cwd, 3) ? 0 : -1);
    return 0;
}
