// A pool of threads for the engine's parallel loops.
//
// A training step of the tiny Llama runs a few hundred parallel loops of a fraction of a
// millisecond each. Handing each to a dispatch queue allocates, and wakes a thread from sleep;
// here the threads are started once, and between jobs each spins briefly on the job counter
// before it sleeps, so the next job usually finds it awake. Which thread runs which worker
// index never matters to the results: workers write disjoint memory.

#include "WorkerPool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

enum { most_helpers = 63, spins_before_sleeping = 4000 };

struct qlora_worker_pool {
    pthread_mutex_t mutex;
    pthread_cond_t job_posted;
    pthread_cond_t job_finished;
    /// Counts the jobs posted.
    uint_fast64_t jobs;
    /// Helpers that have not yet finished the current job.
    atomic_int unfinished;
    /// 1 while a job runs: one caller at a time.
    atomic_int busy;
    qlora_task task;
    void *context;
    int helpers;
    struct helper {
        struct qlora_worker_pool *pool;
        /// The worker index this helper runs.
        int index;
        /// The last job given to this helper: it waits for this to change. A job with fewer
        /// workers than helpers leaves the others asleep.
        atomic_uint_fast64_t job;
        pthread_t thread;
    } helper[most_helpers];
};

static inline void pause_briefly(void) {
#if defined(__x86_64__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

static void *helper_main(void *argument) {
    struct helper *self = argument;
    qlora_worker_pool *pool = self->pool;
    uint_fast64_t seen = 0;
    for (;;) {
        int spins = 0;
        while (atomic_load(&self->job) == seen && spins++ < spins_before_sleeping) pause_briefly();
        if (atomic_load(&self->job) == seen) {
            pthread_mutex_lock(&pool->mutex);
            while (atomic_load(&self->job) == seen) pthread_cond_wait(&pool->job_posted, &pool->mutex);
            pthread_mutex_unlock(&pool->mutex);
        }
        seen = atomic_load(&self->job);
        // The job's task and context were written before this helper's job number; the caller
        // writes the next job's only after every helper given this one has finished it.
        pool->task(pool->context, self->index);
        if (atomic_fetch_sub(&pool->unfinished, 1) == 1) {
            pthread_mutex_lock(&pool->mutex);
            pthread_cond_signal(&pool->job_finished);
            pthread_mutex_unlock(&pool->mutex);
        }
    }
    return NULL;
}

qlora_worker_pool *qlora_worker_pool_create(int helpers) {
    if (helpers < 0) helpers = 0;
    if (helpers > most_helpers) helpers = most_helpers;
    qlora_worker_pool *pool = calloc(1, sizeof *pool);
    if (!pool) return NULL;
    pthread_mutex_init(&pool->mutex, NULL);
    pthread_cond_init(&pool->job_posted, NULL);
    pthread_cond_init(&pool->job_finished, NULL);
    for (int i = 0; i < helpers; i++) {
        pool->helper[i].pool = pool;
        pool->helper[i].index = i + 1;
        atomic_init(&pool->helper[i].job, 0);
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        int failed = pthread_create(&pool->helper[i].thread, &attributes, helper_main, &pool->helper[i]);
        pthread_attr_destroy(&attributes);
        if (failed) break;
        pool->helpers = i + 1;
    }
    return pool;
}

int qlora_worker_pool_run(qlora_worker_pool *pool, qlora_task task, void *context, ptrdiff_t workers) {
    if (!pool || workers - 1 > pool->helpers) return 0;
    int idle = 0;
    if (!atomic_compare_exchange_strong(&pool->busy, &idle, 1)) return 0;
    pool->task = task;
    pool->context = context;
    atomic_store(&pool->unfinished, (int)(workers - 1));
    pthread_mutex_lock(&pool->mutex);
    pool->jobs += 1;
    for (ptrdiff_t w = 1; w < workers; w++) atomic_store(&pool->helper[w - 1].job, pool->jobs);
    pthread_cond_broadcast(&pool->job_posted);
    pthread_mutex_unlock(&pool->mutex);
    task(context, 0);
    int spins = 0;
    while (atomic_load(&pool->unfinished) != 0 && spins++ < spins_before_sleeping) pause_briefly();
    if (atomic_load(&pool->unfinished) != 0) {
        pthread_mutex_lock(&pool->mutex);
        while (atomic_load(&pool->unfinished) != 0) pthread_cond_wait(&pool->job_finished, &pool->mutex);
        pthread_mutex_unlock(&pool->mutex);
    }
    atomic_store(&pool->busy, 0);
    return 1;
}
