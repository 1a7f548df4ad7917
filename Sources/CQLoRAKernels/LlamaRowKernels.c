// The parts of a Llama layer between its matrix products, eight values at a time.
//
// Each row's sums (RMSNorm's mean square, a softmax's normaliser, a dot product) add into eight
// lanes, element j into lane j mod 8, and then fold the lanes in a fixed tree; a row's last few
// values are padded to eight with values that change nothing (0 for sums, -infinity for maxima).
// The order never depends on the vector level, so every machine computes the same bits.

#include "LlamaRowKernels.h"
#include "Exponential.h"
#include "Variant.h"
#include "VectorTypes.h"

#include <math.h>
#include <string.h>

#pragma clang fp contract(off)
// The helpers below pass vectors by value but are always inlined: no call crosses an ABI.
#pragma clang diagnostic ignored "-Wpsabi"

ALWAYS_INLINE float8 load8(const float *source) {
    float8 v;
    memcpy(&v, source, sizeof v);
    return v;
}

ALWAYS_INLINE void store8(float *destination, float8 v) { memcpy(destination, &v, sizeof v); }

/// The first `count` (< 8) values at `source`, the other lanes `fill`.
ALWAYS_INLINE float8 load_partial(const float *source, ptrdiff_t count, float fill) {
    float8 v = splat8(fill);
    for (ptrdiff_t lane = 0; lane < count; lane++) v[lane] = source[lane];
    return v;
}

ALWAYS_INLINE void store_partial(float *destination, float8 v, ptrdiff_t count) {
    for (ptrdiff_t lane = 0; lane < count; lane++) destination[lane] = v[lane];
}

/// v with lanes from `count` on set to 0.
ALWAYS_INLINE float8 keep_lanes(float8 v, ptrdiff_t count) {
    for (ptrdiff_t lane = count; lane < 8; lane++) v[lane] = 0;
    return v;
}

/// ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7)).
ALWAYS_INLINE float sum_lanes(float8 v) {
    float4 halves = __builtin_shufflevector(v, v, 0, 1, 2, 3) + __builtin_shufflevector(v, v, 4, 5, 6, 7);
    return (halves[0] + halves[2]) + (halves[1] + halves[3]);
}

ALWAYS_INLINE float max_lanes(float8 v) {
    float maximum = v[0];
    for (int lane = 1; lane < 8; lane++) maximum = __builtin_fmaxf(maximum, v[lane]);
    return maximum;
}

ALWAYS_INLINE void exponential(const float *x, float *y, ptrdiff_t count) {
    ptrdiff_t full = count & ~(ptrdiff_t)7;
    ptrdiff_t i = 0;
    for (; i + 16 <= full; i += 16) {
        float8 low = load8(x + i), high = load8(x + i + 8);
        exponential_pair(&low, &high);
        store8(y + i, low);
        store8(y + i + 8, high);
    }
    for (; i < full; i += 8) store8(y + i, exponential8(load8(x + i)));
    if (count > full) store_partial(y + full, exponential8(load_partial(x + full, count - full, 0)), count - full);
}
DEFINE_VARIANTS(exponential, (const float *x, float *y, ptrdiff_t count), (x, y, count))

void qlora_exponential(qlora_vector_level level, const float *x, float *y, ptrdiff_t count) {
    VARIANT(exponential, level)(x, y, count);
}

// MARK: RMSNorm

ALWAYS_INLINE void rms_norm_rows(
    const float *x, const float *weight, ptrdiff_t width, float epsilon, ptrdiff_t rows, float *y, float *inverse_rms)
{
    ptrdiff_t full = width & ~(ptrdiff_t)7, rest = width - full;
    for (ptrdiff_t n = 0; n < rows; n++, x += width, y += width) {
        float8 squares = {0};
        for (ptrdiff_t c = 0; c < full; c += 8) {
            float8 value = load8(x + c);
            squares += value * value;
        }
        if (rest) {
            float8 value = load_partial(x + full, rest, 0);
            squares += value * value;
        }
        float r = 1 / sqrtf(sum_lanes(squares) / (float)width + epsilon);
        inverse_rms[n] = r;
        for (ptrdiff_t c = 0; c < full; c += 8) store8(y + c, load8(weight + c) * (load8(x + c) * r));
        if (rest) {
            store_partial(y + full, load_partial(weight + full, rest, 0) * (load_partial(x + full, rest, 0) * r), rest);
        }
    }
}
DEFINE_VARIANTS(rms_norm_rows,
    (const float *x, const float *weight, ptrdiff_t width, float epsilon, ptrdiff_t rows, float *y, float *inverse_rms),
    (x, weight, width, epsilon, rows, y, inverse_rms))

void qlora_rms_norm_rows(
    qlora_vector_level level, const float *x, const float *weight, ptrdiff_t width, float epsilon, ptrdiff_t rows,
    float *y, float *inverse_rms)
{
    VARIANT(rms_norm_rows, level)(x, weight, width, epsilon, rows, y, inverse_rms);
}

ALWAYS_INLINE void rms_norm_rows_backward(
    const float *x, const float *weight, const float *inverse_rms, const float *output_gradient, ptrdiff_t width,
    ptrdiff_t rows, float *input_gradient)
{
    ptrdiff_t full = width & ~(ptrdiff_t)7, rest = width - full;
    for (ptrdiff_t n = 0; n < rows; n++, x += width, output_gradient += width, input_gradient += width) {
        float r = inverse_rms[n];
        float8 dots = {0};
        for (ptrdiff_t c = 0; c < full; c += 8) {
            dots += (load8(weight + c) * load8(output_gradient + c)) * (load8(x + c) * r);
        }
        if (rest) {
            dots += (load_partial(weight + full, rest, 0) * load_partial(output_gradient + full, rest, 0))
                * (load_partial(x + full, rest, 0) * r);
        }
        float mean_dot = sum_lanes(dots) / (float)width;
        for (ptrdiff_t c = 0; c < full; c += 8) {
            float8 normalized = load8(x + c) * r;
            float8 g = load8(weight + c) * load8(output_gradient + c);
            store8(input_gradient + c, load8(input_gradient + c) + r * (g - normalized * mean_dot));
        }
        for (ptrdiff_t c = full; c < width; c++) {
            float normalized = x[c] * r;
            input_gradient[c] += r * (weight[c] * output_gradient[c] - normalized * mean_dot);
        }
    }
}
DEFINE_VARIANTS(rms_norm_rows_backward,
    (const float *x, const float *weight, const float *inverse_rms, const float *output_gradient, ptrdiff_t width,
     ptrdiff_t rows, float *input_gradient),
    (x, weight, inverse_rms, output_gradient, width, rows, input_gradient))

void qlora_rms_norm_rows_backward(
    qlora_vector_level level, const float *x, const float *weight, const float *inverse_rms,
    const float *output_gradient, ptrdiff_t width, ptrdiff_t rows, float *input_gradient)
{
    VARIANT(rms_norm_rows_backward, level)(x, weight, inverse_rms, output_gradient, width, rows, input_gradient);
}

ALWAYS_INLINE void rms_norm_weight_gradient(
    const float *x, const float *inverse_rms, const float *output_gradient, ptrdiff_t width, ptrdiff_t rows,
    float *weight_gradient)
{
    ptrdiff_t full = width & ~(ptrdiff_t)7;
    for (ptrdiff_t n = 0; n < rows; n++, x += width, output_gradient += width) {
        float r = inverse_rms[n];
        for (ptrdiff_t c = 0; c < full; c += 8) {
            store8(weight_gradient + c, load8(weight_gradient + c) + load8(output_gradient + c) * (load8(x + c) * r));
        }
        for (ptrdiff_t c = full; c < width; c++) weight_gradient[c] += output_gradient[c] * (x[c] * r);
    }
}
DEFINE_VARIANTS(rms_norm_weight_gradient,
    (const float *x, const float *inverse_rms, const float *output_gradient, ptrdiff_t width, ptrdiff_t rows,
     float *weight_gradient),
    (x, inverse_rms, output_gradient, width, rows, weight_gradient))

void qlora_rms_norm_weight_gradient(
    qlora_vector_level level, const float *x, const float *inverse_rms, const float *output_gradient,
    ptrdiff_t width, ptrdiff_t rows, float *weight_gradient)
{
    VARIANT(rms_norm_weight_gradient, level)(x, inverse_rms, output_gradient, width, rows, weight_gradient);
}

// MARK: Rotary position embedding

ALWAYS_INLINE void rotate_rows(
    float *x, ptrdiff_t first_row, ptrdiff_t rows, ptrdiff_t sequence_length, ptrdiff_t heads, ptrdiff_t half,
    const float *cos, const float *sin, float sin_sign)
{
    ptrdiff_t full = half & ~(ptrdiff_t)7, rest = half - full;
    for (ptrdiff_t n = first_row; n < first_row + rows; n++) {
        const float *c = cos + (n % sequence_length) * half, *s = sin + (n % sequence_length) * half;
        for (ptrdiff_t h = 0; h < heads; h++) {
            float *first = x + (n * heads + h) * 2 * half, *second = first + half;
            for (ptrdiff_t i = 0; i < full; i += 8) {
                float8 x1 = load8(first + i), x2 = load8(second + i);
                float8 cosine = load8(c + i), sine = sin_sign * load8(s + i);
                store8(first + i, x1 * cosine - x2 * sine);
                store8(second + i, x2 * cosine + x1 * sine);
            }
            if (rest) {
                float8 x1 = load_partial(first + full, rest, 0), x2 = load_partial(second + full, rest, 0);
                float8 cosine = load_partial(c + full, rest, 0), sine = sin_sign * load_partial(s + full, rest, 0);
                store_partial(first + full, x1 * cosine - x2 * sine, rest);
                store_partial(second + full, x2 * cosine + x1 * sine, rest);
            }
        }
    }
}
DEFINE_VARIANTS(rotate_rows,
    (float *x, ptrdiff_t first_row, ptrdiff_t rows, ptrdiff_t sequence_length, ptrdiff_t heads, ptrdiff_t half,
     const float *cos, const float *sin, float sin_sign),
    (x, first_row, rows, sequence_length, heads, half, cos, sin, sin_sign))

void qlora_rotate_rows(
    qlora_vector_level level, float *x, ptrdiff_t first_row, ptrdiff_t rows, ptrdiff_t sequence_length,
    ptrdiff_t heads, ptrdiff_t half, const float *cos, const float *sin, float sin_sign)
{
    VARIANT(rotate_rows, level)(x, first_row, rows, sequence_length, heads, half, cos, sin, sin_sign);
}

// MARK: Causal softmax

/// The largest of `count` values.
ALWAYS_INLINE float maximum_of(const float *values, ptrdiff_t count) {
    ptrdiff_t full = count & ~(ptrdiff_t)7;
    float8 maxima = splat8(-INFINITY);
    for (ptrdiff_t j = 0; j < full; j += 8) maxima = __builtin_elementwise_max(maxima, load8(values + j));
    if (count > full) maxima = __builtin_elementwise_max(maxima, load_partial(values + full, count - full, -INFINITY));
    return max_lanes(maxima);
}

ALWAYS_INLINE void causal_softmax_rows(float *scores, ptrdiff_t first_row, ptrdiff_t rows, ptrdiff_t width) {
    for (ptrdiff_t local = 0; local < rows; local++) {
        float *row = scores + local * width;
        ptrdiff_t count = first_row + local + 1, full = count & ~(ptrdiff_t)7, rest = count - full;
        float8 maximum = splat8(maximum_of(row, count));
        float8 sums = {0};
        ptrdiff_t j = 0;
        for (; j + 16 <= full; j += 16) {
            float8 low = load8(row + j) - maximum, high = load8(row + j + 8) - maximum;
            exponential_pair(&low, &high);
            store8(row + j, low);
            store8(row + j + 8, high);
            sums += low;
            sums += high;
        }
        for (; j < full; j += 8) {
            float8 e = exponential8(load8(row + j) - maximum);
            store8(row + j, e);
            sums += e;
        }
        if (rest) {
            float8 e = keep_lanes(exponential8(load_partial(row + full, rest, 0) - maximum), rest);
            store_partial(row + full, e, rest);
            sums += e;
        }
        float inverse = 1 / sum_lanes(sums);
        for (ptrdiff_t j = 0; j < full; j += 8) store8(row + j, load8(row + j) * inverse);
        for (ptrdiff_t j = full; j < count; j++) row[j] *= inverse;
        for (ptrdiff_t j = count; j < width; j++) row[j] = 0;
    }
}
DEFINE_VARIANTS(causal_softmax_rows,
    (float *scores, ptrdiff_t first_row, ptrdiff_t rows, ptrdiff_t width), (scores, first_row, rows, width))

void qlora_causal_softmax_rows(
    qlora_vector_level level, float *scores, ptrdiff_t first_row, ptrdiff_t rows, ptrdiff_t width)
{
    VARIANT(causal_softmax_rows, level)(scores, first_row, rows, width);
}

ALWAYS_INLINE void causal_softmax_rows_backward(
    const float *probabilities, float *gradient, ptrdiff_t first_row, ptrdiff_t rows, ptrdiff_t width)
{
    for (ptrdiff_t local = 0; local < rows; local++) {
        const float *p = probabilities + local * width;
        float *g = gradient + local * width;
        ptrdiff_t count = first_row + local + 1, full = count & ~(ptrdiff_t)7, rest = count - full;
        float8 dots = {0};
        for (ptrdiff_t j = 0; j < full; j += 8) dots += load8(p + j) * load8(g + j);
        if (rest) dots += load_partial(p + full, rest, 0) * load_partial(g + full, rest, 0);
        float dot = sum_lanes(dots);
        for (ptrdiff_t j = 0; j < full; j += 8) store8(g + j, load8(p + j) * (load8(g + j) - dot));
        for (ptrdiff_t j = full; j < count; j++) g[j] = p[j] * (g[j] - dot);
        for (ptrdiff_t j = count; j < width; j++) g[j] = 0;
    }
}
DEFINE_VARIANTS(causal_softmax_rows_backward,
    (const float *probabilities, float *gradient, ptrdiff_t first_row, ptrdiff_t rows, ptrdiff_t width),
    (probabilities, gradient, first_row, rows, width))

void qlora_causal_softmax_rows_backward(
    qlora_vector_level level, const float *probabilities, float *gradient, ptrdiff_t first_row, ptrdiff_t rows,
    ptrdiff_t width)
{
    VARIANT(causal_softmax_rows_backward, level)(probabilities, gradient, first_row, rows, width);
}

// MARK: SwiGLU

/// σ(g) = 1 / (1 + e^-g).
ALWAYS_INLINE float8 sigmoid8(float8 g) { return 1 / (1 + exponential8(-g)); }

ALWAYS_INLINE void swiglu(const float *gate, const float *up, float *activated, ptrdiff_t count) {
    ptrdiff_t full = count & ~(ptrdiff_t)7, rest = count - full, i = 0;
    for (; i + 16 <= full; i += 16) {
        float8 low = load8(gate + i), high = load8(gate + i + 8);
        float8 low_exponential = -low, high_exponential = -high;
        exponential_pair(&low_exponential, &high_exponential);
        store8(activated + i, low * (1 / (1 + low_exponential)) * load8(up + i));
        store8(activated + i + 8, high * (1 / (1 + high_exponential)) * load8(up + i + 8));
    }
    for (; i < full; i += 8) {
        float8 g = load8(gate + i);
        store8(activated + i, g * sigmoid8(g) * load8(up + i));
    }
    if (rest) {
        float8 g = load_partial(gate + full, rest, 0);
        store_partial(activated + full, g * sigmoid8(g) * load_partial(up + full, rest, 0), rest);
    }
}
DEFINE_VARIANTS(swiglu,
    (const float *gate, const float *up, float *activated, ptrdiff_t count), (gate, up, activated, count))

void qlora_swiglu(qlora_vector_level level, const float *gate, const float *up, float *activated, ptrdiff_t count) {
    VARIANT(swiglu, level)(gate, up, activated, count);
}

ALWAYS_INLINE void swiglu_backward_lanes(
    float8 g, float8 sigmoid, float8 u, float8 da, float8 *gate_gradient, float8 *up_gradient)
{
    *gate_gradient = da * u * sigmoid * (1 + g * (1 - sigmoid));
    *up_gradient = da * g * sigmoid;
}

ALWAYS_INLINE void swiglu_backward(
    const float *gate, const float *up, const float *activated_gradient, float *gate_gradient, float *up_gradient,
    ptrdiff_t count)
{
    ptrdiff_t full = count & ~(ptrdiff_t)7, rest = count - full, i = 0;
    float8 dg, du;
    for (; i + 16 <= full; i += 16) {
        float8 low = load8(gate + i), high = load8(gate + i + 8);
        float8 low_exponential = -low, high_exponential = -high;
        exponential_pair(&low_exponential, &high_exponential);
        swiglu_backward_lanes(
            low, 1 / (1 + low_exponential), load8(up + i), load8(activated_gradient + i), &dg, &du);
        store8(gate_gradient + i, dg);
        store8(up_gradient + i, du);
        swiglu_backward_lanes(
            high, 1 / (1 + high_exponential), load8(up + i + 8), load8(activated_gradient + i + 8), &dg, &du);
        store8(gate_gradient + i + 8, dg);
        store8(up_gradient + i + 8, du);
    }
    for (; i < full; i += 8) {
        float8 g = load8(gate + i);
        swiglu_backward_lanes(g, sigmoid8(g), load8(up + i), load8(activated_gradient + i), &dg, &du);
        store8(gate_gradient + i, dg);
        store8(up_gradient + i, du);
    }
    if (rest) {
        float8 g = load_partial(gate + full, rest, 0);
        swiglu_backward_lanes(
            g, sigmoid8(g), load_partial(up + full, rest, 0), load_partial(activated_gradient + full, rest, 0), &dg, &du);
        store_partial(gate_gradient + full, dg, rest);
        store_partial(up_gradient + full, du, rest);
    }
}
DEFINE_VARIANTS(swiglu_backward,
    (const float *gate, const float *up, const float *activated_gradient, float *gate_gradient, float *up_gradient,
     ptrdiff_t count),
    (gate, up, activated_gradient, gate_gradient, up_gradient, count))

void qlora_swiglu_backward(
    qlora_vector_level level, const float *gate, const float *up, const float *activated_gradient,
    float *gate_gradient, float *up_gradient, ptrdiff_t count)
{
    VARIANT(swiglu_backward, level)(gate, up, activated_gradient, gate_gradient, up_gradient, count);
}

// MARK: Causal-LM loss

ALWAYS_INLINE void cross_entropy_rows(
    const float *logits, const int32_t *ids, ptrdiff_t first_row, ptrdiff_t rows, ptrdiff_t sequence_length,
    ptrdiff_t vocabulary, ptrdiff_t predicted, float *row_losses, float *gradient)
{
    ptrdiff_t full = vocabulary & ~(ptrdiff_t)7, rest = vocabulary - full;
    for (ptrdiff_t local = 0; local < rows; local++) {
        ptrdiff_t n = first_row + local;
        const float *z = logits + local * vocabulary;
        float *dz = gradient ? gradient + local * vocabulary : NULL;
        if (n % sequence_length == sequence_length - 1) {
            row_losses[local] = 0;
            if (dz) memset(dz, 0, (size_t)vocabulary * sizeof(float));
            continue;
        }
        ptrdiff_t target = ids[n + 1];
        float8 maximum = splat8(maximum_of(z, vocabulary));
        // With a gradient wanted, each e^(z - max) is kept in it, to be scaled once the sum is known.
        float8 sums = {0};
        ptrdiff_t v = 0;
        for (; v + 16 <= full; v += 16) {
            float8 low = load8(z + v) - maximum, high = load8(z + v + 8) - maximum;
            exponential_pair(&low, &high);
            if (dz) {
                store8(dz + v, low);
                store8(dz + v + 8, high);
            }
            sums += low;
            sums += high;
        }
        for (; v < full; v += 8) {
            float8 e = exponential8(load8(z + v) - maximum);
            if (dz) store8(dz + v, e);
            sums += e;
        }
        if (rest) {
            float8 e = keep_lanes(exponential8(load_partial(z + full, rest, 0) - maximum), rest);
            if (dz) store_partial(dz + full, e, rest);
            sums += e;
        }
        float sum = sum_lanes(sums);
        row_losses[local] = maximum[0] + logf(sum) - z[target];
        if (!dz) continue;
        float scale = 1 / (sum * (float)predicted);
        for (ptrdiff_t v = 0; v < full; v += 8) store8(dz + v, load8(dz + v) * scale);
        for (ptrdiff_t v = full; v < vocabulary; v++) dz[v] *= scale;
        dz[target] -= 1 / (float)predicted;
    }
}
DEFINE_VARIANTS(cross_entropy_rows,
    (const float *logits, const int32_t *ids, ptrdiff_t first_row, ptrdiff_t rows, ptrdiff_t sequence_length,
     ptrdiff_t vocabulary, ptrdiff_t predicted, float *row_losses, float *gradient),
    (logits, ids, first_row, rows, sequence_length, vocabulary, predicted, row_losses, gradient))

void qlora_cross_entropy_rows(
    qlora_vector_level level, const float *logits, const int32_t *ids, ptrdiff_t first_row, ptrdiff_t rows,
    ptrdiff_t sequence_length, ptrdiff_t vocabulary, ptrdiff_t predicted, float *row_losses, float *gradient)
{
    VARIANT(cross_entropy_rows, level)(
        logits, ids, first_row, rows, sequence_length, vocabulary, predicted, row_losses, gradient);
}
