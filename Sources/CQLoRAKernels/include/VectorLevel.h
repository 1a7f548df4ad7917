#ifndef CQLORAKERNELS_VECTOR_LEVEL_H
#define CQLORAKERNELS_VECTOR_LEVEL_H

/// The widest vector instructions a kernel may use.
typedef enum qlora_vector_level {
    /// What every CPU of the target has: SSE2 on x86-64, NEON on arm64.
    qlora_vector_baseline = 0,
    /// x86-64 with AVX2 (256-bit integer and float vectors), used without FMA.
    qlora_vector_avx2 = 1,
} qlora_vector_level;

/// The widest level this CPU and operating system support.
qlora_vector_level qlora_vector_level_detected(void);

#endif
