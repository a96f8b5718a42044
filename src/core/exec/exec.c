/*
 * exec.c — exec_replace(): Linux's execveat from argument copy to the new
 * image's first instruction. Check everything, build the new address space
 * beside the old one, then pass the point of no return.
 */
#include <rk/errno.h>
#include <rk/format.h>
#include <rk/heap.h>
#include <rk/klog.h>
#include <rk/mm.h>
#include <rk/path.h>
#include <rk/process.h>
#include <rk/signal.h>
#include <rk/string.h>
#include <rk/thread.h>

#include "../process_internal.h"
#include "../vfs/vfs_internal.h"
#include "exec_internal.h"

void exec_log_rejection(const char *path, const char *reason)
{
    klog(KLOG_INFO, "exec: %s: %s", path, reason);
}

/* The file being examined in one round (the program, or a #! interpreter). */
struct exec_file {
    struct path_entry *entry;   /* referenced */
    struct file *file;          /* referenced, opened O_RDONLY */
    uint64_t size;
};

static void exec_file_release(struct exec_file *program)
{
    if (program->file)
        file_put(program->file);
    if (program->entry)
        path_put(program->entry);
    *program = (struct exec_file){ 0 };
}

/* May process execute a file with mode (owner uid, group gid)? Root needs any x bit. */
static bool may_execute(const struct process *process, const struct vnode_attributes *attributes)
{
    uint32_t mode = attributes->mode;
    if (process->euid == 0)
        return (mode & 0111) != 0;
    if (process->euid == attributes->uid)
        return (mode & 0100) != 0;
    if (process->egid == attributes->gid)
        return (mode & 0010) != 0;
    return (mode & 0001) != 0;
}

/*
 * Resolve and open path for execution (do_open_execat): a regular file
 * with execute permission. Returns 0 with *program filled, or -errno.
 */
static int exec_file_open(struct process *process, int dirfd, const char *path, unsigned at_flags,
                          struct exec_file *program)
{
    *program = (struct exec_file){ 0 };
    unsigned resolve = (at_flags & AT_SYMLINK_NOFOLLOW) ? 0 : RESOLVE_FOLLOW;
    if (at_flags & AT_EMPTY_PATH)
        resolve |= RESOLVE_EMPTY_PATH;
    int error = path_resolve(process, dirfd, path, resolve, &program->entry);
    if (error < 0)
        return error;
    struct vnode_attributes attributes;
    error = vfs_getattr(program->entry->vnode, &attributes, NULL);
    if (error == 0 && S_ISLNK(attributes.mode))
        error = -ELOOP;                       /* AT_SYMLINK_NOFOLLOW on a symlink */
    else if (error == 0 && (!S_ISREG(attributes.mode) || !may_execute(process, &attributes)))
        error = -EACCES;                      /* directories, devices, fifos, no x bit */
    if (error == 0)
        error = vfs_open_entry(program->entry, O_RDONLY, &program->file);
    if (error < 0) {
        exec_file_release(program);
        return error;
    }
    program->size = attributes.size;
    return 0;
}

/* Read up to length bytes at offset; the rest of buffer is zeroed. Returns bytes read or -errno. */
static long exec_file_read(struct exec_file *program, uint64_t offset, void *buffer, size_t length)
{
    memset(buffer, 0, length);
    size_t done = 0;
    while (done < length) {
        struct io_segment segment;
        struct io_cursor cursor;
        io_cursor_kernel(&cursor, &segment, (char *)buffer + done, length - done);
        long count = VNODE_CALL(program->file->vnode, read, &cursor, offset + done);
        if (count < 0)
            return count;
        if (count == 0 || (size_t)count > length - done)
            break;
        done += (size_t)count;
    }
    return (long)done;
}

/*
 * Apply a #! line to arguments as binfmt_script does: argv[0] goes, then
 * argv = interpreter [argument] script-name argv[1..]. Returns 0, -E2BIG,
 * -ENOMEM.
 */
static int script_rewrite(struct exec_arguments *arguments, const char *script_name,
                          const char *interpreter, const char *argument)
{
    exec_strings_remove_first(&arguments->argv);
    int error = exec_strings_prepend(&arguments->argv, script_name, strlen(script_name));
    if (error == 0 && argument)
        error = exec_strings_prepend(&arguments->argv, argument, strlen(argument));
    if (error == 0)
        error = exec_strings_prepend(&arguments->argv, interpreter, strlen(interpreter));
    if (error == 0 && exec_arguments_size(arguments) > arguments->limit)
        error = -E2BIG;
    return error;
}

/* Read and check the program headers of program into image. Returns 0 or -errno (logged when -ENOEXEC). */
static int elf_decode(struct exec_file *program, const char *path, struct elf_image *image,
                      uintptr_t stack_bottom)
{
    size_t table_size = (size_t)image->header.program_header_count * sizeof(struct elf64_program_header);
    image->program_headers = kmalloc(table_size);
    if (!image->program_headers)
        return -ENOMEM;
    long got = exec_file_read(program, image->header.program_header_offset, image->program_headers,
                              table_size);
    if (got < 0)
        return (int)got;
    const char *reason = "program headers cut short";
    int error = (size_t)got == table_size
                    ? elf_check_program_headers(image, program->size, stack_bottom, &reason)
                    : -ENOEXEC;
    if (error == -ENOEXEC)
        exec_log_rejection(path, reason);
    return error;
}

/* A fresh address space holding image and its initial stack. Returns it, or NULL with *error. */
static struct mm *build_address_space(struct process *process, const struct elf_image *image,
                                      struct exec_file *program,
                                      const struct exec_arguments *arguments, size_t stack_size,
                                      struct exec_stack_layout *layout, int *error)
{
    struct mm *mm = mm_create();
    if (!mm) {
        *error = -ENOMEM;
        return NULL;
    }
    /* Linux's mmap_base without randomisation: the stack limit plus guard gap, at least 128 MiB. */
    uintptr_t gap = stack_size + EXEC_STACK_GUARD_GAP;
    if (gap < EXEC_MMAP_GAP_MINIMUM)
        gap = EXEC_MMAP_GAP_MINIMUM;
    mm->mmap_base = EXEC_STACK_TOP - gap;
    *error = elf_map_segments(mm, image, program->file);
    if (*error == 0)
        *error = exec_build_stack(mm, process, image, arguments, stack_size, layout);
    if (*error < 0) {
        mm_put(mm);
        return NULL;
    }
    mm->brk_start = mm->brk = image->image_end;
    mm->stack_start = EXEC_STACK_TOP - stack_size;
    mm->arguments_start = layout->arguments_start;
    mm->arguments_end = layout->arguments_end;
    mm->environment_start = layout->environment_start;
    mm->environment_end = layout->environment_end;
    return mm;
}

/* A kmalloc'ed copy of length bytes of data (NULL when empty or out of memory). */
static char *copy_bytes(const char *data, size_t length)
{
    if (!data || length == 0)
        return NULL;
    char *copy = kmalloc(length);
    if (copy)
        memcpy(copy, data, length);
    return copy;
}

/* Close-on-exec descriptors go; a table shared with another process is unshared first. */
static void close_on_exec_descriptors(struct process *process)
{
    if (process->fds->users > 1) {
        struct fd_table *copy = fd_table_copy(process->fds);
        if (copy) {
            copy->users = 1;
            struct fd_table *shared = process->fds;
            process->fds = copy;
            fd_table_put(shared, process);
        }
    }
    for (int fd = 0; fd < PROCESS_FD_LIMIT; fd++)
        if (process->fds->files[fd] && fd_close_on_exec(process, fd))
            fd_close(process, fd);
}

/* What /proc shows for the new image: comm, cmdline, environ, exe. */
static void record_identity(struct process *process, const struct exec_arguments *arguments,
                            struct path_entry *executable)
{
    const char *base = strrchr(arguments->filename, '/');
    base = base ? base + 1 : arguments->filename;
    rk_strlcpy(process->name, base, sizeof process->name);

    kfree(process->command_line);
    process->command_line = copy_bytes(arguments->argv.data, arguments->argv.length);
    process->command_line_length = process->command_line ? arguments->argv.length : 0;
    kfree(process->environment);
    process->environment = copy_bytes(arguments->envp.data, arguments->envp.length);
    process->environment_length = process->environment ? arguments->envp.length : 0;

    kfree(process->executable_path);
    process->executable_path = NULL;
    char *path = kmalloc(PATH_MAX);
    if (path && path_format(executable, path, PATH_MAX) >= 0)
        process->executable_path = copy_bytes(path, strlen(path) + 1);
    kfree(path);
}

/*
 * The point of no return: the process becomes the new image. Returns 0,
 * or the error of process_kill_other_threads (a fatal signal came; the
 * old image is intact and the caller dies on the signal).
 */
static int commit(struct process *process, struct mm *mm, const struct exec_arguments *arguments,
                  struct path_entry *executable)
{
    int error = process_kill_other_threads();
    if (error < 0)
        return error;
    struct mm *old = process->mm;
    process->mm = mm;
    mm_activate(mm);
    if (old)
        mm_put(old);
    thread_current()->clear_child_tid = 0;
    close_on_exec_descriptors(process);
    signal_exec_reset(process);
    process_vfork_release(process);
    record_identity(process, arguments, executable);
    platform_fpu_reset();
    return 0;
}

/* The file name Linux records (bprm->filename): the path, or /dev/fd/N[/path] for a dirfd. */
static char *exec_filename(const struct exec_request *request)
{
    const char *path = request->path;
    size_t size = strlen(path) + 32;
    char *name = kmalloc(size);
    if (!name)
        return NULL;
    if (request->dirfd == AT_FDCWD || path[0] == '/')
        rk_strlcpy(name, path, size);
    else if (path[0] == '\0')
        rk_snprintf(name, size, "/dev/fd/%d", request->dirfd);
    else
        rk_snprintf(name, size, "/dev/fd/%d/%s", request->dirfd, path);
    return name;
}

/*
 * Find the ELF image behind the request: follow #! interpreters (at most
 * EXEC_REWRITE_DEPTH_LIMIT rewrites), rewriting arguments on the way.
 * Returns 0 with *program open and image->header checked, or -errno.
 */
static int find_image(struct process *process, const struct exec_request *request,
                      bool path_inaccessible, struct exec_arguments *arguments,
                      struct exec_file *program, struct elf_image *image)
{
    char *line = kmalloc(EXEC_SCRIPT_LINE_MAX + 1);
    char *current = kmalloc(EXEC_SCRIPT_LINE_MAX + PATH_MAX);
    char *buffer = kmalloc(EXEC_SCRIPT_LINE_MAX);
    int error = (line && current && buffer) ? 0 : -ENOMEM;
    int dirfd = request->dirfd;
    unsigned at_flags = request->flags;
    const char *path = request->path;
    /* What a rewrite inserts as the script's name (bprm->interp). */
    if (error == 0)
        rk_strlcpy(current, arguments->filename, EXEC_SCRIPT_LINE_MAX + PATH_MAX);
    for (int depth = 0; error == 0; depth++) {
        if (depth > EXEC_REWRITE_DEPTH_LIMIT) {
            error = -ELOOP;
            break;
        }
        error = exec_file_open(process, dirfd, path, at_flags, program);
        if (error < 0)
            break;
        long got = exec_file_read(program, 0, buffer, EXEC_SCRIPT_LINE_MAX);
        if (got < 0) {
            error = (int)got;
            break;
        }
        if (got >= 2 && buffer[0] == '#' && buffer[1] == '!') {
            const char *interpreter, *argument;
            error = exec_script_parse(buffer, (size_t)got, line, &interpreter, &argument);
            if (error < 0) {
                exec_log_rejection(current, "#! line without an interpreter (or cut off)");
                break;
            }
            if (interpreter[0] == '\0') {
                error = -EACCES;   /* Linux resolves "" to the working directory: not a file */
                break;
            }
            if (path_inaccessible) {
                error = -ENOENT;   /* the script would be unreachable once its O_CLOEXEC fd closes */
                break;
            }
            error = script_rewrite(arguments, current, interpreter, argument);
            if (error < 0)
                break;
            rk_strlcpy(current, interpreter, EXEC_SCRIPT_LINE_MAX + PATH_MAX);
            path = current;
            dirfd = AT_FDCWD;
            at_flags = 0;
            exec_file_release(program);
            continue;
        }
        memcpy(&image->header, buffer, sizeof image->header);
        const char *reason;
        error = elf_check_header(&image->header, program->size, &reason);
        if (error < 0) {
            if (memcmp(buffer, ELF_MAGIC, 4) != 0)
                reason = "not an ELF executable or #! script";
            exec_log_rejection(current, reason);
        }
        break;
    }
    if (error < 0)
        exec_file_release(program);
    kfree(buffer);
    kfree(current);
    kfree(line);
    return error;
}

int exec_replace(const struct exec_request *request, struct user_registers *registers)
{
    struct process *process = process_current();
    if (!process || !process->mm)
        return -EINVAL;
    if (request->path[0] == '\0' && !(request->flags & AT_EMPTY_PATH))
        return -ENOENT;

    char *filename = exec_filename(request);
    if (!filename)
        return -ENOMEM;
    bool through_descriptor = request->dirfd != AT_FDCWD && request->path[0] != '/';
    bool path_inaccessible = through_descriptor && request->dirfd >= 0 &&
                             request->dirfd < PROCESS_FD_LIMIT &&
                             process->fds->files[request->dirfd] &&
                             fd_close_on_exec(process, request->dirfd);
    struct exec_arguments arguments;
    int error = exec_arguments_collect(&arguments, request, filename, process);
    kfree(filename);
    if (error < 0)
        return error;
    if (request->flags & ~(unsigned)(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) {
        exec_arguments_release(&arguments);
        return -EINVAL;
    }

    struct exec_file program = { 0 };   /* find_image releases it on every error, even before opening */
    struct elf_image image = { 0 };
    error = find_image(process, request, path_inaccessible, &arguments, &program, &image);
    if (error < 0) {
        exec_arguments_release(&arguments);
        return error;
    }
    /* No writer while the image runs, none now (Linux's deny_write_access: ETXTBSY). */
    struct vnode *image_node = program.file->vnode;
    error = vnode_write_deny(image_node);
    if (error < 0) {
        exec_file_release(&program);
        exec_arguments_release(&arguments);
        return error;
    }
    size_t stack_size = exec_stack_size(process);
    char *path = kmalloc(PATH_MAX);
    if (!path)
        error = -ENOMEM;
    else if (path_format(program.entry, path, PATH_MAX) < 0)
        rk_strlcpy(path, arguments.filename, PATH_MAX);
    if (error == 0)
        error = elf_decode(&program, path, &image, EXEC_STACK_TOP - stack_size);

    struct exec_stack_layout layout;
    struct mm *mm = NULL;
    if (error == 0)
        mm = build_address_space(process, &image, &program, &arguments, stack_size, &layout, &error);
    if (mm) {
        /* The new mm holds the denial from here on (mm_put allows writes again). */
        vnode_get(image_node);
        mm->executable = image_node;
        image_node = NULL;
        error = commit(process, mm, &arguments, program.entry);
        if (error < 0)
            mm_put(mm);
        else
            platform_user_registers_init(registers, image.entry, layout.stack_pointer);
    }
    if (image_node)
        vnode_write_allow(image_node);
    kfree(path);
    kfree(image.program_headers);
    exec_file_release(&program);
    exec_arguments_release(&arguments);
    return error;
}
