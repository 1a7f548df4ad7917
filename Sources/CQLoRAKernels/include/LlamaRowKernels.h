#ifndef CQLORAKERNELS_LLAMA_ROW_KERNELS_H
#define CQLORAKERNELS_LLAMA_ROW_KERNELS_H

#include <stddef.h>
#include <stdint.h>
#include "VectorLevel.h"

// The parts of a Llama layer that are not matrix products, row by row: each takes the rows it
// is given (pointers at the first one) and writes only those, so callers may split rows between
// threads. A row's sums run over eight lanes and then a fixed tree, the same on every machine.

/// e^x for `count` values, as every kernel here computes it (within one ulp; 0 below about -103.9,
/// infinity above 88.72).
void qlora_exponential(qlora_vector_level level, const float *x, float *y, ptrdiff_t count);

/// RMSNorm: y = w ⊙ x · r with r = 1 / sqrt(mean(x²) + ε), for `rows` rows of `width`; keeps r.
void qlora_rms_norm_rows(
    qlora_vector_level level, const float *x, const float *weight, ptrdiff_t width, float epsilon, ptrdiff_t rows,
    float *y, float *inverse_rms);

/// RMSNorm's backward into x: with x̂ = x r and g = w ⊙ dy, dx += r (g - x̂ · mean(g ⊙ x̂)).
void qlora_rms_norm_rows_backward(
    qlora_vector_level level, const float *x, const float *weight, const float *inverse_rms,
    const float *output_gradient, ptrdiff_t width, ptrdiff_t rows, float *input_gradient);

/// RMSNorm's weight gradient: dw += Σ dy ⊙ x̂ over `rows` rows, in row order.
void qlora_rms_norm_weight_gradient(
    qlora_vector_level level, const float *x, const float *inverse_rms, const float *output_gradient,
    ptrdiff_t width, ptrdiff_t rows, float *weight_gradient);

/// Rotary position embedding in place for `rows` tokens starting at token `first_row`: in each of
/// `heads` heads of width 2 · half, the pairs (i, i + half) turn by the angle of the token's
/// position (`first_row + row` modulo `sequence_length`) times `sin_sign` (1 forward, -1 backward):
/// x₁' = x₁ c - x₂ s, x₂' = x₂ c + x₁ s, with c and s from the `[position, half]` tables.
void qlora_rotate_rows(
    qlora_vector_level level, float *x, ptrdiff_t first_row, ptrdiff_t rows, ptrdiff_t sequence_length,
    ptrdiff_t heads, ptrdiff_t half, const float *cos, const float *sin, float sin_sign);

/// Causal softmax of `rows` score rows stored `width` apart, the first being query `first_row`:
/// row i becomes softmax over columns 0...i, and its columns after i become 0.
void qlora_causal_softmax_rows(
    qlora_vector_level level, float *scores, ptrdiff_t first_row, ptrdiff_t rows, ptrdiff_t width);

/// The causal softmax's backward in place, laid out as its forward: dS = P ⊙ (dP - Σ_j dP ⊙ P).
void qlora_causal_softmax_rows_backward(
    qlora_vector_level level, const float *probabilities, float *gradient, ptrdiff_t first_row, ptrdiff_t rows,
    ptrdiff_t width);

/// SwiGLU: a = silu(g) ⊙ u, silu(g) = g σ(g), for `count` values.
void qlora_swiglu(qlora_vector_level level, const float *gate, const float *up, float *activated, ptrdiff_t count);

/// SwiGLU's backward: dg = da ⊙ u ⊙ σ(g)(1 + g(1 - σ(g))), du = da ⊙ silu(g).
void qlora_swiglu_backward(
    qlora_vector_level level, const float *gate, const float *up, const float *activated_gradient,
    float *gate_gradient, float *up_gradient, ptrdiff_t count);

/// The causal-LM loss of `rows` rows of logits, the first being token `first_row`: row n's
/// cross-entropy against ids[n + 1] into `row_losses` (0 for the last token of a sequence), and
/// when `gradient` is not null, d(mean loss)/d logits: (softmax - one-hot) / `predicted`, 0 on
/// the last token. `logits`, `row_losses` and `gradient` point at the first row; `ids` at token 0.
void qlora_cross_entropy_rows(
    qlora_vector_level level, const float *logits, const int32_t *ids, ptrdiff_t first_row, ptrdiff_t rows,
    ptrdiff_t sequence_length, ptrdiff_t vocabulary, ptrdiff_t predicted, float *row_losses, float *gradient);

#endif
