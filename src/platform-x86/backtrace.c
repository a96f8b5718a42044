/*
 * backtrace.c — frame-pointer backtraces and symbol lookup in the table
 * that tools/gen_ksyms.py generates at build time (kernel_symbols.S: text
 * symbols sorted by address; empty in the first of the two links).
 */
#include "x86.h"

/*
 * Walk the rbp chain from frame_pointer (0: this function's own frame, so
 * the first address is the return into the caller). Each frame is
 * {saved rbp, return address}. The walk stops at a zero or misaligned
 * frame pointer, one outside mapped kernel memory, one that does not move
 * up the stack, or a zero return address, so it never faults.
 */
size_t platform_backtrace(uintptr_t frame_pointer, uintptr_t *out, size_t max)
{
    if (frame_pointer == 0)
        frame_pointer = (uintptr_t)__builtin_frame_address(0);
    size_t count = 0;
    while (count < max && frame_pointer != 0) {
        if ((frame_pointer & 7) != 0 ||
            !paging_kernel_range_is_mapped(frame_pointer, 2 * sizeof(uintptr_t)))
            break;
        const uintptr_t *frame = (const uintptr_t *)frame_pointer;
        uintptr_t return_address = frame[1];
        if (return_address == 0)
            break;
        out[count++] = return_address;
        uintptr_t next = frame[0];
        /* Frames move up the stack; only the first step may cross from an
           exception's record (IST or kernel stack) to the interrupted stack. */
        if (next == frame_pointer || (next < frame_pointer && count > 1))
            break;
        frame_pointer = next;
    }
    return count;
}

/*
 * Name of the text symbol containing address and the offset into it, NULL
 * outside kernel text or before the first symbol. Binary search; any context.
 */
const char *platform_symbolize(uintptr_t address, uintptr_t *offset)
{
    uint64_t count = kernel_symbol_count;
    if (count == 0 || address < kernel_symbol_addresses[0] ||
        address >= (uintptr_t)kernel_text_end)
        return NULL;
    uint64_t low = 0;
    uint64_t high = count; /* invariant: addresses[low] <= address, and high is past it */
    while (high - low > 1) {
        uint64_t middle = low + (high - low) / 2;
        if (kernel_symbol_addresses[middle] <= address)
            low = middle;
        else
            high = middle;
    }
    if (offset != NULL)
        *offset = address - kernel_symbol_addresses[low];
    return &kernel_symbol_names[kernel_symbol_name_offsets[low]];
}
