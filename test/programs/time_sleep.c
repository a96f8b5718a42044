/* time_sleep: clocks and sleeps: monotonic never goes back, nanosleep and
 * clock_nanosleep (relative, TIMER_ABSTIME) sleep at least as asked,
 * clock_getres, gettimeofday agrees with CLOCK_REALTIME, EINVAL cases. */
#define _GNU_SOURCE
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>

#include "common.h"

static long long nanoseconds(clockid_t clock)
{
    struct timespec now;
    clock_gettime(clock, &now);
    return (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
}

int main(void)
{
    program_start();
    long long previous = nanoseconds(CLOCK_MONOTONIC);
    int monotonic = 1;
    for (int i = 0; i < 10000; i++) {
        long long now = nanoseconds(CLOCK_MONOTONIC);
        monotonic &= now >= previous;
        previous = now;
    }
    fact("CLOCK_MONOTONIC never goes back", monotonic);

    long long before = nanoseconds(CLOCK_MONOTONIC);
    struct timespec request = {.tv_nsec = 50 * 1000 * 1000};
    show("nanosleep 50 ms", nanosleep(&request, NULL));
    long long slept = nanoseconds(CLOCK_MONOTONIC) - before;
    fact("slept at least 50 ms", slept >= 50000000LL);
    fact("slept less than 5 s", slept < 5000000000LL);

    before = nanoseconds(CLOCK_MONOTONIC);
    show("clock_nanosleep relative 20 ms", clock_nanosleep(CLOCK_MONOTONIC, 0, &(struct timespec){.tv_nsec = 20000000}, NULL));
    fact("at least 20 ms", nanoseconds(CLOCK_MONOTONIC) - before >= 20000000LL);
    struct timespec target;
    clock_gettime(CLOCK_MONOTONIC, &target);
    target.tv_nsec += 30000000;
    if (target.tv_nsec >= 1000000000) {
        target.tv_sec++;
        target.tv_nsec -= 1000000000;
    }
    show("clock_nanosleep TIMER_ABSTIME", clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &target, NULL));
    fact("woke after the deadline", nanoseconds(CLOCK_MONOTONIC) >= (long long)target.tv_sec * 1000000000LL + target.tv_nsec);

    struct timespec resolution;
    show("clock_getres MONOTONIC", clock_getres(CLOCK_MONOTONIC, &resolution));
    fact("resolution at most 10 ms", resolution.tv_sec == 0 && resolution.tv_nsec > 0 && resolution.tv_nsec <= 10000000);
    struct timeval tv;
    gettimeofday(&tv, NULL);
    long long realtime = nanoseconds(CLOCK_REALTIME);
    long long difference = realtime - ((long long)tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL);
    fact("gettimeofday agrees with CLOCK_REALTIME", difference >= 0 && difference < 1000000000LL);
    fact("CLOCK_REALTIME after 2020", realtime / 1000000000LL > 1577836800LL);
    fact("CLOCK_BOOTTIME >= CLOCK_MONOTONIC - 1 ms", nanoseconds(CLOCK_BOOTTIME) >= nanoseconds(CLOCK_MONOTONIC) - 1000000);
    long long process_time = nanoseconds(CLOCK_PROCESS_CPUTIME_ID);
    fact("process CPU time is positive", process_time > 0);
    struct tms usage;
    fact("times() works", times(&usage) != (clock_t)-1);

    errno = 0;
    show("nanosleep bad nanoseconds", nanosleep(&(struct timespec){.tv_nsec = 1000000000}, NULL));
    show("nanosleep negative", nanosleep(&(struct timespec){.tv_sec = -1}, NULL));
    errno = clock_nanosleep(CLOCK_MONOTONIC, 0, &(struct timespec){.tv_nsec = -5}, NULL);
    printf("clock_nanosleep negative: %s\n", errno_symbol(errno));
    show("clock_gettime bad clock", clock_gettime(999, &resolution));
    show("nanosleep zero", nanosleep(&(struct timespec){0}, NULL));
    return 0;
}
