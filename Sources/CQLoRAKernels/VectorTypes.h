// Vector types and shuffles the kernels share. Private to this target.
#ifndef CQLORAKERNELS_VECTOR_TYPES_H
#define CQLORAKERNELS_VECTOR_TYPES_H

#include <stdint.h>

#define ALWAYS_INLINE static inline __attribute__((always_inline))

/// Four floats: one SSE or NEON register.
typedef float float4 __attribute__((vector_size(16)));
/// Eight floats: one AVX register, or two SSE/NEON registers on the baseline.
typedef float float8 __attribute__((vector_size(32)));
/// The same, read from or written to any float address.
typedef float float8_unaligned __attribute__((vector_size(32), aligned(4)));

// Bodies that use the compiler's generic vectors serve every level with one text: built for AVX2,
// a vector of 16 floats is two 256-bit registers; for the baseline, four SSE2 (or NEON) ones.
typedef float float_lanes __attribute__((vector_size(64)));
typedef int32_t int_lanes __attribute__((vector_size(64)));

enum { lane_count = 16 };

/// Eight 32-bit lanes of any kind: the shuffles of a transpose move bits, never round them.
typedef uint32_t lanes8 __attribute__((vector_size(32)));
typedef uint32_t lanes8_unaligned __attribute__((vector_size(32), aligned(4)));

/// Transposes eight vectors of eight lanes in place: lane j of vector i goes to lane i of vector j.
ALWAYS_INLINE void transpose8x8(lanes8 v[8]) {
    lanes8 u[8], w[8];
    for (int i = 0; i < 8; i += 2) {
        u[i] = __builtin_shufflevector(v[i], v[i + 1], 0, 8, 1, 9, 4, 12, 5, 13);
        u[i + 1] = __builtin_shufflevector(v[i], v[i + 1], 2, 10, 3, 11, 6, 14, 7, 15);
    }
    for (int i = 0; i < 8; i += 4) {
        w[i] = __builtin_shufflevector(u[i], u[i + 2], 0, 1, 8, 9, 4, 5, 12, 13);
        w[i + 1] = __builtin_shufflevector(u[i], u[i + 2], 2, 3, 10, 11, 6, 7, 14, 15);
        w[i + 2] = __builtin_shufflevector(u[i + 1], u[i + 3], 0, 1, 8, 9, 4, 5, 12, 13);
        w[i + 3] = __builtin_shufflevector(u[i + 1], u[i + 3], 2, 3, 10, 11, 6, 7, 14, 15);
    }
    for (int i = 0; i < 4; i++) {
        v[i] = __builtin_shufflevector(w[i], w[i + 4], 0, 1, 2, 3, 8, 9, 10, 11);
        v[i + 4] = __builtin_shufflevector(w[i], w[i + 4], 4, 5, 6, 7, 12, 13, 14, 15);
    }
}

#endif
