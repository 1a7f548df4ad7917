// What the blockwise quantization kernels share: how a block's absmax is found and checked.
#ifndef CQLORAKERNELS_BLOCK_SCALE_H
#define CQLORAKERNELS_BLOCK_SCALE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "VectorTypes.h"

/// bitsandbytes' `absmax.clamp(min=1e-38)`: an all-zero block scales to zeros instead of NaN.
static const float smallest_divisor = 1e-38f;

/// Bits of a float's magnitude at and above which it is an infinity or a NaN.
static const int32_t non_finite_bits = 0x7f800000;

ALWAYS_INLINE float float_from_bits(int32_t bits) {
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

/// The largest magnitude of `length` values, as bits.
///
/// A non-negative float orders like its bits read as an integer, and every infinity or NaN reads
/// as larger than any finite value: one integer max per vector finds the absmax and checks the
/// block on the way through.
ALWAYS_INLINE int32_t largest_magnitude_bits(const float *values, ptrdiff_t length) {
    ptrdiff_t index = 0;
    int_lanes largest = {0};
    for (; index + lane_count <= length; index += lane_count) {
        int_lanes bits;
        memcpy(&bits, values + index, sizeof bits);
        largest = __builtin_elementwise_max(largest, bits & 0x7fffffff);
    }
    int32_t result = __builtin_reduce_max(largest);
    for (; index < length; index++) {
        int32_t bits;
        memcpy(&bits, values + index, sizeof bits);
        bits &= 0x7fffffff;
        if (bits > result) result = bits;
    }
    return result;
}

#endif
