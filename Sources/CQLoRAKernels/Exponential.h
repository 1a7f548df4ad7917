// e^x for eight floats, the same bits on every machine. Private to this target.
//
// The C library's expf differs between systems (and between glibc's own variants by an ulp), so
// the kernels compute e^x themselves, from float additions and multiplications only, in a fixed
// order (Cody and Waite's reduction with Cephes' expf polynomial, within one ulp):
//
//     x = n ln 2 + r, |r| <= ln 2 / 2      e^x = 2^n · e^r      e^r ~ 1 + r + r² p(r)
#ifndef CQLORAKERNELS_EXPONENTIAL_H
#define CQLORAKERNELS_EXPONENTIAL_H

#include <string.h>
#include "VectorTypes.h"

#pragma clang fp contract(off)
// exponential8 is always inlined: no call passes its vectors across an ABI.
#pragma clang diagnostic ignored "-Wpsabi"

typedef int32_t int8v __attribute__((vector_size(32)));

ALWAYS_INLINE float8 splat8(float value) { return (float8){value, value, value, value, value, value, value, value}; }

/// e^x in each lane of a `float_type` (its integer twin `int_type`): 0 below about -103.9,
/// infinity above 88.72, NaN for NaN. One text for both widths below.
#define DEFINE_EXPONENTIAL(name, float_type, int_type)                                                     \
    ALWAYS_INLINE float_type name(float_type x) {                                                         \
        const float_type zero = {0};                                                                      \
        /* Past these bounds e^x is 0 or infinity anyway; inside them n fits the exponent arithmetic. */  \
        float_type clamped = __builtin_elementwise_min(__builtin_elementwise_max(x, zero - 104.0f), zero + 89.0f); \
        /* n = round(x / ln 2), to nearest even: adding 1.5 · 2²³ leaves no fraction bits. */            \
        float_type n = (clamped * 1.44269504088896341f + 0x1.8p23f) - 0x1.8p23f;                          \
        /* r = x - n ln 2, with ln 2 split in two so that n · 0.693359375 is exact. */                   \
        float_type r = clamped - n * 0.693359375f;                                                        \
        r = r - n * -2.12194440e-4f;                                                                      \
        float_type p = zero + 1.9875691500e-4f;                                                           \
        p = p * r + 1.3981999507e-3f;                                                                     \
        p = p * r + 8.3334519073e-3f;                                                                     \
        p = p * r + 4.1665795894e-2f;                                                                     \
        p = p * r + 1.6666665459e-1f;                                                                     \
        p = p * r + 5.0000001201e-1f;                                                                     \
        float_type y = (p * (r * r) + r) + 1.0f;                                                          \
        /* 2^n as two normal powers of two, so that n from -150 to 129 needs no special case. */         \
        int_type k = __builtin_convertvector(n, int_type);                                                \
        int_type half = k >> 1;                                                                           \
        int_type first_bits = (half + 127) << 23, second_bits = (k - half + 127) << 23;                   \
        float_type first, second;                                                                         \
        memcpy(&first, &first_bits, sizeof first);                                                        \
        memcpy(&second, &second_bits, sizeof second);                                                     \
        float_type result = (y * first) * second;                                                         \
        int_type is_nan = (int_type)(x != x), result_bits, x_bits;                                        \
        memcpy(&result_bits, &result, sizeof result);                                                     \
        memcpy(&x_bits, &x, sizeof x);                                                                    \
        result_bits = (is_nan & x_bits) | (~is_nan & result_bits);                                        \
        memcpy(&result, &result_bits, sizeof result);                                                     \
        return result;                                                                                    \
    }

DEFINE_EXPONENTIAL(exponential8, float8, int8v)
/// exponential8 for sixteen lanes at once: two independent chains of some sixty cycles each, which
/// the CPU overlaps where one alone leaves it waiting.
DEFINE_EXPONENTIAL(exponential16, float_lanes, int_lanes)

/// e^a and e^b in place, side by side (exponential16): the bits of exponential8 on each.
ALWAYS_INLINE void exponential_pair(float8 *a, float8 *b) {
    float_lanes both = exponential16(__builtin_shufflevector(*a, *b, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
    *a = __builtin_shufflevector(both, both, 0, 1, 2, 3, 4, 5, 6, 7);
    *b = __builtin_shufflevector(both, both, 8, 9, 10, 11, 12, 13, 14, 15);
}

#endif
