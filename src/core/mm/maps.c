/*
 * maps.c — /proc/PID/maps lines for an mm, in Linux's format:
 * "start-end perms offset major:minor inode", then, for a file or a named
 * area, spaces up to column 73 and the path or [heap] / [stack].
 */
#include <rk/file.h>
#include <rk/format.h>
#include <rk/heap.h>
#include <rk/path.h>
#include <rk/string.h>
#include <rk/vfs.h>

#include "mm_internal.h"

/* Column where Linux starts the path (25 + 6 * sizeof(void *) - 1, then one space). */
#define MAPS_PATH_COLUMN 73

/* Append text (length bytes) at *used within size bytes of buffer, counting all of it. */
static void append(char *buffer, size_t size, size_t *used, const char *text, size_t length)
{
    if (*used < size) {
        size_t room = size - *used;
        memcpy(buffer + *used, text, length < room ? length : room);
    }
    *used += length;
}

/* The path or pseudo-name of area into name (size bytes); its length (0: none). */
static size_t area_label(struct mm *mm, const struct vm_area *area, char *name, size_t size)
{
    const char *label = area->name;
    if (area->file && area->file->path) {
        long length = path_format(area->file->path, name, size);
        return length > 0 ? (size_t)length : 0;
    }
    if (!label && mm->stack_start && area->start <= mm->stack_start && mm->stack_start < area->end)
        label = "[stack]";
    if (!label)
        return 0;
    return rk_strlcpy(name, label, size) < size ? strlen(name) : 0;
}

size_t mm_render_maps(struct mm *mm, char *buffer, size_t size)
{
    size_t used = 0;
    char *name = kmalloc(PATH_MAX);
    if (!name)
        return 0; /* out of memory: an empty map */
    list_for_each(node, &mm->areas) {
        const struct vm_area *area = list_entry(node, struct vm_area, link);
        unsigned major = 0, minor = 0;
        unsigned long long inode = 0, offset = 0;
        if (area->file && area->file->vnode) {
            struct vnode *vnode = area->file->vnode;
            major = device_major(vnode->superblock->device);
            minor = device_minor(vnode->superblock->device);
            inode = vnode->inode_number;
            offset = area->file_offset;
        }
        char line[128];
        int length = rk_snprintf(line, sizeof line, "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %llu ",
                                 (unsigned long)area->start, (unsigned long)area->end,
                                 area->protection & PROT_READ ? 'r' : '-',
                                 area->protection & PROT_WRITE ? 'w' : '-',
                                 area->protection & PROT_EXEC ? 'x' : '-',
                                 area->flags & MAP_SHARED ? 's' : 'p', offset, major, minor, inode);
        append(buffer, size, &used, line, (size_t)length);
        size_t label_length = area_label(mm, area, name, PATH_MAX);
        if (label_length > 0) {
            static const char spaces[MAPS_PATH_COLUMN] = { [0 ... MAPS_PATH_COLUMN - 1] = ' ' };
            size_t pad = length < MAPS_PATH_COLUMN - 1 ? (size_t)(MAPS_PATH_COLUMN - length) : 1;
            append(buffer, size, &used, spaces, pad);
            append(buffer, size, &used, name, label_length);
        }
        append(buffer, size, &used, "\n", 1);
    }
    kfree(name);
    return used;
}
