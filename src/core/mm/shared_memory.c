/*
 * shared_memory.c — the page store behind MAP_SHARED|MAP_ANONYMOUS: one
 * object per mmap call, referenced by every area cut from it (splits,
 * forks), so a page first touched by a fork child is the parent's too.
 */
#include <rk/errno.h>
#include <rk/heap.h>
#include <rk/string.h>

#include "mm_internal.h"

static int shared_memory_reserve(struct mm_shared_memory *memory, size_t index);

struct mm_shared_memory *shared_memory_create(size_t page_count)
{
    struct mm_shared_memory *memory = kzalloc(sizeof *memory);
    if (!memory)
        return NULL;
    memory->references = 1;
    if (page_count > 0 && shared_memory_reserve(memory, page_count - 1) < 0) {
        kfree(memory);
        return NULL;
    }
    return memory;
}

void shared_memory_get(struct mm_shared_memory *memory) { memory->references++; }

void shared_memory_put(struct mm_shared_memory *memory)
{
    if (!memory || --memory->references > 0)
        return;
    for (size_t i = 0; i < memory->page_count; i++)
        if (memory->frames[i] != PADDR_INVALID)
            page_frame_put(memory->frames[i]);
    kfree(memory->frames);
    kfree(memory);
}

/* Make room for slot index (the array doubles). Returns 0 or -ENOMEM. */
static int shared_memory_reserve(struct mm_shared_memory *memory, size_t index)
{
    if (index < memory->page_count)
        return 0;
    size_t count = memory->page_count ? memory->page_count : 16;
    while (count <= index) {
        if (count > SIZE_MAX / 2 / sizeof(paddr_t))
            return -ENOMEM;
        count *= 2;
    }
    paddr_t *frames = kmalloc(count * sizeof *frames);
    if (!frames)
        return -ENOMEM;
    if (memory->page_count)
        memcpy(frames, memory->frames, memory->page_count * sizeof *frames);
    for (size_t i = memory->page_count; i < count; i++)
        frames[i] = PADDR_INVALID;
    kfree(memory->frames);
    memory->frames = frames;
    memory->page_count = count;
    return 0;
}

paddr_t shared_memory_frame(struct mm_shared_memory *memory, size_t index)
{
    if (shared_memory_reserve(memory, index) < 0)
        return PADDR_INVALID;
    if (memory->frames[index] == PADDR_INVALID)
        memory->frames[index] = core_frame_alloc();
    return memory->frames[index];
}
