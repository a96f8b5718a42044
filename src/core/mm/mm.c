/*
 * mm.c — creating, sharing and freeing address spaces (rk/mm.h).
 * (Skeleton: the VM-area operations land in the files beside this one.)
 */
#include <rk/errno.h>
#include <rk/heap.h>
#include <rk/mm.h>

struct mm *mm_create(void)
{
    struct mm *mm = kzalloc(sizeof *mm);
    if (!mm)
        return NULL;
    if (platform_address_space_create(&mm->space) < 0) {
        kfree(mm);
        return NULL;
    }
    list_init(&mm->areas);
    mm->users = 1;
    return mm;
}

void mm_get(struct mm *mm)
{
    mm->users++;
}

void mm_put(struct mm *mm)
{
    if (!mm || --mm->users > 0)
        return;
    platform_address_space_destroy(&mm->space);
    kfree(mm);
}

void mm_activate(struct mm *mm)
{
    platform_address_space_activate(mm ? &mm->space : platform_address_space_kernel());
}
