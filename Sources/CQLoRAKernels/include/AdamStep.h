#ifndef CQLORAKERNELS_ADAM_STEP_H
#define CQLORAKERNELS_ADAM_STEP_H

#include <stddef.h>
#include "VectorLevel.h"

/// The numbers one Adam step uses for every parameter of a tensor.
typedef struct qlora_adam_coefficients {
    /// 1 - lr λ for AdamW's decoupled weight decay, else 1.
    float decay_factor;
    /// λ for Adam's weight decay added to the gradient, else 0.
    float coupled_decay;
    float beta1;
    float beta2;
    /// lr / (1 - β1ᵗ).
    float step_size;
    /// sqrt(1 - β2ᵗ).
    float correction2_root;
    float epsilon;
} qlora_adam_coefficients;

/// Updates `count` parameters and their moments m and v in place from their gradient, as
/// `torch.optim.Adam` does, one parameter's arithmetic the same in every variant:
///
///     p = p (1 - lr λ)                 g = g + λ p
///     m = m + (1 - β1)(g - m)          v = β2 v + (1 - β2) g²
///     p = p - lr / (1 - β1ᵗ) · m / (sqrt(v) / sqrt(1 - β2ᵗ) + ε)
void qlora_adam_step(
    qlora_vector_level level, float *parameters, const float *gradient, float *m, float *v, ptrdiff_t count,
    qlora_adam_coefficients coefficients);

#endif
