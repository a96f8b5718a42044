/*
 * exec_internal.h — what the files of src/core/exec share: the argument
 * strings, the ELF64 formats, the decoded and validated image, and the
 * steps of exec_replace.
 */
#ifndef RK_CORE_EXEC_INTERNAL_H
#define RK_CORE_EXEC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rk/exec.h>

struct file;
struct mm;
struct path_entry;
struct process;

/* ------------------------------------------------------------ strings */

/* A list of NUL-terminated strings packed back to back (argv or envp). */
struct exec_strings {
    char *data;        /* kmalloc'ed, NULL while empty */
    size_t length;     /* bytes used, every NUL included */
    size_t capacity;
    size_t count;      /* strings */
};

/* Everything exec copies out of the old image, and the limit it is held to. */
struct exec_arguments {
    struct exec_strings argv;
    struct exec_strings envp;
    char *filename;    /* AT_EXECFN: the path as given ("/dev/fd/N[/path]" for a dirfd), kmalloc'ed */
    size_t limit;      /* bytes all strings (filename, envp, argv) may take: Linux's argmin */
};

/* Free every string of arguments (safe on a zeroed or partly built one). */
void exec_arguments_release(struct exec_arguments *arguments);
/* Total bytes of filename, envp and argv strings (what the limit counts). */
size_t exec_arguments_size(const struct exec_arguments *arguments);

/*
 * Fill arguments from request: count both arrays (-EFAULT on a bad
 * pointer), compute Linux's limit from RLIMIT_STACK of process (-E2BIG
 * when the pointers alone exceed it), then copy envp and argv strings
 * (-EFAULT, -E2BIG for a string over MAX_ARG_STRLEN or a total over the
 * limit). An empty argv becomes {""} as on Linux since 5.18. filename is
 * the name recorded for AT_EXECFN. Returns 0 or -errno (arguments then
 * released).
 */
int exec_arguments_collect(struct exec_arguments *arguments, const struct exec_request *request,
                           const char *filename, struct process *process);

/* Append a kernel string to strings, keeping the total within limit. 0, -E2BIG or -ENOMEM. */
int exec_strings_append(struct exec_strings *strings, const char *text, size_t length);
/* Put a kernel string in front of the others (#! rewriting). 0 or -ENOMEM. */
int exec_strings_prepend(struct exec_strings *strings, const char *text, size_t length);
/* Drop the first string (#! rewriting's remove_arg_zero). */
void exec_strings_remove_first(struct exec_strings *strings);

/* --------------------------------------------------------------- ELF64 */

#define ELF_MAGIC "\177ELF"
#define ELF_CLASS_64 2
#define ELF_DATA_LITTLE 1
#define ELF_VERSION_CURRENT 1
#define ELF_TYPE_EXECUTABLE 2   /* ET_EXEC */
#define ELF_TYPE_DYNAMIC 3      /* ET_DYN */
#define ELF_MACHINE_X86_64 62
#define ELF_SEGMENT_LOAD 1
#define ELF_SEGMENT_INTERPRETER 3
#define ELF_SEGMENT_GNU_STACK 0x6474e551u
#define ELF_FLAG_EXECUTE 1u
#define ELF_FLAG_WRITE 2u
#define ELF_FLAG_READ 4u

struct elf64_header {
    unsigned char identification[16];
    uint16_t type;
    uint16_t machine;
    uint32_t version;
    uint64_t entry;
    uint64_t program_header_offset;
    uint64_t section_header_offset;
    uint32_t flags;
    uint16_t header_size;
    uint16_t program_header_size;
    uint16_t program_header_count;
    uint16_t section_header_size;
    uint16_t section_header_count;
    uint16_t section_name_index;
};

struct elf64_program_header {
    uint32_t type;
    uint32_t flags;
    uint64_t offset;
    uint64_t virtual_address;
    uint64_t physical_address;
    uint64_t file_size;
    uint64_t memory_size;
    uint64_t alignment;
};

_Static_assert(sizeof(struct elf64_header) == 64, "Elf64_Ehdr is 64 bytes");
_Static_assert(sizeof(struct elf64_program_header) == 56, "Elf64_Phdr is 56 bytes");

/* The most program headers Linux accepts (65536 bytes of them). */
#define ELF_PROGRAM_HEADERS_MAX (65536u / sizeof(struct elf64_program_header))

/* A decoded, validated executable: everything the loader and the stack need. */
struct elf_image {
    struct elf64_header header;
    struct elf64_program_header *program_headers; /* kmalloc'ed, header.program_header_count */
    uintptr_t load_bias;         /* 0 for ET_EXEC, where an ET_DYN image goes */
    uintptr_t entry;             /* with the bias */
    uintptr_t program_headers_address; /* AT_PHDR (with the bias) */
    uintptr_t image_end;         /* page-aligned end of the highest segment: the break starts here */
    bool executable_stack;       /* PT_GNU_STACK with PF_X */
};

/*
 * Decode and check the ELF image whose first bytes are header (at least
 * sizeof(struct elf64_header), zero-padded when the file is shorter) and
 * whose program headers are program_headers (NULL until read: then only
 * the header is checked) in a file of file_size bytes, to be placed below
 * stack_bottom. Fills image (load bias, entry, AT_PHDR, break) when the
 * program headers are given. Returns 0, or -ENOEXEC with *reason set to a
 * static description of the first problem.
 */
int elf_check_header(const struct elf64_header *header, uint64_t file_size, const char **reason);
int elf_check_program_headers(struct elf_image *image, uint64_t file_size, uintptr_t stack_bottom,
                              const char **reason);

/*
 * Map image's PT_LOAD segments from file into mm (not active): file pages
 * MAP_PRIVATE with the segments' protections, the file tail of a page
 * holding bss cleared, anonymous zero pages for the rest of the bss.
 * Returns 0 or -errno (-ENOMEM, an mm_map error); mm is the caller's to
 * drop on failure.
 */
int elf_map_segments(struct mm *mm, const struct elf_image *image, struct file *file);

/* ---------------------------------------------------- the new address space */

/*
 * Write length bytes of data (or zeroes when data is NULL) at user address
 * address of mm, which need not be active: pages are faulted in for
 * writing (breaking copy-on-write) and written through the direct map.
 * Returns 0 or the mm_fault_in error.
 */
int exec_mm_write(struct mm *mm, uintptr_t address, const void *data, size_t length);
/* Read length bytes at address of mm (faulting pages in for reading). 0 or -errno. */
int exec_mm_read(struct mm *mm, uintptr_t address, void *data, size_t length);

/* Stack area size for process (RLIMIT_STACK, 8 MiB by default). */
size_t exec_stack_size(struct process *process);

/* Where the initial stack ended up, for the registers and the mm fields. */
struct exec_stack_layout {
    uintptr_t stack_pointer;
    uintptr_t arguments_start, arguments_end;
    uintptr_t environment_start, environment_end;
};

/*
 * Make the stack area [top - size, top) in mm ("[stack]", read-write,
 * executable when image asks) and write the initial stack into it as
 * Linux's create_elf_tables does. Returns 0 with *layout filled, -E2BIG
 * when it cannot fit, or -ENOMEM.
 */
int exec_build_stack(struct mm *mm, struct process *process, const struct elf_image *image,
                     const struct exec_arguments *arguments, size_t size,
                     struct exec_stack_layout *layout);

/* ------------------------------------------------------------- scripts */

/*
 * A "#!" line: buffer holds the first bytes of the file (length of them,
 * at most EXEC_SCRIPT_LINE_MAX; the rest counts as NUL). On success
 * *interpreter and *argument (NULL when none) point into a NUL-terminated
 * copy in line (EXEC_SCRIPT_LINE_MAX + 1 bytes). Returns 0 or -ENOEXEC
 * (no interpreter, or a name that may have been cut off).
 */
int exec_script_parse(const char *buffer, size_t length, char *line, const char **interpreter,
                      const char **argument);

/* Log "exec: PATH: REASON" (one line, KLOG_INFO). */
void exec_log_rejection(const char *path, const char *reason);

#endif
