/*
 * kernel_symbols_empty.S — the empty symbol table of the first link.
 * The second link replaces it with the table tools/gen_ksyms.py generates
 * from the first link's `nm -n` output (same section, same symbol names).
 */
    .section .ksyms, "a"
    .balign 8
    .globl kernel_symbol_count, kernel_symbol_addresses, kernel_symbol_name_offsets
    .globl kernel_symbol_names
kernel_symbol_count:
    .quad 0
kernel_symbol_addresses:
kernel_symbol_name_offsets:
kernel_symbol_names:
    .byte 0
