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

/// e^x in each lane: 0 below about -103.9, infinity above 88.72, NaN for NaN.
ALWAYS_INLINE float8 exponential8(float8 x) {
    // Past these bounds e^x is 0 or infinity anyway; inside them n fits the exponent arithmetic below.
    float8 clamped = __builtin_elementwise_min(__builtin_elementwise_max(x, splat8(-104.0f)), splat8(89.0f));
    // n = round(x / ln 2), to nearest even: adding 1.5 · 2²³ leaves no fraction bits.
    const float8 shifter = splat8(0x1.8p23f);
    float8 n = (clamped * splat8(1.44269504088896341f) + shifter) - shifter;
    // r = x - n ln 2, with ln 2 split in two so that n · 0.693359375 is exact.
    float8 r = clamped - n * splat8(0.693359375f);
    r = r - n * splat8(-2.12194440e-4f);
    float8 p = splat8(1.9875691500e-4f);
    p = p * r + splat8(1.3981999507e-3f);
    p = p * r + splat8(8.3334519073e-3f);
    p = p * r + splat8(4.1665795894e-2f);
    p = p * r + splat8(1.6666665459e-1f);
    p = p * r + splat8(5.0000001201e-1f);
    float8 y = (p * (r * r) + r) + splat8(1.0f);
    // 2^n as two normal powers of two, so that n from -150 to 129 needs no special case.
    int8v k = __builtin_convertvector(n, int8v);
    int8v half = k >> 1;
    int8v first_bits = (half + 127) << 23, second_bits = (k - half + 127) << 23;
    float8 first, second;
    memcpy(&first, &first_bits, sizeof first);
    memcpy(&second, &second_bits, sizeof second);
    float8 result = (y * first) * second;
    int8v is_nan = (int8v)(x != x), result_bits, x_bits;
    memcpy(&result_bits, &result, sizeof result);
    memcpy(&x_bits, &x, sizeof x);
    result_bits = (is_nan & x_bits) | (~is_nan & result_bits);
    memcpy(&result, &result_bits, sizeof result);
    return result;
}

#endif
