#ifndef CQLORAKERNELS_WORKER_POOL_H
#define CQLORAKERNELS_WORKER_POOL_H

#include <stddef.h>

/// One worker's part of a parallel job: `task(context, worker)`.
typedef void (*qlora_task)(void *context, ptrdiff_t worker);

/// Threads that wait for parallel jobs, started once, so that running a job allocates nothing.
typedef struct qlora_worker_pool qlora_worker_pool;

/// Starts `helpers` threads (at most 63); null when the system refuses.
qlora_worker_pool *qlora_worker_pool_create(int helpers);

/// Runs `task(context, w)` for every w in 0..<workers, worker 0 on the calling thread and the
/// others on the pool's threads, and returns 1 when all have finished. Returns 0 without running
/// anything when the pool is running another job or has too few threads: the caller runs the job
/// another way.
int qlora_worker_pool_run(qlora_worker_pool *pool, qlora_task task, void *context, ptrdiff_t workers);

#endif
