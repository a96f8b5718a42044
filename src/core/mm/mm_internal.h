/*
 * mm_internal.h — what the memory manager's files share: VM-area list
 * surgery (area.c), page-level helpers (pages.c), shared anonymous memory
 * objects (shared_memory.c) and the fault path (fault.c).
 *
 * Invariants: mm->areas is sorted by start, areas never overlap, every
 * area is page aligned and non-empty. A page of an area is "resident" when
 * the platform page tables map it; each resident page holds one frame
 * reference (page_frame_get) and counts in mm->resident_pages. Locking: as
 * rk/mm.h (uniprocessor, only the mm's own threads change it).
 */
#ifndef RK_CORE_MM_INTERNAL_H
#define RK_CORE_MM_INTERNAL_H

#include <rk/mm.h>
#include <rk/page_alloc.h>

#define MM_PAGE_MASK ((uintptr_t)PAGE_SIZE - 1)
#define MM_PAGE_DOWN(address) ((uintptr_t)(address) & ~MM_PAGE_MASK)
#define MM_PAGE_UP(address) (((uintptr_t)(address) + MM_PAGE_MASK) & ~MM_PAGE_MASK)

/* Default top of the top-down mmap search: Linux x86_64's 128 MiB stack gap under the top. */
#define MM_STACK_GAP ((uintptr_t)128 << 20)
/* Largest size a MAP_GROWSDOWN area grows to on faults (RLIMIT_STACK's usual 8 MiB). */
#define MM_GROWSDOWN_LIMIT ((uintptr_t)8 << 20)

/* Pages shared by every MAP_SHARED|MAP_ANONYMOUS area made from one mmap (and its forks). */
struct mm_shared_memory {
    unsigned long references;  /* areas using it */
    size_t page_count;         /* slots in frames */
    paddr_t *frames;           /* PADDR_INVALID until first touched; each holds a reference */
};

/* ---------------------------------------------------------- shared_memory.c */

/* A new object of page_count empty pages with one reference, or NULL. */
struct mm_shared_memory *shared_memory_create(size_t page_count);
void shared_memory_get(struct mm_shared_memory *memory);
/* Drop a reference; the last one puts every frame and frees the object. */
void shared_memory_put(struct mm_shared_memory *memory);
/*
 * The frame of page index (allocated zeroed when absent, the slot array
 * grown as needed). Returns the frame (the object keeps its reference) or
 * PADDR_INVALID when memory ran out.
 */
paddr_t shared_memory_frame(struct mm_shared_memory *memory, size_t index);

/* ------------------------------------------------------------------ area.c */

/* A zeroed area for [start, end) (no file, no name), or NULL. */
struct vm_area *area_alloc(uintptr_t start, uintptr_t end);
/* A copy of area (file and shared memory referenced again), or NULL. */
struct vm_area *area_clone(const struct vm_area *area);
/* Drop the file and shared-memory references and free area (not linked). */
void area_free(struct vm_area *area);
/* Link area into mm's list at its sorted place (the caller checked it is free). */
void area_insert(struct mm *mm, struct vm_area *area);
/* Unlink area (forgetting it in the cache). */
void area_unlink(struct mm *mm, struct vm_area *area);
/* The first area with end > address, or NULL. */
struct vm_area *area_first_ending_after(struct mm *mm, uintptr_t address);
/* The area after / before area in the list, or NULL. */
struct vm_area *area_next(struct mm *mm, struct vm_area *area);
struct vm_area *area_previous(struct mm *mm, struct vm_area *area);
/* True when some area overlaps [start, end). */
bool area_range_used(struct mm *mm, uintptr_t start, uintptr_t end);
/*
 * Split area at address (start < address < end, page aligned): area keeps
 * [start, address), a new area [address, end) follows it. Returns 0 or
 * -ENOMEM.
 */
int area_split(struct mm *mm, struct vm_area *area, uintptr_t address);
/*
 * Make area boundaries fall on start and end (splitting the areas that
 * straddle them). Returns 0 or -ENOMEM.
 */
int area_split_range(struct mm *mm, uintptr_t start, uintptr_t end);
/* Merge area with its neighbours when they are compatible and adjacent; returns the result. */
struct vm_area *area_merge(struct mm *mm, struct vm_area *area);
/*
 * Lowest-first-fit search from the top: the highest free range of length
 * bytes that ends at or below limit and starts at or above the user range.
 * Returns its start, or 0 when none.
 */
uintptr_t area_find_free(struct mm *mm, size_t length, uintptr_t limit);

/* ----------------------------------------------------------------- pages.c */

/* The platform protection pages of area get (PLATFORM_PROT_USER always). */
unsigned area_page_protection(const struct vm_area *area);
/*
 * For a loop over [address, end) page by page that found address's page
 * absent: the last page it may skip to (address itself when nothing is
 * known), so that "+= PAGE_SIZE" then lands on the first page that may be
 * mapped, or on end. end is page-aligned and above address.
 */
uintptr_t pages_skip(struct mm *mm, uintptr_t address, uintptr_t end);
/* Unmap every resident page of [start, end), dropping the frame references. */
void pages_unmap_range(struct mm *mm, uintptr_t start, uintptr_t end);
/* Give the resident pages of area in [start, end) the area's protection (COW kept read-only). */
void pages_protect_range(struct mm *mm, struct vm_area *area, uintptr_t start, uintptr_t end);
/*
 * Move the resident pages of [old_start, old_start + length) to new_start
 * (same protection, references travel with them). Returns 0 or -ENOMEM
 * (what moved stays moved; the rest stays put).
 */
int pages_move_range(struct mm *mm, uintptr_t old_start, uintptr_t new_start, size_t length);
/* Map frame at address with prot and count it resident; takes over one reference. 0 or -ENOMEM. */
int pages_install(struct mm *mm, uintptr_t address, paddr_t frame, unsigned prot);

/* --------------------------------------------------------------- remap.c */

/* The name of the brk area (compared by address). */
extern const char mm_heap_name[];

/* ----------------------------------------------------------------- mm.c */

/* Remove [start, end) from mm entirely: pages, then areas (split at the ends). 0 or -ENOMEM. */
int mm_remove_range(struct mm *mm, uintptr_t start, uintptr_t end);

#endif
