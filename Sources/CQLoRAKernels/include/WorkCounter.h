#ifndef CQLORAKERNELS_WORK_COUNTER_H
#define CQLORAKERNELS_WORK_COUNTER_H

#include <stddef.h>

/// Returns `*counter` and adds one to it, atomically: how threads claim the next piece of shared work.
static inline ptrdiff_t qlora_claim_next(ptrdiff_t *counter) {
    return __atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

#endif
