/*
 * robustness_elf — exec malformed ELF files: the kernel must refuse them
 * (ENOEXEC, or another errno) or run them (the program may then die by a
 * signal), never fault or hang.
 *
 *   robustness_elf SEED COUNT FILE...
 *       COUNT times: take one of the FILEs (static ELF executables), apply
 *       1-4 seeded mutations (ELF header fields, program headers, truncation,
 *       huge p_filesz/p_memsz, overlapping segments, entry outside every
 *       segment, PT_INTERP pointing anywhere, self-referencing #! scripts),
 *       write it to /tmp/robustness_elf/mNNN and execve it in a child whose
 *       stdio is /dev/null; the parent kills a child still running after 2
 *       seconds. Prints a summary and "robustness_elf: kernel alive".
 *   robustness_elf SEED COUNT FILE... -v
 *       The same, printing each mutation and its outcome (to minimise).
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXIMUM_FILES 4
#define WORK_DIRECTORY "/tmp/robustness_elf"

static uint64_t random_state;
static int verbose;

static uint64_t random_next(void)
{
    random_state ^= random_state >> 12;
    random_state ^= random_state << 25;
    random_state ^= random_state >> 27;
    return random_state * 2685821657736338717ULL;
}

static uint64_t random_below(uint64_t limit)
{
    return limit ? random_next() % limit : 0;
}

/* A hostile 64-bit value for an address, offset or size field. */
static uint64_t hostile_value(uint64_t current)
{
    static const uint64_t values[] = {
        0, 1, 0xfff, 0x1000, 0x1001, 0x400000, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000,
        0x00007ffffffff000, 0x0000800000000000, 0xffff800000000000, 0xffffffff80000000,
        0xfffffffffffff000, 0xffffffffffffffff, 0x7fffffffffffffff, 0x8000000000000000,
    };
    switch (random_below(5)) {
    case 0: case 1: return values[random_below(sizeof values / sizeof values[0])];
    case 2: return current + random_below(0x2000) - 0x1000;
    case 3: return current ^ (1ULL << random_below(64));
    default: return random_next();
    }
}

struct image {
    unsigned char *bytes;
    size_t size;
};

static Elf64_Phdr *program_header(struct image *image, unsigned index)
{
    Elf64_Ehdr *header = (Elf64_Ehdr *)image->bytes;
    uint64_t offset = header->e_phoff + (uint64_t)index * sizeof(Elf64_Phdr);
    if (header->e_phoff > image->size || offset + sizeof(Elf64_Phdr) > image->size)
        return NULL;
    return (Elf64_Phdr *)(image->bytes + offset);
}

/* A random program header of the (original) table, or NULL. */
static Elf64_Phdr *some_program_header(struct image *image, unsigned count)
{
    return count ? program_header(image, (unsigned)random_below(count)) : NULL;
}

/* Apply one mutation; describe it in note. */
static void mutate(struct image *image, unsigned phnum, const char *self_path, char *note, size_t note_size)
{
    Elf64_Ehdr *header = (Elf64_Ehdr *)image->bytes;
    Elf64_Phdr *phdr = some_program_header(image, phnum);
    unsigned kind = (unsigned)random_below(14);
    if (!phdr && kind >= 4 && kind <= 11)
        kind = 0;
    switch (kind) {
    case 0: { /* a byte of e_ident */
        unsigned index = (unsigned)random_below(EI_NIDENT);
        header->e_ident[index] = (unsigned char)random_next();
        snprintf(note, note_size, "e_ident[%u]=%#x", index, header->e_ident[index]);
        break;
    }
    case 1: { /* e_type, e_machine, e_version, e_entry */
        switch (random_below(4)) {
        case 0: header->e_type = (Elf64_Half)random_below(8); break;
        case 1: header->e_machine = (Elf64_Half)random_next(); break;
        case 2: header->e_version = (Elf64_Word)random_next(); break;
        default: header->e_entry = hostile_value(header->e_entry); break;
        }
        snprintf(note, note_size, "type %u machine %u version %u entry %#llx", header->e_type,
                 header->e_machine, header->e_version, (unsigned long long)header->e_entry);
        break;
    }
    case 2: /* where and how big the program header table is */
        switch (random_below(3)) {
        case 0: header->e_phoff = hostile_value(header->e_phoff); break;
        case 1: header->e_phentsize = (Elf64_Half)(random_below(2) ? random_next() : random_below(80)); break;
        default: header->e_phnum = (Elf64_Half)(random_below(2) ? random_next() : random_below(80)); break;
        }
        snprintf(note, note_size, "phoff %#llx phentsize %u phnum %u", (unsigned long long)header->e_phoff,
                 header->e_phentsize, header->e_phnum);
        break;
    case 3: { /* truncation */
        static const size_t lengths[] = { 0, 1, 4, 16, 63, 64, 65, 100, 200, 4095, 4096, 4097, 8192 };
        size_t length = random_below(2) ? lengths[random_below(sizeof lengths / sizeof lengths[0])]
                                        : random_below(image->size);
        if (length < image->size)
            image->size = length;
        snprintf(note, note_size, "truncate to %zu", image->size);
        break;
    }
    case 4: /* p_type */
        phdr->p_type = random_below(2) ? (uint32_t)random_next()
                                       : (uint32_t[]){ PT_LOAD, PT_INTERP, PT_DYNAMIC, PT_TLS, PT_PHDR,
                                                       PT_GNU_STACK, PT_NOTE, 0 }[random_below(8)];
        snprintf(note, note_size, "p_type %#x", phdr->p_type);
        break;
    case 5: /* p_offset */
        phdr->p_offset = hostile_value(phdr->p_offset);
        snprintf(note, note_size, "p_offset %#llx", (unsigned long long)phdr->p_offset);
        break;
    case 6: /* p_vaddr */
        phdr->p_vaddr = hostile_value(phdr->p_vaddr);
        snprintf(note, note_size, "p_vaddr %#llx", (unsigned long long)phdr->p_vaddr);
        break;
    case 7: /* p_filesz */
        phdr->p_filesz = hostile_value(phdr->p_filesz);
        snprintf(note, note_size, "p_filesz %#llx", (unsigned long long)phdr->p_filesz);
        break;
    case 8: /* p_memsz */
        phdr->p_memsz = hostile_value(phdr->p_memsz);
        snprintf(note, note_size, "p_memsz %#llx", (unsigned long long)phdr->p_memsz);
        break;
    case 9: /* p_flags, p_align */
        if (random_below(2))
            phdr->p_flags = (uint32_t)random_next();
        else
            phdr->p_align = hostile_value(phdr->p_align);
        snprintf(note, note_size, "p_flags %#x p_align %#llx", phdr->p_flags, (unsigned long long)phdr->p_align);
        break;
    case 10: { /* overlapping segments: one takes another's place */
        Elf64_Phdr *other = some_program_header(image, phnum);
        if (other && other != phdr) {
            phdr->p_vaddr = other->p_vaddr + random_below(3) * 0x800;
            phdr->p_type = PT_LOAD;
        }
        snprintf(note, note_size, "overlap at %#llx", (unsigned long long)phdr->p_vaddr);
        break;
    }
    case 11: { /* PT_INTERP: a path somewhere in the file, or a chosen one */
        phdr->p_type = PT_INTERP;
        switch (random_below(4)) {
        case 0: /* a string without its terminator, or a huge size */
            phdr->p_filesz = hostile_value(phdr->p_filesz);
            break;
        default: {
            static const char *const interpreters[] = { "/bin/busybox", "/nonexistent", "/proc/self/exe",
                                                        "/dev/zero", "/", "" };
            const char *interpreter = random_below(3) ? interpreters[random_below(6)] : self_path;
            size_t length = strlen(interpreter) + 1;
            if (image->size > 0x300 + length) {
                memcpy(image->bytes + 0x300, interpreter, length);
                phdr->p_offset = 0x300;
                phdr->p_filesz = length;
            }
            break;
        }
        }
        snprintf(note, note_size, "PT_INTERP offset %#llx size %#llx", (unsigned long long)phdr->p_offset,
                 (unsigned long long)phdr->p_filesz);
        break;
    }
    case 12: { /* random bytes in the first page */
        size_t limit = image->size < 4096 ? image->size : 4096;
        for (int i = 0; i < 8 && limit; i++)
            image->bytes[random_below(limit)] = (unsigned char)random_next();
        snprintf(note, note_size, "byte flips");
        break;
    }
    default: { /* a #! script naming itself, a directory, or nothing */
        static const char *const scripts[] = { "#!", "#!\n", "#! /\n", "#!/dev/null\n", "#!/proc/self/exe\n" };
        char line[300];
        if (random_below(2))
            snprintf(line, sizeof line, "#!%s\n", self_path);
        else
            snprintf(line, sizeof line, "%s", scripts[random_below(5)]);
        size_t length = strlen(line);
        memcpy(image->bytes, line, length);
        image->size = random_below(2) ? length : image->size;
        snprintf(note, note_size, "script %.40s", line);
        break;
    }
    }
}

static int read_file(const char *path, struct image *image)
{
    int fd = open(path, O_RDONLY);
    struct stat status;
    if (fd < 0 || fstat(fd, &status) != 0)
        return -1;
    image->size = (size_t)status.st_size;
    image->bytes = malloc(image->size);
    size_t done = 0;
    while (image->bytes && done < image->size) {
        ssize_t count = read(fd, image->bytes + done, image->size - done);
        if (count <= 0)
            return -1;
        done += (size_t)count;
    }
    close(fd);
    return image->bytes ? 0 : -1;
}

static int write_file(const char *path, const struct image *image)
{
    unlink(path);
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0755);
    if (fd < 0)
        return -1;
    size_t done = 0;
    while (done < image->size) {
        ssize_t count = write(fd, image->bytes + done, image->size - done);
        if (count <= 0) {
            close(fd);
            return -1;
        }
        done += (size_t)count;
    }
    return close(fd);
}

static double now_seconds(void)
{
    struct timespec time;
    clock_gettime(CLOCK_MONOTONIC, &time);
    return time.tv_sec + time.tv_nsec / 1e9;
}

/* Run path in a child; returns its wait status, or -1 when SIGKILL did not end it. */
static int run_child(const char *path, const char *argument0, int *killed)
{
    int report[2];
    pipe(report);
    pid_t pid = fork();
    if (pid == 0) {
        close(report[0]);
        fcntl(report[1], F_SETFD, FD_CLOEXEC);
        int null_fd = open("/dev/null", O_RDWR);
        dup2(null_fd, 0);
        dup2(null_fd, 1);
        dup2(null_fd, 2);
        /* busybox runs "true"; a musl program gets one argument (robustness_spin: usage, exit 2). */
        char *arguments[] = { (char *)argument0, "--usage", NULL };
        if (strcmp(argument0, "true") == 0)
            arguments[1] = NULL;
        char *environment[] = { "PATH=/bin", NULL };
        execve(path, arguments, environment);
        int error = errno;
        write(report[1], &error, sizeof error);
        _exit(127);
    }
    close(report[1]);
    *killed = 0;
    double deadline = now_seconds() + 2.0;
    int status = 0;
    for (;;) {
        pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid)
            break;
        if (now_seconds() > deadline) {
            if (*killed) {
                close(report[0]);
                return -1;
            }
            kill(pid, SIGKILL);
            *killed = 1;
            deadline = now_seconds() + 5.0;
        }
        struct timespec pause_time = { 0, 5 * 1000 * 1000 };
        nanosleep(&pause_time, NULL);
    }
    int error = 0;
    if (read(report[0], &error, sizeof error) == sizeof error)
        status = -1000 - error; /* execve failed with errno error */
    close(report[0]);
    return status;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 3 && strcmp(argv[argc - 1], "-v") == 0) {
        verbose = 1;
        argc--;
    }
    if (argc < 4 || argc - 3 > MAXIMUM_FILES) {
        fprintf(stderr, "usage: robustness_elf SEED COUNT FILE... [-v]\n");
        return 2;
    }
    uint64_t seed = strtoull(argv[1], NULL, 0);
    long count = strtol(argv[2], NULL, 0);
    struct image originals[MAXIMUM_FILES];
    int files = argc - 3;
    for (int i = 0; i < files; i++) {
        if (read_file(argv[3 + i], &originals[i]) != 0) {
            printf("robustness_elf: cannot read %s\n", argv[3 + i]);
            return 1;
        }
    }
    mkdir("/tmp", 0777);
    mkdir(WORK_DIRECTORY, 0755);
    random_state = seed * 0x9e3779b97f4a7c15ULL + 1;
    long refused_noexec = 0, refused_other = 0, exited = 0, signalled = 0, killed = 0, stuck = 0;
    long errno_counts[256] = { 0 };
    for (long iteration = 0; iteration < count; iteration++) {
        int which = (int)random_below((uint64_t)files);
        struct image image = { malloc(originals[which].size), originals[which].size };
        memcpy(image.bytes, originals[which].bytes, image.size);
        char path[64];
        snprintf(path, sizeof path, WORK_DIRECTORY "/m%ld", iteration % 8);
        unsigned phnum = image.size >= sizeof(Elf64_Ehdr) ? ((Elf64_Ehdr *)image.bytes)->e_phnum : 0;
        char notes[4][120];
        int mutations = 1 + (int)random_below(4);
        for (int m = 0; m < mutations; m++) {
            notes[m][0] = 0;
            if (image.size >= sizeof(Elf64_Ehdr))
                mutate(&image, phnum, path, notes[m], sizeof notes[m]);
        }
        if (write_file(path, &image) != 0) {
            printf("robustness_elf: cannot write %s\n", path);
            return 1;
        }
        free(image.bytes);
        if (verbose) {
            printf("%ld: %s", iteration, argv[3 + which]);
            for (int m = 0; m < mutations; m++)
                printf(" | %s", notes[m]);
            printf("\n");
        }
        int was_killed;
        int status = run_child(path, which == 0 ? "true" : "robustness", &was_killed);
        if (status == -1) {
            printf("HANG: iteration %ld (%s) unkillable\n", iteration, argv[3 + which]);
            stuck++;
            break;
        }
        const char *outcome;
        if (status <= -1000) {
            int error = -(status + 1000);
            errno_counts[error & 255]++;
            if (error == ENOEXEC) {
                refused_noexec++;
                outcome = "ENOEXEC";
            } else {
                refused_other++;
                outcome = strerror(error);
            }
        } else if (was_killed) {
            killed++;
            outcome = "killed by the watchdog";
        } else if (WIFSIGNALED(status)) {
            signalled++;
            outcome = "died by a signal";
        } else {
            exited++;
            outcome = "ran and exited";
        }
        if (verbose)
            printf("    -> %s\n", outcome);
    }
    printf("robustness_elf: seed %llu, %ld mutated executables: ENOEXEC %ld, other errno %ld", (unsigned long long)seed,
           count, refused_noexec, refused_other);
    for (int error = 0; error < 256; error++)
        if (errno_counts[error] && error != ENOEXEC)
            printf(" [%s %ld]", strerror(error), errno_counts[error]);
    printf(", ran %ld, died by a signal %ld, killed by the watchdog %ld, unkillable %ld\n", exited, signalled,
           killed, stuck);
    if (stuck) {
        printf("robustness_elf: FAILED\n");
        return 1;
    }
    printf("robustness_elf: kernel alive\n");
    return 0;
}
