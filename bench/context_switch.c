/*
 * context_switch.c — cost of one hosted context switch: glibc swapcontext()
 * ping-pong against the backend's platform_context_switch() ping-pong.
 *
 * Each run does ROUND_TRIPS round trips (two switches each); the median of
 * RUNS runs is reported in nanoseconds per switch:
 *   hosted context switch: swapcontext N ns, fast M ns (ratio X)
 * Optional argument: the number of round trips per run.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <ucontext.h>

#include <rk/platform.h>

#include "hosted.h"

#define DEFAULT_ROUND_TRIPS 1000000L
#define RUNS 7
#define STACK_SIZE (64 * 1024)

static long round_trips = DEFAULT_ROUND_TRIPS;
static _Alignas(16) char partner_stack[STACK_SIZE];

static ucontext_t ucontext_main, ucontext_partner;
static struct platform_context platform_main, platform_partner;

/* CLOCK_MONOTONIC in nanoseconds. */
static double now_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec * 1e9 + (double)now.tv_nsec;
}

/* Partner side of the swapcontext ping-pong: switch straight back, for ever. */
static void ucontext_partner_loop(void)
{
    for (;;)
        swapcontext(&ucontext_partner, &ucontext_main);
}

/* Partner side of the fast ping-pong. */
static void platform_partner_loop(void *argument)
{
    (void)argument;
    for (;;)
        platform_context_switch(&platform_partner, &platform_main);
}

/* Nanoseconds per switch of one swapcontext run. */
static double run_swapcontext(void)
{
    double start = now_ns();
    for (long trip = 0; trip < round_trips; trip++)
        swapcontext(&ucontext_main, &ucontext_partner);
    return (now_ns() - start) / (2.0 * (double)round_trips);
}

/* Nanoseconds per switch of one fast-switch run (interrupts disabled, as the contract says). */
static double run_fast(void)
{
    platform_irq_disable();
    double start = now_ns();
    for (long trip = 0; trip < round_trips; trip++)
        platform_context_switch(&platform_main, &platform_partner);
    return (now_ns() - start) / (2.0 * (double)round_trips);
}

/* qsort order for doubles. */
static int compare_doubles(const void *left, const void *right)
{
    double a = *(const double *)left, b = *(const double *)right;
    return (a > b) - (a < b);
}

/* Median of RUNS runs of measure. */
static double median_of_runs(double (*measure)(void))
{
    double samples[RUNS];
    for (int run = 0; run < RUNS; run++)
        samples[run] = measure();
    qsort(samples, RUNS, sizeof(samples[0]), compare_doubles);
    return samples[RUNS / 2];
}

int main(int argument_count, char **arguments)
{
    if (argument_count > 1) {
        round_trips = strtol(arguments[1], NULL, 0);
        if (round_trips <= 0) {
            fprintf(stderr, "usage: %s [round trips per run]\n", arguments[0]);
            return 2;
        }
    }

    getcontext(&ucontext_partner);
    ucontext_partner.uc_stack.ss_sp = partner_stack;
    ucontext_partner.uc_stack.ss_size = STACK_SIZE;
    ucontext_partner.uc_link = NULL;
    makecontext(&ucontext_partner, ucontext_partner_loop, 0);
    swapcontext(&ucontext_main, &ucontext_partner); /* warm up */
    double swapcontext_ns = median_of_runs(run_swapcontext);

    /* The ucontext partner is abandoned; its stack is reused for the fast partner. */
    platform_context_create(&platform_partner, partner_stack, STACK_SIZE,
                            platform_partner_loop, NULL);
    double fast_ns = median_of_runs(run_fast);

    printf("hosted context switch: swapcontext %.1f ns, fast %.1f ns (ratio %.1f)\n",
           swapcontext_ns, fast_ns, swapcontext_ns / fast_ns);
    return 0;
}
