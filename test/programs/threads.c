/* threads: pthreads on clone(CLONE_VM|CLONE_THREAD|CLONE_SETTLS...):
 * a mutex-protected counter, a condition variable hand-off, thread-local
 * storage, join return values, distinct tids in one thread group, and
 * exit_group from a thread ending the process. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "common.h"

#define THREADS 4
#define ROUNDS 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static long counter;
static int turn;
static __thread int local_value;
static pid_t tids[THREADS];

static void *count_up(void *argument)
{
    long index = (long)argument;
    local_value = (int)index * 100;
    tids[index] = (pid_t)syscall(SYS_gettid);
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&lock);
        counter++;
        pthread_mutex_unlock(&lock);
        if (i % 1000 == 0)
            sched_yield();
    }
    return (void *)(long)(local_value + (getpid() == (pid_t)syscall(SYS_getpid)));
}

static void *take_turns(void *argument)
{
    long index = (long)argument;
    for (int round = 0; round < 5; round++) {
        pthread_mutex_lock(&lock);
        while (turn % 2 != index)
            pthread_cond_wait(&changed, &lock);
        printf("turn %d by thread %ld\n", turn, index);
        turn++;
        pthread_cond_broadcast(&changed);
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

static void *exit_everything(void *argument)
{
    (void)argument;
    usleep(50000);
    exit(9);
}

int main(void)
{
    program_start();
    pthread_t threads[THREADS];
    local_value = -1;
    for (long i = 0; i < THREADS; i++)
        pthread_create(&threads[i], NULL, count_up, (void *)i);
    for (long i = 0; i < THREADS; i++) {
        void *result;
        pthread_join(threads[i], &result);
        printf("thread %ld returned %ld\n", i, (long)result);
    }
    printf("counter %ld (expected %d)\n", counter, THREADS * ROUNDS);
    printf("main's thread-local value untouched: %d\n", local_value);
    int distinct = 1;
    for (int i = 0; i < THREADS; i++)
        for (int j = i + 1; j < THREADS; j++)
            distinct &= tids[i] != tids[j];
    fact("thread ids distinct", distinct);
    fact("thread ids differ from the pid", tids[0] != getpid());

    pthread_t pair[2];
    for (long i = 0; i < 2; i++)
        pthread_create(&pair[i], NULL, take_turns, (void *)i);
    for (int i = 0; i < 2; i++)
        pthread_join(pair[i], NULL);

    pid_t child = fork();
    if (child == 0) {
        pthread_t thread;
        pthread_create(&thread, NULL, exit_everything, NULL);
        for (;;)
            pause();
    }
    int status;
    waitpid(child, &status, 0);
    printf("exit() in a thread ends the process: exited %d code %d\n", WIFEXITED(status), WEXITSTATUS(status));
    return 0;
}
