/*
 * rk/mm.h — the memory manager: user address spaces as lists of VM areas
 * over the platform's page tables, demand-zero and file-backed pages,
 * copy-on-write fork, and the operations behind mmap, munmap, mprotect,
 * mremap, madvise and brk.
 *
 * Ownership: a struct mm is shared by every thread of a process and by a
 * vfork child until it execs (CLONE_VM); mm_get/mm_put count those users.
 * Frames mapped into user space are reference counted (page_frame_get /
 * page_frame_put in rk/page_alloc.h), so a frame shared by COW or by
 * MAP_SHARED is freed with its last mapping.
 *
 * Locking: uniprocessor, cooperative kernel threads; an mm is changed only
 * by the threads that use it, never from interrupt context.
 */
#ifndef RK_MM_H
#define RK_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rk/list.h>
#include <rk/platform.h>

struct file;
struct mm_shared_memory;
struct vnode;

/* mmap(2) protections and flags, Linux x86_64 values. */
#define PROT_NONE 0x0
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE 0x0f
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_GROWSDOWN 0x0100
#define MAP_DENYWRITE 0x0800
#define MAP_EXECUTABLE 0x1000
#define MAP_LOCKED 0x2000
#define MAP_NORESERVE 0x4000
#define MAP_POPULATE 0x8000
#define MAP_NONBLOCK 0x10000
#define MAP_STACK 0x20000
#define MAP_HUGETLB 0x40000
#define MAP_FIXED_NOREPLACE 0x100000
#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#define MREMAP_DONTUNMAP 4
#define MADV_NORMAL 0
#define MADV_DONTNEED 4
#define MADV_FREE 8

/* One mapped range [start, end), page aligned. */
struct vm_area {
    struct list_node link;       /* in mm->areas, ascending start */
    uintptr_t start, end;
    unsigned protection;         /* PROT_* */
    unsigned flags;              /* MAP_SHARED or MAP_PRIVATE, MAP_ANONYMOUS, MAP_GROWSDOWN... */
    struct file *file;           /* referenced; NULL for anonymous memory */
    uint64_t file_offset;        /* of start, page aligned */
    const char *name;            /* "[heap]", "[stack]"... for /proc/PID/maps, or NULL */
    /* MAP_SHARED|MAP_ANONYMOUS: the pages every sharer sees (referenced); file_offset indexes it. */
    struct mm_shared_memory *shared_memory;
    unsigned maximum_protection; /* PROT_* mprotect may grant (no PROT_WRITE: shared map of an O_RDONLY fd) */
};

struct mm {
    struct platform_address_space space;
    struct list_node areas;      /* struct vm_area, ascending, never overlapping */
    unsigned long users;         /* mm_get/mm_put */
    uintptr_t brk_start;         /* end of the loaded image, page aligned */
    uintptr_t brk;               /* current break (brk_start <= brk) */
    uintptr_t mmap_base;         /* top of the top-down search for mmap without a hint */
    uintptr_t stack_start;       /* lowest address of the initial stack area */
    uintptr_t arguments_start, arguments_end;     /* argv strings, for /proc/PID/cmdline */
    uintptr_t environment_start, environment_end; /* envp strings, for /proc/PID/environ */
    uint64_t resident_pages;     /* frames currently mapped */
    struct vm_area *cached_area; /* the last area mm_find_area found, or NULL */
    struct vnode *executable;    /* the image exec loaded: referenced, writes denied (ETXTBSY)
                                    while any mm holds it; NULL for none */
};

/* A new empty address space with one user, or NULL on ENOMEM. */
struct mm *mm_create(void);
/* Another user of mm (a thread or a vfork child). */
void mm_get(struct mm *mm);
/* Drop a user; the last unmaps everything and frees the page tables. mm must not be active then. */
void mm_put(struct mm *mm);
/*
 * A copy of parent for fork: every area duplicated, private writable pages
 * shared copy-on-write (write access removed in both), shared pages shared.
 * Returns the child with one user, or NULL on ENOMEM (nothing leaked).
 */
struct mm *mm_fork(struct mm *parent);
/* Make mm the CPU's active address space (NULL: the kernel's). */
void mm_activate(struct mm *mm);

/*
 * The core of mmap(2): map length bytes (rounded up to pages) at address
 * (a hint, or exact with MAP_FIXED/MAP_FIXED_NOREPLACE) with protection
 * and flags, backed by file at offset or anonymous zero pages. Returns the
 * address, or -EINVAL, -ENOMEM, -EEXIST, -EACCES, -ENODEV as mmap(2) does.
 * Pages come in on first touch (mm_handle_fault) unless MAP_POPULATE.
 */
long mm_map(struct mm *mm, uintptr_t address, size_t length, unsigned protection,
            unsigned flags, struct file *file, uint64_t offset);
/* munmap(2). Returns 0 or -EINVAL. */
int mm_unmap(struct mm *mm, uintptr_t address, size_t length);
/* mprotect(2). Returns 0, -EINVAL, -ENOMEM (a hole in the range) or -EACCES. */
int mm_protect(struct mm *mm, uintptr_t address, size_t length, unsigned protection);
/* mremap(2). Returns the new address or -errno. */
long mm_remap(struct mm *mm, uintptr_t old_address, size_t old_length, size_t new_length,
              unsigned flags, uintptr_t new_address);
/* madvise(2) (MADV_DONTNEED drops private pages: they read back as zero / file data). */
int mm_advise(struct mm *mm, uintptr_t address, size_t length, int advice);
/* brk(2): move the break; returns the new (or unchanged, on failure) break. */
uintptr_t mm_brk(struct mm *mm, uintptr_t new_break);

/* The area containing address, or NULL. */
struct vm_area *mm_find_area(struct mm *mm, uintptr_t address);

/* What a user page fault or a kernel access on behalf of user needs. */
enum mm_access {
    MM_ACCESS_READ = 1u << 0,
    MM_ACCESS_WRITE = 1u << 1,
    MM_ACCESS_EXECUTE = 1u << 2,
};

/*
 * Resolve a fault at address for access: allocate a demand-zero page, read
 * a file page, break copy-on-write, grow a MAP_GROWSDOWN stack. Returns 0
 * (retry the access), -EFAULT when no area covers address (SIGSEGV with
 * SEGV_MAPERR), -EACCES when the area forbids the access (SEGV_ACCERR),
 * -ENOMEM when memory ran out, -EIO when the file could not be read
 * (SIGBUS).
 */
int mm_handle_fault(struct mm *mm, uintptr_t address, unsigned access);

/*
 * Make [address, address + length) accessible for access now (usercopy
 * calls it when a page is absent or copy-on-write). Returns 0 or the
 * mm_handle_fault error of the first page that fails.
 */
int mm_fault_in(struct mm *mm, uintptr_t address, size_t length, unsigned access);

/*
 * Render /proc/PID/maps lines into buffer (at most size bytes written, no
 * NUL); returns the full length, which may exceed size (ask again bigger).
 */
size_t mm_render_maps(struct mm *mm, char *buffer, size_t size);

#endif
