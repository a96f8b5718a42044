/* main.c — the ringkernel-hosted executable: the whole kernel as a Linux process. */
#include "hosted_internal.h"

/* Boot the hosted machine with argv[1..] as the kernel command line. Never returns. */
int main(int argument_count, char **arguments)
{
    hosted_boot(argument_count, arguments);
}
