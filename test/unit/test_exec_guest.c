/*
 * test_exec_guest.c — a tiny static Linux program (built by test/meson.build
 * with musl-gcc -static and with gcc -static-pie) that test_exec.c loads on
 * the hosted kernel to check a real toolchain's image and initial stack.
 * Run on Linux or ringkernel it prints its arguments and exits with 3.
 */
#include <stdio.h>

static int zeroed[1024];        /* bss */
static int initialised = 42;    /* data */

int main(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        printf("argv[%d] = %s\n", i, argv[i]);
    return zeroed[argc] + initialised - 39;
}
