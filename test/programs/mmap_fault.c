/* mmap_fault: anonymous mappings (zero filled, MAP_SHARED shared with a
 * child, MAP_PRIVATE copied on write), munmap, mprotect, and the SIGSEGV a
 * bad access raises: si_addr is the faulting address, si_code SEGV_MAPERR
 * or SEGV_ACCERR. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "common.h"

static sigjmp_buf recovery;
static void *volatile fault_address;
static volatile int fault_code;

static void segv_handler(int signo, siginfo_t *info, void *context)
{
    (void)signo;
    (void)context;
    fault_address = info->si_addr;
    fault_code = info->si_code;
    siglongjmp(recovery, 1);
}

static void probe(const char *label, volatile char *address, int write)
{
    fault_address = NULL;
    fault_code = 0;
    if (sigsetjmp(recovery, 1) == 0) {
        if (write)
            *address = 1;
        else
            (void)*address;
        printf("%s: no fault\n", label);
    } else {
        printf("%s: SIGSEGV %s, si_addr is the address: %s\n", label,
               fault_code == SEGV_MAPERR ? "SEGV_MAPERR" : fault_code == SEGV_ACCERR ? "SEGV_ACCERR" : "other",
               fault_address == (void *)address ? "yes" : "no");
    }
}

int main(void)
{
    program_start();
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = segv_handler;
    action.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &action, NULL);
    long page = sysconf(_SC_PAGESIZE);
    printf("page size %ld\n", page);

    char *anonymous = mmap(NULL, 16 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    fact("mmap anonymous", anonymous != MAP_FAILED);
    int zero = 1;
    for (long i = 0; i < 16 * page; i++)
        zero &= anonymous[i] == 0;
    fact("zero filled", zero);
    memset(anonymous, 'a', 16 * page);

    pid_t child = fork();
    if (child == 0) {
        anonymous[0] = 'c';
        _exit(anonymous[1] == 'a' ? 0 : 1);
    }
    int status;
    waitpid(child, &status, 0);
    printf("private after the child's write: parent sees '%c', child saw the data: %s\n", anonymous[0],
           WEXITSTATUS(status) == 0 ? "yes" : "no");

    char *shared = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    shared[0] = 'p';
    child = fork();
    if (child == 0) {
        shared[0] = 'c';
        _exit(0);
    }
    waitpid(child, &status, 0);
    printf("shared after the child's write: parent sees '%c'\n", shared[0]);

    probe("read a mapped page", anonymous + 3 * page, 0);
    munmap(anonymous + 2 * page, 2 * page);
    probe("read unmapped page", anonymous + 3 * page + 17, 0);
    probe("write neighbour page", anonymous + 4 * page, 1);
    show("mprotect read-only", mprotect(anonymous, page, PROT_READ));
    probe("write read-only page", anonymous + 5, 1);
    probe("read read-only page", anonymous + 5, 0);
    show("mprotect none", mprotect(anonymous, page, PROT_NONE));
    probe("read PROT_NONE page", anonymous + 9, 0);
    show("mprotect read-write", mprotect(anonymous, page, PROT_READ | PROT_WRITE));
    probe("write again", anonymous + 9, 1);
    probe("null read", NULL, 0);
    probe("kernel address", (char *)0xffffffff81000000UL, 0);

    show("mprotect unaligned", mprotect(anonymous + 1, page, PROT_READ));
    show("munmap unaligned", munmap(anonymous + 1, page));
    fact("mmap length 0 fails", mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED);
    printf("errno %s\n", errno_symbol(errno));
    void *fixed = mmap(anonymous + 2 * page, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    fact("MAP_FIXED at the hole", fixed == anonymous + 2 * page);
    void *noreplace = mmap(anonymous, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    printf("MAP_FIXED_NOREPLACE over a mapping: %s\n", noreplace == MAP_FAILED ? errno_symbol(errno) : "mapped");
    show("munmap the rest", munmap(anonymous, 16 * page));
    return 0;
}
