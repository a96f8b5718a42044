/* selftests.h — the individual self-tests, one family per file. */
#ifndef RK_CORE_SELFTESTS_H
#define RK_CORE_SELFTESTS_H

int selftest_heap(void);
int selftest_pages(void);
int selftest_threads(void);
int selftest_waitqueue(void);
int selftest_sched_policy(void);
int selftest_timers(void);
int selftest_sleep(void);
int selftest_registry(void);
int selftest_address_space(void);
int selftest_tree(void);

#endif
